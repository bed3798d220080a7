/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kreport.h - one line that sums up a KASAN or lockdep report, from the
 * kernel log records that hold it (one line each, as the kernel prints
 * them): for KASAN the bug type, the access (type, size, task), the first
 * overlayfs frame and whether the alloc and free stacks are there; for
 * lockdep the kind of splat and the chain of locks it names.  And which
 * reports the emulator made, not the kernel.
 */
#ifndef UT_KREPORT_H
#define UT_KREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "verdict.h"

/*
 * If record @i of @lines (a JSON array of strings) starts a KASAN report
 * ("BUG: KASAN: ...") or a lockdep splat, write its summary into @out and
 * return true.
 */
bool ut_kreport_summary(const json_t *lines, size_t i, char *out, size_t sz);

/*
 * If record @i of @lines starts a report the emulator made, not the kernel,
 * say why in @why and return true.  One is known: exc_debug_kernel()'s
 * WARN for a single-step trap in kernel mode (arch/x86/kernel/traps.c,
 * whose comment names QEMU as a known cause), whose register dump shows
 * EFLAGS with reserved bits set; real CPUs never push those, QEMU's TCG
 * has been seen to (qemu 7.2, a Debian 6.12 guest).
 */
bool ut_kreport_emulated(const json_t *lines, size_t i, char *why, size_t sz);

/*
 * Of @f, the crash findings of such reports in @lines (det_kmsg.c's
 * "kernel: <header> [..]") become skips that say why (first line) and
 * name the header (second).  How many did.
 */
int ut_kreport_emulated_findings(const json_t *lines, struct ut_findings *f);

#endif
