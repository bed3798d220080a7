// SPDX-License-Identifier: GPL-2.0
/*
 * vmcollect.c - the host side of a VM run: unframe the results files the
 * guest streamed over its serial line, and when the guest died (panic),
 * went silent (hang) or powered off with its run incomplete (undertow
 * itself died in the guest), record the variant that was running as crash
 * or hang with the console's last lines as evidence.
 *
 *   undertow vm-collect DATA_LOG CONSOLE_LOG RESULTS_DIR ok|panic|hang
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <jansson.h>

#include "base64.h"
#include "cli.h"
#include "ktap.h"
#include "results.h"
#include "run_read.h"
#include "stream.h"
#include "vmcollect.h"

#define EXCERPT_LINES	80	/* console lines kept as evidence */
#define MAX_LINE	65536

struct collect {
	char dir[PATH_MAX];	/* results/<run-id> */
	json_t *run;		/* the last run.json the guest sent */
	int64_t seed;		/* its seed, -1 when it has none */
	char *ktap;		/* KTAP lines seen, in order */
	size_t ktap_len;
	char started[256];	/* last "# start X" without its result yet */
	int results;		/* "ok"/"not ok" lines seen */
	int plan;
	int pass, fail, skip;
};

static void add_ktap(struct collect *c, const char *line)
{
	size_t n = strlen(line);
	char *p = realloc(c->ktap, c->ktap_len + n + 1);

	if (!p)
		return;
	memcpy(p + c->ktap_len, line, n + 1);
	c->ktap = p;
	c->ktap_len += n;
	if (n && line[n - 1] != '\n')
		add_ktap(c, "\n");
}

/* A KTAP line from the guest: remember the plan, results and what runs. */
static void ktap_line(struct collect *c, const char *line)
{
	int n;

	if (sscanf(line, "1..%d", &c->plan) == 1 || !strncmp(line, "KTAP version", 12) ||
	    !strncmp(line, "# Totals", 8))
		return;		/* re-emitted by us, with the dead variant counted */
	if (!strncmp(line, "# start ", 8)) {
		snprintf(c->started, sizeof(c->started), "%.*s", (int)strcspn(line + 8, "\n"),
			 line + 8);
	} else if (sscanf(line, "ok %d", &n) == 1 || sscanf(line, "not ok %d", &n) == 1) {
		c->results++;
		c->started[0] = '\0';
		if (!strncmp(line, "not ok", 6))
			c->fail++;
		else if (strstr(line, "# SKIP"))
			c->skip++;
		else
			c->pass++;
	}
	add_ktap(c, line);
}

/* The run directory, from the first run.json frame; the frame is checked. */
static int ensure_dir(struct collect *c, const char *results, const unsigned char *buf, size_t n)
{
	struct ut_run_rec rec;
	char why[512];
	int err = ut_run_parse((const char *)buf, n, "run.json", &rec, why, sizeof(why));

	if (!err && !rec.run_id) {
		snprintf(why, sizeof(why), "run.json: no run_id");
		ut_run_free(&rec);
		err = -EINVAL;
	}
	if (err) {
		fprintf(stderr, "undertow: vm-collect: %s\n", why);
		return err;
	}
	json_decref(c->run);
	c->run = json_incref(rec.doc);
	c->seed = rec.seed;
	if (!c->dir[0]) {
		snprintf(c->dir, sizeof(c->dir), "%s/%s", results, rec.run_id);
		err = ut_mkdir_p(c->dir);
		if (!err)
			ut_point_latest(results, rec.run_id);
	}
	ut_run_free(&rec);
	return err;
}

/* One frame, decoded; it goes to the run directory of the first run.json. */
static int frame(struct collect *c, FILE *in, const char *head, const char *results)
{
	char name[256];
	unsigned char *buf;
	size_t n;
	int err = ut_stream_read_frame(in, head, name, sizeof(name), &buf, &n);

	if (!err && !strcmp(name, "run.json"))
		err = ensure_dir(c, results, buf, n);
	if (!err && !c->dir[0])
		err = -ENOENT;	/* files before the first run.json: nowhere to go */
	if (!err)
		err = ut_stream_put(c->dir, name, buf, n);
	free(buf);
	return err;
}

static void read_data(struct collect *c, const char *data, const char *results)
{
	FILE *in = fopen(data, "re");
	char *line = malloc(MAX_LINE);

	while (in && line && fgets(line, MAX_LINE, in)) {
		line[strcspn(line, "\r\n")] = '\0';	/* serial lines end \r\n */
		if (!strncmp(line, UT_FRAME_BEGIN, strlen(UT_FRAME_BEGIN))) {
			int err = frame(c, in, line, results);

			if (err)
				fprintf(stderr, "undertow: vm-collect: a frame in %s: %s\n", data,
					strerror(-err));
		} else if (!strncmp(line, "ok ", 3) || !strncmp(line, "not ok ", 7) ||
			   line[0] == '#' || !strncmp(line, "KTAP", 4) || !strncmp(line, "1..", 3)) {
			ktap_line(c, line);
		}
	}
	if (in)
		fclose(in);
	free(line);
}

/* The console's last lines: what the kernel said as it died. */
static char *excerpt(const char *console)
{
	FILE *f = fopen(console, "re");
	char *ring[EXCERPT_LINES] = { 0 }, line[1026], *out = NULL;
	size_t len = 0;
	FILE *m;
	int n = 0;

	while (f && fgets(line, sizeof(line) - 1, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		strcat(line, "\n");
		free(ring[n % EXCERPT_LINES]);
		ring[n++ % EXCERPT_LINES] = strdup(line);
	}
	if (f)
		fclose(f);
	m = open_memstream(&out, &len);
	for (int i = n > EXCERPT_LINES ? n - EXCERPT_LINES : 0; m && i < n; i++)
		fputs(ring[i % EXCERPT_LINES] ? ring[i % EXCERPT_LINES] : "", m);
	if (m)
		fclose(m);
	for (int i = 0; i < EXCERPT_LINES; i++)
		free(ring[i]);
	return out;
}

/* The variant that was running when the guest or its undertow died. */
static void record_dead(struct collect *c, enum ut_verdict v, const char *why,
			const char *console)
{
	char *ev = excerpt(console), *at = strchr(c->started, '@');
	char name[256], path[PATH_MAX + 300], line[512];
	json_t *j;

	snprintf(name, sizeof(name), "%.*s", at ? (int)(at - c->started) : (int)strlen(c->started),
		 c->started);
	j = json_pack("{s:s, s:s, s:s, s:s, s:f, s:{}, s:{}, s:[{s:s, s:s}]}",
		      "name", name, "variant", at ? at + 1 : "tmpfs",
		      "verdict", ut_verdict_name(v), "reason", why, "duration_s", 0.0,
		      "ops", "mutations", "findings", "kind", ut_verdict_name(v),
		      "detail", ev ? ev : "");
	if (j && c->seed >= 0)
		json_object_set_new(j, "seed", json_integer(c->seed));
	snprintf(path, sizeof(path), "%s/%s.json", c->dir, c->started);
	/* The name came from the guest: it must stay a file of the run directory. */
	if (!j || !ut_result_stem_ok(c->started) || ut_json_write_atomic(path, j))
		fprintf(stderr, "undertow: vm-collect: writing %s failed\n", path);
	else
		ut_run_row_add(c->run, c->started, name, at ? at + 1 : "tmpfs", v, 0.0);
	json_decref(j);
	c->results++;
	c->fail++;
	ut_ktap_line(line, sizeof(line), c->results, c->started, v, why);
	add_ktap(c, line);
	free(ev);
}

static void finish_run(struct collect *c, bool dead)
{
	char path[PATH_MAX + 16];

	if (dead)
		json_object_set_new(c->run, "complete", json_false());
	snprintf(path, sizeof(path), "%s/run.json", c->dir);
	if (ut_json_write_atomic(path, c->run))
		fprintf(stderr, "undertow: vm-collect: writing %s failed\n", path);
}

int ut_vm_collect(int argc, char **argv)
{
	struct collect c = { 0 };
	const char *how;
	bool dead;

	if (argc != 6 || (strcmp(argv[5], "ok") && strcmp(argv[5], "panic") &&
			  strcmp(argv[5], "hang"))) {
		fprintf(stderr, "undertow: usage: undertow vm-collect DATA_LOG CONSOLE_LOG "
			"RESULTS_DIR ok|panic|hang\n");
		return UT_EXIT_USAGE;
	}
	how = argv[5];
	read_data(&c, argv[2], argv[4]);
	/* A guest that powered off with its run incomplete lost its undertow. */
	if (c.run && !strcmp(how, "ok") && !json_is_true(json_object_get(c.run, "complete")))
		how = "died";
	if (!c.run) {
		char *ev = excerpt(argv[3]);

		fprintf(stderr, "undertow: the guest sent no results (%s); console ends:\n%s",
			how, ev ? ev : "");
		free(ev);
		return UT_EXIT_FAIL;
	}
	dead = strcmp(how, "ok") != 0;
	if (dead && c.started[0])
		record_dead(&c, !strcmp(how, "hang") ? UT_HANG : UT_CRASH,
			    !strcmp(how, "panic") ? "the guest kernel panicked while this ran" :
			    !strcmp(how, "hang") ? "the guest stopped producing output while this ran" :
			    "undertow died in the guest while this ran (no complete run.json)",
			    argv[3]);
	finish_run(&c, dead);
	ut_ktap_header(stdout, c.plan ? c.plan : c.results);
	fputs(c.ktap ? c.ktap : "", stdout);
	if (dead)
		printf("Bail out! %s\n", !strcmp(how, "panic") ? "the guest panicked" :
		       !strcmp(how, "hang") ? "the guest hung" : "undertow died in the guest");
	ut_ktap_totals(stdout, c.pass, c.fail, c.skip);
	free(c.ktap);
	json_decref(c.run);
	if (c.fail || dead)
		return UT_EXIT_FAIL;
	return c.skip == c.results ? UT_EXIT_SKIP : UT_EXIT_PASS;
}
