// SPDX-License-Identifier: GPL-2.0
/*
 * ut_fault - undertow's fault injector for the VM selftests.  Load it only
 * in a throw-away test kernel (harness/vm.sh --kmod): it oopses and wedges
 * on purpose.
 *
 * A kprobe on overlayfs's ->put_super(), ovl_put_super(), which
 * generic_shutdown_super() calls with the superblock's s_umount held when
 * the last reference to an overlay goes: in the task_work of the umount2()
 * of whoever unmounts it.  For a task whose comm starts with
 *
 *   "selftest-oops"   the call goes to ut_ovl_put_super_oops(), which
 *                     BUG()s: a real oops inside umount2(), like the one
 *                     CONFIG_BUG_ON_DATA_CORRUPTION makes of "Busy inodes
 *                     after unmount";
 *   "selftest-wedge"  the call goes to ut_ovl_put_super_wedge(), which
 *                     sleeps in D state for wedge_secs seconds (default
 *                     600), then lets ovl_put_super() run and returns: a
 *                     teardown step blocked in the kernel for that long.
 *
 * Every other task runs ovl_put_super() untouched.
 *
 * A second pair of probes leaves a kernel reference on an overlay mount,
 * with no process holding anything, as a leaked path or file reference
 * in overlayfs would.  On ovl_open(), for a task whose comm starts with
 *
 *   "selftest-kref-h" the mount of the file opened is pinned (mntget) for
 *                     good: its umount is EBUSY with no holder, a leak;
 *   "selftest-kref-d" the same, but the first umount of that task (a
 *                     probe on path_umount()) arms a release (mntput)
 *                     kref_release_ms later (default 2000): a reference
 *                     that goes a moment late, as a deferred fput or
 *                     io_uring's ring exit does.
 *
 * One mount of each kind is pinned at a time.  The put_super path is changed as
 * Documentation/trace/kprobes.rst describes: the pre_handler points the
 * instruction pointer at a function with the probed one's signature and
 * returns 1, so the probed function does not run.  The probe sits on the
 * function's entry, so the arguments and the caller's return address are
 * where the replacement expects them.
 *
 * overlay must be loaded first (the probe needs its symbol).
 */
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#define OOPS_PREFIX	"selftest-oops"
#define WEDGE_PREFIX	"selftest-wedge"
#define KREF_HELD	"selftest-kref-h"
#define KREF_DELAYED	"selftest-kref-d"

static unsigned int wedge_secs = 600;
module_param(wedge_secs, uint, 0644);
MODULE_PARM_DESC(wedge_secs, "seconds a selftest-wedge task stays in D state (default 600)");

/* The task whose ovl_put_super() call passes through after its wedge. */
static struct task_struct *ut_passing;
static DEFINE_MUTEX(ut_passing_lock);

static noinline void ut_ovl_put_super_oops(struct super_block *sb)
{
	pr_emerg("ut_fault: %s[%d]: BUG in put_super of overlay %s (selftest)\n",
		 current->comm, task_pid_nr(current), sb->s_id);
	BUG();
}

/*
 * After the sleep the real ovl_put_super() runs, called as
 * generic_shutdown_super() calls it (through s_op, a valid indirect-call
 * target), with the probe letting this task through.  Returning without
 * it would leak the overlay's struct ovl_fs, and its trap inodes would
 * then make "Busy inodes after unmount" a second BUG on Debian's
 * CONFIG_BUG_ON_DATA_CORRUPTION kernels.  The module stays pinned once a
 * task has been here: the text a sleeper returns through must not go away.
 */
static noinline void ut_ovl_put_super_wedge(struct super_block *sb)
{
	__module_get(THIS_MODULE);
	pr_warn("ut_fault: %s[%d]: put_super of overlay %s wedged in D state for %u s (selftest)\n",
		current->comm, task_pid_nr(current), sb->s_id, wedge_secs);
	schedule_timeout_uninterruptible((long)wedge_secs * HZ);
	pr_warn("ut_fault: %s[%d]: put_super of overlay %s unwedged\n",
		current->comm, task_pid_nr(current), sb->s_id);
	mutex_lock(&ut_passing_lock);
	WRITE_ONCE(ut_passing, current);
	sb->s_op->put_super(sb);
	WRITE_ONCE(ut_passing, NULL);
	mutex_unlock(&ut_passing_lock);
}

static int ut_put_super_pre(struct kprobe *p, struct pt_regs *regs)
{
	void (*to)(struct super_block *sb);

	if (READ_ONCE(ut_passing) == current)
		return 0;
	/* A task's own comm: no lock needed to read it. */
	if (!strncmp(current->comm, OOPS_PREFIX, strlen(OOPS_PREFIX)))
		to = ut_ovl_put_super_oops;
	else if (!strncmp(current->comm, WEDGE_PREFIX, strlen(WEDGE_PREFIX)))
		to = ut_ovl_put_super_wedge;
	else
		return 0;	/* ovl_put_super() runs as usual */
	instruction_pointer_set(regs, (unsigned long)to);
	return 1;		/* we changed the path: no single-step */
}

static struct kprobe ut_put_super_kp = {
	.symbol_name = "ovl_put_super",
	.pre_handler = ut_put_super_pre,
};

static unsigned int kref_release_ms = 2000;
module_param(kref_release_ms, uint, 0644);
MODULE_PARM_DESC(kref_release_ms, "ms from a selftest-kref-d task's umount to the release");

enum { PIN_HELD, PIN_DELAYED, NPIN };
static struct vfsmount *ut_pin[NPIN];
static bool ut_release_armed;
static DEFINE_SPINLOCK(ut_pin_lock);

static void ut_release_fn(struct work_struct *work)
{
	struct vfsmount *m;

	spin_lock(&ut_pin_lock);
	m = ut_pin[PIN_DELAYED];
	ut_pin[PIN_DELAYED] = NULL;
	ut_release_armed = false;
	spin_unlock(&ut_pin_lock);
	if (m) {
		pr_warn("ut_fault: overlay %s released (selftest)\n", m->mnt_sb->s_id);
		mntput(m);
	}
}
static DECLARE_DELAYED_WORK(ut_release_work, ut_release_fn);

/* ovl_open(inode, file): f_path is set before ->open, so its mount is the overlay. */
static int ut_ovl_open_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct file *file = (struct file *)regs_get_kernel_argument(regs, 1);
	int k;

	if (!strncmp(current->comm, KREF_HELD, strlen(KREF_HELD)))
		k = PIN_HELD;
	else if (!strncmp(current->comm, KREF_DELAYED, strlen(KREF_DELAYED)))
		k = PIN_DELAYED;
	else
		return 0;
	spin_lock(&ut_pin_lock);
	if (!ut_pin[k]) {
		ut_pin[k] = mntget(file->f_path.mnt);
		pr_warn("ut_fault: %s[%d]: overlay %s pinned %s (selftest)\n", current->comm,
			task_pid_nr(current), file->f_path.mnt->mnt_sb->s_id,
			k == PIN_HELD ? "for good" : "until after its umount");
	}
	spin_unlock(&ut_pin_lock);
	return 0;
}

/* path_umount(): a selftest-kref-d task's first umount arms the release. */
static int ut_umount_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (strncmp(current->comm, KREF_DELAYED, strlen(KREF_DELAYED)))
		return 0;
	spin_lock(&ut_pin_lock);
	if (ut_pin[PIN_DELAYED] && !ut_release_armed) {
		ut_release_armed = true;
		schedule_delayed_work(&ut_release_work, msecs_to_jiffies(kref_release_ms));
	}
	spin_unlock(&ut_pin_lock);
	return 0;
}

static struct kprobe ut_open_kp = { .symbol_name = "ovl_open", .pre_handler = ut_ovl_open_pre };
static struct kprobe ut_umount_kp = {
	.symbol_name = "path_umount", .pre_handler = ut_umount_pre,
};
static struct kprobe *ut_kps[] = { &ut_put_super_kp, &ut_open_kp, &ut_umount_kp };

static int __init ut_fault_init(void)
{
	int err = register_kprobes(ut_kps, ARRAY_SIZE(ut_kps));

	if (err) {
		pr_err("ut_fault: kprobes on ovl_put_super, ovl_open, path_umount: %d "
		       "(is overlay loaded?)\n", err);
		return err;
	}
	pr_info("ut_fault: armed on ovl_put_super at %pS for comm %s* (BUG) and %s* (D state, %u s); "
		"ovl_open for %s* and %s* (mount references, release %u ms after umount)\n",
		ut_put_super_kp.addr, OOPS_PREFIX, WEDGE_PREFIX, wedge_secs, KREF_HELD,
		KREF_DELAYED, kref_release_ms);
	return 0;
}

static void __exit ut_fault_exit(void)
{
	unregister_kprobes(ut_kps, ARRAY_SIZE(ut_kps));
	cancel_delayed_work_sync(&ut_release_work);
	for (int k = 0; k < NPIN; k++)
		if (ut_pin[k])
			mntput(ut_pin[k]);
}

module_init(ut_fault_init);
module_exit(ut_fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("undertow selftest fault injector: oops or wedge in overlay's put_super, mount references left behind");
