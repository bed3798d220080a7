// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli.c - the command line: list, help, and usage errors (exit 2,
 * one "undertow: " line on stderr, nothing on stdout, no results).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

/* Once the scenario set is complete; fails until then. */
#define MIN_SCENARIOS	11
#define LIST_DESC_COL	68	/* "%-26s %-40s %s": description from here */
#define CLI_TIMEOUT_S	30

START_TEST(test_list)
{
	char *argv[] = { "list", NULL };
	struct proc_out p = run_undertow(argv, CLI_TIMEOUT_S);
	struct strv names = { 0 };
	char *copy, *line, *save = NULL;
	int n = 0;

	ck_assert_msg(p.exit_code == 0, "list: %s", proc_desc(&p));
	ck_assert_msg(p.err_len == 0, "list wrote to stderr: %s", p.err);
	ck_assert_msg(p.out_len && p.out[p.out_len - 1] == '\n',
		      "list output does not end a line: '%s'", p.out);
	copy = it_fmt("%s", p.out);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t nl = strcspn(line, " ");
		char *name = strndup(line, nl);

		ck_assert_msg(nl > 0, "list line %d has no name: '%s'", n + 1, line);
		ck_assert_msg(!strv_has(&names, name), "scenario '%s' listed twice", name);
		ck_assert_msg(strlen(line) > LIST_DESC_COL,
			      "list line %d has no description: '%s'", n + 1, line);
		strv_add(&names, name);
		free(name);
		n++;
	}
	ck_assert_msg(n >= MIN_SCENARIOS, "list shows %d scenarios, want at least %d:\n%s",
		      n, MIN_SCENARIOS, p.out);
	strv_free(&names);
	free(copy);
	proc_out_free(&p);
}
END_TEST

START_TEST(test_help)
{
	static const char *const forms[] = { "help", "--help", "-h" };

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char *argv[] = { (char *)forms[i], NULL };
		struct proc_out p = run_undertow(argv, CLI_TIMEOUT_S);

		ck_assert_msg(p.exit_code == 0, "%s: %s", forms[i], proc_desc(&p));
		ck_assert_msg(!strncmp(p.out, "usage: undertow", 15),
			      "%s: stdout does not start with the usage: '%s'", forms[i], p.out);
		ck_assert_msg(strstr(p.out, "replay"), "%s: usage lacks replay", forms[i]);
		proc_out_free(&p);
	}
}
END_TEST

/*
 * A bad command line.  "@R" is replaced by a results directory that must
 * not come into being, "@F" by a file written with @file first.
 */
struct usage_case {
	const char *args[8];
	const char *file;	/* contents of @F, or NULL */
	const char *want;	/* the line must name this */
};

static const struct usage_case usage_cases[] = {
	{ { "run", "--results", "@R", "no-such-scenario" }, NULL, "no-such-scenario" },
	{ { "run", "--results", "@R", "-t", "abc" }, NULL, "abc" },
	{ { "run", "--results", "@R", "-w", "0" }, NULL, "-w" },
	{ { "run", "--results", "@R", "--bogus" }, NULL, "--bogus" },
	{ { "replay", "--results", "@R", "/nonexistent.json" }, NULL, "/nonexistent.json" },
	{ { NULL }, NULL, "command" },
	{ { "frobnicate", "--results", "@R" }, NULL, "frobnicate" },
	{ { "run", "--results", "@R", "-t" }, NULL, "-t" },
	{ { "run", "--results", "@R", "-t", "0" }, NULL, "-t" },
	{ { "run", "--results", "@R", "-t", "nan" }, NULL, "nan" },
	{ { "run", "--results", "@R", "-m", "300" }, NULL, "300" },
	{ { "run", "--results", "@R", "-s", "-5" }, NULL, "-5" },
	{ { "run", "--results", "@R", "--hang-timeout", "-1" }, NULL, "-1" },
	{ { "run", "--results", "@R", "no-such-scenario", "-t", "1" }, NULL, "-t" },
	{ { "list", "--results", "@R", "extra" }, NULL, "list" },
	{ { "replay", "--results", "@R" }, NULL, "replay" },
	{ { "replay", "--results", "@R", "@F" }, "not json at all\n", "@F" },
	{ { "replay", "--results", "@R", "@F" }, "{\"name\": \"lower-dir-rename\"}\n", "@F" },
	{ { "replay", "--results", "@R", "@F" },
	  "{\"name\": \"no-such-scenario\", \"seed\": 1, \"workers\": 1, \"mutators\": 0}\n",
	  "no-such-scenario" },
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static const char *subst(const char *a, const char *res, const char *file)
{
	if (!strcmp(a, "@R"))
		return res;
	if (!strcmp(a, "@F"))
		return file;
	return a;
}

START_TEST(test_usage_error)
{
	const struct usage_case *c = &usage_cases[_i];
	char *cwd = it_mkdtemp("usage-cwd"), *aux = it_mkdtemp("usage-aux");
	char *res, *file, *argv[9] = { NULL }, cmd[512] = "undertow";
	struct run_opts o = { .timeout_s = CLI_TIMEOUT_S };
	const char *want, *nl;
	struct proc_out p;
	size_t used = strlen(cmd);

	ck_assert(cwd && aux);
	res = it_fmt("%s/results", aux);
	file = it_fmt("%s/input.json", aux);
	if (c->file)
		write_file(file, c->file);
	for (int i = 0; c->args[i]; i++) {
		argv[i] = (char *)subst(c->args[i], res, file);
		used += snprintf(cmd + used, used < sizeof(cmd) ? sizeof(cmd) - used : 0,
				 " %s", argv[i]);
	}
	want = subst(c->want, res, file);
	o.cwd = cwd;
	p = run_undertow_ex(argv, &o);

	ck_assert_msg(p.exit_code == 2, "'%s': want exit 2, got %s", cmd, proc_desc(&p));
	ck_assert_msg(p.out_len == 0, "'%s': wrote to stdout: '%s'", cmd, p.out);
	nl = strchr(p.err, '\n');
	ck_assert_msg(!strncmp(p.err, "undertow: ", 10),
		      "'%s': stderr does not start with 'undertow: ': '%s'", cmd, p.err);
	ck_assert_msg(nl && nl[1] == '\0',
		      "'%s': stderr is not exactly one line: '%s'", cmd, p.err);
	ck_assert_msg(nl - p.err > 10 + 5, "'%s': stderr says too little: '%s'", cmd, p.err);
	ck_assert_msg(strstr(p.err, want), "'%s': stderr does not name '%s': '%s'",
		      cmd, want, p.err);
	ck_assert_msg(!it_exists(res), "'%s': created the results directory %s", cmd, res);
	ck_assert_msg(it_count_entries(cwd) == 0,
		      "'%s': left files in its working directory %s", cmd, cwd);
	proc_out_free(&p);
	free(res);
	free(file);
	free(cwd);
	free(aux);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_help);
	tcase_add_loop_test(tc, test_usage_error, 0,
			    (int)(sizeof(usage_cases) / sizeof(usage_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
