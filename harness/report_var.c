// SPDX-License-Identifier: GPL-2.0
/*
 * report_var.c - one variant's section of the report page: its verdict,
 * settings, the workers' and the mutators' return codes as stacked bars
 * (all ops, then each op), and its findings with their evidence.  With two
 * runs, A and B stand in columns and B's column carries the diff's tags.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "report_html.h"

#define BAR_W	1000	/* SVG user units; the bar stretches to its cell */

/* One stacked bar: each return code a segment of the op's calls. */
static void svg_bar(struct ut_html *h, const struct ut_rpt_bar *b)
{
	double x = 0;

	fprintf(h->f, "<svg class=\"bar\" viewBox=\"0 0 %d 14\" preserveAspectRatio=\"none\" "
		"role=\"img\"><rect width=\"%d\" height=\"14\" fill=\"#eceff1\"/>", BAR_W, BAR_W);
	for (int i = 0; i < h->m->ncodes && b->calls; i++) {
		const char *code = h->m->codes[i].name;
		double w = (double)BAR_W * b->n[i] / b->calls;

		if (!b->n[i])
			continue;
		fprintf(h->f, "<rect x=\"%.2f\" width=\"%.2f\" height=\"14\" fill=\"%s\"><title>",
			x, w, ut_report_color(code));
		ut_html_esc(h, code);
		fprintf(h->f, " %llu of %llu (", (unsigned long long)b->n[i],
			(unsigned long long)b->calls);
		ut_html_pct(h, b->n[i], b->calls);
		fputs(")</title></rect>", h->f);
		x += w;
	}
	fputs("</svg>", h->f);
}

/* "12345 calls: ESTALE 93.3% ENOENT 6.2% ..." under a bar, most first. */
static void ret_text(struct ut_html *h, const struct ut_rpt_bar *b)
{
	int *idx = calloc(h->m->ncodes + 1, sizeof(*idx));
	int n = idx ? ut_rpt_bar_order(h->m, b, idx) : 0;

	fprintf(h->f, "<div class=\"sum\">%llu calls", (unsigned long long)b->calls);
	for (int i = 0; i < n; i++) {
		const char *code = h->m->codes[idx[i]].name;

		fputs(i ? " " : ": ", h->f);
		fputs("<span class=\"rc\">", h->f);
		ut_html_swatch(h, code);
		ut_html_esc(h, code);
		fputc(' ', h->f);
		ut_html_pct(h, b->n[idx[i]], b->calls);
		fputs("</span>", h->f);
	}
	fputs("</div>", h->f);
	free(idx);
}

static bool has_res(const struct ut_rpt_var *mv, int r)
{
	return mv->v[r] && mv->v[r]->have_res;
}

/*
 * A cell with the bar, left open for the diff's tags: true.  An absent bar
 * is a closed cell saying @absent: false.
 */
static bool bar_open(struct ut_html *h, const struct ut_rpt_bar *b, const char *absent)
{
	if (!b->shown) {
		fprintf(h->f, "<td class=\"none\">%s</td>", absent);
		return false;
	}
	fputs("<td>", h->f);
	svg_bar(h, b);
	ret_text(h, b);
	return true;
}

/* The all-ops bar and one bar per op, of the workers or the mutators. */
static void role_rows(struct ut_html *h, const struct ut_rpt_var *mv, const struct ut_rpt_role *ro)
{
	int nrun = h->m->nrun;

	if (!ro->nops)
		return;
	fprintf(h->f, "<tr class=\"grp\"><th colspan=\"%d\">%s</th></tr>\n", nrun + 1, ro->role);
	fputs("<tr class=\"total\"><th>all ops</th>", h->f);
	for (int r = 0; r < nrun; r++)
		if (bar_open(h, &ro->total[r], ""))
			fputs("</td>", h->f);
	fputs("</tr>\n", h->f);
	for (int k = 0; k < ro->nops; k++) {
		fputs("<tr><th class=\"op\">", h->f);
		ut_html_esc(h, ro->ops[k]);
		fputs("</th>", h->f);
		for (int r = 0; r < nrun; r++) {
			if (!bar_open(h, &ro->op[r][k], has_res(mv, r) ? "not called" : ""))
				continue;
			if (r == 1)
				ut_html_change_tags(h, mv->file, ro->role, ro->ops[k]);
			fputs("</td>", h->f);
		}
		fputs("</tr>\n", h->f);
	}
}

static void kv(struct ut_html *h, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	fprintf(h->f, "<span class=\"kv\"><b>%s</b> ", key);
	ut_html_esc(h, val);
	fputs("</span> ", h->f);
}

/* A count, or nothing when the result did not record it. */
static void kv_count(struct ut_html *h, const char *key, long long n)
{
	char num[32];

	if (n < 0)
		return;
	snprintf(num, sizeof(num), "%lld", n);
	kv(h, key, num);
}

static void settings_cell(struct ut_html *h, const struct ut_scen_rec *res)
{
	char num[64];

	fputs("<td>", h->f);
	kv(h, "backend", res->backend);
	kv(h, "options", *res->ovl_options ? res->ovl_options : "-");
	kv_count(h, "workers", res->workers);
	kv_count(h, "mutators", res->mutators);
	snprintf(num, sizeof(num), "%.2f s", res->duration_s);
	kv(h, "time", num);
	kv_count(h, "seed", res->seed);
	if (*res->replay) {
		fputs("<div class=\"replay\"><code>", h->f);
		ut_html_esc(h, res->replay);
		fputs("</code></div>", h->f);
	}
	fputs("</td>", h->f);
}

static void findings_cell(struct ut_html *h, const struct ut_scen_rec *res)
{
	fputs("<td>", h->f);
	if (!res->nfindings)
		fputs("<span class=\"none\">none</span>", h->f);
	for (int i = 0; i < res->nfindings; i++) {
		fputs("<div class=\"finding\">", h->f);
		ut_html_badge(h, res->findings[i].kind);
		fputs("<pre>", h->f);
		ut_html_esc(h, res->findings[i].detail);
		fputs("</pre></div>", h->f);
	}
	/* The first record is undertow's own start marker. */
	if (res->nkmsg > 1) {
		fprintf(h->f, "<details><summary>kernel log: %d records</summary><pre>", res->nkmsg);
		for (int i = 0; i < res->nkmsg; i++) {
			ut_html_esc(h, res->kmsg[i]);
			fputc('\n', h->f);
		}
		fputs("</pre></details>", h->f);
	}
	fputs("</td>", h->f);
}

static void verdict_cell(struct ut_html *h, const struct ut_rpt_var *mv, int r)
{
	const struct ut_run_var *v = mv->v[r];

	if (!v) {
		fputs("<td class=\"none\">not in this run</td>", h->f);
		return;
	}
	fputs("<td>", h->f);
	ut_html_badge(h, v->verdict);
	if (v->have_res && *v->res.reason) {
		fputs(" <span class=\"reason\">", h->f);
		ut_html_esc(h, v->res.reason);
		fputs("</span>", h->f);
	}
	if (!v->have_res) {
		fputs(" <span class=\"reason\">(", h->f);
		ut_html_esc(h, v->err);
		fputs(")</span>", h->f);
	}
	if (r == 1)
		ut_html_change_tags(h, mv->file, NULL, NULL);
	fputs("</td>", h->f);
}

/* "<h2>file A [badge] B [badge] scenario X, variant Y</h2>" */
static void title(struct ut_html *h, const struct ut_rpt_var *mv, int idx)
{
	fprintf(h->f, "<section class=\"var\" id=\"v%d\"><h2>", idx);
	ut_html_esc(h, mv->file);
	for (int r = 0; r < h->m->nrun; r++)
		if (mv->v[r]) {
			if (h->m->nrun > 1)
				fprintf(h->f, " <span class=\"sub\">%c</span>", 'A' + r);
			fputc(' ', h->f);
			ut_html_badge(h, mv->v[r]->verdict);
		}
	fputs(" <span class=\"sub\">scenario ", h->f);
	ut_html_esc(h, mv->any->name);
	if (mv->any->variant[0]) {
		fputs(", variant ", h->f);
		ut_html_esc(h, mv->any->variant);
	}
	fputs("</span></h2>\n", h->f);
}

/* A row of one cell per run: @cell for a run with a result, else empty. */
static void res_row(struct ut_html *h, const struct ut_rpt_var *mv,
		    void (*cell)(struct ut_html *, const struct ut_scen_rec *))
{
	for (int r = 0; r < h->m->nrun; r++) {
		if (has_res(mv, r))
			cell(h, &mv->v[r]->res);
		else
			fputs("<td></td>", h->f);
	}
}

void ut_html_variant(struct ut_html *h, int idx)
{
	const struct ut_rpt_var *mv = &h->m->var[idx];
	int nrun = h->m->nrun;

	title(h, mv, idx);
	fputs("<table class=\"cmp\"><colgroup><col class=\"lbl\">", h->f);
	for (int r = 0; r < nrun; r++)
		fputs("<col>", h->f);
	fputs("</colgroup>\n", h->f);
	if (nrun > 1) {
		fputs("<tr class=\"head\"><th></th>", h->f);
		for (int r = 0; r < nrun; r++) {
			fprintf(h->f, "<th>%c: ", 'A' + r);
			ut_html_esc(h, h->m->run[r].run_id);
			fputs("</th>", h->f);
		}
		fputs("</tr>\n", h->f);
	}
	fputs("<tr><th>verdict</th>", h->f);
	for (int r = 0; r < nrun; r++)
		verdict_cell(h, mv, r);
	fputs("</tr>\n<tr><th>settings</th>", h->f);
	res_row(h, mv, settings_cell);
	fputs("</tr>\n", h->f);
	role_rows(h, mv, &mv->role[0]);
	role_rows(h, mv, &mv->role[1]);
	fprintf(h->f, "<tr class=\"grp\"><th colspan=\"%d\">findings</th></tr>\n<tr><th></th>",
		nrun + 1);
	res_row(h, mv, findings_cell);
	fputs("</tr>\n</table></section>\n", h->f);
}
