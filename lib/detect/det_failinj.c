// SPDX-License-Identifier: GPL-2.0
/*
 * det_failinj.c - supervisor side, with --fail: arm the kernel's fault
 * injection before the runner starts (it marks its workers and mutators
 * make-it-fail), and afterwards count the failures injected and put every
 * debugfs value back, whatever happened in between.
 */
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "failinj.h"

static void *fail_before(struct ut_det_ctx *c)
{
	struct ut_fail_saved *s;
	int err;

	if (!c->fail.mask)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	err = ut_fail_arm(&c->fail, s);
	if (err) {
		ut_finding_add(&c->r->findings, UT_BROKEN, "--fail: arming fault injection: %s",
			       strerror(-err));
		free(s);
		return NULL;
	}
	return s;
}

static void fail_after(struct ut_det_ctx *c, void *state)
{
	struct ut_fail_saved *s = state;
	long long n[UT_FAIL_NATTR], total = 0;
	json_t *j;
	int bad;

	if (!s)
		return;
	ut_fail_count(s, n);
	bad = ut_fail_restore(s);
	if (bad)
		ut_finding_add(&c->r->findings, UT_BROKEN, "--fail: %d fault injection values "
			       "did not read back as they were before the scenario", bad);
	json_object_set_new(c->snap, "failinj_restored", json_boolean(!bad));
	j = json_object();
	for (int a = 0; a < UT_FAIL_NATTR; a++)
		if (n[a] >= 0) {
			json_object_set_new(j, ut_fail_attr_name(a), json_integer(n[a]));
			total += n[a];
		}
	json_object_set_new(c->snap, "injected_failures", j);
	ut_finding_add(&c->r->findings, UT_PASS, "--fail: %lld allocation failures injected "
		       "into the workers and mutators", total);
	free(s);
}

const struct ut_detector ut_det_failinj = {
	.name = "failinj", .side = UT_DET_SUPERVISOR,
	.before = fail_before, .after = fail_after,
};
