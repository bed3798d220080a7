// SPDX-License-Identifier: GPL-2.0
/*
 * test_mountwhy.c - what an overlay mount's refusal means, on the texts
 * real kernels gave: Debian 6.1.0-57 and 6.12.117 in the VM runner, 6.18
 * on the host (undertow -o ... through ./run.sh --vm, the kernel log and
 * fs context log as lib/mount_log.c reads them).  Two kinds are written
 * from the source instead: 6.1's "failed to resolve" (fs/overlayfs/
 * super.c; no run option makes a layer vanish) and 6.5-6.7's unknown
 * lowerdir+ (no such kernel here).
 */
#include <errno.h>
#include <string.h>

#include "mount_why.h"
#include "suites.h"

struct seen {
	const char *kernel;
	enum ut_mount_step step;
	int err;
	bool dataonly;
	const char *text;
	enum ut_mount_verdict want;
	const char *feat;	/* in the feature named, for UT_MV_MISSING */
};

static const struct seen seen[] = {
	/* 6.1: fsopen gives a legacy context; overlay parses the string at create. */
	{ "6.1", UT_MS_CREATE, -EINVAL, false,
	  "overlayfs: unrecognized mount option \"lowerdir+=/tmp/undertow.128.SZaKXz/"
	  "01-lower-dir-rename/l0\" or missing value", UT_MV_RETRY_LEGACY, NULL },
	{ "6.1", UT_MS_LEGACY, -EINVAL, true, "overlayfs: empty lowerdir",
	  UT_MV_MISSING, "data-only lower layers" },
	{ "6.1", UT_MS_LEGACY, -EINVAL, false,
	  "overlayfs: unrecognized mount option \"undertow_nope=1\" or missing value",
	  UT_MV_MISSING, "no mount option 'undertow_nope'" },
	{ "6.1", UT_MS_LEGACY, -EINVAL, false, "overlayfs: bad mount option \"redirect_dir=bogus\"",
	  UT_MV_MISSING, "option 'redirect_dir'" },
	{ "6.1", UT_MS_LEGACY, -EINVAL, false,
	  "overlayfs: conflicting options: nfs_export=on,metacopy=on",
	  UT_MV_MISSING, "nfs_export=on,metacopy=on together" },
	{ "6.1", UT_MS_LEGACY, -ENOENT, false,
	  "overlayfs: failed to resolve '/nonexistent/undertow-lower': -2", UT_MV_BROKEN, NULL },
	/* "::" without a data-only layer asked for: our bug, not the kernel's gap. */
	{ "6.1", UT_MS_LEGACY, -EINVAL, false, "overlayfs: empty lowerdir", UT_MV_BROKEN, NULL },
	/* No kernel log to read (a user namespace): mount(2)'s EINVAL says nothing. */
	{ "6.1", UT_MS_LEGACY, -EINVAL, false, "", UT_MV_BROKEN, NULL },
	{ "6.1", UT_MS_CREATE, -EINVAL, false, "", UT_MV_RETRY_LEGACY, NULL },
	/* 6.12: the fs context log names the option at its fsconfig. */
	{ "6.12", UT_MS_OPTION, -EINVAL, false, "overlay: Unknown parameter 'undertow_nope'",
	  UT_MV_MISSING, "no mount option 'undertow_nope'" },
	{ "6.12", UT_MS_OPTION, -EINVAL, false, "overlay: Bad value for 'redirect_dir'",
	  UT_MV_MISSING, "option 'redirect_dir'" },
	{ "6.12", UT_MS_CREATE, -EINVAL, false,
	  "overlayfs: conflicting options: nfs_export=on,metacopy=on",
	  UT_MV_MISSING, "nfs_export=on,metacopy=on together" },
	/* 6.5-6.7 (source): no lowerdir+ yet, but "::" through mount(2). */
	{ "6.5", UT_MS_LAYER, -EINVAL, false, "overlay: Unknown parameter 'lowerdir+'",
	  UT_MV_RETRY_LEGACY, NULL },
	{ "6.5", UT_MS_LEGACY, -EINVAL, false, "overlay: Unknown parameter 'lowerdir+'",
	  UT_MV_BROKEN, NULL },
	/* 6.18 (host; the unit test mount_missing_lower_is_broken for ENOENT). */
	{ "6.18", UT_MS_OPTION, -EINVAL, false,
	  "overlay: Unknown parameter 'undertow_no_such_option'",
	  UT_MV_MISSING, "no mount option 'undertow_no_such_option'" },
	{ "6.18", UT_MS_CREATE, -EINVAL, false,
	  "overlayfs: conflicting options: nfs_export=on,metacopy=on",
	  UT_MV_MISSING, "nfs_export=on,metacopy=on together" },
	{ "6.18", UT_MS_LAYER, -ENOENT, false,
	  "overlayfs: failed to resolve '/nonexistent/undertow-lower': -2", UT_MV_BROKEN, NULL },
	/* Errno only. */
	{ "any", UT_MS_FSOPEN, -ENODEV, false, "", UT_MV_MISSING, "no overlay filesystem" },
	{ "any", UT_MS_OPTION, -EINVAL, false, "", UT_MV_MISSING, "mount option" },
	{ "any", UT_MS_ATTACH, -EINVAL, false, "", UT_MV_BROKEN, NULL },
	{ "any", UT_MS_CREATE, -EIO, false, "", UT_MV_BROKEN, NULL },
};

START_TEST(decide_on_recorded_texts)
{
	const struct seen *s = &seen[_i];
	struct ut_mount_refusal r = { .step = s->step, .err = s->err, .text = s->text,
				      .dataonly = s->dataonly };
	char feat[160];
	enum ut_mount_verdict v = ut_mount_decide(&r, feat, sizeof(feat));

	ck_assert_msg(v == s->want, "%s %s: %s: verdict %d, want %d", s->kernel,
		      ut_mount_step_name(s->step), s->text, v, s->want);
	if (s->feat)
		ck_assert_msg(strstr(feat, s->feat), "%s: feature '%s', want '%s'", s->kernel,
			      feat, s->feat);
}
END_TEST

Suite *mountwhy_suite(void)
{
	Suite *s = suite_create("mountwhy");
	TCase *tc = tcase_create("decide");

	tcase_add_loop_test(tc, decide_on_recorded_texts, 0, sizeof(seen) / sizeof(seen[0]));
	suite_add_tcase(s, tc);
	return s;
}
