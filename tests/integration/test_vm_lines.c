// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_lines.c - line coverage in the VM: harness/covko.sh builds (or
 * finds cached) the instrumented overlay.ko, and a short run of two
 * scenarios with it must record blocks for each, all of them in the block
 * map, with lines; each scenario's reached aims must have blocks reached
 * in the map; the union's block and line shares must be sane; the run
 * must close with the shares; and the report must show the marked source
 * and the per-function table.  Prints the figures for whoever reads the
 * log.  The plain module's path (blocks skip, quiet) is test_vm_cov.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define BUILD_BOUND_S	900	/* a cold build unpacks linux-source first */

static const char *const scen[] = { "lower-dir-rename", "copyup-vs-lower-rename" };
#define NSCEN	(int)(sizeof(scen) / sizeof(scen[0]))

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* harness/covko.sh: the module's path (NULL: failed, output in *p). */
static char *build_cov_ko(struct proc_out *p)
{
	char *top = realpath(".", NULL), *sh = it_fmt("%s/harness/covko.sh", top);
	char *argv[] = { sh, NULL };
	struct run_opts o = { .timeout_s = BUILD_BOUND_S, .exec_argv = true, .cwd = top };
	char *ko;

	*p = run_undertow_ex(argv, &o);
	free(sh);
	free(top);
	if (p->exit_code != 0)
		return NULL;
	ko = it_fmt("%.*s", (int)strcspn(p->out, "\n"), p->out);
	if (!strstr(ko, ".ko") || !it_exists(ko)) {
		free(ko);
		return NULL;
	}
	return ko;
}

/* Does function @fn have a block of the map (@map's text) among @pcs? */
static bool fn_reached(const char *map, json_t *pcs, const char *fn)
{
	for (const char *l = map; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char name[128], off[32];

		if (sscanf(l, "%31s %127s", off, name) == 2 && !strcmp(name, fn) &&
		    json_integer_value(json_object_get(pcs, off)) > 0)
			return true;
	}
	return false;
}

static void check_scenario(const char *dir, const char *map, const char *name)
{
	char why[1024], *f = it_fmt("%s.json", name);
	json_t *j = it_json_at(dir, f, why, sizeof(why)), *b, *v;
	size_t i;

	ck_assert_msg(j, "%s", why);
	b = json_object_get(json_object_get(j, "coverage"), "blocks");
	ck_assert_msg(b && !strcmp(json_string_value(json_object_get(b, "status")), "ok"),
		      "%s: blocks not ok: %s", name, json_dumps(b, 0));
	ck_assert_str_eq(json_string_value(json_object_get(b, "map")), "ok");
	ck_assert_int_gt(num(b, "reached"), 100);
	ck_assert_int_eq(num(b, "unmapped"), 0);
	ck_assert_int_eq(num(b, "dropped"), 0);
	ck_assert_int_gt(num(b, "lines_reached"), 100);
	ck_assert_int_ge(num(b, "sites"), 2000);
	json_array_foreach(json_object_get(json_object_get(json_object_get(j, "coverage"), "aims"),
					   "reached"), i, v)
		ck_assert_msg(fn_reached(map, json_object_get(b, "pcs"), json_string_value(v)),
			      "%s: aim %s reached (kprobes) but none of its blocks", name,
			      json_string_value(v));
	fprintf(stderr, "int-tests: vm lines: %s: blocks %lld of %lld, lines %lld of %lld\n", name,
		num(b, "reached"), num(b, "sites"), num(b, "lines_reached"), num(b, "lines_total"));
	json_decref(j);
	free(f);
}

static void check_report(const char *res, const char *dir)
{
	char *rep[] = { "report", (char *)dir, "-O", it_fmt("%s/lines.html", res), NULL };
	struct proc_out p = run_undertow(rep, 60);
	char *html;

	ck_assert_msg(p.exit_code == 0, "%s", proc_desc(&p));
	html = it_read_file(rep[3], NULL);
	ck_assert_msg(html && strstr(html, "<h2>overlayfs blocks and lines</h2>"), "no line section");
	ck_assert_msg(strstr(html, "<h3>fs/overlayfs/namei.c</h3>"), "no namei.c source");
	ck_assert_msg(strstr(html, "<span class=\"hit\">") && strstr(html, "<span class=\"miss\">"),
		      "no marked lines");
	ck_assert_msg(strstr(html, "<tr><td><code>ovl_lookup</code></td><td class=\"num\">"),
		      "no per-function row for ovl_lookup");
	free(html);
	free(rep[3]);
	proc_out_free(&p);
}

START_TEST(test_vm_lines)
{
	char *res = it_mkdtemp("vmlines"), *runsh = realpath("run.sh", NULL), *dir, *map;
	char why[1024], *ko;
	struct proc_out p;
	double t0 = it_now();
	json_t *run, *u;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	ko = build_cov_ko(&p);
	ck_assert_msg(ko, "harness/covko.sh: %s\n%s%s", proc_desc(&p), p.out, p.err);
	fprintf(stderr, "int-tests: vm lines: module in %.1f s\n", it_now() - t0);
	proc_out_free(&p);
	{
		char *argv[] = { runsh, "--vm", "--vm-smp", "1", "--overlay-ko", ko, "--coverage",
				 "--results", res, "-t", "1", "-w", "2", "-s", "1", (char *)scen[0],
				 (char *)scen[1], NULL };
		struct run_opts o = { .timeout_s = 600, .exec_argv = true };

		p = run_undertow_ex(argv, &o);
	}
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(strstr(p.out, "# coverage: blocks "), "no closing note:\n%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	map = it_read_at(dir, "blocks.map");
	ck_assert_msg(map, "no blocks.map in %s", dir);
	for (int i = 0; i < NSCEN; i++)
		check_scenario(dir, map, scen[i]);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	u = json_object_get(json_object_get(run, "coverage"), "blocks");
	ck_assert_str_eq(json_string_value(json_object_get(u, "status")), "ok");
	ck_assert_int_gt(num(u, "reached"), 0);
	ck_assert_int_lt(num(u, "reached"), num(u, "sites"));
	ck_assert_int_gt(num(u, "lines_reached"), 0);
	ck_assert_int_lt(num(u, "lines_reached"), num(u, "lines_total"));
	fprintf(stderr, "int-tests: vm lines: run: blocks %lld of %lld, lines %lld of %lld, %.0f s\n",
		num(u, "reached"), num(u, "sites"), num(u, "lines_reached"), num(u, "lines_total"),
		it_now() - t0);
	json_decref(run);
	check_report(res, dir);
	proc_out_free(&p);
	free(map);
	free(dir);
	free(ko);
	free(runsh);
	free(res);
}
END_TEST

Suite *vm_lines_suite(void)
{
	Suite *s = suite_create("vm_lines");
	TCase *tc = tcase_create("vm_lines");

	tcase_set_timeout(tc, BUILD_BOUND_S + 660);
	tcase_add_test(tc, test_vm_lines);
	suite_add_tcase(s, tc);
	return s;
}
