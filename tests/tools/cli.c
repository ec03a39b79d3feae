// SPDX-License-Identifier: MIT
/*
 * The kmm tool and the library as an outside program uses them: kmm demo
 * and kmm proc run and print what they should, and a program built with
 * the README's command line against build/libkmm.so works.
 */
#include "run_cmd.h"

#ifndef KMM_CC
#define KMM_CC "cc"
#endif

int main(void)
{
	char cmd[1024];

	is_int(run_kmm("demo --seconds 0.3 --mem 64M"), 0, "kmm demo exits 0");
	like(out, "kmm demo: mem=64M", "the demo names its command line");
	like(out, "--- /proc/buddyinfo\nNode 0, zone      DMA", "it prints buddyinfo");
	like(out, "--- /proc/pagetypeinfo\nPage block order: 9", "it prints pagetypeinfo");
	like(out, "--- /proc/vmstat\nnr_free_pages ", "it prints vmstat");
	like(out, "zone_validate: 0 errors", "the validator finds nothing after the workload");
	unlike(out, "BUG", "no reports");

	is_int(run_kmm("proc buddyinfo mem=64M kmm.dma_size=0"), 0, "kmm proc buddyinfo exits 0");
	is_str(out, "Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0     16 \n",
	       "a fresh 64M machine: 16 free order-10 blocks");
	ok(run_kmm("proc nosuchview") != 0 && strstr(out, "no view named"), "an unknown view is an error");
	is_int(run_kmm("frobnicate"), 2, "an unknown command exits 2");

	is_int(run_kmm("selftest locking"), 0, "kmm selftest locking exits 0");
	like(out, "| Locking API testsuite:\n", "it prints the suite's banner");
	like(out, "                     A-A deadlock:  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |\n",
	     "the A-A row");
	like(out, "Good, all 344 testcases passed! |\n", "and the verdict");
	unlike(out, "FAILED|", "no case failed");
	snprintf(cmd, sizeof(cmd), "KMM_CMDLINE=lockdep=off %s/kmm selftest locking 2>&1",
		 KMM_BUILD);
	is_int(run(cmd), 1, "with lockdep forced off it cannot run: exit 1");
	like(out, "| Locking API testsuite disabled |", "and says so");
	is_int(run_kmm("selftest nosuch"), 2, "an unknown self-test exits 2");

	/* The README's link line, against the shared library. */
	snprintf(cmd, sizeof(cmd),
		 "%s -Iinclude examples/hello.c -L%s -lkmm -Wl,-rpath,%s%s -pthread "
		 "-o %s/hello 2>&1 && %s/hello 2>&1", KMM_CC, KMM_BUILD,
		 KMM_BUILD[0] == '/' ? "" : "$PWD/", KMM_BUILD, KMM_BUILD, KMM_BUILD);
	is_int(run(cmd), 0, "examples/hello.c builds with the README's command and runs");
	like(out, "hello from kmm", "it wrote to its pages");
	like(out, "order-2 block at pfn", "it got an order-2 block");
	return done_testing();
}
