/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ops.h - the op library scenarios declare their workers and mutators from.
 *
 * Every op takes its dirfd from op->at (merged root, a held dirfd, or a real
 * layer root), its names from the op's pool, and op->arg as flags.  The same
 * op serves a worker (through the overlay) and a mutator (on a layer).
 */
#ifndef UT_OPS_H
#define UT_OPS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>	/* RENAME_* */
#include <sys/stat.h>

#include "scenario.h"

/* -errno of the last failed call when r < 0, else r (evaluated once). */
static inline int ut_ret(long r)
{
	return r < 0 ? -errno : (int)r;
}
#define UT_RET(r) ut_ret(r)

/* The dirfd op->at names; a held dirfd is picked at random and recorded. */
static inline int ut_dirfd(struct ut_ctx *c, const struct ut_op *op)
{
	if (op->at == UT_AT_HELD) {
		int h;

		if (!c->nheld)
			return c->fd[UT_AT_MERGED];
		if (__builtin_expect(c->pin_held > 0 && c->pin_held <= c->nheld, 0))
			h = c->pin_held - 1;
		else
			h = ut_rng_below(&c->rng, c->nheld);
		c->te->held = h;
		return c->held[h];
	}
	return c->fd[op->at];
}

/* A random (or --race's pinned) name from the op's pool, recorded in the trace ring. */
static inline const char *ut_pick(struct ut_ctx *c, const struct ut_op *op)
{
	const char *const *pool = op->names ? op->names : c->sc->names;
	uint32_t n = c->npool[op - c->ops];
	const char *s;

	if (__builtin_expect(c->pin && *c->pin, 0))
		s = *c->pin++;
	else
		s = n ? pool[ut_rng_below(&c->rng, n)] : ".";

	if (!c->te->a)
		c->te->a = s;
	else
		c->te->b = s;
	return s;
}

/* Lookups and metadata */
int ut_op_stat(struct ut_ctx *c, const struct ut_op *op);	/* fstatat */
int ut_op_statx(struct ut_ctx *c, const struct ut_op *op);
int ut_op_access(struct ut_ctx *c, const struct ut_op *op);	/* faccessat2 */
int ut_op_readlink(struct ut_ctx *c, const struct ut_op *op);
int ut_op_chmod(struct ut_ctx *c, const struct ut_op *op);	/* fchmodat */
int ut_op_utimens(struct ut_ctx *c, const struct ut_op *op);
/* Opens: arg = extra open flags */
int ut_op_open(struct ut_ctx *c, const struct ut_op *op);	/* O_RDONLY */
int ut_op_openat2(struct ut_ctx *c, const struct ut_op *op);	/* arg = RESOLVE_* */
int ut_op_creat(struct ut_ctx *c, const struct ut_op *op);	/* O_CREAT|O_WRONLY */
int ut_op_read(struct ut_ctx *c, const struct ut_op *op);
int ut_op_write(struct ut_ctx *c, const struct ut_op *op);	/* copies up */
int ut_op_truncate(struct ut_ctx *c, const struct ut_op *op);	/* arg = size */
int ut_op_setxattr(struct ut_ctx *c, const struct ut_op *op);	/* user.undertow */
/* Namespace changes: arg = flags where the call takes them */
int ut_op_mkdir(struct ut_ctx *c, const struct ut_op *op);
int ut_op_rmdir(struct ut_ctx *c, const struct ut_op *op);
int ut_op_unlink(struct ut_ctx *c, const struct ut_op *op);
int ut_op_rename(struct ut_ctx *c, const struct ut_op *op);	/* renameat2 */
int ut_op_link(struct ut_ctx *c, const struct ut_op *op);
int ut_op_symlink(struct ut_ctx *c, const struct ut_op *op);
int ut_op_whiteout(struct ut_ctx *c, const struct ut_op *op);	/* mknod c 0 0 */
int ut_op_unwhiteout(struct ut_ctx *c, const struct ut_op *op);	/* unlink a whiteout only */
/* Directories */
int ut_op_getdents(struct ut_ctx *c, const struct ut_op *op);	/* lseek 0 + read a held dirfd */
int ut_op_readdir(struct ut_ctx *c, const struct ut_op *op);	/* open a name, read it */
int ut_op_walk(struct ut_ctx *c, const struct ut_op *op);	/* readdir + fstatat each entry */
/* Compound mutations on a real layer */
int ut_op_rmtree(struct ut_ctx *c, const struct ut_op *op);	/* remove a subtree */
int ut_op_recreate(struct ut_ctx *c, const struct ut_op *op);	/* rmtree + reseed it: new inodes */
int ut_op_replace(struct ut_ctx *c, const struct ut_op *op);	/* unlink + create a file */
int ut_op_save(struct ut_ctx *c, const struct ut_op *op);	/* write NAME.ut-save, rename over */
/* Metadata on a real layer (ops_meta.c) */
int ut_op_opaque(struct ut_ctx *c, const struct ut_op *op);	/* toggle a dir's opaque mark */
int ut_op_touch_meta(struct ut_ctx *c, const struct ut_op *op);	/* restore: xattr, mode, times */
#define UT_RESTORED_SEC	1577836800	/* touch_meta's times: a backup's (2020-01-01) */
/* Overlay's opaque xattr: user.overlay.opaque when mounted with userxattr. */
const char *ut_ovl_opaque_xattr(bool userxattr);
/* The kernel's caches (ops_reclaim.c) */
int ut_op_reclaim(struct ut_ctx *c, const struct ut_op *op);	/* drop unused dentries, inodes */

/*
 * prepare() of the VM-only selftests driven by tests/kmod/ut_fault.ko:
 * -EOPNOTSUPP (skip) outside undertow's VM or without the module; else
 * names the process after the scenario, which is what the module matches.
 */
int ut_prepare_vm_fault(struct ut_ctx *c);
/*
 * prepare() of the VM-only selftests driven by tests/kmod/ut_debug.ko on
 * a debug kernel: -EOPNOTSUPP (skip) outside undertow's VM or without the
 * module; else the module does the scenario's bug (a use-after-free, an
 * AB-BA lock order or a leak) in this task.
 */
int ut_prepare_vm_debug(struct ut_ctx *c);

/* Seeding, also used by the harness before mount. */
int ut_seed_entry(int dirfd, const char *spec);		/* spec without "L:" */
int ut_seed_layer(int dirfd, const char *const *seed, char layer, const char *prefix);
int ut_rmtree_at(int dirfd, const char *name, int depth);

#endif
