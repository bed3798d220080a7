/* SPDX-License-Identifier: GPL-2.0 */
/* run.h - a run of variants, and one variant under supervision. */
#ifndef UT_RUN_H
#define UT_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "failinj.h"
#include "matrix.h"
#include "race.h"
#include "results.h"
#include "scenario.h"

struct ut_run_cfg {
	uint64_t seed;
	double time_s;			/* 0 = the scenario's default */
	int workers, mutators;
	double hang_timeout;
	const char *root;		/* where scenario directories go */
	int index;			/* 1-based, names the directory */
	const char *self;		/* how to call undertow, for replay */
	bool kmemleak;			/* scan after each scenario */
	bool sysrq;			/* sysrq-w on a hang */
	bool coverage;			/* function coverage per scenario */
	bool unprivileged;		/* in a user namespace: userxattr, no loop devices */
	struct ut_fail_cfg fail;	/* --fail, mask 0 = off */
	const struct ut_script *script;	/* --script / repro: fixed op sequences */
	uint32_t off[2];		/* repro: ops left out, per role (bit = op index) */
	const struct ut_race_cfg *race;	/* --race, NULL = the weighted op mix */
};

/* Set by the SIGINT/SIGTERM handler: the scenario stops within a bound. */
extern volatile sig_atomic_t ut_interrupted;
/* SIGINT/SIGTERM set ut_interrupted; SIGPIPE is ignored. */
void ut_install_signals(void);

#define UT_DEFAULT_RUNTIME 2.0

/*
 * Run one variant under supervision: a runner child does the work, this
 * process only watches.  @r is filled (verdict, histograms, findings)
 * whatever the kernel does to the runner.
 */
void ut_run_variant(const struct ut_variant *v, const struct ut_run_cfg *cfg,
		    struct ut_result *r);

struct ut_opts;
/*
 * Run every selected variant: KTAP on stdout, results/<run-id>/ on disk.
 * Returns the exit code (UT_EXIT_*).
 */
int ut_run_list(const struct ut_opts *o, const struct ut_variant *sel, int nsel,
		int argc, char **argv, bool unprivileged);

#endif
