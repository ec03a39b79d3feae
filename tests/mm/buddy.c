// SPDX-License-Identifier: MIT
/*
 * The buddy lists: splitting, merging, compound pages, per-CPU list order,
 * fallback and pageblock stealing, highatomic reserves, zones and nodes.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "mm/internal.h"
#include <pthread.h>
#include <time.h>

static unsigned long nr_free_order(struct zone *z, int order)
{
	return z->free_area[order].nr_free;
}

static int count_blocks(struct zone *z, int mt)
{
	unsigned long i, n = z->spanned_pages >> pageblock_order;
	int c = 0;

	for (i = 0; i < n; i++)
		c += z->pageblock_flags[i] == mt;
	return c;
}

static void test_split_merge(void)
{
	struct zone *z;
	struct page *page;
	int o, ok_split = 1;

	if (test_boot("mem=64M kmm.dma_size=0"))
		return;
	z = test_zone(0, ZONE_NORMAL);
	is_int(z->present_pages, 16384, "64M is 16384 pages in one Normal zone");
	is_int(nr_free_order(z, MAX_PAGE_ORDER), 16, "boot: 16 free order-10 blocks");
	is_int(kmm_nr_free_pages(), 16384, "boot: every page free");
	is_int(count_blocks(z, MIGRATE_MOVABLE), 32, "boot: all 32 pageblocks movable");

	/* Order 4 bypasses the pcp lists: the buddy split is visible. */
	page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, 4);
	ok(page != NULL, "order-4 movable allocation");
	is_int(page_to_pfn(page), 0, "the lowest block is split first");
	for (o = 4; o < MAX_PAGE_ORDER; o++)
		ok_split &= nr_free_order(z, o) == 1;
	ok(ok_split, "expand left one free block at each order 4..9");
	is_int(nr_free_order(z, MAX_PAGE_ORDER), 15, "15 order-10 blocks left");
	ok(PageBuddy(pfn_to_page(16)) && buddy_order(pfn_to_page(16)) == 4,
	   "pfn 16 heads the order-4 buddy");
	ok(PageBuddy(pfn_to_page(512)) && buddy_order(pfn_to_page(512)) == 9,
	   "pfn 512 heads the order-9 buddy");
	is_int(page_count(page), 1, "refcount 1 after allocation");
	is_int(kmm_nr_free_pages(), 16384 - 16, "NR_FREE_PAGES dropped by 16");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after a split");

	__free_pages(page, 4);
	is_int(nr_free_order(z, MAX_PAGE_ORDER), 16, "free merged everything back to order 10");
	ok(!PageBuddy(pfn_to_page(512)), "pfn 512 is inside a merged block now");
	is_int(kmm_nr_free_pages(), 16384, "all pages free again");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after merging");
	kmm_exit();
}

static void test_pcp_order(void)
{
	struct page *pages[64], *a, *b;
	unsigned long first;
	int i, ascending = 1;

	if (test_boot("mem=64M kmm.dma_size=0"))
		return;
	for (i = 0; i < 64; i++)
		pages[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	first = page_to_pfn(pages[0]);
	for (i = 1; i < 64; i++)
		ascending &= page_to_pfn(pages[i]) == first + (unsigned long)i;
	ok(ascending, "64 order-0 allocations come out in ascending pfn order (first pfn %lu)",
	   first);
	for (i = 0; i < 64; i++)
		__free_page(pages[i]);

	a = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	b = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	__free_page(a);
	ok(alloc_page(GFP_KERNEL | __GFP_MOVABLE) == a,
	   "a freed page goes to the head of the pcp list (cache-hot, handed out next)");
	__free_page(a);
	__free_page(b);
	ok(kmm_zone_pcp_pages(test_zone(0, ZONE_NORMAL)) > 0, "freed pages sit on the pcp lists");

	/* A partial drain gives back the coldest page: the list's tail. */
	{
		struct zone *z = test_zone(0, ZONE_NORMAL);
		struct page *p[3];
		int cpu, pindex = kmm_order_to_pindex(MIGRATE_MOVABLE, 0), found = -1;

		cpu_set_t one, saved;

		/* Stay on one CPU so that the three frees meet on one list. */
		pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
		drain_all_pages(NULL);
		for (i = 0; i < 3; i++)
			p[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
		drain_all_pages(NULL);
		for (i = 0; i < 3; i++)
			__free_page(p[i]);	/* p[0] first: it ends at the tail */
		for (cpu = 0; cpu < (int)nr_cpu_ids; cpu++) {
			struct per_cpu_pages *pcp = &z->per_cpu_pageset[cpu];

			spin_lock(&pcp->lock);
			if (pcp->count == 3) {
				kmm_free_pcppages_bulk(z, 1, pcp, pindex);
				found = cpu;
				struct page *q;
				int on[3] = { 0, 0, 0 };

				list_for_each_entry(q, &pcp->lists[pindex], pcp_list)
					for (i = 0; i < 3; i++)
						on[i] |= q == p[i];
				ok(pcp->count == 2 && !on[0] && on[1] && on[2],
				   "draining one page returns the first freed (coldest) one");
			}
			spin_unlock(&pcp->lock);
		}
		if (found < 0)
			ok(0, "the three pages were freed on one CPU (the thread migrated)");
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	}
	ok(kmm_nr_free_pages() < 16384, "pcp pages are not counted in NR_FREE_PAGES");
	drain_all_pages(NULL);
	is_int(kmm_zone_pcp_pages(test_zone(0, ZONE_NORMAL)), 0, "drain_all_pages empties the pcp lists");
	is_int(kmm_nr_free_pages(), 16384, "after the drain every page is back in the buddy lists");
	is_int(nr_free_order(test_zone(0, ZONE_NORMAL), MAX_PAGE_ORDER), 16, "and fully merged");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after pcp traffic");
	kmm_exit();
}

static void test_compound_and_zero(void)
{
	struct page *page, *p2;
	unsigned char *mem;
	int i, tails = 1, zero = 1;

	if (test_boot("mem=64M"))
		return;
	page = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	ok(page && PageHead(page), "__GFP_COMP: the head is PageHead");
	for (i = 1; i < 8; i++)
		tails &= PageTail(page + i) && compound_head(page + i) == page;
	ok(tails, "the 7 tail pages point at their head");
	is_int(compound_order(page), 3, "compound_order is 3");
	is_int(page_count(page + 5), 1, "page_count of a tail is the head's");
	get_page(page + 2);
	is_int(page_count(page), 2, "get_page on a tail takes a reference on the head");
	put_page(page + 2);
	is_int(page_count(page), 1, "put_page drops it");
	put_page(page);
	drain_all_pages(NULL);
	ok(!PageHead(page) && !PageTail(page + 1), "freeing clears the compound state");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after compound free");

	page = alloc_page(GFP_KERNEL);
	memset(page_address(page), 0x5a, PAGE_SIZE);
	__free_page(page);
	p2 = alloc_page(GFP_KERNEL | __GFP_ZERO);
	ok(p2 == page, "the dirty page comes back (pcp head)");
	mem = page_address(p2);
	for (i = 0; i < (int)PAGE_SIZE; i++)
		zero &= mem[i] == 0;
	ok(zero, "__GFP_ZERO clears it");
	__free_page(p2);

	/* split_page: an order-2 block becomes four order-0 pages. */
	page = alloc_pages(GFP_KERNEL, 2);
	split_page(page, 2);
	for (i = 3; i >= 0; i--)
		__free_page(page + i);
	drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), kmm_totalram_pages(), "split_page pages free one by one");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after split_page");
	kmm_exit();
}

static void test_fallback_steal(void)
{
	struct zone *z;
	struct page *page, *m, **hold, **un;
	int n = 0, i, unmovable_blocks;
	unsigned long steals;

	if (test_boot("mem=64M kmm.dma_size=0"))
		return;
	z = test_zone(0, ZONE_NORMAL);
	page = alloc_pages(GFP_KERNEL, 4);	/* unmovable, no unmovable block exists */
	ok(page != NULL, "an unmovable allocation falls back to a movable block");
	is_int(count_blocks(z, MIGRATE_UNMOVABLE), 2,
	       "it claims the whole order-10 block (2 pageblocks) for unmovable");
	is_int(kmm_sum_zone_event(z, PGBLOCK_STEAL), 2, "two pageblocks changed hands");
	m = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, 4);
	ok(m && get_pageblock_migratetype(m) == MIGRATE_MOVABLE,
	   "a movable allocation keeps to movable pageblocks");
	ok(page_to_pfn(m) >= 1024, "so it does not land in the unmovable order-10 block");
	__free_pages(m, 4);
	__free_pages(page, 4);
	is_int(count_blocks(z, MIGRATE_UNMOVABLE), 2, "the claimed pageblocks stay unmovable");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after stealing");

	/*
	 * Four unmovable pageblocks with only 128 scattered free pages each,
	 * then fill the movable blocks: the next movable page must come from
	 * an unmovable block, and an order-0 request may not claim a block
	 * that is mostly in use: it takes one page, the block keeps its type.
	 */
	un = calloc(2048, sizeof(*un));
	hold = calloc(16384, sizeof(*hold));
	for (i = 0; i < 2048; i++)
		un[i] = alloc_page(GFP_KERNEL);
	for (i = 0; i < 2048; i++)
		if (un[i] && page_to_pfn(un[i]) % 4 == 0) {
			__free_page(un[i]);
			un[i] = NULL;
		}
	drain_all_pages(NULL);
	unmovable_blocks = count_blocks(z, MIGRATE_UNMOVABLE);
	ok(unmovable_blocks >= 4, "2048 unmovable pages hold %d unmovable pageblocks",
	   unmovable_blocks);
	while (n < 16384 && (hold[n] = alloc_page(GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN)) &&
	       get_pageblock_migratetype(hold[n]) == MIGRATE_MOVABLE)
		n++;
	if (n < 16384 && hold[n])
		n++;
	unmovable_blocks = count_blocks(z, MIGRATE_UNMOVABLE);
	page = alloc_page(GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN);
	steals = kmm_sum_zone_event(z, PGSTEAL_FALLBACK);
	if (page && get_pageblock_migratetype(page) == MIGRATE_UNMOVABLE) {
		ok(1, "the movable page came from an unmovable pageblock");
		is_int(count_blocks(z, MIGRATE_UNMOVABLE), unmovable_blocks,
		       "an order-0 movable fallback does not claim a mostly used pageblock");
		ok(steals > 0, "fallbacks are counted (%lu)", steals);
	} else {
		ok(0, "the movable page came from an unmovable pageblock (got %s)",
		   page ? kmm_migratetype_names[get_pageblock_migratetype(page)] : "NULL");
		ok(0, "skipped");
		ok(0, "skipped");
	}
	if (page)
		__free_page(page);
	for (i = 0; i < n; i++)
		__free_page(hold[i]);
	for (i = 0; i < 2048; i++)
		if (un[i])
			__free_page(un[i]);
	free(hold);
	free(un);
	drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), 16384, "everything freed");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after fallback traffic");
	kmm_exit();
}

static void test_mobility_off(void)
{
	struct zone *z;
	struct page *page;

	if (test_boot("mem=64M kmm.dma_size=0 mobility_grouping=off"))
		return;
	z = test_zone(0, ZONE_NORMAL);
	like(test_dmesg(), "mobility grouping off", "boot says mobility grouping off");
	page = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, 0);
	ok(page && get_pageblock_migratetype(page) == MIGRATE_UNMOVABLE,
	   "with grouping off every allocation is MIGRATE_UNMOVABLE");
	__free_page(page);
	(void)z;
	kmm_exit();

	if (test_boot("mem=8M kmm.dma_size=0"))
		return;
	like(test_dmesg(), "mobility grouping off",
	     "below MIGRATE_TYPES pageblocks grouping is turned off, as the kernel does");
	kmm_exit();
}

static void test_highatomic(void)
{
	struct zone *z;
	struct page **hold;
	struct page *atomic_page;
	int n = 0, max = 70000, i;

	if (test_boot("mem=256M kmm.dma_size=0"))
		return;
	z = test_zone(0, ZONE_NORMAL);
	is_int(min_wmark_pages(z), 512, "256M: min watermark 512 pages (min_free_kbytes 2048)");
	is_int(low_wmark_pages(z), 640, "low watermark 640");
	is_int(high_wmark_pages(z), 768, "high watermark 768");
	hold = calloc((size_t)max, sizeof(*hold));
	while (n < max && (hold[n] = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)))
		n++;
	ok(kmm_nr_free_pages() <= min_wmark_pages(z) + 32,
	   "GFP_KERNEL stops at the min watermark (%lu free)", kmm_nr_free_pages());
	atomic_page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1);
	ok(atomic_page != NULL, "GFP_ATOMIC order-1 digs below the min watermark");
	is_int(z->nr_reserved_highatomic, 512, "and reserves a highatomic pageblock");
	is_int(count_blocks(z, MIGRATE_HIGHATOMIC), 1, "pagetype HighAtomic: 1 block");
	ok(alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY) == NULL,
	   "GFP_KERNEL still fails below min");
	ok(alloc_pages(GFP_NOWAIT, 0) == NULL, "GFP_NOWAIT gets no reserves either");
	__free_pages(atomic_page, 1);
	for (i = 0; i < n; i++)
		__free_page(hold[i]);
	free(hold);
	drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), 65536, "everything freed");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent with a highatomic block");
	kmm_exit();
}

static void test_zones_nodes(void)
{
	struct page *page, **hold;
	int n = 0, i, max = 40000, all_node1 = 1, no_movable = 1;
	unsigned long miss;

	if (test_boot("mem=128M numa=fake=2 movablecore=32M"))
		return;
	is_int(nr_online_nodes, 2, "numa=fake=2: two nodes");
	is_int(NODE_DATA(1)->node_start_pfn, 16384, "node 1 starts at pfn 16384");
	is_int(test_zone(0, ZONE_DMA)->present_pages, 4096, "node 0 DMA: 16M");
	is_int(test_zone(1, ZONE_DMA)->present_pages, 0, "node 1 has no DMA zone");
	is_int(test_zone(0, ZONE_MOVABLE)->present_pages, 4096, "movablecore=32M: 16M per node");
	is_int(test_zone(0, ZONE_DMA)->lowmem_reserve[ZONE_NORMAL], 8192 / 256,
	       "DMA lowmem_reserve[Normal] = Normal's pages / 256");
	is_int(test_zone(0, ZONE_NORMAL)->lowmem_reserve[ZONE_MOVABLE], 4096 / 32,
	       "Normal lowmem_reserve[Movable] = Movable's pages / 32");

	page = alloc_pages(GFP_DMA, 0);
	ok(page && page_zonenum(page) == ZONE_DMA, "GFP_DMA comes from ZONE_DMA");
	__free_page(page);
	page = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	ok(page && page_zonenum(page) == ZONE_MOVABLE, "GFP_HIGHUSER_MOVABLE prefers ZONE_MOVABLE");
	__free_page(page);
	page = alloc_pages_node(1, GFP_KERNEL, 0);
	ok(page && page_to_nid(page) == 1, "alloc_pages_node(1) gives a node-1 page");
	__free_page(page);

	hold = calloc((size_t)max, sizeof(*hold));
	while (n < max && (hold[n] = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE |
						       __GFP_NOWARN, 0))) {
		all_node1 &= page_to_nid(hold[n]) == 1;
		no_movable &= page_zonenum(hold[n]) != ZONE_MOVABLE;
		n++;
	}
	ok(all_node1, "__GFP_THISNODE never leaves node 1 (%d pages)", n);
	ok(no_movable, "GFP_KERNEL never gets ZONE_MOVABLE pages");
	miss = kmm_sum_zone_numa(test_zone(0, ZONE_NORMAL), NUMA_MISS);
	page = alloc_pages_node(1, GFP_KERNEL | __GFP_NOWARN, 0);
	ok(page && page_to_nid(page) == 0, "without __GFP_THISNODE it falls back to node 0");
	ok(kmm_sum_zone_numa(test_zone(0, ZONE_NORMAL), NUMA_MISS) > miss, "counted as numa_miss");
	if (page)
		__free_page(page);
	for (i = 0; i < n; i++)
		__free_page(hold[i]);
	free(hold);
	drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), 32768, "all 128M free again");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent across nodes and zones");
	kmm_exit();
}

struct nofail_arg {
	struct page *page;
};

static void *nofail_thread(void *arg)
{
	struct nofail_arg *a = arg;

	a->page = alloc_page(GFP_KERNEL | __GFP_NOFAIL | __GFP_NOWARN);
	return NULL;
}

static void test_gfp_modifiers(void)
{
	struct page **hold;
	struct nofail_arg arg = { NULL };
	pthread_t t;
	int n = 0, i, max = 20000;

	if (test_boot("mem=16M kmm.dma_size=0"))
		return;
	hold = calloc((size_t)max, sizeof(*hold));
	while (n < max && (hold[n] = alloc_page(GFP_ATOMIC | __GFP_NOWARN)))
		n++;
	ok(alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN) == NULL,
	   "__GFP_NORETRY returns NULL when memory is gone");
	kmm_dmesg_clear();
	ok(alloc_page(GFP_KERNEL | __GFP_NOWARN) == NULL, "GFP_KERNEL|__GFP_NOWARN fails quietly");
	unlike(test_dmesg(), "page allocation failure", "no failure report with __GFP_NOWARN");
	ok(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 11) == NULL, "order 11 is refused");

	pthread_create(&t, NULL, nofail_thread, &arg);
	/* The thread waits for memory; give it some back. */
	{
		struct timespec d = { 0, 20 * 1000 * 1000 };

		nanosleep(&d, NULL);
	}
	for (i = 0; i < 200 && n > 0; i++)
		__free_page(hold[--n]);
	pthread_join(t, NULL);
	ok(arg.page != NULL, "__GFP_NOFAIL waits until memory is freed, then succeeds");
	if (arg.page)
		__free_page(arg.page);
	for (i = 0; i < n; i++)
		__free_page(hold[i]);
	free(hold);
	drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), 4096, "everything freed");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after exhaustion");
	kmm_exit();
}

int main(void)
{
	test_split_merge();
	test_pcp_order();
	test_compound_and_zero();
	test_fallback_steal();
	test_mobility_off();
	test_highatomic();
	test_zones_nodes();
	test_gfp_modifiers();
	return done_testing();
}
