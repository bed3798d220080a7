/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slab.h - small readers of kernel object counts, for leak reports.
 */
#ifndef UT_SLAB_H
#define UT_SLAB_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * In-use object count of slab cache @cache: first number of
 * /sys/kernel/slab/NAME/objects, else the active_objs column of
 * /proc/slabinfo.  -ENOENT if the cache does not exist (e.g. overlay not
 * loaded yet), -EINVAL for a name that is not a plain file name, other
 * -errno on read failure.  A cache merged into another (sysfs symlink)
 * reports the merged cache's count.
 */
long ut_slab_objects(const char *cache);
/*
 * Ask SLUB to flush per-CPU slabs and free empty ones (sysfs "shrink"), so
 * that ut_slab_objects() counts objects in use rather than whole CPU slabs.
 * 0 or -errno.
 */
int ut_slab_shrink(const char *cache);

enum ut_slab_judgement { UT_SLAB_CLEAN, UT_SLAB_LEAK, UT_SLAB_NOT_JUDGED };
/*
 * Judge an ovl_inode count: @before the mount, @after umount + drop_caches
 * (after the retries), @again a moment later; @others = another overlay is
 * mounted somewhere, so the system-wide count is not ours alone.
 */
enum ut_slab_judgement ut_slab_judge(long before, long after, long again, bool others);

/*
 * First integer in a file (leading blanks skipped).  0, -EINVAL if the
 * file does not start with one, -ERANGE on overflow, or -errno.
 */
int ut_read_long(const char *path, long *out);

/* /proc/sys/fs/dentry-state: first two fields.  0 or -errno. */
int ut_dentry_state(long *nr_dentry, long *nr_unused);

/* /proc/sys/fs/inode-nr: both fields.  0 or -errno. */
int ut_inode_nr(long *nr_inodes, long *nr_free);

/*
 * Number of open fds of @pid (0 = self; the fd used to count is not
 * included).  Count or -errno (-ENOENT: no such process).
 */
int ut_count_fds(pid_t pid);

#endif
