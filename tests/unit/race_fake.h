/* SPDX-License-Identifier: GPL-2.0 */
/*
 * race_fake.h - what the made-up races of test_race*.c share: ops that
 * run for a while on the CPU, and the race loop run for real on them.
 */
#ifndef UT_TEST_RACE_FAKE_H
#define UT_TEST_RACE_FAKE_H

#include <check.h>

#include "engine.h"
#include "race.h"
#include "race_spin.h"

static inline void busy_ns(int64_t ns)
{
	int64_t end = ut_race_ns() + ns;

	while (ut_race_ns() < end)
		;
}

/* @e (one worker, one mutator, no layers) races as @cfg says for @secs; its shm. */
static inline struct ut_race_shm *race_fake_run(struct ut_engine *e,
						const struct ut_race_cfg *cfg, double secs)
{
	struct ut_race_shm *x;

	for (int w = 0; w < UT_AT_NR; w++)
		e->base.fd[w] = -1;
	ck_assert_int_eq(ut_engine_map(e, 2), 0);
	x = e->sh->x;
	ut_race_shm_init(x, cfg, secs, 10);
	ck_assert_int_eq(ut_engine_start(e, 5), 0);
	ut_engine_go(e);
	ut_sleep(secs);
	ut_engine_stop(e);
	ck_assert_int_eq(ut_engine_reap(e, 5), 0);
	return x;
}

#endif
