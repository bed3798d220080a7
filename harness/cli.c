// SPDX-License-Identifier: GPL-2.0
/* cli.c - parse the command line strictly: a bad value is a usage error. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "layers.h"
#include "optsets.h"
#include "pathcheck.h"
#include "race.h"

#define MAX_PROCS	256
#define MAX_TIME	86400.0
#define MIN_TIME	0.1	/* -t: below this a scenario barely starts */
#define MIN_HANG	1.0	/* --hang-timeout: below this every pause is a hang */

void ut_usage(FILE *f)
{
	fputs("usage: undertow list [--matrix P] [--shard K/N] [-b ..] [-o ..] [SCENARIO|TAG ...]\n"
	      "       undertow run [OPTIONS] [SCENARIO|TAG ...]\n"
	      "       undertow replay RESULT_JSON\n"
	      "       undertow repro [--tries N] [--budget SECS] [--script FILE] RESULT_JSON\n"
	      "                           reproduce a finding, minimise it, write a standalone C\n"
	      "                           program to repro/ beside RESULT_JSON\n"
	      "       undertow diff [-O FILE.json] RUN_A RUN_B\n"
	      "       undertow report [-O FILE.html] RUN [RUN_B]\n"
	      "       undertow merge [-O|--results DIR] RUN...   the --shard K/N runs of one matrix\n"
	      "                           as one new run in DIR (default results/)\n"
	      "       undertow watch [-t S] [--results DIR] -- PROG [ARGS...]   PROG under the\n"
	      "                           kernel watch, killed after S s (default 60): KTAP, one\n"
	      "                           test; exit 0 nothing found, 1 a finding, 4 no /dev/kmsg\n"
	      "options:\n"
	      "  -t, --time SECS          run time per scenario, 0.1..86400 (default: the\n"
	      "                           scenario's, 1-2 s)\n"
	      "  -w, --workers N          worker processes (default: sized to the machine)\n"
	      "  -m, --mutators N         mutator processes, 0 = layers untouched\n"
	      "  -s, --seed N             run seed (default: from the clock; printed)\n"
	      "      --hang-timeout SECS  no progress for this long = hang, 1..86400 (default 10)\n"
	      "      --results DIR        results directory (default results/)\n"
	      "  -b, --backend NAME[,..]  layers on: tmpfs (default), fuse (revalidating lower),\n"
	      "                           ext4, xfs, btrfs (loop devices), nested, path:LOWER[,UPPER]\n"
	      "  -o, --ovl-opts SET       an option set (see README) or options \"index=on,xino=off\"\n"
	      "                           (never lowerdir, upperdir, workdir, datadir+, source)\n"
	      "      --matrix quick|full  scenarios x backends x option sets\n"
	      "      --shard K/N          run the K-th of N deterministic slices\n"
	      "      --stream PATH|-      also frame each results file onto PATH (the VM runner's\n"
	      "                           serial line; - = stdout)\n"
	      "      --sysrq              on a hang, also dump blocked tasks (sysrq-w) to the kernel log\n"
	      "      --coverage           record which overlayfs functions each scenario reached\n"
	      "                           (kprobe events + hist triggers; skip with the reason)\n"
	      "      --fail slab|page|all[:PERCENT]  fail that share (default 10) of the workers'\n"
	      "                           and mutators' allocations (kernel fault injection)\n"
	      "      --race W:M           one scenario's worker op W against its mutator op M:\n"
	      "                           one process each, start offsets swept, hit rates\n"
	      "      --ops-off W:M        leave ops out of the mix: bit k of W (M) = the workers'\n"
	      "                           (mutators') k-th op, as results' ops_off and repro give\n"
	      "      --op-weights W:M     each op's weight instead of the declared one: W (M) lists\n"
	      "                           the workers' (mutators') weights 1..1000 in table order,\n"
	      "                           comma-separated; an empty list keeps a role's own\n"
	      "      --explore SECS       vary the scenarios for SECS s (seed, counts, backend,\n"
	      "                           option set, ops), keep the variants that reach new\n"
	      "                           overlayfs functions in <run>/corpus/ (needs tracing)\n"
	      "diff and report (RUN: a run directory, or a results directory's latest):\n"
	      "  -O, --output FILE        diff: the JSON (default RUN_B/diff-<run id of A>.json)\n"
	      "                           report: the HTML page (default RUN/report.html)\n"
	      "  diff compares per variant and op; a return code's share shifted only when it\n"
	      "  moved > 5 points and a two-proportion z-test gives |z| > 4\n"
	      "exit: 0 pass, 1 a scenario not passed, 2 usage error, 4 all skipped;\n"
	      "      diff: 1 when a verdict got worse, 0 otherwise\n", f);
}

static int ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* Two workers per CPU keep the overlay busy without drowning the mutators. */
int ut_default_workers(void)
{
	int n = 2 * ncpu();

	return n < 2 ? 2 : n > 16 ? 16 : n;
}

int ut_default_mutators(void)
{
	int n = ncpu() / 2;

	return n < 1 ? 1 : n > 8 ? 8 : n;
}

static int parse_secs(const char *s, double min, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > MAX_TIME)
		return -1;
	*out = v;
	return 0;
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	/* JSON integers are signed 64-bit: keep seeds below 2^63. */
	if (errno || end == s || *end || *s == '-' || v > INT64_MAX)
		return -1;
	*out = v;
	return 0;
}

static const struct option longopts[] = {
	{ "time", required_argument, NULL, 't' },
	{ "workers", required_argument, NULL, 'w' },
	{ "mutators", required_argument, NULL, 'm' },
	{ "seed", required_argument, NULL, 's' },
	{ "hang-timeout", required_argument, NULL, 'H' },
	{ "results", required_argument, NULL, 'R' },
	{ "sysrq", no_argument, NULL, 'S' },
	{ "coverage", no_argument, NULL, 'C' },
	{ "fail", required_argument, NULL, 'F' },
	{ "backend", required_argument, NULL, 'b' },
	{ "ovl-opts", required_argument, NULL, 'o' },
	{ "matrix", required_argument, NULL, 'M' },
	{ "shard", required_argument, NULL, 'K' },
	{ "stream", required_argument, NULL, 'T' },
	{ "tries", required_argument, NULL, 300 },
	{ "budget", required_argument, NULL, 301 },
	{ "script", required_argument, NULL, 302 },
	{ "race", required_argument, NULL, 'X' },
	{ "ops-off", required_argument, NULL, 303 },
	{ "explore", required_argument, NULL, 304 },
	{ "op-weights", required_argument, NULL, 305 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad(char *err, size_t sz, const char *what, const char *val)
{
	snprintf(err, sz, "%s: '%s'", what, val);
	return -1;
}

/* At most one path: backend: its variants are all named "@path". */
static int add_path(struct ut_opts *o, const char *arg, char *err, size_t sz)
{
	struct ut_backend_spec spec;

	for (int i = 0; i < o->nbackends; i++)
		if (!strncmp(o->backends[i], "path:", 5))
			return bad(err, sz, "-b path: once per run (the variants of two would "
				   "share a name)", arg);
	if (ut_check_path_spec(arg, &spec, err, sz))
		return -1;
	o->backends[o->nbackends++] = arg;
	return 0;
}

/* -b NAME[,NAME...]; NAME:ARG (path:LOWER[,UPPER]) takes the rest, commas and all. */
static int add_backends(struct ut_opts *o, const char *arg, char *err, size_t sz)
{
	struct ut_backend_spec spec;
	char word[64];

	for (const char *p = arg;;) {
		const char *end = strchr(p, ','), *colon = strchr(p, ':');
		bool rest = colon && (!end || colon < end);
		int len = end && !rest ? (int)(end - p) : (int)strlen(p);

		if (o->nbackends == UT_MAX_CHOICES)
			return bad(err, sz, "too many backends", arg);
		if (rest && !strncmp(p, "path:", 5))
			return add_path(o, p, err, sz);
		snprintf(word, sizeof(word), "%.*s", len, p);
		if (!len)
			return bad(err, sz, "-b/--backend: an empty backend name", arg);
		if (ut_backend_parse(rest ? p : word, &spec, err, sz))
			return -1;
		/* Names are static strings; NAME:ARG points into argv. */
		o->backends[o->nbackends++] = rest ? p : ut_backend_name(&spec);
		if (!end || rest)
			return 0;
		p = end + 1;
	}
}

static int unknown_set(const char *arg, char *err, size_t sz)
{
	int n, used;
	const struct ut_optset *all = ut_optsets(&n);

	used = snprintf(err, sz, "-o/--ovl-opts '%s': not an option set (", arg);
	for (int i = 0; i < n && used > 0 && (size_t)used < sz; i++)
		used += snprintf(err + used, sz - used, "%s%s", i ? " " : "", all[i].name);
	if (used > 0 && (size_t)used < sz)
		snprintf(err + used, sz - used, ") nor key=value options");
	return -1;
}

/* -o: a set's name, or literal options ("index=on", "userxattr,volatile"). */
static int add_optset(struct ut_opts *o, const char *arg, char *err, size_t sz)
{
	if (o->noptsets == UT_MAX_CHOICES)
		return bad(err, sz, "too many -o/--ovl-opts", arg);
	if (!ut_optset_find(arg)) {
		if (!strpbrk(arg, "=,"))
			return unknown_set(arg, err, sz);
		if (ut_opts_check(arg, err, sz))
			return -1;
	}
	o->optsets[o->noptsets++] = arg;
	return 0;
}

static int parse_opt(int c, const char *arg, struct ut_opts *o, char *err, size_t sz)
{
	switch (c) {
	case 't':
		return parse_secs(arg, MIN_TIME, &o->time_s) ? bad(err, sz,
			"-t/--time wants seconds, 0.1..86400", arg) : 0;
	case 'w':
		return parse_int(arg, 1, MAX_PROCS, &o->workers) ? bad(err, sz,
			"-w/--workers wants an integer 1..256", arg) : 0;
	case 'm':
		return parse_int(arg, 0, MAX_PROCS, &o->mutators) ? bad(err, sz,
			"-m/--mutators wants an integer 0..256", arg) : 0;
	case 's':
		o->seed_set = true;
		return parse_seed(arg, &o->seed) ? bad(err, sz,
			"-s/--seed wants an integer 0..2^63-1", arg) : 0;
	case 'H':
		return parse_secs(arg, MIN_HANG, &o->hang_timeout) ? bad(err, sz,
			"--hang-timeout wants seconds, 1..86400", arg) : 0;
	case 'R':
		o->results = arg;
		return *arg ? 0 : bad(err, sz, "--results wants a directory", arg);
	case 'S':
		o->sysrq = true;
		return 0;
	case 'C':
		o->coverage = true;
		return 0;
	case 'F':
		return ut_fail_parse(arg, &o->fail) ? bad(err, sz,
			"--fail wants slab, page or all, with :PERCENT 1..100", arg) : 0;
	case 'b':
		return add_backends(o, arg, err, sz);
	case 'o':
		return add_optset(o, arg, err, sz);
	case 'X':
		o->race = arg;
		return ut_race_syntax(arg, err, sz);
	case 'T':
		o->stream = arg;
		return ut_check_stream(arg, err, sz) ? -1 : 0;
	case 'M':
		o->matrix = arg;
		return strcmp(arg, "quick") && strcmp(arg, "full") ?
		       bad(err, sz, "--matrix wants quick or full", arg) : 0;
	case 'K':
		return sscanf(arg, "%d/%d%c", &o->shard_k, &o->shard_n, &(char){ 0 }) != 2 ||
		       o->shard_n < 1 || o->shard_k < 1 || o->shard_k > o->shard_n ?
		       bad(err, sz, "--shard wants K/N with 1 <= K <= N", arg) : 0;
	case 300:
		return parse_int(arg, 1, 1000, &o->tries) ?
		       bad(err, sz, "--tries wants 1..1000", arg) : 0;
	case 302:
		o->script = arg;
		return 0;
	case 301:
		return parse_secs(arg, 1, &o->budget_s) ?
		       bad(err, sz, "--budget wants seconds, 1..86400", arg) : 0;
	case 303:
		o->off_set = true;
		return ut_parse_ops_off(arg, o->off) ? bad(err, sz,
			"--ops-off wants W:M, two op masks (bit k = the role's k-th op)", arg) : 0;
	case 305:
		return ut_parse_op_weights(arg, o->wt, o->nwt) ? bad(err, sz,
			"--op-weights wants W:M, two comma lists of weights 1..1000", arg) : 0;
	case 304:
		return parse_secs(arg, 1, &o->explore_s) ? bad(err, sz,
			"--explore wants seconds, 1..86400", arg) : 0;
	case 'h':
		o->cmd = UT_CMD_HELP;
		return 0;
	default:
		return -1;
	}
}

static const struct option runs_longopts[] = {
	{ "output", required_argument, NULL, 'O' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* diff RUN_A RUN_B, report RUN [RUN_B]: -O/--output anywhere among them. */
static int parse_runs(int argc, char **argv, struct ut_opts *o, char *err, size_t errsz)
{
	bool diff = o->cmd == UT_CMD_DIFF;
	char **args = argv + 1;
	int c, n;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc - 1, args, ":O:h", runs_longopts, NULL)) != -1) {
		if (c == '?' && optopt)
			snprintf(err, errsz, "unknown option '-%c'", optopt);
		else if (c == '?')
			snprintf(err, errsz, "unknown option '%s'", args[optind - 1]);
		else if (c == ':')
			snprintf(err, errsz, "option '%s' needs a value", args[optind - 1]);
		else if (c == 'O' && !*optarg)
			snprintf(err, errsz, "-O/--output wants a file name");
		if (err[0])
			return -1;
		if (c == 'h')
			o->cmd = UT_CMD_HELP;
		else
			o->output = optarg;
	}
	if (o->cmd == UT_CMD_HELP)
		return 0;
	n = argc - 1 - optind;
	if (diff ? n != 2 : (n < 1 || n > 2)) {
		snprintf(err, errsz, diff ? "diff wants two run directories: RUN_A RUN_B" :
			 "report wants one or two run directories: RUN [RUN_B]");
		return -1;
	}
	for (int i = 0; i < n; i++)
		o->runs[o->nruns++] = args[optind + i];
	return 0;
}

static const struct option merge_longopts[] = {
	{ "results", required_argument, NULL, 'O' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* merge [-O|--results DIR] RUN...: the runs go to o->sel. */
static int parse_merge(int argc, char **argv, struct ut_opts *o, char *err, size_t errsz)
{
	char **args = argv + 1;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc - 1, args, ":O:h", merge_longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			snprintf(err, errsz, c == ':' ? "option '%s' needs a value" :
				 "unknown option '%s'", args[optind - 1]);
			return -1;
		}
		if (c == 'h') {
			o->cmd = UT_CMD_HELP;
			return 0;
		}
		o->results = optarg;
	}
	o->sel = args + optind;
	o->nsel = argc - 1 - optind;
	if (!o->nsel) {
		snprintf(err, errsz, "merge wants the run directories of the shards: RUN...");
		return -1;
	}
	return ut_check_results_dir(o->results, err, errsz) ? -1 : 0;
}

int ut_parse_args(int argc, char **argv, struct ut_opts *o, char *err, size_t errsz)
{
	const char *cmd;
	int c;

	memset(o, 0, sizeof(*o));
	o->workers = o->mutators = -1;
	o->hang_timeout = 10;
	o->results = "results";
	err[0] = '\0';
	if (argc < 2) {
		snprintf(err, errsz, "no command (list, run, replay, diff, report, merge, watch)");
		return -1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "diff") || !strcmp(cmd, "report")) {
		o->cmd = cmd[0] == 'd' ? UT_CMD_DIFF : UT_CMD_REPORT;
		return parse_runs(argc, argv, o, err, errsz);
	}
	if (!strcmp(cmd, "merge")) {
		o->cmd = UT_CMD_MERGE;
		return parse_merge(argc, argv, o, err, errsz);
	}
	if (!strcmp(cmd, "list"))
		o->cmd = UT_CMD_LIST;
	else if (!strcmp(cmd, "run"))
		o->cmd = UT_CMD_RUN;
	else if (!strcmp(cmd, "replay"))
		o->cmd = UT_CMD_REPLAY;
	else if (!strcmp(cmd, "repro"))
		o->cmd = UT_CMD_REPRO;
	else if (!strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help"))
		return o->cmd = UT_CMD_HELP, 0;
	else {
		snprintf(err, errsz, "unknown command '%s' (list, run, replay, diff, report, "
			 "merge, watch)", cmd);
		return -1;
	}
	optind = 0;	/* GNU: 0 re-initialises getopt for a second parse */
	opterr = 0;
	/* "+": stop at the first scenario name; ":": report a missing value. */
	while ((c = getopt_long(argc - 1, argv + 1, "+:t:w:m:s:b:o:h", longopts, NULL)) != -1) {
		const char *cur = argv[optind];	/* argv + 1 shifted: the option just read */

		if (c == '?') {
			snprintf(err, errsz, "unknown option '%s'", cur);
			return -1;
		}
		if (c == ':') {
			snprintf(err, errsz, "option '%s' needs a value", cur);
			return -1;
		}
		if (parse_opt(c, optarg, o, err, errsz))
			return -1;
	}
	o->sel = argv + 1 + optind;
	o->nsel = argc - 1 - optind;
	for (int i = 0; i < o->nsel; i++)
		if (o->sel[i][0] == '-') {
			snprintf(err, errsz, "options go before scenario names: '%s'", o->sel[i]);
			return -1;
		}
	if (o->cmd == UT_CMD_REPLAY || o->cmd == UT_CMD_REPRO) {
		if (o->nsel != 1) {
			snprintf(err, errsz, "%s wants one RESULT_JSON", cmd);
			return -1;
		}
		o->replay = o->sel[0];
	}
	/* A run that cannot write its results must not start. */
	if (o->cmd == UT_CMD_RUN || o->cmd == UT_CMD_REPLAY)
		return ut_check_results_dir(o->results, err, errsz) ? -1 : 0;
	return 0;
}
