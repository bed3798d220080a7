/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kreport.h - one line that sums up a KASAN or lockdep report, from the
 * kernel log records that hold it (one line each, as the kernel prints
 * them): for KASAN the bug type, the access (type, size, task), the first
 * overlayfs frame and whether the alloc and free stacks are there; for
 * lockdep the kind of splat and the chain of locks it names.
 */
#ifndef UT_KREPORT_H
#define UT_KREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/*
 * If record @i of @lines (a JSON array of strings) starts a KASAN report
 * ("BUG: KASAN: ...") or a lockdep splat, write its summary into @out and
 * return true.
 */
bool ut_kreport_summary(const json_t *lines, size_t i, char *out, size_t sz);

#endif
