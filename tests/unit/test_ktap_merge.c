// SPDX-License-Identifier: GPL-2.0
/*
 * test_ktap_merge.c - ktap.log read back into tests (blocks, preamble,
 * bail-outs, Totals; what is refused), and documents merged into one:
 * round-robin order, renumbering, the plan, dropped tests, Totals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap_merge.h"
#include "suites.h"

/* A shard as undertow writes it: preamble, "# start" blocks, a health line, Totals. */
static const char shard_log[] =
	"KTAP version 1\n"
	"1..3\n"
	"# undertow seed 1, 4 workers, 1 mutators, results r/1\n"
	"# start a\n"
	"# a: 10 ops in 0.2 s, workers OK:10\n"
	"ok 1 a\n"
	"# kernel health after a: fine\n"
	"# start b@fuse\n"
	"ok 2 b@fuse # SKIP no /dev/fuse\n"
	"# start c\n"
	"# c: crash: BUG at x\n"
	"not ok 3 c # CRASH: BUG at x\n"
	"# Totals: pass:1 fail:1 skip:1\n";

static void parse_ok(const char *text, struct ut_ktap_doc *d)
{
	char why[256];

	ck_assert_msg(!ut_ktap_doc_parse(text, strlen(text), d, why, sizeof(why)), "%s", why);
}

START_TEST(parse_blocks)
{
	struct ut_ktap_doc d;

	parse_ok(shard_log, &d);
	ck_assert_int_eq(d.plan, 3);
	ck_assert_int_eq(d.n, 3);
	ck_assert(d.has_totals);
	ck_assert_ptr_null(d.bail);
	ck_assert_str_eq(d.pre, "# undertow seed 1, 4 workers, 1 mutators, results r/1\n");
	ck_assert_str_eq(d.t[0].name, "a");
	ck_assert_str_eq(d.t[0].diag, "# start a\n# a: 10 ops in 0.2 s, workers OK:10\n");
	ck_assert_str_eq(d.t[0].tail, "# kernel health after a: fine\n");
	ck_assert(d.t[0].ok && !d.t[0].skip);
	ck_assert_str_eq(d.t[0].rest, "");
	ck_assert_str_eq(d.t[1].name, "b@fuse");
	ck_assert(d.t[1].ok && d.t[1].skip);
	ck_assert_str_eq(d.t[1].rest, " # SKIP no /dev/fuse");
	ck_assert(!d.t[2].ok && !d.t[2].skip);
	ck_assert_str_eq(d.t[2].rest, " # CRASH: BUG at x");
	ck_assert_str_eq(d.t[2].tail, "");
	ut_ktap_doc_free(&d);
}
END_TEST

/* Without "# start" markers a test's lines are those before its result line. */
START_TEST(parse_without_markers)
{
	struct ut_ktap_doc d;

	parse_ok("KTAP version 1\n1..2\n# one\nok 1 x\n# two\n# three\nok 2 y\n# after\n", &d);
	ck_assert_str_eq(d.pre ? d.pre : "", "");
	ck_assert_str_eq(d.t[0].diag, "# one\n");
	ck_assert_str_eq(d.t[1].diag, "# two\n# three\n");
	ck_assert_str_eq(d.t[1].tail, "# after\n");
	ck_assert(!d.has_totals);
	ut_ktap_doc_free(&d);
}
END_TEST

/* An interrupted run: fewer results than planned, a bail-out, Totals of what ran. */
START_TEST(parse_cut_short)
{
	struct ut_ktap_doc d;

	parse_ok("KTAP version 1\n1..5\nok 1 x\nBail out! interrupted after 1 of 5\n"
		 "# Totals: pass:1 fail:0 skip:0\n", &d);
	ck_assert_int_eq(d.plan, 5);
	ck_assert_int_eq(d.n, 1);
	ck_assert_str_eq(d.bail, "interrupted after 1 of 5");
	ut_ktap_doc_free(&d);
	/* Killed: no Totals, the last line without its newline. */
	parse_ok("KTAP version 1\n1..5\nok 1 x\nnot ok 2 y # HANG: stuck", &d);
	ck_assert_int_eq(d.n, 2);
	ck_assert_str_eq(d.t[1].rest, " # HANG: stuck");
	ut_ktap_doc_free(&d);
}
END_TEST

static const struct {
	const char *text, *why;
} bad_docs[] = {
	{ "", "empty" },
	{ "TAP version 13\n1..1\nok 1 x\n", "not 'KTAP version 1'" },
	{ "KTAP version 1\nok 1 x\n", "no plan" },
	{ "KTAP version 1\n# only a note\n", "no plan" },
	{ "KTAP version 1\n1..x\n", "no plan" },
	{ "KTAP version 1\n1..2\nok 1 x\nhello\n", "line 4: not a KTAP line" },
	{ "KTAP version 1\n1..2\nok 2 x\n", "test number 2, want 1" },
	{ "KTAP version 1\n1..2\nok 1 x\nok 1 y\n", "test number 1, want 2" },
	{ "KTAP version 1\n1..2\nok x\n", "without a test number" },
	{ "KTAP version 1\n1..2\nok 1\n", "without a test name" },
	{ "KTAP version 1\n1..2\nok 1 # SKIP\n", "without a test name" },
	{ "KTAP version 1\n1..2\nok 1 x\nok 2 x\n", "'x' a second time" },
	{ "KTAP version 1\n1..1\nok 1 x\nok 2 y\n", "2 results for a plan of 1..1" },
	{ "KTAP version 1\n1..1\nok 1 x\n# Totals: pass:0 fail:1 skip:0\n", "Totals say" },
	{ "KTAP version 1\n1..1\nok 1 x\n# Totals: pass:1\n", "a Totals line that is not" },
	{ "KTAP version 1\n1..1\nok 1 x\n# Totals: pass:1 fail:0 skip:0\n# more\n",
	  "after the Totals line" },
};

START_TEST(parse_refuses)
{
	static const char nul[] = "KTAP version 1\n1..1\nok 1 x\0y\n";
	struct ut_ktap_doc d;
	char why[256];

	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		const char *t = bad_docs[i].text;

		why[0] = '\0';
		ck_assert_msg(ut_ktap_doc_parse(t, strlen(t), &d, why, sizeof(why)) == -1,
			      "accepted: %s", t);
		ck_assert_msg(strstr(why, bad_docs[i].why), "'%s' for: %s", why, t);
		ck_assert_ptr_null(d.t);
	}
	/* A NUL byte inside a line is not text. */
	ck_assert_int_eq(ut_ktap_doc_parse(nul, sizeof(nul) - 1, &d, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "NUL"), "%s", why);
}
END_TEST

/* Shards of a 7-variant matrix: v0..v6 dealt out as --shard K/3 does. */
static void make_shards(struct ut_ktap_doc d[3])
{
	char name[8];

	for (int k = 0; k < 3; k++) {
		memset(&d[k], 0, sizeof(d[k]));
		d[k].pre = strdup("# undertow seed 7\n");
		d[k].plan = k ? 2 : 3;
	}
	for (int i = 0; i < 7; i++) {
		const char *rest = i == 4 ? " # LEAK: busy" : i == 5 ? " # SKIP no" : "";

		snprintf(name, sizeof(name), "v%d", i);
		ck_assert_int_eq(ut_ktap_doc_add(&d[i % 3], name, i != 4, i == 5, rest,
						 "# start x\n"), 0);
	}
}

static void free_shards(struct ut_ktap_doc d[3])
{
	for (int k = 0; k < 3; k++)
		ut_ktap_doc_free(&d[k]);
}

static const char *const labels[] = { "shard 1/3", "shard 2/3", "shard 3/3" };

START_TEST(merge_round_robin)
{
	struct ut_ktap_doc d[3], back;
	const struct ut_ktap_doc *docs[3] = { &d[0], &d[1], &d[2] };
	static const char head[] = "KTAP version 1\n1..7\n# merged\n# of 3\n"
		"# shard 1/3: undertow seed 7\n# shard 2/3: undertow seed 7\n";
	struct ut_ktap_count c;
	char *out, want[16];

	make_shards(d);
	out = ut_ktap_merge(docs, labels, 3, "merged\nof 3", &c);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(c.plan, 7);
	ck_assert_int_eq(c.tests, 7);
	ck_assert_int_eq(c.pass, 5);
	ck_assert_int_eq(c.fail, 1);
	ck_assert_int_eq(c.skip, 1);
	ck_assert_msg(!strncmp(out, head, strlen(head)), "%s", out);
	ck_assert(strstr(out, "not ok 5 v4 # LEAK: busy\n"));
	ck_assert(strstr(out, "ok 6 v5 # SKIP no\n"));
	ck_assert(strstr(out, "# Totals: pass:5 fail:1 skip:1\n"));
	/* The merged document reads back: the unsharded order, numbered 1..7. */
	parse_ok(out, &back);
	ck_assert_int_eq(back.n, 7);
	ck_assert(back.has_totals);
	for (int i = 0; i < 7; i++) {
		snprintf(want, sizeof(want), "v%d", i);
		ck_assert_str_eq(back.t[i].name, want);
		ck_assert_str_eq(back.t[i].diag, "# start x\n");
	}
	ut_ktap_doc_free(&back);
	free(out);
	free_shards(d);
}
END_TEST

/* Dropped tests are left out and renumbered around; a whole copy adds nothing. */
START_TEST(merge_drops_duplicates)
{
	struct ut_ktap_doc d[3], back;
	const struct ut_ktap_doc *docs[3] = { &d[0], &d[1], &d[2] };
	struct ut_ktap_count c;
	char *out;

	make_shards(d);
	d[0].t[1].drop = true;	/* v3 */
	d[2].dup = true;
	d[2].t[0].drop = d[2].t[1].drop = true;
	d[2].bail = strdup("never shown");
	out = ut_ktap_merge(docs, labels, 3, "", &c);
	ck_assert_int_eq(c.tests, 4);
	ck_assert_int_eq(c.plan, 4);
	ck_assert(!strstr(out, "shard 3/3") && !strstr(out, "Bail out!"));
	parse_ok(out, &back);
	ck_assert_int_eq(back.n, 4);
	ck_assert_str_eq(back.t[2].name, "v4");
	ck_assert_str_eq(back.t[3].name, "v6");
	ut_ktap_doc_free(&back);
	free(out);
	free_shards(d);
}
END_TEST

/* A shard cut short: the plan keeps what it owed; its bail-out comes last, labelled. */
START_TEST(merge_bail_out)
{
	struct ut_ktap_doc d[3], back;
	const struct ut_ktap_doc *docs[3] = { &d[0], &d[1], &d[2] };
	struct ut_ktap_count c;
	char *out, *bail, *totals;

	make_shards(d);
	d[1].plan = 4;		/* two of four ran */
	d[1].bail = strdup("interrupted after 2 of 4");
	d[2].bail = strdup("");
	out = ut_ktap_merge(docs, labels, 3, NULL, &c);
	ck_assert_int_eq(c.plan, 9);
	ck_assert_int_eq(c.tests, 7);
	bail = strstr(out, "Bail out! shard 2/3: interrupted after 2 of 4; shard 3/3\n");
	totals = strstr(out, "# Totals:");
	ck_assert_msg(bail && totals && bail < totals, "%s", out);
	parse_ok(out, &back);
	ck_assert_int_eq(back.plan, 9);
	ck_assert_int_eq(back.n, 7);
	ut_ktap_doc_free(&back);
	free(out);
	free_shards(d);
}
END_TEST

/* A preamble line without "# " (indented, or a bare "#") is still labelled as a diagnostic. */
START_TEST(merge_labels_preamble)
{
	struct ut_ktap_doc d = { .plan = 0 };
	const struct ut_ktap_doc *docs[1] = { &d };
	struct ut_ktap_count c;
	char *out;

	d.pre = strdup("#\n  indented\n#x\n");
	out = ut_ktap_merge(docs, labels, 1, "", &c);
	ck_assert_str_eq(out, "KTAP version 1\n1..0\n# shard 1/3:\n# shard 1/3:   indented\n"
			 "# shard 1/3: x\n# Totals: pass:0 fail:0 skip:0\n");
	free(out);
	ut_ktap_doc_free(&d);
}
END_TEST

Suite *ktap_merge_suite(void)
{
	Suite *s = suite_create("ktap_merge");
	TCase *tc = tcase_create("ktap_merge");

	tcase_add_test(tc, parse_blocks);
	tcase_add_test(tc, parse_without_markers);
	tcase_add_test(tc, parse_cut_short);
	tcase_add_test(tc, parse_refuses);
	tcase_add_test(tc, merge_round_robin);
	tcase_add_test(tc, merge_drops_duplicates);
	tcase_add_test(tc, merge_bail_out);
	tcase_add_test(tc, merge_labels_preamble);
	suite_add_tcase(s, tc);
	return s;
}
