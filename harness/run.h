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
#include "runout.h"
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
	uint16_t wt[2][UT_MAX_OPS];	/* --op-weights: weights per role, 0 = declared */
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

/* An open run: its directory and logs, settings, rows, what to restore. */
struct ut_run {
	struct run_state st;
	struct ut_run_cfg cfg;		/* from the options; cfg.root is st.root */
	json_t *rows;			/* the summary table */
	long hung_old;			/* hung_task_timeout_secs to put back, -1 none */
	bool fail_ok;			/* --fail works here (else fail_why) */
	char fail_why[256];
};

/*
 * Open a run (results/<run-id>/, KTAP header with @nplan tests, host
 * settings lowered).  0, or the exit code to return.  @x must not move.
 */
int ut_run_begin(struct ut_run *x, const struct ut_opts *o, int nplan, int argc, char **argv,
		 bool unprivileged);
/* Close it: totals, run.json complete, settings restored.  The exit code. */
int ut_run_end(struct ut_run *x);
/*
 * After a crash or hang: can the kernel still do a runner's work?  false,
 * with "kernel unusable after NAME: WHAT" in @why (also a # line), if not.
 */
bool ut_run_kernel_usable(struct ut_run *x, const struct ut_result *r, const char *name,
			  char *why, size_t sz);
/*
 * Run every selected variant: KTAP on stdout, results/<run-id>/ on disk.
 * Returns the exit code (UT_EXIT_*).
 */
int ut_run_list(const struct ut_opts *o, const struct ut_variant *sel, int nsel,
		int argc, char **argv, bool unprivileged);

#endif
