// SPDX-License-Identifier: GPL-2.0
/*
 * explore_mut.c - the changes --explore makes to a candidate.  Only what a
 * results file records and replay honours is varied: seed, -w/-m, backend
 * and option set (-b/-o), ops left out of the mix (--ops-off) and op
 * weights (--op-weights).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "explore_mut.h"

/* Can @v run here at all?  A clash or an unusable backend would only skip. */
static bool runnable(const struct ut_variant *v, bool unprivileged)
{
	char opts[512], why[256];

	return !ut_backend_usable(&v->be, unprivileged, why, sizeof(why)) &&
	       !ut_opts_merge(v->sc->ovl_opts, v->sc->incompatible, v->set->opts, opts,
			      sizeof(opts), why, sizeof(why));
}

int ut_pool_make(struct ut_pool *p, const struct ut_variant *base, int nbase, bool chosen,
		 bool unprivileged)
{
	const struct ut_scenario *sc[256];
	int nsc = 0, n;

	memset(p, 0, sizeof(*p));
	p->v = calloc(UT_MAX_VARIANTS, sizeof(*p->v));
	p->dead = calloc(UT_MAX_VARIANTS, sizeof(*p->dead));
	if (!p->v || !p->dead) {
		ut_pool_free(p);
		return -ENOMEM;
	}
	for (int i = 0; i < nbase && nsc < 256; i++)
		if (!nsc || sc[nsc - 1] != base[i].sc)
			sc[nsc++] = base[i].sc;
	if (chosen) {
		n = nbase < UT_MAX_VARIANTS ? nbase : UT_MAX_VARIANTS;
		memcpy(p->v, base, n * sizeof(*base));
	} else {
		n = ut_matrix_preset("full", sc, nsc, p->v, UT_MAX_VARIANTS);
	}
	for (int i = 0; i < n; i++)
		if (runnable(&p->v[i], unprivileged))
			p->v[p->n++] = p->v[i];
	return 0;
}

void ut_pool_free(struct ut_pool *p)
{
	free(p->v);
	free(p->dead);
	memset(p, 0, sizeof(*p));
}

void ut_pool_kill(struct ut_pool *p, const struct ut_variant *v)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, v->name))
			p->dead[i] = true;
}

/* A count in [lo, hi] other than @was (when there is one). */
static int other_count(struct ut_rng *rng, int was, int lo, int hi)
{
	int n;

	if (hi <= lo)
		return lo;
	do
		n = lo + (int)ut_rng_below(rng, hi - lo + 1);
	while (n == was);
	return n;
}

static size_t change_counts(struct ut_rng *rng, struct ut_cand *c, char *what, size_t sz)
{
	bool muts = c->v->sc->mutators[0].name != NULL;
	int was;

	if (!muts || ut_rng_below(rng, 2)) {
		was = c->workers;
		c->workers = other_count(rng, was, 1, UT_EXPLORE_MAX_W);
		return snprintf(what, sz, ", -w %d (was %d)", c->workers, was);
	}
	was = c->mutators;
	c->mutators = other_count(rng, was, 0, UT_EXPLORE_MAX_M);
	return snprintf(what, sz, ", -m %d (was %d)", c->mutators, was);
}

/* Another runnable (backend, set) of the same scenario; false when it has none. */
static bool change_variant(struct ut_rng *rng, const struct ut_pool *p, struct ut_cand *c,
			   char *what, size_t sz)
{
	int idx[UT_MAX_VARIANTS], n = 0;
	const struct ut_variant *to;

	for (int i = 0; i < p->n; i++)
		if (p->v[i].sc == c->v->sc && !p->dead[i] && strcmp(p->v[i].name, c->v->name))
			idx[n++] = i;
	if (!n)
		return false;
	to = &p->v[idx[ut_rng_below(rng, n)]];
	snprintf(what, sz, ", -b %s -o %s (was %s)", ut_backend_name(&to->be), to->set->name,
		 c->v->label);
	c->v = to;
	return true;
}

/* Which role a change applies to: the mutators only when there are some. */
static int pick_role(struct ut_rng *rng, const struct ut_cand *c)
{
	return c->mutators > 0 && ut_rng_below(rng, 2) ? UT_MUTATOR : UT_WORKER;
}

/*
 * One op of one role in or out.  Leaving out the last op of a role is
 * never done: then every op of the role comes back in instead.
 */
static bool change_ops(struct ut_rng *rng, struct ut_cand *c, char *what, size_t sz)
{
	int role = pick_role(rng, c);
	const struct ut_op *ops = ut_role_ops(c->v->sc, role);
	int n = ut_nops(ops), k;
	uint32_t all = ut_role_all(c->v->sc, role);

	if (n < 2)
		return false;
	k = (int)ut_rng_below(rng, n);
	c->off[role] ^= 1u << k;
	if (c->off[role] == all) {
		c->off[role] = 0;
		snprintf(what, sz, ", every %s op back in", role ? "mutator" : "worker");
	} else {
		snprintf(what, sz, ", %s %s %s", role ? "mutator" : "worker", ops[k].name,
			 c->off[role] >> k & 1 ? "left out" : "back in");
	}
	return true;
}

/*
 * One op's weight times or divided by UT_EXPLORE_WT_STEP.  A role's
 * weights are recorded whole: the first change writes the declared ones.
 */
static bool change_weight(struct ut_rng *rng, struct ut_cand *c, char *what, size_t sz)
{
	int role = pick_role(rng, c);
	const struct ut_op *ops = ut_role_ops(c->v->sc, role);
	int n = ut_nops(ops), k;
	unsigned was, to;

	if (n < 2)
		return false;
	for (int i = 0; i < n; i++)
		if (!c->wt[role][i])
			c->wt[role][i] = (uint16_t)ops[i].weight;
	k = (int)ut_rng_below(rng, n);
	was = c->wt[role][k];
	to = ut_rng_below(rng, 2) ? was / UT_EXPLORE_WT_STEP : was * UT_EXPLORE_WT_STEP;
	if (to < 1 || to == was)
		to = was * UT_EXPLORE_WT_STEP;
	if (to > UT_EXPLORE_MAX_WT)
		to = was > 1 ? 1 : UT_EXPLORE_MAX_WT;
	c->wt[role][k] = (uint16_t)to;
	snprintf(what, sz, ", %s %s weight %u (was %u)", role ? "mutator" : "worker", ops[k].name,
		 to, was);
	return true;
}

void ut_mutate(struct ut_rng *rng, const struct ut_pool *p, const struct ut_cand *parent,
	       struct ut_cand *c, char *what, size_t sz)
{
	size_t n;

	*c = *parent;
	c->seed = ut_rng_next(rng) & INT64_MAX;
	n = snprintf(what, sz, "seed %llu", (unsigned long long)c->seed);
	if (n >= sz)
		return;
	/* A new seed alone often reaches the same code: one more change, mostly. */
	switch (ut_rng_below(rng, 5)) {
	case 0:
		change_counts(rng, c, what + n, sz - n);
		break;
	case 1:
		if (!change_variant(rng, p, c, what + n, sz - n))
			change_counts(rng, c, what + n, sz - n);
		break;
	case 2:
		if (!change_ops(rng, c, what + n, sz - n))
			change_counts(rng, c, what + n, sz - n);
		break;
	case 3:
		if (!change_weight(rng, c, what + n, sz - n))
			change_counts(rng, c, what + n, sz - n);
		break;
	default:
		break;
	}
}
