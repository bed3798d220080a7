// SPDX-License-Identifier: GPL-2.0
/*
 * tmpfs.c - the default backend: every layer a directory on the scenario's
 * own tmpfs.  layers.c's generic part does all of it, so no hooks.
 */
#include "backend.h"

static const struct ut_backend tmpfs_backend = {
	.name = "tmpfs",
	.rank = 0,
	.caps = UT_BE_DEFAULT,
};
UT_BACKEND_REGISTER(tmpfs_backend);
