// SPDX-License-Identifier: GPL-2.0
/* detectors.c - the table of detectors and its walkers. */
#include <unistd.h>

#include "detector.h"

extern const struct ut_detector ut_det_kmsg, ut_det_taint, ut_det_selfcheck,
	ut_det_watchdog, ut_det_exits, ut_det_errnos, ut_det_umount, ut_det_slab,
	ut_det_kmemleak, ut_det_layers, ut_det_effective, ut_det_coverage, ut_det_lockdep,
	ut_det_failinj, ut_det_bystander, ut_det_bystander_remount, ut_det_blocks;

/*
 * before() runs top down, after() bottom up.  Supervisor side: the kernel
 * log is drained before exits are judged, so a dead runner is judged by
 * what the kernel said; the self-check brackets everything.  Runner side,
 * as teardown: the lost-data check while still mounted, umount (EBUSY is
 * a leak), the same check on a fresh mount, the slab once the overlay is
 * gone, kmemleak, and the layers last.  Coverage comes first: it mounts
 * tracefs (once) before the self-check counts mounts, and reads its counts
 * last, after the runner is gone.  Blocks (an instrumented overlay.ko)
 * bracket coverage: reset first, added to coverage's key last.
 */
const struct ut_detector *const ut_detectors[] = {
	&ut_det_blocks,
	&ut_det_coverage,
	&ut_det_selfcheck,
	&ut_det_taint,
	&ut_det_failinj,
	&ut_det_exits,
	&ut_det_kmsg,
	&ut_det_lockdep,
	&ut_det_watchdog,
	&ut_det_effective,
	&ut_det_errnos,
	&ut_det_layers,
	&ut_det_kmemleak,
	&ut_det_slab,
	&ut_det_bystander_remount,
	&ut_det_umount,
	&ut_det_bystander,
	NULL
};

int ut_detect_count(void)
{
	int n = 0;

	while (ut_detectors[n] && n < UT_DET_MAX)
		n++;
	return n;
}

void ut_detect_before(struct ut_det_ctx *c, enum ut_det_side side)
{
	for (int i = 0; i < ut_detect_count(); i++)
		if (ut_detectors[i]->side == side && ut_detectors[i]->before)
			c->state[i] = ut_detectors[i]->before(c);
}

void ut_detect_after_one(struct ut_det_ctx *c, int i, enum ut_det_side side)
{
	const struct ut_detector *d = ut_detectors[i];

	if (d->side == side && d->after)
		d->after(c, c->state[i]);
	c->state[i] = NULL;
}

void ut_detect_after(struct ut_det_ctx *c, enum ut_det_side side)
{
	for (int i = ut_detect_count() - 1; i >= 0; i--)
		ut_detect_after_one(c, i, side);
}

bool ut_detect_tick(struct ut_det_ctx *c, double now)
{
	bool hang = false;

	for (int i = 0; i < ut_detect_count(); i++)
		if (ut_detectors[i]->tick && c->state[i])
			hang |= ut_detectors[i]->tick(c, c->state[i], now);
	return hang;
}

bool ut_det_is_ours(const struct ut_det_ctx *c, pid_t pid)
{
	if (pid == getpid() || (c->runner && pid == c->runner->pid))
		return true;
	for (int i = 0; c->e && c->e->sh && i < c->e->sh->nproc; i++)
		if (c->e->sh->proc[i].pid == pid)
			return true;
	return c->lay && c->lay->ops && ut_layers_owns_pid(c->lay, pid);
}
