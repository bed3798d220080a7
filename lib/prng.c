// SPDX-License-Identifier: GPL-2.0
/* prng.c - seeding for the per-process PRNG, and FNV-1a. */
#include <string.h>

#include "prng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void ut_rng_seed(struct ut_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t ut_fnv1a(const char *s)
{
	return ut_fnv1a_buf(s, strlen(s));
}

uint64_t ut_fnv1a_buf(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void ut_rng_seed_for(struct ut_rng *r, uint64_t run_seed, const char *scenario,
		     int role, int idx)
{
	uint64_t x = run_seed ^ ut_fnv1a(scenario);

	x ^= ((uint64_t)role << 56) ^ ((uint64_t)(unsigned)idx << 32);
	ut_rng_seed(r, splitmix64(&x));
}
