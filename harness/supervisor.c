// SPDX-License-Identifier: GPL-2.0
/*
 * supervisor.c - one scenario, seen from the process that must report it.
 * It never touches a layer or the overlay: it forks a runner (runner.c)
 * for that, watches its steps and its processes' heartbeats, bounds every
 * wait, and turns whatever happened (the runner's reports, the kernel's
 * log, a runner killed or wedged by the kernel) into the verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "race_res.h"
#include "reap.h"
#include "runctl.h"
#include "trace.h"
#include "watchdog.h"

volatile sig_atomic_t ut_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	ut_interrupted = 1;
}

void ut_install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

#define POLL_MS		20
#define KILL_BOUND_S	3.0	/* after SIGKILL, before a runner is abandoned */

struct sup {
	const struct ut_variant *v;
	const struct ut_run_cfg *cfg;
	struct ut_result *r;
	struct ut_engine e;
	struct ut_runctl *ctl;
	struct ut_runner_fate fate;
	struct ut_det_ctx c;
	double runtime;
	int msgfd;
	char *buf;
	size_t len;
};

/* A role's weights as --op-weights lists them ("4,3,2"), "" when all are declared. */
static void weights_str(const struct ut_scenario *sc, const uint16_t wt[2][UT_MAX_OPS], int role,
			char *buf, size_t sz)
{
	const struct ut_op *ops = ut_role_ops(sc, role);
	int n = ut_nops(ops), any = 0;
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < n; k++)
		any |= wt[role][k];
	for (int k = 0; any && k < n && len < sz; k++)
		len += snprintf(buf + len, sz - len, "%s%u", k ? "," : "",
				wt[role][k] ? wt[role][k] : ops[k].weight);
}

static void fill_settings(struct sup *S)
{
	const struct ut_run_cfg *c = S->cfg;
	const struct ut_variant *v = S->v;
	struct ut_result *r = S->r;
	char fail[48] = "", name[32], race[160] = "", off[48] = "", w[2][200], wts[420] = "";

	snprintf(r->name, sizeof(r->name), "%s", v->sc->name);
	snprintf(r->variant, sizeof(r->variant), "%s", v->label);
	snprintf(r->backend, sizeof(r->backend), "%s", ut_backend_name(&v->be));
	ut_backend_spec_str(&v->be, r->backend_spec, sizeof(r->backend_spec));
	snprintf(r->optset, sizeof(r->optset), "%s", v->set->name);
	r->seed = c->seed;
	r->workers = c->workers;
	r->mutators = v->sc->mutators[0].name ? c->mutators : 0;
	r->runtime_s = S->runtime;
	r->hang_timeout_s = c->hang_timeout;
	if (c->fail.mask) {	/* the replay injects too */
		ut_fail_name(&c->fail, name, sizeof(name));
		snprintf(fail, sizeof(fail), "--fail %s ", name);
	}
	if (c->race) {	/* the replay races too */
		snprintf(r->race, sizeof(r->race), "%s:%s", v->sc->workers[c->race->wop].name,
			 v->sc->mutators[c->race->mop].name);
		snprintf(race, sizeof(race), "--race '%s' ", r->race);
	}
	if (c->off[0] || c->off[1])	/* the replay leaves the same ops out */
		snprintf(off, sizeof(off), "--ops-off %#x:%#x ", c->off[0], c->off[1]);
	weights_str(v->sc, c->wt, UT_WORKER, w[0], sizeof(w[0]));
	weights_str(v->sc, c->wt, UT_MUTATOR, w[1], sizeof(w[1]));
	if (w[0][0] || w[1][0])	/* and weighs them the same */
		snprintf(wts, sizeof(wts), "--op-weights '%s:%s' ", w[0], w[1]);
	snprintf(r->replay, sizeof(r->replay),
		 "%s run -s %llu -t %g -w %d -m %d --hang-timeout %g -b '%s' -o '%s' %s%s%s%s%s",
		 c->self, (unsigned long long)c->seed, S->runtime, c->workers, r->mutators,
		 c->hang_timeout, r->backend_spec, r->optset, fail, race, off, wts, v->sc->name);
}

/* Shared memory for the runner's step and its processes' slots. */
static int map_shared(struct sup *S)
{
	int err;

	S->ctl = mmap(NULL, sizeof(*S->ctl), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S->ctl == MAP_FAILED) {
		S->ctl = NULL;
		return -errno;
	}
	S->e.sc = S->v->sc;
	S->e.nworkers = S->cfg->workers;
	S->e.nmutators = S->r->mutators;
	S->e.seed = S->cfg->seed;
	S->e.script = S->cfg->script;
	memcpy(S->e.off, S->cfg->off, sizeof(S->e.off));
	memcpy(S->e.wt, S->cfg->wt, sizeof(S->e.wt));
	S->e.barrier_w = -1;
	if (S->cfg->race) {	/* one worker against one mutator: race.c */
		S->e.loop = ut_race_loop;
		S->e.xsize = sizeof(struct ut_race_shm);
	}
	err = ut_engine_map(&S->e, S->e.nworkers + S->e.nmutators);
	if (!err && S->cfg->race)
		ut_race_shm_init(S->e.sh->x, S->cfg->race, S->runtime, S->cfg->hang_timeout);
	return err;
}

static void runner_child(struct sup *S, int pfd[2], pid_t parent)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	close(pfd[0]);
	/* The supervisor's death (even SIGKILL) takes the runner along. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(3);
	/*
	 * An abandoned runner may live on in D state: it must not hold the
	 * caller's stdout or stderr open, or whoever reads them never sees EOF.
	 */
	for (int fd = 0; null >= 0 && fd <= 2; fd++)
		dup2(null, fd);
	ut_runner_main(S->v, S->cfg, S->ctl, &S->e, pfd[1], S->runtime);
}

static int fork_runner(struct sup *S)
{
	pid_t parent = getpid();
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	S->fate.pid = fork();
	if (S->fate.pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (S->fate.pid == 0)
		runner_child(S, pfd, parent);
	close(pfd[1]);
	S->msgfd = pfd[0];
	fcntl(S->msgfd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* What the runner and its unreaped processes are doing, for the finding. */
static void describe_stuck(struct sup *S)
{
	size_t n = 0;

	ut_task_describe(S->fate.pid, S->fate.stack, sizeof(S->fate.stack));
	n = strlen(S->fate.stack);
	for (int i = 0; S->e.sh && i < S->e.sh->nproc && n + 64 < sizeof(S->fate.stack); i++) {
		pid_t pid = S->e.sh->proc[i].pid;
		char who[64];

		if (pid <= 0 || S->e.ex[i].reaped || ut_task_state(pid) == '?')
			continue;
		ut_proc_name(&S->e, i, who, sizeof(who));
		n += snprintf(S->fate.stack + n, sizeof(S->fate.stack) - n, "\n%s: ", who);
		ut_task_describe(pid, S->fate.stack + n, sizeof(S->fate.stack) - n);
		n += strlen(S->fate.stack + n);
	}
}

static bool reap_runner(struct sup *S, double bound_s)
{
	if (ut_reap_within(S->fate.pid, bound_s, &S->fate.status) > 0)
		S->fate.reaped = true;
	return S->fate.reaped;
}

/* A runner past its step's bound: record it, kill it, abandon it if it stays. */
static void runner_stuck(struct sup *S, double now)
{
	S->fate.stuck = true;
	S->fate.step_s = now - S->ctl->step_t0;
	describe_stuck(S);
	S->fate.killed_by_us = true;
	kill(S->fate.pid, SIGKILL);
	if (S->e.pgid > 0)
		kill(-S->e.pgid, SIGKILL);
	/*
	 * A task killed while its FUSE request is in flight waits for the
	 * answer: abort our FUSE lowers' connections (fusectl, no layer path).
	 */
	if (__atomic_load_n(&S->ctl->lay_ready, __ATOMIC_ACQUIRE))
		ut_layers_abort(&S->ctl->lay);
	if (!reap_runner(S, KILL_BOUND_S)) {
		S->fate.abandoned = true;
		S->fate.state = ut_task_state(S->fate.pid);
	}
}

/* Until the runner exits, or outlives its step: every wait here is bounded. */
static void watch(struct sup *S)
{
	for (;;) {
		struct pollfd p = { .fd = S->msgfd, .events = POLLIN };
		int step;
		double now;

		poll(&p, 1, POLL_MS);
		ut_msg_recv(S->msgfd, S->r, S->c.snap, &S->buf, &S->len);
		step = __atomic_load_n(&S->ctl->step, __ATOMIC_ACQUIRE);
		S->fate.step = ut_step_name(step);
		if (reap_runner(S, 0))
			break;
		now = ut_now();
		if (step == UT_STEP_RUN && ut_detect_tick(&S->c, now))
			S->ctl->hang = 1;
		if (ut_interrupted)
			S->ctl->stop = 1;
		if (now - S->ctl->step_t0 > ut_step_bound(step, S->cfg, S->runtime)) {
			runner_stuck(S, now);
			break;
		}
	}
	/* Whatever it sent before it ended is still in the pipe. */
	ut_msg_recv(S->msgfd, S->r, S->c.snap, &S->buf, &S->len);
	S->fate.procs_reaped = S->ctl->procs_reaped;
	S->r->duration_s = S->ctl->duration_s;
}

/* Sum per-process histograms into the result; no locks were needed. */
static void sum_hists(struct sup *S)
{
	const struct ut_scenario *sc = S->v->sc;
	struct ut_result *r = S->r;

	r->nops = ut_nops(sc->workers);
	r->nmuts = S->e.nmutators ? ut_nops(sc->mutators) : 0;
	for (int k = 0; k < r->nops; k++)
		r->ops[k].name = sc->workers[k].name;
	for (int k = 0; k < r->nmuts; k++)
		r->muts[k].name = sc->mutators[k].name;
	for (int i = 0; i < S->e.sh->nproc; i++) {
		const struct ut_proc *p = &S->e.sh->proc[i];
		struct ut_hist *h = p->role == UT_MUTATOR ? r->muts : r->ops;
		int n = p->role == UT_MUTATOR ? r->nmuts : r->nops;

		for (int k = 0; k < n; k++) {
			for (int b = 0; b < UT_NBUCKET; b++) {
				h[k].ret[b] += p->hist[k][b];
				h[k].calls += p->hist[k][b];
			}
			h[k].effective += p->reached[k];
		}
	}
}

/*
 * When the kernel killed the runner after reporting a leak, its dying
 * words (BUG, oops, taint D) are the leak's consequence (verdict.h).
 */
static void leak_consequence(struct sup *S)
{
	if (!S->fate.reaped || S->fate.killed_by_us || !WIFSIGNALED(S->fate.status))
		return;
	ut_findings_leak_consequence(&S->r->findings);
}

static void set_reason(struct ut_result *r)
{
	r->verdict = ut_findings_judge(&r->findings, r->reason, sizeof(r->reason));
}

static void supervise(struct sup *S)
{
	int err = map_shared(S);

	if (!err) {
		S->c.lay = &S->ctl->lay;	/* a copy: only whose pid is whose */
		S->ctl->step_t0 = ut_now();
		err = fork_runner(S);
	}
	if (err) {
		ut_finding_add(&S->r->findings, UT_BROKEN, "starting the runner: %s",
			       strerror(-err));
		S->c.runner = NULL;
		return;
	}
	watch(S);
	close(S->msgfd);
	if (S->e.sh)
		sum_hists(S);
}

/* "op_weights": [[...], [...]], each role's weights in table order, [] when declared. */
static void weights_json(struct sup *S)
{
	const struct ut_scenario *sc = S->v->sc;
	json_t *all = json_array();
	bool any = false;

	for (int role = 0; role < 2; role++) {
		const struct ut_op *ops = ut_role_ops(sc, role);
		json_t *l = json_array();
		bool set = false;

		for (int k = 0; k < ut_nops(ops); k++)
			set |= S->cfg->wt[role][k] != 0;
		for (int k = 0; set && k < ut_nops(ops); k++)
			json_array_append_new(l, json_integer(S->cfg->wt[role][k] ?
							      S->cfg->wt[role][k] : ops[k].weight));
		json_array_append_new(all, l);
		any |= set;
	}
	if (any)
		json_object_set_new(S->r->extra, "op_weights", all);
	else
		json_decref(all);
}

/* A scripted or reduced run says so: its replay line alone would not redo it. */
static void add_script(struct sup *S)
{
	const struct ut_run_cfg *c = S->cfg;
	char *text;

	if (c->script) {
		text = ut_script_format(c->script, S->v->sc);
		json_object_set_new(S->r->extra, "script", json_string(text ? text : ""));
		free(text);
	}
	if (c->off[0] || c->off[1])
		json_object_set_new(S->r->extra, "ops_off", json_pack("[I, I]",
				    (json_int_t)c->off[0], (json_int_t)c->off[1]));
	weights_json(S);
}

void ut_run_variant(const struct ut_variant *v, const struct ut_run_cfg *cfg,
		    struct ut_result *r)
{
	const struct ut_scenario *sc = v->sc;
	struct sup S = { .v = v, .cfg = cfg, .r = r, .msgfd = -1 };
	json_t *procs;

	S.runtime = cfg->time_s ? cfg->time_s : sc->runtime_s ? sc->runtime_s : UT_DEFAULT_RUNTIME;
	memset(r, 0, sizeof(*r));
	fill_settings(&S);
	S.c = (struct ut_det_ctx){ .sc = sc, .r = r, .snap = json_object(), .kmsg = json_array(),
				   .e = &S.e, .runner = &S.fate, .hang_timeout = cfg->hang_timeout,
				   .sysrq = cfg->sysrq, .kmemleak = cfg->kmemleak,
				   .coverage = cfg->coverage, .keys = json_object(),
				   .fail = cfg->fail };
	ut_detect_before(&S.c, UT_DET_SUPERVISOR);
	supervise(&S);
	S.c.interrupted = ut_interrupted;
	ut_detect_after(&S.c, UT_DET_SUPERVISOR);
	leak_consequence(&S);
	if (ut_interrupted)	/* a cut-short run proves nothing either way */
		ut_finding_add(&r->findings, UT_SKIP, "interrupted after %.1f s of %g",
			       r->duration_s, S.runtime);
	procs = S.e.sh ? ut_trace_procs(&S.e) : json_array();
	r->extra = json_pack("{s:o, s:o, s:o}", "procs", procs, "snapshots", S.c.snap,
			     "kmsg", S.c.kmsg);
	json_object_update(r->extra, S.c.keys);	/* coverage */
	add_script(&S);
	if (S.e.sh && S.e.sh->x)	/* --race: from its shared memory, like the histograms */
		json_object_set_new(r->extra, "race", ut_race_json(S.e.sh->x));
	json_decref(S.c.keys);
	json_object_set_new(r->extra, "runner", json_pack("{s:i, s:s, s:b}", "pid",
			    (int)S.fate.pid, "last_step", S.fate.step ? S.fate.step : "none",
			    "abandoned", S.fate.abandoned));
	set_reason(r);
	ut_engine_unmap(&S.e);
	if (S.ctl)
		munmap(S.ctl, sizeof(*S.ctl));
	free(S.buf);
}
