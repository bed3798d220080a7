// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - undertow: list, run, replay.  KTAP on stdout, a summary table
 * on stderr, results/<run-id>/ on disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "cli.h"
#include "engine.h"
#include "diff.h"
#include "explore.h"
#include "kmemleak.h"
#include "layers.h"
#include "matrix.h"
#include "merge.h"
#include "optsets.h"
#include "pathcheck.h"
#include "race.h"
#include "userns.h"
#include "ktap.h"
#include "registry.h"
#include "report.h"
#include "results.h"
#include "repro.h"
#include "run.h"
#include "unframe.h"
#include "stream.h"
#include "vmcollect.h"
#include "watch.h"

#define MAX_SEL 256
#define QUICK_TIME_S 1.0

static bool unprivileged;	/* in a user namespace: no real root */

static void die_usage(const char *msg)
{
	fprintf(stderr, "undertow: %s\n", msg);
	exit(UT_EXIT_USAGE);
}

static int cmd_list(void)
{
	int n;
	const struct ut_scenario *const *all = ut_registry(&n);

	for (int i = 0; i < n; i++)
		printf("%-26s %-40s %s\n", all[i]->name, all[i]->tags ? all[i]->tags : "",
		       all[i]->desc);
	return UT_EXIT_PASS;
}

/* Mounts made from here on stay in our own namespace. */
static int isolate(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}

static uint64_t clock_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^
		((uint64_t)getpid() << 20)) & INT64_MAX;
}

/* Refuse early, in one line, what would fail later in a confusing way. */
static int preflight(void)
{
	char why[256];
	int err;

	if (geteuid() != 0 && ut_enter_userns(why, sizeof(why))) {
		fprintf(stderr, "undertow: not root, and no user namespace to mount in (%s); "
			"run as root or allow unprivileged user namespaces\n", why);
		return UT_EXIT_SKIP;
	}
	unprivileged = ut_in_userns();
	err = isolate();
	if (err) {
		fprintf(stderr, "undertow: private mount namespace: %s\n", strerror(-err));
		return UT_EXIT_SKIP;
	}
	return 0;
}

static int variants_for(const struct ut_opts *o, const struct ut_scenario *const *sc, int nsc,
			struct ut_variant *out, int max, char *err, size_t sz);

/* --race: one scenario, one worker and one mutator, ops it has.  0 or -1 with @err. */
static int race_check(const struct ut_opts *o, const struct ut_scenario *const *sc, int nsc,
		      char *err, size_t sz)
{
	struct ut_race_cfg cfg;

	if (o->cmd != UT_CMD_RUN && o->cmd != UT_CMD_REPLAY)
		snprintf(err, sz, "--race is a run option");
	else if (o->matrix)
		snprintf(err, sz, "--race races one scenario: drop --matrix");
	else if (nsc != 1)
		snprintf(err, sz, "--race races one scenario, not %d (a tag or several names)", nsc);
	else if (o->cmd == UT_CMD_RUN && ((o->workers > 0 && o->workers != 1) ||
					  (o->mutators >= 0 && o->mutators != 1)))
		snprintf(err, sz, "--race runs one worker and one mutator: drop -w/-m");
	else
		return ut_race_resolve(sc[0], o->race, &cfg, err, sz);
	return -1;
}

/* --op-weights: none for a role, or one per op of it. */
static int wt_check(const struct ut_scenario *sc, const int nwt[2], char *err, size_t sz)
{
	for (int role = 0; role < 2; role++) {
		int n = ut_nops(ut_role_ops(sc, role));

		if (nwt[role] && nwt[role] != n) {
			snprintf(err, sz, "--op-weights: %d %s weights, but %s has %d %s ops",
				 nwt[role], role ? "mutator" : "worker", sc->name, n,
				 role ? "mutator" : "worker");
			return -1;
		}
	}
	return 0;
}

/* --ops-off: bits of ops the scenario has, and never every op of a role. */
static int off_check(const struct ut_scenario *sc, const uint32_t off[2], char *err, size_t sz)
{
	for (int role = 0; role < 2; role++) {
		int n = ut_nops(ut_role_ops(sc, role));
		uint32_t all = ut_role_all(sc, role);

		if (off[role] & ~all) {
			snprintf(err, sz, "--ops-off %#x:%#x: %s has %d %s ops", off[0], off[1],
				 sc->name, n, role ? "mutator" : "worker");
			return -1;
		}
		if (n && off[role] == all) {
			snprintf(err, sz, "--ops-off %#x:%#x: leaves out every %s op of %s", off[0],
				 off[1], role ? "mutator" : "worker", sc->name);
			return -1;
		}
	}
	return 0;
}

/* Options that do not go together, in one line; 0 when they do. */
static int conflicts(const struct ut_opts *o, char *err, size_t sz)
{
	bool wt = o->nwt[0] || o->nwt[1];
	const char *with = o->matrix ? "--matrix" : o->race ? "--race" : o->shard_n ? "--shard" :
			   o->fail.mask ? "--fail" : o->off_set ? "--ops-off" :
			   wt ? "--op-weights" : NULL;

	if ((o->off_set || wt) && o->race)
		snprintf(err, sz, "%s and --race: a race runs one op per side already",
			 o->off_set ? "--ops-off" : "--op-weights");
	else if (o->explore_s && o->cmd != UT_CMD_RUN)
		snprintf(err, sz, "--explore is a run option");
	else if (o->explore_s && with)
		snprintf(err, sz, "--explore chooses the variants and their ops itself: drop %s",
			 with);
	else
		return 0;
	return -1;
}

/* A results file is input like a command line: the same checks apply. */
static void check_recorded(const char *file, const struct ut_result *rec)
{
	struct ut_backend_spec be;
	char why[512], msg[700];

	why[0] = '\0';
	if (rec->workers < 1 || rec->workers > 256 || rec->mutators < 0 || rec->mutators > 256)
		snprintf(why, sizeof(why), "workers %d, mutators %d: out of range 1..256, 0..256",
			 rec->workers, rec->mutators);
	else if (!(rec->runtime_s > 0) || rec->runtime_s > 86400)
		snprintf(why, sizeof(why), "runtime_s %g: out of range", rec->runtime_s);
	else if (!ut_optset_find(rec->optset))
		ut_opts_check(rec->optset, why, sizeof(why));
	if (!why[0] && !strncmp(rec->backend_spec, "path:", 5))
		ut_check_path_spec(rec->backend_spec, &be, why, sizeof(why));
	if (!why[0])
		return;
	snprintf(msg, sizeof(msg), "%s: %s", file, why);
	die_usage(msg);
}

/* The variant a results file ran, with its settings in @o. */
static void recorded_variant(struct ut_opts *o, struct ut_variant *v)
{
	const struct ut_scenario *sc;
	struct ut_result rec;
	char why[512], msg[PATH_MAX + 600];

	if (ut_result_load(o->replay, &rec, why, sizeof(why)))
		die_usage(why);
	sc = ut_find(rec.name);
	if (!sc) {
		snprintf(why, sizeof(why), "%s: scenario '%s' is not in this build",
			 o->replay, rec.name);
		die_usage(why);
	}
	check_recorded(o->replay, &rec);
	o->seed = rec.seed;
	o->workers = rec.workers;
	o->mutators = rec.mutators;
	o->backends[0] = rec.backend_spec;
	o->optsets[0] = rec.optset;
	o->nbackends = o->noptsets = 1;
	o->race = rec.race[0] ? rec.race : NULL;	/* the file's, like every setting */
	memcpy(o->off, rec.off, sizeof(o->off));
	o->off_set = rec.off[0] || rec.off[1];
	memcpy(o->wt, rec.wt, sizeof(o->wt));
	memcpy(o->nwt, rec.nwt, sizeof(o->nwt));
	if (off_check(sc, o->off, why, sizeof(why)) || wt_check(sc, o->nwt, why, sizeof(why))) {
		snprintf(msg, sizeof(msg), "%s: %s", o->replay, why);
		die_usage(msg);
	}
	if (o->race && race_check(o, &sc, 1, why, sizeof(why))) {
		snprintf(msg, sizeof(msg), "%s: %s", o->replay, why);
		die_usage(msg);
	}
	if (variants_for(o, &sc, 1, v, 1, why, sizeof(why)) != 1)
		die_usage(why);
	if (!o->time_s || o->cmd == UT_CMD_REPLAY)
		o->time_s = rec.runtime_s;
	if (rec.hang_timeout_s > 0)
		o->hang_timeout = rec.hang_timeout_s;
}

static int cmd_replay(struct ut_opts *o, int argc, char **argv)
{
	static struct ut_variant v;
	int rc;

	recorded_variant(o, &v);
	rc = preflight();
	if (rc)
		return rc;
	ut_install_signals();
	if (o->cmd == UT_CMD_REPRO)
		return ut_repro_main(o, &v, o->replay, argc, argv);
	return ut_run_list(o, &v, 1, argc, argv, unprivileged);
}

/* The optset an -o word names: a set, or a literal option string. */
static const struct ut_optset *optset_for(const char *word)
{
	static struct ut_optset literal[UT_MAX_CHOICES];
	static int nlit;
	const struct ut_optset *set = ut_optset_find(word);

	if (set || nlit == UT_MAX_CHOICES)
		return set;
	literal[nlit] = (struct ut_optset){ .name = word, .opts = word };
	return &literal[nlit++];
}

/*
 * Variants of the selected scenarios: a matrix preset, or -b x -o (tmpfs
 * and the default set when not given), then the --shard slice.
 */
static int variants_for(const struct ut_opts *o, const struct ut_scenario *const *sc, int nsc,
			struct ut_variant *out, int max, char *err, size_t sz)
{
	struct ut_backend_spec be[UT_MAX_CHOICES] = { { .ops = NULL } };	/* the default */
	const struct ut_optset *sets[UT_MAX_CHOICES] = { ut_optset_find("default") };
	int nbe = o->nbackends ? o->nbackends : 1, nsets = o->noptsets ? o->noptsets : 1, n;

	if (o->matrix) {
		if (o->nbackends || o->noptsets) {
			snprintf(err, sz, "--matrix chooses backends and option sets: drop -b/-o");
			return -1;
		}
		n = ut_matrix_preset(o->matrix, sc, nsc, out, max);
	} else {
		for (int i = 0; i < o->nbackends; i++)
			if (ut_backend_parse(o->backends[i], &be[i], err, sz))
				return -1;
		for (int i = 0; i < o->noptsets; i++)
			if (!(sets[i] = optset_for(o->optsets[i]))) {
				snprintf(err, sz, "too many option sets");
				return -1;
			}
		n = ut_matrix_expand(sc, nsc, be, nbe, sets, nsets, out, max);
	}
	if (o->shard_n)
		n = ut_matrix_shard(out, n, o->shard_k, o->shard_n);
	if (n <= 0)
		snprintf(err, sz, "no variant to run (shard %d/%d of too few?)", o->shard_k, o->shard_n);
	return n;
}

static int cmd_list_variants(const struct ut_variant *v, int n)
{
	for (int i = 0; i < n; i++)
		printf("%s\n", v[i].name);
	return UT_EXIT_PASS;
}

int main(int argc, char **argv)
{
	static const struct ut_scenario *sel[MAX_SEL];
	static struct ut_variant vars[UT_MAX_VARIANTS];
	bool listing;
	struct ut_opts o;
	char err[512];
	int n, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "unframe"))	/* the VM repro's host side */
		return ut_unframe(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "vm-collect"))	/* the VM runner's host side */
		return ut_vm_collect(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "vm-watch"))	/* the host side of vm.sh --exec */
		return ut_vm_watch(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "watch"))	/* any program under the kernel watch */
		return ut_cmd_watch(argc, argv);
	if (ut_parse_args(argc, argv, &o, err, sizeof(err)) || conflicts(&o, err, sizeof(err))) {
		fprintf(stderr, "undertow: %s\n", err);
		return UT_EXIT_USAGE;
	}
	switch (o.cmd) {
	case UT_CMD_HELP:
		ut_usage(stdout);
		return UT_EXIT_PASS;
	case UT_CMD_LIST:
		if (!o.nsel && !o.matrix && !o.nbackends && !o.noptsets && !o.shard_n && !o.race)
			return cmd_list();
		break;
	case UT_CMD_REPLAY:
		return cmd_replay(&o, argc, argv);
	case UT_CMD_REPRO:
		return cmd_replay(&o, argc, argv);
	case UT_CMD_DIFF:
		return ut_cmd_diff(&o);
	case UT_CMD_REPORT:
		return ut_cmd_report(&o);
	case UT_CMD_MERGE:
		return ut_cmd_merge(&o);
	case UT_CMD_RUN:
		break;
	}
	n = ut_select(o.sel, o.nsel, sel, MAX_SEL, err, sizeof(err));
	if (n < 0 || (o.race && race_check(&o, sel, n, err, sizeof(err))))
		die_usage(err);
	for (int i = 0; i < n; i++)
		if ((o.off_set && off_check(sel[i], o.off, err, sizeof(err))) ||
		    wt_check(sel[i], o.nwt, err, sizeof(err)))
			die_usage(err);
	n = variants_for(&o, sel, n, vars, UT_MAX_VARIANTS, err, sizeof(err));
	if (n <= 0)
		die_usage(err);
	/* The quick matrix is about breadth: 1 s a variant unless told. */
	if (o.matrix && !strcmp(o.matrix, "quick") && !o.time_s)
		o.time_s = QUICK_TIME_S;
	listing = o.cmd == UT_CMD_LIST;
	if (listing)
		return cmd_list_variants(vars, n);
	if (!o.seed_set)
		o.seed = clock_seed();
	rc = preflight();
	if (rc)
		return rc;
	ut_install_signals();
	if (o.explore_s)
		return ut_explore(&o, vars, n, argc, argv, unprivileged);
	return ut_run_list(&o, vars, n, argc, argv, unprivileged);
}
