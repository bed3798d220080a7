// SPDX-License-Identifier: GPL-2.0
/* scratch.c - a fresh /tmp directory per unit test, and files in it. */
#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "scratch.h"

char scratch_base[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void scratch_setup(const char *tag)
{
	snprintf(scratch_base, sizeof(scratch_base), "/tmp/ut-%s.XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(scratch_base));
}

void scratch_teardown(void)
{
	nftw(scratch_base, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

char *scratch_at(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", scratch_base, name);
	return buf[i];
}

void scratch_put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}
