/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fusefs.h - a FUSE passthrough of a backing directory, to be used as an
 * overlayfs lower layer: the server (fuse_server.c and the fuse_*_ops.c it
 * serves with) and its supervision as a child process (fuse_supervise.c).  FUSE dentries have d_revalidate, so overlay
 * treats the layer as "remote" and revalidates cached lower dentries; with
 * entry/attr timeouts of 0 every lookup reaches the server, which serves
 * the backing directory as it is now, while other processes change it.
 *
 * Every node holds an O_PATH fd to its backing inode, so operations follow
 * the inode across renames and deletes underneath and never use a path.
 *
 * Fault injection, by the name being looked up (prefix match):
 *   "ut-stall*"   never answered: the lookup stays pending in the kernel
 *                 (the looking-up task sleeps in S/D state) until the
 *                 connection is aborted (ut_fuse_abort()) or the server
 *                 dies; the task then gets ECONNABORTED (requests sent
 *                 after the abort get ENOTCONN).  Other requests are still
 *                 served meanwhile, lookups in the same directory included
 *                 (parallel dirops), but the VFS keeps the directory
 *                 read-locked: creating, removing or renaming in it waits.
 *   "ut-eio*"     answered with EIO.
 *   "ut-estale*"  answered with ESTALE.
 *
 * Mount options: fsname=undertow,subtype=undertow,default_permissions,
 * allow_other, i.e. source "undertow" and fstype "fuse.undertow" in
 * mountinfo; the server does the mount(2) itself (root only).  It runs
 * with umask 0 and creates everything as its own uid/gid.
 *
 * Nothing here that the harness calls waits without a bound, and
 * ut_fuse_conn()/ut_fuse_start() send no FUSE request (statx with
 * AT_STATX_DONT_SYNC), so they work on a stuck mount.
 */
#ifndef UT_FUSEFS_H
#define UT_FUSEFS_H

#include <sys/types.h>

#define UT_FUSE_STALL	"ut-stall"
#define UT_FUSE_EIO	"ut-eio"
#define UT_FUSE_ESTALE	"ut-estale"

#define UT_FUSE_START_MS	5000	/* ut_fuse_start(): mount must be live by then */
#define UT_FUSE_REAP_MS		3000	/* ut_fuse_stop(): wait before SIGKILL */
#define UT_FUSE_KILL_MS		2000	/* ut_fuse_stop(): wait after SIGKILL */

struct ut_fuse_opts {
	const char *backing;	/* directory served */
	const char *mountpoint;	/* where to mount */
	double entry_timeout;	/* seconds, 0 = revalidate on every lookup */
	double attr_timeout;
};

/*
 * Serve until unmounted or aborted.  Runs in the calling process; returns
 * 0 on unmount, abort, or SIGTERM/SIGINT/SIGHUP (then it detaches its own
 * mount, if still there), -errno on setup failure.  Stalled lookups still
 * pending when it ends are answered EIO.
 * The backing directory is opened before mounting, so @mountpoint may be
 * the backing directory itself.
 */
int ut_fuse_serve(const struct ut_fuse_opts *o);

/*
 * Fork a server for @o (PR_SET_PDEATHSIG = SIGKILL, inherited fds above 2
 * closed) and wait, at most UT_FUSE_START_MS, until the mount is live.
 * The child _exit()s with -ut_fuse_serve().  Returns the server's pid, or
 * -errno: the server's own setup error if it exited, -ETIMEDOUT if the
 * mount never appeared (the child is then killed and reaped).
 */
pid_t ut_fuse_start(const struct ut_fuse_opts *o);

/*
 * st_dev of @path by statx(AT_STATX_DONT_SYNC): no FUSE request, so it
 * cannot hang on a stuck mount.  0 or -errno.
 */
int ut_fuse_dev(const char *path, dev_t *dev);

/*
 * Connection number of the FUSE mount at @mountpoint: the minor of its
 * st_dev, which names /sys/fs/fuse/connections/N.  Sends no FUSE request,
 * so it works on a stuck mount.  -EINVAL if it is not a FUSE mount.
 */
int ut_fuse_conn(const char *mountpoint);

/*
 * Abort connection @conn (write 1 to /sys/fs/fuse/connections/N/abort,
 * through ut_write_small()):
 * requests pending at that moment fail with ECONNABORTED, later ones with
 * ENOTCONN, and the server's loop ends.  Mounts fusectl on
 * /sys/fs/fuse/connections first if it isn't mounted.  0 or -errno.
 */
int ut_fuse_abort(int conn);

/*
 * Unmount @mountpoint (plain, then MNT_DETACH + SIGTERM to @pid if busy),
 * then reap @pid: UT_FUSE_REAP_MS, then SIGKILL and UT_FUSE_KILL_MS more.
 * A @mountpoint that is not mounted is not an error; @pid <= 0 skips the
 * reaping.  0, -EBUSY if the mount was busy and had to be detached (the
 * caller decides whether that is a leak), or the first -errno
 * (-ETIMEDOUT if @pid was not reaped).
 */
int ut_fuse_stop(const char *mountpoint, pid_t pid);

#endif
