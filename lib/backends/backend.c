// SPDX-License-Identifier: GPL-2.0
/* backend.c - the backends from the ut_backends ELF section: lookup, specs, usability. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layers.h"

#define MAX_BACKENDS 32

static const struct ut_backend *sorted[MAX_BACKENDS];
static int nsorted = -1;

static int by_rank(const void *a, const void *b)
{
	const struct ut_backend *x = *(const struct ut_backend *const *)a;
	const struct ut_backend *y = *(const struct ut_backend *const *)b;

	return x->rank != y->rank ? (x->rank > y->rank) - (x->rank < y->rank) :
				    strcmp(x->name, y->name);
}

const struct ut_backend *const *ut_backends(int *n)
{
	if (nsorted < 0) {
		nsorted = 0;
		for (const struct ut_backend *const *p = __start_ut_backends;
		     p < __stop_ut_backends && nsorted < MAX_BACKENDS; p++)
			sorted[nsorted++] = *p;
		qsort(sorted, nsorted, sizeof(sorted[0]), by_rank);
	}
	*n = nsorted;
	return sorted;
}

/* The backend a zeroed spec means. */
static const struct ut_backend *default_backend(void)
{
	int n;
	const struct ut_backend *const *all = ut_backends(&n);

	for (int i = 0; i < n; i++)
		if (all[i]->caps & UT_BE_DEFAULT)
			return all[i];
	abort();	/* a build without tmpfs.c is a bug, not a run */
}

const struct ut_backend *ut_backend_ops(const struct ut_backend_spec *be)
{
	return be && be->ops ? be->ops : default_backend();
}

static const struct ut_backend *find(const char *name, size_t len)
{
	int n;
	const struct ut_backend *const *all = ut_backends(&n);

	for (int i = 0; i < n; i++)
		if (strlen(all[i]->name) == len && !strncmp(all[i]->name, name, len))
			return all[i];
	return NULL;
}

/* "unknown backend 'x' (tmpfs, fuse, ..., path:LOWER[,UPPER])" */
static void unknown(const char *spec, char *why, size_t sz)
{
	const struct ut_backend *const *all;
	size_t used;
	int n;

	all = ut_backends(&n);
	used = (size_t)snprintf(why, sz, "unknown backend '%s' (", spec);
	for (int i = 0; i < n && used < sz; i++)
		used += (size_t)snprintf(why + used, sz - used, "%s%s", i ? ", " : "",
					 all[i]->usage ? all[i]->usage : all[i]->name);
	if (used < sz)
		snprintf(why + used, sz - used, ")");
}

int ut_backend_parse(const char *spec, struct ut_backend_spec *out, char *why, size_t sz)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct ut_backend *b = find(spec, len);
	const char *arg = colon ? colon + 1 : NULL;

	memset(out, 0, sizeof(*out));
	if (!b) {
		unknown(spec, why, sz);
		return -EINVAL;
	}
	if (!b->parse && arg) {
		snprintf(why, sz, "backend %s takes no argument: '%s'", b->name, spec);
		return -EINVAL;
	}
	if (arg && strlen(arg) >= sizeof(out->arg)) {
		snprintf(why, sz, "backend %s: argument too long", b->name);
		return -EINVAL;
	}
	if (b->parse && b->parse(arg, why, sz))
		return -EINVAL;
	out->ops = b;
	snprintf(out->arg, sizeof(out->arg), "%s", arg ? arg : "");
	return 0;
}

const char *ut_backend_name(const struct ut_backend_spec *be)
{
	return ut_backend_ops(be)->name;
}

void ut_backend_spec_str(const struct ut_backend_spec *be, char *buf, size_t sz)
{
	const char *arg = be ? be->arg : "";

	snprintf(buf, sz, "%s%s%s", ut_backend_name(be), arg[0] ? ":" : "", arg);
}

unsigned int ut_backend_caps(const struct ut_backend_spec *be)
{
	return ut_backend_ops(be)->caps;
}

int ut_backend_usable(const struct ut_backend_spec *be, bool unprivileged, char *why, size_t sz)
{
	const struct ut_backend *b = ut_backend_ops(be);

	if (!unprivileged)
		return 0;
	if (b->caps & UT_BE_NEEDS_ROOT) {
		snprintf(why, sz, "%s backend needs real root (%s)", b->name,
			 b->root_for ? b->root_for : "not in a user namespace");
		return -EPERM;
	}
	if (b->caps & UT_BE_NEEDS_FUSE && access("/dev/fuse", R_OK | W_OK)) {
		snprintf(why, sz, "%s backend: /dev/fuse: %s (mode 0666 lets users mount FUSE)",
			 b->name, strerror(errno));
		return -EPERM;
	}
	return 0;
}
