// SPDX-License-Identifier: GPL-2.0
/*
 * report_lines.c - the report's line coverage (an instrumented overlay.ko,
 * README "Line coverage (VM)"): per run the block and line shares, per
 * function its blocks and lines reached, and the fs/overlayfs source with
 * each instrumented line marked: reached, not reached, or with two runs
 * gained or lost from A to B.  The lines come from the run's block map
 * (blocks.map) and the source tree it names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_html.h"

static bool has(const struct ut_blk_rec *b)
{
	return b->status && !strcmp(b->status, "ok");
}

static const struct ut_fn_rec *find(const struct ut_fn_rec *v, int n, const char *name)
{
	for (int lo = 0, hi = n - 1; lo <= hi;) {
		int mid = (lo + hi) / 2, c = strcmp(v[mid].name, name);

		if (!c)
			return v[mid].hits ? &v[mid] : NULL;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static bool block_hit(const struct ut_blk_rec *b, long off)
{
	char k[32];

	snprintf(k, sizeof(k), "%ld", off);
	return find(b->pc, b->npc, k);
}

static bool line_hit(const struct ut_blk_rec *b, const char *file, int line)
{
	char k[PATH_MAX + 16];

	snprintf(k, sizeof(k), "%s:%d", file, line);
	return find(b->line, b->nline, k);
}

static double pct(int64_t n, int64_t of)
{
	return of > 0 ? 100.0 * (double)n / (double)of : 0.0;
}

static void summary(struct ut_html *h)
{
	fputs("<p class=\"sub\">", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		const struct ut_blk_rec *b = &h->m->cov[r].blk;

		if (h->m->nrun > 1)
			fputs(r ? "; B: " : "A: ", h->f);
		if (!has(b)) {
			fputs(b->status ? b->status : "none recorded", h->f);
			fputs(" (", h->f);
			ut_html_esc(h, b->reason && *b->reason ? b->reason :
				    "no instrumented overlay.ko");
			fputs(")", h->f);
		} else if (b->sites) {
			fprintf(h->f, "blocks %d of %lld (%.1f %%), lines %d of %lld (%.1f %%)", b->npc,
				(long long)b->sites, pct(b->npc, b->sites), b->nline,
				(long long)b->lines_total, pct(b->nline, b->lines_total));
		} else {
			fprintf(h->f, "%d blocks reached, no lines (", b->npc);
			ut_html_esc(h, b->map);
			fputs(")", h->f);
		}
	}
	fputs(". Every task's blocks count (the module counts them itself).</p>\n", h->f);
}

static int by_fn(const void *a, const void *b)
{
	const struct ut_bsite *x = *(const struct ut_bsite *const *)a;
	const struct ut_bsite *y = *(const struct ut_bsite *const *)b;
	int c = strcmp(x->fn, y->fn);

	return c ? c : strcmp(x->file, y->file) ? strcmp(x->file, y->file) : x->line - y->line;
}

/* One function's row: per run, blocks and lines reached of its own. */
static void fn_row(struct ut_html *h, const struct ut_bsite *const *s, int n)
{
	fputs("<tr><td><code>", h->f);
	ut_html_esc(h, s[0]->fn);
	fputs("</code></td>", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		const struct ut_blk_rec *b = &h->m->cov[r].blk;
		int blocks = 0, lines = 0, lall = 0;

		for (int i = 0; i < n; i++) {
			bool first = !i || by_fn(&s[i - 1], &s[i]);

			blocks += block_hit(b, s[i]->off);
			lall += first;
			lines += first && line_hit(b, s[i]->file, s[i]->line);
		}
		fprintf(h->f, "<td class=\"num%s\">%d / %d</td><td class=\"num\">%d / %d</td>",
			blocks ? "" : " none", blocks, n, lines, lall);
	}
	fputs("</tr>\n", h->f);
}

/* The map's sites that @keep accepts, sorted by @cmp (malloc'd; *k of them), or NULL. */
static const struct ut_bsite **sites(const struct ut_bmap *m, bool (*keep)(const struct ut_bsite *),
				     int (*cmp)(const void *, const void *), int *k)
{
	const struct ut_bsite **v = calloc(m->n + 1, sizeof(*v));

	*k = 0;
	if (!v)
		return NULL;
	for (int i = 0; i < m->n; i++)
		if (keep(&m->s[i]))
			v[(*k)++] = &m->s[i];
	qsort(v, *k, sizeof(*v), cmp);
	return v;
}

static bool has_fn(const struct ut_bsite *s)
{
	return strcmp(s->fn, "?");
}

static bool has_line(const struct ut_bsite *s)
{
	return s->line > 0 && strcmp(s->file, "?");
}

static void fn_table(struct ut_html *h)
{
	int k;
	const struct ut_bsite **v = sites(&h->m->map, has_fn, by_fn, &k);

	if (!v)
		return;
	fputs("<table class=\"ovw fn\"><tr><th>function</th>", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		const char *tag = h->m->nrun < 2 ? "" : r ? "B " : "A ";

		fprintf(h->f, "<th>%sblocks</th><th>%slines</th>", tag, tag);
	}
	fputs("</tr>\n", h->f);
	for (int i = 0, j; i < k; i = j) {
		for (j = i + 1; j < k && !strcmp(v[j]->fn, v[i]->fn); j++)
			;
		fn_row(h, v + i, j - i);
	}
	fputs("</table>\n", h->f);
	free(v);
}

static int by_line(const void *a, const void *b)
{
	const struct ut_bsite *x = *(const struct ut_bsite *const *)a;
	const struct ut_bsite *y = *(const struct ut_bsite *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

/* A line's mark: reached, not, or with two runs gained or lost from A to B. */
static const char *mark(struct ut_html *h, const char *file, int line)
{
	bool ra = line_hit(&h->m->cov[0].blk, file, line);
	bool rb = line_hit(&h->m->cov[h->m->nrun - 1].blk, file, line);

	return ra && rb ? "hit" : !ra && !rb ? "miss" : rb ? "gain" : "lost";
}

/* @file's source, its instrumented lines (@v, sorted by line) marked. */
static void source_file(struct ut_html *h, const char *file, const struct ut_bsite **v, int n)
{
	char path[PATH_MAX * 2], text[4096];
	FILE *f;
	int ln = 0, k = 0;

	snprintf(path, sizeof(path), "%s/%s", h->m->map.source, file);
	fputs("<h3>", h->f);
	ut_html_esc(h, file);
	fputs("</h3>\n", h->f);
	if (!(f = fopen(path, "re"))) {
		fputs("<p class=\"none\">source not found: ", h->f);
		ut_html_esc(h, path);
		fputs("</p>\n", h->f);
		return;
	}
	fputs("<pre class=\"src\">", h->f);
	while (fgets(text, sizeof(text), f)) {
		const char *cls = NULL;

		text[strcspn(text, "\n")] = '\0';
		ln++;
		while (k < n && v[k]->line < ln)
			k++;
		if (k < n && v[k]->line == ln)
			cls = mark(h, file, ln);
		fprintf(h->f, "<span%s%s%s>%5d  ", cls ? " class=\"" : "", cls ? cls : "",
			cls ? "\"" : "", ln);
		ut_html_esc(h, text);
		fputs("</span>\n", h->f);
	}
	fputs("</pre>\n", h->f);
	fclose(f);
}

static void sources(struct ut_html *h)
{
	int k;
	const struct ut_bsite **v = sites(&h->m->map, has_line, by_line, &k);

	if (!v)
		return;
	fputs("<p class=\"sub\">Instrumented lines: <span class=\"hit\">reached</span>, "
	      "<span class=\"miss\">not reached</span>", h->f);
	if (h->m->nrun > 1)
		fputs(", <span class=\"gain\">reached in B only</span>, "
		      "<span class=\"lost\">reached in A only</span>", h->f);
	fputs(".</p>\n", h->f);
	for (int i = 0, j; i < k; i = j) {
		for (j = i + 1; j < k && !strcmp(v[j]->file, v[i]->file); j++)
			;
		source_file(h, v[i]->file, v + i, j - i);
	}
	free(v);
}

void ut_html_lines(struct ut_html *h)
{
	const struct ut_blk_rec *a = &h->m->cov[0].blk, *b = &h->m->cov[1].blk;

	if (!a->status && (h->m->nrun < 2 || !b->status))
		return;		/* not an instrumented overlay.ko */
	fputs("<h2>overlayfs blocks and lines</h2>\n", h->f);
	summary(h);
	if (!h->m->have_map || (!has(a) && (h->m->nrun < 2 || !has(b))))
		return;
	fn_table(h);
	sources(h);
}
