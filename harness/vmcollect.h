/* SPDX-License-Identifier: GPL-2.0 */
/* vmcollect.h - results of a VM run, from its serial logs. */
#ifndef UT_VMCOLLECT_H
#define UT_VMCOLLECT_H

/* `undertow vm-collect DATA_LOG CONSOLE_LOG RESULTS_DIR ok|panic|hang`; an exit code. */
int ut_vm_collect(int argc, char **argv);
/*
 * `undertow vm-watch DATA_LOG CONSOLE_LOG ok|panic|hang NAME` (vm.sh
 * --exec): the guest's watch KTAP, or a crash or hang of NAME when the
 * guest died; an exit code (vmwatch.c).
 */
int ut_vm_watch(int argc, char **argv);

#endif
