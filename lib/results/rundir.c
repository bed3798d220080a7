// SPDX-License-Identifier: GPL-2.0
/* rundir.c - make, check, write atomically, link and read results files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "rundir.h"

/* mkdir that accepts an existing directory, and only a directory. */
static int mkdir_one(const char *path)
{
	struct stat st;

	if (!mkdir(path, 0755))
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int ut_mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	int err;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		err = mkdir_one(buf);
		*p = '/';
		if (err)
			return err;
	}
	return mkdir_one(buf);
}

int ut_rundir_check(const char *results, char *why, size_t sz)
{
	char probe[PATH_MAX];
	int err = ut_mkdir_p(results), fd;

	if (err) {
		snprintf(why, sz, "results directory %s: %s", results, strerror(-err));
		return err;
	}
	/* Root passes access(2) on a read-only mount: only a real create tells. */
	if (snprintf(probe, sizeof(probe), "%s/.undertow-probe.XXXXXX", results) >=
	    (int)sizeof(probe)) {
		snprintf(why, sz, "results directory %s: %s", results, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	fd = mkstemp(probe);
	if (fd < 0) {
		err = -errno;
		snprintf(why, sz, "results directory %s is not writable: %s", results,
			 strerror(-err));
		return err;
	}
	close(fd);
	unlink(probe);
	return 0;
}

/* The directory part of @path ("." for a bare name), into @dir. */
static void dir_of(const char *path, char *dir, size_t sz)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, sz, ".");
	else if (slash == path)
		snprintf(dir, sz, "/");
	else
		snprintf(dir, sz, "%.*s", (int)(slash - path), path);
}

/* Make a rename in @dir durable.  Filesystems that cannot sync a directory say EINVAL. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		err = -errno;
	close(fd);
	return err;
}

int ut_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= w;
	}
	return 0;
}

int ut_write_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = ut_write_all(fd, buf, len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	dir_of(path, dir, sizeof(dir));
	return sync_dir(dir);
}

int ut_json_write_atomic(const char *path, json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	size_t n;
	int err;

	if (!text)
		return -ENOMEM;
	/* One trailing newline, like every text file. */
	n = strlen(text);
	text[n] = '\n';
	err = ut_write_atomic(path, text, n + 1);
	free(text);
	return err;
}

int ut_point_latest(const char *results, const char *id)
{
	char tmp[PATH_MAX], dst[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s/.latest.%d", results, (int)getpid()) >=
	    (int)sizeof(tmp) || snprintf(dst, sizeof(dst), "%s/latest", results) >= (int)sizeof(dst))
		return -ENAMETOOLONG;
	unlink(tmp);
	/* A new link renamed over the old one: latest is never missing. */
	if (symlink(id, tmp) < 0)
		return -errno;
	if (rename(tmp, dst) < 0) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return sync_dir(results);
}

/* Read @fd's @size bytes; a file that shrank meanwhile gives what is there. */
static int read_fd(int fd, char *buf, size_t size, size_t *got)
{
	*got = 0;
	while (*got < size) {
		ssize_t r = read(fd, buf + *got, size - *got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		*got += r;
	}
	return 0;
}

int ut_read_whole(const char *path, size_t max, char **buf, size_t *len)
{
	/* O_NONBLOCK: a FIFO named as a results file must not block the open. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), err;
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (S_ISDIR(st.st_mode))
		err = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else if ((size_t)st.st_size > max)
		err = -EFBIG;
	else if (!(*buf = malloc(st.st_size + 1)))
		err = -ENOMEM;
	else
		err = read_fd(fd, *buf, st.st_size, len);
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
		return err;
	}
	(*buf)[*len] = '\0';
	return 0;
}
