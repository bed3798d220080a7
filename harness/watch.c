// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - `undertow watch`: run any program under undertow's kernel
 * watch, the verify step of `undertow repro`.
 *
 *   undertow watch [-t|--time S] [--results DIR] [--] PROG [ARGS...]
 *
 * The kernel log position and the taint are taken before PROG starts; PROG
 * runs bounded (watch_prog.c); afterwards the kernel's new records and
 * taint are judged by the same detectors `run` uses (lib/detect: det_kmsg,
 * det_taint), so a WARNING, BUG, oops or KASAN report is a crash, busy
 * inodes a leak, a hung task a hang.  A task that does not die after
 * SIGKILL is a hang with its stack.  KTAP on stdout, one test named PROG;
 * with --results, DIR/watch.json and PROG's output in DIR/prog.log
 * (otherwise PROG's output goes to our stderr).  Exit 0 nothing found, 1 a
 * finding (or interrupted), 2 usage, 4 skip (/dev/kmsg cannot be read).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "cli.h"
#include "detector.h"
#include "engine.h"
#include "kmsg.h"
#include "ktap.h"
#include "pathcheck.h"
#include "results.h"
#include "run.h"
#include "spawn.h"
#include "watch.h"
#include "watch_prog.h"

#define DEFAULT_TIME_S	60.0
#define MIN_TIME_S	0.1
#define MAX_TIME_S	86400.0
#define GRACE_S		2.0	/* past the time limit before SIGKILL */
#define KILL_S		5.0	/* after SIGKILL: then it is a hang, abandoned */
#define SETTLE_S	0.3	/* for the kernel's last words before we read them */
#define KMSG_SHOWN	60	/* kernel records quoted in KTAP from the first bad one */

extern const struct ut_detector ut_det_kmsg, ut_det_taint;

struct watch {
	double limit_s;
	const char *results;	/* --results DIR, or NULL */
	char **argv;		/* PROG ARGS..., NULL-terminated */
	char name[256];		/* PROG as given, blanks and '#' as '_': the KTAP test's name */
	struct ut_prog prog;
	struct ut_result *r;	/* findings, via the detectors' context */
	struct ut_det_ctx c;
	struct ut_runner_fate fate;	/* PROG's pid: its hung-task reports count */
	enum ut_verdict verdict;
	char reason[256];
	char status[128];	/* PROG's end, in words */
};

static const char usage_line[] =
	"usage: undertow watch [-t|--time S] [--results DIR] [--] PROG [ARGS...]";

static void watch_usage(FILE *f)
{
	fprintf(f, "%s\n"
		"  run PROG under the kernel watch: kernel log and taint before and after,\n"
		"  judged as `run` judges them; PROG killed (with its process group) after\n"
		"  S s + %.0f s (default %.0f), a task that outlives SIGKILL by %.0f s is a hang\n"
		"  -t, --time S       time limit, 0.1..86400 seconds\n"
		"      --results DIR  also DIR/watch.json, and PROG's output in DIR/prog.log\n"
		"exit: 0 nothing found, 1 a finding, 2 usage error, 4 /dev/kmsg unreadable\n",
		usage_line, GRACE_S, DEFAULT_TIME_S, KILL_S);
}

static int usage_err(const char *fmt, const char *arg)
{
	fputs("undertow: watch: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return UT_EXIT_USAGE;
}

/* PROG must exist and be executable here: a missing one is a usage error. */
static int check_prog(const char *prog)
{
	struct stat st;

	if (!*prog)
		return usage_err("an empty program name%s", "");
	if (!strchr(prog, '/'))
		return ut_have_prog(prog) ? 0 : usage_err("'%s': not found in PATH", prog);
	if (stat(prog, &st) < 0) {
		fprintf(stderr, "undertow: watch: '%s': %s\n", prog, strerror(errno));
		return UT_EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode))
		return usage_err("'%s': not a regular file", prog);
	if (access(prog, X_OK) < 0)
		return usage_err("'%s': not executable", prog);
	return 0;
}

static const struct option watch_opts[] = {
	{ "time", required_argument, NULL, 't' },
	{ "results", required_argument, NULL, 'R' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* 0 to go on, or the exit code (2 usage, 0 after --help). */
static int parse(int argc, char **argv, struct watch *w)
{
	char err[512], *end;
	int c;

	w->limit_s = DEFAULT_TIME_S;
	optind = 0;	/* GNU: 0 re-initialises getopt */
	opterr = 0;
	/* "+": PROG's own options are its own. */
	while ((c = getopt_long(argc - 1, argv + 1, "+:t:h", watch_opts, NULL)) != -1) {
		const char *cur = argv[optind];	/* argv + 1 shifted: the option just read */

		switch (c) {
		case 't':
			errno = 0;
			w->limit_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(w->limit_s) ||
			    w->limit_s < MIN_TIME_S || w->limit_s > MAX_TIME_S)
				return usage_err("-t/--time wants seconds, 0.1..86400: '%s'", optarg);
			break;
		case 'R':
			w->results = optarg;
			if (ut_check_results_dir(optarg, err, sizeof(err)))
				return usage_err("%s", err);
			break;
		case 'h':
			watch_usage(stdout);
			return -1;
		case ':':
			return usage_err("option '%s' needs a value", cur);
		default:
			return usage_err("unknown option '%s'", cur);
		}
	}
	if (optind + 1 >= argc)
		return usage_err("no program to watch (%s)", usage_line);
	w->argv = argv + 1 + optind;
	snprintf(w->name, sizeof(w->name), "%s", w->argv[0]);
	for (char *p = w->name; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '#')
			*p = '_';
	return check_prog(w->argv[0]);
}

/* Where PROG's stdout and stderr go: DIR/prog.log, or our stderr. */
static int output_fd(const struct watch *w)
{
	char path[PATH_MAX + 16];
	int fd;

	if (!w->results)
		return STDERR_FILENO;
	snprintf(path, sizeof(path), "%s/prog.log", w->results);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		fprintf(stderr, "undertow: watch: %s: %s; PROG's output goes to stderr\n", path,
			strerror(errno));
	return fd < 0 ? STDERR_FILENO : fd;
}

/* Start, wait (bounded), kill; then what the kernel said. */
static void watch_run(struct watch *w)
{
	static struct ut_scenario sc;
	void *taint, *kmsg;
	int out = output_fd(w), err;

	sc.name = w->name;
	w->c = (struct ut_det_ctx){ .sc = &sc, .r = w->r, .snap = json_object(),
				    .kmsg = json_array(), .runner = &w->fate };
	taint = ut_det_taint.before(&w->c);
	kmsg = ut_det_kmsg.before(&w->c);
	err = ut_prog_start(&w->prog, w->argv, out);
	if (err)
		ut_finding_add(&w->r->findings, UT_BROKEN, "starting %s: %s", w->argv[0],
			       strerror(-err));
	else
		ut_prog_wait(&w->prog, w->limit_s + GRACE_S, KILL_S, &ut_interrupted,
			     &w->r->findings);
	if (out != STDERR_FILENO)
		close(out);
	w->fate.pid = w->prog.pid;
	ut_sleep(SETTLE_S);
	ut_det_kmsg.after(&w->c, kmsg);	/* the table's order: kmsg, then taint */
	ut_det_taint.after(&w->c, taint);
	/* Killed by the kernel after it reported a leak: the leak's consequence. */
	if (w->prog.reaped && !w->prog.killed_by_us && WIFSIGNALED(w->prog.status))
		ut_findings_leak_consequence(&w->r->findings);
	if (w->prog.interrupted)
		ut_finding_add(&w->r->findings, UT_SKIP, "interrupted after %.1f s",
			       w->prog.duration_s);
	ut_prog_status(&w->prog, w->status, sizeof(w->status));
	w->verdict = ut_findings_judge(&w->r->findings, w->reason, sizeof(w->reason));
}

/*
 * "# PROG: kind: first line" per finding (the rest of it, a stack say,
 * follows indented), the kernel's records from the first bad one, the
 * result line.
 */
static void print_ktap(const struct watch *w)
{
	const struct ut_findings *f = &w->r->findings;
	size_t first = (size_t)w->c.kmsg_first_bad - 1;
	char line[512];

	printf("# %s: %s, after %.2f s (time limit %g s)\n", w->name, w->status,
	       w->prog.duration_s, w->limit_s);
	for (int i = 0; i < f->n; i++) {
		const char *d = f->v[i].detail, *nl = strchr(d, '\n');

		printf("# %s: %s: %.*s\n", w->name,
		       f->v[i].kind == UT_PASS ? "info" : ut_verdict_name(f->v[i].kind),
		       nl ? (int)(nl - d) : (int)strlen(d), d);
		for (; nl; nl = strchr(d, '\n')) {
			d = nl + 1;
			printf("#   %.*s\n", (int)strcspn(d, "\n"), d);
		}
	}
	if (w->verdict > UT_PASS && w->c.kmsg_first_bad)
		for (size_t i = first; i < json_array_size(w->c.kmsg) && i < first + KMSG_SHOWN; i++)
			printf("# kmsg: %s\n", json_string_value(json_array_get(w->c.kmsg, i)));
	ut_ktap_line(line, sizeof(line), 1, w->name, w->verdict, w->reason);
	printf("%s\n", line);
	if (w->prog.interrupted)
		printf("Bail out! interrupted\n");
	ut_ktap_totals(stdout, w->verdict == UT_PASS, w->verdict > UT_PASS,
		       w->verdict == UT_SKIP);
}

/* DIR/watch.json, written atomically; a failure is said on stderr. */
static void write_json(const struct watch *w)
{
	char path[PATH_MAX + 16];
	const struct ut_prog *p = &w->prog;
	json_t *args, *left, *j;
	struct utsname u;
	int err;

	if (!w->results)
		return;
	args = json_array();
	left = json_array();
	uname(&u);
	for (char **a = w->argv; *a; a++)
		json_array_append_new(args, json_string(*a));
	for (int i = 0; i < p->nleft; i++)
		json_array_append_new(left, json_integer(p->left[i]));
	j = json_pack("{s:s, s:o, s:s, s:f, s:f, s:s, s:b, s:o, s:s, s:s, s:o, s:O, s:O}",
		      "prog", w->argv[0], "argv", args, "kernel", u.release,
		      "time_limit_s", w->limit_s, "duration_s", p->duration_s,
		      "exit_status", w->status, "at_limit", p->at_limit, "abandoned", left,
		      "verdict", ut_verdict_name(w->verdict), "reason", w->reason,
		      "findings", ut_findings_json(&w->r->findings), "kmsg", w->c.kmsg,
		      "snapshots", w->c.snap);
	if (j) {
		json_object_set_new(j, "exit_code", p->reaped && WIFEXITED(p->status) ?
				    json_integer(WEXITSTATUS(p->status)) : json_null());
		json_object_set_new(j, "signal", p->reaped && WIFSIGNALED(p->status) ?
				    json_integer(WTERMSIG(p->status)) : json_null());
		json_object_set_new(j, "log", json_string("prog.log"));
	}
	snprintf(path, sizeof(path), "%s/watch.json", w->results);
	err = ut_mkdir_p(w->results);
	if (!err)
		err = j ? ut_json_write_atomic(path, j) : -ENOMEM;
	if (err)
		fprintf(stderr, "undertow: watch: writing %s: %s\n", path, strerror(-err));
	json_decref(j);
}

/* No kernel log, nothing to watch: skip without running PROG. */
static int skip_unreadable(struct watch *w, int err)
{
	char line[512];

	ut_finding_add(&w->r->findings, UT_SKIP, "cannot read /dev/kmsg: %s", strerror(-err));
	w->verdict = ut_findings_judge(&w->r->findings, w->reason, sizeof(w->reason));
	snprintf(w->status, sizeof(w->status), "not run");
	w->c = (struct ut_det_ctx){ .kmsg = json_array(), .snap = json_object() };
	ut_ktap_line(line, sizeof(line), 1, w->name, UT_SKIP, w->reason);
	printf("%s\n", line);
	ut_ktap_totals(stdout, 0, 0, 1);
	write_json(w);
	json_decref(w->c.kmsg);
	json_decref(w->c.snap);
	ut_findings_free(&w->r->findings);
	free(w->r);
	return UT_EXIT_SKIP;
}

int ut_cmd_watch(int argc, char **argv)
{
	struct watch w = { 0 };
	struct ut_kmsg k;
	int rc = parse(argc, argv, &w), err;

	if (rc)
		return rc < 0 ? UT_EXIT_PASS : rc;
	w.r = calloc(1, sizeof(*w.r));
	if (!w.r)
		return UT_EXIT_FAIL;
	err = w.results ? ut_mkdir_p(w.results) : 0;
	if (err) {
		fprintf(stderr, "undertow: watch: %s: %s\n", w.results, strerror(-err));
		free(w.r);
		return UT_EXIT_USAGE;
	}
	ut_ktap_header(stdout, 1);
	err = ut_kmsg_open(&k);
	if (err)
		return skip_unreadable(&w, err);
	ut_kmsg_close(&k);
	ut_install_signals();
	printf("# watch: %s, time limit %g s (+%g s, then SIGKILL; %g s more: hang)\n", w.name,
	       w.limit_s, GRACE_S, KILL_S);
	watch_run(&w);
	print_ktap(&w);
	write_json(&w);
	json_decref(w.c.kmsg);
	json_decref(w.c.snap);
	ut_findings_free(&w.r->findings);
	free(w.r);
	if (w.prog.interrupted || w.verdict > UT_PASS)
		return UT_EXIT_FAIL;
	return w.verdict == UT_SKIP ? UT_EXIT_SKIP : UT_EXIT_PASS;
}
