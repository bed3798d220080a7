// SPDX-License-Identifier: GPL-2.0
/*
 * test_watch.c - `undertow watch` on this host, and `undertow vm-watch`
 * (the host side of vm.sh --exec) on the logs of a guest that died.
 *
 * No real kernel WARNING is made here: this kernel is shared, and its
 * taint and log are other runs' evidence.  The VM suite vm_watch makes a
 * real one (test_vm_watch.c).  Here: a clean program passes, a WARNING
 * written to /dev/kmsg by userspace is read and not judged, a program
 * past its time limit is killed with everything it started (even what
 * left its process group), a program stuck in D state on a FUSE server
 * that never answers is a hang with its kernel stack and the watch still
 * ends in time, and without /dev/kmsg the watch skips.  Usage errors are
 * rows of the bad-input table (test_badinput.c).
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "it.h"

#define WATCH_TIMEOUT_S	60
#define LIMIT		"0.3"	/* --time of the bounded tests */
/* --time + 2 s grace + 5 s after SIGKILL + 0.3 s settle, and slack for a loaded host */
#define STUCK_BOUND_S	15.0
#define NOBODY		65534
#define FAKE_WARNING	"WARNING: CPU: 0 PID: 1 at undertow-watch-test.c:1 fake+0x0/0x10"

/* The one test of a watch's KTAP, checked against @name and ok/not ok. */
static struct ktap_case *one_case(const struct proc_out *p, struct ktap *k, const char *name,
				  bool ok)
{
	char why[1024];

	ck_assert_msg(!it_ktap_parse(p->out, k, why, sizeof(why)), "KTAP: %s\n%s", why, p->out);
	ck_assert_msg(k->plan == 1 && k->ncase == 1 && k->totals,
		      "want plan 1, one result and Totals:\n%s", p->out);
	ck_assert_msg(!strcmp(k->c[0].name, name), "test named '%s', want '%s'", k->c[0].name,
		      name);
	ck_assert_msg(k->c[0].ok == ok, "want %s:\n%s", ok ? "ok" : "not ok", p->out);
	return &k->c[0];
}

static json_t *watch_json(const char *res)
{
	char why[1024];
	json_t *j = it_json_at(res, "watch.json", why, sizeof(why));

	ck_assert_msg(j, "%s", why);
	return j;
}

static const char *jstr(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key)) ?: "";
}

START_TEST(test_watch_true)
{
	char *res = it_mkdtemp("watch"), *log = it_fmt("%s/prog.log", res);
	char *argv[] = { "watch", "--results", res, "--", "/bin/true", NULL };
	struct proc_out p = run_undertow(argv, WATCH_TIMEOUT_S);
	struct ktap k;
	json_t *j, *f;
	size_t i;

	fprintf(stderr, "test_watch: /bin/true watched in %.2f s\n", p.elapsed_s);
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	ck_assert(!one_case(&p, &k, "/bin/true", true)->skip);
	j = watch_json(res);
	ck_assert_str_eq(jstr(j, "verdict"), "pass");
	ck_assert_str_eq(jstr(j, "prog"), "/bin/true");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "exit_code")), 0);
	json_array_foreach(json_object_get(j, "findings"), i, f)
		ck_assert_msg(!strcmp(jstr(f, "kind"), "info"), "finding: %s", jstr(f, "detail"));
	ck_assert_msg(it_exists(log), "no %s", log);
	json_decref(j);
	ktap_free(&k);
	proc_out_free(&p);
	free(log);
	free(res);
}
END_TEST

/* Userspace lines in the kernel log are never a finding; PROG's exit code is told. */
START_TEST(test_watch_user_warning)
{
	char *res = it_mkdtemp("watch"), *log, *script;
	char *argv[] = { "watch", "--results", res, "--", "sh", "-c", NULL, NULL };
	struct proc_out p;
	struct ktap k;
	json_t *j, *line;
	size_t i;
	bool read = false;

	script = it_fmt("echo '%s' > /dev/kmsg; echo from-the-program; exit 3", FAKE_WARNING);
	argv[6] = script;
	p = run_undertow(argv, WATCH_TIMEOUT_S);
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	one_case(&p, &k, "sh", true);
	ck_assert_msg(strstr(p.out, "# sh: exited 3"), "KTAP lacks the exit code:\n%s", p.out);
	j = watch_json(res);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "exit_code")), 3);
	json_array_foreach(json_object_get(j, "kmsg"), i, line)
		read |= !strcmp(json_string_value(line) ?: "", FAKE_WARNING);
	ck_assert_msg(read, "the fake WARNING was not read from the kernel log:\n%s",
		      json_dumps(json_object_get(j, "kmsg"), 0));
	log = it_read_at(res, "prog.log");
	ck_assert_msg(log && strstr(log, "from-the-program"), "prog.log: %s", log ?: "none");
	free(log);
	json_decref(j);
	ktap_free(&k);
	proc_out_free(&p);
	free(script);
	free(res);
}
END_TEST

/* Past its time limit PROG is killed, with what it started, in or out of its group. */
START_TEST(test_watch_time_limit)
{
	char *res = it_mkdtemp("watch"), *bin = it_fmt("%s/ut-wsleep", res), *script;
	char *argv[] = { "watch", "-t", LIMIT, "--results", res, "--", "sh", "-c", NULL, NULL };
	char *cp[] = { "cp", "/bin/sleep", bin, NULL };
	struct run_opts o = { .timeout_s = 30, .exec_argv = true };
	struct proc_out p = run_undertow_ex(cp, &o);
	struct ktap k;
	json_t *j;

	ck_assert_msg(p.exit_code == 0, "cp: %s", proc_desc(&p));
	proc_out_free(&p);
	script = it_fmt("setsid %s 300 & %s 301 & wait", bin, bin);
	argv[8] = script;
	p = run_undertow(argv, WATCH_TIMEOUT_S);
	fprintf(stderr, "test_watch: time limit " LIMIT " s: the watch ended after %.2f s\n",
		p.elapsed_s);
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	one_case(&p, &k, "sh", true);
	ck_assert_msg(p.elapsed_s < STUCK_BOUND_S, "took %.1f s", p.elapsed_s);
	j = watch_json(res);
	ck_assert_msg(json_is_true(json_object_get(j, "at_limit")), "at_limit is not true");
	ck_assert_msg(strstr(jstr(j, "exit_status"), "at the time limit"), "exit_status: %s",
		      jstr(j, "exit_status"));
	ck_assert_int_eq(json_array_size(json_object_get(j, "abandoned")), 0);
	ck_assert_msg(it_count_procs("ut-wsleep") == 0, "ut-wsleep outlived the watch");
	json_decref(j);
	ktap_free(&k);
	proc_out_free(&p);
	free(script);
	free(bin);
	free(res);
}
END_TEST

/* A lookup the FUSE server reads and never answers: D state, SIGKILL or not. */
START_TEST(test_watch_stuck)
{
	char *dir = it_mkdtemp("watch"), *backing = it_fmt("%s/b", dir), *mnt = it_fmt("%s/m", dir);
	char *res = it_fmt("%s/r", dir), *path = it_fmt("%s/ut-stall", mnt), *f;
	char *argv[] = { "watch", "-t", LIMIT, "--results", res, "--", "stat", path, NULL };
	struct proc_out p;
	struct ktap k;
	struct ktap_case *c;
	pid_t server;
	json_t *j;

	/* Our FUSE mount stays ours; the watched program inherits it. */
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mkdir(backing, 0755), 0);
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	server = it_stallfs_start(backing, mnt);
	p = run_undertow(argv, WATCH_TIMEOUT_S);
	j = it_json_at(res, "watch.json", (char[256]){ 0 }, 256);
	it_stallfs_stop(server, mnt);	/* the stuck stat gets its answer: ENOTCONN */
	fprintf(stderr, "test_watch: stuck program: the watch ended after %.2f s\n", p.elapsed_s);

	ck_assert_msg(p.exit_code == 1 && p.elapsed_s < STUCK_BOUND_S,
		      "want exit 1 within %.0f s: %s\n%s", STUCK_BOUND_S, proc_desc(&p), p.out);
	c = one_case(&p, &k, "stat", false);
	ck_assert_msg(!strcmp(c->tag, "HANG") && strstr(c->reason, "after SIGKILL"),
		      "want HANG ... after SIGKILL:\n%s", p.out);
	ck_assert_msg(strstr(p.out, "request_wait_answer") || strstr(p.out, "fuse_"),
		      "KTAP lacks the FUSE wait in the stack:\n%s", p.out);
	ck_assert_msg(j, "no watch.json");
	ck_assert_str_eq(jstr(j, "verdict"), "hang");
	ck_assert_int_eq(json_array_size(json_object_get(j, "abandoned")), 1);
	f = it_findings_text(j);
	ck_assert_msg(strstr(f, "state D"), "findings:\n%s", f);
	free(f);
	json_decref(j);
	ktap_free(&k);
	proc_out_free(&p);
	free(path);
	free(res);
	free(mnt);
	free(backing);
	free(dir);
}
END_TEST

static void become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(126);
}

/* Without the kernel log there is nothing to watch: skip, PROG not run. */
START_TEST(test_watch_no_kmsg)
{
	char *argv[] = { "watch", "--", "/bin/true", NULL };
	struct run_opts o = { .timeout_s = WATCH_TIMEOUT_S, .cwd = "/",
			      .pre_exec = become_nobody };
	char *restrict_ = it_read_file("/proc/sys/kernel/dmesg_restrict", NULL);
	struct proc_out p = run_undertow_ex(argv, &o);
	struct ktap k;
	struct ktap_case *c;

	if (!restrict_ || restrict_[0] != '1') {
		/* Everyone may read the log here: nobody's watch is a real one. */
		fprintf(stderr, "test_watch: dmesg_restrict is not 1: nobody can read "
			"/dev/kmsg, no skip to see\n");
		ck_assert_msg(p.exit_code == 0, "%s", proc_desc(&p));
	} else {
		ck_assert_msg(p.exit_code == 4, "want 4: %s\n%s", proc_desc(&p), p.out);
		c = one_case(&p, &k, "/bin/true", true);
		ck_assert_msg(c->skip && strstr(c->reason, "/dev/kmsg"), "want SKIP naming "
			      "/dev/kmsg:\n%s", p.out);
		ktap_free(&k);
	}
	free(restrict_);
	proc_out_free(&p);
}
END_TEST

/* ---- vm-watch: the guest's logs ---------------------------------------- */

#define DATA_HEAD	"KTAP version 1\r\n1..1\r\n# watch: /exec/ut-x, time limit 5 s\r\n"
#define CONSOLE_BOOT	"[    0.000000] Linux version 6.1.0-57-amd64\r\n" \
			"undertow-vm: kernel 6.1.0-57-amd64, 1 cpus\r\n" \
			"[    9.100000] undertow: start /exec/ut-x seed=0\r\n" \
			"watchprog: WARNING: said by the program, not the kernel\r\n"
#define BUG_LINE	"kernel BUG at fs/overlayfs/super.c:123!"
#define CONSOLE_BUG	CONSOLE_BOOT \
			"[    9.200000] ------------[ cut here ]------------\r\n" \
			"[    9.200001] " BUG_LINE "\r\n" \
			"[    9.200002] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\r\n" \
			"[    9.200003] RIP: 0010:ovl_put_super+0x10/0x20 [overlay]\r\n" \
			"[    9.200004] Kernel panic - not syncing: Fatal exception\r\n"

/* undertow vm-watch on @data and @console as the guest left them, ended @how. */
static struct proc_out vm_watch(const char *data, const char *console, const char *how)
{
	char *dir = it_mkdtemp("vmwatch"), *d = it_fmt("%s/data.log", dir);
	char *c = it_fmt("%s/console.log", dir);
	char *argv[] = { "vm-watch", d, c, (char *)how, "/exec/ut-x", NULL };
	FILE *f;
	struct proc_out p;

	f = fopen(d, "w");
	ck_assert(f && fputs(data, f) >= 0 && !fclose(f));
	f = fopen(c, "w");
	ck_assert(f && fputs(console, f) >= 0 && !fclose(f));
	p = run_undertow(argv, WATCH_TIMEOUT_S);
	free(c);
	free(d);
	free(dir);
	return p;
}

START_TEST(test_vm_watch_logs)
{
	struct proc_out p;
	struct ktap k;
	struct ktap_case *c;

	/* Panicked: the first kernel crash line, not the program's own words. */
	p = vm_watch(DATA_HEAD, CONSOLE_BUG, "panic");
	ck_assert_msg(p.exit_code == 1, "panic: %s", proc_desc(&p));
	c = one_case(&p, &k, "/exec/ut-x", false);
	ck_assert_msg(!strcmp(c->tag, "CRASH") && strstr(c->reason, BUG_LINE),
		      "panic: want CRASH with the BUG line:\n%s", p.out);
	ck_assert_msg(strstr(p.out, "panicked: Kernel panic - not syncing: Fatal exception") &&
		      strstr(p.out, "# watch: /exec/ut-x"), "panic: KTAP:\n%s", p.out);
	ktap_free(&k);
	proc_out_free(&p);

	/* Silent: a hang. */
	p = vm_watch(DATA_HEAD, CONSOLE_BOOT, "hang");
	ck_assert_msg(p.exit_code == 1, "hang: %s", proc_desc(&p));
	ck_assert_str_eq(one_case(&p, &k, "/exec/ut-x", false)->tag, "HANG");
	ktap_free(&k);
	proc_out_free(&p);

	/* Powered off without a result: the guest's watch failed. */
	p = vm_watch(DATA_HEAD, CONSOLE_BOOT "undertow-vm: undertow exited 2\r\n", "ok");
	ck_assert_msg(p.exit_code == 1, "no result: %s", proc_desc(&p));
	ck_assert_str_eq(one_case(&p, &k, "/exec/ut-x", false)->tag, "BROKEN");
	ktap_free(&k);
	proc_out_free(&p);

	/* Lived: its KTAP and its exit code as they are. */
	p = vm_watch(DATA_HEAD "ok 1 /exec/ut-x\r\n# Totals: pass:1 fail:0 skip:0\r\n",
		     CONSOLE_BOOT "undertow-vm: undertow exited 0\r\n", "ok");
	ck_assert_msg(p.exit_code == 0, "ok: %s", proc_desc(&p));
	ck_assert(!one_case(&p, &k, "/exec/ut-x", true)->skip);
	ktap_free(&k);
	proc_out_free(&p);
}
END_TEST

/* vm.sh refuses what it cannot boot (--exec's and --vm-boot's), in one line, before booting. */
START_TEST(test_vm_exec_usage)
{
	static const struct { const char *args[7], *says; } rows[] = {	/* NULL-ended */
		{ { "--exec", "/nonexistent" }, "not an executable file" },
		{ { "--exec", "@P", "--exec-time", "0" }, "--exec-time wants seconds" },
		{ { "--exec", "@P", "--exec-time", "1,5" }, "--exec-time wants seconds" },
		{ { "--exec-time", "5" }, "--exec-time is for --exec" },
		{ { "--exec", "@P", "-t", "1" }, "no run options or scenarios" },
		{ { "--exec", "@P", "--kernel-version", "6.1", "--kernel-version", "6.12" },
		  "one --kernel-version" },
		{ { "--vm-boot", "0" }, "--vm-boot wants whole seconds" },
		{ { "--vm-boot", "1.5", "--exec", "@P" }, "--vm-boot wants whole seconds" },
		{ { "--vm-boot" }, "--vm-boot wants seconds" },
	};
	char *vmsh = realpath("harness/vm.sh", NULL), *prog = it_helper_path("watchprog");

	ck_assert_msg(vmsh, "harness/vm.sh not found from the working directory");
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		char *argv[8] = { vmsh };
		struct run_opts o = { .timeout_s = 30, .exec_argv = true };
		struct proc_out p;

		for (int i = 0; rows[r].args[i]; i++)
			argv[i + 1] = (char *)(strcmp(rows[r].args[i], "@P") ? rows[r].args[i] : prog);
		p = run_undertow_ex(argv, &o);
		ck_assert_msg(p.exit_code == 2 && strstr(p.err, rows[r].says) &&
			      strchr(p.err, '\n') == p.err + p.err_len - 1 && !p.out_len,
			      "vm.sh %s ...: want exit 2 and one line naming '%s': %s",
			      rows[r].args[0], rows[r].says, proc_desc(&p));
		proc_out_free(&p);
	}
	free(prog);
	free(vmsh);
}
END_TEST

Suite *watch_suite(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = tcase_create("watch");

	tcase_set_timeout(tc, WATCH_TIMEOUT_S + 30);
	tcase_add_test(tc, test_watch_true);
	tcase_add_test(tc, test_watch_user_warning);
	tcase_add_test(tc, test_watch_time_limit);
	tcase_add_test(tc, test_watch_stuck);
	tcase_add_test(tc, test_watch_no_kmsg);
	tcase_add_test(tc, test_vm_watch_logs);
	tcase_add_test(tc, test_vm_exec_usage);
	suite_add_tcase(s, tc);
	return s;
}
