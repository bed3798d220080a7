// SPDX-License-Identifier: GPL-2.0
/*
 * test_report_lines.c - report and diff on line coverage without a VM:
 * two hand-made runs of one variant whose coverage has blocks, with a
 * block map and a small source tree.  The report must mark the source
 * (reached, not reached, gained, lost) and list the functions; diff must
 * list the lines gained and lost; a corrupt blocks.map must be one line
 * naming it and its line, exit 2, nothing written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "it.h"

#define RUN_JSON \
	"{\"run_id\": \"RUN\", \"kernel\": \"6.1.0-57-amd64\", \"seed\": 7, \"complete\": true, " \
	"\"scenarios\": [{\"name\": \"lower-dir-rename\", \"file\": \"lower-dir-rename\", " \
	"\"variant\": \"\", \"verdict\": \"pass\", \"duration_s\": 1.0}]}\n"

/* A result whose blocks reached @pcs and @lines (JSON objects). */
#define SCEN_JSON(pcs, lines) \
	"{\"name\": \"lower-dir-rename\", \"variant\": \"\", \"verdict\": \"pass\", " \
	"\"reason\": \"\", \"seed\": 7, \"duration_s\": 1.0, \"runtime_s\": 1.0, " \
	"\"workers\": 2, \"mutators\": 1, \"ovl_options\": \"\", \"backend\": \"tmpfs\", " \
	"\"ops\": {\"openat\": {\"calls\": 1, \"returns\": {\"OK\": 1}}}, \"mutations\": {}, " \
	"\"findings\": [], \"replay\": \"x\", \"coverage\": {\"status\": \"skip\", " \
	"\"reason\": \"tracing refused\", \"blocks\": {\"status\": \"ok\", \"build_id\": \"ab\", " \
	"\"map\": \"ok\", \"sites\": 3, \"lines_total\": 2, \"unmapped\": 0, \"pcs\": " pcs ", " \
	"\"lines\": " lines "}}}\n"

static void put(const char *dir, const char *name, const char *text)
{
	char *p = it_fmt("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	ck_assert_msg(f, "cannot write %s", p);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(p);
}

/* A run in @base/@tag with the map naming @src; returns its directory. */
static char *make_run(const char *base, const char *tag, const char *src, const char *scen)
{
	char *dir = it_fmt("%s/%s", base, tag), *map;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	put(dir, "run.json", RUN_JSON);
	put(dir, "lower-dir-rename.json", scen);
	map = it_fmt("# undertow block map 1\nbuild-id ab\nsource %s\nsites .text 3\n"
		     "-30 ovl_lookup fs/overlayfs/namei.c 2\n-20 ovl_lookup fs/overlayfs/namei.c 4\n"
		     "-10 ovl_iterate fs/overlayfs/readdir.c 1\n", src);
	put(dir, "blocks.map", map);
	free(map);
	return dir;
}

static char *make_source(const char *base)
{
	char *src = it_fmt("%s/src", base), *ovl = it_fmt("%s/fs/overlayfs", src);
	char *fs = it_fmt("%s/fs", src);

	ck_assert_int_eq(mkdir(src, 0755), 0);
	ck_assert_int_eq(mkdir(fs, 0755), 0);
	ck_assert_int_eq(mkdir(ovl, 0755), 0);
	put(ovl, "namei.c", "/* namei */\nint a;\nint b;\nint c < d;\n");
	put(ovl, "readdir.c", "int r;\n");
	free(fs);
	free(ovl);
	return src;
}

START_TEST(test_report_marks_lines)
{
	char *base = it_mkdtemp("replines"), *src = make_source(base);
	char *a = make_run(base, "a", src, SCEN_JSON("{\"-30\": 3}",
						      "{\"fs/overlayfs/namei.c:2\": 3}"));
	char *b = make_run(base, "b", src, SCEN_JSON("{\"-20\": 1}",
						      "{\"fs/overlayfs/namei.c:4\": 1}"));
	char *out = it_fmt("%s/r.html", base), *html;
	char *rep[] = { "report", a, b, "-O", out, NULL }, *diff[] = { "diff", a, b, NULL };
	struct proc_out p = run_undertow(rep, 30);

	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.err);
	html = it_read_file(out, NULL);
	ck_assert_msg(html && strstr(html, "<h2>overlayfs blocks and lines</h2>"), "no section");
	ck_assert_msg(strstr(html, "A: blocks 1 of 3 (33.3 %), lines 1 of 2 (50.0 %)"), "%s", html);
	ck_assert_msg(strstr(html, "<span class=\"lost\">    2  int a;</span>"), "line 2 not lost");
	ck_assert_msg(strstr(html, "<span class=\"gain\">    4  int c &lt; d;</span>"),
		      "line 4 not gained");
	ck_assert_msg(strstr(html, "<span>    3  int b;</span>"), "line 3 marked");
	ck_assert_msg(strstr(html, "<span class=\"miss\">    1  int r;</span>"), "readdir.c:1");
	ck_assert_msg(strstr(html, "<tr><td><code>ovl_iterate</code></td><td class=\"num none\">"
			     "0 / 1</td>"), "no ovl_iterate row");
	free(html);
	proc_out_free(&p);
	p = run_undertow(diff, 30);
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.err);
	ck_assert_msg(strstr(p.out, "fs/overlayfs/namei.c:2") && strstr(p.out, "line lost") &&
		      strstr(p.out, "fs/overlayfs/namei.c:4") && strstr(p.out, "line gained"),
		      "%s", p.out);
	ck_assert_msg(strstr(p.out, "# A: coverage: blocks 1 of 3 (33.3 %), lines 1 of 2"),
		      "%s", p.out);
	proc_out_free(&p);
	free(out), free(a), free(b), free(src);
	it_rm_rf(base);
	free(base);
}
END_TEST

START_TEST(test_report_corrupt_map)
{
	char *base = it_mkdtemp("repmap"), *src = make_source(base);
	char *a = make_run(base, "a", src, SCEN_JSON("{}", "{}"));
	char *map = it_fmt("%s/blocks.map", a), *out = it_fmt("%s/r.html", base);
	char *rep[] = { "report", a, "-O", out, NULL };
	struct proc_out p;
	FILE *f = fopen(map, "a");

	ck_assert_ptr_nonnull(f);
	fputs("-5 ovl_x fs/overlayfs/x.c\n", f);
	fclose(f);
	p = run_undertow(rep, 30);
	ck_assert_msg(p.exit_code == 2, "%s", proc_desc(&p));
	ck_assert_msg(strstr(p.err, "blocks.map:8: want \"OFFSET FUNCTION FILE LINE\"") &&
		      !strchr(strchr(p.err, '\n') + 1, '\n'), "%s", p.err);
	ck_assert_str_eq(p.out, "");
	ck_assert(!it_exists(out));
	proc_out_free(&p);
	free(map), free(out), free(a), free(src);
	it_rm_rf(base);
	free(base);
}
END_TEST

TCase *report_lines_tcase(void)
{
	TCase *tc = tcase_create("report_lines");

	tcase_add_test(tc, test_report_marks_lines);
	tcase_add_test(tc, test_report_corrupt_map);
	return tc;
}
