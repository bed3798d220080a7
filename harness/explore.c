// SPDX-License-Identifier: GPL-2.0
/*
 * explore.c - undertow run --explore SECS.  The selected scenarios run
 * first as given; then, until SECS have passed, a parent (one of those or
 * a kept variant) is mutated (explore_mut.c) and run as one supervised
 * variant with function coverage.  A variant that reaches an overlayfs
 * function no earlier one reached is kept: its results file goes to
 * <run>/corpus/NNN-<variant>.json, replayable like any result.  A variant
 * with a finding goes beside run.json, as in any run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "coverage.h"
#include "detector.h"
#include "results_read.h"
#include "engine.h"
#include "explore.h"
#include "explore_mut.h"
#include "run.h"

#define EXPLORE_T_S	1.0	/* a variant's run time unless -t says */
#define MAX_KEPT	4096	/* parents: the given variants and the corpus */

struct explore {
	struct ut_run x;
	const struct ut_opts *o;
	struct ut_rng rng;
	struct ut_pool pool;
	struct ut_cand *kept;	/* parents: the given variants, then the corpus */
	int nkept, ngiven;
	json_t *seen;		/* function -> file stem of the variant that reached it first */
	json_t *info;		/* run.json's "explore" */
	int runs, corpus, findings, probed, reached_given;
	double t0, runtime;
	char stop[512];		/* why it stopped early, "" when the budget ran out */
};

/* Functions @cov reached that no variant before did; they are marked seen by @name. */
static json_t *new_functions(struct explore *E, json_t *cov, const char *name)
{
	json_t *fns = json_object_get(cov, "functions"), *v, *added = json_array();
	const char *fn;

	if (strcmp(json_string_value(json_object_get(cov, "status")) ?: "", "ok"))
		return added;
	E->probed = (int)json_integer_value(json_object_get(cov, "probed"));
	json_object_foreach(fns, fn, v)
		if (json_integer_value(v) > 0 && !json_object_get(E->seen, fn)) {
			json_object_set_new(E->seen, fn, json_string(name));
			json_array_append_new(added, json_string(fn));
		}
	return added;
}

/*
 * A finding: its file beside run.json and a row, as a plain run has them,
 * unless it goes to the corpus (@kept), which has rows too.
 */
static void record_finding(struct explore *E, const char *name, struct ut_result *r, bool kept)
{
	char rel[256];
	json_t *j;

	snprintf(rel, sizeof(rel), kept ? UT_CORPUS "/%s.json" : "%s.json", name);
	if (!kept) {
		j = ut_result_json(r);
		ut_out_file(&E->x.st, rel, j);
		json_decref(j);
		ut_run_row_add(E->x.st.run, name, r->name, r->variant, r->verdict, r->duration_s);
	}
	/* The file relative to the run: a guest's run directory is not the host's. */
	ut_out_line(&E->x.st, "# explore: %s: %s: %s (the run's %s; undertow repro takes it)\n",
		    name, ut_verdict_name(r->verdict), r->reason, rel);
	E->findings++;
}

/* Keep @c: its result (with what changed and what it reached first) into corpus/. */
static void keep(struct explore *E, const struct ut_cand *c, struct ut_result *r,
		 json_t *added, const char *parent, const char *what)
{
	json_t *j = ut_result_json(r), *ex;
	char stem[256], rel[272];

	ex = json_pack("{s:i, s:s, s:s, s:O, s:i}", "index", E->runs, "parent", parent,
		       "changed", what, "new_functions", added, "reached_total",
		       (int)json_object_size(E->seen));
	json_object_set_new(j, "explore", ex);
	snprintf(stem, sizeof(stem), UT_CORPUS "/%s", c->name);
	snprintf(rel, sizeof(rel), "%s.json", stem);
	if (!ut_out_file(&E->x.st, rel, j)) {
		/* A row, so that report and diff see the corpus too. */
		ut_run_row_add(E->x.st.run, stem, r->name, r->variant, r->verdict, r->duration_s);
		json_array_append_new(json_object_get(E->info, "corpus"),
				      json_pack("{s:s, s:s, s:s, s:s, s:i}", "file", rel,
						"variant", c->v->name, "parent", parent,
						"changed", what, "new", (int)json_array_size(added)));
		E->corpus++;
	}
	json_decref(j);
	if (E->nkept < MAX_KEPT)
		E->kept[E->nkept++] = *c;
	ut_out_line(&E->x.st, "# explore: %s: +%zu functions (%zu in all): %s\n", c->name,
		    json_array_size(added), json_object_size(E->seen), what);
}

/* Run @c once with coverage; keep it when it reached something new. */
static void run_one(struct explore *E, struct ut_cand *c, const char *parent, const char *what)
{
	struct ut_run_cfg cfg = E->x.cfg;
	struct ut_result r;
	char why[512];
	json_t *added;

	cfg.seed = c->seed;
	cfg.workers = c->workers;
	cfg.mutators = c->mutators;
	memcpy(cfg.off, c->off, sizeof(cfg.off));
	memcpy(cfg.wt, c->wt, sizeof(cfg.wt));
	cfg.time_s = E->runtime;
	cfg.coverage = true;
	cfg.index = ++E->runs;
	snprintf(c->name, sizeof(c->name), "%03d-%s", E->runs, c->v->name);
	/* For whoever reads a dead guest's console, as run.c says it. */
	ut_out_line(&E->x.st, "# start %s\n", c->name);
	ut_run_variant(c->v, &cfg, &r);
	ut_out_kmsg(&E->x.st, &r);
	ut_cov_union_add(E->x.st.run, json_object_get(r.extra, "coverage"));
	if (r.verdict == UT_SKIP)
		ut_pool_kill(&E->pool, c->v);
	/* A cut-short run proves nothing: its coverage counts in the union only. */
	added = ut_interrupted ? json_array() :
		new_functions(E, json_object_get(r.extra, "coverage"), c->name);
	if (r.verdict != UT_PASS && r.verdict != UT_SKIP)
		record_finding(E, c->name, &r, json_array_size(added) > 0);
	if (json_array_size(added))
		keep(E, c, &r, added, parent, what);
	else if (!strcmp(parent, "(none)"))	/* a given one stays a parent all the same */
		ut_out_line(&E->x.st, "# explore: %s: +0 functions (%zu in all): as given, not "
			    "in the corpus\n", c->name, json_object_size(E->seen));
	json_decref(added);
	if (!E->stop[0] && !ut_interrupted &&
	    !ut_run_kernel_usable(&E->x, &r, c->name, why, sizeof(why)))
		snprintf(E->stop, sizeof(E->stop), "%s", why);
	ut_out_run_json(&E->x.st);
	ut_result_free(&r);
}

static bool go_on(const struct explore *E)
{
	return !ut_interrupted && !E->stop[0];
}

/* The selected variants as given: what the mutants are measured against. */
static void run_given(struct explore *E, const struct ut_variant *base, int nbase)
{
	for (int i = 0; i < nbase && go_on(E); i++) {
		struct ut_cand c = { .v = &base[i], .seed = E->x.cfg.seed,
				     .workers = E->x.cfg.workers,
				     .mutators = base[i].sc->mutators[0].name ? E->x.cfg.mutators : 0 };

		E->kept[E->nkept++] = c;	/* a parent whether or not it reached anything new */
		run_one(E, &E->kept[E->nkept - 1], "(none)", "as given");
	}
	E->ngiven = E->nkept;
	E->reached_given = (int)json_object_size(E->seen);
}

/* Mutants until the budget would be overrun by one more run. */
static void run_mutants(struct explore *E)
{
	while (go_on(E) && ut_now() - E->t0 + E->runtime < E->o->explore_s) {
		const struct ut_cand *p = &E->kept[ut_rng_below(&E->rng, E->nkept)];
		char what[512], parent[208];
		struct ut_cand c;

		snprintf(parent, sizeof(parent), "%s", p->name);
		ut_mutate(&E->rng, &E->pool, p, &c, what, sizeof(what));
		run_one(E, &c, parent, what);
	}
}

/* The one test line, the run's record of it, and the exit code. */
static int conclude(struct explore *E)
{
	struct run_state *st = &E->x.st;
	int reached = (int)json_object_size(E->seen);
	char line[512];

	snprintf(line, sizeof(line), "%d variants run, %d kept, %d functions reached (%d by the "
		 "unmutated scenarios) of %d probed", E->runs, E->corpus, reached,
		 E->reached_given, E->probed);
	json_object_update_new(E->info, json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:s}", "variants",
			   E->runs, "kept", E->corpus, "findings", E->findings, "reached",
			   reached, "reached_given", E->reached_given, "probed", E->probed,
			   "stopped", ut_interrupted ? "interrupted" : E->stop[0] ? E->stop :
			   "budget"));
	if (ut_interrupted) {	/* exit 1 (ut_run_end), as for any interrupted run */
		ut_out_line(st, "# explore: %s\n", line);
		ut_out_line(st, "Bail out! interrupted after %d variants; corpus kept\n", E->runs);
	} else if (E->findings || E->stop[0]) {
		ut_out_line(st, "not ok 1 explore # %d finding(s)%s%s; %s\n", E->findings,
			    E->stop[0] ? ", " : "", E->stop, line);
		st->fail++;
	} else {
		ut_out_line(st, "ok 1 explore # %s\n", line);
		st->pass++;
	}
	st->n++;
	json_array_append_new(E->x.rows, json_pack("{s:s, s:s, s:f, s:s}", "name", "explore",
			      "verdict", st->pass ? "pass" : "fail", "ops_s", 0.0, "top", line));
	return ut_run_end(&E->x);
}

static int setup(struct explore *E, const struct ut_variant *base, int nbase,
		 bool unprivileged)
{
	char corpus[PATH_MAX + 16];

	E->kept = calloc(MAX_KEPT, sizeof(*E->kept));
	E->seen = json_object();
	E->info = json_pack("{s:f, s:f, s:[]}", "budget_s", E->o->explore_s, "runtime_s",
			    E->runtime, "corpus");
	snprintf(corpus, sizeof(corpus), "%s/corpus", E->x.st.dir);
	if (!E->kept || !E->seen || !E->info ||
	    ut_pool_make(&E->pool, base, nbase, E->o->nbackends || E->o->noptsets, unprivileged)) {
		fprintf(stderr, "undertow: %s:%d: out of memory\n", __FILE__, __LINE__);
		return -1;
	}
	if (mkdir(corpus, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "undertow: %s:%d: %s: %s\n", __FILE__, __LINE__, corpus,
			strerror(errno));
		return -1;
	}
	json_object_set(E->x.st.run, "explore", E->info);
	ut_rng_seed(&E->rng, E->x.cfg.seed ^ 0x6578706c6f7265ull);	/* "explore" */
	return 0;
}

int ut_explore(const struct ut_opts *o, const struct ut_variant *base, int nbase, int argc,
	       char **argv, bool unprivileged)
{
	static struct explore E;
	char why[512];
	int rc;

	/* Without coverage there is nothing to be guided by: a skip, before any result. */
	if (ut_coverage_probe(why, sizeof(why))) {
		fprintf(stderr, "undertow: --explore needs function coverage: tracing refused: "
			"%s\n", why);
		return UT_EXIT_SKIP;
	}
	E.o = o;
	E.t0 = ut_now();
	E.runtime = o->time_s ? o->time_s : EXPLORE_T_S;
	rc = ut_run_begin(&E.x, o, 1, argc, argv, unprivileged);
	if (rc)
		return rc;
	if (setup(&E, base, nbase, unprivileged)) {
		snprintf(E.stop, sizeof(E.stop), "set-up failed");
	} else {
		ut_out_line(&E.x.st, "# explore: %.0f s, %d variants as given, %d (backend, set) "
			    "variants to move to, %g s each\n", o->explore_s, nbase, E.pool.n,
			    E.runtime);
		run_given(&E, base, nbase);
		run_mutants(&E);
	}
	rc = conclude(&E);
	ut_pool_free(&E.pool);
	json_decref(E.seen);
	json_decref(E.info);
	free(E.kept);
	return rc;
}
