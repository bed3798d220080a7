// SPDX-License-Identifier: GPL-2.0
/* ktap_merge.c - read ktap.log back into tests; merge documents into one. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap_merge.h"

#define START_MARK	"# start "	/* runout.c: the line that opens a test's lines */
#define TOTALS		"# Totals: "
#define BAIL		"Bail out!"

/* *@s += @add (+ '\n' when @nl); *@s may be NULL.  0 or -1 (ENOMEM). */
static int append(char **s, const char *add, bool nl)
{
	size_t a = *s ? strlen(*s) : 0, b = strlen(add);
	char *p = realloc(*s, a + b + 2);

	if (!p)
		return -1;
	memcpy(p + a, add, b);
	if (nl)
		p[a + b++] = '\n';
	p[a + b] = '\0';
	*s = p;
	return 0;
}

/* Move what @from holds to the end of @to. */
static int move_to(char **to, char **from)
{
	int err = *from ? append(to, *from, false) : 0;

	free(*from);
	*from = NULL;
	return err;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

int ut_ktap_doc_add(struct ut_ktap_doc *d, const char *name, bool ok, bool skip,
		    const char *rest, const char *diag)
{
	struct ut_ktap_test *t = realloc(d->t, (d->n + 1) * sizeof(*t));

	if (!t)
		return -ENOMEM;
	d->t = t;
	t += d->n;
	memset(t, 0, sizeof(*t));
	t->ok = ok;
	t->skip = ok && skip;
	t->name = strdup(name);
	t->rest = dup_or_empty(rest);
	t->diag = dup_or_empty(diag);
	t->tail = dup_or_empty(NULL);
	d->n++;
	return t->name && t->rest && t->diag && t->tail ? 0 : -ENOMEM;
}

/* "ok N name[ # ...]" / "not ok N name[ # ...]" numbered @want, into @d. */
static int parse_result(struct ut_ktap_doc *d, const char *line, char **pending, char *what,
			size_t sz)
{
	bool ok = !strncmp(line, "ok ", 3);
	const char *s = line + (ok ? 3 : 7), *hash;
	char *end, *name;
	long num;
	int err;

	errno = 0;
	num = isdigit((unsigned char)*s) ? strtol(s, &end, 10) : -1;
	if (num < 0 || errno || (*end && *end != ' ')) {
		snprintf(what, sz, "a result line without a test number");
		return -1;
	}
	if (num != d->n + 1) {
		snprintf(what, sz, "test number %ld, want %d", num, d->n + 1);
		return -1;
	}
	s = *end ? end + 1 : end;
	hash = strstr(s, " #");
	if (!*s || *s == ' ' || *s == '#' || hash == s) {
		snprintf(what, sz, "a result line without a test name");
		return -1;
	}
	name = strndup(s, hash ? (size_t)(hash - s) : strlen(s));
	for (int i = 0; name && i < d->n; i++)
		if (!strcmp(d->t[i].name, name)) {
			snprintf(what, sz, "test '%.100s' a second time (test %d)", name, i + 1);
			free(name);
			return -1;
		}
	err = !name || ut_ktap_doc_add(d, name, ok, hash && !strncmp(hash, " # SKIP", 7) &&
				       (!hash[7] || hash[7] == ' '), hash ? hash : "", *pending);
	free(name);
	free(*pending);
	*pending = NULL;
	if (err)
		snprintf(what, sz, "out of memory");
	return err ? -1 : 0;
}

static int parse_totals(const char *line, int c[3], char *what, size_t sz)
{
	int used = -1;

	if (sscanf(line, TOTALS "pass:%d fail:%d skip:%d%n", &c[0], &c[1], &c[2], &used) != 3 ||
	    line[used] || c[0] < 0 || c[1] < 0 || c[2] < 0) {
		snprintf(what, sz, "a Totals line that is not 'pass:P fail:F skip:S'");
		return -1;
	}
	return 0;
}

/* The Totals line must count what the result lines say. */
static int check_totals(const struct ut_ktap_doc *d, const int said[3], char *what, size_t sz)
{
	int c[3] = { 0, 0, 0 };

	for (int i = 0; i < d->n; i++)
		c[d->t[i].skip ? 2 : d->t[i].ok ? 0 : 1]++;
	if (!memcmp(c, said, sizeof(c)))
		return 0;
	snprintf(what, sz, "Totals say pass:%d fail:%d skip:%d, the results pass:%d fail:%d "
		 "skip:%d", said[0], said[1], said[2], c[0], c[1], c[2]);
	return -1;
}

static int parse_plan(struct ut_ktap_doc *d, const char *line)
{
	int used = -1;

	return sscanf(line, "1..%d%n", &d->plan, &used) == 1 && !line[used] && d->plan >= 0 &&
	       isdigit((unsigned char)line[3]) ? 0 : -1;
}

/* A line that belongs to a test or the preamble: a diagnostic, an indented or empty one. */
static bool is_note(const char *line)
{
	return !*line || *line == '#' || *line == ' ' || *line == '\t';
}

/* The lines before a "# start" belong to the test before it, or to the preamble. */
static int close_block(struct ut_ktap_doc *d, char **pending)
{
	return move_to(d->n ? &d->t[d->n - 1].tail : &d->pre, pending);
}

static int add_bail(struct ut_ktap_doc *d, const char *line)
{
	const char *why = line + strlen(BAIL);

	why += strspn(why, " ");
	if (d->bail && *why && append(&d->bail, "; ", false))
		return -1;
	return append(&d->bail, why, false);
}

/* One line (the second or later) into @d; @said: the Totals, once read. */
static int parse_line(struct ut_ktap_doc *d, const char *line, char **pending, int said[3],
		      char *what, size_t sz)
{
	if (d->has_totals && *line) {
		snprintf(what, sz, "a line after the Totals line");
		return -1;
	}
	if (d->plan < 0) {
		if (!parse_plan(d, line))
			return move_to(&d->pre, pending);
		if (is_note(line))
			return append(pending, line, true);
		snprintf(what, sz, "no plan '1..N' before '%.60s'", line);
		return -1;
	}
	if (!strncmp(line, TOTALS, strlen(TOTALS))) {
		d->has_totals = true;
		return parse_totals(line, said, what, sz);
	}
	if (!strncmp(line, BAIL, strlen(BAIL)))
		return add_bail(d, line);
	if (!strncmp(line, "ok ", 3) || !strncmp(line, "not ok ", 7))
		return parse_result(d, line, pending, what, sz);
	if (!is_note(line)) {
		snprintf(what, sz, "not a KTAP line: '%.60s'", line);
		return -1;
	}
	if (!strncmp(line, START_MARK, strlen(START_MARK)) && close_block(d, pending))
		return -1;
	return append(pending, line, true);
}

/* Split @text into lines and parse each; "line N: ..." in @why on error. */
static int parse_lines(const char *text, size_t len, struct ut_ktap_doc *d, int said[3],
		       char *why, size_t sz)
{
	char what[256] = "", *pending = NULL, *line = NULL;
	size_t off = 0;
	int ln = 0, err = 0;

	while (!err && off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;

		ln++;
		line = strndup(text + off, n);
		off += n + 1;
		if (!line || strlen(line) != n)
			snprintf(what, sizeof(what), line ? "a NUL byte" : "out of memory");
		else if (ln == 1 && strcmp(line, "KTAP version 1"))
			snprintf(what, sizeof(what), "'%.60s', not 'KTAP version 1'", line);
		else if (ln > 1 && parse_line(d, line, &pending, said, what, sizeof(what)) &&
			 !what[0])
			snprintf(what, sizeof(what), "out of memory");
		err = what[0] ? -1 : 0;
		free(line);
	}
	if (!err && close_block(d, &pending))
		snprintf(what, sizeof(what), "out of memory");
	free(pending);
	if (what[0])
		snprintf(why, sz, "line %d: %s", ln, what);
	return what[0] ? -1 : 0;
}

int ut_ktap_doc_parse(const char *text, size_t len, struct ut_ktap_doc *d, char *why,
		      size_t sz)
{
	int said[3];

	memset(d, 0, sizeof(*d));
	d->plan = -1;
	if (parse_lines(text, len, d, said, why, sz))
		goto bad;
	if (d->plan < 0) {
		snprintf(why, sz, len ? "no plan '1..N'" : "empty, not KTAP");
		goto bad;
	}
	if (d->n > d->plan) {
		snprintf(why, sz, "%d results for a plan of 1..%d", d->n, d->plan);
		goto bad;
	}
	if (d->has_totals && check_totals(d, said, why, sz))
		goto bad;
	return 0;
bad:
	ut_ktap_doc_free(d);
	return -1;
}

void ut_ktap_doc_free(struct ut_ktap_doc *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->t[i].name);
		free(d->t[i].rest);
		free(d->t[i].diag);
		free(d->t[i].tail);
	}
	free(d->t);
	free(d->pre);
	free(d->bail);
	memset(d, 0, sizeof(*d));
}

/* ---- merge -------------------------------------------------------------- */

static void count(const struct ut_ktap_doc *const *docs, int n, struct ut_ktap_count *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < n; i++) {
		int kept = 0;

		for (int j = 0; j < docs[i]->n; j++) {
			const struct ut_ktap_test *t = &docs[i]->t[j];

			if (t->drop)
				continue;
			kept++;
			if (t->skip)
				c->skip++;
			else if (t->ok)
				c->pass++;
			else
				c->fail++;
		}
		c->tests += kept;
		/* A shard cut short still owes the tests it planned. */
		if (!docs[i]->dup && docs[i]->plan > docs[i]->n)
			c->plan += docs[i]->plan - docs[i]->n;
	}
	c->plan += c->tests;
}

/* Each line of @text as "# @label: line". */
static void labelled(FILE *f, const char *label, const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (len && *p == '#') {
			p++;
			len--;
			if (len && *p == ' ') {
				p++;
				len--;
			}
		}
		fprintf(f, "# %s:%s%.*s\n", label, len ? " " : "", len, p);
		p = nl ? nl + 1 : NULL;
	}
}

static void head_lines(FILE *f, const char *head)
{
	for (const char *p = head; p && *p;) {
		const char *nl = strchr(p, '\n');

		fprintf(f, "# %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl ? nl + 1 : NULL;
	}
}

/* The tests, round-robin over the documents, numbered from 1. */
static void tests_round_robin(FILE *f, const struct ut_ktap_doc *const *docs, int n)
{
	int most = 0, num = 0;

	for (int i = 0; i < n; i++)
		most = docs[i]->n > most ? docs[i]->n : most;
	for (int j = 0; j < most; j++)
		for (int i = 0; i < n; i++) {
			const struct ut_ktap_test *t = j < docs[i]->n ? &docs[i]->t[j] : NULL;

			if (!t || t->drop)
				continue;
			fprintf(f, "%s%s %d %s%s\n%s", t->diag ? t->diag : "",
				t->ok ? "ok" : "not ok", ++num, t->name, t->rest ? t->rest : "",
				t->tail ? t->tail : "");
		}
}

static void bail_line(FILE *f, const struct ut_ktap_doc *const *docs, const char *const *labels,
		      int n)
{
	const char *sep = BAIL " ";

	for (int i = 0; i < n; i++) {
		if (!docs[i]->bail || docs[i]->dup)
			continue;
		fprintf(f, "%s%s%s%s", sep, labels[i], *docs[i]->bail ? ": " : "", docs[i]->bail);
		sep = "; ";
	}
	if (strcmp(sep, BAIL " "))
		fputc('\n', f);
}

char *ut_ktap_merge(const struct ut_ktap_doc *const *docs, const char *const *labels, int n,
		    const char *head, struct ut_ktap_count *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	count(docs, n, c);
	fprintf(f, "KTAP version 1\n1..%d\n", c->plan);
	head_lines(f, head);
	for (int i = 0; i < n; i++)
		if (!docs[i]->dup)
			labelled(f, labels[i], docs[i]->pre);
	tests_round_robin(f, docs, n);
	bail_line(f, docs, labels, n);
	fprintf(f, TOTALS "pass:%d fail:%d skip:%d\n", c->pass, c->fail, c->skip);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}
