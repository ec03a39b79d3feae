/* SPDX-License-Identifier: MIT */
/*
 * What the locking self-test's files share (hidden): the test locks, the
 * ww_mutex objects, and the case runner.  locking_selftest.c holds the
 * deadlock, read-lock and irq matrix; locking_selftest_ww.c the ww_mutex
 * cases.
 */
#ifndef KMM_LOCKING_SELFTEST_H
#define KMM_LOCKING_SELFTEST_H

#include <kmm/spinlock.h>
#include <kmm/ww_mutex.h>

/* A-D each have a class of their own; X1/X2, Y1/Y2, Z1/Z2 share one per letter. */
enum { A, B, C, D, X1, X2, Y1, Y2, Z1, Z2, NR_TLOCKS };

extern spinlock_t kmm_st_spin[NR_TLOCKS];
extern struct ww_class kmm_st_ww_class;
extern struct ww_acquire_ctx kmm_st_ww_t, kmm_st_ww_t2;
extern struct ww_mutex kmm_st_ww_o, kmm_st_ww_o2, kmm_st_ww_o3;

#define FAILURE	0	/* lockdep must report */
#define SUCCESS	1	/* lockdep must stay quiet */
#define RULE_WIDE	"  --------------------------------------------------------------------------"

/* Run one case and print its cell; rows are named and ended around them. */
void kmm_st_dotest(void (*testcase_fn)(void), int expected);
void kmm_st_print_testname(const char *name);
void kmm_st_end_row(void);
void kmm_st_rule(const char *line);
#define dotest		kmm_st_dotest
#define print_testname	kmm_st_print_testname
#define end_row		kmm_st_end_row
#define rule		kmm_st_rule

/* The "Wound/wait tests" rows (locking_selftest_ww.c). */
void kmm_st_ww_tests(void);

#endif /* KMM_LOCKING_SELFTEST_H */
