// SPDX-License-Identifier: GPL-2.0
/*
 * test_emulated.c - the reports the emulator makes, not the kernel: the
 * records of the one seen, exactly as the kernel logged them (a Debian
 * 6.12.117 guest under qemu 7.2 TCG, in a CI run of the 6.12 VM matrix),
 * are told from the kernel's own; and their crash findings become skips.
 */
#include <string.h>
#include <jansson.h>

#include "kreport.h"
#include "suites.h"
#include "verdict.h"

#define DB_HDR	"WARNING: CPU: 1 PID: 1046 at arch/x86/kernel/traps.c:1120 " \
		"exc_debug_kernel+0xca/0x160"

/*
 * The report's lines, with EFLAGS of the #DB handler's frame @hnd, of the
 * kernel code it interrupted @intr and of the syscall's user frame.
 */
static json_t *db_report(const char *hnd, const char *intr)
{
	const char *const l[] = {
		"------------[ cut here ]------------",
		DB_HDR,
		"Modules linked in: pvpanic_mmio pvpanic btrfs xfs ext4 loop overlay",
		"CPU: 1 UID: 0 PID: 1046 Comm: upper-opaque-to Not tainted 6.12.117+deb12-amd64 #1  Debian 6.12.117-1~deb12u1",
		"RIP: 0010:exc_debug_kernel+0xca/0x160",
		hnd,
		"RAX: 0000000000000000 RBX: 0000000000000000 RCX: 0000000000000000",
		"Call Trace:",
		" <#DB>",
		" asm_exc_debug+0x1e/0x40",
		"RIP: 0010:__kmalloc_node_track_caller_noprof+0x21f/0x440",
		intr,
		" </#DB>",
		" <TASK>",
		" kstrdup+0x38/0x70",
		" simple_xattr_set+0x48/0x1a0",
		" __do_sys_fsetxattr+0x113/0x130",
		"RIP: 0033:0x4d20ca",
		"RSP: 002b:00007ffde280b3a8 EFLAGS: 00000246 ORIG_RAX: 00000000000000be",
		NULL,
	};
	return json_lines(l);
}

#define HND_SEEN	"RSP: 0000:fffffe000004bf28 EFLAGS: 06e08022"
#define INTR_SEEN	"RSP: 0018:ffffc9000141f840 EFLAGS: 06e0c362"
#define HND_REAL	"RSP: 0000:fffffe000004bf28 EFLAGS: 00010082"
#define INTR_REAL	"RSP: 0018:ffffc9000141f840 EFLAGS: 00000346"

START_TEST(test_seen_is_emulated)
{
	json_t *a = db_report(HND_SEEN, INTR_SEEN);
	char why[512] = "";

	ck_assert(!ut_kreport_emulated(a, 0, why, sizeof(why)));
	ck_assert(ut_kreport_emulated(a, 1, why, sizeof(why)));
	/* the handler's own frame is the first dump: bits 5, 15, 22, 23, 25, 26 */
	ck_assert_msg(strstr(why, "EFLAGS 06e08022, reserved bits 6c08020 set, which no CPU pushes"), "%s", why);
	for (size_t i = 2; i < json_array_size(a); i++)
		ck_assert(!ut_kreport_emulated(a, i, why, sizeof(why)));
	json_decref(a);

	/* the interrupted frame alone is enough */
	a = db_report(HND_REAL, INTR_SEEN);
	ck_assert(ut_kreport_emulated(a, 1, why, sizeof(why)));
	ck_assert_msg(strstr(why, "EFLAGS 06e0c362, reserved bits 6c08020 set"), "%s", why);
	json_decref(a);
}
END_TEST

/* A single step in kernel mode on a real CPU (or a test module's) is the kernel's. */
START_TEST(test_real_flags_are_kernel)
{
	json_t *a = db_report(HND_REAL, INTR_REAL);
	char why[512] = "";

	for (size_t i = 0; i < json_array_size(a); i++)
		ck_assert(!ut_kreport_emulated(a, i, why, sizeof(why)));
	json_decref(a);
	/* bit 1 always reads 1: a dump without it is no CPU's either */
	a = db_report(HND_REAL, "RSP: 0018:ffffc9000141f840 EFLAGS: 00000344");
	ck_assert(ut_kreport_emulated(a, 1, why, sizeof(why)));
	ck_assert_msg(strstr(why, "reserved bits 2 set"), "%s", why);
	json_decref(a);
}
END_TEST

/*
 * 6.1 inlines exc_debug_kernel() in exc_debug(): its header, and the flags
 * of a real single step (ut_debug.ko's, in a 6.1.0-57 guest).
 */
START_TEST(test_61_header)
{
	static const char *const l[] = {
		"WARNING: CPU: 0 PID: 145 at arch/x86/kernel/traps.c:1089 exc_debug+0x101/0x1a0",
		"RIP: 0010:exc_debug+0x101/0x1a0",
		"RSP: 0000:fffffe0000010f20 EFLAGS: 00000002",
		" <#DB>",
		"RIP: 0010:ut_debug_singlestep+0x10/0x20 [ut_debug]",
		"RSP: 0018:ffffc900004f3d30 EFLAGS: 00000346",
		"WARNING: CPU: 0 PID: 145 at arch/x86/kernel/traps.c:1089 exc_debug+0x101/0x1a0",
		"RSP: 0018:ffffc900004f3d30 EFLAGS: 06e0c362",
		/* a function of another file of that name is not the trap handler */
		"WARNING: CPU: 0 PID: 145 at drivers/x/y.c:1 exc_debug+0x101/0x1a0",
		"RSP: 0018:ffffc900004f3d30 EFLAGS: 06e0c362",
		NULL,
	};
	json_t *a = json_lines(l);
	char why[512];

	ck_assert(!ut_kreport_emulated(a, 0, why, sizeof(why)));
	ck_assert(ut_kreport_emulated(a, 6, why, sizeof(why)));
	ck_assert(!ut_kreport_emulated(a, 8, why, sizeof(why)));
	json_decref(a);
}
END_TEST

/* Other WARNs, and flags of the next report, are not this one's. */
START_TEST(test_other_reports_are_kernel)
{
	static const char *const l[] = {
		"WARNING: CPU: 0 PID: 7 at fs/overlayfs/namei.c:1 ovl_lookup+0x1/0x2",
		"RSP: 0018:ffffc9000141f840 EFLAGS: 06e0c362",
		DB_HDR,
		"RIP: 0010:exc_debug_kernel+0xca/0x160",
		"WARNING: CPU: 0 PID: 7 at fs/overlayfs/namei.c:1 ovl_lookup+0x1/0x2",
		"RSP: 0018:ffffc9000141f840 EFLAGS: 06e0c362",
		NULL,
	};
	json_t *a = json_lines(l);
	char why[512];

	for (size_t i = 0; i < json_array_size(a); i++)
		ck_assert(!ut_kreport_emulated(a, i, why, sizeof(why)));
	json_decref(a);
}
END_TEST

START_TEST(test_findings_become_skips)
{
	json_t *a = db_report(HND_SEEN, INTR_SEEN);
	struct ut_findings f = { 0 };
	char reason[256];

	ut_finding_add(&f, UT_CRASH, "kernel: %s [warn]", DB_HDR);
	ut_finding_add(&f, UT_CRASH, "kernel tainted during the run: W");
	ck_assert_int_eq(ut_kreport_emulated_findings(a, &f), 1);
	ck_assert_int_eq(f.v[0].kind, UT_SKIP);
	ck_assert_msg(!strcmp(f.v[0].detail, "emulator fault, not a kernel bug: the #DB WARN's "
			      "register dump has EFLAGS 06e08022, reserved bits 6c08020 set, "
			      "which no CPU pushes\nkernel: " DB_HDR), "%s", f.v[0].detail);
	ck_assert_int_eq(f.v[1].kind, UT_CRASH);
	ck_assert_int_eq(ut_findings_judge(&f, reason, sizeof(reason)), UT_CRASH);
	ut_findings_free(&f);

	/* alone, it is a skip whose reason says why */
	ut_finding_add(&f, UT_CRASH, "kernel: %s [warn]", DB_HDR);
	ck_assert_int_eq(ut_kreport_emulated_findings(a, &f), 1);
	ck_assert_int_eq(ut_findings_judge(&f, reason, sizeof(reason)), UT_SKIP);
	ck_assert_msg(!strncmp(reason, "emulator fault, not a kernel bug", 32) &&
		      !strchr(reason, '\n') && strlen(reason) < 200, "%s", reason);
	ut_findings_free(&f);
	json_decref(a);

	/* the same WARN with a real CPU's flags stays a crash */
	a = db_report(HND_REAL, INTR_REAL);
	ut_finding_add(&f, UT_CRASH, "kernel: %s [warn]", DB_HDR);
	ck_assert_int_eq(ut_kreport_emulated_findings(a, &f), 0);
	ck_assert_int_eq(ut_findings_judge(&f, reason, sizeof(reason)), UT_CRASH);
	ut_findings_free(&f);
	json_decref(a);
}
END_TEST

Suite *emulated_suite(void)
{
	Suite *s = suite_create("emulated");
	TCase *tc = tcase_create("emulated");

	tcase_add_test(tc, test_seen_is_emulated);
	tcase_add_test(tc, test_real_flags_are_kernel);
	tcase_add_test(tc, test_61_header);
	tcase_add_test(tc, test_other_reports_are_kernel);
	tcase_add_test(tc, test_findings_become_skips);
	suite_add_tcase(s, tc);
	return s;
}
