/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fhandle_ops.h - file-handle ops for overlays mounted with nfs_export=on.
 *
 * Each process keeps up to UT_FH_MAX handles in static memory, one slot per
 * pool name (paths relative to the merged root; op->at is not used).  The
 * first fh op a process runs takes the handle of every name in its pool;
 * a name whose handle cannot be taken keeps that -errno, which ut_fh_open
 * then returns for it.  Handles outlive the objects they were taken of:
 * opening them after the layers changed is the point.
 */
#ifndef UT_FHANDLE_OPS_H
#define UT_FHANDLE_OPS_H

#include "scenario.h"

#define UT_FH_MAX	32	/* pool names with a slot; others get -ENOBUFS */

/*
 * open_by_handle_at(merged root, stored handle of a random pool name,
 * O_RDONLY | arg), then close: 0 or -errno (ESTALE once the object is gone).
 */
int ut_fh_open(struct ut_ctx *c, const struct ut_op *op);
/*
 * name_to_handle_at a random pool name again, so objects created since get
 * handles too.  0 or -errno; on failure the old handle, if any, is kept.
 */
int ut_fh_rehandle(struct ut_ctx *c, const struct ut_op *op);

#endif
