/* SPDX-License-Identifier: GPL-2.0 */
/* userns.h - running without real root: a user namespace of our own. */
#ifndef UT_USERNS_H
#define UT_USERNS_H

#include <stdbool.h>
#include <stddef.h>

/* Are we in a user namespace other than the initial one (no real root)? */
bool ut_in_userns(void);
/*
 * Unshare a user namespace (and a mount namespace) and map our uid and gid
 * to root in it, as `unshare --user --map-root-user` does.  0 or -errno
 * with @why.
 */
int ut_enter_userns(char *why, size_t sz);

#endif
