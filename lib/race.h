/* SPDX-License-Identifier: GPL-2.0 */
/*
 * race.h - --race W:M: one worker op against one mutator op, lined up in
 * time (in the spirit of LTP's fuzzy sync).  One worker and one mutator
 * process meet at a barrier in shared memory before every iteration and
 * then each issue their one op on names that touch the same entry:
 *
 *   calibration  the two ops one after the other (worker first, then
 *                mutator first, alternately): each op's duration, the
 *                barrier's exit skew, and the returns each op gives when
 *                it runs alone (its "sequential outcomes");
 *   sweep        both ops at once, one of them started late by a start
 *                offset swept over [-dur(M), +dur(W)] (dur: the median
 *                duration in calibration) in UT_RACE_BUCKETS buckets, in
 *                rounds that visit each bucket once in a random order.
 *
 * Offsets are "mutator start - worker start" in ns: > 0 the mutator starts
 * that much after the worker, < 0 the worker after the mutator.  A hit is
 * an iteration after which the kernel logged a crash, hang or leak record
 * (kmsg.c's classifier), or in which either op returned something it never
 * returned in calibration.
 *
 * Files: race_cfg.c (W:M), race_pair.c (names), race_math.c (buckets,
 * statistics), race_spin.c (busy delays, for reproducers too), race.c
 * (the loop), results/race_json.c and results/race_read.c (results).
 */
#ifndef UT_RACE_H
#define UT_RACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prng.h"
#include "scenario.h"

#define UT_RACE_BUCKETS	16
/*
 * Calibration: UT_RACE_CALIB iterations; fewer (UT_RACE_CALIB_MIN at
 * least) when they take more than UT_RACE_CALIB_SHARE of the run time,
 * and fewer still (2: one of each order) after twice that.
 */
#define UT_RACE_CALIB		256
#define UT_RACE_CALIB_MIN	16
#define UT_RACE_CALIB_SHARE	0.25
#define UT_RACE_MAX_PAIRS 8192
#define UT_RACE_MASK_WORDS ((UT_NBUCKET + 63) / 64)

/* Which ops race: indices into the scenario's tables. */
struct ut_race_cfg {
	const struct ut_scenario *sc;
	int wop, mop;
};

/* "W:M" as given: both parts there.  0, or -1 with one line in @err. */
int ut_race_syntax(const char *spec, char *err, size_t sz);
/*
 * "W:M" against @sc: W one of its worker ops, M one of its mutator ops.
 * 0, or -1 with one line in @err naming what is wrong.
 */
int ut_race_resolve(const struct ut_scenario *sc, const char *spec, struct ut_race_cfg *out,
		    char *err, size_t sz);

/* ---- names: which entry both ops touch (race_pair.c) ---- */

/*
 * What an op's names can be: the held directories it may go through (a
 * worker op rooted at UT_AT_HELD; nhold 0 otherwise) and its pool (npool
 * 0 when it picks no name).
 */
struct ut_race_side {
	const char *const *hold;
	int nhold;
	const char *const *pool;
	int npool;
};

/* One iteration's names: the worker's held dirfd and name, the mutator's name. */
struct ut_race_pair {
	int held;		/* index into hold, -1 none */
	const char *w, *m;	/* NULL: that op picks no name */
};

/*
 * Do the paths @a and @b name the same entry, or one lie below the other
 * ("a" and "a/f0")?  "." components and empty paths name nothing.
 */
bool ut_race_related(const char *a, const char *b);
/*
 * The pairing rule: every (held dir, worker name, mutator name) whose
 * worker path "HELD/NAME" (or just HELD, or just NAME) is related to the
 * mutator's name, at most @max of them into @out.  Returns the count; 0
 * when the two ops have no entry in common (then names are drawn apart).
 */
int ut_race_pairs(const struct ut_race_side *w, const struct ut_race_side *m,
		  struct ut_race_pair *out, int max);

/* ---- offsets, buckets, statistics (race_math.c) ---- */

/* Mean and spread, one value at a time (Welford). */
struct ut_race_stat {
	uint64_t n;
	double mean, m2;
};

void ut_race_stat_add(struct ut_race_stat *s, double x);
double ut_race_stat_sd(const struct ut_race_stat *s);
/* The median of @n values (0 for none); @tmp holds @n, @v is left alone. */
int64_t ut_race_median(const int64_t *v, int n, int64_t *tmp);

/* Offsets [lo, lo + n * width) in n buckets of @width ns. */
struct ut_race_sweep {
	int64_t lo, width;
	int n;
};

/*
 * [-@mutator_ns, +@worker_ns] in @n buckets (each at least 1 ns wide; the
 * last one may reach a little past +@worker_ns).
 */
void ut_race_sweep_init(struct ut_race_sweep *s, double worker_ns, double mutator_ns, int n);
/* The bucket holding @off, clamped to the first and last. */
int ut_race_bucket_of(const struct ut_race_sweep *s, int64_t off);
/* The middle of bucket @b, its reported offset. */
int64_t ut_race_bucket_mid(const struct ut_race_sweep *s, int b);
/* An offset in bucket @b: its left edge plus @frac/2^32 of its width. */
int64_t ut_race_offset_in(const struct ut_race_sweep *s, int b, uint32_t frac);
/* A round of the sweep: every bucket once, in an order drawn from @r. */
void ut_race_round(struct ut_rng *r, uint8_t *order, int n);

/*
 * One bucket's counts.  An iteration is on time when the measured start
 * offset (the mutator's clock at its op - the worker's) came within one
 * bucket width of the offset asked for: a busy machine delays either
 * process past any offset, and says so here.
 */
struct ut_race_bucket {
	uint64_t iterations, hits, kmsg_hits, on_time;
};

/*
 * The bucket with the highest hit rate (hits / iterations) among those
 * that ran; ties (a sweep without hits) go to the one whose middle is
 * nearest 0.  -1 when no bucket ran.
 */
int ut_race_best(const struct ut_race_sweep *s, const struct ut_race_bucket *b);

/* Return buckets (errname.h) seen, as a bit set. */
static inline void ut_race_mask_set(uint64_t *m, int bucket)
{
	m[bucket / 64] |= 1ull << (bucket % 64);
}

static inline bool ut_race_mask_has(const uint64_t *m, int bucket)
{
	return m[bucket / 64] >> (bucket % 64) & 1;
}

/* ---- the loop and its shared memory (race.c) ---- */

enum ut_race_phase { UT_RACE_SETUP, UT_RACE_CALIBRATING, UT_RACE_SWEEPING, UT_RACE_DONE };

/* What the worker decided for an iteration; it is the only writer. */
struct ut_race_plan {
	int held;		/* worker's held dirfd, -1 any */
	int order;		/* calibration: 1 worker first, 2 mutator first; 0 together */
	int bucket;		/* sweep: the offset's bucket */
	int64_t offset;		/* sweep: the offset asked for, ns */
	int64_t delay[2];	/* busy delay of worker [0] and mutator [1] after the barrier, ns */
	const char *w[3], *m[3];	/* names for ut_pick(), NULL-ended */
};

/* One process's side of the iteration; only that process writes it. */
struct ut_race_side_shm {
	volatile uint64_t arrived;	/* the iteration it reached the barrier for */
	volatile uint64_t done;		/* the iteration whose op it finished */
	volatile int left;		/* it left the loop */
	volatile int cpu;		/* the CPU it waits on */
	int pinned;			/* the CPU it is bound to, -1 none */
	int32_t ret;			/* its op's last return */
	int picks;			/* names its op picked, most seen */
	bool used_held;			/* its op went through a held dirfd */
	int64_t t_exit, t_start;	/* ns: left the barrier, issued the op */
	struct ut_race_stat dur;	/* op duration in calibration, ns */
	int64_t dur_v[UT_RACE_CALIB];	/* and each of them */
	double loops_per_ns;		/* its busy loop's speed */
} __attribute__((aligned(64)));

/* ut_shared.x in --race mode.  Zeroed by the engine's mapping. */
struct ut_race_shm {
	/* the supervisor's, before the runner forks */
	struct ut_race_cfg cfg;
	double runtime_s, peer_wait_s;
	struct ut_race_plan plan;
	struct ut_race_side_shm side[2];	/* [UT_WORKER], [UT_MUTATOR] */
	/* the worker's findings */
	volatile int phase;
	uint64_t calib_iters, calib_kmsg, sweep_iters;
	int npairs;
	int kmsg;			/* 1 read, else -errno why not */
	int64_t sweep_t0, sweep_t1;	/* ns: sweep began, its last iteration ended */
	struct ut_race_stat skew;	/* mutator's barrier exit - worker's, ns */
	int64_t skew_v[UT_RACE_CALIB];
	/* medians, at the sweep's start: preemption makes the means long */
	int64_t worker_med, mutator_med, skew_med;
	struct ut_race_sweep sweep;
	struct ut_race_bucket b[UT_RACE_BUCKETS];
	uint64_t seen[2][UT_RACE_MASK_WORDS];	/* sequential returns */
};

/* Fill @x before the fork: what races and for how long. */
void ut_race_shm_init(struct ut_race_shm *x, const struct ut_race_cfg *cfg, double runtime_s,
		      double hang_timeout_s);
/* The engine's loop for both processes (ut_engine.loop). */
struct ut_engine;
struct ut_proc;
void ut_race_loop(struct ut_engine *e, struct ut_proc *p, struct ut_ctx *c);

#endif
