/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blkcov.h - the block collector of an instrumented overlay.ko
 * (harness/covko.sh): its debugfs files, and the module's build id that
 * ties its offsets to a block map (blkmap.h).
 */
#ifndef UT_BLKCOV_H
#define UT_BLKCOV_H

#include <stddef.h>
#include <stdint.h>

#define UT_BLKCOV_DIR	"/sys/kernel/debug/undertow_cov"

/* One block reached: its offset and how often. */
struct ut_pc {
	long off;
	uint64_t hits;
};

/* Is the collector there (debugfs mounted if need be)?  0, or -errno with why. */
int ut_blkcov_present(char *why, size_t sz);
/* Forget every block reached.  0 or -errno with why. */
int ut_blkcov_reset(char *why, size_t sz);
/* The blocks reached so far: *pcs malloc'd, *n of them.  0 or -errno with why. */
int ut_blkcov_read(struct ut_pc **pcs, int *n, char *why, size_t sz);
/* Parse pcs text ("OFFSET HITS" lines) into @pcs (room for @cap).  Count or -1 (bad line @*bad). */
int ut_blkcov_parse(const char *text, struct ut_pc *pcs, int cap, int *bad);
/* Blocks the collector could not place since its last reset (its table full), or -1. */
long ut_blkcov_dropped(void);
/* The loaded overlay module's build id as hex into @hex ("" when unknown). */
void ut_blkcov_build_id(char *hex, size_t sz);

#endif
