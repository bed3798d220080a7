// SPDX-License-Identifier: GPL-2.0
/* procfs.c - one read of a small pseudo file, EINTR-safe. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

int ut_write_small(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

int ut_drop_slab(void)
{
	return ut_write_small("/proc/sys/vm/drop_caches", "2");
}

bool ut_cmdline_has(const char *word)
{
	char buf[4096], *p;
	size_t n = strlen(word);

	if (ut_read_small("/proc/cmdline", buf, sizeof(buf)) <= 0)
		return false;
	for (p = buf; (p = strstr(p, word)); p += n)
		if ((p == buf || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}
