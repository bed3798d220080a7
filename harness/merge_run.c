// SPDX-License-Identifier: GPL-2.0
/*
 * merge_run.c - run.json of a merged run: the union of the shards' rows,
 * what they share (kernel, settings), and a "merge" object that records
 * where each part came from and where the shards differ (seed, argv).
 */
#include <stdio.h>
#include <string.h>

#include "merge.h"

/* argv without what differs between the shards of one matrix by design. */
static json_t *run_argv(const struct ut_run_rec *r)
{
	json_t *a = json_array();

	for (int i = 0; a && i < r->argc; i++) {
		const char *w = r->argv[i];

		if ((!strcmp(w, "--shard") || !strcmp(w, "--results")) && i + 1 < r->argc) {
			i++;
			continue;
		}
		if (!strncmp(w, "--shard=", 8) || !strncmp(w, "--results=", 10))
			continue;
		json_array_append_new(a, json_string(w));
	}
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *shard_json(const struct ut_shard *s)
{
	char kn[24];
	json_t *argv = json_array();

	snprintf(kn, sizeof(kn), "%d/%d", s->k, s->n);
	for (int i = 0; argv && i < s->run.argc; i++)
		json_array_append_new(argv, json_string(s->run.argv[i]));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:i, s:b}", "shard", kn,
			 "run_id", s->run.run_id,
			 "seed", s->run.seed >= 0 ? json_integer(s->run.seed) : json_null(),
			 "argv", argv ? argv : json_null(),
			 "start", str_or_null(s->run.start), "end", str_or_null(s->run.end),
			 "complete", s->run.complete < 0 ? json_null() :
			 json_boolean(s->run.complete),
			 "variants", s->kept, "duplicates", s->run.n - s->kept,
			 "ktap_made_from_results", s->ktap_made);
}

/* Every K of 1..N among the shards: the K missing, as an array. */
static json_t *missing_shards(struct ut_shard *const *sh, int n)
{
	json_t *a = json_array();

	for (int k = 1; a && k <= sh[0]->n; k++) {
		bool have = false;

		for (int i = 0; i < n && !have; i++)
			have = sh[i]->k == k;
		if (!have)
			json_array_append_new(a, json_integer(k));
	}
	return a;
}

/* The rows, round-robin over the shards' tests: the order of the merged KTAP. */
static json_t *rows(struct ut_shard *const *sh, int n)
{
	json_t *a = json_array();
	int most = 0;

	for (int i = 0; i < n; i++)
		most = sh[i]->ktap.n > most ? sh[i]->ktap.n : most;
	for (int j = 0; a && j < most; j++)
		for (int i = 0; i < n; i++) {
			const struct ut_ktap_test *t = j < sh[i]->ktap.n ? &sh[i]->ktap.t[j] : NULL;
			json_t *row = t && !t->drop ? ut_shard_row(sh[i], t->name) : NULL;

			if (row)
				json_array_append_new(a, json_deep_copy(row));
		}
	return a;
}

/* @key's value when every shard has an equal one, else NULL. */
static json_t *common(struct ut_shard *const *sh, int n, const char *key)
{
	json_t *v = json_object_get(sh[0]->run.doc, key);

	for (int i = 1; v && i < n; i++)
		if (!json_equal(v, json_object_get(sh[i]->run.doc, key)))
			return NULL;
	return v;
}

/* The earliest start, and the latest end (null while any shard has none). */
static void span(struct ut_shard *const *sh, int n, json_t *run)
{
	const char *start = NULL, *end = "";

	for (int i = 0; i < n; i++) {
		const char *s = sh[i]->run.start, *e = sh[i]->run.end;

		if (s && (!start || strcmp(s, start) < 0))
			start = s;
		if (!e || (end && strcmp(e, end) > 0))
			end = e;
	}
	json_object_set_new(run, "start", str_or_null(start));
	json_object_set_new(run, "end", str_or_null(end && *end ? end : NULL));
}

/* Settings the shards share are the run's; where they differ, each shard's is in "merge". */
static void shared(struct ut_shard *const *sh, int n, json_t *run)
{
	static const char *const keys[] = { "kernel", "seed", "kmemleak",
					    "hung_task_timeout_secs" };
	int unpriv = -1;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *v = common(sh, n, keys[k]);

		if (v)
			json_object_set(run, keys[k], v);
	}
	for (int i = 0; i < n; i++)
		if (sh[i]->run.unprivileged >= 0)
			unpriv = unpriv > 0 ? 1 : sh[i]->run.unprivileged;
	if (unpriv >= 0)
		json_object_set_new(run, "unprivileged", json_boolean(unpriv));
}

static bool argv_differs(struct ut_shard *const *sh, int n)
{
	json_t *first = run_argv(&sh[0]->run);
	bool differs = false;

	for (int i = 1; i < n && !differs; i++) {
		json_t *a = run_argv(&sh[i]->run);

		differs = !json_equal(first, a);
		json_decref(a);
	}
	json_decref(first);
	return differs;
}

static json_t *merge_json(struct ut_shard *const *sh, int n)
{
	json_t *shards = json_array();

	for (int i = 0; shards && i < n; i++)
		json_array_append_new(shards, shard_json(sh[i]));
	return json_pack("{s:i, s:o, s:o, s:b, s:b}", "of", sh[0]->n, "shards", shards,
			 "missing", missing_shards(sh, n), "seed_differs", !common(sh, n, "seed"),
			 "argv_differs", argv_differs(sh, n));
}

json_t *ut_merge_run_json(struct ut_shard *const *sh, int n, const char *id, bool *complete)
{
	json_t *run = json_pack("{s:s, s:o, s:o, s:o}", "run_id", id, "argv", run_argv(&sh[0]->run),
				"scenarios", rows(sh, n), "merge", merge_json(sh, n));

	*complete = run && json_array_size(json_object_get(json_object_get(run, "merge"),
							   "missing")) == 0;
	for (int i = 0; i < n; i++)
		*complete = *complete && sh[i]->run.complete == 1;
	if (!run)
		return NULL;
	shared(sh, n, run);
	span(sh, n, run);
	json_object_set_new(run, "complete", json_boolean(*complete));
	return run;
}
