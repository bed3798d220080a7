// SPDX-License-Identifier: GPL-2.0
/* registry.c - scenarios from the ut_scenarios ELF section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

#define MAX_SCENARIOS 256

static const struct ut_scenario *sorted[MAX_SCENARIOS];
static int nsorted = -1;

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct ut_scenario *const *)a)->name,
		      (*(const struct ut_scenario *const *)b)->name);
}

const struct ut_scenario *const *ut_registry(int *n)
{
	if (nsorted < 0) {
		nsorted = 0;
		for (const struct ut_scenario *const *p = __start_ut_scenarios;
		     p < __stop_ut_scenarios && nsorted < MAX_SCENARIOS; p++)
			sorted[nsorted++] = *p;
		qsort(sorted, nsorted, sizeof(sorted[0]), by_name);
	}
	*n = nsorted;
	return sorted;
}

const struct ut_scenario *ut_find(const char *name)
{
	int n;
	const struct ut_scenario *const *all = ut_registry(&n);

	for (int i = 0; i < n; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

bool ut_has_tag(const struct ut_scenario *sc, const char *tag)
{
	size_t len = strlen(tag);

	for (const char *p = sc->tags; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && !strncmp(p, tag, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool matches(const struct ut_scenario *sc, const char *w)
{
	if (!strcmp(w, "all"))
		return !ut_has_tag(sc, "selftest");
	return !strcmp(sc->name, w) || ut_has_tag(sc, w);
}

int ut_select(char **sel, int nsel, const struct ut_scenario **out, int max,
	      char *err, size_t errsz)
{
	static char *all_word[] = { "all" };
	int n, cnt = 0;
	const struct ut_scenario *const *reg = ut_registry(&n);

	if (!nsel) {
		sel = all_word;
		nsel = 1;
	}
	for (int k = 0; k < nsel; k++) {
		bool any = false;

		for (int i = 0; i < n; i++)
			if (matches(reg[i], sel[k]))
				any = true;
		if (!any) {
			snprintf(err, errsz, "unknown scenario or tag '%s' (see: undertow list)",
				 sel[k]);
			return -1;
		}
	}
	for (int i = 0; i < n && cnt < max; i++)
		for (int k = 0; k < nsel; k++)
			if (matches(reg[i], sel[k])) {
				out[cnt++] = reg[i];
				break;
			}
	return cnt;
}
