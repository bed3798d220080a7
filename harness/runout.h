/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runout.h - what a run leaves: results/<run-id>/ (run.json, one file per
 * variant, ktap.log, kmsg.log), KTAP on stdout, the table on stderr, and
 * the frames of --stream.
 */
#ifndef UT_RUNOUT_H
#define UT_RUNOUT_H

#include <limits.h>
#include <stdio.h>
#include <jansson.h>

#include "cli.h"
#include "results.h"

struct run_state {
	const struct ut_opts *o;
	char dir[PATH_MAX];		/* results/<run-id> */
	char root[PATH_MAX];		/* private scratch for layers */
	json_t *run;			/* run.json */
	FILE *ktap_log, *kmsg_log;
	int stream;			/* --stream fd, -1 = none */
	int pass, fail, skip, n;
};


/* Make results/<run-id>/ and its logs, point results/latest at it.  0 or -errno. */
int ut_out_open(struct run_state *st, int argc, char **argv, uint64_t seed);
/* @j as @rel ("corpus/001-x.json") in the run directory, atomically, then streamed.  0 or -errno. */
int ut_out_file(struct run_state *st, const char *rel, json_t *j);
/* A variant's kernel records into kmsg.log. */
void ut_out_kmsg(struct run_state *st, const struct ut_result *r);
/* run.json, atomically, then onto the stream. */
int ut_out_run_json(struct run_state *st);
/* Frame a finished results file onto the --stream, if any. */
void ut_out_stream(struct run_state *st, const char *name);
/* A line to stdout and ktap.log alike. */
void ut_out_line(struct run_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One variant's result: its file (fsync'd), run.json, kmsg.log, KTAP lines. */
void ut_out_record(struct run_state *st, int idx, const char *vname, struct ut_result *r);
/* The run's coverage, when it has some: functions, and blocks and lines (an instrumented overlay.ko). */
void ut_out_cov_note(struct run_state *st);
/* Where a long run is, on a terminal's stderr; @i < 0 clears the line. */
void ut_out_progress(const struct run_state *st, int i, int n, double t0, const char *name);
/* The summary table on stderr. */
void ut_out_summary(json_t *rows);
void ut_iso_time(char *buf, size_t sz);

#endif
