/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mount_why.h - what an overlay mount's refusal means: a kernel feature
 * this kernel lacks (the variant is a skip, with the feature named) or
 * anything else (broken).  A pure function of the step that failed, its
 * errno and the kernel's own words, so that unit tests can feed it the
 * texts recorded from real kernels.
 */
#ifndef UT_MOUNT_WHY_H
#define UT_MOUNT_WHY_H

#include <stdbool.h>
#include <stddef.h>

/* The step of a mount that failed. */
enum ut_mount_step {
	UT_MS_FSOPEN,		/* fsopen("overlay") */
	UT_MS_LAYER,		/* fsconfig lowerdir+/datadir+/upperdir/workdir */
	UT_MS_OPTION,		/* fsconfig of one option */
	UT_MS_CREATE,		/* FSCONFIG_CMD_CREATE */
	UT_MS_ATTACH,		/* fsmount/move_mount */
	UT_MS_LEGACY,		/* mount(2) with an option string */
};

struct ut_mount_refusal {
	enum ut_mount_step step;
	int err;		/* -errno */
	const char *text;	/* the kernel's words ("overlayfs: ...; ..."), "" if none */
	bool dataonly;		/* the request had a data-only lower layer */
};

enum ut_mount_verdict {
	UT_MV_BROKEN,		/* a mount that should have worked */
	UT_MV_MISSING,		/* the kernel lacks a feature: skip */
	UT_MV_RETRY_LEGACY,	/* lowerdir+ unknown (before 6.8): mount(2) decides */
};

/*
 * Decide what @r means; for UT_MV_MISSING, @feat gets the missing
 * feature in a few words ("data-only lower layers (Linux 6.5)").
 */
enum ut_mount_verdict ut_mount_decide(const struct ut_mount_refusal *r, char *feat, size_t sz);

/* "fsopen", "overlay layers", ...: the step's name in a reason. */
const char *ut_mount_step_name(enum ut_mount_step s);

#endif
