// SPDX-License-Identifier: GPL-2.0
/*
 * ut_cov.c - undertow's block coverage collector, linked into an overlay.ko
 * whose own objects are built with -fsanitize-coverage=trace-pc
 * (harness/covko.sh).  The kernel has no KCOV, so the module brings the
 * hook: every instrumented block calls __sanitizer_cov_trace_pc(), which
 * counts its return address as an offset from the hook's own address (both
 * lie in the module's .text, so the offset is the same in the .ko, where
 * the block map is made).  Blocks elsewhere (init and exit code) get
 * offsets no map entry has and are only counted.
 *
 * The hook takes no lock and allocates nothing: a fixed open-addressing
 * table, slots claimed with cmpxchg.  This file is built without the
 * coverage flag and the hook is notrace, so it never recurses.
 *
 * debugfs, undertow_cov/: pcs ("OFFSET HITS" per block reached), reset
 * (any write forgets everything), info (slots, used, dropped).
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#define UT_COV_BITS	15		/* 32768 slots: overlay.ko has about 10000 blocks */
#define UT_COV_SLOTS	(1UL << UT_COV_BITS)
#define UT_COV_PROBES	64		/* a full neighbourhood counts as dropped */

struct ut_cov_slot {
	atomic_long_t key;		/* the block's offset; 0: free */
	atomic_long_t hits;
};

static struct ut_cov_slot ut_cov_tab[UT_COV_SLOTS];
static atomic_long_t ut_cov_dropped;
static struct dentry *ut_cov_dir;

int ut_cov_start(void);
void ut_cov_stop(void);
void notrace __sanitizer_cov_trace_pc(void);

void notrace __sanitizer_cov_trace_pc(void)
{
	long off = (long)(_RET_IP_ - (unsigned long)__sanitizer_cov_trace_pc);
	unsigned long h = hash_long((unsigned long)off, UT_COV_BITS);

	for (int i = 0; i < UT_COV_PROBES; i++, h = (h + 1) & (UT_COV_SLOTS - 1)) {
		struct ut_cov_slot *s = &ut_cov_tab[h];
		long k = atomic_long_read(&s->key);

		if (!k)
			k = atomic_long_cmpxchg(&s->key, 0, off);
		if (!k || k == off) {
			atomic_long_inc(&s->hits);
			return;
		}
	}
	atomic_long_inc(&ut_cov_dropped);
}

static int ut_cov_pcs_show(struct seq_file *m, void *v)
{
	for (unsigned long i = 0; i < UT_COV_SLOTS; i++) {
		long k = atomic_long_read(&ut_cov_tab[i].key);

		if (k)
			seq_printf(m, "%ld %ld\n", k, atomic_long_read(&ut_cov_tab[i].hits));
	}
	return 0;
}

static int ut_cov_info_show(struct seq_file *m, void *v)
{
	unsigned long used = 0;

	for (unsigned long i = 0; i < UT_COV_SLOTS; i++)
		used += atomic_long_read(&ut_cov_tab[i].key) != 0;
	seq_printf(m, "slots %lu\nused %lu\ndropped %ld\n", UT_COV_SLOTS, used,
		   atomic_long_read(&ut_cov_dropped));
	return 0;
}

static int ut_cov_pcs_open(struct inode *inode, struct file *f)
{
	/* The whole table in one buffer: a reader gets one consistent-enough pass. */
	return single_open_size(f, ut_cov_pcs_show, NULL, UT_COV_SLOTS * 24);
}

static int ut_cov_info_open(struct inode *inode, struct file *f)
{
	return single_open(f, ut_cov_info_show, NULL);
}

/* Between scenarios nothing runs overlay code; a racing hit is merely lost. */
static ssize_t ut_cov_reset_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
	for (unsigned long i = 0; i < UT_COV_SLOTS; i++) {
		atomic_long_set(&ut_cov_tab[i].hits, 0);
		atomic_long_set(&ut_cov_tab[i].key, 0);
	}
	atomic_long_set(&ut_cov_dropped, 0);
	return n;
}

static const struct file_operations ut_cov_pcs_fops = {
	.owner = THIS_MODULE, .open = ut_cov_pcs_open, .read = seq_read,
	.llseek = seq_lseek, .release = single_release,
};

static const struct file_operations ut_cov_info_fops = {
	.owner = THIS_MODULE, .open = ut_cov_info_open, .read = seq_read,
	.llseek = seq_lseek, .release = single_release,
};

static const struct file_operations ut_cov_reset_fops = {
	.owner = THIS_MODULE, .write = ut_cov_reset_write, .llseek = noop_llseek,
};

/* Called from overlay's module init (covko.sh wraps it); debugfs may be off: no error. */
int ut_cov_start(void)
{
	ut_cov_dir = debugfs_create_dir("undertow_cov", NULL);
	debugfs_create_file("pcs", 0400, ut_cov_dir, NULL, &ut_cov_pcs_fops);
	debugfs_create_file("info", 0400, ut_cov_dir, NULL, &ut_cov_info_fops);
	debugfs_create_file("reset", 0200, ut_cov_dir, NULL, &ut_cov_reset_fops);
	return 0;
}

void ut_cov_stop(void)
{
	debugfs_remove_recursive(ut_cov_dir);
}
