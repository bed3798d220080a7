/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opstep.h - one op of a process, counted: its trace ring entry, the call,
 * its return's histogram bucket, its reach, the heartbeat.  The engine's
 * weighted loop and --race's paired loop (race.c) both step through here,
 * inlined, so the weighted loop pays no call for it.
 */
#ifndef UT_OPSTEP_H
#define UT_OPSTEP_H

#include "engine.h"

static inline __attribute__((always_inline))
int ut_op_step(struct ut_proc *p, struct ut_ctx *c, int k)
{
	const struct ut_op *op = &c->ops[k];
	uint64_t seq = p->seq;
	struct ut_trace *te = &p->ring[seq % UT_RING];
	int ret, b;

	te->op = k;
	te->held = -1;
	te->a = te->b = NULL;
	te->ret = UT_PENDING;
	c->te = te;
	c->reached = -1;
	ret = op->fn(c, op);
	te->ret = ret;
	b = ut_bucket_of(ret);
	p->hist[k][b]++;
	p->reached[k] += ut_op_effective(c, op, ret);
	if (__builtin_expect(b == UT_BUCKET_OTHER, 0))
		p->other[k] = ret;	/* not an errno we know: keep the value */
	if (__builtin_expect(seq < UT_RING, 0))
		p->first[seq] = *te;
	__atomic_store_n(&p->seq, seq + 1, __ATOMIC_RELEASE);
	return ret;
}

#endif
