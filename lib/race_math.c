// SPDX-License-Identifier: GPL-2.0
/* race_math.c - --race's arithmetic: statistics, the offset sweep and its buckets. */
#include <stdlib.h>
#include <string.h>

#include "race.h"

/* sqrt(x) for x >= 0 by Newton from above: undertow does not link libm. */
static double root(double x)
{
	double r = x > 1 ? x : 1;

	for (int i = 0; x > 0 && i < 2000; i++) {
		double next = (r + x / r) / 2;

		if (next >= r)
			break;
		r = next;
	}
	return x > 0 ? r : 0;
}

static int64_t round_ns(double x)
{
	return x > 0 ? (int64_t)(x + 0.5) : 0;
}

void ut_race_stat_add(struct ut_race_stat *s, double x)
{
	double d = x - s->mean;

	s->n++;
	s->mean += d / s->n;
	s->m2 += d * (x - s->mean);
}

double ut_race_stat_sd(const struct ut_race_stat *s)
{
	return s->n > 1 ? root(s->m2 / (s->n - 1)) : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t ut_race_median(const int64_t *v, int n, int64_t *tmp)
{
	if (n <= 0)
		return 0;
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_i64);
	return n % 2 ? tmp[n / 2] : tmp[n / 2 - 1] + (tmp[n / 2] - tmp[n / 2 - 1]) / 2;
}

void ut_race_sweep_init(struct ut_race_sweep *s, double worker_ns, double mutator_ns, int n)
{
	int64_t lo = -round_ns(mutator_ns), hi = round_ns(worker_ns);

	s->n = n > 0 ? n : 1;
	s->lo = lo;
	/* Round up: the buckets cover the whole range, at least 1 ns each. */
	s->width = (hi - lo + s->n - 1) / s->n;
	if (s->width < 1)
		s->width = 1;
}

int ut_race_bucket_of(const struct ut_race_sweep *s, int64_t off)
{
	int64_t b;

	if (off < s->lo)
		return 0;
	b = (off - s->lo) / s->width;
	return b >= s->n ? s->n - 1 : (int)b;
}

int64_t ut_race_bucket_mid(const struct ut_race_sweep *s, int b)
{
	return s->lo + b * s->width + s->width / 2;
}

int64_t ut_race_offset_in(const struct ut_race_sweep *s, int b, uint32_t frac)
{
	return s->lo + b * s->width + (int64_t)(((uint64_t)frac * (uint64_t)s->width) >> 32);
}

/* Fisher-Yates over 0..n-1. */
void ut_race_round(struct ut_rng *r, uint8_t *order, int n)
{
	for (int i = 0; i < n; i++)
		order[i] = (uint8_t)i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)ut_rng_below(r, (uint32_t)i + 1);
		uint8_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

static double rate(const struct ut_race_bucket *b)
{
	return b->iterations ? (double)b->hits / b->iterations : 0;
}

int ut_race_best(const struct ut_race_sweep *s, const struct ut_race_bucket *b)
{
	int best = -1;

	for (int i = 0; i < s->n; i++) {
		double ri = rate(&b[i]), rb;

		if (!b[i].iterations)
			continue;
		rb = best < 0 ? -1 : rate(&b[best]);
		if (ri > rb || (ri == rb && llabs(ut_race_bucket_mid(s, i)) <
					    llabs(ut_race_bucket_mid(s, best))))
			best = i;
	}
	return best;
}
