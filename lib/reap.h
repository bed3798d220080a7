/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reap.h - waiting for one child within a bound.  A child stuck in D state
 * (on a FUSE server that stopped answering, in mkfs on a dying loop
 * device) must cost its caller a bounded wait, never the run.
 */
#ifndef UT_REAP_H
#define UT_REAP_H

#include <sys/types.h>

/* Wait up to @bound_s for @pid.  1 reaped (status in *status), 0 not yet, -errno. */
int ut_reap_within(pid_t pid, double bound_s, int *status);
/*
 * Wait up to @bound_s, then SIGKILL and wait up to @kill_s more.  0 once
 * reaped (also -ECHILD: someone else did), -ETIMEDOUT if it never ended
 * (it is left behind), other -errno.  @status may be NULL.
 */
int ut_reap_or_kill(pid_t pid, double bound_s, double kill_s, int *status);

#endif
