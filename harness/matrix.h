/* SPDX-License-Identifier: GPL-2.0 */
/*
 * matrix.h - variants: scenario x backend x option set, named
 * "scenario@backend,set" (the plain scenario name for tmpfs + default),
 * the quick and full presets, and deterministic shards.
 */
#ifndef UT_MATRIX_H
#define UT_MATRIX_H

#include "layers.h"
#include "optsets.h"
#include "scenario.h"

struct ut_variant {
	const struct ut_scenario *sc;
	struct ut_backend_spec be;
	const struct ut_optset *set;
	char label[96];		/* "fuse", "tmpfs,index", ... */
	char name[192];		/* "lower-dir-rename@fuse" */
};

#define UT_MAX_VARIANTS 4096

/*
 * Variant names are file names: results go to "<name>.json".  A label
 * (scenario name, backend + option set) is made safe in place: every byte
 * outside [A-Za-z0-9._,=+-] becomes '_' ('/' above all, and '@', which
 * separates the scenario from its label), and a leading '.' becomes '_', so
 * no name is ".", "..", hidden, or empty ("" becomes "_").  Option strings
 * that pass ut_opts_check() come through unchanged.
 */
void ut_label_safe(char *s);

/*
 * Every scenario x backend x set, in that order, into @out (at most @max).
 * A scenario that names its backend runs on that one only, once per set.
 * Returns the count.
 */
int ut_matrix_expand(const struct ut_scenario *const *sc, int nsc,
		     const struct ut_backend_spec *be, int nbe,
		     const struct ut_optset *const *sets, int nsets,
		     struct ut_variant *out, int max);
/*
 * The presets.  "full": every backend but those in the user's own paths
 * (UT_BE_USER_PATHS) x every set.  "quick": each
 * scenario on tmpfs with the default set, plus a third of the other
 * (backend, set) columns per scenario, rotating so that every column is
 * covered by several scenarios.  -1 for an unknown preset name.
 */
int ut_matrix_preset(const char *preset, const struct ut_scenario *const *sc, int nsc,
		     struct ut_variant *out, int max);
/* Keep the @k-th (1-based) of @n round-robin slices, in place; the count. */
int ut_matrix_shard(struct ut_variant *v, int nv, int k, int n);

#endif
