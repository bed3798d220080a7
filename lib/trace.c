// SPDX-License-Identifier: GPL-2.0
/* trace.c - the engine's per-process trace rings, as text and JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "trace.h"

const char *ut_role_name(int role)
{
	return role == UT_MUTATOR ? "mutator" : "worker";
}

void ut_proc_name(const struct ut_engine *e, int i, char *buf, size_t sz)
{
	const struct ut_proc *p = &e->sh->proc[i];

	snprintf(buf, sz, "%s %d (pid %d)", ut_role_name(p->role), p->idx, (int)p->pid);
}

static void format_trace(const struct ut_trace *t, const struct ut_op *ops, char *buf, size_t sz)
{
	int n = snprintf(buf, sz, "%s", ops[t->op].name);

	if (t->a)
		n += snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " %s", t->a);
	if (t->b)
		n += snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " %s", t->b);
	if (t->held >= 0)
		n += snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " @held%d", t->held);
	snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " = %s",
		 t->ret == UT_PENDING ? "(running)" : t->ret >= 0 ? "OK" : ut_errname(t->ret));
}

json_t *ut_trace_last(const struct ut_engine *e, int i)
{
	const struct ut_proc *p = &e->sh->proc[i];
	const struct ut_op *ops = ut_role_ops(e->sc, p->role);
	uint64_t seq = p->seq, from = seq >= UT_RING - 1 ? seq - (UT_RING - 1) : 0;
	json_t *a = json_array();
	char buf[256];

	for (uint64_t k = from; k <= seq; k++) {
		const struct ut_trace *t = &p->ring[k % UT_RING];

		if (k == seq && t->ret != UT_PENDING)
			break;		/* between two ops */
		format_trace(t, ops, buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

json_t *ut_trace_first(const struct ut_engine *e, int i)
{
	const struct ut_proc *p = &e->sh->proc[i];
	const struct ut_op *ops = ut_role_ops(e->sc, p->role);
	json_t *a = json_array();
	char buf[256];

	for (uint64_t k = 0; k < p->seq && k < UT_RING; k++) {
		struct ut_trace t = p->first[k];

		t.ret = 0;
		format_trace(&t, ops, buf, sizeof(buf));
		*strrchr(buf, '=') = '\0';
		buf[strlen(buf) - 1] = '\0';
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

char *ut_trace_last_text(const struct ut_engine *e, int i, int n)
{
	json_t *a = ut_trace_last(e, i);
	size_t cnt = json_array_size(a), from = cnt > (size_t)n ? cnt - n : 0;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	for (size_t k = from; f && k < cnt; k++)
		fprintf(f, "\n  %s", json_string_value(json_array_get(a, k)));
	if (f)
		fclose(f);
	json_decref(a);
	return out;
}

json_t *ut_trace_procs(const struct ut_engine *e)
{
	json_t *procs = json_array();

	for (int i = 0; e->sh && i < e->sh->nproc; i++) {
		const struct ut_proc *p = &e->sh->proc[i];
		json_t *o;

		if (p->pid <= 0)
			continue;	/* never forked: the runner died first */
		o = json_pack("{s:s, s:i, s:i, s:I}", "role", ut_role_name(p->role),
			      "index", p->idx, "pid", (int)p->pid, "ops_done", (json_int_t)p->seq);
		json_object_set_new(o, "first_ops", ut_trace_first(e, i));
		json_object_set_new(o, "last_ops", ut_trace_last(e, i));
		json_array_append_new(procs, o);
	}
	return procs;
}
