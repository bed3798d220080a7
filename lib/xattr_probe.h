/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xattr_probe.h - does a layer's filesystem take the xattrs overlay will
 * write there?  With "userxattr" overlay keeps its metadata (opaque,
 * origin, redirect) in user.overlay.*; tmpfs has user.* xattrs only since
 * Linux 6.6, and without them overlay mounts anyway and copy-ups fail
 * with EOPNOTSUPP.  That is a missing kernel feature, found before the
 * run rather than by its errors.
 */
#ifndef UT_XATTR_PROBE_H
#define UT_XATTR_PROBE_H

#include <stddef.h>

/*
 * Set and remove a user.* xattr on directory @dir.  0 if that works (or
 * fails for a reason that is not a missing feature: the mount will say);
 * -EOPNOTSUPP with the reason in @why if the filesystem has none.
 */
int ut_probe_user_xattr(const char *dir, char *why, size_t sz);

#endif
