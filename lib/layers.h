/* SPDX-License-Identifier: GPL-2.0 */
/* layers.h - the directories a scenario's overlay is made of (tmpfs backend). */
#ifndef UT_LAYERS_H
#define UT_LAYERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

struct ut_layers {
	char dir[PATH_MAX];		/* the scenario's private tmpfs */
	char lower[UT_MAX_LOWER][PATH_MAX];
	int nlower;
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	bool has_upper;
	bool mounted;			/* the tmpfs is mounted at dir */
};

/*
 * Make @dir (a fresh directory), mount a private tmpfs there and create
 * l0.., u, w, m inside.  0 or -errno with @why filled.
 */
int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   char *why, size_t whysz);
/* Unmount the tmpfs (lazily if busy) and remove @dir.  0 or -errno. */
int ut_layers_destroy(struct ut_layers *l);

#endif
