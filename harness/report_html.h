/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report_html.h - rendering the report model (report_model.h) as one
 * self-contained HTML page: report_html.c writes the page and its shared
 * pieces (badges, change tags), report_var.c one variant's section.
 */
#ifndef UT_REPORT_HTML_H
#define UT_REPORT_HTML_H

#include <stdio.h>

#include "report_model.h"

struct ut_html {
	FILE *f;
	const struct ut_rpt *m;
};

/* The whole page of @m to @f. */
void ut_html_page(FILE *f, const struct ut_rpt *m);
/* The per-function coverage table, when a run recorded coverage. */
void ut_html_coverage(struct ut_html *h);
/* Blocks and lines (an instrumented overlay.ko): shares, per function, the marked source. */
void ut_html_lines(struct ut_html *h);
/* The section of variant @idx (m->var[idx]). */
void ut_html_variant(struct ut_html *h, int idx);

/* @s escaped. */
void ut_html_esc(struct ut_html *h, const char *s);
/* A verdict (or "info") as a coloured badge; an unknown one is grey. */
void ut_html_badge(struct ut_html *h, const char *verdict);
/* A return code's colour square. */
void ut_html_swatch(struct ut_html *h, const char *ret);
/* @n of @calls as a percentage, "<0.1%" for a trace. */
void ut_html_pct(struct ut_html *h, uint64_t n, uint64_t calls);
/* The diff's changes on @file's @role/@op (both NULL: its verdict) as tags. */
void ut_html_change_tags(struct ut_html *h, const char *file, const char *role,
			 const char *op);

#endif
