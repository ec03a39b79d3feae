// SPDX-License-Identifier: MIT
/*
 * warn_alloc() and the Mem-Info dump on the classic report: one 256 MiB
 * Normal zone (mem=256M kmm.dma_size=0 min_free_kbytes=2048) whose free
 * lists are shaped, through the allocator itself, into exactly 1445
 * order-0, 1781 order-1, 15 order-2, 2 order-3 and 1 order-4 blocks
 * (20396 kB).  The 2.6.3x watermark check refuses an order-2 GFP_KERNEL
 * request there and the report must read as the kernel's does; 6.12's
 * check lets the same request through.  Also: __GFP_NOWARN, the rate
 * limit (one report per 10 s, fresh at each boot), a nodemask in the
 * report and the node filter of its Mem-Info, no report for __GFP_DMA
 * without a DMA zone.
 */
#include "kmm_test.h"
#include "mm/internal.h"

bool kmm___zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			     int highest_zoneidx, unsigned int alloc_flags, long free_pages);
bool kmm___zone_watermark_ok_legacy(struct zone *z, unsigned int order, unsigned long mark,
				    int highest_zoneidx, unsigned int alloc_flags,
				    long free_pages);
void kmm_warn_alloc_ratelimit_expire(void);

#define CLASSIC_CMDLINE "mem=256M kmm.dma_size=0 min_free_kbytes=2048 watermark_check=legacy"

static const unsigned long classic[5] = { 1445, 1781, 15, 2, 1 };

static bool *held;		/* by pfn: the test holds this page */

/* Allocate every free page of the machine as an order-0 page. */
static unsigned long take_everything(void)
{
	unsigned long n = 0;
	int round;

	held = calloc(kmm_max_pfn, sizeof(*held));
	for (round = 0; round < 16; round++) {
		struct page *p;

		while ((p = alloc_page(GFP_KERNEL | __GFP_NOWARN))) {
			held[page_to_pfn(p)] = true;
			n++;
		}
		/* Below the min watermark only a memalloc request gets more. */
		while ((p = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_MEMALLOC))) {
			held[page_to_pfn(p)] = true;
			n++;
		}
		kmm_drain_all_pages(NULL);
		if (!kmm_nr_free_pages())
			break;
	}
	return n;
}

static void give_back(unsigned long pfn, unsigned long nr)
{
	for (; nr; nr--, pfn++) {
		if (!held[pfn])
			BUG();
		held[pfn] = false;
		__free_page(pfn_to_page(pfn));
	}
}

static void give_back_everything(void)
{
	unsigned long pfn;

	for (pfn = 0; pfn < kmm_max_pfn; pfn++)
		if (held[pfn])
			give_back(pfn, 1);
	free(held);
	held = NULL;
}

/*
 * Free one block of each wanted order in the first half of its own
 * aligned window of twice its size: its buddy (the other half) stays
 * allocated, so nothing merges beyond the intended order.  A window whose
 * first half the test does not wholly hold (a page kmm itself uses) is
 * skipped.
 */
static bool held_range(unsigned long pfn, unsigned long nr)
{
	for (; nr; nr--, pfn++)
		if (!held[pfn])
			return false;
	return true;
}

static void shape_classic(struct zone *zone)
{
	unsigned long pfn = zone->zone_start_pfn;
	int o;

	for (o = 4; o >= 0; o--) {
		unsigned long i;

		for (i = 0; i < classic[o]; pfn += 2UL << o) {
			if (!held_range(pfn, 1UL << o))
				continue;
			give_back(pfn, 1UL << o);
			i++;
		}
	}
	kmm_drain_all_pages(NULL);
	kmm_refresh_vm_stats();	/* zone_page_state() exact for the fast check */
}

/* The log line that contains needle, without its timestamp, or "". */
static const char *log_line(const char *needle)
{
	static char line[1024];
	const char *log = test_dmesg(), *p = strstr(log, needle), *s, *e;

	line[0] = '\0';
	if (!p)
		return line;
	for (s = p; s > log && s[-1] != '\n'; s--)
		;
	if (*s == '[' && (s = strstr(s, "] ")))
		s += 2;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	snprintf(line, sizeof(line), "%.*s", (int)(e - s), s);
	return line;
}

static void test_classic(void)
{
	char comm[16], want[256];
	struct zone *zone;
	struct page *page;
	unsigned long low, nfree, n;
	const char *log, *fail, *meminfo, *blocks;
	char *bi, *pti;
	int o;

	if (test_boot(CLASSIC_CMDLINE))
		return;
	zone = test_zone(0, ZONE_NORMAL);
	ok(!populated_zone(test_zone(0, ZONE_DMA)) && zone_managed_pages(zone) == 65536,
	   "kmm.dma_size=0: one 256 MiB Normal zone");
	is_int(min_wmark_pages(zone), 512, "min_free_kbytes=2048: min 512 pages");
	is_int(low_wmark_pages(zone), 640, "low 640 pages (min + max(min/4, 0.1%%))");
	is_int(high_wmark_pages(zone), 768, "high 768 pages");

	n = take_everything();
	ok(n > 65000 && !kmm_nr_free_pages(), "the test holds every free page (%lu)", n);
	shape_classic(zone);

	for (o = 0; o < NR_PAGE_ORDERS; o++)
		if (zone->free_area[o].nr_free != (o < 5 ? classic[o] : 0))
			break;
	is_int(o, NR_PAGE_ORDERS, "free lists: 1445/1781/15/2/1 blocks at orders 0..4");
	nfree = kmm_zone_page_state_snapshot(zone, NR_FREE_PAGES);
	is_int(nfree, 5099, "5099 free pages");
	is_int(zone_page_state(zone, NR_FREE_PAGES), 5099, "folded: zone_page_state() agrees");

	bi = test_view("buddyinfo");
	is_str(bi, "Node 0, zone   Normal   1445   1781     15      2      1"
		   "      0      0      0      0      0      0 \n",
	       "buddyinfo shows the classic free lists");
	free(bi);
	pti = test_view("pagetypeinfo");
	blocks = strstr(pti, "\nNode 0, zone   Normal ");
	snprintf(want, sizeof(want), "\nNode 0, zone %8s %12d %12d %12d %12d %12d \n",
		 "Normal", 128, 0, 0, 0, 0);
	ok(blocks && !strcmp(blocks, want),
	   "every pageblock was claimed by the GFP_KERNEL allocations (Unmovable)");
	free(pti);

	low = low_wmark_pages(zone);
	ok(!kmm___zone_watermark_ok_legacy(zone, 2, low, ZONE_NORMAL, 0, (long)nfree),
	   "legacy check: order-2 at the low watermark fails (89 pages above order 1 vs 160)");
	ok(!kmm_zone_watermark_ok(zone, 2, low, ZONE_NORMAL, 0),
	   "zone_watermark_ok() under watermark_check=legacy: false");
	kmm_mm_params.watermark_legacy = false;
	ok(kmm_zone_watermark_ok(zone, 2, low, ZONE_NORMAL, 0),
	   "zone_watermark_ok() with the modern check: true (order-2 blocks exist)");
	ok(kmm___zone_watermark_ok(zone, 2, low, ZONE_NORMAL, 0, (long)nfree),
	   "__zone_watermark_ok() modern: true");
	kmm_mm_params.watermark_legacy = true;

	/* __GFP_NOWARN: a failure, but no report (and no rate-limit used). */
	kmm_dmesg_clear();
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 2);
	ok(!page, "legacy: order-2 GFP_KERNEL|__GFP_NOWARN fails");
	is_int(test_dmesg_count("page allocation failure"), 0, "__GFP_NOWARN: no report");

	/* The report. */
	kmm_dmesg_clear();
	page = alloc_pages(GFP_KERNEL, 2);
	ok(!page, "legacy: order-2 GFP_KERNEL fails");
	snprintf(want, sizeof(want),
		 "%s: page allocation failure: order:2, mode:0xcc0(GFP_KERNEL), nodemask=(null)",
		 kmm_current_comm(comm));
	is_str(log_line("page allocation failure"), want, "the failure line, as warn_alloc()");
	is_int(test_dmesg_count("page allocation failure"), 1, "one report");
	log = test_dmesg();
	like(log, "Call Trace:", "with a stack trace");
	like(log, "Mem-Info:", "and the Mem-Info dump");
	is_str(log_line("Node 0 Normal: "),
	       "Node 0 Normal: 1445*4kB (U) 1781*8kB (U) 15*16kB (U) 2*32kB (U) 1*64kB (U) "
	       "0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 20396kB",
	       "the buddy line of the classic report");
	like(log_line("Node 0 Normal free:"),
	     "Node 0 Normal free:20396kB boost:0kB min:2048kB low:2560kB high:3072kB "
	     "reserved_highatomic:0KB active_anon:0kB",
	     "the zone line: free and watermarks in kB");
	like(log_line("Node 0 Normal free:"),
	     " present:262144kB managed:262144kB mlocked:0kB bounce:0kB free_pcp:0kB "
	     "local_pcp:0kB free_cma:0kB",
	     "the zone line: sizes and per-CPU pages");
	is_str(log_line("lowmem_reserve[]"), "lowmem_reserve[]: 0 0 0", "lowmem_reserve line");
	like(log_line(" free_pcp:"), " free:5099 free_pcp:0 free_cma:0", "summary: free pages");
	is_str(log_line("pages RAM"), "65536 pages RAM", "pages RAM");
	is_str(log_line("pages reserved"), "0 pages reserved", "pages reserved");
	is_str(log_line("HighMem/MovableOnly"), "0 pages HighMem/MovableOnly", "no highmem");
	like(log, "0 total pagecache pages", "pagecache line");
	fail = strstr(log, "page allocation failure");
	meminfo = strstr(log, "Mem-Info:");
	ok(fail && meminfo && strstr(log, "Call Trace:") > fail &&
	   meminfo > strstr(log, "Call Trace:") &&
	   strstr(log, "Node 0 Normal: ") > meminfo &&
	   strstr(log, "pages RAM") > strstr(log, "Node 0 Normal: "),
	   "in the kernel's order: failure, stack, Mem-Info, zones, buddy lines, totals");
	unlike(log, "Node 0 DMA", "an empty zone is not shown");

	/* Rate limit: one report per 10 s, then a count of those suppressed. */
	kmm_dmesg_clear();
	ok(!alloc_pages(GFP_KERNEL, 2) && !alloc_pages(GFP_KERNEL, 3), "two more failures");
	is_int(test_dmesg_count("page allocation failure"), 0, "rate-limited: no more reports");
	is_int(test_dmesg_count("Mem-Info:"), 0, "nor Mem-Info dumps");
	kmm_warn_alloc_ratelimit_expire();
	ok(!alloc_pages(GFP_KERNEL, 2), "10 s later: another failure");
	is_int(test_dmesg_count("page allocation failure"), 1, "reported");
	is_str(log_line("callbacks suppressed"), "warn_alloc: 2 callbacks suppressed",
	       "after the count of suppressed reports, as __ratelimit() prints it");
	log = test_dmesg();
	ok(strstr(log, "callbacks suppressed") && strstr(log, "page allocation failure") &&
	   strstr(log, "callbacks suppressed") < strstr(log, "page allocation failure"),
	   "before the new report");

	/* The modern check lets the same request through. */
	kmm_mm_params.watermark_legacy = false;
	page = alloc_pages(GFP_KERNEL, 2);
	ok(page != NULL, "modern: the same order-2 GFP_KERNEL request succeeds");
	if (page)
		__free_pages(page, 2);
	kmm_mm_params.watermark_legacy = true;

	give_back_everything();
	kmm_drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), n, "everything given back");
	kmm_exit();
}

/*
 * No report for __GFP_DMA without DMA memory (warn_alloc() checks that
 * after taking its rate-limit allowance, so the next failure within 10 s
 * is silent too); a fresh boot has a fresh allowance; a nodemask is
 * printed as a list and limits Mem-Info to its nodes.
 */
static void test_nodemask_and_reboot(void)
{
	unsigned long nodemask = (1UL << 1) | (1UL << 2) | (1UL << 3) | (1UL << 5);
	struct page *page;
	const char *log;

	if (test_boot("mem=256M kmm.dma_size=0"))
		return;
	kmm_dmesg_clear();
	page = kmm___alloc_pages(GFP_KERNEL | __GFP_DMA, 0, -1, NULL);
	ok(!page, "__GFP_DMA without a DMA zone fails");
	is_int(test_dmesg_count("page allocation failure"), 0,
	       "no report for __GFP_DMA when no zone has DMA memory (has_managed_dma)");
	page = kmm___alloc_pages(GFP_KERNEL, 0, -1, &nodemask);
	ok(!page, "a nodemask without an online node fails");
	is_int(test_dmesg_count("page allocation failure"), 0,
	       "silently: the __GFP_DMA failure used this boot's allowance, as in the kernel");
	kmm_exit();

	if (test_boot("mem=256M kmm.dma_size=0"))
		return;
	kmm_dmesg_clear();
	page = kmm___alloc_pages(GFP_KERNEL, 0, -1, &nodemask);
	ok(!page, "after a reboot: the same failure");
	log = test_dmesg();
	like(log_line("page allocation failure"),
	     "page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=1-3,5",
	     "reported again (a fresh allowance), with the nodemask as a list");
	like(log, "Mem-Info:", "with Mem-Info");
	unlike(log, "Node 0 Normal", "which shows only the nodes of the nodemask (none)");
	like(log, "pages RAM", "and the totals");
	kmm_exit();
}

/* Mem-Info on its own: every zone, and the (M) type of fresh memory. */
static void test_show_mem(void)
{
	const char *log;

	if (test_boot("mem=256M"))
		return;
	kmm_dmesg_clear();
	kmm_show_mem();
	log = test_dmesg();
	is_str(log_line("Node 0 DMA: "),
	       "Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB "
	       "0*2048kB 4*4096kB (M) = 16384kB",
	       "DMA buddy line: four movable 4 MiB blocks");
	like(log_line("Node 0 DMA free:"),
	     "Node 0 DMA free:16384kB boost:0kB min:128kB low:160kB high:192kB ",
	     "DMA zone line");
	is_str(log_line("lowmem_reserve[]: 0 240"), "lowmem_reserve[]: 0 240 240",
	       "DMA lowmem_reserve: 61440 / 256 for Normal and Movable");
	like(log, "Node 0 Normal: ", "the Normal zone too");
	like(log, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
	     "hugetlb line");
	like(log, "0 pages in swap cache", "swap cache lines");
	like(log, "Free swap  = 0kB", "free swap");
	like(log, "Total swap = 0kB", "total swap");
	like(log, "0 pages hwpoisoned", "hwpoisoned");
	kmm_exit();
}

int main(void)
{
	test_classic();
	test_nodemask_and_reboot();
	test_show_mem();
	return done_testing();
}
