// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_explore.c - --explore where the kernel allows tracing: Debian's
 * 6.1 in the VM.  A 60 s exploration of two scenarios must keep a corpus;
 * read from the files, in the order they were run, every kept variant
 * reached a function that no earlier kept one did (its new_functions are
 * in its coverage and in no earlier file's); run.json's explore figures
 * agree with the files, which are its rows, and the report shows them; and
 * a corpus entry replays, on the host, with the seed, counts, backend,
 * option set, run time, ops left out and op weights it records.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define EXPLORE_S	"60"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .json files of corpus/, sorted: NNN- gives the order they ran in. */
static int corpus_files(const char *dir, char ***out)
{
	char *path = it_fmt("%s/corpus", dir);
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	*out = calloc(1024, sizeof(**out));
	while (d && (e = readdir(d)) && n < 1024)
		if (strlen(e->d_name) > 5 && !strcmp(e->d_name + strlen(e->d_name) - 5, ".json") &&
		    e->d_name[0] != '.')
			(*out)[n++] = it_fmt("corpus/%s", e->d_name);
	if (d)
		closedir(d);
	qsort(*out, n, sizeof(**out), by_name);
	free(path);
	return n;
}

static bool reached(json_t *res, const char *fn)
{
	json_t *cov = json_object_get(res, "coverage");

	return json_integer_value(json_object_get(json_object_get(cov, "functions"), fn)) > 0;
}

/* Each file's new functions: reached by it, by none of the files before it. */
static void check_corpus(const char *dir, char **files, int n, json_t **docs)
{
	char why[1024];

	for (int i = 0; i < n; i++) {
		json_t *added, *v;
		size_t k;

		docs[i] = it_json_at(dir, files[i], why, sizeof(why));
		ck_assert_msg(docs[i], "%s", why);
		added = json_object_get(json_object_get(docs[i], "explore"), "new_functions");
		ck_assert_msg(json_array_size(added) > 0, "%s: kept with no new function", files[i]);
		json_array_foreach(added, k, v) {
			const char *fn = json_string_value(v);

			ck_assert_msg(reached(docs[i], fn), "%s: %s new but not reached", files[i],
				      fn);
			for (int j = 0; j < i; j++)
				ck_assert_msg(!reached(docs[j], fn), "%s: %s was reached before, by %s",
					      files[i], fn, files[j]);
		}
	}
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "";
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The last entry (most likely a mutant) replays on the host as recorded. */
static void check_replay(const char *dir, const char *file, json_t *rec, const char *res)
{
	char *path = it_fmt("%s/%s", dir, file), why[1024], *run;
	char *argv[] = { "replay", "--results", (char *)res, path, NULL };
	struct proc_out p = run_undertow(argv, 120);
	const char *stem;
	json_t *j, *rj;

	ck_assert_msg(p.exit_code == 0 || p.exit_code == 4, "%s\n%s", proc_desc(&p), p.out);
	run = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	rj = it_json_at(run, "run.json", why, sizeof(why));
	ck_assert_msg(rj, "%s", why);
	stem = str(json_array_get(json_object_get(rj, "scenarios"), 0), "file");
	j = it_json_at(run, it_fmt("%s.json", stem), why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_int_eq(num(j, "seed"), num(rec, "seed"));
	ck_assert_int_eq(num(j, "workers"), num(rec, "workers"));
	ck_assert_int_eq(num(j, "mutators"), num(rec, "mutators"));
	ck_assert_str_eq(str(j, "backend_spec"), str(rec, "backend_spec"));
	ck_assert_str_eq(str(j, "optset"), str(rec, "optset"));
	ck_assert(json_equal(json_object_get(j, "runtime_s"), json_object_get(rec, "runtime_s")));
	for (int i = 0; i < 2; i++) {
		const char *k = i ? "op_weights" : "ops_off";

		ck_assert_msg(json_equal(json_object_get(j, k), json_object_get(rec, k)) ||
			      (!json_object_get(j, k) && !json_object_get(rec, k)), "%s differs", k);
	}
	fprintf(stderr, "int-tests: vm explore: replayed %s on the host: %s\n", file,
		str(j, "verdict"));
	json_decref(j);
	json_decref(rj);
	free(run);
	proc_out_free(&p);
	free(path);
}

/* run.json has a row per corpus file (no finding here: nothing else). */
static void check_rows(json_t *run, char **files, int n)
{
	json_t *rows = json_object_get(run, "scenarios");

	ck_assert_int_eq(json_array_size(rows), n);
	for (int i = 0; i < n; i++) {
		char *want = it_fmt("%.*s", (int)strlen(files[i]) - 5, files[i]);

		ck_assert_str_eq(str(json_array_get(rows, i), "file"), want);
		free(want);
	}
}

/* The report reads the corpus like any run's variants, coverage table and all. */
static void check_report(const char *dir, const char *res)
{
	char *out = it_fmt("%s/explore.html", res), *html;
	char *argv[] = { "report", (char *)dir, "-O", out, NULL };
	struct proc_out p = run_undertow(argv, 60);

	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.err);
	html = it_read_file(out, NULL);
	ck_assert_msg(html && strstr(html, "corpus/001-") &&
		      strstr(html, "<h2>overlayfs functions</h2>"), "no corpus in the report");
	free(html);
	proc_out_free(&p);
	free(out);
}

START_TEST(test_vm_explore)
{
	char *res = it_mkdtemp("vmexpl"), *runsh = realpath("run.sh", NULL), *dir, why[1024];
	char *argv[] = { NULL, "--vm", "--vm-smp", "1", "--results", res, "--explore", EXPLORE_S,
			 "-t", "1", "-w", "2", "-s", "1", "lower-dir-rename", "iterate-dead-dir",
			 NULL };
	struct run_opts o = { .timeout_s = 240, .exec_argv = true };
	struct proc_out p;
	json_t *run, *ex, **docs;
	char **files;
	int n;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	argv[0] = runsh;
	p = run_undertow_ex(argv, &o);
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(strstr(p.out, "ok 1 explore # "), "%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	n = corpus_files(dir, &files);
	ck_assert_msg(n > 0, "empty corpus:\n%s", p.out);
	docs = calloc(n, sizeof(*docs));
	check_corpus(dir, files, n, docs);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ex = json_object_get(run, "explore");
	ck_assert_int_eq(num(ex, "kept"), n);
	ck_assert_int_eq(json_array_size(json_object_get(ex, "corpus")), n);
	ck_assert_int_ge(num(ex, "reached"), num(ex, "reached_given"));
	ck_assert_int_gt(num(ex, "variants"), 2);
	ck_assert_str_eq(str(json_object_get(run, "coverage"), "status"), "ok");
	fprintf(stderr, "int-tests: vm explore: %lld variants, %d kept, %lld functions reached "
		"(%lld by the scenarios as given) of %lld probed, in %.0f s\n", num(ex, "variants"),
		n, num(ex, "reached"), num(ex, "reached_given"), num(ex, "probed"), p.elapsed_s);
	check_rows(run, files, n);
	check_report(dir, res);
	check_replay(dir, files[n - 1], docs[n - 1], res);
	for (int i = 0; i < n; i++) {
		json_decref(docs[i]);
		free(files[i]);
	}
	free(docs);
	free(files);
	json_decref(run);
	proc_out_free(&p);
	free(dir);
	free(runsh);
	free(res);
}
END_TEST

Suite *vm_explore_suite(void)
{
	Suite *s = suite_create("vm_explore");
	TCase *tc = tcase_create("vm_explore");

	tcase_set_timeout(tc, 420);
	tcase_add_test(tc, test_vm_explore);
	suite_add_tcase(s, tc);
	return s;
}
