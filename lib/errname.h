/* SPDX-License-Identifier: GPL-2.0 */
/* errname.h - errno <-> symbolic name ("OK" for 0). */
#ifndef UT_ERRNAME_H
#define UT_ERRNAME_H

#define UT_ERRNO_MAX 133	/* EHWPOISON */

/* Name of an errno (sign ignored); "OK" for 0, "E<n>" if unknown. */
const char *ut_errname(int err);
/* Inverse of ut_errname(); -1 if the name is not an errno name. */
int ut_errno_of(const char *name);

#endif
