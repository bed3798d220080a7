// SPDX-License-Identifier: GPL-2.0
/* blkmap.c - the block map (blkmap.h) read into a sorted table. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkmap.h"
#include "tracefs.h"

static int by_off(const void *a, const void *b)
{
	long x = ((const struct ut_bsite *)a)->off, y = ((const struct ut_bsite *)b)->off;

	return (x > y) - (x < y);
}

static int by_line(const void *a, const void *b)
{
	const struct ut_bsite *x = *(const struct ut_bsite *const *)a;
	const struct ut_bsite *y = *(const struct ut_bsite *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

/* "OFFSET FUNCTION FILE LINE", cut in place. */
static int site(char *l, struct ut_bsite *s)
{
	char *end, *fn, *file, *line;

	s->off = strtol(l, &end, 10);
	if (end == l || *end != ' ')
		return -1;
	fn = end + 1;
	if (!(file = strchr(fn, ' ')))
		return -1;
	*file++ = '\0';
	if (!(line = strchr(file, ' ')))
		return -1;
	*line++ = '\0';
	s->fn = fn;
	s->file = file;
	s->line = (int)strtol(line, &end, 10);
	return *fn && *file && end != line && !*end && s->line >= 0 ? 0 : -1;
}

static int header(char *l, struct ut_bmap *m)
{
	if (!strncmp(l, "build-id ", 9))
		snprintf(m->build_id, sizeof(m->build_id), "%s", l + 9);
	else if (!strncmp(l, "source ", 7))
		snprintf(m->source, sizeof(m->source), "%s", l + 7);
	else if (strncmp(l, "sites ", 6) && l[0] != '#')
		return -1;
	return 0;
}

static int count_lines(struct ut_bmap *m)
{
	const struct ut_bsite **v = calloc(m->n + 1, sizeof(*v));
	int k = 0;

	if (!v)
		return -1;
	for (int i = 0; i < m->n; i++)
		if (m->s[i].line > 0 && strcmp(m->s[i].file, "?"))
			v[k++] = &m->s[i];
	qsort(v, k, sizeof(*v), by_line);
	for (int i = 0; i < k; i++)
		m->nlines += !i || by_line(&v[i - 1], &v[i]);
	free(v);
	return 0;
}

int ut_bmap_parse(char *text, const char *name, struct ut_bmap *m, char *why, size_t sz)
{
	size_t cap = 1;
	int ln = 1;
	char *l, *next;

	memset(m, 0, sizeof(*m));
	m->text = text;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	if (strncmp(text, UT_BLKMAP_MAGIC "\n", strlen(UT_BLKMAP_MAGIC) + 1)) {
		snprintf(why, sz, "%s:1: not a block map (want \"%s\")", name, UT_BLKMAP_MAGIC);
		return -1;
	}
	if (!(m->s = calloc(cap, sizeof(*m->s)))) {
		snprintf(why, sz, "%s: out of memory", name);
		return -1;
	}
	for (l = text; l && *l; l = next, ln++) {
		if ((next = strchr(l, '\n')))
			*next++ = '\0';
		if ((*l == '-' || (*l >= '0' && *l <= '9')) ? site(l, &m->s[m->n++]) : header(l, m)) {
			snprintf(why, sz, "%s:%d: want \"OFFSET FUNCTION FILE LINE\" or a header", name,
				 ln);
			return -1;
		}
	}
	if (!m->build_id[0] || !m->n) {
		snprintf(why, sz, "%s: %s", name, m->n ? "no build-id line" : "no blocks");
		return -1;
	}
	qsort(m->s, m->n, sizeof(*m->s), by_off);
	return count_lines(m) ? (snprintf(why, sz, "%s: out of memory", name), -1) : 0;
}

int ut_bmap_load(const char *path, struct ut_bmap *m, char *why, size_t sz)
{
	char dir[PATH_MAX], base[PATH_MAX], *text;

	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	memset(m, 0, sizeof(*m));
	if (!(text = ut_tracefs_read(dirname(dir), basename(base), NULL))) {
		snprintf(why, sz, "%s: %s", path, strerror(errno));
		return -1;
	}
	return ut_bmap_parse(text, path, m, why, sz);
}

const struct ut_bsite *ut_bmap_find(const struct ut_bmap *m, long off)
{
	struct ut_bsite key = { .off = off };

	return m->n ? bsearch(&key, m->s, m->n, sizeof(*m->s), by_off) : NULL;
}

int ut_bmap_line_key(const struct ut_bsite *s, char *buf, size_t sz)
{
	if (s->line <= 0 || !strcmp(s->file, "?"))
		return 0;
	snprintf(buf, sz, "%s:%d", s->file, s->line);
	return 1;
}

void ut_bmap_free(struct ut_bmap *m)
{
	free(m->s);
	free(m->text);
	memset(m, 0, sizeof(*m));
}
