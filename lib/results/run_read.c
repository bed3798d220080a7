// SPDX-License-Identifier: GPL-2.0
/* run_read.c - run.json and its variants' files, checked, into struct ut_run_rec. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jfields.h"
#include "run_read.h"

#define F(key, kind, need, member) { key, kind, need, offsetof(struct ut_run_rec, member) }

/* The raw arrays, decoded after the table. */
struct raw {
	json_t *argv, *rows;
};

static const struct ut_jfield run_fields[] = {
	F("run_id", UT_J_NAME, 0, run_id),
	F("kernel", UT_J_STR_NULL, 0, kernel),
	F("start", UT_J_STR_NULL, 0, start),
	F("end", UT_J_STR_NULL, 0, end),
	F("kmemleak", UT_J_STR_NULL, 0, kmemleak),
	F("seed", UT_J_ID, 0, seed),
	F("complete", UT_J_BOOL, 0, complete),
	F("unprivileged", UT_J_BOOL, 0, unprivileged),
};

static const struct ut_jfield raw_fields[] = {
	{ "argv", UT_J_ARRAY, 0, offsetof(struct raw, argv) },
	{ "scenarios", UT_J_ARRAY, UT_J_ALWAYS, offsetof(struct raw, rows) },
};

/* A row of "scenarios": {name, file, variant, verdict, duration_s}. */
struct row {
	const char *file, *name, *variant, *verdict;
	double duration_s;
};

static const struct ut_jfield row_fields[] = {
	{ "file", UT_J_NAME, 0, offsetof(struct row, file) },
	{ "name", UT_J_NAME, 0, offsetof(struct row, name) },
	{ "variant", UT_J_STR, 0, offsetof(struct row, variant) },
	{ "verdict", UT_J_NAME, 0, offsetof(struct row, verdict) },
	{ "duration_s", UT_J_SECS, 0, offsetof(struct row, duration_s) },
};

/* There is something at @dir/@name; what is wrong with it, the reader says. */
static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 || errno != ENOENT;
}

/* A run directory, or a results directory whose latest points to one. */
static int find_run_dir(const char *dir, char *out, size_t outsz, char *why, size_t sz)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		snprintf(why, sz, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, sz, "%s: not a directory (want a run directory such as "
			 "results/latest)", dir);
		return -ENOTDIR;
	}
	if (exists(dir, "run.json")) {
		snprintf(out, outsz, "%s", dir);
		return 0;
	}
	if (exists(dir, "latest/run.json")) {
		snprintf(out, outsz, "%s/latest", dir);
		return 0;
	}
	snprintf(why, sz, "%s: no run.json (want a run directory such as results/latest)", dir);
	return -ENOENT;
}

static int read_argv(json_t *a, struct ut_run_rec *r, char *what, size_t sz)
{
	json_t *v;
	size_t i;

	r->argv = calloc(json_array_size(a) + 1, sizeof(*r->argv));
	if (!r->argv) {
		snprintf(what, sz, "out of memory");
		return -1;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			snprintf(what, sz, "argv[%zu]: want a string", i);
			return -1;
		}
		r->argv[r->argc++] = json_string_value(v);
	}
	return 0;
}

/* Row @i into the next variant; a stem seen before is skipped. */
static int read_row(json_t *o, size_t i, struct ut_run_rec *r, char *what, size_t sz)
{
	struct ut_run_var *v = &r->v[r->n];
	char sub[256];
	struct row row;

	if (!json_is_object(o)) {
		snprintf(what, sz, "scenarios[%zu]: want an object", i);
		return -1;
	}
	if (ut_jfields(o, row_fields, sizeof(row_fields) / sizeof(row_fields[0]), 0, &row, sub,
		       sizeof(sub))) {
		snprintf(what, sz, "scenarios[%zu]: %s", i, sub);
		return -1;
	}
	/* Rows written before "file" existed name the file by the scenario. */
	v->file = row.file ? row.file : row.name;
	if (!v->file || !ut_result_file_ok(v->file)) {
		snprintf(what, sz, "scenarios[%zu]: '%.100s' is not a result file name", i,
			 v->file ? v->file : "");
		return -1;
	}
	if (ut_run_find(r, v->file))
		return 0;
	v->name = row.name ? row.name : v->file;
	v->variant = row.variant;
	v->verdict = row.verdict ? row.verdict : "?";
	r->n++;
	return 0;
}

/* run.json's keys into @r; "KEY: what is wrong" in @what. */
static int decode(struct ut_run_rec *r, char *what, size_t sz)
{
	struct raw raw;
	json_t *row;
	size_t i;

	if (ut_jfields(r->doc, run_fields, sizeof(run_fields) / sizeof(run_fields[0]), 0, r,
		       what, sz) ||
	    ut_jfields(r->doc, raw_fields, sizeof(raw_fields) / sizeof(raw_fields[0]), 0, &raw,
		       what, sz) || read_argv(raw.argv, r, what, sz))
		return -1;
	/* The run id names a directory and a diff file: one path component. */
	if (r->run_id && !ut_result_stem_ok(r->run_id)) {
		snprintf(what, sz, "run_id: '%.100s' is not a directory name", r->run_id);
		return -1;
	}
	r->v = calloc(json_array_size(raw.rows) + 1, sizeof(*r->v));
	if (!r->v) {
		snprintf(what, sz, "out of memory");
		return -1;
	}
	json_array_foreach(raw.rows, i, row)
		if (read_row(row, i, r, what, sz))
			return -1;
	return 0;
}

/* The loaded run.json into @r, or -EINVAL with "LABEL: ..." and @r freed. */
static int decode_doc(struct ut_run_rec *r, const char *label, char *why, size_t sz)
{
	char what[512];

	if (!decode(r, what, sizeof(what)))
		return 0;
	snprintf(why, sz, "%s: not an undertow run.json: %s", label, what);
	ut_run_free(r);
	return -EINVAL;
}

int ut_run_parse(const char *buf, size_t len, const char *label, struct ut_run_rec *r,
		 char *why, size_t sz)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = ut_jparse(buf, len, label, &r->doc, why, sz);
	return err ? err : decode_doc(r, label, why, sz);
}

/* Each variant's file; a missing one is noted, anything else wrong fails. */
static int read_variants(struct ut_run_rec *r, char *why, size_t sz)
{
	char path[PATH_MAX + 300];

	for (int i = 0; i < r->n; i++) {
		struct ut_run_var *v = &r->v[i];
		int err;

		snprintf(path, sizeof(path), "%s/%s.json", r->dir, v->file);
		err = ut_scen_read(path, UT_NEED_OUTCOME, &v->res, why, sz);
		if (err == -ENOENT) {
			snprintf(v->err, sizeof(v->err), "no result file %s.json", v->file);
			continue;
		}
		if (err)
			return err;
		v->have_res = true;
		v->verdict = v->res.verdict;
	}
	return 0;
}

/* Without a run_id of its own, a run is called by its directory's name. */
static void default_run_id(struct ut_run_rec *r)
{
	char real[PATH_MAX];
	const char *base = realpath(r->dir, real) ? strrchr(real, '/') : NULL;

	snprintf(r->id_buf, sizeof(r->id_buf), "%.*s", NAME_MAX,
		 base && base[1] ? base + 1 : r->dir);
	r->run_id = r->id_buf;
}

int ut_run_read(const char *dir, struct ut_run_rec *r, char *why, size_t sz)
{
	char path[PATH_MAX + 16];
	int err;

	memset(r, 0, sizeof(*r));
	err = find_run_dir(dir, r->dir, sizeof(r->dir), why, sz);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/run.json", r->dir);
	err = ut_jload(path, &r->doc, why, sz);
	if (!err)
		err = decode_doc(r, path, why, sz);
	if (err)
		return err;
	if (!r->run_id)
		default_run_id(r);
	err = read_variants(r, why, sz);
	if (err)
		ut_run_free(r);
	return err;
}

void ut_run_free(struct ut_run_rec *r)
{
	for (int i = 0; i < r->n; i++)
		ut_scen_free(&r->v[i].res);
	free(r->v);
	free(r->argv);
	json_decref(r->doc);
	memset(r, 0, sizeof(*r));
}

const struct ut_run_var *ut_run_find(const struct ut_run_rec *r, const char *file)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].file, file))
			return &r->v[i];
	return NULL;
}
