// SPDX-License-Identifier: GPL-2.0
/*
 * mount_why.c - read an overlay mount's refusal: a missing kernel feature,
 * a retry with mount(2), or broken.  The words are overlay's own, from the
 * fs context log (6.5+) or the kernel log (pr_err, every version):
 *
 *   6.1   overlayfs: unrecognized mount option "X" or missing value
 *         overlayfs: bad mount option "redirect_dir=X"
 *         overlayfs: empty lowerdir          ("a::b" before data-only layers)
 *   6.5+  overlay: Unknown parameter 'X'     overlay: Bad value for 'X'
 *   all   overlayfs: conflicting options: nfs_export=on,metacopy=on
 *         overlayfs: filesystem on 'P' not supported[ as upperdir]
 *
 * Only errors count: overlay's warnings ("upper fs does not support
 * xattr, falling back to ...") come with mounts that succeed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mount_why.h"

/* What a piece of the kernel's words means; first match wins. */
struct rule {
	const char *key;
	enum ut_mount_verdict v;
	const char *feat;	/* "%s": the name after the key */
	const char *end;	/* what ends that name */
	bool dataonly;		/* only when the request had a data-only layer */
};

#define QUOTE "'\"=;"	/* a quoted option name: 'X', "X" or "X=value" */

static const struct rule rules[] = {
	/* Before 6.8: no lowerdir+/datadir+ keys; mount(2) takes "a:b::c". */
	{ "Unknown parameter 'lowerdir+'", UT_MV_RETRY_LEGACY, NULL, NULL, false },
	{ "Unknown parameter 'datadir+'", UT_MV_RETRY_LEGACY, NULL, NULL, false },
	{ "unrecognized mount option \"lowerdir+", UT_MV_RETRY_LEGACY, NULL, NULL, false },
	/* Before 6.5 "::" in lowerdir is an empty layer, not data-only ones. */
	{ "empty lowerdir", UT_MV_MISSING,
	  "no data-only lower layers (lowerdir=a::b, datadir+; Linux 6.5)", NULL, true },
	{ "Unknown parameter '", UT_MV_MISSING, "no mount option '%s'", QUOTE, false },
	{ "unrecognized mount option \"", UT_MV_MISSING, "no mount option '%s'", QUOTE, false },
	{ "Bad value for '", UT_MV_MISSING, "no such value for option '%s'", QUOTE, false },
	{ "bad mount option \"", UT_MV_MISSING, "no such value for option '%s'", QUOTE, false },
	{ "conflicting options: ", UT_MV_MISSING, "no support for %s together", ";", false },
	{ "missing required features", UT_MV_MISSING,
	  "no support for this upper filesystem", NULL, false },
	{ "stacking depth exceeded", UT_MV_MISSING, "no deeper filesystem stacking", NULL, false },
	{ "not supported", UT_MV_MISSING, "no support for a layer's filesystem", NULL, false },
};

#define NRULES ((int)(sizeof(rules) / sizeof(rules[0])))

static const char *const step_names[] = {
	[UT_MS_FSOPEN] = "fsopen(overlay)",
	[UT_MS_LAYER] = "overlay layers",
	[UT_MS_OPTION] = "overlay option",
	[UT_MS_CREATE] = "overlay create",
	[UT_MS_ATTACH] = "fsmount/move_mount",
	[UT_MS_LEGACY] = "mount(2) overlay",
};

const char *ut_mount_step_name(enum ut_mount_step s)
{
	return s <= UT_MS_LEGACY ? step_names[s] : "overlay mount";
}

/* The name after a rule's key, up to a character of @end. */
static void name_after(const char *after, const char *end, char *out, size_t sz)
{
	size_t n = strcspn(after, end);

	snprintf(out, sz, "%.*s", (int)n, after);
}

/* The kernel's words matched against the rules; -1 if none matches. */
static int match_text(const struct ut_mount_refusal *r, char *feat, size_t sz)
{
	for (int i = 0; i < NRULES; i++) {
		const char *hit = strstr(r->text, rules[i].key);
		char name[128];

		if (!hit || (rules[i].dataonly && !r->dataonly))
			continue;
		/* mount(2) is already the fallback: nothing more to retry. */
		if (rules[i].v == UT_MV_RETRY_LEGACY && r->step == UT_MS_LEGACY)
			return UT_MV_BROKEN;
		if (rules[i].feat) {
			name_after(hit + strlen(rules[i].key), rules[i].end ? rules[i].end : "",
				   name, sizeof(name));
			snprintf(feat, sz, rules[i].feat, name);
		}
		return rules[i].v;
	}
	return -1;
}

/* No words from the kernel (no log access): the errno and the step. */
static enum ut_mount_verdict by_errno(const struct ut_mount_refusal *r, char *feat, size_t sz)
{
	if (r->err == -ENODEV && (r->step == UT_MS_FSOPEN || r->step == UT_MS_LEGACY)) {
		snprintf(feat, sz, "no overlay filesystem");
		return UT_MV_MISSING;
	}
	if (r->step == UT_MS_FSOPEN && r->err == -ENOSYS)
		return UT_MV_RETRY_LEGACY;	/* no new mount API (before 5.2) */
	if (r->err != -EINVAL || r->text[0])
		return UT_MV_BROKEN;
	if (r->step == UT_MS_OPTION) {	/* EINVAL from one option's fsconfig */
		snprintf(feat, sz, "no such mount option or value");
		return UT_MV_MISSING;
	}
	/* Unknown lowerdir+ at fsconfig (6.5-6.7) or at create (before 6.5). */
	return r->step == UT_MS_LAYER || r->step == UT_MS_CREATE ?
	       UT_MV_RETRY_LEGACY : UT_MV_BROKEN;
}

enum ut_mount_verdict ut_mount_decide(const struct ut_mount_refusal *r, char *feat, size_t sz)
{
	int v;

	feat[0] = '\0';
	v = match_text(r, feat, sz);
	return v >= 0 ? (enum ut_mount_verdict)v : by_errno(r, feat, sz);
}
