/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pathcheck.h - the paths a user hands undertow (path: layers, the results
 * directory, the --stream target), checked at parse time without creating
 * or changing anything, so that a bad one is a usage error before any
 * scenario runs.
 */
#ifndef UT_PATHCHECK_H
#define UT_PATHCHECK_H

#include <stddef.h>

#include "layers.h"

/*
 * "path:LOWER[,UPPER]": each an absolute, existing, writable directory
 * (undertow makes its own directory in each), not so long that ours does
 * not fit below it.  0 with @out filled, or -EINVAL with one line in @err.
 */
int ut_check_path_spec(const char *arg, struct ut_backend_spec *out, char *err, size_t sz);
/*
 * A results directory that exists and is writable, or can be made: its
 * nearest existing ancestor is a writable directory.  0 or -errno.
 */
int ut_check_results_dir(const char *dir, char *err, size_t sz);
/* --stream: "-" (stdout), or an existing file or device we may write. */
int ut_check_stream(const char *path, char *err, size_t sz);

#endif
