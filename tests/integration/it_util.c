// SPDX-License-Identifier: GPL-2.0
/*
 * it_util.c - helpers for the integration tests: time, strings, files and
 * scratch directories, string vectors.  Running the binary is it_run.c;
 * parsing what it printed and left, and mount snapshots, it_parse.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "it.h"

const char *it_bin = "./undertow";
const char *it_base = "/tmp";

double it_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void *it_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "int-tests: out of memory\n");
		abort();
	}
	return q;
}

char *it_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "int-tests: out of memory\n");
		abort();
	}
	return s;
}

char *it_mkdtemp(const char *tag)
{
	char *p = it_fmt("%s/%s.XXXXXX", it_base, tag);

	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

char *it_read_file(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf;
	ssize_t got;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = it_xrealloc(NULL, cap);
	for (;;) {
		if (n + 1 >= cap)
			buf = it_xrealloc(buf, cap *= 2);
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += got;
	}
	err = got < 0 ? errno : 0;
	close(fd);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

bool it_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* cp @from @to (mode kept): true when it worked. */
bool it_copy_file(const char *from, const char *to)
{
	char *argv[] = { "cp", (char *)from, (char *)to, NULL };
	struct run_opts o = { .timeout_s = 30, .exec_argv = true };
	struct proc_out p = run_undertow_ex(argv, &o);
	bool ok = p.exit_code == 0;

	proc_out_free(&p);
	return ok;
}

int it_count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

int it_rm_rf(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void strv_add(struct strv *s, const char *str)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = it_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = it_fmt("%s", str);
}

bool strv_has(const struct strv *s, const char *str)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return true;
	return false;
}

void strv_free(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(struct strv *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), by_str);
}

int it_ls_prefix(const char *dir, const char *prefix, struct strv *out)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	memset(out, 0, sizeof(*out));
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			strv_add(out, de->d_name);
	closedir(d);
	strv_sort(out);
	return 0;
}
