// SPDX-License-Identifier: GPL-2.0
/* cov_blocks_read.c - a scenario's "coverage.blocks", checked, into struct ut_blk_rec. */
#include <stdio.h>
#include <string.h>

#include "coverage.h"
#include "jfields.h"

/* An optional string field: "" when absent. */
static int str_field(json_t *j, const char *key, const char **out, char *what, size_t sz)
{
	json_t *v = json_object_get(j, key);

	*out = "";
	if (!v)
		return 0;
	if (!json_is_string(v)) {
		snprintf(what, sz, "coverage.blocks.%s: want a string", key);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* An optional count: 0 when absent. */
static int count_field(json_t *j, const char *key, int64_t *out, char *what, size_t sz)
{
	json_t *v = json_object_get(j, key);
	uint64_t n = 0;

	if (v && !ut_jcount(v, &n)) {
		snprintf(what, sz, "coverage.blocks.%s: want an integer >= 0", key);
		return -1;
	}
	*out = (int64_t)n;
	return 0;
}

int ut_cov_blocks_read(json_t *j, struct ut_blk_rec *b, char *what, size_t sz)
{
	memset(b, 0, sizeof(*b));
	if (!j)
		return 0;
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "status"))) {
		snprintf(what, sz, "coverage.blocks: want an object with a status");
		return -1;
	}
	b->status = json_string_value(json_object_get(j, "status"));
	if (str_field(j, "reason", &b->reason, what, sz) ||
	    str_field(j, "build_id", &b->build_id, what, sz) ||
	    str_field(j, "map", &b->map, what, sz) ||
	    count_field(j, "sites", &b->sites, what, sz) ||
	    count_field(j, "lines_total", &b->lines_total, what, sz) ||
	    count_field(j, "unmapped", &b->unmapped, what, sz))
		return -1;
	return ut_cov_read_counts(json_object_get(j, "pcs"), "coverage.blocks.pcs", &b->pc,
				  &b->npc, what, sz) ||
	       ut_cov_read_counts(json_object_get(j, "lines"), "coverage.blocks.lines", &b->line,
				  &b->nline, what, sz) ? -1 : 0;
}
