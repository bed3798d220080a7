/* SPDX-License-Identifier: GPL-2.0 */
/*
 * script.h - a fixed op sequence per process, instead of the random mix.
 *
 * undertow repro reduces a finding to the ops each process really issued
 * (the trace rings of its result) and runs them again, in order, in a loop:
 * a script.  Its text form is one step a line, as the trace rings print
 * them, behind the process they belong to:
 *
 *   w0 openat_held f1 @held0
 *   m0 rename a b
 *
 * "w"/"m" are worker/mutator, the number the process index; the rest is
 * "OP [NAME [NAME]] [@heldN]" and anything from " = " on (a recorded
 * return) is ignored.  '#' starts a comment line.  Names resolve to the
 * scenario's own pool strings, so a step points at static memory the
 * supervisor can read in the shared trace rings.
 */
#ifndef UT_SCRIPT_H
#define UT_SCRIPT_H

#include <stddef.h>

#include "scenario.h"

struct ut_sstep {
	int op;			/* index in the role's op table */
	int held;		/* held dirfd index, -1 = none */
	const char *a, *b;	/* pool strings, NULL = not picked */
};

struct ut_script_proc {
	int role, idx;		/* enum ut_role, process index in the role */
	int n;
	struct ut_sstep *steps;
};

struct ut_script {
	int nproc;
	struct ut_script_proc *p;
};

/* Append one trace line ("OP a b @heldN = RET") to process @role/@idx.  0 or -1 + @why. */
int ut_script_add(struct ut_script *s, const struct ut_scenario *sc, int role, int idx,
		  const char *line, char *why, size_t sz);
/* Parse the text form.  0 or -1 + @why ("line N: ..."). */
int ut_script_parse(struct ut_script *s, const struct ut_scenario *sc, const char *text,
		    char *why, size_t sz);
/* One step as its line's text after the process ("OP [A [B]] [@heldN]"). */
void ut_script_step_line(const struct ut_scenario *sc, int role, const struct ut_sstep *st,
			 char *buf, size_t sz);
/* The text form; malloc'd. */
char *ut_script_format(const struct ut_script *s, const struct ut_scenario *sc);
/* The steps of a process, or NULL when the script has none for it. */
const struct ut_script_proc *ut_script_find(const struct ut_script *s, int role, int idx);
/* Processes of a role the script needs: highest index + 1. */
int ut_script_count(const struct ut_script *s, int role);
int ut_script_steps(const struct ut_script *s);	/* all processes */
/* Deep copy (steps only; names stay the scenario's). */
void ut_script_copy(struct ut_script *dst, const struct ut_script *src);
void ut_script_free(struct ut_script *s);

#endif
