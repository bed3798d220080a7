// SPDX-License-Identifier: GPL-2.0
/* ktap.c - KTAP output. */
#include <ctype.h>
#include <string.h>

#include "ktap.h"

void ut_ktap_header(FILE *f, int ntests)
{
	fprintf(f, "KTAP version 1\n1..%d\n", ntests);
	fflush(f);
}

/* A reason must stay on one line and must not look like a new directive. */
static void one_line(char *dst, size_t sz, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < sz; src++)
		dst[i++] = (*src == '\n' || *src == '\r' || *src == '#') ? ' ' : *src;
	dst[i] = '\0';
}

int ut_ktap_line(char *buf, size_t sz, int n, const char *name, enum ut_verdict v,
		 const char *reason)
{
	char r[256], tag[16];
	size_t i;

	one_line(r, sizeof(r), reason);
	if (v == UT_PASS)
		return snprintf(buf, sz, "ok %d %s", n, name);
	if (v == UT_SKIP)
		return snprintf(buf, sz, "ok %d %s # SKIP %s", n, name, r);
	for (i = 0; i + 1 < sizeof(tag) && ut_verdict_name(v)[i]; i++)
		tag[i] = (char)toupper((unsigned char)ut_verdict_name(v)[i]);
	tag[i] = '\0';
	return snprintf(buf, sz, "not ok %d %s # %s: %s", n, name, tag, r);
}

void ut_ktap_totals(FILE *f, int pass, int fail, int skip)
{
	fprintf(f, "# Totals: pass:%d fail:%d skip:%d\n", pass, fail, skip);
	fflush(f);
}

void ut_ktap_diag(FILE *f, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(f, "# %.*s\n", len, p);
		p = nl ? nl + 1 : NULL;
	}
	fflush(f);
}
