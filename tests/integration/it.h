/* SPDX-License-Identifier: GPL-2.0 */
/*
 * it.h - integration tests: run the undertow binary as a black box and
 * judge its exit code, KTAP on stdout and result files.
 */
#ifndef UT_IT_H
#define UT_IT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <check.h>
#include <jansson.h>

/* The binary under test (absolute) and the scratch directory of this run. */
extern const char *it_bin;
extern const char *it_base;

/* What one invocation left behind. */
struct proc_out {
	char *out, *err;	/* NUL-terminated, never NULL */
	size_t out_len, err_len;
	int status;		/* raw wait status, valid when reaped */
	int exit_code;		/* exit status, -1 if it did not exit */
	int term_sig;		/* signal that ended it, 0 if it exited */
	bool timed_out;		/* killed by us after the bound */
	bool reaped;		/* false only if SIGKILL did not end it either */
	double elapsed_s;
	pid_t pid;		/* of the child that ran */
};

struct run_opts {
	double timeout_s;	/* SIGKILL after this long */
	const char *cwd;	/* working directory; NULL = it_base */
	int sig;		/* signal to send after sig_after_s, 0 = none */
	double sig_after_s;
	bool exec_argv;		/* run argv[0] (PATH search) with argv, not it_bin */
	void (*pre_exec)(void);	/* in the child, last thing before exec */
};

/*
 * Run it_bin with the arguments @argv (NULL-terminated, the program name
 * NOT included: { "run", "-t", "1", NULL }).  stdout and stderr are
 * captured; the child is killed with SIGKILL after @timeout_s.
 */
struct proc_out run_undertow(char *const argv[], double timeout_s);
struct proc_out run_undertow_ex(char *const argv[], const struct run_opts *o);
void proc_out_free(struct proc_out *p);
/* "exit 1, stderr: ..." for assertion messages; static buffer. */
const char *proc_desc(const struct proc_out *p);

/* realloc, or abort on out of memory. */
void *it_xrealloc(void *p, size_t n);
/* printf into a new string; aborts on out of memory. */
char *it_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A fresh directory it_base/<tag>.XXXXXX, or NULL. */
char *it_mkdtemp(const char *tag);
/* Whole file, NUL-terminated, or NULL with errno set. */
char *it_read_file(const char *path, size_t *len);
bool it_exists(const char *path);
/* cp @from @to (mode kept): true when it worked. */
bool it_copy_file(const char *from, const char *to);
/* Entries of @dir other than "." and ".."; -1 if it cannot be read. */
int it_count_entries(const char *dir);
/* Remove @path and everything below it; symlinks are not followed. */
int it_rm_rf(const char *path);
/* Seconds since an arbitrary point (CLOCK_MONOTONIC). */
double it_now(void);

/* A list of strings. */
struct strv {
	int n, cap;
	char **v;
};

void strv_add(struct strv *s, const char *str);
bool strv_has(const struct strv *s, const char *str);
void strv_free(struct strv *s);
void strv_sort(struct strv *s);	/* by strcmp */
/* Entries of @dir starting with @prefix, sorted. */
int it_ls_prefix(const char *dir, const char *prefix, struct strv *out);

/* Scenarios from "undertow list". */
struct scen_list {
	struct strv name;
	bool *selftest;		/* per name */
	char *raw;		/* the list output */
};

/* 0, or -1 with why filled. */
int it_list_scenarios(struct scen_list *l, char *why, size_t sz);
void scen_list_free(struct scen_list *l);
/* Names of the default selection: every scenario not tagged selftest. */
void it_default_names(const struct scen_list *l, struct strv *out);

/* One "ok"/"not ok" line. */
struct ktap_case {
	int num;
	char *name;
	bool ok, skip;
	char *tag;		/* "LEAK" of "# LEAK: why"; NULL when ok */
	char *reason;		/* after "# SKIP " or "# TAG: "; "" if none */
};

struct ktap {
	int plan;
	int ncase;
	struct ktap_case *c;
	bool totals, bail;
	int pass, fail, skip;
};

/* Strict parse of KTAP text; 0 or -1 with why filled. */
int it_ktap_parse(const char *text, struct ktap *k, char *why, size_t sz);
void ktap_free(struct ktap *k);

/* Load a JSON file; NULL with why filled. */
json_t *it_json_load(const char *path, char *why, size_t sz);
/* The same for @dir/@file. */
json_t *it_json_at(const char *dir, const char *file, char *why, size_t sz);
/* it_read_file() of @dir/@file. */
char *it_read_at(const char *dir, const char *file);
/* Every finding of a result as "[kind] detail" lines; malloc'd. */
char *it_findings_text(json_t *res);
/* The run directory results/latest points to, checked; NULL with why. */
char *it_latest_run(const char *results, char *why, size_t sz);
/* Sum of "calls" over an ops/mutations object; -1 if malformed. */
long long it_total_calls(json_t *hist);

/* overlay and tmpfs mounts of our namespace: "mountpoint fstype" lines. */
int it_mounts(struct strv *out);
/* "+ x" / "- y" lines from @a to @b, or NULL when they are the same. */
char *it_strv_diff(const struct strv *a, const struct strv *b);
/* Live processes whose comm is @comm, other than us. */
int it_count_procs(const char *comm);

/*
 * /tmp/undertow.* entries not in @before that are still there after up to
 * @wait_s.  Entries of an undertow that runs beside us are not ours: while
 * one is alive they get time to go; if they outlive @wait_s and some other
 * undertow still runs, they cannot be attributed and *ambiguous is set.
 */
int it_scratch_leftovers(const struct strv *before, double wait_s, struct strv *left,
			 bool *ambiguous);

/* @name built beside int-tests (stallfs, watchprog), asserted executable; malloc'd. */
char *it_helper_path(const char *name);
/* Is @mnt a mount point of ours (its line is in mountinfo)? */
bool it_mounted(const char *mnt);
/*
 * stallfs serving @backing at @mnt (mounted when this returns, or a failed
 * assertion); a lookup of "ut-stall..." under @mnt never gets an answer.
 */
pid_t it_stallfs_start(const char *backing, const char *mnt);
/* Wake, kill and reap the server, then detach its mount. */
void it_stallfs_stop(pid_t server, const char *mnt);
/*
 * tests/kmod/build.sh for the VM's default kernel (cached), within
 * @bound_s: the path of ut_fault.ko (ut_debug.ko is beside it), or NULL
 * with the script's output kept in *p.
 */
char *it_build_kmod(struct proc_out *p, double bound_s);
/*
 * tests/kmod/ovlbug/build.sh PATCH (a file there; NULL: the pristine
 * source) within @bound_s: the overlay.ko's path, or NULL with the
 * script's output kept in *p.
 */
char *it_build_ovlbug(const char *patch, struct proc_out *p, double bound_s);

Suite *cli_suite(void);
Suite *scenarios_suite(void);
Suite *repro_suite(void);
Suite *cleanup_suite(void);
Suite *detectors_suite(void);
Suite *matrix_suite(void);
Suite *unpriv_suite(void);
Suite *kselftest_suite(void);
Suite *vm_suite(void);
Suite *vm_survive_suite(void);
Suite *vm_matrix_suite(void);
/* Slow: only when asked for by name (CK_RUN_SUITE=vm612, make check-vm-612). */
Suite *vm612_suite(void);
/* Slow: only by name (CK_RUN_SUITE=vm_repro, make check-repro). */
Suite *vm_repro_suite(void);
Suite *report_suite(void);
/* Corrupt and foreign results for replay, diff, report: part of report_suite. */
TCase *badresults_tcase(void);
/* Line coverage in report and diff, from hand-made runs: part of report_suite. */
TCase *report_lines_tcase(void);
Suite *bisect_suite(void);
Suite *badinput_suite(void);
Suite *fusepath_suite(void);
Suite *merge_suite(void);
Suite *ci_suite(void);
Suite *coverage_suite(void);
Suite *vm_cov_suite(void);
Suite *vm_lines_suite(void);
Suite *explore_suite(void);
Suite *vm_explore_suite(void);
Suite *failinj_suite(void);
Suite *watch_suite(void);
Suite *vm_watch_suite(void);
Suite *race_suite(void);
/* Only with UNDERTOW_CHECK_DEBUG=1 (make check-debug): builds and boots the debug kernel. */
Suite *debug_kernel_suite(void);
Suite *vm_lost_suite(void);

#endif
