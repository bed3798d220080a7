/* SPDX-License-Identifier: GPL-2.0 */
/* base64.h - RFC 4648 base64, for framing files over a serial line. */
#ifndef UT_BASE64_H
#define UT_BASE64_H

#include <stddef.h>
#include <sys/types.h>

/* Encoded length of @n bytes (no newlines, no NUL). */
static inline size_t ut_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/* Encode @n bytes of @in into @out (ut_b64_len(n) + 1 bytes, NUL-terminated). */
void ut_b64_encode(const unsigned char *in, size_t n, char *out);
/* Decode @in (whitespace ignored) into @out (at least 3/4 of strlen(in)); bytes or -1. */
ssize_t ut_b64_decode(const char *in, size_t len, unsigned char *out);

#endif
