// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg.c - read /dev/kmsg records and spot crash, hang and leak reports.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"

#define KMSG_PATH	"/dev/kmsg"
#define MARK_PREFIX	"undertow: "

/*
 * A pattern is a case-sensitive substring, except that a leading '^'
 * anchors it to the start of the message and '*' matches any run of
 * characters.  Anchoring keeps report headers ("BUG:", "WARNING:") from
 * matching text quoted inside other messages, e.g. file names.
 */
struct km_pattern {
	const char *pat;
	enum ut_kmsg_class cls;
	const char *name;
};

/*
 * First match wins, so specific entries come before the generic "BUG:"
 * and "WARNING:" ones: hangs and leaks reported under a "BUG:" header
 * must not be filed as plain crashes.  Only report header lines are
 * listed; "Call Trace:", "cut here" and register dumps follow a header,
 * and matching them would count one report several times.
 */
static const struct km_pattern km_patterns[] = {
	/* Hangs.  Soft lockups print "watchdog: BUG: soft lockup - CPU#.." */
	{ "BUG: soft lockup",			UT_KM_HANG,  "soft-lockup" },
	{ "hard LOCKUP",			UT_KM_HANG,  "hard-lockup" },
	{ "^INFO: task * blocked for more than", UT_KM_HANG, "hung-task" },
	/* "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
	 * "... self-detected stall on CPU", "... detected expedited stalls",
	 * "INFO: rcu_tasks detected stalls on tasks:" */
	{ "INFO: rcu*stall",			UT_KM_HANG,  "rcu-stall" },
	{ "^BUG: workqueue lockup",		UT_KM_HANG,  "wq-lockup" },

	/* Leaks: references or objects left behind at unmount/destroy. */
	{ "^BUG: Dentry * still in use",	UT_KM_LEAK,  "dentry-leak" },
	{ "^VFS: Busy inodes after unmount",	UT_KM_LEAK,  "busy-inodes" },
	{ "unreferenced object 0x",		UT_KM_LEAK,  "kmemleak" },
	{ "new suspected memory leaks",		UT_KM_LEAK,  "kmemleak" },
	/* SLUB: "BUG <cache> (<taint>): Objects remaining in <cache> on
	 * __kmem_cache_shutdown()" and the kmem_cache_destroy() WARN text */
	{ "Objects remaining in * on __kmem_cache_shutdown", UT_KM_LEAK, "slab-leak" },
	{ "Slab cache still has objects",	UT_KM_LEAK,  "slab-leak" },

	/* Crashes, most specific first so *why is informative. */
	{ "^kernel BUG at",			UT_KM_CRASH, "kernel-bug" },
	{ "^BUG: KASAN:",			UT_KM_CRASH, "kasan" },
	{ "^BUG: KFENCE:",			UT_KM_CRASH, "kfence" },
	{ "^BUG: KCSAN:",			UT_KM_CRASH, "kcsan" },
	{ "^BUG: kernel NULL pointer dereference", UT_KM_CRASH, "null-deref" },
	{ "^BUG: unable to handle",		UT_KM_CRASH, "bad-access" },
	{ "^Unable to handle kernel",		UT_KM_CRASH, "bad-access" },
	/* lockdep: a task returned to user space holding a lock */
	{ "^BUG: * still has locks held",	UT_KM_CRASH, "lockdep-held" },
	{ "^BUG: sleeping function called from invalid context",
						UT_KM_CRASH, "sleep-in-atomic" },
	{ "^BUG: scheduling while atomic",	UT_KM_CRASH, "sched-atomic" },
	{ "^BUG: Bad page",			UT_KM_CRASH, "bad-page" },
	/* SLUB debug: "BUG <cache> (<taint>): Poison overwritten" etc. */
	{ "^BUG * (*): ",			UT_KM_CRASH, "slub-debug" },
	/* 6.x prints "Oops: general protection fault, ..." */
	{ "general protection fault",		UT_KM_CRASH, "gpf" },
	{ "^Oops",				UT_KM_CRASH, "oops" },
	{ "^Internal error: Oops",		UT_KM_CRASH, "oops" },
	{ "^WARNING: possible circular locking dependency",
						UT_KM_CRASH, "lockdep-circular" },
	{ "^WARNING: possible recursive locking", UT_KM_CRASH, "lockdep-recursive" },
	{ "^WARNING: inconsistent lock state",	UT_KM_CRASH, "lockdep-inconsistent" },
	{ "^WARNING: suspicious RCU usage",	UT_KM_CRASH, "rcu-suspicious" },
	{ "^UBSAN:",				UT_KM_CRASH, "ubsan" },
	/* printed just before the WARN they come with */
	{ "^refcount_t: ",			UT_KM_CRASH, "refcount" },
	{ "^list_add corruption",		UT_KM_CRASH, "list-corruption" },
	{ "^list_del corruption",		UT_KM_CRASH, "list-corruption" },
	{ "^Kernel panic",			UT_KM_CRASH, "panic" },
	{ "^WARNING: CPU: ",			UT_KM_CRASH, "warn" },
	{ "^WARNING:",				UT_KM_CRASH, "warning" },
	{ "^BUG:",				UT_KM_CRASH, "bug" },
	{ NULL, UT_KM_NONE, NULL }
};

/*
 * Kernel records that match a pattern above but are known not to be bugs.
 * Every entry needs a comment saying why it is harmless.  None is known
 * yet: anchoring the generic headers already keeps out boot-time notices
 * such as "Spectre V2 : WARNING: Unprivileged eBPF is enabled ..." (not
 * at message start) and "[Firmware Bug]: ..." (no "BUG:").
 */
static const char *const km_allow[] = {
	NULL
};

/* Does @pat (see struct km_pattern) match the @len bytes at @s? */
static bool km_match(const char *pat, const char *s, size_t len)
{
	const char *end = s + len;
	bool anchored = false;

	if (*pat == '^') {
		anchored = true;
		pat++;
	}
	while (*pat) {
		const char *star = strchr(pat, '*');
		size_t n = star ? (size_t)(star - pat) : strlen(pat);
		const char *hit;

		if (anchored) {
			if ((size_t)(end - s) < n || memcmp(s, pat, n))
				return false;
			hit = s;
			anchored = false;
		} else {
			hit = memmem(s, end - s, pat, n);
			if (!hit)
				return false;
		}
		s = hit + n;
		pat += n;
		if (*pat == '*')
			pat++;
	}
	return true;
}

static bool km_allowed(const struct ut_kmsg_rec *r)
{
	const char *const *a;

	for (a = km_allow; *a; a++)
		if (km_match(*a, r->msg, r->len))
			return true;
	return false;
}

enum ut_kmsg_class ut_kmsg_classify(const struct ut_kmsg_rec *r,
				    const char **why)
{
	const struct km_pattern *p;

	if (why)
		*why = NULL;
	/* userspace can write anything to /dev/kmsg, but never facility 0 */
	if (!r || !r->msg || r->facility != 0)
		return UT_KM_NONE;
	if (km_allowed(r))
		return UT_KM_NONE;
	for (p = km_patterns; p->pat; p++) {
		if (km_match(p->pat, r->msg, r->len)) {
			if (why)
				*why = p->name;
			return p->cls;
		}
	}
	return UT_KM_NONE;
}

const char *ut_kmsg_class_name(enum ut_kmsg_class cls)
{
	switch (cls) {
	case UT_KM_NONE:
		return "none";
	case UT_KM_CRASH:
		return "crash";
	case UT_KM_HANG:
		return "hang";
	case UT_KM_LEAK:
		return "leak";
	}
	return "?";
}

/* Parse decimal digits at *p (before end) into *out, no sign, no overflow. */
static int km_parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned int d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

/* A number followed by ','. */
static int km_parse_field(const char **p, const char *end, uint64_t *out)
{
	if (km_parse_u64(p, end, out))
		return -EINVAL;
	if (*p >= end || **p != ',')
		return -EINVAL;
	(*p)++;
	return 0;
}

int ut_kmsg_parse(const char *raw, size_t len, struct ut_kmsg_rec *out)
{
	const char *p = raw, *semi, *end, *nl;
	uint64_t pri, seq, ts;

	if (!raw || !out || !len)
		return -EINVAL;
	/* the header ends at the first ';' and never spans lines */
	semi = memchr(raw, ';', len);
	if (!semi || memchr(raw, '\n', semi - raw))
		return -EINVAL;
	if (km_parse_field(&p, semi, &pri) || km_parse_field(&p, semi, &seq) ||
	    km_parse_field(&p, semi, &ts))
		return -EINVAL;
	/* flags ('-', 'c' or '+'), then optional fields we do not use */
	if (p >= semi || *p == ',')
		return -EINVAL;
	if (pri > INT_MAX)
		return -EINVAL;

	end = raw + len;
	nl = memchr(semi + 1, '\n', end - (semi + 1));
	out->facility = (int)(pri >> 3);
	out->level = (int)(pri & 7);
	out->seq = seq;
	out->ts_us = ts;
	out->msg = semi + 1;
	out->len = (nl ? nl : end) - (semi + 1);
	return 0;
}

int ut_kmsg_open(struct ut_kmsg *k)
{
	int fd, err;

	if (!k)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	k->fd = -1;
	fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* SEEK_END on /dev/kmsg: next read returns the next new record */
	if (lseek(fd, 0, SEEK_END) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	k->fd = fd;
	return 0;
}

void ut_kmsg_close(struct ut_kmsg *k)
{
	if (!k || k->fd < 0)
		return;
	close(k->fd);
	k->fd = -1;
}

/* Turn the formatted text into one line: the kernel would escape '\n'. */
static void km_flatten(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\n' || s[i] == '\r')
			s[i] = ' ';
}

int ut_kmsg_mark(const char *fmt, ...)
{
	char line[UT_KMSG_MARK_MAX];
	const size_t plen = sizeof(MARK_PREFIX) - 1;
	va_list ap;
	size_t len;
	ssize_t w;
	int fd, n, ret = 0;

	memcpy(line, MARK_PREFIX, plen);
	va_start(ap, fmt);
	/* leave one byte for the '\n' */
	n = vsnprintf(line + plen, sizeof(line) - plen - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	len = strlen(line);
	km_flatten(line, len);
	line[len++] = '\n';

	/* a fresh open gets a fresh rate limit, so a marker is never dropped */
	fd = open(KMSG_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		w = write(fd, line, len);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		ret = -errno;
	else if ((size_t)w != len)
		ret = -EIO;
	close(fd);
	return ret;
}

static void km_add_lost(struct ut_kmsg *k, uint64_t n)
{
	if (n > (uint64_t)(INT_MAX - k->lost))
		k->lost = INT_MAX;
	else
		k->lost += (int)n;
}

/*
 * Account for records we never saw.  After EPIPE the kernel moves us to
 * the oldest record still kept, so the sequence gap is exactly what was
 * overwritten; with no earlier record to compare, count at least one.
 */
static void km_track_seq(struct ut_kmsg *k, uint64_t seq)
{
	if (k->have_seq && seq > k->next_seq)
		km_add_lost(k, seq - k->next_seq);
	else if (k->epipe)
		km_add_lost(k, 1);
	k->epipe = 0;
	k->have_seq = 1;
	k->next_seq = seq + 1;
}

/*
 * Parse, account and hand one raw record to cb.  0, or -EINVAL if bad.
 * buf has room for one more byte than len: msg is NUL-terminated for cb,
 * so string functions on it cannot run into continuation lines or beyond.
 */
static int km_deliver(struct ut_kmsg *k, char *buf, size_t len,
		      ut_kmsg_cb cb, void *arg)
{
	struct ut_kmsg_rec r;
	enum ut_kmsg_class cls;
	const char *why;

	if (ut_kmsg_parse(buf, len, &r))
		return -EINVAL;
	buf[r.msg - buf + r.len] = '\0';
	km_track_seq(k, r.seq);
	cls = ut_kmsg_classify(&r, &why);
	if (cb)
		cb(&r, cls, why, arg);
	return 0;
}

int ut_kmsg_drain(struct ut_kmsg *k, ut_kmsg_cb cb, void *arg)
{
	char buf[UT_KMSG_BUF + 1];
	int i, n = 0;

	if (!k || k->fd < 0)
		return -EBADF;
	for (i = 0; i < UT_KMSG_DRAIN_MAX; i++) {
		ssize_t got = read(k->fd, buf, sizeof(buf) - 1);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				k->epipe = 1;
				continue;
			}
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		if (got == 0)
			break;
		if (!km_deliver(k, buf, got, cb, arg))
			n++;
	}
	/* overwritten, and nothing newer arrived to measure the gap */
	if (k->epipe) {
		km_add_lost(k, 1);
		k->epipe = 0;
	}
	return n;
}

int ut_kmsg_task_pid(const struct ut_kmsg_rec *r)
{
	static const char head[] = "INFO: task ", tail[] = " blocked for more than";
	const char *end, *colon;
	char *stop;
	long pid;

	if (r->len < sizeof(head) || strncmp(r->msg, head, sizeof(head) - 1))
		return -1;
	end = memmem(r->msg, r->len, tail, sizeof(tail) - 1);
	if (!end)
		return -1;
	/* comm may hold ':' itself: the pid follows the last one. */
	for (colon = end; colon > r->msg && *colon != ':'; colon--)
		;
	if (*colon != ':')
		return -1;
	pid = strtol(colon + 1, &stop, 10);
	return stop == end && pid > 0 ? (int)pid : -1;
}
