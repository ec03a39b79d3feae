// SPDX-License-Identifier: MIT
/*
 * Booting the memory model: sizes, nodes and zones from the command line
 * and KMM_CMDLINE, bad values refused with a report, impossible layouts
 * refused cleanly, the first allocation booting with the defaults, and
 * kmm_exit() reporting what is still allocated.
 */
#include "kmm_test.h"
#include "mm/internal.h"
#include <errno.h>

int main(void)
{
	struct page *page;

	/* First use without kmm_init(): boots with the defaults. */
	kmm_console_set_fd(-1);
	ok(!kmm_booted(), "not booted before the first use");
	page = alloc_page(GFP_KERNEL);
	ok(page != NULL && kmm_booted(), "the first allocation boots kmm");
	is_int(kmm_totalram_pages(), (1UL << 30) >> PAGE_SHIFT, "with the default mem=1G");
	is_int(kmm_init("mem=64M"), -EBUSY, "kmm_init() on a booted kmm is -EBUSY");
	kmm_dmesg_clear();
	kmm_exit();
	like(test_dmesg(), "kmm: leaked pfn:", "kmm_exit() names the page still allocated");
	like(test_dmesg(), "kmm: 1 pages (4 kB) in 1 allocations still in use at kmm_exit()",
	     "and counts it");

	is_int(test_boot("mem=1M"), -EINVAL, "mem=1M is too small: -EINVAL");
	like(test_dmesg(), "is too small for 1 node(s)", "with a report");
	ok(!kmm_booted(), "and nothing booted");
	is_int(test_boot("mem=64M numa=fake=32"), -EINVAL, "32 nodes of 2M: -EINVAL");

	is_int(test_boot("mem=abc numa=fake=0 min_free_kbytes=-5"), 0,
	       "bad values do not stop the boot");
	like(test_dmesg(), "`abc' invalid for parameter `mem'", "mem=abc is reported");
	like(test_dmesg(), "`fake=0' invalid for parameter `numa'", "numa=fake=0 is reported");
	is_int(kmm_totalram_pages(), (1UL << 30) >> PAGE_SHIFT, "and the defaults stay");
	is_int(nr_online_nodes, 1, "one node");
	kmm_exit();

	is_int(test_boot("mem=64T"), 0, "mem= above the machine's RAM boots");
	like(test_dmesg(), "is more than the machine's", "clamped, with a warning");
	kmm_exit();

	setenv("KMM_CMDLINE", "numa=fake=2", 1);
	is_int(test_boot("mem=64M numa=fake=4"), 0, "KMM_CMDLINE is read");
	is_int(nr_online_nodes, 2, "and applied after the program's command line");
	like(kmm_saved_command_line(), "mem=64M numa=fake=4 numa=fake=2",
	     "the saved command line has both");
	unsetenv("KMM_CMDLINE");
	kmm_exit();

	is_int(test_boot("mem=64M kmm.dma_size=0 movablecore=16M"), 0, "movablecore= boots");
	is_int(test_zone(0, ZONE_DMA)->present_pages, 0, "kmm.dma_size=0: no DMA zone");
	is_int(test_zone(0, ZONE_MOVABLE)->present_pages, 4096, "a 16M Movable zone");
	is_int(test_zone(0, ZONE_NORMAL)->present_pages, 12288, "the rest is Normal");
	is_int(kmm_zone_validate(NULL), 0, "validator: a fresh machine is consistent");
	kmm_exit();
	return done_testing();
}
