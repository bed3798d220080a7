// SPDX-License-Identifier: GPL-2.0
/* results.c - result JSON: the keys of the results contract in README. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "results.h"
#include "results_read.h"

const char *ut_bucket_name(int bucket)
{
	if (bucket == UT_BUCKET_OTHER)
		return "EOTHER";
	return ut_errname(ut_bucket_errno(bucket));
}

uint64_t ut_total_calls(const struct ut_hist *h, int nh)
{
	uint64_t n = 0;

	for (int i = 0; i < nh; i++)
		n += h[i].calls;
	return n;
}

void ut_top_returns(const struct ut_hist *h, int nh, int n, char *buf, size_t sz)
{
	uint64_t sum[UT_NBUCKET] = { 0 };
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < nh; i++)
		for (int b = 0; b < UT_NBUCKET; b++)
			sum[b] += h[i].ret[b];
	for (int k = 0; k < n; k++) {
		int best = -1;

		for (int b = 0; b < UT_NBUCKET; b++)
			if (sum[b] && (best < 0 || sum[b] > sum[best]))
				best = b;
		if (best < 0)
			break;
		used += snprintf(buf + used, used < sz ? sz - used : 0, "%s%s:%llu",
				 k ? " " : "", ut_bucket_name(best),
				 (unsigned long long)sum[best]);
		sum[best] = 0;
	}
}

static json_t *hist_json(const struct ut_hist *h, int nh)
{
	json_t *o = json_object();

	for (int i = 0; i < nh; i++) {
		json_t *ret = json_object();

		for (int b = 0; b < UT_NBUCKET; b++)
			if (h[i].ret[b])
				json_object_set_new(ret, ut_bucket_name(b),
						    json_integer((json_int_t)h[i].ret[b]));
		json_object_set_new(o, h[i].name,
				    json_pack("{s:I, s:I, s:o}", "calls", (json_int_t)h[i].calls,
					      "effective", (json_int_t)h[i].effective,
					      "returns", ret));
	}
	return o;
}

json_t *ut_findings_json(const struct ut_findings *f)
{
	json_t *a = json_array();

	for (int i = 0; i < f->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "kind",
			f->v[i].kind == UT_PASS ? "info" : ut_verdict_name(f->v[i].kind),
			"detail", f->v[i].detail));
	return a;
}

json_t *ut_result_json(const struct ut_result *r)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:f, s:i, s:i, s:s, s:s}",
			      "name", r->name, "variant", r->variant,
			      "verdict", ut_verdict_name(r->verdict), "reason", r->reason,
			      "seed", (json_int_t)r->seed, "duration_s", r->duration_s,
			      "workers", r->workers, "mutators", r->mutators,
			      "ovl_options", r->ovl_options, "backend", r->backend);

	if (!j)
		return NULL;
	json_object_set_new(j, "backend_spec", json_string(r->backend_spec));
	json_object_set_new(j, "optset", json_string(r->optset));
	json_object_set_new(j, "runtime_s", json_real(r->runtime_s));
	json_object_set_new(j, "hang_timeout_s", json_real(r->hang_timeout_s));
	json_object_set_new(j, "ops", hist_json(r->ops, r->nops));
	json_object_set_new(j, "mutations", hist_json(r->muts, r->nmuts));
	json_object_set_new(j, "findings", ut_findings_json(&r->findings));
	json_object_set_new(j, "replay", json_string(r->replay));
	if (r->extra)
		json_object_update(j, r->extra);
	return j;
}

int ut_run_row_add(json_t *run, const char *file, const char *name, const char *variant,
		   enum ut_verdict v, double duration_s)
{
	json_t *rows = json_object_get(run, "scenarios");

	if (!json_is_array(rows))
		return -EINVAL;
	return json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", name,
						     "file", file, "variant", variant,
						     "verdict", ut_verdict_name(v),
						     "duration_s", duration_s)) ? -ENOMEM : 0;
}

/* What replay needs, from the typed reader: the run's settings, not its outcome. */
int ut_result_load(const char *path, struct ut_result *r, char *why, size_t whysz)
{
	struct ut_scen_rec s;
	int err = ut_scen_read(path, UT_NEED_SETTINGS, &s, why, whysz);

	memset(r, 0, sizeof(*r));
	if (err)
		return -EINVAL;
	snprintf(r->name, sizeof(r->name), "%s", s.name);
	snprintf(r->variant, sizeof(r->variant), "%s", s.variant);
	snprintf(r->ovl_options, sizeof(r->ovl_options), "%s", s.ovl_options);
	/* Results older than these keys ran on tmpfs with the default set. */
	snprintf(r->backend, sizeof(r->backend), "%s", *s.backend ? s.backend : "tmpfs");
	snprintf(r->backend_spec, sizeof(r->backend_spec), "%s",
		 *s.backend_spec ? s.backend_spec : r->backend);
	snprintf(r->optset, sizeof(r->optset), "%s", *s.optset ? s.optset : "default");
	r->seed = (uint64_t)s.seed;
	r->workers = s.workers;
	r->mutators = s.mutators;
	r->runtime_s = s.runtime_s;
	r->hang_timeout_s = s.hang_timeout_s;
	r->off[0] = s.off[0];
	r->off[1] = s.off[1];
	_Static_assert(UT_J_MAX_OPS == UT_MAX_OPS, "op_weights: one size of op tables");
	memcpy(r->wt, s.wt, sizeof(r->wt));
	memcpy(r->nwt, s.nwt, sizeof(r->nwt));
	if (s.race.worker_op)
		snprintf(r->race, sizeof(r->race), "%.63s:%.63s", s.race.worker_op,
			 s.race.mutator_op);
	ut_scen_free(&s);
	return 0;
}

void ut_result_free(struct ut_result *r)
{
	ut_findings_free(&r->findings);
	json_decref(r->extra);
	r->extra = NULL;
}
