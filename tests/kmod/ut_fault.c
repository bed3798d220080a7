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
 * Every other task runs ovl_put_super() untouched.  The path is changed as
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
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>

#define OOPS_PREFIX	"selftest-oops"
#define WEDGE_PREFIX	"selftest-wedge"

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

static int __init ut_fault_init(void)
{
	int err = register_kprobe(&ut_put_super_kp);

	if (err) {
		pr_err("ut_fault: kprobe on ovl_put_super: %d (is overlay loaded?)\n", err);
		return err;
	}
	pr_info("ut_fault: armed on ovl_put_super at %pS for comm %s* (BUG) and %s* (D state, %u s)\n",
		ut_put_super_kp.addr, OOPS_PREFIX, WEDGE_PREFIX, wedge_secs);
	return 0;
}

static void __exit ut_fault_exit(void)
{
	unregister_kprobe(&ut_put_super_kp);
}

module_init(ut_fault_init);
module_exit(ut_fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("undertow selftest fault injector: oops or wedge in overlay's put_super");
