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

#define UMOUNT_RETRIES	20	/* x 50 ms before EBUSY is a finding */

static void umount_after(struct ut_det_ctx *c, void *state)
{
	const char *m = c->lay->merged;

	(void)state;
	if (!c->mounted)
		return;
	/*
	 * A file released by an io-wq worker or a delayed fput can keep the
	 * mount busy for a moment after the last process exits: retry first.
	 */
	for (int i = 0; i < UMOUNT_RETRIES; i++) {
		if (umount2(m, 0) == 0) {
			c->mounted = false;
			return;
		}
		if (errno != EBUSY)
			break;
		ut_sleep(0.05);
	}
	if (errno == EBUSY && !c->hung) {
		char who[2048];
		int n = ut_find_holders(m, who, sizeof(who));

		ut_finding_add(&c->r->findings, UT_LEAK,
			       "overlay busy at umount (EBUSY) after every worker exited: %s",
			       n ? who : "no process holds it: a kernel reference");
		c->busy = true;
	} else if (errno != EBUSY) {
		ut_finding_add(&c->r->findings, UT_BROKEN, "umount overlay: %s", strerror(errno));
	}
	if (umount2(m, MNT_DETACH) == 0)
		c->mounted = false;
}

const struct ut_detector ut_det_umount = {
	.name = "umount", .side = UT_DET_RUNNER, .bound_s = 10, .after = umount_after,
};
