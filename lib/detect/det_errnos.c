// SPDX-License-Identifier: GPL-2.0
/*
 * det_errnos.c - the errno policy: what a plain filesystem gives under
 * concurrent namespace changes is expected, the scenario's documented
 * "undefined results" are tolerated, known kernel bugs are reported, and
 * anything else is a failure.
 */
#include <errno.h>
#include <stdio.h>

#include "detector.h"

static const int expected_errnos[] = {
	ENOENT, EEXIST, ENOTEMPTY, ENOTDIR, EISDIR, ELOOP, EXDEV, EMLINK, 0
};

static bool in_list(const int *l, int err)
{
	for (; l && *l; l++)
		if (*l == err)
			return true;
	return false;
}

/* The raw values behind an op's "EOTHER" count, e.g. " (values: -512)". */
static void other_values(const struct ut_det_ctx *c, int role, int k, char *buf, size_t sz)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; c->e->sh && i < c->e->sh->nproc; i++) {
		const struct ut_proc *p = &c->e->sh->proc[i];

		if (p->role == role && p->other[k] && used < sz)
			used += snprintf(buf + used, sz - used, "%s%d",
					 used ? ", " : " (values: ", p->other[k]);
	}
	if (used && used < sz)
		snprintf(buf + used, sz - used, ")");
}

static void check(struct ut_det_ctx *c, const struct ut_hist *h, int n, int role)
{
	const char *who = role == UT_MUTATOR ? "mutator" : "worker";
	char vals[128];

	for (int k = 0; k < n; k++)
		for (int b = 1; b < UT_NBUCKET; b++) {
			int e = ut_bucket_errno(b);

			if (!h[k].ret[b] || in_list(expected_errnos, e) ||
			    in_list(c->sc->tolerated, e))
				continue;
			/* --fail: the failures injected come back as ENOMEM */
			if (e == ENOMEM && c->fail.mask) {
				ut_finding_add(&c->r->findings, UT_PASS, "%s op %s returned ENOMEM "
					       "%llu times (injected failures, --fail)", who, h[k].name,
					       (unsigned long long)h[k].ret[b]);
				continue;
			}
			if (in_list(c->sc->known, e)) {
				ut_finding_add(&c->r->findings, UT_PASS,
					       "known kernel issue: %s op %s returned %s (%d) %llu times",
					       who, h[k].name, ut_bucket_name(b), e,
					       (unsigned long long)h[k].ret[b]);
				continue;
			}
			other_values(c, role, k, vals, sizeof(vals));
			ut_finding_add(&c->r->findings, UT_FAIL,
				       "%s op %s returned %s %llu times (not tolerated)%s",
				       who, h[k].name, ut_bucket_name(b),
				       (unsigned long long)h[k].ret[b],
				       b == UT_BUCKET_OTHER ? vals : "");
		}
}

static void errnos_after(struct ut_det_ctx *c, void *state)
{
	(void)state;
	check(c, c->r->ops, c->r->nops, UT_WORKER);
	check(c, c->r->muts, c->r->nmuts, UT_MUTATOR);
}

const struct ut_detector ut_det_errnos = {
	.name = "errnos", .side = UT_DET_SUPERVISOR, .after = errnos_after,
};
