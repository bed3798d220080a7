// SPDX-License-Identifier: GPL-2.0
/*
 * test_mount.c - live tests on real mounts (private namespace, see
 * test_main.c): layers, overlay mounting and its failure reasons, the
 * seed format, and the engine's counting on a real overlay.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "engine.h"
#include "layers.h"
#include "mount.h"
#include "ops.h"
#include "suites.h"
#include "xattr_probe.h"

static char base[64];
static struct ut_layers lay;
static const struct ut_backend_spec tmpfs = { .ops = NULL };	/* the default */

static void make_layers_on(int nlower, bool upper, const struct ut_backend_spec *be)
{
	char why[256] = "";

	snprintf(base, sizeof(base), "/tmp/ut-mount.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	strcat(base, "/s");
	ck_assert_msg(!ut_layers_make(&lay, base, nlower, upper, false, be, why, sizeof(why)), "%s", why);
}

static void make_layers(int nlower, bool upper)
{
	make_layers_on(nlower, upper, &tmpfs);
}

static void drop_layers(void)
{
	ck_assert_int_eq(ut_layers_destroy(&lay), 0);
	*strrchr(base, '/') = '\0';
	ck_assert_int_eq(rmdir(base), 0);
}

static struct ut_mount_req req_for(const char *opts)
{
	struct ut_mount_req r = {
		.nlower = lay.nlower, .upper = lay.has_upper ? lay.upper : NULL,
		.work = lay.has_upper ? lay.work : NULL, .opts = opts, .target = lay.merged,
	};

	for (int i = 0; i < lay.nlower; i++)
		r.lower[i] = lay.lower[i];
	return r;
}

START_TEST(legacy_option_string)
{
	struct ut_mount_req r = { .lower = { "/a", "/b" }, .nlower = 2, .upper = "/u",
				  .work = "/w", .opts = "index=on" };
	char buf[128];

	ck_assert_int_eq(ut_ovl_legacy_opts(&r, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "lowerdir=/a:/b,upperdir=/u,workdir=/w,index=on");
	r.upper = NULL;
	r.opts = NULL;
	ck_assert_int_eq(ut_ovl_legacy_opts(&r, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "lowerdir=/a:/b");
	ck_assert_int_eq(ut_ovl_legacy_opts(&r, buf, 8), -ENAMETOOLONG);
}
END_TEST

START_TEST(mount_and_see_layers)
{
	struct ut_mount_req r;
	struct ut_mount_res res;
	struct stat st;
	int fd;

	make_layers(2, true);
	fd = open(lay.lower[1], O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_entry(fd, "bottom=b"), 0);
	close(fd);
	fd = open(lay.lower[0], O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_entry(fd, "top="), 0);
	close(fd);
	r = req_for(NULL);
	ck_assert_msg(!ut_ovl_mount(&r, &res), "%s", res.why);
	ck_assert(!res.legacy);		/* this kernel has lowerdir+ */
	fd = open(lay.merged, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(fstatat(fd, "bottom", &st, 0), 0);
	ck_assert_int_eq(fstatat(fd, "top", &st, 0), 0);
	/* A write through the overlay lands in upper. */
	ck_assert_int_eq(ut_seed_entry(fd, "new=x"), 0);
	close(fd);
	fd = open(lay.upper, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(fstatat(fd, "new", &st, 0), 0);
	close(fd);
	ck_assert_int_eq(umount2(lay.merged, 0), 0);
	drop_layers();
}
END_TEST

START_TEST(mount_bad_option_is_unsupported)
{
	struct ut_mount_req r;
	struct ut_mount_res res;

	make_layers(1, true);
	r = req_for("undertow_no_such_option=1");
	ck_assert_int_ne(ut_ovl_mount(&r, &res), 0);
	ck_assert_int_eq(res.fail, UT_MNT_UNSUPPORTED);
	/* The kernel's own words come through. */
	ck_assert_msg(strstr(res.why, "undertow_no_such_option"), "why: %s", res.why);
	drop_layers();
}
END_TEST

START_TEST(mount_missing_lower_is_broken)
{
	struct ut_mount_req r;
	struct ut_mount_res res;

	make_layers(1, true);
	r = req_for(NULL);
	r.lower[0] = "/nonexistent/undertow-lower";
	ck_assert_int_ne(ut_ovl_mount(&r, &res), 0);
	ck_assert_int_eq(res.fail, UT_MNT_BROKEN);
	ck_assert_int_eq(res.err, -ENOENT);
	ck_assert(res.why[0]);
	drop_layers();
}
END_TEST

/* user.* xattrs: a layer tmpfs has them (this host is 6.6+), procfs never. */
START_TEST(user_xattr_probe)
{
	char why[256] = "";

	make_layers(1, true);
	ck_assert_int_eq(ut_probe_user_xattr(lay.upper, why, sizeof(why)), 0);
	ck_assert_int_eq(ut_probe_user_xattr("/proc", why, sizeof(why)), -EOPNOTSUPP);
	ck_assert_msg(strstr(why, "userxattr"), "why: %s", why);
	drop_layers();
}
END_TEST

START_TEST(seed_formats)
{
	static const char *const seed[] = {
		"0:d/", "0:d/f=hello", "0:d/e=", "0:d/l->f", "0:d/w!", "u:other/", "0:x/", NULL,
	};
	char buf[16];
	struct stat st;
	int fd;

	make_layers(1, true);
	fd = open(lay.lower[0], O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_layer(fd, seed, '0', "d"), 0);
	ck_assert_int_eq(fstatat(fd, "x", &st, 0), -1);		/* not under "d" */
	ck_assert_int_eq(fstatat(fd, "d/f", &st, 0), 0);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_int_eq(fstatat(fd, "d/e", &st, 0), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(readlinkat(fd, "d/l", buf, sizeof(buf)), 1);
	ck_assert_int_eq(fstatat(fd, "d/w", &st, 0), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	ck_assert_int_eq(fstatat(fd, "other", &st, 0), -1);	/* upper's entry */
	/* Recreating replaces the subtree: new inodes, same names. */
	ck_assert_int_eq(fstatat(fd, "d/f", &st, 0), 0);
	ck_assert_int_eq(ut_rmtree_at(fd, "d", 16), 0);
	ck_assert_int_eq(fstatat(fd, "d", &st, 0), -1);
	ck_assert_int_eq(ut_seed_layer(fd, seed, '0', NULL), 0);
	ck_assert_int_eq(fstatat(fd, "x", &st, 0), 0);
	close(fd);
	drop_layers();
}
END_TEST

/* A one-op scenario for the engine: fstatat through a held dirfd. */
static const struct ut_scenario probe = {
	.name = "unit-probe",
	.desc = "engine probe",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f="),
	.hold = UT_NAMES("d"),
	.names = UT_NAMES("f", "missing"),
	.workers = {
		{ "fstatat_held", ut_op_stat, 3, UT_AT_HELD },
		{ "getdents_held", ut_op_getdents, 1, UT_AT_HELD },
	},
	.mutators = {
		{ "touch", ut_op_creat, 1, UT_AT_LOWER0, UT_NAMES("d/m") },
	},
};

static void engine_on_overlay(struct ut_engine *e, int workers, int mutators, double secs)
{
	struct ut_mount_req r;
	struct ut_mount_res res;
	int fd;

	make_layers(1, true);
	fd = open(lay.lower[0], O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_layer(fd, probe.seed, '0', NULL), 0);
	close(fd);
	r = req_for(NULL);
	ck_assert_msg(!ut_ovl_mount(&r, &res), "%s", res.why);
	memset(e, 0, sizeof(*e));
	e->sc = &probe;
	e->nworkers = workers;
	e->nmutators = mutators;
	e->seed = 5;
	for (int w = 0; w < UT_AT_NR; w++)
		e->base.fd[w] = -1;
	e->base.fd[UT_AT_MERGED] = open(lay.merged, O_RDONLY | O_DIRECTORY);
	e->base.fd[UT_AT_LOWER0] = open(lay.lower[0], O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_engine_start(e, 5), 0);
	ut_engine_go(e);
	ut_sleep(secs);
	ut_engine_stop(e);
	ck_assert_int_eq(ut_engine_reap(e, 5), 0);
	close(e->base.fd[UT_AT_MERGED]);
	close(e->base.fd[UT_AT_LOWER0]);
	ck_assert_int_eq(umount2(lay.merged, 0), 0);
	drop_layers();
}

START_TEST(engine_counts_every_op)
{
	struct ut_engine e;
	uint64_t total = 0;

	engine_on_overlay(&e, 2, 1, 0.3);
	for (int i = 0; i < e.sh->nproc; i++) {
		const struct ut_proc *p = &e.sh->proc[i];
		uint64_t sum = 0;

		ck_assert(e.ex[i].reaped && WIFEXITED(e.ex[i].status));
		ck_assert_int_eq(WEXITSTATUS(e.ex[i].status), 0);
		for (int k = 0; k < UT_MAX_OPS; k++)
			for (int b = 0; b < UT_NBUCKET; b++)
				sum += p->hist[k][b];
		ck_assert_uint_eq(sum, p->seq);		/* one count per op */
		ck_assert_uint_gt(p->seq, 100);
		total += sum;
		if (p->role == UT_WORKER) {
			ck_assert_uint_gt(p->hist[0][0], 0);		/* fstatat f: OK */
			ck_assert_uint_gt(p->hist[0][ENOENT], 0);	/* "missing" */
			/* Effective by default: the successes, no more. */
			ck_assert_uint_eq(p->reached[0], p->hist[0][0]);
			ck_assert_uint_eq(p->reached[1], p->hist[1][0]);
		}
	}
	ck_assert_uint_gt(total, 1000);
	ut_engine_free(&e);
}
END_TEST

START_TEST(engine_first_ops_repeat)
{
	struct ut_engine a, b;

	engine_on_overlay(&a, 2, 0, 0.1);
	engine_on_overlay(&b, 2, 0, 0.1);
	for (int i = 0; i < 2; i++) {
		/* A busy machine may give a worker fewer than UT_RING ops in 0.1 s. */
		uint64_t n = a.sh->proc[i].seq < b.sh->proc[i].seq ? a.sh->proc[i].seq :
			     b.sh->proc[i].seq;

		ck_assert_uint_gt(n, 0);
		for (uint64_t k = 0; k < n && k < UT_RING; k++) {
			const struct ut_trace *x = &a.sh->proc[i].first[k], *y = &b.sh->proc[i].first[k];

			ck_assert_int_eq(x->op, y->op);
			ck_assert_int_eq(x->held, y->held);
			ck_assert_ptr_eq(x->a, y->a);
		}
	}
	ut_engine_free(&a);
	ut_engine_free(&b);
}
END_TEST

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

/* One call of mutator op @fn on @name, its dirfd on layer @dir, as the engine makes it. */
static int call_op(ut_op_fn fn, const char *dir, const char *name, bool userxattr)
{
	const struct ut_op op = { .name = "op", .fn = fn, .weight = 1, .at = UT_AT_UPPER,
				  .names = UT_NAMES(name) };
	struct ut_trace t = { 0 };
	struct ut_ctx c = { .sc = &probe, .ops = &op, .npool = { 1 }, .te = &t,
			    .userxattr = userxattr };
	int r;

	c.fd[UT_AT_UPPER] = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(c.fd[UT_AT_UPPER], 0);
	r = fn(&c, &op);
	ck_assert_str_eq(t.a, name);	/* the trace ring names what it touched */
	close(c.fd[UT_AT_UPPER]);
	return r;
}

/* Does a fresh mount of the layers (no dentry cached) show @path? */
static bool fresh_mount_shows(const char *opts, const char *path)
{
	struct ut_mount_req r = req_for(opts);
	struct ut_mount_res res;
	struct stat st;
	bool shown;
	int fd;

	ck_assert_msg(!ut_ovl_mount(&r, &res), "%s", res.why);
	fd = open(lay.merged, O_RDONLY | O_DIRECTORY);
	shown = !fstatat(fd, path, &st, AT_SYMLINK_NOFOLLOW);
	close(fd);
	ck_assert_int_eq(umount2(lay.merged, 0), 0);
	return shown;
}

/*
 * The opaque op makes a merged dir opaque (its lower file hidden, its
 * upper one not), in the xattr namespace the mount reads, and its next
 * call merges the dir again.
 */
static void opaque_toggles(const char *opts, bool userxattr)
{
	char val[4];
	int fd, d;

	make_layers(1, true);
	fd = open(lay.lower[0], O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_layer(fd, UT_NAMES("0:d/", "0:d/f=lower"), '0', NULL), 0);
	close(fd);
	fd = open(lay.upper, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_layer(fd, UT_NAMES("u:d/", "u:d/u=upper"), 'u', NULL), 0);
	d = openat(fd, "d", O_RDONLY | O_DIRECTORY);
	close(fd);
	ck_assert(fresh_mount_shows(opts, "d/f"));
	ck_assert_int_eq(call_op(ut_op_opaque, lay.upper, "d", userxattr), 0);
	ck_assert_int_eq(fgetxattr(d, ut_ovl_opaque_xattr(userxattr), val, sizeof(val)), 1);
	ck_assert_int_eq(val[0], 'y');
	ck_assert(!fresh_mount_shows(opts, "d/f"));
	ck_assert(fresh_mount_shows(opts, "d/u"));
	ck_assert_int_eq(call_op(ut_op_opaque, lay.upper, "d", userxattr), 0);
	ck_assert_int_eq(fgetxattr(d, ut_ovl_opaque_xattr(userxattr), val, sizeof(val)), -1);
	ck_assert(fresh_mount_shows(opts, "d/f"));
	close(d);
	drop_layers();
}

START_TEST(opaque_op_trusted)
{
	opaque_toggles(NULL, false);
}
END_TEST

START_TEST(opaque_op_userxattr)
{
	opaque_toggles("userxattr", true);
}
END_TEST

/* A restore on existing entries: its xattr, the mode (never through a symlink), the times. */
START_TEST(touch_meta_restores)
{
	static const char *const seed[] = { "0:f=data", "0:d/", "0:l->f", NULL };
	char f[PATH_MAX + 8], val[4];
	struct stat st;
	int fd;

	make_layers(1, true);
	fd = open(lay.lower[0], O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_layer(fd, seed, '0', NULL), 0);
	ck_assert_int_eq(fchmodat(fd, "d", 0700, 0), 0);
	ck_assert_int_eq(fchmodat(fd, "f", 0600, 0), 0);
	ck_assert_int_eq(call_op(ut_op_touch_meta, lay.lower[0], "l", false), 0);
	ck_assert_int_eq(fstatat(fd, "f", &st, 0), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);		/* not chmod'ed through l */
	ck_assert_int_eq(fstatat(fd, "l", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(st.st_mtim.tv_sec, UT_RESTORED_SEC);
	ck_assert_int_eq(call_op(ut_op_touch_meta, lay.lower[0], "f", false), 0);
	ck_assert_int_eq(fstatat(fd, "f", &st, 0), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(st.st_mtim.tv_sec, UT_RESTORED_SEC);
	ck_assert_int_eq(st.st_size, 4);			/* the data stays */
	snprintf(f, sizeof(f), "%s/f", lay.lower[0]);
	ck_assert_int_eq(getxattr(f, "user.undertow-backup", val, sizeof(val)), 1);
	ck_assert_int_eq(call_op(ut_op_touch_meta, lay.lower[0], "d", false), 0);
	ck_assert_int_eq(fstatat(fd, "d", &st, 0), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(call_op(ut_op_touch_meta, lay.lower[0], "gone", false), -ENOENT);
	close(fd);
	drop_layers();
}
END_TEST

/*
 * The reclaim op evicts an unused overlay dentry: a name cached before its
 * real dir died stays found until then, and is looked up again after.  A
 * second call within the gap does nothing and says so.
 */
START_TEST(reclaim_op_evicts)
{
	const struct ut_op op = { .name = "reclaim", .fn = ut_op_reclaim, .weight = 1 };
	struct ut_trace t = { 0 };
	struct ut_ctx c = { .sc = &probe, .ops = &op, .te = &t, .reached = -1 };
	struct ut_mount_req r;
	struct ut_mount_res res;
	struct stat st;
	int up, m, h;

	make_layers(1, true);
	up = open(lay.upper, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ut_seed_layer(up, UT_NAMES("u:d/", "u:d/f="), 'u', NULL), 0);
	r = req_for(NULL);
	ck_assert_msg(!ut_ovl_mount(&r, &res), "%s", res.why);
	m = open(lay.merged, O_RDONLY | O_DIRECTORY);
	h = openat(m, "d", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(h, 0);
	ck_assert_int_eq(fstatat(h, "f", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(ut_rmtree_at(up, "d", 4), 0);
	ck_assert_int_eq(fstatat(h, "f", &st, AT_SYMLINK_NOFOLLOW), 0);	/* still cached */
	ck_assert_int_eq(ut_op_reclaim(&c, &op), 0);
	ck_assert_int_eq(c.reached, -1);
	ck_assert_int_eq(fstatat(h, "f", &st, AT_SYMLINK_NOFOLLOW), -1);	/* the dead dir */
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(ut_op_reclaim(&c, &op), 0);
	ck_assert_int_eq(c.reached, 0);
	close(h), close(m), close(up);
	ck_assert_int_eq(umount2(lay.merged, 0), 0);
	drop_layers();
}
END_TEST

/* path: the lower lives in our own directory in the user's, removed after. */
START_TEST(path_layers_in_own_dir)
{
	char user[] = "/tmp/ut-user.XXXXXX", keep[64], spec[64], why[256];
	static struct ut_backend_spec be;

	ck_assert_ptr_nonnull(mkdtemp(user));
	snprintf(keep, sizeof(keep), "%s/keep", user);
	ck_assert_int_eq(mkdir(keep, 0755), 0);
	snprintf(spec, sizeof(spec), "path:%s", user);
	ck_assert_msg(!ut_backend_parse(spec, &be, why, sizeof(why)), "%s", why);
	make_layers_on(1, true, &be);
	ck_assert_int_eq(strncmp(lay.lower[0], user, strlen(user)), 0);
	ck_assert_int_eq(strncmp(lay.upper, base, strlen(base)), 0);	/* no UPPER: tmpfs */
	ck_assert_int_eq(count_entries(user), 2);
	drop_layers();
	ck_assert_int_eq(count_entries(user), 1);
	ck_assert_int_eq(rmdir(keep), 0);
	ck_assert_int_eq(rmdir(user), 0);
}
END_TEST

/* A FUSE lower's abort works from a copy of the layers in another process. */
START_TEST(fuse_abort_from_copy)
{
	static struct ut_backend_spec be;
	static struct ut_layers copy;
	char why[256], f[PATH_MAX + 8];
	struct stat st;
	int status;
	pid_t pid;

	ck_assert_int_eq(ut_backend_parse("fuse", &be, why, sizeof(why)), 0);
	make_layers_on(1, true, &be);
	snprintf(f, sizeof(f), "%s/f", lay.lower[0]);
	ck_assert_int_eq(mkdir(f, 0755), 0);
	snprintf(f, sizeof(f), "%s/f", lay.lower_mnt[0]);
	ck_assert_int_eq(stat(f, &st), 0);
	ck_assert(!ut_layers_owns_pid(&lay, getpid()));
	copy = lay;
	pid = fork();
	if (!pid) {
		ut_layers_abort(&copy);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(stat(f, &st), -1);
	ck_assert_int_eq(errno, ENOTCONN);
	drop_layers();
}
END_TEST

Suite *mount_suite(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("mounts");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, legacy_option_string);
	tcase_add_test(tc, mount_and_see_layers);
	tcase_add_test(tc, mount_bad_option_is_unsupported);
	tcase_add_test(tc, mount_missing_lower_is_broken);
	tcase_add_test(tc, user_xattr_probe);
	tcase_add_test(tc, seed_formats);
	tcase_add_test(tc, engine_counts_every_op);
	tcase_add_test(tc, engine_first_ops_repeat);
	tcase_add_test(tc, opaque_op_trusted);
	tcase_add_test(tc, opaque_op_userxattr);
	tcase_add_test(tc, touch_meta_restores);
	tcase_add_test(tc, reclaim_op_evicts);
	tcase_add_test(tc, path_layers_in_own_dir);
	tcase_add_test(tc, fuse_abort_from_copy);
	suite_add_tcase(s, tc);
	return s;
}
