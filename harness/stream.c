// SPDX-License-Identifier: GPL-2.0
/* stream.c - frame a file onto a stream. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base64.h"
#include "stream.h"

#define COLS 76		/* base64 characters per line: 57 bytes */

static int write_all(int fd, const char *p, size_t n)
{
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

int ut_stream_file(int fd, const char *name, const char *path)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	unsigned char *buf = NULL;
	char line[COLS + 2], head[512];
	struct stat st;
	off_t got = 0;

	if (in < 0)
		return -errno;
	if (fstat(in, &st) < 0 || !(buf = malloc(st.st_size + 1))) {
		err = buf ? -errno : -ENOMEM;
		goto out;
	}
	while (got < st.st_size) {
		ssize_t r = read(in, buf + got, st.st_size - got);

		if (r <= 0) {
			err = r < 0 ? -errno : -EIO;
			goto out;
		}
		got += r;
	}
	snprintf(head, sizeof(head), UT_FRAME_BEGIN "%s %lld\n", name, (long long)got);
	err = write_all(fd, head, strlen(head));
	for (off_t i = 0; !err && i < got; i += COLS / 4 * 3) {
		size_t n = got - i < COLS / 4 * 3 ? (size_t)(got - i) : COLS / 4 * 3;

		ut_b64_encode(buf + i, n, line);
		strcat(line, "\n");
		err = write_all(fd, line, strlen(line));
	}
	snprintf(head, sizeof(head), UT_FRAME_END "%s\n", name);
	if (!err)
		err = write_all(fd, head, strlen(head));
out:
	free(buf);
	close(in);
	return err;
}
