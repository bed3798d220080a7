/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore_mut.h - what --explore varies: a candidate is a variant (scenario,
 * backend, option set) with a seed, process counts and the ops left out of
 * each role's mix; every one of these is recorded in its results file and
 * replayed from it.
 */
#ifndef UT_EXPLORE_MUT_H
#define UT_EXPLORE_MUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matrix.h"
#include "prng.h"

#define UT_EXPLORE_MAX_W	8	/* workers a mutant may get */
#define UT_EXPLORE_MAX_M	4	/* mutators a mutant may get */
#define UT_EXPLORE_WT_STEP	4	/* a weight changes by this factor */
#define UT_EXPLORE_MAX_WT	1000	/* as --op-weights allows */

struct ut_cand {
	const struct ut_variant *v;
	uint64_t seed;
	int workers, mutators;	/* mutators 0 when the scenario has none */
	uint32_t off[2];	/* ops left out per role (bit = op index) */
	uint16_t wt[2][UT_MAX_OPS];	/* op weights per role, all 0 = as declared */
	char name[208];		/* its file stem in the corpus: "NNN-<variant>" */
};

/* The variants a mutant may move to: each has a scenario and a "dead" mark (it skipped). */
struct ut_pool {
	struct ut_variant *v;
	bool *dead;
	int n;
};

/*
 * The pool for @base's scenarios: every (backend, option set) the full
 * matrix has for them, or @base itself when the user chose with -b/-o
 * (@chosen); less what cannot run here (backend unusable, a set that
 * clashes with the scenario's options).  0 or -ENOMEM.
 */
int ut_pool_make(struct ut_pool *p, const struct ut_variant *base, int nbase, bool chosen,
		 bool unprivileged);
void ut_pool_free(struct ut_pool *p);
/* Mark the pool variant named like @v dead: it skipped here, never pick it again. */
void ut_pool_kill(struct ut_pool *p, const struct ut_variant *v);

/*
 * @c := @parent with a new seed and, four times in five, one more change
 * (counts, backend and set, one op in or out, one op's weight), drawn from @rng; what changed, in words, in @what.
 */
void ut_mutate(struct ut_rng *rng, const struct ut_pool *p, const struct ut_cand *parent,
	       struct ut_cand *c, char *what, size_t sz);

#endif
