/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuse_server.h - what the FUSE server's files share (not for the harness:
 * fusefs.h is the interface).  Nodes are keyed by (st_dev, st_ino) and each
 * holds an O_PATH fd opened by name under its parent at lookup time.  The
 * fd pins the inode, so an inode number can't be reused while its node
 * lives, and operations follow the inode through renames and unlinks done
 * by others.  Node ids handed to the kernel are never reused, so a stale id
 * gets ESTALE, not another file.
 */
#ifndef UT_FUSE_SERVER_H
#define UT_FUSE_SERVER_H

#define FUSE_USE_VERSION 35

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <fuse_lowlevel.h>

#define NODE_BUCKETS	4096

struct node {
	struct node *key_next;	/* chain in fs->by_key */
	struct node *id_next;	/* chain in fs->by_id */
	fuse_ino_t id;
	dev_t dev;
	ino_t ino;
	int fd;			/* O_PATH */
	uint64_t nlookup;
};

/* A lookup we never answer; kept to free it when the server ends. */
struct stalled {
	struct stalled *next;
	fuse_req_t req;
};

struct fs {
	struct node root;	/* FUSE_ROOT_ID, in neither table, never freed */
	struct node *by_key[NODE_BUCKETS];
	struct node *by_id[NODE_BUCKETS];
	fuse_ino_t next_id;
	double entry_timeout, attr_timeout;
	struct stalled *stalled;
	uint64_t init_unique;	/* the INIT request, until it is answered */
	bool parallel_dirops;	/* init() asked for it */
};

struct proc_path {
	char s[32];
};

/* Path that reaches the inode behind @fd, even after rename or unlink. */
static inline const char *proc_path(struct proc_path *p, int fd)
{
	snprintf(p->s, sizeof(p->s), "/proc/self/fd/%d", fd);
	return p->s;
}

static inline struct fs *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* errno of the failed call; never 0, which would be read as success. */
static inline int err_now(void)
{
	return errno ? errno : EIO;
}

static inline void reply_status(fuse_req_t req, int ret)
{
	fuse_reply_err(req, ret < 0 ? err_now() : 0);
}

/* fuse_nodes.c: the node table and entry replies. */
struct node *uf_node_by_id(struct fs *fs, fuse_ino_t id);
void uf_node_forget(struct fs *fs, fuse_ino_t id, uint64_t count);
void uf_nodes_free(struct fs *fs);
/* Node for @ino, or NULL after answering ESTALE (the kernel's id is gone). */
struct node *uf_get_node(fuse_req_t req, fuse_ino_t ino);
/* Count a lookup of @n and fill @e's id and timeouts. */
void uf_fill_entry(struct fs *fs, struct node *n, struct fuse_entry_param *e);
/* Look @name up under @parent as it is now.  0 or a positive errno. */
int uf_lookup(struct fs *fs, struct node *parent, const char *name, struct fuse_entry_param *e);
/* Reply @e; if the kernel never got it, it will never forget it: undo. */
void uf_reply_entry(fuse_req_t req, struct fuse_entry_param *e);
/* Answer a create-like op: @ret is its syscall's result. */
void uf_reply_created(fuse_req_t req, struct node *parent, const char *name, int ret);

/* fuse_entry_ops.c: lookups (with fault injection), attributes, names. */
void uf_entry_ops(struct fuse_lowlevel_ops *ops);
/* Answer what's still stalled (EIO), freeing it; the server is ending. */
void uf_stalled_free(struct fs *fs);
/* fuse_file_ops.c: open files and directories, xattrs. */
void uf_file_ops(struct fuse_lowlevel_ops *ops);

#endif
