// SPDX-License-Identifier: GPL-2.0
/* fhandle_ops.c - take handles of merged objects, open them much later. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "fhandle_ops.h"
#include "ops.h"

/* A file_handle with room for the largest handle the kernel hands out. */
union fh_buf {
	struct file_handle fh;
	unsigned char raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
};

struct fh_slot {
	const char *name;
	bool have;		/* h holds a handle */
	int err;		/* else: why it could not be taken */
	union fh_buf h;
};

/*
 * This process's handles.  A table belongs to one scenario: a process that
 * runs another (a test) starts over.
 */
static struct {
	const struct ut_scenario *sc;
	int n;
	struct fh_slot slot[UT_FH_MAX];
} fh;

static int take(int root, const char *name, union fh_buf *b)
{
	int mount_id;

	b->fh.handle_bytes = MAX_HANDLE_SZ;
	return UT_RET(name_to_handle_at(root, name, &b->fh, &mount_id, 0));
}

static struct fh_slot *slot_find(const char *name)
{
	for (int i = 0; i < fh.n; i++)
		if (!strcmp(fh.slot[i].name, name))
			return &fh.slot[i];
	return NULL;
}

/* A new slot for @name with its handle taken now, or NULL if full. */
static struct fh_slot *slot_add(struct ut_ctx *c, const char *name)
{
	struct fh_slot *s;

	if (fh.n == UT_FH_MAX)
		return NULL;
	s = &fh.slot[fh.n++];
	s->name = name;
	s->err = take(c->fd[UT_AT_MERGED], name, &s->h);
	s->have = !s->err;
	return s;
}

/* First fh op of this process: handles of the whole pool, before it changes much. */
static void table_init(struct ut_ctx *c, const struct ut_op *op)
{
	const char *const *pool = op->names ? op->names : c->sc->names;

	if (fh.sc == c->sc)
		return;
	fh.sc = c->sc;
	fh.n = 0;
	for (; pool && *pool; pool++)
		if (!slot_find(*pool))
			slot_add(c, *pool);
}

int ut_fh_open(struct ut_ctx *c, const struct ut_op *op)
{
	struct fh_slot *s;
	const char *n;
	int fd;

	table_init(c, op);
	n = ut_pick(c, op);
	s = slot_find(n);
	if (!s)
		s = slot_add(c, n);
	if (!s)
		return -ENOBUFS;
	if (!s->have)
		return s->err;
	fd = open_by_handle_at(c->fd[UT_AT_MERGED], &s->h.fh, O_RDONLY | O_CLOEXEC | (int)op->arg);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int ut_fh_rehandle(struct ut_ctx *c, const struct ut_op *op)
{
	struct fh_slot *s;
	union fh_buf b;
	const char *n;
	int r;

	table_init(c, op);
	n = ut_pick(c, op);
	s = slot_find(n);
	if (!s) {
		s = slot_add(c, n);
		return s ? s->err : -ENOBUFS;
	}
	r = take(c->fd[UT_AT_MERGED], n, &b);
	if (!r) {
		s->h = b;
		s->have = true;
	} else if (!s->have) {
		s->err = r;
	}
	return r;
}
