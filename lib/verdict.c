// SPDX-License-Identifier: GPL-2.0
/* verdict.c - findings and their verdict. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

static const char *const names[UT_NVERDICT] = {
	[UT_SKIP] = "skip", [UT_PASS] = "pass", [UT_FAIL] = "fail",
	[UT_BROKEN] = "broken", [UT_LEAK] = "leak", [UT_CORRUPT] = "corrupt",
	[UT_HANG] = "hang",
	[UT_CRASH] = "crash",
};

const char *ut_verdict_name(enum ut_verdict v)
{
	return v < UT_NVERDICT ? names[v] : "?";
}

int ut_verdict_of(const char *name)
{
	for (int i = 0; i < UT_NVERDICT; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

void ut_finding_add(struct ut_findings *f, enum ut_verdict kind, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (f->n == f->cap) {
		int cap = f->cap ? f->cap * 2 : 8;
		struct ut_finding *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return;		/* out of memory: lose the finding, not the run */
		f->v = v;
		f->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	f->v[f->n].kind = kind;
	f->v[f->n].detail = s;
	f->n++;
}

enum ut_verdict ut_findings_verdict(const struct ut_findings *f, enum ut_verdict base)
{
	enum ut_verdict v = base;

	for (int i = 0; i < f->n; i++)
		if (f->v[i].kind > v)
			v = f->v[i].kind;
	return v;
}

const struct ut_finding *ut_findings_first(const struct ut_findings *f, enum ut_verdict kind)
{
	for (int i = 0; i < f->n; i++)
		if (f->v[i].kind == kind)
			return &f->v[i];
	return NULL;
}

enum ut_verdict ut_findings_judge(const struct ut_findings *f, char *reason, size_t sz)
{
	enum ut_verdict v = ut_findings_verdict(f, UT_PASS);
	const struct ut_finding *first;

	/* A missing feature with nothing worse found is a skip. */
	if (v == UT_PASS && ut_findings_first(f, UT_SKIP))
		v = UT_SKIP;
	first = ut_findings_first(f, v);
	if (sz)
		snprintf(reason, sz, "%.*s", first ? (int)strcspn(first->detail, "\n") : 0,
			 first ? first->detail : "");
	return v;
}

void ut_findings_leak_consequence(struct ut_findings *f)
{
	bool leaked = false;

	for (int i = 0; i < f->n; i++) {
		bool kernel = !strncmp(f->v[i].detail, "kernel", 6);

		if (f->v[i].kind == UT_LEAK && kernel)
			leaked = true;
		else if (leaked && f->v[i].kind == UT_CRASH && kernel)
			f->v[i].kind = UT_LEAK;
	}
}

void ut_findings_free(struct ut_findings *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->v[i].detail);
	free(f->v);
	memset(f, 0, sizeof(*f));
}
