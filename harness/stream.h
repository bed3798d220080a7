/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stream.h - results files framed on a byte stream (a VM's serial line), so
 * the host has every finished file even if the guest dies next:
 *
 *   UNDERTOW-FILE <name> <bytes>
 *   <base64, 76 columns>
 *   UNDERTOW-END <name>
 */
#ifndef UT_STREAM_H
#define UT_STREAM_H

#define UT_FRAME_BEGIN	"UNDERTOW-FILE "
#define UT_FRAME_END	"UNDERTOW-END "

/* Frame the file at @path as @name onto @fd.  0 or -errno. */
int ut_stream_file(int fd, const char *name, const char *path);

#include <stdio.h>

/*
 * The frame whose begin line is @head, read from @in up to its end line:
 * its name and decoded bytes (malloc'd).  0, or -EPIPE (cut short),
 * -EPROTO (size differs), -EINVAL (a bad begin line).
 */
int ut_stream_read_frame(FILE *in, const char *head, char *name, size_t nsz,
			 unsigned char **out, size_t *outlen);

/* Write a received frame as @dir/@name, atomically; a name with '/' is -EINVAL. */
int ut_stream_put(const char *dir, const char *name, const unsigned char *buf, size_t n);

#endif
