// SPDX-License-Identifier: GPL-2.0
/*
 * race_pair.c - --race's pairing rule: the names of one iteration, drawn
 * so that the worker's op and the mutator's op touch the same entry.
 *
 * The worker's path is its held directory and its name joined ("a" and
 * "f0": "a/f0"; an op at the merged root has only the name, an op that
 * picks no name only the held directory).  It is paired with a mutator
 * name when the two are the same path or one lies below the other: "a/f0"
 * with "a" (the directory it goes through is renamed) or with "a/f0"; "a"
 * with "a/f0" (getdents of a directory whose entry goes).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "race.h"

/* @in without "." components and repeated or trailing slashes, into @out. */
static void canon(const char *in, char *out, size_t sz)
{
	size_t n = 0;

	out[0] = '\0';
	while (*in) {
		size_t len = strcspn(in, "/");

		if (len && !(len == 1 && in[0] == '.') && n + len + 2 < sz) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, in, len);
			n += len;
			out[n] = '\0';
		}
		in += len;
		in += *in == '/';
	}
}

bool ut_race_related(const char *a, const char *b)
{
	char ca[PATH_MAX], cb[PATH_MAX];
	size_t la, lb;

	canon(a, ca, sizeof(ca));
	canon(b, cb, sizeof(cb));
	la = strlen(ca);
	lb = strlen(cb);
	if (!la || !lb)
		return false;
	if (la > lb)
		return !strncmp(ca, cb, lb) && ca[lb] == '/';
	if (lb > la)
		return !strncmp(ca, cb, la) && cb[la] == '/';
	return !strcmp(ca, cb);
}

int ut_race_pairs(const struct ut_race_side *w, const struct ut_race_side *m,
		  struct ut_race_pair *out, int max)
{
	int nh = w->nhold ? w->nhold : 1, nw = w->npool ? w->npool : 1, n = 0;
	char path[PATH_MAX];

	for (int h = 0; h < nh; h++)
		for (int i = 0; i < nw; i++) {
			const char *held = w->nhold ? w->hold[h] : "";
			const char *name = w->npool ? w->pool[i] : "";

			snprintf(path, sizeof(path), "%s/%s", held, name);
			for (int j = 0; j < m->npool && n < max; j++)
				if (ut_race_related(path, m->pool[j]))
					out[n++] = (struct ut_race_pair){
						.held = w->nhold ? h : -1,
						.w = w->npool ? w->pool[i] : NULL,
						.m = m->pool[j],
					};
		}
	return n;
}
