/* SPDX-License-Identifier: GPL-2.0 */
/* vmcollect.h - results of a VM run, from its serial logs. */
#ifndef UT_VMCOLLECT_H
#define UT_VMCOLLECT_H

/* `undertow vm-collect DATA_LOG CONSOLE_LOG RESULTS_DIR ok|panic|hang`; an exit code. */
int ut_vm_collect(int argc, char **argv);

#endif
