// SPDX-License-Identifier: GPL-2.0
/* runout.c - a run's results directory, KTAP lines and summary table. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "coverage.h"
#include "engine.h"
#include "ktap.h"
#include "rundir.h"
#include "runout.h"
#include "stream.h"

void ut_iso_time(char *buf, size_t sz)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ut_out_open(struct run_state *st, int argc, char **argv, uint64_t seed)
{
	char id[64], ts[32], path[PATH_MAX + 32];
	struct utsname u;
	json_t *args = json_array();
	int err;

	ut_iso_time(ts, sizeof(ts));
	snprintf(id, sizeof(id), "%.4s%.2s%.2s-%.2s%.2s%.2s-%d", ts, ts + 5, ts + 8,
		 ts + 11, ts + 14, ts + 17, (int)getpid());
	if (snprintf(st->dir, sizeof(st->dir), "%s/%s", st->o->results, id) >= (int)sizeof(st->dir))
		return -ENAMETOOLONG;
	err = ut_mkdir_p(st->dir);
	if (err)
		return err;
	ut_point_latest(st->o->results, id);
	uname(&u);
	for (int i = 0; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	st->run = json_pack("{s:s, s:s, s:o, s:I, s:s, s:n, s:b, s:[]}", "run_id", id,
			    "kernel", u.release, "argv", args, "seed", (json_int_t)seed,
			    "start", ts, "end", "complete", 0, "scenarios");
	snprintf(path, sizeof(path), "%s/ktap.log", st->dir);
	st->ktap_log = fopen(path, "we");
	snprintf(path, sizeof(path), "%s/kmsg.log", st->dir);
	st->kmsg_log = fopen(path, "we");
	return st->run && st->ktap_log && st->kmsg_log ? 0 : -EIO;
}

/* Frame a finished results file onto the --stream, if any. */
void ut_out_stream(struct run_state *st, const char *name)
{
	char path[PATH_MAX + 256];
	int err;

	if (st->stream < 0)
		return;
	fflush(stdout);		/* KTAP before the frame, when both share a line */
	snprintf(path, sizeof(path), "%s/%s", st->dir, name);
	err = ut_stream_file(st->stream, name, path);
	if (err)
		fprintf(stderr, "undertow: streaming %s: %s\n", name, strerror(-err));
}

int ut_out_file(struct run_state *st, const char *rel, json_t *j)
{
	char path[PATH_MAX + 256];
	int err;

	snprintf(path, sizeof(path), "%s/%s", st->dir, rel);
	err = j ? ut_json_write_atomic(path, j) : -ENOMEM;
	if (err)
		fprintf(stderr, "undertow: %s:%d: writing %s: %s\n", __FILE__, __LINE__, path,
			strerror(-err));
	else
		ut_out_stream(st, rel);
	return err;
}

int ut_out_run_json(struct run_state *st)
{
	char path[PATH_MAX + 16];
	int err;

	snprintf(path, sizeof(path), "%s/run.json", st->dir);
	err = ut_json_write_atomic(path, st->run);
	if (!err)
		ut_out_stream(st, "run.json");
	return err;
}

void ut_out_line(struct run_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vfprintf(st->ktap_log, fmt, ap);
	va_end(ap);
	fflush(stdout);
	fflush(st->ktap_log);
}

void ut_out_kmsg(struct run_state *st, const struct ut_result *r)
{
	json_t *k = json_object_get(r->extra, "kmsg");
	size_t i;
	json_t *v;

	fprintf(st->kmsg_log, "=== %s (seed %llu)\n", r->name, (unsigned long long)r->seed);
	json_array_foreach(k, i, v)
		fprintf(st->kmsg_log, "%s\n", json_string_value(v));
	fflush(st->kmsg_log);
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* --race: the calibration, each bucket's hit rate and the best, as # lines. */
static void race_lines(struct run_state *st, const char *vname, json_t *race)
{
	json_t *cal = json_object_get(race, "calibration"), *best = json_object_get(race, "best");
	json_t *b;
	size_t i;

	/* A variant that never started its processes has nothing to tell. */
	if (!race || !strcmp(json_string_value(json_object_get(race, "phase")) ?: "", "setup"))
		return;
	if (!json_object_get(cal, "worker_median_ns")) {
		ut_out_line(st, "# %s: race %s:%s: calibration cut short after %.0f iterations "
			    "(worker mean %.0f ns, mutator mean %.0f ns): no sweep\n", vname,
			    json_string_value(json_object_get(race, "worker_op")),
			    json_string_value(json_object_get(race, "mutator_op")),
			    num(cal, "iterations"), num(cal, "worker_ns"), num(cal, "mutator_ns"));
		return;
	}
	ut_out_line(st, "# %s: race %s:%s: %.0f calibration iterations: worker %.0f ns (mean %.0f, "
		    "sd %.0f), mutator %.0f ns (mean %.0f, sd %.0f), barrier skew %.0f ns "
		    "(mean %.0f, sd %.0f) [medians]; names %s\n", vname,
		    json_string_value(json_object_get(race, "worker_op")),
		    json_string_value(json_object_get(race, "mutator_op")), num(cal, "iterations"),
		    num(cal, "worker_median_ns"), num(cal, "worker_ns"), num(cal, "worker_spread_ns"),
		    num(cal, "mutator_median_ns"), num(cal, "mutator_ns"),
		    num(cal, "mutator_spread_ns"), num(cal, "skew_median_ns"), num(cal, "skew_ns"),
		    num(cal, "skew_spread_ns"),
		    json_string_value(json_object_get(json_object_get(race, "pairing"), "rule")));
	json_array_foreach(json_object_get(race, "buckets"), i, b) {
		double it = num(b, "iterations"), hits = num(b, "hits");

		ut_out_line(st, "# %s: race offset %+.0f ns: %.0f hits in %.0f iterations (%.2f %%), "
			    "%.0f on time\n", vname, num(b, "offset_ns"), hits, it,
			    it ? 100 * hits / it : 0.0, num(b, "on_time"));
	}
	if (json_is_object(best))
		ut_out_line(st, "# %s: race best offset %+.0f ns, hit rate %.4f\n", vname,
			    num(best, "offset_ns"), num(best, "rate"));
}

void ut_out_record(struct run_state *st, int idx, const char *vname, struct ut_result *r)
{
	char path[PATH_MAX + 256], line[512], top[256];
	json_t *j = ut_result_json(r);
	int err;

	snprintf(path, sizeof(path), "%s/%s.json", st->dir, vname);
	err = j ? ut_json_write_atomic(path, j) : -ENOMEM;
	if (err)
		fprintf(stderr, "undertow: writing %s: %s\n", path, strerror(-err));
	json_decref(j);
	snprintf(path, sizeof(path), "%s.json", vname);
	ut_out_stream(st, path);
	ut_run_row_add(st->run, vname, r->name, r->variant, r->verdict, r->duration_s);
	ut_cov_union_add(st->run, json_object_get(r->extra, "coverage"));
	ut_out_run_json(st);
	ut_out_kmsg(st, r);
	ut_top_returns(r->ops, r->nops, 4, top, sizeof(top));
	ut_out_line(st, "# %s: %llu ops in %.1f s, workers %s\n", vname,
		 (unsigned long long)ut_total_calls(r->ops, r->nops), r->duration_s,
		 top[0] ? top : "-");
	ut_top_returns(r->muts, r->nmuts, 4, top, sizeof(top));
	if (r->nmuts)
		ut_out_line(st, "# %s: mutators %s\n", vname, top[0] ? top : "-");
	race_lines(st, vname, json_object_get(r->extra, "race"));
	for (int i = 0; i < r->findings.n; i++) {
		const struct ut_finding *f = &r->findings.v[i];
		const char *nl = strchr(f->detail, '\n');

		ut_out_line(st, "# %s: %s: %.*s\n", vname,
			 f->kind == UT_PASS ? "info" : ut_verdict_name(f->kind),
			 nl ? (int)(nl - f->detail) : (int)strlen(f->detail), f->detail);
	}
	ut_ktap_line(line, sizeof(line), idx, vname, r->verdict, r->reason);
	ut_out_line(st, "%s\n", line);
	if (r->verdict == UT_PASS)
		st->pass++;
	else if (r->verdict == UT_SKIP)
		st->skip++;
	else
		st->fail++;
	st->n++;
}

/* One line on a terminal's stderr: where a long run is; @i < 0 clears it. */
void ut_out_progress(const struct run_state *st, int i, int n, double t0, const char *name)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty)
		return;
	if (i < 0) {
		fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[K[%d/%d] %.0f s, pass %d fail %d skip %d: %s", i + 1, n,
		ut_now() - t0, st->pass, st->fail, st->skip, name);
	fflush(stderr);
}

void ut_out_summary(json_t *rows)
{
	size_t i;
	json_t *v;

	fprintf(stderr, "\n%-26s %-7s %12s  %s\n", "scenario", "verdict", "ops/s", "top returns");
	json_array_foreach(rows, i, v)
		fprintf(stderr, "%-26s %-7s %12.0f  %s\n",
			json_string_value(json_object_get(v, "name")),
			json_string_value(json_object_get(v, "verdict")),
			json_real_value(json_object_get(v, "ops_s")),
			json_string_value(json_object_get(v, "top")));
}


static double pct(json_int_t n, json_int_t of)
{
	return of > 0 ? 100.0 * (double)n / (double)of : 0.0;
}

void ut_out_cov_note(struct run_state *st)
{
	json_t *cov = json_object_get(st->run, "coverage"), *b = json_object_get(cov, "blocks");
	json_int_t br = json_integer_value(json_object_get(b, "reached")),
		   bs = json_integer_value(json_object_get(b, "sites")),
		   lr = json_integer_value(json_object_get(b, "lines_reached")),
		   ls = json_integer_value(json_object_get(b, "lines_total"));

	if (json_is_object(cov) && !strcmp(json_string_value(json_object_get(cov, "status")) ?: "",
					   "ok"))
		ut_out_line(st, "# coverage: functions %lld of %lld reached\n",
			    (long long)json_integer_value(json_object_get(cov, "reached")),
			    (long long)json_integer_value(json_object_get(cov, "probed")));
	if (!json_is_object(b) || strcmp(json_string_value(json_object_get(b, "status")) ?: "", "ok"))
		return;
	if (bs > 0)
		ut_out_line(st, "# coverage: blocks %lld of %lld (%.1f %%), lines %lld of %lld "
			    "(%.1f %%), %lld blocks outside the map\n", (long long)br, (long long)bs,
			    pct(br, bs), (long long)lr, (long long)ls, pct(lr, ls),
			    (long long)json_integer_value(json_object_get(b, "unmapped")));
	else
		ut_out_line(st, "# coverage: %lld blocks reached; no lines: %s\n", (long long)br,
			    json_string_value(json_object_get(b, "map")) ?: "no block map");
}
