// SPDX-License-Identifier: GPL-2.0
/* race_cfg.c - --race W:M read against a scenario's op tables. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "race.h"

#define OPNAME_MAX 64

int ut_race_syntax(const char *spec, char *err, size_t sz)
{
	const char *colon = strchr(spec, ':');

	if (!colon || colon == spec || !colon[1] || strchr(colon + 1, ':') ||
	    colon - spec >= OPNAME_MAX || strlen(colon + 1) >= OPNAME_MAX) {
		snprintf(err, sz, "--race wants WORKER_OP:MUTATOR_OP: '%s'", spec);
		return -1;
	}
	return 0;
}

static int find_op(const struct ut_op *ops, const char *name)
{
	for (int k = 0; k < ut_nops(ops); k++)
		if (!strcmp(ops[k].name, name))
			return k;
	return -1;
}

/* " (a b c)": the names a role offers, for the error. */
static void op_names(const struct ut_op *ops, char *buf, size_t sz)
{
	size_t used = snprintf(buf, sz, " (");

	for (int k = 0; k < ut_nops(ops) && used < sz; k++)
		used += snprintf(buf + used, sz - used, "%s%s", k ? " " : "", ops[k].name);
	if (used < sz)
		snprintf(buf + used, sz - used, ")");
}

/* @name in @role's table, or -1 with why not in @err. */
static int lookup(const struct ut_scenario *sc, int role, const char *name, char *err,
		  size_t sz)
{
	const char *what = role == UT_MUTATOR ? "mutator" : "worker";
	const char *other = role == UT_MUTATOR ? "worker" : "mutator";
	int k = find_op(ut_role_ops(sc, role), name);
	char names[512];

	if (k >= 0)
		return k;
	op_names(ut_role_ops(sc, role), names, sizeof(names));
	if (find_op(ut_role_ops(sc, !role), name) >= 0)
		snprintf(err, sz, "--race WORKER_OP:MUTATOR_OP: '%s' is a %s op of %s, not a "
			 "%s op%s", name, other, sc->name, what, names);
	else
		snprintf(err, sz, "--race: '%s' is not a %s op of %s%s", name, what, sc->name,
			 names);
	return -1;
}

int ut_race_resolve(const struct ut_scenario *sc, const char *spec, struct ut_race_cfg *out,
		    char *err, size_t sz)
{
	char w[OPNAME_MAX];
	const char *colon;

	if (ut_race_syntax(spec, err, sz))
		return -1;
	colon = strchr(spec, ':');
	snprintf(w, sizeof(w), "%.*s", (int)(colon - spec), spec);
	if (!sc->mutators[0].name) {
		snprintf(err, sz, "--race: %s has no mutator op to race against", sc->name);
		return -1;
	}
	out->sc = sc;
	out->wop = lookup(sc, UT_WORKER, w, err, sz);
	if (out->wop < 0)
		return -1;
	out->mop = lookup(sc, UT_MUTATOR, colon + 1, err, sz);
	return out->mop < 0 ? -1 : 0;
}
