// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - undertow report RUN [RUN_B]: one HTML page, readable offline
 * and safe to open: inline CSS and SVG only, no script, no URL, every
 * string from the results escaped.  Per variant, the workers' and the
 * mutators' return codes as stacked bars (all ops, then each op), the
 * verdict, and the findings with their evidence.  With two runs, A and B
 * stand in columns side by side and the diff's changes are marked.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diff.h"
#include "report.h"
#include "rundir.h"
#include "verdict.h"

#define BAR_W	1000	/* SVG user units; the bar stretches to its cell */

struct code {
	const char *name;	/* "ESTALE", pointing into a run's JSON */
	uint64_t n;		/* over the whole page: legend and order */
};

struct page {
	FILE *f;
	struct ut_run run[2];
	int nrun;
	struct ut_diff diff;	/* with two runs */
	struct code *codes;
	int ncodes, capcodes;
	const char **files;	/* variants: A's order, then those only in B */
	int nfiles;
};

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

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint64_t count_of(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (uint64_t)v : 0;
}

static uint64_t calls_of(json_t *op)
{
	uint64_t calls = count_of(op, "calls"), sum = 0;
	json_t *rets = json_object_get(op, "returns"), *v;
	const char *key;

	json_object_foreach(rets, key, v)
		sum += count_of(rets, key);
	return sum > calls ? sum : calls;
}

static int add_code(struct page *pg, const char *name, uint64_t n)
{
	for (int i = 0; i < pg->ncodes; i++)
		if (!strcmp(pg->codes[i].name, name)) {
			pg->codes[i].n += n;
			return 0;
		}
	if (pg->ncodes == pg->capcodes) {
		int cap = pg->capcodes ? pg->capcodes * 2 : 32;
		struct code *c = realloc(pg->codes, cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		pg->codes = c;
		pg->capcodes = cap;
	}
	pg->codes[pg->ncodes++] = (struct code){ name, n };
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct code *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* OK first, then the most frequent: the legend's and every bar's order. */
static int by_legend(const void *a, const void *b)
{
	const struct code *x = a, *y = b;
	int ok_x = !strcmp(x->name, "OK"), ok_y = !strcmp(y->name, "OK");

	return ok_x != ok_y ? ok_y - ok_x : by_count(a, b);
}

/* Every return code on the page: legend and bar order. */
static int collect_codes(struct page *pg)
{
	static const char *const roles[] = { "ops", "mutations" };

	for (int r = 0; r < pg->nrun; r++)
		for (int i = 0; i < pg->run[r].n; i++)
			for (int k = 0; k < 2; k++) {
				json_t *ops = json_object_get(pg->run[r].v[i].res, roles[k]);
				const char *op, *ret;
				json_t *o, *v;

				json_object_foreach(ops, op, o) {
					json_t *rets = json_object_get(o, "returns");

					json_object_foreach(rets, ret, v)
						if (add_code(pg, ret, count_of(rets, ret)))
							return -ENOMEM;
				}
			}
	if (pg->ncodes)
		qsort(pg->codes, pg->ncodes, sizeof(*pg->codes), by_legend);
	return 0;
}

static int collect_files(struct page *pg)
{
	int max = pg->run[0].n + (pg->nrun > 1 ? pg->run[1].n : 0);

	pg->files = calloc(max + 1, sizeof(*pg->files));
	if (!pg->files)
		return -ENOMEM;
	for (int r = 0; r < pg->nrun; r++)
		for (int i = 0; i < pg->run[r].n; i++)
			if (!r || !ut_run_find(&pg->run[0], pg->run[r].v[i].file))
				pg->files[pg->nfiles++] = pg->run[r].v[i].file;
	return 0;
}

static void esc(struct page *pg, const char *s)
{
	ut_html_escape(pg->f, s);
}

static void verdict_badge(struct page *pg, const char *verdict)
{
	const char *cls = ut_verdict_of(verdict) >= 0 || !strcmp(verdict, "info") ?
			  verdict : "unknown";

	fprintf(pg->f, "<span class=\"badge v-%s\">", cls);
	esc(pg, verdict);
	fputs("</span>", pg->f);
}

static void swatch(struct page *pg, const char *ret)
{
	fprintf(pg->f, "<i class=\"sw\" style=\"background:%s\"></i>", ut_report_color(ret));
}

static void pct(struct page *pg, uint64_t n, uint64_t calls)
{
	double p = calls ? 100.0 * n / calls : 0;

	if (p > 0 && p < 0.1)
		fputs("&lt;0.1%", pg->f);
	else
		fprintf(pg->f, "%.1f%%", p);
}

/* One stacked bar: each return code a segment of the op's calls. */
static void svg_bar(struct page *pg, json_t *rets, uint64_t calls)
{
	double x = 0;

	fprintf(pg->f, "<svg class=\"bar\" viewBox=\"0 0 %d 14\" preserveAspectRatio=\"none\" "
		"role=\"img\"><rect width=\"%d\" height=\"14\" fill=\"#eceff1\"/>", BAR_W, BAR_W);
	for (int i = 0; i < pg->ncodes && calls; i++) {
		uint64_t n = count_of(rets, pg->codes[i].name);
		double w = (double)BAR_W * n / calls;

		if (!n)
			continue;
		fprintf(pg->f, "<rect x=\"%.2f\" width=\"%.2f\" height=\"14\" fill=\"%s\"><title>",
			x, w, ut_report_color(pg->codes[i].name));
		esc(pg, pg->codes[i].name);
		fprintf(pg->f, " %llu of %llu (", (unsigned long long)n, (unsigned long long)calls);
		pct(pg, n, calls);
		fputs(")</title></rect>", pg->f);
		x += w;
	}
	fputs("</svg>", pg->f);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "12345 calls: ESTALE 93.3% ENOENT 6.2% ..." under a bar, most first. */
static void ret_text(struct page *pg, json_t *rets, uint64_t calls)
{
	struct code c[64];
	const char *key;
	json_t *v;
	int n = 0;

	json_object_foreach(rets, key, v)
		if (n < 64 && count_of(rets, key))
			c[n++] = (struct code){ key, count_of(rets, key) };
	if (n)
		qsort(c, n, sizeof(*c), by_count);
	fprintf(pg->f, "<div class=\"sum\">%llu calls", (unsigned long long)calls);
	for (int i = 0; i < n; i++) {
		fputs(i ? " " : ": ", pg->f);
		fputs("<span class=\"rc\">", pg->f);
		swatch(pg, c[i].name);
		esc(pg, c[i].name);
		fputc(' ', pg->f);
		pct(pg, c[i].n, calls);
		fputs("</span>", pg->f);
	}
	fputs("</div>", pg->f);
}

/* A change's tag: <span class="tag k-only-in-A">, the kind's name as a class. */
static void tag_open(struct page *pg, enum ut_change_kind k)
{
	fputs("<span class=\"tag k-", pg->f);
	for (const char *p = ut_change_name(k); *p; p++)
		fputc(*p == ' ' ? '-' : *p, pg->f);
	fputs("\">", pg->f);
}

/* Changes of the diff on this op (or the variant's verdict, op NULL). */
static void change_tags(struct page *pg, const char *file, const char *role, const char *op)
{
	for (int i = 0; i < pg->diff.n; i++) {
		const struct ut_change *c = &pg->diff.v[i];

		if (strcmp(c->file, file) || !c->role != !role ||
		    (role && strcmp(c->role, role)) || !c->op != !op || (op && strcmp(c->op, op)))
			continue;
		fputc(' ', pg->f);
		tag_open(pg, c->kind);
		if (c->ret) {
			esc(pg, c->ret);
			fputc(' ', pg->f);
		}
		esc(pg, ut_change_name(c->kind));
		if (c->kind == UT_CH_SHIFTED)
			fputs(c->z > 0 ? " &uarr;" : " &darr;", pg->f);
		fputs("</span>", pg->f);
	}
}

static void run_cell_none(struct page *pg)
{
	fputs("<td class=\"none\">not in this run</td>", pg->f);
}

static json_t *res_of(struct page *pg, int r, const char *file)
{
	const struct ut_run_var *v = ut_run_find(&pg->run[r], file);

	return v ? v->res : NULL;
}

/* The all-ops bar and one bar per op, of the workers or the mutators. */
static void role_rows(struct page *pg, const char *file, const char *role, const char *key)
{
	json_t *h[2] = { NULL, NULL }, *tot[2] = { NULL, NULL };
	uint64_t calls[2] = { 0, 0 };
	json_t *ops = json_object();
	const char **names;
	const char *op, *ret;
	json_t *o, *v;
	size_t nops, k = 0;

	for (int r = 0; r < pg->nrun; r++) {
		h[r] = json_object_get(res_of(pg, r, file), key);
		tot[r] = json_object();
		json_object_foreach(h[r], op, o) {
			json_t *rets = json_object_get(o, "returns");

			json_object_set(ops, op, json_true());
			calls[r] += calls_of(o);
			json_object_foreach(rets, ret, v)
				json_object_set_new(tot[r], ret, json_integer(
					count_of(tot[r], ret) + count_of(rets, ret)));
		}
	}
	nops = json_object_size(ops);
	if (!nops)
		goto out;
	fprintf(pg->f, "<tr class=\"grp\"><th colspan=\"%d\">%s</th></tr>\n", pg->nrun + 1, role);
	fputs("<tr class=\"total\"><th>all ops</th>", pg->f);
	for (int r = 0; r < pg->nrun; r++) {
		if (!h[r]) {
			fprintf(pg->f, "<td class=\"none\">%s</td>",
				res_of(pg, r, file) ? "none" : "");
			continue;
		}
		fputs("<td>", pg->f);
		svg_bar(pg, tot[r], calls[r]);
		ret_text(pg, tot[r], calls[r]);
		fputs("</td>", pg->f);
	}
	fputs("</tr>\n", pg->f);
	names = calloc(nops, sizeof(*names));
	if (!names)
		goto out;
	json_object_foreach(ops, op, o)
		names[k++] = op;
	qsort(names, nops, sizeof(*names), by_str);
	for (k = 0; k < nops; k++) {
		fputs("<tr><th class=\"op\">", pg->f);
		esc(pg, names[k]);
		fputs("</th>", pg->f);
		for (int r = 0; r < pg->nrun; r++) {
			json_t *one = json_object_get(h[r], names[k]);

			if (!one) {
				fprintf(pg->f, "<td class=\"none\">%s</td>",
					res_of(pg, r, file) ? "not called" : "");
				continue;
			}
			fputs("<td>", pg->f);
			svg_bar(pg, json_object_get(one, "returns"), calls_of(one));
			ret_text(pg, json_object_get(one, "returns"), calls_of(one));
			if (r == 1)
				change_tags(pg, file, role, names[k]);
			fputs("</td>", pg->f);
		}
		fputs("</tr>\n", pg->f);
	}
	free(names);
out:
	json_decref(ops);
	json_decref(tot[0]);
	json_decref(tot[1]);
}

static void kv(struct page *pg, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	fprintf(pg->f, "<span class=\"kv\"><b>%s</b> ", key);
	esc(pg, val);
	fputs("</span> ", pg->f);
}

static void settings_cell(struct page *pg, json_t *res)
{
	char num[64];

	fputs("<td>", pg->f);
	kv(pg, "backend", jstr(res, "backend"));
	kv(pg, "options", jstr(res, "ovl_options") && *jstr(res, "ovl_options") ?
	   jstr(res, "ovl_options") : "-");
	snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(
		 json_object_get(res, "workers")));
	kv(pg, "workers", num);
	snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(
		 json_object_get(res, "mutators")));
	kv(pg, "mutators", num);
	snprintf(num, sizeof(num), "%.2f s", json_number_value(json_object_get(res, "duration_s")));
	kv(pg, "time", num);
	snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(
		 json_object_get(res, "seed")));
	kv(pg, "seed", num);
	if (jstr(res, "replay")) {
		fputs("<div class=\"replay\"><code>", pg->f);
		esc(pg, jstr(res, "replay"));
		fputs("</code></div>", pg->f);
	}
	fputs("</td>", pg->f);
}

static void findings_cell(struct page *pg, json_t *res)
{
	json_t *fs = json_object_get(res, "findings"), *f, *kmsg = json_object_get(res, "kmsg");
	size_t i;

	fputs("<td>", pg->f);
	if (!json_array_size(fs))
		fputs("<span class=\"none\">none</span>", pg->f);
	json_array_foreach(fs, i, f) {
		const char *kind = jstr(f, "kind") ? jstr(f, "kind") : "?";

		fputs("<div class=\"finding\">", pg->f);
		verdict_badge(pg, kind);
		fputs("<pre>", pg->f);
		esc(pg, jstr(f, "detail") ? jstr(f, "detail") : "");
		fputs("</pre></div>", pg->f);
	}
	/* The first record is undertow's own start marker. */
	if (json_array_size(kmsg) > 1) {
		json_t *rec;

		fprintf(pg->f, "<details><summary>kernel log: %zu records</summary><pre>",
			json_array_size(kmsg));
		json_array_foreach(kmsg, i, rec) {
			esc(pg, json_string_value(rec));
			fputc('\n', pg->f);
		}
		fputs("</pre></details>", pg->f);
	}
	fputs("</td>", pg->f);
}

static void variant_section(struct page *pg, int idx)
{
	const char *file = pg->files[idx];
	const struct ut_run_var *v[2] = { NULL, NULL }, *any = NULL;

	for (int r = 0; r < pg->nrun; r++) {
		v[r] = ut_run_find(&pg->run[r], file);
		if (!any)
			any = v[r];
	}
	fprintf(pg->f, "<section class=\"var\" id=\"v%d\"><h2>", idx);
	esc(pg, file);
	for (int r = 0; r < pg->nrun; r++)
		if (v[r]) {
			if (pg->nrun > 1)
				fprintf(pg->f, " <span class=\"sub\">%c</span>", 'A' + r);
			fputc(' ', pg->f);
			verdict_badge(pg, v[r]->verdict);
		}
	fputs(" <span class=\"sub\">scenario ", pg->f);
	esc(pg, any->name);
	if (any->variant[0]) {
		fputs(", variant ", pg->f);
		esc(pg, any->variant);
	}
	fputs("</span></h2>\n<table class=\"cmp\"><colgroup><col class=\"lbl\">", pg->f);
	for (int r = 0; r < pg->nrun; r++)
		fputs("<col>", pg->f);
	fputs("</colgroup>\n", pg->f);
	if (pg->nrun > 1) {
		fputs("<tr class=\"head\"><th></th>", pg->f);
		for (int r = 0; r < pg->nrun; r++) {
			fprintf(pg->f, "<th>%c: ", 'A' + r);
			esc(pg, pg->run[r].run_id);
			fputs("</th>", pg->f);
		}
		fputs("</tr>\n", pg->f);
	}
	fputs("<tr><th>verdict</th>", pg->f);
	for (int r = 0; r < pg->nrun; r++) {
		const char *reason = v[r] ? jstr(v[r]->res, "reason") : NULL;

		if (!v[r]) {
			run_cell_none(pg);
			continue;
		}
		fputs("<td>", pg->f);
		verdict_badge(pg, v[r]->verdict);
		if (reason && *reason) {
			fputs(" <span class=\"reason\">", pg->f);
			esc(pg, reason);
			fputs("</span>", pg->f);
		}
		if (!v[r]->res) {
			fputs(" <span class=\"reason\">(", pg->f);
			esc(pg, v[r]->err);
			fputs(")</span>", pg->f);
		}
		if (r == 1)
			change_tags(pg, file, NULL, NULL);
		fputs("</td>", pg->f);
	}
	fputs("</tr>\n<tr><th>settings</th>", pg->f);
	for (int r = 0; r < pg->nrun; r++) {
		if (v[r])
			settings_cell(pg, v[r]->res);
		else
			fputs("<td></td>", pg->f);
	}
	fputs("</tr>\n", pg->f);
	role_rows(pg, file, "workers", "ops");
	role_rows(pg, file, "mutators", "mutations");
	fprintf(pg->f, "<tr class=\"grp\"><th colspan=\"%d\">findings</th></tr>\n<tr><th></th>",
		pg->nrun + 1);
	for (int r = 0; r < pg->nrun; r++) {
		if (v[r])
			findings_cell(pg, v[r]->res);
		else
			fputs("<td></td>", pg->f);
	}
	fputs("</tr>\n</table></section>\n", pg->f);
}

/* argv as a shell line: words with odd characters in single quotes. */
static void argv_line(struct page *pg, json_t *argv)
{
	json_t *a;
	size_t i;

	json_array_foreach(argv, i, a) {
		const char *s = json_string_value(a) ? json_string_value(a) : "";

		if (i)
			fputc(' ', pg->f);
		if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789-_./=:,@+%")]) {
			esc(pg, s);
			continue;
		}
		fputc('\'', pg->f);
		for (; *s; s++) {
			if (*s == '\'')
				fputs("&#39;\\&#39;&#39;", pg->f);
			else
				ut_html_escape(pg->f, (char[]){ *s, 0 });
		}
		fputc('\'', pg->f);
	}
}

static void meta_row(struct page *pg, const char *label, const char *key)
{
	fprintf(pg->f, "<tr><th>%s</th>", label);
	for (int r = 0; r < pg->nrun; r++) {
		json_t *j = json_object_get(pg->run[r].run, key);

		fputs("<td>", pg->f);
		if (json_is_string(j))
			esc(pg, json_string_value(j));
		else if (json_is_integer(j))
			fprintf(pg->f, "%lld", (long long)json_integer_value(j));
		else if (!strcmp(key, "argv"))
			argv_line(pg, j);
		else if (json_is_boolean(j) && !strcmp(key, "complete"))
			fputs(json_is_true(j) ? "yes" : "<span class=\"badge v-fail\">no</span> "
			      "interrupted: not every variant ran", pg->f);
		else if (json_is_boolean(j))
			fputs(json_is_true(j) ? "yes" : "no", pg->f);
		else
			fputs("-", pg->f);
		fputs("</td>", pg->f);
	}
	fputs("</tr>\n", pg->f);
}

static void header(struct page *pg)
{
	fputs("<table class=\"meta\">", pg->f);
	if (pg->nrun > 1)
		fputs("<tr><th></th><th>A</th><th>B</th></tr>\n", pg->f);
	meta_row(pg, "run", "run_id");
	fputs("<tr><th>directory</th>", pg->f);
	for (int r = 0; r < pg->nrun; r++) {
		fputs("<td><code>", pg->f);
		esc(pg, pg->run[r].dir);
		fputs("</code></td>", pg->f);
	}
	fputs("</tr>\n", pg->f);
	meta_row(pg, "kernel", "kernel");
	meta_row(pg, "seed", "seed");
	fputs("<tr><th>command</th>", pg->f);
	for (int r = 0; r < pg->nrun; r++) {
		fputs("<td><code>", pg->f);
		argv_line(pg, json_object_get(pg->run[r].run, "argv"));
		fputs("</code></td>", pg->f);
	}
	fputs("</tr>\n", pg->f);
	meta_row(pg, "start", "start");
	meta_row(pg, "end", "end");
	meta_row(pg, "complete", "complete");
	meta_row(pg, "unprivileged", "unprivileged");
	meta_row(pg, "kmemleak", "kmemleak");
	fputs("<tr><th>verdicts</th>", pg->f);
	for (int r = 0; r < pg->nrun; r++) {
		fputs("<td>", pg->f);
		for (int k = UT_NVERDICT - 1; k >= 0; k--) {
			int n = 0;

			for (int i = 0; i < pg->run[r].n; i++)
				n += ut_verdict_of(pg->run[r].v[i].verdict) == k;
			if (!n)
				continue;
			verdict_badge(pg, ut_verdict_name(k));
			fprintf(pg->f, " %d &nbsp; ", n);
		}
		fputs("</td>", pg->f);
	}
	fputs("</tr>\n</table>\n", pg->f);
}

static void legend(struct page *pg)
{
	fputs("<div class=\"legend\"><b>return codes</b> (segments in this order; hover "
	      "a segment for its count)<br>", pg->f);
	for (int i = 0; i < pg->ncodes; i++) {
		fputs("<span class=\"rc\">", pg->f);
		swatch(pg, pg->codes[i].name);
		esc(pg, pg->codes[i].name);
		fputs("</span> ", pg->f);
	}
	if (!pg->ncodes)
		fputs("none recorded", pg->f);
	fputs("</div>\n", pg->f);
}

static uint64_t total_calls(json_t *res)
{
	json_t *ops = json_object_get(res, "ops"), *o;
	const char *op;
	uint64_t n = 0;

	json_object_foreach(ops, op, o)
		n += calls_of(o);
	return n;
}

static void overview(struct page *pg)
{
	fputs("<h2>variants</h2>\n<table class=\"ovw\"><tr><th>variant</th>", pg->f);
	for (int r = 0; r < pg->nrun; r++) {
		const char *tag = pg->nrun < 2 ? "" : r ? "B " : "A ";

		fprintf(pg->f, "<th>%sverdict</th><th>%sworker calls</th>", tag, tag);
	}
	if (pg->nrun > 1)
		fputs("<th>changes A &rarr; B</th>", pg->f);
	fputs("</tr>\n", pg->f);
	for (int i = 0; i < pg->nfiles; i++) {
		fprintf(pg->f, "<tr><td><a href=\"#v%d\">", i);
		esc(pg, pg->files[i]);
		fputs("</a></td>", pg->f);
		for (int r = 0; r < pg->nrun; r++) {
			const struct ut_run_var *v = ut_run_find(&pg->run[r], pg->files[i]);

			if (!v) {
				fputs("<td class=\"none\">-</td><td></td>", pg->f);
				continue;
			}
			fputs("<td>", pg->f);
			verdict_badge(pg, v->verdict);
			fprintf(pg->f, "</td><td class=\"num\">%llu</td>",
				(unsigned long long)total_calls(v->res));
		}
		if (pg->nrun > 1) {
			int n = 0;

			for (int k = 0; k < pg->diff.n; k++)
				n += !strcmp(pg->diff.v[k].file, pg->files[i]);
			fputs("<td>", pg->f);
			if (n)
				fprintf(pg->f, "%d", n);
			change_tags(pg, pg->files[i], NULL, NULL);
			fputs("</td>", pg->f);
		}
		fputs("</tr>\n", pg->f);
	}
	fputs("</table>\n", pg->f);
}

static void diff_summary(struct page *pg)
{
	fputs("<div class=\"diff\"><b>A &rarr; B:</b> ", pg->f);
	if (!pg->diff.n)
		fputs("no changes beyond noise. ", pg->f);
	for (int k = 0; k < UT_CH_NKINDS; k++)
		if (pg->diff.count[k]) {
			tag_open(pg, k);
			fprintf(pg->f, "%s %d</span> ", ut_change_name(k), pg->diff.count[k]);
		}
	fputs("<br><span class=\"sub\">Noise rule: ", pg->f);
	esc(pg, UT_DIFF_RULE);
	fputs(". Changes are tagged in B's column.</span></div>\n", pg->f);
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
	".v-broken{background:#7b4fb0}.v-leak{background:#b8860b}.v-hang{background:#c0392b}"
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
	"color:#2e7d32}.k-shifted{border-color:#1f77b4;color:#1f5f94}\n";

static void page(struct page *pg)
{
	FILE *f = pg->f;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>undertow report: ", f);
	esc(pg, pg->run[0].run_id);
	if (pg->nrun > 1) {
		fputs(" vs ", f);
		esc(pg, pg->run[1].run_id);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head><body>\n<h1>undertow report", css);
	if (pg->nrun > 1)
		fputs(": A &rarr; B", f);
	fputs("</h1>\n", f);
	header(pg);
	if (pg->nrun > 1)
		diff_summary(pg);
	legend(pg);
	overview(pg);
	for (int i = 0; i < pg->nfiles; i++)
		variant_section(pg, i);
	fputs("</body></html>\n", f);
}

static void page_free(struct page *pg)
{
	ut_diff_free(&pg->diff);
	for (int r = 0; r < pg->nrun; r++)
		ut_run_free(&pg->run[r]);
	free(pg->codes);
	free(pg->files);
}

/* The whole page in memory, then one atomic write: never half a page. */
static int write_page(struct page *pg, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	pg->f = open_memstream(&buf, &len);
	if (!pg->f)
		return -errno;
	page(pg);
	err = ferror(pg->f) ? -EIO : 0;
	if (fclose(pg->f) && !err)
		err = -errno;
	pg->f = NULL;
	if (!err)
		err = ut_write_atomic(path, buf, len);
	free(buf);
	return err;
}

int ut_report_main(const char *const *dirs, int n, const char *output, FILE *out, FILE *err)
{
	char why[PATH_MAX + 512], path[PATH_MAX + 32];
	struct page pg = { 0 };
	int rc = UT_EXIT_USAGE, werr;

	for (pg.nrun = 0; pg.nrun < n && pg.nrun < 2; pg.nrun++)
		if (ut_run_load(dirs[pg.nrun], &pg.run[pg.nrun], why, sizeof(why))) {
			fprintf(err, "undertow: report: %s\n", why);
			goto out;
		}
	if ((pg.nrun > 1 && ut_diff_runs(&pg.run[0], &pg.run[1], &pg.diff)) ||
	    collect_codes(&pg) || collect_files(&pg)) {
		fprintf(err, "undertow: report: out of memory\n");
		goto out;
	}
	if (output)
		snprintf(path, sizeof(path), "%s", output);
	else
		snprintf(path, sizeof(path), "%s/report.html", pg.run[0].dir);
	werr = write_page(&pg, path);
	if (werr) {
		fprintf(err, "undertow: report: writing %s: %s\n", path, strerror(-werr));
		goto out;
	}
	fprintf(out, "report: %s\n", path);
	rc = UT_EXIT_PASS;
out:
	page_free(&pg);
	return rc;
}

int ut_cmd_report(const struct ut_opts *o)
{
	return ut_report_main(o->runs, o->nruns, o->output, stdout, stderr);
}
