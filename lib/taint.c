// SPDX-License-Identifier: GPL-2.0
/*
 * taint.c - read and decode the kernel taint mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "taint.h"

#define TAINT_PATH	"/proc/sys/kernel/tainted"

/*
 * Letter of bit i.  Bit 0 prints 'P' when set ('G' only stands for its
 * absence in "Tainted:" lines, and we print set bits only).
 */
static const char taint_chars[] = "PFSRMBUDAWCIOELKXTNJ";

int ut_taint_read(unsigned long *out)
{
	char buf[64], *s;
	unsigned long v;
	ssize_t n;

	if (!out)
		return -EINVAL;
	n = ut_read_small(TAINT_PATH, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	for (s = buf; *s == ' ' || *s == '\t'; s++)
		;
	/* strtoul() would take "-1" */
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, NULL, 10);
	if (errno)
		return -errno;
	*out = v;
	return 0;
}

void ut_taint_letters(unsigned long mask, char *buf, size_t sz)
{
	const unsigned int nknown = sizeof(taint_chars) - 1;
	size_t len = 0;
	unsigned int i;

	if (!buf || !sz)
		return;
	for (i = 0; i < sizeof(mask) * CHAR_BIT && len + 1 < sz; i++) {
		if (!(mask & (1UL << i)))
			continue;
		buf[len++] = i < nknown ? taint_chars[i] : '?';
	}
	buf[len] = '\0';
}

/*
 * Findings: B (bad page), D (oops/BUG), L (soft lockup) and W (warning)
 * are set by the kernel when it hits a bug; M (machine check) means the
 * hardware failed under us, so the run cannot be trusted either.
 * Not findings: P F R O E C K X (module loading/unloading, livepatch,
 * distro use), A (ACPI table override), I (firmware workaround), S (CPU
 * out of spec, also set by MSR writes from userspace), U (requested by
 * userspace), T (build option), N (in-kernel tests ran), J (fwctl debug
 * access from userspace).
 */
unsigned long ut_taint_bad(unsigned long before, unsigned long after)
{
	return after & ~before & UT_TAINT_BAD_MASK;
}
