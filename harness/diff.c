// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - undertow diff RUN_A RUN_B: what changed between two runs, per
 * variant (matched by file stem) and per op of the workers and of the
 * mutators.  A patch shows its effect here: ESTALE vanishing from unlinkat,
 * say.  Random variation between runs is kept out by the noise rule in
 * diff.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "diff.h"
#include "results.h"
#include "verdict.h"

static const char *const kind_names[UT_CH_NKINDS] = {
	[UT_CH_WORSE] = "worse", [UT_CH_BETTER] = "better",
	[UT_CH_VERDICT] = "verdict changed",
	[UT_CH_ONLY_A] = "only in A", [UT_CH_ONLY_B] = "only in B",
	[UT_CH_OP_ONLY_A] = "op only in A", [UT_CH_OP_ONLY_B] = "op only in B",
	[UT_CH_APPEARED] = "appeared", [UT_CH_VANISHED] = "vanished",
	[UT_CH_SHIFTED] = "shifted",
};

const char *ut_change_name(enum ut_change_kind k)
{
	return k < UT_CH_NKINDS ? kind_names[k] : "?";
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A run directory, or a results directory whose latest points to one. */
static int find_run_dir(const char *dir, char *out, size_t outsz, char *why, size_t sz)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		snprintf(why, sz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, sz, "%s: not a directory (want a run directory such as "
			 "results/latest)", dir);
		return -1;
	}
	if (has_file(dir, "run.json")) {
		snprintf(out, outsz, "%s", dir);
		return 0;
	}
	if (has_file(dir, "latest/run.json")) {
		snprintf(out, outsz, "%s/latest", dir);
		return 0;
	}
	snprintf(why, sz, "%s: no run.json (want a run directory such as results/latest)", dir);
	return -1;
}

static void load_var(const struct ut_run *r, struct ut_run_var *v)
{
	char path[PATH_MAX * 2];
	json_error_t e;

	/* The stem comes from a file: never let it leave the run directory. */
	if (strchr(v->file, '/') || v->file[0] == '.' || !v->file[0]) {
		snprintf(v->err, sizeof(v->err), "'%.100s' is not a result file name", v->file);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.json", r->dir, v->file);
	v->res = json_load_file(path, 0, &e);
	if (!v->res) {
		snprintf(v->err, sizeof(v->err), "%.100s.json: %.140s", v->file, e.text);
	} else if (!json_is_object(v->res)) {
		snprintf(v->err, sizeof(v->err), "%.100s.json: not a JSON object", v->file);
		json_decref(v->res);
		v->res = NULL;
	}
}

int ut_run_load(const char *dir, struct ut_run *r, char *why, size_t sz)
{
	char path[PATH_MAX + 16], real[PATH_MAX];
	json_t *rows, *row;
	json_error_t e;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (find_run_dir(dir, r->dir, sizeof(r->dir), why, sz))
		return -1;
	snprintf(path, sizeof(path), "%s/run.json", r->dir);
	r->run = json_load_file(path, 0, &e);
	if (!r->run) {
		snprintf(why, sz, "%s: %s (line %d)", path, e.text, e.line);
		return -1;
	}
	rows = json_object_get(r->run, "scenarios");
	if (!json_is_object(r->run) || !json_is_array(rows)) {
		snprintf(why, sz, "%s: not a run.json (no scenarios array)", path);
		ut_run_free(r);
		return -1;
	}
	if (!jstr(r->run, "run_id")) {
		const char *base = realpath(r->dir, real) ? strrchr(real, '/') : NULL;

		json_object_set_new(r->run, "run_id", json_string(base ? base + 1 : r->dir));
	}
	r->run_id = jstr(r->run, "run_id");
	r->v = calloc(json_array_size(rows) + 1, sizeof(*r->v));
	if (!r->v) {
		snprintf(why, sz, "out of memory");
		ut_run_free(r);
		return -1;
	}
	json_array_foreach(rows, i, row) {
		struct ut_run_var *v = &r->v[r->n];
		/* Rows written before "file" existed name the file by the scenario. */
		const char *file = jstr(row, "file") ? jstr(row, "file") : jstr(row, "name");

		if (!file || ut_run_find(r, file))
			continue;
		v->file = file;
		v->name = jstr(row, "name") ? jstr(row, "name") : file;
		v->variant = jstr(row, "variant") ? jstr(row, "variant") : "";
		load_var(r, v);
		v->verdict = jstr(v->res, "verdict");
		if (!v->verdict)
			v->verdict = jstr(row, "verdict") ? jstr(row, "verdict") : "?";
		r->n++;
	}
	return 0;
}

void ut_run_free(struct ut_run *r)
{
	for (int i = 0; i < r->n; i++)
		json_decref(r->v[i].res);
	free(r->v);
	json_decref(r->run);
	memset(r, 0, sizeof(*r));
}

const struct ut_run_var *ut_run_find(const struct ut_run *r, const char *file)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].file, file))
			return &r->v[i];
	return NULL;
}

/* sqrt(x) for x >= 0 without libm, which undertow does not link. */
static double root(double x)
{
	double r = x > 1 ? x : 1;

	if (x <= 0)
		return 0;
	/* Newton from above decreases monotonically to the root. */
	for (int i = 0; i < 2000; i++) {
		double next = (r + x / r) / 2;

		if (next >= r)
			break;
		r = next;
	}
	return r;
}

bool ut_diff_shifted(uint64_t na, uint64_t ca, uint64_t nb, uint64_t cb, double *z)
{
	double pa, pb, p, var, d;

	*z = 0;
	if (!ca || !cb)
		return false;
	pa = (double)na / ca;
	pb = (double)nb / cb;
	d = pb - pa;
	/* Pooled share under "nothing changed", and the variance of pB - pA. */
	p = ((double)na + nb) / ((double)ca + cb);
	var = p * (1 - p) * (1.0 / ca + 1.0 / cb);
	if (var <= 0)
		return false;	/* both 0% or both 100% */
	*z = d / root(var);
	return (d > UT_DIFF_MIN_SHARE || d < -UT_DIFF_MIN_SHARE) &&
	       d * d > UT_DIFF_MIN_Z * UT_DIFF_MIN_Z * var;
}

static int add(struct ut_diff *d, const struct ut_change *c)
{
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		struct ut_change *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = *c;
	d->count[c->kind]++;
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted union of the keys of @a and @b (either may be NULL).  Caller frees. */
static const char **key_union(json_t *a, json_t *b, int *n)
{
	size_t cap = json_object_size(a) + json_object_size(b) + 1;
	const char **k = calloc(cap, sizeof(*k));
	const char *key;
	json_t *v;
	int m = 0;

	*n = 0;
	if (!k)
		return NULL;
	json_object_foreach(a, key, v)
		k[m++] = key;
	json_object_foreach(b, key, v)
		k[m++] = key;
	qsort(k, m, sizeof(*k), by_str);
	for (int i = 0; i < m; i++)
		if (!*n || strcmp(k[*n - 1], k[i]))
			k[(*n)++] = k[i];
	return k;
}

static uint64_t count_of(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (uint64_t)v : 0;
}

/* An op's calls: "calls", or the sum of its returns when that is missing. */
static uint64_t calls_of(json_t *op)
{
	json_t *rets = json_object_get(op, "returns"), *v;
	uint64_t sum = 0;
	const char *key;

	if (json_is_integer(json_object_get(op, "calls")))
		return count_of(op, "calls");
	json_object_foreach(rets, key, v)
		sum += count_of(rets, key);
	return sum;
}

static int diff_op(struct ut_diff *d, struct ut_change *c, json_t *oa, json_t *ob)
{
	json_t *ra = json_object_get(oa, "returns"), *rb = json_object_get(ob, "returns");
	const char **keys;
	int n, err = 0;

	c->ca = calls_of(oa);
	c->cb = calls_of(ob);
	if (!c->ca && !c->cb)
		return 0;
	if (!c->ca || !c->cb) {
		c->kind = c->ca ? UT_CH_OP_ONLY_A : UT_CH_OP_ONLY_B;
		return add(d, c);
	}
	keys = key_union(ra, rb, &n);
	if (!keys)
		return -ENOMEM;
	for (int i = 0; i < n && !err; i++) {
		c->ret = keys[i];
		c->na = count_of(ra, keys[i]);
		c->nb = count_of(rb, keys[i]);
		/* A code new or gone is that, however large its share was. */
		if (ut_diff_shifted(c->na, c->ca, c->nb, c->cb, &c->z) && c->na && c->nb)
			c->kind = UT_CH_SHIFTED;
		else if (!c->na && c->nb)
			c->kind = UT_CH_APPEARED;
		else if (c->na && !c->nb)
			c->kind = UT_CH_VANISHED;
		else
			continue;
		err = add(d, c);
	}
	free(keys);
	return err;
}

/* The ops (or mutations) of one variant in A and B. */
static int diff_role(struct ut_diff *d, const char *file, const char *role, json_t *ha,
		     json_t *hb)
{
	const char **ops;
	int n, err = 0;

	ops = key_union(ha, hb, &n);
	if (!ops)
		return -ENOMEM;
	for (int i = 0; i < n && !err; i++) {
		struct ut_change c = { .file = file, .role = role, .op = ops[i] };

		err = diff_op(d, &c, json_object_get(ha, ops[i]), json_object_get(hb, ops[i]));
	}
	free(ops);
	return err;
}

static int diff_verdict(struct ut_diff *d, const struct ut_run_var *a,
			const struct ut_run_var *b)
{
	struct ut_change c = { .file = a->file, .va = a->verdict, .vb = b->verdict };
	int ra = ut_verdict_of(a->verdict), rb = ut_verdict_of(b->verdict);

	if (!strcmp(a->verdict, b->verdict))
		return 0;
	/* Verdicts are ordered by severity: skip < pass < fail < ... < crash. */
	c.kind = ra < 0 || rb < 0 ? UT_CH_VERDICT : rb > ra ? UT_CH_WORSE : UT_CH_BETTER;
	return add(d, &c);
}

int ut_diff_runs(const struct ut_run *a, const struct ut_run *b, struct ut_diff *d)
{
	int err = 0;

	memset(d, 0, sizeof(*d));
	for (int i = 0; i < a->n && !err; i++) {
		const struct ut_run_var *va = &a->v[i], *vb = ut_run_find(b, va->file);
		struct ut_change only = { .kind = UT_CH_ONLY_A, .file = va->file,
					  .va = va->verdict };

		if (!vb) {
			err = add(d, &only);
			continue;
		}
		err = diff_verdict(d, va, vb);
		/* An unreadable result file has no ops to compare. */
		if (err || !va->res || !vb->res)
			continue;
		err = diff_role(d, va->file, "workers", json_object_get(va->res, "ops"),
				json_object_get(vb->res, "ops"));
		if (!err)
			err = diff_role(d, va->file, "mutators",
					json_object_get(va->res, "mutations"),
					json_object_get(vb->res, "mutations"));
	}
	for (int i = 0; i < b->n && !err; i++) {
		struct ut_change only = { .kind = UT_CH_ONLY_B, .file = b->v[i].file,
					  .vb = b->v[i].verdict };

		if (!ut_run_find(a, b->v[i].file))
			err = add(d, &only);
	}
	return err;
}

void ut_diff_free(struct ut_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static bool is_verdict_line(const struct ut_change *c)
{
	return c->kind <= UT_CH_ONLY_B;
}

static double share(uint64_t n, uint64_t calls)
{
	return calls ? (double)n / calls : 0;
}

/* ---- output ------------------------------------------------------------ */

static json_t *side_json(const struct ut_change *c, bool b)
{
	const char *verdict = b ? c->vb : c->va;
	uint64_t n = b ? c->nb : c->na, calls = b ? c->cb : c->ca;

	if (is_verdict_line(c))
		return verdict ? json_pack("{s:s}", "verdict", verdict) : json_null();
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
		json_object_set_new(j, "op", json_string(c->op));
	if (j && c->ret) {
		json_object_set_new(j, "return", json_string(c->ret));
		json_object_set_new(j, "z", json_real(c->z));
	}
	return j;
}

static json_t *run_json(const struct ut_run *r)
{
	json_t *seed = json_object_get(r->run, "seed"), *complete;

	complete = json_object_get(r->run, "complete");
	return json_pack("{s:s, s:s, s:s, s:O, s:O}", "dir", r->dir, "run_id", r->run_id,
			 "kernel", jstr(r->run, "kernel") ? jstr(r->run, "kernel") : "",
			 "seed", seed ? seed : json_null(),
			 "complete", complete ? complete : json_null());
}

static json_t *diff_json(const struct ut_run *a, const struct ut_run *b,
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
	else if (!c->ret && !calls)
		snprintf(buf, sz, "-");
	else if (!c->ret)
		snprintf(buf, sz, "%llu calls", (unsigned long long)calls);
	else
		snprintf(buf, sz, "%.1f%% %llu/%llu", 100 * share(n, calls),
			 (unsigned long long)n, (unsigned long long)calls);
}

static void describe_run(FILE *out, const char *tag, const struct ut_run *r)
{
	json_t *seed = json_object_get(r->run, "seed");

	fprintf(out, "# %s: %s (run %s, kernel %s, seed %lld, %s)\n", tag, r->dir, r->run_id,
		jstr(r->run, "kernel") ? jstr(r->run, "kernel") : "?",
		(long long)json_integer_value(seed),
		json_is_false(json_object_get(r->run, "complete")) ? "INCOMPLETE" : "complete");
	for (int i = 0; i < r->n; i++)
		if (!r->v[i].res)
			fprintf(out, "# %s: %s: ops not compared: %s\n", tag, r->v[i].file,
				r->v[i].err);
}

static void print_table(FILE *out, const struct ut_run *a, const struct ut_run *b,
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

int ut_diff_main(const char *dir_a, const char *dir_b, const char *output, FILE *out,
		 FILE *err)
{
	char why[PATH_MAX + 512], path[PATH_MAX * 2], id[256];
	struct ut_run a, b;
	struct ut_diff d;
	int rc, werr;
	json_t *j;

	if (ut_run_load(dir_a, &a, why, sizeof(why))) {
		fprintf(err, "undertow: diff: %s\n", why);
		return UT_EXIT_USAGE;
	}
	if (ut_run_load(dir_b, &b, why, sizeof(why))) {
		fprintf(err, "undertow: diff: %s\n", why);
		ut_run_free(&a);
		return UT_EXIT_USAGE;
	}
	if (ut_diff_runs(&a, &b, &d)) {
		fprintf(err, "undertow: diff: out of memory\n");
		ut_run_free(&a);
		ut_run_free(&b);
		return UT_EXIT_USAGE;
	}
	rc = d.count[UT_CH_WORSE] ? UT_EXIT_FAIL : UT_EXIT_PASS;
	snprintf(id, sizeof(id), "%s", a.run_id);
	file_safe(id);
	if (output)
		snprintf(path, sizeof(path), "%s", output);
	else
		snprintf(path, sizeof(path), "%s/diff-%s.json", b.dir, id);
	j = diff_json(&a, &b, &d, rc);
	werr = j ? ut_json_write_atomic(path, j) : -ENOMEM;
	json_decref(j);
	print_table(out, &a, &b, &d, path);
	fflush(out);
	if (werr) {
		fprintf(err, "undertow: diff: writing %s: %s\n", path, strerror(-werr));
		rc = UT_EXIT_USAGE;
	}
	ut_diff_free(&d);
	ut_run_free(&a);
	ut_run_free(&b);
	return rc;
}

int ut_cmd_diff(const struct ut_opts *o)
{
	return ut_diff_main(o->runs[0], o->runs[1], o->output, stdout, stderr);
}
