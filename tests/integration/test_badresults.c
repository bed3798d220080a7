// SPDX-License-Identifier: GPL-2.0
/*
 * test_badresults.c - corrupt or foreign results given to undertow replay,
 * diff and report: not JSON, truncated, of another shape, keys missing or
 * of the wrong type, a directory, a FIFO or a symlink loop where a file
 * belongs, a run directory without run.json.  Each command must print one
 * line "undertow: PATH: what is wrong" on stderr, nothing on stdout, exit
 * 2, and write nothing: no report.html, no diff JSON, no temp file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "it.h"

#define CMD_TIMEOUT_S	30

/* A good run of one variant, "lower-dir-rename" (a scenario of this build). */
static const char good_run_json[] =
	"{\"run_id\": \"RUN\", \"kernel\": \"6.18.0\", \"argv\": [\"./undertow\", \"run\"], "
	"\"seed\": 7, \"start\": \"2026-01-01T00:00:00Z\", \"end\": \"2026-01-01T00:00:02Z\", "
	"\"complete\": true, \"unprivileged\": false, \"kmemleak\": \"off\", \"scenarios\": "
	"[{\"name\": \"lower-dir-rename\", \"file\": \"lower-dir-rename\", \"variant\": \"\", "
	"\"verdict\": \"pass\", \"duration_s\": 1.0}]}\n";

#define SCEN_KEYS(seed, workers, ops, findings) \
	"{\"name\": \"lower-dir-rename\", \"variant\": \"\", \"verdict\": \"pass\", " \
	"\"reason\": \"\", \"seed\": " seed ", \"duration_s\": 1.0, \"runtime_s\": 1.0, " \
	"\"workers\": " workers ", \"mutators\": 1, \"ovl_options\": \"\", " \
	"\"backend\": \"tmpfs\", \"ops\": " ops ", \"mutations\": {}, " \
	"\"findings\": " findings ", \"replay\": \"./undertow replay x\"}\n"

/* The same with a "coverage" key (function coverage, and blocks of an instrumented overlay.ko). */
#define SCEN_COV(cov) \
	"{\"name\": \"lower-dir-rename\", \"variant\": \"\", \"verdict\": \"pass\", " \
	"\"reason\": \"\", \"seed\": 7, \"duration_s\": 1.0, \"runtime_s\": 1.0, " \
	"\"workers\": 2, \"mutators\": 1, \"ovl_options\": \"\", \"backend\": \"tmpfs\", " \
	"\"ops\": " GOOD_OPS ", \"mutations\": {}, \"findings\": [], " \
	"\"replay\": \"./undertow replay x\", \"coverage\": " cov "}\n"

#define GOOD_OPS "{\"openat\": {\"calls\": 3, \"returns\": {\"OK\": 2, \"ENOENT\": 1}}}"

static const char good_scen_json[] = SCEN_KEYS("7", "2", GOOD_OPS, "[]");

enum how { TEXT, DIR_, FIFO, LOOP, NONE };

struct bad_case {
	const char *file;	/* "run.json" or the variant's "lower-dir-rename.json" */
	enum how how;
	const char *text;	/* for TEXT */
	const char *want;	/* the line must say this */
	bool replay;		/* replay FILE refuses it too (its settings are broken) */
	const char *replay_want;	/* what replay says, when not @want */
};

/* A case whose line is the same for every command. */
#define BAD(file, how, text, want, replay) { file, how, text, want, replay, NULL }

#define RUN	"run.json"
#define SCEN	"lower-dir-rename.json"

static const struct bad_case cases[] = {
	BAD(RUN, NONE, NULL, "no run.json", false),
	BAD(RUN, TEXT, "", "not JSON", false),
	BAD(RUN, TEXT, "not json at all\n", "not JSON", false),
	BAD(RUN, TEXT, "{\"run_id\": \"RUN\", \"scenarios\": [{\"name\": \"lower-d", "not JSON",
	    false),
	BAD(RUN, TEXT, "[\"RUN\"]\n", "want a JSON object", false),
	BAD(RUN, TEXT, "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}\n", "no 'scenarios'",
	    false),
	BAD(RUN, TEXT, "{\"run_id\": \"RUN\", \"scenarios\": {}}\n", "scenarios: want an array",
	    false),
	BAD(RUN, TEXT, "{\"run_id\": \"RUN\", \"scenarios\": [{\"file\": \"../../etc/passwd\"}]}\n",
	    "is not a result file name", false),
	BAD(RUN, TEXT, "{\"run_id\": \"../x\", \"scenarios\": []}\n", "is not a directory name",
	    false),
	BAD(RUN, DIR_, NULL, "Is a directory", false),
	BAD(RUN, FIFO, NULL, "not a regular file", false),
	BAD(RUN, LOOP, NULL, "Too many levels of symbolic links", false),
	BAD(SCEN, TEXT, "", "not JSON", true),
	BAD(SCEN, TEXT, "\x7f" "ELF\x02\x01\x01", "not JSON", true),
	BAD(SCEN, TEXT, "{\"name\": \"lower-dir-rename\", \"seed\": 7, \"work", "not JSON", true),
	BAD(SCEN, TEXT, "[1, 2, 3]\n", "want a JSON object", true),
	BAD(SCEN, TEXT, "{\"run_id\": \"RUN\", \"scenarios\": []}\n", "no 'name'", true),
	/* diff and report miss the histograms first, replay the seed. */
	{ SCEN, TEXT, "{\"name\": \"lower-dir-rename\", \"verdict\": \"pass\"}\n", "no 'ops'",
	  true, "no 'seed'" },
	BAD(SCEN, TEXT, SCEN_KEYS("\"7\"", "2", GOOD_OPS, "[]"), "seed: want an integer", true),
	BAD(SCEN, TEXT, SCEN_KEYS("7", "-2", GOOD_OPS, "[]"), "workers: want an integer",
	    true),
	BAD(SCEN, TEXT, SCEN_KEYS("7", "2", "[\"openat\"]", "[]"), "ops: want an object", true),
	BAD(SCEN, TEXT, SCEN_KEYS("7", "2", "{\"openat\": {\"calls\": 3, \"returns\": "
				"{\"OK\": \"3\"}}}", "[]"), "ops.openat.returns.OK", true),
	BAD(SCEN, TEXT, SCEN_KEYS("7", "2", GOOD_OPS, "{\"kind\": \"fail\"}"),
	    "findings: want an array", true),
	BAD(SCEN, TEXT, SCEN_KEYS("7", "2", GOOD_OPS, "[{\"detail\": \"x\"}]"),
	    "findings[0]: no 'kind'", true),
	/* Enough to replay, not enough to compare or show. */
	BAD(SCEN, TEXT, "{\"name\": \"lower-dir-rename\", \"seed\": 7, \"workers\": 2, "
	    "\"mutators\": 1}\n", "no 'verdict'", false),
	BAD(SCEN, TEXT, SCEN_COV("{\"status\": \"ok\", \"blocks\": {\"status\": \"ok\", "
				 "\"pcs\": [1]}}"), "coverage.blocks.pcs: want an object", false),
	BAD(SCEN, TEXT, SCEN_COV("{\"status\": \"ok\", \"blocks\": {\"status\": \"ok\", "
				 "\"lines\": {\"fs/overlayfs/util.c:9\": \"x\"}}}"),
	    "coverage.blocks.lines.fs/overlayfs/util.c:9: want an integer >= 0", false),
	BAD(SCEN, TEXT, SCEN_COV("{\"status\": \"ok\", \"blocks\": 3}"),
	    "coverage.blocks: want an object with a status", false),
	BAD(SCEN, DIR_, NULL, "Is a directory", true),
	BAD(SCEN, FIFO, NULL, "not a regular file", true),
	BAD(SCEN, LOOP, NULL, "Too many levels of symbolic links", true),
};

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* @dir as a good run directory. */
static void make_run(const char *dir)
{
	char *p;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	p = it_fmt("%s/" RUN, dir);
	write_text(p, good_run_json);
	free(p);
	p = it_fmt("%s/" SCEN, dir);
	write_text(p, good_scen_json);
	free(p);
}

/* Replace @dir/@c->file as the case says. */
static void corrupt(const char *dir, const struct bad_case *c)
{
	char *p = it_fmt("%s/%s", dir, c->file);

	ck_assert_int_eq(unlink(p), 0);
	switch (c->how) {
	case TEXT:
		write_text(p, c->text);
		break;
	case DIR_:
		ck_assert_int_eq(mkdir(p, 0755), 0);
		break;
	case FIFO:
		ck_assert_int_eq(mkfifo(p, 0644), 0);
		break;
	case LOOP:
		ck_assert_int_eq(symlink(c->file, p), 0);
		break;
	case NONE:
		break;
	}
	free(p);
}

struct listing {
	struct strv good, bad, cwd;
};

static void snapshot(struct listing *l, const char *good, const char *bad, const char *cwd)
{
	ck_assert_int_eq(it_ls_prefix(good, "", &l->good), 0);
	ck_assert_int_eq(it_ls_prefix(bad, "", &l->bad), 0);
	ck_assert_int_eq(it_ls_prefix(cwd, "", &l->cwd), 0);
}

static void listing_free(struct listing *l)
{
	strv_free(&l->good);
	strv_free(&l->bad);
	strv_free(&l->cwd);
}

/* Nothing came or went in any of the three directories. */
static void same_listing(const struct listing *a, const struct listing *b, const char *cmd)
{
	const struct strv *x[] = { &a->good, &a->bad, &a->cwd }, *y[] = { &b->good, &b->bad,
									   &b->cwd };

	for (int i = 0; i < 3; i++) {
		char *d = it_strv_diff(x[i], y[i]);

		ck_assert_msg(!d, "'%s' changed a directory:\n%s", cmd, d);
	}
}

/* One command on the bad input: refused in one line naming @fault. */
static void refused(char **argv, const char *fault, const char *want, const char *good,
		    const char *bad, const char *cwd)
{
	struct run_opts o = { .timeout_s = CMD_TIMEOUT_S, .cwd = cwd };
	struct listing before, after;
	char cmd[1024] = "undertow";
	struct proc_out p;
	const char *nl;

	for (int i = 0; argv[i]; i++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " %s", argv[i]);
	snapshot(&before, good, bad, cwd);
	p = run_undertow_ex(argv, &o);
	ck_assert_msg(p.exit_code == 2, "'%s': want exit 2, got %s", cmd, proc_desc(&p));
	ck_assert_msg(p.out_len == 0, "'%s' wrote to stdout: %s", cmd, p.out);
	nl = strchr(p.err, '\n');
	ck_assert_msg(nl && !nl[1], "'%s': stderr is not one line: '%s'", cmd, p.err);
	ck_assert_msg(!strncmp(p.err, "undertow: ", 10) &&
		      !strncmp(p.err + 10, fault, strlen(fault)) && p.err[10 + strlen(fault)] == ':',
		      "'%s': want 'undertow: %s: ...', got '%s'", cmd, fault, p.err);
	ck_assert_msg(strstr(p.err, want), "'%s': stderr does not say '%s': '%s'", cmd, want,
		      p.err);
	snapshot(&after, good, bad, cwd);
	same_listing(&before, &after, cmd);
	listing_free(&before);
	listing_free(&after);
	proc_out_free(&p);
}

START_TEST(test_bad_results)
{
	const struct bad_case *c = &cases[_i];
	char *top = it_mkdtemp("badresults"), *good, *bad, *cwd, *fault, *file;

	ck_assert_ptr_nonnull(top);
	good = it_fmt("%s/good", top);
	bad = it_fmt("%s/bad", top);
	cwd = it_fmt("%s/cwd", top);
	ck_assert_int_eq(mkdir(cwd, 0755), 0);
	make_run(good);
	make_run(bad);
	corrupt(bad, c);
	file = it_fmt("%s/%s", bad, c->file);
	fault = c->how == NONE ? bad : file;
	{
		char *diff_ab[] = { "diff", good, bad, NULL };
		char *diff_ba[] = { "diff", bad, good, NULL };
		char *report_b[] = { "report", bad, NULL };
		char *report_ab[] = { "report", good, bad, NULL };
		char *replay[] = { "replay", "--results", cwd, file, NULL };

		refused(diff_ab, fault, c->want, good, bad, cwd);
		refused(diff_ba, fault, c->want, good, bad, cwd);
		refused(report_b, fault, c->want, good, bad, cwd);
		refused(report_ab, fault, c->want, good, bad, cwd);
		if (c->replay)
			refused(replay, file, c->replay_want ? c->replay_want : c->want, good, bad,
				cwd);
	}
	it_rm_rf(top);
	free(file);
	free(good);
	free(bad);
	free(cwd);
	free(top);
}
END_TEST

/* The good runs themselves pass: the refusals above are the corruption's. */
START_TEST(test_good_results)
{
	char *top = it_mkdtemp("goodresults"), *a, *b;
	struct proc_out p;

	ck_assert_ptr_nonnull(top);
	a = it_fmt("%s/a", top);
	b = it_fmt("%s/b", top);
	make_run(a);
	make_run(b);
	{
		char *diff[] = { "diff", a, b, NULL };
		char *report[] = { "report", a, b, NULL };

		p = run_undertow(diff, CMD_TIMEOUT_S);
		ck_assert_msg(p.exit_code == 0 && p.err_len == 0, "diff: %s", proc_desc(&p));
		proc_out_free(&p);
		p = run_undertow(report, CMD_TIMEOUT_S);
		ck_assert_msg(p.exit_code == 0 && p.err_len == 0, "report: %s", proc_desc(&p));
		proc_out_free(&p);
	}
	{
		char *diff_json = it_fmt("%s/diff-RUN.json", b), *html = it_fmt("%s/report.html", a);

		ck_assert_msg(it_exists(diff_json), "no %s", diff_json);
		ck_assert_msg(it_exists(html), "no %s", html);
		free(diff_json);
		free(html);
	}
	it_rm_rf(top);
	free(a);
	free(b);
	free(top);
}
END_TEST

TCase *badresults_tcase(void)
{
	TCase *tc = tcase_create("badresults");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_good_results);
	tcase_add_loop_test(tc, test_bad_results, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	return tc;
}
