// SPDX-License-Identifier: GPL-2.0
/* pathcheck.c - user-given paths, checked before anything is made. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "pathcheck.h"

/* Room below a user's path for undertow.<pid>.XXXXXX and the layers in it. */
#define OWN_ROOM 128
/* Room below a results directory for <run-id>/<variant>.json. */
#define RESULTS_ROOM 320

static int fail(char *err, size_t sz, int e, const char *fmt, const char *what)
{
	snprintf(err, sz, fmt, what);
	return e;
}

/* We may make entries in @dir: a directory we can write and search. */
static int writable_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0 ? -errno : 0;
}

static int check_layer_dir(const char *d, const char *arg, char *err, size_t sz)
{
	int e = writable_dir(d);

	if (e) {
		snprintf(err, sz, "-b '%s': path: %s: %s", arg, d, strerror(-e));
		return -EINVAL;
	}
	return 0;
}

int ut_check_path_spec(const char *arg, struct ut_backend_spec *out, char *err, size_t sz)
{
	const char *spec = arg + strlen("path:"), *comma = strchr(spec, ',');
	char why[256], lower[PATH_MAX];

	if (!*spec || spec == comma)
		return fail(err, sz, -EINVAL, "-b '%s': path: wants path:LOWER[,UPPER]", arg);
	if (comma && !comma[1])
		return fail(err, sz, -EINVAL, "-b '%s': path: an empty UPPER after the comma", arg);
	if (spec[0] != '/' || (comma && comma[1] != '/'))
		return fail(err, sz, -EINVAL, "-b '%s': path: wants absolute directories", arg);
	if (strlen(spec) >= PATH_MAX - OWN_ROOM)
		return fail(err, sz, -EINVAL, "-b '%.40s...': path: directory name too long", arg);
	if (ut_backend_parse(arg, out, why, sizeof(why))) {
		snprintf(err, sz, "-b '%s': %s", arg, why);
		return -EINVAL;
	}
	snprintf(lower, sizeof(lower), "%.*s", comma ? (int)(comma - spec) : (int)strlen(spec), spec);
	if (check_layer_dir(lower, arg, err, sz))
		return -EINVAL;
	return comma ? check_layer_dir(comma + 1, arg, err, sz) : 0;
}

int ut_check_results_dir(const char *dir, char *err, size_t sz)
{
	char up[PATH_MAX];
	struct stat st;
	int e;

	if (!*dir)
		return fail(err, sz, -EINVAL, "--results wants a directory%s", "");
	if (strlen(dir) >= PATH_MAX - RESULTS_ROOM)
		return fail(err, sz, -ENAMETOOLONG, "--results '%.40s...': name too long", dir);
	snprintf(up, sizeof(up), "%s", dir);
	/* Walk up to the nearest part that exists: that one must take entries. */
	while (stat(up, &st) < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		char *slash = strrchr(up, '/');

		if (!slash) {
			snprintf(up, sizeof(up), ".");
			break;
		}
		*slash = '\0';
		if (slash == up)
			snprintf(up, sizeof(up), "/");
	}
	e = writable_dir(up);
	if (e)
		snprintf(err, sz, "results directory %s cannot be written (%s: %s)", dir, up,
			 strerror(-e));
	return e;
}

int ut_check_stream(const char *path, char *err, size_t sz)
{
	struct stat st;
	int e = 0;

	if (!strcmp(path, "-"))
		return 0;
	if (stat(path, &st) < 0)
		e = errno;
	else if (S_ISDIR(st.st_mode))
		e = EISDIR;
	else if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0)
		e = errno;
	if (e)
		snprintf(err, sz, "--stream %s: %s", path, strerror(e));
	return -e;
}
