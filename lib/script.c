// SPDX-License-Identifier: GPL-2.0
/* script.c - fixed per-process op sequences: parse, resolve, format (script.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "script.h"
#include "trace.h"

#define ERR(...) (snprintf(why, sz, __VA_ARGS__), -1)

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "undertow: %s:%d: out of memory\n", __FILE__, __LINE__);
		exit(2);
	}
	return q;
}

static struct ut_script_proc *proc_for(struct ut_script *s, int role, int idx)
{
	struct ut_script_proc *p;

	for (int i = 0; i < s->nproc; i++)
		if (s->p[i].role == role && s->p[i].idx == idx)
			return &s->p[i];
	s->p = xrealloc(s->p, (s->nproc + 1) * sizeof(*s->p));
	p = &s->p[s->nproc++];
	*p = (struct ut_script_proc){ .role = role, .idx = idx };
	return p;
}

static int op_index(const struct ut_op *ops, const char *name)
{
	for (int k = 0; k < ut_nops(ops); k++)
		if (!strcmp(ops[k].name, name))
			return k;
	return -1;
}

/* The scenario's own string for @name in the op's pool ("." for an empty pool). */
static const char *pool_string(const struct ut_scenario *sc, const struct ut_op *op,
			       const char *name)
{
	const char *const *pool = op->names ? op->names : sc->names;

	if (!pool || !pool[0])
		return strcmp(name, ".") ? NULL : ".";
	for (int i = 0; pool[i]; i++)
		if (!strcmp(pool[i], name))
			return pool[i];
	return NULL;
}

static int held_count(const struct ut_scenario *sc)
{
	int n = 0;

	while (sc->hold && sc->hold[n] && n < UT_MAX_HELD)
		n++;
	return n;
}

int ut_script_add(struct ut_script *s, const struct ut_scenario *sc, int role, int idx,
		  const char *line, char *why, size_t sz)
{
	const struct ut_op *ops = ut_role_ops(sc, role);
	struct ut_sstep st = { .op = -1, .held = -1 };
	char buf[512], *tok, *save = NULL, *eq;
	struct ut_script_proc *p;
	int nname = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	eq = strstr(buf, " = ");
	if (eq)
		*eq = '\0';
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		if (st.op < 0) {
			st.op = op_index(ops, tok);
			if (st.op < 0)
				return ERR("no %s op '%s' in %s", ut_role_name(role), tok, sc->name);
		} else if (!strncmp(tok, "@held", 5)) {
			st.held = atoi(tok + 5);
			if (ops[st.op].at != UT_AT_HELD || st.held < 0 || st.held >= held_count(sc))
				return ERR("'%s': %s holds no dirfd %s", line, ops[st.op].name, tok);
		} else {
			const char *str = pool_string(sc, &ops[st.op], tok);

			if (!str || nname == 2)
				return ERR("'%s': '%s' is not a name of %s's pool", line, tok,
					   ops[st.op].name);
			*(nname++ ? &st.b : &st.a) = str;
		}
	}
	if (st.op < 0)
		return ERR("empty step");
	p = proc_for(s, role, idx);
	p->steps = xrealloc(p->steps, (p->n + 1) * sizeof(*p->steps));
	p->steps[p->n++] = st;
	return 0;
}

/* "w3" or "m0": role and index. */
static int parse_who(const char *tok, int *role, int *idx)
{
	char *end;
	long v;

	if (tok[0] != 'w' && tok[0] != 'm')
		return -1;
	v = strtol(tok + 1, &end, 10);
	if (end == tok + 1 || *end || v < 0 || v > 4096)
		return -1;
	*role = tok[0] == 'm' ? UT_MUTATOR : UT_WORKER;
	*idx = (int)v;
	return 0;
}

int ut_script_parse(struct ut_script *s, const struct ut_scenario *sc, const char *text,
		    char *why, size_t sz)
{
	const char *l = text;
	char who[32], err[400];
	int lineno = 0;

	while (*l) {
		size_t len = strcspn(l, "\n");
		char *line = strndup(l, len);
		int role, idx, off = 0, rc = 0;

		lineno++;
		l += len + (l[len] == '\n');
		if (!line)
			return ERR("out of memory");
		if (line[strspn(line, " \t")] && line[strspn(line, " \t")] != '#') {
			if (sscanf(line, " %31s %n", who, &off) != 1 || parse_who(who, &role, &idx))
				rc = ERR("line %d: '%s' does not start with w<N> or m<N>", lineno,
					 line);
			else if (ut_script_add(s, sc, role, idx, line + off, err, sizeof(err)))
				rc = ERR("line %d: %s", lineno, err);
		}
		free(line);
		if (rc)
			return rc;
	}
	if (!ut_script_steps(s))
		return ERR("no steps");
	return 0;
}

void ut_script_step_line(const struct ut_scenario *sc, int role, const struct ut_sstep *st,
			 char *buf, size_t sz)
{
	char held[24] = "";

	if (st->held >= 0)
		snprintf(held, sizeof(held), " @held%d", st->held);
	snprintf(buf, sz, "%s%s%s%s%s%s", ut_role_ops(sc, role)[st->op].name, st->a ? " " : "",
		 st->a ? st->a : "", st->b ? " " : "", st->b ? st->b : "", held);
}

char *ut_script_format(const struct ut_script *s, const struct ut_scenario *sc)
{
	char *out = NULL, line[512];
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	if (!m)
		return NULL;
	for (int i = 0; i < s->nproc; i++) {
		const struct ut_script_proc *p = &s->p[i];

		for (int k = 0; k < p->n; k++) {
			ut_script_step_line(sc, p->role, &p->steps[k], line, sizeof(line));
			fprintf(m, "%c%d %s\n", p->role == UT_MUTATOR ? 'm' : 'w', p->idx, line);
		}
	}
	fclose(m);
	return out;
}

const struct ut_script_proc *ut_script_find(const struct ut_script *s, int role, int idx)
{
	for (int i = 0; s && i < s->nproc; i++)
		if (s->p[i].role == role && s->p[i].idx == idx && s->p[i].n)
			return &s->p[i];
	return NULL;
}

int ut_script_count(const struct ut_script *s, int role)
{
	int n = 0;

	for (int i = 0; i < s->nproc; i++)
		if (s->p[i].role == role && s->p[i].n && s->p[i].idx + 1 > n)
			n = s->p[i].idx + 1;
	return n;
}

int ut_script_steps(const struct ut_script *s)
{
	int n = 0;

	for (int i = 0; i < s->nproc; i++)
		n += s->p[i].n;
	return n;
}

void ut_script_copy(struct ut_script *dst, const struct ut_script *src)
{
	dst->nproc = src->nproc;
	dst->p = xrealloc(NULL, src->nproc * sizeof(*dst->p));
	for (int i = 0; i < src->nproc; i++) {
		dst->p[i] = src->p[i];
		dst->p[i].steps = xrealloc(NULL, src->p[i].n * sizeof(struct ut_sstep));
		memcpy(dst->p[i].steps, src->p[i].steps, src->p[i].n * sizeof(struct ut_sstep));
	}
}

void ut_script_free(struct ut_script *s)
{
	for (int i = 0; i < s->nproc; i++)
		free(s->p[i].steps);
	free(s->p);
	s->p = NULL;
	s->nproc = 0;
}
