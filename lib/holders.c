// SPDX-License-Identifier: GPL-2.0
/* holders.c - name the processes that keep a mount busy. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "holders.h"
#include "procfs.h"

#define MAX_FDS_SCANNED 4096	/* per process: bounds the scan */

static bool under(const char *p, const char *path, size_t n)
{
	return !strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/');
}

static void comm_of(const char *pid, char *buf, size_t sz)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	n = ut_read_small(path, buf, sz);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

/* Does link @l (relative to /proc/PID) point under @path?  Appends if so. */
static bool check_link(const char *pid, const char *l, const char *path, size_t n,
		       char *buf, size_t sz, size_t *used)
{
	char lp[PATH_MAX], tgt[PATH_MAX], comm[32];
	ssize_t len;

	snprintf(lp, sizeof(lp), "/proc/%s/%s", pid, l);
	len = readlink(lp, tgt, sizeof(tgt) - 1);
	if (len <= 0)
		return false;
	tgt[len] = '\0';
	if (!under(tgt, path, n))
		return false;
	comm_of(pid, comm, sizeof(comm));
	if (*used < sz)
		*used += snprintf(buf + *used, sz - *used, "%spid %s (%s) %s -> %s",
				  *used ? "; " : "", pid, comm, l, tgt);
	return true;
}

int ut_find_holders(const char *path, char *buf, size_t sz)
{
	DIR *proc = opendir("/proc");
	size_t n = strlen(path), used = 0;
	struct dirent *p;
	int found = 0;

	buf[0] = '\0';
	while (proc && (p = readdir(proc))) {
		char fdl[PATH_MAX];
		struct dirent *f;
		DIR *fds;
		int cnt = 0;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		found += check_link(p->d_name, "cwd", path, n, buf, sz, &used);
		found += check_link(p->d_name, "root", path, n, buf, sz, &used);
		snprintf(fdl, sizeof(fdl), "/proc/%s/fd", p->d_name);
		fds = opendir(fdl);
		while (fds && (f = readdir(fds)) && cnt++ < MAX_FDS_SCANNED) {
			char l[300];

			if (!isdigit((unsigned char)f->d_name[0]))
				continue;
			snprintf(l, sizeof(l), "fd/%s", f->d_name);
			found += check_link(p->d_name, l, path, n, buf, sz, &used);
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return found;
}

#define MAX_PROCS_SCANNED 8192

static bool mountinfo_has(const char *pid, const char *needle)
{
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/mountinfo", pid);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return found;
}

/* Does any process's mountinfo hold @needle?  Bounded by MAX_PROCS_SCANNED. */
static bool mounted_anywhere(const char *needle)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	bool found = false;
	int n = 0;

	while (proc && !found && (p = readdir(proc)) && n < MAX_PROCS_SCANNED) {
		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		n++;
		found = mountinfo_has(p->d_name, needle);
	}
	if (proc)
		closedir(proc);
	return found;
}

bool ut_mounted_under_anywhere(const char *dir)
{
	char needle[PATH_MAX + 4];

	snprintf(needle, sizeof(needle), " %s/", dir);
	return mounted_anywhere(needle);
}

bool ut_overlay_mounted_anywhere(void)
{
	return mounted_anywhere(" - overlay ");
}

/* Kernel functions in whose stack a kernel thread is still releasing files. */
static const char *const releasing[] = {
	"io_ring_exit_work+",	/* io_uring: a ring's requests and files, after its fd went */
	"delayed_fput+",	/* fput() from a kernel thread, queued */
	"__fput+",
	NULL
};

#define PF_KTHREAD_FLAG	0x00200000	/* include/linux/sched.h PF_KTHREAD */

/* /proc/PID/stat's flags (field 9, after the comm in parentheses) say kernel thread. */
bool ut_is_kthread(const char *pid)
{
	char path[64], stat[1024], *p;
	unsigned long flags;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	n = ut_read_small(path, stat, sizeof(stat));
	p = n > 0 ? strrchr(stat, ')') : NULL;
	return p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) == 1 &&
	       (flags & PF_KTHREAD_FLAG);
}

/* Is pid @pid a kernel thread in one of releasing[]?  Appends it if so. */
static bool check_releaser(const char *pid, char *buf, size_t sz, size_t *used)
{
	char path[64], stack[4096], comm[32];
	ssize_t n;

	if (!ut_is_kthread(pid))
		return false;
	snprintf(path, sizeof(path), "/proc/%s/stack", pid);
	n = ut_read_small(path, stack, sizeof(stack));
	for (const char *const *f = releasing; n > 0 && *f; f++) {
		if (!strstr(stack, *f))
			continue;
		comm_of(pid, comm, sizeof(comm));
		if (*used < sz)
			*used += snprintf(buf + *used, sz - *used, "%spid %s (%s) in %.*s",
					  *used ? "; " : "", pid, comm, (int)strlen(*f) - 1, *f);
		return true;
	}
	return false;
}

int ut_find_releasers(char *buf, size_t sz)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	size_t used = 0;
	int found = 0, n = 0;

	buf[0] = '\0';
	while (proc && (p = readdir(proc)) && n < MAX_PROCS_SCANNED) {
		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		n++;
		found += check_releaser(p->d_name, buf, sz, &used);
	}
	if (proc)
		closedir(proc);
	return found;
}
