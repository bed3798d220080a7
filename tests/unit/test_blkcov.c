// SPDX-License-Identifier: GPL-2.0
/*
 * test_blkcov.c - line coverage without a VM: the block map parsed (and
 * each kind of bad line named with its line number), the collector's pcs
 * text, a scenario's coverage.blocks read back (bad ones one clear
 * message), run.json's union of blocks and lines, and diff's lines gained
 * and lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkcov.h"
#include "blkmap.h"
#include "coverage.h"
#include "diff.h"
#include "suites.h"

static const char map_text[] =
	UT_BLKMAP_MAGIC "\n"
	"build-id 00aa11\n"
	"source /src/linux\n"
	"sites .text 4 .init.text 1\n"
	"-200 ovl_lookup fs/overlayfs/namei.c 10\n"
	"-100 ovl_lookup fs/overlayfs/namei.c 10\n"
	"-300 ovl_iterate fs/overlayfs/readdir.c 7\n"
	"50 ovl_other ? 0\n";

static int parse(const char *text, struct ut_bmap *m, char *why, size_t sz)
{
	return ut_bmap_parse(strdup(text), "t.map", m, why, sz);
}

START_TEST(map_parses)
{
	struct ut_bmap m;
	char why[256], key[64];
	const struct ut_bsite *s;

	ck_assert_int_eq(parse(map_text, &m, why, sizeof(why)), 0);
	ck_assert_str_eq(m.build_id, "00aa11");
	ck_assert_str_eq(m.source, "/src/linux");
	ck_assert_int_eq(m.n, 4);
	ck_assert_int_eq(m.nlines, 2);	/* namei.c:10 twice, readdir.c:7; "?" left out */
	ck_assert_int_eq(m.s[0].off, -300);	/* sorted */
	s = ut_bmap_find(&m, -100);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->fn, "ovl_lookup");
	ck_assert(ut_bmap_line_key(s, key, sizeof(key)));
	ck_assert_str_eq(key, "fs/overlayfs/namei.c:10");
	ck_assert(!ut_bmap_line_key(ut_bmap_find(&m, 50), key, sizeof(key)));
	ck_assert_ptr_null(ut_bmap_find(&m, 7));
	ut_bmap_free(&m);
}
END_TEST

START_TEST(map_bad_lines_named)
{
	static const struct { const char *text, *why; } cases[] = {
		{ "# something else\n", "t.map:1: not a block map" },
		{ UT_BLKMAP_MAGIC "\nbuild-id 1\n-5 fn file\n", "t.map:3: want" },
		{ UT_BLKMAP_MAGIC "\nbuild-id 1\n-5 fn file x\n", "t.map:3: want" },
		{ UT_BLKMAP_MAGIC "\nbuild-id 1\nx5 fn file 1\n", "t.map:3: want" },
		{ UT_BLKMAP_MAGIC "\n-5 fn file 1\n", "t.map: no build-id line" },
		{ UT_BLKMAP_MAGIC "\nbuild-id 1\n", "t.map: no blocks" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ut_bmap m;
		char why[256] = "";

		ck_assert_int_eq(parse(cases[i].text, &m, why, sizeof(why)), -1);
		ck_assert_msg(strstr(why, cases[i].why), "case %zu: %s", i, why);
		ut_bmap_free(&m);
	}
}
END_TEST

START_TEST(map_load_missing)
{
	struct ut_bmap m;
	char why[256];

	ck_assert_int_eq(ut_bmap_load("/nonexistent/blocks.map", &m, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "/nonexistent/blocks.map: No such file"), "%s", why);
}
END_TEST

START_TEST(pcs_text)
{
	struct ut_pc pcs[4];
	int bad = 0;

	ck_assert_int_eq(ut_blkcov_parse("-96422 3\n1944 1\n\n", pcs, 4, &bad), 2);
	ck_assert_int_eq(pcs[0].off, -96422);
	ck_assert_int_eq(pcs[0].hits, 3);
	ck_assert_int_eq(pcs[1].off, 1944);
	ck_assert_int_eq(ut_blkcov_parse("", pcs, 4, &bad), 0);
	ck_assert_int_eq(ut_blkcov_parse("1 2\nnope\n", pcs, 4, &bad), -1);
	ck_assert_int_eq(bad, 2);
	ck_assert_int_eq(ut_blkcov_parse("1 2 3\n", pcs, 4, &bad), -1);
	ck_assert_int_eq(ut_blkcov_parse("1 1\n2 2\n", pcs, 1, &bad), -1);	/* no room */
}
END_TEST

static json_t *blocks(const char *pcs, const char *lines)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o}", "status", "ok", "build_id",
			 "00aa11", "map", "ok", "sites", 4, "lines_total", 2, "unmapped", 0,
			 "pcs", json_loads(pcs, 0, NULL), "lines", json_loads(lines, 0, NULL));
}

START_TEST(blocks_read_back)
{
	struct ut_blk_rec b;
	char what[256] = "";
	json_t *j = blocks("{\"-100\": 2, \"-300\": 1}", "{\"fs/overlayfs/namei.c:10\": 2}");

	ck_assert_int_eq(ut_cov_blocks_read(j, &b, what, sizeof(what)), 0);
	ck_assert_str_eq(b.status, "ok");
	ck_assert_int_eq(b.sites, 4);
	ck_assert_int_eq(b.npc, 2);
	ck_assert_str_eq(b.pc[0].name, "-100");
	ck_assert_int_eq(b.nline, 1);
	free(b.pc);
	free(b.line);
	json_object_set_new(j, "sites", json_string("many"));
	ck_assert_int_eq(ut_cov_blocks_read(j, &b, what, sizeof(what)), -1);
	ck_assert_str_eq(what, "coverage.blocks.sites: want an integer >= 0");
	json_object_set_new(j, "sites", json_integer(4));
	json_object_set_new(j, "lines", json_pack("{s:i}", "x.c:1", -1));
	ck_assert_int_eq(ut_cov_blocks_read(j, &b, what, sizeof(what)), -1);
	ck_assert_str_eq(what, "coverage.blocks.lines.x.c:1: want an integer >= 0");
	free(b.pc);
	free(b.line);
	json_decref(j);
	j = json_string("x");
	ck_assert_int_eq(ut_cov_blocks_read(j, &b, what, sizeof(what)), -1);
	ck_assert_str_eq(what, "coverage.blocks: want an object with a status");
	json_decref(j);
}
END_TEST

/* Add a scenario's coverage with @blocks (taken) to @run's union. */
static void add(json_t *run, json_t *blocks)
{
	json_t *cov = json_pack("{s:s, s:{}, s:o}", "status", "ok", "functions", "blocks", blocks);

	ut_cov_union_add(run, cov);
	json_decref(cov);
}

START_TEST(union_of_blocks)
{
	json_t *run = json_object(), *u, *skip = json_pack("{s:s, s:s}", "status", "skip",
							   "reason", "no collector");

	add(run, skip);
	u = json_object_get(json_object_get(run, "coverage"), "blocks");
	ck_assert_str_eq(json_string_value(json_object_get(u, "status")), "skip");
	ck_assert_str_eq(json_string_value(json_object_get(u, "reason")), "no collector");
	add(run, blocks("{\"-100\": 2}", "{\"a.c:1\": 2}"));
	add(run, blocks("{\"-100\": 1, \"-300\": 4}", "{\"a.c:1\": 1, \"b.c:7\": 4}"));
	u = json_object_get(json_object_get(run, "coverage"), "blocks");
	ck_assert_str_eq(json_string_value(json_object_get(u, "status")), "ok");
	ck_assert_ptr_null(json_object_get(u, "reason"));
	ck_assert_int_eq(json_integer_value(json_object_get(u, "reached")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(u, "lines_reached")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(u, "sites")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(u, "pcs"), "-100")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(u, "lines"), "a.c:1")),
			 3);
	json_decref(run);
}
END_TEST

static void cov_of(struct ut_cov_rec *c, json_t *b)
{
	char what[128];

	memset(c, 0, sizeof(*c));
	c->status = "ok";
	ck_assert_int_eq(ut_cov_blocks_read(b, &c->blk, what, sizeof(what)), 0);
}

START_TEST(diff_lines)
{
	json_t *ja = blocks("{}", "{\"a.c:1\": 2, \"b.c:7\": 1}");
	json_t *jb = blocks("{}", "{\"b.c:7\": 3, \"c.c:2\": 1}");
	struct ut_cov_rec a, b;
	struct ut_diff d = { 0 };

	cov_of(&a, ja);
	cov_of(&b, jb);
	ck_assert_int_eq(ut_diff_lines(&a, &b, &d), 0);
	ck_assert_int_eq(d.n, 2);
	ck_assert_int_eq(d.v[0].kind, UT_CH_LINE_LOST);
	ck_assert_str_eq(d.v[0].op, "a.c:1");
	ck_assert_int_eq(d.v[1].kind, UT_CH_LINE_GAINED);
	ck_assert_str_eq(d.v[1].op, "c.c:2");
	ck_assert_str_eq(ut_change_name(UT_CH_LINE_GAINED), "line gained");
	ut_diff_free(&d);
	b.blk.lines_total = 0;	/* no block map: no lines to compare */
	ck_assert_int_eq(ut_diff_lines(&a, &b, &d), 0);
	ck_assert_int_eq(d.n, 0);
	ut_diff_free(&d);
	ut_cov_free(&a);
	ut_cov_free(&b);
	json_decref(ja);
	json_decref(jb);
}
END_TEST

Suite *blkcov_suite(void)
{
	Suite *s = suite_create("blkcov");
	TCase *tc = tcase_create("blkcov");

	tcase_add_test(tc, map_parses);
	tcase_add_test(tc, map_bad_lines_named);
	tcase_add_test(tc, map_load_missing);
	tcase_add_test(tc, pcs_text);
	tcase_add_test(tc, blocks_read_back);
	tcase_add_test(tc, union_of_blocks);
	tcase_add_test(tc, diff_lines);
	suite_add_tcase(s, tc);
	return s;
}
