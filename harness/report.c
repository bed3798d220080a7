// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - undertow report RUN [RUN_B]: read the runs and compute the
 * page (report_model.c), render it in memory (report_html.c), and write it
 * in one atomic step.  Per variant, the workers' and the mutators' return
 * codes as stacked bars, the verdict and the findings with their evidence;
 * with two runs, A and B side by side with the diff's changes marked.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "report_html.h"
#include "rundir.h"

/* The whole page in memory, then one atomic write: never half a page. */
static int write_page(const struct ut_rpt *m, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return -errno;
	ut_html_page(f, m);
	err = ferror(f) ? -EIO : 0;
	if (fclose(f) && !err)
		err = -errno;
	if (!err)
		err = ut_write_atomic(path, buf, len);
	free(buf);
	return err;
}

int ut_report_main(const char *const *dirs, int n, const char *output, FILE *out, FILE *err)
{
	char why[PATH_MAX + 512], path[PATH_MAX + 32];
	struct ut_rpt m;
	int rc = UT_EXIT_USAGE, werr;

	if (ut_rpt_build(&m, dirs, n, why, sizeof(why))) {
		fprintf(err, "undertow: %s\n", why);
		goto out;
	}
	if (output)
		snprintf(path, sizeof(path), "%s", output);
	else
		snprintf(path, sizeof(path), "%s/report.html", m.run[0].dir);
	werr = write_page(&m, path);
	if (werr) {
		fprintf(err, "undertow: %s: cannot write the report: %s\n", path, strerror(-werr));
		goto out;
	}
	fprintf(out, "report: %s\n", path);
	rc = UT_EXIT_PASS;
out:
	ut_rpt_free(&m);
	return rc;
}

int ut_cmd_report(const struct ut_opts *o)
{
	return ut_report_main(o->runs, o->nruns, o->output, stdout, stderr);
}
