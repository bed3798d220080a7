// SPDX-License-Identifier: GPL-2.0
/*
 * det_effective.c - an op that ran but never reached the path it exists
 * for (scenario.h: effective) tests nothing there: say so, as information.
 * A scenario whose mutators leave no file at the names its writers use
 * never copies up, and nothing else would tell.
 */
#include "detector.h"

static void check(struct ut_det_ctx *c, const struct ut_hist *h, int n, const char *who)
{
	for (int k = 0; k < n; k++)
		if (h[k].calls && !h[k].effective)
			ut_finding_add(&c->r->findings, UT_PASS,
				       "%sop %s never reached its path (0 of %llu calls)", who,
				       h[k].name, (unsigned long long)h[k].calls);
}

static void effective_after(struct ut_det_ctx *c, void *state)
{
	(void)state;
	/* A run cut short by a hang or ^C says nothing about its ops' reach. */
	if (c->hung || c->interrupted)
		return;
	check(c, c->r->ops, c->r->nops, "");
	check(c, c->r->muts, c->r->nmuts, "mutator ");
}

const struct ut_detector ut_det_effective = {
	.name = "effective", .side = UT_DET_SUPERVISOR, .after = effective_after,
};
