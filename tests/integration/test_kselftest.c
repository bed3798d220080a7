// SPDX-License-Identifier: GPL-2.0
/*
 * test_kselftest.c - undertow as a kselftest collection, run by the
 * kernel's own kselftest runner.
 *
 * tests/kselftest/kernel-selftests.sh takes the runner (run_kselftest.sh,
 * kselftest/runner.sh, prefix.pl, ...) from Debian's linux-source package:
 * downloaded once with apt-get download (~140 MB) and cached, with the few
 * files extracted from it, in /var/cache/undertow/kselftest (UNDERTOW_CACHE).
 * Without the network and without that cache, these tests fail and say so.
 *
 * Each test assembles an install tree the way the kernel's selftests
 * "make install" does: the runner files, then "make install
 * INSTALL_PATH=<tree>/filesystems/undertow" and "make emit_tests" appended
 * to kselftest-list.txt; then it runs run_kselftest.sh and reads the TAP.
 *
 * Make and the scripts run from the source tree: UNDERTOW_SRC, else the
 * working directory.  KSFT_BIN=<binary under test> keeps make from
 * building anything.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "it.h"

#define COLL		"filesystems/undertow"
#define RESULT		"selftests: " COLL ": undertow.sh"
#define FETCH_BOUND_S	1500.0	/* a 140 MB download on a slow line */
#define MAKE_BOUND_S	120.0
#define RUN_BOUND_S	400.0	/* settings' timeout=300, and some */
#define SHORT_TIMEOUT	"2"	/* KSFT_TIMEOUT of the TIMEOUT test */
#define SHORT_BOUND_S	30.0	/* it must end well before this */
#define SCRATCH_WAIT_S	5.0
#define MIN_SCENARIOS	11
#define SKIP_ARGS	"-o undertow_no_such_option=1 lower-dir-rename"
#define SKIP_CASE	"ok 1 lower-dir-rename@tmpfs,undertow_no_such_option=1 # SKIP"

static const char *src_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("UNDERTOW_SRC");
	char *probe;

	if (!dir[0]) {
		if (env && *env)
			ck_assert_msg(realpath(env, dir), "UNDERTOW_SRC=%s: %s", env,
				      strerror(errno));
		else
			ck_assert_msg(getcwd(dir, sizeof(dir)), "getcwd: %s", strerror(errno));
	}
	probe = it_fmt("%s/tests/kselftest/undertow.sh", dir);
	ck_assert_msg(it_exists(probe), "%s: not undertow's source tree (set UNDERTOW_SRC)",
		      dir);
	free(probe);
	return dir;
}

/* The environment the runs below see; NULL unsets. */
static void ksft_env(const char *args, const char *results)
{
	/* Not the make that runs us: its flags, jobserver and BUILD=. */
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	unsetenv("KSELFTEST_UNDERTOW_SH_ARGS");
	if (args)
		setenv("UNDERTOW_ARGS", args, 1);
	else
		unsetenv("UNDERTOW_ARGS");
	if (results)
		setenv("UNDERTOW_RESULTS", results, 1);
	else
		unsetenv("UNDERTOW_RESULTS");
}

/* Run argv (PATH search) in @cwd, killed after @bound seconds. */
static struct proc_out sh_run(char *const argv[], double bound, const char *cwd)
{
	struct run_opts o = { .timeout_s = bound, .cwd = cwd, .exec_argv = true };

	return run_undertow_ex(argv, &o);
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (!strncmp(s, line, n) && (s[n] == '\n' || s[n] == '\0'))
			return true;
	return false;
}

/* The runner's own lines: every line not starting with '#'. */
static char *tap_skeleton(const char *text)
{
	char *copy = it_fmt("%s", text), *line, *save = NULL, *out = it_fmt("%s", "");

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tmp;

		if (line[0] == '#')
			continue;
		tmp = it_fmt("%s%s\n", out, line);
		free(out);
		out = tmp;
	}
	free(copy);
	return out;
}

/*
 * undertow's own KTAP inside the runner's output: its lines come prefixed
 * with "# ".  Only KTAP lines are kept (stderr is mixed in).
 */
static char *nested_ktap(const char *text)
{
	static const char *const keep[] = { "KTAP version", "1..", "ok ", "not ok ",
					    "# Totals:", "Bail out!" };
	char *copy = it_fmt("%s", text), *line, *save = NULL, *out = it_fmt("%s", "");

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tmp;

		if (strncmp(line, "# ", 2))
			continue;
		line += 2;
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (!strncmp(line, keep[i], strlen(keep[i]))) {
				tmp = it_fmt("%s%s\n", out, line);
				free(out);
				out = tmp;
				break;
			}
	}
	free(copy);
	return out;
}

/* The kernel's tools/testing/selftests (runner files), fetched once. */
static char *ksft_fetch(void)
{
	char *script = it_fmt("%s/tests/kselftest/kernel-selftests.sh", src_dir());
	char *argv[] = { script, "fetch", NULL };
	struct proc_out p = sh_run(argv, FETCH_BOUND_S, NULL);
	char *dir;

	ck_assert_msg(p.exit_code == 0,
		      "cannot get the kernel's kselftest runner from Debian's linux-source "
		      "package (apt-get download needs the network the first time; then it "
		      "is cached): %s", proc_desc(&p));
	/* Only a download or an extraction says anything: their times. */
	if (p.err_len)
		fprintf(stderr, "int-tests: kselftest runner fetched in %.1f s:\n%s",
			p.elapsed_s, p.err);
	p.out[strcspn(p.out, "\n")] = '\0';
	dir = it_fmt("%s", p.out);
	ck_assert_msg(*dir == '/', "kernel-selftests.sh fetch printed '%s'", dir);
	proc_out_free(&p);
	free(script);
	return dir;
}

/* "make -s ... ARGS" in the source tree; its output. */
static struct proc_out make(const char *const args[])
{
	char *argv[16] = { "make", "-s", "--no-print-directory", "-C", (char *)src_dir() };
	int n = 5;

	for (int i = 0; args[i]; i++) {
		ck_assert_int_lt(n, 15);
		argv[n++] = (char *)args[i];
	}
	argv[n] = NULL;
	return sh_run(argv, MAKE_BOUND_S, NULL);
}

/*
 * A kselftest install tree holding the undertow collection, as the
 * kernel's selftests "make install" makes it; @timeout is KSFT_TIMEOUT or
 * NULL for the default.
 */
static char *ksft_tree(const char *tag, const char *timeout)
{
	char *dir = it_mkdtemp(tag), *script, *inst, *bin, *tmo, *list;
	char *targv[4];
	struct proc_out p;
	FILE *f;

	ck_assert_msg(dir, "mkdtemp %s: %s", tag, strerror(errno));
	free(ksft_fetch());	/* its failure message first, and the timings */
	script = it_fmt("%s/tests/kselftest/kernel-selftests.sh", src_dir());
	targv[0] = script;
	targv[1] = "tree";
	targv[2] = dir;
	targv[3] = NULL;
	p = sh_run(targv, FETCH_BOUND_S, NULL);
	ck_assert_msg(p.exit_code == 0, "kernel-selftests.sh tree %s: %s", dir, proc_desc(&p));
	proc_out_free(&p);

	inst = it_fmt("INSTALL_PATH=%s/" COLL, dir);
	bin = it_fmt("KSFT_BIN=%s", it_bin);
	tmo = it_fmt("KSFT_TIMEOUT=%s", timeout ? timeout : "300");
	{
		const char *args[] = { "install", inst, bin, timeout ? tmo : NULL, NULL };

		p = make(args);
	}
	ck_assert_msg(p.exit_code == 0, "make install %s: %s", inst, proc_desc(&p));
	proc_out_free(&p);
	{
		const char *args[] = { "COLLECTION=" COLL, "emit_tests", NULL };

		p = make(args);
	}
	ck_assert_msg(p.exit_code == 0, "make emit_tests: %s", proc_desc(&p));
	list = it_fmt("%s/kselftest-list.txt", dir);
	f = fopen(list, "a");
	ck_assert_msg(f, "%s: %s", list, strerror(errno));
	fputs(p.out, f);
	ck_assert_int_eq(fclose(f), 0);
	proc_out_free(&p);

	free(list);
	free(tmo);
	free(bin);
	free(inst);
	free(script);
	return dir;
}

/* tree/run_kselftest.sh OPT ARG, from another directory. */
static struct proc_out run_kselftest(const char *tree, const char *opt, const char *arg,
				     double bound)
{
	char *rk = it_fmt("%s/run_kselftest.sh", tree);
	char *argv[] = { rk, (char *)opt, (char *)arg, NULL };
	struct proc_out p = sh_run(argv, bound, NULL);

	free(rk);
	return p;
}

START_TEST(test_install_layout)
{
	char *dir = it_mkdtemp("ksft-install"), *inst, *bin, *path, *text;
	struct stat st, bst;
	struct proc_out p;

	ck_assert_ptr_nonnull(dir);
	ksft_env(NULL, NULL);
	inst = it_fmt("INSTALL_PATH=%s/c", dir);
	bin = it_fmt("KSFT_BIN=%s", it_bin);
	{
		const char *args[] = { "install", inst, bin, NULL };

		p = make(args);
	}
	ck_assert_msg(p.exit_code == 0, "make install: %s", proc_desc(&p));
	proc_out_free(&p);

	path = it_fmt("%s/c/undertow", dir);
	ck_assert_msg(!stat(path, &st) && (st.st_mode & 0111), "%s: not an executable", path);
	ck_assert_int_eq(stat(it_bin, &bst), 0);
	ck_assert_msg(st.st_size == bst.st_size, "%s is not %s", path, it_bin);
	free(path);
	path = it_fmt("%s/c/undertow.sh", dir);
	ck_assert_msg(!stat(path, &st) && (st.st_mode & 0111), "%s: not an executable", path);
	free(path);
	text = it_read_at(dir, "c/settings");
	ck_assert_msg(text && !strcmp(text, "timeout=300\n"), "settings: '%s'", text);
	free(text);
	path = it_fmt("%s/c", dir);
	ck_assert_msg(it_count_entries(path) == 3, "%s holds more than undertow, undertow.sh "
		      "and settings", path);
	free(path);

	{
		const char *args[] = { "emit_tests", NULL };

		p = make(args);
	}
	ck_assert_msg(p.exit_code == 0 && !strcmp(p.out, COLL ":undertow.sh\n"),
		      "emit_tests printed '%s': %s", p.out, proc_desc(&p));
	proc_out_free(&p);
	{
		const char *args[] = { "COLLECTION=fs/x", "emit_tests", NULL };

		p = make(args);
	}
	ck_assert_msg(p.exit_code == 0 && !strcmp(p.out, "fs/x:undertow.sh\n"),
		      "emit_tests COLLECTION=fs/x printed '%s': %s", p.out, proc_desc(&p));
	proc_out_free(&p);
	{
		const char *args[] = { "install", bin, NULL };

		p = make(args);
	}
	ck_assert_msg(p.exit_code != 0 && strstr(p.err, "INSTALL_PATH"),
		      "make install without INSTALL_PATH: %s", proc_desc(&p));
	proc_out_free(&p);

	free(bin);
	free(inst);
	free(dir);
}
END_TEST

/* No network, nothing cached: a failure that says what is missing. */
START_TEST(test_fetch_fails_clearly)
{
	char *dir = it_mkdtemp("ksft-offline"), *shim, *path, *script, *cache;
	const char *old = getenv("PATH");
	struct proc_out p;
	FILE *f;

	ck_assert_ptr_nonnull(dir);
	ksft_env(NULL, NULL);
	shim = it_fmt("%s/apt-get", dir);
	f = fopen(shim, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\necho 'E: Failed to fetch linux-source (simulated: no network)' >&2\n"
	      "exit 100\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(shim, 0755), 0);
	path = it_fmt("%s:%s", dir, old ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	cache = it_fmt("%s/cache", dir);
	setenv("UNDERTOW_CACHE", cache, 1);
	setenv("UNDERTOW_KSFT_PKG", "linux-source-6.1", 1);
	script = it_fmt("%s/tests/kselftest/kernel-selftests.sh", src_dir());
	{
		char *argv[] = { script, "fetch", NULL };

		p = sh_run(argv, 60, NULL);
	}
	unsetenv("UNDERTOW_CACHE");
	unsetenv("UNDERTOW_KSFT_PKG");
	if (old)
		setenv("PATH", old, 1);
	ck_assert_msg(p.exit_code == 1 && p.out_len == 0, "want exit 1 and no path: %s",
		      proc_desc(&p));
	ck_assert_msg(strstr(p.err, "'apt-get download linux-source-6.1' failed (exit 100)") &&
		      strstr(p.err, "network"), "the message does not say why: %s", p.err);
	proc_out_free(&p);
	free(cache);
	free(script);
	free(path);
	free(shim);
	free(dir);
}
END_TEST

START_TEST(test_run_kselftest_pass)
{
	char *tree, *res = it_mkdtemp("ksft-res"), *list, *why_dir, *nested;
	char why[512];
	struct proc_out p;
	struct ktap k;

	ck_assert_ptr_nonnull(res);
	ksft_env(NULL, res);
	tree = ksft_tree("ksft-pass", NULL);
	list = it_read_at(tree, "kselftest-list.txt");
	ck_assert_msg(list && !strcmp(list, COLL ":undertow.sh\n"), "kselftest-list.txt: '%s'",
		      list);

	p = run_kselftest(tree, "-l", NULL, 30);
	ck_assert_msg(p.exit_code == 0 && has_line(p.out, COLL ":undertow.sh"),
		      "run_kselftest.sh -l: '%s' %s", p.out, proc_desc(&p));
	proc_out_free(&p);

	p = run_kselftest(tree, "-c", COLL, RUN_BOUND_S);
	fprintf(stderr, "int-tests: run_kselftest.sh -c " COLL ": %.1f s\n", p.elapsed_s);
	ck_assert_msg(p.exit_code == 0 && !p.timed_out, "run_kselftest.sh: %s\n%s",
		      proc_desc(&p), p.out);
	ck_assert_msg(has_line(p.out, "TAP version 13") && has_line(p.out, "1..1") &&
		      has_line(p.out, "# " RESULT), "no TAP header for the collection:\n%s",
		      p.out);
	ck_assert_msg(has_line(p.out, "ok 1 " RESULT), "no 'ok 1 " RESULT "':\n%s", p.out);

	/* undertow's own KTAP, prefixed, says the same. */
	nested = nested_ktap(p.out);
	ck_assert_msg(!it_ktap_parse(nested, &k, why, sizeof(why)), "nested KTAP: %s\n%s", why,
		      nested);
	ck_assert_msg(k.plan >= MIN_SCENARIOS && k.ncase == k.plan && k.totals && !k.fail &&
		      k.pass + k.skip == k.plan && !k.bail,
		      "nested KTAP: plan %d, %d results, pass %d fail %d skip %d:\n%s", k.plan,
		      k.ncase, k.pass, k.fail, k.skip, nested);
	why_dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(why_dir, "no results in UNDERTOW_RESULTS=%s: %s", res, why);

	free(why_dir);
	ktap_free(&k);
	free(nested);
	proc_out_free(&p);
	free(list);
	free(tree);
	free(res);
}
END_TEST

START_TEST(test_run_kselftest_skip)
{
	char *tree, *res = it_mkdtemp("ksft-res"), *sh;
	struct proc_out p;

	ck_assert_ptr_nonnull(res);
	ksft_env(SKIP_ARGS, res);
	tree = ksft_tree("ksft-skip", NULL);

	p = run_kselftest(tree, "-t", COLL ":undertow.sh", RUN_BOUND_S);
	ck_assert_msg(p.exit_code == 0 && !p.timed_out, "run_kselftest.sh: %s\n%s",
		      proc_desc(&p), p.out);
	ck_assert_msg(has_line(p.out, "ok 1 " RESULT " # SKIP"),
		      "no 'ok 1 " RESULT " # SKIP':\n%s", p.out);
	ck_assert_msg(strstr(p.out, "\n# " SKIP_CASE " "), "undertow's skip line is not there:\n%s",
		      p.out);
	proc_out_free(&p);

	/* The runner says SKIP only for exit 4: undertow.sh's own. */
	sh = it_fmt("%s/" COLL "/undertow.sh", tree);
	{
		char *argv[] = { sh, NULL };

		p = sh_run(argv, RUN_BOUND_S, NULL);	/* from elsewhere: it cds itself */
	}
	ck_assert_msg(p.exit_code == 4, "undertow.sh with UNDERTOW_ARGS='" SKIP_ARGS "': want "
		      "exit 4 (KSFT_SKIP), got %s\n%s", proc_desc(&p), p.out);
	proc_out_free(&p);

	/* The runner's per-test arguments reach undertow too. */
	ksft_env(NULL, res);
	setenv("KSELFTEST_UNDERTOW_SH_ARGS", SKIP_ARGS, 1);
	p = run_kselftest(tree, "-c", COLL, RUN_BOUND_S);
	unsetenv("KSELFTEST_UNDERTOW_SH_ARGS");
	ck_assert_msg(has_line(p.out, "ok 1 " RESULT " # SKIP"),
		      "KSELFTEST_UNDERTOW_SH_ARGS: no 'ok 1 " RESULT " # SKIP':\n%s", p.out);
	proc_out_free(&p);

	free(sh);
	free(tree);
	free(res);
}
END_TEST

/* settings' timeout= is what the runner goes by, and undertow cleans up. */
START_TEST(test_run_kselftest_timeout)
{
	char *tree, *res = it_mkdtemp("ksft-res");
	struct strv mounts0, mounts1, tmp0, left;
	struct proc_out p;
	bool ambiguous;
	char *diff;

	ck_assert_ptr_nonnull(res);
	ksft_env("-t 60 lower-dir-rename", res);
	tree = ksft_tree("ksft-timeout", SHORT_TIMEOUT);
	ck_assert_int_eq(it_mounts(&mounts0), 0);
	ck_assert_int_eq(it_ls_prefix("/tmp", "undertow.", &tmp0), 0);

	p = run_kselftest(tree, "-c", COLL, SHORT_BOUND_S);
	ck_assert_msg(!p.timed_out && p.exit_code == 0, "run_kselftest.sh: %s", proc_desc(&p));
	ck_assert_msg(has_line(p.out, "not ok 1 " RESULT " # TIMEOUT " SHORT_TIMEOUT " seconds"),
		      "no TIMEOUT after timeout=" SHORT_TIMEOUT ":\n%s", p.out);

	ck_assert_int_eq(it_mounts(&mounts1), 0);
	diff = it_strv_diff(&mounts0, &mounts1);
	ck_assert_msg(!diff, "after the TIMEOUT, mounts of our namespace changed:\n%s", diff);
	ck_assert_int_ge(it_scratch_leftovers(&tmp0, SCRATCH_WAIT_S, &left, &ambiguous), 0);
	ck_assert_msg(!left.n || ambiguous, "after the TIMEOUT, left in /tmp: %s", left.v[0]);

	strv_free(&left);
	strv_free(&tmp0);
	strv_free(&mounts0);
	strv_free(&mounts1);
	proc_out_free(&p);
	free(tree);
	free(res);
}
END_TEST

/* make run_tests: its own runner and the kernel's give the same TAP. */
START_TEST(test_make_run_tests)
{
	static const struct {
		const char *args, *timeout, *want;
		bool ok;
	} cases[] = {
		{ "lower-dir-rename", NULL, "ok 1 " RESULT, true },
		{ SKIP_ARGS, NULL, "ok 1 " RESULT " # SKIP", true },
		{ "-t 60 lower-dir-rename", SHORT_TIMEOUT,
		  "not ok 1 " RESULT " # TIMEOUT " SHORT_TIMEOUT " seconds", false },
	};
	char *kdir = ksft_fetch(), *res = it_mkdtemp("ksft-res"), *stage = it_mkdtemp("ksft-stage");
	char *st = it_fmt("KSFT_STAGE=%s", stage), *bin = it_fmt("KSFT_BIN=%s", it_bin);
	char *kd = it_fmt("KSELFTEST_DIR=%s", kdir);

	ck_assert_ptr_nonnull(res);
	ck_assert_ptr_nonnull(stage);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *tmo = it_fmt("KSFT_TIMEOUT=%s", cases[i].timeout ? cases[i].timeout : "300");
		char *skel[2];

		ksft_env(cases[i].args, res);
		for (int kernel = 0; kernel < 2; kernel++) {
			const char *args[] = { "run_tests", st, bin, tmo, kernel ? kd : NULL, NULL };
			struct proc_out p = make(args);
			const char *who = kernel ? "the kernel's runner.sh" : "run_collection.sh";

			fprintf(stderr, "int-tests: make run_tests (%s, UNDERTOW_ARGS='%s'): %.1f s\n",
				who, cases[i].args, p.elapsed_s);
			ck_assert_msg(!p.timed_out, "make run_tests (%s): %s", who, proc_desc(&p));
			/* Ours says whether all was ok; the kernel's always 0. */
			ck_assert_msg(kernel || cases[i].ok ? p.exit_code == 0 : p.exit_code != 0,
				      "make run_tests (%s, UNDERTOW_ARGS='%s'): %s\n%s", who,
				      cases[i].args, proc_desc(&p), p.out);
			ck_assert_msg(has_line(p.out, cases[i].want),
				      "make run_tests (%s, UNDERTOW_ARGS='%s'): no '%s':\n%s", who,
				      cases[i].args, cases[i].want, p.out);
			ck_assert_msg(!strncmp(p.out, "TAP version 13\n1..1\n# " RESULT "\n",
					       strlen("TAP version 13\n1..1\n# " RESULT "\n")),
				      "make run_tests (%s): header:\n%s", who, p.out);
			skel[kernel] = tap_skeleton(p.out);
			proc_out_free(&p);
		}
		ck_assert_msg(!strcmp(skel[0], skel[1]),
			      "UNDERTOW_ARGS='%s': run_collection.sh says\n%sthe kernel's runner\n%s",
			      cases[i].args, skel[0], skel[1]);
		free(skel[0]);
		free(skel[1]);
		free(tmo);
	}
	free(kd);
	free(bin);
	free(st);
	free(stage);
	free(res);
	free(kdir);
}
END_TEST

Suite *kselftest_suite(void)
{
	Suite *s = suite_create("kselftest");
	TCase *tc = tcase_create("kselftest");

	/* The first test to fetch may download 140 MB. */
	tcase_set_timeout(tc, FETCH_BOUND_S + 2 * RUN_BOUND_S);
	tcase_add_test(tc, test_install_layout);
	tcase_add_test(tc, test_fetch_fails_clearly);
	tcase_add_test(tc, test_run_kselftest_pass);
	tcase_add_test(tc, test_run_kselftest_skip);
	tcase_add_test(tc, test_run_kselftest_timeout);
	tcase_add_test(tc, test_make_run_tests);
	suite_add_tcase(s, tc);
	return s;
}
