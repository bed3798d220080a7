// SPDX-License-Identifier: GPL-2.0
/*
 * ops_reclaim.c - a mutator op on the kernel's caches, not on a layer:
 * reclaim of unused dentries and inodes, as memory pressure does.  An
 * overlay dentry stays cached over a change in its layers until it is
 * reclaimed; after that the next lookup runs ovl_lookup() again, on the
 * layers as they are now (a real dir that died, a name that moved).
 * Without it a run's lookups of a fixed name pool reach ovl_lookup only
 * the first time each name is looked up.
 */
#include "engine.h"
#include "ops.h"
#include "procfs.h"

/*
 * Each drop_caches write logs a line in the kernel log: at most one per
 * RECLAIM_GAP_S per process, so a run cannot flood the log and push out
 * what the detectors read.  A call too soon does nothing: it returns 0
 * and counts as not effective (scenario.h).
 */
#define RECLAIM_GAP_S	0.1

int ut_op_reclaim(struct ut_ctx *c, const struct ut_op *op)
{
	static double last;	/* per process: mutators are processes */
	double now = ut_now();

	(void)op;
	if (last && now - last < RECLAIM_GAP_S) {
		ut_reached(c, false);
		return 0;
	}
	last = now;
	return ut_drop_slab();
}
