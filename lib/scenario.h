/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - what a scenario declares and what its ops see.
 *
 * A scenario is one file in scenarios/ holding one struct ut_scenario and a
 * UT_REGISTER() line.  The pointer lands in the "ut_scenarios" ELF section,
 * so adding a scenario needs no other edit.
 */
#ifndef UT_SCENARIO_H
#define UT_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stddef.h>

#include "errname.h"
#include "prng.h"

#define UT_MAX_OPS	32	/* per role */
#define UT_MAX_HELD	16	/* dirfds held by each worker */
#define UT_MAX_LOWER	4
#define UT_RING		64	/* last ops kept per process */
#define UT_PENDING	INT32_MIN	/* ring entry of an op still running */

/* Where an op's *at() calls are rooted. */
enum ut_where {
	UT_AT_MERGED = 0,	/* dirfd on the overlay root */
	UT_AT_HELD,		/* a random dirfd held since start (workers) */
	UT_AT_LOWER0,		/* real lower layer 0 (mutators) ... */
	UT_AT_LOWER1,
	UT_AT_LOWER2,
	UT_AT_LOWER3,
	UT_AT_UPPER,		/* real upper layer (mutators) */
	UT_AT_NR
};

struct ut_ctx;
struct ut_op;

/* Returns 0 (or a byte count) on success, -errno on failure. */
typedef int (*ut_op_fn)(struct ut_ctx *c, const struct ut_op *op);

/*
 * An op is "effective" when it reached the path it exists for.  By
 * default that is a success; the op function can say otherwise with
 * ut_reached() (a write whose open for write succeeded did copy up, even
 * if the write failed), and the table can list errnos that still mean
 * the path ran (.reach: ENOENT from a lookup under a dead dirfd).
 */
struct ut_op {
	const char *name;		/* recorded name, unique in its role */
	ut_op_fn fn;
	unsigned weight;
	enum ut_where at;
	const char *const *names;	/* name pool; NULL = scenario's */
	long arg;			/* op-specific: flags, mode, size */
	const int *reach;		/* errnos that are effective too; 0 ends */
};

struct ut_scenario {
	const char *name;
	const char *desc;		/* one line */
	const char *tags;		/* space separated */
	int lowers;			/* number of lower layers, >= 1 */
	bool no_upper;			/* lower-only (read-only) overlay */
	const char *ovl_opts;		/* required overlay options, or NULL */
	const char *backend;		/* lower backend it needs ("fuse"), NULL = any */
	const char *incompatible;	/* overlay option keys it cannot run with */
	bool needs_root;		/* cannot run in a user namespace */
	/*
	 * Lost data (det_bystander.c): the runner writes files under
	 * ut-bystander/ through the overlay while the scenario runs, a subtree
	 * no op of the scenario may name, and checks them at the end and after
	 * a remount.  For scenarios with an upper layer.
	 */
	bool bystander;
	/*
	 * Seed entries "L:path[spec]", L = 0..3 (lower) or u (upper):
	 *   "0:d/"        directory        "0:d/f=text"  file with text
	 *   "0:d/f="      empty file       "0:d/l->tgt"  symlink
	 *   "u:d/x!"      whiteout (0/0 char device)
	 */
	const char *const *seed;
	const char *const *hold;	/* merged dirs each worker holds open */
	const char *const *names;	/* default name pool for ops */
	struct ut_op workers[UT_MAX_OPS];	/* ends at .name == NULL */
	struct ut_op mutators[UT_MAX_OPS];
	const int *tolerated;		/* errnos recorded, not failures; 0 ends */
	/*
	 * Errnos this kernel is known to return wrongly here (a bug found,
	 * say which in a comment): reported as "known" on every run, but not
	 * a failure, so a fix or a regression shows in undertow diff.
	 */
	const int *known;
	/*
	 * The overlayfs functions this scenario exists to reach: real,
	 * kprobe-able (not inlined) functions of fs/overlayfs.  A coverage
	 * run (--coverage) says which it reached and which it missed.
	 * Every scenario but the selftests declares some.
	 */
	const char *const *aims;
	unsigned runtime_s;		/* default run time, 0 = harness default */
	/*
	 * Optional: runs once after mount, before the workers fork.  0, or
	 * -EOPNOTSUPP when the stack lacks what the scenario needs (skip).
	 */
	int (*prepare)(struct ut_ctx *c);
	const char *needs;		/* what prepare's -EOPNOTSUPP means, for the skip */
};

/* One entry of a process's trace ring (shared memory). */
struct ut_trace {
	uint16_t op;
	int16_t held;			/* held dirfd index or -1 */
	int32_t ret;			/* UT_PENDING while running */
	const char *a, *b;		/* static pool strings (same in parent) */
};

/* What an op sees.  One per process, private memory. */
struct ut_ctx {
	struct ut_rng rng;
	int idx;			/* process index within its role */
	bool mutator;
	const struct ut_scenario *sc;
	int fd[UT_AT_NR];		/* dirfds: merged root, layer roots */
	int held[UT_MAX_HELD];		/* -1 where the open failed */
	int nheld;
	struct ut_trace *te;		/* ring entry of the current op */
	const struct ut_op *ops;	/* this role's op table */
	uint32_t npool[UT_MAX_OPS];	/* pool size of each op */
	int scratch[8];			/* per-process fds/state ops may keep */
	const char *merged_path;
	const char *layer_path[UT_AT_NR];
	bool userxattr;			/* overlay's own xattrs are user.overlay.* */
	int reached;			/* -1: judge by the return; else set by the op */
	/*
	 * --race (race.c) decides what the next op touches: ut_pick() takes
	 * its names from @pin until the NULL there, ut_dirfd() takes held
	 * dirfd @pin_held - 1.  NULL and 0 (pick at random) otherwise.
	 */
	const char *const *pin;
	int pin_held;
};

/* The op says whether it reached its path, whatever it returns. */
static inline void ut_reached(struct ut_ctx *c, bool yes)
{
	c->reached = yes;
}

#define UT_REGISTER(sc)							\
	static const struct ut_scenario *const ut_reg_##sc		\
	__attribute__((used, section("ut_scenarios"), aligned(sizeof(void *)))) = &sc

extern const struct ut_scenario *const __start_ut_scenarios[];
extern const struct ut_scenario *const __stop_ut_scenarios[];

#define UT_ERRNOS(...) ((const int[]){ __VA_ARGS__, 0 })
#define UT_NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

#endif
