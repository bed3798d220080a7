/* SPDX-License-Identifier: GPL-2.0 */
/* holders.h - which processes hold files under a path, and which kernel
 * threads are releasing files (for EBUSY findings). */
#ifndef UT_HOLDERS_H
#define UT_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Scan /proc/PID/fd/N, cwd and root for paths at or under @path and describe
 * each holder as "pid 123 (comm) fd 4 -> /x/m/f".  Returns the number of
 * holders found (the text is cut to @sz).
 */
int ut_find_holders(const char *path, char *buf, size_t sz);

/*
 * Is an overlay mounted in any process's mount namespace?  Reads every
 * /proc/PID/mountinfo (bounded); true at the first overlay line found.
 * Used after our own overlay is gone: the ovl_inode slab is system-wide.
 */
bool ut_overlay_mounted_anywhere(void);
/*
 * Is anything mounted below @dir in any process's mount namespace (an
 * abandoned runner's layers, say)?  Read from /proc/PID/mountinfo only.
 */
bool ut_mounted_under_anywhere(const char *dir);
/*
 * Kernel threads whose stack shows them releasing files (io_uring's ring
 * exit work, a delayed fput), as "pid 57 (kworker/u4:2) in
 * io_ring_exit_work"; how many (the text is cut to @sz).  Read from
 * /proc/PID/stack: root only, 0 otherwise.
 */
int ut_find_releasers(char *buf, size_t sz);
/* Is process @pid (decimal) a kernel thread (PF_KTHREAD in /proc/PID/stat)? */
bool ut_is_kthread(const char *pid);

#endif
