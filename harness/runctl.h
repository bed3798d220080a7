/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runctl.h - what the supervisor and a scenario's runner share: the step
 * the runner is in (each bounded by the supervisor), two requests the
 * other way, and a pipe of findings (one JSON object per line).
 */
#ifndef UT_RUNCTL_H
#define UT_RUNCTL_H

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "detector.h"
#include "run.h"

enum ut_step {
	UT_STEP_FORK = 0,	/* forked, not yet isolated */
	UT_STEP_LAYERS,		/* making the layers on the backend */
	UT_STEP_SEED,		/* seeding the tree in each layer */
	UT_STEP_MOUNT,		/* mounting the overlay */
	UT_STEP_PREPARE,	/* root dirfds, the scenario's prepare() */
	UT_STEP_START,		/* forking workers and mutators */
	UT_STEP_RUN,		/* ops running, then stop and reap */
	UT_STEP_DETECT,		/* + i: runner-side detector i's after() */
	UT_STEP_DONE = 1000,	/* everything reported: about to exit */
};

/* MAP_SHARED between the two; only the noted side writes a field. */
struct ut_runctl {
	volatile int step;		/* runner */
	volatile double step_t0;	/* runner: when the step began */
	volatile int hang;		/* supervisor: a process is stuck: abort, kill */
	volatile int stop;		/* supervisor: interrupted: stop now */
	volatile int procs_reaped;	/* runner: its processes are all accounted for */
	volatile double duration_s;	/* runner: how long the ops ran */
	volatile int lay_ready;		/* runner: @lay holds its layers */
	/* runner: a copy of its layers, for the supervisor to abort them */
	struct ut_layers lay;
};

const char *ut_step_name(int step);
/* How long the runner may stay in @step before it is a hang. */
double ut_step_bound(int step, const struct ut_run_cfg *cfg, double runtime);
void ut_step_enter(struct ut_runctl *ctl, int step);

/* Runner: send the findings after the first @sent and the snapshots; clears @snap. */
int ut_msg_send(int fd, const struct ut_findings *f, int *sent, json_t *snap);
/* Runner: send the overlay options it mounted with. */
int ut_msg_send_opts(int fd, const char *opts);
/*
 * Supervisor: read what is there now (non-blocking fd) and apply each
 * whole line to @r and @snap.  @buf keeps a partial line between calls.
 */
void ut_msg_recv(int fd, struct ut_result *r, json_t *snap, char **buf, size_t *len);

/* The runner's life: never returns. */
void ut_runner_main(const struct ut_variant *v, const struct ut_run_cfg *cfg,
		    struct ut_runctl *ctl, struct ut_engine *e, int msgfd, double runtime)
	__attribute__((noreturn));

#endif
