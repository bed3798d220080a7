// SPDX-License-Identifier: GPL-2.0
/*
 * it_util.c - helpers for the integration tests: bounded runs of the
 * binary, scratch directories, KTAP and list parsing, mount snapshots.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "it.h"

#define MAX_CAPTURE	(64u << 20)	/* per stream */
#define DRAIN_S		1.0		/* output still read after exit */
#define REAP_AFTER_KILL_S 5.0
#define POLL_MS		20
#define LIST_TAGS_COL	27		/* "%-26s %-40s %s" */
#define LIST_TAGS_W	40

const char *it_bin = "./undertow";
const char *it_base = "/tmp";

double it_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t n)
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
	buf = xrealloc(NULL, cap);
	for (;;) {
		if (n + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
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
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
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
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_str);
	return 0;
}

/* ---- running the binary ------------------------------------------------ */

struct sink {
	int fd;
	char **buf;
	size_t *len, cap;
};

/* One read into @s; false at EOF or error. */
static bool sink_read(struct sink *s)
{
	char tmp[65536];
	ssize_t n = read(s->fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (*s->len + n > MAX_CAPTURE)
		return true;	/* keep reading, stop storing */
	if (*s->len + n + 1 > s->cap) {
		while (*s->len + n + 1 > s->cap)
			s->cap = s->cap ? s->cap * 2 : 8192;
		*s->buf = xrealloc(*s->buf, s->cap);
	}
	memcpy(*s->buf + *s->len, tmp, n);
	*s->len += n;
	(*s->buf)[*s->len] = '\0';
	return true;
}

static void reap_nohang(pid_t pid, struct proc_out *p)
{
	int st;

	if (p->reaped)
		return;
	if (waitpid(pid, &st, WNOHANG) == pid) {
		p->reaped = true;
		p->status = st;
	}
}

/* Wait for @pid until @until; true if reaped. */
static bool reap_until(pid_t pid, struct proc_out *p, double until)
{
	for (;;) {
		reap_nohang(pid, p);
		if (p->reaped || it_now() >= until)
			return p->reaped;
		usleep(10000);
	}
}

static void kill_child(pid_t pid, struct proc_out *p)
{
	if (p->reaped)
		return;
	p->timed_out = true;
	/* Its group, then itself; its workers follow by PR_SET_PDEATHSIG. */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	reap_until(pid, p, it_now() + REAP_AFTER_KILL_S);
}

static void __attribute__((noreturn))
child_exec(char *const argv[], const struct run_opts *o, const char *cwd, int out, int err,
	   pid_t parent)
{
	char **full;
	sigset_t none;
	int n = 0, devnull;

	/*
	 * Own group: a timeout kills whatever it started too.  Out of our
	 * group, Check's kill of a timed-out test misses it: PDEATHSIG.
	 */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	close_range(3, ~0U, 0);
	if (chdir(cwd) < 0) {
		dprintf(2, "int-tests: chdir %s: %s\n", cwd, strerror(errno));
		_exit(127);
	}
	if (o->pre_exec)
		o->pre_exec();
	if (o->exec_argv) {
		execvp(argv[0], argv);
		dprintf(2, "int-tests: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (argv[n])
		n++;
	full = calloc(n + 2, sizeof(*full));
	if (!full)
		_exit(127);
	full[0] = (char *)it_bin;
	memcpy(full + 1, argv, n * sizeof(*full));
	execv(it_bin, full);
	dprintf(2, "int-tests: exec %s: %s\n", it_bin, strerror(errno));
	_exit(127);
}

struct proc_out run_undertow_ex(char *const argv[], const struct run_opts *o)
{
	struct proc_out p = { .exit_code = -1 };
	int po[2], pe[2];
	double t0 = it_now(), deadline = t0 + o->timeout_s, sig_at = 0, drain = 0;
	struct sink sinks[2] = {
		{ .buf = &p.out, .len = &p.out_len },
		{ .buf = &p.err, .len = &p.err_len },
	};
	bool sig_sent = !o->sig;
	pid_t pid, parent = getpid();

	p.out = xrealloc(NULL, 1);
	p.err = xrealloc(NULL, 1);
	p.out[0] = p.err[0] = '\0';
	if (pipe2(po, O_CLOEXEC) < 0)
		return p;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return p;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child_exec(argv, o, o->cwd ? o->cwd : it_base, po[1], pe[1], parent);
	if (pid > 0)
		setpgid(pid, pid);	/* both sides: no window without it */
	p.pid = pid;
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		return p;
	}
	sinks[0].fd = po[0];
	sinks[1].fd = pe[0];
	if (o->sig)
		sig_at = t0 + o->sig_after_s;
	while (sinks[0].fd >= 0 || sinks[1].fd >= 0) {
		struct pollfd pf[2];
		int np = 0, ms;
		double now = it_now(), until;

		reap_nohang(pid, &p);
		if (p.reaped && !drain)
			drain = now + DRAIN_S;	/* a leftover process may hold the pipes */
		if (p.reaped && now >= drain)
			break;
		if (!p.reaped && now >= deadline) {
			kill_child(pid, &p);
			break;
		}
		if (!sig_sent && !p.reaped && now >= sig_at) {
			kill(pid, o->sig);
			sig_sent = true;
		}
		until = p.reaped ? drain : deadline;
		if (!sig_sent && sig_at < until)
			until = sig_at;
		ms = (int)((until - now) * 1000) + 1;
		if (!p.reaped && ms > POLL_MS)
			ms = POLL_MS;
		for (int i = 0; i < 2; i++)
			if (sinks[i].fd >= 0)
				pf[np++] = (struct pollfd){ .fd = sinks[i].fd, .events = POLLIN };
		if (poll(pf, np, ms) <= 0)
			continue;
		for (int i = 0, k = 0; i < 2; i++) {
			if (sinks[i].fd < 0)
				continue;
			if (pf[k++].revents && !sink_read(&sinks[i])) {
				close(sinks[i].fd);
				sinks[i].fd = -1;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (sinks[i].fd >= 0)
			close(sinks[i].fd);
	if (!p.reaped && !p.timed_out && !reap_until(pid, &p, deadline))
		kill_child(pid, &p);
	if (p.reaped && WIFEXITED(p.status))
		p.exit_code = WEXITSTATUS(p.status);
	else if (p.reaped && WIFSIGNALED(p.status))
		p.term_sig = WTERMSIG(p.status);
	p.elapsed_s = it_now() - t0;
	return p;
}

struct proc_out run_undertow(char *const argv[], double timeout_s)
{
	struct run_opts o = { .timeout_s = timeout_s };

	return run_undertow_ex(argv, &o);
}

void proc_out_free(struct proc_out *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

const char *proc_desc(const struct proc_out *p)
{
	static char buf[4096];
	int n;

	if (p->timed_out)
		n = snprintf(buf, sizeof(buf), "killed after the time bound (%.1f s)",
			     p->elapsed_s);
	else if (p->term_sig)
		n = snprintf(buf, sizeof(buf), "killed by signal %d", p->term_sig);
	else
		n = snprintf(buf, sizeof(buf), "exit %d", p->exit_code);
	snprintf(buf + n, sizeof(buf) - n, "; stderr: %.3000s", p->err);
	return buf;
}

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
		l->selftest = xrealloc(l->selftest, (l->name.n + 1) * sizeof(bool));
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
		k->c = xrealloc(k->c, (k->ncase + 1) * sizeof(*k->c));
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
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_str);
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
