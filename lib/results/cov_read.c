// SPDX-License-Identifier: GPL-2.0
/* cov_read.c - a scenario's "coverage" key, checked, into struct ut_cov_rec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "jfields.h"

static int by_fn(const void *a, const void *b)
{
	return strcmp(((const struct ut_fn_rec *)a)->name, ((const struct ut_fn_rec *)b)->name);
}

static int oom(char *what, size_t sz)
{
	snprintf(what, sz, "out of memory");
	return -1;
}

int ut_cov_read_counts(json_t *o, const char *key, struct ut_fn_rec **v, int *n, char *what,
		       size_t sz)
{
	const char *k;
	json_t *x;

	*v = NULL;
	*n = 0;
	if (!o)
		return 0;
	if (!json_is_object(o)) {
		snprintf(what, sz, "%s: want an object", key);
		return -1;
	}
	if (!(*v = calloc(json_object_size(o) + 1, sizeof(**v))))
		return oom(what, sz);
	json_object_foreach(o, k, x) {
		struct ut_fn_rec *f = &(*v)[(*n)++];

		f->name = k;
		if (!ut_jcount(x, &f->hits)) {
			snprintf(what, sz, "%s.%.100s: want an integer >= 0", key, k);
			return -1;
		}
		f->variants = f->hits > 0;
	}
	qsort(*v, *n, sizeof(**v), by_fn);
	return 0;
}

/* "functions": {"ovl_lookup": 12, ...} */
static int read_functions(json_t *o, struct ut_cov_rec *c, char *what, size_t sz)
{
	return ut_cov_read_counts(o, "coverage.functions", &c->fn, &c->nfn, what, sz);
}

/* "aims": {"reached": [...], "missed": [...], "unprobed": [...]} */
static int read_aims(json_t *o, struct ut_cov_rec *c, char *what, size_t sz)
{
	static const char *const keys[] = { "unprobed", "missed", "reached" };
	size_t n = 0, i;
	json_t *v;

	if (!o)
		return 0;
	if (!json_is_object(o)) {
		snprintf(what, sz, "coverage.aims: want an object");
		return -1;
	}
	for (int k = 0; k < 3; k++)
		n += json_array_size(json_object_get(o, keys[k]));
	if (!(c->aim = calloc(n + 1, sizeof(*c->aim))))
		return oom(what, sz);
	for (int k = 0; k < 3; k++)
		json_array_foreach(json_object_get(o, keys[k]), i, v) {
			if (!json_is_string(v)) {
				snprintf(what, sz, "coverage.aims.%s[%zu]: want a string", keys[k], i);
				return -1;
			}
			c->aim[c->naim++] = (struct ut_aim_rec){ json_string_value(v), k - 1 };
		}
	return 0;
}

int ut_cov_read(json_t *j, struct ut_cov_rec *c, char *what, size_t sz)
{
	json_t *reason;

	memset(c, 0, sizeof(*c));
	if (!j)
		return 0;
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "status"))) {
		snprintf(what, sz, "coverage: want an object with a status");
		return -1;
	}
	c->status = json_string_value(json_object_get(j, "status"));
	reason = json_object_get(j, "reason");
	if (reason && !json_is_string(reason)) {
		snprintf(what, sz, "coverage.reason: want a string");
		return -1;
	}
	c->reason = reason ? json_string_value(reason) : "";
	return read_functions(json_object_get(j, "functions"), c, what, sz) ||
	       read_aims(json_object_get(j, "aims"), c, what, sz) ||
	       ut_cov_blocks_read(json_object_get(j, "blocks"), &c->blk, what, sz) ? -1 : 0;
}

void ut_cov_free(struct ut_cov_rec *c)
{
	free(c->fn);
	free(c->aim);
	free(c->blk.pc);
	free(c->blk.line);
	memset(c, 0, sizeof(*c));
}

int ut_cov_fold(struct ut_fn_rec *v, int n)
{
	int k = 0;

	qsort(v, n, sizeof(*v), by_fn);
	for (int i = 0; i < n; i++) {
		if (k && !strcmp(v[k - 1].name, v[i].name)) {
			v[k - 1].hits += v[i].hits;
			v[k - 1].variants += v[i].variants;
		} else {
			v[k++] = v[i];
		}
	}
	return k;
}

const struct ut_fn_rec *ut_cov_find(const struct ut_cov_rec *c, const char *name)
{
	struct ut_fn_rec key = { .name = name };

	return c->nfn ? bsearch(&key, c->fn, c->nfn, sizeof(*c->fn), by_fn) : NULL;
}

int ut_cov_reached(const struct ut_cov_rec *c)
{
	int n = 0;

	for (int i = 0; i < c->nfn; i++)
		n += c->fn[i].hits > 0;
	return n;
}
