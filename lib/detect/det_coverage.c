// SPDX-License-Identifier: GPL-2.0
/*
 * det_coverage.c - supervisor side, with --coverage: which overlayfs
 * functions the scenario's processes reached and how often (fncov.h), and
 * which of the scenario's aims, as the result's "coverage" key.  Tracing
 * is set up at the first scenario and taken down when the run ends.
 * Where the kernel refuses it, every scenario says so (status skip, an
 * info finding with the kernel's reason) and runs as it would without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detector.h"
#include "fncov.h"
#include "procfs.h"

#define SCOPE	"the run's own processes (set_event_pid with event-fork)"

static struct {
	bool tried;
	int err;
	char why[512];
	pid_t owner;
	struct ut_fncov s;
} run;

struct cov {
	uint64_t *before;
	int err;
	char why[512];
};

/* Forked children exit without atexit(); only the process that set it up tears it down. */
static void stop_at_exit(void)
{
	if (getpid() == run.owner)
		ut_fncov_stop(&run.s);
}

static bool start_once(void)
{
	if (run.tried)
		return !run.err;
	run.tried = true;
	run.owner = getpid();
	run.err = ut_fncov_start(&run.s, run.why, sizeof(run.why));
	/* A guest powers off after its run: taking hundreds of probes apart costs it seconds. */
	if (!run.err && !ut_cmdline_has("undertow.vm=1"))
		atexit(stop_at_exit);
	return !run.err;
}

int ut_coverage_probe(char *why, size_t sz)
{
	if (start_once())
		return 0;
	snprintf(why, sz, "%s", run.why);
	return -1;
}

static void *cov_before(struct ut_det_ctx *c)
{
	struct cov *st;

	if (!c->coverage || !(st = calloc(1, sizeof(*st))))
		return NULL;
	if (!start_once()) {
		st->err = run.err;
		snprintf(st->why, sizeof(st->why), "tracing refused: %.480s", run.why);
	} else if (!(st->before = calloc(run.s.nfn + 1, sizeof(*st->before)))) {
		st->err = -1;
		snprintf(st->why, sizeof(st->why), "out of memory");
	} else if (ut_fncov_read(&run.s, st->before, st->why, sizeof(st->why))) {
		st->err = -1;
	}
	return st;
}

static int fn_index(const char *name)
{
	for (int i = 0; i < run.s.nfn; i++)
		if (!strcmp(run.s.fn[i], name))
			return i;
	return -1;
}

/*
 * {"reached": [...], "missed": [...], "unprobed": [...]}; missed ones also
 * as a finding.  A scenario that never ran an op (skipped, broken) missed
 * nothing: its aims are "not_run".
 */
static json_t *aims_json(struct ut_det_ctx *c, const uint64_t *hits)
{
	json_t *a = json_pack("{s:[], s:[], s:[], s:[]}", "reached", "missed", "unprobed",
			      "not_run");
	bool ran = ut_total_calls(c->r->ops, c->r->nops) > 0;
	char missed[512] = "";
	size_t n = 0;

	for (const char *const *p = c->sc->aims; p && *p; p++) {
		int i = fn_index(*p);
		const char *k = !ran ? "not_run" : i < 0 ? "unprobed" : hits[i] ? "reached" :
				"missed";

		json_array_append_new(json_object_get(a, k), json_string(*p));
		if (ran && i >= 0 && !hits[i] && n < sizeof(missed))
			n += snprintf(missed + n, sizeof(missed) - n, "%s%s", n ? ", " : "", *p);
	}
	if (n)
		ut_finding_add(&c->r->findings, UT_PASS, "coverage: aims not reached: %s", missed);
	return a;
}

static json_t *tracing_json(void)
{
	return json_pack("{s:i, s:i, s:s, s:f}", "symbols", run.s.nsym, "refused", run.s.refused,
			 "first_refusal", run.s.refusal, "setup_s", run.s.setup_s);
}

static json_t *ok_json(struct ut_det_ctx *c, const uint64_t *hits)
{
	json_t *fns = json_object();
	int reached = 0;

	for (int i = 0; i < run.s.nfn; i++) {
		json_object_set_new(fns, run.s.fn[i], json_integer((json_int_t)hits[i]));
		reached += hits[i] > 0;
	}
	return json_pack("{s:s, s:s, s:i, s:i, s:o, s:o, s:o}", "status", "ok", "scope", SCOPE,
			 "probed", run.s.nfn, "reached", reached, "functions", fns,
			 "aims", aims_json(c, hits), "tracing", tracing_json());
}

static void cov_after(struct ut_det_ctx *c, void *state)
{
	struct cov *st = state;
	uint64_t *now = NULL;
	json_t *j;

	if (!st)
		return;
	if (!st->err && !(now = calloc(run.s.nfn + 1, sizeof(*now))))
		snprintf(st->why, sizeof(st->why), "out of memory");
	if (!st->err && now && !ut_fncov_read(&run.s, now, st->why, sizeof(st->why))) {
		for (int i = 0; i < run.s.nfn; i++)
			now[i] -= st->before[i];
		j = ok_json(c, now);
	} else {
		j = json_pack("{s:s, s:s}", "status", "skip", "reason", st->why);
		ut_finding_add(&c->r->findings, UT_PASS, "coverage: %s", st->why);
	}
	json_object_set_new(c->keys, "coverage", j);
	free(now);
	free(st->before);
	free(st);
}

/* First in the table: tracefs is mounted before the self-check counts mounts. */
const struct ut_detector ut_det_coverage = {
	.name = "coverage", .side = UT_DET_SUPERVISOR,
	.before = cov_before, .after = cov_after,
};
