/* SPDX-License-Identifier: GPL-2.0 */
/*
 * repro.h - undertow repro: from a finding to a small standalone C program.
 *
 *   reproduce  re-run the result's variant (its seed, then others) until the
 *              same verdict comes back, within --tries;
 *   minimise   fewer workers and mutators, ops left out of the mix, then the
 *              ops each process really issued (a script, script.h) cut down
 *              by delta debugging, keeping only what still reproduces;
 *   emit       the script as C: set-up of the layers, one forked process per
 *              role, a loop over its ops (repro_emit.c, repro_ops.c).
 *
 * Verifying the program (in fresh VMs, K times) is harness/repro-verify.sh.
 */
#ifndef UT_REPRO_H
#define UT_REPRO_H

#include <stddef.h>

#include "scenario.h"
#include "script.h"

/* What a C op needs beyond its statement. */
enum {
	UT_HELP_DIR = 1,	/* readdir_fd() */
	UT_HELP_RMTREE = 2,	/* rmtree() and seed() */
};

struct ut_op_c {
	ut_op_fn fn;
	const char *tmpl;	/* $D dirfd, $A/$B names, $X arg, $L layer char, $O opaque xattr */
	unsigned helpers;
};

/* The C form of an op function, or NULL (io_uring, file handles). */
const struct ut_op_c *ut_op_c_find(ut_op_fn fn);

/* --race's tuning for a two-op race (NULL in struct ut_emit: no tuning). */
struct ut_race_tune {
	long long offset_ns, skew_ns;	/* race.h's signs */
	double rate;			/* the best bucket's hit rate */
};

struct ut_emit {
	const struct ut_scenario *sc;
	const struct ut_script *script;
	const char *ovl_opts;	/* the merged options the run mounted with */
	int nlower;		/* lowers, extra ones of the option set included */
	const char *about;	/* comment lines for the top (what, which kernel) */
	double round_s;		/* one round on a fresh overlay: a run's length */
	const struct ut_race_tune *race;	/* two ops, lined up in time */
};

/* The program's text (malloc'd), or NULL with @why. */
char *ut_repro_emit_c(const struct ut_emit *em, char *why, size_t sz);
/* Lines of op statements in an emitted program (the size the issue counts). */
int ut_repro_op_lines(const char *c_text);

struct ut_opts;
struct ut_variant;
struct ut_run_cfg;
/*
 * A script of one worker process against one mutator process: race them
 * (--race; one op each, or their step lists whole) for @secs and fill @t
 * with the offset that made the kernel complain most.  0 tuned; -1 not
 * two processes (@line empty), or no offset did (@line says so, with the
 * rates).
 */
int ut_repro_tune(const struct ut_variant *v, const struct ut_run_cfg *base,
		  const struct ut_script *s, double secs, struct ut_race_tune *t, char *line,
		  size_t sz);
/*
 * @s with, after each step that uses up its name, the step that brings it
 * back (repro_restore.c) appended to @out: how many were added, -1 if @s
 * would not copy.
 */
int ut_repro_restoring(const struct ut_scenario *sc, const struct ut_script *s,
		       struct ut_script *out);
/* undertow repro RESULT.json: the exit code. */
int ut_repro_main(const struct ut_opts *o, const struct ut_variant *v, const char *result,
		  int argc, char **argv);

#endif
