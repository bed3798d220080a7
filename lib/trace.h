/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - what each process did, read from the engine's shared memory:
 * its first and last ops as text, for results and findings.
 */
#ifndef UT_TRACE_H
#define UT_TRACE_H

#include <stddef.h>
#include <jansson.h>

#include "engine.h"

const char *ut_role_name(int role);		/* "worker", "mutator" */
/* "worker 2 (pid 123)" */
void ut_proc_name(const struct ut_engine *e, int i, char *buf, size_t sz);
/* Last ops of process @i, oldest first, the running one included. */
json_t *ut_trace_last(const struct ut_engine *e, int i);
/* First ops of process @i, names only (they repeat for a seed, results do not). */
json_t *ut_trace_first(const struct ut_engine *e, int i);
/* The last @n ops as "\n  op a b = ERR" lines; malloc'd, may be NULL. */
char *ut_trace_last_text(const struct ut_engine *e, int i, int n);
/* procs[] of a result: role, index, pid, ops done, first and last ops. */
json_t *ut_trace_procs(const struct ut_engine *e);

#endif
