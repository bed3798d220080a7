/* SPDX-License-Identifier: GPL-2.0 */
/* spawn.h - run a helper program (mkfs) with a time bound. */
#ifndef UT_SPAWN_H
#define UT_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

/* Is @prog on PATH (or a path that exists)? */
bool ut_have_prog(const char *prog);
/*
 * Run argv[0] (PATH search), stdout to /dev/null, stderr captured into
 * @err (first @sz - 1 bytes).  Killed after @timeout_s.  Returns its exit
 * status, or -errno (-ETIMEDOUT when killed).
 */
int ut_run_cmd(char *const argv[], double timeout_s, char *err, size_t sz);

#endif
