// SPDX-License-Identifier: GPL-2.0
/* cov_run.c - a run's function coverage: the union of its variants'. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run_read.h"

/* Status and reason of the union: ok once any variant has coverage. */
static int count_fns(const struct ut_run_rec *r, struct ut_cov_rec *u)
{
	int n = 0;

	for (int i = 0; i < r->n; i++) {
		const struct ut_cov_rec *c = &r->v[i].res.cov;

		if (!r->v[i].have_res || !c->status)
			continue;
		if (!strcmp(c->status, "ok")) {
			u->status = c->status;
			u->reason = "";
			n += c->nfn;
		} else if (!u->status) {
			u->status = c->status;
			u->reason = c->reason;
		}
	}
	return n;
}

/* The union of the variants' blocks: hits summed per block and per line. */
static int run_blocks(const struct ut_run_rec *r, struct ut_blk_rec *u)
{
	int np = 0, nl = 0;

	for (int i = 0; i < r->n; i++) {
		const struct ut_blk_rec *b = &r->v[i].res.cov.blk;

		if (!r->v[i].have_res || !b->status)
			continue;
		if (!strcmp(b->status, "ok") && (!u->status || strcmp(u->status, "ok")))
			*u = (struct ut_blk_rec){ .status = b->status, .reason = "",
						  .build_id = b->build_id, .map = b->map,
						  .sites = b->sites, .lines_total = b->lines_total };
		else if (!u->status)
			*u = (struct ut_blk_rec){ .status = b->status, .reason = b->reason };
		np += b->npc;
		nl += b->nline;
	}
	if (!(u->pc = calloc(np + 1, sizeof(*u->pc))) || !(u->line = calloc(nl + 1, sizeof(*u->line))))
		return -ENOMEM;
	for (int i = 0; i < r->n; i++) {
		const struct ut_blk_rec *b = &r->v[i].res.cov.blk;

		if (!r->v[i].have_res || !b->status || strcmp(b->status, "ok"))
			continue;
		memcpy(u->pc + u->npc, b->pc, b->npc * sizeof(*b->pc));
		memcpy(u->line + u->nline, b->line, b->nline * sizeof(*b->line));
		u->npc += b->npc;
		u->nline += b->nline;
		u->unmapped += b->unmapped;
	}
	u->npc = ut_cov_fold(u->pc, u->npc);
	u->nline = ut_cov_fold(u->line, u->nline);
	return 0;
}

int ut_run_coverage(const struct ut_run_rec *r, struct ut_cov_rec *u)
{
	int n = 0, total;

	memset(u, 0, sizeof(*u));
	total = count_fns(r, u);
	if (!(u->fn = calloc(total + 1, sizeof(*u->fn))))
		return -ENOMEM;
	for (int i = 0; i < r->n; i++) {
		const struct ut_cov_rec *c = &r->v[i].res.cov;

		if (r->v[i].have_res && c->status && !strcmp(c->status, "ok"))
			for (int k = 0; k < c->nfn; k++)
				u->fn[n++] = c->fn[k];
	}
	u->nfn = ut_cov_fold(u->fn, n);
	return run_blocks(r, &u->blk);
}
