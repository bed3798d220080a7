// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - undertow: list, run, replay.  KTAP on stdout, a summary table
 * on stderr, results/<run-id>/ on disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "cli.h"
#include "engine.h"
#include "diff.h"
#include "kmemleak.h"
#include "layers.h"
#include "matrix.h"
#include "optsets.h"
#include "userns.h"
#include "ktap.h"
#include "registry.h"
#include "report.h"
#include "results.h"
#include "run.h"
#include "stream.h"
#include "vmcollect.h"

#define MAX_SEL 256
#define QUICK_TIME_S 1.0

static bool unprivileged;	/* in a user namespace: no real root */

struct run_state {
	const struct ut_opts *o;
	char dir[PATH_MAX];		/* results/<run-id> */
	char root[PATH_MAX];		/* private scratch for layers */
	json_t *run;			/* run.json */
	FILE *ktap_log, *kmsg_log;
	int stream;			/* --stream fd, -1 = none */
	int pass, fail, skip, n;
};

static void die_usage(const char *msg)
{
	fprintf(stderr, "undertow: %s\n", msg);
	exit(UT_EXIT_USAGE);
}

static void on_signal(int sig)
{
	(void)sig;
	ut_interrupted = 1;
}

static int cmd_list(void)
{
	int n;
	const struct ut_scenario *const *all = ut_registry(&n);

	for (int i = 0; i < n; i++)
		printf("%-26s %-40s %s\n", all[i]->name, all[i]->tags ? all[i]->tags : "",
		       all[i]->desc);
	return UT_EXIT_PASS;
}

/* Mounts made from here on stay in our own namespace. */
static int isolate(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}

static void iso_time(char *buf, size_t sz)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int open_results(struct run_state *st, int argc, char **argv, uint64_t seed)
{
	char id[64], ts[32], path[PATH_MAX + 32];
	struct utsname u;
	json_t *args = json_array();
	int err;

	iso_time(ts, sizeof(ts));
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
static void stream_out(struct run_state *st, const char *name)
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

static int write_run_json(struct run_state *st)
{
	char path[PATH_MAX + 16];
	int err;

	snprintf(path, sizeof(path), "%s/run.json", st->dir);
	err = ut_json_write_atomic(path, st->run);
	if (!err)
		stream_out(st, "run.json");
	return err;
}

/* A line to stdout and ktap.log alike. */
static void out_line(struct run_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void out_line(struct run_state *st, const char *fmt, ...)
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

static void log_kmsg(struct run_state *st, const struct ut_result *r)
{
	json_t *k = json_object_get(r->extra, "kmsg");
	size_t i;
	json_t *v;

	fprintf(st->kmsg_log, "=== %s (seed %llu)\n", r->name, (unsigned long long)r->seed);
	json_array_foreach(k, i, v)
		fprintf(st->kmsg_log, "%s\n", json_string_value(v));
	fflush(st->kmsg_log);
}

static void record(struct run_state *st, int idx, const char *vname, struct ut_result *r)
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
	stream_out(st, path);
	json_array_append_new(json_object_get(st->run, "scenarios"),
			      json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", r->name,
					"file", vname,
					"variant", r->variant,
					"verdict", ut_verdict_name(r->verdict),
					"duration_s", r->duration_s));
	write_run_json(st);
	log_kmsg(st, r);
	ut_top_returns(r->ops, r->nops, 4, top, sizeof(top));
	out_line(st, "# %s: %llu ops in %.1f s, workers %s\n", vname,
		 (unsigned long long)ut_total_calls(r->ops, r->nops), r->duration_s,
		 top[0] ? top : "-");
	ut_top_returns(r->muts, r->nmuts, 4, top, sizeof(top));
	if (r->nmuts)
		out_line(st, "# %s: mutators %s\n", vname, top[0] ? top : "-");
	for (int i = 0; i < r->findings.n; i++) {
		const struct ut_finding *f = &r->findings.v[i];
		const char *nl = strchr(f->detail, '\n');

		out_line(st, "# %s: %s: %.*s\n", vname,
			 f->kind == UT_PASS ? "info" : ut_verdict_name(f->kind),
			 nl ? (int)(nl - f->detail) : (int)strlen(f->detail), f->detail);
	}
	ut_ktap_line(line, sizeof(line), idx, vname, r->verdict, r->reason);
	out_line(st, "%s\n", line);
	if (r->verdict == UT_PASS)
		st->pass++;
	else if (r->verdict == UT_SKIP)
		st->skip++;
	else
		st->fail++;
	st->n++;
}

/* One line on a terminal's stderr: where a long run is; @i < 0 clears it. */
static void progress(const struct run_state *st, int i, int n, double t0, const char *name)
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

static void summary(json_t *rows)
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

#define HUNG_TASK "/proc/sys/kernel/hung_task_timeout_secs"
#define SCRATCH "/tmp/undertow."	/* + <pid>.XXXXXX */

/*
 * A killed run leaves its empty mountpoint directories behind (the mounts
 * died with its namespace).  Remove those of runs whose pid is gone; rmdir
 * only, so nothing with content is ever touched.
 */
static void clean_stale_scratch(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];
		struct dirent *s;
		DIR *sd;
		int pid;

		if (strncmp(e->d_name, "undertow.", 9) || sscanf(e->d_name + 9, "%d.", &pid) != 1 ||
		    pid <= 0 || !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "/tmp/%s", e->d_name);
		sd = opendir(path);
		while (sd && (s = readdir(sd))) {
			char sub[PATH_MAX + 300];

			snprintf(sub, sizeof(sub), "%s/%s", path, s->d_name);
			if (s->d_name[0] != '.')
				rmdir(sub);
		}
		if (sd)
			closedir(sd);
		rmdir(path);
	}
	if (d)
		closedir(d);
}

/*
 * Let the kernel's hung-task detector speak within our hang timeout, and
 * put the old value back afterwards.  Returns the old value or -1.
 */
static long lower_hung_task(double hang_timeout)
{
	long old = -1, want = (long)hang_timeout + 1;
	FILE *f = fopen(HUNG_TASK, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &old) != 1)
		old = -1;
	fclose(f);
	if (old <= want)	/* 0 = off: respect the admin's choice */
		return -1;
	f = fopen(HUNG_TASK, "we");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", want);
	return fclose(f) ? -1 : old;
}

static void restore_hung_task(long old)
{
	FILE *f;

	if (old < 0 || !(f = fopen(HUNG_TASK, "we")))
		return;
	fprintf(f, "%ld\n", old);
	fclose(f);
}

static int run_list(const struct ut_opts *o, const struct ut_variant *sel, int nsel,
		    int argc, char **argv)
{
	struct run_state st = { .o = o, .stream = -1 };
	struct ut_run_cfg cfg = {
		.seed = o->seed, .time_s = o->time_s, .hang_timeout = o->hang_timeout,
		.workers = o->workers > 0 ? o->workers : ut_default_workers(),
		.mutators = o->mutators >= 0 ? o->mutators : ut_default_mutators(),
		.root = st.root, .self = argv[0], .sysrq = o->sysrq,
		.unprivileged = unprivileged,
	};
	json_t *rows = json_array();
	char ts[32], why[256];
	double t0;
	long hung_old;
	int err, i;

	err = open_results(&st, argc, argv, o->seed);
	if (err) {
		fprintf(stderr, "undertow: results in %s: %s\n", o->results, strerror(-err));
		return UT_EXIT_FAIL;
	}
	cfg.kmemleak = ut_kmemleak_available(why, sizeof(why));
	json_object_set_new(st.run, "kmemleak", json_string(cfg.kmemleak ? "on" : why));
	hung_old = lower_hung_task(o->hang_timeout);
	json_object_set_new(st.run, "hung_task_timeout_secs", hung_old < 0 ? json_null() :
			    json_pack("{s:I, s:I}", "was", (json_int_t)hung_old,
				      "during_run", (json_int_t)o->hang_timeout + 1));
	clean_stale_scratch();
	snprintf(st.root, sizeof(st.root), "%s%d.XXXXXX", SCRATCH, (int)getpid());
	if (!mkdtemp(st.root)) {
		fprintf(stderr, "undertow: scratch directory: %s\n", strerror(errno));
		return UT_EXIT_FAIL;
	}
	ut_ktap_header(stdout, nsel);
	fprintf(st.ktap_log, "KTAP version 1\n1..%d\n", nsel);
	out_line(&st, "# undertow seed %llu, %d workers, %d mutators, results %s\n",
		 (unsigned long long)o->seed, cfg.workers, cfg.mutators, st.dir);
	if (unprivileged)
		out_line(&st, "# unprivileged (user namespace): overlays get userxattr; loop "
			 "backends skip; kernel log, slab and hung-task checks are unavailable\n");
	json_object_set_new(st.run, "unprivileged", json_boolean(unprivileged));
	if (o->stream)
		st.stream = strcmp(o->stream, "-") ? open(o->stream, O_WRONLY | O_CLOEXEC) :
			    dup(STDOUT_FILENO);
	write_run_json(&st);	/* at once: a reader knows the run before any result */
	t0 = ut_now();
	for (i = 0; i < nsel && !ut_interrupted; i++) {
		struct ut_result r;
		char top[256];

		cfg.index = i + 1;
		/* Which variant is running, for whoever reads a dead guest's console. */
		out_line(&st, "# start %s\n", sel[i].name);
		progress(&st, i, nsel, t0, sel[i].name);
		ut_run_variant(&sel[i], &cfg, &r);
		record(&st, i + 1, sel[i].name, &r);
		ut_top_returns(r.ops, r.nops, 3, top, sizeof(top));
		json_array_append_new(rows, json_pack("{s:s, s:s, s:f, s:s}", "name", sel[i].name,
			"verdict", ut_verdict_name(r.verdict),
			"ops_s", r.duration_s > 0 ? ut_total_calls(r.ops, r.nops) / r.duration_s : 0.0,
			"top", top));
		ut_result_free(&r);
	}
	progress(&st, -1, nsel, t0, NULL);
	if (ut_interrupted)
		out_line(&st, "Bail out! interrupted after %d of %d\n", i, nsel);
	ut_ktap_totals(stdout, st.pass, st.fail, st.skip);
	fprintf(st.ktap_log, "# Totals: pass:%d fail:%d skip:%d\n", st.pass, st.fail, st.skip);
	restore_hung_task(hung_old);
	iso_time(ts, sizeof(ts));
	json_object_set_new(st.run, "end", json_string(ts));
	json_object_set_new(st.run, "complete", json_boolean(!ut_interrupted));
	write_run_json(&st);
	summary(rows);
	json_decref(rows);
	json_decref(st.run);
	fclose(st.ktap_log);
	fclose(st.kmsg_log);
	stream_out(&st, "ktap.log");
	stream_out(&st, "kmsg.log");
	if (st.stream >= 0)
		close(st.stream);
	rmdir(st.root);
	if (st.fail || ut_interrupted)
		return UT_EXIT_FAIL;
	return st.skip == st.n ? UT_EXIT_SKIP : UT_EXIT_PASS;
}

static uint64_t clock_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^
		((uint64_t)getpid() << 20)) & INT64_MAX;
}

/* Refuse early, in one line, what would fail later in a confusing way. */
static int preflight(void)
{
	char why[256];
	int err;

	if (geteuid() != 0 && ut_enter_userns(why, sizeof(why))) {
		fprintf(stderr, "undertow: not root, and no user namespace to mount in (%s); "
			"run as root or allow unprivileged user namespaces\n", why);
		return UT_EXIT_SKIP;
	}
	unprivileged = ut_in_userns();
	err = isolate();
	if (err) {
		fprintf(stderr, "undertow: private mount namespace: %s\n", strerror(-err));
		return UT_EXIT_SKIP;
	}
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int variants_for(const struct ut_opts *o, const struct ut_scenario *const *sc, int nsc,
			struct ut_variant *out, int max, char *err, size_t sz);

static int cmd_replay(struct ut_opts *o, int argc, char **argv)
{
	static struct ut_variant v;
	const struct ut_scenario *sc;
	struct ut_result rec;
	char why[512];
	int rc;

	if (ut_result_load(o->replay, &rec, why, sizeof(why)))
		die_usage(why);
	sc = ut_find(rec.name);
	if (!sc) {
		snprintf(why, sizeof(why), "%s: scenario '%s' is not in this build",
			 o->replay, rec.name);
		die_usage(why);
	}
	o->seed = rec.seed;
	o->workers = rec.workers;
	o->mutators = rec.mutators;
	o->backends[0] = rec.backend_spec;
	o->optsets[0] = rec.optset;
	o->nbackends = o->noptsets = 1;
	if (variants_for(o, &sc, 1, &v, 1, why, sizeof(why)) != 1)
		die_usage(why);
	o->time_s = rec.runtime_s;
	if (rec.hang_timeout_s > 0)
		o->hang_timeout = rec.hang_timeout_s;
	rc = preflight();
	if (rc)
		return rc;
	install_signals();
	return run_list(o, &v, 1, argc, argv);
}

/* The optset an -o word names: a set, or a literal option string. */
static const struct ut_optset *optset_for(const char *word)
{
	static struct ut_optset literal[UT_MAX_CHOICES];
	static int nlit;
	const struct ut_optset *set = ut_optset_find(word);

	if (set || nlit == UT_MAX_CHOICES)
		return set;
	literal[nlit] = (struct ut_optset){ .name = word, .opts = word };
	return &literal[nlit++];
}

/*
 * Variants of the selected scenarios: a matrix preset, or -b x -o (tmpfs
 * and the default set when not given), then the --shard slice.
 */
static int variants_for(const struct ut_opts *o, const struct ut_scenario *const *sc, int nsc,
			struct ut_variant *out, int max, char *err, size_t sz)
{
	struct ut_backend_spec be[UT_MAX_CHOICES] = { { .kind = UT_BACKEND_TMPFS } };
	const struct ut_optset *sets[UT_MAX_CHOICES] = { ut_optset_find("default") };
	int nbe = o->nbackends ? o->nbackends : 1, nsets = o->noptsets ? o->noptsets : 1, n;

	if (o->matrix) {
		if (o->nbackends || o->noptsets) {
			snprintf(err, sz, "--matrix chooses backends and option sets: drop -b/-o");
			return -1;
		}
		n = ut_matrix_preset(o->matrix, sc, nsc, out, max);
	} else {
		for (int i = 0; i < o->nbackends; i++)
			if (ut_backend_parse(o->backends[i], &be[i], err, sz))
				return -1;
		for (int i = 0; i < o->noptsets; i++)
			if (!(sets[i] = optset_for(o->optsets[i]))) {
				snprintf(err, sz, "too many option sets");
				return -1;
			}
		n = ut_matrix_expand(sc, nsc, be, nbe, sets, nsets, out, max);
	}
	if (o->shard_n)
		n = ut_matrix_shard(out, n, o->shard_k, o->shard_n);
	if (n <= 0)
		snprintf(err, sz, "no variant to run (shard %d/%d of too few?)", o->shard_k, o->shard_n);
	return n;
}

static int cmd_list_variants(const struct ut_variant *v, int n)
{
	for (int i = 0; i < n; i++)
		printf("%s\n", v[i].name);
	return UT_EXIT_PASS;
}

int main(int argc, char **argv)
{
	static const struct ut_scenario *sel[MAX_SEL];
	static struct ut_variant vars[UT_MAX_VARIANTS];
	bool listing;
	struct ut_opts o;
	char err[512];
	int n, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "vm-collect"))	/* the VM runner's host side */
		return ut_vm_collect(argc, argv);
	if (ut_parse_args(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "undertow: %s\n", err);
		return UT_EXIT_USAGE;
	}
	switch (o.cmd) {
	case UT_CMD_HELP:
		ut_usage(stdout);
		return UT_EXIT_PASS;
	case UT_CMD_LIST:
		if (!o.nsel && !o.matrix && !o.nbackends && !o.noptsets && !o.shard_n)
			return cmd_list();
		break;
	case UT_CMD_REPLAY:
		return cmd_replay(&o, argc, argv);
	case UT_CMD_DIFF:
		return ut_cmd_diff(&o);
	case UT_CMD_REPORT:
		return ut_cmd_report(&o);
	case UT_CMD_RUN:
		break;
	}
	n = ut_select(o.sel, o.nsel, sel, MAX_SEL, err, sizeof(err));
	if (n < 0)
		die_usage(err);
	n = variants_for(&o, sel, n, vars, UT_MAX_VARIANTS, err, sizeof(err));
	if (n <= 0)
		die_usage(err);
	/* The quick matrix is about breadth: 1 s a variant unless told. */
	if (o.matrix && !strcmp(o.matrix, "quick") && !o.time_s)
		o.time_s = QUICK_TIME_S;
	listing = o.cmd == UT_CMD_LIST;
	if (listing)
		return cmd_list_variants(vars, n);
	if (!o.seed_set)
		o.seed = clock_seed();
	rc = preflight();
	if (rc)
		return rc;
	install_signals();
	return run_list(&o, vars, n, argc, argv);
}
