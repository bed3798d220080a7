/* SPDX-License-Identifier: GPL-2.0 */
/*
 * race_spin.h - busy delays measured in ns, for --race and for the
 * reproducers made from its results.
 *
 * A delay is a count of turns of an empty loop.  How many turns make a ns
 * depends on the CPU, its clock at the time and the compiler, so nothing
 * ever records turns: offsets are recorded in ns, and whoever delays
 * (each --race process, a reproducer) measures its own loop first
 * (ut_spin_calibrate: the fastest of UT_SPIN_TRIES runs of UT_SPIN_LOOPS
 * turns, the run least disturbed by interrupts and preemption).
 *
 * A reproducer carries the same code: ut_spin_source() gives it as C text
 * (functions repro_ns, repro_spin_calibrate, repro_spin_ns, repro_delays),
 * and the program calls repro_spin_calibrate() once at its start.
 */
#ifndef UT_RACE_SPIN_H
#define UT_RACE_SPIN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define UT_SPIN_LOOPS	(1u << 18)
#define UT_SPIN_TRIES	5

/* CLOCK_MONOTONIC in ns: comparable between processes. */
static inline int64_t ut_race_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* @n turns of the empty loop. */
void ut_spin_loops(uint64_t n);
/* Turns of the loop per ns on this CPU, now (> 0). */
double ut_spin_calibrate(void);
/* Spin about @ns ns (nothing for ns <= 0) at @loops_per_ns. */
void ut_spin_ns(double loops_per_ns, int64_t ns);

/*
 * Who waits how long after leaving the common barrier so that the mutator
 * starts @offset_ns after the worker (race.h's sign), when the mutator
 * leaves the barrier @skew_ns after the worker: delay[0] the worker's,
 * delay[1] the mutator's; one of them is 0.
 */
void ut_race_delays(int64_t offset_ns, int64_t skew_ns, int64_t delay[2]);

/*
 * The C text of the four functions above, renamed repro_*, for an emitted
 * reproducer (it needs <stdint.h> and <time.h>).  The length it needs, as
 * snprintf; at most @sz bytes into @buf.
 */
int ut_spin_source(char *buf, size_t sz);

#endif
