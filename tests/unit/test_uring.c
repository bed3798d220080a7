// SPDX-License-Identifier: GPL-2.0
/*
 * test_uring.c - live tests (private namespace, see test_main.c) of the
 * io_uring ops against their syscall twins on the same names of a real
 * overlay, the probe note, and the file-handle ops with nfs_export=on.
 *
 * The layers are a private tmpfs made here (l0, u, w, m) rather than with
 * layers.h: these tests need only one tmpfs lower and the real layer dirs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "fhandle_ops.h"
#include "mount.h"
#include "ops.h"
#include "suites.h"
#include "uring_ops.h"

Suite *uring_suite(void);

static char base[64], dirs[4][96];	/* l0, u, w, m */
static int mfd = -1, lfd = -1, ufd = -1;
static struct ut_ctx ctx;
static struct ut_trace te;

static const struct ut_scenario tsc = { .name = "unit-uring", .lowers = 1 };

static const char *const seed[] = {
	"0:d/", "0:d/f=text", "0:d/g=g", "0:d/g2=g2", "0:d/l->f", "0:d/sub/",
	"0:d/sub/x=x", "0:e/", "0:e/f=e", "u:u/", "u:u/f=upper", NULL,
};

/* A private tmpfs with l0 u w m, seeded, and an overlay on m. */
static void mount_overlay(const char *opts)
{
	static const char *const sub[] = { "l0", "u", "w", "m" };
	struct ut_mount_req r = { .nlower = 1, .opts = opts };
	struct ut_mount_res res;

	snprintf(base, sizeof(base), "/tmp/ut-uring.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	ck_assert_int_eq(mount("tmpfs", base, "tmpfs", 0, "mode=0755"), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "%s/%s", base, sub[i]);
		ck_assert_int_eq(mkdir(dirs[i], 0755), 0);
	}
	lfd = open(dirs[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ufd = open(dirs[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(ut_seed_layer(lfd, seed, '0', NULL), 0);
	ck_assert_int_eq(ut_seed_layer(ufd, seed, 'u', NULL), 0);
	r.lower[0] = dirs[0];
	r.upper = dirs[1];
	r.work = dirs[2];
	r.target = dirs[3];
	ck_assert_msg(!ut_ovl_mount(&r, &res), "%s", res.why);
	mfd = open(dirs[3], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(mfd, 0);
	memset(&ctx, 0, sizeof(ctx));
	ut_rng_seed(&ctx.rng, 7);
	for (int w = 0; w < UT_AT_NR; w++)
		ctx.fd[w] = -1;
	ctx.fd[UT_AT_MERGED] = mfd;
	ctx.fd[UT_AT_LOWER0] = lfd;
	ctx.fd[UT_AT_UPPER] = ufd;
	ctx.sc = &tsc;
}

/*
 * A file closed with IORING_OP_CLOSE is closed in an io-wq worker, which
 * may drop its last reference only after the CQE is posted: an umount
 * right after can see EBUSY for a moment.  Bounded: 100 x 10 ms.
 */
static int umount_settled(const char *path)
{
	for (int i = 0; i < 100; i++) {
		if (!umount2(path, 0))
			return 0;
		if (errno != EBUSY)
			break;
		usleep(10000);
	}
	return -errno;
}

static void unmount_overlay(void)
{
	close(mfd);
	close(lfd);
	close(ufd);
	ck_assert_int_eq(umount_settled(dirs[3]), 0);
	ck_assert_int_eq(umount2(base, 0), 0);
	ck_assert_int_eq(rmdir(base), 0);
}

/* Make the next two picks from a two-name pool come out as pool[0], pool[1]. */
static void steer_picks(void)
{
	for (int i = 0; i < 1000; i++) {
		struct ut_rng t = ctx.rng;

		if (ut_rng_below(&t, 2) == 0 && ut_rng_below(&t, 2) == 1)
			return;
		ut_rng_next(&ctx.rng);
	}
	ck_abort_msg("no rng state picks 0 then 1");
}

/* Run @fn once at the merged root on name @a (and @b for two-name ops). */
static int run_on(const struct ut_scenario *sc, ut_op_fn fn, const char *a,
		  const char *b, long arg)
{
	const char *pool[3] = { a, b, NULL };
	struct ut_op ops[1] = {
		{ .name = "t", .fn = fn, .weight = 1, .at = UT_AT_MERGED,
		  .names = pool, .arg = arg },
	};

	ctx.sc = sc;
	ctx.ops = ops;
	ctx.npool[0] = b ? 2 : 1;
	memset(&te, 0, sizeof(te));
	te.held = -1;
	ctx.te = &te;
	if (b)
		steer_picks();
	return fn(&ctx, &ops[0]);
}

static int run1(ut_op_fn fn, const char *a, const char *b, long arg)
{
	return run_on(&tsc, fn, a, b, arg);
}

/* Both twins on the same (non-mutating) call give @want. */
#define TWINS(sync, uring, a, b, arg, want) do {				\
	int rs_ = run1(sync, a, b, arg), ru_ = run1(uring, a, b, arg);		\
	ck_assert_msg(rs_ == (want) && ru_ == (want),				\
		      "%s/%s %s: sync %d, uring %d, want %d",			\
		      #sync, #uring, a, rs_, ru_, (want));			\
} while (0)

/* getxattr(2) twin, as in scenarios/uring-mixed.c. */
static int sync_getxattr(struct ut_ctx *c, const struct ut_op *op)
{
	char path[PATH_MAX], val[256];
	int dfd = ut_dirfd(c, op);
	int err = ut_uring_fd_path(path, sizeof(path), dfd, ut_pick(c, op));

	return err ? err : UT_RET(getxattr(path, "user.undertow", val, sizeof(val)));
}

static bool exists_at(int dfd, const char *name)
{
	struct stat st;

	return !fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
}

START_TEST(lookups_match_sync)
{
	mount_overlay(NULL);
	TWINS(ut_op_open, ut_uop_openat, "d/f", NULL, 0, 0);
	TWINS(ut_op_open, ut_uop_openat, "d/l", NULL, 0, 0);	/* follows */
	TWINS(ut_op_open, ut_uop_openat, "d/missing", NULL, 0, -ENOENT);
	TWINS(ut_op_open, ut_uop_openat, "d/f/x", NULL, 0, -ENOTDIR);
	TWINS(ut_op_open, ut_uop_close, "d/f", NULL, 0, 0);
	TWINS(ut_op_open, ut_uop_close, "d/missing", NULL, 0, -ENOENT);
	TWINS(ut_op_openat2, ut_uop_openat2, "d/f", NULL, RESOLVE_BENEATH, 0);
	TWINS(ut_op_openat2, ut_uop_openat2, "d/l", NULL, RESOLVE_BENEATH, -ELOOP);
	TWINS(ut_op_openat2, ut_uop_openat2, "../x", NULL, RESOLVE_BENEATH, -EXDEV);
	TWINS(ut_op_openat2, ut_uop_openat2, "d/nope", NULL, 0, -ENOENT);
	TWINS(ut_op_statx, ut_uop_statx, "d/f", NULL, 0, 0);
	TWINS(ut_op_statx, ut_uop_statx, "d/l", NULL, 0, 0);	/* the link itself */
	TWINS(ut_op_statx, ut_uop_statx, "u/f", NULL, 0, 0);
	TWINS(ut_op_statx, ut_uop_statx, "d/nope", NULL, 0, -ENOENT);
	TWINS(ut_op_read, ut_uop_read, "d/f", NULL, 0, 4);	/* "text" */
	TWINS(ut_op_read, ut_uop_read, "u/f", NULL, 0, 5);
	TWINS(ut_op_read, ut_uop_read, "d/sub", NULL, 0, -EISDIR);
	TWINS(ut_op_read, ut_uop_read, "d/nope", NULL, 0, -ENOENT);
	TWINS(sync_getxattr, ut_uop_getxattr, "d/f", NULL, 0, -ENODATA);
	TWINS(sync_getxattr, ut_uop_getxattr, "d/nope", NULL, 0, -ENOENT);
	ck_assert_int_eq(run1(ut_op_setxattr, "d/f", NULL, 0), 0);	/* copies up */
	TWINS(sync_getxattr, ut_uop_getxattr, "d/f", NULL, 0, 1);
	/* Nothing above changed the lower layer. */
	ck_assert(exists_at(lfd, "d/f") && !exists_at(lfd, "d/nope"));
	unmount_overlay();
}
END_TEST

START_TEST(creates_match_sync)
{
	mount_overlay(NULL);
	ck_assert_int_eq(run1(ut_op_mkdir, "d/n1", NULL, 0), 0);
	ck_assert_int_eq(run1(ut_uop_mkdirat, "d/n2", NULL, 0), 0);
	ck_assert(exists_at(ufd, "d/n1") && exists_at(ufd, "d/n2"));
	TWINS(ut_op_mkdir, ut_uop_mkdirat, "d/sub", NULL, 0, -EEXIST);	/* lower dir */
	TWINS(ut_op_mkdir, ut_uop_mkdirat, "d/n1", NULL, 0, -EEXIST);	/* upper dir */
	TWINS(ut_op_mkdir, ut_uop_mkdirat, "nope/x", NULL, 0, -ENOENT);
	ck_assert_int_eq(run1(ut_op_symlink, "f", "d/s1", 0), 0);
	ck_assert_int_eq(run1(ut_uop_symlinkat, "f", "d/s2", 0), 0);
	TWINS(ut_op_open, ut_uop_openat, "d/s2", NULL, 0, 0);
	TWINS(ut_op_symlink, ut_uop_symlinkat, "d/f", "d/f", 0, -EEXIST);
	TWINS(ut_op_symlink, ut_uop_symlinkat, "x", "nope/x", 0, -ENOENT);
	ck_assert_int_eq(run1(ut_op_link, "d/f", "d/h1", 0), 0);
	ck_assert_int_eq(run1(ut_uop_linkat, "d/g", "d/h2", 0), 0);
	ck_assert(exists_at(ufd, "d/h1") && exists_at(ufd, "d/h2"));	/* copied up, linked */
	TWINS(ut_op_link, ut_uop_linkat, "d/f", "d/f", 0, -EEXIST);
	TWINS(ut_op_link, ut_uop_linkat, "d/nope", "d/h3", 0, -ENOENT);
	TWINS(ut_op_link, ut_uop_linkat, "d/sub", "d/h4", 0, -EPERM);
	ck_assert_int_eq(run1(ut_op_write, "d/g", NULL, 0), 64);
	ck_assert_int_eq(run1(ut_uop_write, "d/g2", NULL, 0), 64);
	ck_assert(exists_at(ufd, "d/g2"));
	TWINS(ut_op_write, ut_uop_write, "d/sub", NULL, 0, -EISDIR);
	TWINS(ut_op_write, ut_uop_write, "d/nope", NULL, 0, -ENOENT);
	unmount_overlay();
}
END_TEST

START_TEST(removes_match_sync)
{
	mount_overlay(NULL);
	ck_assert_int_eq(run1(ut_op_mkdir, "d/n1", NULL, 0), 0);
	ck_assert_int_eq(run1(ut_op_mkdir, "d/n2", NULL, 0), 0);
	TWINS(ut_op_unlink, ut_uop_unlinkat, "d/n1", NULL, 0, -EISDIR);
	TWINS(ut_op_unlink, ut_uop_unlinkat, "d/nope", NULL, 0, -ENOENT);
	TWINS(ut_op_rmdir, ut_uop_unlinkat, "d/sub", NULL, AT_REMOVEDIR, -ENOTEMPTY);
	ck_assert_int_eq(run1(ut_op_rmdir, "d/n1", NULL, 0), 0);
	ck_assert_int_eq(run1(ut_uop_unlinkat, "d/n2", NULL, AT_REMOVEDIR), 0);
	ck_assert_int_eq(run1(ut_op_unlink, "d/g", NULL, 0), 0);	/* lower: whiteout */
	ck_assert_int_eq(run1(ut_uop_unlinkat, "d/g2", NULL, 0), 0);
	ck_assert(exists_at(lfd, "d/g2") && exists_at(ufd, "d/g2"));
	TWINS(ut_op_stat, ut_uop_statx, "d/g2", NULL, 0, -ENOENT);
	ck_assert_int_eq(run1(ut_op_rename, "d/f", "d/r1", 0), 0);
	ck_assert_int_eq(run1(ut_uop_renameat, "u/f", "u/r2", 0), 0);
	TWINS(ut_op_rename, ut_uop_renameat, "d/nope", "d/r3", 0, -ENOENT);
	TWINS(ut_op_rename, ut_uop_renameat, "d/r1", "u/r2", RENAME_NOREPLACE, -EEXIST);
	TWINS(ut_op_rename, ut_uop_renameat, "d/r1", "d/r1", RENAME_NOREPLACE, -EEXIST);
	TWINS(ut_op_read, ut_uop_read, "d/r1", NULL, 0, 4);
	unmount_overlay();
}
END_TEST

/* Held dirfds whose real dirs were renamed in lower: both paths agree. */
START_TEST(held_dirfd_after_lower_rename)
{
	int held;
	struct ut_op ops[2] = {
		{ .name = "s", .fn = ut_op_stat, .weight = 1, .at = UT_AT_HELD,
		  .names = UT_NAMES("f") },
		{ .name = "u", .fn = ut_uop_statx, .weight = 1, .at = UT_AT_HELD,
		  .names = UT_NAMES("f") },
	};

	mount_overlay(NULL);
	held = openat(mfd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(held, 0);
	ctx.held[0] = held;
	ctx.nheld = 1;
	ctx.ops = ops;
	ctx.npool[0] = ctx.npool[1] = 1;
	ctx.te = &te;
	ck_assert_int_eq(ops[0].fn(&ctx, &ops[0]), 0);
	ck_assert_int_eq(ops[1].fn(&ctx, &ops[1]), 0);
	ck_assert_int_eq(renameat(lfd, "d", lfd, "d2"), 0);
	/* The held dir's lower dentry moved with it: "f" is still found. */
	ck_assert_int_eq(ops[0].fn(&ctx, &ops[0]), 0);
	ck_assert_int_eq(ops[1].fn(&ctx, &ops[1]), 0);
	ctx.nheld = 0;
	close(held);
	unmount_overlay();
}
END_TEST

START_TEST(uring_after_fork)
{
	pid_t pid;
	int st;

	mount_overlay(NULL);
	ck_assert_int_eq(run1(ut_uop_statx, "d/f", NULL, 0), 0);	/* parent's ring */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		/* The child must set up its own ring, not submit on the parent's. */
		bool ok = run1(ut_uop_statx, "d/f", NULL, 0) == 0 &&
			  run1(ut_uop_read, "d/f", NULL, 0) == 4 &&
			  run1(ut_uop_statx, "d/nope", NULL, 0) == -ENOENT;

		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(run1(ut_uop_read, "d/f", NULL, 0), 4);
	unmount_overlay();
}
END_TEST

START_TEST(probe_note)
{
	char buf[256], small[8];
	int r = ut_uring_probe_note(buf, sizeof(buf));

	if (r < 0) {
		ck_assert_msg(strstr(buf, "io_uring unavailable"), "%s", buf);
		return;
	}
	ck_assert_msg(r >= 0 && r <= 12, "%d: %s", r, buf);
	ck_assert_msg(strstr(buf, r ? "unsupported" : "all 12"), "%s", buf);
	/* A short buffer is cut, never overrun. */
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(ut_uring_probe_note(small, sizeof(small)), r);
	ck_assert_int_eq(small[sizeof(small) - 1], '\0');
}
END_TEST

/* Each fh test its own table: the table belongs to a scenario. */
static const struct ut_scenario fh_sc1 = { .name = "unit-fh1", .lowers = 1 };
static const struct ut_scenario fh_sc2 = { .name = "unit-fh2", .lowers = 1 };
static const struct ut_scenario fh_sc3 = { .name = "unit-fh3", .lowers = 1 };

static int fh_open(const struct ut_scenario *sc, const char *name)
{
	return run_on(sc, ut_fh_open, name, NULL, 0);
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	sync();
	ck_assert_int_eq(write(fd, "2", 1), 1);
	close(fd);
}

START_TEST(fhandle_open_and_rehandle)
{
	mount_overlay("index=on,nfs_export=on");
	ck_assert_int_eq(fh_open(&fh_sc1, "d/f"), 0);		/* lower file */
	ck_assert_int_eq(fh_open(&fh_sc1, "d/sub"), 0);		/* lower dir */
	ck_assert_int_eq(fh_open(&fh_sc1, "u/f"), 0);		/* upper only */
	ck_assert_int_eq(run_on(&fh_sc1, ut_fh_open, "d/sub", NULL, O_PATH), 0);
	/* No handle for a missing name: its errno, until re-taken. */
	ck_assert_int_eq(fh_open(&fh_sc1, "d/new"), -ENOENT);
	ck_assert_int_eq(run_on(&fh_sc1, ut_fh_rehandle, "d/new", NULL, 0), -ENOENT);
	ck_assert_int_eq(run1(ut_op_creat, "d/new", NULL, 0), 0);
	ck_assert_int_eq(fh_open(&fh_sc1, "d/new"), -ENOENT);	/* old answer kept */
	ck_assert_int_eq(run_on(&fh_sc1, ut_fh_rehandle, "d/new", NULL, 0), 0);
	ck_assert_int_eq(fh_open(&fh_sc1, "d/new"), 0);
	/* Unlinked through the overlay: the handle is stale. */
	ck_assert_int_eq(run1(ut_op_unlink, "d/new", NULL, 0), 0);
	ck_assert_int_eq(fh_open(&fh_sc1, "d/new"), -ESTALE);
	/* A failed re-take keeps the old handle. */
	ck_assert_int_eq(run_on(&fh_sc1, ut_fh_rehandle, "d/new", NULL, 0), -ENOENT);
	ck_assert_int_eq(fh_open(&fh_sc1, "d/new"), -ESTALE);
	unmount_overlay();
}
END_TEST

/*
 * Handles of lower objects after the real lower changed underneath.  A
 * lower file's handle is its origin's tmpfs handle (inode + generation):
 * a rename in lower keeps it valid, unlink and recreate do not.  While
 * overlay's inode is cached it pins the old lower inode, so even an
 * unlinked file may still open (drop_caches elsewhere on the system can
 * end that at any time: not asserted).
 */
START_TEST(fhandle_after_lower_changes)
{
	int r;

	mount_overlay("index=on,nfs_export=on");
	ck_assert_int_eq(fh_open(&fh_sc2, "d/f"), 0);
	ck_assert_int_eq(fh_open(&fh_sc2, "d/g"), 0);
	ck_assert_int_eq(fh_open(&fh_sc2, "e/f"), 0);
	ck_assert_int_eq(fh_open(&fh_sc2, "d/g2"), 0);
	ck_assert_int_eq(run1(ut_op_write, "d/g2", NULL, 0), 64);	/* copy-up, indexed */
	ck_assert_int_eq(renameat(lfd, "d/f", lfd, "d/f2"), 0);
	ck_assert_int_eq(unlinkat(lfd, "d/g", 0), 0);
	ck_assert_int_eq(unlinkat(lfd, "e/f", 0), 0);
	ck_assert_int_eq(ut_seed_entry(lfd, "e/f=new"), 0);
	ck_assert_int_eq(unlinkat(lfd, "d/g2", 0), 0);
	ck_assert_int_eq(fh_open(&fh_sc2, "d/f"), 0);
	r = fh_open(&fh_sc2, "d/g");
	ck_assert_msg(r == 0 || r == -ESTALE, "%d", r);
	drop_caches();
	ck_assert_int_eq(fh_open(&fh_sc2, "d/f"), 0);		/* renamed: same inode */
	ck_assert_int_eq(fh_open(&fh_sc2, "d/g"), -ESTALE);	/* gone */
	ck_assert_int_eq(fh_open(&fh_sc2, "e/f"), -ESTALE);	/* replaced */
	/*
	 * The copied-up file is still there by name, but its handle is its
	 * lower origin's, which is gone: decode fails before the index.
	 */
	ck_assert_int_eq(run1(ut_op_stat, "d/g2", NULL, 0), 0);
	ck_assert_int_eq(fh_open(&fh_sc2, "d/g2"), -ESTALE);
	unmount_overlay();
}
END_TEST

/*
 * A lower dir's handle is reconnected through its lower path: a rename in
 * lower is followed, until the path crosses a dir that was copied up
 * (indexed) under its old name.
 */
START_TEST(fhandle_dir_after_lower_rename)
{
	mount_overlay("index=on,nfs_export=on");
	ck_assert_int_eq(fh_open(&fh_sc3, "d/sub"), 0);
	ck_assert_int_eq(renameat(lfd, "d/sub", lfd, "d/sub2"), 0);
	drop_caches();
	ck_assert_int_eq(fh_open(&fh_sc3, "d/sub"), 0);
	ck_assert_int_eq(run1(ut_op_creat, "d/new", NULL, 0), 0);	/* copies up d */
	ck_assert(exists_at(ufd, "d/new"));
	ck_assert_int_eq(renameat(lfd, "d", lfd, "d9"), 0);
	drop_caches();
	ck_assert_int_eq(fh_open(&fh_sc3, "d/sub"), -ESTALE);
	unmount_overlay();
}
END_TEST

Suite *uring_suite(void)
{
	Suite *s = suite_create("uring");
	TCase *tc = tcase_create("uring");
	TCase *fh = tcase_create("fhandle");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, lookups_match_sync);
	tcase_add_test(tc, creates_match_sync);
	tcase_add_test(tc, removes_match_sync);
	tcase_add_test(tc, held_dirfd_after_lower_rename);
	tcase_add_test(tc, uring_after_fork);
	tcase_add_test(tc, probe_note);
	suite_add_tcase(s, tc);
	tcase_set_timeout(fh, 30);
	tcase_add_test(fh, fhandle_open_and_rehandle);
	tcase_add_test(fh, fhandle_after_lower_changes);
	tcase_add_test(fh, fhandle_dir_after_lower_rename);
	suite_add_tcase(s, fh);
	return s;
}
