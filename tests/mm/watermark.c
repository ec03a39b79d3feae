// SPDX-License-Identifier: MIT
/*
 * Watermarks: min_free_kbytes and the per-zone marks derived as the kernel
 * derives them, lowmem_reserve, per-CPU batch/high, and zone_watermark_ok
 * in both versions on the classic embedded report (a 256 MiB zone,
 * min_free_kbytes=2048, free lists 1445/1781/15/2/1 at orders 0..4): an
 * order-2 GFP_KERNEL request fails the 2.6.3x check and passes 6.12's.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "mm/internal.h"
#include <pthread.h>

bool kmm___zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			     int highest_zoneidx, unsigned int alloc_flags, long free_pages);
bool kmm___zone_watermark_ok_legacy(struct zone *z, unsigned int order, unsigned long mark,
				    int highest_zoneidx, unsigned int alloc_flags,
				    long free_pages);

static const unsigned long classic[5] = { 1445, 1781, 15, 2, 1 };

/* A zone whose free lists hold the classic counts (all unmovable). */
static void make_classic_zone(struct zone *z, long *free_pages)
{
	int o;

	memset(z, 0, sizeof(*z));
	*free_pages = 0;
	for (o = 0; o < 5; o++) {
		z->free_area[o].nr_free = classic[o];
		z->free_area[o].nr_free_mt[MIGRATE_UNMOVABLE] = classic[o];
		*free_pages += (long)(classic[o] << o);
	}
}

static void test_classic(void)
{
	struct zone z;
	long free_pages;
	unsigned long min = 512, low = 640;

	make_classic_zone(&z, &free_pages);
	is_int(free_pages, 5099, "the classic free lists hold 5099 pages");
	is_int(K(free_pages), 20396, "= 20396kB, as the report says");

	ok(!kmm___zone_watermark_ok_legacy(&z, 2, low, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "legacy: order-2 at the low watermark fails");
	ok(!kmm___zone_watermark_ok_legacy(&z, 2, min, ZONE_NORMAL, ALLOC_WMARK_MIN, free_pages),
	   "legacy: order-2 fails at the min watermark too (89 pages left above order 1 vs 128)");
	ok(kmm___zone_watermark_ok_legacy(&z, 1, low, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "legacy: order-1 passes (3653 pages above order 0 vs 320)");
	ok(kmm___zone_watermark_ok_legacy(&z, 0, low, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "legacy: order-0 passes");
	ok(kmm___zone_watermark_ok_legacy(&z, 2, 96, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages) == (89 > 24),
	   "legacy: halving per order (mark 96 -> 48 -> 24 at order 2)");

	kmm_mm_params.watermark_legacy = false;
	ok(kmm___zone_watermark_ok(&z, 2, low, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "modern: order-2 passes (15 free order-2 blocks)");
	ok(kmm___zone_watermark_ok(&z, 4, low, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "modern: order-4 passes (one order-4 block)");
	ok(!kmm___zone_watermark_ok(&z, 5, low, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "modern: order-5 fails (no block that large)");
	ok(!kmm___zone_watermark_ok(&z, 0, 5099, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "modern: order-0 fails when free <= mark");
	ok(kmm___zone_watermark_ok(&z, 0, 5099, ZONE_NORMAL, ALLOC_MIN_RESERVE, free_pages),
	   "modern: __GFP_HIGH (ALLOC_MIN_RESERVE) halves the mark");
	z.lowmem_reserve[ZONE_MOVABLE] = 5000;
	ok(!kmm___zone_watermark_ok(&z, 0, low, ZONE_MOVABLE, ALLOC_WMARK_LOW, free_pages),
	   "modern: lowmem_reserve protects the zone from higher-zone requests");

	/* Highatomic free pages are unusable to ordinary requests. */
	z.lowmem_reserve[ZONE_MOVABLE] = 0;
	z.nr_free_highatomic = 5000;
	ok(!kmm___zone_watermark_ok(&z, 0, low, ZONE_NORMAL, ALLOC_WMARK_LOW, free_pages),
	   "modern: free highatomic pages do not count for normal requests");
	ok(kmm___zone_watermark_ok(&z, 0, low, ZONE_NORMAL, ALLOC_WMARK_LOW | ALLOC_HIGHATOMIC,
				   free_pages),
	   "modern: but do for ALLOC_HIGHATOMIC requests");
}

static void test_derived(void)
{
	struct zone *dma, *normal;

	if (test_boot("mem=256M kmm.dma_size=0"))
		return;
	is_int(kmm_min_free_kbytes, 2048, "256M: min_free_kbytes = sqrt(262144 * 16) = 2048");
	normal = test_zone(0, ZONE_NORMAL);
	is_int(normal->_watermark[WMARK_MIN], 512, "one 256M zone: min 512 pages");
	is_int(normal->_watermark[WMARK_LOW], 640, "low = min + min/4 = 640");
	is_int(normal->_watermark[WMARK_HIGH], 768, "high = 768");
	is_int(normal->_watermark[WMARK_PROMO], 896, "promo = 896");
	is_int(normal->per_cpu_pageset[0].batch, 15, "pcp batch for 65536 pages: 15");
	is_int(normal->per_cpu_pageset[0].high_min, max(640 / (int)nr_cpu_ids, 60),
	       "pcp high_min = low watermark / CPUs, at least 4 batches");
	is_int(normal->per_cpu_pageset[0].high_max, max(65536 / 8 / (int)nr_cpu_ids, 60),
	       "pcp high_max = managed pages / 8 / CPUs (auto-tuning range)");
	is_int(normal->per_cpu_pageset[0].high, normal->per_cpu_pageset[0].high_min,
	       "pcp high starts at high_min");
	kmm_exit();

	if (test_boot("mem=1G"))
		return;
	is_int(kmm_min_free_kbytes, 4096, "1G: min_free_kbytes 4096");
	dma = test_zone(0, ZONE_DMA);
	normal = test_zone(0, ZONE_NORMAL);
	is_int(dma->_watermark[WMARK_MIN], 1024 * 4096 / 262144, "DMA gets its share of min: 16");
	is_int(normal->_watermark[WMARK_MIN], 1024 * 258048UL / 262144, "Normal: 1008");
	is_int(dma->lowmem_reserve[ZONE_NORMAL], 258048 / 256, "DMA lowmem_reserve[Normal] = 1008");
	is_int(normal->lowmem_reserve[ZONE_MOVABLE], 0, "no Movable zone: no reserve");
	kmm_exit();

	if (test_boot("mem=256M min_free_kbytes=1024 watermark_scale_factor=100"))
		return;
	is_int(kmm_min_free_kbytes, 1024, "min_free_kbytes= replaces the derived value (a sysctl write)");
	is_int(test_zone(0, ZONE_NORMAL)->_watermark[WMARK_MIN], 1024 / 4 * 61440 / 65536,
	       "and the zones' min marks follow it");
	normal = test_zone(0, ZONE_NORMAL);
	is_int(normal->_watermark[WMARK_LOW] - normal->_watermark[WMARK_MIN], 61440 * 100 / 10000,
	       "watermark_scale_factor=100: low - min = 1%% of the zone");
	kmm_exit();
}

/* The whole path: an order-2 GFP_KERNEL allocation on the classic free lists. */
static void test_classic_alloc(const char *cmdline, bool expect_success)
{
	static struct page *hold[70000];
	cpu_set_t saved, one;
	struct zone *z;
	struct page *page;
	unsigned long pfn;
	int n = 0, i, o;

	if (test_boot(cmdline))
		return;
	/*
	 * Stay on one CPU: "every page taken" means every page this CPU can
	 * reach; a thread that migrates (sched_getcpu mode, as under TSan)
	 * would leave pages on the pcp list of the CPU it left.
	 */
	pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
	z = test_zone(0, ZONE_NORMAL);
	/* Take every page, then give back exactly the classic blocks. */
	while (n < 70000 && (hold[n] = alloc_page(GFP_ATOMIC | __GFP_NOWARN | __GFP_MEMALLOC)))
		n++;
	drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), 0, "%s: all memory taken", cmdline);
	/* Blocks of order o at pfn = base + 2*k*2^o (every other slot), so that
	 * nothing merges. */
	pfn = 0;
	for (o = 0; o < 5; o++) {
		unsigned long k;

		for (k = 0; k < classic[o]; k++) {
			for (i = 0; i < (1 << o); i++) {
				struct page *p = pfn_to_page(pfn + (unsigned long)i);

				__free_page(p);
			}
			pfn += 2UL << o;
		}
		pfn = ALIGN(pfn, 64);
	}
	drain_all_pages(NULL);
	for (o = 0; o < 5; o++)
		if (z->free_area[o].nr_free != classic[o])
			break;
	ok(o == 5, "%s: free lists shaped 1445/1781/15/2/1", cmdline);
	page = alloc_pages(GFP_KERNEL | (expect_success ? 0 : 0), 2);
	ok(expect_success ? page != NULL : page == NULL, "%s: order-2 GFP_KERNEL %s", cmdline,
	   expect_success ? "succeeds" : "fails");
	if (!expect_success) {
		like(test_dmesg(), "page allocation failure: order:2, mode:0xcc0(GFP_KERNEL)",
		     "the failure is reported with the kernel's first line");
		like(test_dmesg(), "1445*4kB", "and the Mem-Info buddy line");
		like(test_dmesg(), "= 20396kB", "adding up to 20396kB");
	}
	if (page)
		__free_pages(page, 2);
	/* Give everything back: the pages we still hold are the unfreed ones. */
	for (i = 0; i < n; i++)
		if (page_count(hold[i]) > 0 && !PageBuddy(hold[i]))
			__free_page(hold[i]);
	drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), 65536, "%s: everything freed", cmdline);
	is_int(kmm_zone_validate(NULL), 0, "%s: validator finds nothing", cmdline);
	pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	kmm_exit();
}

int main(void)
{
	test_classic();
	test_derived();
	test_classic_alloc("mem=256M kmm.dma_size=0 min_free_kbytes=2048 watermark_check=legacy", false);
	test_classic_alloc("mem=256M kmm.dma_size=0 min_free_kbytes=2048", true);
	return done_testing();
}
