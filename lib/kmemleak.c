// SPDX-License-Identifier: GPL-2.0
/* kmemleak.c - drive /sys/kernel/debug/kmemleak. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double ut_kmemleak_clear(void)
{
	kcmd("clear");
	return mono_now();
}

/*
 * Known leaks that are not the scenario's, by a substring of the report
 * entry.  Objects older than the scenario are left out by age already
 * (the boot's own unreferenced objects: kmemleak reports an object only
 * once it is old enough and scanned, so boot objects can first show up
 * during the first scenario); these are allocated during a scenario by
 * someone else:
 *   comm "swapper/   the idle task: early boot and interrupt context
 *                    allocations kmemleak sees late (percpu and RCU
 *                    bookkeeping), never an overlayfs path.
 */
static const char *const allowed[] = {
	"comm \"swapper/",
};

#define REPORT_MAX	(256 * 1024)	/* of kmemleak's report read */

/* Is this report entry (one "unreferenced object" with its lines) ours? */
static bool counts(const char *e, size_t len, double max_age_s)
{
	char *a = memmem(e, len, "(age ", 5);
	double age;

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (memmem(e, len, allowed[i], strlen(allowed[i])))
			return false;
	/* "jiffies 4295012345 (age 1.234s)" */
	return !(max_age_s > 0 && a && sscanf(a, "(age %lfs", &age) == 1 && age > max_age_s);
}

static int count_report(char *buf, size_t sz, double max_age_s)
{
	int fd = open(KMEMLEAK, O_RDONLY | O_CLOEXEC), n = 0;
	char *all = malloc(REPORT_MAX + 1), *e, *next;
	size_t used = 0, out = 0;
	ssize_t r;

	if (fd < 0 || !all) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		free(all);
		return (int)r;
	}
	while (used < REPORT_MAX && (r = read(fd, all + used, REPORT_MAX - used)) > 0)
		used += (size_t)r;
	close(fd);
	all[used] = '\0';
	buf[0] = '\0';
	for (e = strstr(all, "unreferenced object"); e; e = next) {
		size_t len;

		next = strstr(e + 1, "unreferenced object");
		len = next ? (size_t)(next - e) : strlen(e);
		if (!counts(e, len, max_age_s))
			continue;
		n++;
		if (out + 1 < sz) {
			size_t k = len < sz - out - 1 ? len : sz - out - 1;

			memcpy(buf + out, e, k);
			out += k;
			buf[out] = '\0';
		}
	}
	free(all);
	return n;
}

int ut_kmemleak_scan(char *buf, size_t sz, double since)
{
	int err = kcmd("scan");

	if (err)
		return err;
	sleep(1);
	err = kcmd("scan");
	/* One second of slack for the jiffies kmemleak counts age in. */
	return err ? err : count_report(buf, sz, since > 0 ? mono_now() - since + 1 : 0);
}
