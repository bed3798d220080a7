// SPDX-License-Identifier: GPL-2.0
/* race_read.c - a result's "race" object (race_res.h), checked, into struct ut_race_rec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfields.h"
#include "race_res.h"

struct top {
	json_t *cal, *buckets;
};

static const struct ut_jfield top_f[] = {
	{ "worker_op", UT_J_NAME, UT_J_ALWAYS, offsetof(struct ut_race_rec, worker_op) },
	{ "mutator_op", UT_J_NAME, UT_J_ALWAYS, offsetof(struct ut_race_rec, mutator_op) },
};

static const struct ut_jfield raw_f[] = {
	{ "calibration", UT_J_OBJECT, UT_J_ALWAYS, offsetof(struct top, cal) },
	{ "buckets", UT_J_ARRAY, UT_J_ALWAYS, offsetof(struct top, buckets) },
};

static const struct ut_jfield cal_f[] = {
	{ "worker_ns", UT_J_SECS, UT_J_ALWAYS, offsetof(struct ut_race_rec, worker_ns) },
	{ "mutator_ns", UT_J_SECS, UT_J_ALWAYS, offsetof(struct ut_race_rec, mutator_ns) },
	{ "skew_ns", UT_J_NUM, UT_J_ALWAYS, offsetof(struct ut_race_rec, skew_ns) },
};

static const struct ut_jfield bucket_f[] = {
	{ "offset_ns", UT_J_NUM, UT_J_ALWAYS, offsetof(struct ut_race_bucket_rec, offset_ns) },
	{ "iterations", UT_J_ID, UT_J_ALWAYS, offsetof(struct ut_race_bucket_rec, iterations) },
	{ "hits", UT_J_ID, UT_J_ALWAYS, offsetof(struct ut_race_bucket_rec, hits) },
};

struct best {
	double offset_ns, rate;
};

static const struct ut_jfield best_f[] = {
	{ "offset_ns", UT_J_NUM, UT_J_ALWAYS, offsetof(struct best, offset_ns) },
	{ "rate", UT_J_SECS, UT_J_ALWAYS, offsetof(struct best, rate) },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int read_buckets(json_t *a, struct ut_race_rec *r, char *what, size_t sz)
{
	char sub[200];
	json_t *v;
	size_t i;

	r->b = calloc(json_array_size(a) + 1, sizeof(*r->b));
	if (!r->b) {
		snprintf(what, sz, "out of memory");
		return -1;
	}
	json_array_foreach(a, i, v) {
		struct ut_race_bucket_rec *b = &r->b[i];

		if (!json_is_object(v) || ut_jfields(v, bucket_f, N(bucket_f), UT_J_ALWAYS, b,
						     sub, sizeof(sub))) {
			snprintf(what, sz, "race.buckets[%zu]: %s", i,
				 json_is_object(v) ? sub : "want an object");
			return -1;
		}
		if (b->hits > b->iterations) {
			snprintf(what, sz, "race.buckets[%zu]: hits %lld > iterations %lld", i,
				 (long long)b->hits, (long long)b->iterations);
			return -1;
		}
		r->nb++;
	}
	return 0;
}

/* "best": a bucket, or null when none ran. */
static int read_best(json_t *v, struct ut_race_rec *r, char *what, size_t sz)
{
	struct best b;
	char sub[200];

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v) || ut_jfields(v, best_f, N(best_f), UT_J_ALWAYS, &b, sub,
					     sizeof(sub)) || b.rate > 1) {
		snprintf(what, sz, "race.best: %s", !json_is_object(v) ? "want an object or null" :
			 b.rate > 1 ? "rate: want 0..1" : sub);
		return -1;
	}
	r->best = true;
	r->best_offset_ns = b.offset_ns;
	r->best_rate = b.rate;
	return 0;
}

int ut_race_read(json_t *j, struct ut_race_rec *r, char *what, size_t sz)
{
	struct top t;
	char sub[200];

	memset(r, 0, sizeof(*r));
	if (!j)
		return 0;
	if (ut_jfields(j, top_f, N(top_f), UT_J_ALWAYS, r, sub, sizeof(sub)) ||
	    ut_jfields(j, raw_f, N(raw_f), UT_J_ALWAYS, &t, sub, sizeof(sub))) {
		snprintf(what, sz, "race: %s", sub);
		return -1;
	}
	if (ut_jfields(t.cal, cal_f, N(cal_f), UT_J_ALWAYS, r, sub, sizeof(sub))) {
		snprintf(what, sz, "race.calibration: %s", sub);
		return -1;
	}
	if (read_buckets(t.buckets, r, what, sz))
		return -1;
	return read_best(json_object_get(j, "best"), r, what, sz);
}

void ut_race_free(struct ut_race_rec *r)
{
	free(r->b);
	memset(r, 0, sizeof(*r));
}
