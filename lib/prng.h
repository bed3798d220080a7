/* SPDX-License-Identifier: GPL-2.0 */
/* prng.h - per-process PRNG (xoshiro256**, seeded through splitmix64). */
#ifndef UT_PRNG_H
#define UT_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct ut_rng {
	uint64_t s[4];
};

void ut_rng_seed(struct ut_rng *r, uint64_t seed);
/* Seed from (run seed, scenario name, role, index): repeatable per process. */
void ut_rng_seed_for(struct ut_rng *r, uint64_t run_seed, const char *scenario,
		     int role, int idx);
uint64_t ut_fnv1a(const char *s);
uint64_t ut_fnv1a_buf(const void *p, size_t n);	/* FNV-1a 64 of @n bytes */

static inline uint64_t ut_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t ut_rng_next(struct ut_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = ut_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = ut_rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n) without a division (Lemire's multiply-shift). */
static inline uint32_t ut_rng_below(struct ut_rng *r, uint32_t n)
{
	return (uint32_t)(((ut_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#endif
