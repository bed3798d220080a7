// SPDX-License-Identifier: GPL-2.0
/*
 * det_kmemleak.c - runner side: when the kernel has kmemleak, forget what
 * it knew before the scenario and scan twice after the overlay is gone;
 * objects allocated while the scenario ran are a leak, with their backtrace.
 */
#include <stdlib.h>
#include <unistd.h>

#include "detector.h"
#include "kmemleak.h"

/* The state: when the scenario's objects may start, for their age. */
static void *kml_before(struct ut_det_ctx *c)
{
	double *t0;

	if (!c->kmemleak)
		return NULL;
	t0 = malloc(sizeof(*t0));
	if (t0)
		*t0 = ut_kmemleak_clear();
	else
		ut_kmemleak_clear();
	return t0;
}

static void kml_after(struct ut_det_ctx *c, void *state)
{
	char buf[4096];
	double *t0 = state, since = t0 ? *t0 : 0;
	int n;

	if (!c->kmemleak || c->interrupted) {
		free(t0);
		return;
	}
	free(t0);
	/*
	 * kmemleak reports an object only once it is 5 s old (its minimum
	 * age): let what the scenario allocated, up to its umount just now,
	 * get that old, so that its leaks are its own and not the next one's.
	 */
	sleep(UT_KMEMLEAK_MIN_AGE_S + 1);
	/* Objects older than the scenario are not its own. */
	n = ut_kmemleak_scan(buf, sizeof(buf), since);
	json_object_set_new(c->snap, "kmemleak_objects", json_integer(n));
	if (n > 0)
		ut_finding_add(&c->r->findings, UT_LEAK,
			       "kmemleak: %d unreferenced objects after two scans\n%s", n, buf);
}

const struct ut_detector ut_det_kmemleak = {
	.name = "kmemleak", .side = UT_DET_RUNNER, .bound_s = 120,
	.before = kml_before, .after = kml_after,
};
