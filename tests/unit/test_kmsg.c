// SPDX-License-Identifier: GPL-2.0
/*
 * test_kmsg.c - kmsg record parsing, classification and a live round trip.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kmsg.h"

Suite *kmsg_suite(void);

/* Raw records as /dev/kmsg returns them, with what they must classify as. */
struct rec_case {
	const char *raw;
	enum ut_kmsg_class cls;
	const char *why;
};

static const struct rec_case kernel_cases[] = {
	{ "4,1234,5678901,-;WARNING: CPU: 1 PID: 42 at fs/overlayfs/namei.c:123 ovl_lookup+0x1a/0x2b0\n"
	  " SUBSYSTEM=overlay\n",
	  UT_KM_CRASH, "warn" },
	{ "1,1300,5679000,-;BUG: kernel NULL pointer dereference, address: 0000000000000008\n",
	  UT_KM_CRASH, "null-deref" },
	{ "1,1301,5679001,-;BUG: unable to handle page fault for address: ffffffffffffffe8\n",
	  UT_KM_CRASH, "bad-access" },
	{ "4,1310,5679100,-;kernel BUG at fs/overlayfs/util.c:512!\n",
	  UT_KM_CRASH, "kernel-bug" },
	{ "4,1311,5679101,-;Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n",
	  UT_KM_CRASH, "oops" },
	{ "4,1320,5679200,-;Oops: general protection fault, probably for non-canonical address 0xdffffc0000000003: 0000 [#1] PREEMPT SMP KASAN NOPTI\n",
	  UT_KM_CRASH, "gpf" },
	{ "4,1321,5679201,-;general protection fault: 0000 [#1] SMP PTI\n",
	  UT_KM_CRASH, "gpf" },
	{ "3,1330,5679300,-;BUG: KASAN: slab-use-after-free in ovl_dentry_upper+0x2c/0x40\n",
	  UT_KM_CRASH, "kasan" },
	{ "3,1331,5679301,-;BUG: KFENCE: use-after-free read in ovl_path_real+0x44/0x90\n",
	  UT_KM_CRASH, "kfence" },
	{ "4,1340,5679400,-;WARNING: possible circular locking dependency detected\n",
	  UT_KM_CRASH, "lockdep-circular" },
	{ "4,1341,5679401,-;WARNING: possible recursive locking detected\n",
	  UT_KM_CRASH, "lockdep-recursive" },
	{ "4,1342,5679402,-;WARNING: suspicious RCU usage\n",
	  UT_KM_CRASH, "rcu-suspicious" },
	{ "4,1343,5679403,-;BUG: t/1234 still has locks held!\n",
	  UT_KM_CRASH, "lockdep-held" },
	{ "3,1350,5679500,-;UBSAN: shift-out-of-bounds in fs/overlayfs/inode.c:77:9\n",
	  UT_KM_CRASH, "ubsan" },
	{ "0,1351,5679501,-;Kernel panic - not syncing: Fatal exception\n",
	  UT_KM_CRASH, "panic" },
	{ "4,1352,5679502,-;refcount_t: underflow; use-after-free.\n",
	  UT_KM_CRASH, "refcount" },
	{ "3,1353,5679503,-;BUG: sleeping function called from invalid context at fs/dcache.c:1000\n",
	  UT_KM_CRASH, "sleep-in-atomic" },
	{ "3,1354,5679504,-;BUG kmalloc-64 (Not tainted): Poison overwritten\n",
	  UT_KM_CRASH, "slub-debug" },
	{ "3,1355,5679505,-;BUG: stack guard page was hit at 00000000deadbeef (stack is 000000001234..000000005678)\n",
	  UT_KM_CRASH, "bug" },
	{ "3,1400,5680000,-;INFO: task foo:123 blocked for more than 120 seconds.\n",
	  UT_KM_HANG, "hung-task" },
	{ "0,1401,5680001,-;watchdog: BUG: soft lockup - CPU#2 stuck for 26s! [ut-worker:4321]\n",
	  UT_KM_HANG, "soft-lockup" },
	{ "0,1402,5680002,-;Watchdog detected hard LOCKUP on cpu 3\n",
	  UT_KM_HANG, "hard-lockup" },
	{ "3,1403,5680003,-;rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n",
	  UT_KM_HANG, "rcu-stall" },
	{ "3,1404,5680004,-;rcu: INFO: rcu_sched self-detected stall on CPU\n",
	  UT_KM_HANG, "rcu-stall" },
	{ "3,1405,5680005,-;rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-... } 21002 jiffies s: 341 root: 0x2/.\n",
	  UT_KM_HANG, "rcu-stall" },
	{ "3,1406,5680006,-;BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 35s!\n",
	  UT_KM_HANG, "wq-lockup" },
	{ "3,1500,5690000,-;VFS: Busy inodes after unmount of overlay (overlay)\n",
	  UT_KM_LEAK, "busy-inodes" },
	{ "3,1501,5690001,-;BUG: Dentry 000000001234abcd{i=2a,n=foo}  still in use (1) [unmount of overlay overlay]\n",
	  UT_KM_LEAK, "dentry-leak" },
	{ "3,1502,5690002,-;unreferenced object 0xffff888104a3c200 (size 64):\n",
	  UT_KM_LEAK, "kmemleak" },
	{ "4,1503,5690003,-;kmemleak: unreferenced object 0xffff888104a3c200 (size 64):\n",
	  UT_KM_LEAK, "kmemleak" },
	{ "3,1504,5690004,-;kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n",
	  UT_KM_LEAK, "kmemleak" },
	{ "3,1505,5690005,-;BUG ovl_inode (Tainted: G    B   W         ): Objects remaining in ovl_inode on __kmem_cache_shutdown()\n",
	  UT_KM_LEAK, "slab-leak" },
	/* benign kernel records */
	{ "4,1600,5700000,-;overlayfs: upper fs does not support tmpfile.\n",
	  UT_KM_NONE, NULL },
	{ "6,1601,5700001,-;overlayfs: null uuid detected in lower fs '/', falling back to xino=off,index=off,nfs_export=off.\n",
	  UT_KM_NONE, NULL },
	{ "4,1602,5700002,-;------------[ cut here ]------------\n",
	  UT_KM_NONE, NULL },
	{ "4,1603,5700003,-;Call Trace:\n",
	  UT_KM_NONE, NULL },
	{ "4,1604,5700004,-;CPU: 1 UID: 0 PID: 42 Comm: ut-worker Tainted: G        W          6.18.0 #1 PREEMPT(voluntary)\n",
	  UT_KM_NONE, NULL },
	{ "4,1605,5700005,-;---[ end trace 0000000000000000 ]---\n",
	  UT_KM_NONE, NULL },
	{ "4,2,0,-;[Firmware Bug]: TSC doesn't count with P0 frequency!\n",
	  UT_KM_NONE, NULL },
	{ "3,1606,5700006,-;Spectre V2 : WARNING: Unprivileged eBPF is enabled with eIBRS on, data leaks possible via Spectre v2 BHB attacks!\n",
	  UT_KM_NONE, NULL },
	/* text of a report split over a continuation line: only line 1 counts */
	{ "6,1607,5700007,-;overlayfs: workdir is in-use\n BUG: fake continuation\n",
	  UT_KM_NONE, NULL },
};

#define NCASES (int)(sizeof(kernel_cases) / sizeof(kernel_cases[0]))

/* Each recorded kernel record is classified as listed. */
START_TEST(test_classify_kernel)
{
	const struct rec_case *c = &kernel_cases[_i];
	struct ut_kmsg_rec r;
	const char *why = "unset";

	ck_assert_int_eq(ut_kmsg_parse(c->raw, strlen(c->raw), &r), 0);
	ck_assert_int_eq(r.facility, 0);
	ck_assert_msg(ut_kmsg_classify(&r, &why) == c->cls,
		      "case %d: \"%.*s\" class %s, want %s", _i, (int)r.len,
		      r.msg, ut_kmsg_class_name(ut_kmsg_classify(&r, NULL)),
		      ut_kmsg_class_name(c->cls));
	if (c->why)
		ck_assert_str_eq(why, c->why);
	else
		ck_assert_ptr_null(why);
}
END_TEST

/* The same text written from userspace (LOG_USER|LOG_WARNING) is ignored. */
START_TEST(test_classify_user)
{
	const struct rec_case *c = &kernel_cases[_i];
	const char *body = strchr(c->raw, ';');
	char raw[1024];
	struct ut_kmsg_rec r;
	const char *why = "unset";
	int n;

	n = snprintf(raw, sizeof(raw), "12,%d,100,-%s", 9000 + _i, body);
	ck_assert_int_lt(n, (int)sizeof(raw));
	ck_assert_int_eq(ut_kmsg_parse(raw, n, &r), 0);
	ck_assert_int_eq(r.facility, 1);
	ck_assert_int_eq(r.level, 4);
	ck_assert_int_eq(ut_kmsg_classify(&r, &why), UT_KM_NONE);
	ck_assert_ptr_null(why);
}
END_TEST

START_TEST(test_parse_fields)
{
	static const char raw[] =
		"4,1234,5678901,-;WARNING: CPU: 1 PID: 42 at x.c:1 f+0x1/0x2\n"
		" SUBSYSTEM=overlay\n DEVICE=+overlay:x\n";
	struct ut_kmsg_rec r;

	ck_assert_int_eq(ut_kmsg_parse(raw, sizeof(raw) - 1, &r), 0);
	ck_assert_int_eq(r.facility, 0);
	ck_assert_int_eq(r.level, 4);
	ck_assert_uint_eq(r.seq, 1234);
	ck_assert_uint_eq(r.ts_us, 5678901);
	ck_assert_ptr_eq(r.msg, raw + 17);
	ck_assert_uint_eq(r.len, strlen("WARNING: CPU: 1 PID: 42 at x.c:1 f+0x1/0x2"));
	ck_assert_int_eq(memcmp(r.msg, "WARNING: CPU: 1 PID", 19), 0);
}
END_TEST

/* Extra header fields (caller id), 'c' flag, no trailing newline, big numbers. */
START_TEST(test_parse_variants)
{
	static const char caller[] = "6,339,5140900,-,caller=T1;NET: Registered protocol family 10\n";
	static const char cont[] = "12,18446744073709551615,0,c;undertow: x";
	static const char empty[] = "6,1,2,-;\n";
	struct ut_kmsg_rec r;

	ck_assert_int_eq(ut_kmsg_parse(caller, sizeof(caller) - 1, &r), 0);
	ck_assert_int_eq(r.facility, 0);
	ck_assert_int_eq(r.level, 6);
	ck_assert_uint_eq(r.seq, 339);
	ck_assert_uint_eq(r.len, strlen("NET: Registered protocol family 10"));

	ck_assert_int_eq(ut_kmsg_parse(cont, sizeof(cont) - 1, &r), 0);
	ck_assert_int_eq(r.facility, 1);
	ck_assert_uint_eq(r.seq, UINT64_MAX);
	ck_assert_uint_eq(r.len, strlen("undertow: x"));

	ck_assert_int_eq(ut_kmsg_parse(empty, sizeof(empty) - 1, &r), 0);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_int_eq(ut_kmsg_classify(&r, NULL), UT_KM_NONE);
}
END_TEST

static const char *const malformed[] = {
	"",
	"no header at all\n",
	"4,1234,5678901,-\n",			/* no ';' */
	"4,1234,5678901;msg\n",			/* no flags field */
	"4,1234,5678901,;msg\n",		/* empty flags */
	"4,1234,,-;msg\n",			/* empty timestamp */
	",1234,5678901,-;msg\n",		/* empty prio */
	"x,1234,5678901,-;msg\n",		/* not a number */
	"-4,1234,5678901,-;msg\n",		/* negative */
	"4,12a4,5678901,-;msg\n",		/* junk in number */
	"4,18446744073709551616,1,-;msg\n",	/* seq overflows */
	"99999999999,1,1,-;msg\n",		/* prio beyond int */
	"4,1234\n,5678901,-;msg\n",		/* header split by newline */
	"msg; 4,1,2,-\n",			/* ';' before header */
};

#define NMALFORMED (int)(sizeof(malformed) / sizeof(malformed[0]))

START_TEST(test_parse_malformed)
{
	struct ut_kmsg_rec r;

	ck_assert_msg(ut_kmsg_parse(malformed[_i], strlen(malformed[_i]), &r) == -EINVAL,
		      "case %d \"%s\" accepted", _i, malformed[_i]);
}
END_TEST

/* Length is honoured: a record cut before ';' is rejected, NULLs too. */
START_TEST(test_parse_bounds)
{
	static const char raw[] = "4,1,2,-;msg\n";
	struct ut_kmsg_rec r;

	ck_assert_int_eq(ut_kmsg_parse(raw, 7, &r), -EINVAL);
	ck_assert_int_eq(ut_kmsg_parse(raw, 8, &r), 0);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_int_eq(ut_kmsg_parse(raw, 10, &r), 0);
	ck_assert_uint_eq(r.len, 2);
	ck_assert_int_eq(ut_kmsg_parse(NULL, 5, &r), -EINVAL);
	ck_assert_int_eq(ut_kmsg_parse(raw, sizeof(raw) - 1, NULL), -EINVAL);
	ck_assert_int_eq(ut_kmsg_classify(NULL, NULL), UT_KM_NONE);
}
END_TEST

/* Collects what ut_kmsg_drain() delivers. */
struct seen {
	int n;
	int crash, hang, leak;
	uint64_t last_seq;
	const char *token;	/* live test: marker text to look for */
	int token_found, token_fac, token_cls;
};

static void seen_cb(const struct ut_kmsg_rec *r, enum ut_kmsg_class cls,
		    const char *why, void *arg)
{
	struct seen *s = arg;
	size_t tl;

	s->n++;
	s->last_seq = r->seq;
	s->crash += cls == UT_KM_CRASH;
	s->hang += cls == UT_KM_HANG;
	s->leak += cls == UT_KM_LEAK;
	ck_assert(cls == UT_KM_NONE ? why == NULL : why != NULL);
	/* drain hands out msg NUL-terminated, continuation lines cut off */
	ck_assert_int_eq(r->msg[r->len], '\0');
	ck_assert_uint_eq(strlen(r->msg), r->len);
	if (!s->token)
		return;
	tl = strlen(s->token);
	if (r->len == tl && !memcmp(r->msg, s->token, tl)) {
		s->token_found++;
		s->token_fac = r->facility;
		s->token_cls = cls;
	}
}

/*
 * Drain logic against a fake: a SOCK_SEQPACKET socket keeps one record per
 * read like /dev/kmsg does.  Sequence gaps count as lost records.
 */
START_TEST(test_drain_fake)
{
	static const char *const recs[] = {
		"6,10,100,-;overlayfs: fine\n",
		"4,11,101,-;WARNING: CPU: 0 PID: 1 at fs/overlayfs/dir.c:9 f+0x0/0x1\n"
		" SUBSYSTEM=overlay\n",
		"not a record\n",
		"3,15,102,-;INFO: task t:9 blocked for more than 120 seconds.\n",
		"3,16,103,-;VFS: Busy inodes after unmount of overlay (overlay)\n",
		"12,17,104,-;BUG: written by a user\n",
	};
	struct ut_kmsg k = { .fd = -1 };
	struct seen s = { 0 };
	int sv[2];
	size_t i;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		ck_assert_int_eq(write(sv[1], recs[i], strlen(recs[i])),
				 (ssize_t)strlen(recs[i]));
	k.fd = sv[0];
	ck_assert_int_eq(ut_kmsg_drain(&k, seen_cb, &s), 5);
	ck_assert_int_eq(s.n, 5);
	ck_assert_int_eq(s.crash, 1);
	ck_assert_int_eq(s.hang, 1);
	ck_assert_int_eq(s.leak, 1);
	ck_assert_uint_eq(s.last_seq, 17);
	ck_assert_int_eq(k.lost, 3);	/* 12, 13, 14 */
	/* nothing left: EAGAIN ends the next drain at once */
	ck_assert_int_eq(ut_kmsg_drain(&k, NULL, NULL), 0);
	ut_kmsg_close(&k);
	ck_assert_int_eq(k.fd, -1);
	close(sv[1]);
	ck_assert_int_eq(ut_kmsg_drain(&k, NULL, NULL), -EBADF);
}
END_TEST

/* Drain until the record s->token shows up, for at most half a second. */
static void live_wait(struct ut_kmsg *k, struct seen *s)
{
	int tries;

	/* the write is synchronous; retry only to be safe */
	for (tries = 0; tries < 50 && !s->token_found; tries++) {
		ck_assert_int_ge(ut_kmsg_drain(k, seen_cb, s), 0);
		if (!s->token_found)
			usleep(10000);
	}
}

/* A marker written now comes back from /dev/kmsg as a harmless user record. */
START_TEST(test_live_marker)
{
	struct ut_kmsg k;
	struct seen s = { 0 };
	char token[128];
	struct timespec ts;
	unsigned int n;
	int err;

	err = ut_kmsg_open(&k);
	if ((err == -EPERM || err == -EACCES) && geteuid() != 0) {
		fprintf(stderr, "test_live_marker: skipped, not root (%d)\n", err);
		return;
	}
	ck_assert_int_eq(err, 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = (unsigned int)getpid() * 7919u ^ (unsigned int)ts.tv_nsec;

	snprintf(token, sizeof(token), "undertow: test %u", n);
	s.token = token;
	ck_assert_int_eq(ut_kmsg_mark("test %u", n), 0);
	live_wait(&k, &s);
	ck_assert_int_eq(s.token_found, 1);
	ck_assert_int_eq(s.token_fac, 1);
	ck_assert_int_eq(s.token_cls, UT_KM_NONE);

	/* an embedded newline must neither split nor escape the marker */
	snprintf(token, sizeof(token), "undertow: test nl %u x", n);
	s.token_found = 0;
	ck_assert_int_eq(ut_kmsg_mark("test nl\n%u x", n), 0);
	live_wait(&k, &s);
	ck_assert_int_eq(s.token_found, 1);

	ut_kmsg_close(&k);
	ck_assert_int_eq(k.fd, -1);
}
END_TEST

/* Hung-task reports cover every task: the harness attributes them by pid. */
START_TEST(test_task_pid)
{
	static const struct { const char *raw; int pid; } c[] = {
		{ "3,100,5,-;INFO: task undertow:4242 blocked for more than 11 seconds.\n", 4242 },
		{ "3,101,5,-;INFO: task kworker/u8:3:77 blocked for more than 120 seconds.\n", 77 },
		{ "3,102,5,-;INFO: task a:b:c:9 blocked for more than 1 seconds.\n", 9 },
		{ "3,103,5,-;INFO: task tf:x blocked for more than 11 seconds.\n", -1 },
		{ "4,104,5,-;WARNING: CPU: 0 PID: 5 at fs/x.c:1\n", -1 },
		{ "3,105,5,-;INFO: task nocolon blocked for more than 1 seconds.\n", -1 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ut_kmsg_rec r;

		ck_assert_int_eq(ut_kmsg_parse(c[i].raw, strlen(c[i].raw), &r), 0);
		ck_assert_msg(ut_kmsg_task_pid(&r) == c[i].pid, "case %zu", i);
	}
}
END_TEST

Suite *kmsg_suite(void)
{
	Suite *s = suite_create("kmsg");
	TCase *tc = tcase_create("parse");
	TCase *cl = tcase_create("classify");
	TCase *lv = tcase_create("drain");

	tcase_add_test(tc, test_parse_fields);
	tcase_add_test(tc, test_parse_variants);
	tcase_add_loop_test(tc, test_parse_malformed, 0, NMALFORMED);
	tcase_add_test(tc, test_parse_bounds);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(cl, test_classify_kernel, 0, NCASES);
	tcase_add_loop_test(cl, test_classify_user, 0, NCASES);
	tcase_add_test(cl, test_task_pid);
	suite_add_tcase(s, cl);

	tcase_add_test(lv, test_drain_fake);
	tcase_add_test(lv, test_live_marker);
	suite_add_tcase(s, lv);
	return s;
}
