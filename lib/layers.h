/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layers.h - the directories a scenario's overlay is made of, on one of
 * several backends.  Every backend lives under a private tmpfs per
 * scenario, which also holds upper, work and the merged mountpoint unless
 * the backend puts them elsewhere.
 */
#ifndef UT_LAYERS_H
#define UT_LAYERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "scenario.h"

enum ut_backend {
	UT_BACKEND_TMPFS = 0,	/* lowers are tmpfs directories */
	UT_BACKEND_FUSE,	/* lowers served by undertow's FUSE passthrough,
				 * entry/attr timeout 0: "remote", revalidated */
	UT_BACKEND_EXT4,	/* lowers and upper each on their own fs on a loop device */
	UT_BACKEND_XFS,
	UT_BACKEND_BTRFS,
	UT_BACKEND_NESTED,	/* each lower is itself an overlay */
	UT_BACKEND_PATH,	/* user directories: path:LOWER[,UPPER] */
	UT_NBACKEND
};

struct ut_backend_spec {
	enum ut_backend kind;
	char lower[PATH_MAX];	/* path: only */
	char upper[PATH_MAX];	/* path: only, "" = upper on the tmpfs */
};

const char *ut_backend_name(enum ut_backend b);
/* "tmpfs", "fuse", ..., "path:LOWER[,UPPER]".  0 or -EINVAL with @why. */
int ut_backend_parse(const char *spec, struct ut_backend_spec *out, char *why, size_t sz);

#define UT_MAX_LAYERS (UT_MAX_LOWER)

struct ut_layers {
	char dir[PATH_MAX];		/* the scenario's private tmpfs */
	struct ut_backend_spec be;
	char lower[UT_MAX_LOWER][PATH_MAX];	/* seeds and mutators work here */
	char lower_mnt[UT_MAX_LOWER][PATH_MAX];	/* what overlay stacks on */
	int nlower;
	char dataonly[PATH_MAX];		/* data-only lower, "" = none */
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	bool has_upper;
	bool mounted;				/* the tmpfs is mounted at dir */
	pid_t fuse_pid[UT_MAX_LOWER];		/* fuse: servers, 0 = none */
	char fsmnt[2][PATH_MAX];		/* ext4/xfs/btrfs: lower fs, upper fs */
	int nfs;
	char inner[UT_MAX_LOWER][PATH_MAX];	/* nested: inner overlay mounts */
	int ninner;
	char own[2][PATH_MAX];			/* path: our dirs in the user's */
	int nown;
};

/*
 * Make @dir, mount a private tmpfs there and build @nlower lowers (plus a
 * data-only one if asked), upper and work on the backend, and the merged
 * mountpoint.  0; -EOPNOTSUPP when the backend cannot work here (a skip:
 * @why says why); other -errno with @why.  On failure nothing is left.
 */
int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   bool dataonly, const struct ut_backend_spec *be, char *why, size_t whysz);
/* Fail every pending and future request of the FUSE lowers: unblocks tasks. */
void ut_layers_abort(struct ut_layers *l);
/*
 * Take it all apart, innermost first.  0; -EBUSY if a layer filesystem
 * (inner overlay, loop fs, FUSE, tmpfs) was still held and had to be
 * detached; other -errno.
 */
int ut_layers_destroy(struct ut_layers *l);

#endif
