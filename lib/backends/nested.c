// SPDX-License-Identifier: GPL-2.0
/*
 * nested.c - each lower is itself an overlay, with its own lower, upper
 * and work on the scenario's tmpfs.  Mutators change it through that
 * inner overlay.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "layers.h"
#include "mount.h"

struct nested_priv {
	int ninner;	/* inner overlays mounted, at l->lower[0..ninner-1] */
};

/* Lower @i: n<i>/{l,u,w} mounted as an overlay at n<i>/m. */
static int nested_lower(struct ut_layers *l, int i, char *why, size_t sz)
{
	struct nested_priv *p = UT_BACKEND_PRIV(l, struct nested_priv);
	char base[PATH_MAX], name[16], lo[PATH_MAX], up[PATH_MAX], wk[PATH_MAX];
	struct ut_mount_req req = { .nlower = 1, .upper = up, .work = wk };
	struct ut_mount_res res;
	int err;

	snprintf(name, sizeof(name), "n%d", i);
	err = ut_layers_subdir(base, l->lower_base, name, why, sz);
	err = err ? err : ut_layers_subdir(lo, base, "l", why, sz);
	err = err ? err : ut_layers_subdir(up, base, "u", why, sz);
	err = err ? err : ut_layers_subdir(wk, base, "w", why, sz);
	err = err ? err : ut_layers_subdir(l->lower[i], base, "m", why, sz);
	if (err)
		return err;
	req.lower[0] = lo;
	req.target = l->lower[i];
	if (ut_ovl_mount(&req, &res)) {
		snprintf(why, sz, "inner overlay: %s", res.why);
		return res.fail == UT_MNT_UNSUPPORTED ? -EOPNOTSUPP : res.err;
	}
	p->ninner = i + 1;
	memcpy(l->lower_mnt[i], l->lower[i], PATH_MAX);
	return 0;
}

static int nested_destroy(struct ut_layers *l)
{
	struct nested_priv *p = UT_BACKEND_PRIV(l, struct nested_priv);
	int err = 0;

	while (p->ninner > 0)
		ut_keep_first(&err, ut_umount_or_detach(l->lower[--p->ninner]));
	return err;
}

static const struct ut_backend nested_backend = {
	.name = "nested",
	.rank = 50,
	.make_lower = nested_lower,
	.destroy = nested_destroy,
};
UT_BACKEND_REGISTER(nested_backend);
