// SPDX-License-Identifier: GPL-2.0
/* blkcov.c - the collector's debugfs files read and written (blkcov.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "blkcov.h"
#include "procfs.h"
#include "tracefs.h"

/* An ELF note: namesz, descsz, type, "GNU\0", then the id. */
#define NOTE	"/sys/module/overlay/notes/.note.gnu.build-id"

int ut_blkcov_present(char *why, size_t sz)
{
	if (access(UT_BLKCOV_DIR, F_OK) < 0 && access("/sys/kernel/debug/tracing", F_OK) < 0)
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);	/* not mounted yet? */
	if (access(UT_BLKCOV_DIR "/pcs", R_OK) == 0)
		return 0;
	snprintf(why, sz, "%s: %s (overlay.ko is not one harness/covko.sh built)", UT_BLKCOV_DIR,
		 strerror(errno));
	return -ENOENT;
}

int ut_blkcov_reset(char *why, size_t sz)
{
	int err = ut_write_small(UT_BLKCOV_DIR "/reset", "1\n");

	if (err)
		snprintf(why, sz, "%s/reset: %s", UT_BLKCOV_DIR, strerror(-err));
	return err;
}

int ut_blkcov_parse(const char *text, struct ut_pc *pcs, int cap, int *bad)
{
	int n = 0, ln = 1;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL, ln++) {
		unsigned long long hits;
		long off;
		int used;

		if (*l == '\n')
			continue;
		if (sscanf(l, "%ld %llu%n", &off, &hits, &used) != 2 || (l[used] && l[used] != '\n') ||
		    n >= cap) {
			*bad = ln;
			return -1;
		}
		pcs[n++] = (struct ut_pc){ off, hits };
	}
	return n;
}

int ut_blkcov_read(struct ut_pc **pcs, int *n, char *why, size_t sz)
{
	char *text = ut_tracefs_read(UT_BLKCOV_DIR, "pcs", NULL);
	int cap = 1, bad = 0;

	*pcs = NULL;
	*n = 0;
	if (!text) {
		snprintf(why, sz, "%s/pcs: %s", UT_BLKCOV_DIR, strerror(errno));
		return -EIO;
	}
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	if (!(*pcs = calloc(cap, sizeof(**pcs)))) {
		free(text);
		snprintf(why, sz, "out of memory");
		return -ENOMEM;
	}
	*n = ut_blkcov_parse(text, *pcs, cap, &bad);
	free(text);
	if (*n < 0) {
		snprintf(why, sz, "%s/pcs:%d: want \"OFFSET HITS\"", UT_BLKCOV_DIR, bad);
		free(*pcs);
		*pcs = NULL;
		*n = 0;
		return -EIO;
	}
	return 0;
}

long ut_blkcov_dropped(void)
{
	char text[256], *p;
	long n = -1;

	if (ut_read_small(UT_BLKCOV_DIR "/info", text, sizeof(text)) > 0 &&
	    (p = strstr(text, "dropped ")))
		sscanf(p + 8, "%ld", &n);
	return n;
}

void ut_blkcov_build_id(char *hex, size_t sz)
{
	unsigned char b[256];
	FILE *f = fopen(NOTE, "re");
	size_t len = f ? fread(b, 1, sizeof(b), f) : 0;
	unsigned int namesz, descsz, at, o = 0;

	hex[0] = '\0';
	if (f)
		fclose(f);
	if (len < 12)
		return;
	memcpy(&namesz, b, 4);
	memcpy(&descsz, b + 4, 4);
	at = 12 + ((namesz + 3) & ~3u);
	for (unsigned int i = 0; i < descsz && at + i < len && o + 3 <= sz; i++)
		o += snprintf(hex + o, sz - o, "%02x", b[at + i]);
}
