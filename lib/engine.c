// SPDX-License-Identifier: GPL-2.0
/* engine.c - processes, barrier, weighted op loop, stop and bounded reap. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "engine.h"
#include "opstep.h"

double ut_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void ut_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int ut_nops(const struct ut_op *ops)
{
	int n = 0;

	while (n < UT_MAX_OPS && ops[n].name)
		n++;
	return n;
}

const struct ut_op *ut_role_ops(const struct ut_scenario *sc, int role)
{
	return role == UT_MUTATOR ? sc->mutators : sc->workers;
}

uint32_t ut_role_all(const struct ut_scenario *sc, int role)
{
	int n = ut_nops(ut_role_ops(sc, role));

	return n >= 32 ? UINT32_MAX : (1u << n) - 1;
}

bool ut_op_effective(const struct ut_ctx *c, const struct ut_op *op, int ret)
{
	if (c->reached >= 0)
		return c->reached;
	if (ret >= 0)
		return true;
	for (const int *e = op->reach; e && *e; e++)
		if (*e == -ret)
			return true;
	return false;
}

static uint32_t pool_size(const char *const *pool)
{
	uint32_t n = 0;

	while (pool && pool[n])
		n++;
	return n;
}


/* The hot loop: one compare to stop, no locks, no syscalls of its own. */
static void op_loop(struct ut_shared *sh, struct ut_proc *p, struct ut_ctx *c, uint32_t off,
		    const uint16_t *wt)
{
	const struct ut_op *ops = c->ops;
	uint32_t cum[UT_MAX_OPS], total = 0;
	int n = ut_nops(ops);

	for (int k = 0; k < n; k++) {
		total += (off >> k) & 1 ? 0 : wt[k] ? wt[k] : ops[k].weight;
		cum[k] = total;
	}
	if (!total)
		return;
	while (!sh->stop) {
		uint32_t r = ut_rng_below(&c->rng, total);
		int k = 0;

		while (cum[k] <= r)
			k++;
		ut_op_step(p, c, k);
	}
}

/* A script's steps (script.h), in order, over and over until stopped. */
static void script_loop(struct ut_shared *sh, struct ut_proc *p, struct ut_ctx *c,
			const struct ut_script_proc *sp)
{
	while (!sh->stop)
		for (int i = 0; i < sp->n && !sh->stop; i++) {
			const struct ut_sstep *st = &sp->steps[i];
			const char *names[3] = { st->a, st->a ? st->b : NULL, NULL };

			c->pin = names;		/* what the step touches, as --race pins it */
			c->pin_held = st->held + 1;
			ut_op_step(p, c, st->op);
		}
	c->pin = NULL;
	c->pin_held = 0;
}

static int child_setup(struct ut_engine *e, struct ut_proc *p, struct ut_ctx *c)
{
	const struct ut_scenario *sc = e->sc;
	const char *const *hold = sc->hold;

	*c = e->base;
	c->idx = p->idx;
	c->mutator = p->role == UT_MUTATOR;
	c->sc = sc;
	c->ops = ut_role_ops(sc, p->role);
	for (int k = 0; k < ut_nops(c->ops); k++)
		c->npool[k] = pool_size(c->ops[k].names ? c->ops[k].names : sc->names);
	ut_rng_seed_for(&c->rng, e->seed, sc->name, p->role, p->idx);
	for (int i = 0; i < UT_MAX_HELD; i++)
		c->held[i] = -1;
	for (int i = 0; i < 8; i++)
		c->scratch[i] = -1;
	c->nheld = 0;
	for (; !c->mutator && hold && hold[c->nheld] && c->nheld < UT_MAX_HELD; c->nheld++) {
		int fd = openat(c->fd[UT_AT_MERGED], hold[c->nheld],
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		c->held[c->nheld] = fd;
	}
	return 0;
}

static void child_main(struct ut_engine *e, int i, int barrier_r, pid_t parent)
{
	struct ut_proc *p = &e->sh->proc[i];
	const struct ut_script_proc *sp = NULL;
	struct ut_ctx c;
	char b;
	int err;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(3);
	signal(SIGINT, SIG_IGN);	/* the harness decides when we stop */
	signal(SIGPIPE, SIG_IGN);
	p->pid = getpid();
	err = child_setup(e, p, &c);
	if (err) {
		p->setup_err = err;
		_exit(2);
	}
	p->state = UT_P_READY;
	/* Barrier: the parent closes the write end (or dies: PDEATHSIG). */
	while (read(barrier_r, &b, 1) < 0 && errno == EINTR)
		;
	close(barrier_r);
	p->state = UT_P_RUN;
	if (e->script)
		sp = ut_script_find(e->script, p->role, p->idx);
	if (e->loop)
		e->loop(e, p, &c);
	else if (sp)
		script_loop(e->sh, p, &c, sp);
	else if (!e->script)
		op_loop(e->sh, p, &c, e->off[p->role], e->wt[p->role]);
	else	/* a script without steps for this process: it idles */
		while (!e->sh->stop)
			ut_sleep(0.01);
	p->state = UT_P_DONE;
	_exit(0);
}

static bool all_ready(const struct ut_engine *e)
{
	/* A process that died in set-up counts as ready: it failed. */
	for (int i = 0; i < e->sh->nproc; i++)
		if (e->sh->proc[i].state != UT_P_READY && !e->ex[i].reaped)
			return false;
	return true;
}

static int setup_failure(const struct ut_engine *e)
{
	for (int i = 0; i < e->sh->nproc; i++) {
		if (e->sh->proc[i].setup_err)
			return e->sh->proc[i].setup_err;
		if (e->ex[i].reaped)
			return -ECHILD;
	}
	return 0;
}

int ut_engine_map(struct ut_engine *e, int n)
{
	size_t procs = sizeof(*e->sh) + (size_t)n * sizeof(struct ut_proc);
	size_t x = (procs + (size_t)n * sizeof(struct ut_exit) + 63) & ~(size_t)63;

	e->shsize = x + e->xsize;
	e->sh = mmap(NULL, e->shsize, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (e->sh == MAP_FAILED) {
		e->sh = NULL;
		e->ex = NULL;
		return -errno;
	}
	e->ex = (struct ut_exit *)((char *)e->sh + procs);
	e->sh->nproc = n;
	e->sh->x = e->xsize ? (char *)e->sh + x : NULL;
	return 0;
}

void ut_engine_unmap(struct ut_engine *e)
{
	if (e->sh)
		munmap(e->sh, e->shsize);
	e->sh = NULL;
	e->ex = NULL;
}

int ut_engine_start(struct ut_engine *e, double setup_s)
{
	int n = e->nworkers + e->nmutators, pfd[2], err;
	pid_t parent = getpid();
	double end;

	e->barrier_w = -1;
	if (e->sh && e->sh->nproc != n)
		return -EINVAL;
	e->borrowed = e->sh != NULL;
	if (!e->borrowed && (err = ut_engine_map(e, n)))
		return err;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		err = -errno;
		ut_engine_free(e);
		return err;
	}
	e->pgid = 0;
	fflush(NULL);
	for (int i = 0; i < n; i++) {
		struct ut_proc *p = &e->sh->proc[i];
		pid_t pid;

		p->role = i < e->nworkers ? UT_WORKER : UT_MUTATOR;
		p->idx = i < e->nworkers ? i : i - e->nworkers;
		p->pid = -1;
		pid = fork();
		if (pid < 0) {
			err = -errno;
			close(pfd[0]);
			close(pfd[1]);
			e->barrier_w = -1;
			ut_engine_kill(e);
			ut_engine_reap(e, 2);
			return err;
		}
		if (pid == 0) {
			close(pfd[1]);
			setpgid(0, e->pgid);
			child_main(e, i, pfd[0], parent);
		}
		/* Both sides set the group: no race with the first op. */
		setpgid(pid, e->pgid);
		if (!e->pgid)
			e->pgid = pid;
		p->pid = pid;
	}
	close(pfd[0]);
	e->barrier_w = pfd[1];
	end = ut_now() + setup_s;
	while (!all_ready(e) && ut_now() < end) {
		ut_engine_reap(e, 0);
		ut_sleep(0.002);
	}
	err = setup_failure(e);
	if (!err && !all_ready(e))
		err = -ETIMEDOUT;
	if (err) {
		ut_engine_stop(e);
		ut_engine_go(e);
		if (ut_engine_reap(e, 2)) {
			ut_engine_kill(e);
			ut_engine_reap(e, 2);
		}
	}
	return err;
}

void ut_engine_go(struct ut_engine *e)
{
	if (e->barrier_w >= 0)
		close(e->barrier_w);
	e->barrier_w = -1;
}

void ut_engine_stop(struct ut_engine *e)
{
	__atomic_store_n(&e->sh->stop, 1, __ATOMIC_RELEASE);
}

int ut_engine_reap(struct ut_engine *e, double bound_s)
{
	double end = ut_now() + bound_s;
	int left;

	for (;;) {
		left = 0;
		for (int i = 0; i < e->sh->nproc; i++) {
			struct ut_exit *x = &e->ex[i];
			pid_t pid = e->sh->proc[i].pid;
			int st;

			if (x->reaped || pid <= 0)
				continue;
			if (waitpid(pid, &st, WNOHANG) == pid) {
				x->reaped = true;
				x->status = st;
			} else {
				left++;
			}
		}
		if (!left || ut_now() >= end)
			return left;
		ut_sleep(0.005);
	}
}

void ut_engine_kill(struct ut_engine *e)
{
	for (int i = 0; i < e->sh->nproc; i++) {
		pid_t pid = e->sh->proc[i].pid;

		if (pid > 0 && !e->ex[i].reaped) {
			e->ex[i].killed_by_us = true;
			kill(pid, SIGKILL);
		}
	}
	if (e->pgid > 0)
		kill(-e->pgid, SIGKILL);
}

void ut_engine_free(struct ut_engine *e)
{
	if (e->barrier_w >= 0)
		close(e->barrier_w);
	e->barrier_w = -1;
	if (!e->borrowed)
		ut_engine_unmap(e);
	e->sh = NULL;
	e->ex = NULL;
}
