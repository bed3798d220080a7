// SPDX-License-Identifier: GPL-2.0
/*
 * merge_in.c - one input of undertow merge: a run directory read through
 * the typed reader, its shard K/N, and its ktap.log checked against its
 * run.json, so that every test of the merged KTAP is a variant with a row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfields.h"
#include "ktap.h"
#include "merge.h"
#include "rundir.h"

static bool parse_kn(const char *s, int *k, int *n)
{
	char extra;

	return sscanf(s, "%d/%d%c", k, n, &extra) == 2 && *n >= 1 && *k >= 1 && *k <= *n;
}

bool ut_shard_of_argv(const char *const *argv, int argc, int *k, int *n)
{
	*k = *n = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--shard") && i + 1 < argc)
			return parse_kn(argv[i + 1], k, n) || (*k = *n = 1, false);
		if (!strncmp(argv[i], "--shard=", 8))
			return parse_kn(argv[i] + 8, k, n) || (*k = *n = 1, false);
	}
	return false;
}

json_t *ut_shard_row(const struct ut_shard *s, const char *file)
{
	json_t *rows = json_object_get(s->run.doc, "scenarios"), *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		json_t *f = json_object_get(row, "file");

		if (!f)		/* rows older than "file" name the file by the scenario */
			f = json_object_get(row, "name");
		if (json_is_string(f) && !strcmp(json_string_value(f), file))
			return row;
	}
	return NULL;
}

/*
 * The KTAP line a variant would have had, from its results file (or its
 * row, without one): for a test the shard's ktap.log lacks.
 */
static int made_line(struct ut_ktap_doc *d, const struct ut_run_var *v)
{
	const char *reason = v->have_res ? v->res.reason : "no results file";
	int verdict = ut_verdict_of(v->verdict);
	char line[768], diag[512];
	int head;

	if (verdict < 0) {
		verdict = UT_BROKEN;
		reason = "its verdict is unknown";
	}
	head = snprintf(line, sizeof(line), "%s %d %s", verdict == UT_PASS ||
			verdict == UT_SKIP ? "ok" : "not ok", d->n + 1, v->file);
	ut_ktap_line(line, sizeof(line), d->n + 1, v->file, verdict, reason);
	snprintf(diag, sizeof(diag), "# %s: not in the shard's ktap.log; this line is made "
		 "from its results\n", v->file);
	return ut_ktap_doc_add(d, v->file, verdict == UT_PASS || verdict == UT_SKIP,
			       verdict == UT_SKIP, line + head, diag);
}

/* ktap.log: each test must be a variant of run.json; variants it lacks are added. */
static int reconcile(struct ut_shard *s, const char *path, char *why, size_t sz)
{
	for (int i = 0; i < s->ktap.n; i++)
		if (!ut_run_find(&s->run, s->ktap.t[i].name)) {
			snprintf(why, sz, "%s: test %d '%.100s' is not a variant of its run.json",
				 path, i + 1, s->ktap.t[i].name);
			return -1;
		}
	for (int i = 0; i < s->run.n; i++) {
		bool found = false;

		for (int j = 0; j < s->ktap.n && !found; j++)
			found = !strcmp(s->ktap.t[j].name, s->run.v[i].file);
		if (!found && made_line(&s->ktap, &s->run.v[i])) {
			snprintf(why, sz, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* A file of the run directory, whole; *@buf NULL when there is none. */
static int read_opt(const struct ut_shard *s, const char *name, char **buf, size_t *len,
		    char *why, size_t sz)
{
	char path[PATH_MAX + 16];
	int err;

	snprintf(path, sizeof(path), "%s/%s", s->run.dir, name);
	err = ut_read_whole(path, UT_RESULT_MAX, buf, len);
	if (err == -ENOENT)
		return 0;
	if (err)
		snprintf(why, sz, "%s: %s", path, err == -EINVAL ? "not a regular file" :
			 strerror(-err));
	return err ? -1 : 0;
}

static int read_ktap(struct ut_shard *s, char *why, size_t sz)
{
	char path[PATH_MAX + 16], what[512], *text = NULL;
	size_t len = 0;
	int err;

	snprintf(path, sizeof(path), "%s/ktap.log", s->run.dir);
	if (read_opt(s, "ktap.log", &text, &len, why, sz))
		return -1;
	if (!text) {
		/* A VM guest that died streamed no ktap.log: the lines come from run.json. */
		s->ktap_made = true;
		s->ktap.plan = s->run.n;
		return reconcile(s, path, why, sz);
	}
	err = ut_ktap_doc_parse(text, len, &s->ktap, what, sizeof(what));
	free(text);
	if (err) {
		snprintf(why, sz, "%s: not KTAP: %s", path, what);
		return -1;
	}
	return reconcile(s, path, why, sz);
}

int ut_shard_read(const char *dir, struct ut_shard *s, char *why, size_t sz)
{
	memset(s, 0, sizeof(*s));
	s->arg = dir;
	if (ut_run_read(dir, &s->run, why, sz))
		return -1;
	ut_shard_of_argv(s->run.argv, s->run.argc, &s->k, &s->n);
	snprintf(s->label, sizeof(s->label), "shard %d/%d", s->k, s->n);
	if (read_ktap(s, why, sz) ||
	    read_opt(s, "kmsg.log", &s->kmsg, &s->kmsg_len, why, sz))
		goto bad;
	s->drop = calloc(s->run.n + 1, sizeof(*s->drop));
	if (!s->drop) {
		snprintf(why, sz, "out of memory");
		goto bad;
	}
	s->kept = s->run.n;
	return 0;
bad:
	ut_shard_free(s);
	return -1;
}

void ut_shard_free(struct ut_shard *s)
{
	ut_run_free(&s->run);
	ut_ktap_doc_free(&s->ktap);
	free(s->kmsg);
	free(s->drop);
	memset(s, 0, sizeof(*s));
}
