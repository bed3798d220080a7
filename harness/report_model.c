// SPDX-License-Identifier: GPL-2.0
/* report_model.c - the report page's content, from the typed results. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_model.h"

static int add_code(struct ut_rpt *m, const char *name, uint64_t n, int *cap)
{
	for (int i = 0; i < m->ncodes; i++)
		if (!strcmp(m->codes[i].name, name)) {
			m->codes[i].n += n;
			return 0;
		}
	if (m->ncodes == *cap) {
		int c = *cap ? *cap * 2 : 32;
		struct ut_rpt_code *v = realloc(m->codes, c * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->codes = v;
		*cap = c;
	}
	m->codes[m->ncodes++] = (struct ut_rpt_code){ name, n };
	return 0;
}

/* OK first, then the most frequent, then by name: the legend's and every bar's order. */
static int by_legend(const void *a, const void *b)
{
	const struct ut_rpt_code *x = a, *y = b;
	int ok_x = !strcmp(x->name, "OK"), ok_y = !strcmp(y->name, "OK");

	if (ok_x != ok_y)
		return ok_y - ok_x;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int hist_codes(struct ut_rpt *m, const struct ut_hist_rec *h, int *cap)
{
	for (int i = 0; i < h->n; i++)
		for (int k = 0; k < h->op[i].nrc; k++)
			if (add_code(m, h->op[i].rc[k].name, h->op[i].rc[k].n, cap))
				return -ENOMEM;
	return 0;
}

/* Every return code on the page: legend and bar order. */
static int collect_codes(struct ut_rpt *m)
{
	int cap = 0;

	for (int r = 0; r < m->nrun; r++)
		for (int i = 0; i < m->run[r].n; i++) {
			const struct ut_run_var *v = &m->run[r].v[i];

			if (hist_codes(m, &v->res.ops, &cap) || hist_codes(m, &v->res.muts, &cap))
				return -ENOMEM;
		}
	if (m->ncodes)
		qsort(m->codes, m->ncodes, sizeof(*m->codes), by_legend);
	return 0;
}

static int code_index(const struct ut_rpt *m, const char *name)
{
	for (int i = 0; i < m->ncodes; i++)
		if (!strcmp(m->codes[i].name, name))
			return i;
	return -1;	/* never: every code was collected */
}

/* Add @op's returns to @b (an op's bar, or the sum of all ops). */
static int bar_add(const struct ut_rpt *m, struct ut_rpt_bar *b, const struct ut_op_rec *op)
{
	if (!b->n && !(b->n = calloc(m->ncodes + 1, sizeof(*b->n))))
		return -ENOMEM;
	b->shown = true;
	if (!op)
		return 0;
	b->calls += op->calls;
	for (int k = 0; k < op->nrc; k++) {
		int c = code_index(m, op->rc[k].name);

		if (c >= 0)
			b->n[c] += op->rc[k].n;
	}
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Both runs' op names of one role, sorted, each once. */
static int role_ops(struct ut_rpt_role *ro, const struct ut_hist_rec *h[2])
{
	int max = (h[0] ? h[0]->n : 0) + (h[1] ? h[1]->n : 0), n = 0;

	ro->ops = calloc(max + 1, sizeof(*ro->ops));
	if (!ro->ops)
		return -ENOMEM;
	for (int r = 0; r < 2; r++)
		for (int i = 0; h[r] && i < h[r]->n; i++)
			ro->ops[n++] = h[r]->op[i].name;
	qsort(ro->ops, n, sizeof(*ro->ops), by_str);
	for (int i = 0; i < n; i++)
		if (!ro->nops || strcmp(ro->ops[ro->nops - 1], ro->ops[i]))
			ro->ops[ro->nops++] = ro->ops[i];
	return 0;
}

/* The all-ops bar and one bar per op, per run that has a result here. */
static int build_role(const struct ut_rpt *m, struct ut_rpt_var *mv, int k)
{
	struct ut_rpt_role *ro = &mv->role[k];
	const struct ut_hist_rec *h[2] = { NULL, NULL };

	ro->role = k ? "mutators" : "workers";
	for (int r = 0; r < m->nrun; r++)
		if (mv->v[r] && mv->v[r]->have_res)
			h[r] = k ? &mv->v[r]->res.muts : &mv->v[r]->res.ops;
	if (role_ops(ro, h))
		return -ENOMEM;
	for (int r = 0; r < m->nrun; r++) {
		ro->op[r] = calloc(ro->nops + 1, sizeof(*ro->op[r]));
		if (!ro->op[r] || (h[r] && bar_add(m, &ro->total[r], NULL)))
			return -ENOMEM;
		for (int i = 0; h[r] && i < h[r]->n; i++)
			if (bar_add(m, &ro->total[r], &h[r]->op[i]))
				return -ENOMEM;
		for (int i = 0; h[r] && i < ro->nops; i++) {
			const struct ut_op_rec *op = ut_hist_find(h[r], ro->ops[i]);

			if (op && bar_add(m, &ro->op[r][i], op))
				return -ENOMEM;
		}
	}
	return 0;
}

static int build_var(struct ut_rpt *m, const char *file)
{
	struct ut_rpt_var *mv = &m->var[m->nvar++];

	mv->file = file;
	for (int r = 0; r < m->nrun; r++) {
		mv->v[r] = ut_run_find(&m->run[r], file);
		if (!mv->any)
			mv->any = mv->v[r];
	}
	for (int i = 0; i < m->diff.n; i++)
		mv->nchanges += !strcmp(m->diff.v[i].file, file);
	return build_role(m, mv, 0) || build_role(m, mv, 1) ? -ENOMEM : 0;
}

/* Variants: A's order, then those only in B. */
static int collect_vars(struct ut_rpt *m)
{
	int max = m->run[0].n + (m->nrun > 1 ? m->run[1].n : 0);

	m->var = calloc(max + 1, sizeof(*m->var));
	if (!m->var)
		return -ENOMEM;
	for (int r = 0; r < m->nrun; r++)
		for (int i = 0; i < m->run[r].n; i++)
			if ((!r || !ut_run_find(&m->run[0], m->run[r].v[i].file)) &&
			    build_var(m, m->run[r].v[i].file))
				return -ENOMEM;
	return 0;
}

static void count_verdicts(struct ut_rpt *m)
{
	for (int r = 0; r < m->nrun; r++)
		for (int i = 0; i < m->run[r].n; i++) {
			int k = ut_verdict_of(m->run[r].v[i].verdict);

			if (k >= 0)
				m->verdicts[r][k]++;
		}
}

/*
 * The block map vm.sh keeps beside a run of an instrumented overlay.ko
 * (blocks.map), B's before A's.  None is no error: the shares still show.
 */
static int load_map(struct ut_rpt *m, char *why, size_t sz)
{
	for (int r = m->nrun - 1; r >= 0; r--) {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/blocks.map", m->run[r].dir);
		if (!m->cov[r].blk.status || access(path, F_OK))
			continue;
		if (ut_bmap_load(path, &m->map, why, sz))
			return -1;
		m->have_map = true;
		return 0;
	}
	return 0;
}

int ut_rpt_build(struct ut_rpt *m, const char *const *dirs, int n, char *why, size_t sz)
{
	memset(m, 0, sizeof(*m));
	for (m->nrun = 0; m->nrun < n && m->nrun < 2; m->nrun++)
		if (ut_run_read(dirs[m->nrun], &m->run[m->nrun], why, sz))
			return -1;
	if ((m->nrun > 1 && ut_diff_runs(&m->run[0], &m->run[1], &m->diff)) ||
	    collect_codes(m) || collect_vars(m) || ut_run_coverage(&m->run[0], &m->cov[0]) ||
	    (m->nrun > 1 && ut_run_coverage(&m->run[1], &m->cov[1]))) {
		snprintf(why, sz, "report: out of memory");
		return -1;
	}
	count_verdicts(m);
	return load_map(m, why, sz);
}

static void role_free(struct ut_rpt_role *ro)
{
	for (int r = 0; r < 2; r++) {
		for (int i = 0; ro->op[r] && i < ro->nops; i++)
			free(ro->op[r][i].n);
		free(ro->op[r]);
		free(ro->total[r].n);
	}
	free(ro->ops);
}

void ut_rpt_free(struct ut_rpt *m)
{
	for (int i = 0; i < m->nvar; i++) {
		role_free(&m->var[i].role[0]);
		role_free(&m->var[i].role[1]);
	}
	free(m->var);
	free(m->codes);
	ut_diff_free(&m->diff);
	ut_bmap_free(&m->map);
	for (int r = 0; r < 2; r++) {
		ut_cov_free(&m->cov[r]);
		ut_run_free(&m->run[r]);
	}
	memset(m, 0, sizeof(*m));
}

/* Under bar @b, code @c comes before code @d: more first, then by name. */
static bool before(const struct ut_rpt *m, const struct ut_rpt_bar *b, int c, int d)
{
	if (b->n[c] != b->n[d])
		return b->n[c] > b->n[d];
	return strcmp(m->codes[c].name, m->codes[d].name) < 0;
}

int ut_rpt_bar_order(const struct ut_rpt *m, const struct ut_rpt_bar *b, int *idx)
{
	int n = 0;

	/* Insertion sort: a page has a few dozen codes at most. */
	for (int c = 0; b->n && c < m->ncodes; c++) {
		int j;

		if (!b->n[c])
			continue;
		for (j = n++; j > 0 && before(m, b, c, idx[j - 1]); j--)
			idx[j] = idx[j - 1];
		idx[j] = c;
	}
	return n;
}
