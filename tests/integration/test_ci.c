// SPDX-License-Identifier: GPL-2.0
/*
 * test_ci.c - the CI templates in ci/ (the LAVA test definition and the
 * GitHub Actions workflow), through tests/ci/test-ci.sh: YAML and keys,
 * shellcheck of their shell, a real run of the LAVA steps with
 * lava-test-case stubbed, and a dry run of the workflow's shard and merge
 * jobs with the VM standing in as a run on this host.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

/* python3-yaml may have to be installed first. */
#define CI_TIMEOUT_S	600.0

/* The source tree: UNDERTOW_SRC, else the working directory (make check's). */
static char *src_dir(void)
{
	const char *env = getenv("UNDERTOW_SRC");
	char dir[PATH_MAX], *probe;

	if (env && *env)
		ck_assert_msg(realpath(env, dir), "UNDERTOW_SRC=%s: %s", env, strerror(errno));
	else
		ck_assert_msg(getcwd(dir, sizeof(dir)), "getcwd: %s", strerror(errno));
	probe = it_fmt("%s/tests/ci/test-ci.sh", dir);
	ck_assert_msg(it_exists(probe), "%s: not undertow's source tree (set UNDERTOW_SRC)", dir);
	free(probe);
	return it_fmt("%s", dir);
}

START_TEST(test_ci_templates)
{
	char *src = src_dir(), *script = it_fmt("%s/tests/ci/test-ci.sh", src);
	char *argv[] = { "bash", script, NULL };
	struct run_opts o = { .timeout_s = CI_TIMEOUT_S, .cwd = src, .exec_argv = true };
	struct proc_out p;

	setenv("UNDERTOW", it_bin, 1);
	p = run_undertow_ex(argv, &o);
	ck_assert_msg(p.exit_code == 0, "tests/ci/test-ci.sh: %s\n%s%s", proc_desc(&p), p.out,
		      p.err);
	ck_assert_msg(!strstr(p.out, "not ok"), "%s", p.out);
	fprintf(stderr, "ci: the CI templates checked in %.1f s\n", p.elapsed_s);
	proc_out_free(&p);
	free(script);
	free(src);
}
END_TEST

Suite *ci_suite(void)
{
	Suite *s = suite_create("ci");
	TCase *tc = tcase_create("ci");

	tcase_set_timeout(tc, CI_TIMEOUT_S + 30);
	tcase_add_test(tc, test_ci_templates);
	suite_add_tcase(s, tc);
	return s;
}
