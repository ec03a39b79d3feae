// SPDX-License-Identifier: MIT
/*
 * kmm selftest locking: boot with lockdep on and run the locking API
 * self-test (lib/locking-selftest.c's matrix), printing its table as the
 * kernel's log would show it, without timestamps.  Exit status 0 when
 * every case behaved as expected, 1 otherwise.
 */
#include <kmm/kmm.h>
#include <kmm/debug_locks.h>
#include <stdio.h>
#include <string.h>
#include "kmm.h"

static int usage(FILE *f, int ret)
{
	fprintf(f,
		"usage: kmm selftest locking [BOOT-PARAMETER ...]\n"
		"  locking: the locking API self-test (spinlock, rwlock, mutex, rwsem and\n"
		"           ww_mutex cases: deadlock patterns, bad unlocks, irq-safety,\n"
		"           recursive reads), printed as the kernel prints it at boot\n");
	return ret;
}

int cmd_selftest(int argc, char **argv)
{
	char cmdline[4096] = "lockdep=on printk.time=0";
	int i, ret;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout, 0);
	if (argc < 2 || strcmp(argv[1], "locking")) {
		if (argc >= 2)
			fprintf(stderr, "kmm selftest: unknown test '%s'\n", argv[1]);
		return usage(stderr, 2);
	}
	for (i = 2; i < argc; i++) {
		strncat(cmdline, " ", sizeof(cmdline) - strlen(cmdline) - 1);
		strncat(cmdline, argv[i], sizeof(cmdline) - strlen(cmdline) - 1);
	}
	kmm_console_set_fd(-1);		/* the boot banner stays in the log */
	ret = kmm_init(cmdline);
	if (ret) {
		fprintf(stderr, "kmm selftest: boot failed: %s\n", strerror(-ret));
		return 1;
	}
	fflush(stdout);
	kmm_console_set_fd(1);
	kmm_console_set_loglevel(LOGLEVEL_DEBUG + 1);
	ret = kmm_locking_selftest();
	kmm_console_set_fd(-1);
	if (ret < 0)
		fprintf(stderr, "kmm selftest: lockdep is off, the suite did not run\n");
	kmm_exit();
	return ret ? 1 : 0;
}
