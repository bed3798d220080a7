// SPDX-License-Identifier: GPL-2.0
/* jfields.c - load a results JSON object and decode its keys by table. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfields.h"
#include "rundir.h"

bool ut_jcount(json_t *v, uint64_t *n)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*n = (uint64_t)json_integer_value(v);
	return true;
}

static const char *const want[] = {
	[UT_J_NAME] = "a non-empty string", [UT_J_STR] = "a string",
	[UT_J_STR_NULL] = "a string or null", [UT_J_ID] = "an integer >= 0",
	[UT_J_COUNT] = "an integer >= 0", [UT_J_SECS] = "a number >= 0", [UT_J_NUM] = "a number",
	[UT_J_BOOL] = "true or false", [UT_J_OBJECT] = "an object", [UT_J_ARRAY] = "an array",
};

/* The value when absent (or null, for UT_J_STR_NULL). */
static void set_default(const struct ut_jfield *f, char *p)
{
	switch (f->kind) {
	case UT_J_STR:
		*(const char **)p = "";
		break;
	case UT_J_NAME:
	case UT_J_STR_NULL:
		*(const char **)p = NULL;
		break;
	case UT_J_ID:
		*(int64_t *)p = -1;
		break;
	case UT_J_COUNT:
	case UT_J_BOOL:
		*(int *)p = -1;
		break;
	case UT_J_SECS:
	case UT_J_NUM:
		*(double *)p = 0;
		break;
	case UT_J_OBJECT:
	case UT_J_ARRAY:
		*(json_t **)p = NULL;
		break;
	}
}

/* Store @v as @f's kind at @p; false when @v is not of that kind. */
static bool set_value(const struct ut_jfield *f, json_t *v, char *p)
{
	const char *s = json_string_value(v);
	json_int_t i = json_integer_value(v);

	switch (f->kind) {
	case UT_J_NAME:
	case UT_J_STR:
	case UT_J_STR_NULL:
		if (!s || (f->kind == UT_J_NAME && !*s))
			return false;
		*(const char **)p = s;
		return true;
	case UT_J_ID:
	case UT_J_COUNT:
		if (!json_is_integer(v) || i < 0 || (f->kind == UT_J_COUNT && i > INT_MAX))
			return false;
		if (f->kind == UT_J_ID)
			*(int64_t *)p = i;
		else
			*(int *)p = (int)i;
		return true;
	case UT_J_SECS:
		if (!json_is_number(v) || json_number_value(v) < 0)
			return false;
		*(double *)p = json_number_value(v);
		return true;
	case UT_J_NUM:
		if (!json_is_number(v))
			return false;
		*(double *)p = json_number_value(v);
		return true;
	case UT_J_BOOL:
		if (!json_is_boolean(v))
			return false;
		*(int *)p = json_is_true(v);
		return true;
	case UT_J_OBJECT:
	case UT_J_ARRAY:
		if (f->kind == UT_J_OBJECT ? !json_is_object(v) : !json_is_array(v))
			return false;
		*(json_t **)p = v;
		return true;
	}
	return false;
}

int ut_jfields(json_t *obj, const struct ut_jfield *f, size_t n, unsigned need, void *out,
	       char *what, size_t sz)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(obj, f[i].key);
		char *p = (char *)out + f[i].off;

		set_default(&f[i], p);
		/* null stands for "not recorded" only where the contract says so. */
		if (!v || (json_is_null(v) && f[i].kind == UT_J_STR_NULL)) {
			if (f[i].need != UT_J_ALWAYS && !(f[i].need & need))
				continue;
			snprintf(what, sz, "no '%s'", f[i].key);
			return -1;
		}
		if (!set_value(&f[i], v, p)) {
			snprintf(what, sz, "%s: want %s", f[i].key, want[f[i].kind]);
			return -1;
		}
	}
	return 0;
}

int ut_jparse(const char *buf, size_t len, const char *label, json_t **doc, char *why,
	      size_t sz)
{
	json_error_t e;

	*doc = json_loadb(buf, len, 0, &e);
	if (!*doc) {
		snprintf(why, sz, "%s: not JSON: %s (line %d, column %d)", label, e.text, e.line,
			 e.column);
		return -EINVAL;
	}
	if (!json_is_object(*doc)) {
		snprintf(why, sz, "%s: not an undertow results file: want a JSON object", label);
		json_decref(*doc);
		*doc = NULL;
		return -EINVAL;
	}
	return 0;
}

int ut_jload(const char *path, json_t **doc, char *why, size_t sz)
{
	char *buf;
	size_t len;
	int err = ut_read_whole(path, UT_RESULT_MAX, &buf, &len);

	*doc = NULL;
	if (err == -EINVAL)
		snprintf(why, sz, "%s: not a regular file", path);
	else if (err == -EFBIG)
		snprintf(why, sz, "%s: larger than %u MiB, not a results file", path,
			 UT_RESULT_MAX >> 20);
	else if (err)
		snprintf(why, sz, "%s: %s", path, strerror(-err));
	if (err)
		return err;
	err = ut_jparse(buf, len, path, doc, why, sz);
	free(buf);
	return err;
}
