// SPDX-License-Identifier: GPL-2.0
/*
 * test_race.c - --race: W:M against a scenario, the pairing rule, the
 * offset and bucket arithmetic, busy delays (and their C text, compiled
 * and run), the "race" object written and read back, and the loop itself
 * on a made-up race: the worker's op fails while the mutator's op runs,
 * which only negative offsets can catch; and with a stuck mutator, which
 * the worker leaves after half the hang timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "engine.h"
#include "ops.h"
#include "race.h"
#include "race_fake.h"
#include "race_res.h"
#include "race_spin.h"
#include "registry.h"
#include "scratch.h"
#include "suites.h"

START_TEST(race_spec)
{
	static const char *const bad[] = { "", "openat_held", ":rename", "openat_held:",
					    "a:b:c", ":" };
	const struct ut_scenario *sc = ut_find("lower-dir-rename");
	struct ut_race_cfg cfg;
	char err[512];

	ck_assert_ptr_nonnull(sc);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(ut_race_syntax(bad[i], err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "WORKER_OP:MUTATOR_OP"), "'%s': %s", bad[i], err);
	}
	ck_assert_int_eq(ut_race_resolve(sc, "openat_held:rename_exchange", &cfg, err,
					 sizeof(err)), 0);
	ck_assert_str_eq(sc->workers[cfg.wop].name, "openat_held");
	ck_assert_str_eq(sc->mutators[cfg.mop].name, "rename_exchange");
	ck_assert_int_eq(ut_race_resolve(sc, "nope:rename", &cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "'nope' is not a worker op of lower-dir-rename"), "%s", err);
	ck_assert_msg(strstr(err, "openat_held"), "the worker ops are named: %s", err);
	ck_assert_int_eq(ut_race_resolve(sc, "openat_held:openat_held", &cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "is a worker op of lower-dir-rename, not a mutator op"), "%s",
		      err);
	ck_assert_int_eq(ut_race_resolve(sc, "rename:openat_held", &cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "is a mutator op of lower-dir-rename, not a worker op"), "%s",
		      err);
	ck_assert_int_eq(ut_race_resolve(ut_find("selftest-stall"), "fstatat_then_stall:x", &cfg,
					 err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "no mutator op"), "%s", err);
}
END_TEST

START_TEST(race_related)
{
	ck_assert(ut_race_related("a/f0", "a"));
	ck_assert(ut_race_related("a", "a/f0"));
	ck_assert(ut_race_related("a/sub/g", "a/sub"));
	ck_assert(ut_race_related("a/./f0", "a/f0/"));
	ck_assert(ut_race_related("/a//f0", "a"));
	ck_assert(ut_race_related("c/f1", "c/f1"));
	ck_assert(!ut_race_related("ab", "a"));
	ck_assert(!ut_race_related("a/f0", "a/f1"));
	ck_assert(!ut_race_related("b/sub", "a/sub"));
	ck_assert(!ut_race_related(".", "a"));
	ck_assert(!ut_race_related("", ""));
}
END_TEST

START_TEST(race_pairs)
{
	static const char *const hold[] = { "a", "b", "c", "a/sub" };
	static const char *const in_dir[] = { "f0", "f1", "sub", "sub/g", "nope" };
	static const char *const renames[] = { "a", "b", "c", "x", "y" };
	static const char *const files[] = { "d/f0", "d/f1" };
	struct ut_race_side w = { hold, 4, in_dir, 5 }, m = { NULL, 0, renames, 5 };
	struct ut_race_side merged = { NULL, 0, files, 2 }, d = { NULL, 0, (const char *[]){ "d" }, 1 };
	struct ut_race_pair p[64];
	int n;

	/* lower-dir-rename's openat_held:rename: every held dir's names go with its top dir. */
	n = ut_race_pairs(&w, &m, p, 64);
	ck_assert_int_eq(n, 20);
	for (int i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "%s/%s", hold[p[i].held], p[i].w);
		ck_assert_msg(ut_race_related(path, p[i].m), "%s with %s", path, p[i].m);
		ck_assert_str_ne(p[i].m, "x");
	}
	/* An op that picks no name (getdents_held): its held dir alone. */
	w.npool = 0;
	n = ut_race_pairs(&w, &m, p, 64);
	ck_assert_int_eq(n, 4);
	ck_assert_ptr_null(p[0].w);
	ck_assert_str_eq(p[3].m, "a");	/* a/sub: below a */
	/* At the merged root, no held dir; a directory and the files in it. */
	n = ut_race_pairs(&merged, &d, p, 64);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(p[0].held, -1);
	/* Nothing in common, or a mutator that picks no name: drawn apart. */
	ck_assert_int_eq(ut_race_pairs(&merged, &m, p, 64), 0);
	m.npool = 0;
	ck_assert_int_eq(ut_race_pairs(&w, &m, p, 64), 0);
	/* The bound holds. */
	m.npool = 5;
	w.npool = 5;
	ck_assert_int_eq(ut_race_pairs(&w, &m, p, 7), 7);
}
END_TEST

START_TEST(race_sweep)
{
	struct ut_race_sweep s;

	ut_race_sweep_init(&s, 1000, 600, 16);	/* [-600, +1000] */
	ck_assert_int_eq(s.lo, -600);
	ck_assert_int_eq(s.width, 100);
	ck_assert_int_eq(ut_race_bucket_of(&s, -600), 0);
	ck_assert_int_eq(ut_race_bucket_of(&s, -501), 0);
	ck_assert_int_eq(ut_race_bucket_of(&s, -500), 1);
	ck_assert_int_eq(ut_race_bucket_of(&s, 0), 6);
	ck_assert_int_eq(ut_race_bucket_of(&s, 999), 15);
	ck_assert_int_eq(ut_race_bucket_of(&s, 1000), 15);	/* clamped */
	ck_assert_int_eq(ut_race_bucket_of(&s, -99999), 0);
	ck_assert_int_eq(ut_race_bucket_mid(&s, 0), -550);
	ck_assert_int_eq(ut_race_bucket_mid(&s, 15), 950);
	for (int b = 0; b < 16; b++) {
		ck_assert_int_eq(ut_race_offset_in(&s, b, 0), -600 + 100 * b);
		ck_assert_int_eq(ut_race_bucket_of(&s, ut_race_offset_in(&s, b, 0)), b);
		ck_assert_int_eq(ut_race_bucket_of(&s, ut_race_offset_in(&s, b, UINT32_MAX)), b);
		ck_assert_int_eq(ut_race_bucket_of(&s, ut_race_bucket_mid(&s, b)), b);
	}
	/* Rounded up: the buckets cover the whole range. */
	ut_race_sweep_init(&s, 1001, 600, 16);
	ck_assert_int_eq(s.width, 101);
	ck_assert_int_ge(s.lo + 16 * s.width, 1001);
	/* Nothing measured: still n buckets of 1 ns. */
	ut_race_sweep_init(&s, 0, -5, 16);
	ck_assert_int_eq(s.lo, 0);
	ck_assert_int_eq(s.width, 1);
	ck_assert_int_eq(ut_race_bucket_of(&s, 15), 15);
}
END_TEST

START_TEST(race_rounds)
{
	struct ut_rng r;
	uint8_t order[UT_RACE_BUCKETS], first[UT_RACE_BUCKETS];
	int count[UT_RACE_BUCKETS] = { 0 }, same = 0;

	ut_rng_seed(&r, 3);
	ut_race_round(&r, first, UT_RACE_BUCKETS);
	for (int round = 0; round < 100; round++) {
		int seen[UT_RACE_BUCKETS] = { 0 };

		ut_race_round(&r, order, UT_RACE_BUCKETS);
		same += !memcmp(order, first, sizeof(order));
		for (int i = 0; i < UT_RACE_BUCKETS; i++) {
			ck_assert_uint_lt(order[i], UT_RACE_BUCKETS);
			seen[order[i]]++;
			count[order[i]]++;
		}
		for (int b = 0; b < UT_RACE_BUCKETS; b++)
			ck_assert_int_eq(seen[b], 1);	/* each bucket once a round */
	}
	for (int b = 0; b < UT_RACE_BUCKETS; b++)
		ck_assert_int_eq(count[b], 100);
	ck_assert_int_lt(same, 2);			/* and in another order */
}
END_TEST

START_TEST(race_delays)
{
	int64_t d[2];

	ut_race_delays(500, 100, d);	/* mutator 500 ns after; it leaves 100 ns late */
	ck_assert_int_eq(d[0], 0);
	ck_assert_int_eq(d[1], 400);
	ut_race_delays(-500, 100, d);
	ck_assert_int_eq(d[0], 600);
	ck_assert_int_eq(d[1], 0);
	ut_race_delays(50, 100, d);	/* it is late enough already: the worker waits */
	ck_assert_int_eq(d[0], 50);
	ck_assert_int_eq(d[1], 0);
	ut_race_delays(0, 0, d);
	ck_assert_int_eq(d[0] + d[1], 0);
}
END_TEST

START_TEST(race_stats_best)
{
	struct ut_race_stat st = { 0 };
	struct ut_race_sweep s;
	struct ut_race_bucket b[UT_RACE_BUCKETS] = { { 0 } };
	int64_t v[] = { 5, 1, 9, 3 }, tmp[4];

	for (int i = 1; i <= 5; i++)
		ut_race_stat_add(&st, i);
	ck_assert_double_eq_tol(st.mean, 3, 1e-9);
	ck_assert_double_eq_tol(ut_race_stat_sd(&st), 1.5811388, 1e-6);
	ck_assert_int_eq(ut_race_median(v, 3, tmp), 5);
	ck_assert_int_eq(ut_race_median(v, 4, tmp), 4);
	ck_assert_int_eq(v[0], 5);		/* left alone */
	ck_assert_int_eq(ut_race_median(v, 0, tmp), 0);

	ut_race_sweep_init(&s, 800, 800, UT_RACE_BUCKETS);	/* 100 ns buckets from -800 */
	ck_assert_int_eq(ut_race_best(&s, b), -1);		/* none ran */
	for (int i = 0; i < UT_RACE_BUCKETS; i++)
		b[i].iterations = 10;
	ck_assert_int_eq(ut_race_best(&s, b), 7);		/* no hits: nearest 0, the first */
	b[2].hits = 1;
	b[12].iterations = 5;
	b[12].hits = 1;
	ck_assert_int_eq(ut_race_best(&s, b), 12);		/* 1/5 beats 1/10 */
	b[3].iterations = 0;
	b[3].hits = 0;
	ck_assert_int_eq(ut_race_best(&s, b), 12);
}
END_TEST

START_TEST(race_spin)
{
	double lpn = ut_spin_calibrate();
	int64_t t0;

	ck_assert(lpn > 0);
	t0 = ut_race_ns();
	ut_spin_ns(lpn, 2000000);
	/* The fastest calibration run: never much shorter; preemption makes it longer. */
	ck_assert_int_ge(ut_race_ns() - t0, 1000000);
	t0 = ut_race_ns();
	ut_spin_ns(lpn, -5);
	ut_spin_ns(lpn, 0);
	ck_assert_int_lt(ut_race_ns() - t0, 1000000);
}
END_TEST

/* The reproducer's copy compiles on its own and delays like ours. */
START_TEST(race_spin_source)
{
	char *src = scratch_at("delay.c"), *bin = scratch_at("delay");
	char text[8192], out[128] = "", cmd[512];
	long long ns = 0;
	double lpn = 0;
	FILE *f;
	int n = ut_spin_source(text, sizeof(text));

	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, (int)sizeof(text));
	f = fopen(src, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#include <stdint.h>\n#include <stdio.h>\n#include <time.h>\n\n%s\n"
		"int main(void)\n{\n\tint64_t d[2], t0;\n\n\trepro_spin_calibrate();\n"
		"\trepro_delays(-2000000, 0, d);\n\tt0 = repro_ns();\n\trepro_spin_ns(d[0]);\n"
		"\tprintf(\"%%f %%lld\\n\", repro_loops_per_ns, (long long)(repro_ns() - t0));\n"
		"\treturn d[1] != 0;\n}\n", text);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "cc -std=gnu11 -O2 -Wall -Wextra -Werror -o %s %s", bin, src);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	f = popen(bin, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(out, sizeof(out), f));
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_int_eq(sscanf(out, "%lf %lld", &lpn, &ns), 2);
	ck_assert_msg(lpn > 0 && ns >= 1000000, "emitted delay: %s", out);
}
END_TEST

static void race_setup(void)
{
	scratch_setup("race");
}

static void race_teardown(void)
{
	scratch_teardown();
}

/* A race that ran: a written "race" object reads back with the same numbers. */
START_TEST(race_json_roundtrip)
{
	const struct ut_scenario *sc = ut_find("lower-dir-rename");
	struct ut_race_shm *x = calloc(1, sizeof(*x));
	struct ut_race_cfg cfg;
	struct ut_race_rec rec;
	char err[512];
	json_t *j;

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(ut_race_resolve(sc, "openat_held:rename", &cfg, err, sizeof(err)), 0);
	ut_race_shm_init(x, &cfg, 2, 10);
	x->phase = UT_RACE_DONE;
	ut_race_stat_add(&x->side[UT_WORKER].dur, 1000);
	ut_race_stat_add(&x->side[UT_MUTATOR].dur, 600);
	ut_race_stat_add(&x->skew, -40);
	ut_race_sweep_init(&x->sweep, 1000, 600, UT_RACE_BUCKETS);
	for (int i = 0; i < UT_RACE_BUCKETS; i++)
		x->b[i].iterations = 20;
	x->b[3].hits = 5;
	j = ut_race_json(x);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(ut_race_read(j, &rec, err, sizeof(err)), 0);
	ck_assert_str_eq(rec.worker_op, "openat_held");
	ck_assert_str_eq(rec.mutator_op, "rename");
	ck_assert_double_eq(rec.worker_ns, 1000);
	ck_assert_double_eq(rec.skew_ns, -40);
	ck_assert_int_eq(rec.nb, UT_RACE_BUCKETS);
	ck_assert_int_eq(rec.b[3].hits, 5);
	ck_assert(rec.best);
	ck_assert_double_eq(rec.best_offset_ns, -250);
	ck_assert_double_eq(rec.best_rate, 0.25);
	ut_race_free(&rec);
	/* Corrupt ones: one line each, naming the key. */
	json_object_set_new(json_array_get(json_object_get(j, "buckets"), 1), "hits",
			    json_integer(21));
	ck_assert_int_eq(ut_race_read(j, &rec, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "race.buckets[1]: hits 21 > iterations 20"), "%s", err);
	ut_race_free(&rec);
	json_object_set_new(j, "buckets", json_array());
	json_object_set_new(j, "best", json_pack("{s:i, s:f}", "offset_ns", 0, "rate", 1.5));
	ck_assert_int_eq(ut_race_read(j, &rec, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "race.best: rate"), "%s", err);
	ut_race_free(&rec);
	json_object_del(json_object_get(j, "calibration"), "skew_ns");
	ck_assert_int_eq(ut_race_read(j, &rec, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "race.calibration: no 'skew_ns'"), "%s", err);
	ut_race_free(&rec);
	ck_assert_int_eq(ut_race_read(NULL, &rec, err, sizeof(err)), 0);
	ck_assert_ptr_null(rec.worker_op);
	json_decref(j);
	free(x);
}
END_TEST

/* ---- the loop on a made-up race ---- */

#define W_NS	3000
#define M_NS	3000

struct fake {
	volatile int busy;		/* the mutator's op is running */
	volatile int wrong;		/* names not as the pairing rule says */
};

static struct fake *fk;

/* Fails when it starts while the mutator's op runs: never when run alone. */
static int fake_worker(struct ut_ctx *c, const struct ut_op *op)
{
	int busy = fk->busy;

	if (strcmp(ut_pick(c, op), "q"))
		fk->wrong++;
	busy_ns(W_NS);
	return busy ? -EBUSY : 0;
}

static int fake_mutator(struct ut_ctx *c, const struct ut_op *op)
{
	const char *a = ut_pick(c, op), *b = ut_pick(c, op);

	if (strcmp(a, "q") || strcmp(b, "z"))
		fk->wrong++;
	fk->busy = 1;
	busy_ns(M_NS);
	fk->busy = 0;
	return 0;
}

static const struct ut_scenario fake_sc = {
	.name = "fake-race",
	.lowers = 1,
	.names = UT_NAMES("p", "q", "r"),
	.workers = { { "poke", fake_worker, 1, UT_AT_MERGED } },
	.mutators = { { "hold", fake_mutator, 1, UT_AT_LOWER0, UT_NAMES("q", "z") } },
};

START_TEST(race_loop_finds_window)
{
	struct ut_engine e = { .sc = &fake_sc, .nworkers = 1, .nmutators = 1, .seed = 9,
			       .loop = ut_race_loop, .xsize = sizeof(struct ut_race_shm) };
	struct ut_race_cfg cfg = { .sc = &fake_sc, .wop = 0, .mop = 0 };
	struct ut_race_shm *x;
	uint64_t lo = UINT64_MAX, hi = 0, neg = 0, pos = 0;

	fk = mmap(NULL, sizeof(*fk), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(fk != MAP_FAILED);
	x = race_fake_run(&e, &cfg, 1.5);

	ck_assert_int_eq(fk->wrong, 0);
	ck_assert_int_eq(x->npairs, 1);			/* only "q" is in both pools */
	ck_assert_int_eq(x->phase, UT_RACE_DONE);
	/* All of them, unless this machine is too busy to give them in time. */
	ck_assert_uint_ge(x->calib_iters, UT_RACE_CALIB_MIN);
	ck_assert_uint_le(x->calib_iters, UT_RACE_CALIB);
	ck_assert(ut_race_mask_has(x->seen[UT_WORKER], 0));
	ck_assert(!ut_race_mask_has(x->seen[UT_WORKER], EBUSY));	/* alone: never */
	ck_assert_int_ge(x->worker_med, W_NS);
	ck_assert_int_ge(x->mutator_med, M_NS);
	ck_assert_int_eq(x->sweep.lo, -x->mutator_med);
	for (int b = 0; b < UT_RACE_BUCKETS; b++) {
		lo = x->b[b].iterations < lo ? x->b[b].iterations : lo;
		hi = x->b[b].iterations > hi ? x->b[b].iterations : hi;
		if (ut_race_bucket_mid(&x->sweep, b) < 0)
			neg += x->b[b].hits;
		else
			pos += x->b[b].hits;
	}
	ck_assert_uint_gt(lo, 0);
	ck_assert_uint_le(hi - lo, 1);			/* round-robin: as often as each other */
	/* The worker only fails if it starts while the mutator's op runs. */
	ck_assert_msg(neg > pos, "hits at negative offsets %llu, positive %llu",
		      (unsigned long long)neg, (unsigned long long)pos);
	ck_assert_int_lt(ut_race_bucket_mid(&x->sweep, ut_race_best(&x->sweep, x->b)), 0);
	ut_engine_free(&e);
	munmap(fk, sizeof(*fk));
}
END_TEST

/* Its 50th call sleeps 3 s: a stuck peer. */
static int stuck_mutator(struct ut_ctx *c, const struct ut_op *op)
{
	static int calls;

	(void)c, (void)op;
	if (++calls == 50)
		ut_sleep(3);
	return 0;
}

static int quick_worker(struct ut_ctx *c, const struct ut_op *op)
{
	(void)c, (void)op;
	return 0;
}

static const struct ut_scenario stuck_sc = {
	.name = "fake-stuck",
	.lowers = 1,
	.workers = { { "poke", quick_worker, 1, UT_AT_MERGED } },
	.mutators = { { "stall", stuck_mutator, 1, UT_AT_LOWER0 } },
};

/* The worker waits for a stuck mutator half the hang timeout, then leaves. */
START_TEST(race_loop_stuck_peer)
{
	struct ut_engine e = { .sc = &stuck_sc, .nworkers = 1, .nmutators = 1, .seed = 9,
			       .loop = ut_race_loop, .xsize = sizeof(struct ut_race_shm) };
	struct ut_race_cfg cfg = { .sc = &stuck_sc, .wop = 0, .mop = 0 };
	double t0, gone = 0;

	for (int w = 0; w < UT_AT_NR; w++)
		e.base.fd[w] = -1;
	ck_assert_int_eq(ut_engine_map(&e, 2), 0);
	ut_race_shm_init(e.sh->x, &cfg, 30, 1);		/* waits at most 0.5 s */
	ck_assert_int_eq(ut_engine_start(&e, 5), 0);
	t0 = ut_now();
	ut_engine_go(&e);
	while (!gone && ut_now() - t0 < 2.5) {
		ut_engine_reap(&e, 0.01);
		if (e.ex[0].reaped)
			gone = ut_now() - t0;
	}
	ck_assert_msg(gone > 0, "the worker still waits after %.1f s", ut_now() - t0);
	ck_assert_msg(gone >= 0.4, "the worker left after %.2f s, before its bound", gone);
	ck_assert(!e.ex[1].reaped);			/* the mutator still sleeps */
	ck_assert_uint_eq(e.sh->proc[1].seq, 49);	/* in its 50th op */
	ck_assert(((struct ut_race_shm *)e.sh->x)->side[UT_WORKER].left);
	ut_engine_stop(&e);
	ck_assert_int_eq(ut_engine_reap(&e, 5), 0);
	ut_engine_free(&e);
}
END_TEST

Suite *race_suite(void)
{
	Suite *s = suite_create("race");
	TCase *tc = tcase_create("race");
	TCase *loop = tcase_create("race_loop");

	tcase_add_checked_fixture(tc, race_setup, race_teardown);
	tcase_add_test(tc, race_spec);
	tcase_add_test(tc, race_related);
	tcase_add_test(tc, race_pairs);
	tcase_add_test(tc, race_sweep);
	tcase_add_test(tc, race_rounds);
	tcase_add_test(tc, race_delays);
	tcase_add_test(tc, race_stats_best);
	tcase_add_test(tc, race_spin);
	tcase_add_test(tc, race_spin_source);
	tcase_add_test(tc, race_json_roundtrip);
	suite_add_tcase(s, tc);
	tcase_set_timeout(loop, 30);
	tcase_add_test(loop, race_loop_finds_window);
	tcase_add_test(loop, race_loop_stuck_peer);
	suite_add_tcase(s, loop);
	return s;
}
