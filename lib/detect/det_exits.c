// SPDX-License-Identifier: GPL-2.0
/*
 * det_exits.c - how the runner and every worker and mutator ended.  A
 * process killed by a signal we did not send is a crash (a leak when the
 * kernel reported busy inodes first); one stuck past its bound is a hang.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "detector.h"
#include "trace.h"
#include "watchdog.h"

#define KERNEL_LINES	40	/* kernel records quoted in a runner's death */

/* Did the kernel report a leak (busy inodes, dentry still in use)? */
static bool kernel_leaked(const struct ut_det_ctx *c)
{
	for (int i = 0; i < c->r->findings.n; i++)
		if (c->r->findings.v[i].kind == UT_LEAK &&
		    !strncmp(c->r->findings.v[i].detail, "kernel: ", 8))
			return true;
	return false;
}

/* From the kernel's first bad record (the BUG line, the RIP), else the last lines. */
static char *kernel_lines(const struct ut_det_ctx *c)
{
	size_t n = json_array_size(c->kmsg), from = n > KERNEL_LINES ? n - KERNEL_LINES : 0;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (c->kmsg_first_bad)
		from = c->kmsg_first_bad - 1;
	for (size_t i = from; f && i < n && i < from + KERNEL_LINES; i++)
		fprintf(f, "\n  %s", json_string_value(json_array_get(c->kmsg, i)));
	if (f)
		fclose(f);
	return out;
}

static void judge_runner(struct ut_det_ctx *c, const struct ut_runner_fate *f)
{
	char *k;

	if (f->stuck)
		ut_finding_add(&c->r->findings, UT_HANG,
			       "runner (pid %d) stuck in step %s for %.1f s\n%s", (int)f->pid,
			       f->step, f->step_s, f->stack);
	if (f->abandoned) {
		ut_finding_add(&c->r->findings, UT_HANG,
			       "runner (pid %d) abandoned in step %s: state %c after SIGKILL",
			       (int)f->pid, f->step, f->state);
		return;
	}
	if (!f->reaped || f->killed_by_us)
		return;
	if (WIFSIGNALED(f->status)) {
		k = kernel_lines(c);
		ut_finding_add(&c->r->findings, kernel_leaked(c) ? UT_LEAK : UT_CRASH,
			       "runner (pid %d) killed by signal %d (%s) in step %s\nkernel:%s",
			       (int)f->pid, WTERMSIG(f->status), strsignal(WTERMSIG(f->status)),
			       f->step, k && *k ? k : " (nothing logged)");
		free(k);
	} else if (WEXITSTATUS(f->status)) {
		ut_finding_add(&c->r->findings, UT_BROKEN, "runner (pid %d) exited %d in step %s",
			       (int)f->pid, WEXITSTATUS(f->status), f->step);
	}
}

static void judge_proc(struct ut_det_ctx *c, int i)
{
	const struct ut_exit *x = &c->e->ex[i];
	const struct ut_proc *p = &c->e->sh->proc[i];
	char who[64], *ops;

	ut_proc_name(c->e, i, who, sizeof(who));
	if (!x->reaped) {
		ut_finding_add(&c->r->findings, UT_HANG, "%s unkillable: state %c after SIGKILL",
			       who, ut_task_state(p->pid));
	} else if (WIFSIGNALED(x->status) && !x->killed_by_us) {
		ops = ut_trace_last_text(c->e, i, 8);
		ut_finding_add(&c->r->findings, UT_CRASH, "%s killed by signal %d (%s)\nlast ops:%s",
			       who, WTERMSIG(x->status), strsignal(WTERMSIG(x->status)),
			       ops ? ops : "");
		free(ops);
	} else if (WIFEXITED(x->status) && WEXITSTATUS(x->status)) {
		ut_finding_add(&c->r->findings, UT_BROKEN, "%s exited %d: set-up %s",
			       who, WEXITSTATUS(x->status),
			       p->setup_err ? strerror(-p->setup_err) : "failed");
	}
}

static void exits_after(struct ut_det_ctx *c, void *state)
{
	(void)state;
	if (c->runner)
		judge_runner(c, c->runner);
	/* A runner that died took its processes along (PDEATHSIG), unreaped. */
	if (!c->e->sh || (c->runner && !c->runner->procs_reaped))
		return;
	for (int i = 0; i < c->e->sh->nproc; i++)
		if (c->e->sh->proc[i].pid > 0)
			judge_proc(c, i);
}

const struct ut_detector ut_det_exits = {
	.name = "exits", .side = UT_DET_SUPERVISOR, .after = exits_after,
};
