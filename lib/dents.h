/* SPDX-License-Identifier: GPL-2.0 */
/* dents.h - the one getdents64 loop: each entry of a directory fd, bounded. */
#ifndef UT_DENTS_H
#define UT_DENTS_H

#include <stdbool.h>
#include <string.h>

#define UT_DENTS_MAX_READS	64	/* getdents64 calls per walk: bounds one read */

/*
 * Called for each entry, "." and ".." included.  0 goes on; anything else
 * stops the walk, and ut_dents_each() returns it.
 */
typedef int (*ut_dent_fn)(int dirfd, const char *name, unsigned char type, void *arg);

/*
 * Read @fd with getdents64 from its current offset until the end (or
 * UT_DENTS_MAX_READS buffers), calling @fn for each entry.  0 at the end
 * or the bound, -errno when getdents64 fails, or what @fn stopped with.
 */
int ut_dents_each(int fd, ut_dent_fn fn, void *arg);

static inline bool ut_dent_is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

#endif
