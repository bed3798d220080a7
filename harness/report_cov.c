// SPDX-License-Identifier: GPL-2.0
/*
 * report_cov.c - the report's function coverage (--coverage): per
 * overlayfs function probed, its hits and the variants that reached it in
 * each run (the union of the run's variants), the diff's gained/lost tags,
 * and the scenarios that aim at it, a missed aim in red.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_html.h"

static bool has(const struct ut_cov_rec *c)
{
	return c->status && !strcmp(c->status, "ok");
}

/* "A: 184 of 244 functions reached" or why there is no coverage. */
static void summary(struct ut_html *h)
{
	fputs("<p class=\"sub\">", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		const struct ut_cov_rec *c = &h->m->cov[r];

		if (h->m->nrun > 1)
			fputs(r ? "; B: " : "A: ", h->f);
		if (has(c)) {
			fprintf(h->f, "%d of %d functions probed reached", ut_cov_reached(c), c->nfn);
		} else {
			fputs(c->status ? c->status : "none recorded", h->f);
			if (c->reason && *c->reason) {
				fputs(" (", h->f);
				ut_html_esc(h, c->reason);
				fputc(')', h->f);
			}
		}
	}
	fputs(". Counted over the run's own processes; a clone such as "
	      "<code>.part.0</code> counts for its function.</p>\n", h->f);
}

static void hits_cells(struct ut_html *h, const struct ut_fn_rec *f)
{
	if (!f)
		fputs("<td class=\"none\">-</td><td></td>", h->f);
	else if (!f->hits)
		fputs("<td class=\"num none\">0</td><td></td>", h->f);
	else
		fprintf(h->f, "<td class=\"num\">%llu</td><td class=\"num\">%d</td>",
			(unsigned long long)f->hits, f->variants);
}

/* The variants of either run that aim at @fn; a miss in red. */
static void aimed_by(struct ut_html *h, const char *fn)
{
	fputs("<td>", h->f);
	for (int r = 0; r < h->m->nrun; r++)
		for (int i = 0; i < h->m->run[r].n; i++) {
			const struct ut_run_var *v = &h->m->run[r].v[i];

			if (r && ut_run_find(&h->m->run[0], v->file))
				continue;	/* named once, A's word first */
			for (int k = 0; v->have_res && k < v->res.cov.naim; k++) {
				const struct ut_aim_rec *a = &v->res.cov.aim[k];

				if (strcmp(a->name, fn))
					continue;
				fprintf(h->f, "<span%s>", a->reached == 0 ? " class=\"miss\"" : "");
				ut_html_esc(h, v->file);
				fputs(a->reached == 0 ? " (missed)" : "", h->f);
				fputs("</span> ", h->f);
			}
		}
	fputs("</td>", h->f);
}

static void row(struct ut_html *h, const char *fn)
{
	fputs("<tr><td><code>", h->f);
	ut_html_esc(h, fn);
	fputs("</code></td>", h->f);
	for (int r = 0; r < h->m->nrun; r++)
		hits_cells(h, ut_cov_find(&h->m->cov[r], fn));
	if (h->m->nrun > 1) {
		fputs("<td>", h->f);
		ut_html_change_tags(h, UT_DIFF_ALL, "coverage", fn);
		fputs("</td>", h->f);
	}
	aimed_by(h, fn);
	fputs("</tr>\n", h->f);
}

static void head(struct ut_html *h)
{
	fputs("<table class=\"ovw fn\"><tr><th>function</th>", h->f);
	for (int r = 0; r < h->m->nrun; r++) {
		const char *tag = h->m->nrun < 2 ? "" : r ? "B " : "A ";

		fprintf(h->f, "<th>%shits</th><th>%svariants</th>", tag, tag);
	}
	if (h->m->nrun > 1)
		fputs("<th>A &rarr; B</th>", h->f);
	fputs("<th>aimed at by</th></tr>\n", h->f);
}

void ut_html_coverage(struct ut_html *h)
{
	const struct ut_cov_rec *a = &h->m->cov[0], *b = &h->m->cov[1];
	int i = 0, j = 0;

	if (!a->status && (h->m->nrun < 2 || !b->status))
		return;		/* run without --coverage */
	fputs("<h2>overlayfs functions</h2>\n", h->f);
	summary(h);
	if (!has(a) && (h->m->nrun < 2 || !has(b)))
		return;
	head(h);
	/* Both unions are sorted by name: one merge. */
	while (i < a->nfn || j < b->nfn) {
		int o = i >= a->nfn ? 1 : j >= b->nfn ? -1 : strcmp(a->fn[i].name, b->fn[j].name);

		row(h, o <= 0 ? a->fn[i].name : b->fn[j].name);
		i += o <= 0;
		j += o >= 0;
	}
	fputs("</table>\n", h->f);
}
