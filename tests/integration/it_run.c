// SPDX-License-Identifier: GPL-2.0
/*
 * it_run.c - running the binary (or any program) for the integration
 * tests: bounded, both streams captured, the child killed and reaped
 * after its bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "it.h"

#define MAX_CAPTURE	(64u << 20)	/* per stream */
#define DRAIN_S		1.0		/* output still read after exit */
#define REAP_AFTER_KILL_S 5.0
#define POLL_MS		20


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
		*s->buf = it_xrealloc(*s->buf, s->cap);
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

	p.out = it_xrealloc(NULL, 1);
	p.err = it_xrealloc(NULL, 1);
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
