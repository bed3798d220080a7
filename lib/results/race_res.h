/* SPDX-License-Identifier: GPL-2.0 */
/*
 * race_res.h - --race in the results: the scenario's "race" object,
 * written from the shared memory of the race (race_json.c) and read back
 * by the typed reader (race_read.c):
 *
 *   race: {worker_op, mutator_op, phase, pairing: {rule, pairs}, kmsg,
 *          loops_per_ns: {worker, mutator},
 *          calibration: {iterations, worker_ns, worker_spread_ns, mutator_ns,
 *                        mutator_spread_ns, skew_ns, skew_spread_ns, kmsg_hits,
 *                        and once sweeping: worker_median_ns,
 *                        mutator_median_ns, skew_median_ns},
 *          sequential: {worker: [RETURN...], mutator: [RETURN...]},
 *          sweep: {from_ns, to_ns, bucket_ns, iterations, seconds,
 *                  iterations_per_s},
 *          buckets: [{offset_ns, iterations, hits, kmsg_hits, on_time}],
 *          best: {offset_ns, rate, hits, iterations} or null}
 */
#ifndef UT_RACE_RES_H
#define UT_RACE_RES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "race.h"

/* The "race" object of a race that ran in @x (a new reference). */
json_t *ut_race_json(const struct ut_race_shm *x);

struct ut_race_bucket_rec {
	double offset_ns;
	int64_t iterations, hits;
};

struct ut_race_rec {
	const char *worker_op, *mutator_op;	/* NULL: not a --race result */
	double worker_ns, mutator_ns, skew_ns;	/* calibration */
	struct ut_race_bucket_rec *b;
	int nb;
	bool best;				/* best_* hold a bucket */
	double best_offset_ns, best_rate;
};

/*
 * The "race" object @j (NULL: none) into @r; strings point into @j.  0, or
 * -1 with "race...: what is wrong" in @what.
 */
int ut_race_read(json_t *j, struct ut_race_rec *r, char *what, size_t sz);
void ut_race_free(struct ut_race_rec *r);

#endif
