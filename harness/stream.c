// SPDX-License-Identifier: GPL-2.0
/* stream.c - frame a file onto a stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "rundir.h"
#include "stream.h"

#define COLS 76		/* base64 characters per line: 57 bytes */
#define STREAM_MAX (1ul << 30)	/* no results file comes near */

int ut_stream_file(int fd, const char *name, const char *path)
{
	char line[COLS + 2], head[512], *buf;
	size_t got;
	int err = ut_read_whole(path, STREAM_MAX, &buf, &got);

	if (err)
		return err;
	snprintf(head, sizeof(head), UT_FRAME_BEGIN "%s %lld\n", name, (long long)got);
	err = ut_write_all(fd, head, strlen(head));
	for (size_t i = 0; !err && i < got; i += COLS / 4 * 3) {
		size_t n = got - i < COLS / 4 * 3 ? got - i : COLS / 4 * 3;

		ut_b64_encode((unsigned char *)buf + i, n, line);
		strcat(line, "\n");
		err = ut_write_all(fd, line, strlen(line));
	}
	snprintf(head, sizeof(head), UT_FRAME_END "%s\n", name);
	if (!err)
		err = ut_write_all(fd, head, strlen(head));
	free(buf);
	return err;
}
