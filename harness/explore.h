/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explore.h - undertow run --explore SECS: vary the selected scenarios
 * (seed, process counts, backend and option set, ops left out of the mix),
 * run each variant briefly with function coverage, and keep those that
 * reach an overlayfs function no earlier variant reached as a corpus of
 * replayable results (results/<run>/corpus/NNN-<variant>.json).
 */
#ifndef UT_EXPLORE_H
#define UT_EXPLORE_H

#include <stdbool.h>

#include "cli.h"
#include "matrix.h"

/*
 * Explore from @base (the selected variants, run unmutated first) for
 * o->explore_s seconds.  The exit code: 0 no finding, 1 a finding or an
 * interruption, 4 where the kernel refuses tracing (one line on stderr).
 */
int ut_explore(const struct ut_opts *o, const struct ut_variant *base, int nbase, int argc,
	       char **argv, bool unprivileged);

#endif
