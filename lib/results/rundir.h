/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rundir.h - the files of a results directory: make it, check it can be
 * written, write a file atomically and durably, point results/latest at a
 * run, and read a file back whole.  The one copy of each; every writer of
 * results (run, vm-collect, diff, report) goes through here.
 */
#ifndef UT_RUNDIR_H
#define UT_RUNDIR_H

#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

/* mkdir -p @path (mode 0755).  0 or -errno. */
int ut_mkdir_p(const char *path);

/*
 * Make @results if missing and prove it can be written (a temp file made
 * and removed).  0, or -errno with one line in @why naming the directory.
 */
int ut_rundir_check(const char *results, char *why, size_t sz);

/* write(2) all of @buf, through EINTR and short writes.  0 or -errno. */
int ut_write_all(int fd, const void *buf, size_t n);

/*
 * Write @len bytes to @path through a temp file beside it: write, fsync,
 * rename(2), fsync the directory.  A reader sees the old file or the whole
 * new one, also after a crash.  0 or -errno; the temp file never stays.
 */
int ut_write_atomic(const char *path, const void *buf, size_t len);
/* The same for JSON, indented, keys sorted, one trailing newline. */
int ut_json_write_atomic(const char *path, json_t *j);

/* @results/latest -> @id (a name in @results), replaced atomically.  0 or -errno. */
int ut_point_latest(const char *results, const char *id);

/*
 * Read the regular file @path whole into a new NUL-terminated buffer
 * (*buf, *len without the NUL).  0, or -errno: -EISDIR for a directory,
 * -EINVAL for another non-regular file, -EFBIG when over @max bytes.
 */
int ut_read_whole(const char *path, size_t max, char **buf, size_t *len);

#endif
