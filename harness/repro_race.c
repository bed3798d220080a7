// SPDX-License-Identifier: GPL-2.0
/*
 * repro_race.c - when a minimised script is one worker process against one
 * mutator process, tune the race (--race, race.h) and keep the offset
 * whose iterations most often made the kernel complain: the emitted
 * program then lines the two up at that offset on every iteration.  One
 * op each races as --race W:M does; longer step lists (an op and the ops
 * that bring its names back) race whole, each side's list per iteration.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "engine.h"
#include "race.h"
#include "repro.h"
#include "matrix.h"
#include "results.h"
#include "run.h"

/*
 * One worker process (w0) and one mutator process (m0) with steps, and no
 * other: their first steps' ops in *@wop and *@mop; else -1.
 */
static int two_procs(const struct ut_script *s, int *wop, int *mop)
{
	int nw = 0, nm = 0;

	for (int i = 0; i < s->nproc; i++) {
		const struct ut_script_proc *p = &s->p[i];

		if (!p->n)
			continue;
		if (p->idx)
			return -1;	/* race.c runs w0 and m0 */
		if (p->role == UT_MUTATOR)
			nm++, *mop = p->steps[0].op;
		else
			nw++, *wop = p->steps[0].op;
	}
	return nw == 1 && nm == 1 ? 0 : -1;
}

/* The bucket with the highest rate of kernel complaints; @all: over all buckets. */
static int best_kmsg(json_t *race, struct ut_race_tune *t, double *all)
{
	json_t *b, *cal = json_object_get(race, "calibration");
	long long hits = 0, iters = 0;
	size_t i;

	t->rate = -1;
	json_array_foreach(json_object_get(race, "buckets"), i, b) {
		long long h = json_integer_value(json_object_get(b, "kmsg_hits"));
		long long n = json_integer_value(json_object_get(b, "iterations"));

		hits += h, iters += n;
		if (n && h && (double)h / n > t->rate) {
			t->rate = (double)h / n;
			t->offset_ns = json_integer_value(json_object_get(b, "offset_ns"));
		}
	}
	t->skew_ns = json_integer_value(json_object_get(cal, "skew_median_ns"));
	*all = iters ? (double)hits / iters : 0;
	return t->rate > 0 ? 0 : -1;
}

int ut_repro_tune(const struct ut_variant *v, const struct ut_run_cfg *base,
		  const struct ut_script *s, double secs, struct ut_race_tune *t, char *line,
		  size_t sz)
{
	struct ut_race_cfg rc = { .sc = v->sc };
	struct ut_run_cfg cfg = *base;
	struct ut_result r;
	double all = 0;
	int err;

	if (two_procs(s, &rc.wop, &rc.mop))
		return -1;
	/* One op each: --race W:M itself; more: the step lists (race.c). */
	cfg.script = ut_script_steps(s) > 2 ? s : NULL;
	cfg.race = &rc;
	cfg.workers = cfg.mutators = 1;
	cfg.off[0] = cfg.off[1] = 0;
	cfg.time_s = secs;
	ut_run_variant(v, &cfg, &r);
	err = best_kmsg(json_object_get(r.extra, "race"), t, &all);
	snprintf(line, sz, "race %s%s:%s%s over %g s: %s (kernel complaints per iteration: "
		 "%.4f at the best offset %lld ns, %.4f over all offsets)",
		 v->sc->workers[rc.wop].name, cfg.script ? "..." : "",
		 v->sc->mutators[rc.mop].name, cfg.script ? "..." : "", secs,
		 err ? "no offset made the kernel complain" : "tuned", err ? 0 : t->rate,
		 err ? 0 : t->offset_ns, all);
	ut_result_free(&r);
	return err;
}
