// SPDX-License-Identifier: GPL-2.0
/*
 * test_explore.c - what --explore's mutations may do: a new seed every
 * time, the same scenario, counts in range and changed, never every op of
 * a role left out, the backend and set only to a live pool variant, and
 * the words saying what changed; and which row files a run may name.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "explore_mut.h"
#include "registry.h"
#include "results_read.h"
#include "suites.h"

#define ROUNDS 2000

static void check_child(const struct ut_pool *pool, const struct ut_cand *p,
			const struct ut_cand *c, const char *what)
{
	bool in_pool = c->v == p->v;

	ck_assert_ptr_eq(c->v->sc, p->v->sc);
	ck_assert(c->seed != p->seed);
	ck_assert(c->seed <= INT64_MAX);
	ck_assert_int_ge(c->workers, 1);
	ck_assert_int_le(c->workers, UT_EXPLORE_MAX_W);
	ck_assert_int_ge(c->mutators, 0);
	ck_assert_int_le(c->mutators, UT_EXPLORE_MAX_M);
	for (int role = 0; role < 2; role++) {
		ck_assert_uint_eq(c->off[role] & ~ut_role_all(c->v->sc, role), 0);
		ck_assert_uint_ne(c->off[role], ut_role_all(c->v->sc, role));
	}
	for (int i = 0; i < pool->n && !in_pool; i++)
		in_pool = c->v == &pool->v[i] && !pool->dead[i];
	ck_assert_msg(in_pool, "moved to %s, not a live pool variant", c->v->name);
	ck_assert_msg(!strncmp(what, "seed ", 5), "%s", what);
	if (c->workers != p->workers)
		ck_assert_ptr_nonnull(strstr(what, ", -w "));
	if (c->mutators != p->mutators)
		ck_assert_ptr_nonnull(strstr(what, ", -m "));
	if (c->v != p->v)
		ck_assert_ptr_nonnull(strstr(what, ", -b "));
	if (memcmp(c->off, p->off, sizeof(c->off)))
		ck_assert_msg(strstr(what, " left out") || strstr(what, " back in"), "%s", what);
	for (int role = 0; role < 2; role++)
		for (int k = 0; k < UT_MAX_OPS; k++) {
			bool op = k < ut_nops(ut_role_ops(c->v->sc, role));

			ck_assert(op || !c->wt[role][k]);
			ck_assert_int_le(c->wt[role][k], UT_EXPLORE_MAX_WT);
			if (c->wt[role][k] != p->wt[role][k] && p->wt[role][k])
				ck_assert_ptr_nonnull(strstr(what, " weight "));
		}
}

/* Scenario @name's default variant in @base, and the pool of variants around it. */
static void pool_of(const char *name, struct ut_variant *base, struct ut_pool *pool)
{
	const struct ut_scenario *sc = ut_find(name);
	const struct ut_optset *set = ut_optset_find("default");
	struct ut_backend_spec be = { .ops = NULL };

	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(ut_matrix_expand(&sc, 1, &be, 1, &set, 1, base, 1), 1);
	ck_assert_int_eq(ut_pool_make(pool, base, 1, false, false), 0);
}

START_TEST(mutants_stay_in_bounds)
{
	struct ut_variant base;
	struct ut_pool pool;
	struct ut_cand p, c;
	struct ut_rng rng;
	char what[512];
	int moved = 0, offs = 0, counts = 0, weights = 0;

	pool_of("lower-dir-rename", &base, &pool);
	ck_assert_int_gt(pool.n, 10);
	ut_rng_seed(&rng, 42);
	p = (struct ut_cand){ .v = &base, .seed = 1, .workers = 2, .mutators = 1 };
	for (int i = 0; i < ROUNDS; i++) {
		ut_mutate(&rng, &pool, &p, &c, what, sizeof(what));
		check_child(&pool, &p, &c, what);
		moved += c.v != p.v;
		offs += !!memcmp(c.off, p.off, sizeof(c.off));
		counts += c.workers != p.workers || c.mutators != p.mutators;
		weights += !!strstr(what, " weight ");
		p = c;		/* a chain: masks and moves pile up */
	}
	/* Each kind of change happens (about a quarter of the time each). */
	ck_assert_int_gt(moved, ROUNDS / 10);
	ck_assert_int_gt(offs, ROUNDS / 10);
	ck_assert_int_gt(counts, ROUNDS / 10);
	ck_assert_int_gt(weights, ROUNDS / 10);
	ut_pool_free(&pool);
}
END_TEST

/* A variant that skipped is never moved to again. */
START_TEST(dead_variants_are_left)
{
	struct ut_variant base;
	struct ut_pool pool;
	struct ut_cand p, c;
	struct ut_rng rng;
	char what[512];

	pool_of("iterate-dead-dir", &base, &pool);
	for (int i = 1; i < pool.n; i++)
		ut_pool_kill(&pool, &pool.v[i]);
	ut_rng_seed(&rng, 7);
	p = (struct ut_cand){ .v = &base, .seed = 1, .workers = 2, .mutators = 1 };
	for (int i = 0; i < 500; i++) {
		ut_mutate(&rng, &pool, &p, &c, what, sizeof(what));
		ck_assert_msg(c.v == &base || c.v == &pool.v[0], "moved to dead %s", c.v->name);
	}
	ut_pool_free(&pool);
}
END_TEST

/* Rows may name corpus files, and nothing else below the run directory. */
START_TEST(row_files)
{
	static const char *const ok[] = { "lower-dir-rename", "corpus/001-x@fuse,index",
					   "x@tmpfs,xino=off" };
	static const char *const bad[] = { "", ".hidden", "corpus/", "corpus/.x", "corpus/a/b",
					   "../corpus/x", "other/x", "corpusx/y", "/etc/passwd",
					   "corpus//x" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(ut_result_file_ok(ok[i]), "%s refused", ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ut_result_file_ok(bad[i]), "%s taken", bad[i]);
}
END_TEST

Suite *explore_suite(void)
{
	Suite *s = suite_create("explore");
	TCase *tc = tcase_create("explore");

	tcase_add_test(tc, mutants_stay_in_bounds);
	tcase_add_test(tc, dead_variants_are_left);
	tcase_add_test(tc, row_files);
	suite_add_tcase(s, tc);
	return s;
}
