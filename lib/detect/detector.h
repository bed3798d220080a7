/* SPDX-License-Identifier: GPL-2.0 */
/*
 * detector.h - the checks that turn what happened into findings.
 *
 * Each detector is one file in lib/detect/ and one line in the table of
 * detectors.c.  It runs on one side:
 *   - the supervisor's (kernel log, taint, exits, watchdog, errnos,
 *     self-check), which never touches a layer or the overlay;
 *   - the runner's (busy umount, ovl_inode slab, kmemleak, busy layer fs),
 *     whose after() hooks are the teardown steps, each bounded by the
 *     supervisor as a step of its own.
 * before() returns the detector's own state (or NULL), in table order;
 * after() adds findings and frees it, in reverse order, so set-up and
 * teardown nest (the layers, made first, go last).  tick() runs while the
 * engine runs.
 */
#ifndef UT_DETECTOR_H
#define UT_DETECTOR_H

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "engine.h"
#include "failinj.h"
#include "layers.h"
#include "results.h"

enum ut_det_side { UT_DET_SUPERVISOR, UT_DET_RUNNER };

#define UT_DET_MAX	24

/* How the runner ended, as the supervisor saw it. */
struct ut_runner_fate {
	pid_t pid;
	bool reaped, killed_by_us, abandoned;
	int status;			/* wait status, when reaped */
	bool stuck;			/* outlived its step's bound */
	bool procs_reaped;		/* it reaped its workers and mutators */
	const char *step;		/* the step it was in at the end */
	double step_s;			/* how long it had been in that step */
	char state;			/* task state when abandoned */
	char stack[6144];		/* what it (and its children) were doing */
};

struct ut_det_ctx {
	const struct ut_scenario *sc;
	struct ut_result *r;		/* findings go here */
	json_t *snap;			/* the result's "snapshots" */
	json_t *kmsg;			/* kernel records kept as evidence */
	int kmsg_first_bad;		/* index in @kmsg of the first crash/hang/leak record + 1 */
	const struct ut_engine *e;	/* shared memory; e->sh NULL before fork */
	/* runner: its layers; supervisor: the runner's copy, to name pids */
	struct ut_layers *lay;
	const struct ut_runner_fate *runner;	/* supervisor side only */
	double hang_timeout;
	bool sysrq, kmemleak, coverage;
	json_t *keys;			/* supervisor: more top-level keys of the result */
	struct ut_fail_cfg fail;	/* --fail, mask 0 = off */
	const char *ovl_opts;		/* runner: the options it mounted with */
	double runtime;			/* runner: how long the ops are to run (s) */
	/* What happened so far, for detectors that must not judge a stuck run. */
	bool hung, busy, mounted, interrupted;
	void *state[UT_DET_MAX];
};

struct ut_detector {
	const char *name;		/* also the runner's step name */
	enum ut_det_side side;
	double bound_s;			/* runner side: step bound, + hang timeout */
	void *(*before)(struct ut_det_ctx *c);
	void (*after)(struct ut_det_ctx *c, void *state);
	/*
	 * While the engine runs: supervisor side, true when it found a hang;
	 * runner side, its work between the runner's polls (return ignored).
	 */
	bool (*tick)(struct ut_det_ctx *c, void *state, double now);
};

/* The table, in the order the detectors run; NULL-terminated. */
extern const struct ut_detector *const ut_detectors[];

/* Number of detectors in the table. */
int ut_detect_count(void);
/* Every @side detector's before(), in table order. */
void ut_detect_before(struct ut_det_ctx *c, enum ut_det_side side);
/* Detector @i's after() (states are freed), when it is on @side. */
void ut_detect_after_one(struct ut_det_ctx *c, int i, enum ut_det_side side);
/* Every @side detector's after(), in reverse table order. */
void ut_detect_after(struct ut_det_ctx *c, enum ut_det_side side);
/* Every tick(); true when one of them found a hang. */
bool ut_detect_tick(struct ut_det_ctx *c, double now);
/*
 * det_coverage.c: set function coverage up for the run now (it is kept for
 * every later scenario).  0, or -1 with the kernel's reason in @why.
 */
int ut_coverage_probe(char *why, size_t sz);
/* Is @pid the runner, one of its workers or mutators, or a FUSE server? */
bool ut_det_is_ours(const struct ut_det_ctx *c, pid_t pid);

#endif
