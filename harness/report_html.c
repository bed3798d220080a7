// SPDX-License-Identifier: GPL-2.0
/*
 * report_html.c - the report page around the variants' sections: head and
 * style, the runs' facts, the diff's summary, the legend, the overview
 * table; and the pieces every part uses.  Readable offline and safe to
 * open: inline CSS and SVG only, no script, no URL, every string from the
 * results escaped.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_html.h"

void ut_html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			/* Control characters are not allowed in HTML text. */
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				fputs("&#xFFFD;", f);
			else
				fputc(c, f);
		}
	}
}

static const char *const palette[] = {
	"#1f77b4", "#9467bd", "#8c564b", "#e377c2", "#17becf",
	"#bcbd22", "#393b79", "#7b4173", "#e7ba52", "#2a7f7f",
};

const char *ut_report_color(const char *ret)
{
	static const struct { const char *ret, *color; } fixed[] = {
		{ "OK", "#2e9e44" }, { "ENOENT", "#9e9e9e" },
		{ "ESTALE", "#f28c18" }, { "EIO", "#d62728" },
	};
	uint32_t h = 2166136261u;	/* FNV-1a: the same code, the same colour */

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(ret, fixed[i].ret))
			return fixed[i].color;
	for (const char *p = ret; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return palette[h % (sizeof(palette) / sizeof(palette[0]))];
}

void ut_html_esc(struct ut_html *h, const char *s)
{
	ut_html_escape(h->f, s);
}

void ut_html_badge(struct ut_html *h, const char *verdict)
{
	const char *cls = ut_verdict_of(verdict) >= 0 || !strcmp(verdict, "info") ?
			  verdict : "unknown";

	fprintf(h->f, "<span class=\"badge v-%s\">", cls);
	ut_html_esc(h, verdict);
	fputs("</span>", h->f);
}

void ut_html_swatch(struct ut_html *h, const char *ret)
{
	fprintf(h->f, "<i class=\"sw\" style=\"background:%s\"></i>", ut_report_color(ret));
}

void ut_html_pct(struct ut_html *h, uint64_t n, uint64_t calls)
{
	double p = calls ? 100.0 * n / calls : 0;

	if (p > 0 && p < 0.1)
		fputs("&lt;0.1%", h->f);
	else
		fprintf(h->f, "%.1f%%", p);
}

/* A change's tag: <span class="tag k-only-in-A">, the kind's name as a class. */
static void tag_open(struct ut_html *h, enum ut_change_kind k)
{
	fputs("<span class=\"tag k-", h->f);
	for (const char *p = ut_change_name(k); *p; p++)
		fputc(*p == ' ' ? '-' : *p, h->f);
	fputs("\">", h->f);
}

/* Is @c about @file's @role/@op (NULL role and op: about its verdict)? */
static bool change_on(const struct ut_change *c, const char *file, const char *role,
		      const char *op)
{
	return !strcmp(c->file, file) && !c->role == !role && (!role || !strcmp(c->role, role)) &&
	       !c->op == !op && (!op || !strcmp(c->op, op));
}

void ut_html_change_tags(struct ut_html *h, const char *file, const char *role, const char *op)
{
	for (int i = 0; i < h->m->diff.n; i++) {
		const struct ut_change *c = &h->m->diff.v[i];

		if (!change_on(c, file, role, op))
			continue;
		fputc(' ', h->f);
		tag_open(h, c->kind);
		if (c->ret) {
			ut_html_esc(h, c->ret);
			fputc(' ', h->f);
		}
		ut_html_esc(h, ut_change_name(c->kind));
		if (c->kind == UT_CH_SHIFTED)
			fputs(c->z > 0 ? " &uarr;" : " &darr;", h->f);
		fputs("</span>", h->f);
	}
}

/* argv as a shell line: words with odd characters in single quotes. */
static void argv_line(struct ut_html *h, const struct ut_run_rec *run)
{
	for (int i = 0; i < run->argc; i++) {
		const char *s = run->argv[i];

		if (i)
			fputc(' ', h->f);
		if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789-_./=:,@+%")]) {
			ut_html_esc(h, s);
			continue;
		}
		fputc('\'', h->f);
		for (; *s; s++) {
			if (*s == '\'')
				fputs("&#39;\\&#39;&#39;", h->f);
			else
				ut_html_escape(h->f, (char[]){ *s, 0 });
		}
		fputc('\'', h->f);
	}
}

/* The facts of run.json, one row each; what a run did not record is "-". */
enum fact { F_RUN, F_DIR, F_KERNEL, F_SEED, F_COMMAND, F_START, F_END, F_COMPLETE,
	    F_UNPRIV, F_KMEMLEAK, F_NFACTS };

static const char *const fact_label[F_NFACTS] = {
	"run", "directory", "kernel", "seed", "command", "start", "end", "complete",
	"unprivileged", "kmemleak",
};

static void text_or_dash(struct ut_html *h, const char *s)
{
	if (s)
		ut_html_esc(h, s);
	else
		fputs("-", h->f);
}

static void yes_no(struct ut_html *h, int b, const char *no)
{
	fputs(b < 0 ? "-" : b ? "yes" : no, h->f);
}

static void code(struct ut_html *h, const char *s)
{
	fputs("<code>", h->f);
	ut_html_esc(h, s);
	fputs("</code>", h->f);
}

static void fact(struct ut_html *h, const struct ut_run_rec *run, enum fact k)
{
	switch (k) {
	case F_RUN:
		ut_html_esc(h, run->run_id);
		break;
	case F_DIR:
		code(h, run->dir);
		break;
	case F_KERNEL:
		text_or_dash(h, run->kernel);
		break;
	case F_SEED:
		if (run->seed >= 0)
			fprintf(h->f, "%lld", (long long)run->seed);
		else
			fputs("-", h->f);
		break;
	case F_COMMAND:
		fputs("<code>", h->f);
		argv_line(h, run);
		fputs("</code>", h->f);
		break;
	case F_START:
		text_or_dash(h, run->start);
		break;
	case F_END:
		text_or_dash(h, run->end);
		break;
	case F_COMPLETE:
		yes_no(h, run->complete, "<span class=\"badge v-fail\">no</span> "
		       "interrupted: not every variant ran");
		break;
	case F_UNPRIV:
		yes_no(h, run->unprivileged, "no");
		break;
	case F_KMEMLEAK:
		text_or_dash(h, run->kmemleak);
		break;
	case F_NFACTS:
		break;
	}
}

static void verdict_counts(struct ut_html *h, int r)
{
	for (int k = UT_NVERDICT - 1; k >= 0; k--) {
		if (!h->m->verdicts[r][k])
			continue;
		ut_html_badge(h, ut_verdict_name(k));
		fprintf(h->f, " %d &nbsp; ", h->m->verdicts[r][k]);
	}
}

static void header(struct ut_html *h)
{
	fputs("<table class=\"meta\">", h->f);
	if (h->m->nrun > 1)
		fputs("<tr><th></th><th>A</th><th>B</th></tr>\n", h->f);
	for (int k = 0; k < F_NFACTS; k++) {
		fprintf(h->f, "<tr><th>%s</th>", fact_label[k]);
		for (int r = 0; r < h->m->nrun; r++) {
			fputs("<td>", h->f);
			fact(h, &h->m->run[r], k);
			fputs("</td>", h->f);
		}
		fputs("</tr>\n", h->f);
	}
	fputs("<tr><th>verdicts</th>", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		fputs("<td>", h->f);
		verdict_counts(h, r);
		fputs("</td>", h->f);
	}
	fputs("</tr>\n</table>\n", h->f);
}

static void legend(struct ut_html *h)
{
	fputs("<div class=\"legend\"><b>return codes</b> (segments in this order; hover "
	      "a segment for its count)<br>", h->f);
	for (int i = 0; i < h->m->ncodes; i++) {
		fputs("<span class=\"rc\">", h->f);
		ut_html_swatch(h, h->m->codes[i].name);
		ut_html_esc(h, h->m->codes[i].name);
		fputs("</span> ", h->f);
	}
	if (!h->m->ncodes)
		fputs("none recorded", h->f);
	fputs("</div>\n", h->f);
}

static void overview_row(struct ut_html *h, int i)
{
	const struct ut_rpt_var *mv = &h->m->var[i];

	fprintf(h->f, "<tr><td><a href=\"#v%d\">", i);
	ut_html_esc(h, mv->file);
	fputs("</a></td>", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		if (!mv->v[r]) {
			fputs("<td class=\"none\">-</td><td></td>", h->f);
			continue;
		}
		fputs("<td>", h->f);
		ut_html_badge(h, mv->v[r]->verdict);
		fprintf(h->f, "</td><td class=\"num\">%llu</td>",
			(unsigned long long)mv->role[0].total[r].calls);
	}
	if (h->m->nrun > 1) {
		fputs("<td>", h->f);
		if (mv->nchanges)
			fprintf(h->f, "%d", mv->nchanges);
		ut_html_change_tags(h, mv->file, NULL, NULL);
		fputs("</td>", h->f);
	}
	fputs("</tr>\n", h->f);
}

static void overview(struct ut_html *h)
{
	fputs("<h2>variants</h2>\n<table class=\"ovw\"><tr><th>variant</th>", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		const char *tag = h->m->nrun < 2 ? "" : r ? "B " : "A ";

		fprintf(h->f, "<th>%sverdict</th><th>%sworker calls</th>", tag, tag);
	}
	if (h->m->nrun > 1)
		fputs("<th>changes A &rarr; B</th>", h->f);
	fputs("</tr>\n", h->f);
	for (int i = 0; i < h->m->nvar; i++)
		overview_row(h, i);
	fputs("</table>\n", h->f);
}

static void diff_summary(struct ut_html *h)
{
	fputs("<div class=\"diff\"><b>A &rarr; B:</b> ", h->f);
	if (!h->m->diff.n)
		fputs("no changes beyond noise. ", h->f);
	for (int k = 0; k < UT_CH_NKINDS; k++)
		if (h->m->diff.count[k]) {
			tag_open(h, k);
			fprintf(h->f, "%s %d</span> ", ut_change_name(k), h->m->diff.count[k]);
		}
	fputs("<br><span class=\"sub\">Noise rule: ", h->f);
	ut_html_esc(h, UT_DIFF_RULE);
	fputs(". Changes are tagged in B's column.</span></div>\n", h->f);
}

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:20px 24px;"
	"color:#1d2327;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 10px}h2{font-size:17px;margin:18px 0 8px}"
	"section.var h2{margin:0 0 8px}\n"
	"table{border-collapse:collapse}code,pre{font:12px/1.35 ui-monospace,"
	"'DejaVu Sans Mono',monospace}\n"
	".meta th,.meta td,.ovw th,.ovw td{padding:2px 12px 2px 0;text-align:left;"
	"vertical-align:top}\n.meta th{color:#555;font-weight:600}.ovw td.num{text-align:right}\n"
	".ovw tr:nth-child(even){background:#f7f8f9}.ovw a{color:#1d4f91}\n"
	".badge{display:inline-block;padding:0 8px;border-radius:9px;color:#fff;font-weight:700;"
	"font-size:11px;line-height:18px;text-transform:uppercase;letter-spacing:.03em}\n"
	".v-pass{background:#2e9e44}.v-skip{background:#8a8f94}.v-fail{background:#e07b00}"
	".v-broken{background:#7b4fb0}.v-leak{background:#b8860b}.v-corrupt{background:#d35400}.v-hang{background:#c0392b}"
	".v-crash{background:#7f0000}.v-info{background:#3b7dd8}.v-unknown{background:#444}\n"
	"section.var{border:1px solid #d8dde1;border-radius:6px;padding:12px 14px;margin:16px 0}\n"
	".sub{color:#666;font-weight:400;font-size:13px}\n"
	"table.cmp{width:100%;table-layout:fixed}col.lbl{width:150px}\n"
	"table.cmp th{text-align:left;vertical-align:top;padding:4px 8px 4px 0;font-weight:600;"
	"overflow-wrap:anywhere}\n"
	"table.cmp td{vertical-align:top;padding:4px 8px;border-top:1px solid #eef0f2}\n"
	"table.cmp th.op{font:12px ui-monospace,'DejaVu Sans Mono',monospace;padding-top:6px}\n"
	"tr.head th{background:#f2f4f6;padding:4px 8px}\n"
	"tr.grp th{padding-top:10px;color:#555;text-transform:uppercase;font-size:11px;"
	"letter-spacing:.06em;border-bottom:1px solid #d8dde1}\n"
	"tr.total th{font-weight:700}\n"
	"svg.bar{display:block;width:100%;height:14px;border-radius:2px}\n"
	".sum{font-size:12px;color:#333;margin-top:2px}.rc{white-space:nowrap;margin-right:6px}\n"
	".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 3px 0 2px;"
	"vertical-align:-1px}\n"
	".none{color:#999;font-style:italic}.reason{color:#333}\n"
	".kv{margin-right:10px;font-size:13px}.kv b{color:#555;font-weight:600}\n"
	".replay{margin-top:3px;color:#555;overflow-wrap:anywhere}\n"
	"pre{background:#f6f7f8;border:1px solid #dde1e4;border-radius:4px;padding:6px 8px;"
	"margin:4px 0 8px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:28em;"
	"overflow:auto}\n"
	".finding .badge{margin-top:4px}\n"
	".legend,.diff{margin:12px 0;padding:8px 10px;background:#f7f8f9;border-radius:6px}\n"
	".tag{display:inline-block;padding:0 6px;border-radius:4px;font-size:11px;"
	"line-height:17px;border:1px solid #bbb;background:#fff;white-space:nowrap}\n"
	".k-worse{border-color:#c0392b;color:#c0392b;font-weight:700}"
	".k-better{border-color:#2e9e44;color:#2e7d32;font-weight:700}\n"
	".k-appeared{border-color:#c0392b;color:#a4281b}.k-vanished{border-color:#2e9e44;"
	"color:#2e7d32}.k-shifted{border-color:#1f77b4;color:#1f5f94}\n"
	".k-function-gained{border-color:#2e9e44;color:#2e7d32}"
	".k-function-lost{border-color:#c0392b;color:#a4281b}\n"
	"table.fn td.num{text-align:right}.fn .miss{color:#c0392b;font-weight:600}\n"
	"pre.src{font-size:12px;line-height:1.3}.hit{background:#d4f7d4}"
	".src .miss,.sub .miss{background:#fbd5d5}.gain{background:#bfe3ff}.lost{background:#ffe0a0}\n";

void ut_html_page(FILE *f, const struct ut_rpt *m)
{
	struct ut_html h = { f, m };

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>undertow report: ", f);
	ut_html_esc(&h, m->run[0].run_id);
	if (m->nrun > 1) {
		fputs(" vs ", f);
		ut_html_esc(&h, m->run[1].run_id);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head><body>\n<h1>undertow report", css);
	if (m->nrun > 1)
		fputs(": A &rarr; B", f);
	fputs("</h1>\n", f);
	header(&h);
	if (m->nrun > 1)
		diff_summary(&h);
	legend(&h);
	overview(&h);
	ut_html_coverage(&h);
	ut_html_lines(&h);
	for (int i = 0; i < m->nvar; i++)
		ut_html_variant(&h, i);
	fputs("</body></html>\n", f);
}
