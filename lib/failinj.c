// SPDX-License-Identifier: GPL-2.0
/*
 * failinj.c - arm and disarm the kernel's fault injection for --fail.
 * The attribute files are the kernel's (fault-injection.rst): each
 * directory has probability, interval, times, task-filter and verbose;
 * failslab adds ignore-gfp-wait, fail_page_alloc ignore-gfp-wait and
 * min-order.  "times" counts down with every failure injected, so the
 * budget minus what is left is the count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "failinj.h"
#include "procfs.h"

#define DEBUGFS		"/sys/kernel/debug"
#define FAIL_BUDGET	1000000000LL	/* "times": far more than a run injects */

static const char *const dirs[UT_FAIL_NATTR] = { "failslab", "fail_page_alloc" };
static const char *const names[UT_FAIL_NATTR] = { "slab", "page" };

/* The files set, in the order they are set; NULL where a directory lacks one. */
enum { F_TIMES, F_INTERVAL, F_FILTER, F_VERBOSE, F_GFP_WAIT, F_MIN_ORDER, F_PROB, F_N };
static const char *const files[F_N] = {
	"times", "interval", "task-filter", "verbose", "ignore-gfp-wait", "min-order",
	"probability",
};

int ut_fail_parse(const char *spec, struct ut_fail_cfg *cfg)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	char *end;
	long pct = 10;

	if (len == 4 && !strncmp(spec, "slab", 4))
		cfg->mask = UT_FAIL_SLAB;
	else if (len == 4 && !strncmp(spec, "page", 4))
		cfg->mask = UT_FAIL_PAGE;
	else if (len == 3 && !strncmp(spec, "all", 3))
		cfg->mask = UT_FAIL_SLAB | UT_FAIL_PAGE;
	else
		return -1;
	if (colon) {
		errno = 0;
		pct = strtol(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end || pct < 1 || pct > 100)
			return -1;
	}
	cfg->percent = (int)pct;
	return 0;
}

void ut_fail_name(const struct ut_fail_cfg *cfg, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s:%d", cfg->mask == (UT_FAIL_SLAB | UT_FAIL_PAGE) ? "all" :
		 cfg->mask == UT_FAIL_SLAB ? "slab" : "page", cfg->percent);
}

static void path_of(char *p, size_t sz, int a, const char *file)
{
	snprintf(p, sz, DEBUGFS "/%s/%s", dirs[a], file);
}

bool ut_fail_available(const struct ut_fail_cfg *cfg, char *why, size_t sz)
{
	char p[128];

	if (access(DEBUGFS "/tracing", F_OK) && access(DEBUGFS "/failslab", F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);	/* not mounted yet? */
	if (access("/proc/self/make-it-fail", W_OK)) {
		snprintf(why, sz, "fault injection unavailable: /proc/self/make-it-fail: %s "
			 "(needs CONFIG_FAULT_INJECTION)", strerror(errno));
		return false;
	}
	for (int a = 0; a < UT_FAIL_NATTR; a++) {
		if (!(cfg->mask & (1u << a)))
			continue;
		path_of(p, sizeof(p), a, "probability");
		if (access(p, W_OK)) {
			snprintf(why, sz, "fault injection unavailable: %s: %s (needs CONFIG_%s "
				 "and CONFIG_FAULT_INJECTION_DEBUG_FS)", p, strerror(errno),
				 a ? "FAIL_PAGE_ALLOC" : "FAILSLAB");
			return false;
		}
	}
	return true;
}

static int set_one(struct ut_fail_saved *s, int a, int f, const char *val)
{
	char p[128], old[32];
	ssize_t n;
	int err;

	path_of(p, sizeof(p), a, files[f]);
	if (access(p, F_OK))
		return f == F_GFP_WAIT || f == F_MIN_ORDER ? 0 : -errno;	/* optional */
	n = ut_read_small(p, old, sizeof(old));
	if (n < 0)
		return (int)n;
	old[strcspn(old, "\n")] = '\0';
	err = ut_write_small(p, val);
	if (err)
		return err;
	snprintf(s->old[a][f], sizeof(s->old[a][f]), "%s", old);
	s->set[a][f] = true;
	return 0;
}

int ut_fail_arm(const struct ut_fail_cfg *cfg, struct ut_fail_saved *s)
{
	char budget[32], pct[16];
	int err = 0;

	memset(s, 0, sizeof(*s));
	snprintf(budget, sizeof(budget), "%lld", FAIL_BUDGET);
	snprintf(pct, sizeof(pct), "%d", cfg->percent);
	for (int a = 0; a < UT_FAIL_NATTR && !err; a++) {
		const char *vals[F_N] = { budget, "1", "Y", "0", "N", "0", pct };

		if (!(cfg->mask & (1u << a)))
			continue;
		s->armed[a] = true;
		for (int f = 0; f < F_N && !err; f++)
			err = set_one(s, a, f, vals[f]);
	}
	if (err)
		ut_fail_restore(s);
	return err;
}

void ut_fail_count(const struct ut_fail_saved *s, long long n[UT_FAIL_NATTR])
{
	char p[128], buf[32];

	for (int a = 0; a < UT_FAIL_NATTR; a++) {
		n[a] = -1;
		path_of(p, sizeof(p), a, "times");
		if (s->armed[a] && s->set[a][F_TIMES] && ut_read_small(p, buf, sizeof(buf)) > 0)
			n[a] = FAIL_BUDGET - strtoll(buf, NULL, 10);
	}
}

/* Probability first (nothing more fails), then the rest, in reverse. */
int ut_fail_restore(struct ut_fail_saved *s)
{
	char p[128], now[32];
	int bad = 0;

	for (int a = 0; a < UT_FAIL_NATTR; a++)
		for (int f = F_N - 1; f >= 0; f--) {
			if (!s->set[a][f])
				continue;
			path_of(p, sizeof(p), a, files[f]);
			ut_write_small(p, s->old[a][f]);
			s->set[a][f] = false;
			if (ut_read_small(p, now, sizeof(now)) < 0 ||
			    (now[strcspn(now, "\n")] = '\0', strcmp(now, s->old[a][f])))
				bad++;
		}
	return bad;
}

int ut_fail_mark(pid_t pid)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/make-it-fail", (int)pid);
	return ut_write_small(p, "1");
}

const char *ut_fail_attr_name(int a)
{
	return a >= 0 && a < UT_FAIL_NATTR ? names[a] : "?";
}
