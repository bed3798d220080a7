// SPDX-License-Identifier: GPL-2.0
/* stream.c - frame a file onto a stream. */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
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

#define MAX_LINE 65536

int ut_stream_read_frame(FILE *in, const char *head, char *name, size_t nsz,
			 unsigned char **out, size_t *outlen)
{
	char fmt[32], *line = malloc(MAX_LINE), *b64 = NULL;
	size_t blen = 0;
	long long size;
	ssize_t n = -1;
	int err = -EPIPE;	/* a frame cut short by the guest's death */

	snprintf(fmt, sizeof(fmt), "%%%zus %%lld", nsz - 1);
	*out = NULL;
	if (!line || sscanf(head + strlen(UT_FRAME_BEGIN), fmt, name, &size) != 2) {
		free(line);
		return -EINVAL;
	}
	while (fgets(line, MAX_LINE, in)) {
		size_t l;
		char *p;

		line[strcspn(line, "\r\n")] = '\0';
		l = strlen(line);
		if (!strncmp(line, UT_FRAME_END, strlen(UT_FRAME_END))) {
			err = 0;
			break;
		}
		p = realloc(b64, blen + l + 1);
		if (!p)
			break;
		b64 = p;
		memcpy(b64 + blen, line, l + 1);
		blen += l;
	}
	*out = malloc(blen * 3 / 4 + 4);
	if (!err && *out)
		n = ut_b64_decode(b64 ? b64 : "", blen, *out);
	if (!err && n != size)
		err = -EPROTO;
	if (err) {
		free(*out);
		*out = NULL;
	}
	*outlen = err ? 0 : (size_t)n;
	free(b64);
	free(line);
	return err;
}

int ut_stream_put(const char *dir, const char *name, const unsigned char *buf, size_t n)
{
	char path[PATH_MAX + 300];

	const char *slash = strchr(name, '/');

	/* A guest names a file of the run, or of one folder in it (corpus/); never a path. */
	if (name[0] == '.' || (slash && (strchr(slash + 1, '/') || slash[1] == '.' || !slash[1] ||
					 slash == name)))
		return -EINVAL;
	if (slash) {
		snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(slash - name), name);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return ut_write_atomic(path, buf, n);
}
