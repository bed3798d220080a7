// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_repro.c - from a finding to a verified standalone reproducer, for
 * real (suite vm_repro, make check-repro).  Debian 6.1 boots with an
 * overlay.ko carrying a deliberate bug (tests/kmod/ovlbug/):
 *
 *   1. a run finds it (crash: the WARNING);
 *   2. `run.sh --vm ... repro RESULT` reproduces and minimises it in the
 *      guest and writes repro/<variant>.c beside the result;
 *   3. the program builds with plain gcc, has at most REPRO_MAX_OPS lines
 *      of ops, and reproduces the crash in at least WANT_HITS of VERIFY_K
 *      fresh VMs (harness/repro-verify.sh);
 *   4. on the pristine overlay.ko built from the same source, the same
 *      program gives nothing;
 *   5. for the race bug, the same minimised ops emitted without the race
 *      tuning (repro --script: no barrier, no delay) go through the same
 *      fresh-VM verification: how often the program hits with and without
 *      the tuning, VMs and kernel reports.
 *
 * Timings (finding to verified reproducer) and the rates go to stderr.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "it.h"

#define BUILD_BOUND_S	300.0
#define VERIFY_K	10
#define REPRO_MAX_OPS	80
#define FIND_TRIES	3	/* runs of the scenario to find the bug in the first place */

struct bug {
	const char *patch;	/* tests/kmod/ovlbug/<patch> */
	const char *scen;	/* a scenario that finds it */
	const char *run_time;	/* -t of the finding run */
	int want_hits;		/* of VERIFY_K fresh VMs */
	const char *warn;	/* the bug's WARN text */
	bool untuned;		/* also verify the program emitted without race tuning */
};

static struct proc_out vm(char **argv, double timeout_s)
{
	struct run_opts o = { .timeout_s = timeout_s, .exec_argv = true };

	return run_undertow_ex(argv, &o);
}

/* The variant's result file of the newest run in @res. */
static char *result_of(const char *res, const char *scen)
{
	char why[512], *dir = it_latest_run(res, why, sizeof(why)), *f;

	ck_assert_msg(dir, "%s", why);
	f = it_fmt("%s/%s.json", dir, scen);
	ck_assert_msg(it_exists(f), "no %s", f);
	free(dir);
	return f;
}

static int count_str(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/* harness/@name beside @runsh (the tree's run.sh, an absolute path). */
static char *harness(const char *runsh, const char *name)
{
	return it_fmt("%.*s/harness/%s", (int)(strlen(runsh) - strlen("/run.sh")), runsh, name);
}

/* repro-verify.sh's tally: VMs that reproduced, and kernel reports in all. */
static void tally(const char *out, int *vms, int *reports)
{
	const char *t = strstr(out, "reproduced in "), *r = strstr(out, "# verify: ");

	*vms = *reports = -1;
	if (t)
		sscanf(t, "reproduced in %d of", vms);
	for (; r; r = strstr(r + 1, "# verify: "))
		if (sscanf(r, "# verify: %d kernel reports", reports) == 1)
			break;
}

/*
 * Step 5: the script repro minimised, emitted again without tuning (repro
 * --script runs nothing, so on the host) beside a copy of the result, and
 * verified as the tuned program was.
 */
static void untuned(const char *res, const char *result, const char *scen, const char *ko,
		    const char *runsh, int tuned_vms, int tuned_reports)
{
	char *dir = it_fmt("%s/untuned", res), *copy = it_fmt("%s/%s.json", dir, scen);
	char *script = strdup(result), *rundir, *c_file = it_fmt("%s/repro/%s.c", dir, scen);
	char *verify = harness(runsh, "repro-verify.sh");
	char k[16], secs[] = "10";
	struct proc_out p;
	int vms, reports;

	rundir = dirname(script);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_msg(it_copy_file(result, copy), "copy %s", result);
	{
		char *run_json = it_fmt("%s/run.json", rundir), *to = it_fmt("%s/run.json", dir);

		ck_assert_msg(it_copy_file(run_json, to), "copy %s", run_json);
		free(run_json), free(to);
	}
	{
		char *sf = it_fmt("%s/repro/%s.script", rundir, scen);
		char *argv[] = { "repro", "--script", sf, copy, NULL };

		p = run_undertow(argv, 60);
		free(sf);
	}
	ck_assert_msg(p.exit_code == 0 && it_exists(c_file), "repro --script: %s\n%s%s",
		      proc_desc(&p), p.out, p.err);
	proc_out_free(&p);
	{
		char *text = it_read_file(c_file, NULL);

		ck_assert_msg(text && !strstr(text, "OFFSET_NS"), "%s is in race form", c_file);
		free(text);
	}
	snprintf(k, sizeof(k), "%d", VERIFY_K);
	{
		char *argv[] = { verify, k, secs, c_file, "--overlay-ko", (char *)ko, NULL };
		struct run_opts o = { .timeout_s = 1500, .exec_argv = true };

		p = run_undertow_ex(argv, &o);
	}
	tally(p.out, &vms, &reports);
	ck_assert_msg(vms >= 0 && reports >= 0, "no tally: %s\n%s", proc_desc(&p), p.out);
	fprintf(stderr, "test_vm_repro: race tuning: with it %d of %d VMs, %d kernel reports; "
		"without it %d of %d VMs, %d kernel reports (%s s each)\n", tuned_vms, VERIFY_K,
		tuned_reports, vms, VERIFY_K, reports, secs);
	proc_out_free(&p);
	free(dir), free(copy), free(script), free(c_file), free(verify);
}

static void prove(const struct bug *b)
{
	char *runsh = realpath("run.sh", NULL), *res = it_mkdtemp("vmrepro"), *ko, *pristine;
	char *result, *c_file, *c_text, *prog;
	struct proc_out p;
	double t0;
	int hits = -1, reports = -1;

	ko = it_build_ovlbug(b->patch, &p, BUILD_BOUND_S);
	ck_assert_msg(ko, "build %s: %s\n%s%s", b->patch, proc_desc(&p), p.out, p.err);
	proc_out_free(&p);
	pristine = it_build_ovlbug(NULL, &p, BUILD_BOUND_S);
	ck_assert_msg(pristine, "pristine build: %s\n%s%s", proc_desc(&p), p.out, p.err);
	proc_out_free(&p);

	/* 1. The finding: a bug found by chance may need another run (seed). */
	for (int i = 0; i < FIND_TRIES; i++) {
		char *argv[] = { runsh, "--vm", "--overlay-ko", ko, "--results", res, "-t",
				 (char *)b->run_time, (char *)b->scen, NULL };

		if (i)
			proc_out_free(&p);
		p = vm(argv, 600);
		if (p.exit_code == 1 && strstr(p.out, "# CRASH"))
			break;
	}
	ck_assert_msg(p.exit_code == 1 && strstr(p.out, "# CRASH"), "no crash found in %d runs: "
		      "%s\n%s", FIND_TRIES, proc_desc(&p), p.out);
	proc_out_free(&p);
	result = result_of(res, b->scen);

	/* 2 and 3. Reproduce, minimise, emit, verify. */
	t0 = it_now();
	{
		char k[16];
		char *argv[] = { runsh, "--vm", "--overlay-ko", ko, "--verify", k, "--verify-time",
				 "10", "repro", "--budget", "360", result, NULL };

		snprintf(k, sizeof(k), "%d", VERIFY_K);
		p = vm(argv, 3000);
	}
	{
		char *copy = strdup(result);

		c_file = it_fmt("%s/repro/%s.c", dirname(copy), b->scen);
		free(copy);
	}
	ck_assert_msg(p.exit_code == 0, "repro: %s\n%s", proc_desc(&p), p.out);
	tally(p.out, &hits, &reports);
	ck_assert_msg(hits >= 0 && reports >= 0, "no tally:\n%s", p.out);
	/* Both bugs are WARNs: a VM that reproduced logged at least one. */
	ck_assert_msg(reports >= hits, "%d VMs reproduced, %d kernel reports:\n%s", hits,
		      reports, p.out);
	fprintf(stderr, "test_vm_repro: %s: finding to verified reproducer %.0f s, "
		"reproduced in %d of %d fresh VMs, %d kernel reports\n", b->patch,
		it_now() - t0, hits, VERIFY_K, reports);
	/* Every tuning repro tried: as found, and with used-up names brought back. */
	for (const char *r = strstr(p.out, "# repro: race "); r; r = strstr(r + 1, "# repro: race "))
		fprintf(stderr, "test_vm_repro: %s: %.*s\n", b->patch, (int)strcspn(r + 9, "\n"),
			r + 9);
	ck_assert_msg(hits >= b->want_hits, "reproduced in %d of %d, want >= %d:\n%s", hits,
		      VERIFY_K, b->want_hits, p.out);
	proc_out_free(&p);
	c_text = it_read_file(c_file, NULL);
	ck_assert_msg(c_text, "no %s", c_file);
	fprintf(stderr, "test_vm_repro: %s: %d lines of ops, %d lines in all\n", b->patch,
		count_str(c_text, "/* op */"), count_str(c_text, "\n"));
	ck_assert_int_le(count_str(c_text, "/* op */"), REPRO_MAX_OPS);
	ck_assert_int_gt(count_str(c_text, "/* op */"), 0);

	/* 4. Pristine: the same program, nothing. */
	prog = it_fmt("%s/prog", res);
	{
		char *cc = it_fmt("gcc -O2 -static -o %s %s", prog, c_file);

		ck_assert_int_eq(system(cc), 0);
		free(cc);
	}
	{
		char *vmsh = harness(runsh, "vm.sh");
		char *argv[] = { vmsh, "--overlay-ko", pristine, "--exec", prog, "--exec-time", "10",
				 NULL };

		p = vm(argv, 600);
		free(vmsh);
	}
	ck_assert_msg(p.exit_code == 0 && strstr(p.out, "ok 1 "), "pristine: %s\n%s",
		      proc_desc(&p), p.out);
	ck_assert_msg(!strstr(p.out, b->warn), "pristine printed the bug:\n%s", p.out);
	proc_out_free(&p);

	/* 5. Without the tuning: the same ops, free-running. */
	if (b->untuned) {
		ck_assert_msg(strstr(c_text, "OFFSET_NS"), "%s: not in race form:\n%s", c_file,
			      c_text);
		untuned(res, result, b->scen, ko, runsh, hits, reports);
	}
	free(c_text), free(c_file), free(prog), free(result), free(ko), free(pristine);
	free(runsh), free(res);
}

START_TEST(test_repro_race)
{
	static const struct bug race = {
		.patch = "race.patch", .scen = "readdir-vs-upper-unlink", .run_time = "3",
		.want_hits = 5, .warn = "undertow-ovlbug: upper dir lost an entry during unlink",
		.untuned = true,
	};

	prove(&race);
}
END_TEST

START_TEST(test_repro_seq)
{
	static const struct bug seq = {
		.patch = "seq.patch", .scen = "iterate-dead-dir", .run_time = "3", .want_hits = 8,
		.warn = "undertow-ovlbug: lookup in a directory removed underneath",
	};

	prove(&seq);
}
END_TEST

Suite *vm_repro_suite(void)
{
	Suite *s = suite_create("vm_repro");
	TCase *tc = tcase_create("vm_repro");

	tcase_set_timeout(tc, 3600);
	tcase_add_test(tc, test_repro_seq);
	tcase_add_test(tc, test_repro_race);
	suite_add_tcase(s, tc);
	return s;
}
