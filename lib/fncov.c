// SPDX-License-Identifier: GPL-2.0
/*
 * fncov.c - function coverage set up and taken apart through tracefs
 * (fncov.h).  Every step tries, and a refusal is the kernel's own words.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "engine.h"
#include "fncov.h"
#include "tracefs.h"

#define HIST_SIZE	2048	/* histogram slots: more than UT_FNCOV_MAX functions */

/* A group left by an undertow that is gone: its pid is dead. */
static bool stale(const char *name)
{
	size_t n = strlen(UT_FNCOV_GROUP);
	int pid;

	if (strncmp(name, UT_FNCOV_GROUP, n) || sscanf(name + n, "%d", &pid) != 1 || pid <= 0)
		return false;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* Remove @group's instance (its triggers go with it), then its probes. */
static void remove_group(const char *root, const char *group)
{
	char path[PATH_MAX], cmd[64], why[128];

	snprintf(path, sizeof(path), "%s/instances/%s", root, group);
	rmdir(path);
	snprintf(cmd, sizeof(cmd), "-:%s/\n", group);
	ut_tracefs_write(root, "kprobe_events", cmd, why, sizeof(why));
}

/* Instances and probe groups of killed undertows. */
static void clean_stale(const char *root)
{
	char path[PATH_MAX], *ev = ut_tracefs_read(root, "kprobe_events", NULL), *l;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/instances", root);
	d = opendir(path);
	while (d && (e = readdir(d)))
		if (stale(e->d_name))
			remove_group(root, e->d_name);
	if (d)
		closedir(d);
	/* "p:undertow_123/ovl_lookup ovl_lookup" */
	for (l = ev; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char group[64];

		if (sscanf(l, "%*[pr]:%63[^/]/", group) == 1 && stale(group))
			remove_group(root, group);
	}
	free(ev);
}

static int list_symbols(struct ut_fncov *s, char ***out, char *why, size_t sz)
{
	char *text = ut_tracefs_read(s->root, "available_filter_functions", NULL), *l;
	char **v = calloc(UT_FNCOV_MAX + 1, sizeof(*v)), sym[256];
	int n = 0;

	if (!text || !v) {
		int err = text ? -ENOMEM : -errno;

		snprintf(why, sz, "available_filter_functions: %s", strerror(-err));
		free(text);
		free(v);
		return err;
	}
	for (l = text; l && *l && n < UT_FNCOV_MAX; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (ut_fncov_pick(l, sym, sizeof(sym)) && (v[n] = strdup(sym)))
			n++;
	free(text);
	*out = v;
	return n;
}

/* A modular overlay loads on first use; an fs context is enough to load it. */
static void load_overlay(void)
{
	long fd = syscall(SYS_fsopen, "overlay", 1 /* FSOPEN_CLOEXEC */);

	if (fd >= 0)
		close((int)fd);
}

static int find_symbols(struct ut_fncov *s, char *why, size_t sz)
{
	char **v = NULL;
	int n = list_symbols(s, &v, why, sz), err;

	if (n == 0) {
		free(v);
		load_overlay();
		n = list_symbols(s, &v, why, sz);
	}
	if (n < 0)
		return n;
	if (n == 0) {
		free(v);
		snprintf(why, sz, "available_filter_functions: no overlay functions "
			 "(no dynamic ftrace for overlay?)");
		return -ENOENT;
	}
	err = ut_fncov_index(s, v, n);
	if (err)
		snprintf(why, sz, "%s", strerror(-err));
	return err;
}

/* "p:undertow_1/ovl_set_attr_part_0 ovl_set_attr.part.0": event names are C names. */
static void event_name(const char *sym, char *ev, size_t sz)
{
	snprintf(ev, sz, "%.63s", sym);
	for (char *p = ev; *p; p++)
		if (*p == '.')
			*p = '_';
}

/* A failure that refuses every probe, not just this symbol. */
static bool fatal(int err)
{
	return err == -EPERM || err == -EACCES || err == -EROFS || err == -ENODEV;
}

static int probe_one(struct ut_fncov *s, int i, char *why, size_t sz)
{
	char ev[64], cmd[512], trig[128], rel[256], w[256];
	int err;

	event_name(s->sym[i], ev, sizeof(ev));
	snprintf(cmd, sizeof(cmd), "p:%s/%s %s\n", s->group, ev, s->sym[i]);
	err = ut_tracefs_write(s->root, "kprobe_events", cmd, w, sizeof(w));
	if (!err) {
		snprintf(rel, sizeof(rel), "instances/%s/events/%s/%s/trigger", s->group, s->group,
			 ev);
		snprintf(trig, sizeof(trig), "hist:name=%s:keys=__probe_ip.sym:size=%d\n",
			 s->group, HIST_SIZE);
		err = ut_tracefs_write(s->root, rel, trig, w, sizeof(w));
		if (!err && !s->hist[0])
			snprintf(s->hist, sizeof(s->hist), "instances/%s/events/%s/%s/hist",
				 s->group, s->group, ev);
	}
	if (err && !s->refused++)
		snprintf(s->refusal, sizeof(s->refusal), "%.100s: %.140s", s->sym[i], w);
	if (err)
		snprintf(why, sz, "%s", w);
	return err;
}

/* The instance, counting only this process and what it forks. */
static int make_instance(struct ut_fncov *s, char *why, size_t sz)
{
	char rel[128], dir[PATH_MAX + 64], pid[32], w[64];

	snprintf(dir, sizeof(dir), "%s/instances/%s", s->root, s->group);
	if (mkdir(dir, 0755) < 0) {
		int err = -errno;

		snprintf(why, sz, "instances/%s: %s", s->group, strerror(-err));
		return err;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	snprintf(rel, sizeof(rel), "instances/%s/set_event_pid", s->group);
	if (ut_tracefs_write(s->root, rel, pid, why, sz))
		return -EPERM;
	snprintf(rel, sizeof(rel), "instances/%s/options/event-fork", s->group);
	if (ut_tracefs_write(s->root, rel, "1\n", why, sz))
		return -EPERM;
	/* Each hit's record is discarded once counted: the buffer needs no room. */
	snprintf(rel, sizeof(rel), "instances/%s/buffer_size_kb", s->group);
	ut_tracefs_write(s->root, rel, "4\n", w, sizeof(w));
	return 0;
}

/* Forget the function index (not the symbols): it is rebuilt from what took. */
static void drop_index(struct ut_fncov *s)
{
	for (int i = 0; i < s->nfn; i++)
		free(s->fn[i]);
	free(s->fn);
	free(s->fn_of);
	free(s->sym);
	s->fn = s->sym = NULL;
	s->fn_of = NULL;
	s->nfn = s->nsym = 0;
}

/* Probe each symbol; keep those that took a probe and a trigger: only they count. */
static int probe_all(struct ut_fncov *s, char *why, size_t sz)
{
	char **keep = calloc(s->nsym + 1, sizeof(*keep)), path[PATH_MAX + 16];
	bool stop = false;
	int n = 0, err = 0, nsym = s->nsym;

	if (!keep)
		return -ENOMEM;
	/* Without it every write below says ENOENT, as an unknown symbol would. */
	snprintf(path, sizeof(path), "%s/kprobe_events", s->root);
	if (access(path, F_OK) < 0) {
		snprintf(why, sz, "kprobe_events: %s", strerror(errno));
		free(keep);
		return -ENOENT;
	}
	for (int i = 0; i < nsym; i++) {
		if (!stop && !(err = probe_one(s, i, why, sz)))
			keep[n++] = s->sym[i];
		else
			free(s->sym[i]);
		/* Refused outright: no point trying the rest. */
		stop = stop || fatal(err) || (err && !n && s->refused >= 8);
	}
	drop_index(s);
	if (!n) {
		free(keep);
		return err ? err : -ENOENT;
	}
	return ut_fncov_index(s, keep, n);
}

int ut_fncov_start(struct ut_fncov *s, char *why, size_t sz)
{
	double t0 = ut_now();
	int err;

	memset(s, 0, sizeof(*s));
	snprintf(s->group, sizeof(s->group), "%s%d", UT_FNCOV_GROUP, (int)getpid());
	err = ut_tracefs_root(s->root, sizeof(s->root), why, sz);
	if (err)
		return err;
	clean_stale(s->root);
	err = find_symbols(s, why, sz);
	if (!err)
		err = make_instance(s, why, sz);
	if (!err)
		err = probe_all(s, why, sz);
	if (err) {
		ut_fncov_stop(s);
		return err;
	}
	s->setup_s = ut_now() - t0;
	return 0;
}

int ut_fncov_read(const struct ut_fncov *s, uint64_t *hits, char *why, size_t sz)
{
	char *text = ut_tracefs_read(s->root, s->hist, NULL);

	if (!text) {
		snprintf(why, sz, "%s: %s", s->hist, strerror(errno));
		return -EIO;
	}
	memset(hits, 0, s->nfn * sizeof(*hits));
	ut_fncov_parse_hist(s, text, hits);
	free(text);
	return 0;
}

void ut_fncov_stop(struct ut_fncov *s)
{
	if (s->root[0] && s->group[0])
		remove_group(s->root, s->group);
	for (int i = 0; i < s->nsym; i++)
		free(s->sym[i]);
	for (int i = 0; i < s->nfn; i++)
		free(s->fn[i]);
	free(s->sym);
	free(s->fn);
	free(s->fn_of);
	memset(s, 0, sizeof(*s));
}
