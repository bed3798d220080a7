/* SPDX-License-Identifier: GPL-2.0 */
/* registry.h - the scenarios linked in, and picking them by name or tag. */
#ifndef UT_REGISTRY_H
#define UT_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* All registered scenarios sorted by name; count in *n. */
const struct ut_scenario *const *ut_registry(int *n);
const struct ut_scenario *ut_find(const char *name);
bool ut_has_tag(const struct ut_scenario *sc, const char *tag);
/*
 * Scenarios matching any of @sel (names, tags, "all"), in registry order
 * and without repeats; none selected = every scenario not tagged
 * "selftest".  Returns the count, or -1 with the unknown word in @err.
 */
int ut_select(char **sel, int nsel, const struct ut_scenario **out, int max,
	      char *err, size_t errsz);

#endif
