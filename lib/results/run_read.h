/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run_read.h - a run directory read back into C: run.json and the results
 * file of every variant it lists, each checked (results_read.h).  diff and
 * report compare and show these; vm-collect reads run.json frames with it.
 */
#ifndef UT_RUN_READ_H
#define UT_RUN_READ_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "results_read.h"

/* One variant of a run: a row of run.json and its <file>.json. */
struct ut_run_var {
	const char *file;	/* file stem: "lower-dir-rename@fuse" */
	const char *name, *variant;
	const char *verdict;	/* the file's; the row's (or "?") without a file */
	struct ut_scen_rec res;
	bool have_res;		/* false: the file is missing, err says so */
	char err[PATH_MAX + 64];
};

struct ut_run_rec {
	char dir[PATH_MAX];	/* the directory read (a results dir's latest) */
	json_t *doc;		/* run.json: owns every string below */
	const char *run_id;	/* run.json's, else the directory's name */
	const char *kernel, *start, *end, *kmemleak;	/* NULL when not recorded */
	const char **argv;
	int argc;
	int64_t seed;		/* -1 when not recorded */
	int complete, unprivileged;	/* 1, 0, or -1 when not recorded */
	struct ut_run_var *v;
	int n;
	char id_buf[NAME_MAX + 1];
};

/*
 * Read the run in @dir (or in @dir/latest when @dir is a results
 * directory): run.json and every variant's file.  0, or -errno with one
 * line in @why that starts with the path at fault.  A variant whose file
 * is missing is kept (have_res false); any other unreadable, non-JSON or
 * foreign file fails the whole read.
 */
int ut_run_read(const char *dir, struct ut_run_rec *r, char *why, size_t sz);
/* run.json alone, from @len bytes at @buf named @label in errors; no files read. */
int ut_run_parse(const char *buf, size_t len, const char *label, struct ut_run_rec *r,
		 char *why, size_t sz);
void ut_run_free(struct ut_run_rec *r);
/*
 * The union of the coverage of @r's variants into @u (status NULL when
 * none recorded any): hits summed, and per function the variants that
 * reached it; names point into @r.  0 or -ENOMEM.  ut_cov_free() it.
 */
int ut_run_coverage(const struct ut_run_rec *r, struct ut_cov_rec *u);
/* The variant with file stem @file, or NULL. */
const struct ut_run_var *ut_run_find(const struct ut_run_rec *r, const char *file);

#endif
