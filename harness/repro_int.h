/* SPDX-License-Identifier: GPL-2.0 */
/*
 * repro_int.h - undertow repro's state, shared by repro.c (the command,
 * tuning and emitting) and repro_min.c (reproducing and minimising).
 */
#ifndef UT_REPRO_INT_H
#define UT_REPRO_INT_H

#include <stdbool.h>

#include <jansson.h>

#include "engine.h"
#include "run.h"
#include "script.h"
#include "verdict.h"

struct repro {
	const struct ut_variant *v;
	struct ut_run_cfg cfg;		/* the candidate being tried */
	enum ut_verdict want;
	char want_reason[256];
	int tries, runs, checks;
	double t0, budget_s;
	json_t *procs;			/* trace rings of the last run that reproduced */
	char got_reason[256];		/* its reason */
	char ovl_opts[512];
	double runtime_s;		/* of the runs that reproduced */
	bool dead;			/* the kernel failed the health probe */
	int stream;			/* --stream -: stdout, else -1 */
	char kernel[128];		/* the program's kernel, for its comment */
	char why[512];
};

static inline bool out_of_time(const struct repro *R)
{
	return ut_now() - R->t0 > R->budget_s || ut_interrupted || R->dead;
}

/* One supervised run of the candidate: did the finding come back? */
bool ut_repro_attempt(struct repro *R);
/* Fewer workers and mutators, then fewer ops in each role's mix. */
void ut_repro_reduce_mix(struct repro *R);
/* The script of a reproducing run's traces, checked; false with R->why. */
bool ut_repro_traced_script(struct repro *R, struct ut_script *s);
/* Whole processes, repeats, then delta debugging on each one's steps. */
void ut_repro_minimise(struct repro *R, struct ut_script *s);

#endif
