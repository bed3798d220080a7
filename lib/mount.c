// SPDX-License-Identifier: GPL-2.0
/* mount.c - overlay mounting with the kernel's own reasons on failure. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "mount.h"

/* Append the fs context's messages ("e overlayfs: ...") to res->why. */
static void drain_log(int fsfd, struct ut_mount_res *res)
{
	char msg[256];
	size_t used = strlen(res->why);

	for (int i = 0; i < 16; i++) {
		ssize_t n = read(fsfd, msg, sizeof(msg) - 1);

		if (n <= 0)
			break;
		msg[n] = '\0';
		/* Skip the "e " / "w " / "i " severity prefix. */
		used += snprintf(res->why + used, sizeof(res->why) - used, "%s%s",
				 used ? "; " : "", n > 2 && msg[1] == ' ' ? msg + 2 : msg);
		if (used >= sizeof(res->why))
			break;
	}
}

static void set_fail(struct ut_mount_res *res, enum ut_mount_fail f, int err,
		     const char *fmt, ...)
{
	va_list ap;

	res->fail = f;
	res->err = err;
	if (res->why[0])
		return;		/* the kernel's reason beats ours */
	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
}

/* Does the kernel's message say a feature is missing rather than broken? */
static bool says_unsupported(const char *why)
{
	static const char *const keys[] = {
		"not supported", "does not support", "unsupported", "requires",
		"Unknown parameter", "unrecognized", "not available", NULL,
	};

	for (int i = 0; keys[i]; i++)
		if (strstr(why, keys[i]))
			return true;
	return false;
}

static int fsconfig_str(int fsfd, const char *key, const char *val,
			struct ut_mount_res *res)
{
	if (fsconfig(fsfd, val ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, val, 0) == 0)
		return 0;
	res->err = -errno;
	drain_log(fsfd, res);
	return res->err;
}

/* Apply "a=b,c" options one by one, so a failure names its option. */
static int apply_opts(int fsfd, const char *opts, struct ut_mount_res *res)
{
	char buf[512], *save = NULL, *tok;

	if (!opts || !*opts)
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", opts) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int err;

		if (eq)
			*eq++ = '\0';
		err = fsconfig_str(fsfd, tok, eq, res);
		if (err) {
			/* EINVAL here: the kernel does not know the option or value. */
			set_fail(res, err == -EINVAL || says_unsupported(res->why) ?
				 UT_MNT_UNSUPPORTED : UT_MNT_BROKEN, err,
				 "option %s%s%s: %s", tok, eq ? "=" : "", eq ? eq : "",
				 strerror(-err));
			return err;
		}
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

static int legacy_mount(const struct ut_mount_req *req, struct ut_mount_res *res)
{
	char opts[4096];

	res->legacy = true;
	res->why[0] = '\0';
	if (ut_ovl_legacy_opts(req, opts, sizeof(opts))) {
		set_fail(res, UT_MNT_BROKEN, -ENAMETOOLONG, "overlay option string too long");
		return res->err;
	}
	if (mount("overlay", req->target, "overlay", 0, opts) == 0)
		return 0;
	res->err = -errno;
	set_fail(res, res->err == -ENODEV ? UT_MNT_UNSUPPORTED : UT_MNT_BROKEN,
		 res->err, "mount(2) overlay: %s (the kernel log has the reason)",
		 strerror(-res->err));
	return res->err;
}

/* The new API with one lowerdir+ per layer (6.8+). */
static int new_mount(const struct ut_mount_req *req, struct ut_mount_res *res, bool *fallback)
{
	int fsfd, mfd = -1, err = 0;

	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		err = -errno;
		*fallback = err == -ENOSYS;
		if (!*fallback)
			set_fail(res, err == -ENODEV ? UT_MNT_UNSUPPORTED : UT_MNT_BROKEN,
				 err, "fsopen(overlay): %s", strerror(-err));
		return err;
	}
	for (int i = 0; i < req->nlower && !err; i++)
		err = fsconfig_str(fsfd, "lowerdir+", req->lower[i], res);
	if (!err && req->dataonly)
		err = fsconfig_str(fsfd, "datadir+", req->dataonly, res);
	if (!err && req->upper)
		err = fsconfig_str(fsfd, "upperdir", req->upper, res);
	if (!err && req->upper)
		err = fsconfig_str(fsfd, "workdir", req->work, res);
	if (err) {
		set_fail(res, UT_MNT_BROKEN, err, "overlay layers: %s", strerror(-err));
		goto out;
	}
	err = apply_opts(fsfd, req->opts, res);
	if (err)
		goto out;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = -errno;
		drain_log(fsfd, res);
		set_fail(res, says_unsupported(res->why) ? UT_MNT_UNSUPPORTED : UT_MNT_BROKEN,
			 err, "overlay create: %s", strerror(-err));
		goto out;
	}
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0 || move_mount(mfd, "", AT_FDCWD, req->target, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		err = -errno;
		set_fail(res, UT_MNT_BROKEN, err, "fsmount/move_mount: %s", strerror(-err));
	}
out:
	if (mfd >= 0)
		close(mfd);
	close(fsfd);
	return err;
}

int ut_ovl_mount(const struct ut_mount_req *req, struct ut_mount_res *res)
{
	struct ut_mount_res first;
	bool fallback = false;
	int err;

	memset(res, 0, sizeof(*res));
	err = new_mount(req, res, &fallback);
	if (!err)
		return 0;
	/*
	 * Before 6.8 "lowerdir+" is unknown (EINVAL at fsconfig, or at create
	 * on kernels whose overlay still parses a legacy option string): retry
	 * with mount(2).  If that fails too, the first reason is the better one.
	 */
	if (!fallback && err != -EINVAL)
		return err;
	first = *res;
	if (!legacy_mount(req, res))
		return 0;
	if (!fallback)
		*res = first;
	return res->err;
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
