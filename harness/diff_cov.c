// SPDX-License-Identifier: GPL-2.0
/*
 * diff_cov.c - what diff says about function coverage: the overlayfs
 * functions one run reached (any of its variants) and the other did not.
 * Only when both runs recorded coverage; a function neither reached, or
 * that one kernel could not probe and the other did not reach, is no
 * change.
 */
#include <stdio.h>
#include <string.h>

#include "diff.h"

static int fn_line(struct ut_diff *d, const char *name, uint64_t ha, uint64_t hb)
{
	struct ut_change c = { .file = UT_DIFF_ALL, .role = "coverage", .op = name,
			       .na = ha, .nb = hb };

	if (!ha == !hb)
		return 0;
	c.kind = hb ? UT_CH_FN_GAINED : UT_CH_FN_LOST;
	return ut_diff_add(d, &c);
}

static bool has_coverage(const struct ut_cov_rec *u)
{
	return u->status && !strcmp(u->status, "ok");
}

/* Both unions are sorted by name: one merge. */
static int merge(struct ut_diff *d, const struct ut_cov_rec *a, const struct ut_cov_rec *b)
{
	int i = 0, j = 0, err = 0;

	while (!err && (i < a->nfn || j < b->nfn)) {
		int o = i >= a->nfn ? 1 : j >= b->nfn ? -1 : strcmp(a->fn[i].name, b->fn[j].name);

		err = fn_line(d, o <= 0 ? a->fn[i].name : b->fn[j].name, o <= 0 ? a->fn[i].hits : 0,
			      o >= 0 ? b->fn[j].hits : 0);
		i += o <= 0;
		j += o >= 0;
	}
	return err;
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
		err = merge(d, &ua, &ub);
	ut_cov_free(&ua);
	ut_cov_free(&ub);
	return err;
}
