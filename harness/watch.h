/* SPDX-License-Identifier: GPL-2.0 */
/* watch.h - `undertow watch`: any program under the kernel watch. */
#ifndef UT_WATCH_H
#define UT_WATCH_H

/* `undertow watch [-t S] [--results DIR] [--] PROG [ARGS...]`; an exit code. */
int ut_cmd_watch(int argc, char **argv);

#endif
