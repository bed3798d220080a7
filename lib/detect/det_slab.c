// SPDX-License-Identifier: GPL-2.0
/*
 * det_slab.c - runner side: every ovl_inode of the unmounted overlay must
 * be freed, and the dentry and inode counts are recorded.  Frees are
 * RCU-deferred, so they get a bounded while to land.  The slab is shared
 * with every other overlay on the system: while another overlay is
 * mounted anywhere (any namespace) the count is not judged.
 */
#include <errno.h>
#include <stdlib.h>

#include "detector.h"
#include "holders.h"
#include "procfs.h"
#include "slab.h"

#define SLAB_RETRIES	20	/* x 50 ms for RCU-deferred frees */

struct counts {
	long slab, dentries, inodes;
};

/* ovl_inode objects in use: flush CPU slabs first so the count is exact. */
static long ovl_inodes(void)
{
	ut_slab_shrink("ovl_inode");
	return ut_slab_objects("ovl_inode");
}

static void *slab_before(struct ut_det_ctx *c)
{
	struct counts *n = calloc(1, sizeof(*n));
	long unused;

	(void)c;
	if (!n)
		return NULL;
	n->slab = ovl_inodes();
	ut_dentry_state(&n->dentries, &unused);
	ut_inode_nr(&n->inodes, &unused);
	return n;
}

static void snap_vfs(struct ut_det_ctx *c, const struct counts *n)
{
	long d = 0, i = 0, unused;

	ut_dentry_state(&d, &unused);
	ut_inode_nr(&i, &unused);
	json_object_set_new(c->snap, "nr_dentry_delta", json_integer(d - n->dentries));
	json_object_set_new(c->snap, "nr_inodes_delta", json_integer(i - n->inodes));
}

static void judge(struct ut_det_ctx *c, long before)
{
	long now = -ENOENT, again;

	for (int i = 0; i < SLAB_RETRIES; i++) {
		/* Best effort: without it (no root) counts stay high, never wrong. */
		ut_drop_slab();
		now = ovl_inodes();
		if (now < 0 || now <= before)
			break;
		ut_sleep(0.05);
	}
	json_object_set_new(c->snap, "ovl_inode_before", json_integer(before));
	json_object_set_new(c->snap, "ovl_inode_after", json_integer(now));
	if (ut_slab_judge(before, now, now, false) == UT_SLAB_CLEAN)
		return;
	ut_sleep(0.2);
	again = ovl_inodes();
	switch (ut_slab_judge(before, now, again, ut_overlay_mounted_anywhere())) {
	case UT_SLAB_NOT_JUDGED:
		ut_finding_add(&c->r->findings, UT_PASS,
			       "ovl_inode slab: %ld before, %ld then %ld after, but other overlays "
			       "are in use on this system: not judged", before, now, again);
		break;
	case UT_SLAB_LEAK:
		ut_finding_add(&c->r->findings, UT_LEAK,
			       "ovl_inode slab: %ld objects before mount, %ld after umount + "
			       "drop_caches", before, now);
		break;
	case UT_SLAB_CLEAN:
		break;
	}
}

static void slab_after(struct ut_det_ctx *c, void *state)
{
	struct counts *n = state;

	if (!n)
		return;
	/* A busy or stuck overlay keeps its inodes: nothing to judge. */
	if (!c->hung && !c->mounted && !c->busy)
		judge(c, n->slab);
	snap_vfs(c, n);
	free(n);
}

const struct ut_detector ut_det_slab = {
	.name = "slab", .side = UT_DET_RUNNER, .bound_s = 20,
	.before = slab_before, .after = slab_after,
};
