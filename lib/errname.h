/* SPDX-License-Identifier: GPL-2.0 */
/* errname.h - errno <-> symbolic name ("OK" for 0). */
#ifndef UT_ERRNAME_H
#define UT_ERRNAME_H

#define UT_ERRNO_MAX 133	/* EHWPOISON */
/*
 * Kernel-internal errnos (include/linux/errno.h) that must never reach
 * userspace: ERESTARTSYS (512) .. ERECALLCONFLICT (530).  They get their
 * own histogram buckets, so a leak shows by name.
 */
#define UT_KERR_FIRST	512
#define UT_KERR_LAST	530
#define UT_ERESTARTSYS	512

/* Buckets: 0 OK, 1..133 errnos, then 512..530, then one for anything else. */
#define UT_BUCKET_KERR	(UT_ERRNO_MAX + 1)
#define UT_BUCKET_OTHER	(UT_BUCKET_KERR + UT_KERR_LAST - UT_KERR_FIRST + 1)
#define UT_NBUCKET	(UT_BUCKET_OTHER + 1)

/* The histogram bucket of an op's return (>= 0 is OK). */
static inline int ut_bucket_of(int ret)
{
	int e = -ret;

	if (ret >= 0)
		return 0;
	if (e <= UT_ERRNO_MAX)
		return e;
	if (e >= UT_KERR_FIRST && e <= UT_KERR_LAST)
		return UT_BUCKET_KERR + e - UT_KERR_FIRST;
	return UT_BUCKET_OTHER;
}

/* The errno a bucket stands for (0 = OK), or -1 for "other". */
static inline int ut_bucket_errno(int b)
{
	if (b <= UT_ERRNO_MAX)
		return b;
	return b < UT_BUCKET_OTHER ? UT_KERR_FIRST + b - UT_BUCKET_KERR : -1;
}

/* Name of an errno (sign ignored); "OK" for 0, "E<n>" if unknown. */
const char *ut_errname(int err);
/* Inverse of ut_errname(); -1 if the name is not an errno name. */
int ut_errno_of(const char *name);

#endif
