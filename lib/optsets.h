/* SPDX-License-Identifier: GPL-2.0 */
/*
 * optsets.h - named overlay option sets, and merging a set with what a
 * scenario requires.  A variant is scenario x backend x option set.
 */
#ifndef UT_OPTSETS_H
#define UT_OPTSETS_H

#include <stdbool.h>
#include <stddef.h>

struct ut_optset {
	const char *name;	/* "default", "index", ... */
	const char *opts;	/* overlay options, "" for none */
	int extra_lowers;	/* more lower layers, seeded like lower 0 */
	bool dataonly;		/* add a data-only lower layer (datadir+) */
};

/* Every named set, default first; count in *n. */
const struct ut_optset *ut_optsets(int *n);
const struct ut_optset *ut_optset_find(const char *name);

/* Longest literal option string: its variant label must fit a file name. */
#define UT_OPTS_MAX 80

/*
 * Check a literal option string ("xino=off,redirect_dir=on") from the user
 * or a results file.  Options the kernel may not know are fine (the
 * variant skips with the kernel's reason); these are not, each -EINVAL
 * with one line in @why:
 * - options that name layers or mount plumbing (lowerdir, lowerdir+,
 *   upperdir, workdir, datadir+, source): undertow owns those;
 * - an empty option, a key outside [a-z0-9_], a value outside
 *   [A-Za-z0-9_.:-] (so no paths), a key given twice with two values;
 * - a bare word naming an option set whose options differ ("index"):
 *   sets go one per -o;
 * - more than UT_OPTS_MAX characters.
 */
int ut_opts_check(const char *opts, char *why, size_t sz);

/* Does the option list "a=b,c" hold @key (with any value, or bare)? */
bool ut_opts_has(const char *opts, const char *key);

/*
 * Merge @set's options with the scenario's @required ones into @out.
 * Required options win; a set that gives a required key another value is
 * a conflict: -EINVAL with the clash in @why.  A key in @incompatible
 * (space separated) appearing in the set: -EINVAL too.
 */
int ut_opts_merge(const char *required, const char *incompatible, const char *set,
		  char *out, size_t sz, char *why, size_t whysz);

#endif
