// SPDX-License-Identifier: GPL-2.0
/*
 * it_parse.c - what the binary printed and left, for the integration tests:
 * `undertow list`, KTAP, result files; mount and process snapshots.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "it.h"

#define LIST_TAGS_COL	27		/* "%-26s %-40s %s" */
#define LIST_TAGS_W	40

/* ---- undertow list ----------------------------------------------------- */

static bool has_word(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= len; i++)
		if ((i == 0 || s[i - 1] == ' ') && !strncmp(s + i, word, wl) &&
		    (i + wl == len || s[i + wl] == ' '))
			return true;
	return false;
}

int it_list_scenarios(struct scen_list *l, char *why, size_t sz)
{
	char *argv[] = { "list", NULL };
	struct proc_out p = run_undertow(argv, 30);
	char *line, *save = NULL;

	memset(l, 0, sizeof(*l));
	if (p.exit_code != 0) {
		snprintf(why, sz, "undertow list: %s", proc_desc(&p));
		proc_out_free(&p);
		return -1;
	}
	l->raw = it_fmt("%s", p.out);
	for (line = strtok_r(p.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t nl = strcspn(line, " "), len = strlen(line), tcol, tlen;

		if (!nl) {
			snprintf(why, sz, "list line without a name: '%s'", line);
			proc_out_free(&p);
			return -1;
		}
		/* %-26s pads short names; a longer one pushes the tags right */
		tcol = nl < LIST_TAGS_COL - 1 ? LIST_TAGS_COL : nl + 1;
		tlen = tcol < len ? len - tcol : 0;
		if (tlen > LIST_TAGS_W) {
			tlen = LIST_TAGS_W;
			while (tcol + tlen < len && line[tcol + tlen] != ' ')
				tlen++;
		}
		line[nl] = '\0';
		l->selftest = it_xrealloc(l->selftest, (l->name.n + 1) * sizeof(bool));
		l->selftest[l->name.n] = has_word(line + tcol, tlen, "selftest");
		strv_add(&l->name, line);
	}
	proc_out_free(&p);
	return 0;
}

void scen_list_free(struct scen_list *l)
{
	strv_free(&l->name);
	free(l->selftest);
	free(l->raw);
	memset(l, 0, sizeof(*l));
}

void it_default_names(const struct scen_list *l, struct strv *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < l->name.n; i++)
		if (!l->selftest[i])
			strv_add(out, l->name.v[i]);
}

/* ---- KTAP -------------------------------------------------------------- */

static int parse_num(const char **s, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	v = strtol(*s, &end, 10);
	if (errno || v < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	*s = end;
	return 0;
}

/* "ok 3 name", "ok 3 name # SKIP why", "not ok 3 name # LEAK: why" */
static int parse_case(const char *line, struct ktap_case *c)
{
	const char *s = line, *dir;
	size_t nlen;

	memset(c, 0, sizeof(*c));
	if (!strncmp(s, "ok ", 3)) {
		c->ok = true;
		s += 3;
	} else if (!strncmp(s, "not ok ", 7)) {
		s += 7;
	} else {
		return -1;
	}
	if (parse_num(&s, &c->num) || *s != ' ')
		return -1;
	s++;
	dir = strstr(s, " # ");
	nlen = dir ? (size_t)(dir - s) : strlen(s);
	if (!nlen || memchr(s, ' ', nlen))
		return -1;
	c->name = strndup(s, nlen);
	if (!dir) {
		c->reason = strdup("");
		return c->ok ? 0 : -1;	/* not ok always says why */
	}
	dir += 3;
	if (c->ok) {
		if (strncmp(dir, "SKIP", 4) || (dir[4] && dir[4] != ' '))
			return -1;
		c->skip = true;
		c->reason = strdup(dir[4] ? dir + 5 : "");
		return 0;
	}
	nlen = strcspn(dir, ":");
	if (!dir[nlen] || !nlen)
		return -1;
	c->tag = strndup(dir, nlen);
	c->reason = strdup(dir[nlen + 1] == ' ' ? dir + nlen + 2 : dir + nlen + 1);
	return 0;
}

int it_ktap_parse(const char *text, struct ktap *k, char *why, size_t sz)
{
	char *copy = it_fmt("%s", text), *line, *save = NULL;
	int ln = 0, rc = -1;

	memset(k, 0, sizeof(*k));
	k->plan = -1;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *s = line;

		ln++;
		if (k->totals) {
			snprintf(why, sz, "line %d after the Totals line: '%s'", ln, line);
			goto out;
		}
		if (ln == 1) {
			if (strcmp(line, "KTAP version 1")) {
				snprintf(why, sz, "first line is '%s', not 'KTAP version 1'", line);
				goto out;
			}
			continue;
		}
		if (ln == 2) {
			if (strncmp(s, "1..", 3) || (s += 3, parse_num(&s, &k->plan)) || *s) {
				snprintf(why, sz, "second line is '%s', not a plan 1..N", line);
				goto out;
			}
			continue;
		}
		if (!strncmp(line, "# Totals: ", 10)) {
			if (sscanf(line, "# Totals: pass:%d fail:%d skip:%d", &k->pass, &k->fail,
				   &k->skip) != 3) {
				snprintf(why, sz, "bad Totals line '%s'", line);
				goto out;
			}
			k->totals = true;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (!strncmp(line, "Bail out!", 9)) {
			k->bail = true;
			continue;
		}
		k->c = it_xrealloc(k->c, (k->ncase + 1) * sizeof(*k->c));
		if (parse_case(line, &k->c[k->ncase])) {
			k->ncase++;
			snprintf(why, sz, "line %d is not a KTAP result line: '%s'", ln, line);
			goto out;
		}
		k->ncase++;
	}
	if (ln < 2)
		snprintf(why, sz, "no KTAP header and plan (%d lines)", ln);
	else
		rc = 0;
out:
	free(copy);
	return rc;
}

void ktap_free(struct ktap *k)
{
	for (int i = 0; i < k->ncase; i++) {
		free(k->c[i].name);
		free(k->c[i].tag);
		free(k->c[i].reason);
	}
	free(k->c);
	memset(k, 0, sizeof(*k));
}

/* ---- results ----------------------------------------------------------- */

json_t *it_json_load(const char *path, char *why, size_t sz)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	if (!j)
		snprintf(why, sz, "%s: line %d: %s", path, e.line, e.text);
	return j;
}

json_t *it_json_at(const char *dir, const char *file, char *why, size_t sz)
{
	char *path = it_fmt("%s/%s", dir, file);
	json_t *j = it_json_load(path, why, sz);

	free(path);
	return j;
}

char *it_read_at(const char *dir, const char *file)
{
	char *path = it_fmt("%s/%s", dir, file), *text = it_read_file(path, NULL);

	free(path);
	return text;
}

char *it_latest_run(const char *results, char *why, size_t sz)
{
	char *link = it_fmt("%s/latest", results), target[4096];
	struct stat st;
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	char *dir;

	if (n < 0) {
		snprintf(why, sz, "%s: %s", link, strerror(errno));
		free(link);
		return NULL;
	}
	free(link);
	target[n] = '\0';
	if (strchr(target, '/')) {
		snprintf(why, sz, "%s/latest -> '%s': not a sibling run id", results, target);
		return NULL;
	}
	dir = it_fmt("%s/%s", results, target);
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, sz, "%s/latest -> '%s': not a directory", results, target);
		free(dir);
		return NULL;
	}
	return dir;
}

long long it_total_calls(json_t *hist)
{
	const char *key;
	json_t *v;
	long long n = 0;

	if (!json_is_object(hist))
		return -1;
	json_object_foreach(hist, key, v) {
		json_t *c = json_object_get(v, "calls");

		if (!json_is_integer(c) || json_integer_value(c) < 0)
			return -1;
		n += json_integer_value(c);
	}
	return n;
}

/* ---- mounts and processes ---------------------------------------------- */

int it_mounts(struct strv *out)
{
	char *mi = it_read_file("/proc/self/mountinfo", NULL), *line, *save = NULL;

	memset(out, 0, sizeof(*out));
	if (!mi)
		return -errno;
	for (line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* id parent major:minor root mountpoint opts [tags] - fstype src opts */
		char mp[4096], fstype[256], *sep = strstr(line, " - ");
		char *buf;

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(sep + 3, "%255s", fstype) != 1)
			continue;
		if (strcmp(fstype, "overlay") && strcmp(fstype, "tmpfs"))
			continue;
		buf = it_fmt("%s %s", mp, fstype);
		strv_add(out, buf);
		free(buf);
	}
	free(mi);
	strv_sort(out);
	return 0;
}

char *it_strv_diff(const struct strv *a, const struct strv *b)
{
	char *out = NULL, *tmp;

	for (int i = 0; i < b->n; i++)
		if (!strv_has(a, b->v[i])) {
			tmp = it_fmt("%s+ %s\n", out ?: "", b->v[i]);
			free(out);
			out = tmp;
		}
	for (int i = 0; i < a->n; i++)
		if (!strv_has(b, a->v[i])) {
			tmp = it_fmt("%s- %s\n", out ?: "", a->v[i]);
			free(out);
			out = tmp;
		}
	if (!out && a->n != b->n)
		out = it_fmt("%d entries, then %d\n", a->n, b->n);
	return out;
}

int it_count_procs(const char *comm)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[300], *c;

		if (!isdigit((unsigned char)de->d_name[0]) || atoi(de->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		c = it_read_file(path, NULL);
		if (!c)
			continue;
		c[strcspn(c, "\n")] = '\0';
		if (!strcmp(c, comm))
			n++;
		free(c);
	}
	closedir(d);
	return n;
}

int it_scratch_leftovers(const struct strv *before, double wait_s, struct strv *left,
			 bool *ambiguous)
{
	double end = it_now() + wait_s;

	*ambiguous = false;
	for (;;) {
		struct strv now;

		memset(left, 0, sizeof(*left));
		if (it_ls_prefix("/tmp", "undertow.", &now))
			return -1;
		for (int i = 0; i < now.n; i++)
			if (!strv_has(before, now.v[i]))
				strv_add(left, now.v[i]);
		strv_free(&now);
		if (!left->n || !it_count_procs("undertow"))
			return left->n;
		if (it_now() >= end) {
			*ambiguous = true;
			return left->n;
		}
		strv_free(left);
		usleep(100000);
	}
}

char *it_findings_text(json_t *res)
{
	json_t *f = json_object_get(res, "findings"), *v;
	char *out = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&out, &len);

	json_array_foreach(f, i, v)
		fprintf(m, "[%s] %s\n", json_string_value(json_object_get(v, "kind")),
			json_string_value(json_object_get(v, "detail")));
	fclose(m);
	return out;
}
