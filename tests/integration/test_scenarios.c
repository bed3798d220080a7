// SPDX-License-Identifier: GPL-2.0
/*
 * test_scenarios.c - one "undertow run -t 1" of the default selection,
 * judged three ways: every scenario did work and passed, the result files
 * agree with the KTAP, and nothing was left mounted or on disk.
 *
 * The run happens once, in an unchecked fixture (bounded by its own
 * timeout); the tests only read what it left.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "errname.h"
#include "it.h"

#define RUN_TIME	"1"
#define HANG_TIMEOUT	"5"
#define FIXED_BOUND_S	60.0
#define PER_SCEN_S	20.0	/* 1 s run + set-up, stop, reap, slab bounds */
#define FIRST_OPS	64
#define SCRATCH_WAIT_S	10.0

static struct {
	bool ran;
	char why[1024];
	struct scen_list list;
	struct strv expect;	/* default selection, in list order */
	char *res;
	char *argv[12];
	int argc;
	struct proc_out p;
	struct strv mounts0, mounts1, tmp0;
} all;

static void all_setup(void)
{
	double bound;
	int n = 0;

	memset(&all, 0, sizeof(all));
	if (it_list_scenarios(&all.list, all.why, sizeof(all.why)))
		return;
	it_default_names(&all.list, &all.expect);
	all.res = it_mkdtemp("all");
	if (!all.res) {
		snprintf(all.why, sizeof(all.why), "mkdtemp below %s failed", it_base);
		return;
	}
	all.argv[n++] = "run";
	all.argv[n++] = "-t";
	all.argv[n++] = RUN_TIME;
	all.argv[n++] = "--hang-timeout";
	all.argv[n++] = HANG_TIMEOUT;
	all.argv[n++] = "--results";
	all.argv[n++] = all.res;
	all.argv[n] = NULL;
	all.argc = n;
	if (it_mounts(&all.mounts0) || it_ls_prefix("/tmp", "undertow.", &all.tmp0)) {
		snprintf(all.why, sizeof(all.why), "cannot read mountinfo or /tmp");
		return;
	}
	bound = FIXED_BOUND_S + PER_SCEN_S * all.expect.n;
	all.p = run_undertow(all.argv, bound);
	it_mounts(&all.mounts1);
	all.ran = true;
}

static void all_teardown(void)
{
	proc_out_free(&all.p);
	scen_list_free(&all.list);
	strv_free(&all.expect);
	strv_free(&all.mounts0);
	strv_free(&all.mounts1);
	strv_free(&all.tmp0);
	free(all.res);
}

/* The run directory, checked to be the only one. */
static char *run_dir(void)
{
	char why[1024], *dir;

	ck_assert_msg(all.ran, "the run did not happen: %s", all.why);
	ck_assert_msg(!all.p.timed_out, "run killed after %.0f s; stdout:\n%s\nstderr:\n%s",
		      all.p.elapsed_s, all.p.out, all.p.err);
	dir = it_latest_run(all.res, why, sizeof(why));
	ck_assert_msg(dir, "%s (%s)", why, proc_desc(&all.p));
	return dir;
}

static json_t *load_result(const char *dir, const char *name)
{
	char why[1024], *file = it_fmt("%s.json", name);
	json_t *j = it_json_at(dir, file, why, sizeof(why));

	ck_assert_msg(j, "%s", why);
	free(file);
	return j;
}

static const char *str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long int_of(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Appends to a problem list; the test fails once, listing all of them. */
static void note(char **buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	*buf = realloc(*buf, *len + strlen(s) + 2);
	ck_assert(*buf);
	strcpy(*buf + *len, s);
	*len += strlen(s);
	strcpy(*buf + *len, "\n");
	*len += 1;
	free(s);
}

/* Sum of ops_done over the processes of @role. */
static long long ops_done_of(json_t *r, const char *role, int *nproc, bool *idle)
{
	long long sum = 0;
	size_t i;
	json_t *p;

	*nproc = 0;
	json_array_foreach(json_object_get(r, "procs"), i, p) {
		if (strcmp(str_of(p, "role") ?: "", role))
			continue;
		(*nproc)++;
		sum += int_of(p, "ops_done");
		if (int_of(p, "ops_done") <= 0)
			*idle = true;
	}
	return sum;
}

/* Test 1: every scenario ran, did work on both sides, and passed. */
START_TEST(test_every_scenario_runs)
{
	char *dir = run_dir(), *bad = NULL;
	size_t blen = 0;
	int pass = 0, skip = 0;
	json_t *runj, *rows;
	char why[1024];

	ck_assert_msg(all.expect.n > 0, "undertow list shows no default scenarios:\n%s",
		      all.list.raw);
	for (int i = 0; i < all.expect.n; i++) {
		const char *name = all.expect.v[i], *v, *reason;
		char *file = it_fmt("%s.json", name);
		json_t *r = it_json_at(dir, file, why, sizeof(why));
		long long calls, muts, done_w, done_m;
		int nw, nm;
		bool idle = false;

		free(file);
		if (!r) {
			note(&bad, &blen, "%s: no result: %s", name, why);
			continue;
		}
		v = str_of(r, "verdict") ?: "(none)";
		reason = str_of(r, "reason") ?: "";
		calls = it_total_calls(json_object_get(r, "ops"));
		muts = it_total_calls(json_object_get(r, "mutations"));
		if (!strcmp(v, "skip")) {
			skip++;
			json_decref(r);
			continue;
		}
		if (strcmp(v, "pass")) {
			note(&bad, &blen, "%s: verdict %s: %s", name, v, reason);
			json_decref(r);
			continue;
		}
		pass++;
		done_w = ops_done_of(r, "worker", &nw, &idle);
		done_m = ops_done_of(r, "mutator", &nm, &idle);
		if (calls <= 0)
			note(&bad, &blen, "%s: passed with %lld worker calls", name, calls);
		if (int_of(r, "mutators") > 0 && muts <= 0)
			note(&bad, &blen, "%s: %lld mutators made %lld mutations", name,
			     int_of(r, "mutators"), muts);
		if (nw != int_of(r, "workers") || nm != int_of(r, "mutators"))
			note(&bad, &blen, "%s: %d worker and %d mutator procs, settings %lld/%lld",
			     name, nw, nm, int_of(r, "workers"), int_of(r, "mutators"));
		if (idle)
			note(&bad, &blen, "%s: a process did no op in %s s", name, RUN_TIME);
		/* One histogram entry per completed op, no more, no less. */
		if (done_w != calls || done_m != muts)
			note(&bad, &blen, "%s: ops_done %lld/%lld but calls %lld/%lld", name,
			     done_w, done_m, calls, muts);
		json_decref(r);
	}

	/* The default selection is exactly the list without selftest. */
	runj = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(runj, "%s", why);
	rows = json_object_get(runj, "scenarios");
	if (json_array_size(rows) != (size_t)all.expect.n)
		note(&bad, &blen, "run.json has %zu scenarios, list has %d non-selftest",
		     json_array_size(rows), all.expect.n);
	for (int i = 0; i < all.expect.n && i < (int)json_array_size(rows); i++)
		if (strcmp(str_of(json_array_get(rows, i), "name") ?: "", all.expect.v[i]))
			note(&bad, &blen, "run.json scenario %d is %s, list says %s", i,
			     str_of(json_array_get(rows, i), "name"), all.expect.v[i]);
	for (int i = 0; i < all.list.name.n; i++) {
		char *path = it_fmt("%s/%s.json", dir, all.list.name.v[i]);

		if (all.list.selftest[i] && it_exists(path))
			note(&bad, &blen, "selftest scenario %s ran by default",
			     all.list.name.v[i]);
		free(path);
	}

	ck_assert_msg(!bad, "%d scenarios, %d pass, %d skip:\n%s", all.expect.n, pass, skip,
		      bad);
	ck_assert_msg(all.p.exit_code == (pass ? 0 : 4), "want exit %d: %s", pass ? 0 : 4,
		      proc_desc(&all.p));
	json_decref(runj);
	free(dir);
}
END_TEST

/* ---- test 3: result files against KTAP ---- */

static const char *const verdicts[] = {
	"skip", "pass", "fail", "broken", "leak", "corrupt", "hang", "crash", NULL
};

static bool known_verdict(const char *v)
{
	for (int i = 0; v && verdicts[i]; i++)
		if (!strcmp(v, verdicts[i]))
			return true;
	return false;
}

/* ops / mutations: { OP: { calls, returns: { "OK": n, "ENOENT": n } } } */
static void check_hist(char **bad, size_t *blen, const char *name, const char *key, json_t *h)
{
	const char *op, *ret;
	json_t *v, *n;

	if (!json_is_object(h)) {
		note(bad, blen, "%s: %s is not an object", name, key);
		return;
	}
	json_object_foreach(h, op, v) {
		json_t *calls = json_object_get(v, "calls");
		json_t *rets = json_object_get(v, "returns");
		long long sum = 0;

		if (!json_is_integer(calls) || !json_is_object(rets)) {
			note(bad, blen, "%s: %s.%s lacks calls or returns", name, key, op);
			continue;
		}
		json_object_foreach(rets, ret, n) {
			if (strcmp(ret, "EOTHER") && ut_errno_of(ret) < 0)
				note(bad, blen, "%s: %s.%s returns key '%s' is no errno name",
				     name, key, op, ret);
			if (!json_is_integer(n) || json_integer_value(n) <= 0)
				note(bad, blen, "%s: %s.%s.returns.%s is not a count > 0",
				     name, key, op, ret);
			sum += json_integer_value(n);
		}
		if (sum != json_integer_value(calls))
			note(bad, blen, "%s: %s.%s: %lld calls but returns add up to %lld",
			     name, key, op, (long long)json_integer_value(calls), sum);
	}
}

static bool str_array(json_t *a)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return false;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return false;
	return true;
}

static void check_procs(char **bad, size_t *blen, const char *name, json_t *r)
{
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(r, "procs"), i, p) {
		json_t *fo = json_object_get(p, "first_ops"), *lo = json_object_get(p, "last_ops");
		const char *role = str_of(p, "role") ?: "";
		long long done = int_of(p, "ops_done");
		size_t want = done < FIRST_OPS ? (size_t)done : FIRST_OPS;

		if (strcmp(role, "worker") && strcmp(role, "mutator"))
			note(bad, blen, "%s: procs[%zu].role '%s'", name, i, role);
		if (!json_is_integer(json_object_get(p, "index")) || int_of(p, "pid") <= 0 ||
		    !json_is_integer(json_object_get(p, "ops_done")) || done < 0)
			note(bad, blen, "%s: procs[%zu] lacks index, pid or ops_done", name, i);
		if (!str_array(fo) || json_array_size(fo) != want)
			note(bad, blen, "%s: procs[%zu].first_ops: %zu strings, ops_done %lld",
			     name, i, json_array_size(fo), done);
		if (!str_array(lo) || json_array_size(lo) > FIRST_OPS ||
		    json_array_size(lo) > (size_t)done + 1)
			note(bad, blen, "%s: procs[%zu].last_ops: %zu entries, ops_done %lld",
			     name, i, json_array_size(lo), done);
	}
}

/* Mirror of the tool's one-line reason: no newline, no '#', 255 chars. */
static void one_line(char *dst, size_t sz, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < sz; src++)
		dst[i++] = (*src == '\n' || *src == '\r' || *src == '#') ? ' ' : *src;
	dst[i] = '\0';
}

static void check_result(char **bad, size_t *blen, json_t *r, const struct ktap_case *c,
			 json_t *row, long long seed)
{
	static const char *const strs[] = { "name", "variant", "verdict", "reason",
		"ovl_options", "backend", "replay", NULL };
	static const char *const ints[] = { "seed", "workers", "mutators", NULL };
	const char *name = c->name, *v = str_of(r, "verdict") ?: "", *reason;
	json_t *findings = json_object_get(r, "findings"), *f;
	const char *first = NULL;
	char want[256];
	size_t i;

	for (int k = 0; strs[k]; k++)
		if (!json_is_string(json_object_get(r, strs[k])))
			note(bad, blen, "%s: %s missing or not a string", name, strs[k]);
	for (int k = 0; ints[k]; k++)
		if (!json_is_integer(json_object_get(r, ints[k])))
			note(bad, blen, "%s: %s missing or not an integer", name, ints[k]);
	if (!json_is_number(json_object_get(r, "duration_s")))
		note(bad, blen, "%s: duration_s missing", name);
	if (!json_is_array(json_object_get(r, "procs")) ||
	    !json_is_object(json_object_get(r, "snapshots")) ||
	    !str_array(json_object_get(r, "kmsg")) || !json_is_array(findings))
		note(bad, blen, "%s: procs, snapshots, kmsg or findings missing", name);
	check_hist(bad, blen, name, "ops", json_object_get(r, "ops"));
	check_hist(bad, blen, name, "mutations", json_object_get(r, "mutations"));
	check_procs(bad, blen, name, r);

	if (strcmp(str_of(r, "name") ?: "", name))
		note(bad, blen, "%s: the JSON names itself '%s'", name, str_of(r, "name"));
	if (int_of(r, "seed") != seed)
		note(bad, blen, "%s: seed %lld, run seed %lld", name, int_of(r, "seed"), seed);
	if (!known_verdict(v))
		note(bad, blen, "%s: unknown verdict '%s'", name, v);

	/* KTAP line and verdict */
	if (c->ok && !c->skip && strcmp(v, "pass"))
		note(bad, blen, "%s: KTAP 'ok' but verdict %s", name, v);
	if (c->skip && strcmp(v, "skip"))
		note(bad, blen, "%s: KTAP '# SKIP' but verdict %s", name, v);
	if (!c->ok && (!strcmp(v, "pass") || !strcmp(v, "skip")))
		note(bad, blen, "%s: KTAP 'not ok' but verdict %s", name, v);
	if (!c->ok && c->tag && strcasecmp(c->tag, v))
		note(bad, blen, "%s: KTAP says %s, the JSON %s", name, c->tag, v);
	one_line(want, sizeof(want), str_of(r, "reason"));
	if ((c->skip || !c->ok) && strcmp(c->reason, want))
		note(bad, blen, "%s: KTAP reason '%s', JSON reason '%s'", name, c->reason, want);

	/* The verdict is the worst finding, the reason its first line. */
	json_array_foreach(findings, i, f) {
		const char *kind = str_of(f, "kind") ?: "";

		if (strcmp(kind, "info") && !known_verdict(kind))
			note(bad, blen, "%s: finding of unknown kind '%s'", name, kind);
		if (!json_is_string(json_object_get(f, "detail")))
			note(bad, blen, "%s: finding without detail", name);
		if (!strcmp(v, "pass") && strcmp(kind, "info"))
			note(bad, blen, "%s: passed with a '%s' finding: %s", name, kind,
			     str_of(f, "detail"));
		if (!first && !strcmp(kind, v))
			first = str_of(f, "detail");
	}
	reason = str_of(r, "reason") ?: "";
	if (strcmp(v, "pass") && (!first || strncmp(first, reason, strlen(reason)) ||
				  !reason[0]))
		note(bad, blen, "%s: verdict %s, reason '%s' is not its first %s finding",
		     name, v, reason, v);

	/* run.json's row */
	if (!row || strcmp(str_of(row, "name") ?: "", name) ||
	    strcmp(str_of(row, "verdict") ?: "", v) ||
	    strcmp(str_of(row, "variant") ?: "", str_of(r, "variant") ?: "") ||
	    json_real_value(json_object_get(row, "duration_s")) !=
	    json_real_value(json_object_get(r, "duration_s")))
		note(bad, blen, "%s: run.json row differs from %s.json", name, name);
}

static bool iso_time(const char *s)
{
	int y, mo, d, h, mi, sec;
	char z;

	return s && strlen(s) == 20 &&
	       sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) == 7 &&
	       z == 'Z';
}

/* Files of the run directory: run.json, the logs and one JSON per scenario. */
static void check_run_files(char **bad, size_t *blen, const char *dir, const struct ktap *k)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert(d);
	while ((de = readdir(d))) {
		const char *e = de->d_name;
		bool known = !strcmp(e, "run.json") || !strcmp(e, "ktap.log") ||
			     !strcmp(e, "kmsg.log");

		if (!strcmp(e, ".") || !strcmp(e, ".."))
			continue;
		for (int i = 0; !known && i < k->ncase; i++) {
			char *want = it_fmt("%s.json", k->c[i].name);

			known = !strcmp(e, want);
			free(want);
		}
		if (!known)
			note(bad, blen, "unexpected file in the run directory: %s", e);
		n++;
	}
	closedir(d);
	if (n != 3 + k->ncase)
		note(bad, blen, "run directory holds %d files, want %d", n, 3 + k->ncase);
	if (it_count_entries(all.res) != 2)
		note(bad, blen, "results directory holds %d entries, want the run and latest",
		     it_count_entries(all.res));
}

START_TEST(test_results_match_ktap)
{
	char *dir = run_dir(), *bad = NULL, why[1024], *log, *kmsg;
	size_t blen = 0;
	struct ktap k;
	struct utsname u;
	json_t *runj, *rows, *argv;
	const char *slash = strrchr(dir, '/');
	int pass = 0, fail = 0, skip = 0;

	ck_assert_msg(!it_ktap_parse(all.p.out, &k, why, sizeof(why)), "KTAP: %s\n%s", why,
		      all.p.out);
	ck_assert_msg(k.plan == all.expect.n, "plan 1..%d, %d scenarios", k.plan,
		      all.expect.n);
	ck_assert_msg(k.ncase == k.plan, "plan 1..%d but %d result lines", k.plan, k.ncase);
	ck_assert_msg(k.totals, "no Totals line:\n%s", all.p.out);
	ck_assert_msg(!k.bail, "Bail out! in an uninterrupted run:\n%s", all.p.out);

	runj = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(runj, "%s", why);
	rows = json_object_get(runj, "scenarios");
	for (int i = 0; i < k.ncase; i++) {
		const struct ktap_case *c = &k.c[i];
		json_t *r;

		if (c->num != i + 1)
			note(&bad, &blen, "result line %d is numbered %d", i + 1, c->num);
		pass += c->ok && !c->skip;
		skip += c->skip;
		fail += !c->ok;
		r = load_result(dir, c->name);
		check_result(&bad, &blen, r, c, json_array_get(rows, i),
			     int_of(runj, "seed"));
		json_decref(r);
	}
	if (k.pass != pass || k.fail != fail || k.skip != skip)
		note(&bad, &blen, "Totals pass:%d fail:%d skip:%d, lines say %d/%d/%d",
		     k.pass, k.fail, k.skip, pass, fail, skip);
	if (all.p.exit_code != (fail ? 1 : skip == k.ncase ? 4 : 0))
		note(&bad, &blen, "exit %d with pass:%d fail:%d skip:%d", all.p.exit_code,
		     pass, fail, skip);

	/* run.json */
	uname(&u);
	if (json_array_size(rows) != (size_t)k.ncase)
		note(&bad, &blen, "run.json lists %zu scenarios, KTAP %d",
		     json_array_size(rows), k.ncase);
	if (strcmp(str_of(runj, "run_id") ?: "", slash + 1))
		note(&bad, &blen, "run_id '%s', directory %s", str_of(runj, "run_id"), dir);
	if (strcmp(str_of(runj, "kernel") ?: "", u.release))
		note(&bad, &blen, "kernel '%s', uname says %s", str_of(runj, "kernel"), u.release);
	if (!json_is_true(json_object_get(runj, "complete")))
		note(&bad, &blen, "run.json complete is not true");
	if (!json_is_integer(json_object_get(runj, "seed")) || int_of(runj, "seed") < 0)
		note(&bad, &blen, "run.json seed missing");
	if (!iso_time(str_of(runj, "start")) || !iso_time(str_of(runj, "end")) ||
	    strcmp(str_of(runj, "start"), str_of(runj, "end")) > 0)
		note(&bad, &blen, "start '%s' / end '%s' are not ordered UTC times",
		     str_of(runj, "start"), str_of(runj, "end"));
	argv = json_object_get(runj, "argv");
	if (json_array_size(argv) != (size_t)all.argc + 1)
		note(&bad, &blen, "run.json argv has %zu entries, want %d", json_array_size(argv),
		     all.argc + 1);
	if (strcmp(json_string_value(json_array_get(argv, 0)) ?: "", it_bin))
		note(&bad, &blen, "run.json argv[0] is '%s', want '%s'",
		     json_string_value(json_array_get(argv, 0)), it_bin);
	for (int i = 0; i < all.argc && i + 1 < (int)json_array_size(argv); i++)
		if (strcmp(json_string_value(json_array_get(argv, i + 1)) ?: "", all.argv[i]))
			note(&bad, &blen, "run.json argv[%d] is '%s', want '%s'", i + 1,
			     json_string_value(json_array_get(argv, i + 1)), all.argv[i]);

	/* The logs: ktap.log is stdout; kmsg.log has a section per scenario. */
	log = it_read_at(dir, "ktap.log");
	if (!log || strcmp(log, all.p.out))
		note(&bad, &blen, "ktap.log differs from stdout");
	kmsg = it_read_at(dir, "kmsg.log");
	for (int i = 0; kmsg && i < k.ncase; i++) {
		char *head = it_fmt("=== %s (seed %lld)\n", k.c[i].name, int_of(runj, "seed"));

		if (!strstr(kmsg, head))
			note(&bad, &blen, "kmsg.log lacks the section of %s", k.c[i].name);
		free(head);
	}
	if (!kmsg)
		note(&bad, &blen, "kmsg.log unreadable");
	check_run_files(&bad, &blen, dir, &k);

	ck_assert_msg(!bad, "%s", bad);
	free(log);
	free(kmsg);
	json_decref(runj);
	ktap_free(&k);
	free(dir);
}
END_TEST

/* Test 4: our namespace has the mounts it had; no scratch left in /tmp. */
START_TEST(test_no_leftovers)
{
	struct strv left;
	bool ambiguous;
	char *diff;

	ck_assert_msg(all.ran, "the run did not happen: %s", all.why);
	diff = it_strv_diff(&all.mounts0, &all.mounts1);
	ck_assert_msg(!diff, "overlay/tmpfs mounts of our namespace changed:\n%s", diff);
	ck_assert_int_ge(it_scratch_leftovers(&all.tmp0, SCRATCH_WAIT_S, &left, &ambiguous), 0);
	if (ambiguous)
		fprintf(stderr, "int-tests: %d new /tmp/undertow.* while another undertow "
			"runs; not attributed\n", left.n);
	ck_assert_msg(!left.n || ambiguous, "left in /tmp: %s%s%s", left.v[0],
		      left.n > 1 ? " " : "", left.n > 1 ? left.v[1] : "");
	strv_free(&left);
}
END_TEST

Suite *scenarios_suite(void)
{
	Suite *s = suite_create("scenarios");
	TCase *tc = tcase_create("all");

	tcase_add_unchecked_fixture(tc, all_setup, all_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_every_scenario_runs);
	tcase_add_test(tc, test_results_match_ktap);
	tcase_add_test(tc, test_no_leftovers);
	suite_add_tcase(s, tc);
	return s;
}
