/* SPDX-License-Identifier: GPL-2.0 */
/*
 * coverage.h - function coverage in the results: a scenario's "coverage"
 * key (det_coverage.c writes it) read back into C, and the run's union
 * (run.json's "coverage", and the same computed from a run's variants for
 * diff and report).
 */
#ifndef UT_COVERAGE_H
#define UT_COVERAGE_H

#include <stdint.h>
#include <jansson.h>

/* One probed function and its hits (0: probed, never reached). */
struct ut_fn_rec {
	const char *name;
	uint64_t hits;
	int variants;		/* in a union: variants that reached it */
};

/* An aim of the scenario: 1 reached, 0 missed, -1 not probed on that kernel. */
struct ut_aim_rec {
	const char *name;
	int reached;
};

/*
 * "blocks" (an instrumented overlay.ko): the blocks reached, named by their
 * offset ("-96422"), and their fs/overlayfs lines ("fs/overlayfs/util.c:12"),
 * each with hits; sites and lines_total from the module's block map (0
 * without one).
 */
struct ut_blk_rec {
	const char *status;	/* "ok" or "skip"; NULL: none recorded */
	const char *reason, *build_id, *map;	/* "" when absent */
	int64_t sites, lines_total, unmapped;
	struct ut_fn_rec *pc;	/* sorted by name */
	int npc;
	struct ut_fn_rec *line;	/* sorted by name */
	int nline;
};

struct ut_cov_rec {
	const char *status;	/* "ok" or "skip"; NULL: no coverage recorded */
	const char *reason;	/* why skip; "" otherwise */
	struct ut_fn_rec *fn;	/* sorted by name */
	int nfn;
	struct ut_aim_rec *aim;
	int naim;
	struct ut_blk_rec blk;
};

/*
 * The "coverage" object @j (NULL: none) into @c; strings point into @j.
 * 0, or -1 with "coverage...: what is wrong" in @what.
 */
int ut_cov_read(json_t *j, struct ut_cov_rec *c, char *what, size_t sz);
void ut_cov_free(struct ut_cov_rec *c);
/*
 * An object of counts ({"NAME": hits}) at @key into *v (sorted by name),
 * *n of them; NULL @o reads as none.  0, or -1 with "KEY.NAME: what".
 */
int ut_cov_read_counts(json_t *o, const char *key, struct ut_fn_rec **v, int *n, char *what,
		       size_t sz);
/* "coverage.blocks" @j (NULL: none) into @b.  0, or -1 with what. */
int ut_cov_blocks_read(json_t *j, struct ut_blk_rec *b, char *what, size_t sz);
/* Sort @v by name and fold equal names (hits and variants summed); the new count. */
int ut_cov_fold(struct ut_fn_rec *v, int n);
/* @name's record in @c (sorted), or NULL. */
const struct ut_fn_rec *ut_cov_find(const struct ut_cov_rec *c, const char *name);
/* Functions of @c with hits. */
int ut_cov_reached(const struct ut_cov_rec *c);

/*
 * Add @cov (a scenario's "coverage", or NULL) to run.json's "coverage":
 * status ok once any variant had it, hits summed per function, probed and
 * reached counted, the first skip's reason kept.
 */
void ut_cov_union_add(json_t *run, json_t *cov);
/*
 * Add a scenario's "coverage.blocks" (NULL: none) to the union's "blocks"
 * (@cov_union: run.json's "coverage"): hits summed per block and per line,
 * "reached" (blocks, unmapped ones apart) and "lines_reached" recounted.
 */
void ut_cov_blocks_union_add(json_t *cov_union, json_t *blocks);

#endif
