// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - a run: every selected variant in turn, each supervised
 * (supervisor.c), each result on disk before the next starts.  After a
 * crash or a hang the kernel's health is probed; a kernel that can no
 * longer mount and unmount a tmpfs skips the rest, with the reason.  A
 * variant whose run the emulator spoiled is run again, once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "health.h"
#include "holders.h"
#include "kmemleak.h"
#include "ktap.h"
#include "procfs.h"
#include "run.h"
#include "runout.h"

#define HUNG_TASK "/proc/sys/kernel/hung_task_timeout_secs"
#define SCRATCH "/tmp/undertow."	/* + <pid>.XXXXXX */

/*
 * A killed run leaves its empty mountpoint directories behind (the mounts
 * died with its namespace).  Remove those of runs whose pid is gone and
 * under which nothing is mounted anywhere; rmdir only, so nothing with
 * content is ever touched.
 */
static void clean_stale_scratch(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[PATH_MAX];
		struct dirent *s;
		DIR *sd;
		int pid;

		if (strncmp(e->d_name, "undertow.", 9) || sscanf(e->d_name + 9, "%d.", &pid) != 1 ||
		    pid <= 0 || !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "/tmp/%s", e->d_name);
		/*
		 * An abandoned runner may still hold its layers there in its own
		 * namespace: an rmdir would detach them under it.  Leave those.
		 */
		if (ut_mounted_under_anywhere(path))
			continue;
		sd = opendir(path);
		while (sd && (s = readdir(sd))) {
			char sub[PATH_MAX + 300];

			snprintf(sub, sizeof(sub), "%s/%s", path, s->d_name);
			if (s->d_name[0] != '.')
				rmdir(sub);
		}
		if (sd)
			closedir(sd);
		rmdir(path);
	}
	if (d)
		closedir(d);
}

/*
 * Let the kernel's hung-task detector speak within our hang timeout; the
 * old value goes back at the end of the run, whatever the runners did.
 * Returns the old value or -1.
 */
static long lower_hung_task(double hang_timeout)
{
	long old = -1, want = (long)hang_timeout + 1;
	char buf[32];

	if (ut_read_small(HUNG_TASK, buf, sizeof(buf)) <= 0 || sscanf(buf, "%ld", &old) != 1)
		return -1;
	if (old <= want)	/* 0 = off: respect the admin's choice */
		return -1;
	snprintf(buf, sizeof(buf), "%ld\n", want);
	return ut_write_small(HUNG_TASK, buf) ? -1 : old;
}

static void restore_hung_task(long old)
{
	char buf[32];

	if (old < 0)
		return;
	snprintf(buf, sizeof(buf), "%ld\n", old);
	ut_write_small(HUNG_TASK, buf);
}

/* A scenario the kernel left unusable: the rest are skipped, each with a file. */
static void skip_unusable(struct ut_result *r, const struct ut_variant *v, const char *why)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", v->sc->name);
	snprintf(r->variant, sizeof(r->variant), "%s", v->label);
	ut_finding_add(&r->findings, UT_SKIP, "%s", why);
	r->verdict = UT_SKIP;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
}

/*
 * After a crash or a hang: can the kernel still do a runner's basic work?
 * Returns false, with "kernel unusable after NAME: WHAT" in @why, if not.
 */
static bool kernel_usable(struct run_state *st, const struct ut_result *r, const char *name,
			  char *why, size_t sz)
{
	/* Where the probe mounts; the tests point it at nothing to see it fail. */
	const char *dir = getenv("UNDERTOW_HEALTH_DIR") ? getenv("UNDERTOW_HEALTH_DIR") : st->root;
	char what[256];
	double t0 = ut_now();

	if (r->verdict != UT_CRASH && r->verdict != UT_HANG)
		return true;
	if (!ut_health_probe(dir, UT_HEALTH_BOUND_S, what, sizeof(what))) {
		ut_out_line(st, "# kernel health after %s: fork, namespace, tmpfs mount, "
			    "umount and drop_caches work (%.2f s)\n", name, ut_now() - t0);
		return true;
	}
	snprintf(why, sz, "kernel unusable after %s: %s", name, what);
	ut_out_line(st, "# %s\n", why);
	return false;
}

/* --fail: on this kernel, or every scenario is a skip with the reason. */
static bool fail_check(struct run_state *st, const struct ut_run_cfg *cfg, char *why, size_t sz)
{
	char name[32];

	if (!cfg->fail.mask)
		return true;
	if (!ut_fail_available(&cfg->fail, why, sz)) {
		json_object_set_new(st->run, "fault_injection", json_string(why));
		return false;
	}
	ut_fail_name(&cfg->fail, name, sizeof(name));
	json_object_set_new(st->run, "fault_injection", json_string(name));
	return true;
}

static void add_row(json_t *rows, const char *name, const struct ut_result *r)
{
	char top[256];

	ut_top_returns(r->ops, r->nops, 3, top, sizeof(top));
	json_array_append_new(rows, json_pack("{s:s, s:s, s:f, s:s}", "name", name,
		"verdict", ut_verdict_name(r->verdict),
		"ops_s", r->duration_s > 0 ? ut_total_calls(r->ops, r->nops) / r->duration_s : 0.0,
		"top", top));
}

/*
 * A result the emulator spoiled (its kernel log holds a report no CPU makes,
 * det_kmsg.c) proves nothing about the kernel: run the variant once more.
 * The first run's reason and kernel lines stay in the new result.
 */
static void rerun_emulated(struct run_state *st, struct ut_run_cfg *cfg,
			   const struct ut_variant *v, struct ut_result *r)
{
	json_t *first = json_pack("{s:s, s:O?}", "reason", r->reason, "kmsg",
				  json_object_get(r->extra, "kmsg"));

	ut_out_line(st, "# %s: %s; running it again\n", v->name, r->reason);
	ut_result_free(r);
	ut_run_variant(v, cfg, r);
	ut_finding_add(&r->findings, UT_PASS, "a second run: the first met an emulator fault");
	if (r->extra && first)
		json_object_set_new(r->extra, "emulator_fault", first);
	else
		json_decref(first);
}

static void run_all(struct run_state *st, struct ut_run_cfg *cfg, const struct ut_variant *sel,
		    int nsel, json_t *rows, const char *skip_all)
{
	char unusable[512] = "";
	double t0 = ut_now();
	int i;

	for (i = 0; i < nsel && !ut_interrupted; i++) {
		struct ut_result r;

		cfg->index = i + 1;
		/* Which variant is running, for whoever reads a dead guest's console. */
		ut_out_line(st, "# start %s\n", sel[i].name);
		ut_out_progress(st, i, nsel, t0, sel[i].name);
		if (unusable[0] || skip_all)
			skip_unusable(&r, &sel[i], skip_all ? skip_all : unusable);
		else
			ut_run_variant(&sel[i], cfg, &r);
		if (r.emulator_fault && r.verdict == UT_SKIP && !ut_interrupted)
			rerun_emulated(st, cfg, &sel[i], &r);
		ut_out_record(st, i + 1, sel[i].name, &r);
		add_row(rows, sel[i].name, &r);
		if (!unusable[0] && !ut_interrupted)
			kernel_usable(st, &r, sel[i].name, unusable, sizeof(unusable));
		ut_result_free(&r);
	}
	ut_out_progress(st, -1, nsel, t0, NULL);
	if (ut_interrupted)
		ut_out_line(st, "Bail out! interrupted after %d of %d\n", i, nsel);
}

static void header(struct run_state *st, const struct ut_run_cfg *cfg, int nsel)
{
	ut_ktap_header(stdout, nsel);
	fprintf(st->ktap_log, "KTAP version 1\n1..%d\n", nsel);
	ut_out_line(st, "# undertow seed %llu, %d workers, %d mutators, results %s\n",
		    (unsigned long long)cfg->seed, cfg->workers, cfg->mutators, st->dir);
	if (cfg->unprivileged)
		ut_out_line(st, "# unprivileged (user namespace): overlays get userxattr; loop "
			    "backends skip; kernel log, slab and hung-task checks are unavailable\n");
	json_object_set_new(st->run, "unprivileged", json_boolean(cfg->unprivileged));
}

static void finish(struct run_state *st, json_t *rows)
{
	char ts[32];

	ut_out_cov_note(st);
	ut_ktap_totals(stdout, st->pass, st->fail, st->skip);
	fprintf(st->ktap_log, "# Totals: pass:%d fail:%d skip:%d\n", st->pass, st->fail, st->skip);
	ut_iso_time(ts, sizeof(ts));
	json_object_set_new(st->run, "end", json_string(ts));
	json_object_set_new(st->run, "complete", json_boolean(!ut_interrupted));
	ut_out_run_json(st);
	ut_out_summary(rows);
	json_decref(st->run);
	fclose(st->ktap_log);
	fclose(st->kmsg_log);
	ut_out_stream(st, "ktap.log");
	ut_out_stream(st, "kmsg.log");
	if (st->stream >= 0)
		close(st->stream);
	/* Empty unless an abandoned runner left its scenario directory. */
	rmdir(st->root);
}

/*
 * Open a run: results/<run-id>/, the KTAP header for @nplan tests, the
 * host settings a run changes (restored by ut_run_end).  0, or the exit code.
 */
int ut_run_begin(struct ut_run *x, const struct ut_opts *o, int nplan, int argc, char **argv,
		 bool unprivileged)
{
	struct run_state *st = &x->st;
	char why[256];
	int err;

	*st = (struct run_state){ .o = o, .stream = -1 };
	x->cfg = (struct ut_run_cfg){
		.seed = o->seed, .time_s = o->time_s, .hang_timeout = o->hang_timeout,
		.workers = o->workers > 0 ? o->workers : ut_default_workers(),
		.mutators = o->mutators >= 0 ? o->mutators : ut_default_mutators(),
		.root = st->root, .self = argv[0], .sysrq = o->sysrq, .coverage = o->coverage,
		.unprivileged = unprivileged, .fail = o->fail, .off = { o->off[0], o->off[1] },
	};
	memcpy(x->cfg.wt, o->wt, sizeof(x->cfg.wt));
	x->rows = json_array();
	err = ut_out_open(st, argc, argv, o->seed);
	if (err) {
		fprintf(stderr, "undertow: results in %s: %s\n", o->results, strerror(-err));
		return UT_EXIT_USAGE;
	}
	clean_stale_scratch();
	snprintf(st->root, sizeof(st->root), "%s%d.XXXXXX", SCRATCH, (int)getpid());
	if (!mkdtemp(st->root)) {
		fprintf(stderr, "undertow: scratch directory: %s\n", strerror(errno));
		return UT_EXIT_FAIL;
	}
	x->cfg.kmemleak = ut_kmemleak_available(why, sizeof(why));
	json_object_set_new(st->run, "kmemleak", json_string(x->cfg.kmemleak ? "on" : why));
	x->fail_ok = fail_check(st, &x->cfg, x->fail_why, sizeof(x->fail_why));
	x->hung_old = lower_hung_task(o->hang_timeout);
	json_object_set_new(st->run, "hung_task_timeout_secs", x->hung_old < 0 ? json_null() :
			    json_pack("{s:I, s:I}", "was", (json_int_t)x->hung_old,
				      "during_run", (json_int_t)o->hang_timeout + 1));
	header(st, &x->cfg, nplan);
	if (o->stream)
		st->stream = strcmp(o->stream, "-") ? open(o->stream, O_WRONLY | O_CLOEXEC) :
			     dup(STDOUT_FILENO);
	ut_out_run_json(st);	/* at once: a reader knows the run before any result */
	return 0;
}

int ut_run_end(struct ut_run *x)
{
	struct run_state *st = &x->st;

	restore_hung_task(x->hung_old);
	finish(st, x->rows);
	json_decref(x->rows);
	if (st->fail || ut_interrupted)
		return UT_EXIT_FAIL;
	return st->skip == st->n ? UT_EXIT_SKIP : UT_EXIT_PASS;
}

bool ut_run_kernel_usable(struct ut_run *x, const struct ut_result *r, const char *name,
			  char *why, size_t sz)
{
	return kernel_usable(&x->st, r, name, why, sz);
}

int ut_run_list(const struct ut_opts *o, const struct ut_variant *sel, int nsel,
		int argc, char **argv, bool unprivileged)
{
	static struct ut_run x;
	struct ut_race_cfg race;
	char why[256];
	int rc = ut_run_begin(&x, o, nsel, argc, argv, unprivileged);

	if (rc)
		return rc;
	/* main() checked it: one scenario, one worker, one mutator. */
	if (o->race && nsel && !ut_race_resolve(sel[0].sc, o->race, &race, why, sizeof(why))) {
		x.cfg.race = &race;
		x.cfg.workers = x.cfg.mutators = 1;
	}
	run_all(&x.st, &x.cfg, sel, nsel, x.rows, x.fail_ok ? NULL : x.fail_why);
	return ut_run_end(&x);
}
