// SPDX-License-Identifier: GPL-2.0
/*
 * det_layers.c - runner side, last: take the layers apart.  A layer
 * filesystem still busy (EBUSY) after a clean overlay umount means
 * something kept a reference: a leak.
 */
#include <errno.h>
#include <string.h>

#include "detector.h"

static void layers_after(struct ut_det_ctx *c, void *state)
{
	int err;

	(void)state;
	if (!c->lay->dir[0])
		return;
	err = ut_layers_destroy(c->lay);
	if (err == -EBUSY && !c->hung && !c->busy && !c->mounted)
		ut_finding_add(&c->r->findings, UT_LEAK,
			       "layer filesystem busy (EBUSY) after the overlay was unmounted");
	else if (err)
		ut_finding_add(&c->r->findings, UT_PASS, "layers at %s: %s", c->lay->dir,
			       strerror(-err));
}

const struct ut_detector ut_det_layers = {
	.name = "layers", .side = UT_DET_RUNNER, .bound_s = 20, .after = layers_after,
};
