// SPDX-License-Identifier: GPL-2.0
/*
 * test_fusefs.c - the FUSE passthrough on live mounts (private namespace,
 * see test_main.c): I/O through the mount, changes made underneath, the
 * fault names, a stalled lookup freed by a connection abort, and the mount
 * used as an overlayfs lower layer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <check.h>

#include "fusefs.h"
#include "suites.h"

#define TMP_PREFIX	"/tmp/ut-fuse."
#define NFILES		400

/* One test's tree: dir/{back,mnt,up,wk,ovl}, and the server serving back at mnt. */
static struct {
	char dir[64];
	char back[96], mnt[96];
	pid_t pid;
} fx;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* "<base>/<name>" in one of a few rotating buffers. */
static const char *join(const char *base, const char *name)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, PATH_MAX, "%s/%s", base, name);
	return b;
}

static const char *mp(const char *name)
{
	return join(fx.mnt, name);
}

static const char *bp(const char *name)
{
	return join(fx.back, name);
}

static const char *dp(const char *name)
{
	return join(fx.dir, name);
}

static void put_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	ck_assert_int_eq(close(fd), 0);
}

/* Whole small file as a string (static buffer). */
static const char *slurp(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

/* errno of a call that must fail, 0 if it succeeded. */
static int stat_err(const char *path)
{
	struct stat st;

	return stat(path, &st) ? errno : 0;
}

/* The errnos these tests report by name. */
static const char *err_name(int err)
{
	switch (err) {
	case ENOENT:
		return "ENOENT";
	case ESTALE:
		return "ESTALE";
	case ENOTCONN:
		return "ENOTCONN";
	case ECONNABORTED:
		return "ECONNABORTED";
	default:
		return strerror(err);
	}
}

static bool dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	ck_assert_ptr_nonnull(d);
	while (!found && (de = readdir(d)))
		found = !strcmp(de->d_name, name);
	closedir(d);
	return found;
}

/* Is @path a mount point in this namespace? (our paths need no unescaping) */
static bool is_mounted(const char *path)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char mnt[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	ck_assert_ptr_nonnull(f);
	while (!found && getline(&line, &cap, f) > 0)
		found = sscanf(line, "%*d %*d %*s %*s %4095s", mnt) == 1 && !strcmp(mnt, path);
	free(line);
	fclose(f);
	return found;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void start_fs(double timeout)
{
	struct ut_fuse_opts o = { .entry_timeout = timeout, .attr_timeout = timeout };

	snprintf(fx.dir, sizeof(fx.dir), TMP_PREFIX "XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx.dir));
	snprintf(fx.back, sizeof(fx.back), "%s/back", fx.dir);
	snprintf(fx.mnt, sizeof(fx.mnt), "%s/mnt", fx.dir);
	ck_assert_int_eq(mkdir(fx.back, 0755), 0);
	ck_assert_int_eq(mkdir(fx.mnt, 0755), 0);
	o.backing = fx.back;
	o.mountpoint = fx.mnt;
	fx.pid = ut_fuse_start(&o);
	ck_assert_msg(fx.pid > 0, "ut_fuse_start: %s", strerror(-fx.pid));
	ck_assert(is_mounted(fx.mnt));
}

/* Stop the server and check it left neither a mount nor a child. */
static void stop_fs_want(int want)
{
	int status;

	ck_assert_int_eq(ut_fuse_stop(fx.mnt, fx.pid), want);
	ck_assert(!is_mounted(fx.mnt));
	ck_assert_int_eq(waitpid(fx.pid, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(nftw(fx.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void stop_fs(void)
{
	stop_fs_want(0);
}

/* Reap @pid within @ms; its exit code, or -1 if it is still running. */
static int reap_ms(pid_t pid, int ms)
{
	long long end = now_ms() + ms;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(10000);
	} while (now_ms() < end);
	return -1;
}

/* Scheduler state letter of @pid from /proc/PID/stat, '?' if unreadable. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* A child that stats @path and exits with the errno (0 = success). */
static pid_t stat_in_child(const char *path)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (!pid)
		_exit(stat_err(path));
	return pid;
}

/* Unchecked teardown: after a failed test, detach what it left mounted. */
static void sweep_mounts(void)
{
	static char mnts[64][PATH_MAX];
	char *line = NULL;
	FILE *f = fopen("/proc/self/mountinfo", "r");
	size_t cap = 0;
	int n = 0;

	if (!f)
		return;
	while (n < 64 && getline(&line, &cap, f) > 0)
		if (sscanf(line, "%*d %*d %*s %*s %4095s", mnts[n]) == 1 &&
		    !strncmp(mnts[n], TMP_PREFIX, strlen(TMP_PREFIX)))
			n++;
	free(line);
	fclose(f);
	while (n--)
		umount2(mnts[n], MNT_DETACH);
}

START_TEST(start_errors)
{
	struct ut_fuse_opts o = { .backing = "/nonexistent/ut-back", .mountpoint = "/tmp" };

	ck_assert_int_eq(ut_fuse_start(&o), -ENOENT);
	o.backing = "/tmp";
	o.mountpoint = "/nonexistent/ut-mnt";
	ck_assert_int_eq(ut_fuse_start(&o), -ENOENT);
	ck_assert_int_eq(ut_fuse_conn("/tmp"), -EINVAL);
	ck_assert_int_eq(ut_fuse_abort(-1), -EINVAL);
	ck_assert_int_eq(ut_fuse_stop("/nonexistent/ut-mnt", 0), 0);
}
END_TEST

START_TEST(start_stop_clean)
{
	struct stat st;
	long long t0;
	int conn;

	start_fs(0);
	conn = ut_fuse_conn(fx.mnt);
	ck_assert_int_gt(conn, 0);
	ck_assert_int_eq(stat(fx.mnt, &st), 0);
	ck_assert_int_eq((int)minor(st.st_dev), conn);
	t0 = now_ms();
	stop_fs();
	ck_assert_int_lt(now_ms() - t0, 1000);
}
END_TEST

START_TEST(io_through_mount)
{
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	struct statvfs sv;
	struct stat st;
	char buf[64];
	int fd;

	umask(022);
	start_fs(0);
	fd = open(mp("f"), O_CREAT | O_EXCL | O_RDWR, 0640);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "hello", 5), 5);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_int_eq(pread(fd, buf, sizeof(buf), 0), 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_str_eq(slurp(bp("f")), "hello");
	ck_assert_int_eq(stat(bp("f"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);

	fd = open(mp("f"), O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, " world", 6), 6);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_str_eq(slurp(mp("f")), "hello world");
	ck_assert(dir_has(fx.mnt, "f"));

	ck_assert_int_eq(rename(mp("f"), mp("g")), 0);
	ck_assert_int_eq(stat_err(bp("f")), ENOENT);
	ck_assert_str_eq(slurp(bp("g")), "hello world");

	ck_assert_int_eq(mkdir(mp("d"), 0755), 0);
	ck_assert_int_eq(stat(bp("d"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(symlink("../g", mp("d/l")), 0);
	ck_assert_int_eq(readlink(mp("d/l"), buf, sizeof(buf)), 4);
	ck_assert_int_eq(memcmp(buf, "../g", 4), 0);
	ck_assert_str_eq(slurp(mp("d/l")), "hello world");
	ck_assert_int_eq(link(mp("g"), mp("d/h")), 0);
	ck_assert_int_eq(stat(mp("g"), &st), 0);
	ck_assert_int_eq(st.st_nlink, 2);

	ck_assert_int_eq(chmod(mp("g"), 0600), 0);
	ck_assert_int_eq(truncate(mp("g"), 2), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, mp("g"), ts, 0), 0);
	ck_assert_int_eq(chown(mp("g"), 1, 2), 0);
	ck_assert_int_eq(stat(bp("g"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, 2);
	ck_assert_int_eq(st.st_atime, 1000);
	ck_assert_int_eq(st.st_mtime, 2000);
	ck_assert_int_eq(st.st_uid, 1);
	ck_assert_int_eq(st.st_gid, 2);
	ck_assert_int_eq(statvfs(fx.mnt, &sv), 0);
	ck_assert_uint_gt(sv.f_bsize, 0);

	ck_assert_int_eq(rmdir(mp("d")), -1);
	ck_assert_int_eq(errno, ENOTEMPTY);
	ck_assert_int_eq(unlink(mp("d/h")), 0);
	ck_assert_int_eq(unlink(mp("d/l")), 0);
	ck_assert_int_eq(rmdir(mp("d")), 0);
	ck_assert_int_eq(stat_err(bp("d")), ENOENT);
	ck_assert_int_eq(unlink(mp("g")), 0);
	ck_assert_int_eq(stat_err(bp("g")), ENOENT);
	stop_fs();
}
END_TEST

struct ldirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Entries of one full pass over @fd from @off; marks seen[i] for file i. */
static int count_pass(int fd, off_t off, int *seen, off_t *off_at_100)
{
	char buf[1024];
	int n = 0;
	long len;

	ck_assert_int_eq(lseek(fd, off, SEEK_SET), off);
	/* A small buffer: the kernel then asks again from mid-batch offsets. */
	while ((len = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long pos = 0; pos < len;) {
			struct ldirent64 *de = (void *)(buf + pos);
			int i;

			if (sscanf(de->name, "file-with-a-long-name-%d", &i) == 1)
				seen[i]++;
			if (++n == 100 && off_at_100)
				*off_at_100 = de->off;
			pos += de->reclen;
		}
	}
	ck_assert_int_eq(len, 0);
	return n;
}

START_TEST(readdir_rewind)
{
	int seen[NFILES], fd, n;
	off_t off100 = 0;
	char name[64];

	start_fs(0);
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "file-with-a-long-name-%03d", i);
		put_file(bp(name), "x");
	}
	fd = open(fx.mnt, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	for (int pass = 0; pass < 3; pass++) {
		memset(seen, 0, sizeof(seen));
		ck_assert_int_eq(count_pass(fd, 0, seen, &off100), NFILES + 2);
		for (int i = 0; i < NFILES; i++)
			ck_assert_int_eq(seen[i], 1);
	}
	/* Resuming from a saved d_off gives exactly the rest. */
	memset(seen, 0, sizeof(seen));
	n = count_pass(fd, off100, seen, NULL);
	ck_assert_int_eq(n, NFILES + 2 - 100);
	close(fd);
	stop_fs();
}
END_TEST

START_TEST(whiteout_and_xattrs)
{
	char buf[256];
	struct stat st;

	start_fs(0);
	ck_assert_int_eq(mknod(mp("wh"), S_IFCHR | 0000, makedev(0, 0)), 0);
	ck_assert_int_eq(lstat(bp("wh"), &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert_int_eq(st.st_rdev, 0);

	put_file(bp("f"), "data");
	ck_assert_int_eq(setxattr(mp("f"), "user.k", "v", 1, 0), 0);
	ck_assert_int_eq(getxattr(bp("f"), "user.k", buf, sizeof(buf)), 1);
	ck_assert_int_eq(getxattr(mp("f"), "user.k", NULL, 0), 1);
	ck_assert_int_eq(getxattr(mp("f"), "user.k", buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'v');
	ck_assert_int_gt(listxattr(mp("f"), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "user.k");
	ck_assert_int_eq(removexattr(mp("f"), "user.k"), 0);
	ck_assert_int_eq(getxattr(mp("f"), "user.k", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENODATA);
	/* What overlay asks of a lower layer gets a plain answer. */
	ck_assert_int_eq(getxattr(fx.mnt, "trusted.overlay.opaque", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENODATA);
	ck_assert_int_eq(getxattr(mp("f"), "trusted.overlay.metacopy", NULL, 0), -1);
	ck_assert_int_eq(errno, ENODATA);
	stop_fs();
}
END_TEST

START_TEST(rename_underneath_enoent)
{
	struct stat st, st2;
	char buf[16];
	int fd;

	start_fs(0);
	put_file(bp("a"), "A");
	ck_assert_int_eq(stat(mp("a"), &st), 0);
	ck_assert_int_eq(rename(bp("a"), bp("b")), 0);
	ck_assert_int_eq(stat_err(mp("a")), ENOENT);
	ck_assert_int_eq(stat(mp("b"), &st2), 0);
	ck_assert_int_eq(st.st_ino, st2.st_ino);

	/* An open file follows its inode through unlink underneath. */
	fd = open(mp("b"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(unlink(bp("b")), 0);
	ck_assert_int_eq(stat_err(mp("b")), ENOENT);
	ck_assert_int_eq(pread(fd, buf, sizeof(buf), 0), 1);
	ck_assert_int_eq(buf[0], 'A');
	close(fd);

	/* A directory replaced underneath: its old contents are gone. */
	ck_assert_int_eq(mkdir(bp("d"), 0755), 0);
	put_file(bp("d/x"), "X");
	ck_assert_str_eq(slurp(mp("d/x")), "X");
	ck_assert_int_eq(rename(bp("d"), bp("e")), 0);
	ck_assert_int_eq(mkdir(bp("d"), 0755), 0);
	ck_assert_int_eq(stat_err(mp("d/x")), ENOENT);
	ck_assert_str_eq(slurp(mp("e/x")), "X");
	stop_fs();
}
END_TEST

START_TEST(fault_names)
{
	start_fs(0);
	ck_assert_int_eq(stat_err(mp("ut-eio-x")), EIO);
	ck_assert_int_eq(stat_err(mp("ut-estale-x")), ESTALE);
	ck_assert_int_eq(mkdir(bp("sub"), 0755), 0);
	ck_assert_int_eq(stat_err(mp("sub/ut-eio")), EIO);
	ck_assert_int_eq(stat_err(mp("sub/ut-estalemate")), ESTALE);
	/* Only the prefix counts: a real file that merely contains it is fine. */
	put_file(bp("x-ut-eio"), "");
	ck_assert_int_eq(stat_err(mp("x-ut-eio")), 0);
	stop_fs();
}
END_TEST

START_TEST(stall_then_abort)
{
	long long t0, dt;
	pid_t child;
	char state;
	int ret;

	start_fs(0);
	put_file(bp("other"), "o");
	child = stat_in_child(mp("ut-stall-x"));
	sleep(1);
	ck_assert_int_eq(waitpid(child, NULL, WNOHANG), 0);
	state = proc_state(child);
	ck_assert_msg(state == 'S' || state == 'D', "stalled task in state %c", state);
	/* The loop still serves everyone else. */
	ck_assert_str_eq(slurp(mp("other")), "o");

	t0 = now_ms();
	ck_assert_int_eq(ut_fuse_abort(ut_fuse_conn(fx.mnt)), 0);
	ret = reap_ms(child, 2000);
	dt = now_ms() - t0;
	ck_assert_msg(ret >= 0, "stalled task still blocked 2 s after the abort");
	/* The pending request is ended by the abort, later ones are refused. */
	ck_assert_int_eq(ret, ECONNABORTED);
	ck_assert_int_eq(stat_err(mp("other")), ENOTCONN);
	fprintf(stderr, "# fusefs: stalled lookup (state %c) returned %s %lld ms after abort\n",
		state, err_name(ret), dt);
	stop_fs();
}
END_TEST

/* Overlay with the FUSE mount as its only lower; upper/work on /tmp's fs. */
static void mount_overlay(void)
{
	char opts[512];

	ck_assert_int_eq(mkdir(dp("up"), 0755), 0);
	ck_assert_int_eq(mkdir(dp("wk"), 0755), 0);
	ck_assert_int_eq(mkdir(dp("ovl"), 0755), 0);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", fx.mnt, dp("up"),
		 dp("wk"));
	ck_assert_msg(!mount("overlay", dp("ovl"), "overlay", 0, opts), "overlay mount: %s",
		      strerror(errno));
}

START_TEST(overlay_lower_rename)
{
	long long t0, dt;
	int err, err2;

	start_fs(0);
	put_file(bp("f"), "lower-data");
	mount_overlay();
	ck_assert(dir_has(dp("ovl"), "f"));
	ck_assert_str_eq(slurp(dp("ovl/f")), "lower-data");
	ck_assert_int_eq(rename(bp("f"), bp("g")), 0);
	t0 = now_ms();
	err = stat_err(dp("ovl/f"));
	dt = now_ms() - t0;
	err2 = stat_err(dp("ovl/f"));
	ck_assert_msg(err == ENOENT || err == ESTALE, "overlay stat: %s", strerror(err));
	ck_assert_msg(err2 == ENOENT || err2 == ESTALE, "overlay stat again: %s",
		      strerror(err2));
	ck_assert_int_lt(dt, 2000);
	ck_assert_str_eq(slurp(dp("ovl/g")), "lower-data");
	fprintf(stderr, "# fusefs: overlay stat of a lower file renamed underneath: %s, then %s"
		" (%lld ms)\n", err_name(err), err_name(err2), dt);
	ck_assert_int_eq(umount2(dp("ovl"), 0), 0);
	stop_fs();
}
END_TEST

START_TEST(overlay_stall_abort)
{
	pid_t child;
	int ret;

	start_fs(0);
	mount_overlay();
	child = stat_in_child(dp("ovl/ut-stall-y"));
	usleep(300000);
	ck_assert_int_eq(waitpid(child, NULL, WNOHANG), 0);
	ck_assert_int_eq(ut_fuse_abort(ut_fuse_conn(fx.mnt)), 0);
	ret = reap_ms(child, 2000);
	ck_assert_int_eq(ret, ECONNABORTED);
	ck_assert_int_eq(stat_err(dp("ovl/ut-stall-z")), ENOTCONN);
	/* An overlay over a dead lower still unmounts. */
	ck_assert_int_eq(umount2(dp("ovl"), 0), 0);
	stop_fs();
}
END_TEST

START_TEST(stop_while_stalled)
{
	long long t0;
	pid_t child;
	int ret;

	start_fs(0);
	child = stat_in_child(mp("ut-stall-x"));
	usleep(200000);
	ck_assert_int_eq(waitpid(child, NULL, WNOHANG), 0);
	/* No abort: the stalled task keeps the mount busy, stop must cope. */
	t0 = now_ms();
	stop_fs_want(-EBUSY);	/* the stalled task holds the mount */
	ck_assert_int_lt(now_ms() - t0, UT_FUSE_REAP_MS);
	ret = reap_ms(child, 2000);
	ck_assert_msg(ret == EIO || ret == ECONNABORTED || ret == ENOTCONN,
		      "stalled task after stop: %d", ret);
}
END_TEST

START_TEST(stop_busy_mount)
{
	struct stat st;
	long long t0;
	int fd;

	start_fs(0);
	fd = open(fx.mnt, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	t0 = now_ms();
	/* Busy: detached (and said so), the server told to go (no 3 s wait). */
	stop_fs_want(-EBUSY);
	ck_assert_int_lt(now_ms() - t0, UT_FUSE_REAP_MS);
	ck_assert_int_eq(fstatat(fd, "x", &st, 0), -1);
	ck_assert_int_eq(errno, ENOTCONN);
	close(fd);
}
END_TEST

Suite *fusefs_suite(void)
{
	Suite *s = suite_create("fusefs");
	TCase *tc = tcase_create("fusefs");

	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, NULL, sweep_mounts);
	tcase_add_test(tc, start_errors);
	tcase_add_test(tc, start_stop_clean);
	tcase_add_test(tc, io_through_mount);
	tcase_add_test(tc, readdir_rewind);
	tcase_add_test(tc, whiteout_and_xattrs);
	tcase_add_test(tc, rename_underneath_enoent);
	tcase_add_test(tc, fault_names);
	tcase_add_test(tc, stall_then_abort);
	tcase_add_test(tc, overlay_lower_rename);
	tcase_add_test(tc, overlay_stall_abort);
	tcase_add_test(tc, stop_while_stalled);
	tcase_add_test(tc, stop_busy_mount);
	suite_add_tcase(s, tc);
	return s;
}
