// SPDX-License-Identifier: GPL-2.0
/*
 * det_lockdep.c - on a kernel with lockdep (CONFIG_PROVE_LOCKING), say
 * whether it still checks.  lockdep turns itself off for good after its
 * first splat, and after a taint that makes it unreliable (KASAN's B):
 * debug_locks drops to 0, and from then on a lock-order bug prints
 * nothing.  Every later scenario's result says so, and the one in which
 * it went off says that too.  The splat itself is the kernel log
 * detector's (crash, kind lockdep-*).  Nothing on a kernel without lockdep.
 */
#include <stdio.h>
#include <stdlib.h>

#include "detector.h"

#define LOCKDEP_STATS	"/proc/lockdep_stats"

/* debug_locks from /proc/lockdep_stats: 1 on, 0 off, -1 no lockdep. */
static int debug_locks(void)
{
	FILE *f = fopen(LOCKDEP_STATS, "re");
	char line[256];
	int v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " debug_locks: %d", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void *lockdep_before(struct ut_det_ctx *c)
{
	int *on = malloc(sizeof(*on));

	(void)c;
	if (on)
		*on = debug_locks();
	return on;
}

static void lockdep_after(struct ut_det_ctx *c, void *state)
{
	int *before = state, now = debug_locks();

	if (!before)
		return;
	if (*before >= 0 || now >= 0)
		json_object_set_new(c->snap, "lockdep", json_string(now > 0 ? "on" : "off"));
	if (*before == 0)
		ut_finding_add(&c->r->findings, UT_PASS, "lockdep is off (an earlier splat, "
			       "or a taint such as KASAN's, turned it off): lock-order bugs "
			       "in this scenario go unreported");
	else if (*before > 0 && now == 0)
		ut_finding_add(&c->r->findings, UT_PASS, "lockdep turned itself off during "
			       "this scenario: the scenarios after it are not checked for lock order");
	free(before);
}

const struct ut_detector ut_det_lockdep = {
	.name = "lockdep", .side = UT_DET_SUPERVISOR,
	.before = lockdep_before, .after = lockdep_after,
};
