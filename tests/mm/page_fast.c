// SPDX-License-Identifier: MIT
/*
 * The pcp fast paths (src/mm/page_fast.c) for every order the per-CPU
 * lists hold (0 to PAGE_ALLOC_COSTLY_ORDER and pageblock_order), booted
 * with restartable sequences (where the machine has them) and with
 * kmm.rseq=off.  What they hand out and take back is what the general
 * path would: the block freed last comes out next, PGALLOC and PGFREE
 * count pages and the NUMA counters allocations, the other pages of a
 * block are cleaned on free, an order-1 request with no free order-1
 * block in the zone sets ZONE_BELOW_HIGH and is not served from the pcp
 * list, compound blocks, extra references and wrong orders go through the
 * general path's checks, nothing leaks and the zones validate.
 */
#include "kmm_test.h"
#include "mm/internal.h"
#include "arch/rseq.h"
#include <stdlib.h>

/* A counter of the vmstat view. */
static long vmstat(const char *name)
{
	char *text = test_view("vmstat");
	long v = test_view_value(text, name);

	free(text);
	return v;
}

static long pgalloc(void)
{
	return vmstat("pgalloc_dma") + vmstat("pgalloc_normal") + vmstat("pgalloc_movable");
}

static void test_order(unsigned int order)
{
	unsigned long before = nr_free();
	long a0, f0, h0, l0;
	struct page *p, *q;
	int i, same = 1;

	p = alloc_pages(GFP_KERNEL, order);
	ok(p && page_count(p) == 1 && !PageCompound(p) && kmm_get_alloc_order(p) == (int)order,
	   "order %u: a block with one reference, not compound, its order recorded", order);
	if (!p)
		return;
	__free_pages(p, order);
	q = alloc_pages(GFP_KERNEL, order);
	ok(q == p, "order %u: the block freed last comes out next (head of the pcp list)", order);
	__free_pages(q, order);

	a0 = pgalloc();
	f0 = vmstat("pgfree");
	h0 = vmstat("numa_hit");
	l0 = vmstat("numa_local");
	for (i = 0; i < 10; i++) {
		q = alloc_pages(GFP_KERNEL, order);
		same &= q == p;
		if (q)
			__free_pages(q, order);
	}
	ok(same, "order %u: 10 pairs, the same block each time", order);
	is_int(pgalloc() - a0, 10L << order, "order %u: PGALLOC counts the pages", order);
	is_int(vmstat("pgfree") - f0, 10L << order, "order %u: PGFREE counts the pages", order);
	is_int(vmstat("numa_hit") - h0, 10, "order %u: NUMA_HIT counts the allocations", order);
	is_int(vmstat("numa_local") - l0, 10, "order %u: NUMA_LOCAL counts the allocations", order);
	is_int(nr_free(), before, "order %u: every page back", order);
}

/* The other pages of a block lose their flags on free, without a report. */
static void test_tails(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 3);
	int bad = test_dmesg_count("Bad page state");

	if (!ok(p != NULL, "an order-3 block"))
		return;
	SetPageReferenced(p + 5);
	SetPageDirty(p + 7);
	SetPageUptodate(p + 1);
	__free_pages(p, 3);
	ok(!(p[5].flags & PAGE_FLAGS_CHECK_AT_PREP) && !(p[7].flags & PAGE_FLAGS_CHECK_AT_PREP) &&
	   !(p[1].flags & PAGE_FLAGS_CHECK_AT_PREP), "freed: its other pages' flags are clean");
	p = alloc_pages(GFP_KERNEL, 3);
	ok(p != NULL, "the block again");
	if (p)
		__free_pages(p, 3);
	is_int(test_dmesg_count("Bad page state"), bad, "no bad page reported");
}

/* What the fast paths leave to the general path. */
static void test_declined(void)
{
	unsigned long before = nr_free();
	struct page *p;

	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	ok(p && PageHead(p) && compound_order(p) == 2 && compound_head(p + 3) == p,
	   "__GFP_COMP order 2: a compound block");
	if (p)
		__free_pages(p, 2);
	is_int(nr_free(), before, "... freed whole");

	p = alloc_pages(GFP_KERNEL, 1);
	if (!ok(p != NULL, "an order-1 block"))
		return;
	get_page(p);
	__free_pages(p, 1);
	is_int(before - nr_free(), 1, "a second reference: __free_pages() frees the second page only");
	is_int(page_count(p), 1, "... the first keeps one reference");
	__free_pages(p, 0);
	is_int(nr_free(), before, "... and frees as order 0");

	kmm_dmesg_clear();
	p = alloc_pages(GFP_KERNEL, 2);
	if (!ok(p != NULL, "an order-2 block"))
		return;
	__free_pages(p, 1);
	ok(strstr(test_dmesg(), "freed with order:1, allocated with order:2") != NULL,
	   "freed with order 1: reported");
	is_int(nr_free(), before, "... the four pages the caller was given are back");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
}

/*
 * __zone_watermark_ok() above order 0: with free pages above the high
 * watermark but no free block of the order in the zone, the request fails
 * the check (ZONE_BELOW_HIGH is set) even though the pcp list holds a
 * block of that order.
 */
static void test_no_block(void)
{
	static struct page *pages[1 << 15];
	struct page *blk = alloc_pages(GFP_KERNEL, 1), *p;
	struct zone *zone = page_zone(blk);
	unsigned long before, free_pages;
	unsigned int o, blocks = 0;
	int n = 0, i;

	before = nr_free() + 2;
	/* Every page, the reserves below the watermarks included. */
	while (n < (int)(sizeof(pages) / sizeof(pages[0])) &&
	       (p = alloc_pages(GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOWARN, 0)))
		pages[n++] = p;
	/* Every other page back: plenty free, and no two of them buddies. */
	for (i = 0; i < n; i++)
		if (page_to_pfn(pages[i]) & 1) {
			__free_pages(pages[i], 0);
			pages[i] = NULL;
		}
	kmm_drain_all_pages(NULL);
	__free_pages(blk, 1);			/* onto the pcp's order-1 list */
	for (o = 1; o < NR_PAGE_ORDERS; o++)
		for (i = 0; i < MIGRATE_PCPTYPES; i++)
			blocks += !free_area_empty(&zone->free_area[o], i);
	free_pages = zone_page_state_snapshot(zone, NR_FREE_PAGES);
	ok(!blocks && free_pages > high_wmark_pages(zone) + 2,
	   "set-up: %lu free pages in %s (high watermark %lu), no free block above order 0",
	   free_pages, zone->name, high_wmark_pages(zone));
	clear_bit(ZONE_BELOW_HIGH, &zone->flags);
	p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1);
	ok(test_bit(ZONE_BELOW_HIGH, &zone->flags),
	   "an order-1 request fails the zone's check: ZONE_BELOW_HIGH set");
	if (p)
		__free_pages(p, 1);
	for (i = 0; i < n; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	is_int(nr_free(), before, "every page back");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
}

static void run(const char *cmdline)
{
	static const unsigned int orders[] = { 0, 1, 2, 3, 9 };
	unsigned int i;

	if (!ok(!test_boot(cmdline), "boot: %s", cmdline))
		return;
	diag("%s: %s", cmdline, kmm_percpu_rseq ? "restartable sequences" : "pcp spin_trylock");
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		test_order(orders[i]);
	test_tails();
	test_declined();
	test_no_block();
	kmm_exit();
}

int main(void)
{
	run("mem=64M quiet");
	run("mem=64M quiet kmm.rseq=off");
	return done_testing();
}
