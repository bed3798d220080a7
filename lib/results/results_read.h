/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results_read.h - one scenario's results file read back into C: the one
 * typed reader of the results contract (README, DESIGN.md section 3) that
 * replay, diff, report and vm-collect share.  Every key's type is checked;
 * which keys must be there depends on what the caller needs.  Strings point
 * into the parsed document, which the record owns.
 */
#ifndef UT_RESULTS_READ_H
#define UT_RESULTS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "coverage.h"
#include "race_res.h"

#define UT_J_MAX_OPS	32	/* ops per role (scenario.h's UT_MAX_OPS) */

/* One return code of an op: "ESTALE" 12 times. */
struct ut_rc_rec {
	const char *name;
	uint64_t n;
};

/* One op of a histogram, its return codes sorted by name. */
struct ut_op_rec {
	const char *name;
	uint64_t calls;		/* "calls", or the sum of the returns without it */
	int64_t effective;	/* calls that reached the op's path; -1: not recorded */
	struct ut_rc_rec *rc;
	int nrc;
};

/* "ops" (the workers') or "mutations" (the mutators'), ops sorted by name. */
struct ut_hist_rec {
	struct ut_op_rec *op;
	int n;
};

struct ut_finding_rec {
	const char *kind;	/* a verdict name, or "info" */
	const char *detail;	/* first line is the one-line reason */
};

/* What the caller needs of the file; the types of all keys are checked anyway. */
#define UT_NEED_SETTINGS	1u	/* name, seed, workers, mutators: to replay it */
#define UT_NEED_OUTCOME		2u	/* name, verdict, ops, mutations, findings */

struct ut_scen_rec {
	json_t *doc;		/* the file: owns every string below */
	const char *name, *variant, *verdict, *reason;	/* "" when absent */
	int64_t seed;		/* -1 when not recorded */
	int workers, mutators;	/* -1 when not recorded */
	double duration_s, runtime_s, hang_timeout_s;	/* 0 when not recorded */
	const char *ovl_options, *backend, *backend_spec, *optset, *replay;
	struct ut_hist_rec ops, muts;
	struct ut_finding_rec *findings;
	int nfindings;
	const char **kmsg;	/* kernel records since the marker */
	int nkmsg;
	struct ut_cov_rec cov;	/* "coverage": status NULL when not recorded */
	struct ut_race_rec race;	/* "race": worker_op NULL when not a --race run */
	uint32_t off[2];	/* "ops_off": ops left out per role (bit = op index), 0 0 when none */
	uint16_t wt[2][UT_J_MAX_OPS];	/* "op_weights": each op's weight per role */
	int nwt[2];		/* how many per role: 0 = as declared */
};

/*
 * Read the scenario file @path.  0, or -errno with one line in @why that
 * starts with @path: -ENOENT etc. when unreadable, -EINVAL when it is not
 * JSON or not an undertow result (a key missing or of the wrong type).
 */
int ut_scen_read(const char *path, unsigned need, struct ut_scen_rec *s, char *why,
		 size_t sz);
void ut_scen_free(struct ut_scen_rec *s);

/* The op named @op, or NULL. */
const struct ut_op_rec *ut_hist_find(const struct ut_hist_rec *h, const char *op);
/* How often @op returned @code (0 when never). */
uint64_t ut_op_count(const struct ut_op_rec *op, const char *code);
/* Calls of all ops of @h. */
uint64_t ut_hist_calls(const struct ut_hist_rec *h);

/* A file stem a run may name: one path component, no leading dot. */
bool ut_result_stem_ok(const char *stem);
/* The folder of an exploration's kept variants, in its run directory. */
#define UT_CORPUS	"corpus"
/* A row's file: a stem, or corpus/ and a stem. */
bool ut_result_file_ok(const char *file);

#endif
