/* SPDX-License-Identifier: GPL-2.0 */
/* busy.h - the made-up races' ops (test_race*.c) run for @ns on the CPU. */
#ifndef UT_TEST_BUSY_H
#define UT_TEST_BUSY_H

#include "race_spin.h"

static inline void busy_ns(int64_t ns)
{
	int64_t end = ut_race_ns() + ns;

	while (ut_race_ns() < end)
		;
}

#endif
