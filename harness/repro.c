// SPDX-License-Identifier: GPL-2.0
/*
 * repro.c - undertow repro RESULT.json: reproduce a finding, minimise it,
 * emit it as C (repro.h).  Every attempt is a supervised run of the
 * variant (ut_run_variant), so a crash or hang during minimisation is
 * survived like any other; a kernel that fails the health probe ends it.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "engine.h"
#include "matrix.h"
#include "repro.h"
#include "repro_int.h"
#include "results.h"
#include "run.h"
#include "rundir.h"
#include "stream.h"
#include "verdict.h"

/*
 * A program's round (a fresh overlay) lasts the run's length, at most this:
 * findings that need a fresh mount get more chances in the same time.
 */
#define ROUND_MAX_S	0.3
#define TUNE_S		10.0	/* --race for a tuning */
#define TUNE_KEEP_S	(2 * TUNE_S + 10)	/* of the budget, kept from minimising for tuning */


/* Write @dir/@name@ext; with --stream, frame it there too (a VM's way home). */
static int write_text(const struct repro *R, const char *dir, const char *name, const char *ext,
		      const char *text)
{
	char path[PATH_MAX], fname[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	f = fopen(path, "we");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "undertow: %s:%d: writing %s: %s\n", __FILE__, __LINE__, path,
			strerror(errno));
		return -1;
	}
	printf("# repro: wrote %s\n", path);
	fflush(stdout);
	snprintf(fname, sizeof(fname), "%s%s", name, ext);
	if (R->stream >= 0 && ut_stream_file(R->stream, fname, path))
		fprintf(stderr, "undertow: streaming %s failed\n", fname);
	return 0;
}

/* What the program is, for the top of the C file and the .txt beside it. */
static char *about(const struct repro *R, const struct ut_script *s, const char *kernel,
		   const char *race)
{
	char *t = NULL;

	if (asprintf(&t, " * undertow repro: %s (%s), seed %llu, kernel %s\n"
		     " * Finding (%s): %s\n * Reproduced as: %s\n"
		     " * %d worker and %d mutator process(es), %d ops in all, looping until\n"
		     " * SECONDS pass; the layers are directories on a private tmpfs.\n"
		     "%s%s%s",
		     R->v->sc->name, R->v->label, (unsigned long long)R->cfg.seed, kernel,
		     ut_verdict_name(R->want), R->want_reason, R->got_reason,
		     ut_script_count(s, UT_WORKER), ut_script_count(s, UT_MUTATOR),
		     ut_script_steps(s), race ? " * Tuning: " : "", race ? race : "",
		     race ? "\n" : "") < 0)
		return NULL;
	return t;
}

/*
 * One worker against one mutator: line them up (race.h) if an offset makes
 * the kernel complain; failing that, the same with the steps that bring
 * used-up names back (repro_restore.c), kept in @restored when they tuned.
 */
static const struct ut_script *tune(struct repro *R, const struct ut_script *s,
				    struct ut_script *restored, struct ut_race_tune *t,
				    char *line, size_t sz)
{
	if (out_of_time(R))
		return NULL;
	if (!ut_repro_tune(R->v, &R->cfg, s, TUNE_S, t, line, sz))
		return s;
	if (!line[0])		/* not one worker against one mutator: nothing raced */
		return NULL;
	printf("# repro: %s\n", line);
	line[0] = '\0';
	if (out_of_time(R) || ut_repro_restoring(R->v->sc, s, restored) <= 0)
		return NULL;
	printf("# repro: the steps again, each used-up name brought back after it\n");
	return ut_repro_tune(R->v, &R->cfg, restored, TUNE_S, t, line, sz) ? NULL : restored;
}

static int emit(struct repro *R, const struct ut_script *s, const char *dir)
{
	struct ut_script restored = { 0 };
	const struct ut_script *tuned;
	struct ut_race_tune tune_to;
	char line[400];
	struct ut_emit em = { .sc = R->v->sc, .script = s, .ovl_opts = R->ovl_opts,
			      .nlower = R->v->sc->lowers + R->v->set->extra_lowers,
			      .round_s = R->runtime_s < ROUND_MAX_S ? R->runtime_s : ROUND_MAX_S };
	char *c, *text, *ab;
	int err;

	line[0] = '\0';
	tuned = tune(R, s, &restored, &tune_to, line, sizeof(line));
	if (tuned) {
		em.race = &tune_to;
		em.script = s = tuned;
	}
	if (line[0])
		printf("# repro: %s\n", line);
	ab = about(R, s, R->kernel, em.race ? line : NULL);
	em.about = ab;
	c = ut_repro_emit_c(&em, R->why, sizeof(R->why));
	text = ut_script_format(s, R->v->sc);
	err = !c || !text || !ab;
	if (!err) {
		mkdir(dir, 0755);
		err = write_text(R, dir, R->v->name, ".c", c) ||
		      write_text(R, dir, R->v->name, ".script", text) ||
		      write_text(R, dir, R->v->name, ".txt", ab);
		printf("# repro: %d lines of ops, %d runs, %.0f s\n", ut_repro_op_lines(c),
		       R->runs, ut_now() - R->t0);
	}
	free(c), free(text), free(ab);
	ut_script_free(&restored);
	return err ? -1 : 0;
}

/*
 * The kernel the program is for: the one running (repro re-runs the
 * finding here), or with --script, which runs nothing, the kernel of the
 * result's run (run.json beside it).
 */
static void set_kernel(struct repro *R, const char *result, bool from_run)
{
	char *copy = strdup(result), path[PATH_MAX];
	json_t *j = NULL;
	FILE *f;

	snprintf(R->kernel, sizeof(R->kernel), "?");
	if (from_run && copy) {
		snprintf(path, sizeof(path), "%s/run.json", dirname(copy));
		j = json_load_file(path, 0, NULL);
	}
	free(copy);
	if (json_string_value(json_object_get(j, "kernel"))) {
		snprintf(R->kernel, sizeof(R->kernel), "%s",
			 json_string_value(json_object_get(j, "kernel")));
	} else if ((f = fopen("/proc/sys/kernel/osrelease", "re"))) {
		if (fscanf(f, "%127s", R->kernel) != 1)
			snprintf(R->kernel, sizeof(R->kernel), "?");
		fclose(f);
	}
	json_decref(j);
}

/* The finding to reproduce: the result's verdict and reason. */
static int load_want(struct repro *R, const char *result)
{
	json_error_t je;
	json_t *j = json_load_file(result, 0, &je);
	const char *v = json_string_value(json_object_get(j, "verdict"));
	int k = v ? ut_verdict_of(v) : -1;

	if (k < 0 || k == UT_PASS || k == UT_SKIP || k == UT_BROKEN) {
		fprintf(stderr, "undertow: %s: verdict %s: nothing to reproduce\n", result,
			v ? v : "(none)");
		json_decref(j);
		return -1;
	}
	R->want = k;
	snprintf(R->want_reason, sizeof(R->want_reason), "%s",
		 json_string_value(json_object_get(j, "reason")) ?: "");
	snprintf(R->ovl_opts, sizeof(R->ovl_opts), "%s",
		 json_string_value(json_object_get(j, "ovl_options")) ?: "");
	R->runtime_s = json_number_value(json_object_get(j, "runtime_s"));
	snprintf(R->got_reason, sizeof(R->got_reason), "(not re-run: --script)");
	json_decref(j);
	return 0;
}

/* --script FILE: its steps as C, nothing re-run (verification still applies). */
static int emit_given(struct repro *R, const struct ut_opts *o, struct ut_script *s,
		      const char *dir, char *root, char *copy)
{
	char *text = NULL;
	size_t len;
	bool ok;

	if (ut_read_whole(o->script, 1 << 20, &text, &len) ||
	    ut_script_parse(s, R->v->sc, text, R->why, sizeof(R->why))) {
		/* Bad input: one line, exit 2. */
		fprintf(stderr, "undertow: --script %s: %s\n", o->script,
			R->why[0] ? R->why : "cannot be read");
		free(text);
		ut_script_free(s);
		rmdir(root);
		free(copy);
		return UT_EXIT_USAGE;
	}
	R->budget_s = 0;	/* no race tuning either */
	printf("KTAP version 1\n1..1\n# repro: %s: the steps of %s\n", R->v->name, o->script);
	ok = !emit(R, s, dir);
	if (ok)
		printf("ok 1 repro %s\n", R->v->name);
	else
		printf("not ok 1 repro %s # %s\n", R->v->name, R->why);
	free(text);
	ut_script_free(s);
	rmdir(root);
	free(copy);
	return ok ? UT_EXIT_PASS : UT_EXIT_FAIL;
}

int ut_repro_main(const struct ut_opts *o, const struct ut_variant *v, const char *result,
		  int argc, char **argv)
{
	struct repro R = { .v = v, .tries = o->tries > 0 ? o->tries : 10, .t0 = ut_now(),
			   .budget_s = o->budget_s > 0 ? o->budget_s : 600,
			   .stream = o->stream && !strcmp(o->stream, "-") ? 1 : -1 };
	struct ut_script s = { 0 };
	char root[] = "/tmp/undertow.repro.XXXXXX", *copy = strdup(result), dir[PATH_MAX];
	bool ok = false;

	(void)argc;
	if (load_want(&R, result) || !copy || !mkdtemp(root)) {
		free(copy);
		return UT_EXIT_USAGE;
	}
	set_kernel(&R, result, o->script != NULL);
	snprintf(dir, sizeof(dir), "%s/repro", dirname(copy));
	R.cfg = (struct ut_run_cfg){ .seed = o->seed, .time_s = o->time_s, .workers = o->workers,
				     .mutators = o->mutators, .hang_timeout = o->hang_timeout,
				     .root = root, .self = argv[0],
				     .off = { o->off[0], o->off[1] } };	/* the result's mix */
	memcpy(R.cfg.wt, o->wt, sizeof(R.cfg.wt));
	if (o->script)		/* the steps given (an edited .script): straight to C */
		return emit_given(&R, o, &s, dir, root, copy);
	printf("KTAP version 1\n1..1\n# repro: %s: want %s: %s\n", v->name,
	       ut_verdict_name(R.want), R.want_reason);
	/* Reproduce: the recorded seed first, then others (timing differs anyway). */
	for (int i = 0; i < R.tries && !ok && !out_of_time(&R); i++, R.cfg.seed++)
		ok = ut_repro_attempt(&R);
	R.cfg.seed -= ok;
	if (ok) {
		ut_repro_reduce_mix(&R);
		ok = ut_repro_traced_script(&R, &s);
	} else if (!R.why[0]) {
		snprintf(R.why, sizeof(R.why), "not reproduced in %d tries", R.tries);
	}
	if (ok) {
		/* Minimising may take all the time there is: keep some to tune the race. */
		double keep = R.budget_s > 2 * TUNE_KEEP_S ? TUNE_KEEP_S : 0;

		R.budget_s -= keep;
		ut_repro_minimise(&R, &s);
		R.budget_s += keep;
		ok = !emit(&R, &s, dir);
	}
	if (ok)
		printf("ok 1 repro %s\n", v->name);
	else
		printf("not ok 1 repro %s # %s\n", v->name, R.dead ? "kernel unusable" : R.why);
	printf("# Totals: pass:%d fail:%d skip:0\n", ok, !ok);
	ut_script_free(&s);
	json_decref(R.procs);
	rmdir(root);
	free(copy);
	return ok ? UT_EXIT_PASS : UT_EXIT_FAIL;
}
