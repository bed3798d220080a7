// SPDX-License-Identifier: GPL-2.0
/*
 * det_watchdog.c - a worker or mutator whose heartbeat stops for the hang
 * timeout is a hang: say what it is doing, and let the supervisor have the
 * runner abort the layers and kill it.
 */
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "procfs.h"
#include "trace.h"
#include "watchdog.h"

struct dog {
	struct ut_watch w;
	bool started, fired;
};

static void *dog_before(struct ut_det_ctx *c)
{
	(void)c;
	return calloc(1, sizeof(struct dog));
}

static void report(struct ut_det_ctx *c, struct dog *d, double now)
{
	for (int i = 0; i < c->e->sh->nproc; i++) {
		char who[64], desc[8192], *ops;

		if (c->e->ex[i].reaped || ut_watch_idle(&d->w, i, now) < c->hang_timeout)
			continue;
		ut_proc_name(c->e, i, who, sizeof(who));
		ut_task_describe(c->e->sh->proc[i].pid, desc, sizeof(desc));
		ops = ut_trace_last_text(c->e, i, 4);
		ut_finding_add(&c->r->findings, UT_HANG,
			       "%s made no progress for %.1f s\n%s\nlast ops:%s", who,
			       ut_watch_idle(&d->w, i, now), desc, ops ? ops : "");
		free(ops);
	}
}

static void sysrq_w(struct ut_det_ctx *c)
{
	/* Blocked-task dump into the kernel log, kept as evidence. */
	int err = ut_write_small("/proc/sysrq-trigger", "w");

	if (!err)
		ut_finding_add(&c->r->findings, UT_PASS,
			       "sysrq-w: blocked tasks dumped to the kernel log (see kmsg)");
	else
		ut_finding_add(&c->r->findings, UT_PASS, "sysrq-w unavailable: %s",
			       strerror(-err));
}

static bool dog_tick(struct ut_det_ctx *c, void *state, double now)
{
	struct dog *d = state;

	if (d->fired || !c->e->sh || !c->e->sh->nproc)
		return false;
	if (!d->started) {
		if (ut_watch_init(&d->w, c->e, now))
			return false;
		d->started = true;
	}
	if (ut_watch_stuck(&d->w, c->e, now, c->hang_timeout) < 0)
		return false;
	report(c, d, now);
	if (c->sysrq)
		sysrq_w(c);
	d->fired = true;
	c->hung = true;
	return true;
}

static void dog_after(struct ut_det_ctx *c, void *state)
{
	struct dog *d = state;

	(void)c;
	if (d && d->started)
		ut_watch_free(&d->w);
	free(d);
}

const struct ut_detector ut_det_watchdog = {
	.name = "watchdog", .side = UT_DET_SUPERVISOR,
	.before = dog_before, .after = dog_after, .tick = dog_tick,
};
