/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - undertow report: one self-contained HTML page (inline CSS and
 * SVG, no script, nothing fetched) of one run, or of two side by side.
 */
#ifndef UT_REPORT_H
#define UT_REPORT_H

#include <stdio.h>

/* Write @s HTML-escaped (& < > " ' and control characters) to @f. */
void ut_html_escape(FILE *f, const char *s);
/* The fixed colour of a return code: OK green, ENOENT grey, ESTALE orange, EIO red. */
const char *ut_report_color(const char *ret);

/*
 * The page of @n (1 or 2) run directories to @output (NULL: the first
 * run's report.html).  Errors go as one "undertow: " line to @err.
 * Returns 0, or 2 when a run cannot be read or the page not written.
 */
int ut_report_main(const char *const *dirs, int n, const char *output, FILE *out, FILE *err);

struct ut_opts;
int ut_cmd_report(const struct ut_opts *o);

#endif
