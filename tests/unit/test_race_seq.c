// SPDX-License-Identifier: GPL-2.0
/*
 * test_race_seq.c - --race over step lists (race.c with a script: repro's
 * tuning of a minimised script), on a made-up race: the worker takes a
 * token and puts it back, the mutator holds a lock for a while.  Taking
 * fails while the lock is held, and the token must be back before the
 * next take: each iteration must run the whole list of each side, in
 * order, on the step's own names, and the sweep must still find the
 * window at negative offsets (the mutator's list started first).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "engine.h"
#include "ops.h"
#include "race.h"
#include "race_fake.h"
#include "script.h"
#include "suites.h"

#define TAKE_NS	3000
#define PUT_NS	1000
#define HOLD_NS	3000

struct tok {
	volatile int held;		/* the mutator's step runs */
	volatile int token;		/* 1: there to take */
	volatile long takes, puts, holds, wrong, empty;
};

static struct tok *tk;

/* Its name must be the step's ("t"); fails when it starts during a hold. */
static int take(struct ut_ctx *c, const struct ut_op *op)
{
	int held = tk->held;

	tk->takes++;
	tk->wrong += strcmp(ut_pick(c, op), "t") != 0;
	if (!tk->token) {
		tk->empty++;
		return -ENOENT;
	}
	tk->token = 0;
	busy_ns(TAKE_NS);
	return held ? -EBUSY : 0;
}

static int put(struct ut_ctx *c, const struct ut_op *op)
{
	tk->puts++;
	tk->wrong += strcmp(ut_pick(c, op), "t") != 0;
	busy_ns(PUT_NS);
	tk->token = 1;
	return 0;
}

static int hold(struct ut_ctx *c, const struct ut_op *op)
{
	tk->holds++;
	tk->wrong += strcmp(ut_pick(c, op), "l") != 0;
	tk->held = 1;
	busy_ns(HOLD_NS);
	tk->held = 0;
	return 0;
}

static const struct ut_scenario tok_sc = {
	.name = "fake-token",
	.lowers = 1,
	.names = UT_NAMES("t", "u"),
	.workers = { { "take", take, 1, UT_AT_MERGED }, { "put", put, 1, UT_AT_MERGED } },
	.mutators = { { "hold", hold, 1, UT_AT_LOWER0, UT_NAMES("l", "m") } },
};

START_TEST(race_seq_whole_lists)
{
	struct ut_sstep ws[] = { { .op = 0, .held = -1, .a = "t" }, { .op = 1, .held = -1, .a = "t" } };
	struct ut_sstep ms[] = { { .op = 0, .held = -1, .a = "l" } };
	struct ut_script_proc procs[] = { { .role = UT_WORKER, .idx = 0, .n = 2, .steps = ws },
					  { .role = UT_MUTATOR, .idx = 0, .n = 1, .steps = ms } };
	struct ut_script s = { .nproc = 2, .p = procs };
	struct ut_engine e = { .sc = &tok_sc, .nworkers = 1, .nmutators = 1, .seed = 5,
			       .loop = ut_race_loop, .script = &s,
			       .xsize = sizeof(struct ut_race_shm) };
	struct ut_race_cfg cfg = { .sc = &tok_sc, .wop = 0, .mop = 0 };
	struct ut_race_shm *x;
	uint64_t iters = 0, neg = 0, pos = 0;

	tk = mmap(NULL, sizeof(*tk), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(tk != MAP_FAILED);
	tk->token = 1;
	x = race_fake_run(&e, &cfg, 1.5);

	ck_assert_int_eq(x->phase, UT_RACE_DONE);
	ck_assert_int_eq(tk->wrong, 0);			/* the steps' names, not drawn ones */
	ck_assert_int_eq(tk->empty, 0);			/* every put ran before the next take */
	/* Each iteration ran both lists whole: as many takes as puts as holds (the last may be cut). */
	ck_assert_int_le(tk->takes - tk->puts, 1);
	ck_assert_int_le(tk->takes - tk->holds < 0 ? tk->holds - tk->takes : tk->takes - tk->holds,
			 1);
	/* A list's duration is its steps' together. */
	ck_assert_int_ge(x->worker_med, TAKE_NS + PUT_NS);
	ck_assert_int_ge(x->mutator_med, HOLD_NS);
	ck_assert(!ut_race_mask_has(x->seen[UT_WORKER], EBUSY));	/* alone: never */
	for (int b = 0; b < UT_RACE_BUCKETS; b++) {
		iters += x->b[b].iterations;
		if (ut_race_bucket_mid(&x->sweep, b) < 0)
			neg += x->b[b].hits;
		else
			pos += x->b[b].hits;
	}
	ck_assert_uint_eq(iters, x->sweep_iters);
	ck_assert_uint_ge((uint64_t)tk->takes, x->calib_iters + x->sweep_iters);
	ck_assert_msg(neg > pos, "hits at negative offsets %llu, positive %llu",
		      (unsigned long long)neg, (unsigned long long)pos);
	ut_engine_free(&e);
	munmap(tk, sizeof(*tk));
}
END_TEST

Suite *race_seq_suite(void)
{
	Suite *s = suite_create("race_seq");
	TCase *tc = tcase_create("race_seq");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, race_seq_whole_lists);
	suite_add_tcase(s, tc);
	return s;
}
