// SPDX-License-Identifier: GPL-2.0
/*
 * det_selfcheck.c - the supervisor's own fds and mounts must be as they
 * were after every scenario: it is a tool to trust.
 */
#include <stdio.h>
#include <stdlib.h>

#include "detector.h"
#include "slab.h"

struct self {
	int fds, mounts;
};

static int count_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int n = 0, c;

	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static void *self_before(struct ut_det_ctx *c)
{
	struct self *s = malloc(sizeof(*s));

	(void)c;
	if (s) {
		s->fds = ut_count_fds(0);
		s->mounts = count_mounts();
	}
	return s;
}

static void self_after(struct ut_det_ctx *c, void *state)
{
	struct self *s = state;
	int fds = ut_count_fds(0), mounts = count_mounts();

	if (!s)
		return;
	json_object_set_new(c->snap, "harness_fds_before", json_integer(s->fds));
	json_object_set_new(c->snap, "harness_fds_after", json_integer(fds));
	json_object_set_new(c->snap, "harness_mounts_before", json_integer(s->mounts));
	json_object_set_new(c->snap, "harness_mounts_after", json_integer(mounts));
	if (fds != s->fds)
		ut_finding_add(&c->r->findings, UT_BROKEN, "harness leaked fds: %d before, %d after",
			       s->fds, fds);
	if (mounts != s->mounts)
		ut_finding_add(&c->r->findings, UT_BROKEN,
			       "harness left mounts: %d before, %d after", s->mounts, mounts);
	free(s);
}

const struct ut_detector ut_det_selfcheck = {
	.name = "selfcheck", .side = UT_DET_SUPERVISOR,
	.before = self_before, .after = self_after,
};
