// SPDX-License-Identifier: GPL-2.0
/*
 * test_debug_kernel.c - the debug-kernel detectors, for real (make
 * check-debug only: the kernel build takes tens of minutes from a cold
 * cache).  harness/debug-kernel.sh builds (or finds) the debug kernel, our
 * test modules are built against its tree, and two VMs run.  A KASAN
 * report taints the kernel (B), which turns lockdep off, so the lockdep
 * proof boots without it:
 *
 *   1. lower-dir-rename         clean, before any report: pass;
 *      selftest-debug-leak      a kmalloc()ed object forgotten in ut_debug.ko:
 *                               leak, with the backtrace through ut_debug_leak;
 *      selftest-debug-lockdep   two mutexes A-B then B-A: crash, with the
 *                               chain, and lockdep turned itself off;
 *      upper-unlink-underneath  clean, after the splat: pass, and its result
 *                               says lockdep is off;
 *   2. with --fail all:20:
 *      lower-dir-rename,        failures injected into the workers and
 *      upper-unlink-underneath  mutators only, counted, every debugfs value
 *                               put back, ENOMEM tolerated;
 *      selftest-debug-kasan     a use-after-free read: crash, the summary
 *                               naming KASAN, the access and the alloc and
 *                               free stacks, which are in the evidence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define BUILD_BOUND_S	(80 * 60.0)	/* a cold build on 2 busy cores */
#define VM_BOUND_S	(20 * 60.0)

static char *kdir;	/* the debug kernel's cache directory */
static char *ut_debug_ko;

/* The first line of a successful command's stdout, or fail the test. */
static char *first_line(char *const argv[], double bound)
{
	struct run_opts o = { .timeout_s = bound, .exec_argv = true };
	char *cwd = realpath(".", NULL), *line;
	struct proc_out p;

	o.cwd = cwd;
	p = run_undertow_ex(argv, &o);
	ck_assert_msg(p.exit_code == 0, "%s: %s\n%s", argv[0], proc_desc(&p), p.err);
	line = it_fmt("%.*s", (int)strcspn(p.out, "\n"), p.out);
	fprintf(stderr, "test_debug_kernel: %s: %s (%.0f s)\n", argv[0], line, p.elapsed_s);
	proc_out_free(&p);
	free(cwd);
	return line;
}

static void need_kernel(void)
{
	char *build, *ko;

	if (kdir)
		return;
	{
		char *argv[] = { "harness/debug-kernel.sh", NULL };

		kdir = first_line(argv, BUILD_BOUND_S);
	}
	build = it_fmt("%s/build", kdir);
	{
		char *argv[] = { "tests/kmod/build.sh", "--build", build, NULL };

		ko = first_line(argv, 600);
	}
	ut_debug_ko = it_fmt("%.*sut_debug.ko", (int)(strrchr(ko, '/') + 1 - ko), ko);
	ck_assert_msg(it_exists(ut_debug_ko), "%s missing", ut_debug_ko);
	free(ko);
	free(build);
}

static json_t *result(const char *dir, const char *sc)
{
	char why[1024], *f = it_fmt("%s.json", sc);
	json_t *j = it_json_at(dir, f, why, sizeof(why));

	ck_assert_msg(j, "%s: %s", sc, why);
	free(f);
	return j;
}

static void want_verdict(json_t *j, const char *sc, const char *v, const char *f)
{
	const char *got = json_string_value(json_object_get(j, "verdict"));

	ck_assert_msg(got && !strcmp(got, v), "%s: verdict %s, want %s; findings:\n%s", sc,
		      got ? got : "?", v, f);
}

static void want_text(const char *hay, const char *needle, const char *sc)
{
	ck_assert_msg(strstr(hay, needle), "%s: no \"%s\" in:\n%.3000s", sc, needle, hay);
}

/* One VM run; returns its run directory. */
static char *vm_run(const char *tag, char *const *extra, int nextra, char *const *scens, int n)
{
	char *res = it_mkdtemp(tag), *runsh = realpath("run.sh", NULL), *dir, why[1024];
	const char *argv[32];
	struct run_opts o = { .timeout_s = VM_BOUND_S, .exec_argv = true };
	struct proc_out p;
	int k = 0;

	argv[k++] = runsh;
	argv[k++] = "--vm";
	argv[k++] = "--debug-kernel";
	/* One CPU (a two-CPU TCG boot of this kernel once went silent for
	 * minutes), and a generous silence bound: a KASAN + lockdep kernel
	 * under TCG on a busy host is slow. */
	argv[k++] = "--vm-smp";
	argv[k++] = "1";
	argv[k++] = "--vm-silence";
	argv[k++] = "600";
	argv[k++] = "--kmod";
	argv[k++] = ut_debug_ko;
	argv[k++] = "--results";
	argv[k++] = res;
	argv[k++] = "-t";
	argv[k++] = "1";
	argv[k++] = "-w";
	argv[k++] = "2";
	for (int i = 0; i < nextra; i++)
		argv[k++] = extra[i];
	for (int i = 0; i < n; i++)
		argv[k++] = scens[i];
	argv[k] = NULL;
	p = run_undertow_ex((char *const *)argv, &o);
	fprintf(stderr, "test_debug_kernel: %s VM run: %s, %.0f s\n%s", tag, proc_desc(&p),
		p.elapsed_s, p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s: no results (%s): %s\n%s", tag, why, proc_desc(&p), p.err);
	proc_out_free(&p);
	free(runsh);
	free(res);
	return dir;
}

static void want_pass(const char *dir, const char *sc, const char *also)
{
	json_t *j = result(dir, sc);
	char *f = it_findings_text(j);

	want_verdict(j, sc, "pass", f);
	if (also)
		want_text(f, also, sc);
	free(f);
	json_decref(j);
}

START_TEST(test_debug_leak_lockdep)
{
	char *const scens[] = { "lower-dir-rename", "selftest-debug-leak", "selftest-debug-lockdep",
				"upper-unlink-underneath" };
	char *dir, *f;
	json_t *j;

	need_kernel();
	dir = vm_run("dbg", NULL, 0, scens, 4);
	want_pass(dir, "lower-dir-rename", NULL);

	j = result(dir, "selftest-debug-leak");
	f = it_findings_text(j);
	want_verdict(j, "selftest-debug-leak", "leak", f);
	want_text(f, "[leak] kmemleak: ", "leak");
	want_text(f, "ut_debug_leak", "leak");
	fprintf(stderr, "test_debug_kernel: kmemleak findings:\n%s", f);
	free(f);
	json_decref(j);

	j = result(dir, "selftest-debug-lockdep");
	f = it_findings_text(j);
	want_verdict(j, "selftest-debug-lockdep", "crash", f);
	want_text(f, "lockdep: possible circular locking dependency detected; chain: ut_lock_",
		  "lockdep");
	want_text(f, "lockdep turned itself off during this scenario", "lockdep");
	fprintf(stderr, "test_debug_kernel: lockdep findings:\n%s", f);
	free(f);
	json_decref(j);

	want_pass(dir, "upper-unlink-underneath", "lockdep is off");
	free(dir);
}
END_TEST

static void want_injected(const char *dir, const char *sc)
{
	json_t *j = result(dir, sc), *snap = json_object_get(j, "snapshots");
	json_t *inj = json_object_get(snap, "injected_failures");
	char *f = it_findings_text(j);
	long long n = json_integer_value(json_object_get(inj, "slab")) +
		      json_integer_value(json_object_get(inj, "page"));

	fprintf(stderr, "test_debug_kernel: --fail all:20 %s: %s, %lld failures injected; "
		"findings:\n%s", sc, json_string_value(json_object_get(j, "verdict")), n, f);
	ck_assert_msg(inj && n > 0, "%s: no failures injected:\n%s", sc, f);
	ck_assert_msg(json_is_true(json_object_get(snap, "failinj_restored")),
		      "%s: debugfs values not restored:\n%s", sc, f);
	ck_assert_msg(!strstr(f, "returned ENOMEM") || strstr(f, "injected failures, --fail"),
		      "%s: ENOMEM not tolerated:\n%s", sc, f);
	free(f);
	json_decref(j);
}

START_TEST(test_debug_kasan_fail)
{
	char *const scens[] = { "lower-dir-rename", "selftest-debug-kasan",
				"upper-unlink-underneath" };
	char *const extra[] = { "--fail", "all:20" };
	char *dir, *f, *all;
	json_t *j;

	need_kernel();
	dir = vm_run("dbgkasan", extra, 2, scens, 3);
	j = result(dir, "selftest-debug-kasan");
	f = it_findings_text(j);
	all = json_dumps(j, 0);
	want_verdict(j, "selftest-debug-kasan", "crash", f);
	want_text(f, "[crash] KASAN: use-after-free in ut_debug_use_after_free", "kasan");
	want_text(f, "Read of size 1 at addr", "kasan");
	want_text(f, "alloc stack shown, free stack shown", "kasan");
	want_text(all, "Allocated by task", "kasan evidence");
	want_text(all, "Freed by task", "kasan evidence");
	fprintf(stderr, "test_debug_kernel: KASAN findings:\n%s", f);
	free(all);
	free(f);
	json_decref(j);
	want_injected(dir, "lower-dir-rename");
	want_injected(dir, "upper-unlink-underneath");
	free(dir);
}
END_TEST

Suite *debug_kernel_suite(void)
{
	Suite *s = suite_create("debug_kernel");
	TCase *tc = tcase_create("debug_kernel");

	tcase_set_timeout(tc, BUILD_BOUND_S + VM_BOUND_S + 600);
	tcase_add_test(tc, test_debug_leak_lockdep);
	tcase_add_test(tc, test_debug_kasan_fail);
	suite_add_tcase(s, tc);
	return s;
}
