/* SPDX-License-Identifier: MIT */
/*
 * Nodes, zones, free areas, migratetypes and per-CPU page lists, shaped
 * like the kernel's include/linux/mmzone.h.
 */
#ifndef KMM_MMZONE_H
#define KMM_MMZONE_H

#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/spinlock.h>
#include <kmm/mm_types.h>

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))

#define MAX_PAGE_ORDER		10
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES	(1UL << MAX_PAGE_ORDER)
#define PAGE_ALLOC_COSTLY_ORDER	3
#define pageblock_order		9
#define pageblock_nr_pages	(1UL << pageblock_order)

#define MAX_NUMNODES		64
#define NUMA_NO_NODE		(-1)	/* any node: the allocating CPU's first */
#define MAX_NR_CPUS		256

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,	/* the number of types on the pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,	/* can't allocate from here */
	MIGRATE_TYPES
};

static inline bool is_migrate_movable(int mt) { return mt == MIGRATE_MOVABLE; }
static inline bool is_migrate_highatomic(int mt) { return mt == MIGRATE_HIGHATOMIC; }
static inline bool is_migrate_isolate(int mt) { return mt == MIGRATE_ISOLATE; }

KMM_API extern const char * const kmm_migratetype_names[MIGRATE_TYPES];
#define migratetype_names kmm_migratetype_names

enum zone_type {
	ZONE_DMA,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	__MAX_NR_ZONES
};
#define MAX_NR_ZONES	__MAX_NR_ZONES

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK
};

/* Per-zone counters (Linux 6.12 order), then kmm's per-migratetype ones. */
enum zone_stat_item {
	NR_FREE_PAGES,
	NR_ZONE_LRU_BASE,
	NR_ZONE_INACTIVE_ANON = NR_ZONE_LRU_BASE,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_ZSPAGES,
	NR_FREE_CMA_PAGES,
	/* kmm: free pages on the buddy lists of each migratetype */
	NR_FREE_UNMOVABLE,
	NR_FREE_MOVABLE,
	NR_FREE_RECLAIMABLE,
	NR_FREE_HIGHATOMIC,
	NR_FREE_ISOLATE,
	NR_VM_ZONE_STAT_ITEMS
};

/* Per-node counters kmm keeps (a subset of the kernel's, same names). */
enum node_stat_item {
	NR_SLAB_RECLAIMABLE_B,
	NR_SLAB_UNRECLAIMABLE_B,
	NR_KERNEL_STACK_KB,
	NR_PAGETABLE,
	NR_VM_NODE_STAT_ITEMS
};

/* NUMA events, per zone. */
enum numa_stat_item {
	NUMA_HIT,
	NUMA_MISS,
	NUMA_FOREIGN,
	NUMA_INTERLEAVE_HIT,
	NUMA_LOCAL,
	NUMA_OTHER,
	NR_VM_NUMA_EVENT_ITEMS
};

/* Events (vm_event_item), kept per zone and summed for /proc/vmstat. */
enum vm_event_item {
	PGALLOC,		/* counted against the zone the page came from */
	ALLOCSTALL,		/* counted against the preferred zone */
	PGFREE,
	PGALLOC_FAIL,		/* kmm: allocations that returned NULL */
	PGSTEAL_FALLBACK,	/* kmm: allocations served by a fallback type */
	PGBLOCK_STEAL,		/* kmm: pageblocks whose type was taken over */
	NR_VM_EVENT_ITEMS
};

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
	/* blocks on each list, written under zone->lock, read locklessly */
	unsigned long nr_free_mt[MIGRATE_TYPES];
};

/*
 * pcp lists: one per migratetype for each order 0..PAGE_ALLOC_COSTLY_ORDER,
 * and two for pageblock-order (THP-sized) pages: movable and the rest.
 */
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_THP		2
#define NR_PCP_LISTS		(NR_LOWORDER_PCP_LISTS + NR_PCP_THP)

/*
 * With restartable sequences (kmm_percpu_rseq) the CPU's own fast paths
 * own the pcp by setting locked (a sequence on that CPU, no locked
 * instruction) and everybody else by taking lock, setting remote and
 * waiting for locked to clear (src/mm/pcp_lock.h); otherwise lock alone
 * protects the pcp, as in the kernel.
 */
/* pcp->flags */
#define PCPF_PREV_FREE_HIGH_ORDER	0x01	/* the last free was of order 1..3 */
#define PCPF_FREE_HIGH_BATCH		0x02	/* the CPU's cache slice holds 3 batches */

struct per_cpu_pages {
	unsigned int locked;	/* owned by a fast path (rseq mode) */
	unsigned int remote;	/* owned by lock's holder (rseq mode) */
	int count;		/* pages on the lists */
	int high;		/* drain above this; auto-tuned in [high_min, high_max] */
	int high_min;
	int high_max;
	int batch;		/* chunk size for buddy add/remove */
	u8 flags;		/* PCPF_* */
	u8 alloc_factor;	/* refill batch scale: grows with refills, halves on free */
	short free_count;	/* pages freed lately: grows on free, halves on alloc */
	short free_count_max;	/* kmm: batch << pcp_batch_scale_max, set with batch */
	unsigned long decay_stamp;	/* kmm: jiffies of the last decay_pcp_high */
	long events[NR_VM_EVENT_ITEMS];	/* pcp-path events */
	long numa[NR_VM_NUMA_EVENT_ITEMS];
	/*
	 * kmm: order-0 fast-path allocations, each one PGALLOC, NUMA_HIT
	 * and NUMA_LOCAL at once (one increment instead of three); the
	 * readers add it to those three counters.
	 */
	long fast_allocs;
	struct list_head lists[NR_PCP_LISTS];
	spinlock_t lock;	/* protects the above; see the comment above */
} ____cacheline_aligned;

struct per_cpu_zonestat {
	_Atomic s8 vm_stat_diff[NR_VM_ZONE_STAT_ITEMS];
	s8 stat_threshold;
} ____cacheline_aligned;

struct pglist_data;

enum zone_flags {
	ZONE_BELOW_HIGH,	/* free pages below the high watermark: pcp high shrinks */
};

struct zone {
	/* read-mostly */
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	int node;
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset;		/* [nr_cpu_ids] */
	struct per_cpu_zonestat *per_cpu_zonestats;	/* [nr_cpu_ids] */
	int pageset_high_min;
	int pageset_high_max;
	int pageset_batch;
	unsigned long flags;		/* ZONE_* bits (enum zone_flags) */
	u8 *pageblock_flags;		/* migratetype per pageblock */
	unsigned long zone_start_pfn;
	atomic_long_t managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long percpu_drift_mark;
	const char *name;

	/* write-intensive, under lock */
	spinlock_t lock ____cacheline_aligned;
	struct free_area free_area[NR_PAGE_ORDERS];
	unsigned long nr_free_highatomic;
	atomic_long_t nr_bad_pages;		/* taken out of circulation */
	atomic_long_t events[NR_VM_EVENT_ITEMS];	/* slow-path events */
	atomic_long_t numa[NR_VM_NUMA_EVENT_ITEMS];

	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS] ____cacheline_aligned;
};

enum {
	ZONELIST_FALLBACK,	/* every node, nearest first */
	ZONELIST_NOFALLBACK,	/* this node only (__GFP_THISNODE) */
	MAX_ZONELISTS
};

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

#define MAX_ZONES_PER_ZONELIST	(MAX_NUMNODES * MAX_NR_ZONES)
struct zonelist {
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones;
	struct page *node_mem_map;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
	unsigned long totalreserve_pages;
	atomic_long_t vm_stat[NR_VM_NODE_STAT_ITEMS];
} pg_data_t;

KMM_API extern pg_data_t *kmm_node_data[MAX_NUMNODES];
KMM_API extern int kmm_nr_online_nodes;
#define NODE_DATA(nid)		(kmm_node_data[nid])
#define nr_online_nodes		kmm_nr_online_nodes
#define for_each_online_node(nid) \
	for ((nid) = 0; (nid) < kmm_nr_online_nodes; (nid)++)

static inline unsigned long zone_managed_pages(const struct zone *zone)
{
	return (unsigned long)atomic_long_read(&zone->managed_pages);
}
static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}
static inline bool managed_zone(const struct zone *zone)
{
	return zone_managed_pages(zone) != 0;
}
static inline int zone_idx(const struct zone *zone)
{
	return (int)(zone - zone->zone_pgdat->node_zones);
}
static inline int zone_to_nid(const struct zone *zone)
{
	return zone->node;
}
static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}
static inline bool zone_spans_pfn(const struct zone *zone, unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn && pfn < zone_end_pfn(zone);
}
static inline bool free_area_empty(const struct free_area *area, int migratetype)
{
	return READ_ONCE(area->nr_free_mt[migratetype]) == 0;
}

#define min_wmark_pages(z)	((z)->_watermark[WMARK_MIN] + (z)->watermark_boost)
#define low_wmark_pages(z)	((z)->_watermark[WMARK_LOW] + (z)->watermark_boost)
#define high_wmark_pages(z)	((z)->_watermark[WMARK_HIGH] + (z)->watermark_boost)
#define wmark_pages(z, i)	((z)->_watermark[i] + (z)->watermark_boost)

/* Iterate every populated zone of every node. */
KMM_API struct zone *kmm_next_zone(struct zone *zone);
#define for_each_zone(zone) \
	for ((zone) = kmm_next_zone(NULL); (zone); (zone) = kmm_next_zone(zone))
#define for_each_populated_zone(zone) \
	for_each_zone(zone) if (!populated_zone(zone)) ; else

/* ALLOC_* flags for zone_watermark_ok (mm/internal.h, Linux 6.12). */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10
#define ALLOC_MIN_RESERVE	0x20
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200
#define ALLOC_KSWAPD		0x800
#define ALLOC_RESERVES	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

KMM_API bool kmm_zone_watermark_ok(struct zone *z, unsigned int order,
				   unsigned long mark, int highest_zoneidx,
				   unsigned int alloc_flags);
#define zone_watermark_ok(z, order, mark, idx, flags) \
	kmm_zone_watermark_ok(z, order, mark, idx, flags)

/* Pageblock migratetype. */
KMM_API int kmm_get_pageblock_migratetype(const struct page *page);
#define get_pageblock_migratetype(page) kmm_get_pageblock_migratetype(page)

#endif /* KMM_MMZONE_H */
