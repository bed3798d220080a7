// SPDX-License-Identifier: GPL-2.0
/*
 * det_umount.c - runner side: unmount the overlay plainly first.  EBUSY
 * after every worker exited means something still holds it: a leak, with
 * the holders named.
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "detector.h"
#include "holders.h"

#define UMOUNT_RETRY_S	1.0	/* of EBUSY before the holders are looked for */
#define KERNEL_REF_S	5.0	/* more, when no process holds it */
#define RETRY_STEP_S	0.05

/* umount2 every RETRY_STEP_S for @secs while EBUSY: 0, or the last errno. */
static int umount_retrying(const char *m, double secs)
{
	for (double t = 0; t < secs; t += RETRY_STEP_S) {
		if (umount2(m, 0) == 0)
			return 0;
		if (errno != EBUSY)
			return errno;
		ut_sleep(RETRY_STEP_S);
	}
	return EBUSY;
}

static void umount_after(struct ut_det_ctx *c, void *state)
{
	const char *m = c->lay->merged;
	double t0 = ut_now();
	int err;

	(void)state;
	if (!c->mounted)
		return;
	/*
	 * A file released by an io-wq worker or a delayed fput can keep the
	 * mount busy for a moment after the last process exits: retry first.
	 */
	err = umount_retrying(m, UMOUNT_RETRY_S);
	if (err == EBUSY && !c->hung) {
		char who[2048];
		int n = ut_find_holders(m, who, sizeof(who));

		/*
		 * No process: a kernel reference, or a release still queued
		 * (io_uring's ring exit work, task_work on a slow VM).  A leak
		 * stays; a queued release goes within seconds.
		 */
		if (!n && !(err = umount_retrying(m, KERNEL_REF_S))) {
			ut_finding_add(&c->r->findings, UT_PASS, "overlay busy at umount for "
				       "%.1f s after every worker exited, then released (no "
				       "process held it)", ut_now() - t0);
			c->mounted = false;
			return;
		}
		ut_finding_add(&c->r->findings, UT_LEAK,
			       "overlay busy at umount (EBUSY) after every worker exited: %s",
			       n ? who : "no process holds it: a kernel reference");
		c->busy = true;
	} else if (err == 0) {
		c->mounted = false;
		return;
	} else if (err != EBUSY) {
		ut_finding_add(&c->r->findings, UT_BROKEN, "umount overlay: %s", strerror(err));
	}
	if (umount2(m, MNT_DETACH) == 0)
		c->mounted = false;
}

const struct ut_detector ut_det_umount = {
	.name = "umount", .side = UT_DET_RUNNER, .bound_s = 10, .after = umount_after,
};
