// SPDX-License-Identifier: GPL-2.0
/* test_cli.c - option parsing: values, defaults and usage errors. */
#include <string.h>

#include "cli.h"
#include "suites.h"

#define ARGV(...) ((char *[]){ "undertow", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof(char *)) - 1)

static int parse(char **argv, int argc, struct ut_opts *o, char *err)
{
	return ut_parse_args(argc, argv, o, err, 256);
}

START_TEST(run_options)
{
	char *argv[] = { "undertow", "run", "-t", "1.5", "-w", "3", "-m", "0", "-s", "0x10",
			 "--hang-timeout", "4", "--results", "out", "lower", "stale-dirfd-at", NULL };
	struct ut_opts o;
	char err[256];

	ck_assert_int_eq(parse(argv, 16, &o, err), 0);
	ck_assert_int_eq(o.cmd, UT_CMD_RUN);
	ck_assert_double_eq(o.time_s, 1.5);
	ck_assert_int_eq(o.workers, 3);
	ck_assert_int_eq(o.mutators, 0);
	ck_assert(o.seed_set);
	ck_assert_uint_eq(o.seed, 16);
	ck_assert_double_eq(o.hang_timeout, 4);
	ck_assert_str_eq(o.results, "out");
	ck_assert_int_eq(o.nsel, 2);
	ck_assert_str_eq(o.sel[0], "lower");
	ck_assert_str_eq(o.sel[1], "stale-dirfd-at");
}
END_TEST

START_TEST(defaults)
{
	char **argv = ARGV("run");
	struct ut_opts o;
	char err[256];

	ck_assert_int_eq(parse(argv, 2, &o, err), 0);
	ck_assert_int_eq(o.workers, -1);
	ck_assert_int_eq(o.mutators, -1);
	ck_assert(!o.seed_set);
	ck_assert_double_eq(o.hang_timeout, 10);
	ck_assert_str_eq(o.results, "results");
	ck_assert_int_eq(o.nsel, 0);
	ck_assert_int_ge(ut_default_workers(), 2);
	ck_assert_int_ge(ut_default_mutators(), 1);
}
END_TEST

/* Each bad command line: -1 and an error that names the problem. */
static const struct {
	char *argv[8];
	const char *says;
} bad[] = {
	{ { "undertow", "run", "-t", "abc" }, "-t/--time" },
	{ { "undertow", "run", "-t", "0" }, "-t/--time" },
	{ { "undertow", "run", "-t", "-1" }, "-t/--time" },
	{ { "undertow", "run", "-w", "0" }, "-w/--workers" },
	{ { "undertow", "run", "-w", "2x" }, "-w/--workers" },
	{ { "undertow", "run", "-m", "-1" }, "-m/--mutators" },
	{ { "undertow", "run", "-s", "-5" }, "-s/--seed" },
	{ { "undertow", "run", "-s", "99999999999999999999" }, "-s/--seed" },
	{ { "undertow", "run", "--hang-timeout", "x" }, "--hang-timeout" },
	{ { "undertow", "run", "--bogus" }, "unknown option '--bogus'" },
	{ { "undertow", "run", "-q" }, "unknown option '-q'" },
	{ { "undertow", "run", "-t" }, "needs a value" },
	{ { "undertow", "run", "x", "-t", "1" }, "options go before" },
	{ { "undertow", "frobnicate" }, "unknown command" },
	{ { "undertow" }, "no command" },
	{ { "undertow", "replay" }, "replay wants one" },
	{ { "undertow", "run", "-o", "nosuchset" }, "-o/--ovl-opts" },
	{ { "undertow", "run", "--matrix", "medium" }, "--matrix" },
	{ { "undertow", "run", "--shard", "3/2" }, "--shard" },
	{ { "undertow", "run", "--shard", "0/2" }, "--shard" },
	{ { "undertow", "run", "--shard", "1/2x" }, "--shard" },
	{ { "undertow", "run", "-b", "zfs" }, "unknown backend" },
	{ { "undertow", "run", "-b", "path:/nonexistent-undertow" }, "not a directory" },
	{ { "undertow", "run", "-b", "path:tmp" }, "absolute" },
	{ { "undertow", "run", "-b", "path:/tmp," }, "empty UPPER" },
	{ { "undertow", "run", "-b", "path:/tmp", "-b", "path:/var/tmp" }, "once per run" },
	{ { "undertow", "run", "-b", "" }, "empty backend" },
	{ { "undertow", "run", "-b", "tmpfs," }, "empty backend" },
	{ { "undertow", "run", "-o", "lowerdir=/etc" }, "lowerdir names a layer" },
	{ { "undertow", "list", "-o", "index=on,upperdir=/tmp" }, "upperdir names a layer" },
	{ { "undertow", "run", "-o", "index=on,index=off" }, "given twice" },
	{ { "undertow", "run", "-t", "0.01" }, "-t/--time" },
	{ { "undertow", "run", "-t", "1e9" }, "-t/--time" },
	{ { "undertow", "run", "--hang-timeout", "0.5" }, "--hang-timeout" },
	{ { "undertow", "run", "--results", "" }, "--results" },
	{ { "undertow", "run", "--results", "/etc/passwd/r" }, "cannot be written" },
	{ { "undertow", "replay", "--results", "/etc/passwd", "x.json" }, "cannot be written" },
	{ { "undertow", "run", "--stream", "/" }, "--stream" },
	{ { "undertow", "run", "--race", "openat_held" }, "--race wants WORKER_OP:MUTATOR_OP" },
	{ { "undertow", "run", "--race", "a:" }, "--race wants WORKER_OP:MUTATOR_OP" },
};

START_TEST(usage_errors)
{
	struct ut_opts o;
	char err[256];
	int argc = 0;

	while (bad[_i].argv[argc])
		argc++;
	ck_assert_int_eq(ut_parse_args(argc, (char **)bad[_i].argv, &o, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, bad[_i].says), "case %d: '%s' lacks '%s'", _i, err, bad[_i].says);
	ck_assert_ptr_null(strchr(err, '\n'));	/* one line */
}
END_TEST

START_TEST(replay_and_list)
{
	struct ut_opts o;
	char err[256];
	char **a = ARGV("replay", "r.json");
	char **b = ARGV("list");
	char **c = ARGV("--help");

	ck_assert_int_eq(parse(a, 3, &o, err), 0);
	ck_assert_int_eq(o.cmd, UT_CMD_REPLAY);
	ck_assert_str_eq(o.replay, "r.json");
	ck_assert_int_eq(parse(b, 2, &o, err), 0);
	ck_assert_int_eq(o.cmd, UT_CMD_LIST);
	ck_assert_int_eq(parse(c, 2, &o, err), 0);
	ck_assert_int_eq(o.cmd, UT_CMD_HELP);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, run_options);
	tcase_add_test(tc, defaults);
	tcase_add_loop_test(tc, usage_errors, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, replay_and_list);
	suite_add_tcase(s, tc);
	return s;
}
