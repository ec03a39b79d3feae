// SPDX-License-Identifier: MIT
/*
 * The page allocator's entry points and their fast paths (Linux 6.12's
 * alloc_pages() and __free_pages() for their most common case): a request
 * of an order the per-CPU lists hold, on the preferred zone of the CPU's
 * node, served from or returned to the CPU's pcp list straight-line, with
 * the statistics and watermark decisions the general path (page_alloc.c)
 * would have made.  Whatever they decline, the general path does in full.
 *
 * Each comes in two builds of one body: rseq (kmm_percpu_rseq: the pcp is
 * the CPU's by a restartable sequence) and spin (spin_trylock of the pcp
 * lock).  In the rseq build order 0's paths are leaves inlined into the
 * entry points; the other orders have out-of-line copies of their own.
 */
#include "mm/internal.h"
#include "mm/pcp_lock.h"
#include "arch/arch.h"
#include "kernel/internal.h"
#include <string.h>

/* ---- the pcp fast paths ----------------------------------------------- */

/*
 * The zone a request of the common kind (no zone or node
 * modifier, no nodemask) made on each CPU tries first: the first zone of
 * the CPU's node's fallback zonelist allowed for ZONE_NORMAL requests.
 * NULL (general path only) before boot, after kmm_exit, and for a CPU
 * whose first such zone is not managed or lies on another node.
 */
static struct zone *pcp_fast_zone[MAX_NR_CPUS];

void kmm_pcp_fast_setup(bool on)
{
	unsigned int cpu;

	for (cpu = 0; cpu < MAX_NR_CPUS; cpu++) {
		struct zone *zone = NULL;

		if (on && cpu < kmm_nr_cpu_ids) {
			int nid = kmm_cpu_to_node_map[cpu];
			struct zoneref *z = kmm_first_zoneref[nid][ZONELIST_FALLBACK][ZONE_NORMAL];

			if (z && managed_zone(z->zone) && z->zone->node == nid)
				zone = z->zone;
		}
		WRITE_ONCE(pcp_fast_zone[cpu], zone);
	}
}

/* gfp bits that change the zone, node or zonelist of a request. */
#define GFP_FAST_REJECT	(__GFP_DMA | __GFP_HIGHMEM | __GFP_THISNODE)

/*
 * get_page_from_freelist() for its most common case, straight-line: a
 * request of an order the pcp lists hold, not compound above order 0,
 * whose preferred zone (that of the CPU's node) passes its watermark
 * check, no option that needs the general path (kmm_mm_debug_any), and a
 * page on the pcp list that passes the allocation checks.  The result is
 * what the general path would have returned, statistics included (the
 * zone is the preferred zone and local, so the allocation is a NUMA hit
 * and local).  NULL: nothing has changed but ZONE_BELOW_HIGH, which the
 * general path would have set too; it decides every other case.
 */
/*
 * The fast paths come in two builds of one body: rseq (kmm_percpu_rseq)
 * and spin (spin_trylock of pcp->lock).  The rseq build is a leaf: it
 * calls nothing and leaves lockdep's annotation, __GFP_ZERO's memset and
 * a drain to the general path, so it needs no saved registers and no
 * stack frame; whatever it declines, the general path does in full.
 */
static __always_inline struct per_cpu_pages *fast_pcp_lock(struct zone *zone, int cpu,
							   const bool rseq)
{
	if (rseq)
		return rseq_pcp_trylock(zone);
	return pcp_trylock(zone, cpu);
}

static __always_inline void fast_pcp_unlock(struct per_cpu_pages *pcp, const bool rseq)
{
	if (rseq)
		__atomic_store_n(&pcp->locked, 0, __ATOMIC_RELEASE);
	else
		pcp_unlock(pcp);
}

/* rseq: the fast paths' annotations are the general path's business. */
static __always_inline bool fast_rseq_declines(void)
{
	return READ_ONCE(kmm_lockdep_hooks_active) != 0;
}

static __always_inline struct page *alloc_page_fast(gfp_t gfp_mask, unsigned int order,
						    int preferred_nid, const bool rseq)
{
	int mt = (int)((gfp_mask & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
	struct per_cpu_pages *pcp;
	struct list_head *list;
	struct zone *zone;
	struct page *page;
	unsigned long flags;
	long usable;
	bool blocks;
	int cpu;

	if (unlikely((gfp_mask & (GFP_FAST_REJECT | (rseq ? __GFP_ZERO : 0) |
				  (order ? __GFP_COMP : 0))) ||
		     mt == MIGRATE_PCPTYPES || kmm_mm_debug_any() || (rseq && fast_rseq_declines())))
		return NULL;
	if (rseq) {
		/* Registered (rseq mode requires it): the CPU is a plain load. */
		cpu = (int)((const volatile u32 *)((char *)__builtin_thread_pointer() +
						   kmm_arch_rseq_offset))[1];
		if (unlikely((unsigned int)cpu >= kmm_nr_cpu_ids))
			return NULL;
	} else {
		cpu = kmm_this_cpu();
	}
	zone = READ_ONCE(pcp_fast_zone[cpu]);
	if (unlikely(!zone))
		return NULL;
	if (unlikely((unsigned int)preferred_nid < (unsigned int)kmm_nr_online_nodes &&
		     preferred_nid != zone->node))
		return NULL;
	/*
	 * zone_watermark_fast(), no reserves: above the high watermark, or,
	 * once the zone is known to be below it (ZONE_BELOW_HIGH, which
	 * shrinks the pcp lists), above the low one.  Above order 0 the
	 * block's other pages do not count, and a free block of the order
	 * must exist (__zone_watermark_ok()); a check against the high
	 * watermark that fails for either reason sets ZONE_BELOW_HIGH.
	 */
	usable = (long)zone_page_state(zone, NR_FREE_PAGES) - (long)READ_ONCE(zone->nr_free_highatomic) -
		 zone->lowmem_reserve[ZONE_NORMAL] - ((1L << order) - 1);
	blocks = !order || zone_has_free_block(zone, order, false);
	if (unlikely(test_bit(ZONE_BELOW_HIGH, &zone->flags) ||
		     usable <= (long)wmark_pages(zone, WMARK_HIGH) || !blocks)) {
		if (!test_bit(ZONE_BELOW_HIGH, &zone->flags))
			set_bit(ZONE_BELOW_HIGH, &zone->flags);
		if (usable <= (long)wmark_pages(zone, WMARK_LOW) || !blocks)
			return NULL;
	}

	pcp = fast_pcp_lock(zone, cpu, rseq);
	if (unlikely(!pcp))
		return NULL;
	list = &pcp->lists[kmm_order_to_pindex(mt, (int)order)];
	page = list_first_entry(list, struct page, pcp_list);
	if (unlikely(list_empty(list) || !new_page_is_clean(page))) {
		/* Refill, or report the bad page: the general path's work. */
		fast_pcp_unlock(pcp, rseq);
		return NULL;
	}
	list_del(&page->pcp_list);
	WRITE_ONCE(pcp->count, pcp->count - (1 << order));
	pcp->free_count >>= 1;
	/* PGALLOC, NUMA_HIT and NUMA_LOCAL (pcp_event(), pcp_numa()); PGALLOC
	 * counts every page of the block. */
	WRITE_ONCE(pcp->fast_allocs, pcp->fast_allocs + 1);
	if (order)
		WRITE_ONCE(pcp->events[PGALLOC], pcp->events[PGALLOC] + (1L << order) - 1);
	fast_pcp_unlock(pcp, rseq);

	/* prep_new_page() without debug options, not compound. */
	flags = page->flags;
	page->flags = (flags & ~((1UL << PG_reported) | (KMM_ORDER_MASK << KMM_ORDER_PGSHIFT))) |
		      ((unsigned long)(order + 1) << KMM_ORDER_PGSHIFT);
	set_page_private(page, 0);
	set_page_count(page, 1);
	if (!rseq && unlikely(gfp_mask & __GFP_ZERO) && !(flags & (1UL << PG_reported)))
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

/*
 * __free_pages(page, order) for its most common case: a valid, good page,
 * not compound, allocated with this order (one the pcp lists hold),
 * holding its only reference, no debug option, a pageblock of a pcp type
 * and the CPU's pcp free.  false: nothing has changed that the general
 * path would not change alike; it checks, reports and decides.
 */
static noinline void free_page_fast_tail(struct page *page, struct per_cpu_pages *pcp,
					 int pindex, bool free_high, const bool rseq);

static __always_inline bool free_page_fast(struct page *page, unsigned int order, const bool rseq)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)kmm_mem_map;
	const unsigned long mask = PAGE_FLAGS_CHECK_AT_FREE | (1UL << PG_head) |
				   (KMM_ORDER_MASK << KMM_ORDER_PGSHIFT);
	struct per_cpu_pages *pcp;
	struct zone *zone;
	unsigned long flags, i;
	bool below_high, free_high;
	int mt, pindex;

	if (unlikely(kmm_mm_debug_any() || off >= kmm_max_pfn * sizeof(struct page) ||
		     off % sizeof(struct page) || (rseq && fast_rseq_declines())))
		return false;
	flags = page->flags;
	if (unlikely((flags & mask) != ((unsigned long)(order + 1) << KMM_ORDER_PGSHIFT) ||
		     (READ_ONCE(page->compound_head) & 1) || page_ref_count(page) != 1 ||
		     page->page_type != UINT32_MAX || page->mapping || page->memcg_data))
		return false;
	zone = page_zone(page);
	mt = zone_pfnblock_migratetype(zone, off / sizeof(struct page));
	if (unlikely(mt >= MIGRATE_PCPTYPES))
		return false;
	/* free_pages_prepare() without checks of the other pages (no debug). */
	for (i = 1; i < (1UL << order); i++)
		page[i].flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
	pindex = kmm_order_to_pindex(mt, (int)order);
	/*
	 * What the locked section needs, computed before it: fewer values
	 * live across the sequence, so the rseq build needs no saved
	 * registers.  ZONE_BELOW_HIGH is read without a lock in the kernel
	 * too; a change a moment earlier or later is the same race.
	 */
	flags &= ~(PAGE_FLAGS_CHECK_AT_PREP | (KMM_ORDER_MASK << KMM_ORDER_PGSHIFT));
	below_high = test_bit(ZONE_BELOW_HIGH, &zone->flags);
	pcp = fast_pcp_lock(zone, rseq ? 0 : kmm_this_cpu(), rseq);
	if (unlikely(!pcp))
		return false;
	/* free_pages_prepare(): the count drops to zero, the flags are cleaned. */
	set_page_count(page, 0);
	page->flags = flags;
	/* kmm_pcp_free_commit() */
	free_high = pcp_list_free(pcp, page, pindex, order);
	if (unlikely(free_high || pcp->count >= pcp->high || below_high)) {
		free_page_fast_tail(page, pcp, pindex, free_high, rseq);
		return true;
	}
	fast_pcp_unlock(pcp, rseq);
	return true;
}

/* A run of high-order frees, over high, or the zone below its high
 * watermark: drain, then unlock. */
static noinline void free_page_fast_tail(struct page *page, struct per_cpu_pages *pcp,
					 int pindex, bool free_high, const bool rseq)
{
	kmm_pcp_free_tail(page_zone(page), pcp, pindex, free_high);
	fast_pcp_unlock(pcp, rseq);
}

/* ---- the allocator's entry points -------------------------------------- */

/* The spin build of the fast path, out of line: nothing to inline it into. */
static noinline struct page *alloc_pages_spin(gfp_t gfp_mask, unsigned int order,
					      int preferred_nid, const unsigned long *nodemask)
{
	struct page *page = !order ? alloc_page_fast(gfp_mask, 0, preferred_nid, false) :
				     alloc_page_fast(gfp_mask, order, preferred_nid, false);

	if (likely(page))
		return page;
	return kmm_alloc_pages_general(gfp_mask, order, preferred_nid, nodemask);
}

/* The other orders of the pcp lists, out of line: order 0's inline fast
 * path stays a leaf that saves no register. */
static noinline struct page *alloc_pages_order(gfp_t gfp_mask, unsigned int order,
					       int preferred_nid)
{
	struct page *page;

	if (unlikely(!kmm_percpu_rseq))
		return alloc_pages_spin(gfp_mask, order, preferred_nid, NULL);
	page = alloc_page_fast(gfp_mask, order, preferred_nid, true);
	if (likely(page))
		return page;
	return kmm_alloc_pages_general(gfp_mask, order, preferred_nid, NULL);
}

static __always_inline struct page *alloc_pages_entry(gfp_t gfp_mask, unsigned int order,
						      int preferred_nid,
						      const unsigned long *nodemask)
{
	struct page *page;

	if (likely(!order && !nodemask)) {
		if (unlikely(!kmm_percpu_rseq))
			return alloc_pages_spin(gfp_mask, 0, preferred_nid, NULL);
		page = alloc_page_fast(gfp_mask, 0, preferred_nid, true);
		if (likely(page))
			return page;
	} else if (!nodemask && pcp_allowed_order(order)) {
		return alloc_pages_order(gfp_mask, order, preferred_nid);
	}
	return kmm_alloc_pages_general(gfp_mask, order, preferred_nid, nodemask);
}

KMM_API struct page *kmm___alloc_pages(gfp_t gfp_mask, unsigned int order, int preferred_nid,
				       const unsigned long *nodemask)
{
	return alloc_pages_entry(gfp_mask, order, preferred_nid, nodemask);
}

KMM_API struct page *kmm_alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	return alloc_pages_entry(gfp_mask, order, -1, NULL);
}

KMM_API struct page *kmm_alloc_pages_node(int nid, gfp_t gfp_mask, unsigned int order)
{
	return kmm___alloc_pages(gfp_mask, order, nid, NULL);
}

static noinline void free_pages_spin(struct page *page, unsigned int order)
{
	if (likely(!order ? free_page_fast(page, 0, false) : free_page_fast(page, order, false)))
		return;
	kmm_free_pages_general(page, order);
}

/* Orders above 0 of the pcp lists, out of line (alloc_pages_order()). */
static noinline void free_pages_order(struct page *page, unsigned int order)
{
	if (unlikely(!kmm_percpu_rseq))
		free_pages_spin(page, order);
	else if (unlikely(!free_page_fast(page, order, true)))
		kmm_free_pages_general(page, order);
}

KMM_API void kmm___free_pages(struct page *page, unsigned int order)
{
	if (likely(!order)) {
		if (unlikely(!kmm_percpu_rseq)) {
			free_pages_spin(page, 0);
			return;
		}
		if (likely(free_page_fast(page, 0, true)))
			return;
	} else if (pcp_allowed_order(order)) {
		free_pages_order(page, order);
		return;
	}
	kmm_free_pages_general(page, order);
}

KMM_API void kmm_free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (unlikely(!kmm_mem_map || !virt_addr_valid((void *)addr) || addr & ~PAGE_MASK)) {
		WARN(1, "free_pages: %p is not a page address kmm handed out\n", (void *)addr);
		return;
	}
	kmm___free_pages(virt_to_page((void *)addr), order);
}

