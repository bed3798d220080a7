// SPDX-License-Identifier: GPL-2.0
/* dents.c - raw getdents64, so that workers see exactly what the kernel returns. */
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "dents.h"

#define DENTS_BUF	4096

int ut_dents_each(int fd, ut_dent_fn fn, void *arg)
{
	char buf[DENTS_BUF] __attribute__((aligned(8)));

	for (int i = 0; i < UT_DENTS_MAX_READS; i++) {
		long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		for (long off = 0; off < r;) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + off);
			int stop;

			off += d->d_reclen;
			stop = fn(fd, d->d_name, d->d_type, arg);
			if (stop)
				return stop;
		}
	}
	return 0;
}
