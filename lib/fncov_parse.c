// SPDX-License-Identifier: GPL-2.0
/*
 * fncov_parse.c - the text side of function coverage: which lines of
 * available_filter_functions are overlay's, which function a compiler's
 * clone belongs to, and the hit counts of a histogram keyed by symbol.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fncov.h"

/* "ovl_lookup [overlay]" (a module) or "ovl_lookup" (built in). */
bool ut_fncov_pick(const char *line, char *sym, size_t sz)
{
	size_t n = strcspn(line, " \t\n");
	const char *rest = line + n;

	if (!n || n >= sz)
		return false;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '[') {
		if (strncmp(rest, "[overlay]", 9))
			return false;
	} else if (strncmp(line, "ovl_", 4)) {
		return false;	/* built in: overlay's functions are the ovl_ ones */
	}
	memcpy(sym, line, n);
	sym[n] = '\0';
	return true;
}

void ut_fncov_base(const char *sym, char *fn, size_t sz)
{
	snprintf(fn, sz, "%.*s", (int)strcspn(sym, "."), sym);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int find(char *const *v, int n, const char *key)
{
	char *const *p = n ? bsearch(&key, v, n, sizeof(*v), by_str) : NULL;

	return p ? (int)(p - v) : -1;
}

/* The sorted, unique bases of s->sym into s->fn; each symbol's into s->fn_of. */
static int index_fns(struct ut_fncov *s)
{
	char fn[256];

	s->fn = calloc(s->nsym + 1, sizeof(*s->fn));
	s->fn_of = calloc(s->nsym + 1, sizeof(*s->fn_of));
	if (!s->fn || !s->fn_of)
		return -ENOMEM;
	for (int i = 0; i < s->nsym; i++) {
		ut_fncov_base(s->sym[i], fn, sizeof(fn));
		if (!(s->fn[s->nfn] = strdup(fn)))
			return -ENOMEM;
		s->nfn++;
	}
	qsort(s->fn, s->nfn, sizeof(*s->fn), by_str);
	for (int i = 1, j = 0; i <= s->nfn; i++) {
		if (i == s->nfn) {
			s->nfn = j + 1;
			break;
		}
		if (!strcmp(s->fn[i], s->fn[j]))
			free(s->fn[i]);
		else
			s->fn[++j] = s->fn[i];
	}
	for (int i = 0; i < s->nsym; i++) {
		ut_fncov_base(s->sym[i], fn, sizeof(fn));
		s->fn_of[i] = find(s->fn, s->nfn, fn);
	}
	return 0;
}

int ut_fncov_index(struct ut_fncov *s, char **syms, int n)
{
	qsort(syms, n, sizeof(*syms), by_str);
	s->sym = syms;
	s->nsym = n;
	return index_fns(s);
}

/*
 * One histogram line: "{ __probe_ip: [ffffffffc020ac90] ovl_write_iter
 * [overlay]   } hitcount:    1".  The symbol may carry "+0x0".
 */
static void parse_line(const struct ut_fncov *s, const char *line, uint64_t *hits)
{
	const char *p = strstr(line, "__probe_ip:"), *h = strstr(line, "hitcount:");
	char sym[256];
	size_t n;
	int i;

	if (!p || !h || !(p = strchr(p, ']')))
		return;
	for (p++; *p == ' '; p++)
		;
	n = strcspn(p, " +}\n");
	if (!n || n >= sizeof(sym))
		return;
	memcpy(sym, p, n);
	sym[n] = '\0';
	i = find(s->sym, s->nsym, sym);
	if (i >= 0 && s->fn_of[i] >= 0)
		hits[s->fn_of[i]] += strtoull(h + 9, NULL, 10);
}

void ut_fncov_parse_hist(const struct ut_fncov *s, const char *text, uint64_t *hits)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (*l == '{')
			parse_line(s, l, hits);
}
