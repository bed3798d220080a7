// SPDX-License-Identifier: GPL-2.0
/*
 * det_kmemleak.c - runner side: when the kernel has kmemleak, forget what
 * it knew before the scenario and scan twice after the overlay is gone.
 */
#include "detector.h"
#include "kmemleak.h"

static void *kml_before(struct ut_det_ctx *c)
{
	if (c->kmemleak)
		ut_kmemleak_clear();
	return NULL;
}

static void kml_after(struct ut_det_ctx *c, void *state)
{
	char buf[2048];
	int n;

	(void)state;
	if (!c->kmemleak || c->interrupted)
		return;
	n = ut_kmemleak_scan(buf, sizeof(buf));
	json_object_set_new(c->snap, "kmemleak_objects", json_integer(n));
	if (n > 0)
		ut_finding_add(&c->r->findings, UT_LEAK,
			       "kmemleak: %d unreferenced objects after two scans\n%s", n, buf);
}

const struct ut_detector ut_det_kmemleak = {
	.name = "kmemleak", .side = UT_DET_RUNNER, .bound_s = 120,
	.before = kml_before, .after = kml_after,
};
