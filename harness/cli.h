/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - the command line: commands, run options, usage errors. */
#ifndef UT_CLI_H
#define UT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "failinj.h"
#include "scenario.h"

#define UT_MAX_CHOICES 32

enum ut_cmd { UT_CMD_HELP, UT_CMD_LIST, UT_CMD_RUN, UT_CMD_REPLAY, UT_CMD_REPRO, UT_CMD_DIFF, UT_CMD_REPORT,
	      UT_CMD_MERGE };

#define UT_EXIT_PASS	0
#define UT_EXIT_FAIL	1
#define UT_EXIT_USAGE	2
#define UT_EXIT_SKIP	4	/* kselftest's KSFT_SKIP */

struct ut_opts {
	enum ut_cmd cmd;
	double time_s;		/* 0 = scenario's default */
	int workers, mutators;	/* -1 = sized to the machine */
	uint64_t seed;
	bool seed_set;
	double hang_timeout;
	const char *results;
	const char *replay;	/* RESULT_JSON for replay and repro */
	int tries;		/* repro: runs to reproduce the finding, 0 = 10 */
	double budget_s;	/* repro: time for minimising, 0 = 600 s */
	const char *script;	/* repro --script FILE: emit these steps, re-run nothing */
	bool sysrq;		/* sysrq-w on a hang */
	bool coverage;		/* --coverage: overlayfs functions reached */
	struct ut_fail_cfg fail;	/* --fail: fault injection, mask 0 = off */
	const char *backends[UT_MAX_CHOICES];	/* -b, each checked */
	int nbackends;
	const char *optsets[UT_MAX_CHOICES];	/* -o: set names or option strings */
	int noptsets;
	const char *matrix;	/* "quick", "full" or NULL */
	int shard_k, shard_n;	/* --shard K/N, 0/0 = all */
	const char *stream;	/* --stream PATH|-: frame results files there */
	const char *race;	/* --race W:M: one worker op against one mutator op */
	uint32_t off[2];	/* --ops-off W:M: ops left out of the mix per role (bit = op index) */
	bool off_set;
	uint16_t wt[2][UT_MAX_OPS];	/* --op-weights W:M: each op's weight per role, 0 = declared */
	int nwt[2];		/* weights given per role: 0 (declared) or the role's op count */
	double explore_s;	/* --explore SECS: coverage-guided exploration, 0 = off */
	char **sel;		/* scenario names or tags; merge: the run directories */
	int nsel;
	const char *runs[2];	/* diff, report: run directories */
	int nruns;
	const char *output;	/* diff, report: -O/--output FILE */
};

/* 0, or -1 with one line in @err (exit 2). */
int ut_parse_args(int argc, char **argv, struct ut_opts *o, char *err, size_t errsz);
void ut_usage(FILE *f);
/* --ops-off W:M: two op masks (0x.. allowed).  0 or -1. */
int ut_parse_ops_off(const char *s, uint32_t off[2]);
/* --op-weights W:M: two comma lists of weights 1..1000, either empty.  0 or -1. */
int ut_parse_op_weights(const char *s, uint16_t wt[2][UT_MAX_OPS], int nwt[2]);
int ut_default_workers(void);
int ut_default_mutators(void);

#endif
