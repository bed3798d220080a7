// SPDX-License-Identifier: GPL-2.0
/* cli_mix.c - the op mix on the command line: --ops-off W:M and --op-weights W:M. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"

/* --ops-off W:M: two masks, each an integer 0..2^32-1 (0x.. allowed). */
int ut_parse_ops_off(const char *s, uint32_t off[2])
{
	const char *p = s;

	for (int i = 0; i < 2; i++) {
		unsigned long long v;
		char *end;

		errno = 0;
		v = strtoull(p, &end, 0);
		if (errno || end == p || *p == '-' || v > UINT32_MAX || *end != (i ? '\0' : ':'))
			return -1;
		off[i] = (uint32_t)v;
		p = end + 1;
	}
	return 0;
}

/* --op-weights W:M: two comma lists of weights 1..1000, either may be empty. */
int ut_parse_op_weights(const char *s, uint16_t wt[2][UT_MAX_OPS], int nwt[2])
{
	const char *p = s;

	for (int role = 0; role < 2; role++) {
		nwt[role] = 0;
		while (*p && *p != ':') {
			unsigned long v;
			char *end;

			if (nwt[role] == UT_MAX_OPS || *p < '0' || *p > '9')
				return -1;
			errno = 0;
			v = strtoul(p, &end, 10);
			if (errno || v < 1 || v > 1000 || (*end && *end != ',' && *end != ':') ||
			    (*end == ',' && (!end[1] || end[1] == ':')))
				return -1;
			wt[role][nwt[role]++] = (uint16_t)v;
			p = *end == ',' ? end + 1 : end;
		}
		if (!role && *p++ != ':')
			return -1;
	}
	return *p ? -1 : 0;
}
