// SPDX-License-Identifier: GPL-2.0
/* race_json.c - a race's shared memory as the result's "race" object (race_res.h). */
#include <string.h>

#include "engine.h"
#include "errname.h"
#include "race_res.h"
#include "results.h"

static const char *const phases[] = {
	[UT_RACE_SETUP] = "setup", [UT_RACE_CALIBRATING] = "calibrating",
	[UT_RACE_SWEEPING] = "sweeping", [UT_RACE_DONE] = "done",
};

static json_t *calibration(const struct ut_race_shm *x)
{
	const struct ut_race_stat *w = &x->side[UT_WORKER].dur, *m = &x->side[UT_MUTATOR].dur;

	json_t *j = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:I}",
			      "iterations", (json_int_t)x->calib_iters,
			      "worker_ns", w->mean, "worker_spread_ns", ut_race_stat_sd(w),
			      "mutator_ns", m->mean, "mutator_spread_ns", ut_race_stat_sd(m),
			      "skew_ns", x->skew.mean, "skew_spread_ns", ut_race_stat_sd(&x->skew),
			      "kmsg_hits", (json_int_t)x->calib_kmsg);

	if (x->phase >= UT_RACE_SWEEPING)	/* what the sweep went by */
		json_object_update_new(j, json_pack("{s:I, s:I, s:I}",
				       "worker_median_ns", (json_int_t)x->worker_med,
				       "mutator_median_ns", (json_int_t)x->mutator_med,
				       "skew_median_ns", (json_int_t)x->skew_med));
	return j;
}

/* The returns an op gave when it ran alone. */
static json_t *seen(const uint64_t *mask)
{
	json_t *a = json_array();

	for (int b = 0; b < UT_NBUCKET; b++)
		if (ut_race_mask_has(mask, b))
			json_array_append_new(a, json_string(ut_bucket_name(b)));
	return a;
}

static json_t *bucket(const struct ut_race_shm *x, int i)
{
	const struct ut_race_bucket *b = &x->b[i];

	return json_pack("{s:I, s:I, s:I, s:I, s:I}",
			 "offset_ns", (json_int_t)ut_race_bucket_mid(&x->sweep, i),
			 "iterations", (json_int_t)b->iterations, "hits", (json_int_t)b->hits,
			 "kmsg_hits", (json_int_t)b->kmsg_hits, "on_time", (json_int_t)b->on_time);
}

static json_t *sweep(const struct ut_race_shm *x, json_t *buckets, json_t **best)
{
	double secs = (x->sweep_t1 - x->sweep_t0) / 1e9;
	int n = x->phase >= UT_RACE_SWEEPING ? x->sweep.n : 0, bi;

	*best = json_null();
	for (int i = 0; i < n; i++)
		json_array_append_new(buckets, bucket(x, i));
	bi = n ? ut_race_best(&x->sweep, x->b) : -1;
	if (bi >= 0)
		*best = json_pack("{s:I, s:f, s:I, s:I}",
				  "offset_ns", (json_int_t)ut_race_bucket_mid(&x->sweep, bi),
				  "rate", (double)x->b[bi].hits / x->b[bi].iterations,
				  "hits", (json_int_t)x->b[bi].hits,
				  "iterations", (json_int_t)x->b[bi].iterations);
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:f}", "from_ns", (json_int_t)x->sweep.lo,
			 "to_ns", (json_int_t)(x->sweep.lo + x->sweep.n * x->sweep.width),
			 "bucket_ns", (json_int_t)x->sweep.width,
			 "iterations", (json_int_t)x->sweep_iters, "seconds", secs,
			 "iterations_per_s", secs > 0 ? x->sweep_iters / secs : 0.0);
}

/* The CPUs the two were bound to, or null when they were not. */
static json_t *cpus(const struct ut_race_shm *x)
{
	int w = x->side[UT_WORKER].pinned, m = x->side[UT_MUTATOR].pinned;

	return w >= 0 && m >= 0 ? json_pack("{s:i, s:i}", "worker", w, "mutator", m) :
	       json_null();
}

json_t *ut_race_json(const struct ut_race_shm *x)
{
	const struct ut_scenario *sc = x->cfg.sc;
	json_t *buckets = json_array(), *best, *sw = sweep(x, buckets, &best);
	int ph = x->phase >= UT_RACE_SETUP && x->phase <= UT_RACE_DONE ? x->phase : 0;

	return json_pack("{s:s, s:s, s:s, s:{s:s, s:i}, s:s, s:{s:f, s:f}, s:o, s:{s:o, s:o}, "
			 "s:o, s:o, s:o, s:o}",
			 "worker_op", sc->workers[x->cfg.wop].name,
			 "mutator_op", sc->mutators[x->cfg.mop].name, "phase", phases[ph],
			 "pairing", "rule", x->npairs > 0 ? "same-entry" : "apart",
			 "pairs", x->npairs,
			 "kmsg", x->kmsg > 0 ? "read" : x->kmsg < 0 ? strerror(-x->kmsg) : "not read",
			 "loops_per_ns", "worker", x->side[UT_WORKER].loops_per_ns,
			 "mutator", x->side[UT_MUTATOR].loops_per_ns,
			 "calibration", calibration(x),
			 "sequential", "worker", seen(x->seen[UT_WORKER]),
			 "mutator", seen(x->seen[UT_MUTATOR]),
			 "sweep", sw, "buckets", buckets, "best", best, "cpus", cpus(x));
}
