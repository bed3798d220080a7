// SPDX-License-Identifier: GPL-2.0
/* results_read.c - a scenario's results file, checked, into struct ut_scen_rec. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jfields.h"
#include "results_read.h"

#define F(key, kind, need, member) { key, kind, need, offsetof(struct ut_scen_rec, member) }

/* Where each contract key goes.  ops/mutations/findings/kmsg are decoded below. */
static const struct ut_jfield fields[] = {
	F("name", UT_J_NAME, UT_J_ALWAYS, name),
	F("variant", UT_J_STR, 0, variant),
	F("verdict", UT_J_NAME, UT_NEED_OUTCOME, verdict),
	F("reason", UT_J_STR, 0, reason),
	F("seed", UT_J_ID, UT_NEED_SETTINGS, seed),
	F("workers", UT_J_COUNT, UT_NEED_SETTINGS, workers),
	F("mutators", UT_J_COUNT, UT_NEED_SETTINGS, mutators),
	F("duration_s", UT_J_SECS, 0, duration_s),
	F("runtime_s", UT_J_SECS, 0, runtime_s),
	F("hang_timeout_s", UT_J_SECS, 0, hang_timeout_s),
	F("ovl_options", UT_J_STR, 0, ovl_options),
	F("backend", UT_J_STR, 0, backend),
	F("backend_spec", UT_J_STR, 0, backend_spec),
	F("optset", UT_J_STR, 0, optset),
	F("replay", UT_J_STR, 0, replay),
};

/* The JSON values decoded by hand, after the table. */
struct raw {
	json_t *ops, *muts, *findings, *kmsg, *cov, *race, *off, *wt;
};

static const struct ut_jfield raw_fields[] = {
	{ "ops", UT_J_OBJECT, UT_NEED_OUTCOME, offsetof(struct raw, ops) },
	{ "mutations", UT_J_OBJECT, UT_NEED_OUTCOME, offsetof(struct raw, muts) },
	{ "findings", UT_J_ARRAY, UT_NEED_OUTCOME, offsetof(struct raw, findings) },
	{ "kmsg", UT_J_ARRAY, 0, offsetof(struct raw, kmsg) },
	{ "coverage", UT_J_OBJECT, 0, offsetof(struct raw, cov) },
	{ "race", UT_J_OBJECT, 0, offsetof(struct raw, race) },
	{ "ops_off", UT_J_ARRAY, 0, offsetof(struct raw, off) },
	{ "op_weights", UT_J_ARRAY, 0, offsetof(struct raw, wt) },
};

bool ut_result_stem_ok(const char *stem)
{
	return stem[0] && stem[0] != '.' && !strchr(stem, '/');
}

bool ut_result_file_ok(const char *file)
{
	return ut_result_stem_ok(file) ||
	       (!strncmp(file, UT_CORPUS "/", sizeof(UT_CORPUS)) &&
		ut_result_stem_ok(file + sizeof(UT_CORPUS)));
}

static int by_rc_name(const void *a, const void *b)
{
	return strcmp(((const struct ut_rc_rec *)a)->name, ((const struct ut_rc_rec *)b)->name);
}

static int by_op_name(const void *a, const void *b)
{
	return strcmp(((const struct ut_op_rec *)a)->name, ((const struct ut_op_rec *)b)->name);
}

/* "effective": calls that reached the op's path, at most its calls; optional. */
static int read_effective(const char *role, const char *name, json_t *v, struct ut_op_rec *op,
			  char *what, size_t sz)
{
	uint64_t n;

	op->effective = -1;
	if (!v)
		return 0;
	if (!ut_jcount(v, &n) || n > op->calls) {
		snprintf(what, sz, "%s.%s.effective: want an integer <= its calls (%llu)", role,
			 name, (unsigned long long)op->calls);
		return -1;
	}
	op->effective = (int64_t)n;
	return 0;
}

/* One op: {"calls": N, "returns": {"OK": n, ...}}; calls cover the returns. */
static int read_op(const char *role, const char *name, json_t *o, struct ut_op_rec *op,
		   char *what, size_t sz)
{
	json_t *rets = json_object_get(o, "returns"), *calls = json_object_get(o, "calls"), *v;
	uint64_t sum = 0;
	const char *code;

	op->name = name;
	if (!json_is_object(o) || !json_is_object(rets)) {
		snprintf(what, sz, "%s.%s: want {\"calls\": N, \"returns\": {...}}", role, name);
		return -1;
	}
	op->rc = calloc(json_object_size(rets) + 1, sizeof(*op->rc));
	if (!op->rc) {
		snprintf(what, sz, "out of memory");
		return -1;
	}
	json_object_foreach(rets, code, v) {
		struct ut_rc_rec *rc = &op->rc[op->nrc++];

		rc->name = code;
		if (!ut_jcount(v, &rc->n)) {
			snprintf(what, sz, "%s.%s.returns.%s: want an integer >= 0", role, name, code);
			return -1;
		}
		sum += rc->n;
	}
	qsort(op->rc, op->nrc, sizeof(*op->rc), by_rc_name);
	op->calls = sum;
	if (calls && (!ut_jcount(calls, &op->calls) || op->calls < sum)) {
		snprintf(what, sz, "%s.%s.calls: want an integer >= its returns (%llu)", role, name,
			 (unsigned long long)sum);
		return -1;
	}
	return read_effective(role, name, json_object_get(o, "effective"), op, what, sz);
}

static int read_hist(const char *role, json_t *o, struct ut_hist_rec *h, char *what, size_t sz)
{
	const char *name;
	json_t *v;

	h->op = calloc(json_object_size(o) + 1, sizeof(*h->op));
	if (!h->op) {
		snprintf(what, sz, "out of memory");
		return -1;
	}
	json_object_foreach(o, name, v)
		if (read_op(role, name, v, &h->op[h->n++], what, sz))
			return -1;
	qsort(h->op, h->n, sizeof(*h->op), by_op_name);
	return 0;
}

static int read_findings(json_t *a, struct ut_scen_rec *s, char *what, size_t sz)
{
	static const struct ut_jfield ff[] = {
		{ "kind", UT_J_NAME, UT_J_ALWAYS, offsetof(struct ut_finding_rec, kind) },
		{ "detail", UT_J_STR, 0, offsetof(struct ut_finding_rec, detail) },
	};
	char sub[200];
	json_t *v;
	size_t i;

	s->findings = calloc(json_array_size(a) + 1, sizeof(*s->findings));
	if (!s->findings) {
		snprintf(what, sz, "out of memory");
		return -1;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_object(v)) {
			snprintf(what, sz, "findings[%zu]: want an object", i);
			return -1;
		}
		if (ut_jfields(v, ff, 2, UT_J_ALWAYS, &s->findings[i], sub, sizeof(sub))) {
			snprintf(what, sz, "findings[%zu]: %s", i, sub);
			return -1;
		}
		s->nfindings++;
	}
	return 0;
}

static int read_kmsg(json_t *a, struct ut_scen_rec *s, char *what, size_t sz)
{
	json_t *v;
	size_t i;

	s->kmsg = calloc(json_array_size(a) + 1, sizeof(*s->kmsg));
	if (!s->kmsg) {
		snprintf(what, sz, "out of memory");
		return -1;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			snprintf(what, sz, "kmsg[%zu]: want a string", i);
			return -1;
		}
		s->kmsg[s->nkmsg++] = json_string_value(v);
	}
	return 0;
}

/* "ops_off": [workers' mask, mutators' mask], the ops left out of the mix. */
static int read_off(json_t *a, struct ut_scen_rec *s, char *what, size_t sz)
{
	if (!a)
		return 0;
	if (json_array_size(a) != 2) {
		snprintf(what, sz, "ops_off: want [workers' mask, mutators' mask]");
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		json_int_t v = json_integer_value(json_array_get(a, i));

		if (!json_is_integer(json_array_get(a, i)) || v < 0 || v > UINT32_MAX) {
			snprintf(what, sz, "ops_off[%d]: want an integer 0..2^32-1", i);
			return -1;
		}
		s->off[i] = (uint32_t)v;
	}
	return 0;
}

/* "op_weights": [[workers' weights], [mutators' weights]], each 1..1000 or empty. */
static int read_weights(json_t *a, struct ut_scen_rec *s, char *what, size_t sz)
{
	if (!a)
		return 0;
	if (json_array_size(a) != 2) {
		snprintf(what, sz, "op_weights: want [workers' weights, mutators' weights]");
		return -1;
	}
	for (int role = 0; role < 2; role++) {
		json_t *l = json_array_get(a, role), *v;
		size_t i;

		if (!json_is_array(l) || json_array_size(l) > UT_J_MAX_OPS) {
			snprintf(what, sz, "op_weights[%d]: want a list of at most %d weights", role,
				 UT_J_MAX_OPS);
			return -1;
		}
		json_array_foreach(l, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > 1000) {
				snprintf(what, sz, "op_weights[%d][%zu]: want an integer 1..1000",
					 role, i);
				return -1;
			}
			s->wt[role][i] = (uint16_t)json_integer_value(v);
		}
		s->nwt[role] = (int)json_array_size(l);
	}
	return 0;
}

/* Every key of the document into @s; "KEY: what is wrong" in @what. */
static int decode(struct ut_scen_rec *s, unsigned need, char *what, size_t sz)
{
	struct raw raw;

	if (ut_jfields(s->doc, fields, sizeof(fields) / sizeof(fields[0]), need, s, what, sz) ||
	    ut_jfields(s->doc, raw_fields, sizeof(raw_fields) / sizeof(raw_fields[0]), need,
		       &raw, what, sz))
		return -1;
	return read_hist("ops", raw.ops, &s->ops, what, sz) ||
	       read_hist("mutations", raw.muts, &s->muts, what, sz) ||
	       read_findings(raw.findings, s, what, sz) || read_kmsg(raw.kmsg, s, what, sz) ||
	       ut_cov_read(raw.cov, &s->cov, what, sz) ||
	       ut_race_read(raw.race, &s->race, what, sz) || read_off(raw.off, s, what, sz) ||
	       read_weights(raw.wt, s, what, sz) ?
	       -1 : 0;
}

int ut_scen_read(const char *path, unsigned need, struct ut_scen_rec *s, char *why,
		 size_t sz)
{
	char what[512];
	int err;

	memset(s, 0, sizeof(*s));
	err = ut_jload(path, &s->doc, why, sz);
	if (err)
		return err;
	if (decode(s, need, what, sizeof(what))) {
		snprintf(why, sz, "%s: not an undertow result: %s", path, what);
		ut_scen_free(s);
		return -EINVAL;
	}
	return 0;
}

static void hist_free(struct ut_hist_rec *h)
{
	for (int i = 0; i < h->n; i++)
		free(h->op[i].rc);
	free(h->op);
}

void ut_scen_free(struct ut_scen_rec *s)
{
	hist_free(&s->ops);
	hist_free(&s->muts);
	free(s->findings);
	free(s->kmsg);
	ut_cov_free(&s->cov);
	ut_race_free(&s->race);
	json_decref(s->doc);
	memset(s, 0, sizeof(*s));
}

const struct ut_op_rec *ut_hist_find(const struct ut_hist_rec *h, const char *op)
{
	struct ut_op_rec key = { .name = op };

	return h->n ? bsearch(&key, h->op, h->n, sizeof(*h->op), by_op_name) : NULL;
}

uint64_t ut_op_count(const struct ut_op_rec *op, const char *code)
{
	struct ut_rc_rec key = { .name = code }, *rc;

	rc = op && op->nrc ? bsearch(&key, op->rc, op->nrc, sizeof(*op->rc), by_rc_name) : NULL;
	return rc ? rc->n : 0;
}

uint64_t ut_hist_calls(const struct ut_hist_rec *h)
{
	uint64_t n = 0;

	for (int i = 0; i < h->n; i++)
		n += h->op[i].calls;
	return n;
}
