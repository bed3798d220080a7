/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layers.h - the directories a scenario's overlay is made of, on one of
 * several backends (lib/backends/, one file each, see backend.h).  Every
 * backend lives under a private tmpfs per scenario, which also holds
 * upper, work and the merged mountpoint unless the backend puts them
 * elsewhere.
 */
#ifndef UT_LAYERS_H
#define UT_LAYERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "backend.h"
#include "scenario.h"

#define UT_BACKEND_ARG_MAX	(2 * PATH_MAX)

/* A backend as named by -b: "ext4", "path:/a,/b".  All zero = the default. */
struct ut_backend_spec {
	const struct ut_backend *ops;	/* NULL = the default backend */
	char arg[UT_BACKEND_ARG_MAX];	/* after "name:", "" = none */
};

/* "NAME" or "NAME:ARG" into @out.  0 or -EINVAL with @why. */
int ut_backend_parse(const char *spec, struct ut_backend_spec *out, char *why, size_t sz);
/* The ops table @be names; a zeroed spec names the default backend. */
const struct ut_backend *ut_backend_ops(const struct ut_backend_spec *be);
/* Its name ("path" for "path:/a"): a static string. */
const char *ut_backend_name(const struct ut_backend_spec *be);
/* The "-b" form that parses back to @be: "ext4", "path:/a,/b". */
void ut_backend_spec_str(const struct ut_backend_spec *be, char *buf, size_t sz);
/* Its UT_BE_* capabilities. */
unsigned int ut_backend_caps(const struct ut_backend_spec *be);
/* Can it run here?  0, or -EPERM with one line in @why (a skip reason). */
int ut_backend_usable(const struct ut_backend_spec *be, bool unprivileged, char *why, size_t sz);
/* Every registered backend, in rank order; *n gets the count. */
const struct ut_backend *const *ut_backends(int *n);

#define UT_MAX_LAYERS (UT_MAX_LOWER)

struct ut_layers {
	char dir[PATH_MAX];		/* the scenario's private tmpfs */
	struct ut_backend_spec be;
	const struct ut_backend *ops;	/* be's, resolved */
	char lower[UT_MAX_LOWER][PATH_MAX];	/* seeds and mutators work here */
	char lower_mnt[UT_MAX_LOWER][PATH_MAX];	/* what overlay stacks on */
	int nlower;
	char dataonly[PATH_MAX];		/* data-only lower, "" = none */
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	bool has_upper;
	bool mounted;				/* the tmpfs is mounted at dir */
	char lower_base[PATH_MAX];		/* where lowers (and data) are made */
	char upper_base[PATH_MAX];		/* where upper and work are made */
	unsigned char priv[UT_BACKEND_PRIV_MAX] __attribute__((aligned(8)));
};

/*
 * Make @dir, mount a private tmpfs there and build @nlower lowers (plus a
 * data-only one if asked), upper and work on the backend, and the merged
 * mountpoint.  0; -EOPNOTSUPP when the backend cannot work here (a skip:
 * @why says why); other -errno with @why.  On failure nothing is left.
 */
int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   bool dataonly, const struct ut_backend_spec *be, char *why, size_t whysz);
struct ut_mount_req;
/* What mounting @l's overlay with @opts at @target asks for (runner, remount). */
void ut_layers_mount_req(const struct ut_layers *l, const char *opts, const char *target,
			 struct ut_mount_req *req);
/*
 * Make tasks blocked in a layer return (FUSE lowers: abort the connection,
 * pending and later requests fail).  Call it before ut_layers_destroy()
 * when a layer hung.  Needs no path and never blocks: a copy of @l made
 * after ut_layers_make() works from another process.
 */
void ut_layers_abort(const struct ut_layers *l);
/*
 * Take it all apart, innermost first, within a bound.  0; -EBUSY if a
 * layer filesystem (inner overlay, loop fs, FUSE, tmpfs) was still held
 * and had to be detached; other -errno.  Safe to call again.
 */
int ut_layers_destroy(struct ut_layers *l);
/* Is @pid one of the backend's own processes (a FUSE server)? */
bool ut_layers_owns_pid(const struct ut_layers *l, pid_t pid);

/* For backends: mkdir @dir/@name into @out (PATH_MAX).  0 or -errno with @why. */
int ut_layers_subdir(char *out, const char *dir, const char *name, char *why, size_t whysz);
/* For backends: lower @i as the plain directory lower_base/l<i>. */
int ut_layers_dir_lower(struct ut_layers *l, int i, char *why, size_t whysz);

#endif
