/* SPDX-License-Identifier: MIT */
/*
 * Page allocator internals shared by the files of src/mm (hidden).
 *
 * Lock order: pcp->lock (per zone, per CPU) nests outside zone->lock.
 * No mm lock is held while printing a report that takes another mm lock.
 */
#ifndef KMM_MM_INTERNAL_H
#define KMM_MM_INTERNAL_H

#include <kmm/mm.h>
#include <kmm/vmstat.h>
#include <kmm/printk.h>
#include <kmm/panic.h>
#include <kmm/smp.h>
#include "arch/arch.h"
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

/* Boot parameters of the page allocator (mm_init.c sets the defaults). */
struct kmm_mm_params {
	unsigned long long mem_bytes;	/* mem= (default 1G) */
	int nr_nodes;			/* numa=fake=N */
	long min_free_kbytes;		/* -1: derive as the kernel does */
	int watermark_scale_factor;	/* 10 = 0.1% */
	/*
	 * The options that take the page allocator off its order-0 fast
	 * paths share one word: any_slow is nonzero when one is set, so the
	 * fast paths test them with one load, and a flag changed at run time
	 * (a test switching watermark_check, debug_pagealloc giving up) is
	 * seen without recomputing anything.
	 */
	union {
		struct {
			bool watermark_legacy;	/* watermark_check=legacy */
			bool debug_pagealloc;	/* debug_pagealloc=on */
			bool page_poison;	/* page_poison=on */
			bool mobility_disabled;	/* mobility_grouping=off */
			bool init_on_free;	/* init_on_free=on: zero on free */
			bool init_on_alloc;	/* init_on_alloc=on: zero on alloc */
		};
		u64 any_slow;
	};
	unsigned long long movablecore;	/* movablecore= bytes (ZONE_MOVABLE) */
	unsigned long long dma_bytes;	/* kmm.dma= size of ZONE_DMA (16M) */
	int nr_cpus;			/* nr_cpus= (default: the machine's) */
};
extern struct kmm_mm_params kmm_mm_params;
#define page_group_by_mobility_disabled (kmm_mm_params.mobility_disabled)

/* Is any option that needs the general paths on?  One relaxed load. */
static __always_inline bool kmm_mm_debug_any(void)
{
	return __atomic_load_n(&kmm_mm_params.any_slow, __ATOMIC_RELAXED) != 0;
}

/* The managed memory (mm_init.c). */
extern unsigned long kmm_total_pages;	/* present pages of all nodes */
int kmm_mm_init(void);
void kmm_mm_exit(void);

/* The CPU this thread runs on now (it may change right after). */
static inline int kmm_this_cpu(void)
{
	unsigned int cpu = (unsigned int)kmm_arch_getcpu();

	return likely(cpu < kmm_nr_cpu_ids) ? (int)cpu : (int)(cpu % kmm_nr_cpu_ids);
}

/* Fake NUMA: CPUs are spread over the nodes round-robin (mm_init.c). */
extern int kmm_cpu_to_node_map[MAX_NR_CPUS];
static inline int kmm_numa_node_id(void)
{
	return kmm_cpu_to_node_map[kmm_this_cpu()];
}

/* How an allocation may be served (mm/internal.h). */
struct alloc_context {
	struct zonelist *zonelist;
	const unsigned long *nodemask;
	struct zoneref *preferred_zoneref;
	int migratetype;
	int highest_zoneidx;
	int cpu;		/* looked up once per allocation */
};

/*
 * The first zoneref of each node's zonelists that a request limited to
 * zones <= idx may use, for requests without a nodemask (mm_init.c).
 */
extern struct zoneref *kmm_first_zoneref[MAX_NUMNODES][MAX_ZONELISTS][MAX_NR_ZONES];

static inline bool zone_allowed(const struct zoneref *z, const struct alloc_context *ac)
{
	const unsigned long *nm = ac->nodemask;
	int nid = z->zone->node;

	if (z->zone_idx > ac->highest_zoneidx)
		return false;
	return !nm || (nm[nid / BITS_PER_LONG] >> (nid % BITS_PER_LONG)) & 1;
}

#define for_each_zoneref(z, ac) \
	for ((z) = (ac)->zonelist->_zonerefs; (z)->zone; (z)++) \
		if (!zone_allowed(z, ac)) ; else

static inline bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order;
}

/* A pcp's share of an event or NUMA counter, fast-path allocations included. */
static inline long pcp_event(const struct per_cpu_pages *pcp, int item)
{
	return READ_ONCE(pcp->events[item]) + (item == PGALLOC ? READ_ONCE(pcp->fast_allocs) : 0);
}

static inline long pcp_numa(const struct per_cpu_pages *pcp, int item)
{
	return READ_ONCE(pcp->numa[item]) +
	       (item == NUMA_HIT || item == NUMA_LOCAL ? READ_ONCE(pcp->fast_allocs) : 0);
}

/* NUMA hit/miss accounting; pcp non-NULL means its lock is held. */
static inline void zone_statistics(struct per_cpu_pages *pcp, struct zone *preferred_zone,
				   struct zone *z, long nr, int cpu)
{
	int local_nid = kmm_cpu_to_node_map[cpu];

	if (z->node == preferred_zone->node) {
		if (pcp)
			WRITE_ONCE(pcp->numa[NUMA_HIT], pcp->numa[NUMA_HIT] + nr);
		else
			atomic_long_add(nr, &z->numa[NUMA_HIT]);
	} else {
		atomic_long_add(nr, &z->numa[NUMA_MISS]);
		atomic_long_add(nr, &preferred_zone->numa[NUMA_FOREIGN]);
	}
	if (z->node == local_nid) {
		if (pcp)
			WRITE_ONCE(pcp->numa[NUMA_LOCAL], pcp->numa[NUMA_LOCAL] + nr);
		else
			atomic_long_add(nr, &z->numa[NUMA_LOCAL]);
	} else {
		atomic_long_add(nr, &z->numa[NUMA_OTHER]);
	}
}

/* buddy.c: the zone's free lists. */
#define FPI_NONE	0
#define FPI_TO_TAIL	1	/* put the block at the tail of its list */
#define FPI_REPORTED	2	/* the block's memory is untouched (fresh) */
/* __free_pages_ok(): page (count zero) and its block to the buddy lists. */
void kmm_free_pages_ok(struct page *page, unsigned int order, int fpi_flags);
void kmm_free_one_range_boot(unsigned long start_pfn, unsigned long end_pfn);
void kmm_free_one_page(struct zone *zone, struct page *page, unsigned long pfn,
		       unsigned int order, int fpi_flags);
struct page *kmm_rmqueue_buddy(struct zone *preferred_zone, struct zone *zone,
			       unsigned int order, unsigned int alloc_flags, int migratetype);
int kmm_rmqueue_bulk(struct zone *zone, unsigned int order, int count,
		     struct list_head *list, int migratetype);
void kmm_free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp,
			    int pindex);
void kmm_reserve_highatomic_pageblock(struct page *page, unsigned int order, struct zone *zone);
bool kmm_unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force);

/* Atomic bit operations on a bitmap of longs (zone->flags). */
static inline bool test_bit(long nr, const unsigned long *addr)
{
	return (__atomic_load_n(addr + nr / BITS_PER_LONG, __ATOMIC_RELAXED) >>
		(nr % BITS_PER_LONG)) & 1;
}

static inline void set_bit(long nr, unsigned long *addr)
{
	__atomic_fetch_or(addr + nr / BITS_PER_LONG, 1UL << (nr % BITS_PER_LONG), __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, unsigned long *addr)
{
	__atomic_fetch_and(addr + nr / BITS_PER_LONG, ~(1UL << (nr % BITS_PER_LONG)),
			   __ATOMIC_RELAXED);
}

/* pcp.c: per-CPU list sizes and the auto-tuning of pcp->high. */
extern int kmm_pcp_batch_scale_max;
void kmm_setup_pagesets(void);
int kmm_zone_highsize(struct zone *zone, int batch, int high_fraction);
int kmm_nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone, unsigned int order);
/*
 * free_unref_page_commit()'s bookkeeping, pcp held: the page at the head
 * of its list (cache-hot), the counters, and the free run's state.  true:
 * a run of order 1..3 frees with no allocation between asks for a full
 * drain (free_high: such pages pile up and fragment memory; THP-sized
 * pages excepted).  Whether to drain is kmm_pcp_free_tail()'s business.
 */
static __always_inline bool pcp_list_free(struct per_cpu_pages *pcp, struct page *page,
					  int pindex, unsigned int order)
{
	bool free_high = false;

	/* A free ends a run of refills: smaller refill batches again. */
	pcp->alloc_factor >>= 1;
	list_add(&page->pcp_list, &pcp->lists[pindex]);
	WRITE_ONCE(pcp->count, pcp->count + (1 << order));
	WRITE_ONCE(pcp->events[PGFREE], pcp->events[PGFREE] + (1L << order));
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= pcp->batch &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= pcp->batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;	/* the line is dirty anyway */
	}
	if (pcp->free_count < pcp->free_count_max)
		pcp->free_count = (short)(pcp->free_count + (1 << order));
	return free_high;
}

void kmm_pcp_free_commit(struct zone *zone, struct per_cpu_pages *pcp, struct page *page,
			 int migratetype, unsigned int order);
void kmm_pcp_free_tail(struct zone *zone, struct per_cpu_pages *pcp, int pindex, bool free_high);

/* page_alloc.c */
/* page_fast.c: turn the pcp fast paths on (end of boot) or off (kmm_exit). */
void kmm_pcp_fast_setup(bool on);
/* The general paths, for what the fast paths decline. */
struct page *kmm_alloc_pages_general(gfp_t gfp_mask, unsigned int order, int preferred_nid,
				     const unsigned long *nodemask);
void kmm_free_pages_general(struct page *page, unsigned int order);
void kmm_free_pagesets(void);
static inline int kmm_order_to_pindex(int migratetype, int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (migratetype == MIGRATE_MOVABLE);
	return MIGRATE_PCPTYPES * order + migratetype;
}

static inline int kmm_pindex_to_order(int pindex)
{
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return pageblock_order;
	return pindex / MIGRATE_PCPTYPES;
}
void kmm_set_pageblock_migratetype(struct page *page, int migratetype);
/* The allocation failure report (show_mem.c). */
void kmm_warn_alloc(gfp_t gfp_mask, const unsigned long *nodemask,
		    unsigned int order);
/* Mem-Info (show_mem.c); filter unused for now, max_zone_idx limits zones. */
void kmm_show_mem(void);
/* Sum of one pcp event / numa counter over all zones and CPUs. */
unsigned long kmm_sum_zone_event(struct zone *zone, int item);
unsigned long kmm_sum_zone_numa(struct zone *zone, int item);
/* Pages on the pcp lists of the zone (all CPUs), and of one CPU. */
unsigned long kmm_zone_pcp_pages(struct zone *zone);
unsigned long kmm_zone_pcp_pages_cpu(struct zone *zone, int cpu);

/* watermark.c */
extern long kmm_min_free_kbytes;
extern int kmm_sysctl_lowmem_reserve_ratio[MAX_NR_ZONES];
void kmm_init_per_zone_wmark_min(void);
void kmm_setup_per_zone_wmarks(void);
void kmm_setup_per_zone_lowmem_reserve(void);
void kmm_calculate_totalreserve_pages(void);
bool kmm_zone_watermark_fast(struct zone *z, unsigned int order,
			     unsigned long mark, int highest_zoneidx,
			     unsigned int alloc_flags, gfp_t gfp_mask);
/*
 * __zone_watermark_ok()'s test above order 0: a free block of at least
 * order on a list of a pcp type, or (highatomic) on the highatomic list.
 * Read without the zone lock, as the kernel reads it.
 */
static __always_inline bool zone_has_free_block(struct zone *z, unsigned int order, bool highatomic)
{
	unsigned int o;
	int mt;

	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!free_area_empty(area, mt))
				return true;
		if (highatomic && !free_area_empty(area, MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

/* The order-0 common case of zone_watermark_fast() inline. */
static inline bool zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
				       int highest_zoneidx, unsigned int alloc_flags, gfp_t gfp_mask)
{
	if (likely(!order && !kmm_mm_params.watermark_legacy &&
		   !(alloc_flags & ALLOC_RESERVES))) {
		long usable = (long)zone_page_state(z, NR_FREE_PAGES) -
			      (long)READ_ONCE(z->nr_free_highatomic);

		if (usable > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	return kmm_zone_watermark_fast(z, order, mark, highest_zoneidx, alloc_flags, gfp_mask);
}
int kmm_zone_batchsize(struct zone *zone);

/* page_debug.c: bad pages, poisoning, debug_pagealloc. */
/* The reason a page is bad at free (flags: PAGE_FLAGS_CHECK_AT_*), or NULL. */
const char *kmm_page_bad_reason(struct page *page, unsigned long flags);
/* Report a bad page ("BUG: Bad page state ..."), rate-limited; taints B. */
void kmm_bad_page(struct page *page, const char *reason);
/* Checks at free/alloc.  true: the page is bad and has been reported. */
bool kmm_free_page_is_bad(struct page *page);
bool kmm_check_new_page(struct page *page);
static inline bool debug_pagealloc_enabled(void) { return READ_ONCE(kmm_mm_params.debug_pagealloc); }
static inline bool page_poisoning_enabled(void) { return kmm_mm_params.page_poison; }
/* Check every page of a block, not only its head (the kernel's static key). */
static inline bool check_pages_enabled(void)
{
	return debug_pagealloc_enabled() || page_poisoning_enabled();
}

/*
 * The common case inline: a page that passes needs no call.  The bits
 * checked are a superset of what the reports look at, so a page that
 * fails here is fully checked and reported out of line.
 */
static inline bool free_page_is_bad(struct page *page)
{
	if (likely(page->page_type == UINT32_MAX && !page->mapping &&
		   !page_ref_count(page) && !(page->flags & PAGE_FLAGS_CHECK_AT_FREE) &&
		   !page->memcg_data))
		return false;
	return kmm_free_page_is_bad(page);
}
/* A free page about to be handed out passes every check (no report). */
static __always_inline bool new_page_is_clean(const struct page *page)
{
	return page->page_type == UINT32_MAX && !page->mapping && !page_ref_count(page) &&
	       !(page->flags & ((PAGE_FLAGS_CHECK_AT_PREP & ~(1UL << PG_reported)) |
				__PG_HWPOISON)) &&
	       !page->memcg_data;
}
static inline bool check_new_page(struct page *page)
{
	if (likely(new_page_is_clean(page)))
		return false;
	return kmm_check_new_page(page);
}

/* A block about to be handed out; true if any page of it is bad. */
static inline bool check_new_pages(struct page *page, unsigned int order)
{
	unsigned long i;

	if (check_new_page(page))
		return true;
	if (unlikely(order && check_pages_enabled()))
		for (i = 1; i < (1UL << order); i++)
			if (check_new_page(page + i))
				return true;
	return false;
}

/* Poisoning (page_poison=on): fill on free, verify on allocation. */
void kmm_poison_pages(struct page *page, int n);
void kmm_unpoison_pages(struct page *page, int n);
/* Poison pages never written since boot (mapping them for the while if
 * debug_pagealloc has them unmapped): a fresh block merging into a used one. */
void kmm_poison_fresh_pages(struct page *page, int n);
/* debug_pagealloc=on: unmap on free, map again on allocation. */
void kmm_debug_pagealloc_map_pages(struct page *page, int n);
void kmm_debug_pagealloc_unmap_pages(struct page *page, int n);
int kmm_page_debug_init(void);
void kmm_page_debug_exit(void);
/* page_debug.c: a fresh bad_page() burst (each boot); test hooks: move
 * bad_page()'s rate-limit clock forward, make the next debug_pagealloc
 * mprotect() fail with ENOMEM. */
void kmm_bad_page_reset(void);
void kmm_page_debug_advance_clock(unsigned long ms);
void kmm_debug_pagealloc_inject_failure(void);
/* %pGp as 6.12 prints it, number included: "0x...(locked|head|node=0|zone=1)"
 * (%pGg is kmm_format_gfp() in gfp.h). */
char *kmm_format_page_flags(char *buf, size_t size, unsigned long flags);


#define PAGE_POISON 0xaa

/* Buddy helpers. */
static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page_private(page);
}
static inline void set_buddy_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	__SetPageBuddy(page);
}

/* kmm's record of the order of an in-use non-compound allocation. */
static inline void kmm_set_alloc_order(struct page *page, unsigned int order)
{
	page->flags = (page->flags & ~(KMM_ORDER_MASK << KMM_ORDER_PGSHIFT)) |
		      ((unsigned long)(order + 1) << KMM_ORDER_PGSHIFT);
}
static inline void kmm_clear_alloc_order(struct page *page)
{
	page->flags &= ~(KMM_ORDER_MASK << KMM_ORDER_PGSHIFT);
}
/* -1 when not recorded. */
static inline int kmm_get_alloc_order(const struct page *page)
{
	return (int)((page->flags >> KMM_ORDER_PGSHIFT) & KMM_ORDER_MASK) - 1;
}

static inline int zone_pfnblock_migratetype(const struct zone *zone, unsigned long pfn)
{
	return __atomic_load_n(&zone->pageblock_flags[(pfn - zone->zone_start_pfn) >> pageblock_order],
			       __ATOMIC_RELAXED);
}

/* page must be free or the caller's: its zone is read from its flags. */
static inline int get_pfnblock_migratetype(const struct page *page, unsigned long pfn)
{
	return zone_pfnblock_migratetype(page_zone(page), pfn);
}

#define K(x) ((x) << (PAGE_SHIFT - 10))

#endif /* KMM_MM_INTERNAL_H */
