// SPDX-License-Identifier: GPL-2.0
/*
 * cov_blocks_union.c - run.json's "coverage.blocks": the union of the
 * variants' blocks (an instrumented overlay.ko) as they finish: hits summed
 * per block and per line, the shares counted again, the module's build id,
 * map note, sites and lines total kept from the first variant that had them.
 */
#include <string.h>

#include "coverage.h"

/* Add @from's counts into @into, key by key. */
static void sum_into(json_t *into, json_t *from)
{
	const char *k;
	json_t *v;

	json_object_foreach(from, k, v)
		json_object_set_new(into, k, json_integer(json_integer_value(json_object_get(into, k)) +
							  json_integer_value(v)));
}

static void keep(json_t *u, json_t *b, const char *key)
{
	if (!json_object_get(u, key) && json_object_get(b, key))
		json_object_set(u, key, json_object_get(b, key));
}

static void add_ok(json_t *u, json_t *b)
{
	json_t *pcs = json_object_get(u, "pcs"), *lines = json_object_get(u, "lines");
	json_int_t unmapped = json_integer_value(json_object_get(u, "unmapped")) +
			      json_integer_value(json_object_get(b, "unmapped"));

	if (!json_is_object(pcs) || !json_is_object(lines)) {
		json_object_set_new(u, "pcs", pcs = json_object());
		json_object_set_new(u, "lines", lines = json_object());
	}
	json_object_set_new(u, "status", json_string("ok"));
	json_object_del(u, "reason");
	for (const char *const *k = (const char *const[]){ "scope", "build_id", "map", "sites",
							   "lines_total", NULL }; *k; k++)
		keep(u, b, *k);
	sum_into(pcs, json_object_get(b, "pcs"));
	sum_into(lines, json_object_get(b, "lines"));
	/* Unmapped blocks are init code or a map that is not the module's: count them apart. */
	json_object_set_new(u, "unmapped", json_integer(unmapped));
	/* Dropped (the collector's table full) would make the shares too low: keep the most. */
	if (json_integer_value(json_object_get(b, "dropped")) >
	    json_integer_value(json_object_get(u, "dropped")) || !json_object_get(u, "dropped"))
		json_object_set(u, "dropped", json_object_get(b, "dropped"));
	json_object_set_new(u, "reached", json_integer((json_int_t)json_object_size(pcs)));
	json_object_set_new(u, "lines_reached", json_integer((json_int_t)json_object_size(lines)));
}

void ut_cov_blocks_union_add(json_t *cov_union, json_t *blocks)
{
	const char *status = json_string_value(json_object_get(blocks, "status"));
	json_t *u;

	if (!json_is_object(blocks) || !status)
		return;
	u = json_object_get(cov_union, "blocks");
	if (!json_is_object(u)) {
		u = json_pack("{s:s}", "status", "skip");
		json_object_set_new(cov_union, "blocks", u);
	}
	if (!strcmp(status, "ok"))
		add_ok(u, blocks);
	else if (!strcmp(json_string_value(json_object_get(u, "status")), "skip") &&
		 !json_object_get(u, "reason"))
		json_object_set(u, "reason", json_object_get(blocks, "reason"));
}
