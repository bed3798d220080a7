/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taint.h - read and decode the kernel taint mask.
 *
 * Bit numbers and letters follow kernel/panic.c taint_flags and
 * Documentation/admin-guide/tainted-kernels.rst; bit 19 (J, fwctl) is the
 * newest known one.
 */
#ifndef UT_TAINT_H
#define UT_TAINT_H

#include <stddef.h>

#define UT_TAINT_BAD_PAGE	5	/* B */
#define UT_TAINT_MACHINE_CHECK	4	/* M */
#define UT_TAINT_DIE		7	/* D: oops or BUG */
#define UT_TAINT_WARN		9	/* W */
#define UT_TAINT_SOFTLOCKUP	14	/* L */

/* Bits whose appearance during a run is a finding, see ut_taint_bad(). */
#define UT_TAINT_BAD_MASK	((1UL << UT_TAINT_BAD_PAGE) |		\
				 (1UL << UT_TAINT_MACHINE_CHECK) |	\
				 (1UL << UT_TAINT_DIE) |		\
				 (1UL << UT_TAINT_WARN) |		\
				 (1UL << UT_TAINT_SOFTLOCKUP))

/* Read /proc/sys/kernel/tainted.  0 or -errno (-EINVAL if unparsable). */
int ut_taint_read(unsigned long *out);

/*
 * Write the letters of the set bits, lowest bit first ("DW" for D and W;
 * "" for 0).  Bits the kernel has no letter for print as '?'.  Output is
 * cut to fit and always NUL-terminated when sz > 0.
 */
void ut_taint_letters(unsigned long mask, char *buf, size_t sz);

/* Bits set in after but not in before that are in UT_TAINT_BAD_MASK. */
unsigned long ut_taint_bad(unsigned long before, unsigned long after);

#endif
