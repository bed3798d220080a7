// SPDX-License-Identifier: GPL-2.0
/*
 * det_bystander.c - runner side: lost data.  overlayfs may give anything
 * for what changes underneath, but not for what nobody touches.  In a
 * scenario that asks for it (.bystander), the runner writes files under
 * ut-bystander/, a subtree no op names, through the overlay while the
 * workers and mutators run: three lower files, each copied up by a small
 * write at its start a quarter, a half and three quarters into the run
 * (so that copy-ups meet the layers in several states) and then left
 * alone (later writes would hide what a copy-up lost), and three files
 * created through the overlay and then written and truncated at random
 * offsets, one op per runner poll.  It keeps what each file must hold.
 * At the end, still mounted, and again on a fresh mount of the same layers
 * after the umount, each must hold exactly that: a mismatch is `corrupt`,
 * with the file, the expected and found sizes and FNV-1a checksums, the
 * first differing byte and the last ops on the file.
 *
 * Two table entries share this state: "bystander" checks before the
 * umount, "bystander-remount" after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "detector.h"
#include "mount.h"
#include "ops.h"
#include "optsets.h"

#define BY_DIR		"ut-bystander"
#define BY_MAX		(24 * 1024)	/* a file never grows past this */
#define BY_CHUNK	3000		/* largest write */
#define BY_LAST		4		/* ops remembered per file */

static const struct {
	const char *path;
	bool lower;		/* made in lower 0 before the mount: copied up */
} files[] = {
	{ BY_DIR "/low0", true }, { BY_DIR "/low1", true }, { BY_DIR "/sub/low2", true },
	{ BY_DIR "/new0", false }, { BY_DIR "/new1", false }, { BY_DIR "/sub/new2", false },
};
#define BY_N	(sizeof(files) / sizeof(files[0]))

struct by_file {
	unsigned char want[BY_MAX];
	size_t len;
	bool exists;		/* a lower file, or created through the overlay */
	bool touched;		/* written through the overlay: copied up */
	bool unsure;		/* an op failed: what it holds is not known */
	char last[BY_LAST][64];
	unsigned nlast;
};

struct bystander {
	struct by_file f[BY_N];
	struct ut_rng rng;
	int root;		/* the merged root, from the first tick */
	double t0;		/* the first tick */
	unsigned ops, next;
	bool dead;		/* an op failed oddly: stop acting */
};

static struct bystander *shared;	/* "bystander-remount" takes it over */

static void note(struct by_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct by_file *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->last[f->nlast++ % BY_LAST], sizeof(f->last[0]), fmt, ap);
	va_end(ap);
}

static void fill(struct bystander *b, unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)ut_rng_next(&b->rng);
}

/* Lower 0 gets the lower files, before the overlay is mounted. */
static int seed_lower(struct bystander *b, const char *lower)
{
	char p[PATH_MAX];
	int fd;

	for (size_t i = 0; i < BY_N; i++) {
		struct by_file *f = &b->f[i];

		if (!files[i].lower)
			continue;
		snprintf(p, sizeof(p), "%s/" BY_DIR, lower);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/" BY_DIR "/sub", lower);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/%s", lower, files[i].path);
		f->len = 4096 + ut_rng_below(&b->rng, 8192);
		fill(b, f->want, f->len);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, f->want, f->len) != (ssize_t)f->len) {
			if (fd >= 0)
				close(fd);
			return -errno;
		}
		close(fd);
		f->exists = true;
		note(f, "seeded in lower 0 (%zu bytes)", f->len);
	}
	return 0;
}

static void *by_before(struct ut_det_ctx *c)
{
	struct bystander *b;
	int err;

	if (!c->sc->bystander || !c->lay->has_upper)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->root = -1;
	ut_rng_seed(&b->rng, ut_fnv1a(c->sc->name));
	err = seed_lower(b, c->lay->lower[0]);
	if (err) {
		ut_finding_add(&c->r->findings, UT_PASS, "bystander: seeding lower 0: %s; "
			       "no lost-data check", strerror(-err));
		free(b);
		return NULL;
	}
	shared = b;
	return b;
}

/* @n bytes at @off of @fd, and the model of file @f follows; 0 or -errno. */
static int put(struct bystander *b, struct by_file *f, int fd, size_t off, size_t n)
{
	unsigned char buf[BY_CHUNK];

	fill(b, buf, n);
	note(f, "write %zu bytes at %zu", n, off);
	errno = EIO;	/* a short write sets none */
	if (pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
		return -errno;
	if (off > f->len)	/* a hole reads as zeroes */
		memset(f->want + f->len, 0, off - f->len);
	memcpy(f->want + off, buf, n);
	f->len = off + n > f->len ? off + n : f->len;
	return 0;
}

static int cut(struct bystander *b, struct by_file *f, int fd)
{
	size_t n = ut_rng_below(&b->rng, (uint32_t)f->len + 1);

	note(f, "truncate to %zu", n);
	if (ftruncate(fd, (off_t)n) < 0)
		return -errno;
	f->len = n;
	return 0;
}

/* One write or truncate of file @i through the overlay. */
static int act(struct bystander *b, size_t i)
{
	struct by_file *f = &b->f[i];
	int flags = O_WRONLY | O_CLOEXEC | (files[i].lower ? 0 : O_CREAT);
	int fd = openat(b->root, files[i].path, flags, 0644), err;
	size_t room = f->len < BY_MAX - BY_CHUNK ? f->len + 1 : BY_MAX - BY_CHUNK;

	if (fd < 0)
		return -errno;
	if (!f->exists)
		note(f, "created through the overlay");
	f->exists = true;
	if (files[i].lower && !f->touched)	/* the copy-up: a header rewritten */
		err = put(b, f, fd, 0, 1 + ut_rng_below(&b->rng, 64));
	else if (f->len && ut_rng_below(&b->rng, 8) == 0)	/* now and then */
		err = cut(b, f, fd);
	else
		err = put(b, f, fd, ut_rng_below(&b->rng, (uint32_t)room),
			  1 + ut_rng_below(&b->rng, BY_CHUNK));
	f->touched = true;
	close(fd);
	return err;
}

/*
 * Lower file k of 3 is written once, (k + 1) / 4 into the run: its copy-up.
 * Files created through the overlay are written all along.
 */
static bool due(const struct bystander *b, size_t i, double runtime, double now)
{
	size_t k = 0;

	if (!files[i].lower)
		return true;
	if (b->f[i].touched)
		return false;
	for (size_t j = 0; j < i; j++)
		k += files[j].lower;
	return now - b->t0 >= runtime * (double)(k + 1) / 4;
}

/* Between the runner's polls: one op on the next file in turn. */
static bool by_tick(struct ut_det_ctx *c, void *state, double now)
{
	struct bystander *b = state;
	size_t i;
	int err;

	if (b->dead || !c->mounted)
		return false;
	if (b->root < 0) {
		b->t0 = now;
		b->root = open(c->lay->merged, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (b->root < 0) {
			b->dead = true;
			return false;
		}
	}
	for (size_t k = 0;; k++) {	/* the next file in turn that is due */
		if (k == BY_N)
			return false;
		i = b->next++ % BY_N;
		if (!b->f[i].unsure && due(b, i, c->runtime, now))
			break;
	}
	err = act(b, i);
	b->ops++;
	if (err) {	/* not lost data by itself: the file drops out of the check */
		b->f[i].unsure = true;
		ut_finding_add(&c->r->findings, UT_PASS, "bystander: %s: %s; left out of the "
			       "lost-data check", files[i].path, strerror(-err));
	}
	return false;
}

/* What a file holds now; -errno, or its length (at most @sz). */
static ssize_t slurp(int root, const char *path, unsigned char *buf, size_t sz)
{
	int fd = openat(root, path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (got < sz && (n = read(fd, buf + got, sz - got)) > 0)
		got += (size_t)n;
	n = got < sz && n < 0 ? -errno : (ssize_t)got;
	close(fd);
	return n;
}

static void lost(struct ut_det_ctx *c, const struct by_file *f, size_t i, const char *when,
		 const unsigned char *got, ssize_t n)
{
	char ops[BY_LAST * 66] = "";
	size_t at = 0;

	for (unsigned k = f->nlast > BY_LAST ? f->nlast - BY_LAST : 0; k < f->nlast; k++)
		snprintf(ops + strlen(ops), sizeof(ops) - strlen(ops), "%s%s", *ops ? "; " : "",
			 f->last[k % BY_LAST]);
	if (n < 0) {
		ut_finding_add(&c->r->findings, UT_CORRUPT, "lost data: %s %s: %s, expected %zu "
			       "bytes (fnv1a64 %016llx)\nlast ops on it: %s", files[i].path, when,
			       strerror((int)-n), f->len,
			       (unsigned long long)ut_fnv1a_buf(f->want, f->len), ops);
		return;
	}
	while (at < f->len && at < (size_t)n && got[at] == f->want[at])
		at++;
	ut_finding_add(&c->r->findings, UT_CORRUPT, "lost data: %s %s: expected %zu bytes "
		       "(fnv1a64 %016llx), found %zd (fnv1a64 %016llx), first difference at "
		       "byte %zu\nlast ops on it: %s", files[i].path, when, f->len,
		       (unsigned long long)ut_fnv1a_buf(f->want, f->len), n,
		       (unsigned long long)ut_fnv1a_buf(got, (size_t)n), at, ops);
}

/* Every file still known against what the overlay at @root shows; files checked. */
static int check(struct ut_det_ctx *c, struct bystander *b, int root, const char *when)
{
	static unsigned char got[BY_MAX + 1];
	int checked = 0;

	for (size_t i = 0; i < BY_N; i++) {
		const struct by_file *f = &b->f[i];
		ssize_t n;

		if (f->unsure)
			continue;
		n = slurp(root, files[i].path, got, sizeof(got));
		checked++;
		if (!f->exists && n == -ENOENT)
			continue;
		if (n < 0 || (size_t)n != f->len || memcmp(got, f->want, f->len))
			lost(c, f, i, when, got, n);
	}
	return checked;
}

/* Each step's snapshots go up on their own: one flat key each. */
static void record(struct ut_det_ctx *c, const char *key, int n)
{
	json_object_set_new(c->snap, key, json_integer(n));
}

/* Still mounted, after the workers and mutators are gone. */
static void by_after(struct ut_det_ctx *c, void *state)
{
	struct bystander *b = state;

	if (!b)
		return;
	record(c, "bystander_ops", (int)b->ops);
	if (b->root < 0)
		return;
	/* Nothing to judge after a hang, or no time after ^C. */
	if (!c->hung && !c->interrupted)
		record(c, "bystander_checked_at_end",
		       check(c, b, b->root, "at the end of the scenario"));
	close(b->root);		/* or the umount that follows is busy */
}

/*
 * A volatile overlay leaves work/incompat/volatile behind, and refuses to
 * mount again until it is gone (the kernel's overlayfs documentation).
 */
static void forget_volatile(struct ut_det_ctx *c)
{
	int fd;

	if (!c->ovl_opts || !ut_opts_has(c->ovl_opts, "volatile") || !c->lay->has_upper)
		return;
	fd = open(c->lay->work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		ut_rmtree_at(fd, "work/incompat/volatile", 8);
		close(fd);
	}
}

/* Mount the same layers afresh at <dir>/bystander; 0 or -errno. */
static int remount(struct ut_det_ctx *c, char *mnt, size_t sz)
{
	struct ut_mount_req req;
	struct ut_mount_res res;

	if (snprintf(mnt, sz, "%s/bystander", c->lay->dir) >= (int)sz)
		return -ENAMETOOLONG;
	if (mkdir(mnt, 0755) && errno != EEXIST)
		return -errno;
	forget_volatile(c);
	ut_layers_mount_req(c->lay, c->ovl_opts, mnt, &req);
	if (ut_ovl_mount(&req, &res)) {
		ut_finding_add(&c->r->findings, UT_PASS, "bystander: the remount failed (%s): "
			       "no check after a remount", res.why);
		return res.err ? res.err : -EIO;
	}
	return 0;
}

/* After the umount: the same files on a fresh mount of the layers. */
static void by_remount_after(struct ut_det_ctx *c, void *state)
{
	struct bystander *b = shared;
	char mnt[PATH_MAX];
	int root;

	(void)state;
	shared = NULL;
	if (!b)
		return;
	if (!c->hung && !c->interrupted && b->ops && !c->mounted &&
	    !remount(c, mnt, sizeof(mnt))) {
		root = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (root >= 0) {
			record(c, "bystander_checked_after_remount",
			       check(c, b, root, "after a remount"));
			close(root);
		}
		ut_umount_or_detach(mnt);
	}
	free(b);
}

const struct ut_detector ut_det_bystander = {
	.name = "bystander", .side = UT_DET_RUNNER, .bound_s = 10,
	.before = by_before, .after = by_after, .tick = by_tick,
};

const struct ut_detector ut_det_bystander_remount = {
	.name = "bystander-remount", .side = UT_DET_RUNNER, .bound_s = 15,
	.after = by_remount_after,
};
