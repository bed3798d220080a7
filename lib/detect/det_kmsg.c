// SPDX-License-Identifier: GPL-2.0
/*
 * det_kmsg.c - the kernel log since the scenario's marker: crash, hang and
 * leak records become findings, and every kernel line is kept as evidence.
 */
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "kmsg.h"
#include "kreport.h"

#define KMSG_KEEP	500	/* kernel records kept as evidence */
#define SUMMARY_MAX	4	/* KASAN and lockdep reports summed up */

static void *kmsg_before(struct ut_det_ctx *c)
{
	struct ut_kmsg *k = calloc(1, sizeof(*k));

	if (!k || ut_kmsg_open(k)) {
		free(k);
		ut_finding_add(&c->r->findings, UT_PASS,
			       "/dev/kmsg unreadable: kernel log not checked");
		return NULL;
	}
	ut_kmsg_mark("start %s seed=%llu", c->sc->name, (unsigned long long)c->r->seed);
	return k;
}

static void on_record(const struct ut_kmsg_rec *rec, enum ut_kmsg_class cls,
		      const char *why, void *arg)
{
	static const enum ut_verdict kind[] = {
		[UT_KM_CRASH] = UT_CRASH, [UT_KM_HANG] = UT_HANG, [UT_KM_LEAK] = UT_LEAK,
	};
	struct ut_det_ctx *c = arg;
	int pid;

	/* Evidence: kernel records and ours, not drop_caches notes (runner, reclaim op). */
	if ((rec->facility == 0 || strstr(rec->msg, "undertow")) &&
	    !strstr(rec->msg, "): drop_caches: ") && json_array_size(c->kmsg) < KMSG_KEEP)
		json_array_append_new(c->kmsg, json_stringn(rec->msg, rec->len));
	if (cls == UT_KM_NONE)
		return;
	if (!c->kmsg_first_bad && json_array_size(c->kmsg))
		c->kmsg_first_bad = json_array_size(c->kmsg);
	pid = ut_kmsg_task_pid(rec);
	if (pid > 0 && !ut_det_is_ours(c, pid)) {
		ut_finding_add(&c->r->findings, UT_PASS, "kernel: %.*s [not an undertow task]",
			       (int)rec->len, rec->msg);
		return;
	}
	ut_finding_add(&c->r->findings, kind[cls], "kernel: %.*s [%s]",
		       (int)rec->len, rec->msg, why);
}

/* One crash finding per KASAN or lockdep report: what, where, the chain. */
static void summarize(struct ut_det_ctx *c)
{
	char line[1024];
	int n = 0;

	for (size_t i = 0; i < json_array_size(c->kmsg) && n < SUMMARY_MAX; i++)
		if (ut_kreport_summary(c->kmsg, i, line, sizeof(line))) {
			ut_finding_add(&c->r->findings, UT_CRASH, "%s", line);
			n++;
		}
}

static void kmsg_after(struct ut_det_ctx *c, void *state)
{
	struct ut_kmsg *k = state;

	if (!k)
		return;
	if (ut_kmsg_drain(k, on_record, c) < 0)
		ut_finding_add(&c->r->findings, UT_PASS, "kernel log unreadable");
	summarize(c);
	/* a report the emulator made is a skip, and the run is done again (run.c) */
	if (ut_kreport_emulated_findings(c->kmsg, &c->r->findings))
		c->r->emulator_fault = true;
	if (k->lost)
		ut_finding_add(&c->r->findings, UT_PASS,
			       "kernel log overwritten: %d records lost", k->lost);
	ut_kmsg_close(k);
	free(k);
}

const struct ut_detector ut_det_kmsg = {
	.name = "kmsg", .side = UT_DET_SUPERVISOR,
	.before = kmsg_before, .after = kmsg_after,
};
