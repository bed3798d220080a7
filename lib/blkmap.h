/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blkmap.h - the block map harness/covko.sh writes beside an instrumented
 * overlay.ko: every block's offset (as the module's collector reports it)
 * with its function and fs/overlayfs line.  Text, one block a line:
 *
 *   # undertow block map 1
 *   build-id HEX
 *   source DIR              (the linux-source tree the module was built from)
 *   sites SECTION N ...     (hook calls per section, init code included)
 *   OFFSET FUNCTION FILE LINE
 *
 * FILE "?" and LINE 0: no line information for that block.
 */
#ifndef UT_BLKMAP_H
#define UT_BLKMAP_H

#include <limits.h>
#include <stddef.h>

#define UT_BLKMAP_MAGIC	"# undertow block map 1"

struct ut_bsite {
	long off;
	const char *fn, *file;	/* point into the map's text */
	int line;
};

struct ut_bmap {
	char build_id[64];
	char source[PATH_MAX];
	struct ut_bsite *s;	/* sorted by offset */
	int n;
	int nlines;		/* distinct FILE:LINE among them, "?" left out */
	char *text;		/* owned: the strings live here */
};

/* Parse @text (taken, freed by ut_bmap_free); @name for messages.  0 or -1 with "NAME:LINE: what". */
int ut_bmap_parse(char *text, const char *name, struct ut_bmap *m, char *why, size_t sz);
/* Read and parse @path.  0 or -1 with why. */
int ut_bmap_load(const char *path, struct ut_bmap *m, char *why, size_t sz);
/* The block at @off, or NULL. */
const struct ut_bsite *ut_bmap_find(const struct ut_bmap *m, long off);
/* "fs/overlayfs/namei.c:123" into @buf; false for a block without a line. */
int ut_bmap_line_key(const struct ut_bsite *s, char *buf, size_t sz);
void ut_bmap_free(struct ut_bmap *m);

#endif
