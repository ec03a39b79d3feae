// SPDX-License-Identifier: MIT
/*
 * Per-CPU page lists: the automatic tuning of pcp->high (Linux 6.7+):
 * refills raise high and double their batch, runs of frees raise high
 * and are kept, allocations halve free_count, decay_pcp_high brings high
 * back down, ZONE_BELOW_HIGH shrinks the lists, runs of order 1..3 frees
 * drain, and percpu_pagelist_high_fraction= turns the tuning off.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "mm/internal.h"
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#define BOOT "mem=256M kmm.dma_size=0"

static cpu_set_t saved_mask;

/* Stay on CPU 0 so that every free and refill meets one pcp. */
static void pin0(void)
{
	cpu_set_t one;

	sched_getaffinity(0, sizeof(saved_mask), &saved_mask);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		diag("cannot pin to CPU 0");
}

static void unpin(void)
{
	sched_setaffinity(0, sizeof(saved_mask), &saved_mask);
}

static struct per_cpu_pages *pcp0(void)
{
	return &test_zone(0, ZONE_NORMAL)->per_cpu_pageset[0];
}

static void test_refill_and_free_runs(void)
{
	struct per_cpu_pages *pcp;
	struct page **pages;
	int i, n, batch, grew_refill, max_count = 0, bounded = 1;

	if (test_boot(BOOT))
		return;
	pin0();
	pcp = pcp0();
	batch = pcp->batch;
	n = pcp->high_max * 3 / 4;
	ok(pcp->high_max > pcp->high_min, "auto-tuning: high_max %d above high_min %d",
	   pcp->high_max, pcp->high_min);
	pages = calloc((size_t)n, sizeof(*pages));
	for (i = 0; i < n; i++)
		pages[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	ok(pages[n - 1] != NULL, "%d order-0 allocations", n);
	is_int(pcp->alloc_factor, kmm_pcp_batch_scale_max,
	       "refills without a free double the batch up to pcp_batch_scale_max");
	grew_refill = pcp->high > pcp->high_min;
	ok(grew_refill, "refills raise high above high_min (high %d)", pcp->high);

	for (i = 0; i < n; i++) {
		__free_page(pages[i]);
		if (pcp->count > max_count)
			max_count = pcp->count;
		bounded &= pcp->count <= pcp->high_max && pcp->high <= pcp->high_max;
	}
	is_int(pcp->alloc_factor, 0, "frees halve alloc_factor back to 0");
	is_int(pcp->free_count, batch << kmm_pcp_batch_scale_max,
	       "free_count counts the run of frees, capped at batch << scale_max");
	ok(max_count > pcp->high_min * 2,
	   "a run of frees keeps far more than high_min on the list (%d > 2 * %d)", max_count,
	   pcp->high_min);
	ok(bounded, "count and high never pass high_max");

	pages[0] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	is_int(pcp->free_count, (batch << kmm_pcp_batch_scale_max) / 2,
	       "an allocation halves free_count");
	__free_page(pages[0]);
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after the runs");
	free(pages);
	unpin();
	kmm_exit();
}

static void test_decay(void)
{
	struct per_cpu_pages *pcp;
	struct page **pages;
	int i, n, rounds = 0, exact = 1;

	if (test_boot(BOOT))
		return;
	pin0();
	pcp = pcp0();
	n = pcp->high_max / 2;
	pages = calloc((size_t)n, sizeof(*pages));
	for (i = 0; i < n; i++)
		pages[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	ok(pcp->high > pcp->high_min && pcp->count > pcp->high_min,
	   "before decay: high %d, count %d above high_min %d", pcp->high, pcp->count,
	   pcp->high_min);
	while (pcp->high > pcp->high_min && rounds < 200) {
		int high = pcp->high, count = pcp->count, batch = pcp->batch;
		int want = max(count - (batch << kmm_pcp_batch_scale_max),
			       max(high - high / 8, pcp->high_min));

		kmm_decay_all_pcp_high();
		exact &= pcp->high == want && pcp->count == min(count, want);
		rounds++;
	}
	ok(exact, "each decay round: high = max(count - batch << 5, high - high/8, high_min), "
		  "count drained down to it");
	ok(rounds > 1 && pcp->high == pcp->high_min,
	   "high decays back to high_min in %d rounds", rounds);
	ok(pcp->count <= pcp->high_min, "the list is drained down to high_min (%d)", pcp->count);
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after decay");
	free(pages);
	unpin();
	kmm_exit();
}

static void test_below_high(void)
{
	struct zone *z;
	struct per_cpu_pages *pcp;
	struct page **pages;
	int i, n = 0, high, fc, want, count;

	if (test_boot(BOOT))
		return;
	pin0();
	z = test_zone(0, ZONE_NORMAL);
	pcp = pcp0();
	ok(!test_bit(ZONE_BELOW_HIGH, &z->flags), "boot: the zone is above its high watermark");
	pages = calloc((size_t)z->present_pages, sizeof(*pages));
	/* A run of frees first, so that high has grown above high_min. */
	for (i = 0; i < pcp->high_max / 2; i++)
		pages[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	while (i--)
		__free_page(pages[i]);
	while (!test_bit(ZONE_BELOW_HIGH, &z->flags) && n < (int)z->present_pages) {
		pages[n] = alloc_page(GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN);
		if (!pages[n])
			break;
		n++;
	}
	ok(test_bit(ZONE_BELOW_HIGH, &z->flags),
	   "ZONE_BELOW_HIGH is set once free pages reach the high watermark (%d allocations)", n);
	ok(zone_page_state(z, NR_FREE_PAGES) <= high_wmark_pages(z) + (unsigned long)pcp->batch * 64,
	   "... with NR_FREE_PAGES %lu near the high watermark %lu",
	   zone_page_state(z, NR_FREE_PAGES), high_wmark_pages(z));
	high = pcp->high;
	fc = pcp->free_count;
	count = pcp->count;
	ok(high > pcp->high_min, "high %d is still above high_min %d", high, pcp->high_min);
	__free_page(pages[--n]);
	want = max(high - max(fc + 1, pcp->batch), pcp->high_min);
	is_int(pcp->high, want, "a free below the high watermark lowers high by max(free_count, batch)");
	ok(count > pcp->high_min ? pcp->count <= count + 1 - pcp->batch : pcp->count <= count + 1,
	   "... and drains at least a batch while count is above high_min (%d -> %d)", count,
	   pcp->count);
	while (n--)
		__free_page(pages[n]);
	ok(!test_bit(ZONE_BELOW_HIGH, &z->flags),
	   "a drain that lifts the zone above its high watermark clears ZONE_BELOW_HIGH");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after the low-memory phase");
	free(pages);
	unpin();
	kmm_exit();
}

static void test_high_order_runs(void)
{
	struct per_cpu_pages *pcp;
	struct page *pages[256];
	int i, bounded = 1, drains = 0;

	if (test_boot(BOOT))
		return;
	pin0();
	pcp = pcp0();
	drain_all_pages(NULL);
	for (i = 0; i < 256; i++)
		pages[i] = alloc_pages(GFP_KERNEL | __GFP_MOVABLE, 1);
	for (i = 0; i < 256; i++) {
		__free_pages(pages[i], 1);
		/*
		 * free_high drains the whole list once free_count reaches
		 * batch (and, with PCPF_FREE_HIGH_BATCH, count too): without
		 * it the list would grow towards high (hundreds of pages).
		 */
		bounded &= pcp->count <= 2 * pcp->batch + 2;
		drains += pcp->count == 0;
	}
	ok(bounded && drains >= 16,
	   "a run of order-1 frees without allocations is drained, not kept "
	   "(count <= 2 * batch + 2 after every free; emptied %d times; high %d)", drains, pcp->high);
	ok(pcp->flags & PCPF_PREV_FREE_HIGH_ORDER, "PCPF_PREV_FREE_HIGH_ORDER after an order-1 free");
	pages[0] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	__free_page(pages[0]);
	ok(!(pcp->flags & PCPF_PREV_FREE_HIGH_ORDER), "an order-0 free clears it");
	is_int(kmm_zone_validate(NULL), 0, "validator: consistent after order-1 runs");
	unpin();
	kmm_exit();
}

static void test_fixed_fraction(void)
{
	struct per_cpu_pages *pcp;
	struct page **pages;
	int i, n, bounded = 1;
	int ncpu = 0;
	unsigned int cpu;

	if (test_boot(BOOT " percpu_pagelist_high_fraction=8"))
		return;
	for (cpu = 0; cpu < kmm_nr_cpu_ids; cpu++)
		ncpu += kmm_cpu_to_node_map[cpu] == 0;
	pin0();
	pcp = pcp0();
	is_int(pcp->high_min, pcp->high_max, "percpu_pagelist_high_fraction=8: high_min == high_max");
	is_int(pcp->high, max(65536 / 8 / ncpu, pcp->batch * 4),
	       "... high = managed pages / 8 / CPUs of the node");
	n = pcp->high * 2;
	pages = calloc((size_t)n, sizeof(*pages));
	for (i = 0; i < n; i++)
		pages[i] = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	for (i = 0; i < n; i++) {
		__free_page(pages[i]);
		bounded &= pcp->count < pcp->high && pcp->high == pcp->high_min;
	}
	ok(bounded, "no tuning: high never moves and count stays below it");
	free(pages);
	unpin();
	kmm_exit();

	if (test_boot(BOOT " percpu_pagelist_high_fraction=4"))
		return;
	like(test_dmesg(), "`4' invalid for parameter `percpu_pagelist_high_fraction'",
	     "a fraction below 8 is refused at boot");
	ok(pcp0()->high_max > pcp0()->high_min, "... and the tuning stays on");
	kmm_exit();

	if (test_boot(BOOT " pcp_batch_scale_max=9"))
		return;
	is_int(kmm_pcp_batch_scale_max, 6, "pcp_batch_scale_max=9 is capped at 6");
	kmm_exit();
}

static void test_zoneinfo(void)
{
	char *buf, want[160];
	struct per_cpu_pages *pcp;

	if (test_boot(BOOT))
		return;
	pcp = pcp0();
	buf = test_view("zoneinfo");
	snprintf(want, sizeof(want),
		 "\n    cpu: 0\n              count:    %d\n              high:     %d"
		 "\n              batch:    %d\n              high_min: %d\n              high_max: %d\n",
		 pcp->count, pcp->high, pcp->batch, pcp->high_min, pcp->high_max);
	like(buf, want, "zoneinfo shows cpu 0's count, high, batch, high_min and high_max");
	free(buf);
	kmm_exit();
}

int main(void)
{
	test_refill_and_free_runs();
	test_decay();
	test_below_high();
	test_high_order_runs();
	test_fixed_fraction();
	test_zoneinfo();
	return done_testing();
}
