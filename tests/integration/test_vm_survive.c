// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_survive.c - the run survives the kernel bugs it hunts, for real.
 * One VM (Debian's default kernel, booted without oops=panic, as Debian
 * boots) with our test module ut_fault.ko (tests/kmod, built against the
 * kernel's headers, cached) and ut_debug.ko runs eight scenarios:
 *
 *   selftest-emulator-db   ut_debug.ko logs the #DB WARN qemu's TCG made a
 *                          guest print (reserved EFLAGS bits set): no kernel
 *                          finding; the variant runs again and passes, with
 *                          the first run's reason and kernel lines kept;
 *   selftest-kernel-db     a real single step in kernel mode: the kernel's
 *                          own #DB WARN is a crash, no emulator fault;
 *   selftest-kref-delayed  a kernel reference keeps the overlay busy for
 *                          2 s after its umount: pass, with a note that
 *                          it was released late (the umount detector
 *                          waits for a late release before a leak);
 *   selftest-kref-held     a kernel reference pins the overlay for good:
 *                          leak, "no process holds it: a kernel reference",
 *                          and no kernel thread was releasing files;
 *   selftest-oops-umount   the overlay's umount oopses (kernel BUG) and the
 *                          kernel kills the process that unmounts: crash,
 *                          with the kernel's lines and the step;
 *   stale-dirfd-at         (runs after both faults) still gets a result:
 *                          pass, or skip "kernel unusable after ...";
 *   selftest-wedge-umount  the overlay's umount blocks in D state: hang,
 *                          with the stack and the step, the stuck runner
 *                          abandoned;
 *   upper-unlink-underneath  the same.
 *
 * run.json is complete, the exit is 1, nothing is lost, and the whole run
 * ends within SURVIVE_BOUND_S.  Every expectation is checked and the
 * unmet ones reported together.  The time from the oops to the next
 * scenario's start (kernel timestamps on the console) goes to stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

/*
 * The whole run.sh --vm, wall clock.  Measured here (2 cores, qemu TCG,
 * -smp 1, kernel and initramfs cached): the same VM run with nothing
 * injected (the two selftests skip) takes 20 s; the injected faults add
 * the selftests' 2 x 1 s, the hang timeout (3 s), the guest's bounded sync
 * before poweroff (5 s: the dead overlay's s_umount blocks sync for good)
 * and the supervisor's own bounds for reaping or abandoning a runner and
 * checking the kernel's health (about 30 s together); the kernel
 * references add their 2 x 1 s and the umount detector's waits (2 s for
 * the late release, 6 s before the held one is a leak); the #DB selftests
 * their 3 x 1 s and a health check.  That is about 75 s;
 * twice that covers a loaded host.  A run whose guest went silent instead
 * is killed by vm.sh after 3 x 3 + 60 s of silence, so it cannot pass as
 * in time and is also caught by "Bail out!".
 */
#define SURVIVE_BOUND_S	120.0
#define BUILD_BOUND_S	300.0	/* first time: headers download + unpack, about 35 s */
#define RUN_TIMEOUT_S	600.0	/* kill only far past the bound: report, don't cut */

#define KREF_LATE_SC	"selftest-kref-delayed"
#define KREF_HELD_SC	"selftest-kref-held"
#define OOPS_SC		"selftest-oops-umount"
#define WEDGE_SC	"selftest-wedge-umount"
#define BUG_LINE	"kernel BUG at tests/kmod/ut_fault.c"
#define UNUSABLE	"kernel unusable after"
#define EMU_SC		"selftest-emulator-db"
#define KDB_SC		"selftest-kernel-db"
#define EMU_FAULT	"emulator fault, not a kernel bug: the #DB WARN's register dump has " \
			"EFLAGS 06e08022, reserved bits 6c08020 set, which no CPU pushes"

/*
 * Runs in registry order: the #DB WARNs and the kernel references first
 * (before the oops can make the kernel unusable), both faults, then the
 * plain scenarios.
 */
static const char *const scens[] = { EMU_SC, KDB_SC, KREF_LATE_SC, KREF_HELD_SC, OOPS_SC,
				     WEDGE_SC, "stale-dirfd-at", "upper-unlink-underneath" };
#define NSCEN	(sizeof(scens) / sizeof(scens[0]))

/* Unmet expectations, one per line. */
struct unmet {
	char *text;
	size_t len;
	FILE *f;
};

static void want(struct unmet *u, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void want(struct unmet *u, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	if (!u->f)
		u->f = open_memstream(&u->text, &u->len);
	fputs("- ", u->f);
	va_start(ap, fmt);
	vfprintf(u->f, fmt, ap);
	va_end(ap);
	fputc('\n', u->f);
}

/* Does @text name step @step other than inside the scenario's name @name? */
static int names_step(const char *text, const char *step, const char *name)
{
	char *t = strdup(text), *p;

	for (p = t; (p = strstr(p, name)); p += strlen(name))
		memset(p, '#', strlen(name));
	p = strstr(t, step);
	free(t);
	return p != NULL;
}

/*
 * Kernel time of the first console line holding @needle stamped after
 * kernel time @after, -1 if none; *at points at the needle.  A console line
 * may carry vm.sh's progress text before the kernel's "[   12.345678] ".
 */
static double console_find(const char *console, const char *needle, double after,
			   const char **at)
{
	const char *p = console;
	double ts;

	while ((p = strstr(p, needle))) {
		const char *b = p;

		while (b > console && *b != '[' && b[-1] != '\n')
			b--;
		if (*b == '[' && sscanf(b, "[%lf]", &ts) == 1 && ts > after) {
			*at = p;
			return ts;
		}
		p += strlen(needle);
	}
	return -1;
}

/* The time from the oops to the next scenario's start, as the console tells. */
static void report_oops_gap(const char *dir)
{
	char *console = it_read_at(dir, "console.log");
	const char *at = NULL, *start = "undertow: start ";
	double oops = -1, next = -1;

	if (console)
		oops = console_find(console, BUG_LINE, -1, &at);
	if (oops >= 0)
		next = console_find(console, start, oops, &at);
	if (next >= 0)
		fprintf(stderr, "test_vm_survive: oops at %.3f s kernel time; the next scenario "
			"(%.*s) started %.3f s later\n", oops,
			(int)strcspn(at + strlen(start), " \r\n"), at + strlen(start), next - oops);
	else if (oops >= 0)
		fprintf(stderr, "test_vm_survive: oops at %.3f s kernel time; no scenario started "
			"after it\n", oops);
	else
		fprintf(stderr, "test_vm_survive: no \"%s\" line on the console\n", BUG_LINE);
	free(console);
}

/* The scenarios after the faults: a result, pass or "kernel unusable". */
static void check_follower(struct unmet *u, const char *dir, const char *sc)
{
	char why[1024], *file = it_fmt("%s.json", sc);
	json_t *j = it_json_at(dir, file, why, sizeof(why));
	const char *v, *reason;

	want(u, j != NULL, "%s: no result file (%s)", sc, why);
	if (j) {
		v = json_string_value(json_object_get(j, "verdict"));
		reason = json_string_value(json_object_get(j, "reason"));
		want(u, v && (!strcmp(v, "pass") || (!strcmp(v, "skip") && reason &&
						      !strncmp(reason, UNUSABLE, strlen(UNUSABLE)))),
		     "%s: verdict %s (%s), want pass or skip \"" UNUSABLE " ...\"", sc,
		     v ? v : "?", reason ? reason : "");
	}
	json_decref(j);
	free(file);
}

/*
 * @sc's result, its verdict checked against @verdict, its findings' text
 * in *f; NULL (the reason in @u) if it has none.  Free both.
 */
static json_t *result_as(struct unmet *u, const char *dir, const char *sc, const char *verdict,
			 char **f)
{
	char why[1024], *file = it_fmt("%s.json", sc);
	json_t *j = it_json_at(dir, file, why, sizeof(why));
	const char *v;

	free(file);
	*f = NULL;
	want(u, j != NULL, "%s: no result file (%s)", sc, why);
	if (!j)
		return NULL;
	v = json_string_value(json_object_get(j, "verdict"));
	*f = it_findings_text(j);
	want(u, v && !strcmp(v, verdict), "%s: verdict %s, want %s:\n%s", sc, v ? v : "?",
	     verdict, *f);
	return j;
}

/* A kernel reference left on the overlay: @verdict, with @text in its findings. */
static void check_kref(struct unmet *u, const char *dir, const char *sc, const char *verdict,
		       const char *text)
{
	char *f;
	json_t *j = result_as(u, dir, sc, verdict, &f);

	if (j)
		want(u, strstr(f, text) != NULL, "%s: findings lack \"%s\":\n%s", sc, text, f);
	free(f);
	json_decref(j);
}

static void check_oops(struct unmet *u, const char *dir)
{
	char *f, *all;
	json_t *j = result_as(u, dir, OOPS_SC, "crash", &f);

	if (!j)
		return;
	all = json_dumps(j, 0);
	want(u, strstr(f, BUG_LINE) != NULL, OOPS_SC ": findings lack the kernel's \"" BUG_LINE
	     "\" line:\n%s", f);
	want(u, names_step(f, "umount", OOPS_SC), OOPS_SC ": findings do not name the step "
	     "(umount):\n%s", f);
	want(u, all && strstr(all, "generic_shutdown_super"), OOPS_SC ": the kernel's call trace "
	     "(generic_shutdown_super) is not in the result");
	free(all);
	free(f);
	json_decref(j);
}

static void check_wedge(struct unmet *u, const char *dir)
{
	char *f;
	json_t *j = result_as(u, dir, WEDGE_SC, "hang", &f);

	if (!j)
		return;
	want(u, strstr(f, "ut_ovl_put_super_wedge") || strstr(f, "generic_shutdown_super"),
	     WEDGE_SC ": findings lack the stuck task's stack:\n%s", f);
	want(u, names_step(f, "umount", WEDGE_SC), WEDGE_SC ": findings do not name the step "
	     "(umount):\n%s", f);
	want(u, strcasestr(f, "abandon") != NULL, WEDGE_SC ": findings do not say the runner was "
	     "abandoned:\n%s", f);
	free(f);
	json_decref(j);
}

/* The emulator's report: a second run that passes, the first's reason and lines kept. */
static void check_emulator(struct unmet *u, const char *dir)
{
	char *f, *lines;
	json_t *j = result_as(u, dir, EMU_SC, "pass", &f), *first;
	const char *reason;

	if (!j)
		return;
	first = json_object_get(j, "emulator_fault");
	reason = json_string_value(json_object_get(first, "reason"));
	lines = json_dumps(json_object_get(first, "kmsg"), 0);
	want(u, strstr(f, "a second run: the first met an emulator fault") != NULL,
	     EMU_SC ": findings do not say it ran again:\n%s", f);
	want(u, reason && !strcmp(reason, EMU_FAULT), EMU_SC ": first run's reason %s, want "
	     "\"" EMU_FAULT "\"", reason ? reason : "missing");
	want(u, lines && strstr(lines, "exc_debug_kernel+0xca/0x160") &&
	     strstr(lines, "EFLAGS: 06e0c362"), EMU_SC ": first run's kernel lines missing: %s",
	     lines ? lines : "none");
	free(lines);
	free(f);
	json_decref(j);
}

/* A real single step in kernel mode: the kernel's WARN, a crash. */
static void check_kernel_db(struct unmet *u, const char *dir)
{
	char *f;
	json_t *j = result_as(u, dir, KDB_SC, "crash", &f);

	if (!j)
		return;
	want(u, strstr(f, "at arch/x86/kernel/traps.c:") && strstr(f, " exc_debug"),
	     KDB_SC ": findings lack the kernel's #DB WARNING:\n%s", f);
	want(u, !strstr(f, "emulator") && !json_object_get(j, "emulator_fault"),
	     KDB_SC ": the kernel's own WARN was called an emulator fault:\n%s", f);
	free(f);
	json_decref(j);
}

static void check_run_json(struct unmet *u, const char *dir)
{
	char why[1024];
	json_t *run = it_json_at(dir, "run.json", why, sizeof(why)), *sc = NULL;
	size_t i;

	want(u, run != NULL, "run.json: %s", why);
	if (!run)
		return;
	want(u, json_is_true(json_object_get(run, "complete")), "run.json: complete is not true");
	sc = json_object_get(run, "scenarios");
	want(u, json_array_size(sc) == NSCEN, "run.json: %zu scenarios, want %zu",
	     json_array_size(sc), NSCEN);
	for (i = 0; i < NSCEN; i++) {
		json_t *e;
		size_t k;
		int found = 0;

		json_array_foreach(sc, k, e)
			found |= !strcmp(json_string_value(json_object_get(e, "name")) ?: "", scens[i]);
		want(u, found, "run.json: %s missing", scens[i]);
	}
	/* A scenario must run after the oops, whatever order the run keeps. */
	for (i = 0; i + 1 < json_array_size(sc); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(sc, i), "name")) ?: "",
			    OOPS_SC))
			break;
	want(u, i + 1 < json_array_size(sc), "run.json: no scenario after " OOPS_SC);
	fprintf(stderr, "test_vm_survive: run order:");
	for (i = 0; i < json_array_size(sc); i++)
		fprintf(stderr, " %s=%s",
			json_string_value(json_object_get(json_array_get(sc, i), "name")),
			json_string_value(json_object_get(json_array_get(sc, i), "verdict")));
	fputc('\n', stderr);
	json_decref(run);
}

START_TEST(test_vm_survive_oops_and_wedge)
{
	char *res = it_mkdtemp("vmsurvive"), *runsh = realpath("run.sh", NULL), *ko, *dko, *dir;
	char why[1024];
	struct run_opts o = { .timeout_s = RUN_TIMEOUT_S, .exec_argv = true };
	struct unmet u = { 0 };
	struct proc_out p;
	double t;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	t = it_now();
	ko = it_build_kmod(&p, BUILD_BOUND_S);
	ck_assert_msg(ko, "tests/kmod/build.sh: %s\n%s", proc_desc(&p), p.out);
	dko = it_fmt("%.*s/ut_debug.ko", (int)(strrchr(ko, '/') - ko), ko);
	fprintf(stderr, "test_vm_survive: %s ready in %.1f s\n", ko, it_now() - t);
	proc_out_free(&p);

	{
		char *argv[] = { runsh, "--vm", "--vm-smp", "1", "--vm-oops", "continue",
				 "--kmod", ko, "--kmod", dko, "--results", res, "-t", "1",
				 "--hang-timeout", "3",
				 (char *)scens[0], (char *)scens[1], (char *)scens[2],
				 (char *)scens[3], (char *)scens[4], (char *)scens[5],
				 (char *)scens[6], (char *)scens[7], NULL };

		t = it_now();
		p = run_undertow_ex(argv, &o);
		t = it_now() - t;
	}
	fprintf(stderr, "test_vm_survive: run.sh --vm took %.1f s (bound %.0f s), %s\n", t,
		SURVIVE_BOUND_S, proc_desc(&p));
	want(&u, p.exit_code == 1, "exit: %s, want 1", proc_desc(&p));
	want(&u, t < SURVIVE_BOUND_S, "the run took %.1f s, bound %.0f s", t, SURVIVE_BOUND_S);
	want(&u, !strstr(p.out, "Bail out!"), "the guest's run was cut short: %.*s", (int)strcspn(
	     strstr(p.out, "Bail out!") ?: "", "\n"), strstr(p.out, "Bail out!") ?: "");
	dir = it_latest_run(res, why, sizeof(why));
	want(&u, dir != NULL, "no results: %s", why);
	if (dir) {
		report_oops_gap(dir);
		check_run_json(&u, dir);
		check_kref(&u, dir, KREF_LATE_SC, "pass", "after every worker exited, then "
			   "released (no process held it)");
		check_kref(&u, dir, KREF_HELD_SC, "leak", "no process holds it: a kernel reference\n"
			   "no kernel thread was releasing files");
		check_emulator(&u, dir);
		check_kernel_db(&u, dir);
		check_oops(&u, dir);
		check_wedge(&u, dir);
		check_follower(&u, dir, "stale-dirfd-at");
		check_follower(&u, dir, "upper-unlink-underneath");
	}
	if (u.f)
		fclose(u.f);
	/* Check caps its messages: the whole list goes to stderr. */
	if (u.text)
		fprintf(stderr, "test_vm_survive: unmet:\n%stest_vm_survive: KTAP:\n%s", u.text,
			p.out);
	ck_assert_msg(!u.text, "unmet expectations (all on stderr), first: %.300s", u.text);
	proc_out_free(&p);
	free(dir);
	free(dko);
	free(ko);
	free(runsh);
	free(res);
}
END_TEST

Suite *vm_survive_suite(void)
{
	Suite *s = suite_create("vm_survive");
	TCase *tc = tcase_create("vm_survive");

	tcase_set_timeout(tc, BUILD_BOUND_S + RUN_TIMEOUT_S + 60);
	tcase_add_test(tc, test_vm_survive_oops_and_wedge);
	suite_add_tcase(s, tc);
	return s;
}
