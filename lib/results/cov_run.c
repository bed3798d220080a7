// SPDX-License-Identifier: GPL-2.0
/* cov_run.c - a run's function coverage: the union of its variants'. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run_read.h"

static int by_fn(const void *a, const void *b)
{
	return strcmp(((const struct ut_fn_rec *)a)->name, ((const struct ut_fn_rec *)b)->name);
}

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
	qsort(u->fn, n, sizeof(*u->fn), by_fn);
	for (int i = 0; i < n; i++) {
		if (u->nfn && !strcmp(u->fn[u->nfn - 1].name, u->fn[i].name)) {
			u->fn[u->nfn - 1].hits += u->fn[i].hits;
			u->fn[u->nfn - 1].variants += u->fn[i].variants;
		} else {
			u->fn[u->nfn++] = u->fn[i];
		}
	}
	return 0;
}
