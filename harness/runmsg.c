// SPDX-License-Identifier: GPL-2.0
/*
 * runmsg.c - the runner's findings and snapshots, one JSON object per line
 * on a pipe.  Each is written as soon as a step ends, so a runner the
 * kernel kills later has already told the supervisor everything before.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runctl.h"

static int send_line(int fd, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);	/* no raw newline inside */
	size_t len, off = 0;
	int err = 0;

	json_decref(o);
	if (!s)
		return -ENOMEM;
	len = strlen(s);
	s[len++] = '\n';	/* over the NUL: written by length */
	while (off < len) {
		ssize_t n = write(fd, s + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		off += n;
	}
	free(s);
	return err;
}

int ut_msg_send(int fd, const struct ut_findings *f, int *sent, json_t *snap)
{
	int err = 0;

	for (; *sent < f->n && !err; (*sent)++)
		err = send_line(fd, json_pack("{s:[s,s]}", "f", ut_verdict_name(f->v[*sent].kind),
					      f->v[*sent].detail));
	if (!err && json_object_size(snap)) {
		err = send_line(fd, json_pack("{s:O}", "s", snap));
		json_object_clear(snap);
	}
	return err;
}

int ut_msg_send_opts(int fd, const char *opts)
{
	return send_line(fd, json_pack("{s:s}", "o", opts));
}

static void apply(const char *line, struct ut_result *r, json_t *snap)
{
	json_t *m = json_loads(line, 0, NULL), *v;
	const char *kind, *detail;
	int k;

	if (!m) {
		ut_finding_add(&r->findings, UT_BROKEN, "runner sent a bad message: %.80s", line);
		return;
	}
	if (!json_unpack(json_object_get(m, "f"), "[ss]", &kind, &detail) &&
	    (k = ut_verdict_of(kind)) >= 0)
		ut_finding_add(&r->findings, k, "%s", detail);
	if ((v = json_object_get(m, "s")))
		json_object_update(snap, v);
	if ((v = json_object_get(m, "o")) && json_is_string(v))
		snprintf(r->ovl_options, sizeof(r->ovl_options), "%s", json_string_value(v));
	json_decref(m);
}

void ut_msg_recv(int fd, struct ut_result *r, json_t *snap, char **buf, size_t *len)
{
	char chunk[16384], *nl;
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)) {
		char *grown = n > 0 ? realloc(*buf, *len + n + 1) : *buf;

		if (!grown)
			return;
		*buf = grown;
		memcpy(*buf + *len, chunk, n > 0 ? n : 0);
		*len += n > 0 ? n : 0;
		(*buf)[*len] = '\0';
	}
	while (*buf && (nl = memchr(*buf, '\n', *len))) {
		*nl = '\0';
		apply(*buf, r, snap);
		*len -= nl + 1 - *buf;
		memmove(*buf, nl + 1, *len + 1);
	}
}
