// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_watch.c - `run.sh --vm --exec` for real, on Debian's default
 * kernel with our test module ut_debug.ko (tests/kmod, built against the
 * kernel's headers, cached).  Two boots of the static watchprog:
 *
 *   ut-warn   writes ut_debug's "warn": the kernel prints a real WARNING
 *             and taints W; the guest's watch must say CRASH with the
 *             kernel's WARNING line, and the host exit 1;
 *   ut-true   does nothing: ok, exit 0.
 *
 * The guest's panic and silence are judged from its logs by the watch
 * suite (test_vm_watch_logs).  Each boot's time goes to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define BUILD_BOUND_S	300.0	/* first time: headers download + unpack */
/* A boot with a cached initramfs takes 15-25 s here (2 cores, TCG); a new one adds ~20 s. */
#define BOOT_TIMEOUT_S	300.0
#define EXEC_TIME	"5"
#define WARN_AT		"at tests/kmod/ut_debug.c:"

/* watchprog copied as @dir/@name: what it does is in its name. */
static char *prog_as(const char *dir, const char *name)
{
	char *src = it_helper_path("watchprog"), *dst = it_fmt("%s/%s", dir, name);

	ck_assert_msg(it_copy_file(src, dst), "cp %s %s failed", src, dst);
	free(src);
	return dst;
}

/* run.sh --vm [--kmod KO] --exec PROG: its output, and the time in *took. */
static struct proc_out boot(const char *ko, const char *prog, double *took)
{
	char *runsh = realpath("run.sh", NULL);
	char *argv[12] = { runsh, "--vm", "--vm-smp", "1" };
	struct run_opts o = { .timeout_s = BOOT_TIMEOUT_S, .exec_argv = true };
	struct proc_out p;
	int n = 4;
	double t = it_now();

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	if (ko) {
		argv[n++] = "--kmod";
		argv[n++] = (char *)ko;
	}
	argv[n++] = "--exec";
	argv[n++] = (char *)prog;
	argv[n++] = "--exec-time";
	argv[n++] = EXEC_TIME;
	p = run_undertow_ex(argv, &o);
	*took = it_now() - t;
	fprintf(stderr, "test_vm_watch: --exec %s: %.1f s, %s\n", strrchr(prog, '/') + 1, *took,
		proc_desc(&p));
	free(runsh);
	return p;
}

START_TEST(test_vm_watch_warn_and_true)
{
	char *dir = it_mkdtemp("vmwatch"), *ko, *dko, *warn, *ok, why[1024];
	struct proc_out p;
	struct ktap k;
	double t;

	t = it_now();
	ko = it_build_kmod(&p, BUILD_BOUND_S);
	ck_assert_msg(ko, "tests/kmod/build.sh: %s\n%s", proc_desc(&p), p.out);
	proc_out_free(&p);
	dko = it_fmt("%.*s/ut_debug.ko", (int)(strrchr(ko, '/') - ko), ko);
	fprintf(stderr, "test_vm_watch: %s ready in %.1f s\n", dko, it_now() - t);
	warn = prog_as(dir, "ut-warn");
	ok = prog_as(dir, "ut-true");

	p = boot(dko, warn, &t);
	ck_assert_msg(p.exit_code == 1, "ut-warn: want exit 1: %s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "ut-warn: KTAP: %s\n%s", why,
		      p.out);
	ck_assert_msg(k.ncase == 1 && !k.c[0].ok && !strcmp(k.c[0].name, "/exec/ut-warn") &&
		      !strcmp(k.c[0].tag, "CRASH"), "ut-warn: want not ok CRASH:\n%s", p.out);
	ck_assert_msg(strstr(k.c[0].reason, "kernel: WARNING: CPU: ") &&
		      strstr(k.c[0].reason, WARN_AT), "ut-warn: the reason is not the kernel's "
		      "WARNING line " WARN_AT "...:\n%s", p.out);
	ck_assert_msg(strstr(p.out, "kernel tainted during the run: W"),
		      "ut-warn: no taint W finding:\n%s", p.out);
	ktap_free(&k);
	proc_out_free(&p);

	p = boot(NULL, ok, &t);
	ck_assert_msg(p.exit_code == 0, "ut-true: want exit 0: %s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "ut-true: KTAP: %s\n%s", why,
		      p.out);
	ck_assert_msg(k.ncase == 1 && k.c[0].ok && !k.c[0].skip &&
		      !strcmp(k.c[0].name, "/exec/ut-true") && k.pass == 1,
		      "ut-true: want ok:\n%s", p.out);
	ktap_free(&k);
	proc_out_free(&p);
	free(ok);
	free(warn);
	free(dko);
	free(ko);
	free(dir);
}
END_TEST

Suite *vm_watch_suite(void)
{
	Suite *s = suite_create("vm_watch");
	TCase *tc = tcase_create("vm_watch");

	tcase_set_timeout(tc, BUILD_BOUND_S + 2 * BOOT_TIMEOUT_S + 60);
	tcase_add_test(tc, test_vm_watch_warn_and_true);
	suite_add_tcase(s, tc);
	return s;
}
