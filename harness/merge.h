/* SPDX-License-Identifier: GPL-2.0 */
/*
 * merge.h - undertow merge: the runs of the shards of one matrix
 * (--shard K/N) made into one run directory, as if it had run unsharded.
 * merge_in.c reads each shard and checks it against itself; merge.c checks
 * the shards against each other and writes the new run; merge_run.c makes
 * its run.json.
 */
#ifndef UT_MERGE_H
#define UT_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "ktap_merge.h"
#include "run_read.h"

/* One input: a run directory, read and checked. */
struct ut_shard {
	const char *arg;	/* as given on the command line */
	int pos;		/* its place there: the order among shards of one K */
	struct ut_run_rec run;
	int k, n;		/* --shard K/N of its argv; 1/1 without */
	char label[32];		/* "shard 2/3" */
	struct ut_ktap_doc ktap;	/* its ktap.log, one test per variant of run.json */
	bool ktap_made;		/* no ktap.log: made from run.json and the results */
	char *kmsg;		/* kmsg.log, NULL when the run has none */
	size_t kmsg_len;
	bool *drop;		/* per variant of run: a duplicate of an earlier shard's */
	int kept;		/* variants not dropped */
};

/*
 * Read the run in @dir (or @dir/latest) into @s: run.json and every
 * results file (run_read.h), K/N from its argv, ktap.log (every test a
 * variant of run.json; variants it lacks get a line made from their
 * results file) and kmsg.log.  0, or -1 with one line in @why.
 */
int ut_shard_read(const char *dir, struct ut_shard *s, char *why, size_t sz);
void ut_shard_free(struct ut_shard *s);
/* --shard K/N of @argv into *@k, *@n; false when there is none (1/1). */
bool ut_shard_of_argv(const char *const *argv, int argc, int *k, int *n);
/* The row of run.json's "scenarios" for the variant file @file, or NULL. */
json_t *ut_shard_row(const struct ut_shard *s, const char *file);

/*
 * The merged run.json: run @id of the kept variants of @sh[0..n) (in K
 * order, duplicates marked), its rows in the order of the merged KTAP
 * (round-robin over the shards' tests, as ut_ktap_merge), and a "merge"
 * object recording each shard's K/N, run id, seed, argv, start, end and
 * completeness.  NULL on ENOMEM.  *@complete: every shard complete and
 * every K of 1..N there.
 */
json_t *ut_merge_run_json(struct ut_shard *const *sh, int n, const char *id,
			  bool *complete);

struct ut_opts;
/* undertow merge [-O|--results DIR] RUN...: exit 0/1/4 as a run, 2 on refusal. */
int ut_cmd_merge(const struct ut_opts *o);

#endif
