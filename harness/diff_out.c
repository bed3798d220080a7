// SPDX-License-Identifier: GPL-2.0
/*
 * diff_out.c - undertow diff RUN_A RUN_B: read both runs, compare them
 * (diff.c), and write what changed as a table on stdout and as JSON
 * (into B, or --output), both stating the noise rule.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "rundir.h"

static bool is_verdict_line(const struct ut_change *c)
{
	return c->kind <= UT_CH_ONLY_B;
}

/* A function's or source line's row (--coverage): its hits in A and B. */
static bool is_fn_line(const struct ut_change *c)
{
	return c->kind >= UT_CH_FN_GAINED && c->kind <= UT_CH_LINE_LOST;
}

static double share(uint64_t n, uint64_t calls)
{
	return calls ? (double)n / calls : 0;
}

static json_t *side_json(const struct ut_change *c, bool b)
{
	const char *verdict = b ? c->vb : c->va;
	uint64_t n = b ? c->nb : c->na, calls = b ? c->cb : c->ca;

	if (is_verdict_line(c))
		return verdict ? json_pack("{s:s}", "verdict", verdict) : json_null();
	if (is_fn_line(c))
		return json_pack("{s:I}", "hits", (json_int_t)n);
	if (!c->ret)
		return json_pack("{s:I}", "calls", (json_int_t)calls);
	return json_pack("{s:I, s:I, s:f}", "count", (json_int_t)n, "calls", (json_int_t)calls,
			 "share", share(n, calls));
}

static json_t *change_json(const struct ut_change *c)
{
	json_t *j = json_pack("{s:s, s:s, s:o, s:o}", "variant", c->file,
			      "kind", ut_change_name(c->kind), "a", side_json(c, false),
			      "b", side_json(c, true));

	if (j && c->role)
		json_object_set_new(j, "role", json_string(c->role));
	if (j && c->op)
		json_object_set_new(j, !is_fn_line(c) ? "op" : c->kind >= UT_CH_LINE_GAINED ? "line" :
				    "function", json_string(c->op));
	if (j && c->ret) {
		json_object_set_new(j, "return", json_string(c->ret));
		json_object_set_new(j, "z", json_real(c->z));
	}
	return j;
}

/* A value of run.json, or null when the run did not record it. */
static json_t *seed_json(const struct ut_run_rec *r)
{
	return r->seed >= 0 ? json_integer(r->seed) : json_null();
}

static json_t *complete_json(const struct ut_run_rec *r)
{
	return r->complete >= 0 ? json_boolean(r->complete) : json_null();
}

static json_t *run_json(const struct ut_run_rec *r)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "dir", r->dir, "run_id", r->run_id,
			 "kernel", r->kernel ? r->kernel : "", "seed", seed_json(r),
			 "complete", complete_json(r));
}

static json_t *diff_json(const struct ut_run_rec *a, const struct ut_run_rec *b,
			 const struct ut_diff *d, int rc)
{
	json_t *j, *changes = json_array(), *counts = json_object();

	for (int i = 0; i < d->n; i++)
		json_array_append_new(changes, change_json(&d->v[i]));
	for (int k = 0; k < UT_CH_NKINDS; k++)
		json_object_set_new(counts, ut_change_name(k), json_integer(d->count[k]));
	j = json_pack("{s:o, s:o, s:{s:s, s:f, s:f}, s:o, s:o, s:b, s:i}",
		      "a", run_json(a), "b", run_json(b),
		      "noise", "rule", UT_DIFF_RULE, "min_share_delta", UT_DIFF_MIN_SHARE,
		      "min_abs_z", UT_DIFF_MIN_Z, "changes", changes, "counts", counts,
		      "worse", d->count[UT_CH_WORSE] > 0, "exit", rc);
	return j;
}

static void side_text(const struct ut_change *c, bool b, char *buf, size_t sz)
{
	const char *verdict = b ? c->vb : c->va;
	uint64_t n = b ? c->nb : c->na, calls = b ? c->cb : c->ca;

	if (is_verdict_line(c))
		snprintf(buf, sz, "%s", verdict ? verdict : "-");
	else if (is_fn_line(c))
		snprintf(buf, sz, "%llu hits", (unsigned long long)n);
	else if (!c->ret && !calls)
		snprintf(buf, sz, "-");
	else if (!c->ret)
		snprintf(buf, sz, "%llu calls", (unsigned long long)calls);
	else
		snprintf(buf, sz, "%.1f%% %llu/%llu", 100 * share(n, calls),
			 (unsigned long long)n, (unsigned long long)calls);
}

static void describe_run(FILE *out, const char *tag, const struct ut_run_rec *r)
{
	char seed[32] = "?";

	if (r->seed >= 0)
		snprintf(seed, sizeof(seed), "%lld", (long long)r->seed);
	fprintf(out, "# %s: %s (run %s, kernel %s, seed %s, %s)\n", tag, r->dir, r->run_id,
		r->kernel ? r->kernel : "?", seed, !r->complete ? "INCOMPLETE" : "complete");
	ut_diff_cov_describe(out, tag, r);
	for (int i = 0; i < r->n; i++)
		if (!r->v[i].have_res)
			fprintf(out, "# %s: %s: ops not compared: %s\n", tag, r->v[i].file,
				r->v[i].err);
}

static void print_table(FILE *out, const struct ut_run_rec *a, const struct ut_run_rec *b,
			const struct ut_diff *d, const char *path)
{
	int wv = 7, wr = 4, wo = 2, wc = 7, wa = 1;
	char sa[64], sb[64];
	int nch = 0;

	fprintf(out, "# undertow diff: A -> B, per variant and op\n");
	describe_run(out, "A", a);
	describe_run(out, "B", b);
	fprintf(out, "# noise: %s\n", UT_DIFF_RULE);
	for (int i = 0; i < d->n; i++) {
		const struct ut_change *c = &d->v[i];
		int l;

		side_text(c, false, sa, sizeof(sa));
		wv = (l = strlen(c->file)) > wv ? l : wv;
		wr = c->role && (l = strlen(c->role)) > wr ? l : wr;
		wo = c->op && (l = strlen(c->op)) > wo ? l : wo;
		wc = c->ret && (l = strlen(c->ret)) > wc ? l : wc;
		wa = (l = strlen(sa)) > wa ? l : wa;
	}
	if (d->n)
		fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s    %-s  %s\n", wv, "variant", wr, "role",
			wo, "op", wc, "return", wa, "A", "B", "change");
	for (int i = 0; i < d->n; i++) {
		const struct ut_change *c = &d->v[i];

		side_text(c, false, sa, sizeof(sa));
		side_text(c, true, sb, sizeof(sb));
		fprintf(out, "%-*s  %-*s  %-*s  %-*s  %-*s -> %-s  %s\n", wv, c->file,
			wr, c->role ? c->role : "-", wo, c->op ? c->op : "-",
			wc, c->ret ? c->ret : is_verdict_line(c) ? "verdict" : "-",
			wa, sa, sb, ut_change_name(c->kind));
		nch++;
	}
	if (!nch) {
		fprintf(out, "# no changes beyond noise; JSON in %s\n", path);
		return;
	}
	fprintf(out, "# %d changes:", nch);
	for (int k = 0; k < UT_CH_NKINDS; k++)
		if (d->count[k])
			fprintf(out, " %s %d,", ut_change_name(k), d->count[k]);
	fprintf(out, " JSON in %s\n", path);
}

/* run ids name files: keep them to one path component. */
static void file_safe(char *s)
{
	for (; *s; s++)
		if (*s == '/' || *s == ' ')
			*s = '_';
}

/* Where the JSON goes: @output, else B's diff-<run id of A>.json. */
static void json_path(const struct ut_run_rec *a, const struct ut_run_rec *b,
		      const char *output, char *path, size_t sz)
{
	char id[256];

	snprintf(id, sizeof(id), "%s", a->run_id);
	file_safe(id);
	if (output)
		snprintf(path, sz, "%s", output);
	else
		snprintf(path, sz, "%s/diff-%s.json", b->dir, id);
}

/* Read both runs; errors (the path at fault first) go as one line. */
static int load_runs(const char *dir_a, const char *dir_b, struct ut_run_rec *a,
		     struct ut_run_rec *b, FILE *err)
{
	char why[PATH_MAX + 512];

	if (ut_run_read(dir_a, a, why, sizeof(why))) {
		fprintf(err, "undertow: %s\n", why);
		return -1;
	}
	if (ut_run_read(dir_b, b, why, sizeof(why))) {
		fprintf(err, "undertow: %s\n", why);
		ut_run_free(a);
		return -1;
	}
	return 0;
}

int ut_diff_main(const char *dir_a, const char *dir_b, const char *output, FILE *out,
		 FILE *err)
{
	char path[PATH_MAX * 2];
	struct ut_run_rec a, b;
	struct ut_diff d;
	int rc, werr;
	json_t *j;

	if (load_runs(dir_a, dir_b, &a, &b, err))
		return UT_EXIT_USAGE;
	if (ut_diff_runs(&a, &b, &d)) {
		fprintf(err, "undertow: diff: out of memory\n");
		rc = UT_EXIT_USAGE;
		goto out;
	}
	rc = d.count[UT_CH_WORSE] ? UT_EXIT_FAIL : UT_EXIT_PASS;
	json_path(&a, &b, output, path, sizeof(path));
	j = diff_json(&a, &b, &d, rc);
	werr = j ? ut_json_write_atomic(path, j) : -ENOMEM;
	json_decref(j);
	/* The table names the JSON: only once it is there. */
	if (werr) {
		fprintf(err, "undertow: %s: cannot write the diff: %s\n", path, strerror(-werr));
		rc = UT_EXIT_USAGE;
	} else {
		print_table(out, &a, &b, &d, path);
		fflush(out);
	}
	ut_diff_free(&d);
out:
	ut_run_free(&a);
	ut_run_free(&b);
	return rc;
}

int ut_cmd_diff(const struct ut_opts *o)
{
	return ut_diff_main(o->runs[0], o->runs[1], o->output, stdout, stderr);
}
