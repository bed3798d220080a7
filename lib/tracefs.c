// SPDX-License-Identifier: GPL-2.0
/* tracefs.c - find (or mount) tracefs; write and read its control files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "tracefs.h"

#define TRACEFS		"/sys/kernel/tracing"
#define READ_MAX	(64u << 20)	/* available_filter_functions is a few MiB */

int ut_tracefs_root(char *root, size_t sz, char *why, size_t whysz)
{
	const char *env = getenv("UNDERTOW_TRACEFS");

	if (env && *env) {
		snprintf(root, sz, "%s", env);
		return 0;
	}
	snprintf(root, sz, "%s", TRACEFS);
	if (!access(TRACEFS "/README", F_OK))
		return 0;
	/* Not mounted here (a host that never used it): mount it, in our namespace only. */
	if (mount("tracefs", TRACEFS, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		int err = -errno;

		snprintf(why, whysz, "mount tracefs on %s: %s", TRACEFS, strerror(-err));
		return err;
	}
	return 0;
}

int ut_tracefs_write(const char *root, const char *rel, const char *text, char *why,
		     size_t sz)
{
	char path[PATH_MAX];
	size_t n = strlen(text);
	ssize_t w;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
	} else {
		do {
			w = write(fd, text, n);
		} while (w < 0 && errno == EINTR);
		err = w < 0 ? -errno : (size_t)w < n ? -EIO : 0;
		close(fd);
	}
	if (err)
		snprintf(why, sz, "%s: %s", rel, strerror(-err));
	return err;
}

char *ut_tracefs_read(const char *root, const char *rel, size_t *len)
{
	char path[PATH_MAX], *buf = NULL;
	size_t cap = 0, n = 0;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *b = cap < READ_MAX ? realloc(buf, cap ? cap * 2 : 65536) : NULL;

			if (!b) {
				err = cap < READ_MAX ? ENOMEM : EFBIG;
				break;
			}
			buf = b;
			cap = cap ? cap * 2 : 65536;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? errno : 0;
			break;
		}
		n += r;
	}
	close(fd);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}
