// SPDX-License-Identifier: GPL-2.0
/*
 * test_registry.c - every linked scenario is a valid declaration, and
 * selection by name, tag and "all" works.
 */
#include <string.h>

#include "engine.h"
#include "ops.h"
#include "registry.h"
#include "suites.h"

#define MIN_SCENARIOS 11

START_TEST(registered)
{
	int n;
	const struct ut_scenario *const *all = ut_registry(&n);

	ck_assert_int_ge(n, MIN_SCENARIOS);
	for (int i = 1; i < n; i++)	/* sorted, so a duplicate is adjacent */
		ck_assert_int_lt(strcmp(all[i - 1]->name, all[i]->name), 0);
	ck_assert_ptr_eq(ut_find("stale-dirfd-at"), ut_find("stale-dirfd-at"));
	ck_assert_ptr_null(ut_find("no-such-scenario"));
}
END_TEST

static void check_ops(const struct ut_scenario *sc, const struct ut_op *ops, bool mut)
{
	int n = ut_nops(ops);

	ck_assert_msg(n < UT_MAX_OPS, "%s: op table not terminated", sc->name);
	for (int k = 0; k < n; k++) {
		const struct ut_op *op = &ops[k];
		const char *const *pool = op->names ? op->names : sc->names;

		ck_assert_msg(op->fn && op->weight, "%s/%s: no function or weight", sc->name, op->name);
		/* Every op but getdents of a held dirfd and reclaim picks names. */
		ck_assert_msg(op->fn == ut_op_getdents || op->fn == ut_op_reclaim || (pool && pool[0]),
			      "%s/%s: empty name pool", sc->name, op->name);
		for (int j = 0; j < k; j++)
			ck_assert_msg(strcmp(ops[j].name, op->name), "%s: op %s twice",
				      sc->name, op->name);
		if (mut)	/* mutators work on real layers, never the overlay */
			ck_assert_msg(op->at >= UT_AT_LOWER0 && op->at <= UT_AT_UPPER,
				      "%s/%s: mutator not on a layer", sc->name, op->name);
		else
			ck_assert_msg(op->at == UT_AT_MERGED || op->at == UT_AT_HELD,
				      "%s/%s: worker not on the overlay", sc->name, op->name);
		if (op->at == UT_AT_UPPER)
			ck_assert_msg(!sc->no_upper, "%s/%s: upper op, no upper", sc->name, op->name);
		if (op->at >= UT_AT_LOWER0 && op->at <= UT_AT_LOWER3)
			ck_assert_msg((int)(op->at - UT_AT_LOWER0) < sc->lowers, "%s/%s: no such lower",
				      sc->name, op->name);
		if (op->at == UT_AT_HELD)
			ck_assert_msg(sc->hold && sc->hold[0], "%s/%s: held op, nothing held",
				      sc->name, op->name);
	}
}

/* A held directory must be seeded somewhere, or every worker's set-up fails. */
static bool seeded_dir(const struct ut_scenario *sc, const char *dir)
{
	size_t n = strlen(dir);

	for (const char *const *s = sc->seed; s && *s; s++)
		if (!strncmp(*s + 2, dir, n) && (*s)[2 + n] == '/')
			return true;
	return false;
}

/* Aims: overlay function names, each once; every scenario but the selftests has some. */
static void check_aims(const struct ut_scenario *sc)
{
	int n = 0;

	for (const char *const *a = sc->aims; a && *a; a++, n++) {
		ck_assert_msg(!strncmp(*a, "ovl_", 4) && strspn(*a, "abcdefghijklmnopqrstuvwxyz"
			      "0123456789_") == strlen(*a), "%s: aim '%s'", sc->name, *a);
		for (const char *const *b = sc->aims; b < a; b++)
			ck_assert_msg(strcmp(*a, *b), "%s: aim %s twice", sc->name, *a);
	}
	ck_assert_msg(n > 0 || ut_has_tag(sc, "selftest"), "%s: no .aims", sc->name);
}

START_TEST(declarations_valid)
{
	int n;
	const struct ut_scenario *const *all = ut_registry(&n);
	const struct ut_scenario *sc = all[_i % n];

	if (_i >= n)
		return;
	ck_assert_msg(sc->desc && *sc->desc && !strchr(sc->desc, '\n'), "%s: desc", sc->name);
	ck_assert_msg(sc->lowers >= 1 && sc->lowers <= UT_MAX_LOWER, "%s: lowers", sc->name);
	ck_assert_msg(sc->workers[0].name, "%s: no workers", sc->name);
	check_ops(sc, sc->workers, false);
	check_ops(sc, sc->mutators, true);
	for (const char *const *s = sc->seed; s && *s; s++) {
		char l = (*s)[0];

		ck_assert_msg((*s)[1] == ':' && (*s)[2] && (*s)[2] != '/', "%s: seed '%s'",
			      sc->name, *s);
		ck_assert_msg((l >= '0' && l < '0' + sc->lowers) || (l == 'u' && !sc->no_upper),
			      "%s: seed '%s' names a missing layer", sc->name, *s);
	}
	for (const char *const *h = sc->hold; h && *h; h++)
		ck_assert_msg(seeded_dir(sc, *h), "%s: held dir '%s' not seeded", sc->name, *h);
	check_aims(sc);
}
END_TEST

START_TEST(select_words)
{
	const struct ut_scenario *out[64];
	char err[256];
	char *by_name[] = { "stale-dirfd-at" };
	char *by_tag[] = { "fstests" };
	char *twice[] = { "stale-dirfd-at", "dirfd" };
	char *unknown[] = { "lower", "no-such-thing" };
	int n, total;

	ut_registry(&total);
	ck_assert_int_eq(ut_select(by_name, 1, out, 64, err, sizeof(err)), 1);
	ck_assert_str_eq(out[0]->name, "stale-dirfd-at");
	n = ut_select(by_tag, 1, out, 64, err, sizeof(err));
	ck_assert_int_ge(n, 3);
	for (int i = 0; i < n; i++)
		ck_assert(ut_has_tag(out[i], "fstests"));
	n = ut_select(twice, 2, out, 64, err, sizeof(err));
	for (int i = 0; i < n; i++)	/* no repeats */
		for (int j = i + 1; j < n; j++)
			ck_assert_ptr_ne(out[i], out[j]);
	ck_assert_int_eq(ut_select(unknown, 2, out, 64, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "'no-such-thing'"));
	n = ut_select(NULL, 0, out, 64, err, sizeof(err));
	ck_assert_int_ge(n, MIN_SCENARIOS);
	for (int i = 0; i < n; i++)	/* test-only scenarios need naming */
		ck_assert(!ut_has_tag(out[i], "selftest"));
}
END_TEST

START_TEST(tags_are_words)
{
	struct ut_scenario sc = { .name = "t", .tags = "lower upper-ish quick" };

	ck_assert(ut_has_tag(&sc, "lower"));
	ck_assert(ut_has_tag(&sc, "quick"));
	ck_assert(ut_has_tag(&sc, "upper-ish"));
	ck_assert(!ut_has_tag(&sc, "upper"));
	ck_assert(!ut_has_tag(&sc, "low"));
}
END_TEST

Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, registered);
	tcase_add_loop_test(tc, declarations_valid, 0, 64);
	tcase_add_test(tc, select_words);
	tcase_add_test(tc, tags_are_words);
	suite_add_tcase(s, tc);
	return s;
}
