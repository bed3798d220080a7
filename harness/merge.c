// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c - undertow merge RUN...: check that the runs are shards of one
 * matrix on one kernel, fold identical duplicates and refuse conflicting
 * ones, then write one new run directory (run.json, every variant's file,
 * ktap.log renumbered, kmsg.log) beside the others and point latest at it.
 * Everything is read and checked before anything is written; the new
 * directory appears whole, by one rename.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "jfields.h"
#include "merge.h"
#include "rundir.h"

/* What merge makes, before it is written. */
struct merged {
	char id[64];
	json_t *run;
	char *ktap;
	struct ut_ktap_count count;
	bool complete;
};

/* One kernel, one N: anything else is not the shards of one matrix. */
static int check_one_matrix(struct ut_shard *const *sh, int n)
{
	const char *k0 = sh[0]->run.kernel ? sh[0]->run.kernel : "(none)";

	for (int i = 1; i < n; i++) {
		const char *k = sh[i]->run.kernel ? sh[i]->run.kernel : "(none)";

		if (strcmp(k, k0)) {
			fprintf(stderr, "undertow: %s: kernel %s, but %s ran on %s (merge the "
				"shards of one kernel)\n", sh[i]->arg, k, sh[0]->arg, k0);
			return UT_EXIT_USAGE;
		}
		if (sh[i]->n != sh[0]->n) {
			fprintf(stderr, "undertow: %s: %s, but %s is %s (merge the shards of one "
				"--shard K/N split)\n", sh[i]->arg, sh[i]->label, sh[0]->arg,
				sh[0]->label);
			return UT_EXIT_USAGE;
		}
	}
	return 0;
}

static int by_k(const void *a, const void *b)
{
	const struct ut_shard *x = *(struct ut_shard *const *)a, *y = *(struct ut_shard *const *)b;

	/* qsort is not stable: among shards of one K, the command line's order. */
	return x->k != y->k ? x->k - y->k : x->pos - y->pos;
}

/* Same content: the same results file, or the same row verdict without files. */
static bool same_result(const struct ut_run_var *a, const struct ut_run_var *b)
{
	if (a->have_res != b->have_res)
		return false;
	return a->have_res ? json_equal(a->res.doc, b->res.doc) : !strcmp(a->verdict, b->verdict);
}

static void drop_test(struct ut_shard *s, const char *file)
{
	for (int i = 0; i < s->ktap.n; i++)
		if (!strcmp(s->ktap.t[i].name, file))
			s->ktap.t[i].drop = true;
}

/* Variant @v of shard @s seen in an earlier shard: merged once, or refused. */
static int fold(struct ut_shard *const *sh, int s, int vi)
{
	const struct ut_run_var *v = &sh[s]->run.v[vi], *w = NULL;
	int j;

	for (j = 0; j < s && !w; j++)
		w = ut_run_find(&sh[j]->run, v->file);
	if (!w)
		return 0;
	j--;
	if (!same_result(v, w)) {
		bool same_verdict = !strcmp(w->verdict, v->verdict);

		fprintf(stderr, "undertow: variant %s is in %s (%s, run %s) and in %s (%s, run "
			"%s) with different results (%s%s%s%s): refusing to choose\n", v->file,
			sh[j]->arg, sh[j]->label, sh[j]->run.run_id, sh[s]->arg, sh[s]->label,
			sh[s]->run.run_id, same_verdict ? "both " : "", w->verdict,
			same_verdict ? ", other counts" : " vs ", same_verdict ? "" : v->verdict);
		return UT_EXIT_USAGE;
	}
	sh[s]->drop[vi] = true;
	sh[s]->kept--;
	drop_test(sh[s], v->file);
	return 0;
}

static int fold_duplicates(struct ut_shard *const *sh, int n)
{
	for (int s = 1; s < n; s++) {
		for (int v = 0; v < sh[s]->run.n; v++)
			if (fold(sh, s, v))
				return UT_EXIT_USAGE;
		/* All of it seen before: the same run given twice. */
		sh[s]->ktap.dup = sh[s]->run.n && !sh[s]->kept;
	}
	return 0;
}

/* "YYYYMMDD-HHMMSS-PID-merge": a run id like a run's, and says what made it. */
static void merged_id(char *id, size_t sz)
{
	time_t t = time(NULL);
	struct tm tm;
	char ts[32];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm);
	snprintf(id, sz, "%s-%d-merge", ts, (int)getpid());
}

/* Each K of 1..N that no shard has, as "2/3 5/6"-style words into @f after @sep. */
static int print_missing(FILE *f, struct ut_shard *const *sh, int n, const char *sep)
{
	int missing = 0;

	for (int k = 1; k <= sh[0]->n; k++) {
		bool have = false;

		for (int i = 0; i < n && !have; i++)
			have = sh[i]->k == k;
		if (!have)
			fprintf(f, "%s%d/%d", missing++ ? " " : sep, k, sh[0]->n);
	}
	return missing;
}

/* The merged KTAP's first diagnostics: what was merged, what is missing. */
static char *head_text(struct ut_shard *const *sh, int n, const struct merged *m)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	fprintf(f, "undertow merge: run %s of %d run%s of %d shard%s, kernel %s", m->id, n,
		n == 1 ? "" : "s", sh[0]->n, sh[0]->n == 1 ? "" : "s",
		sh[0]->run.kernel ? sh[0]->run.kernel : "?");
	for (int i = 0; i < n; i++)
		fprintf(f, "\n%s: run %s%s%s%s", sh[i]->label, sh[i]->run.run_id,
			sh[i]->ktap.dup ? " (a copy of an earlier one: merged once)" : "",
			sh[i]->run.complete == 1 ? "" : " (incomplete)",
			sh[i]->ktap_made ? " (no ktap.log: its lines are made from its results)" :
			"");
	if (print_missing(f, sh, n, "\nmissing shards: "))
		fputs(": the merged run is incomplete", f);
	return fclose(f) ? (free(out), NULL) : out;
}

static int build(struct ut_shard *const *sh, int n, struct merged *m)
{
	const struct ut_ktap_doc **docs = calloc(n, sizeof(*docs));
	const char **labels = calloc(n, sizeof(*labels));
	char *head;

	merged_id(m->id, sizeof(m->id));
	head = head_text(sh, n, m);
	for (int i = 0; docs && labels && i < n; i++) {
		docs[i] = &sh[i]->ktap;
		labels[i] = sh[i]->label;
	}
	m->ktap = docs && labels && head ? ut_ktap_merge(docs, labels, n, head, &m->count) : NULL;
	m->run = ut_merge_run_json(sh, n, m->id, &m->complete);
	free(head);
	free(docs);
	free(labels);
	if (m->ktap && m->run)
		return 0;
	fprintf(stderr, "undertow: merge: out of memory\n");
	return UT_EXIT_USAGE;
}

/* Remove what a failed write left in @dir, then @dir. */
static void remove_partial(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX + 300];

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* One results file, byte for byte, from @src to @dst (atomically). */
static int copy_file(const char *src, const char *dst, char *why, size_t sz)
{
	char *buf;
	size_t len;
	int err = ut_read_whole(src, UT_RESULT_MAX, &buf, &len);

	if (err) {
		snprintf(why, sz, "%s: %s", src, strerror(-err));
		return err;
	}
	err = ut_write_atomic(dst, buf, len);
	free(buf);
	if (err)
		snprintf(why, sz, "%s: %s", dst, strerror(-err));
	return err;
}

/* Each kept variant's results file into @dir. */
static int copy_results(struct ut_shard *const *sh, int n, const char *dir, char *why,
			size_t sz)
{
	for (int i = 0; i < n; i++)
		for (int v = 0; v < sh[i]->run.n; v++) {
			const struct ut_run_var *var = &sh[i]->run.v[v];
			char src[PATH_MAX + 300], dst[PATH_MAX + 300];
			int err;

			if (sh[i]->drop[v] || !var->have_res)
				continue;
			snprintf(src, sizeof(src), "%s/%s.json", sh[i]->run.dir, var->file);
			snprintf(dst, sizeof(dst), "%s/%s.json", dir, var->file);
			err = copy_file(src, dst, why, sz);
			if (err)
				return err;
		}
	return 0;
}

/* Each shard's kmsg.log once, in K order. */
static int write_kmsg(struct ut_shard *const *sh, int n, const char *path)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int err;

	if (!f)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		if (sh[i]->kmsg && !sh[i]->ktap.dup)
			fwrite(sh[i]->kmsg, 1, sh[i]->kmsg_len, f);
	if (fclose(f))
		return -ENOMEM;
	err = ut_write_atomic(path, out, len);
	free(out);
	return err;
}

/* A new hidden directory beside the runs, to fill before it gets its name. */
static int make_tmp(const char *results, const char *id, char *tmp, size_t tsz, char *why,
		    size_t sz)
{
	char dst[PATH_MAX];
	struct stat st;

	if (ut_rundir_check(results, why, sz))
		return -1;
	snprintf(dst, sizeof(dst), "%s/%s", results, id);
	if (!lstat(dst, &st)) {
		snprintf(why, sz, "%s: exists already", dst);
		return -1;
	}
	snprintf(tmp, tsz, "%s/.%s.XXXXXX", results, id);
	if (!mkdtemp(tmp) || chmod(tmp, 0755)) {
		snprintf(why, sz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

/* The run's files into the hidden directory, then one rename gives it its name. */
static int write_run(struct ut_shard *const *sh, int n, const struct merged *m,
		     const char *results, char *why, size_t sz)
{
	char tmp[PATH_MAX], dst[PATH_MAX], path[PATH_MAX + 32];
	int err;

	if (make_tmp(results, m->id, tmp, sizeof(tmp), why, sz))
		return -1;
	err = copy_results(sh, n, tmp, why, sz);
	snprintf(path, sizeof(path), "%s/ktap.log", tmp);
	err = err ? err : ut_write_atomic(path, m->ktap, strlen(m->ktap));
	snprintf(path, sizeof(path), "%s/kmsg.log", tmp);
	err = err ? err : write_kmsg(sh, n, path);
	snprintf(path, sizeof(path), "%s/run.json", tmp);
	err = err ? err : ut_json_write_atomic(path, m->run);
	snprintf(dst, sizeof(dst), "%s/%s", results, m->id);
	if (!err && rename(tmp, dst) < 0)
		err = -errno;
	if (err) {
		if (!why[0])
			snprintf(why, sz, "writing %s: %s", dst, strerror(-err));
		remove_partial(tmp);
		return -1;
	}
	/* As for a run: the run stands even when latest cannot be moved. */
	err = ut_point_latest(results, m->id);
	if (err)
		fprintf(stderr, "undertow: %s/latest not updated: %s\n", results, strerror(-err));
	return 0;
}

static int exit_code(const struct merged *m)
{
	if (m->count.fail || !m->complete)
		return UT_EXIT_FAIL;
	return m->count.skip == m->count.tests ? UT_EXIT_SKIP : UT_EXIT_PASS;
}

static void summary(struct ut_shard *const *sh, int n, const struct merged *m,
		    const char *results)
{
	int dups = 0;

	for (int i = 0; i < n; i++)
		dups += sh[i]->run.n - sh[i]->kept;
	fprintf(stderr, "undertow: merged %d run%s into %s/%s: %d variants (pass %d, fail %d, "
		"skip %d)", n, n == 1 ? "" : "s", results, m->id, m->count.tests, m->count.pass,
		m->count.fail, m->count.skip);
	if (dups)
		fprintf(stderr, ", %d duplicate%s merged once", dups, dups == 1 ? "" : "s");
	if (!m->complete) {
		fputs("; INCOMPLETE", stderr);
		print_missing(stderr, sh, n, ": missing shard ");
		for (int i = 0; i < n; i++)
			if (sh[i]->run.complete != 1)
				fprintf(stderr, "; %s (run %s) was interrupted", sh[i]->label,
					sh[i]->run.run_id);
	}
	fputc('\n', stderr);
}

static int merge(struct ut_shard **sh, int n, const char *results)
{
	struct merged m = { .run = NULL };
	char why[PATH_MAX + 512] = "";
	int rc;

	rc = check_one_matrix(sh, n);
	if (!rc) {
		qsort(sh, n, sizeof(*sh), by_k);
		rc = fold_duplicates(sh, n);
	}
	rc = rc ? rc : build(sh, n, &m);
	if (!rc && write_run(sh, n, &m, results, why, sizeof(why))) {
		fprintf(stderr, "undertow: %s\n", why);
		rc = UT_EXIT_USAGE;
	}
	if (!rc) {
		fputs(m.ktap, stdout);
		fflush(stdout);
		summary(sh, n, &m, results);
		rc = exit_code(&m);
	}
	json_decref(m.run);
	free(m.ktap);
	return rc;
}

int ut_cmd_merge(const struct ut_opts *o)
{
	struct ut_shard *all = calloc(o->nsel, sizeof(*all)), **sh = calloc(o->nsel, sizeof(*sh));
	char why[PATH_MAX + 512];
	int n = 0, rc = UT_EXIT_USAGE;

	if (!all || !sh) {
		fprintf(stderr, "undertow: merge: out of memory\n");
		n = o->nsel;
	}
	for (; n < o->nsel; n++) {
		if (ut_shard_read(o->sel[n], &all[n], why, sizeof(why))) {
			fprintf(stderr, "undertow: %s\n", why);
			break;
		}
		all[n].pos = n;
		/* Sorted through pointers: a run record points into itself. */
		sh[n] = &all[n];
	}
	if (all && sh && n == o->nsel)
		rc = merge(sh, n, o->results);
	for (int i = 0; all && i < n; i++)
		ut_shard_free(&all[i]);
	free(all);
	free(sh);
	return rc;
}
