// SPDX-License-Identifier: GPL-2.0
/* steps.c - the runner's steps: their names and how long each may take. */
#include "engine.h"
#include "runctl.h"

/* Bounds (s) of the set-up steps; a hang timeout is added to each. */
static const struct {
	const char *name;
	double bound;
} steps[] = {
	[UT_STEP_FORK] = { "fork", 10 },
	[UT_STEP_LAYERS] = { "layers", 60 },	/* mkfs on loop devices, FUSE start */
	[UT_STEP_SEED] = { "seed", 30 },
	[UT_STEP_MOUNT] = { "mount", 30 },
	[UT_STEP_PREPARE] = { "prepare", 10 },	/* root dirfds, a few handles */
	[UT_STEP_START] = { "start", 20 },	/* engine set-up bound is 10 */
	[UT_STEP_RUN] = { "run", 10 },		/* + the run time */
};

const char *ut_step_name(int step)
{
	if (step >= 0 && step < UT_STEP_DETECT)
		return steps[step].name;
	if (step >= UT_STEP_DETECT && step - UT_STEP_DETECT < ut_detect_count())
		return ut_detectors[step - UT_STEP_DETECT]->name;
	return step == UT_STEP_DONE ? "exit" : "?";
}

double ut_step_bound(int step, const struct ut_run_cfg *cfg, double runtime)
{
	double b = 10;

	if (step >= 0 && step < UT_STEP_DETECT)
		b = steps[step].bound;
	else if (step >= UT_STEP_DETECT && step - UT_STEP_DETECT < ut_detect_count())
		b = ut_detectors[step - UT_STEP_DETECT]->bound_s;
	if (step == UT_STEP_RUN)
		b += runtime;
	return b + cfg->hang_timeout;
}

void ut_step_enter(struct ut_runctl *ctl, int step)
{
	ctl->step_t0 = ut_now();
	__atomic_store_n(&ctl->step, step, __ATOMIC_RELEASE);
}
