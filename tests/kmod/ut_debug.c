// SPDX-License-Identifier: GPL-2.0
/*
 * ut_debug - the bugs undertow's detectors must catch, on demand.  Load it
 * only in a throw-away VM (harness/vm.sh --kmod; the first three want the
 * debug kernel, --debug-kernel): each file below does one bug, in the
 * context of the task that writes to it.
 *
 *   /sys/kernel/debug/ut_debug/kasan_uaf     reads a freed object: a
 *                                            KASAN slab-use-after-free
 *   /sys/kernel/debug/ut_debug/lockdep_abba  takes two mutexes as A then
 *                                            B, then as B then A (one task,
 *                                            so no deadlock): lockdep's
 *                                            possible circular locking
 *                                            dependency
 *   /sys/kernel/debug/ut_debug/kmemleak_leak allocates an object and
 *                                            forgets it: a kmemleak
 *                                            unreferenced object
 *   /sys/kernel/debug/ut_debug/warn          a WARN(): "WARNING: CPU: ..."
 *                                            and taint W, on any kernel
 *   /sys/kernel/debug/ut_debug/singlestep    (x86-64) sets TF in kernel
 *                                            mode: a real single-step #DB,
 *                                            exc_debug_kernel()'s WARN (once
 *                                            a boot) with a real CPU's flags
 *   /sys/kernel/debug/ut_debug/emulator_db   (once a load) logs the report
 *                                            qemu's TCG made a 6.12 guest
 *                                            print in a CI run, with this
 *                                            task's CPU and PID, and taints
 *                                            W as that WARN did
 *
 * The selftest scenarios selftest-debug-{kasan,lockdep,leak} write the
 * first three, selftest-kernel-db and selftest-emulator-db the last two;
 * the watch's VM test (tests/integration/watchprog.c) "warn".
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#define UT_OBJ_SIZE	64

static struct dentry *ut_dir;
static DEFINE_MUTEX(ut_lock_a);
static DEFINE_MUTEX(ut_lock_b);
/* Where the freed byte goes, so that the read is not optimised out. */
static char ut_sink;

static noinline void ut_debug_use_after_free(void)
{
	char *p = kmalloc(UT_OBJ_SIZE, GFP_KERNEL);

	if (!p)
		return;
	memset(p, 0x5a, UT_OBJ_SIZE);
	kfree(p);
	WRITE_ONCE(ut_sink, READ_ONCE(p[8]));
}

static noinline void ut_debug_abba(void)
{
	mutex_lock(&ut_lock_a);
	mutex_lock(&ut_lock_b);
	mutex_unlock(&ut_lock_b);
	mutex_unlock(&ut_lock_a);

	mutex_lock(&ut_lock_b);
	mutex_lock(&ut_lock_a);
	mutex_unlock(&ut_lock_a);
	mutex_unlock(&ut_lock_b);
}

static noinline void ut_debug_leak(void)
{
	char *p = kmalloc(UT_OBJ_SIZE, GFP_KERNEL);

	if (p)
		strscpy(p, "ut_debug leaked object", UT_OBJ_SIZE);
	/* p goes out of scope: nothing points at the object any more */
}

static noinline void ut_debug_warn(void)
{
	WARN(1, "ut_debug: a warning on demand (selftest)\n");
}

static noinline void ut_debug_singlestep(void)
{
#ifdef CONFIG_X86_64
	/* TF on: the instruction after popf traps; the handler clears TF */
	asm volatile("pushfq\n\t"
		     "orq $0x100, (%%rsp)\n\t"
		     "popfq\n\t"
		     "nop\n\t"
		     "nop" ::: "memory", "cc");
#endif
}

/*
 * The records of exc_debug_kernel()'s WARN as qemu 7.2's TCG made a Debian
 * 6.12.117 guest print them (call trace cut): EFLAGS with reserved bits
 * set, which no CPU pushes.  What undertow must not call a kernel bug.
 */
static const char *const ut_emulator_db[] = {
	"Modules linked in: pvpanic_mmio pvpanic btrfs xfs ext4 loop overlay\n",
	"RIP: 0010:exc_debug_kernel+0xca/0x160\n",
	"RSP: 0000:fffffe000004bf28 EFLAGS: 06e08022\n",
	"Call Trace:\n",
	" <#DB>\n",
	" asm_exc_debug+0x1e/0x40\n",
	"RIP: 0010:__kmalloc_node_track_caller_noprof+0x21f/0x440\n",
	"RSP: 0018:ffffc9000141f840 EFLAGS: 06e0c362\n",
	" </#DB>\n",
	" <TASK>\n",
	" kstrdup+0x38/0x70\n",
	" simple_xattr_set+0x48/0x1a0\n",
	"RIP: 0033:0x4d20ca\n",
	"RSP: 002b:00007ffde280b3a8 EFLAGS: 00000246 ORIG_RAX: 00000000000000be\n",
	NULL,
};
static atomic_t ut_emulator_db_done = ATOMIC_INIT(0);

static noinline void ut_debug_emulator_db(void)
{
	int i;

	if (atomic_xchg(&ut_emulator_db_done, 1))
		return;
	pr_warn("------------[ cut here ]------------\n");
	pr_warn("WARNING: CPU: %d PID: %d at arch/x86/kernel/traps.c:1120 "
		"exc_debug_kernel+0xca/0x160\n", raw_smp_processor_id(), task_pid_nr(current));
	for (i = 0; ut_emulator_db[i]; i++)
		pr_warn("%s", ut_emulator_db[i]);
	pr_warn("---[ end trace 0000000000000000 ]---\n");
	add_taint(TAINT_WARN, LOCKDEP_STILL_OK);
}

static ssize_t ut_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
	void (*bug)(void) = file_inode(f)->i_private;

	pr_info("ut_debug: %s[%d]: %ps (selftest)\n",
		current->comm, task_pid_nr(current), bug);
	bug();
	return n;
}

static const struct file_operations ut_fops = {
	.owner = THIS_MODULE,
	.write = ut_write,
	.llseek = noop_llseek,
};

static int __init ut_debug_init(void)
{
	ut_dir = debugfs_create_dir("ut_debug", NULL);
	debugfs_create_file("kasan_uaf", 0200, ut_dir, ut_debug_use_after_free, &ut_fops);
	debugfs_create_file("lockdep_abba", 0200, ut_dir, ut_debug_abba, &ut_fops);
	debugfs_create_file("kmemleak_leak", 0200, ut_dir, ut_debug_leak, &ut_fops);
	debugfs_create_file("warn", 0200, ut_dir, ut_debug_warn, &ut_fops);
	if (IS_ENABLED(CONFIG_X86_64))
		debugfs_create_file("singlestep", 0200, ut_dir, ut_debug_singlestep, &ut_fops);
	debugfs_create_file("emulator_db", 0200, ut_dir, ut_debug_emulator_db, &ut_fops);
	pr_info("ut_debug: ready in /sys/kernel/debug/ut_debug\n");
	return 0;
}

static void __exit ut_debug_exit(void)
{
	debugfs_remove_recursive(ut_dir);
}

module_init(ut_debug_init);
module_exit(ut_debug_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("undertow selftest: bugs on demand (use-after-free, AB-BA, leak, WARN, #DB)");
