// SPDX-License-Identifier: GPL-2.0
/* fuse_nodes.c - the FUSE server's node table: kernel ids to O_PATH fds. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuse_server.h"

static unsigned int key_hash(dev_t dev, ino_t ino)
{
	return (unsigned int)((ino * 0x9e3779b97f4a7c15ULL ^ dev) % NODE_BUCKETS);
}

static struct node *node_by_key(struct fs *fs, dev_t dev, ino_t ino)
{
	struct node *n = fs->by_key[key_hash(dev, ino)];

	while (n && (n->dev != dev || n->ino != ino))
		n = n->key_next;
	return n;
}

struct node *uf_node_by_id(struct fs *fs, fuse_ino_t id)
{
	struct node *n;

	if (id == FUSE_ROOT_ID)
		return &fs->root;
	n = fs->by_id[id % NODE_BUCKETS];
	while (n && n->id != id)
		n = n->id_next;
	return n;
}

/* Takes over @fd. */
static struct node *node_new(struct fs *fs, int fd, const struct stat *st)
{
	struct node *n = calloc(1, sizeof(*n));
	unsigned int k;

	if (!n)
		return NULL;
	n->fd = fd;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	n->id = fs->next_id++;
	k = key_hash(n->dev, n->ino);
	n->key_next = fs->by_key[k];
	fs->by_key[k] = n;
	n->id_next = fs->by_id[n->id % NODE_BUCKETS];
	fs->by_id[n->id % NODE_BUCKETS] = n;
	return n;
}

static void unchain(struct node **head, struct node *n, bool by_key)
{
	struct node **pp = head;

	while (*pp && *pp != n)
		pp = by_key ? &(*pp)->key_next : &(*pp)->id_next;
	if (*pp)
		*pp = by_key ? n->key_next : n->id_next;
}

static void node_free(struct fs *fs, struct node *n)
{
	unchain(&fs->by_key[key_hash(n->dev, n->ino)], n, true);
	unchain(&fs->by_id[n->id % NODE_BUCKETS], n, false);
	close(n->fd);
	free(n);
}

void uf_node_forget(struct fs *fs, fuse_ino_t id, uint64_t count)
{
	struct node *n = uf_node_by_id(fs, id);

	if (!n || n == &fs->root)
		return;
	n->nlookup = count < n->nlookup ? n->nlookup - count : 0;
	if (!n->nlookup)
		node_free(fs, n);
}

void uf_nodes_free(struct fs *fs)
{
	for (int i = 0; i < NODE_BUCKETS; i++)
		while (fs->by_id[i])
			node_free(fs, fs->by_id[i]);
}

struct node *uf_get_node(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = uf_node_by_id(req_fs(req), ino);

	if (!n)
		fuse_reply_err(req, ESTALE);
	return n;
}

void uf_fill_entry(struct fs *fs, struct node *n, struct fuse_entry_param *e)
{
	n->nlookup++;
	e->ino = n->id;
	e->attr_timeout = fs->attr_timeout;
	e->entry_timeout = fs->entry_timeout;
}

int uf_lookup(struct fs *fs, struct node *parent, const char *name, struct fuse_entry_param *e)
{
	struct node *n;
	int fd, err;

	memset(e, 0, sizeof(*e));
	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_now();
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		err = err_now();
		close(fd);
		return err;
	}
	n = node_by_key(fs, e->attr.st_dev, e->attr.st_ino);
	if (n) {
		close(fd);
	} else {
		n = node_new(fs, fd, &e->attr);
		if (!n) {
			close(fd);
			return ENOMEM;
		}
	}
	uf_fill_entry(fs, n, e);
	return 0;
}

void uf_reply_entry(fuse_req_t req, struct fuse_entry_param *e)
{
	if (fuse_reply_entry(req, e))
		uf_node_forget(req_fs(req), e->ino, 1);
}

void uf_reply_created(fuse_req_t req, struct node *parent, const char *name, int ret)
{
	struct fuse_entry_param e;
	int err = ret < 0 ? err_now() : uf_lookup(req_fs(req), parent, name, &e);

	if (err)
		fuse_reply_err(req, err);
	else
		uf_reply_entry(req, &e);
}
