/* SPDX-License-Identifier: GPL-2.0 */
/* results.h - a scenario's result, as JSON on disk (written atomically). */
#ifndef UT_RESULTS_H
#define UT_RESULTS_H

#include <limits.h>
#include <stdint.h>
#include <jansson.h>

#include "rundir.h"
#include "scenario.h"
#include "verdict.h"

/* Return histogram of one op: calls and returns by bucket (0 = OK). */
struct ut_hist {
	const char *name;
	uint64_t calls;
	uint64_t ret[UT_NBUCKET];
	uint64_t effective;		/* calls that reached the op's path */
};

struct ut_result {
	char name[64];
	char variant[96];
	enum ut_verdict verdict;
	char reason[256];		/* one line, for KTAP */
	uint64_t seed;
	double duration_s, runtime_s, hang_timeout_s;
	int workers, mutators;
	char ovl_options[512];
	char backend[32];
	char backend_spec[PATH_MAX * 2 + 8];	/* "-b" form: "ext4", "path:/a,/b" */
	char optset[256];			/* "-o" form: a set name or options */
	char race[136];				/* "--race" form: "W:M", "" = the op mix */
	uint32_t off[2];			/* ops left out per role (--ops-off), read back */
	uint16_t wt[2][UT_MAX_OPS];		/* op weights per role (--op-weights), read back */
	int nwt[2];				/* per role: 0 = as declared */
	struct ut_hist ops[UT_MAX_OPS], muts[UT_MAX_OPS];
	int nops, nmuts;
	struct ut_findings findings;
	char replay[PATH_MAX * 3];
	json_t *extra;			/* procs, snapshots: owned, may be NULL */
	/* The kernel log holds a report the emulator made (kreport.h): run it again. */
	bool emulator_fault;
};

/* The errno bucket's key: "OK", "ENOENT", ... */
const char *ut_bucket_name(int bucket);
/* The @n most frequent returns of all ops as "ENOENT:12 OK:9", into buf. */
void ut_top_returns(const struct ut_hist *h, int nh, int n, char *buf, size_t sz);
uint64_t ut_total_calls(const struct ut_hist *h, int nh);

json_t *ut_result_json(const struct ut_result *r);
/* The findings as [{kind, detail}], kind "info" for information. */
json_t *ut_findings_json(const struct ut_findings *f);
/* Append a variant's row to run.json's "scenarios" (@file: its file stem).  0 or -errno. */
int ut_run_row_add(json_t *run, const char *file, const char *name, const char *variant,
		   enum ut_verdict v, double duration_s);
/*
 * Read back what replay needs (name, seed, settings) through the typed
 * reader (results_read.h).  0, or -EINVAL with "PATH: what" in @why.
 */
int ut_result_load(const char *path, struct ut_result *r, char *why, size_t whysz);
void ut_result_free(struct ut_result *r);

#endif
