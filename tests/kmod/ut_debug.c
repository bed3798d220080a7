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
 *
 * The selftest scenarios selftest-debug-{kasan,lockdep,leak} write the
 * first three; the watch's VM test (tests/integration/watchprog.c) the
 * last.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
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
MODULE_DESCRIPTION("undertow selftest: bugs on demand (use-after-free, AB-BA, leak, WARN)");
