/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engine.h - fork workers and mutators, start them together, run their
 * weighted op loops, stop them, reap them within a bound.
 */
#ifndef UT_ENGINE_H
#define UT_ENGINE_H

#include <stdbool.h>
#include <sys/types.h>

#include "scenario.h"
#include "script.h"

enum ut_role { UT_WORKER = 0, UT_MUTATOR = 1 };

enum ut_pstate {
	UT_P_INIT = 0,	/* forked, setting up */
	UT_P_READY,	/* set up, waiting at the barrier */
	UT_P_RUN,	/* in the op loop */
	UT_P_DONE,	/* left the loop */
};

/* One process's slot in shared memory.  Only its owner writes it. */
struct ut_proc {
	volatile uint64_t seq;		/* ops completed: the heartbeat */
	volatile int state;		/* enum ut_pstate */
	pid_t pid;
	int role, idx;
	int setup_err;			/* -errno if set-up failed */
	struct ut_trace ring[UT_RING];	/* last ops, ring[seq % UT_RING] */
	struct ut_trace first[UT_RING];	/* first ops, for repeatability */
	uint64_t hist[UT_MAX_OPS][UT_NBUCKET];
	uint64_t reached[UT_MAX_OPS];	/* effective calls (scenario.h) */
	int32_t other[UT_MAX_OPS];	/* last return that fell in the "other" bucket */
} __attribute__((aligned(64)));

struct ut_shared {
	volatile int stop;
	int nproc;
	void *x;			/* the loop's own shared memory (ut_engine.xsize) */
	struct ut_proc proc[];
};

/* How a process ended, filled in by the reaper. */
struct ut_exit {
	bool reaped;		/* waitpid() returned for it */
	bool killed_by_us;	/* we sent SIGKILL before it ended */
	int status;		/* wait status */
};

struct ut_engine {
	const struct ut_scenario *sc;
	int nworkers, nmutators;
	uint64_t seed;
	struct ut_ctx base;		/* fds and paths every process inherits */
	struct ut_shared *sh;
	size_t shsize;
	pid_t pgid;
	int barrier_w;			/* closing it releases the barrier */
	struct ut_exit *ex;		/* per process, in the same mapping */
	bool borrowed;			/* the mapping is the caller's */
	const struct ut_script *script;	/* fixed op sequences, NULL = random mix */
	uint32_t off[2];		/* per role: ops left out of the mix (bit = index) */
	uint16_t wt[2][UT_MAX_OPS];	/* per role: weights instead of the declared, 0 = declared */
	/*
	 * Instead of the weighted op mix, each process may run @loop (--race:
	 * race.c), with @xsize bytes of shared memory of its own at sh->x,
	 * zeroed, mapped with the rest (set both before ut_engine_map()).
	 */
	void (*loop)(struct ut_engine *e, struct ut_proc *p, struct ut_ctx *c);
	size_t xsize;
};

/* Did this call of @op reach its path?  (scenario.h: effective) */
bool ut_op_effective(const struct ut_ctx *c, const struct ut_op *op, int ret);

/* Number of ops in a role's table (ends at .name == NULL). */
int ut_nops(const struct ut_op *ops);
const struct ut_op *ut_role_ops(const struct ut_scenario *sc, int role);
/* The mask of every op of a role: what --ops-off may never be. */
uint32_t ut_role_all(const struct ut_scenario *sc, int role);

/*
 * Shared memory for @n processes, their exit records included.  The
 * supervisor maps it before the runner forks, so the heartbeats, traces,
 * histograms and exits outlive a runner the kernel kills.  0 or -errno.
 */
int ut_engine_map(struct ut_engine *e, int n);
void ut_engine_unmap(struct ut_engine *e);

/*
 * Fork all processes (into the mapping of ut_engine_map(), or a new one) and wait (at most @setup_s seconds) until each is at
 * the barrier.  0, or -errno with no process left behind.
 */
int ut_engine_start(struct ut_engine *e, double setup_s);
/* Release the barrier: every process starts its loop. */
void ut_engine_go(struct ut_engine *e);
/* Ask processes to leave their loops. */
void ut_engine_stop(struct ut_engine *e);
/*
 * Wait until every process has exited or @bound_s passed.  Returns the
 * number of processes still not reaped.
 */
int ut_engine_reap(struct ut_engine *e, double bound_s);
/* SIGKILL every unreaped process (and the group), marking them as ours. */
void ut_engine_kill(struct ut_engine *e);
/* Forget (unmap unless borrowed); unreaped processes are left to init. */
void ut_engine_free(struct ut_engine *e);

/* Process slot @i's pid, or -1. */
static inline pid_t ut_engine_pid(const struct ut_engine *e, int i)
{
	return e->sh ? e->sh->proc[i].pid : -1;
}

double ut_now(void);		/* CLOCK_MONOTONIC seconds */
void ut_sleep(double s);

#endif
