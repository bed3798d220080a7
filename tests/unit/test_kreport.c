// SPDX-License-Identifier: GPL-2.0
/*
 * test_kreport.c - KASAN and lockdep reports summed up, from kernel log
 * lines in the kernel's own formats (mm/kasan/report.c,
 * kernel/locking/lockdep.c); and quiet on everything else.
 */
#include <string.h>
#include <jansson.h>

#include "kreport.h"
#include "suites.h"

json_t *json_lines(const char *const *l)
{
	json_t *a = json_array();

	while (*l)
		json_array_append_new(a, json_string(*l++));
	return a;
}

START_TEST(test_kasan_summary)
{
	static const char *const l[] = {
		"undertow: start selftest-debug-kasan seed=1",
		"==================================================================",
		"BUG: KASAN: use-after-free in ovl_iterate+0x1a2/0x5d0 [overlay]",
		"Read of size 8 at addr ffff888004d1c508 by task readdir/312",
		"CPU: 0 PID: 312 Comm: readdir Tainted: G           O       6.1.192 #1",
		"Call Trace:",
		" <TASK>",
		" dump_stack_lvl+0x45/0x5e",
		" print_report+0x17f/0x48a",
		" kasan_report+0xb1/0xe0",
		" ovl_iterate+0x1a2/0x5d0 [overlay]",
		" iterate_dir+0x12b/0x2a0",
		"Allocated by task 310:",
		" kmalloc_trace+0x25/0x90",
		" ovl_cache_get+0x88/0x2d0 [overlay]",
		"Freed by task 311:",
		" kfree+0x7a/0x120",
		"The buggy address belongs to the object at ffff888004d1c500",
		"==================================================================",
		NULL,
	};
	json_t *a = json_lines(l);
	char out[1024];

	ck_assert(!ut_kreport_summary(a, 0, out, sizeof(out)));
	ck_assert(!ut_kreport_summary(a, 1, out, sizeof(out)));
	ck_assert(ut_kreport_summary(a, 2, out, sizeof(out)));
	ck_assert_msg(strstr(out, "KASAN: use-after-free in ovl_iterate"), "%s", out);
	ck_assert_msg(strstr(out, "Read of size 8 at addr ffff888004d1c508 by task readdir/312"),
		      "%s", out);
	ck_assert_msg(strstr(out, "first overlayfs frame: ovl_iterate+0x1a2/0x5d0;"), "%s", out);
	ck_assert_msg(strstr(out, "alloc stack shown, free stack shown"), "%s", out);
	json_decref(a);
}
END_TEST

START_TEST(test_kasan_no_ovl_frame)
{
	static const char *const l[] = {
		"BUG: KASAN: slab-use-after-free in ut_debug_use_after_free+0x6e/0x90 [ut_debug]",
		"Write of size 1 at addr ffff888004d1c508 by task selftest-debug-/99",
		" ut_write+0x4a/0x60 [ut_debug]",
		"BUG: KASAN: double-free in foo+0x1/0x2",
		"Freed by task 1:",
		NULL,
	};
	json_t *a = json_lines(l);
	char out[1024];

	ck_assert(ut_kreport_summary(a, 0, out, sizeof(out)));
	ck_assert_msg(strstr(out, "Write of size 1"), "%s", out);
	ck_assert_msg(strstr(out, "first overlayfs frame: none;"), "%s", out);
	/* The next report's stacks are not this one's. */
	ck_assert_msg(strstr(out, "alloc stack not shown, free stack not shown"), "%s", out);
	json_decref(a);
}
END_TEST

START_TEST(test_lockdep_circular)
{
	static const char *const l[] = {
		"======================================================",
		"WARNING: possible circular locking dependency detected",
		"6.1.192 #1 Tainted: G           O",
		"------------------------------------------------------",
		"selftest-debug-/120 is trying to acquire lock:",
		"ffffffffc0202070 (ut_lock_a){+.+.}-{3:3}, at: ut_debug_abba+0x4f/0x80 [ut_debug]",
		"but task is already holding lock:",
		"ffffffffc0202030 (ut_lock_b){+.+.}-{3:3}, at: ut_debug_abba+0x3b/0x80 [ut_debug]",
		"which lock already depends on the new lock.",
		"the existing dependency chain (in reverse order) is:",
		/* /dev/kmsg's escape of the newline lockdep prints first */
		"\\x0a-> #1 (ut_lock_b){+.+.}-{3:3}:",
		"       __mutex_lock+0x12d/0xd50",
		"-> #0 (ut_lock_a){+.+.}-{3:3}:",
		"       __lock_acquire+0x1e4a/0x3530",
		NULL,
	};
	json_t *a = json_lines(l);
	char out[1024];

	ck_assert(ut_kreport_summary(a, 1, out, sizeof(out)));
	ck_assert_msg(!strcmp(out, "lockdep: possible circular locking dependency detected; "
			      "chain: ut_lock_b <- ut_lock_a"), "%s", out);
	json_decref(a);
}
END_TEST

START_TEST(test_lockdep_recursive)
{
	static const char *const l[] = {
		"WARNING: possible recursive locking detected",
		"6.1.192 #1 Tainted: G           O",
		"--------------------------------------------",
		"t/120 is trying to acquire lock:",
		"ffff888004d1c508 (&ovl_i_lock_key[depth]){+.+.}-{3:3}, at: ovl_inode_lock+0x1/0x2 [overlay]",
		"but task is already holding lock:",
		"ffff888004d1c608 (&ovl_i_lock_key[depth]){+.+.}-{3:3}, at: ovl_rename+0x1/0x2 [overlay]",
		"other info that might help us debug this:",
		NULL,
	};
	json_t *a = json_lines(l);
	char out[1024];

	ck_assert(ut_kreport_summary(a, 0, out, sizeof(out)));
	ck_assert_msg(!strcmp(out, "lockdep: possible recursive locking detected; chain: "
			      "&ovl_i_lock_key[depth] <- &ovl_i_lock_key[depth]"), "%s", out);
	json_decref(a);
}
END_TEST

START_TEST(test_quiet)
{
	static const char *const l[] = {
		"WARNING: CPU: 0 PID: 1 at fs/overlayfs/super.c:1 ovl_fill_super+0x1/0x2",
		"BUG: kernel NULL pointer dereference, address: 0000000000000008",
		"overlayfs: KASAN is mentioned here but this is no report",
		"",
		NULL,
	};
	json_t *a = json_lines(l);
	char out[64] = "";

	for (size_t i = 0; i < json_array_size(a) + 1; i++)
		ck_assert(!ut_kreport_summary(a, i, out, sizeof(out)));
	ck_assert_str_eq(out, "");
	json_decref(a);
}
END_TEST

Suite *kreport_suite(void)
{
	Suite *s = suite_create("kreport");
	TCase *tc = tcase_create("kreport");

	tcase_add_test(tc, test_kasan_summary);
	tcase_add_test(tc, test_kasan_no_ovl_frame);
	tcase_add_test(tc, test_lockdep_circular);
	tcase_add_test(tc, test_lockdep_recursive);
	tcase_add_test(tc, test_quiet);
	suite_add_tcase(s, tc);
	return s;
}
