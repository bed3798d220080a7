/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jfields.h - the checked way into a results JSON document: load a file
 * into an object with one-line errors, and decode an object's keys into a
 * C struct from a table (key, type, required or not, offset).  The typed
 * readers (results_read.c, run_read.c) are the only users.
 */
#ifndef UT_JFIELDS_H
#define UT_JFIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* Results files are a few MiB at most; more is not ours. */
#define UT_RESULT_MAX	(256u << 20)

enum ut_jkind {
	UT_J_NAME,	/* non-empty string -> const char *, default NULL */
	UT_J_STR,	/* string -> const char *, default "" */
	UT_J_STR_NULL,	/* string or null -> const char *, default NULL */
	UT_J_ID,	/* integer >= 0 -> int64_t, default -1 */
	UT_J_COUNT,	/* integer 0..INT_MAX -> int, default -1 */
	UT_J_SECS,	/* number >= 0 -> double, default 0 */
	UT_J_NUM,	/* any number -> double, default 0 */
	UT_J_BOOL,	/* true/false -> int 1/0, default -1 */
	UT_J_OBJECT,	/* object -> json_t *, default NULL */
	UT_J_ARRAY,	/* array -> json_t *, default NULL */
};

/* A key of an object: required when UT_J_ALWAYS or when @need shares a bit with the caller's. */
struct ut_jfield {
	const char *key;
	enum ut_jkind kind;
	unsigned need;
	size_t off;	/* offsetof() the destination */
};

#define UT_J_ALWAYS	(~0u)

/*
 * Decode @obj's keys of @f[0..n) into @out.  0, or -1 with "KEY: want a
 * string" or "no 'KEY'" in @what.
 */
int ut_jfields(json_t *obj, const struct ut_jfield *f, size_t n, unsigned need, void *out,
	       char *what, size_t sz);

/* @v as a count >= 0 into *n; false when it is not one. */
bool ut_jcount(json_t *v, uint64_t *n);

/*
 * Load @path as a JSON object.  0, or -errno with "PATH: what is wrong" in
 * @why: -ENOENT and the like when it cannot be read, -EINVAL when it is
 * not JSON or not an object.
 */
int ut_jload(const char *path, json_t **doc, char *why, size_t sz);
/* The same for @len bytes at @buf, named @label in errors. */
int ut_jparse(const char *buf, size_t len, const char *label, json_t **doc, char *why,
	      size_t sz);

#endif
