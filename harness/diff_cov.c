// SPDX-License-Identifier: GPL-2.0
/*
 * diff_cov.c - what diff says about function coverage: the overlayfs
 * functions one run reached (any of its variants) and the other did not.
 * Only when both runs recorded coverage; a function neither reached, or
 * that one kernel could not probe and the other did not reach, is no
 * change.  With an instrumented overlay.ko in both, the fs/overlayfs lines
 * one reached and the other did not, too.
 */
#include <stdio.h>
#include <string.h>

#include "diff.h"

static int fn_line(struct ut_diff *d, const char *role, enum ut_change_kind gained,
		   const char *name, uint64_t ha, uint64_t hb)
{
	struct ut_change c = { .file = UT_DIFF_ALL, .role = role, .op = name,
			       .na = ha, .nb = hb };

	if (!ha == !hb)
		return 0;
	c.kind = hb ? gained : gained + 1;	/* the lost kind follows the gained one */
	return ut_diff_add(d, &c);
}

static bool has_coverage(const struct ut_cov_rec *u)
{
	return u->status && !strcmp(u->status, "ok");
}

/* Both lists are sorted by name: one merge. */
static int merge(struct ut_diff *d, const char *role, enum ut_change_kind gained,
		 const struct ut_fn_rec *a, int na, const struct ut_fn_rec *b, int nb)
{
	int i = 0, j = 0, err = 0;

	while (!err && (i < na || j < nb)) {
		int o = i >= na ? 1 : j >= nb ? -1 : strcmp(a[i].name, b[j].name);

		err = fn_line(d, role, gained, o <= 0 ? a[i].name : b[j].name,
			      o <= 0 ? a[i].hits : 0, o >= 0 ? b[j].hits : 0);
		i += o <= 0;
		j += o >= 0;
	}
	return err;
}

static bool has_lines(const struct ut_blk_rec *b)
{
	return b->status && !strcmp(b->status, "ok") && b->lines_total > 0;
}

int ut_diff_lines(const struct ut_cov_rec *a, const struct ut_cov_rec *b, struct ut_diff *d)
{
	if (!has_lines(&a->blk) || !has_lines(&b->blk))
		return 0;
	return merge(d, "lines", UT_CH_LINE_GAINED, a->blk.line, a->blk.nline, b->blk.line,
		     b->blk.nline);
}

static double pct(int64_t n, int64_t of)
{
	return of > 0 ? 100.0 * (double)n / (double)of : 0.0;
}

static void describe_blocks(FILE *out, const char *tag, const struct ut_blk_rec *b)
{
	if (!b->status)
		return;
	if (strcmp(b->status, "ok"))
		fprintf(out, "# %s: coverage: blocks: %s (%s)\n", tag, b->status, b->reason);
	else if (b->sites)
		fprintf(out, "# %s: coverage: blocks %d of %lld (%.1f %%), lines %d of %lld "
			"(%.1f %%)\n", tag, b->npc, (long long)b->sites, pct(b->npc, b->sites),
			b->nline, (long long)b->lines_total, pct(b->nline, b->lines_total));
	else
		fprintf(out, "# %s: coverage: %d blocks reached, no lines (%s)\n", tag, b->npc,
			b->map);
}

void ut_diff_cov_describe(FILE *out, const char *tag, const struct ut_run_rec *r)
{
	struct ut_cov_rec u;

	if (ut_run_coverage(r, &u) || !u.status) {
		ut_cov_free(&u);
		return;
	}
	if (has_coverage(&u))
		fprintf(out, "# %s: coverage: %d of %d overlayfs functions reached\n", tag,
			ut_cov_reached(&u), u.nfn);
	else
		fprintf(out, "# %s: coverage: %s (%s)\n", tag, u.status, u.reason);
	describe_blocks(out, tag, &u.blk);
	ut_cov_free(&u);
}

int ut_diff_coverage(const struct ut_run_rec *a, const struct ut_run_rec *b, struct ut_diff *d)
{
	struct ut_cov_rec ua, ub;
	int err = ut_run_coverage(a, &ua);

	if (err)
		return err;
	err = ut_run_coverage(b, &ub);
	if (!err && has_coverage(&ua) && has_coverage(&ub))
		err = merge(d, "coverage", UT_CH_FN_GAINED, ua.fn, ua.nfn, ub.fn, ub.nfn);
	if (!err)
		err = ut_diff_lines(&ua, &ub, d);
	ut_cov_free(&ua);
	ut_cov_free(&ub);
	return err;
}
