/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap_merge.h - a run's ktap.log read back into its tests, each with the
 * diagnostics around it, and several such documents merged into one KTAP
 * document (Documentation/dev-tools/ktap.rst): one plan, the result lines
 * renumbered, diagnostics kept, Totals counted afresh.  `undertow merge`
 * uses it to make one run of the shards of a matrix.
 */
#ifndef UT_KTAP_MERGE_H
#define UT_KTAP_MERGE_H

#include <stdbool.h>
#include <stddef.h>

/* One top-level test: its result line and the lines that belong to it. */
struct ut_ktap_test {
	char *name;		/* the description: a variant's name */
	bool ok, skip;		/* skip: "ok N name # SKIP ..." */
	char *rest;		/* the result line after the name (" # SKIP why"), or "" */
	char *diag;		/* lines before the result line, each ending in '\n' */
	char *tail;		/* lines after it, up to the next test's "# start" */
	bool drop;		/* merge: leave it out (a duplicate of an earlier one) */
};

struct ut_ktap_doc {
	int plan;		/* N of the "1..N" line */
	char *pre;		/* lines between the plan and the first test */
	struct ut_ktap_test *t;
	int n;
	char *bail;		/* what followed "Bail out!" (may be ""), or NULL */
	bool has_totals;	/* a "# Totals:" line was there (it agrees with the lines) */
	bool dup;		/* merge: a copy of an earlier document, adds nothing to the plan */
};

/* What a merged document holds. */
struct ut_ktap_count {
	int plan, tests, pass, fail, skip;
};

/*
 * Parse @len bytes of KTAP at @text.  undertow opens each test's lines
 * with "# start NAME"; lines between a result line and the next "# start"
 * stay with the test before (its tail), without such markers they go to
 * the test after.  0, or -1 with "line N: what is wrong" in @why: no
 * version line or plan, a line that is not KTAP, a test numbered out of
 * order or named twice, a Totals line that disagrees with the results.
 * A document cut short (no Totals) is read as far as it goes.
 */
int ut_ktap_doc_parse(const char *text, size_t len, struct ut_ktap_doc *d, char *why,
		      size_t sz);
void ut_ktap_doc_free(struct ut_ktap_doc *d);

/* Append a test to @d, as if its result line had been read; 0 or -ENOMEM. */
int ut_ktap_doc_add(struct ut_ktap_doc *d, const char *name, bool ok, bool skip,
		    const char *rest, const char *diag);

/*
 * One KTAP document of @docs[0..n): the version, the plan, @head (lines of
 * text, each printed as a diagnostic), each document's preamble with its
 * lines prefixed by "@labels[i]: ", then the tests round-robin (the first
 * of each document in turn, then the second, ...), which restores the
 * order of a matrix cut into shards by --shard K/N when @docs are in K
 * order.  Tests are numbered from 1; dropped ones are left out.  The plan
 * is the tests kept plus what each document not marked dup still lacked
 * of its own plan.  The bail-outs become one "Bail out!" line at the end,
 * before "# Totals:".  Returns a new string (NULL on ENOMEM); *@c counts.
 */
char *ut_ktap_merge(const struct ut_ktap_doc *const *docs, const char *const *labels, int n,
		    const char *head, struct ut_ktap_count *c);

#endif
