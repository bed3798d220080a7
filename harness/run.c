// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - one scenario: layers, seed, mount, snapshots, engine + watchdog,
 * stop, reap, umount, leak checks, kernel log, taint, verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "engine.h"
#include "errname.h"
#include "holders.h"
#include "kmemleak.h"
#include "kmsg.h"
#include "layers.h"
#include "mount.h"
#include "optsets.h"
#include "ops.h"
#include "procfs.h"
#include "run.h"
#include "slab.h"
#include "taint.h"
#include "watchdog.h"

volatile sig_atomic_t ut_interrupted;

#define SETUP_BOUND_S	10.0	/* fork + held dirfds */
#define STOP_GRACE_S	2.0	/* after stop, before a slow exit counts */
#define KILL_BOUND_S	3.0	/* after SIGKILL */
#define SLAB_RETRIES	20	/* x 50 ms for RCU-deferred frees */
#define POLL_S		0.02
#define KMSG_KEEP	500	/* kernel records kept as evidence */
#define UMOUNT_RETRIES	20	/* x 50 ms before EBUSY is a finding */

/*
 * Errnos a plain filesystem gives under concurrent namespace changes: never
 * failures.  Anything else must be in the scenario's tolerated list.
 */
static const int expected_errnos[] = {
	ENOENT, EEXIST, ENOTEMPTY, ENOTDIR, EISDIR, ELOOP, EXDEV, EMLINK, 0
};

/* Everything a run accumulates besides the result itself. */
struct scen {
	const struct ut_scenario *sc;
	const struct ut_run_cfg *cfg;
	struct ut_result *r;
	struct ut_layers lay;
	struct ut_engine e;
	struct ut_kmsg km;
	bool mounted, km_open, hung;
	bool busy;			/* overlay was busy at umount */
	const struct ut_variant *v;
	int lowers;			/* the scenario's, plus the set's extra ones */
	char opts[512];			/* overlay options: set + scenario */
	int mounts0;
	long dentries0, inodes0;
	json_t *kmsg;			/* kernel records since the marker */
	unsigned long taint0;
	long slab0;
	int fds0;
	json_t *procs, *snap;
};

static bool in_list(const int *l, int err)
{
	for (; l && *l; l++)
		if (*l == err)
			return true;
	return false;
}

static const char *layer_where(const struct ut_layers *l, enum ut_where w)
{
	if (w == UT_AT_UPPER)
		return l->has_upper ? l->upper : NULL;
	if (w >= UT_AT_LOWER0 && w <= UT_AT_LOWER3 && (int)(w - UT_AT_LOWER0) < l->nlower)
		return l->lower[w - UT_AT_LOWER0];
	return w == UT_AT_MERGED ? l->merged : NULL;
}

static int seed_layers(struct scen *s, char *why, size_t sz)
{
	for (int w = UT_AT_LOWER0; w <= UT_AT_UPPER; w++) {
		const char *path = layer_where(&s->lay, w);
		int i = w - UT_AT_LOWER0;
		/* Extra lowers of an option set are seeded like lower 0. */
		char lc = w == UT_AT_UPPER ? 'u' : i >= s->sc->lowers ? '0' : (char)('0' + i);
		int fd, err;

		if (!path)
			continue;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		err = ut_seed_layer(fd, s->sc->seed, lc, NULL);
		close(fd);
		if (err) {
			snprintf(why, sz, "seeding layer %c: %s", lc, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int mount_overlay(struct scen *s)
{
	struct ut_mount_req req = {
		.nlower = s->lay.nlower,
		.upper = s->lay.has_upper ? s->lay.upper : NULL,
		.work = s->lay.has_upper ? s->lay.work : NULL,
		.opts = s->opts,
		.dataonly = s->lay.dataonly[0] ? s->lay.dataonly : NULL,
		.target = s->lay.merged,
	};
	struct ut_mount_res res;

	for (int i = 0; i < s->lay.nlower; i++)
		req.lower[i] = s->lay.lower_mnt[i];
	if (!ut_ovl_mount(&req, &res)) {
		s->mounted = true;
		json_object_set_new(s->snap, "mount_api",
				    json_string(res.legacy ? "mount(2)" : "fsopen"));
		return 0;
	}
	ut_finding_add(&s->r->findings, res.fail == UT_MNT_UNSUPPORTED ? UT_SKIP : UT_BROKEN,
		       "overlay mount failed: %s", res.why);
	return res.err;
}

/* Root dirfds every process inherits: merged and each real layer. */
static int open_base(struct scen *s)
{
	struct ut_ctx *b = &s->e.base;

	for (int w = 0; w < UT_AT_NR; w++) {
		const char *p = w == UT_AT_HELD ? NULL : layer_where(&s->lay, w);

		b->fd[w] = -1;
		b->layer_path[w] = p;
		if (p && (b->fd[w] = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return -errno;
	}
	b->merged_path = s->lay.merged;
	b->sc = s->sc;
	return 0;
}

static void close_base(struct scen *s)
{
	for (int w = 0; w < UT_AT_NR; w++)
		if (s->e.base.fd[w] >= 0)
			close(s->e.base.fd[w]);
	for (int w = 0; w < UT_AT_NR; w++)
		s->e.base.fd[w] = -1;
}

static void format_trace(const struct ut_trace *t, const struct ut_op *ops, char *buf, size_t sz)
{
	int n = snprintf(buf, sz, "%s", ops[t->op].name);

	if (t->a)
		n += snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " %s", t->a);
	if (t->b)
		n += snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " %s", t->b);
	if (t->held >= 0)
		n += snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " @held%d", t->held);
	snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " = %s",
		 t->ret == UT_PENDING ? "(running)" : t->ret >= 0 ? "OK" : ut_errname(t->ret));
}

/* Last ops of process @i, oldest first, the running one included. */
static json_t *last_ops(const struct scen *s, int i)
{
	const struct ut_proc *p = &s->e.sh->proc[i];
	const struct ut_op *ops = ut_role_ops(s->sc, p->role);
	uint64_t seq = p->seq, from = seq >= UT_RING - 1 ? seq - (UT_RING - 1) : 0;
	json_t *a = json_array();
	char buf[256];

	for (uint64_t k = from; k <= seq; k++) {
		const struct ut_trace *t = &p->ring[k % UT_RING];

		if (k == seq && t->ret != UT_PENDING)
			break;		/* between two ops */
		format_trace(t, ops, buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static json_t *first_ops(const struct scen *s, int i)
{
	const struct ut_proc *p = &s->e.sh->proc[i];
	const struct ut_op *ops = ut_role_ops(s->sc, p->role);
	json_t *a = json_array();
	char buf[256];

	for (uint64_t k = 0; k < p->seq && k < UT_RING; k++) {
		struct ut_trace t = p->first[k];

		t.ret = 0;	/* only the op and its names repeat, not results */
		format_trace(&t, ops, buf, sizeof(buf));
		*strrchr(buf, '=') = '\0';
		buf[strlen(buf) - 1] = '\0';
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static const char *role_name(int role)
{
	return role == UT_MUTATOR ? "mutator" : "worker";
}

/* "worker 2 (pid 123)" */
static void proc_name(const struct scen *s, int i, char *buf, size_t sz)
{
	const struct ut_proc *p = &s->e.sh->proc[i];

	snprintf(buf, sz, "%s %d (pid %d)", role_name(p->role), p->idx, (int)p->pid);
}

static char *last_ops_text(const struct scen *s, int i, int n)
{
	json_t *a = last_ops(s, i);
	size_t cnt = json_array_size(a), from = cnt > (size_t)n ? cnt - n : 0;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	for (size_t k = from; f && k < cnt; k++)
		fprintf(f, "\n  %s", json_string_value(json_array_get(a, k)));
	if (f)
		fclose(f);
	json_decref(a);
	return out;
}

static void report_stuck(struct scen *s, struct ut_watch *w, double now)
{
	for (int i = 0; i < s->e.sh->nproc; i++) {
		char who[64], desc[8192];
		char *ops;

		if (s->e.ex[i].reaped || ut_watch_idle(w, i, now) < s->cfg->hang_timeout)
			continue;
		proc_name(s, i, who, sizeof(who));
		ut_task_describe(s->e.sh->proc[i].pid, desc, sizeof(desc));
		ops = last_ops_text(s, i, 4);
		ut_finding_add(&s->r->findings, UT_HANG,
			       "%s made no progress for %.1f s\n%s\nlast ops:%s", who,
			       ut_watch_idle(w, i, now), desc, ops ? ops : "");
		free(ops);
	}
	s->hung = true;
	if (s->cfg->sysrq) {
		/* Blocked-task dump into the kernel log, kept as evidence. */
		int err = ut_write_small("/proc/sysrq-trigger", "w");

		if (!err)
			ut_finding_add(&s->r->findings, UT_PASS,
				       "sysrq-w: blocked tasks dumped to the kernel log (see kmsg)");
		else
			ut_finding_add(&s->r->findings, UT_PASS, "sysrq-w unavailable: %s",
				       strerror(-err));
	}
}

/*
 * Run, stop and reap with the watchdog on the whole time: a process that
 * stops making progress for hang_timeout is a hang, whether it is mid-run
 * or failing to leave its loop.
 */
static void drive(struct scen *s, double runtime)
{
	struct ut_watch w;
	double t0 = ut_now(), stop_at = t0 + runtime, now;
	bool stopping = false;
	int stuck = -1;

	if (ut_watch_init(&w, &s->e, t0)) {
		ut_finding_add(&s->r->findings, UT_BROKEN, "watchdog: out of memory");
		ut_engine_stop(&s->e);
		ut_engine_go(&s->e);
		ut_engine_kill(&s->e);
		ut_engine_reap(&s->e, KILL_BOUND_S);
		return;
	}
	ut_engine_go(&s->e);
	for (;;) {
		int left = ut_engine_reap(&s->e, POLL_S);

		now = ut_now();
		if (!left)
			break;
		if (!stopping && (now >= stop_at || ut_interrupted ||
				  left < s->e.sh->nproc)) {
			ut_engine_stop(&s->e);	/* time, ^C, or a process died */
			stopping = true;
			stop_at = now;
		}
		stuck = ut_watch_stuck(&w, &s->e, now, s->cfg->hang_timeout);
		if (stuck >= 0)
			break;
		if (stopping && ut_interrupted && now - stop_at > STOP_GRACE_S)
			break;
	}
	s->r->duration_s = ut_now() - t0;
	if (stuck >= 0) {
		report_stuck(s, &w, now);
		ut_layers_abort(&s->lay);	/* FUSE waiters get ENOTCONN */
	}
	ut_watch_free(&w);
	ut_engine_stop(&s->e);
	if (ut_engine_reap(&s->e, 0)) {
		ut_engine_kill(&s->e);
		ut_engine_reap(&s->e, KILL_BOUND_S);
	}
}

static void judge_exits(struct scen *s)
{
	for (int i = 0; i < s->e.sh->nproc; i++) {
		const struct ut_exit *x = &s->e.ex[i];
		const struct ut_proc *p = &s->e.sh->proc[i];
		char who[64], *ops;

		proc_name(s, i, who, sizeof(who));
		if (!x->reaped) {
			ut_finding_add(&s->r->findings, UT_HANG,
				       "%s unkillable: state %c after SIGKILL + %.0f s",
				       who, ut_task_state(p->pid), KILL_BOUND_S);
			continue;
		}
		if (WIFSIGNALED(x->status) && !x->killed_by_us) {
			ops = last_ops_text(s, i, 8);
			ut_finding_add(&s->r->findings, UT_CRASH, "%s killed by signal %d (%s)\nlast ops:%s",
				       who, WTERMSIG(x->status), strsignal(WTERMSIG(x->status)),
				       ops ? ops : "");
			free(ops);
		} else if (WIFEXITED(x->status) && WEXITSTATUS(x->status)) {
			ut_finding_add(&s->r->findings, UT_BROKEN, "%s exited %d: set-up %s",
				       who, WEXITSTATUS(x->status),
				       p->setup_err ? strerror(-p->setup_err) : "failed");
		}
	}
}

/* Sum per-process histograms into the result; no locks were needed. */
static void sum_hists(struct scen *s)
{
	struct ut_result *r = s->r;

	r->nops = ut_nops(s->sc->workers);
	r->nmuts = s->e.nmutators ? ut_nops(s->sc->mutators) : 0;
	for (int k = 0; k < r->nops; k++)
		r->ops[k].name = s->sc->workers[k].name;
	for (int k = 0; k < r->nmuts; k++)
		r->muts[k].name = s->sc->mutators[k].name;
	for (int i = 0; i < s->e.sh->nproc; i++) {
		const struct ut_proc *p = &s->e.sh->proc[i];
		struct ut_hist *h = p->role == UT_MUTATOR ? r->muts : r->ops;
		int n = p->role == UT_MUTATOR ? r->nmuts : r->nops;

		for (int k = 0; k < n; k++)
			for (int b = 0; b < UT_NBUCKET; b++) {
				h[k].ret[b] += p->hist[k][b];
				h[k].calls += p->hist[k][b];
			}
	}
}

/* The raw values behind an op's "EOTHER" count, e.g. " (last: -512, ERESTARTSYS)". */
static const char *other_values(const struct scen *s, const struct ut_hist *h, int k)
{
	static char buf[128];
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < s->e.sh->nproc; i++) {
		const struct ut_proc *p = &s->e.sh->proc[i];
		const struct ut_hist *mine = p->role == UT_MUTATOR ? s->r->muts : s->r->ops;

		if (mine == h && p->other[k] && used < sizeof(buf))
			used += snprintf(buf + used, sizeof(buf) - used, "%s%d",
					 used ? ", " : " (values: ", p->other[k]);
	}
	if (used && used < sizeof(buf))
		snprintf(buf + used, sizeof(buf) - used, ")");
	return buf;
}

static void check_errnos(struct scen *s, const struct ut_hist *h, int n, const char *role)
{
	for (int k = 0; k < n; k++)
		for (int b = 1; b < UT_NBUCKET; b++) {
			int e = ut_bucket_errno(b);

			if (!h[k].ret[b] || in_list(expected_errnos, e) ||
			    in_list(s->sc->tolerated, e))
				continue;
			if (in_list(s->sc->known, e)) {
				ut_finding_add(&s->r->findings, UT_PASS,
					       "known kernel issue: %s op %s returned %s (%d) %llu times",
					       role, h[k].name, ut_bucket_name(b), e,
					       (unsigned long long)h[k].ret[b]);
				continue;
			}
			ut_finding_add(&s->r->findings, UT_FAIL,
				       "%s op %s returned %s %llu times (not tolerated)%s",
				       role, h[k].name, ut_bucket_name(b),
				       (unsigned long long)h[k].ret[b],
				       b == UT_BUCKET_OTHER ? other_values(s, h, k) : "");
		}
}

static void procs_json(struct scen *s)
{
	for (int i = 0; i < s->e.sh->nproc; i++) {
		const struct ut_proc *p = &s->e.sh->proc[i];
		json_t *o = json_pack("{s:s, s:i, s:i, s:I}", "role", role_name(p->role),
				      "index", p->idx, "pid", (int)p->pid,
				      "ops_done", (json_int_t)p->seq);

		json_object_set_new(o, "first_ops", first_ops(s, i));
		json_object_set_new(o, "last_ops", last_ops(s, i));
		json_array_append_new(s->procs, o);
	}
}

/* Plain umount first: EBUSY means something still holds the overlay. */
static void unmount_overlay(struct scen *s)
{
	if (!s->mounted)
		return;
	/*
	 * A file released by an io-wq worker or a delayed fput can keep the
	 * mount busy for a moment after the last process exits: retry first.
	 */
	for (int i = 0; i < UMOUNT_RETRIES; i++) {
		if (umount2(s->lay.merged, 0) == 0) {
			s->mounted = false;
			return;
		}
		if (errno != EBUSY)
			break;
		ut_sleep(0.05);
	}
	if (errno == EBUSY && !s->hung) {
		char who[2048];
		int n = ut_find_holders(s->lay.merged, who, sizeof(who));

		ut_finding_add(&s->r->findings, UT_LEAK,
			       "overlay busy at umount (EBUSY) after every worker exited: %s",
			       n ? who : "no process holds it: a kernel reference");
		s->busy = true;
	} else if (errno != EBUSY)
		ut_finding_add(&s->r->findings, UT_BROKEN, "umount overlay: %s", strerror(errno));
	if (umount2(s->lay.merged, MNT_DETACH) == 0)
		s->mounted = false;
}

static void drop_caches(void)
{
	/* Best effort: without it (no root) counts stay high, never wrong. */
	ut_write_small("/proc/sys/vm/drop_caches", "2");
}

/* ovl_inode objects in use: flush CPU slabs first so the count is exact. */
static long ovl_inodes(void)
{
	ut_slab_shrink("ovl_inode");
	return ut_slab_objects("ovl_inode");
}

/*
 * Every ovl_inode of the unmounted overlay must be freed; frees are
 * RCU-deferred, so give them a bounded while to land.  The slab is shared
 * with every other overlay on the system: while another overlay is mounted
 * anywhere (any namespace) or the count still moves, it is not judged.
 */
static void check_slab(struct scen *s)
{
	long now = -ENOENT, again;

	if (s->hung || s->mounted || s->busy)
		return;		/* a busy or stuck overlay keeps its inodes */
	for (int i = 0; i < SLAB_RETRIES; i++) {
		drop_caches();
		now = ovl_inodes();
		if (now < 0 || now <= s->slab0)
			break;
		ut_sleep(0.05);
	}
	json_object_set_new(s->snap, "ovl_inode_before", json_integer(s->slab0));
	json_object_set_new(s->snap, "ovl_inode_after", json_integer(now));
	if (ut_slab_judge(s->slab0, now, now, false) == UT_SLAB_CLEAN)
		return;
	ut_sleep(0.2);
	again = ovl_inodes();
	switch (ut_slab_judge(s->slab0, now, again, ut_overlay_mounted_anywhere())) {
	case UT_SLAB_NOT_JUDGED:
		ut_finding_add(&s->r->findings, UT_PASS,
			       "ovl_inode slab: %ld before, %ld then %ld after, but other overlays "
			       "are in use on this system: not judged", s->slab0, now, again);
		break;
	case UT_SLAB_LEAK:
		ut_finding_add(&s->r->findings, UT_LEAK,
			       "ovl_inode slab: %ld objects before mount, %ld after umount + "
			       "drop_caches", s->slab0, now);
		break;
	case UT_SLAB_CLEAN:
		break;
	}
}

/* Is @pid the harness, one of its workers/mutators, or a FUSE server? */
static bool is_ours(const struct scen *s, int pid)
{
	if (pid == getpid())
		return true;
	for (int i = 0; s->e.sh && i < s->e.sh->nproc; i++)
		if (s->e.sh->proc[i].pid == pid)
			return true;
	return ut_layers_owns_pid(&s->lay, pid);
}

static void on_kmsg(const struct ut_kmsg_rec *rec, enum ut_kmsg_class cls,
		    const char *why, void *arg)
{
	struct scen *s = arg;
	static const enum ut_verdict kind[] = {
		[UT_KM_CRASH] = UT_CRASH, [UT_KM_HANG] = UT_HANG, [UT_KM_LEAK] = UT_LEAK,
	};

	int pid;

	/* Evidence: kernel records and ours, not our own drop_caches notes. */
	if ((rec->facility == 0 || strstr(rec->msg, "undertow")) &&
	    !strstr(rec->msg, "): drop_caches: ") && json_array_size(s->kmsg) < KMSG_KEEP)
		json_array_append_new(s->kmsg, json_stringn(rec->msg, rec->len));
	if (cls == UT_KM_NONE)
		return;
	pid = ut_kmsg_task_pid(rec);
	if (pid > 0 && !is_ours(s, pid)) {
		ut_finding_add(&s->r->findings, UT_PASS, "kernel: %.*s [not an undertow task]",
			       (int)rec->len, rec->msg);
		return;
	}
	ut_finding_add(&s->r->findings, kind[cls], "kernel: %.*s [%s]",
		       (int)rec->len, rec->msg, why);
}

static void check_kmsg_taint(struct scen *s)
{
	unsigned long t1 = 0, bad;
	char a[64], b[64];

	if (s->km_open) {
		if (ut_kmsg_drain(&s->km, on_kmsg, s) < 0)
			ut_finding_add(&s->r->findings, UT_PASS, "kernel log unreadable");
		if (s->km.lost)
			ut_finding_add(&s->r->findings, UT_PASS,
				       "kernel log overwritten: %d records lost", s->km.lost);
		ut_kmsg_close(&s->km);
		s->km_open = false;
	}
	if (ut_taint_read(&t1))
		return;
	ut_taint_letters(s->taint0, a, sizeof(a));
	ut_taint_letters(t1, b, sizeof(b));
	json_object_set_new(s->snap, "taint_before", json_string(a));
	json_object_set_new(s->snap, "taint_after", json_string(b));
	bad = ut_taint_bad(s->taint0, t1);
	if (bad) {
		ut_taint_letters(bad, a, sizeof(a));
		ut_finding_add(&s->r->findings, UT_CRASH, "kernel tainted during the run: %s", a);
	}
}

/*
 * The layer filesystem must come apart once the overlay is gone; EBUSY
 * there (after a clean overlay umount) means something kept a reference.
 */
static void destroy_layers(struct scen *s)
{
	int err;

	if (!s->lay.dir[0])
		return;
	err = ut_layers_destroy(&s->lay);
	if (err == -EBUSY && !s->hung && !s->busy && !s->mounted)
		ut_finding_add(&s->r->findings, UT_LEAK,
			       "layer filesystem busy (EBUSY) after the overlay was unmounted");
	else if (err)
		ut_finding_add(&s->r->findings, UT_PASS, "layers at %s: %s", s->lay.dir,
			       strerror(-err));
}

static int count_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int n = 0, c;

	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static void snap_vfs(struct scen *s, bool after)
{
	long d = 0, du = 0, i = 0, fi = 0;

	ut_dentry_state(&d, &du);
	ut_inode_nr(&i, &fi);
	if (!after) {
		s->dentries0 = d;
		s->inodes0 = i;
		s->mounts0 = count_mounts();
		return;
	}
	json_object_set_new(s->snap, "nr_dentry_delta", json_integer(d - s->dentries0));
	json_object_set_new(s->snap, "nr_inodes_delta", json_integer(i - s->inodes0));
}

/* The harness's own fds and mounts must be as they were: it is a tool to trust. */
static void check_harness(struct scen *s)
{
	int fds = ut_count_fds(0), mounts = count_mounts();

	json_object_set_new(s->snap, "harness_fds_before", json_integer(s->fds0));
	json_object_set_new(s->snap, "harness_fds_after", json_integer(fds));
	json_object_set_new(s->snap, "harness_mounts_before", json_integer(s->mounts0));
	json_object_set_new(s->snap, "harness_mounts_after", json_integer(mounts));
	if (s->hung || s->busy)
		return;		/* a stuck task may rightly pin both */
	if (fds != s->fds0)
		ut_finding_add(&s->r->findings, UT_BROKEN, "harness leaked fds: %d before, %d after",
			       s->fds0, fds);
	if (mounts != s->mounts0)
		ut_finding_add(&s->r->findings, UT_BROKEN,
			       "harness left mounts: %d before, %d after", s->mounts0, mounts);
}

static void check_kmemleak(struct scen *s)
{
	char buf[2048];
	int n;

	if (!s->cfg->kmemleak || ut_interrupted)
		return;
	n = ut_kmemleak_scan(buf, sizeof(buf));
	json_object_set_new(s->snap, "kmemleak_objects", json_integer(n));
	if (n > 0)
		ut_finding_add(&s->r->findings, UT_LEAK,
			       "kmemleak: %d unreferenced objects after two scans\n%s", n, buf);
}

static void fill_settings(struct scen *s, double runtime)
{
	const struct ut_run_cfg *c = s->cfg;
	struct ut_result *r = s->r;

	snprintf(r->name, sizeof(r->name), "%s", s->sc->name);
	snprintf(r->variant, sizeof(r->variant), "%s", s->v->label);
	snprintf(r->backend, sizeof(r->backend), "%s", ut_backend_name(&s->v->be));
	ut_backend_spec_str(&s->v->be, r->backend_spec, sizeof(r->backend_spec));
	snprintf(r->optset, sizeof(r->optset), "%s", s->v->set->name);
	r->seed = c->seed;
	r->workers = c->workers;
	r->mutators = s->sc->mutators[0].name ? c->mutators : 0;
	r->runtime_s = runtime;
	r->hang_timeout_s = c->hang_timeout;
	snprintf(r->replay, sizeof(r->replay),
		 "%s run -s %llu -t %g -w %d -m %d --hang-timeout %g -b '%s' -o '%s' %s", c->self,
		 (unsigned long long)c->seed, runtime, c->workers, r->mutators,
		 c->hang_timeout, r->backend_spec, r->optset, s->sc->name);
}

static void set_reason(struct ut_result *r)
{
	const struct ut_finding *f;
	const char *nl;

	r->verdict = ut_findings_verdict(&r->findings, UT_PASS);
	/* A missing feature with nothing worse found is a skip. */
	if (r->verdict == UT_PASS && ut_findings_first(&r->findings, UT_SKIP))
		r->verdict = UT_SKIP;
	f = ut_findings_first(&r->findings, r->verdict);
	if (!f)
		return;
	nl = strchr(f->detail, '\n');
	snprintf(r->reason, sizeof(r->reason), "%.*s",
		 nl ? (int)(nl - f->detail) : (int)strlen(f->detail), f->detail);
}

/*
 * In a user namespace overlay needs userxattr (trusted.* is out of reach);
 * loop devices and scenarios that need real root cannot run.
 */
static int unprivileged_ok(struct scen *s, char *why, size_t sz)
{
	size_t n = strlen(s->opts);

	if (s->sc->needs_root) {
		snprintf(why, sz, "needs real root (not in a user namespace)");
		return -EPERM;
	}
	if (ut_backend_usable(&s->v->be, true, why, sz))
		return -EPERM;
	if (!strstr(s->opts, "userxattr") &&
	    snprintf(s->opts + n, sizeof(s->opts) - n, "%suserxattr", n ? "," : "") >=
	    (int)(sizeof(s->opts) - n)) {
		snprintf(why, sz, "overlay options too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

/* Set up layers and mount; false when the scenario cannot run. */
static bool set_up(struct scen *s, const char *dir)
{
	char why[512] = "";
	int err;

	err = ut_opts_merge(s->sc->ovl_opts, s->sc->incompatible, s->v->set->opts, s->opts,
			    sizeof(s->opts), why, sizeof(why));
	if (!err && s->cfg->unprivileged)
		err = unprivileged_ok(s, why, sizeof(why));
	if (!err && s->lowers > UT_MAX_LOWER) {
		snprintf(why, sizeof(why), "%d lower layers: at most %d", s->lowers, UT_MAX_LOWER);
		err = -EINVAL;
	}
	if (err) {	/* this combination is not one the scenario can run */
		ut_finding_add(&s->r->findings, UT_SKIP, "%s", why);
		return false;
	}
	snprintf(s->r->ovl_options, sizeof(s->r->ovl_options), "%s", s->opts);
	err = ut_layers_make(&s->lay, dir, s->lowers, !s->sc->no_upper, s->v->set->dataonly,
			     &s->v->be, why, sizeof(why));
	if (err == -EOPNOTSUPP) {
		ut_finding_add(&s->r->findings, UT_SKIP, "%s", why);
		return false;
	}
	if (!err)
		err = seed_layers(s, why, sizeof(why));
	if (err) {
		ut_finding_add(&s->r->findings, UT_BROKEN, "layers: %s",
			       why[0] ? why : strerror(-err));
		return false;
	}
	s->slab0 = ovl_inodes();
	if (ut_taint_read(&s->taint0))
		s->taint0 = 0;
	s->km_open = !ut_kmsg_open(&s->km);
	if (s->km_open)
		ut_kmsg_mark("start %s seed=%llu", s->sc->name, (unsigned long long)s->cfg->seed);
	else
		ut_finding_add(&s->r->findings, UT_PASS, "/dev/kmsg unreadable: kernel log not checked");
	if (mount_overlay(s))
		return false;
	err = open_base(s);
	if (!err && s->sc->prepare) {
		struct ut_ctx c = s->e.base;
		struct ut_trace t = { 0 };

		c.te = &t;
		ut_rng_seed_for(&c.rng, s->cfg->seed, s->sc->name, 2, 0);
		err = s->sc->prepare(&c);
	}
	if (err) {	/* EOPNOTSUPP: the stack lacks what the scenario needs */
		ut_finding_add(&s->r->findings, err == -EOPNOTSUPP ? UT_SKIP : UT_BROKEN,
			       "prepare: %s%s", strerror(-err), err == -EOPNOTSUPP ?
			       " (this stack lacks what the scenario needs)" : "");
		return false;
	}
	return true;
}

static void run_engine(struct scen *s, double runtime)
{
	int err;

	s->e.sc = s->sc;
	s->e.nworkers = s->cfg->workers;
	s->e.nmutators = s->r->mutators;
	s->e.seed = s->cfg->seed;
	err = ut_engine_start(&s->e, SETUP_BOUND_S);
	if (err) {
		ut_finding_add(&s->r->findings, UT_BROKEN, "starting processes: %s", strerror(-err));
		if (s->e.sh)
			judge_exits(s);
		return;
	}
	drive(s, runtime);
	judge_exits(s);
	sum_hists(s);
	check_errnos(s, s->r->ops, s->r->nops, "worker");
	check_errnos(s, s->r->muts, s->r->nmuts, "mutator");
	procs_json(s);
}

void ut_run_variant(const struct ut_variant *v, const struct ut_run_cfg *cfg,
		    struct ut_result *r)
{
	const struct ut_scenario *sc = v->sc;
	struct scen s = { .sc = sc, .cfg = cfg, .r = r, .v = v,
			  .lowers = sc->lowers + v->set->extra_lowers };
	double runtime = cfg->time_s ? cfg->time_s :
			 sc->runtime_s ? sc->runtime_s : UT_DEFAULT_RUNTIME;
	char dir[PATH_MAX];

	memset(r, 0, sizeof(*r));
	for (int w = 0; w < UT_AT_NR; w++)
		s.e.base.fd[w] = -1;
	s.e.barrier_w = -1;
	s.procs = json_array();
	s.snap = json_object();
	s.kmsg = json_array();
	s.fds0 = ut_count_fds(0);
	snap_vfs(&s, false);
	if (cfg->kmemleak)
		ut_kmemleak_clear();
	fill_settings(&s, runtime);
	snprintf(dir, sizeof(dir), "%s/%02d-%s", cfg->root, cfg->index, sc->name);
	if (set_up(&s, dir))
		run_engine(&s, runtime);
	close_base(&s);
	unmount_overlay(&s);
	check_slab(&s);
	snap_vfs(&s, true);
	check_kmemleak(&s);
	check_kmsg_taint(&s);
	destroy_layers(&s);
	if (s.e.sh)
		ut_engine_free(&s.e);
	check_harness(&s);
	if (ut_interrupted)	/* a cut-short run proves nothing either way */
		ut_finding_add(&r->findings, UT_SKIP, "interrupted after %.1f s of %g",
			       r->duration_s, runtime);
	r->extra = json_pack("{s:o, s:o, s:o}", "procs", s.procs, "snapshots", s.snap,
			     "kmsg", s.kmsg);
	set_reason(r);
}
