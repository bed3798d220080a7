// SPDX-License-Identifier: GPL-2.0
/* det_taint.c - a new B, D, L, M or W taint during the scenario is a crash. */
#include <stdlib.h>

#include "detector.h"
#include "taint.h"

static void *taint_before(struct ut_det_ctx *c)
{
	unsigned long *t0 = malloc(sizeof(*t0));

	(void)c;
	if (t0 && ut_taint_read(t0))
		*t0 = 0;
	return t0;
}

static void taint_after(struct ut_det_ctx *c, void *state)
{
	unsigned long *t0 = state, t1 = 0, bad;
	char a[64], b[64];

	if (!t0 || ut_taint_read(&t1)) {
		free(t0);
		return;
	}
	ut_taint_letters(*t0, a, sizeof(a));
	ut_taint_letters(t1, b, sizeof(b));
	json_object_set_new(c->snap, "taint_before", json_string(a));
	json_object_set_new(c->snap, "taint_after", json_string(b));
	bad = ut_taint_bad(*t0, t1);
	/* The emulator's WARN taints W too (det_kmsg.c said so): not the kernel's. */
	if (c->r->emulator_fault && (bad & (1UL << UT_TAINT_WARN))) {
		bad &= ~(1UL << UT_TAINT_WARN);
		ut_finding_add(&c->r->findings, UT_PASS,
			       "kernel tainted W by the emulator fault's WARNING");
	}
	if (bad) {
		ut_taint_letters(bad, a, sizeof(a));
		ut_finding_add(&c->r->findings, UT_CRASH, "kernel tainted during the run: %s", a);
	}
	free(t0);
}

const struct ut_detector ut_det_taint = {
	.name = "taint", .side = UT_DET_SUPERVISOR,
	.before = taint_before, .after = taint_after,
};
