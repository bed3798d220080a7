/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backend.h - what the layers live on, as an ops table (fio-engine style).
 * One file per backend in lib/backends/ declares a struct ut_backend and
 * registers it with UT_BACKEND_REGISTER(); nothing outside that file knows
 * its name.  layers.c does the generic part (the scenario's private tmpfs,
 * upper/work/merged directories) and calls the hooks:
 *
 *   make()          what the layers sit on: loop filesystems, the user's
 *                   directories.  Sets l->lower_base / l->upper_base
 *                   (both default to l->dir, the scenario's tmpfs).
 *   make_lower(i)   lower i: l->lower[i] (seeded and mutated) and
 *                   l->lower_mnt[i] (what overlay stacks).  NULL: the
 *                   directory lower_base/l<i>, ut_layers_dir_lower().
 *   abort()         make tasks blocked in a layer return (FUSE connection
 *                   abort).  Uses only what make() kept in l->priv, never
 *                   a path or a pointer: a copy of the struct ut_layers
 *                   works from another process and mount namespace.
 *   destroy()       take apart what make/make_lower made, innermost first,
 *                   within a bound; must work after a partial make (count
 *                   what you made in l->priv).  0, -EBUSY when a layer fs
 *                   was still held (and was detached), other -errno.
 *   owns_pid()      is @pid a process of the backend (a FUSE server)?
 */
#ifndef UT_BACKEND_H
#define UT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ut_layers;

/* Capabilities: what the harness asks instead of asking for names. */
#define UT_BE_DEFAULT		(1u << 0)	/* the backend when none is named */
#define UT_BE_NEEDS_ROOT	(1u << 1)	/* real root, not a user namespace */
#define UT_BE_NEEDS_FUSE	(1u << 2)	/* /dev/fuse open to the caller */
#define UT_BE_REMOTE		(1u << 3)	/* lowers revalidate (d_revalidate) */
#define UT_BE_USER_PATHS	(1u << 4)	/* works in the user's own directories */

#define UT_BACKEND_PRIV_MAX	64	/* bytes of per-layers state, l->priv */

struct ut_backend {
	const char *name;	/* as given to -b */
	const char *usage;	/* -b form when it takes an argument: "path:LOWER[,UPPER]" */
	int rank;		/* order in listings and in the matrix's columns */
	unsigned int caps;	/* UT_BE_* */
	const char *root_for;	/* UT_BE_NEEDS_ROOT: why, for the skip reason */
	/* The text after "name:" (NULL when none).  0, or -EINVAL with @why. */
	int (*parse)(const char *arg, char *why, size_t sz);
	int (*make)(struct ut_layers *l, char *why, size_t sz);
	int (*make_lower)(struct ut_layers *l, int i, char *why, size_t sz);
	void (*abort)(const struct ut_layers *l);
	int (*destroy)(struct ut_layers *l);
	bool (*owns_pid)(const struct ut_layers *l, pid_t pid);
};

#define UT_BACKEND_REGISTER(be)						\
	static const struct ut_backend *const ut_be_reg_##be		\
	__attribute__((used, section("ut_backends"), aligned(sizeof(void *)))) = &be

extern const struct ut_backend *const __start_ut_backends[];
extern const struct ut_backend *const __stop_ut_backends[];

/* The backend's state in @l (UT_BACKEND_PRIV_MAX bytes, zeroed by make). */
#define UT_BACKEND_PRIV(l, type)					\
	({ _Static_assert(sizeof(type) <= UT_BACKEND_PRIV_MAX, #type " too big");	\
	   (type *)(void *)(l)->priv; })

/* For destroy(): remember the first error, carry on taking apart. */
static inline void ut_keep_first(int *err, int r)
{
	if (r && !*err)
		*err = r;
}

#endif
