/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fncov.h - which overlayfs functions the kernel ran, and how often,
 * through its own tracing: a kprobe event on every overlay function that
 * ftrace can patch, each with a hist trigger adding to one histogram
 * shared by name and keyed by the probed address's symbol.  The triggers
 * live in a tracing instance of their own whose set_event_pid holds this
 * process, with event-fork on: only it and what it forks (the runners,
 * their workers, mutators and FUSE servers) count.  io_uring's io-wq
 * threads are not forked that way and do not count.
 */
#ifndef UT_FNCOV_H
#define UT_FNCOV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UT_FNCOV_MAX	1024	/* probes at most: bounds set-up time and memory */
#define UT_FNCOV_GROUP	"undertow_"	/* + pid: kprobe group, instance, histogram */

struct ut_fncov {
	char root[PATH_MAX];	/* tracefs */
	char group[32];
	char **sym;		/* probed symbols as the kernel names them, sorted */
	int *fn_of;		/* per symbol, its function's index in @fn */
	int nsym;
	char **fn;		/* functions: symbols without .isra.0, .part.0, ...; sorted */
	int nfn;
	int refused;		/* symbols the kernel would not probe */
	char refusal[256];	/* the first such refusal, for the record */
	char hist[PATH_MAX];	/* the shared histogram, relative to @root */
	double setup_s;
};

/*
 * Probe every overlay function and start counting.  0, or -errno with
 * "what: the kernel's reason" in @why and nothing left behind.  Probes
 * left by an undertow that was killed are removed first.
 */
int ut_fncov_start(struct ut_fncov *s, char *why, size_t sz);
/* Hits so far per function (@hits has s->nfn entries).  0 or -errno with @why. */
int ut_fncov_read(const struct ut_fncov *s, uint64_t *hits, char *why, size_t sz);
/* Remove the instance and the probes; forget everything. */
void ut_fncov_stop(struct ut_fncov *s);

/* The parts, for the unit tests. */
/* An available_filter_functions line of overlay's into @sym; false for others. */
bool ut_fncov_pick(const char *line, char *sym, size_t sz);
/* The function a symbol belongs to: "ovl_set_attr.part.0" -> "ovl_set_attr". */
void ut_fncov_base(const char *sym, char *fn, size_t sz);
/* Index @syms (sorted) into s->sym, s->fn and s->fn_of; takes the strings.  0 or -ENOMEM. */
int ut_fncov_index(struct ut_fncov *s, char **syms, int n);
/* Add a hist file's hit counts to @hits (per function). */
void ut_fncov_parse_hist(const struct ut_fncov *s, const char *text, uint64_t *hits);

#endif
