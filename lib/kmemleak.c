// SPDX-License-Identifier: GPL-2.0
/* kmemleak.c - drive /sys/kernel/debug/kmemleak. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "kmemleak.h"
#include "procfs.h"

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

static int kcmd(const char *cmd)
{
	return ut_write_small(KMEMLEAK, cmd);
}

bool ut_kmemleak_available(char *why, size_t sz)
{
	if (access(KMEMLEAK, R_OK) && errno == ENOENT &&
	    access("/sys/kernel/debug/tracing", F_OK))	/* debugfs not mounted? */
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (!access(KMEMLEAK, R_OK | W_OK))
		return true;
	snprintf(why, sz, "%s: %s (needs CONFIG_DEBUG_KMEMLEAK)", KMEMLEAK, strerror(errno));
	return false;
}

void ut_kmemleak_clear(void)
{
	kcmd("clear");
}

/* Count "unreferenced object" entries; keep the first lines as evidence. */
static int count_report(char *buf, size_t sz)
{
	char chunk[4096];
	int fd = open(KMEMLEAK, O_RDONLY | O_CLOEXEC), n = 0;
	size_t used = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	buf[0] = '\0';
	while ((r = read(fd, chunk, sizeof(chunk) - 1)) > 0) {
		chunk[r] = '\0';
		for (char *p = chunk; (p = strstr(p, "unreferenced object")); p++)
			n++;
		if (used + 1 < sz) {
			size_t k = (size_t)r < sz - used - 1 ? (size_t)r : sz - used - 1;

			memcpy(buf + used, chunk, k);
			used += k;
			buf[used] = '\0';
		}
	}
	close(fd);
	return n;
}

int ut_kmemleak_scan(char *buf, size_t sz)
{
	int err = kcmd("scan");

	if (err)
		return err;
	sleep(1);
	err = kcmd("scan");
	return err ? err : count_report(buf, sz);
}
