/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmsg.h - read kernel log records written after a point and classify them.
 *
 * Record format (Documentation/ABI/testing/dev-kmsg):
 *   "pri,seq,ts_usec,flags[,more...];message\n[ KEY=value\n]..."
 * with pri = facility * 8 + level.  Kernel records have facility 0,
 * lines written to /dev/kmsg from userspace get facility 1 (LOG_USER).
 */
#ifndef UT_KMSG_H
#define UT_KMSG_H

#include <stddef.h>
#include <stdint.h>

#define UT_KMSG_BUF		8192	/* >= the kernel's largest record */
#define UT_KMSG_MARK_MAX	512	/* longest marker line, with prefix */
#define UT_KMSG_DRAIN_MAX	65536	/* reads per ut_kmsg_drain() call */

struct ut_kmsg_rec {
	int facility;
	int level;
	uint64_t seq;
	uint64_t ts_us;
	const char *msg;	/* into the raw record; NUL-ended only in drain */
	size_t len;
};

/*
 * Parse one raw record.  msg/len cover the text up to the first '\n';
 * continuation (" KEY=value") lines are dropped.  0 or -EINVAL.
 */
int ut_kmsg_parse(const char *raw, size_t len, struct ut_kmsg_rec *out);

enum ut_kmsg_class { UT_KM_NONE, UT_KM_CRASH, UT_KM_HANG, UT_KM_LEAK };

/*
 * Classify one parsed record.  Only facility 0 (kernel) records can be
 * anything but UT_KM_NONE.  If why is not NULL, *why gets the matched
 * pattern's short name (static string), or NULL for UT_KM_NONE.
 */
enum ut_kmsg_class ut_kmsg_classify(const struct ut_kmsg_rec *r,
				    const char **why);

/* "none", "crash", "hang", "leak" ("?" for anything else). */
const char *ut_kmsg_class_name(enum ut_kmsg_class cls);

/*
 * The pid a hung-task report names ("INFO: task comm:pid blocked for more
 * than N seconds."), or -1 if @r is not one.  Such reports cover every
 * task on the system, so the harness attributes them by pid.
 */
int ut_kmsg_task_pid(const struct ut_kmsg_rec *r);

struct ut_kmsg {
	int fd;
	int lost;		/* records overwritten before we read them */
	/* private: sequence tracking for @lost */
	int have_seq;
	int epipe;
	uint64_t next_seq;
};

/*
 * Open /dev/kmsg positioned at its end, so only records logged from now
 * on are read.  0 or -errno (k->fd is -1 on failure).
 */
int ut_kmsg_open(struct ut_kmsg *k);

/*
 * Log one line "undertow: <text>" via a fresh O_WRONLY open of /dev/kmsg
 * (the kernel rate-limits per open file).  Newlines in the text become
 * spaces; text longer than UT_KMSG_MARK_MAX is cut.  0 or -errno.
 */
int ut_kmsg_mark(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * rec->msg points into a buffer that is only valid during the call; here
 * it is also NUL-terminated at rec->len.  why is NULL when cls is
 * UT_KM_NONE.
 */
typedef void (*ut_kmsg_cb)(const struct ut_kmsg_rec *r,
			   enum ut_kmsg_class cls, const char *why, void *arg);

/*
 * Read every record available now without blocking and call cb (may be
 * NULL) for each.  Overwritten records (EPIPE) are counted in k->lost.
 * Records that do not parse are skipped.  At most UT_KMSG_DRAIN_MAX reads
 * are done per call so a flooding kernel cannot keep us here: when the
 * result is large, call again (a call that returns 0 found the log idle).
 * Returns the number of records delivered or -errno (records already
 * delivered stay delivered).
 */
int ut_kmsg_drain(struct ut_kmsg *k, ut_kmsg_cb cb, void *arg);

void ut_kmsg_close(struct ut_kmsg *k);

#endif
