// SPDX-License-Identifier: MIT
/*
 * The locking API self-test (locking_selftest(), `kmm selftest locking`):
 * every case of the matrix behaves as expected, the table and the verdict
 * are printed as the kernel prints them, reports stay silent while it runs
 * and lockdep works normally afterwards; a case run with its expectation
 * flipped is counted as a failure and turns lock debugging off; the suite
 * refuses to run with lockdep off; locking_selftest=on runs it at boot.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include <kmm/debug_locks.h>
#include <kmm/lockdep.h>
#include <kmm/spinlock.h>
#include <stdio.h>
#include <string.h>

int kmm_locking_selftest_cell(const char *row, int col, int flip, int *total);

static void boot(const char *cmdline)
{
	kmm_exit();
	test_boot(cmdline);
	kmm_dmesg_clear();
}

static void test_full_suite(void)
{
	char want[64];
	int ret, cells;

	boot("lockdep=on");
	ret = kmm_locking_selftest();
	is_int(ret, 0, "every case behaves as expected (0 unexpected failures)");
	like(test_dmesg(), "------------------------\n", "the banner's first rule");
	like(test_dmesg(), "| Locking API testsuite:\n", "the banner");
	like(test_dmesg(), "                                 | spin |wlock |rlock |mutex | wsem | rsem |\n",
	     "the column header");
	like(test_dmesg(), "                     A-A deadlock:  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |\n",
	     "the A-A row, one cell per lock type");
	like(test_dmesg(), "         A-B-C-D-B-C-D-A deadlock:  ok  |", "the longest cycle row");
	like(test_dmesg(), "              recursive read-lock:             |  ok  |             |  ok  |\n",
	     "rwlock readers recursive, rwsem readers not");
	like(test_dmesg(), "     hard-irqs-on + irq-safe-A/12:  ok  |  ok  |  ok  |\n",
	     "a hardirq-safety row");
	like(test_dmesg(), "    soft-safe-A + unsafe-B #2/321:  ok  |  ok  |  ok  |\n",
	     "a softirq-safety permutation row");
	like(test_dmesg(), "      soft-irq lock-inversion/213:", "irq inversion rows");
	like(test_dmesg(), "   hard-irq read-recursion #3/321:      |  ok  |  ok  |\n",
	     "irq read-recursion rows");
	like(test_dmesg(), "  | Wound/wait tests |\n", "the ww_mutex section");
	like(test_dmesg(), "                 EDEADLK handling:  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |\n",
	     "the EDEADLK row");
	like(test_dmesg(), "                                 |block | try  |context|\n",
	     "the ww block/try/context table");
	unlike(test_dmesg(), "FAILED|", "no cell failed");

	cells = test_dmesg_count("  ok  |");
	ok(cells > 300, "%d cells ran", cells);
	snprintf(want, sizeof(want), "Good, all %3d testcases passed! |\n", cells);
	like(test_dmesg(), want, "the verdict counts every cell");

	/* debug_locks_silent: the provoked reports printed nothing. */
	unlike(test_dmesg(), "WARNING: possible", "no lockdep report leaked");
	unlike(test_dmesg(), "bad unlock balance", "no unlock-balance report leaked");
	unlike(test_dmesg(), "inconsistent lock state", "no irq-state report leaked");
	unlike(test_dmesg(), "DEBUG_LOCKS_WARN_ON", "no DEBUG_LOCKS_WARN_ON leaked");
	unlike(test_dmesg(), "sleeping function called from invalid context",
	       "no might_sleep report leaked");
	is_int(kmm_debug_locks_silent, 0, "debug_locks_silent is cleared afterwards");
	is_int(kmm_debug_locks, 1, "lock debugging is still on");
	ok(kmm_lockdep_enabled(), "lockdep still enabled");

	/* A second run gives the same verdict (the suite resets what it uses). */
	kmm_dmesg_clear();
	is_int(kmm_locking_selftest(), 0, "a second run passes too");
	like(test_dmesg(), want, "with the same count");

	/* lockdep works, and reports, after the suite. */
	{
		static DEFINE_SPINLOCK(p);
		static DEFINE_SPINLOCK(q);

		kmm_dmesg_clear();
		spin_lock(&p); spin_lock(&q); spin_unlock(&q); spin_unlock(&p);
		spin_lock(&q); spin_lock(&p); spin_unlock(&p); spin_unlock(&q);
		like(test_dmesg(), "WARNING: possible circular locking dependency detected",
		     "a real ABBA after the suite is reported");
		is_int(kmm_debug_locks, 0, "and turns lock debugging off");
	}
}

static void test_flipped_expectation(void)
{
	int total = -1;

	boot("lockdep=on");
	is_int(kmm_locking_selftest_cell("A-A deadlock", 0, 0, &total), 0,
	       "A-A spin cell as specified: passes");
	is_int(total, 1, "one cell ran");
	like(test_dmesg(), "Good, all   1 testcases passed! |\n", "its verdict");

	kmm_dmesg_clear();
	is_int(kmm_locking_selftest_cell("A-A deadlock", 0, 1, &total), 1,
	       "A-A spin cell expected quiet: one unexpected failure");
	is_int(total, 1, "one cell ran");
	like(test_dmesg(), "BUG:   1 unexpected failures (out of   1) - debugging disabled! |\n",
	     "the kernel's failure verdict");
	is_int(kmm_debug_locks, 0, "an unexpected failure turns lock debugging off");

	kmm_dmesg_clear();
	is_int(kmm_locking_selftest(), -1, "the suite does not run with lock debugging off");
	like(test_dmesg(), "| Locking API testsuite disabled |\n", "and says so");

	boot("lockdep=on");
	is_int(kmm_locking_selftest_cell("recursive read-lock", 0, 1, &total), 1,
	       "recursive rwlock read expected to report: counted as a failure");
	boot("lockdep=on");
	is_int(kmm_locking_selftest_cell("EDEADLK handling", 2, 1, &total), 1,
	       "ww no-unlock-after-EDEADLK expected quiet: counted as a failure");
	boot("lockdep=on");
	is_int(kmm_locking_selftest_cell("hard-irq lock-inversion/123", 2, 0, &total), 0,
	       "rlock inversion cell as specified: passes");
	is_int(kmm_locking_selftest_cell("no such row", 0, 0, &total), 0, "an unknown row");
	is_int(total, 0, "runs nothing");
}

static void test_lockdep_off(void)
{
	boot("");
	is_int(kmm_locking_selftest(), -1, "lockdep off (the library default): does not run");
	like(test_dmesg(), "| Locking API testsuite disabled |\n", "and says so");
	unlike(test_dmesg(), "Good, all", "no verdict");
}

static void test_boot_param(void)
{
	kmm_exit();
	kmm_console_set_fd(-1);
	kmm_dmesg_clear();
	kmm_init("lockdep=on locking_selftest=on");
	like(test_dmesg(), "| Locking API testsuite:\n", "locking_selftest=on runs the suite at boot");
	like(test_dmesg(), "testcases passed! |\n", "and it passes");
	is_int(kmm_debug_locks, 1, "lock debugging on after the boot-time run");

	kmm_exit();
	kmm_dmesg_clear();
	kmm_init("lockdep=on locking_selftest=1 locking_selftest=off");
	unlike(test_dmesg(), "Locking API testsuite", "locking_selftest=off (kstrtobool): no run");

	kmm_exit();
	kmm_dmesg_clear();
	kmm_init("lockdep=on");
	unlike(test_dmesg(), "Locking API testsuite", "off by default");

	kmm_exit();
	kmm_dmesg_clear();
	kmm_init("locking_selftest=y");
	unlike(test_dmesg(), "Locking API testsuite", "not run with lockdep off");
}

int main(void)
{
	test_full_suite();
	test_flipped_expectation();
	test_lockdep_off();
	test_boot_param();
	kmm_exit();
	return done_testing();
}
