// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - one scenario's dangerous half, in a child of its own mount
 * namespace: make and seed the layers, mount, run the workers and
 * mutators, then the runner-side detectors as teardown steps (umount,
 * slab, kmemleak, layers).  Every step is announced in shared memory and
 * every finding goes up the pipe as soon as the step ends: if the kernel
 * kills or wedges this process, the supervisor still has it all.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>

#include "mount.h"
#include "optsets.h"
#include "ops.h"
#include "runctl.h"
#include "xattr_probe.h"

#define SETUP_BOUND_S	10.0	/* fork + held dirfds */
#define STOP_GRACE_S	2.0	/* after ^C, before a slow exit is cut short */
#define KILL_BOUND_S	3.0	/* after SIGKILL */
#define POLL_S		0.02

struct runner {
	const struct ut_variant *v;
	const struct ut_run_cfg *cfg;
	struct ut_runctl *ctl;
	struct ut_engine *e;
	struct ut_layers lay;
	struct ut_result r;		/* findings, until sent */
	struct ut_det_ctx c;
	int msgfd, sent;
	char opts[512];
};

static void step(struct runner *R, int s)
{
	ut_msg_send(R->msgfd, &R->r.findings, &R->sent, R->c.snap);
	ut_step_enter(R->ctl, s);
}

static const char *layer_where(const struct ut_layers *l, enum ut_where w)
{
	if (w == UT_AT_UPPER)
		return l->has_upper ? l->upper : NULL;
	if (w >= UT_AT_LOWER0 && w <= UT_AT_LOWER3 && (int)(w - UT_AT_LOWER0) < l->nlower)
		return l->lower[w - UT_AT_LOWER0];
	return w == UT_AT_MERGED ? l->merged : NULL;
}

static int seed_layers(struct runner *R, char *why, size_t sz)
{
	for (int w = UT_AT_LOWER0; w <= UT_AT_UPPER; w++) {
		const char *path = layer_where(&R->lay, w);
		int i = w - UT_AT_LOWER0;
		/* Extra lowers of an option set are seeded like lower 0. */
		char lc = w == UT_AT_UPPER ? 'u' : i >= R->v->sc->lowers ? '0' : (char)('0' + i);
		int fd, err;

		if (!path)
			continue;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		err = ut_seed_layer(fd, R->v->sc->seed, lc, NULL);
		close(fd);
		if (err) {
			snprintf(why, sz, "seeding layer %c: %s", lc, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int mount_overlay(struct runner *R)
{
	struct ut_mount_req req;
	struct ut_mount_res res;

	ut_layers_mount_req(&R->lay, R->opts, R->lay.merged, &req);
	if (!ut_ovl_mount(&req, &res)) {
		R->c.mounted = true;
		json_object_set_new(R->c.snap, "mount_api",
				    json_string(res.legacy ? "mount(2)" : "fsopen"));
		return 0;
	}
	if (res.fail == UT_MNT_UNSUPPORTED)	/* "this kernel has no ..." */
		ut_finding_add(&R->r.findings, UT_SKIP, "%s", res.why);
	else
		ut_finding_add(&R->r.findings, UT_BROKEN, "overlay mount failed: %s", res.why);
	return res.err;
}

/* Root dirfds every process inherits: merged and each real layer. */
static int open_base(struct runner *R)
{
	struct ut_ctx *b = &R->e->base;

	for (int w = 0; w < UT_AT_NR; w++) {
		const char *p = w == UT_AT_HELD ? NULL : layer_where(&R->lay, w);

		b->fd[w] = -1;
		b->layer_path[w] = p;
		if (p && (b->fd[w] = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return -errno;
	}
	b->merged_path = R->lay.merged;
	b->sc = R->v->sc;
	b->userxattr = ut_opts_has(R->opts, "userxattr");
	return 0;
}

static void close_base(struct runner *R)
{
	for (int w = 0; w < UT_AT_NR; w++) {
		if (R->e->base.fd[w] >= 0)
			close(R->e->base.fd[w]);
		R->e->base.fd[w] = -1;
	}
}

static int prepare(struct runner *R)
{
	struct ut_ctx c = R->e->base;
	struct ut_trace t = { 0 };
	int err = open_base(R);

	if (err || !R->v->sc->prepare)
		return err;
	c = R->e->base;
	c.te = &t;
	ut_rng_seed_for(&c.rng, R->cfg->seed, R->v->sc->name, 2, 0);
	return R->v->sc->prepare(&c);
}

/*
 * In a user namespace overlay needs userxattr (trusted.* is out of reach);
 * backends and scenarios that need real root cannot run.
 */
static int unprivileged_ok(struct runner *R, char *why, size_t sz)
{
	size_t n = strlen(R->opts);

	if (R->v->sc->needs_root) {
		snprintf(why, sz, "needs real root (not in a user namespace)");
		return -EPERM;
	}
	if (ut_backend_usable(&R->v->be, true, why, sz))
		return -EPERM;
	if (!strstr(R->opts, "userxattr") &&
	    snprintf(R->opts + n, sizeof(R->opts) - n, "%suserxattr", n ? "," : "") >=
	    (int)(sizeof(R->opts) - n)) {
		snprintf(why, sz, "overlay options too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

/* The options, and whether this variant can run here at all. */
static bool choose_opts(struct runner *R)
{
	const struct ut_scenario *sc = R->v->sc;
	int lowers = sc->lowers + R->v->set->extra_lowers;
	char why[512] = "";
	int err;

	err = ut_opts_merge(sc->ovl_opts, sc->incompatible, R->v->set->opts, R->opts,
			    sizeof(R->opts), why, sizeof(why));
	if (!err && R->cfg->unprivileged)
		err = unprivileged_ok(R, why, sizeof(why));
	if (!err && lowers > UT_MAX_LOWER) {
		snprintf(why, sizeof(why), "%d lower layers: at most %d", lowers, UT_MAX_LOWER);
		err = -EINVAL;
	}
	if (err)	/* this combination is not one the scenario can run */
		ut_finding_add(&R->r.findings, UT_SKIP, "%s", why);
	else
		ut_msg_send_opts(R->msgfd, R->opts);
	return !err;
}

/* What the mount would accept but the run would trip over: a skip. */
static int probe_upper(struct runner *R, char *why, size_t sz)
{
	if (!R->lay.has_upper || !ut_opts_has(R->opts, "userxattr"))
		return 0;
	return ut_probe_user_xattr(R->lay.upper, why, sz);
}

static bool set_up(struct runner *R)
{
	const struct ut_scenario *sc = R->v->sc;
	char dir[PATH_MAX], why[512] = "";
	int err;

	if (!choose_opts(R))
		return false;
	step(R, UT_STEP_LAYERS);
	snprintf(dir, sizeof(dir), "%s/%02d-%s", R->cfg->root, R->cfg->index, sc->name);
	err = ut_layers_make(&R->lay, dir, sc->lowers + R->v->set->extra_lowers, !sc->no_upper,
			     R->v->set->dataonly, &R->v->be, why, sizeof(why));
	if (!err) {	/* the supervisor may abort them, or ask whose pid is whose */
		R->ctl->lay = R->lay;
		__atomic_store_n(&R->ctl->lay_ready, 1, __ATOMIC_RELEASE);
	}
	if (err == -EOPNOTSUPP) {
		ut_finding_add(&R->r.findings, UT_SKIP, "%s", why);
		return false;
	}
	if (!err) {
		step(R, UT_STEP_SEED);
		err = seed_layers(R, why, sizeof(why));
	}
	if (err) {
		ut_finding_add(&R->r.findings, UT_BROKEN, "layers: %s", why[0] ? why : strerror(-err));
		return false;
	}
	if (probe_upper(R, why, sizeof(why))) {
		ut_finding_add(&R->r.findings, UT_SKIP, "%s", why);
		return false;
	}
	ut_detect_before(&R->c, UT_DET_RUNNER);
	step(R, UT_STEP_MOUNT);
	if (mount_overlay(R))
		return false;
	step(R, UT_STEP_PREPARE);
	err = prepare(R);
	if (err == -EOPNOTSUPP)	/* the stack lacks what the scenario needs */
		ut_finding_add(&R->r.findings, UT_SKIP, "prepare: %s (%s)", strerror(-err),
			       sc->needs ? sc->needs : "this stack lacks what the scenario needs");
	else if (err)
		ut_finding_add(&R->r.findings, UT_BROKEN, "prepare: %s", strerror(-err));
	return !err;
}

static bool stop_asked(const struct runner *R)
{
	return ut_interrupted || R->ctl->stop;
}

/*
 * Run, stop and reap.  The supervisor's watchdog watches the heartbeats;
 * when it says a process is stuck, abort the layers (FUSE waiters get
 * ENOTCONN) and kill everything.
 */
static void drive(struct runner *R, double runtime)
{
	struct ut_engine *e = R->e;
	double t0 = ut_now(), stop_at = t0 + runtime, now;
	bool stopping = false;

	ut_engine_go(e);
	for (;;) {
		int left = ut_engine_reap(e, POLL_S);

		now = ut_now();
		if (!left || R->ctl->hang)
			break;
		if (!stopping && (now >= stop_at || stop_asked(R) || left < e->sh->nproc)) {
			ut_engine_stop(e);	/* time, ^C, or a process died */
			stopping = true;
			stop_at = now;
		}
		if (stopping && stop_asked(R) && now - stop_at > STOP_GRACE_S)
			break;
		if (!stopping)	/* runner-side detectors that act while it runs */
			ut_detect_tick(&R->c, now);
	}
	R->ctl->duration_s = ut_now() - t0;
	ut_engine_stop(e);
	if (R->ctl->hang) {
		/* Kill first: an op the abort ends must not count as a return. */
		ut_engine_kill(e);
		ut_layers_abort(&R->lay);
	}
	if (ut_engine_reap(e, 0)) {
		ut_engine_kill(e);
		ut_engine_reap(e, KILL_BOUND_S);
	}
}

/*
 * --fail: the workers and mutators, and only they, get injected
 * allocation failures (the task filter is on): not the runner's own
 * mount and teardown.
 */
static void mark_failing(struct runner *R)
{
	int err;

	if (!R->cfg->fail.mask)
		return;
	for (int i = 0; i < R->e->sh->nproc; i++) {
		err = ut_fail_mark(R->e->sh->proc[i].pid);
		if (err)
			ut_finding_add(&R->r.findings, UT_PASS, "--fail: make-it-fail of pid %d: %s",
				       (int)R->e->sh->proc[i].pid, strerror(-err));
	}
}

static void run_engine(struct runner *R, double runtime)
{
	struct ut_engine *e = R->e;
	int err;

	step(R, UT_STEP_START);
	err = ut_engine_start(e, SETUP_BOUND_S);
	if (err) {
		ut_finding_add(&R->r.findings, UT_BROKEN, "starting processes: %s", strerror(-err));
		R->ctl->procs_reaped = 1;
		return;
	}
	mark_failing(R);
	step(R, UT_STEP_RUN);
	drive(R, runtime);
	R->ctl->procs_reaped = 1;
}

/* The runner-side detectors' after(), bottom up, each a step of its own. */
static void tear_down(struct runner *R)
{
	R->c.hung = R->ctl->hang;
	R->c.interrupted = stop_asked(R);
	for (int i = ut_detect_count() - 1; i >= 0; i--) {
		if (ut_detectors[i]->side != UT_DET_RUNNER)
			continue;
		step(R, UT_STEP_DETECT + i);
		ut_detect_after_one(&R->c, i, UT_DET_RUNNER);
	}
}

/* Mounts made from here on are this runner's alone, and die with it. */
static int isolate(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}

void ut_runner_main(const struct ut_variant *v, const struct ut_run_cfg *cfg,
		    struct ut_runctl *ctl, struct ut_engine *e, int msgfd, double runtime)
{
	static struct runner R;
	int err;

	R = (struct runner){ .v = v, .cfg = cfg, .ctl = ctl, .e = e, .msgfd = msgfd };
	R.c = (struct ut_det_ctx){ .sc = v->sc, .r = &R.r, .snap = json_object(), .e = e,
				   .lay = &R.lay, .hang_timeout = cfg->hang_timeout,
				   .kmemleak = cfg->kmemleak, .fail = cfg->fail,
				   .ovl_opts = R.opts, .runtime = runtime };
	/* Its name says which scenario it runs (ps, hung-task reports, test probes). */
	prctl(PR_SET_NAME, v->sc->name);
	for (int w = 0; w < UT_AT_NR; w++)
		e->base.fd[w] = -1;
	err = isolate();
	if (err)
		ut_finding_add(&R.r.findings, UT_BROKEN, "runner: private mount namespace: %s",
			       strerror(-err));
	else if (set_up(&R))
		run_engine(&R, runtime);
	close_base(&R);
	if (!err)
		tear_down(&R);
	step(&R, UT_STEP_DONE);
	_exit(0);
}
