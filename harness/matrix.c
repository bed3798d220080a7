// SPDX-License-Identifier: GPL-2.0
/* matrix.c - expanding scenarios into variants, and slicing them. */
#include <stdio.h>
#include <string.h>

#include "matrix.h"

#define QUICK_EVERY 3	/* quick: a scenario takes one column in three */
#define MAX_COLUMNS 256	/* backends x option sets */

#define SAFE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._,=+-"

void ut_label_safe(char *s)
{
	if (!*s) {
		strcpy(s, "_");
		return;
	}
	for (char *p = s; *p; p++)
		if (!strchr(SAFE_CHARS, *p) || (p == s && *p == '.'))
			*p = '_';
}

static void name_variant(struct ut_variant *v)
{
	bool dflt = !strcmp(v->set->name, "default");
	/* The backend a scenario demands is its plain run too. */
	bool own = v->sc->backend && !strcmp(v->sc->backend, ut_backend_name(&v->be));
	bool plain = ut_backend_caps(&v->be) & UT_BE_DEFAULT;
	char scn[sizeof(v->name) - sizeof(v->label)];	/* "scn@label" fits */

	snprintf(v->label, sizeof(v->label), "%s%s%s", ut_backend_name(&v->be),
		 dflt ? "" : ",", dflt ? "" : v->set->name);
	ut_label_safe(v->label);
	snprintf(scn, sizeof(scn), "%s", v->sc->name);
	ut_label_safe(scn);
	if ((plain || own) && dflt)
		snprintf(v->name, sizeof(v->name), "%s", scn);
	else
		snprintf(v->name, sizeof(v->name), "%s@%s", scn, v->label);
}

static bool seen(const struct ut_variant *out, int n, const struct ut_variant *v)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(out[i].name, v->name))
			return true;
	return false;
}

/* The backend @sc names; the default if it names none we have. */
static void needed_backend(const struct ut_scenario *sc, struct ut_backend_spec *be)
{
	char why[256];

	if (ut_backend_parse(sc->backend, be, why, sizeof(why)))
		memset(be, 0, sizeof(*be));
}

int ut_matrix_expand(const struct ut_scenario *const *sc, int nsc,
		     const struct ut_backend_spec *be, int nbe,
		     const struct ut_optset *const *sets, int nsets,
		     struct ut_variant *out, int max)
{
	int n = 0;

	for (int i = 0; i < nsc; i++)
		for (int b = 0; b < nbe; b++)
			for (int s = 0; s < nsets && n < max; s++) {
				struct ut_variant *v = &out[n];

				v->sc = sc[i];
				v->be = be[b];
				if (sc[i]->backend)	/* it needs that one */
					needed_backend(sc[i], &v->be);
				v->set = sets[s];
				name_variant(v);
				if (!seen(out, n, v))
					n++;
			}
	return n;
}

/*
 * The columns of the full matrix: (backend, set) pairs, leaving out the
 * backends that need the user's own paths.
 */
static int columns(const struct ut_backend **be, const struct ut_optset **set, int max)
{
	int nsets, nbe, n = 0;
	const struct ut_optset *all = ut_optsets(&nsets);
	const struct ut_backend *const *bes = ut_backends(&nbe);

	for (int b = 0; b < nbe; b++) {
		if (bes[b]->caps & UT_BE_USER_PATHS)
			continue;
		for (int s = 0; s < nsets && n < max; s++, n++) {
			be[n] = bes[b];
			set[n] = &all[s];
		}
	}
	return n;
}

int ut_matrix_preset(const char *preset, const struct ut_scenario *const *sc, int nsc,
		     struct ut_variant *out, int max)
{
	const struct ut_backend *be[MAX_COLUMNS];
	const struct ut_optset *set[MAX_COLUMNS];
	int ncol = columns(be, set, MAX_COLUMNS), n = 0;
	bool quick = !strcmp(preset, "quick");

	if (!quick && strcmp(preset, "full"))
		return -1;
	for (int i = 0; i < nsc; i++)
		for (int c = 0; c < ncol && n < max; c++) {
			bool dflt = !strcmp(set[c]->name, "default");
			bool tmpfs = be[c]->caps & UT_BE_DEFAULT;
			struct ut_backend_spec spec = { .ops = be[c] };
			struct ut_variant v;

			/* Quick: the plain run, every option set on tmpfs, every
			 * backend with the default set, each for a third of the
			 * scenarios. */
			if (quick && !(tmpfs && dflt) &&
			    ((i + c) % QUICK_EVERY || !(tmpfs || dflt)))
				continue;
			if (ut_matrix_expand(&sc[i], 1, &spec, 1, &set[c], 1, &v, 1) &&
			    !seen(out, n, &v))
				out[n++] = v;
		}
	return n;
}

int ut_matrix_shard(struct ut_variant *v, int nv, int k, int n)
{
	int kept = 0;

	for (int i = 0; i < nv; i++)
		if (i % n == k - 1)
			v[kept++] = v[i];
	return kept;
}
