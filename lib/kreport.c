// SPDX-License-Identifier: GPL-2.0
/*
 * kreport.c - sum up KASAN and lockdep reports from kernel log records,
 * and tell the emulator's from the kernel's.
 * The formats are the kernel's (mm/kasan/report.c, kernel/locking/
 * lockdep.c): a KASAN report is a "BUG: KASAN: TYPE in FUNC" header, a
 * "Read|Write of size N at addr A by task T" line, the call trace, then
 * "Allocated by task" and "Freed by task" stacks; a lockdep splat names
 * its locks in "-> #N (NAME){...}" lines (circular) or in "(NAME){...}"
 * lines after "is trying to acquire".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kreport.h"

#define REPORT_LINES	200	/* a report is never longer than this */
#define OTHER_LOCKS	3	/* locks named for a splat other than circular */
/*
 * RFLAGS bits a CPU always pushes as 0 (SDM vol. 1, 3.4.3: bits 3, 5, 15
 * and 22-63 are reserved); bit 1 it always pushes as 1.
 */
#define RFLAGS_RESERVED_0	0xffffffffffc08028ULL
#define RFLAGS_RESERVED_1	0x2ULL

/*
 * Record @i's text.  /dev/kmsg escapes a newline inside a record as
 * "\x0a": lockdep prints "\n-> #1 (...)" as one record, so leading ones
 * are skipped.
 */
static const char *line_at(const json_t *lines, size_t i)
{
	const char *s = json_string_value(json_array_get(lines, i)) ?: "";

	while (!strncmp(s, "\\x0a", 4))
		s += 4;
	return s;
}

/* Is @s a new report's header (the end of the one before)? */
static bool is_header(const char *s)
{
	return !strncmp(s, "BUG: ", 5) || !strncmp(s, "WARNING: ", 9) ||
	       !strncmp(s, "=====", 5) || !strncmp(s, "undertow: ", 10);
}

/* A call trace frame of overlayfs: "ovl_x+0x1/0x2 [overlay]" or built in. */
static bool is_ovl_frame(const char *s)
{
	s += strspn(s, " ?");
	return (!strncmp(s, "ovl_", 4) && strstr(s, "+0x")) || strstr(s, " [overlay]");
}

static void kasan_summary(const json_t *lines, size_t i, char *out, size_t sz)
{
	const char *hdr = line_at(lines, i) + strlen("BUG: KASAN: "), *access = NULL;
	const char *frame = NULL;
	bool alloc = false, freed = false;
	size_t n = json_array_size(lines), end = i + REPORT_LINES < n ? i + REPORT_LINES : n;

	for (size_t k = i + 1; k < end; k++) {
		const char *s = line_at(lines, k);

		if (is_header(s))
			break;
		if (!access && (!strncmp(s, "Read of size", 12) || !strncmp(s, "Write of size", 13)))
			access = s;
		else if (!frame && is_ovl_frame(s))
			frame = s + strspn(s, " ?");
		alloc |= !strncmp(s, "Allocated by task", 17);
		freed |= !strncmp(s, "Freed by task", 13);
	}
	snprintf(out, sz, "KASAN: %s; %s; first overlayfs frame: %.*s; alloc stack %s, "
		 "free stack %s (kernel lines in the evidence)", hdr,
		 access ? access : "access not reported",
		 frame ? (int)strcspn(frame, " ") : 4, frame ? frame : "none",
		 alloc ? "shown" : "not shown", freed ? "shown" : "not shown");
}

/* "(NAME){" on @s: NAME, or NULL. */
static const char *lock_name(const char *s, int *len)
{
	const char *o = strchr(s, '('), *c = o ? strstr(o, "){") : NULL;

	if (!o || !c)
		return NULL;
	*len = (int)(c - o - 1);
	return o + 1;
}

static void lockdep_summary(const json_t *lines, size_t i, char *out, size_t sz)
{
	const char *hdr = line_at(lines, i) + strlen("WARNING: ");
	size_t n = json_array_size(lines), end = i + REPORT_LINES < n ? i + REPORT_LINES : n;
	bool circular = strstr(hdr, "circular") != NULL;
	size_t used;
	int locks = 0;

	used = (size_t)snprintf(out, sz, "lockdep: %s; chain:", hdr);
	for (size_t k = i + 1; k < end && used < sz; k++) {
		const char *s = line_at(lines, k), *name;
		int len;

		if (is_header(s))
			break;
		/* circular: the chain, "-> #1 (B){+.+.}-{3:3}:"; recursive and
		 * inconsistent: the lock lines ("ffff... (A){+.+.}-{3:3}, at: f") */
		if (circular ? strncmp(s, "-> #", 4) != 0 : locks >= OTHER_LOCKS)
			continue;
		name = lock_name(s, &len);
		if (!name)
			continue;
		used += (size_t)snprintf(out + used, sz - used, "%s %.*s", locks ? " <-" : "",
					 len, name);
		locks++;
	}
	if (!locks && used < sz)
		snprintf(out + used, sz - used, " not shown");
}

bool ut_kreport_summary(const json_t *lines, size_t i, char *out, size_t sz)
{
	const char *s = line_at(lines, i);

	if (!strncmp(s, "BUG: KASAN: ", 12)) {
		kasan_summary(lines, i, out, sz);
		return true;
	}
	if (!strncmp(s, "WARNING: possible circular locking dependency", 45) ||
	    !strncmp(s, "WARNING: possible recursive locking", 35) ||
	    !strncmp(s, "WARNING: inconsistent lock state", 32)) {
		lockdep_summary(lines, i, out, sz);
		return true;
	}
	return false;
}

/* "... EFLAGS: 06e0c362" on @s: true, and the value, if there is one. */
static bool eflags_of(const char *s, unsigned long long *fl)
{
	const char *p = strstr(s, "EFLAGS: ");
	char *end;

	if (!p)
		return false;
	p += strlen("EFLAGS: ");
	*fl = strtoull(p, &end, 16);
	return end > p;
}

bool ut_kreport_emulated(const json_t *lines, size_t i, char *why, size_t sz)
{
	const char *hdr = line_at(lines, i);
	size_t n = json_array_size(lines), end = i + REPORT_LINES < n ? i + REPORT_LINES : n;

	/* exc_debug_kernel()'s WARN_ON_ONCE(dr6 & DR_STEP); 6.1 inlines it in exc_debug() */
	if (strncmp(hdr, "WARNING: ", 9) || !strstr(hdr, " at arch/x86/kernel/traps.c:") ||
	    (!strstr(hdr, " exc_debug_kernel+") && !strstr(hdr, " exc_debug+")))
		return false;
	for (size_t k = i + 1; k < end; k++) {
		const char *s = line_at(lines, k);
		unsigned long long fl;

		if (is_header(s))
			break;
		if (!eflags_of(s, &fl) ||
		    (!(fl & RFLAGS_RESERVED_0) && (fl & RFLAGS_RESERVED_1)))
			continue;
		snprintf(why, sz, "the #DB WARN's register dump has EFLAGS %08llx, reserved bits "
			 "%llx set, which no CPU pushes", fl,
			 (fl & RFLAGS_RESERVED_0) | (~fl & RFLAGS_RESERVED_1));
		return true;
	}
	return false;
}

int ut_kreport_emulated_findings(const json_t *lines, struct ut_findings *f)
{
	char why[512];
	int n = 0;

	for (size_t i = 0; i < json_array_size(lines); i++) {
		const char *hdr = line_at(lines, i);

		if (!ut_kreport_emulated(lines, i, why, sizeof(why)))
			continue;
		for (int k = 0; k < f->n; k++) {
			struct ut_finding *x = &f->v[k];
			char *d;

			/* det_kmsg.c's "kernel: <record> [why]" of this header */
			if (x->kind != UT_CRASH || strncmp(x->detail, "kernel: ", 8) ||
			    strncmp(x->detail + 8, hdr, strlen(hdr)) ||
			    asprintf(&d, "emulator fault, not a kernel bug: %s\nkernel: %s",
				     why, hdr) < 0)
				continue;
			free(x->detail);
			x->detail = d;
			x->kind = UT_SKIP;
			n++;
		}
	}
	return n;
}
