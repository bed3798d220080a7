// SPDX-License-Identifier: GPL-2.0
/*
 * test_repro.c - a seed fixes what the processes do: the same seed gives
 * the same op sequences, another seed others, and replay re-runs a result
 * with its recorded settings.
 */
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define REPRO_SCENARIO	"lower-dir-rename"
#define FIRST_OPS	64	/* UT_RING: first ops kept per process */
#define RUN_TIMEOUT_S	60

/* Exit code a run must have given the verdicts of its scenarios. */
static int want_exit(int pass, int fail, int skip)
{
	if (fail)
		return 1;
	return skip && !pass ? 4 : 0;
}

static int verdict_exit(const char *v)
{
	if (!strcmp(v, "pass"))
		return want_exit(1, 0, 0);
	if (!strcmp(v, "skip"))
		return want_exit(0, 0, 1);
	return want_exit(0, 1, 0);
}

/*
 * undertow run --results <new dir> ARGS... SCENARIO; returns the
 * scenario's result JSON and, in *path, where it is.
 */
static json_t *run_one(const char *tag, const char *const *args, const char *scen,
		       char **path)
{
	char *res = it_mkdtemp(tag), *run, *argv[24], why[1024];
	struct proc_out p;
	json_t *j;
	int n = 0;

	ck_assert(res);
	argv[n++] = "run";
	argv[n++] = "--results";
	argv[n++] = res;
	while (*args && n < 22)
		argv[n++] = (char *)*args++;
	argv[n++] = (char *)scen;
	argv[n] = NULL;
	p = run_undertow(argv, RUN_TIMEOUT_S);
	ck_assert_msg(p.exit_code == 0 || p.exit_code == 1 || p.exit_code == 4,
		      "run %s: %s", scen, proc_desc(&p));
	run = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	*path = it_fmt("%s/%s.json", run, scen);
	j = it_json_load(*path, why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_msg(p.exit_code == verdict_exit(json_string_value(json_object_get(j, "verdict"))),
		      "run %s: exit %d for verdict %s", scen, p.exit_code,
		      json_string_value(json_object_get(j, "verdict")));
	proc_out_free(&p);
	free(run);
	free(res);
	return j;
}

static json_t *worker_proc(json_t *r, int idx)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(r, "procs"), i, p)
		if (!strcmp(json_string_value(json_object_get(p, "role")) ?: "", "worker") &&
		    json_integer_value(json_object_get(p, "index")) == idx)
			return p;
	return NULL;
}

static void check_first_ops(json_t *r, int nworkers, const char *what)
{
	size_t i, k;
	json_t *p, *op;
	int n = 0;

	ck_assert_msg(json_integer_value(json_object_get(r, "mutators")) == 0,
		      "%s: mutators %lld with -m 0", what,
		      (long long)json_integer_value(json_object_get(r, "mutators")));
	ck_assert_msg(it_total_calls(json_object_get(r, "mutations")) == 0,
		      "%s: mutations recorded with -m 0", what);
	json_array_foreach(json_object_get(r, "procs"), i, p) {
		json_t *fo = json_object_get(p, "first_ops");

		ck_assert_msg(!strcmp(json_string_value(json_object_get(p, "role")) ?: "",
				      "worker"), "%s: proc %zu is not a worker", what, i);
		ck_assert_msg(json_array_size(fo) == FIRST_OPS,
			      "%s: worker %zu has %zu first_ops, want %d", what, i,
			      json_array_size(fo), FIRST_OPS);
		json_array_foreach(fo, k, op)
			ck_assert_msg(json_is_string(op) && json_string_length(op),
				      "%s: worker %zu first_ops[%zu] is not a string", what, i, k);
		n++;
	}
	ck_assert_msg(n == nworkers, "%s: %d procs, want %d workers", what, n, nworkers);
}

START_TEST(test_same_seed_same_ops)
{
	static const char *const s42[] = { "-m", "0", "-s", "42", "-w", "2", "-t", "0.3", NULL };
	static const char *const s43[] = { "-m", "0", "-s", "43", "-w", "2", "-t", "0.3", NULL };
	char *pa, *pb, *pc;
	json_t *a = run_one("seed42a", (const char *const *)s42, REPRO_SCENARIO, &pa);
	json_t *b = run_one("seed42b", (const char *const *)s42, REPRO_SCENARIO, &pb);
	json_t *c = run_one("seed43", (const char *const *)s43, REPRO_SCENARIO, &pc);
	int differ = 0;

	check_first_ops(a, 2, pa);
	check_first_ops(b, 2, pb);
	check_first_ops(c, 2, pc);
	ck_assert_int_eq(json_integer_value(json_object_get(a, "seed")), 42);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "seed")), 43);
	for (int w = 0; w < 2; w++) {
		json_t *fa = json_object_get(worker_proc(a, w), "first_ops");
		json_t *fb = json_object_get(worker_proc(b, w), "first_ops");
		json_t *fc = json_object_get(worker_proc(c, w), "first_ops");

		ck_assert_msg(fa && fb && fc, "worker %d missing", w);
		for (size_t k = 0; k < FIRST_OPS; k++) {
			const char *x = json_string_value(json_array_get(fa, k));
			const char *y = json_string_value(json_array_get(fb, k));

			ck_assert_msg(!strcmp(x, y),
				      "seed 42 twice: worker %d op %zu is '%s' then '%s' (%s, %s)",
				      w, k, x, y, pa, pb);
		}
		if (!json_equal(fa, fc))
			differ++;
	}
	/* Both workers of seed 43 repeating seed 42 exactly: the seed is unused. */
	ck_assert_msg(differ == 2, "seeds 42 and 43: %d of 2 workers differ (%s, %s)",
		      differ, pa, pc);
	/* Workers of one run differ from each other too: per-process streams. */
	ck_assert_msg(!json_equal(json_object_get(worker_proc(a, 0), "first_ops"),
				  json_object_get(worker_proc(a, 1), "first_ops")),
		      "workers 0 and 1 ran the same op sequence (%s)", pa);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	free(pa);
	free(pb);
	free(pc);
}
END_TEST

static void same_key(json_t *a, json_t *b, const char *key)
{
	json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
	char *sx = x ? json_dumps(x, JSON_ENCODE_ANY) : NULL;
	char *sy = y ? json_dumps(y, JSON_ENCODE_ANY) : NULL;

	ck_assert_msg(x && y && json_equal(x, y), "replay changed %s: %s -> %s", key,
		      sx ?: "(missing)", sy ?: "(missing)");
	free(sx);
	free(sy);
}

/* Settings a replay must take over from the result it replays. */
static const char *const replayed[] = {
	"name", "seed", "workers", "mutators", "runtime_s", "hang_timeout_s",
	"ovl_options", "variant", "backend", "replay", NULL
};

START_TEST(test_replay)
{
	static const char *const args[] = { "-s", "7", "-t", "0.5", "-w", "3", "-m", "2",
					    "--hang-timeout", "5", NULL };
	struct scen_list l;
	struct strv def;
	char why[1024], *orig_path, *res2 = it_mkdtemp("replay"), *run2, *path2;
	char *argv[5];
	json_t *orig, *rep, *runj, *rargv;
	struct proc_out p;
	struct ktap k;
	const char *name, *verdict;

	ck_assert(res2);
	ck_assert_msg(!it_list_scenarios(&l, why, sizeof(why)), "%s", why);
	it_default_names(&l, &def);
	ck_assert_msg(def.n > 0, "no scenarios to replay:\n%s", l.raw);
	name = def.v[0];
	orig = run_one("replay-orig", (const char *const *)args, name, &orig_path);
	ck_assert_int_eq(json_integer_value(json_object_get(orig, "seed")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(orig, "workers")), 3);
	if (json_integer_value(json_object_get(orig, "mutators")))
		ck_assert_int_eq(json_integer_value(json_object_get(orig, "mutators")), 2);

	argv[0] = "replay";
	argv[1] = "--results";
	argv[2] = res2;
	argv[3] = orig_path;
	argv[4] = NULL;
	p = run_undertow(argv, RUN_TIMEOUT_S);
	run2 = it_latest_run(res2, why, sizeof(why));
	ck_assert_msg(run2, "replay %s: %s (%s)", orig_path, why, proc_desc(&p));
	path2 = it_fmt("%s/%s.json", run2, name);
	rep = it_json_load(path2, why, sizeof(why));
	ck_assert_msg(rep, "replay %s: %s", orig_path, why);
	verdict = json_string_value(json_object_get(rep, "verdict"));
	ck_assert_msg(verdict, "%s: no verdict", path2);
	ck_assert_msg(p.exit_code == verdict_exit(verdict), "replay: verdict %s but %s",
		      verdict, proc_desc(&p));

	for (int i = 0; replayed[i]; i++)
		same_key(orig, rep, replayed[i]);
	ck_assert_msg(json_array_size(json_object_get(rep, "procs")) ==
		      (size_t)(3 + json_integer_value(json_object_get(rep, "mutators"))) ||
		      !strcmp(verdict, "skip"), "replay ran %zu processes, want workers + mutators",
		      json_array_size(json_object_get(rep, "procs")));
	if (!strcmp(verdict, "pass"))
		ck_assert_msg(json_real_value(json_object_get(rep, "duration_s")) >= 0.45,
			      "replay lasted %.3f s, recorded -t 0.5",
			      json_real_value(json_object_get(rep, "duration_s")));

	/* The run of the replay says what it was. */
	runj = it_json_at(run2, "run.json", why, sizeof(why));
	ck_assert_msg(runj, "%s", why);
	ck_assert_int_eq(json_integer_value(json_object_get(runj, "seed")), 7);
	rargv = json_object_get(runj, "argv");
	ck_assert_msg(json_array_size(rargv) == 5 &&
		      !strcmp(json_string_value(json_array_get(rargv, 1)) ?: "", "replay") &&
		      !strcmp(json_string_value(json_array_get(rargv, 4)) ?: "", orig_path),
		      "replay run.json argv is not the replay command line");
	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "replay KTAP: %s", why);
	ck_assert_msg(k.plan == 1 && k.ncase == 1 && !strcmp(k.c[0].name, name),
		      "replay KTAP: plan %d, %d results, want 1 of %s:\n%s", k.plan, k.ncase,
		      name, p.out);

	ktap_free(&k);
	json_decref(runj);
	json_decref(orig);
	json_decref(rep);
	proc_out_free(&p);
	strv_free(&def);
	scen_list_free(&l);
	free(orig_path);
	free(path2);
	free(run2);
	free(res2);
}
END_TEST

/*
 * repro --script on a result of another kernel: nothing runs, so the
 * program is the script's steps as given (no race form, even for one
 * worker op against one mutator op) and names the result's kernel; it
 * builds with plain gcc.
 */
START_TEST(test_repro_script_given)
{
	static const char *const args[] = { "-s", "3", "-t", "0.3", "-w", "1", "-m", "1", NULL };
	char *path, *dir, *copy, *script, *c_file, *text, *cc, why[512];
	json_t *r = run_one("script", (const char *const *)args, REPRO_SCENARIO, &path), *run;
	struct proc_out p;
	FILE *f;

	copy = strdup(path);
	dir = dirname(copy);
	json_object_set_new(r, "verdict", json_string("crash"));
	json_object_set_new(r, "reason", json_string("kernel: WARNING: made up for the test"));
	ck_assert_int_eq(json_dump_file(r, path, 0), 0);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	json_object_set_new(run, "kernel", json_string("0.0.0-undertow-test"));
	script = it_fmt("%s/run.json", dir);
	ck_assert_int_eq(json_dump_file(run, script, 0), 0);
	free(script);
	script = it_fmt("%s/given.script", dir);
	f = fopen(script, "w");
	ck_assert(f);
	fputs("# one worker op against one mutator op\nw0 openat_held f0 @held0\n"
	      "m0 rename a x\n", f);
	fclose(f);
	{
		char *argv[] = { "repro", "--script", script, path, NULL };

		p = run_undertow(argv, RUN_TIMEOUT_S);
	}
	ck_assert_msg(p.exit_code == 0 && strstr(p.out, "ok 1 repro " REPRO_SCENARIO),
		      "repro --script: %s\n%s%s", proc_desc(&p), p.out, p.err);
	c_file = it_fmt("%s/repro/%s.c", dir, REPRO_SCENARIO);
	text = it_read_file(c_file, NULL);
	ck_assert_msg(text, "no %s", c_file);
	ck_assert_msg(strstr(text, "kernel 0.0.0-undertow-test"), "not the result's kernel:\n%s",
		      text);
	ck_assert_msg(strstr(text, "Finding (crash): kernel: WARNING: made up"), "%s", text);
	ck_assert_msg(!strstr(text, "OFFSET_NS") && !strstr(p.out, "# repro: race"),
		      "race form without a run:\n%s", text);
	cc = it_fmt("gcc -O2 -Wall -o %s/prog %s", dir, c_file);
	ck_assert_int_eq(system(cc), 0);
	proc_out_free(&p);
	json_decref(r), json_decref(run);
	free(cc), free(text), free(c_file), free(script), free(copy), free(path);
}
END_TEST

Suite *repro_suite(void)
{
	Suite *s = suite_create("repro");
	TCase *tc = tcase_create("repro");

	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_same_seed_same_ops);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_repro_script_given);
	suite_add_tcase(s, tc);
	return s;
}
