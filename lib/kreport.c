// SPDX-License-Identifier: GPL-2.0
/*
 * kreport.c - sum up KASAN and lockdep reports from kernel log records.
 * The formats are the kernel's (mm/kasan/report.c, kernel/locking/
 * lockdep.c): a KASAN report is a "BUG: KASAN: TYPE in FUNC" header, a
 * "Read|Write of size N at addr A by task T" line, the call trace, then
 * "Allocated by task" and "Freed by task" stacks; a lockdep splat names
 * its locks in "-> #N (NAME){...}" lines (circular) or in "(NAME){...}"
 * lines after "is trying to acquire".
 */
#include <stdio.h>
#include <string.h>

#include "kreport.h"

#define REPORT_LINES	200	/* a report is never longer than this */
#define OTHER_LOCKS	3	/* locks named for a splat other than circular */

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
