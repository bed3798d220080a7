// SPDX-License-Identifier: GPL-2.0
/*
 * race_spin.c - busy delays in ns: the loop, its calibration, who delays
 * for an offset, and the same code as text for reproducers.
 */
#include <stdio.h>

#include "race_spin.h"

void ut_spin_loops(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		__asm__ __volatile__("" ::: "memory");
}

double ut_spin_calibrate(void)
{
	double best = 0;

	for (int i = 0; i < UT_SPIN_TRIES; i++) {
		int64_t t0 = ut_race_ns(), t;

		ut_spin_loops(UT_SPIN_LOOPS);
		t = ut_race_ns() - t0;
		if (t > 0 && (double)UT_SPIN_LOOPS / t > best)
			best = (double)UT_SPIN_LOOPS / t;
	}
	return best > 0 ? best : 1;
}

void ut_spin_ns(double loops_per_ns, int64_t ns)
{
	if (ns > 0)
		ut_spin_loops((uint64_t)(ns * loops_per_ns));
}

void ut_race_delays(int64_t offset_ns, int64_t skew_ns, int64_t delay[2])
{
	int64_t d = offset_ns - skew_ns;

	delay[0] = d < 0 ? -d : 0;
	delay[1] = d > 0 ? d : 0;
}

/* Keep in step with the functions above: test_race.c compiles and runs it. */
static const char source[] =
	"/*\n"
	" * Busy delays as undertow --race measured its offsets (lib/race_spin.c).\n"
	" * Offsets are in ns; the loop's speed is this machine's own, so call\n"
	" * repro_spin_calibrate() once before the first delay.\n"
	" */\n"
	"static double repro_loops_per_ns = 1;\n"
	"\n"
	"static int64_t repro_ns(void)\n"
	"{\n"
	"\tstruct timespec ts;\n"
	"\n"
	"\tclock_gettime(CLOCK_MONOTONIC, &ts);\n"
	"\treturn (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;\n"
	"}\n"
	"\n"
	"static void repro_spin_loops(uint64_t n)\n"
	"{\n"
	"\tfor (uint64_t i = 0; i < n; i++)\n"
	"\t\t__asm__ __volatile__(\"\" ::: \"memory\");\n"
	"}\n"
	"\n"
	"/* Turns per ns: the fastest of %d runs of %u turns (the least disturbed). */\n"
	"static void repro_spin_calibrate(void)\n"
	"{\n"
	"\tdouble best = 0;\n"
	"\n"
	"\tfor (int i = 0; i < %d; i++) {\n"
	"\t\tint64_t t0 = repro_ns(), t;\n"
	"\n"
	"\t\trepro_spin_loops(%uu);\n"
	"\t\tt = repro_ns() - t0;\n"
	"\t\tif (t > 0 && %u.0 / t > best)\n"
	"\t\t\tbest = %u.0 / t;\n"
	"\t}\n"
	"\trepro_loops_per_ns = best > 0 ? best : 1;\n"
	"}\n"
	"\n"
	"static void repro_spin_ns(int64_t ns)\n"
	"{\n"
	"\tif (ns > 0)\n"
	"\t\trepro_spin_loops((uint64_t)(ns * repro_loops_per_ns));\n"
	"}\n"
	"\n"
	"/*\n"
	" * offset_ns: mutator start - worker start (undertow's race.best.offset_ns);\n"
	" * skew_ns: how much later the mutator leaves the common barrier than the\n"
	" * worker (0 if not measured).  Each side spins its delay after the barrier.\n"
	" */\n"
	"static void repro_delays(int64_t offset_ns, int64_t skew_ns, int64_t delay[2])\n"
	"{\n"
	"\tint64_t d = offset_ns - skew_ns;\n"
	"\n"
	"\tdelay[0] = d < 0 ? -d : 0;\n"
	"\tdelay[1] = d > 0 ? d : 0;\n"
	"}\n";

int ut_spin_source(char *buf, size_t sz)
{
	return snprintf(buf, sz, source, UT_SPIN_TRIES, UT_SPIN_LOOPS, UT_SPIN_TRIES,
			UT_SPIN_LOOPS, UT_SPIN_LOOPS, UT_SPIN_LOOPS);
}
