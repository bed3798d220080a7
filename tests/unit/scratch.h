/* SPDX-License-Identifier: GPL-2.0 */
/* scratch.h - a fresh /tmp directory per unit test, and files in it. */
#ifndef UT_TEST_SCRATCH_H
#define UT_TEST_SCRATCH_H

/* The directory of the running test: /tmp/ut-<tag>.XXXXXX. */
extern char scratch_base[64];

/* Check fixtures: make it, and remove it with all it holds. */
void scratch_setup(const char *tag);
void scratch_teardown(void);
/* scratch_base/@name; four rotating buffers, so a call can take several. */
char *scratch_at(const char *name);
/* Write @text to @path (asserts). */
void scratch_put(const char *path, const char *text);

#endif
