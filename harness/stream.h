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

#endif
