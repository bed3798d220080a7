/* SPDX-License-Identifier: GPL-2.0 */
/* suites.h - every unit-test suite, run by test_main.c. */
#ifndef UT_SUITES_H
#define UT_SUITES_H

#include <check.h>
#include <jansson.h>

Suite *kmsg_suite(void);
Suite *taint_suite(void);
Suite *core_suite(void);
Suite *results_suite(void);
/* Test cases results_suite() adds. */
TCase *rundir_tcase(void);
TCase *results_read_tcase(void);
Suite *cli_suite(void);
Suite *registry_suite(void);
Suite *mount_suite(void);
Suite *mountwhy_suite(void);
Suite *fusefs_suite(void);
Suite *matrix_suite(void);
Suite *uring_suite(void);
Suite *diff_suite(void);
Suite *supervise_suite(void);
Suite *ktap_merge_suite(void);
Suite *merge_suite(void);
Suite *coverage_suite(void);
Suite *diff_cov_suite(void);
Suite *blkcov_suite(void);
Suite *kreport_suite(void);
Suite *emulated_suite(void);
/* A JSON array of the strings of NULL-terminated @l (test_kreport.c). */
json_t *json_lines(const char *const *l);
Suite *repro_suite(void);
Suite *race_suite(void);
Suite *race_seq_suite(void);
Suite *explore_suite(void);

#endif
