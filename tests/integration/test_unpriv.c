// SPDX-License-Identifier: GPL-2.0
/*
 * test_unpriv.c - a real unprivileged user runs undertow: it makes its own
 * user namespace (or runs under run.sh's `unshare --user --map-root-user`),
 * mounts overlay with userxattr on tmpfs, runs what needs no real root and
 * skips the rest with a reason; nothing leaks into the caller's mounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "it.h"

#define USER "ut-unpriv"

static struct proc_out as_user(const char *cmd)
{
	char *argv[] = { "su", USER, "-s", "/bin/sh", "-c", (char *)cmd, NULL };
	struct run_opts o = { .timeout_s = 120, .exec_argv = true, .cwd = "/" };

	return run_undertow_ex(argv, &o);
}

/* A scratch dir the user can enter and write, holding a copy of the binary. */
static char *user_dir(void)
{
	char *dir = it_mkdtemp("unpriv"), *cmd;
	struct proc_out p;

	ck_assert_ptr_nonnull(dir);
	ck_assert_int_eq(chmod(it_base, 0755), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	cmd = it_fmt("cp %s %s/undertow && chmod 755 %s/undertow", it_bin, dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	ck_assert_int_eq(system("id " USER " >/dev/null 2>&1 || useradd --system "
				"--no-create-home --shell /bin/sh " USER), 0);
	p = as_user("id -u");
	ck_assert_msg(p.exit_code == 0 && atoi(p.out) > 0, "%s", proc_desc(&p));
	proc_out_free(&p);
	return dir;
}

static void check_run(const char *dir, const char *how)
{
	char why[1024], *res = it_fmt("%s/res-%s", dir, how), *rd;
	json_t *run, *j;

	rd = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(rd, "%s", why);
	run = it_json_at(rd, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ck_assert(json_is_true(json_object_get(run, "unprivileged")));
	j = it_json_at(rd, "lower-dir-rename.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "ovl_options")),
				     "userxattr"));
	ck_assert_int_gt(it_total_calls(json_object_get(j, "mutations")), 0);
	json_decref(j);
	j = it_json_at(rd, "lower-dir-rename@ext4.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "skip");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "reason")),
				     "needs real root"));
	json_decref(j);
	j = it_json_at(rd, "selftest-kmsg-user.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "skip");
	json_decref(j);
	json_decref(run);
	free(rd);
	free(res);
}

START_TEST(test_unprivileged_user)
{
	static const char *const how[] = { "self", "unshare" };
	char *dir = user_dir();
	struct strv m0, m1;

	ck_assert_int_eq(it_mounts(&m0), 0);
	for (int i = 0; i < 2; i++) {
		/* The binary makes its own namespace; run.sh uses unshare(1). */
		char *cmd = it_fmt("cd %s && %s./undertow run --results res-%s -t 0.5 -w 2 "
				   "-b tmpfs,ext4 lower-dir-rename selftest-kmsg-user", dir,
				   i ? "unshare --user --map-root-user --mount --propagation private "
				     : "", how[i]);
		struct proc_out p = as_user(cmd);

		if (p.exit_code == 4 && strstr(p.err, "no user namespace")) {
			/* A kernel that forbids them: one clear line, exit 4. */
			ck_assert_ptr_eq(strchr(p.err, '\n'), p.err + strlen(p.err) - 1);
		} else {
			ck_assert_msg(p.exit_code == 0, "%s: %s\n%s", how[i], proc_desc(&p), p.out);
			check_run(dir, how[i]);
		}
		proc_out_free(&p);
		free(cmd);
	}
	ck_assert_int_eq(it_mounts(&m1), 0);
	ck_assert_msg(!it_strv_diff(&m0, &m1), "mounts changed: %s", it_strv_diff(&m0, &m1));
	strv_free(&m0);
	strv_free(&m1);
	free(dir);
}
END_TEST

Suite *unpriv_suite(void)
{
	Suite *s = suite_create("unpriv");
	TCase *tc = tcase_create("unpriv");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_unprivileged_user);
	suite_add_tcase(s, tc);
	return s;
}
