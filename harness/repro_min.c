// SPDX-License-Identifier: GPL-2.0
/*
 * repro_min.c - undertow repro's reproducing and minimising (repro.h):
 * the mix (fewer processes, fewer ops), the traced ops as a script, then
 * the script (whole processes, repeats, delta debugging).  A cut is kept
 * only when most of its runs still give the finding.
 */
#include <stdio.h>
#include <string.h>

#include "health.h"
#include "matrix.h"
#include "repro_int.h"
#include "results.h"

#define CHECK_TRIES	3	/* runs a candidate gets to show the finding */
#define SCRIPT_TRIES	3	/* sets of traces tried as a script */

/* One supervised run of the candidate: did the finding come back? */
bool ut_repro_attempt(struct repro *R)
{
	struct ut_result r;
	bool hit;

	R->cfg.index = ++R->runs;
	ut_run_variant(R->v, &R->cfg, &r);
	hit = r.verdict == R->want;
	if (hit) {
		json_decref(R->procs);
		R->procs = json_incref(json_object_get(r.extra, "procs"));
		snprintf(R->got_reason, sizeof(R->got_reason), "%s", r.reason);
		snprintf(R->ovl_opts, sizeof(R->ovl_opts), "%s", r.ovl_options);
		R->runtime_s = r.runtime_s;
	}
	if ((r.verdict == UT_CRASH || r.verdict == UT_HANG) &&
	    ut_health_probe(R->cfg.root, UT_HEALTH_BOUND_S, R->why, sizeof(R->why)))
		R->dead = true;
	printf("# repro: run %d (%s%s): %s%s%s\n", R->runs, R->cfg.script ? "script, " : "",
	       hit ? "reproduced" : "not reproduced", ut_verdict_name(r.verdict),
	       r.reason[0] ? ": " : "", r.reason);
	fflush(stdout);
	ut_result_free(&r);
	return hit;
}

/*
 * A candidate reproduces when most of @tries runs give the finding: a cut
 * that only sometimes reproduces would leave a program that only
 * sometimes does (a 2-op program that hit 1 run in 2 taught us that).
 */
static bool reproduces(struct repro *R, int tries)
{
	int need = tries / 2 + 1, hits = 0;

	R->checks++;
	for (int i = 0; i < tries && hits < need && i - hits <= tries - need &&
	     !out_of_time(R); i++)
		hits += ut_repro_attempt(R);
	return hits >= need;
}

/* Halve a count while the finding stays; @min the least it may be. */
static void shrink_count(struct repro *R, int *n, int min)
{
	while (*n > min && !out_of_time(R)) {
		int was = *n;

		*n = *n / 2 > min ? *n / 2 : min;
		if (!reproduces(R, CHECK_TRIES)) {
			*n = was == *n + 1 ? was : *n + (was - *n) / 2;
			if (*n == was || !reproduces(R, CHECK_TRIES)) {
				*n = was;
				return;
			}
		}
	}
}

/* Leave each op out of the mix in turn; keep it out if the finding stays. */
static void drop_ops(struct repro *R, int role)
{
	int n = ut_nops(ut_role_ops(R->v->sc, role));

	for (int k = 0; k < n && !out_of_time(R); k++) {
		uint32_t was = R->cfg.off[role];

		if (__builtin_popcount(~was & ((1u << n) - 1)) <= 1)
			return;		/* the last op of a role stays */
		R->cfg.off[role] |= 1u << k;
		if (!reproduces(R, CHECK_TRIES))
			R->cfg.off[role] = was;
	}
}

/*
 * The script of the last reproducing run's traces: @key "last_ops" (the
 * rings) or "first_ops" (a finding early in the run, its ops long gone
 * from the rings when the names were used up).
 */
static int script_of_procs(struct repro *R, struct ut_script *s, const char *key)
{
	size_t i, j;
	json_t *p, *line;

	json_array_foreach(R->procs, i, p) {
		const char *role = json_string_value(json_object_get(p, "role"));
		int r = role && !strcmp(role, "mutator") ? UT_MUTATOR : UT_WORKER;
		int idx = (int)json_integer_value(json_object_get(p, "index"));

		json_array_foreach(json_object_get(p, key), j, line)
			if (ut_script_add(s, R->v->sc, r, idx, json_string_value(line), R->why,
					  sizeof(R->why)))
				return -1;
	}
	return ut_script_steps(s) ? 0 : (snprintf(R->why, sizeof(R->why), "no ops traced"), -1);
}

static bool script_reproduces(struct repro *R, struct ut_script *s)
{
	R->cfg.script = s;
	R->cfg.workers = ut_script_count(s, UT_WORKER);
	R->cfg.mutators = ut_script_count(s, UT_MUTATOR);
	return reproduces(R, CHECK_TRIES);
}

/* Delta debugging on one process's steps: cut chunks while the finding stays. */
static void ddmin_proc(struct repro *R, struct ut_script *s, int pi)
{
	struct ut_script_proc *p = &s->p[pi];
	int chunk = p->n / 2 > 0 ? p->n / 2 : 1;

	while (chunk >= 1 && !out_of_time(R)) {
		bool cut = false;

		for (int at = 0; at < p->n && p->n > 1 && !out_of_time(R);) {
			struct ut_sstep keep[UT_RING];
			int len = at + chunk > p->n ? p->n - at : chunk, was = p->n;

			if (len >= p->n || was > UT_RING)
				break;
			memcpy(keep, p->steps, was * sizeof(*keep));
			memmove(p->steps + at, p->steps + at + len, (was - at - len) * sizeof(*keep));
			p->n = was - len;
			if (script_reproduces(R, s)) {
				cut = true;
				continue;	/* the same place now holds later steps */
			}
			memcpy(p->steps, keep, was * sizeof(*keep));
			p->n = was;
			at += len;
		}
		if (!cut)
			chunk /= 2;
	}
}

static bool same_step(const struct ut_sstep *x, const struct ut_sstep *y)
{
	return x->op == y->op && x->held == y->held && x->a == y->a && x->b == y->b;
}

/*
 * Each process's steps once, in the order they first came: a script loops
 * anyway, and a trace is mostly the same few steps over and over.  One
 * check, where delta debugging would need tens on a 64-step trace.
 */
static void distinct_steps(struct repro *R, struct ut_script *s)
{
	struct ut_script d = { 0 };

	ut_script_copy(&d, s);
	for (int i = 0; i < d.nproc; i++) {
		struct ut_script_proc *p = &d.p[i];
		int n = 0;

		for (int k = 0; k < p->n; k++) {
			int j = 0;

			while (j < n && !same_step(&p->steps[j], &p->steps[k]))
				j++;
			if (j == n)
				p->steps[n++] = p->steps[k];
		}
		p->n = n;
	}
	if (ut_script_steps(&d) < ut_script_steps(s) && script_reproduces(R, &d)) {
		ut_script_free(s);
		*s = d;
		return;
	}
	ut_script_free(&d);
}

/* Whole processes first (empty them), then repeats, then each one's steps. */
void ut_repro_minimise(struct repro *R, struct ut_script *s)
{
	for (int i = 0; i < s->nproc && !out_of_time(R); i++) {
		int n = s->p[i].n;

		if (ut_script_steps(s) == n)
			break;
		s->p[i].n = 0;
		if (!script_reproduces(R, s))
			s->p[i].n = n;
	}
	if (!out_of_time(R))
		distinct_steps(R, s);
	for (int i = 0; i < s->nproc && !out_of_time(R); i++)
		if (s->p[i].n)
			ddmin_proc(R, s, i);
	R->cfg.script = s;
}

/*
 * The script of a reproducing run's traces, checked: its last ops, then its
 * first.  A racy finding's traces may miss what made it: then another
 * reproducing run of the mix gives fresh traces, SCRIPT_TRIES times in all.
 */
bool ut_repro_traced_script(struct repro *R, struct ut_script *s)
{
	static const char *const keys[] = { "last_ops", "first_ops" };
	struct ut_run_cfg mix = R->cfg;

	for (int i = 0; i < SCRIPT_TRIES && !out_of_time(R); i++) {
		bool hit = !i;

		for (int k = 0; !hit && k < R->tries && !out_of_time(R); k++)
			hit = ut_repro_attempt(R);
		for (int k = 0; hit && k < 2 && !out_of_time(R); k++) {
			ut_script_free(s);
			if (!script_of_procs(R, s, keys[k]) && script_reproduces(R, s))
				return true;
			R->cfg = mix;
		}
		R->cfg = mix;
	}
	if (!R->why[0])
		snprintf(R->why, sizeof(R->why), "the traced ops alone did not reproduce "
			 "(%d sets of traces)", SCRIPT_TRIES);
	return false;
}

void ut_repro_reduce_mix(struct repro *R)
{
	shrink_count(R, &R->cfg.workers, 1);
	shrink_count(R, &R->cfg.mutators, 0);
	drop_ops(R, UT_MUTATOR);
	drop_ops(R, UT_WORKER);
	printf("# repro: mix: %d workers, %d mutators, ops left out %#x/%#x\n", R->cfg.workers,
	       R->cfg.mutators, R->cfg.off[0], R->cfg.off[1]);
}
