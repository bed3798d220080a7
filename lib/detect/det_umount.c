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
#define RELEASING_S	2.5	/* more still, while a kernel thread releases files */
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

static void released(struct ut_det_ctx *c, double t0, const char *why)
{
	ut_finding_add(&c->r->findings, UT_PASS, "overlay busy at umount for %.1f s after "
		       "every worker exited, then released (no process held it)%s",
		       ut_now() - t0, why);
	c->mounted = false;
}

/*
 * Still busy, no process holds it: a kernel thread that is visibly
 * releasing files gets RELEASING_S more; otherwise, or if that is not
 * enough, a leak that says which kernel threads were at it (none, for a
 * reference nothing will drop).  True when it was released after all.
 */
static bool kernel_reference(struct ut_det_ctx *c, const char *m, double t0)
{
	char rel[1024], why[1100];
	int k = ut_find_releasers(rel, sizeof(rel));

	if (k && !umount_retrying(m, RELEASING_S)) {
		snprintf(why, sizeof(why), "; kernel threads were releasing files: %s", rel);
		released(c, t0, why);
		return true;
	}
	ut_finding_add(&c->r->findings, UT_LEAK, "overlay busy at umount (EBUSY) after every "
		       "worker exited: no process holds it: a kernel reference\n%s%s",
		       k ? "kernel threads still releasing files: " : "no kernel thread was "
		       "releasing files (io_ring_exit_work, delayed_fput, __fput)", k ? rel : "");
	return false;
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
			released(c, t0, "");
			return;
		}
		if (!n && kernel_reference(c, m, t0))
			return;
		if (n)
			ut_finding_add(&c->r->findings, UT_LEAK, "overlay busy at umount (EBUSY) "
				       "after every worker exited: %s", who);
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
