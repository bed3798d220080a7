/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diff.h - compare two runs' results: return codes that appeared, vanished
 * or shifted beyond noise, verdicts that changed, variants only in one run.
 * The runs come from the typed reader (run_read.h); diff.c compares them,
 * diff_out.c writes the table and the JSON, report shows the changes.
 */
#ifndef UT_DIFF_H
#define UT_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "run_read.h"

/*
 * The noise rule: a return code's share of an op's calls (p = n/calls)
 * shifted only when it moved by more than UT_DIFF_MIN_SHARE and a
 * two-proportion z-test gives |z| > UT_DIFF_MIN_Z.
 */
#define UT_DIFF_MIN_SHARE	0.05
#define UT_DIFF_MIN_Z		4.0
#define UT_DIFF_RULE	"a return code's share of an op's calls (p = n/calls) " \
			"shifted only when |pB - pA| > 5 points and a two-proportion " \
			"z-test gives |z| > 4; a code seen in only one run appeared or vanished"

enum ut_change_kind {
	UT_CH_WORSE,		/* verdict got worse */
	UT_CH_BETTER,		/* verdict got better */
	UT_CH_VERDICT,		/* verdict changed, one of them unknown */
	UT_CH_ONLY_A,		/* variant only in run A */
	UT_CH_ONLY_B,
	UT_CH_OP_ONLY_A,	/* op called only in run A */
	UT_CH_OP_ONLY_B,
	UT_CH_APPEARED,		/* return code: 0 in A, > 0 in B */
	UT_CH_VANISHED,		/* > 0 in A, 0 in B */
	UT_CH_SHIFTED,		/* share moved beyond noise */
	UT_CH_FN_GAINED,	/* an overlayfs function reached in B, not in A (--coverage) */
	UT_CH_FN_LOST,		/* reached in A, not in B */
	UT_CH_LINE_GAINED,	/* an fs/overlayfs line reached in B, not in A (instrumented overlay.ko) */
	UT_CH_LINE_LOST,	/* reached in A, not in B */
	UT_CH_NKINDS
};

/* One line of the diff.  Strings point into the runs read. */
struct ut_change {
	enum ut_change_kind kind;
	const char *file;	/* variant */
	const char *role;	/* "workers", "mutators", or NULL for verdicts */
	const char *op;		/* NULL for verdict and variant lines; a function's name */
	const char *ret;	/* "ESTALE"; NULL unless a return code line */
	uint64_t na, ca, nb, cb;	/* count and op calls in A and B (functions: hits) */
	double z;		/* two-proportion z of the share, B against A */
	const char *va, *vb;	/* verdicts, for verdict and variant lines */
};

struct ut_diff {
	struct ut_change *v;
	int n, cap;
	int count[UT_CH_NKINDS];
};

const char *ut_change_name(enum ut_change_kind k);	/* "appeared", ... */

/* The share test alone: true when n/c moved beyond noise; *z gets z. */
bool ut_diff_shifted(uint64_t na, uint64_t ca, uint64_t nb, uint64_t cb, double *z);

/* Every change from @a to @b, in A's variant order, functions last.  0 or -ENOMEM. */
int ut_diff_runs(const struct ut_run_rec *a, const struct ut_run_rec *b, struct ut_diff *d);
/* Append @c to @d.  0 or -ENOMEM. */
int ut_diff_add(struct ut_diff *d, const struct ut_change *c);
/*
 * Functions reached in one run's coverage (the union of its variants) and
 * not in the other's, when both have coverage.  0 or -ENOMEM.
 */
int ut_diff_coverage(const struct ut_run_rec *a, const struct ut_run_rec *b, struct ut_diff *d);
/* Lines reached in one run's blocks and not in the other's, when both have lines.  0 or -ENOMEM. */
int ut_diff_lines(const struct ut_cov_rec *a, const struct ut_cov_rec *b, struct ut_diff *d);
/*
 * "# A: coverage: 120 of 244 overlayfs functions reached", when @r recorded
 * coverage, and its blocks and lines when overlay.ko was instrumented.
 */
void ut_diff_cov_describe(FILE *out, const char *tag, const struct ut_run_rec *r);
/* The label of function lines in the variant column: they are the runs' unions. */
#define UT_DIFF_ALL	"(all variants)"
void ut_diff_free(struct ut_diff *d);

/*
 * undertow diff: the table to @out, the JSON to @output (NULL: into B as
 * diff-<run id of A>.json), errors as one "undertow: " line to @err.
 * Returns 1 when a verdict got worse, 0 otherwise, 2 on a usage error.
 */
int ut_diff_main(const char *dir_a, const char *dir_b, const char *output, FILE *out,
		 FILE *err);

struct ut_opts;
int ut_cmd_diff(const struct ut_opts *o);

#endif
