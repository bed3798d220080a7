// SPDX-License-Identifier: GPL-2.0
/*
 * slab.c - small readers of kernel object counts, for leak reports.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "slab.h"

#define SMALL_FILE	256	/* the /proc and /sys files read here are tiny */
#define SLABINFO	"/proc/slabinfo"

/* Parse one integer at *s after blanks; advance *s past it. */
static int parse_long(const char **s, long *out)
{
	const char *p = *s;
	char *end;
	long v;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	errno = 0;
	v = strtol(p, &end, 10);
	if (end == p)
		return -EINVAL;
	if (errno)
		return -errno;
	*s = end;
	*out = v;
	return 0;
}

/* The first @n integers of a small file. */
static int read_longs(const char *path, long *v, int n)
{
	char buf[SMALL_FILE];
	const char *s = buf;
	ssize_t got;
	int i, err;

	got = ut_read_small(path, buf, sizeof(buf));
	if (got < 0)
		return (int)got;
	for (i = 0; i < n; i++) {
		err = parse_long(&s, &v[i]);
		if (err)
			return err;
	}
	return 0;
}

int ut_read_long(const char *path, long *out)
{
	if (!path || !out)
		return -EINVAL;
	return read_longs(path, out, 1);
}

int ut_dentry_state(long *nr_dentry, long *nr_unused)
{
	long v[2];
	int err;

	if (!nr_dentry || !nr_unused)
		return -EINVAL;
	err = read_longs("/proc/sys/fs/dentry-state", v, 2);
	if (err)
		return err;
	*nr_dentry = v[0];
	*nr_unused = v[1];
	return 0;
}

int ut_inode_nr(long *nr_inodes, long *nr_free)
{
	long v[2];
	int err;

	if (!nr_inodes || !nr_free)
		return -EINVAL;
	err = read_longs("/proc/sys/fs/inode-nr", v, 2);
	if (err)
		return err;
	*nr_inodes = v[0];
	*nr_free = v[1];
	return 0;
}

/* A cache name must not escape /sys/kernel/slab/ or split slabinfo columns. */
static bool slab_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 200)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return !strpbrk(name, "/ \t\n");
}

/* active_objs of @cache in /proc/slabinfo. */
static long slabinfo_objects(const char *cache)
{
	size_t clen = strlen(cache), cap = 0;
	char *line = NULL;
	long ret = -ENOENT;
	FILE *f;

	f = fopen(SLABINFO, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		const char *s = line + clen;
		long v;

		/* "name active_objs num_objs ..."; header lines never match */
		if (strncmp(line, cache, clen) || (*s != ' ' && *s != '\t'))
			continue;
		ret = parse_long(&s, &v) ? -EINVAL : v;
		break;
	}
	if (ret == -ENOENT && ferror(f))
		ret = -EIO;
	free(line);
	fclose(f);
	return ret;
}

long ut_slab_objects(const char *cache)
{
	char path[256];
	long v;
	int err;

	if (!slab_name_ok(cache))
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/objects", cache);
	/* "34167 N0=34167": total first, then per node */
	err = read_longs(path, &v, 1);
	if (!err)
		return v;
	/* no SLUB sysfs (or no objects file without SLUB_DEBUG) */
	v = slabinfo_objects(cache);
	if (v == -EACCES || v == -EPERM)
		return err;	/* slabinfo is root-only; sysfs said why */
	return v;
}

/* fd name "123" to number, -1 if not a number. */
static int fd_number(const char *s)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int ut_count_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	bool self;
	int dfd, n = 0, err = 0;
	DIR *d;

	if (pid < 0)
		return -EINVAL;
	self = pid == 0 || pid == getpid();
	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/fd");
	else
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		err = -errno;
		close(dfd);
		return err;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/* our own directory fd is not the caller's */
		if (self && fd_number(de->d_name) == dfd)
			continue;
		n++;
	}
	if (errno)
		err = -errno;
	closedir(d);
	return err ? err : n;
}

int ut_slab_shrink(const char *cache)
{
	char path[PATH_MAX];

	if (!slab_name_ok(cache))
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	return ut_write_small(path, "1");
}

enum ut_slab_judgement ut_slab_judge(long before, long after, long again, bool others)
{
	if (before < 0 || after < 0 || after <= before)
		return UT_SLAB_CLEAN;
	if (again != after || others)
		return UT_SLAB_NOT_JUDGED;
	return UT_SLAB_LEAK;
}
