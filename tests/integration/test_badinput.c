// SPDX-License-Identifier: GPL-2.0
/*
 * test_badinput.c - a table of bad inputs: command lines, layer specs,
 * option strings and result files.  Each row gives exactly one non-empty
 * line on stderr naming the problem, its documented exit code (2 usage, 4
 * no root and no user namespace), nothing on stdout (so no scenario ran),
 * nothing mounted or left in /tmp/undertow.*, no results directory, and
 * the user's directory and file untouched.
 *
 * Markers in the arguments: @U the user's directory (holding "keep"),
 * @R a results directory that must not come into being, @F a file holding
 * the row's @file, @D a run directory (run.json: the row's @run_json or an
 * empty complete run; lower-dir-rename.json: the row's @scen_json), @RO a
 * read-only tmpfs, @LONG a path name too long for a layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "it.h"

#define ROW_TIMEOUT_S	30
#define NOBODY		65534
#define KEEP_TEXT	"the user's own data\n"
#define EMPTY_RUN	"{\"run_id\": \"r\", \"kernel\": \"k\", \"argv\": [], \"seed\": 1, " \
			"\"start\": \"\", \"end\": \"\", \"complete\": true, \"scenarios\": []}\n"
#define ONE_RUN		"{\"run_id\": \"r\", \"kernel\": \"k\", \"argv\": [], \"seed\": 1, " \
			"\"start\": \"\", \"end\": \"\", \"complete\": true, \"scenarios\": " \
			"[{\"name\": \"lower-dir-rename\", \"file\": \"lower-dir-rename\", " \
			"\"variant\": \"tmpfs\", \"verdict\": \"pass\", \"duration_s\": 1.0}]}\n"
/* A result file as replay reads it, with one field set by the row. */
#define RESULT(extra)	"{\"name\": \"lower-dir-rename\", \"seed\": 1, \"workers\": 2, " \
			"\"mutators\": 1, \"runtime_s\": 0.2" extra "}\n"
/* A "race" object racing @w against rename, with @buckets. */
#define RACE_OBJ(w, buckets) "\"race\": {\"worker_op\": \"" w "\", \"mutator_op\": " \
			"\"rename\", \"calibration\": {\"worker_ns\": 1, \"mutator_ns\": 1, " \
			"\"skew_ns\": -1}, \"buckets\": [" buckets "]}"
#define SCEN		"lower-dir-rename"
/* Who a row waits for, when it fails today. */
#define W_LOADER	"the typed results reader (corrupt/foreign JSON is one line, exit 2)"
#define W_REPLAY	"replay checking what it read (ut_opts_check, ut_check_path_spec)"
#define W_DIFF_O	"diff checking -O before printing its table"

struct bad_row {
	const char *args[10];
	int code;		/* expected exit code */
	const char *says;	/* the stderr line contains this (markers expanded) */
	const char *file;	/* @F */
	const char *run_json;	/* @D/run.json, NULL = EMPTY_RUN */
	const char *scen_json;	/* @D/lower-dir-rename.json, NULL = none */
	bool nobody;		/* as nobody, with unshare(2) refused */
	const char *waits;	/* the change this row waits for, if it fails today */
};

/* Designated, so that a row names only what it uses. */
#define A(...) .args = { __VA_ARGS__ }

static const struct bad_row rows[] = {
	/* ---- command line ---- */
	{ A(NULL), 2, "no command" },
	{ A("frobnicate"), 2, "unknown command 'frobnicate'" },
	{ A("run", "--results", "@R", "--bogus"), 2, "unknown option '--bogus'" },
	{ A("run", "--results", "@R", "-q"), 2, "unknown option '-q'" },
	{ A("run", "--results", "@R", "-t"), 2, "needs a value" },
	{ A("run", "--results", "@R", "-t", "abc"), 2, "-t/--time" },
	{ A("run", "--results", "@R", "-t", "0"), 2, "-t/--time" },
	{ A("run", "--results", "@R", "-t", "-1"), 2, "-t/--time" },
	{ A("run", "--results", "@R", "-t", "1e9"), 2, "-t/--time" },
	{ A("run", "--results", "@R", "-t", "nan"), 2, "'nan'" },
	{ A("run", "--results", "@R", "-t", "inf"), 2, "'inf'" },
	{ A("run", "--results", "@R", "-t", "0.01"), 2, "-t/--time" },
	{ A("run", "--results", "@R", "-t", "1,5"), 2, "'1,5'" },
	{ A("run", "--results", "@R", "-w", "0"), 2, "-w/--workers" },
	{ A("run", "--results", "@R", "-w", "257"), 2, "-w/--workers" },
	{ A("run", "--results", "@R", "-w", "2x"), 2, "-w/--workers" },
	{ A("run", "--results", "@R", "-w", "99999999999999999999"), 2, "-w/--workers" },
	{ A("run", "--results", "@R", "-m", "-1"), 2, "-m/--mutators" },
	{ A("run", "--results", "@R", "-m", "300"), 2, "-m/--mutators" },
	{ A("run", "--results", "@R", "-s", "-5"), 2, "-s/--seed" },
	{ A("run", "--results", "@R", "-s", "99999999999999999999"), 2, "-s/--seed" },
	{ A("run", "--results", "@R", "-s", "0x"), 2, "-s/--seed" },
	{ A("run", "--results", "@R", "--hang-timeout", "0"), 2, "--hang-timeout" },
	{ A("run", "--results", "@R", "--hang-timeout", "0.5"), 2, "--hang-timeout" },
	{ A("run", "--results", "@R", "--hang-timeout", "1e6"), 2, "--hang-timeout" },
	{ A("run", "--results", "@R", "--shard", "0/0"), 2, "--shard" },
	{ A("run", "--results", "@R", "--shard", "3/2"), 2, "--shard" },
	{ A("run", "--results", "@R", "--shard", "1/2x"), 2, "--shard" },
	{ A("run", "--results", "@R", "--shard", "/"), 2, "--shard" },
	{ A("run", "--results", "@R", "--shard", "5/5", "lower-dir-rename"), 2, "no variant" },
	{ A("run", "--results", "@R", "--matrix", "bogus"), 2, "--matrix" },
	{ A("run", "--results", "@R", "--matrix", "quick", "-b", "fuse"), 2, "drop -b/-o" },
	{ A("run", "--results", "@R", "no-such-scenario"), 2, "'no-such-scenario'" },
	{ A("run", "--results", "@R", ""), 2, "unknown scenario or tag ''" },
	{ A("run", "--results", "@R", "lower-dir-rename", "-t", "1"), 2, "options go before" },
	{ A("list", "extra-word"), 2, "'extra-word'" },
	{ A("run", "--results", ""), 2, "--results" },
	{ A("run", "--results", "@R", "--stream", "/"), 2, "--stream" },
	{ A("run", "--results", "@R", "--stream", "@U/missing/x"), 2, "--stream" },
	/* ---- watch ---- */
	{ A("watch"), 2, "no program to watch" },
	{ A("watch", "--"), 2, "no program to watch" },
	{ A("watch", "-t", "1"), 2, "no program to watch" },
	{ A("watch", "--", ""), 2, "an empty program name" },
	{ A("watch", "--", "@U/missing"), 2, "'@U/missing': No such file" },
	{ A("watch", "--", "@U"), 2, "not a regular file" },
	{ A("watch", "--", "@U/keep"), 2, "not executable" },
	{ A("watch", "--", "no-such-program-here"), 2, "not found in PATH" },
	{ A("watch", "-t", "abc", "--", "true"), 2, "-t/--time" },
	{ A("watch", "-t", "0", "--", "true"), 2, "-t/--time" },
	{ A("watch", "--time", "1e9", "--", "true"), 2, "-t/--time" },
	{ A("watch", "--time", "nan", "--", "true"), 2, "'nan'" },
	{ A("watch", "-t"), 2, "needs a value" },
	{ A("watch", "--bogus", "--", "true"), 2, "unknown option '--bogus'" },
	{ A("watch", "--results", "@RO/results", "--", "true"), 2, "cannot be written" },
	{ A("watch", "--results", "@U/keep", "--", "true"), 2, "cannot be written" },
	/* ---- --race W:M ---- */
	{ A("run", "--results", "@R", "--race", "openat_held", SCEN), 2, "WORKER_OP:MUTATOR_OP" },
	{ A("run", "--results", "@R", "--race", ":rename", SCEN), 2, "WORKER_OP:MUTATOR_OP" },
	{ A("run", "--results", "@R", "--race", "openat_held:", SCEN), 2, "WORKER_OP:MUTATOR_OP" },
	{ A("run", "--results", "@R", "--race", "a:b:c", SCEN), 2, "WORKER_OP:MUTATOR_OP" },
	{ A("run", "--results", "@R", "--race", "nope:rename", SCEN), 2,
	  "'nope' is not a worker op of lower-dir-rename" },
	{ A("run", "--results", "@R", "--race", "openat_held:nope", SCEN), 2,
	  "'nope' is not a mutator op of lower-dir-rename" },
	{ A("run", "--results", "@R", "--race", "rename:openat_held", SCEN), 2,
	  "'rename' is a mutator op of lower-dir-rename, not a worker op" },
	{ A("run", "--results", "@R", "--race", "openat_held:openat_held", SCEN), 2,
	  "'openat_held' is a worker op of lower-dir-rename, not a mutator op" },
	{ A("run", "--results", "@R", "--race", "openat_held:rename", SCEN, "stale-dirfd-at"), 2,
	  "races one scenario, not 2" },
	{ A("run", "--results", "@R", "--race", "openat_held:rename", "quick"), 2,
	  "races one scenario" },
	{ A("run", "--results", "@R", "--race", "openat_held:rename"), 2, "races one scenario" },
	{ A("run", "--results", "@R", "--matrix", "quick", "--race", "openat_held:rename", SCEN),
	  2, "drop --matrix" },
	{ A("run", "--results", "@R", "-w", "4", "--race", "openat_held:rename", SCEN), 2,
	  "drop -w/-m" },
	{ A("run", "--results", "@R", "-m", "0", "--race", "openat_held:rename", SCEN), 2,
	  "drop -w/-m" },
	{ A("run", "--results", "@R", "--race", "fstatat_then_stall:x", "selftest-stall"), 2,
	  "selftest-stall has no mutator op" },
	{ A("list", "--race", "openat_held:rename", SCEN), 2, "--race is a run option" },
	/* ---- --explore SECS, --ops-off W:M ---- */
	{ A("run", "--results", "@R", "--explore", "0", SCEN), 2, "--explore wants seconds" },
	{ A("run", "--results", "@R", "--explore", "x", SCEN), 2, "--explore wants seconds" },
	{ A("run", "--results", "@R", "--explore", "-5", SCEN), 2, "--explore wants seconds" },
	{ A("run", "--results", "@R", "--explore", "90000", SCEN), 2, "--explore wants seconds" },
	{ A("run", "--results", "@R", "--explore"), 2, "needs a value" },
	{ A("run", "--results", "@R", "--explore", "10", "--matrix", "quick"), 2, "drop --matrix" },
	{ A("run", "--results", "@R", "--explore", "10", "--race", "openat_held:rename", SCEN), 2,
	  "drop --race" },
	{ A("run", "--results", "@R", "--explore", "10", "--shard", "1/2", SCEN), 2,
	  "drop --shard" },
	{ A("run", "--results", "@R", "--explore", "10", "--fail", "slab", SCEN), 2,
	  "drop --fail" },
	{ A("run", "--results", "@R", "--explore", "10", "--ops-off", "1:0", SCEN), 2,
	  "drop --ops-off" },
	{ A("list", "--explore", "10", SCEN), 2, "--explore is a run option" },
	{ A("run", "--results", "@R", "--ops-off", "1", SCEN), 2, "--ops-off wants W:M" },
	{ A("run", "--results", "@R", "--ops-off", "1:2:3", SCEN), 2, "--ops-off wants W:M" },
	{ A("run", "--results", "@R", "--ops-off", "-1:0", SCEN), 2, "--ops-off wants W:M" },
	{ A("run", "--results", "@R", "--ops-off", "x:0", SCEN), 2, "--ops-off wants W:M" },
	{ A("run", "--results", "@R", "--ops-off", "0x40:0", SCEN), 2,
	  "lower-dir-rename has 6 worker ops" },
	{ A("run", "--results", "@R", "--ops-off", "0x3f:0", SCEN), 2,
	  "leaves out every worker op of lower-dir-rename" },
	{ A("run", "--results", "@R", "--ops-off", "0:3", SCEN), 2,
	  "leaves out every mutator op of lower-dir-rename" },
	{ A("run", "--results", "@R", "--ops-off", "1:0", "--race", "openat_held:rename", SCEN), 2,
	  "--ops-off and --race" },
	{ A("run", "--results", "@R", "--op-weights", "1,2", SCEN), 2, "--op-weights wants W:M" },
	{ A("run", "--results", "@R", "--op-weights", "0:", SCEN), 2, "--op-weights wants W:M" },
	{ A("run", "--results", "@R", "--op-weights", "1001:", SCEN), 2, "--op-weights wants W:M" },
	{ A("run", "--results", "@R", "--op-weights", "1,,2:", SCEN), 2, "--op-weights wants W:M" },
	{ A("run", "--results", "@R", "--op-weights", "1:2:3", SCEN), 2, "--op-weights wants W:M" },
	{ A("run", "--results", "@R", "--op-weights", "1,2:", SCEN), 2,
	  "2 worker weights, but lower-dir-rename has 6 worker ops" },
	{ A("run", "--results", "@R", "--op-weights", ":1,2,3", SCEN), 2,
	  "3 mutator weights, but lower-dir-rename has 2 mutator ops" },
	{ A("run", "--results", "@R", "--op-weights", ":1,2", "--race", "openat_held:rename", SCEN),
	  2, "--op-weights and --race" },
	{ A("run", "--results", "@R", "--explore", "10", "--op-weights", ":1,2", SCEN), 2,
	  "drop --op-weights" },
	{ A("replay", "--results", "@R", "@F"), 2, "1 worker weights, but",
	  RESULT(", \"op_weights\": [[3], []]") },
	{ A("replay", "--results", "@R", "@F"), 2, "op_weights[1][0]: want an integer 1..1000",
	  RESULT(", \"op_weights\": [[], [0]]") },
	{ A("replay", "--results", "@R", "@F"), 2, "op_weights: want [workers'",
	  RESULT(", \"op_weights\": [[]]") },
	{ A("replay", "--results", "@R", "@F"), 2, "leaves out every worker op",
	  RESULT(", \"ops_off\": [63, 0]") },
	{ A("replay", "--results", "@R", "@F"), 2, "ops_off: want [workers' mask",
	  RESULT(", \"ops_off\": [1]") },
	{ A("replay", "--results", "@R", "@F"), 2, "ops_off[1]: want an integer",
	  RESULT(", \"ops_off\": [1, \"x\"]") },
	/* ---- layer specs ---- */
	{ A("run", "--results", "@R", "-b", "zfs"), 2, "unknown backend 'zfs'" },
	{ A("run", "--results", "@R", "-b", ""), 2, "empty backend" },
	{ A("run", "--results", "@R", "-b", "tmpfs,,fuse"), 2, "empty backend" },
	{ A("run", "--results", "@R", "-b", "path"), 2, "path: wants path:LOWER[,UPPER]" },
	{ A("run", "--results", "@R", "-b", "path:"), 2, "path:LOWER" },
	{ A("run", "--results", "@R", "-b", "path:@U/missing"), 2, "@U/missing" },
	{ A("run", "--results", "@R", "-b", "path:@U/keep"), 2, "not a directory" },
	{ A("run", "--results", "@R", "-b", "path:relative/dir"), 2, "absolute" },
	{ A("run", "--results", "@R", "-b", "path:@U,relative"), 2, "absolute" },
	{ A("run", "--results", "@R", "-b", "path:@U,"), 2, "empty UPPER" },
	{ A("run", "--results", "@R", "-b", "path:@U,@U/missing"), 2, "@U/missing" },
	{ A("run", "--results", "@R", "-b", "path:@LONG"), 2, "too long" },
	{ A("run", "--results", "@R", "-b", "path:@U", "-b", "path:@U"), 2, "once per run" },
	{ A("run", "--results", "@R", "-b", "path:@RO"), 2, "Read-only" },
	/* ---- option strings ---- */
	{ A("run", "--results", "@R", "-o", "lowerdir=/etc"), 2, "lowerdir names a layer" },
	{ A("run", "--results", "@R", "-o", "lowerdir+=@U"), 2, "lowerdir+ names a layer" },
	{ A("run", "--results", "@R", "-o", "upperdir=@U"), 2, "upperdir names a layer" },
	{ A("run", "--results", "@R", "-o", "workdir=@U"), 2, "workdir names a layer" },
	{ A("run", "--results", "@R", "-o", "datadir+=@U"), 2, "datadir+ names a layer" },
	{ A("run", "--results", "@R", "-o", "source=x"), 2, "source names a layer" },
	{ A("run", "--results", "@R", "-o", "index=on,lowerdir=@U"), 2, "lowerdir names" },
	{ A("list", "-o", "lowerdir=/etc"), 2, "lowerdir names a layer" },
	{ A("run", "--results", "@R", "-o", "nosuchset"), 2, "not an option set" },
	{ A("run", "--results", "@R", "-o", ""), 2, "not an option set" },
	{ A("run", "--results", "@R", "-o", "index=on,,"), 2, "an empty option" },
	{ A("run", "--results", "@R", "-o", "=on"), 2, "not an option name" },
	{ A("run", "--results", "@R", "-o", "redirect_dir=../x"), 2, "not a plain word" },
	{ A("run", "--results", "@R", "-o", "index=on,index=off"), 2, "given twice" },
	{ A("run", "--results", "@R", "-o", "index,xino_off"), 2, "is an option set" },
	{ A("run", "--results", "@R", "-o", "xino=off,uuid=off,redirect_dir=on,metacopy=on,"
	    "index=on,nfs_export=on,verity=off,userxattr"), 2, "longer than 80" },
	/* ---- results directory: exit 2 before any scenario runs ---- */
	{ A("run", "--results", "@U/keep/sub", "lower-dir-rename"), 2, "cannot be written" },
	{ A("run", "--results", "@U/keep", "lower-dir-rename"), 2, "cannot be written" },
	{ A("run", "--results", "@RO/results", "lower-dir-rename"), 2, "cannot be written" },
	{ A("replay", "--results", "@RO/results", "@F"), 2, "cannot be written", RESULT("") },
	/* ---- result files: replay ---- */
	{ A("replay", "--results", "@R"), 2, "replay wants one" },
	{ A("replay", "--results", "@R", "@U/missing.json"), 2, "@U/missing.json" },
	{ A("replay", "--results", "@R", "@U"), 2, "@U" },
	{ A("replay", "--results", "@R", "@F"), 2, "@F", "not json at all\n" },
	{ A("replay", "--results", "@R", "@F"), 2, "@F", "" },
	{ A("replay", "--results", "@R", "@F"), 2, "@F", "{\"name\": \"lower-dir-rename\"" },
	{ A("replay", "--results", "@R", "@F"), 2, "@F", "[1, 2]\n" },
	{ A("replay", "--results", "@R", "@F"), 2, "@F", "{\"name\": \"lower-dir-rename\"}\n" },
	{ A("replay", "--results", "@R", "@F"), 2, "@F", EMPTY_RUN },
	{ A("replay", "--results", "@R", "@F"), 2, "no-such-scenario",
	  "{\"name\": \"no-such-scenario\", \"seed\": 1, \"workers\": 1, \"mutators\": 0}\n" },
	{ A("replay", "--results", "@R", "@F"), 2, "@F",
	  "{\"name\": \"lower-dir-rename\", \"seed\": \"one\", \"workers\": 1, \"mutators\": 0}\n" },
	{ A("replay", "--results", "@R", "@F"), 2, "workers", RESULT(", \"workers\": -3"),
	  .waits = W_LOADER },
	{ A("replay", "--results", "@R", "@F"), 2, "not a directory",
	  RESULT(", \"backend_spec\": \"path:@U/keep\"") },
	{ A("replay", "--results", "@R", "@F"), 2, "absolute",
	  RESULT(", \"backend_spec\": \"path:relative\""), .waits = W_REPLAY },
	{ A("replay", "--results", "@R", "@F"), 2, "lowerdir names a layer",
	  RESULT(", \"optset\": \"lowerdir=/etc\""), .waits = W_REPLAY },
	/* ---- result files: repro ---- */
	{ A("repro", "--results", "@R"), 2, "repro wants one" },
	{ A("repro", "--results", "@R", "@U/missing.json"), 2, "@U/missing.json" },
	{ A("repro", "--results", "@R", "@F"), 2, "@F", "not json at all\n" },
	{ A("repro", "--results", "@R", "@F"), 2, "verdict (none): nothing to reproduce",
	  RESULT("") },
	{ A("repro", "--results", "@R", "@F"), 2, "verdict pass: nothing to reproduce",
	  RESULT(", \"verdict\": \"pass\"") },
	{ A("repro", "--results", "@R", "--tries", "0", "@F"), 2, "--tries wants 1..1000",
	  RESULT("") },
	{ A("repro", "--results", "@R", "--budget", "x", "@F"), 2, "--budget wants seconds",
	  RESULT("") },
	{ A("repro", "--results", "@R", "--script", "@U/missing", "@F"), 2,
	  "--script @U/missing: cannot be read", RESULT(", \"verdict\": \"crash\"") },
	{ A("repro", "--results", "@R", "--script", "@U", "@F"), 2, "--script @U: cannot be read",
	  RESULT(", \"verdict\": \"crash\"") },
	{ A("replay", "--results", "@R", "@F"), 2, "race: no 'mutator_op'",
	  RESULT(", \"race\": {\"worker_op\": \"openat_held\"}") },
	{ A("replay", "--results", "@R", "@F"), 2, "race.buckets[0]: hits 3 > iterations 2",
	  RESULT(", " RACE_OBJ("openat_held", "{\"offset_ns\": 0, \"iterations\": 2, "
				"\"hits\": 3}")) },
	{ A("replay", "--results", "@R", "@F"), 2, "'nope' is not a worker op of lower-dir-rename",
	  RESULT(", " RACE_OBJ("nope", "")) },
	/* ---- result files: diff and report ---- */
	{ A("diff"), 2, "diff wants two" },
	{ A("diff", "@D"), 2, "diff wants two" },
	{ A("diff", "@D", "@D", "@D"), 2, "diff wants two" },
	{ A("diff", "@U/missing", "@D"), 2, "@U/missing" },
	{ A("diff", "@U", "@D"), 2, "no run.json" },
	{ A("diff", "@D", "@D"), 2, "@D/run.json", NULL, "{\"scenarios\": 3}\n" },
	{ A("diff", "@D", "@D"), 2, "@D/run.json", NULL, "not json\n" },
	{ A("diff", "@D", "@D"), 2, "lower-dir-rename.json", NULL, ONE_RUN, "junk\n",
	  .waits = W_LOADER },
	{ A("diff", "-O", "", "@D", "@D"), 2, "-O/--output" },
	{ A("diff", "-O", "@U/keep/x.json", "@D", "@D"), 2, "@U/keep/x.json", .waits = W_DIFF_O },
	{ A("report"), 2, "report wants" },
	{ A("report", "@D", "@D", "@D"), 2, "report wants" },
	{ A("report", "--bogus", "@D"), 2, "unknown option '--bogus'" },
	{ A("report", "@D"), 2, "@D/run.json", NULL, "[]\n" },
	{ A("report", "@D"), 2, "lower-dir-rename.json", NULL, ONE_RUN, "{\"verdict\": 7}\n",
	  .waits = W_LOADER },
	{ A("report", "-O", "@U/keep/x.html", "@D"), 2, "@U/keep/x.html" },
	/* ---- running is impossible ---- */
	{ A("run", "--results", "@R", "lower-dir-rename"), 4, "user namespace", .nobody = true },
};

#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

/* Where a row's markers point. */
struct places {
	char *aux, *user, *res, *file, *run, *ro, *cwd, *longp;
};

/* Every marker of @a expanded; a new string. */
static char *expand(const char *a, const struct places *pl)
{
	const struct { const char *tok, *val; } map[] = {
		{ "@LONG", pl->longp }, { "@RO", pl->ro }, { "@U", pl->user }, { "@R", pl->res },
		{ "@F", pl->file }, { "@D", pl->run },
	};
	char *out = it_fmt("%s", a);

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		char *at;

		while ((at = strstr(out, map[i].tok))) {
			char *next = it_fmt("%.*s%s%s", (int)(at - out), out, map[i].val,
					    at + strlen(map[i].tok));

			free(out);
			out = next;
		}
	}
	return out;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A path of PATH_MAX - 64 characters below @dir. */
static char *long_path(const char *dir)
{
	size_t n = strlen(dir), want = PATH_MAX - 64;
	char *p = malloc(want + 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, dir, n);
	for (size_t i = n; i < want; i++)
		p[i] = (i - n) % 8 ? 'a' : '/';
	p[want] = '\0';
	return p;
}

static void make_places(struct places *pl, const struct bad_row *r)
{
	char *path;

	pl->aux = it_mkdtemp("badinput");
	pl->cwd = it_mkdtemp("badinput-cwd");
	ck_assert(pl->aux && pl->cwd);
	pl->user = it_fmt("%s/user", pl->aux);
	pl->res = it_fmt("%s/results", pl->aux);
	pl->file = it_fmt("%s/input.json", pl->aux);
	pl->run = it_fmt("%s/run", pl->aux);
	pl->ro = it_fmt("%s/ro", pl->aux);
	pl->longp = long_path(pl->user);
	ck_assert_int_eq(mkdir(pl->user, 0755), 0);
	path = it_fmt("%s/keep", pl->user);
	write_file(path, KEEP_TEXT);
	free(path);
	ck_assert_int_eq(mkdir(pl->run, 0755), 0);
	path = it_fmt("%s/run.json", pl->run);
	write_file(path, r->run_json ? r->run_json : EMPTY_RUN);
	free(path);
	if (r->scen_json) {
		path = it_fmt("%s/lower-dir-rename.json", pl->run);
		write_file(path, r->scen_json);
		free(path);
	}
	if (r->file) {
		char *text = expand(r->file, pl);

		write_file(pl->file, text);
		free(text);
	}
	ck_assert_int_eq(mkdir(pl->ro, 0755), 0);
	ck_assert_msg(!mount("tmpfs", pl->ro, "tmpfs", MS_RDONLY, "size=1m"),
		      "read-only tmpfs: %s", strerror(errno));
}

static void free_places(struct places *pl)
{
	umount2(pl->ro, MNT_DETACH);
	it_rm_rf(pl->aux);
	it_rm_rf(pl->cwd);
	free(pl->aux);
	free(pl->user);
	free(pl->res);
	free(pl->file);
	free(pl->run);
	free(pl->ro);
	free(pl->cwd);
	free(pl->longp);
}

/* What must not change: every mount of ours, the user's directory and file. */
struct snap {
	struct strv mounts;
	char *user;		/* "name size" lines, and the directory's mtime */
	char *keep;
};

static void take_snap(struct snap *s, const struct places *pl)
{
	char *mi = it_read_file("/proc/self/mountinfo", NULL), *line, *save = NULL;
	char *keep = it_fmt("%s/keep", pl->user);
	struct strv names;
	struct stat st;

	ck_assert_ptr_nonnull(mi);
	memset(&s->mounts, 0, sizeof(s->mounts));
	for (line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		strv_add(&s->mounts, line);
	free(mi);
	ck_assert_int_eq(stat(pl->user, &st), 0);
	s->user = it_fmt("mtime %lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ck_assert_int_eq(it_ls_prefix(pl->user, "", &names), 0);
	for (int i = 0; i < names.n; i++) {
		char *p = it_fmt("%s/%s", pl->user, names.v[i]), *next;

		ck_assert_int_eq(lstat(p, &st), 0);
		next = it_fmt("%s\n%s %lld", s->user, names.v[i], (long long)st.st_size);
		free(s->user);
		s->user = next;
		free(p);
	}
	strv_free(&names);
	s->keep = it_read_file(keep, NULL);
	ck_assert_ptr_nonnull(s->keep);
	free(keep);
}

static void free_snap(struct snap *s)
{
	strv_free(&s->mounts);
	free(s->user);
	free(s->keep);
}

/* Unprivileged, and unable to make a user namespace: running is impossible. */
static void nobody_without_userns(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		_exit(126);
}

/* "undertow a b c" for messages. */
static char *describe(char *const argv[])
{
	char *s = it_fmt("undertow"), *next;

	for (int i = 0; argv[i]; i++) {
		next = it_fmt("%s '%.200s'", s, argv[i]);	/* Check caps a message at 8 KiB */
		free(s);
		s = next;
	}
	return s;
}

static void check_stderr(const struct bad_row *r, const char *cmd, const struct proc_out *p,
			 const char *says)
{
	const char *nl = strchr(p->err, '\n');

	ck_assert_msg(p->exit_code == r->code, "%s: want exit %d, got %s%s%s", cmd, r->code,
		      proc_desc(p), r->waits ? "\n  (waits for " : "", r->waits ? r->waits : "");
	ck_assert_msg(nl && nl[1] == '\0' && nl > p->err,
		      "%s: stderr is not exactly one non-empty line: '%s'", cmd, p->err);
	ck_assert_msg(strstr(p->err, says), "%s: stderr does not name '%s': '%s'", cmd, says,
		      p->err);
	ck_assert_msg(p->out_len == 0, "%s: wrote to stdout (KTAP of a run?): '%.2000s'", cmd,
		      p->out);
}

/* No mounts came or went, no scratch of its own is left, the user's things are as they were. */
static void check_untouched(const struct snap *a, const struct snap *b, const struct places *pl,
			    const char *cmd, pid_t pid)
{
	char *diff = it_strv_diff(&a->mounts, &b->mounts), *prefix = it_fmt("undertow.%d.", pid);
	struct strv scratch;

	ck_assert_msg(!diff, "%s: mounts changed:\n%s", cmd, diff);
	ck_assert_int_eq(it_ls_prefix("/tmp", prefix, &scratch), 0);
	ck_assert_msg(scratch.n == 0, "%s: left /tmp/%s", cmd, scratch.n ? scratch.v[0] : "");
	ck_assert_msg(!it_exists(pl->res), "%s: made the results directory %s", cmd, pl->res);
	ck_assert_msg(it_count_entries(pl->cwd) == 0, "%s: left files in its working directory",
		      cmd);
	ck_assert_msg(!strcmp(a->user, b->user), "%s: the user's directory changed:\n%s\n---\n%s",
		      cmd, a->user, b->user);
	ck_assert_msg(!strcmp(a->keep, b->keep), "%s: the user's file changed", cmd);
	strv_free(&scratch);
	free(prefix);
}

START_TEST(test_bad_input)
{
	const struct bad_row *r = &rows[_i];
	struct run_opts o = { .timeout_s = ROW_TIMEOUT_S };
	char *argv[11] = { NULL }, *cmd, *says;
	struct places pl = { 0 };
	struct snap before, after;
	struct proc_out p;

	/* Our own mounts (the read-only tmpfs) stay ours, and others' stay out. */
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	make_places(&pl, r);
	for (int i = 0; r->args[i]; i++)
		argv[i] = expand(r->args[i], &pl);
	says = expand(r->says, &pl);
	cmd = describe(argv);
	o.cwd = pl.cwd;
	if (r->nobody) {	/* nobody must reach its cwd and results */
		o.pre_exec = nobody_without_userns;
		ck_assert_int_eq(chmod(it_base, 0755), 0);
		ck_assert_int_eq(chmod(pl.aux, 0777), 0);
		ck_assert_int_eq(chmod(pl.cwd, 0777), 0);
	}
	take_snap(&before, &pl);
	p = run_undertow_ex(argv, &o);
	take_snap(&after, &pl);

	check_stderr(r, cmd, &p, says);
	check_untouched(&before, &after, &pl, cmd, p.pid);

	proc_out_free(&p);
	free_snap(&before);
	free_snap(&after);
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
	free(cmd);
	free(says);
	free_places(&pl);
}
END_TEST

Suite *badinput_suite(void)
{
	Suite *s = suite_create("badinput");
	TCase *tc = tcase_create("badinput");

	tcase_set_timeout(tc, ROW_TIMEOUT_S + 30);
	tcase_add_loop_test(tc, test_bad_input, 0, NROWS);
	suite_add_tcase(s, tc);
	return s;
}
