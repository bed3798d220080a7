/* SPDX-License-Identifier: GPL-2.0 */
/* unframe.h - the files and KTAP a VM repro streamed back. */
#ifndef UT_UNFRAME_H
#define UT_UNFRAME_H

/* `undertow unframe DATA_LOG DIR`; an exit code. */
int ut_unframe(int argc, char **argv);

#endif
