// SPDX-License-Identifier: GPL-2.0
/*
 * unframe.c - `undertow unframe DATA_LOG DIR`: the host side of a VM repro.
 * The guest's `undertow repro --stream -` frames each file it writes
 * (stream.h) between its KTAP lines; this writes the files into DIR and
 * prints the KTAP.  Exit 0 when the guest said "ok 1", 1 otherwise (it
 * said "not ok", or died first), 2 on bad arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "stream.h"
#include "unframe.h"

int ut_unframe(int argc, char **argv)
{
	char line[4096], name[256];
	bool ok = false;
	FILE *in;

	if (argc != 4) {
		fprintf(stderr, "usage: undertow unframe DATA_LOG DIR\n");
		return UT_EXIT_USAGE;
	}
	in = fopen(argv[2], "re");
	if (!in || (mkdir(argv[3], 0755) && errno != EEXIST)) {
		fprintf(stderr, "undertow: unframe: %s: %s\n", in ? argv[3] : argv[2],
			strerror(errno));
		return UT_EXIT_USAGE;
	}
	while (fgets(line, sizeof(line), in)) {
		unsigned char *buf;
		size_t n;
		int err;

		line[strcspn(line, "\r\n")] = '\0';	/* serial lines end \r\n */
		if (strncmp(line, UT_FRAME_BEGIN, strlen(UT_FRAME_BEGIN))) {
			ok |= !strncmp(line, "ok 1 ", 5);
			puts(line);
			continue;
		}
		err = ut_stream_read_frame(in, line, name, sizeof(name), &buf, &n);
		if (!err)
			err = ut_stream_put(argv[3], name, buf, n);
		if (err)
			fprintf(stderr, "undertow: unframe: %s in %s: %s\n", name, argv[2],
				strerror(-err));
		free(buf);
	}
	fclose(in);
	return ok ? UT_EXIT_PASS : UT_EXIT_FAIL;
}
