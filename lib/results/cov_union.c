// SPDX-License-Identifier: GPL-2.0
/* cov_union.c - run.json's "coverage": the union of its variants' as they finish. */
#include <string.h>

#include "coverage.h"

static json_t *union_of(json_t *run)
{
	json_t *u = json_object_get(run, "coverage");

	if (json_is_object(u))
		return u;
	u = json_pack("{s:s, s:i, s:i, s:i, s:{}}", "status", "skip", "variants", 0, "probed", 0,
		      "reached", 0, "functions");
	json_object_set_new(run, "coverage", u);
	return u;
}

static void add_functions(json_t *u, json_t *fns)
{
	json_t *all = json_object_get(u, "functions"), *v;
	json_int_t reached = 0;
	const char *k;

	json_object_foreach(fns, k, v) {
		json_int_t had = json_integer_value(json_object_get(all, k));

		json_object_set_new(all, k, json_integer(had + json_integer_value(v)));
	}
	json_object_foreach(all, k, v)
		reached += json_integer_value(v) > 0;
	json_object_set_new(u, "probed", json_integer((json_int_t)json_object_size(all)));
	json_object_set_new(u, "reached", json_integer(reached));
}

void ut_cov_union_add(json_t *run, json_t *cov)
{
	const char *status = json_string_value(json_object_get(cov, "status"));
	json_t *u;

	if (!json_is_object(cov) || !status)
		return;
	u = union_of(run);
	ut_cov_blocks_union_add(u, json_object_get(cov, "blocks"));
	json_object_set_new(u, "variants",
			    json_integer(json_integer_value(json_object_get(u, "variants")) + 1));
	if (!strcmp(status, "ok")) {
		json_object_set_new(u, "status", json_string("ok"));
		json_object_del(u, "reason");
		add_functions(u, json_object_get(cov, "functions"));
		if (!json_object_get(u, "tracing") && json_object_get(cov, "tracing"))
			json_object_set(u, "tracing", json_object_get(cov, "tracing"));
	} else if (!strcmp(json_string_value(json_object_get(u, "status")), "skip") &&
		   !json_object_get(u, "reason")) {
		json_object_set(u, "reason", json_object_get(cov, "reason"));
	}
}
