/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report_model.h - what the report page shows, computed from the typed
 * results (run_read.h) before any HTML is written: the runs, their diff,
 * the return codes in legend order, and per variant the stacked bars of
 * the workers and of the mutators.  report_html.c and report_var.c only
 * render this.
 */
#ifndef UT_REPORT_MODEL_H
#define UT_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blkmap.h"
#include "diff.h"
#include "run_read.h"
#include "verdict.h"

/* A return code on the page; the legend's order is every bar's order. */
struct ut_rpt_code {
	const char *name;	/* "ESTALE" */
	uint64_t n;		/* over the whole page */
};

/* One stacked bar: per page code (legend order), how many of @calls. */
struct ut_rpt_bar {
	bool shown;		/* false: not in this run (no result, op not called) */
	uint64_t calls;
	uint64_t *n;		/* [ncodes] */
};

/* The workers' or the mutators' rows of one variant. */
struct ut_rpt_role {
	const char *role;	/* "workers", "mutators" */
	const char **ops;	/* both runs' ops, sorted by name */
	int nops;
	struct ut_rpt_bar total[2];	/* all ops of run A, B */
	struct ut_rpt_bar *op[2];	/* [nops] per run */
};

struct ut_rpt_var {
	const char *file;	/* file stem */
	const struct ut_run_var *v[2];	/* NULL: not in that run */
	const struct ut_run_var *any;	/* the first of them */
	struct ut_rpt_role role[2];	/* workers, mutators */
	int nchanges;		/* lines of the diff on this variant */
};

struct ut_rpt {
	struct ut_run_rec run[2];
	int nrun;
	struct ut_diff diff;	/* with two runs */
	struct ut_rpt_code *codes;
	int ncodes;
	struct ut_rpt_var *var;	/* A's order, then those only in B */
	int nvar;
	int verdicts[2][UT_NVERDICT];	/* variants per verdict, per run */
	struct ut_cov_rec cov[2];	/* function coverage, the union of each run's variants */
	struct ut_bmap map;		/* the block map of the last run that has one */
	bool have_map;
};

/*
 * Read @n (1 or 2) run directories and compute the page.  0, or -1 with
 * one line in @why (the path at fault first).
 */
int ut_rpt_build(struct ut_rpt *m, const char *const *dirs, int n, char *why, size_t sz);
void ut_rpt_free(struct ut_rpt *m);

/*
 * The codes of @b with a count, most first (ties by name): indexes into
 * m->codes, into @idx (room for m->ncodes).  Returns how many.
 */
int ut_rpt_bar_order(const struct ut_rpt *m, const struct ut_rpt_bar *b, int *idx);

#endif
