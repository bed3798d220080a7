// SPDX-License-Identifier: GPL-2.0
/*
 * mount.c - overlay mounting: the new mount API with one lowerdir+ per
 * layer (6.8+), mount(2) when the kernel does not know lowerdir+, and on
 * failure the kernel's own reason and what it means (mount_why.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "mount.h"
#include "mount_log.h"
#include "mount_why.h"

/* One try at mounting: where it stopped and the kernel's words. */
struct attempt {
	struct ut_mount_refusal r;
	char what[128];		/* the layer or option that failed, or "" */
	char text[256];
};

static int failed(struct attempt *a, enum ut_mount_step step, int err, const char *what)
{
	a->r.step = step;
	a->r.err = err;
	snprintf(a->what, sizeof(a->what), "%s", what ? what : "");
	return err;
}

static int fsconfig_one(int fsfd, enum ut_mount_step step, const char *key, const char *val,
			struct attempt *a)
{
	char what[128];

	if (fsconfig(fsfd, val ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, val, 0) == 0)
		return 0;
	snprintf(what, sizeof(what), "%s%s%s", key, val ? "=" : "", val ? val : "");
	failed(a, step, -errno, what);
	ut_mount_log_fc(fsfd, a->text, sizeof(a->text));
	return a->r.err;
}

/* Apply "a=b,c" options one by one, so a failure names its option. */
static int apply_opts(int fsfd, const char *opts, struct attempt *a)
{
	char buf[512], *save = NULL, *tok;

	if (!opts || !*opts)
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", opts) >= (int)sizeof(buf))
		return failed(a, UT_MS_OPTION, -ENAMETOOLONG, "options");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int err;

		if (eq)
			*eq++ = '\0';
		err = fsconfig_one(fsfd, UT_MS_OPTION, tok, eq, a);
		if (err)
			return err;
	}
	return 0;
}

int ut_ovl_legacy_opts(const struct ut_mount_req *req, char *buf, size_t sz)
{
	size_t n = 0;

	n += snprintf(buf + n, sz > n ? sz - n : 0, "lowerdir=");
	for (int i = 0; i < req->nlower; i++)
		n += snprintf(buf + n, sz > n ? sz - n : 0, "%s%s", i ? ":" : "",
			      req->lower[i]);
	if (req->dataonly)	/* "::" starts the data-only layers */
		n += snprintf(buf + n, sz > n ? sz - n : 0, "::%s", req->dataonly);
	if (req->upper)
		n += snprintf(buf + n, sz > n ? sz - n : 0, ",upperdir=%s,workdir=%s",
			      req->upper, req->work);
	if (req->opts && *req->opts)
		n += snprintf(buf + n, sz > n ? sz - n : 0, ",%s", req->opts);
	return n < sz ? 0 : -ENAMETOOLONG;
}

static int legacy_mount(const struct ut_mount_req *req, struct attempt *a)
{
	char opts[4096];

	if (ut_ovl_legacy_opts(req, opts, sizeof(opts)))
		return failed(a, UT_MS_LEGACY, -ENAMETOOLONG, "option string");
	if (mount("overlay", req->target, "overlay", 0, opts) == 0)
		return 0;
	return failed(a, UT_MS_LEGACY, -errno, NULL);
}

static int set_layers(int fsfd, const struct ut_mount_req *req, struct attempt *a)
{
	int err = 0;

	for (int i = 0; i < req->nlower && !err; i++)
		err = fsconfig_one(fsfd, UT_MS_LAYER, "lowerdir+", req->lower[i], a);
	if (!err && req->dataonly)
		err = fsconfig_one(fsfd, UT_MS_LAYER, "datadir+", req->dataonly, a);
	if (!err && req->upper)
		err = fsconfig_one(fsfd, UT_MS_LAYER, "upperdir", req->upper, a);
	if (!err && req->upper)
		err = fsconfig_one(fsfd, UT_MS_LAYER, "workdir", req->work, a);
	return err;
}

/* The new API: fsopen, one fsconfig per layer and option, create, attach. */
static int new_mount(const struct ut_mount_req *req, struct attempt *a)
{
	int fsfd, mfd = -1, err;

	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return failed(a, UT_MS_FSOPEN, -errno, NULL);
	err = set_layers(fsfd, req, a);
	if (!err)
		err = apply_opts(fsfd, req->opts, a);
	if (!err && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = failed(a, UT_MS_CREATE, -errno, NULL);
		ut_mount_log_fc(fsfd, a->text, sizeof(a->text));
	}
	if (!err) {
		mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
		if (mfd < 0 || move_mount(mfd, "", AT_FDCWD, req->target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			err = failed(a, UT_MS_ATTACH, -errno, NULL);
	}
	if (mfd >= 0)
		close(mfd);
	close(fsfd);
	return err;
}

/* The reason in @res: what is missing, or where it broke and why. */
static void explain(const struct attempt *a, enum ut_mount_verdict v, const char *feat,
		    struct ut_mount_res *res)
{
	const char *text = a->text[0] ? a->text : a->r.step == UT_MS_LEGACY ?
			   "no kernel log to read the reason from" : "";

	res->err = a->r.err;
	res->fail = v == UT_MV_MISSING ? UT_MNT_UNSUPPORTED : UT_MNT_BROKEN;
	if (v == UT_MV_MISSING)
		snprintf(res->why, sizeof(res->why), "this kernel has %s (%s%s%s)", feat,
			 ut_mount_step_name(a->r.step), text[0] ? ": " : "", text[0] ? text :
			 strerror(-a->r.err));
	else
		snprintf(res->why, sizeof(res->why), "%s%s%s: %s%s%s", ut_mount_step_name(a->r.step),
			 a->what[0] ? " " : "", a->what, strerror(-a->r.err), text[0] ? ": " : "",
			 text);
}

/* One attempt; on failure the kernel's words and their verdict. */
static enum ut_mount_verdict try(const struct ut_mount_req *req, bool legacy, struct attempt *a,
				 struct ut_mount_log *log, char *feat, size_t sz)
{
	memset(a, 0, sizeof(*a));
	a->r.dataonly = req->dataonly;
	if (!(legacy ? legacy_mount(req, a) : new_mount(req, a)))
		return UT_MV_BROKEN;	/* not read: it worked */
	ut_mount_log_kmsg(log, a->text, sizeof(a->text));
	a->r.text = a->text;
	return ut_mount_decide(&a->r, feat, sz);
}

int ut_ovl_mount(const struct ut_mount_req *req, struct ut_mount_res *res)
{
	struct ut_mount_log log;
	enum ut_mount_verdict v;
	struct attempt a;
	char feat[160];

	memset(res, 0, sizeof(*res));
	ut_mount_log_open(&log);
	v = try(req, false, &a, &log, feat, sizeof(feat));
	if (a.r.err && v == UT_MV_RETRY_LEGACY) {
		res->legacy = true;
		v = try(req, true, &a, &log, feat, sizeof(feat));
	}
	ut_mount_log_close(&log);
	if (a.r.err)
		explain(&a, v, feat, res);
	return a.r.err;
}

int ut_umount_or_detach(const char *mnt)
{
	if (!umount2(mnt, 0))
		return 0;
	if (errno != EBUSY)
		return -errno;
	umount2(mnt, MNT_DETACH);
	return -EBUSY;
}
