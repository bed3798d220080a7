// SPDX-License-Identifier: GPL-2.0
/*
 * vmwatch.c - the host side of `harness/vm.sh --exec`: the guest ran
 * `undertow watch -- /exec/NAME` with its KTAP on the data serial line.
 * When the guest lived, that KTAP is the answer.  When it panicked, the
 * console's kernel lines say why (the first crash line the kernel-log
 * classifier knows); when it went silent, that is a hang.
 *
 *   undertow vm-watch DATA_LOG CONSOLE_LOG ok|panic|hang NAME
 *
 * KTAP on stdout; exit 0 nothing found, 1 a finding or a dead guest, 4 skip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kmsg.h"
#include "ktap.h"
#include "rundir.h"
#include "vmcollect.h"

#define LOG_MAX		(64u << 20)	/* serial logs read whole, up to this */
#define SHOWN		60		/* kernel lines quoted from the first bad one */
#define TAIL		20		/* console lines quoted when the guest went silent */
#define EXIT_MARK	"undertow-vm: undertow exited "

struct lines {
	char *buf;
	char **v;
	int n;
};

/* @path split into lines, '\r' dropped; a missing file is no lines. */
static void read_lines(const char *path, struct lines *l)
{
	size_t len = 0, cap = 0;
	char *save = NULL, *s;

	memset(l, 0, sizeof(*l));
	if (ut_read_whole(path, LOG_MAX, &l->buf, &len))
		return;
	for (s = strtok_r(l->buf, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
		s[strcspn(s, "\r")] = '\0';
		if ((size_t)l->n == cap) {
			char **v = realloc(l->v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!v)
				return;
			l->v = v;
		}
		l->v[l->n++] = s;
	}
}

static void free_lines(struct lines *l)
{
	free(l->v);
	free(l->buf);
}

/* The text of a kernel console line ("[   12.345678] text"), or NULL. */
static const char *kernel_text(const char *line)
{
	const char *p = strchr(line, '[');
	char *end;

	if (!p)
		return NULL;
	strtod(p + 1, &end);
	if (end == p + 1 || strncmp(end, "] ", 2))
		return NULL;
	return end + 2;
}

/* The kernel's verdict on one console line: UT_KM_NONE for anything else. */
static enum ut_kmsg_class classify(const char *line, const char **why)
{
	const char *t = kernel_text(line);
	struct ut_kmsg_rec r = { .facility = 0, .msg = t, .len = t ? strlen(t) : 0 };

	*why = NULL;
	return t ? ut_kmsg_classify(&r, why) : UT_KM_NONE;
}

static bool is_result(const char *s)
{
	return !strncmp(s, "ok ", 3) || !strncmp(s, "not ok ", 7);
}

/* What the guest's watch printed: the KTAP lines, *result its result line. */
static int print_data(const struct lines *d, bool upto_result, const char **result)
{
	int header = 0;

	*result = NULL;
	for (int i = 0; i < d->n; i++) {
		const char *s = d->v[i];

		if (is_result(s))
			*result = s;
		if (upto_result && (is_result(s) || !strncmp(s, "# Totals", 8)))
			continue;
		if (!strncmp(s, "KTAP version", 12) || !strncmp(s, "1..", 3))
			header++;
		else if (!is_result(s) && s[0] != '#' && strncmp(s, "Bail out!", 9))
			continue;	/* not KTAP: the guest's own noise */
		puts(s);
	}
	return header;
}

/* The guest died: its KTAP so far, then our own result line for it. */
static int dead_guest(const struct lines *d, const struct lines *con, const char *how,
		      const char *name)
{
	const char *result, *why = NULL, *panic = NULL;
	char reason[512], line[768];
	int first = -1;
	enum ut_verdict v = strcmp(how, "hang") ? UT_CRASH : UT_HANG;

	if (print_data(d, true, &result) < 2)
		ut_ktap_header(stdout, 1);
	for (int i = 0; i < con->n; i++) {
		const char *w;
		enum ut_kmsg_class c = classify(con->v[i], &w);

		if (c != UT_KM_NONE && first < 0) {
			first = i;
			why = w;
		}
		if (!panic && kernel_text(con->v[i]) &&
		    !strncmp(kernel_text(con->v[i]), "Kernel panic", 12))
			panic = kernel_text(con->v[i]);
	}
	if (v == UT_CRASH && first >= 0)
		snprintf(reason, sizeof(reason), "kernel: %s [%s]", kernel_text(con->v[first]), why);
	else if (v == UT_CRASH)
		snprintf(reason, sizeof(reason), "the guest kernel panicked");
	else
		snprintf(reason, sizeof(reason), "the guest went silent (vm.sh --vm-silence)");
	if (panic)
		printf("# %s: crash: the guest kernel panicked: %s\n", name, panic);
	if (v == UT_CRASH && first >= 0)
		for (int i = first; i < con->n && i < first + SHOWN; i++)
			if (kernel_text(con->v[i]))
				printf("# kmsg: %s\n", kernel_text(con->v[i]));
	if (v == UT_HANG)
		for (int i = con->n > TAIL ? con->n - TAIL : 0; i < con->n; i++)
			printf("# console: %s\n", con->v[i]);
	ut_ktap_line(line, sizeof(line), 1, name, v, reason);
	printf("%s\n", line);
	ut_ktap_totals(stdout, 0, 1, 0);
	return UT_EXIT_FAIL;
}

/* The guest's exit line for the watch ("undertow-vm: undertow exited N"), or -1. */
static int guest_exit(const struct lines *con)
{
	int rc = -1;

	for (int i = 0; i < con->n; i++) {
		const char *p = strstr(con->v[i], EXIT_MARK);

		if (p)
			rc = atoi(p + strlen(EXIT_MARK));
	}
	return rc;
}

/* The guest's watch ended (or never started) without a result line. */
static int no_result(const struct lines *d, const struct lines *con, const char *name, int rc)
{
	const char *result;
	char why[128], line[512];

	if (print_data(d, true, &result) < 2)
		ut_ktap_header(stdout, 1);
	for (int i = con->n > TAIL ? con->n - TAIL : 0; i < con->n; i++)
		printf("# console: %s\n", con->v[i]);
	snprintf(why, sizeof(why), "undertow watch in the guest ended without a result "
		 "(exit %d)", rc);
	ut_ktap_line(line, sizeof(line), 1, name, UT_BROKEN, why);
	printf("%s\n", line);
	ut_ktap_totals(stdout, 0, 1, 0);
	return UT_EXIT_FAIL;
}

int ut_vm_watch(int argc, char **argv)
{
	struct lines d, con;
	const char *result = NULL, *how;
	int rc;

	if (argc != 6 || (strcmp(argv[4], "ok") && strcmp(argv[4], "panic") &&
			  strcmp(argv[4], "hang"))) {
		fprintf(stderr, "undertow: usage: undertow vm-watch DATA_LOG CONSOLE_LOG "
			"ok|panic|hang NAME\n");
		return UT_EXIT_USAGE;
	}
	how = argv[4];
	read_lines(argv[2], &d);
	read_lines(argv[3], &con);
	rc = guest_exit(&con);
	for (int i = 0; i < d.n; i++)
		if (is_result(d.v[i]))
			result = d.v[i];
	if (strcmp(how, "ok")) {
		rc = dead_guest(&d, &con, how, argv[5]);
	} else if (!result) {
		rc = no_result(&d, &con, argv[5], rc);
	} else {
		print_data(&d, false, &result);
		/* Its exit code, or the one its result line means. */
		if (rc != UT_EXIT_PASS && rc != UT_EXIT_FAIL && rc != UT_EXIT_SKIP)
			rc = !strncmp(result, "not ok", 6) ? UT_EXIT_FAIL :
			     strstr(result, "# SKIP") ? UT_EXIT_SKIP : UT_EXIT_PASS;
	}
	free_lines(&d);
	free_lines(&con);
	return rc;
}
