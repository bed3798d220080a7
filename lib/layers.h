/* SPDX-License-Identifier: GPL-2.0 */
/* layers.h - the directories a scenario's overlay is made of (tmpfs backend). */
#ifndef UT_LAYERS_H
#define UT_LAYERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

#include <sys/types.h>

/* What the lower layers are; upper and work are always on the tmpfs. */
enum ut_backend {
	UT_BACKEND_TMPFS = 0,	/* lowers are tmpfs directories */
	UT_BACKEND_FUSE,	/* lowers are undertow's FUSE passthrough of them,
				 * entry/attr timeout 0: a "remote", revalidated lower */
	UT_NBACKEND
};

const char *ut_backend_name(enum ut_backend b);
int ut_backend_of(const char *name);	/* -1 if unknown */

struct ut_layers {
	char dir[PATH_MAX];		/* the scenario's private tmpfs */
	enum ut_backend backend;
	char lower[UT_MAX_LOWER][PATH_MAX];	/* real dirs: mutators work here */
	char lower_mnt[UT_MAX_LOWER][PATH_MAX];	/* what overlay stacks on */
	pid_t fuse_pid[UT_MAX_LOWER];		/* FUSE servers, 0 = none */
	int nlower;
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	bool has_upper;
	bool mounted;			/* the tmpfs is mounted at dir */
};

/*
 * Make @dir (a fresh directory), mount a private tmpfs there and create
 * l0.., u, w, m inside (and f0.. served by FUSE for that backend).
 * 0 or -errno with @why filled.
 */
int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   enum ut_backend backend, char *why, size_t whysz);
/* Fail every pending and future request of the FUSE lowers: unblocks tasks. */
void ut_layers_abort(struct ut_layers *l);
/* Stop FUSE servers, unmount the tmpfs (lazily if busy), remove @dir.  0 or -errno. */
int ut_layers_destroy(struct ut_layers *l);

#endif
