// SPDX-License-Identifier: GPL-2.0
/* optsets.c - the overlay option sets the matrix runs scenarios under. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "optsets.h"

static const struct ut_optset sets[] = {
	{ .name = "default", .opts = "" },
	{ .name = "index", .opts = "index=on" },
	{ .name = "nfs_export", .opts = "index=on,nfs_export=on" },
	{ .name = "metacopy", .opts = "metacopy=on,redirect_dir=on" },
	{ .name = "redirect_on", .opts = "redirect_dir=on" },
	{ .name = "redirect_follow", .opts = "redirect_dir=follow" },
	{ .name = "redirect_off", .opts = "redirect_dir=off" },
	{ .name = "xino_on", .opts = "xino=on" },
	{ .name = "xino_auto", .opts = "xino=auto" },
	{ .name = "xino_off", .opts = "xino=off" },
	{ .name = "uuid_on", .opts = "uuid=on" },
	{ .name = "uuid_off", .opts = "uuid=off" },
	{ .name = "userxattr", .opts = "userxattr" },
	{ .name = "volatile", .opts = "volatile" },
	{ .name = "lower2", .opts = "", .extra_lowers = 1 },
	{ .name = "dataonly", .opts = "metacopy=on,redirect_dir=on", .dataonly = true },
};

#define NSETS ((int)(sizeof(sets) / sizeof(sets[0])))

const struct ut_optset *ut_optsets(int *n)
{
	*n = NSETS;
	return sets;
}

const struct ut_optset *ut_optset_find(const char *name)
{
	for (int i = 0; i < NSETS; i++)
		if (!strcmp(sets[i].name, name))
			return &sets[i];
	return NULL;
}

/* Value of @key in a "k=v,k2,..." list: "" for a bare flag, NULL if absent. */
static const char *value_of(const char *list, const char *key, char *buf, size_t sz)
{
	size_t klen = strlen(key);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		eq = memchr(p, '=', len);
		if ((size_t)((eq ? eq : p + len) - p) == klen && !strncmp(p, key, klen)) {
			snprintf(buf, sz, "%.*s", eq ? (int)(p + len - eq - 1) : 0, eq ? eq + 1 : "");
			return buf;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

bool ut_opts_has(const char *opts, const char *key)
{
	char buf[UT_OPTS_MAX + 1];

	return value_of(opts, key, buf, sizeof(buf)) != NULL;
}

static bool word_in(const char *words, const char *w, size_t len)
{
	for (const char *p = words; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && !strncmp(p, w, len))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static int append(char *out, size_t sz, size_t *used, const char *opt, size_t len)
{
	int n = snprintf(out + *used, sz - *used, "%s%.*s", *used ? "," : "", (int)len, opt);

	if (n < 0 || (size_t)n >= sz - *used)
		return -ENAMETOOLONG;
	*used += n;
	return 0;
}

int ut_opts_merge(const char *required, const char *incompatible, const char *set,
		  char *out, size_t sz, char *why, size_t whysz)
{
	size_t used = 0;

	out[0] = '\0';
	why[0] = '\0';
	for (const char *p = set; p && *p;) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p), klen;
		char key[64], a[128], b[128];
		const char *req;

		eq = memchr(p, '=', len);
		klen = (eq ? eq : p + len) - p;
		snprintf(key, sizeof(key), "%.*s", (int)klen, p);
		if (word_in(incompatible, key, klen)) {
			snprintf(why, whysz, "scenario cannot run with %s", key);
			return -EINVAL;
		}
		req = value_of(required, key, a, sizeof(a));
		if (req && strcmp(req, value_of(set, key, b, sizeof(b)))) {
			snprintf(why, whysz, "%.*s conflicts with the scenario's %s%s%s", (int)len, p,
				 key, *req ? "=" : "", req);
			return -EINVAL;
		}
		if (!req && append(out, sz, &used, p, len))
			return -ENAMETOOLONG;
		p = end ? end + 1 : NULL;
	}
	if (required && *required && append(out, sz, &used, required, strlen(required)))
		return -ENAMETOOLONG;
	return 0;
}

/* Keys that say where layers are or what is mounted: undertow sets those. */
static const char *const plumbing[] = {
	"lowerdir", "lowerdir+", "upperdir", "workdir", "datadir+", "source",
};

#define KEY_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"
#define VAL_CHARS KEY_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ.:-"

static bool is_plumbing(const char *key, size_t klen)
{
	for (size_t i = 0; i < sizeof(plumbing) / sizeof(plumbing[0]); i++)
		if (strlen(plumbing[i]) == klen && !strncmp(plumbing[i], key, klen))
			return true;
	return false;
}

/* All of @s[0..len) in @chars. */
static bool only(const char *s, size_t len, const char *chars)
{
	for (size_t i = 0; i < len; i++)
		if (!s[i] || !strchr(chars, s[i]))
			return false;
	return true;
}

/* One "key[=value]" of @all, @len bytes at @p: 0 or -EINVAL with @why. */
static int check_one(const char *all, const char *p, size_t len, char *why, size_t sz)
{
	const char *eq = memchr(p, '=', len);
	size_t klen = (eq ? eq : p + len) - p;
	char key[UT_OPTS_MAX + 1], first[UT_OPTS_MAX + 1], val[UT_OPTS_MAX + 1];
	const struct ut_optset *set;

	snprintf(key, sizeof(key), "%.*s", (int)klen, p);
	snprintf(val, sizeof(val), "%.*s", eq ? (int)(p + len - eq - 1) : 0, eq ? eq + 1 : "");
	if (!len) {
		snprintf(why, sz, "-o '%s': an empty option", all);
		return -EINVAL;
	}
	if (is_plumbing(p, klen)) {
		snprintf(why, sz, "-o '%s': %s names a layer or mount source; undertow sets "
			 "those itself (use -b for where layers live)", all, key);
		return -EINVAL;
	}
	if (!klen || !only(p, klen, KEY_CHARS)) {
		snprintf(why, sz, "-o '%s': '%s' is not an option name (a-z, 0-9, _)", all, key);
		return -EINVAL;
	}
	if (eq && !only(eq + 1, len - klen - 1, VAL_CHARS)) {
		snprintf(why, sz, "-o '%s': %s's value '%s' is not a plain word (A-Z, a-z, 0-9, "
			 "_ . : -)", all, key, val);
		return -EINVAL;
	}
	if (strcmp(value_of(all, key, first, sizeof(first)), val)) {
		snprintf(why, sz, "-o '%s': %s given twice, with two values", all, key);
		return -EINVAL;
	}
	set = eq ? NULL : ut_optset_find(key);
	if (set && strcmp(set->opts, key)) {
		snprintf(why, sz, "-o '%s': %s is an option set; give each set its own -o",
			 all, key);
		return -EINVAL;
	}
	return 0;
}

int ut_opts_check(const char *opts, char *why, size_t sz)
{
	if (strlen(opts) > UT_OPTS_MAX) {
		snprintf(why, sz, "-o '%.20s...': longer than %d characters", opts, UT_OPTS_MAX);
		return -EINVAL;
	}
	for (const char *p = opts;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int err = check_one(opts, p, len, why, sz);

		if (err || !end)
			return err;
		p = end + 1;
	}
}
