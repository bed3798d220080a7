// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_matrix.c - a clean quick matrix in the VM is a test: on Debian's
 * default kernel (6.1, suite vm_matrix, in make check) and on 6.12 (suite
 * vm612, make check-vm-612, asked for by name only) `run.sh --vm --matrix
 * quick -t 1` exits 0, every loop-filesystem and FUSE backend ran, and
 * every skip names the kernel feature it lacks.  A first attempt with up to
 * RERUN_MAX failed variants is printed, and each of them runs once more
 * alone and must pass: one 6.12 CI run met an emulator fault, one 6.1 run
 * an overlay still busy 6 s after an io_uring variant's umount (no
 * process held it; not seen again in 87 io_uring VM variants after it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define RERUN_MAX	3	/* failed variants run again alone; more is no flake */

/* How a skip names a missing feature (lib/mount_why.c, xattr_probe.c, scenarios' needs). */
static bool names_missing_feature(const char *reason)
{
	return strstr(reason, "this kernel has no") || strstr(reason, "no file handles through");
}

/* Each backend the matrix has a column for ran somewhere, not only skipped. */
static void check_backends_ran(const struct ktap *k)
{
	static const char *const backends[] = { "@ext4", "@xfs", "@btrfs", "@fuse", "@nested" };

	for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
		bool ran = false;

		for (int i = 0; i < k->ncase && !ran; i++)
			ran = strstr(k->c[i].name, backends[b]) && k->c[i].ok && !k->c[i].skip;
		ck_assert_msg(ran, "no %s variant ran", backends[b]);
	}
}

/* The "not ok" lines of a KTAP text, to stderr: what a first attempt failed on. */
static void say_failures(const char *version, const struct proc_out *p)
{
	const char *v = version ? version : "default";

	for (const char *l = p->out; l && *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
		if (!strncmp(l, "not ok ", 7) || !strncmp(l, "Bail out!", 9))
			fprintf(stderr, "test_vm_matrix: %s, first attempt: %.*s\n", v,
				(int)strcspn(l, "\n"), l);
	fprintf(stderr, "test_vm_matrix: %s, first attempt: %s; each failed variant runs once "
		"more, alone\n", v, proc_desc(p));
}

/* run.sh --vm [--kernel-version V] --results RES -t 1 ARGS...: its output. */
static struct proc_out vm_run(const char *runsh, const char *version, const char *res,
			      char *const *args)
{
	char *argv[24] = { (char *)runsh, "--vm" };
	struct run_opts o = { .timeout_s = 1500, .exec_argv = true };
	int n = 2;

	if (version) {
		argv[n++] = "--kernel-version";
		argv[n++] = (char *)version;
	}
	argv[n++] = "--results";
	argv[n++] = (char *)res;
	argv[n++] = "-t";
	argv[n++] = "1";
	while (*args && n < 23)
		argv[n++] = *args++;
	argv[n] = NULL;
	return run_undertow_ex(argv, &o);
}

/*
 * A first matrix with a few failed variants: each runs once more, alone,
 * with the backend and option set its result file records, and must pass
 * (a rare kernel event, or the emulator, is not a clean matrix's failure;
 * the first failure is on stderr).  A run cut short, or more failures than
 * RERUN_MAX, fails.
 */
static void rerun_failed(const char *runsh, const char *version, const char *res,
			 const struct proc_out *p)
{
	char why[1024], *dir = it_latest_run(res, why, sizeof(why));
	struct ktap k;

	say_failures(version, p);
	ck_assert_msg(dir, "%s: %s\n%s", proc_desc(p), why, p->out);
	ck_assert_msg(!it_ktap_parse(p->out, &k, why, sizeof(why)), "%s\n%s", why, p->out);
	ck_assert_msg(!k.bail && k.totals && k.fail <= RERUN_MAX, "%s: %d failed, or cut short: "
		      "not a flake\n%s", proc_desc(p), k.fail, p->out);
	for (int i = 0; i < k.ncase; i++) {
		char *file = it_fmt("%s.json", k.c[i].name), *res2 = it_mkdtemp("vmrerun");
		json_t *j = k.c[i].ok ? NULL : it_json_at(dir, file, why, sizeof(why));
		struct proc_out q;

		if (!k.c[i].ok) {
			char *const args[] = { "-b", (char *)json_string_value(json_object_get(j,
					       "backend_spec")), "-o", (char *)json_string_value(
					       json_object_get(j, "optset")), (char *)json_string_value(
					       json_object_get(j, "name")), NULL };

			ck_assert_msg(j && args[1] && args[3] && args[4], "%s: %s", file, why);
			q = vm_run(runsh, version, res2, args);
			fprintf(stderr, "test_vm_matrix: %s again, alone: %s\n", k.c[i].name,
				proc_desc(&q));
			ck_assert_msg(q.exit_code == 0, "%s failed again, alone: %s\n%s",
				      k.c[i].name, proc_desc(&q), q.out);
			proc_out_free(&q);
		}
		json_decref(j);
		free(res2);
		free(file);
	}
	ktap_free(&k);
	free(dir);
}

static void clean_matrix(const char *version, const char *release_prefix)
{
	char *res = it_mkdtemp("vmmatrix"), *runsh = realpath("run.sh", NULL), *dir, why[1024];
	char *const args[] = { "--matrix", "quick", NULL };
	struct proc_out p;
	struct ktap k;
	json_t *run;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	p = vm_run(runsh, version, res, args);
	if (p.exit_code == 1)
		rerun_failed(runsh, version, res, &p);
	else
		ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "%s\n%s", why, p.out);
	ck_assert_int_gt(k.pass, 80);
	for (int i = 0; i < k.ncase; i++)
		ck_assert_msg(!k.c[i].skip || names_missing_feature(k.c[i].reason),
			      "%s: skip names no missing kernel feature: %s", k.c[i].name,
			      k.c[i].reason);
	check_backends_ran(&k);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ck_assert_msg(!strncmp(json_string_value(json_object_get(run, "kernel")), release_prefix,
			       strlen(release_prefix)), "kernel %s, want %s*",
		      json_string_value(json_object_get(run, "kernel")), release_prefix);
	json_decref(run);
	ktap_free(&k);
	proc_out_free(&p);
	free(dir);
	free(runsh);
	free(res);
}

START_TEST(test_vm_matrix_default)
{
	clean_matrix(NULL, "6.1.");
}
END_TEST

START_TEST(test_vm_matrix_612)
{
	clean_matrix("6.12", "6.12.");
}
END_TEST

static Suite *one_test_suite(const char *name, const TTest *t)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 1600);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
	return s;
}

Suite *vm_matrix_suite(void)
{
	return one_test_suite("vm_matrix", test_vm_matrix_default);
}

Suite *vm612_suite(void)
{
	return one_test_suite("vm612", test_vm_matrix_612);
}
