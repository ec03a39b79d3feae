// SPDX-License-Identifier: MIT
/*
 * The page allocator's general path (mm/page_alloc.c semantics, Linux
 * 6.12), for every request the fast paths of the entry points (page_fast.c)
 * decline: alloc_pages() walks the zonelist checking watermarks, takes
 * order <= PAGE_ALLOC_COSTLY_ORDER and pageblock-order pages from the
 * per-CPU lists (refilled in batches from the buddy lists in buddy.c) and
 * falls back to the slow path; __free_pages() checks the page, then
 * returns it to the per-CPU list (head: it is cache-hot) or to the buddy
 * lists.  Bad input (a double free, a wrong order, a tail page, a pointer
 * kmm never gave out) is reported and refused.
 *
 * Locking: the pcp lock (per zone and CPU, taken with trylock by the fast
 * paths; a thread that fails falls back to the zone, as the kernel does;
 * see pcp_lock.h) nests outside zone->lock.
 */
#include "mm/internal.h"
#include "mm/pcp_lock.h"
#include "arch/arch.h"
#include "kernel/internal.h"
#include <errno.h>
#include <string.h>
#include <time.h>

/* ---- per-CPU page lists ---------------------------------------------- */

/*
 * __rmqueue_pcplist(): the first good page of list (pcp held), refilling
 * it from the buddy lists when empty; NULL when the zone has none.
 */
static struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
				      struct per_cpu_pages *pcp, struct list_head *list)
{
	struct page *page;

	for (;;) {
		if (list_empty(list)) {
			int alloced = kmm_rmqueue_bulk(zone, order, kmm_nr_pcp_alloc(pcp, zone, order),
						   list, migratetype);

			WRITE_ONCE(pcp->count, pcp->count + (alloced << order));
			if (unlikely(!alloced)) {
				page = NULL;
				break;
			}
		}
		page = list_first_entry(list, struct page, pcp_list);
		list_del(&page->pcp_list);
		WRITE_ONCE(pcp->count, pcp->count - (1 << order));
		if (likely(!check_new_pages(page, order)))
			break;
		/* A bad page stays out of circulation; try the next one. */
		atomic_long_add(1L << order, &zone->nr_bad_pages);
	}
	return page;
}

static struct page *rmqueue_pcplist(struct zone *preferred_zone, struct zone *zone,
				    unsigned int order, int migratetype, int cpu)
{
	struct per_cpu_pages *pcp;
	struct page *page;

	pcp = pcp_trylock(zone, cpu);
	if (!pcp)
		return NULL;
	/* An allocation ends a run of frees: smaller drain batches again. */
	pcp->free_count >>= 1;
	page = __rmqueue_pcplist(zone, order, migratetype, pcp,
				 &pcp->lists[kmm_order_to_pindex(migratetype, order)]);
	if (page) {
		WRITE_ONCE(pcp->events[PGALLOC], pcp->events[PGALLOC] + (1L << order));
		zone_statistics(pcp, preferred_zone, zone, 1, cpu);
	}
	pcp_unlock(pcp);
	return page;
}

static struct page *rmqueue(struct zone *preferred_zone, struct zone *zone, unsigned int order,
			    unsigned int alloc_flags, int migratetype, int cpu)
{
	struct page *page;

	if (likely(pcp_allowed_order(order))) {
		page = rmqueue_pcplist(preferred_zone, zone, order, migratetype, cpu);
		if (likely(page))
			return page;
	}
	return kmm_rmqueue_buddy(preferred_zone, zone, order, alloc_flags, migratetype);
}

/* ---- preparing and releasing pages ------------------------------------ */

static void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long i, nr = 1UL << order;

	__SetPageHead(page);
	for (i = 1; i < nr; i++)
		WRITE_ONCE(page[i].compound_head, (unsigned long)page + 1);
	page[1].compound_dtor = 0;
	page[1].compound_order = (unsigned char)order;
	page[1].compound_nr = (unsigned int)nr;
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags)
{
	int nr = 1 << order;
	bool fresh = PageReported(page);
	bool zero = (gfp_flags & __GFP_ZERO) || kmm_mm_params.init_on_alloc;

	__ClearPageReported(page);
	set_page_private(page, 0);
	set_page_count(page, 1);
	if (unlikely(debug_pagealloc_enabled()))
		kmm_debug_pagealloc_map_pages(page, nr);
	if (page_poisoning_enabled() && !fresh)
		kmm_unpoison_pages(page, nr);
	if (zero && !fresh)
		memset(page_address(page), 0, (size_t)nr << PAGE_SHIFT);
	if (order && (gfp_flags & __GFP_COMP)) {
		prep_compound_page(page, order);
	} else {
		kmm_set_alloc_order(page, order);
	}
}

static bool free_tail_page_prepare(struct page *head, struct page *page)
{
	const char *reason = NULL;

	if (page - head == 1) {
		page->compound_order = 0;
		page->compound_nr = 0;
		page->compound_dtor = 0;
	}
	if (!PageTail(page))
		reason = "PageTail not set";
	else if (compound_head(page) != head)
		reason = "compound_head not consistent";
	if (reason) {
		kmm_bad_page(page, reason);
		return true;
	}
	page->compound_head = 0;
	page->mapping = NULL;
	return false;
}

/*
 * Checks and clean-up before pages go back: a page that fails a check is
 * reported and kept out of circulation (false: do not free).
 */
static noinline bool free_pages_prepare_slow(struct page *page, unsigned int order)
{
	bool compound = PageHead(page);
	int bad = 0;
	unsigned long i, nr = 1UL << order;

	if (unlikely(compound || check_pages_enabled())) {
		bool check = check_pages_enabled();

		for (i = 1; i < nr; i++) {
			struct page *p = page + i;

			if (compound)
				bad += free_tail_page_prepare(page, p);
			if (check && free_page_is_bad(p)) {
				bad++;
				continue;
			}
			p->flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
		}
	} else {
		for (i = 1; i < nr; i++)
			page[i].flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
	}
	if (compound)
		__ClearPageHead(page);
	if (free_page_is_bad(page))
		bad++;
	if (bad) {
		atomic_long_add(1L << order, &page_zone(page)->nr_bad_pages);
		return false;
	}
	page->flags &= ~(PAGE_FLAGS_CHECK_AT_PREP | (KMM_ORDER_MASK << KMM_ORDER_PGSHIFT));
	page->mapping = NULL;
	if (page_poisoning_enabled())
		kmm_poison_pages(page, 1 << order);
	else if (kmm_mm_params.init_on_free)
		memset(page_address(page), 0, PAGE_SIZE << order);
	if (unlikely(debug_pagealloc_enabled()))
		kmm_debug_pagealloc_unmap_pages(page, 1 << order);
	return true;
}

/*
 * The order-0 common case inline: a good page, no compound, no poisoning,
 * zeroing or debug_pagealloc (the same work as the slow version).
 */
static __always_inline bool free_pages_prepare(struct page *page, unsigned int order)
{
	if (likely(!order && !(page->flags & (1UL << PG_head)) && !check_pages_enabled() &&
		   !kmm_mm_params.init_on_free)) {
		if (unlikely(free_page_is_bad(page))) {
			atomic_long_add(1, &page_zone(page)->nr_bad_pages);
			return false;
		}
		page->flags &= ~(PAGE_FLAGS_CHECK_AT_PREP | (KMM_ORDER_MASK << KMM_ORDER_PGSHIFT));
		page->mapping = NULL;
		return true;
	}
	return free_pages_prepare_slow(page, order);
}

static void free_unref_page(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	struct zone *zone = page_zone(page);
	struct per_cpu_pages *pcp;
	int migratetype;

	if (!free_pages_prepare(page, order))
		return;
	migratetype = zone_pfnblock_migratetype(zone, pfn);
	if (unlikely(migratetype >= MIGRATE_PCPTYPES)) {
		if (is_migrate_isolate(migratetype)) {
			kmm_free_one_page(zone, page, pfn, order, FPI_NONE);
			return;
		}
		migratetype = MIGRATE_MOVABLE;
	}
	pcp = pcp_trylock(zone, kmm_percpu_rseq ? 0 : kmm_this_cpu());
	if (!pcp) {
		kmm_free_one_page(zone, page, pfn, order, FPI_NONE);
		return;
	}
	/* Head of its list: the page just freed is cache-hot, hand it out next. */
	kmm_pcp_free_commit(zone, pcp, page, migratetype, order);
	pcp_unlock(pcp);
}

/* __free_pages_ok(): a block whose count is zero straight to the buddy lists. */
void kmm_free_pages_ok(struct page *page, unsigned int order, int fpi_flags)
{
	if (free_pages_prepare(page, order))
		kmm_free_one_page(page_zone(page), page, page_to_pfn(page), order, fpi_flags);
}

static void free_the_page(struct page *page, unsigned int order)
{
	if (pcp_allowed_order(order))
		free_unref_page(page, order);
	else if (free_pages_prepare(page, order))
		kmm_free_one_page(page_zone(page), page, page_to_pfn(page), order, FPI_NONE);
}

/* ---- the allocator's entry points -------------------------------------- */

static inline int gfp_migratetype(gfp_t gfp_flags)
{
	if ((gfp_flags & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK) {
		WARN_ON_ONCE(1);
		return MIGRATE_MOVABLE;
	}
	if (unlikely(page_group_by_mobility_disabled))
		return MIGRATE_UNMOVABLE;
	return (int)((gfp_flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

static inline int gfp_zone(gfp_t flags)
{
	if (flags & __GFP_DMA) {
		WARN_ON_ONCE(flags & (__GFP_HIGHMEM | __GFP_DMA32));
		return ZONE_DMA;
	}
	if ((flags & (__GFP_HIGHMEM | __GFP_MOVABLE)) == (__GFP_HIGHMEM | __GFP_MOVABLE))
		return ZONE_MOVABLE;
	return ZONE_NORMAL;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp_mask, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	/* __GFP_HIGH is ALLOC_MIN_RESERVE, __GFP_KSWAPD_RECLAIM is ALLOC_KSWAPD. */
	alloc_flags |= gfp_mask & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if (!(gfp_mask & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp_mask & __GFP_NOMEMALLOC)) {
			alloc_flags |= ALLOC_NON_BLOCK;
			if (order > 0)
				alloc_flags |= ALLOC_HIGHATOMIC;
		}
		if (alloc_flags & ALLOC_MIN_RESERVE)
			alloc_flags &= ~ALLOC_CPUSET;
	}
	return alloc_flags;
}

static __always_inline struct page *
get_page_from_freelist_inl(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags,
			   const struct alloc_context *ac)
{
	struct zoneref *z;

	for_each_zoneref(z, ac) {
		struct zone *zone = z->zone;
		struct page *page;

		if (!managed_zone(zone))
			continue;
		/*
		 * Note whether the zone is below its high watermark: while it
		 * is, frees shrink the pcp lists (pcp.c).  Noted here rather
		 * than in the hotter free path, as the kernel does.
		 */
		if (!test_bit(ZONE_BELOW_HIGH, &zone->flags)) {
			if (zone_watermark_fast(zone, order, high_wmark_pages(zone),
						ac->highest_zoneidx, alloc_flags, gfp_mask))
				goto try_this_zone;
			set_bit(ZONE_BELOW_HIGH, &zone->flags);
		}
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			unsigned long mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);

			if (!zone_watermark_fast(zone, order, mark, ac->highest_zoneidx,
						 alloc_flags, gfp_mask))
				continue;
		}
try_this_zone:
		page = rmqueue(ac->preferred_zoneref->zone, zone, order, alloc_flags,
			       ac->migratetype, ac->cpu);
		if (page) {
			prep_new_page(page, order, gfp_mask);
			if (unlikely(alloc_flags & ALLOC_HIGHATOMIC) && order)
				kmm_reserve_highatomic_pageblock(page, order, zone);
			return page;
		}
	}
	return NULL;
}

/* The slow path's copy. */
static noinline struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order,
						    unsigned int alloc_flags,
						    const struct alloc_context *ac)
{
	return get_page_from_freelist_inl(gfp_mask, order, alloc_flags, ac);
}

#define MAX_RECLAIM_RETRIES 16

static void nofail_backoff(void)
{
	struct timespec ts = { 0, 1000000 };	/* 1 ms */

	nanosleep(&ts, NULL);
}

/*
 * The fast path failed.  kmm has no page cache to reclaim, so "direct
 * reclaim" is draining the per-CPU lists and releasing highatomic
 * reserves; __GFP_NOFAIL then waits for other threads to free memory and
 * __GFP_RETRY_MAYFAIL retries a bounded number of times.
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp_mask, unsigned int order,
					   struct alloc_context *ac)
{
	bool can_direct_reclaim = gfp_mask & __GFP_DIRECT_RECLAIM;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp_mask, order);
	int retries = 0;
	bool drained = false;
	struct page *page;

	if (gfp_mask & __GFP_NOFAIL)
		WARN_ON_ONCE(order > PAGE_ALLOC_COSTLY_ORDER);
retry:
	page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	if (page)
		return page;

	if ((gfp_mask & __GFP_MEMALLOC) && !(gfp_mask & __GFP_NOMEMALLOC)) {
		page = get_page_from_freelist(gfp_mask, order, ALLOC_NO_WATERMARKS, ac);
		if (page)
			return page;
	}
	if (!can_direct_reclaim)
		goto nopage;

	/* Counted against the highest zone the request may use, as the kernel does. */
	atomic_long_add(1, &NODE_DATA(ac->preferred_zoneref->zone->node)
				->node_zones[ac->highest_zoneidx].events[ALLOCSTALL]);
	if (!drained) {
		kmm_unreserve_highatomic_pageblock(ac, false);
		kmm_drain_all_pages(NULL);
		drained = true;
		goto retry;
	}
	if (gfp_mask & __GFP_NORETRY)
		goto nopage;
	if (gfp_mask & __GFP_NOFAIL) {
		/* The last resort of the kernel: dip into the min reserve. */
		page = get_page_from_freelist(gfp_mask, order, ALLOC_MIN_RESERVE | ALLOC_WMARK_MIN, ac);
		if (page)
			return page;
		nofail_backoff();
		drained = false;
		goto retry;
	}
	if ((gfp_mask & __GFP_RETRY_MAYFAIL) && ++retries < MAX_RECLAIM_RETRIES) {
		kmm_unreserve_highatomic_pageblock(ac, true);
		sched_yield();
		drained = false;
		goto retry;
	}
nopage:
	atomic_long_add(1, &ac->preferred_zoneref->zone->events[PGALLOC_FAIL]);
	if (!(gfp_mask & __GFP_NOWARN))
		kmm_warn_alloc(gfp_mask, ac->nodemask, order);
	return NULL;
}

int kmm_boot_default(void);

static inline bool prepare_alloc_pages(gfp_t gfp_mask, unsigned int order, int preferred_nid,
				       const unsigned long *nodemask, struct alloc_context *ac)
{
	int list = (gfp_mask & __GFP_THISNODE) ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK;
	struct zoneref *z;

	if (unlikely(!kmm_mem_map) && kmm_boot_default())
		return false;
	ac->cpu = kmm_this_cpu();
	if (preferred_nid < 0 || preferred_nid >= kmm_nr_online_nodes)
		preferred_nid = kmm_cpu_to_node_map[ac->cpu];
	ac->highest_zoneidx = gfp_zone(gfp_mask);
	ac->zonelist = &NODE_DATA(preferred_nid)->node_zonelists[list];
	ac->nodemask = nodemask;
	ac->migratetype = gfp_migratetype(gfp_mask);
	if (likely(!nodemask)) {
		ac->preferred_zoneref = kmm_first_zoneref[preferred_nid][list][ac->highest_zoneidx];
		return ac->preferred_zoneref != NULL;
	}
	ac->preferred_zoneref = NULL;
	for_each_zoneref(z, ac) {
		ac->preferred_zoneref = z;
		break;
	}
	return ac->preferred_zoneref != NULL;
}

/* The general path: every request the fast paths (page_fast.c) did not serve. */
noinline struct page *kmm_alloc_pages_general(gfp_t gfp_mask, unsigned int order,
					      int preferred_nid, const unsigned long *nodemask)
{
	struct alloc_context ac;
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		WARN_ON_ONCE(!(gfp_mask & __GFP_NOWARN));
		return NULL;
	}
	gfp_mask &= __GFP_BITS_MASK;
	if (unlikely(!prepare_alloc_pages(gfp_mask, order, preferred_nid, nodemask, &ac))) {
		if (!(gfp_mask & __GFP_NOWARN) && kmm_mem_map)
			kmm_warn_alloc(gfp_mask, nodemask, order);
		return NULL;
	}
	page = get_page_from_freelist_inl(gfp_mask, order, ALLOC_WMARK_LOW, &ac);
	if (likely(page))
		return page;
	return __alloc_pages_slowpath(gfp_mask, order, &ac);
}

/* A page of __alloc_pages_bulk() onto the list, or into entry nr of the array. */
static inline void bulk_put(struct page *page, struct list_head *page_list,
			    struct page **page_array, int nr)
{
	if (page_list)
		list_add(&page->lru, page_list);
	else
		page_array[nr] = page;
}

/*
 * __alloc_pages_bulk() (Linux 6.12): up to nr_pages order-0 pages onto
 * page_list, or into the NULL entries of page_array (populated entries are
 * skipped and counted), all from one pcp of the first allowed zone of the
 * preferred node that keeps nr_pages above its low watermark, under one
 * lock.  Returns the pages on the list (new ones) or the populated entries
 * of the array.  One page, no such zone, or a busy pcp: one page through
 * the general path (which may warn, reclaim or fail).
 */
KMM_API unsigned long kmm___alloc_pages_bulk(gfp_t gfp, int preferred_nid,
					     const unsigned long *nodemask, int nr_pages,
					     struct list_head *page_list, struct page **page_array)
{
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	struct per_cpu_pages *pcp;
	struct zone *zone = NULL;
	struct alloc_context ac;
	struct list_head *list;
	int nr_populated = 0, nr_account = 0;
	struct zoneref *z;
	struct page *page;

	if (page_list)
		page_array = NULL;	/* the list, when there is one */
	else if (WARN_ON_ONCE(!page_array))
		return 0;
	while (page_array && nr_populated < nr_pages && page_array[nr_populated])
		nr_populated++;
	if (unlikely(nr_pages <= 0))
		return 0;
	if (page_array && nr_pages - nr_populated == 0)
		return (unsigned long)nr_populated;
	if (nr_pages - nr_populated == 1)
		goto failed;
	gfp &= __GFP_BITS_MASK;
	if (!prepare_alloc_pages(gfp, 0, preferred_nid, nodemask, &ac))
		return (unsigned long)nr_populated;
	for_each_zoneref(z, &ac) {
		if (!managed_zone(z->zone))
			continue;
		/* Another node than the preferred zone's: the single-page path decides. */
		if (kmm_nr_online_nodes > 1 && z->zone != ac.preferred_zoneref->zone &&
		    z->zone->node != ac.preferred_zoneref->zone->node)
			goto failed;
		if (zone_watermark_fast(z->zone, 0, wmark_pages(z->zone, alloc_flags & ALLOC_WMARK_MASK) +
					(unsigned long)nr_pages, ac.preferred_zoneref->zone_idx,
					alloc_flags, gfp)) {
			zone = z->zone;
			break;
		}
	}
	if (!zone)
		goto failed;
	pcp = pcp_trylock(zone, ac.cpu);
	if (!pcp)
		goto failed;
	pcp->free_count >>= 1;
	list = &pcp->lists[kmm_order_to_pindex(ac.migratetype, 0)];
	while (nr_populated < nr_pages) {
		if (page_array && page_array[nr_populated]) {
			nr_populated++;
			continue;
		}
		page = __rmqueue_pcplist(zone, 0, ac.migratetype, pcp, list);
		if (unlikely(!page)) {
			if (!nr_account) {	/* at least one page: the general path's */
				pcp_unlock(pcp);
				goto failed;
			}
			break;
		}
		nr_account++;
		prep_new_page(page, 0, gfp);
		bulk_put(page, page_list, page_array, nr_populated++);
	}
	WRITE_ONCE(pcp->events[PGALLOC], pcp->events[PGALLOC] + nr_account);
	zone_statistics(pcp, ac.preferred_zoneref->zone, zone, nr_account, ac.cpu);
	pcp_unlock(pcp);
	return (unsigned long)(page_list ? nr_account : nr_populated);

failed:
	page = kmm___alloc_pages(gfp, 0, preferred_nid, nodemask);
	if (page) {
		bulk_put(page, page_list, page_array, nr_populated++);
		nr_account++;
	}
	return (unsigned long)(page_list ? nr_account : nr_populated);
}

KMM_API unsigned long kmm___get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page = kmm_alloc_pages(gfp_mask & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

KMM_API unsigned long kmm_get_zeroed_page(gfp_t gfp_mask)
{
	return kmm___get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

/* Is page a pointer into mem_map at a struct page boundary? */
static bool page_ptr_valid(const struct page *page)
{
	uintptr_t p = (uintptr_t)page, base = (uintptr_t)kmm_mem_map;

	return kmm_mem_map && p >= base && p < base + kmm_max_pfn * sizeof(struct page) &&
	       (p - base) % sizeof(struct page) == 0;
}

/* The general path: every free the fast paths (page_fast.c) did not take. */
noinline void kmm_free_pages_general(struct page *page, unsigned int order)
{
	bool head;
	int recorded;

	if (unlikely(!page_ptr_valid(page))) {
		WARN(1, "__free_pages: %p is not a struct page of kmm's mem_map\n", (void *)page);
		return;
	}
	if (unlikely(order > MAX_PAGE_ORDER)) {
		WARN(1, "__free_pages: order:%u is above MAX_PAGE_ORDER (%d), pfn:%05lx not freed\n",
		     order, MAX_PAGE_ORDER, page_to_pfn(page));
		return;
	}
	if (unlikely(PageTail(page))) {
		kmm_bad_page(page, "VM_BUG_ON_PAGE(PageTail(page))");
		return;
	}
	if (unlikely(page_ref_count(page) <= 0)) {
		kmm_bad_page(page, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
		return;
	}
	head = PageHead(page);
	recorded = head ? (int)compound_order(page) : kmm_get_alloc_order(page);
	if (unlikely(recorded >= 0 && (unsigned int)recorded != order)) {
		char reason[96];

		snprintf(reason, sizeof(reason), "freed with order:%u, allocated with order:%d",
			 order, recorded);
		kmm_bad_page(page, reason);
		/* Free what the caller was given, never a neighbour's pages. */
		order = (unsigned int)recorded;
	}
	/*
	 * kmm has no speculative references (no page cache): with a count of
	 * one the caller holds the only reference and nobody may take another,
	 * so the count drops to zero without a locked instruction.
	 */
	if (page_ref_count(page) == 1 ? (set_page_count(page, 0), true) :
					page_ref_dec_and_test(page)) {
		free_the_page(page, order);
	} else if (!head) {
		/* Someone else holds page 0: free the rest, keep page 0. */
		while (order-- > 0)
			free_the_page(page + (1 << order), order);
		kmm_set_alloc_order(page, 0);
	}
}

KMM_API void kmm_get_page(struct page *page)
{
	page = compound_head(page);
	if (WARN_ON_ONCE(page_ref_count(page) <= 0))
		return;
	page_ref_inc(page);
}

KMM_API void kmm_put_page(struct page *page)
{
	struct page *head = compound_head(page);
	int order = PageHead(head) ? (int)compound_order(head) : kmm_get_alloc_order(head);

	kmm___free_pages(head, order < 0 ? 0 : (unsigned int)order);
}

/* Turn a non-compound order-N allocation into 2^N order-0 pages. */
KMM_API void kmm_split_page(struct page *page, unsigned int order)
{
	unsigned long i;

	if (WARN_ON_ONCE(PageCompound(page)) || WARN_ON_ONCE(!page_ref_count(page)))
		return;
	for (i = 1; i < (1UL << order); i++) {
		set_page_count(page + i, 1);
		kmm_set_alloc_order(page + i, 0);
	}
	kmm_set_alloc_order(page, 0);
}
