// SPDX-License-Identifier: GPL-2.0
/*
 * repro_restore.c - a minimised script whose ops use up their names (an
 * unlink, a rmdir, a rename away) races once per fresh overlay, then only
 * meets ENOENT: too few iterations for --race's sweep to find an offset.
 * Each such step gets, right after it, the op of the same role and layer
 * that brings the name back (creat, mkdir, the rename back), when the
 * scenario has one whose pool holds the name: every iteration can race.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "ops.h"
#include "repro.h"
#include "script.h"

/* A consuming op and its undo; rename's undo is itself, names swapped. */
static const struct {
	ut_op_fn fn, undo;
} undo_of[] = {
	{ ut_op_unlink, ut_op_creat },
	{ ut_op_rmdir, ut_op_mkdir },
	{ ut_op_whiteout, ut_op_unwhiteout },
	{ ut_op_unwhiteout, ut_op_whiteout },
	{ ut_op_rmtree, ut_op_recreate },
	{ ut_op_rename, ut_op_rename },
};

static ut_op_fn undo_fn(const struct ut_op *op)
{
	for (size_t i = 0; i < sizeof(undo_of) / sizeof(undo_of[0]); i++)
		if (undo_of[i].fn == op->fn)
			/* An exchange undoes itself each time; a whiteout rename leaves one. */
			return op->fn == ut_op_rename && op->arg & ~(long)RENAME_NOREPLACE ?
			       NULL : undo_of[i].undo;
	return NULL;
}

/* The undo step of @st as a script line in @line; false when there is none. */
static bool undo_line(const struct ut_scenario *sc, int role, const struct ut_sstep *st,
		      char *line, size_t sz)
{
	const struct ut_op *ops = ut_role_ops(sc, role), *op = &ops[st->op];
	ut_op_fn fn = undo_fn(op);
	const char *a = st->a, *b = NULL;

	if (!fn || !st->a)
		return false;
	if (fn == ut_op_rename) {
		if (!st->b)
			return false;
		a = st->b, b = st->a;
	}
	for (int k = 0; k < ut_nops(ops); k++) {
		const struct ut_op *u = &ops[k];

		if (u->fn != fn || u->at != op->at || (fn == ut_op_rename && u != op))
			continue;
		if (snprintf(line, sz, "%s %s%s%s", u->name, a, b ? " " : "", b ? b : "") >= (int)sz)
			return false;
		if (st->held >= 0)
			snprintf(line + strlen(line), sz - strlen(line), " @held%d", st->held);
		return true;
	}
	return false;
}

int ut_repro_restoring(const struct ut_scenario *sc, const struct ut_script *s,
		       struct ut_script *out)
{
	char line[512], why[256];
	int added = 0;

	for (int i = 0; i < s->nproc; i++) {
		const struct ut_script_proc *p = &s->p[i];

		for (int k = 0; k < p->n; k++) {
			char step[512];

			ut_script_step_line(sc, p->role, &p->steps[k], step, sizeof(step));
			if (ut_script_add(out, sc, p->role, p->idx, step, why, sizeof(why)))
				return -1;
			/* A name not in the undo op's pool: no undo (the line would not parse). */
			if (undo_line(sc, p->role, &p->steps[k], line, sizeof(line)) &&
			    !ut_script_add(out, sc, p->role, p->idx, line, why, sizeof(why)))
				added++;
		}
	}
	return added;
}
