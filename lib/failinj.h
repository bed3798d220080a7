/* SPDX-License-Identifier: GPL-2.0 */
/*
 * failinj.h - the kernel's fault injection (Documentation/fault-injection/
 * fault-injection.rst) for --fail: failslab and fail_page_alloc in
 * debugfs, armed for the tasks marked /proc/PID/make-it-fail only (the
 * task filter), every value changed saved and put back afterwards.
 */
#ifndef UT_FAILINJ_H
#define UT_FAILINJ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define UT_FAIL_SLAB	1	/* failslab: kmalloc and kmem_cache_alloc */
#define UT_FAIL_PAGE	2	/* fail_page_alloc: the page allocator */
#define UT_FAIL_NATTR	2

struct ut_fail_cfg {
	unsigned int mask;	/* UT_FAIL_*, 0 = off */
	int percent;		/* probability of a failure, 1..100 */
};

/* What one armed attribute directory had, to put back. */
struct ut_fail_saved {
	bool armed[UT_FAIL_NATTR];
	char old[UT_FAIL_NATTR][8][32];	/* the values of the files set */
	bool set[UT_FAIL_NATTR][8];	/* index: the file, in failinj.c's order */
};

/* "slab", "page", "all", each with an optional ":PERCENT".  0 or -1. */
int ut_fail_parse(const char *spec, struct ut_fail_cfg *cfg);
/* "slab:10" and the like, for run.json. */
void ut_fail_name(const struct ut_fail_cfg *cfg, char *buf, size_t sz);
/* Can @cfg be armed here (debugfs mounted if need be)?  Says why not. */
bool ut_fail_available(const struct ut_fail_cfg *cfg, char *why, size_t sz);
/*
 * Save and set: probability, interval 1, times (a budget that counts
 * down), the task filter on, no log line per failure (thousands would
 * push the scenario's own kernel reports out of the log), and the gfp
 * filters off so that sleeping allocations fail too.  0 or -errno (what
 * was set is put back).
 */
int ut_fail_arm(const struct ut_fail_cfg *cfg, struct ut_fail_saved *s);
/* Failures injected since ut_fail_arm(), per attribute (-1: not armed). */
void ut_fail_count(const struct ut_fail_saved *s, long long n[UT_FAIL_NATTR]);
/* Put every value back; the number that do not read back as they were. */
int ut_fail_restore(struct ut_fail_saved *s);
/* "slab" or "page", attribute @a's short name. */
const char *ut_fail_attr_name(int a);
/* /proc/PID/make-it-fail = 1.  0 or -errno. */
int ut_fail_mark(pid_t pid);

#endif
