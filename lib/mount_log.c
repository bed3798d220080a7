// SPDX-License-Identifier: GPL-2.0
/* mount_log.c - the kernel's words about a failed overlay mount. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mount_log.h"

#define LOG_ERR_LEVEL	3	/* pr_err; overlay's warnings come with mounts that work */

static void append(char *text, size_t sz, const char *msg)
{
	size_t used = strlen(text);

	if (used + 1 < sz)
		snprintf(text + used, sz - used, "%s%s", used ? "; " : "", msg);
}

void ut_mount_log_fc(int fsfd, char *text, size_t sz)
{
	char msg[256];

	for (int i = 0; i < 16; i++) {
		ssize_t n = read(fsfd, msg, sizeof(msg) - 1);

		if (n <= 0)
			break;
		msg[n] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		/* "e " error, "w " warning, "i " info */
		if (n > 2 && msg[0] == 'e' && msg[1] == ' ')
			append(text, sz, msg + 2);
	}
}

void ut_mount_log_open(struct ut_mount_log *l)
{
	if (ut_kmsg_open(&l->k))
		l->k.fd = -1;
}

void ut_mount_log_close(struct ut_mount_log *l)
{
	ut_kmsg_close(&l->k);
}

struct grab {
	char *text;
	size_t sz;
};

/* "overlayfs: " is pr_fmt; "overlay: " the fs context's prefix, echoed (6.5+). */
static bool is_overlay_error(const struct ut_kmsg_rec *r)
{
	return r->facility == 0 && r->level <= LOG_ERR_LEVEL &&
	       (!strncmp(r->msg, "overlayfs: ", 11) || !strncmp(r->msg, "overlay: ", 9));
}

static void grab_one(const struct ut_kmsg_rec *r, enum ut_kmsg_class cls, const char *why,
		     void *arg)
{
	struct grab *g = arg;

	(void)cls;
	(void)why;
	if (is_overlay_error(r))
		append(g->text, g->sz, r->msg);
}

void ut_mount_log_kmsg(struct ut_mount_log *l, char *text, size_t sz)
{
	char mine[256] = "";
	struct grab g = { mine, sizeof(mine) };

	if (l->k.fd < 0)
		return;
	ut_kmsg_drain(&l->k, grab_one, &g);
	if (!text[0])
		snprintf(text, sz, "%s", mine);
}
