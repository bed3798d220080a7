// SPDX-License-Identifier: GPL-2.0
/*
 * det_blocks.c - supervisor side, with --coverage: the blocks of overlay
 * the scenario reached, when overlay.ko is one harness/covko.sh built
 * (its collector counts every block any task runs).  The collector is
 * reset before the scenario and read after it, into the "coverage" key's
 * "blocks": the offsets reached with their hits and, with the module's
 * block map ($UNDERTOW_COV_MAP; vm.sh ships it), the fs/overlayfs lines
 * they belong to and the shares.  Without the collector, "blocks" is a
 * skip with the reason and nothing else is said.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkcov.h"
#include "blkmap.h"
#include "detector.h"

#define SCOPE	"every task (the module counts its own blocks)"

static struct {
	bool tried;
	int err;
	char why[512];
	char build_id[64];
	bool have_map;
	char map_note[512];	/* why there are no lines, or "" */
	struct ut_bmap map;
} run;

struct blk {
	int err;
	char why[512];
};

static void load_map(void)
{
	const char *path = getenv("UNDERTOW_COV_MAP");

	if (!path || !*path) {
		snprintf(run.map_note, sizeof(run.map_note), "no block map (UNDERTOW_COV_MAP unset)");
		return;
	}
	if (ut_bmap_load(path, &run.map, run.map_note, sizeof(run.map_note)))
		return;
	if (strcmp(run.map.build_id, run.build_id)) {
		snprintf(run.map_note, sizeof(run.map_note), "%s is for build-id %s, overlay.ko is %s",
			 path, run.map.build_id, run.build_id[0] ? run.build_id : "unknown");
		ut_bmap_free(&run.map);
		return;
	}
	run.have_map = true;
}

static bool start_once(void)
{
	if (run.tried)
		return !run.err;
	run.tried = true;
	run.err = ut_blkcov_present(run.why, sizeof(run.why));
	if (!run.err) {
		ut_blkcov_build_id(run.build_id, sizeof(run.build_id));
		load_map();
	}
	return !run.err;
}

static void *blk_before(struct ut_det_ctx *c)
{
	struct blk *st;

	if (!c->coverage || !(st = calloc(1, sizeof(*st))))
		return NULL;
	if (!start_once()) {
		st->err = run.err;
		snprintf(st->why, sizeof(st->why), "%s", run.why);
	} else {
		st->err = ut_blkcov_reset(st->why, sizeof(st->why));
	}
	return st;
}

/* Each reached block into @pcs, and its line (hits summed) into @lines. */
static int add_blocks(const struct ut_pc *v, int n, json_t *pcs, json_t *lines)
{
	int unmapped = 0;
	char k[PATH_MAX + 32];

	for (int i = 0; i < n; i++) {
		const struct ut_bsite *s = run.have_map ? ut_bmap_find(&run.map, v[i].off) : NULL;

		snprintf(k, sizeof(k), "%ld", v[i].off);
		json_object_set_new(pcs, k, json_integer((json_int_t)v[i].hits));
		unmapped += run.have_map && !s;
		if (s && ut_bmap_line_key(s, k, sizeof(k)))
			json_object_set_new(lines, k, json_integer(json_integer_value(
				json_object_get(lines, k)) + (json_int_t)v[i].hits));
	}
	return unmapped;
}

static json_t *ok_json(const struct ut_pc *v, int n)
{
	json_t *pcs = json_object(), *lines = json_object();
	int unmapped = add_blocks(v, n, pcs, lines);

	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:I, s:i, s:i, s:o, s:o}", "status",
			 "ok", "scope", SCOPE, "build_id", run.build_id, "map",
			 run.have_map ? "ok" : run.map_note, "sites", run.map.n,
			 "reached", n - unmapped, "unmapped", unmapped,
			 "dropped", (json_int_t)ut_blkcov_dropped(), "lines_total", run.map.nlines,
			 "lines_reached", (int)json_object_size(lines), "pcs", pcs, "lines", lines);
}

static void blk_after(struct ut_det_ctx *c, void *state)
{
	struct blk *st = state;
	json_t *cov = json_object_get(c->keys, "coverage"), *j;
	struct ut_pc *v = NULL;
	int n = 0;

	if (!st)
		return;
	if (!st->err && !ut_blkcov_read(&v, &n, st->why, sizeof(st->why)))
		j = ok_json(v, n);
	else
		j = json_pack("{s:s, s:s}", "status", "skip", "reason", st->why);
	if (json_is_object(cov))
		json_object_set_new(cov, "blocks", j);
	else
		json_decref(j);
	free(v);
	free(st);
}

/* Before coverage in the table: it resets first and adds to coverage's key last. */
const struct ut_detector ut_det_blocks = {
	.name = "blocks", .side = UT_DET_SUPERVISOR,
	.before = blk_before, .after = blk_after,
};
