// SPDX-License-Identifier: GPL-2.0
/* procfs.c - one read of a small pseudo file, EINTR-safe. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "procfs.h"

ssize_t ut_read_small(const char *path, char *buf, size_t sz)
{
	ssize_t n;
	int fd;

	if (!sz)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, sz - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}
