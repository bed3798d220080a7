/* SPDX-License-Identifier: GPL-2.0 */
/* verdict.h - findings {kind, detail} and the one verdict they add up to. */
#ifndef UT_VERDICT_H
#define UT_VERDICT_H

#include <stdbool.h>

/* Ordered by severity: the verdict is the worst finding. */
enum ut_verdict {
	UT_SKIP = 0,
	UT_PASS,
	UT_FAIL,	/* an errno the scenario does not tolerate */
	UT_BROKEN,	/* the harness could not run it */
	UT_LEAK,
	UT_CORRUPT,	/* lost data: a file nobody changed underneath holds the wrong bytes */
	UT_HANG,
	UT_CRASH,
	UT_NVERDICT
};

struct ut_finding {
	enum ut_verdict kind;	/* UT_PASS = information only */
	char *detail;		/* first line is the one-line reason */
};

struct ut_findings {
	struct ut_finding *v;
	int n, cap;
};

const char *ut_verdict_name(enum ut_verdict v);		/* "pass", "crash", ... */
int ut_verdict_of(const char *name);			/* -1 if unknown */
/* Add a finding; kind UT_PASS records information without a verdict. */
void ut_finding_add(struct ut_findings *f, enum ut_verdict kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The worst kind among the findings, or @base when none is worse. */
enum ut_verdict ut_findings_verdict(const struct ut_findings *f, enum ut_verdict base);
/* The first finding of the verdict's kind (for the one-line reason), or NULL. */
const struct ut_finding *ut_findings_first(const struct ut_findings *f, enum ut_verdict kind);
/*
 * The verdict the findings add up to (pass when none is worse; skip when
 * one says skip and none is worse than pass), and in @reason the first
 * line of the first finding of that kind ("" when there is none).
 */
enum ut_verdict ut_findings_judge(const struct ut_findings *f, char *reason, size_t sz);
/*
 * Debian builds with BUG_ON_DATA_CORRUPTION: "Busy inodes after unmount"
 * becomes a kernel BUG in the umount that follows.  Call this when the
 * kernel killed the process that was unmounting: every kernel crash
 * finding (detail "kernel...") after a kernel leak finding becomes a leak,
 * the leak's consequence rather than a crash of its own.
 */
void ut_findings_leak_consequence(struct ut_findings *f);
void ut_findings_free(struct ut_findings *f);

#endif
