// SPDX-License-Identifier: MIT
/*
 * The page allocator's /proc views in Linux 6.12's formats (the
 * CONFIG_PROC_FS part of mm/vmstat.c): "buddyinfo", "pagetypeinfo",
 * "zoneinfo" and "vmstat".  Field names, widths and order are the
 * kernel's, so that tools reading the real files read these.
 *
 * kmm builds a kernel of its own shape: zones DMA, Normal and Movable (no
 * DMA32, no HighMem), CONFIG_NUMA=y, CONFIG_CMA=n, CONFIG_ZSMALLOC=y,
 * CONFIG_UNACCEPTED_MEMORY=n, migratetypes Unmovable, Movable,
 * Reclaimable, HighAtomic, Isolate.  Counters kmm adds (free pages per
 * migratetype, the fallback and failure events) follow the kernel's own
 * items under names of their own.
 *
 * Counters are read with their per-CPU deltas (zone_page_state_snapshot):
 * a view is a report, and with the allocator idle its numbers add up
 * (vmstat's nr_free_pages is the sum of buddyinfo's blocks once the
 * per-CPU lists are drained).  The kernel prints the folded values only;
 * the difference is at most the per-CPU thresholds.
 *
 * Locking: each zone's free lists are read under zone->lock, as
 * walk_zones_in_node() does; nothing is printed while a lock is held.
 */
#include "mm/internal.h"
#include "mm/pcp_lock.h"
#include "kernel/internal.h"

KMM_LINK_ANCHOR(vmstat_proc);

/* vmstat_text's names for kmm's items, in the kernel's order. */
static const char * const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	[NR_FREE_PAGES]		= "nr_free_pages",
	[NR_ZONE_INACTIVE_ANON]	= "nr_zone_inactive_anon",
	[NR_ZONE_ACTIVE_ANON]	= "nr_zone_active_anon",
	[NR_ZONE_INACTIVE_FILE]	= "nr_zone_inactive_file",
	[NR_ZONE_ACTIVE_FILE]	= "nr_zone_active_file",
	[NR_ZONE_UNEVICTABLE]	= "nr_zone_unevictable",
	[NR_ZONE_WRITE_PENDING]	= "nr_zone_write_pending",
	[NR_MLOCK]		= "nr_mlock",
	[NR_BOUNCE]		= "nr_bounce",
	[NR_ZSPAGES]		= "nr_zspages",
	[NR_FREE_CMA_PAGES]	= "nr_free_cma",
	/* kmm's own: free pages on each migratetype's buddy lists */
	[NR_FREE_UNMOVABLE]	= "nr_free_unmovable",
	[NR_FREE_MOVABLE]	= "nr_free_movable",
	[NR_FREE_RECLAIMABLE]	= "nr_free_reclaimable",
	[NR_FREE_HIGHATOMIC]	= "nr_free_highatomic",
	[NR_FREE_ISOLATE]	= "nr_free_isolate",
};

static const char * const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS] = {
	[NUMA_HIT]		= "numa_hit",
	[NUMA_MISS]		= "numa_miss",
	[NUMA_FOREIGN]		= "numa_foreign",
	[NUMA_INTERLEAVE_HIT]	= "numa_interleave",
	[NUMA_LOCAL]		= "numa_local",
	[NUMA_OTHER]		= "numa_other",
};

static const char * const node_stat_names[NR_VM_NODE_STAT_ITEMS] = {
	[NR_SLAB_RECLAIMABLE_B]		= "nr_slab_reclaimable",
	[NR_SLAB_UNRECLAIMABLE_B]	= "nr_slab_unreclaimable",
	[NR_KERNEL_STACK_KB]		= "nr_kernel_stack",
	[NR_PAGETABLE]			= "nr_page_table_pages",
};

/* TEXTS_FOR_ZONES(): the suffix of each zone's per-zone event. */
static const char * const zone_event_suffix[MAX_NR_ZONES] = {
	[ZONE_DMA]	= "dma",
	[ZONE_NORMAL]	= "normal",
	[ZONE_MOVABLE]	= "movable",
};

/*
 * Helpers shared with show_mem.c (which also makes the linker bring this
 * file, and so its views, into programs linked with the static library).
 */
unsigned long kmm_node_stat_pages(pg_data_t *pgdat, enum node_stat_item item);
unsigned long kmm_global_node_pages(enum node_stat_item item);
unsigned long kmm_global_zone_snapshot(enum zone_stat_item item);
unsigned long kmm_totalreserve_pages(void);

/*
 * A node counter as the kernel shows it: pages (the _B items are updated
 * in bytes but kept in pages, as in the kernel), kB for nr_kernel_stack.
 */
unsigned long kmm_node_stat_pages(pg_data_t *pgdat, enum node_stat_item item)
{
	return kmm_node_page_state(pgdat, item);
}

unsigned long kmm_global_node_pages(enum node_stat_item item)
{
	unsigned long sum = 0;
	int nid;

	for_each_online_node(nid)
		sum += kmm_node_stat_pages(NODE_DATA(nid), item);
	return sum;
}

/* global_zone_page_state() with the per-CPU deltas. */
unsigned long kmm_global_zone_snapshot(enum zone_stat_item item)
{
	unsigned long sum = 0;
	struct zone *zone;

	for_each_zone(zone)
		sum += kmm_zone_page_state_snapshot(zone, item);
	return sum;
}

unsigned long kmm_totalreserve_pages(void)
{
	unsigned long sum = 0;
	int nid;

	for_each_online_node(nid)
		sum += NODE_DATA(nid)->totalreserve_pages;
	return sum;
}

/*
 * A zone's event or NUMA counter: the zone's atomic part plus every
 * CPU's pcp part, each read under its pcp lock (the allocator updates
 * them under that lock with plain stores; pcp_lock.h).  The views are never called
 * with an mm lock held, so taking pcp->lock here is safe.
 */
static unsigned long zone_counter(struct zone *zone, int item, bool numa)
{
	long sum = atomic_long_read(numa ? &zone->numa[item] : &zone->events[item]);
	int cpu;

	if (!zone->per_cpu_pageset)
		return (unsigned long)max(sum, 0L);
	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		pcp_lock_remote(pcp, cpu);
		sum += numa ? pcp_numa(pcp, item) : pcp_event(pcp, item);
		pcp_unlock_remote(pcp);
	}
	return sum < 0 ? 0 : (unsigned long)sum;
}

static unsigned long global_numa_event(enum numa_stat_item item)
{
	unsigned long sum = 0;
	struct zone *zone;

	for_each_zone(zone)
		sum += zone_counter(zone, item, true);
	return sum;
}

static unsigned long global_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;
	struct zone *zone;

	for_each_zone(zone)
		sum += zone_counter(zone, item, false);
	return sum;
}

static bool kmm_booted_mm(void)
{
	return kmm_mem_map && NODE_DATA(0);
}

/* ---- buddyinfo ---------------------------------------------------------- */

static void buddyinfo_show(FILE *f)
{
	int nid, zid, order;

	if (!kmm_booted_mm())
		return;
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *zone = &pgdat->node_zones[zid];
			unsigned long nr[NR_PAGE_ORDERS];

			if (!populated_zone(zone))
				continue;
			spin_lock(&zone->lock);
			for (order = 0; order < NR_PAGE_ORDERS; order++)
				nr[order] = zone->free_area[order].nr_free;
			spin_unlock(&zone->lock);

			fprintf(f, "Node %d, zone %8s ", nid, zone->name);
			for (order = 0; order < NR_PAGE_ORDERS; order++)
				fprintf(f, "%6lu ", nr[order]);
			fputc('\n', f);
		}
	}
}
KMM_PROC("buddyinfo", buddyinfo_show);

/* ---- pagetypeinfo ------------------------------------------------------- */

/* The kernel stops counting a free list here (it holds zone->lock). */
#define FREECOUNT_CAP	100000

static void pagetypeinfo_showfree_zone(FILE *f, pg_data_t *pgdat, struct zone *zone)
{
	int order, mt;

	for (mt = 0; mt < MIGRATE_TYPES; mt++) {
		fprintf(f, "Node %4d, zone %8s, type %12s ", pgdat->node_id, zone->name,
			kmm_migratetype_names[mt]);
		for (order = 0; order < NR_PAGE_ORDERS; order++) {
			unsigned long freecount = 0;
			bool overflow = false;
			struct list_head *curr;

			/* Walk the list itself, one order at a time. */
			spin_lock(&zone->lock);
			list_for_each(curr, &zone->free_area[order].free_list[mt]) {
				if (++freecount >= FREECOUNT_CAP) {
					overflow = true;
					break;
				}
			}
			spin_unlock(&zone->lock);
			fprintf(f, "%s%6lu ", overflow ? ">" : "", freecount);
		}
		fputc('\n', f);
	}
}

static void pagetypeinfo_showblockcount_zone(FILE *f, pg_data_t *pgdat, struct zone *zone)
{
	unsigned long count[MIGRATE_TYPES] = { 0 };
	unsigned long idx, nr_blocks = DIV_ROUND_UP(zone->spanned_pages, pageblock_nr_pages);
	int mt;

	spin_lock(&zone->lock);
	for (idx = 0; idx < nr_blocks; idx++) {
		mt = __atomic_load_n(&zone->pageblock_flags[idx], __ATOMIC_RELAXED);
		if (mt < MIGRATE_TYPES)
			count[mt]++;
	}
	spin_unlock(&zone->lock);

	fprintf(f, "Node %d, zone %8s ", pgdat->node_id, zone->name);
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(f, "%12lu ", count[mt]);
	fputc('\n', f);
}

static void pagetypeinfo_show(FILE *f)
{
	int nid, zid, order, mt;

	if (!kmm_booted_mm())
		return;
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		if (!pgdat->node_present_pages)		/* memoryless node */
			continue;
		fprintf(f, "Page block order: %d\n", pageblock_order);
		fprintf(f, "Pages per block:  %lu\n", pageblock_nr_pages);
		fputc('\n', f);

		fprintf(f, "%-43s ", "Free pages count per migrate type at order");
		for (order = 0; order < NR_PAGE_ORDERS; order++)
			fprintf(f, "%6d ", order);
		fputc('\n', f);
		for (zid = 0; zid < MAX_NR_ZONES; zid++)
			if (populated_zone(&pgdat->node_zones[zid]))
				pagetypeinfo_showfree_zone(f, pgdat, &pgdat->node_zones[zid]);

		fprintf(f, "\n%-23s", "Number of blocks type ");
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			fprintf(f, "%12s ", kmm_migratetype_names[mt]);
		fputc('\n', f);
		for (zid = 0; zid < MAX_NR_ZONES; zid++)
			if (populated_zone(&pgdat->node_zones[zid]))
				pagetypeinfo_showblockcount_zone(f, pgdat, &pgdat->node_zones[zid]);
		/* "Number of mixed blocks" needs CONFIG_PAGE_OWNER: not shown. */
	}
}
KMM_PROC("pagetypeinfo", pagetypeinfo_show);

/* ---- zoneinfo ----------------------------------------------------------- */

static bool is_zone_first_populated(pg_data_t *pgdat, struct zone *zone)
{
	int zid;

	for (zid = 0; zid < MAX_NR_ZONES; zid++)
		if (populated_zone(&pgdat->node_zones[zid]))
			return zone == &pgdat->node_zones[zid];
	return false;
}

static void zoneinfo_show_zone(FILE *f, pg_data_t *pgdat, struct zone *zone)
{
	unsigned long wmark[NR_WMARK], boost, spanned, present, managed, start_pfn;
	long reserve[MAX_NR_ZONES];
	int i, cpu;

	/* The fields zone->lock protects, read together. */
	spin_lock(&zone->lock);
	boost = zone->watermark_boost;
	for (i = 0; i < NR_WMARK; i++)
		wmark[i] = zone->_watermark[i] + boost;
	for (i = 0; i < MAX_NR_ZONES; i++)
		reserve[i] = zone->lowmem_reserve[i];
	spanned = zone->spanned_pages;
	present = zone->present_pages;
	managed = zone_managed_pages(zone);
	start_pfn = zone->zone_start_pfn;
	spin_unlock(&zone->lock);

	fprintf(f, "Node %d, zone %8s", pgdat->node_id, zone->name);
	if (is_zone_first_populated(pgdat, zone)) {
		fprintf(f, "\n  per-node stats");
		for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
			fprintf(f, "\n      %-12s %lu", node_stat_names[i],
				kmm_node_stat_pages(pgdat, (enum node_stat_item)i));
	}
	fprintf(f,
		"\n  pages free     %lu"
		"\n        boost    %lu"
		"\n        min      %lu"
		"\n        low      %lu"
		"\n        high     %lu"
		"\n        promo    %lu"
		"\n        spanned  %lu"
		"\n        present  %lu"
		"\n        managed  %lu"
		"\n        cma      %lu",
		kmm_zone_page_state_snapshot(zone, NR_FREE_PAGES), boost,
		wmark[WMARK_MIN], wmark[WMARK_LOW], wmark[WMARK_HIGH], wmark[WMARK_PROMO],
		spanned, present, managed,
		0UL /* zone_cma_pages(): no CONFIG_CMA */);

	fprintf(f, "\n        protection: (%ld", reserve[0]);
	for (i = 1; i < MAX_NR_ZONES; i++)
		fprintf(f, ", %ld", reserve[i]);
	fputc(')', f);

	/* Nothing more is of use for an empty zone. */
	if (!populated_zone(zone)) {
		fputc('\n', f);
		return;
	}

	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		fprintf(f, "\n      %-12s %lu", zone_stat_names[i],
			kmm_zone_page_state_snapshot(zone, (enum zone_stat_item)i));
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		fprintf(f, "\n      %-12s %lu", numa_stat_names[i], zone_counter(zone, i, true));

	fprintf(f, "\n  pagesets");
	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		int count, high, batch, high_min, high_max;

		pcp_lock_remote(pcp, cpu);
		count = pcp->count;
		high = pcp->high;
		batch = pcp->batch;
		high_min = pcp->high_min;
		high_max = pcp->high_max;
		pcp_unlock_remote(pcp);

		fprintf(f,
			"\n    cpu: %i"
			"\n              count:    %i"
			"\n              high:     %i"
			"\n              batch:    %i"
			"\n              high_min: %i"
			"\n              high_max: %i",
			cpu, count, high, batch, high_min, high_max);
		fprintf(f, "\n  vm stats threshold: %d",
			zone->per_cpu_zonestats[cpu].stat_threshold);
	}
	/* No kswapd, so no kswapd_failures: the node is never unreclaimable. */
	fprintf(f,
		"\n  node_unreclaimable:  %u"
		"\n  start_pfn:           %lu",
		0U, start_pfn);
	fputc('\n', f);
}

/* Every zone, populated or not: lowmem_reserve_ratio concerns them all. */
static void zoneinfo_show(FILE *f)
{
	int nid, zid;

	if (!kmm_booted_mm())
		return;
	for_each_online_node(nid)
		for (zid = 0; zid < MAX_NR_ZONES; zid++)
			zoneinfo_show_zone(f, NODE_DATA(nid), &NODE_DATA(nid)->node_zones[zid]);
}
KMM_PROC("zoneinfo", zoneinfo_show);

/* ---- vmstat ------------------------------------------------------------- */

/*
 * global_dirty_limits() with the default sysctls (vm.dirty_ratio 20,
 * vm.dirty_background_ratio 10, no *_bytes) over kmm's dirtyable memory:
 * free pages less the reserves (kmm has no file LRU to add, no highmem to
 * take away).  These are the thresholds a kernel would apply to this much
 * free memory; kmm itself has no page cache to throttle.
 */
#define VM_DIRTY_RATIO			20
#define DIRTY_BACKGROUND_RATIO		10

static void global_dirty_limits(unsigned long free, unsigned long *pbackground,
				unsigned long *pdirty)
{
	unsigned long avail = free, thresh, bg_thresh;
	unsigned long ratio = (VM_DIRTY_RATIO * PAGE_SIZE) / 100;
	unsigned long bg_ratio = (DIRTY_BACKGROUND_RATIO * PAGE_SIZE) / 100;

	avail -= min(avail, kmm_totalreserve_pages());
	avail += 1;		/* never 0 */
	thresh = (ratio * avail) / PAGE_SIZE;
	bg_thresh = (bg_ratio * avail) / PAGE_SIZE;
	if (bg_thresh >= thresh)
		bg_thresh = thresh / 2;
	*pbackground = bg_thresh;
	*pdirty = thresh;
}

static unsigned long zone_idx_event(int zid, enum vm_event_item item)
{
	unsigned long sum = 0;
	int nid;

	for_each_online_node(nid)
		sum += zone_counter(&NODE_DATA(nid)->node_zones[zid], item, false);
	return sum;
}

static void vmstat_show(FILE *f)
{
	unsigned long free, bg_thresh, thresh;
	int i, zid;

	if (!kmm_booted_mm())
		return;

	/* enum zone_stat_item */
	free = kmm_global_zone_snapshot(NR_FREE_PAGES);
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		fprintf(f, "%s %lu\n", zone_stat_names[i],
			i == NR_FREE_PAGES ? free : kmm_global_zone_snapshot((enum zone_stat_item)i));

	/* enum numa_stat_item */
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		fprintf(f, "%s %lu\n", numa_stat_names[i],
			global_numa_event((enum numa_stat_item)i));

	/* enum node_stat_item */
	for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		fprintf(f, "%s %lu\n", node_stat_names[i],
			kmm_global_node_pages((enum node_stat_item)i));

	/* enum vm_stat_item */
	global_dirty_limits(free, &bg_thresh, &thresh);
	fprintf(f, "nr_dirty_threshold %lu\n", thresh);
	fprintf(f, "nr_dirty_background_threshold %lu\n", bg_thresh);
	/* mem_map is set up at boot, as memblock allocates it in the kernel. */
	fprintf(f, "nr_memmap_pages %lu\n", 0UL);
	fprintf(f, "nr_memmap_boot_pages %lu\n",
		DIV_ROUND_UP(kmm_total_pages * sizeof(struct page), PAGE_SIZE));

	/* enum vm_event_item: the ones kmm counts, then kmm's own. */
	for (zid = 0; zid < MAX_NR_ZONES; zid++)
		fprintf(f, "pgalloc_%s %lu\n", zone_event_suffix[zid], zone_idx_event(zid, PGALLOC));
	for (zid = 0; zid < MAX_NR_ZONES; zid++)
		fprintf(f, "allocstall_%s %lu\n", zone_event_suffix[zid],
			zone_idx_event(zid, ALLOCSTALL));
	fprintf(f, "pgfree %lu\n", global_vm_event(PGFREE));
	fprintf(f, "kmm_alloc_fail %lu\n", global_vm_event(PGALLOC_FAIL));
	fprintf(f, "kmm_alloc_fallback %lu\n", global_vm_event(PGSTEAL_FALLBACK));
	fprintf(f, "kmm_pageblock_steal %lu\n", global_vm_event(PGBLOCK_STEAL));
}
KMM_PROC("vmstat", vmstat_show);
