// SPDX-License-Identifier: GPL-2.0
/*
 * test_coverage.c - function coverage without a kernel that allows it:
 * which available_filter_functions lines are overlay's, a histogram read
 * back per function, a refusal with the reason and nothing left behind,
 * probes of killed undertows removed, and the results side (a scenario's
 * coverage read back, run.json's union, a run's union).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "coverage.h"
#include "fncov.h"
#include "run_read.h"
#include "suites.h"

/* A histogram as Debian's 6.1 prints it (shortened). */
static const char hist[] =
	"# event histogram\n#\n# trigger info: hist:name=undertow_1:keys=__probe_ip.sym:"
	"vals=hitcount:sort=hitcount:size=2048 [active]\n#\n\n"
	"{ __probe_ip: [ffffffffc020ac90] ovl_write_iter [overlay]                      } "
	"hitcount:          1\n"
	"{ __probe_ip: [ffffffffc0210610] ovl_set_attr.part.0 [overlay]                 } "
	"hitcount:          2\n"
	"{ __probe_ip: [ffffffffc0210a90] ovl_set_attr [overlay]                        } "
	"hitcount:          3\n"
	"{ __probe_ip: [ffffffffc02053a0] ovl_lookup+0x0 [overlay]                      } "
	"hitcount:        203\n"
	"{ __probe_ip: [ffffffffc0200000] ext4_lookup [ext4]                            } "
	"hitcount:         99\n"
	"\nTotals:\n    Hits: 308\n    Entries: 5\n    Dropped: 0\n";

START_TEST(pick_overlay_lines)
{
	char sym[64];

	ck_assert(ut_fncov_pick("ovl_lookup [overlay]\n", sym, sizeof(sym)));
	ck_assert_str_eq(sym, "ovl_lookup");
	ck_assert(ut_fncov_pick("ovl_cache_put.isra.0 [overlay]", sym, sizeof(sym)));
	ck_assert_str_eq(sym, "ovl_cache_put.isra.0");
	ck_assert(ut_fncov_pick("ovl_iterate\n", sym, sizeof(sym)));	/* built in */
	ck_assert(!ut_fncov_pick("vfs_read\n", sym, sizeof(sym)));
	ck_assert(!ut_fncov_pick("ovl_thing [overlayx]\n", sym, sizeof(sym)));
	ck_assert(!ut_fncov_pick("fuse_lookup [fuse]\n", sym, sizeof(sym)));
	ck_assert(!ut_fncov_pick("\n", sym, sizeof(sym)));
	ck_assert(!ut_fncov_pick("ovl_a_name_longer_than_the_buffer_given [overlay]", sym, 8));
	ut_fncov_base("ovl_set_attr.part.0", sym, sizeof(sym));
	ck_assert_str_eq(sym, "ovl_set_attr");
	ut_fncov_base("ovl_lookup", sym, sizeof(sym));
	ck_assert_str_eq(sym, "ovl_lookup");
}
END_TEST

static void index_of(struct ut_fncov *s, const char *const *names)
{
	char **v = calloc(16, sizeof(*v));
	int n = 0;

	for (; *names; names++)
		v[n++] = strdup(*names);
	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(ut_fncov_index(s, v, n), 0);
}

/* A compiler's clone counts for its function; other modules' lines do not count. */
START_TEST(hist_per_function)
{
	static const char *const syms[] = { "ovl_set_attr.part.0", "ovl_write_iter", "ovl_lookup",
					     "ovl_set_attr", "ovl_iterate", NULL };
	struct ut_fncov s;
	uint64_t hits[8] = { 0 };

	index_of(&s, syms);
	ck_assert_int_eq(s.nsym, 5);
	ck_assert_int_eq(s.nfn, 4);
	ck_assert_str_eq(s.fn[0], "ovl_iterate");
	ck_assert_str_eq(s.fn[1], "ovl_lookup");
	ck_assert_str_eq(s.fn[2], "ovl_set_attr");
	ck_assert_str_eq(s.fn[3], "ovl_write_iter");
	ut_fncov_parse_hist(&s, hist, hits);
	ck_assert_uint_eq(hits[0], 0);
	ck_assert_uint_eq(hits[1], 203);
	ck_assert_uint_eq(hits[2], 5);
	ck_assert_uint_eq(hits[3], 1);
	ut_fncov_parse_hist(&s, "", hits);	/* nothing yet: nothing added */
	ck_assert_uint_eq(hits[1], 203);
	s.root[0] = '\0';			/* nothing to take apart */
	ut_fncov_stop(&s);
	ck_assert_int_eq(s.nfn, 0);
}
END_TEST

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static char *slurp(const char *dir, const char *rel)
{
	char path[512], *buf = calloc(1, 4096);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(read(fd, buf, 4095), 0);
	close(fd);
	return buf;
}

/* @dir/@rel, in one of a few static buffers (several per statement). */
static const char *at(const char *dir, const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

static int dead_pid(void)
{
	pid_t pid = fork();

	if (!pid)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (int)pid;
}

/*
 * A tracefs that refuses: the reason names the step, and the instance made
 * on the way is gone.  A killed undertow's instance and probes go first; a
 * live one's stay.
 */
START_TEST(refused_and_stale)
{
	char dir[] = "/tmp/ut-tracefs.XXXXXX", why[512] = "", rel[128], events[256], *ev;
	int dead = dead_pid();
	struct ut_fncov s;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("UNDERTOW_TRACEFS", dir, 1);
	ck_assert_int_lt(ut_fncov_start(&s, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "available_filter_functions: No such file or directory");

	put(dir, "available_filter_functions", "vfs_read\novl_lookup [overlay]\n");
	ck_assert_int_eq(mkdir(at(dir, "instances"), 0755), 0);
	snprintf(rel, sizeof(rel), "instances/" UT_FNCOV_GROUP "%d", dead);
	ck_assert_int_eq(mkdir(at(dir, rel), 0755), 0);
	ck_assert_int_eq(mkdir(at(dir, "instances/" UT_FNCOV_GROUP "1"), 0755), 0);
	snprintf(events, sizeof(events), "p:" UT_FNCOV_GROUP "%d/ovl_lookup ovl_lookup\n", dead);
	put(dir, "kprobe_events", events);
	ck_assert_int_lt(ut_fncov_start(&s, why, sizeof(why)), 0);
	/* Not tracefs: the instance has no set_event_pid. */
	ck_assert_msg(strstr(why, "/set_event_pid: No such file or directory"), "%s", why);
	snprintf(rel, sizeof(rel), "instances/" UT_FNCOV_GROUP "%d", (int)getpid());
	ck_assert_int_lt(stat(at(dir, rel), &st), 0);		/* ours: taken apart */
	snprintf(rel, sizeof(rel), "instances/" UT_FNCOV_GROUP "%d", dead);
	ck_assert_int_lt(stat(at(dir, rel), &st), 0);		/* the dead one's too */
	ck_assert_int_eq(stat(at(dir, "instances/" UT_FNCOV_GROUP "1"), &st), 0);
	ev = slurp(dir, "kprobe_events");	/* a removal was written (a file: over the start) */
	ck_assert_msg(!strncmp(ev, "-:" UT_FNCOV_GROUP, strlen("-:" UT_FNCOV_GROUP)), "%s", ev);
	free(ev);
	unsetenv("UNDERTOW_TRACEFS");
	rmdir(at(dir, "instances/" UT_FNCOV_GROUP "1"));
	rmdir(at(dir, "instances"));
	unlink(at(dir, "available_filter_functions"));
	unlink(at(dir, "kprobe_events"));
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static const char scen_cov[] =
	"{\"status\": \"ok\", \"probed\": 3, \"reached\": 2,"
	" \"functions\": {\"ovl_lookup\": 12, \"ovl_copy_up_one\": 0, \"ovl_iterate\": 4},"
	" \"aims\": {\"reached\": [\"ovl_lookup\"], \"missed\": [\"ovl_copy_up_one\"],"
	" \"unprobed\": [\"ovl_gone\"]}}";

START_TEST(read_scenario_coverage)
{
	json_t *j = json_loads(scen_cov, 0, NULL), *bad;
	struct ut_cov_rec c;
	char what[256];

	ck_assert_int_eq(ut_cov_read(j, &c, what, sizeof(what)), 0);
	ck_assert_str_eq(c.status, "ok");
	ck_assert_int_eq(c.nfn, 3);
	ck_assert_str_eq(c.fn[0].name, "ovl_copy_up_one");	/* sorted */
	ck_assert_uint_eq(ut_cov_find(&c, "ovl_lookup")->hits, 12);
	ck_assert_ptr_null(ut_cov_find(&c, "ovl_rename"));
	ck_assert_int_eq(ut_cov_reached(&c), 2);
	ck_assert_int_eq(c.naim, 3);
	ck_assert_str_eq(c.aim[0].name, "ovl_gone");
	ck_assert_int_eq(c.aim[0].reached, -1);
	ck_assert_int_eq(c.aim[1].reached, 0);
	ck_assert_int_eq(c.aim[2].reached, 1);
	ut_cov_free(&c);
	ck_assert_int_eq(ut_cov_read(NULL, &c, what, sizeof(what)), 0);
	ck_assert_ptr_null(c.status);
	bad = json_pack("{s:s, s:{s:i}}", "status", "ok", "functions", "ovl_lookup", -1);
	ck_assert_int_eq(ut_cov_read(bad, &c, what, sizeof(what)), -1);
	ck_assert_str_eq(what, "coverage.functions.ovl_lookup: want an integer >= 0");
	ut_cov_free(&c);
	json_decref(bad);
	bad = json_pack("{s:i}", "status", 1);
	ck_assert_int_eq(ut_cov_read(bad, &c, what, sizeof(what)), -1);
	ut_cov_free(&c);
	json_decref(bad);
	json_decref(j);
}
END_TEST

/* run.json's union: hits summed, probed and reached counted, a skip's reason kept until ok. */
START_TEST(union_in_run_json)
{
	json_t *run = json_object(), *u;
	json_t *a = json_loads(scen_cov, 0, NULL);
	json_t *b = json_pack("{s:s, s:{s:i, s:i}}", "status", "ok", "functions", "ovl_lookup", 1,
			      "ovl_rename", 0);
	json_t *skip = json_pack("{s:s, s:s}", "status", "skip", "reason", "tracing refused: x");

	ut_cov_union_add(run, NULL);
	ck_assert_ptr_null(json_object_get(run, "coverage"));	/* no --coverage: no key */
	ut_cov_union_add(run, skip);
	u = json_object_get(run, "coverage");
	ck_assert_str_eq(json_string_value(json_object_get(u, "status")), "skip");
	ck_assert_str_eq(json_string_value(json_object_get(u, "reason")), "tracing refused: x");
	ut_cov_union_add(run, a);
	ut_cov_union_add(run, b);
	ck_assert_str_eq(json_string_value(json_object_get(u, "status")), "ok");
	ck_assert_ptr_null(json_object_get(u, "reason"));
	ck_assert_int_eq(json_integer_value(json_object_get(u, "variants")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(u, "probed")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(u, "reached")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(u, "functions"),
							    "ovl_lookup")), 13);
	json_decref(run);
	json_decref(a);
	json_decref(b);
	json_decref(skip);
}
END_TEST

/* A run's union from its variants: what diff and report compare. */
START_TEST(union_of_variants)
{
	json_t *a = json_loads(scen_cov, 0, NULL);
	json_t *b = json_pack("{s:s, s:{s:i, s:i}}", "status", "ok", "functions", "ovl_lookup", 1,
			      "ovl_rename", 0);
	struct ut_run_var v[3] = { 0 };
	struct ut_run_rec r = { .v = v, .n = 3 };
	struct ut_cov_rec u;
	char what[128];

	v[0].have_res = v[1].have_res = true;	/* v[2]: its file is missing */
	ck_assert_int_eq(ut_cov_read(a, &v[0].res.cov, what, sizeof(what)), 0);
	ck_assert_int_eq(ut_cov_read(b, &v[1].res.cov, what, sizeof(what)), 0);
	ck_assert_int_eq(ut_run_coverage(&r, &u), 0);
	ck_assert_str_eq(u.status, "ok");
	ck_assert_int_eq(u.nfn, 4);
	ck_assert_uint_eq(ut_cov_find(&u, "ovl_lookup")->hits, 13);
	ck_assert_int_eq(ut_cov_find(&u, "ovl_lookup")->variants, 2);
	ck_assert_int_eq(ut_cov_find(&u, "ovl_rename")->variants, 0);
	ck_assert_int_eq(ut_cov_reached(&u), 2);
	ut_cov_free(&u);
	ut_cov_free(&v[0].res.cov);
	ut_cov_free(&v[1].res.cov);
	r.n = 0;
	ck_assert_int_eq(ut_run_coverage(&r, &u), 0);
	ck_assert_ptr_null(u.status);		/* nothing recorded */
	ut_cov_free(&u);
	json_decref(a);
	json_decref(b);
}
END_TEST

Suite *coverage_suite(void)
{
	Suite *s = suite_create("coverage");
	TCase *tc = tcase_create("coverage");

	tcase_add_test(tc, pick_overlay_lines);
	tcase_add_test(tc, hist_per_function);
	tcase_add_test(tc, refused_and_stale);
	tcase_add_test(tc, read_scenario_coverage);
	tcase_add_test(tc, union_in_run_json);
	tcase_add_test(tc, union_of_variants);
	suite_add_tcase(s, tc);
	return s;
}
