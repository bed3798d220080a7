// SPDX-License-Identifier: GPL-2.0
/* watchdog.c - notice stuck processes and say where they are stuck. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "watchdog.h"

int ut_watch_init(struct ut_watch *w, const struct ut_engine *e, double now)
{
	w->n = e->sh->nproc;
	w->seq = calloc(w->n, sizeof(*w->seq));
	w->since = calloc(w->n, sizeof(*w->since));
	if (!w->seq || !w->since) {
		ut_watch_free(w);
		return -ENOMEM;
	}
	for (int i = 0; i < w->n; i++) {
		w->seq[i] = e->sh->proc[i].seq;
		w->since[i] = now;
	}
	return 0;
}

int ut_watch_stuck(struct ut_watch *w, const struct ut_engine *e, double now,
		   double timeout)
{
	int stuck = -1;

	for (int i = 0; i < w->n; i++) {
		uint64_t s = __atomic_load_n(&e->sh->proc[i].seq, __ATOMIC_ACQUIRE);

		if (s != w->seq[i] || e->ex[i].reaped) {
			w->seq[i] = s;
			w->since[i] = now;
		} else if (now - w->since[i] >= timeout && stuck < 0) {
			stuck = i;
		}
	}
	return stuck;
}

double ut_watch_idle(const struct ut_watch *w, int i, double now)
{
	return now - w->since[i];
}

void ut_watch_free(struct ut_watch *w)
{
	free(w->seq);
	free(w->since);
	w->seq = NULL;
	w->since = NULL;
}

char ut_task_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (ut_read_small(path, buf, sizeof(buf)) <= 0)
		return '?';
	p = strrchr(buf, ')');	/* comm may hold spaces and parens */
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

void ut_task_describe(pid_t pid, char *buf, size_t sz)
{
	static const char *const files[] = { "wchan", "syscall", "stack" };
	char path[64], tmp[4096];
	size_t used;

	used = snprintf(buf, sz, "pid %d state %c", (int)pid, ut_task_state(pid));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && used < sz; i++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, files[i]);
		n = ut_read_small(path, tmp, sizeof(tmp));
		while (n > 0 && tmp[n - 1] == '\n')
			tmp[--n] = '\0';
		used += snprintf(buf + used, sz - used, "%s%s: %s", i == 2 ? "\n" : " ",
				 files[i], n >= 0 ? tmp : strerror((int)-n));
	}
}
