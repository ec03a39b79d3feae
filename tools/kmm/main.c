// SPDX-License-Identifier: MIT
/*
 * kmm: run, watch and break the kernel's memory allocator in userspace.
 *
 *   kmm demo [options]        the main job: boot, run a workload, print views
 *   kmm proc NAME [options]   boot and print one /proc-style view
 *   kmm slabtop [options]     the slab caches, sorted, like procps slabtop
 *   kmm selftest locking      the locking API self-test
 *   kmm version
 */
#include <kmm/kmm.h>
#include <stdio.h>
#include <string.h>
#include "kmm.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmm COMMAND [options]\n"
		"\n"
		"commands:\n"
		"  demo [options]      boot a machine, run a mixed allocation workload on every\n"
		"                      CPU and print buddyinfo, pagetypeinfo and vmstat\n"
		"  proc NAME [options] boot and print a view: buddyinfo, pagetypeinfo, zoneinfo,\n"
		"                      vmstat, meminfo, dmesg\n"
		"  slabtop [options]   the slab caches sorted by size (procps slabtop's layout),\n"
		"                      once (-o) or refreshed, while a slab workload runs\n"
		"  selftest locking    boot with lockdep on and run the locking API self-test;\n"
		"                      exit status 1 if any case failed\n"
		"  version             print the version\n"
		"\n"
		"Run 'kmm COMMAND --help' for a command's options.  Boot parameters use the\n"
		"kernel's syntax (mem=256M numa=fake=2 debug_pagealloc=on ...) and are also\n"
		"read from KMM_CMDLINE.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "demo"))
		return cmd_demo(argc - 1, argv + 1);
	if (!strcmp(argv[1], "proc"))
		return cmd_proc(argc - 1, argv + 1);
	if (!strcmp(argv[1], "slabtop"))
		return cmd_slabtop(argc - 1, argv + 1);
	if (!strcmp(argv[1], "selftest"))
		return cmd_selftest(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("kmm %s\n", KMM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "kmm: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
