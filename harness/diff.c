// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - what changed between two runs, per variant (matched by file
 * stem) and per op of the workers and of the mutators.  A patch shows its
 * effect here: ESTALE vanishing from unlinkat, say.  Random variation
 * between runs is kept out by the noise rule in diff.h.  The runs come
 * from the typed reader, whose histograms are sorted by name: ops and
 * return codes of A and B are merged in one pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "verdict.h"

static const char *const kind_names[UT_CH_NKINDS] = {
	[UT_CH_WORSE] = "worse", [UT_CH_BETTER] = "better",
	[UT_CH_VERDICT] = "verdict changed",
	[UT_CH_ONLY_A] = "only in A", [UT_CH_ONLY_B] = "only in B",
	[UT_CH_OP_ONLY_A] = "op only in A", [UT_CH_OP_ONLY_B] = "op only in B",
	[UT_CH_APPEARED] = "appeared", [UT_CH_VANISHED] = "vanished",
	[UT_CH_SHIFTED] = "shifted",
	[UT_CH_FN_GAINED] = "function gained", [UT_CH_FN_LOST] = "function lost",
	[UT_CH_LINE_GAINED] = "line gained", [UT_CH_LINE_LOST] = "line lost",
};

const char *ut_change_name(enum ut_change_kind k)
{
	return k < UT_CH_NKINDS ? kind_names[k] : "?";
}

/* sqrt(x) for x >= 0 without libm, which undertow does not link. */
static double root(double x)
{
	double r = x > 1 ? x : 1;

	if (x <= 0)
		return 0;
	/* Newton from above decreases monotonically to the root. */
	for (int i = 0; i < 2000; i++) {
		double next = (r + x / r) / 2;

		if (next >= r)
			break;
		r = next;
	}
	return r;
}

bool ut_diff_shifted(uint64_t na, uint64_t ca, uint64_t nb, uint64_t cb, double *z)
{
	double pa, pb, p, var, d;

	*z = 0;
	if (!ca || !cb)
		return false;
	pa = (double)na / ca;
	pb = (double)nb / cb;
	d = pb - pa;
	/* Pooled share under "nothing changed", and the variance of pB - pA. */
	p = ((double)na + nb) / ((double)ca + cb);
	var = p * (1 - p) * (1.0 / ca + 1.0 / cb);
	if (var <= 0)
		return false;	/* both 0% or both 100% */
	*z = d / root(var);
	return (d > UT_DIFF_MIN_SHARE || d < -UT_DIFF_MIN_SHARE) &&
	       d * d > UT_DIFF_MIN_Z * UT_DIFF_MIN_Z * var;
}

int ut_diff_add(struct ut_diff *d, const struct ut_change *c)
{
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		struct ut_change *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = *c;
	d->count[c->kind]++;
	return 0;
}

/* strcmp for a merge of two sorted lists: NULL (list ended) sorts last. */
static int order(const char *a, const char *b)
{
	if (!a || !b)
		return a ? -1 : b ? 1 : 0;
	return strcmp(a, b);
}

/* A return code line when its count moved: appeared, vanished or shifted. */
static int diff_code(struct ut_diff *d, struct ut_change *c)
{
	/* A code new or gone is that, however large its share was. */
	if (ut_diff_shifted(c->na, c->ca, c->nb, c->cb, &c->z) && c->na && c->nb)
		c->kind = UT_CH_SHIFTED;
	else if (!c->na && c->nb)
		c->kind = UT_CH_APPEARED;
	else if (c->na && !c->nb)
		c->kind = UT_CH_VANISHED;
	else
		return 0;
	return ut_diff_add(d, c);
}

/* One op in A and B (either NULL when not called); codes merged by name. */
static int diff_op(struct ut_diff *d, struct ut_change *c, const struct ut_op_rec *oa,
		   const struct ut_op_rec *ob)
{
	int i = 0, j = 0, err = 0;

	c->ca = oa ? oa->calls : 0;
	c->cb = ob ? ob->calls : 0;
	if (!c->ca && !c->cb)
		return 0;
	if (!c->ca || !c->cb) {
		c->kind = c->ca ? UT_CH_OP_ONLY_A : UT_CH_OP_ONLY_B;
		return ut_diff_add(d, c);
	}
	while (!err && (i < oa->nrc || j < ob->nrc)) {
		const struct ut_rc_rec *ra = i < oa->nrc ? &oa->rc[i] : NULL;
		const struct ut_rc_rec *rb = j < ob->nrc ? &ob->rc[j] : NULL;
		int o = order(ra ? ra->name : NULL, rb ? rb->name : NULL);

		c->ret = o <= 0 ? ra->name : rb->name;
		c->na = o <= 0 ? ra->n : 0;
		c->nb = o >= 0 ? rb->n : 0;
		i += o <= 0;
		j += o >= 0;
		err = diff_code(d, c);
	}
	return err;
}

/* The ops (or mutations) of one variant in A and B, merged by name. */
static int diff_role(struct ut_diff *d, const char *file, const char *role,
		     const struct ut_hist_rec *ha, const struct ut_hist_rec *hb)
{
	int i = 0, j = 0, err = 0;

	while (!err && (i < ha->n || j < hb->n)) {
		const struct ut_op_rec *oa = i < ha->n ? &ha->op[i] : NULL;
		const struct ut_op_rec *ob = j < hb->n ? &hb->op[j] : NULL;
		int o = order(oa ? oa->name : NULL, ob ? ob->name : NULL);
		struct ut_change c = { .file = file, .role = role,
				       .op = o <= 0 ? oa->name : ob->name };

		i += o <= 0;
		j += o >= 0;
		err = diff_op(d, &c, o <= 0 ? oa : NULL, o >= 0 ? ob : NULL);
	}
	return err;
}

static int diff_verdict(struct ut_diff *d, const struct ut_run_var *a,
			const struct ut_run_var *b)
{
	struct ut_change c = { .file = a->file, .va = a->verdict, .vb = b->verdict };
	int ra = ut_verdict_of(a->verdict), rb = ut_verdict_of(b->verdict);

	if (!strcmp(a->verdict, b->verdict))
		return 0;
	/* Verdicts are ordered by severity: skip < pass < fail < ... < crash. */
	c.kind = ra < 0 || rb < 0 ? UT_CH_VERDICT : rb > ra ? UT_CH_WORSE : UT_CH_BETTER;
	return ut_diff_add(d, &c);
}

int ut_diff_runs(const struct ut_run_rec *a, const struct ut_run_rec *b, struct ut_diff *d)
{
	int err = 0;

	memset(d, 0, sizeof(*d));
	for (int i = 0; i < a->n && !err; i++) {
		const struct ut_run_var *va = &a->v[i], *vb = ut_run_find(b, va->file);
		struct ut_change only = { .kind = UT_CH_ONLY_A, .file = va->file,
					  .va = va->verdict };

		if (!vb) {
			err = ut_diff_add(d, &only);
			continue;
		}
		err = diff_verdict(d, va, vb);
		/* A missing result file has no ops to compare. */
		if (err || !va->have_res || !vb->have_res)
			continue;
		err = diff_role(d, va->file, "workers", &va->res.ops, &vb->res.ops);
		if (!err)
			err = diff_role(d, va->file, "mutators", &va->res.muts, &vb->res.muts);
	}
	for (int i = 0; i < b->n && !err; i++) {
		struct ut_change only = { .kind = UT_CH_ONLY_B, .file = b->v[i].file,
					  .vb = b->v[i].verdict };

		if (!ut_run_find(a, b->v[i].file))
			err = ut_diff_add(d, &only);
	}
	return err ? err : ut_diff_coverage(a, b, d);
}

void ut_diff_free(struct ut_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

