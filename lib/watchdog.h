/* SPDX-License-Identifier: GPL-2.0 */
/* watchdog.h - heartbeats to stuck tasks, and what a stuck task is doing. */
#ifndef UT_WATCHDOG_H
#define UT_WATCHDOG_H

#include <stddef.h>
#include <sys/types.h>

#include "engine.h"

struct ut_watch {
	int n;
	uint64_t *seq;		/* heartbeat seen last */
	double *since;		/* when it last moved */
};

int ut_watch_init(struct ut_watch *w, const struct ut_engine *e, double now);
/*
 * Index of a process that is running (not reaped) and whose heartbeat has
 * not moved for @timeout seconds, or -1.
 */
int ut_watch_stuck(struct ut_watch *w, const struct ut_engine *e, double now,
		   double timeout);
/* Seconds since process @i last made progress. */
double ut_watch_idle(const struct ut_watch *w, int i, double now);
void ut_watch_free(struct ut_watch *w);

/* state, wchan, /proc/PID/syscall and /proc/PID/stack of a task, as text. */
void ut_task_describe(pid_t pid, char *buf, size_t sz);
/* The single-letter state of a task ('D', 'S', ...), or '?' if gone. */
char ut_task_state(pid_t pid);

#endif
