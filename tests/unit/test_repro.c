// SPDX-License-Identifier: GPL-2.0
/*
 * test_repro.c - scripts (the ops each process issued) parse and print back
 * the same, bad steps are refused, and the C program a script becomes
 * compiles with plain gcc and runs on a real overlay without leaving a mount.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "engine.h"
#include "registry.h"
#include "repro.h"
#include "scratch.h"
#include "suites.h"

#define SCEN "lower-dir-rename"
#define SCRIPT "w0 openat_held f1 @held0\nw0 fstatat_held sub/g @held3\nw0 getdents_held @held1\n" \
	       "w0 readdir a\nm0 rename a x\nm0 rename x a\nm0 rename_exchange b c\n"

static const struct ut_scenario *scen(void)
{
	const struct ut_scenario *sc = ut_find(SCEN);

	ck_assert_msg(sc, "no scenario %s", SCEN);
	return sc;
}

START_TEST(test_script_roundtrip)
{
	struct ut_script s = { 0 }, c = { 0 };
	char why[256], *text;

	ck_assert_msg(!ut_script_parse(&s, scen(), "# a comment\n" SCRIPT, why, sizeof(why)),
		      "%s", why);
	ck_assert_int_eq(ut_script_steps(&s), 7);
	ck_assert_int_eq(ut_script_count(&s, 0), 1);
	ck_assert_int_eq(ut_script_count(&s, 1), 1);
	text = ut_script_format(&s, scen());
	ck_assert_str_eq(text, SCRIPT);
	/* Names are the scenario's own strings, which the supervisor can read. */
	ck_assert_ptr_eq(s.p[1].steps[0].a, scen()->mutators[0].names[0]);
	ut_script_copy(&c, &s);
	ck_assert_int_eq(ut_script_steps(&c), 7);
	/* A trace line with its recorded return is a step too. */
	ck_assert_int_eq(ut_script_add(&c, scen(), 0, 2, "openat_held nope @held1 = ENOENT",
				       why, sizeof(why)), 0);
	ck_assert_int_eq(ut_script_count(&c, 0), 3);
	free(text);
	ut_script_free(&s);
	ut_script_free(&c);
}
END_TEST

START_TEST(test_script_bad)
{
	static const char *const bad[][2] = {
		{ "w0 no_such_op a\n", "no worker op 'no_such_op'" },
		{ "w0 fstatat zzz\n", "'zzz' is not a name" },
		{ "w0 openat_held f1 @held9\n", "holds no dirfd @held9" },
		{ "w0 fstatat a @held0\n", "holds no dirfd" },
		{ "x0 fstatat a\n", "does not start with w<N> or m<N>" },
		{ "m0 fstatat a\n", "no mutator op 'fstatat'" },
		{ "# nothing\n", "no steps" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ut_script s = { 0 };
		char why[256] = "";

		ck_assert_int_eq(ut_script_parse(&s, scen(), bad[i][0], why, sizeof(why)), -1);
		ck_assert_msg(strstr(why, bad[i][1]), "'%s': %s", bad[i][0], why);
		ut_script_free(&s);
	}
}
END_TEST

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * @c as scratch @name.c: it builds with gcc -Wall -Werror, runs one second
 * of ops on a real overlay and exits 0, and its mounts stay in its own
 * namespace.
 */
static void build_and_run(const char *c, const char *name)
{
	char src[300], cmd[1024];
	FILE *f;

	snprintf(src, sizeof(src), "%s.c", scratch_at(name));
	f = fopen(src, "w");
	ck_assert(f && fputs(c, f) >= 0 && !fclose(f));
	snprintf(cmd, sizeof(cmd), "gcc -O2 -Wall -Werror -o %s %s 2>&1", scratch_at(name), src);
	ck_assert_msg(!sh(cmd), "%s does not build:\n%s", src, c);
	snprintf(cmd, sizeof(cmd), "timeout 20 %s 1 %s && ! grep -q ' %s' /proc/self/mountinfo",
		 scratch_at(name), scratch_at("layers"), scratch_base);
	ck_assert_msg(!sh(cmd), "%s failed or left a mount", cmd);
}

/* @text as a script into @s, and the program @em makes of it, with @nops op lines. */
static char *emit(struct ut_emit *em, struct ut_script *s, const char *text, int nops)
{
	char why[256], *c;

	ck_assert_msg(!ut_script_parse(s, em->sc, text, why, sizeof(why)), "%s", why);
	c = ut_repro_emit_c(em, why, sizeof(why));
	ck_assert_msg(c, "%s", why);
	ck_assert_int_eq(ut_repro_op_lines(c), nops);
	return c;
}

/* The emitted program builds warning-free and runs its ops on a real overlay. */
START_TEST(test_emit_runs)
{
	struct ut_script s = { 0 };
	struct ut_emit em = { .sc = scen(), .script = &s, .nlower = 1,
			      .about = " * test program\n" };
	char *c = emit(&em, &s, SCRIPT, 7);

	ck_assert_ptr_nonnull(strstr(c, "renameat2(L[0], \"a\", L[0], \"x\", 0);"));
	ck_assert_ptr_nonnull(strstr(c, "openat(h[0], \"f1\", O_RDONLY | 0)"));
	build_and_run(c, "repro");
	free(c);
	ut_script_free(&s);
}
END_TEST

static void setup(void)
{
	scratch_setup("repro");
}

/* With --race's tuning: a barrier each iteration and the tuned delay; it builds and runs. */
START_TEST(test_emit_race_runs)
{
	static const struct ut_race_tune tune = { .offset_ns = -1500, .skew_ns = 200, .rate = 0.4 };
	struct ut_script s = { 0 };
	struct ut_emit em = { .sc = scen(), .script = &s, .nlower = 1, .round_s = 0.3,
			      .race = &tune };
	char *c = emit(&em, &s, "w0 openat_held f1 @held0\nm0 rename a x\n", 2);

	ck_assert_ptr_nonnull(strstr(c, "#define OFFSET_NS -1500LL"));
	ck_assert_ptr_nonnull(strstr(c, "repro_spin_ns(delay[1]);"));
	build_and_run(c, "race");
	free(c);
	ut_script_free(&s);
}
END_TEST

/* @in restored: @out exactly, and @added steps more. */
static void restores(const char *scn, const char *in, const char *out, int added)
{
	const struct ut_scenario *sc = ut_find(scn);
	struct ut_script s = { 0 }, r = { 0 };
	char why[256], *text;

	ck_assert_msg(sc, "no scenario %s", scn);
	ck_assert_msg(!ut_script_parse(&s, sc, in, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(ut_repro_restoring(sc, &s, &r), added);
	text = ut_script_format(&r, sc);
	ck_assert_str_eq(text, out);
	free(text);
	ut_script_free(&s);
	ut_script_free(&r);
}

/* Each step that uses up its name is followed by the one that brings it back. */
START_TEST(test_restoring)
{
	/* unlink: creat through the overlay, upper_creat in the layer */
	restores("readdir-vs-upper-unlink", "w0 unlinkat m/u3\nm0 upper_unlink m/e1\n",
		 "w0 unlinkat m/u3\nw0 creat m/u3\nm0 upper_unlink m/e1\nm0 upper_creat m/e1\n",
		 2);
	/* through a held dirfd: the undo goes through the same one */
	restores("stale-dirfd-at", "w0 unlinkat n0 @held0\nw0 fstatat n1 @held1\n",
		 "w0 unlinkat n0 @held0\nw0 openat_creat n0 @held0\nw0 fstatat n1 @held1\n", 1);
	/* a rename is undone by itself, names swapped; an exchange needs nothing */
	restores(SCEN, "m0 rename a x\nm0 rename_exchange b c\nw0 getdents_held @held1\n",
		 "m0 rename a x\nm0 rename x a\nm0 rename_exchange b c\nw0 getdents_held @held1\n",
		 1);
}
END_TEST

/*
 * Every op of a scenario has a C form, so any of its findings can become
 * a program: all but io_uring's and file handles' ops (and the selftests').
 */
START_TEST(test_every_op_has_c)
{
	int n;
	const struct ut_scenario *const *all = ut_registry(&n);

	for (int i = 0; i < n; i++) {
		const struct ut_scenario *sc = all[i];

		if (ut_has_tag(sc, "selftest") || ut_has_tag(sc, "io_uring") ||
		    ut_has_tag(sc, "fhandle"))
			continue;
		for (int r = UT_WORKER; r <= UT_MUTATOR; r++) {
			const struct ut_op *ops = ut_role_ops(sc, r);

			for (int k = 0; k < ut_nops(ops); k++)
				ck_assert_msg(ut_op_c_find(ops[k].fn), "%s: op %s has no C form",
					      sc->name, ops[k].name);
		}
	}
}
END_TEST

#define META "w0 getdents_held @held2\nw0 readdir a\nm0 upper_opaque a\nm0 upper_opaque b/s\n" \
	     "m0 lower_touch a/l\nm0 lower_touch a/f1\nm0 upper_touch a/f2\nm0 upper_touch b\n"

/* The metadata ops: the opaque xattr the mount reads; the program builds and runs. */
static void emit_meta(const char *opts, const char *xattr)
{
	struct ut_script s = { 0 };
	struct ut_emit em = { .sc = ut_find("upper-opaque-toggle"), .script = &s, .nlower = 1,
			      .ovl_opts = opts, .round_s = 0.3 };
	char *c;

	ck_assert_ptr_nonnull(em.sc);
	c = emit(&em, &s, META, 8);
	ck_assert_msg(strstr(c, xattr), "no %s in:\n%s", xattr, c);
	ck_assert_ptr_nonnull(strstr(c, "utimensat(L[0], \"a/f1\", (struct timespec[2])"));
	build_and_run(c, "meta");
	free(c);
	ut_script_free(&s);
}

START_TEST(test_emit_meta_runs)
{
	emit_meta(NULL, "fremovexattr(fd, \"trusted.overlay.opaque\")");
	emit_meta("userxattr", "fremovexattr(fd, \"user.overlay.opaque\")");
}
END_TEST

Suite *repro_suite(void)
{
	Suite *s = suite_create("repro");
	TCase *tc = tcase_create("repro");

	tcase_add_checked_fixture(tc, setup, scratch_teardown);
	tcase_add_test(tc, test_script_roundtrip);
	tcase_add_test(tc, test_script_bad);
	tcase_add_test(tc, test_emit_runs);
	tcase_add_test(tc, test_emit_race_runs);
	tcase_add_test(tc, test_restoring);
	tcase_add_test(tc, test_every_op_has_c);
	tcase_add_test(tc, test_emit_meta_runs);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
