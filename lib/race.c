// SPDX-License-Identifier: GPL-2.0
/*
 * race.c - the --race loop (race.h): one worker and one mutator process,
 * a barrier in shared memory before every iteration, calibration, then
 * the offset sweep, judged by the worker after every iteration.
 *
 * An iteration i, on each side:
 *   worker:  plan i (names, order or offset); arrived = i; wait for the
 *            mutator's arrived >= i; [order 2: wait for its done >= i];
 *            delay, op; done = i; wait for the mutator's done >= i; judge
 *   mutator: arrived = i; wait for the worker's arrived >= i; read the
 *            plan; [order 1: wait for the worker's done >= i]; delay, op;
 *            done = i
 * Every wait spins a while, then yields, and gives up when the run is
 * stopped, the peer left, or the peer made it wait longer than half the
 * hang timeout (or the run's end passed): a stuck peer is the watchdog's
 * to report, and the waiting side leaves rather than look stuck too.
 *
 * With a script (repro's tuning of a minimised one: one worker and one
 * mutator process), "op" is the process's whole step list, in order, on
 * the step's own names: a sequence that consumes its names brings them
 * back itself (creat, then unlink), so every iteration can race again.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "kmsg.h"
#include "opstep.h"
#include "race.h"
#include "race_spin.h"
#include "script.h"

#define SPIN_BEFORE_YIELD	(1u << 10)	/* turns of a wait before it yields */
#define CHECK_EVERY		64		/* turns between looks at the peer and the clock */

struct racer {
	struct ut_race_shm *x;
	struct ut_shared *sh;
	struct ut_proc *p;
	struct ut_ctx *c;
	int role, peer, k;		/* k: this side's op */
	const struct ut_script_proc *seq;	/* or its steps, each iteration */
	int64_t deadline, peer_wait;	/* ns */
	/* the worker's alone */
	struct ut_kmsg km;
	struct ut_race_side side[2];	/* what each op can touch, as learnt */
	struct ut_race_side full[2];	/* what each op could touch */
	int64_t t0, calib_end;		/* ns: the loop began, calibration should end */
	uint8_t order[UT_RACE_BUCKETS];
	int slot;
};

/* Only the worker draws pairs; a fork gives each process its own copy. */
static struct ut_race_pair pairs[UT_RACE_MAX_PAIRS];

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * Until *@flag >= @want; false when stopped, the peer left, or the bound
 * passed.  Spinning only helps while the peer runs on another CPU: on the
 * same one (one CPU, or the scheduler put both there) yield at once.
 */
static bool wait_for(struct racer *R, volatile uint64_t *flag, uint64_t want)
{
	const struct ut_race_side_shm *peer = &R->x->side[R->peer];
	unsigned int spun = 0;
	int64_t until = 0, now;

	for (;;) {
		for (int i = 0; i < CHECK_EVERY; i++) {
			if (__atomic_load_n(flag, __ATOMIC_ACQUIRE) >= want)
				return true;
			relax();
		}
		if (R->sh->stop || peer->left)
			return false;
		spun += CHECK_EVERY;
		if (spun < SPIN_BEFORE_YIELD && peer->cpu != R->x->side[R->role].cpu)
			continue;
		now = ut_race_ns();
		if (!until)
			until = now + R->peer_wait < R->deadline ? now + R->peer_wait : R->deadline;
		if (now >= until)
			return false;
		sched_yield();
		R->x->side[R->role].cpu = sched_getcpu();
	}
}

/*
 * Worker and mutator on two CPUs when it may have two: the scheduler may
 * otherwise keep both on one, where no offset holds.  The worker keeps
 * the CPU it is on; the mutator (after the first barrier) takes the one
 * it is on if that is another, else the next one allowed.
 */
static void pin(struct racer *R)
{
	int worker = R->x->side[UT_WORKER].pinned, cpu = sched_getcpu(), n;
	cpu_set_t set;

	R->x->side[R->role].pinned = -1;
	if (sched_getaffinity(0, sizeof(set), &set) || CPU_COUNT(&set) < 2 || cpu < 0 ||
	    (R->role == UT_MUTATOR && worker < 0))
		return;
	n = CPU_SETSIZE;
	for (int i = 1; R->role == UT_MUTATOR && cpu == worker && i < n; i++)
		if (CPU_ISSET((worker + i) % n, &set))
			cpu = (worker + i) % n;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (!sched_setaffinity(0, sizeof(set), &set))
		R->x->side[R->role].pinned = cpu;
}

/* At the barrier for iteration @i. */
static void arrive(struct racer *R, uint64_t i)
{
	struct ut_race_side_shm *me = &R->x->side[R->role];

	me->cpu = sched_getcpu();
	__atomic_store_n(&me->arrived, i, __ATOMIC_RELEASE);
}

/* One op on @names through held dirfd @held (-1: none): its return. */
static int step(struct racer *R, int k, const char *const *names, int held)
{
	int ret;

	R->c->pin = names;
	R->c->pin_held = held >= 0 ? held + 1 : 0;
	ret = ut_op_step(R->p, R->c, k);
	R->c->pin = NULL;
	R->c->pin_held = 0;
	return ret;
}

/* The script's steps in order: the first failing step's return, else the first step's. */
static int run_seq(struct racer *R)
{
	int ret = 0, r;

	for (int i = 0; i < R->seq->n; i++) {
		const struct ut_sstep *st = &R->seq->steps[i];
		const char *names[3] = { st->a, st->a ? st->b : NULL, NULL };

		r = step(R, st->op, names, st->held);
		if (!i || (ret >= 0 && r < 0))
			ret = r;
	}
	return ret;
}

/* This side's op on the planned names (or its steps), after its delay. */
static void run_op(struct racer *R, const char *const *names, int held, int64_t delay,
		   bool timed)
{
	struct ut_race_side_shm *me = &R->x->side[R->role];
	const struct ut_trace *te;
	int64_t t0;
	int picks;

	ut_spin_ns(me->loops_per_ns, delay);
	t0 = ut_race_ns();
	me->ret = R->seq ? run_seq(R) : step(R, R->k, names, held);
	if (timed && me->dur.n < UT_RACE_CALIB) {
		me->dur_v[me->dur.n] = ut_race_ns() - t0;
		ut_race_stat_add(&me->dur, (double)me->dur_v[me->dur.n]);
	}
	me->t_start = t0;
	te = R->c->te;
	picks = !!te->a + !!te->b;
	if (picks > me->picks)
		me->picks = picks;
	me->used_held |= te->held >= 0;
}

/* What @role's op can touch: its held dirs and its pool. */
static void full_side(struct racer *R, int role, int k, struct ut_race_side *s)
{
	const struct ut_scenario *sc = R->x->cfg.sc;
	const struct ut_op *op = &ut_role_ops(sc, role)[k];

	s->hold = sc->hold;
	s->nhold = role == UT_WORKER && op->at == UT_AT_HELD ? R->c->nheld : 0;
	s->pool = op->names ? op->names : sc->names;
	s->npool = 0;
	while (s->pool && s->pool[s->npool])
		s->npool++;
}

/* The pairs again, for what the two ops turned out to touch. */
static void learn(struct racer *R)
{
	const struct ut_race_side_shm *w = &R->x->side[UT_WORKER], *m = &R->x->side[UT_MUTATOR];
	struct ut_race_side ws = R->full[UT_WORKER], ms = R->full[UT_MUTATOR];

	if (!w->used_held)
		ws.nhold = 0;
	if (!w->picks)
		ws.npool = 0;
	if (!m->picks)
		ms.npool = 0;
	if (ws.nhold == R->side[0].nhold && ws.npool == R->side[0].npool &&
	    ms.npool == R->side[1].npool)
		return;
	R->side[0] = ws;
	R->side[1] = ms;
	R->x->npairs = ut_race_pairs(&ws, &ms, pairs, UT_RACE_MAX_PAIRS);
}

/* A name of @s's pool other than @not (when it has one), drawn from @r. */
static const char *any_name(struct ut_rng *r, const struct ut_race_side *s, const char *not)
{
	int n = 0, k;

	for (int i = 0; i < s->npool; i++)
		n += !not || strcmp(s->pool[i], not);
	if (!n)
		return s->npool ? s->pool[0] : NULL;
	k = (int)ut_rng_below(r, n);
	for (int i = 0;; i++)
		if ((!not || strcmp(s->pool[i], not)) && !k--)
			return s->pool[i];
}

/* Names of one iteration: a pair on the same entry, else drawn apart. */
static void draw_names(struct racer *R, struct ut_race_plan *pl)
{
	struct ut_rng *r = &R->c->rng;
	const struct ut_race_side *ws = &R->side[UT_WORKER], *ms = &R->side[UT_MUTATOR];
	struct ut_race_pair pr;

	if (R->x->npairs > 0) {
		pr = pairs[ut_rng_below(r, R->x->npairs)];
	} else {
		pr.held = ws->nhold ? (int)ut_rng_below(r, ws->nhold) : -1;
		pr.w = any_name(r, ws, NULL);
		pr.m = any_name(r, ms, NULL);
	}
	pl->held = pr.held;
	pl->w[0] = pr.w;
	pl->w[1] = any_name(r, &R->full[UT_WORKER], pr.w);
	pl->m[0] = pr.m;
	pl->m[1] = any_name(r, &R->full[UT_MUTATOR], pr.m);
	pl->w[2] = pl->m[2] = NULL;
}

static void plan(struct racer *R, uint64_t i)
{
	struct ut_race_shm *x = R->x;
	struct ut_race_plan *pl = &x->plan;

	draw_names(R, pl);
	if (x->phase == UT_RACE_CALIBRATING) {
		pl->order = 1 + (int)(i & 1);
		pl->bucket = -1;
		pl->delay[0] = pl->delay[1] = 0;
		return;
	}
	if (R->slot == x->sweep.n) {
		ut_race_round(&R->c->rng, R->order, x->sweep.n);
		R->slot = 0;
	}
	pl->order = 0;
	pl->bucket = R->order[R->slot++];
	pl->offset = ut_race_offset_in(&x->sweep, pl->bucket, (uint32_t)ut_rng_next(&R->c->rng));
	ut_race_delays(pl->offset, x->skew_med, pl->delay);
}

static void count_bad(const struct ut_kmsg_rec *r, enum ut_kmsg_class cls, const char *why,
		      void *arg)
{
	(void)r, (void)why;
	*(int *)arg += cls != UT_KM_NONE;
}

/* Crash, hang and leak records logged since the last look: one read when quiet. */
static int kmsg_bad(struct racer *R)
{
	int n = 0;

	if (R->km.fd >= 0)
		ut_kmsg_drain(&R->km, count_bad, &n);
	return n;
}

static void start_sweep(struct racer *R)
{
	struct ut_race_shm *x = R->x;
	const struct ut_race_side_shm *w = &x->side[UT_WORKER], *m = &x->side[UT_MUTATOR];
	int64_t tmp[UT_RACE_CALIB];

	x->worker_med = ut_race_median(w->dur_v, (int)w->dur.n, tmp);
	x->mutator_med = ut_race_median(m->dur_v, (int)m->dur.n, tmp);
	x->skew_med = ut_race_median(x->skew_v, (int)x->skew.n, tmp);
	ut_race_sweep_init(&x->sweep, (double)x->worker_med, (double)x->mutator_med,
			   UT_RACE_BUCKETS);
	R->slot = x->sweep.n;	/* a new round first */
	x->sweep_t0 = x->sweep_t1 = ut_race_ns();
	x->phase = UT_RACE_SWEEPING;
}

static bool calibrated(const struct racer *R)
{
	uint64_t n = R->x->calib_iters;
	int64_t now;

	if (n >= UT_RACE_CALIB)
		return true;
	if (n < 2)
		return false;
	now = ut_race_ns();
	return (n >= UT_RACE_CALIB_MIN && now >= R->calib_end) ||
	       now >= R->calib_end + (R->calib_end - R->t0);
}

/* The worker, once both ops of iteration @i are done. */
static void judge(struct racer *R)
{
	struct ut_race_shm *x = R->x;
	const struct ut_race_side_shm *w = &x->side[UT_WORKER], *m = &x->side[UT_MUTATOR];
	int bw = ut_bucket_of(w->ret), bm = ut_bucket_of(m->ret), bad = kmsg_bad(R);
	struct ut_race_bucket *b;
	int64_t late;

	if (x->phase == UT_RACE_CALIBRATING) {
		x->calib_iters++;
		x->calib_kmsg += bad > 0;
		ut_race_mask_set(x->seen[UT_WORKER], bw);
		ut_race_mask_set(x->seen[UT_MUTATOR], bm);
		if (x->skew.n < UT_RACE_CALIB) {
			x->skew_v[x->skew.n] = m->t_exit - w->t_exit;
			ut_race_stat_add(&x->skew, (double)x->skew_v[x->skew.n]);
		}
		learn(R);
		if (calibrated(R))
			start_sweep(R);
		return;
	}
	b = &x->b[x->plan.bucket];
	b->iterations++;
	late = m->t_start - w->t_start - x->plan.offset;
	b->on_time += late <= x->sweep.width && late >= -x->sweep.width;
	if (bad || !ut_race_mask_has(x->seen[UT_WORKER], bw) ||
	    !ut_race_mask_has(x->seen[UT_MUTATOR], bm))
		b->hits++;
	b->kmsg_hits += bad > 0;
	x->sweep_iters++;
	x->sweep_t1 = ut_race_ns();
}

static bool worker_iter(struct racer *R, uint64_t i)
{
	struct ut_race_shm *x = R->x;
	struct ut_race_side_shm *me = &x->side[UT_WORKER], *mu = &x->side[UT_MUTATOR];
	const struct ut_race_plan *pl = &x->plan;

	plan(R, i);
	arrive(R, i);
	if (!wait_for(R, &mu->arrived, i))
		return false;
	me->t_exit = ut_race_ns();
	if (pl->order == 2 && !wait_for(R, &mu->done, i))
		return false;
	run_op(R, pl->w, pl->held, pl->delay[UT_WORKER], pl->order);
	__atomic_store_n(&me->done, i, __ATOMIC_RELEASE);
	if (!wait_for(R, &mu->done, i))
		return false;
	judge(R);
	return true;
}

static bool mutator_iter(struct racer *R, uint64_t i)
{
	struct ut_race_shm *x = R->x;
	struct ut_race_side_shm *me = &x->side[UT_MUTATOR], *wo = &x->side[UT_WORKER];
	struct ut_race_plan pl;

	arrive(R, i);
	if (!wait_for(R, &wo->arrived, i))
		return false;
	pl = x->plan;
	if (i == 1)
		pin(R);
	me->t_exit = ut_race_ns();
	if (pl.order == 1 && !wait_for(R, &wo->done, i))
		return false;
	run_op(R, pl.m, -1, pl.delay[UT_MUTATOR], pl.order);
	__atomic_store_n(&me->done, i, __ATOMIC_RELEASE);
	return true;
}

static void worker_start(struct racer *R)
{
	struct ut_race_shm *x = R->x;
	int err = ut_kmsg_open(&R->km);

	x->kmsg = err ? err : 1;
	pin(R);
	full_side(R, UT_WORKER, x->cfg.wop, &R->full[UT_WORKER]);
	full_side(R, UT_MUTATOR, x->cfg.mop, &R->full[UT_MUTATOR]);
	/* Until the first iteration says otherwise: both touch all they could. */
	R->side[0] = R->full[0];
	R->side[1] = R->full[1];
	x->npairs = ut_race_pairs(&R->side[0], &R->side[1], pairs, UT_RACE_MAX_PAIRS);
	R->t0 = ut_race_ns();
	R->calib_end = R->t0 + (int64_t)(x->runtime_s * UT_RACE_CALIB_SHARE * 1e9);
	x->phase = UT_RACE_CALIBRATING;
}

void ut_race_shm_init(struct ut_race_shm *x, const struct ut_race_cfg *cfg, double runtime_s,
		      double hang_timeout_s)
{
	memset(x, 0, sizeof(*x));
	x->cfg = *cfg;
	x->runtime_s = runtime_s;
	x->peer_wait_s = hang_timeout_s / 2;
	x->plan.held = -1;
	x->plan.bucket = -1;
	x->side[UT_WORKER].pinned = x->side[UT_MUTATOR].pinned = -1;
}

void ut_race_loop(struct ut_engine *e, struct ut_proc *p, struct ut_ctx *c)
{
	struct racer R = { .x = e->sh->x, .sh = e->sh, .p = p, .c = c, .role = p->role,
			   .peer = !p->role, .km = { .fd = -1 } };
	struct ut_race_shm *x = R.x;
	int64_t t0 = ut_race_ns();

	R.k = R.role == UT_WORKER ? x->cfg.wop : x->cfg.mop;
	R.seq = e->script ? ut_script_find(e->script, R.role, 0) : NULL;
	R.deadline = t0 + (int64_t)(x->runtime_s * 1e9);
	R.peer_wait = (int64_t)(x->peer_wait_s * 1e9);
	x->side[R.role].loops_per_ns = ut_spin_calibrate();
	if (R.role == UT_WORKER)
		worker_start(&R);
	for (uint64_t i = 1; !e->sh->stop && ut_race_ns() < R.deadline; i++)
		if (!(R.role == UT_WORKER ? worker_iter(&R, i) : mutator_iter(&R, i)))
			break;
	__atomic_store_n(&x->side[R.role].left, 1, __ATOMIC_RELEASE);
	if (R.role == UT_WORKER) {
		ut_kmsg_close(&R.km);
		if (x->phase == UT_RACE_SWEEPING)
			x->phase = UT_RACE_DONE;
	}
}
