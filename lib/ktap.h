/* SPDX-License-Identifier: GPL-2.0 */
/* ktap.h - KTAP version 1 lines, as kselftest prints them. */
#ifndef UT_KTAP_H
#define UT_KTAP_H

#include <stddef.h>
#include <stdio.h>

#include "verdict.h"

void ut_ktap_header(FILE *f, int ntests);
/*
 * Format one result line: "ok N name", "ok N name # SKIP reason" or
 * "not ok N name # CRASH: reason".  Returns the length (snprintf-style).
 */
int ut_ktap_line(char *buf, size_t sz, int n, const char *name, enum ut_verdict v,
		 const char *reason);
/* "# Totals: pass:P fail:F skip:S" (fail counts every verdict that is not pass/skip). */
void ut_ktap_totals(FILE *f, int pass, int fail, int skip);
/* "# " + text, one line per line of @text. */
void ut_ktap_diag(FILE *f, const char *text);

#endif
