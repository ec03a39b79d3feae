// SPDX-License-Identifier: MIT
/*
 * The buddy lists of a zone (mm/page_alloc.c semantics, Linux 6.12).
 *
 * Free memory is kept in blocks of 2^order pages on zone->free_area[order],
 * one list per migratetype.  The list a free block sits on is always the
 * migratetype of its pageblock (the 6.10+ rule), so the per-migratetype
 * counters are exact.  Allocation takes the smallest block of the wanted
 * type and splits it (expand); when a type runs dry it falls back to the
 * largest block of another type and may claim the whole pageblock
 * (mobility grouping).  Freeing merges a block with its free buddy as far
 * as it goes.  High-order atomic allocations may reserve pageblocks
 * (MIGRATE_HIGHATOMIC), released again under pressure.
 *
 * Locking: zone->lock protects the free areas, pageblock types and the
 * zone's nr_* fields; every function here that does not take it expects
 * it held.  The bulk helpers for the per-CPU lists run under pcp->lock,
 * which nests outside zone->lock.
 */
#include "mm/internal.h"

const char * const kmm_migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};

/* Where each migratetype falls back to, in order. */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE   },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE,   MIGRATE_MOVABLE   },
};

KMM_API int kmm_get_pageblock_migratetype(const struct page *page)
{
	return get_pfnblock_migratetype(page, page_to_pfn(page));
}

static void set_pfnblock_migratetype(struct zone *zone, unsigned long pfn, int migratetype)
{
	unsigned long idx = (pfn - zone->zone_start_pfn) >> pageblock_order;

	if (page_group_by_mobility_disabled && migratetype < MIGRATE_PCPTYPES)
		migratetype = MIGRATE_UNMOVABLE;
	__atomic_store_n(&zone->pageblock_flags[idx], (u8)migratetype, __ATOMIC_RELAXED);
}

/* page must be free or the caller's: its zone is read from its flags. */
void kmm_set_pageblock_migratetype(struct page *page, int migratetype)
{
	set_pfnblock_migratetype(page_zone(page), page_to_pfn(page), migratetype);
}

static void change_pageblock_range(struct page *page, unsigned int order, int mt)
{
	unsigned long nr = order >= pageblock_order ? 1UL << (order - pageblock_order) : 1;

	while (nr--) {
		kmm_set_pageblock_migratetype(page, mt);
		page += pageblock_nr_pages;
	}
}

/* ---- free lists (zone->lock held) ------------------------------------ */

static const enum zone_stat_item free_mt_item[MIGRATE_TYPES] = {
	NR_FREE_UNMOVABLE, NR_FREE_MOVABLE, NR_FREE_RECLAIMABLE,
	NR_FREE_HIGHATOMIC, NR_FREE_ISOLATE,
};

static void account_freepages(struct zone *zone, long nr_pages, int migratetype)
{
	kmm_mod_zone_page_state(zone, free_mt_item[migratetype], nr_pages);
	if (is_migrate_isolate(migratetype))
		return;
	kmm_mod_zone_page_state(zone, NR_FREE_PAGES, nr_pages);
	if (is_migrate_highatomic(migratetype))
		WRITE_ONCE(zone->nr_free_highatomic, zone->nr_free_highatomic + nr_pages);
}

static inline void __add_to_free_list(struct page *page, struct zone *zone,
				      unsigned int order, int migratetype, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	if (tail)
		list_add_tail(&page->buddy_list, &area->free_list[migratetype]);
	else
		list_add(&page->buddy_list, &area->free_list[migratetype]);
	WRITE_ONCE(area->nr_free, area->nr_free + 1);
	WRITE_ONCE(area->nr_free_mt[migratetype], area->nr_free_mt[migratetype] + 1);
}

static inline void move_to_free_list(struct page *page, struct zone *zone,
				     unsigned int order, int old_mt, int new_mt)
{
	struct free_area *area = &zone->free_area[order];

	list_move_tail(&page->buddy_list, &area->free_list[new_mt]);
	WRITE_ONCE(area->nr_free_mt[old_mt], area->nr_free_mt[old_mt] - 1);
	WRITE_ONCE(area->nr_free_mt[new_mt], area->nr_free_mt[new_mt] + 1);
	account_freepages(zone, -(1L << order), old_mt);
	account_freepages(zone, 1L << order, new_mt);
}

/* Take a block off its list; the caller accounts the pages. */
static inline void __del_page_from_free_list(struct page *page, struct zone *zone,
					     unsigned int order, int migratetype)
{
	struct free_area *area = &zone->free_area[order];

	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	set_page_private(page, 0);
	WRITE_ONCE(area->nr_free, area->nr_free - 1);
	WRITE_ONCE(area->nr_free_mt[migratetype], area->nr_free_mt[migratetype] - 1);
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone,
					   unsigned int order, int migratetype)
{
	__del_page_from_free_list(page, zone, order, migratetype);
	account_freepages(zone, -(1L << order), migratetype);
}

static inline struct page *get_page_from_free_area(struct free_area *area, int mt)
{
	return list_first_entry_or_null(&area->free_list[mt], struct page, buddy_list);
}

/*
 * Is buddy a free block of this order in this zone?  Blocks never
 * straddle zones (zones are MAX_ORDER aligned), but the zone check keeps
 * that an assumption rather than a requirement.  Only PageBuddy pages'
 * flags are read: an in-use page's flags belong to its owner.
 */
static inline bool page_is_buddy(const struct zone *zone, const struct page *buddy,
				 unsigned int order)
{
	unsigned long id = ((unsigned long)zone->node << (NODES_PGSHIFT - ZONES_PGSHIFT)) |
			   (unsigned long)zone_idx(zone);

	if (!PageBuddy(buddy) || buddy_order(buddy) != order)
		return false;
	return (buddy->flags >> ZONES_PGSHIFT) == id;
}

static inline struct page *find_buddy_page_pfn(const struct zone *zone, unsigned long pfn,
					       unsigned int order, unsigned long *buddy_pfn)
{
	unsigned long bpfn = pfn ^ (1UL << order);

	if (buddy_pfn)
		*buddy_pfn = bpfn;
	if (bpfn >= kmm_max_pfn)
		return NULL;
	return page_is_buddy(zone, pfn_to_page(bpfn), order) ? pfn_to_page(bpfn) : NULL;
}

/*
 * If the block just freed is likely to merge with its buddy one order up
 * soon, put it at the tail so that it stays free longest.
 */
static bool buddy_merge_likely(const struct zone *zone, unsigned long pfn,
			       unsigned long buddy_pfn, unsigned int order)
{
	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	return find_buddy_page_pfn(zone, buddy_pfn & pfn, order + 1, NULL) != NULL;
}

/*
 * Free a block: merge with free buddies while possible, then put the
 * result on the free list of its pageblock's type.  zone->lock held.
 */
static void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order, int migratetype, int fpi_flags)
{
	unsigned long buddy_pfn = 0;
	bool reported = fpi_flags & FPI_REPORTED;
	struct page *buddy;
	bool to_tail;

	account_freepages(zone, 1L << order, migratetype);

	while (order < MAX_PAGE_ORDER) {
		int buddy_mt = migratetype;

		buddy = find_buddy_page_pfn(zone, pfn, order, &buddy_pfn);
		if (!buddy)
			break;
		if (order >= pageblock_order) {
			buddy_mt = get_pfnblock_migratetype(buddy, buddy_pfn);
			if (migratetype != buddy_mt &&
			    (!migratetype_is_mergeable(migratetype) ||
			     !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		if (PageReported(buddy) != reported) {
			/* Fresh memory joins a used block: give it the poison
			 * it skipped, page_poison will check the whole block. */
			if (page_poisoning_enabled())
				kmm_poison_fresh_pages(reported ? page : buddy, 1 << order);
			reported = false;
		}
		__ClearPageReported(buddy);
		__del_page_from_free_list(buddy, zone, order, buddy_mt);
		if (buddy_mt != migratetype) {
			/* Match the buddy's blocks to ours, so that a later
			 * expand() puts the halves on the right lists. */
			change_pageblock_range(buddy, order, migratetype);
			account_freepages(zone, -(1L << order), buddy_mt);
			account_freepages(zone, 1L << order, migratetype);
		}
		pfn &= buddy_pfn;
		page = pfn_to_page(pfn);
		order++;
	}

	set_buddy_order(page, order);
	if (reported)
		__SetPageReported(page);
	else
		__ClearPageReported(page);
	if (fpi_flags & FPI_TO_TAIL)
		to_tail = true;
	else
		to_tail = buddy_merge_likely(zone, pfn, pfn ^ (1UL << order), order);
	__add_to_free_list(page, zone, order, migratetype, to_tail);
}

/*
 * Split a block of order high down to order low, putting the upper halves
 * back on the free lists.  Returns the number of pages put back.
 */
static unsigned int expand(struct zone *zone, struct page *page, unsigned int low,
			   unsigned int high, int migratetype)
{
	unsigned int nr_added = 0;
	unsigned long size = 1UL << high;
	bool reported = PageReported(page);

	while (high > low) {
		struct page *half;

		high--;
		size >>= 1;
		half = &page[size];
		__add_to_free_list(half, zone, high, migratetype, false);
		set_buddy_order(half, high);
		if (reported)
			__SetPageReported(half);
		nr_added += size;
	}
	return nr_added;
}

static void page_del_and_expand(struct zone *zone, struct page *page, unsigned int low,
				unsigned int high, int migratetype)
{
	long nr_pages = 1L << high;

	__del_page_from_free_list(page, zone, high, migratetype);
	nr_pages -= expand(zone, page, low, high, migratetype);
	account_freepages(zone, -nr_pages, migratetype);
}

/* The smallest free block of this type that fits.  zone->lock held. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	unsigned int current_order;

	for (current_order = order; current_order < NR_PAGE_ORDERS; current_order++) {
		struct free_area *area = &zone->free_area[current_order];
		struct page *page = get_page_from_free_area(area, migratetype);

		if (!page)
			continue;
		page_del_and_expand(zone, page, order, current_order, migratetype);
		return page;
	}
	return NULL;
}

/* ---- fallback and stealing ------------------------------------------- */

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE || page_group_by_mobility_disabled;
}

static int find_suitable_fallback(struct free_area *area, unsigned int order,
				  int migratetype, bool *can_steal)
{
	int i;

	*can_steal = false;
	if (!area->nr_free)
		return -1;
	for (i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fallback_mt = fallbacks[migratetype][i];

		if (free_area_empty(area, fallback_mt))
			continue;
		if (can_steal_fallback(order, migratetype))
			*can_steal = true;
		return fallback_mt;
	}
	return -1;
}

/*
 * Count the free pages of the pageblock holding page and the in-use pages
 * known to be movable.
 */
static unsigned long pageblock_start_pfn(unsigned long pfn)
{
	return pfn & ~(pageblock_nr_pages - 1);
}

static bool prep_move_freepages_block(struct zone *zone, struct page *page,
				      unsigned long *start_pfn, int *num_free,
				      int *num_movable)
{
	unsigned long pfn, start, end;

	start = pageblock_start_pfn(page_to_pfn(page));
	end = start + pageblock_nr_pages - 1;
	if (!zone_spans_pfn(zone, start) || !zone_spans_pfn(zone, end))
		return false;
	*start_pfn = start;
	*num_free = 0;
	*num_movable = 0;
	for (pfn = start; pfn <= end;) {
		struct page *p = pfn_to_page(pfn);

		if (PageBuddy(p)) {
			int nr = 1 << buddy_order(p);

			*num_free += nr;
			pfn += nr;
			continue;
		}
		/*
		 * The kernel counts in-use pages on the LRU (or with movable
		 * mappings) here.  kmm has no LRU and does not read an in-use
		 * page's flags, which belong to its owner: num_movable stays 0,
		 * as on a kernel whose movable pages are all off the LRU.
		 */
		pfn++;
	}
	return true;
}

/* Move every free block of one pageblock to new_mt's lists. */
static int __move_freepages_block(struct zone *zone, unsigned long start_pfn,
				  int old_mt, int new_mt)
{
	unsigned long pfn = start_pfn, end = start_pfn + pageblock_nr_pages;
	int pages_moved = 0;

	while (pfn < end) {
		struct page *page = pfn_to_page(pfn);
		unsigned int order;

		if (!PageBuddy(page)) {
			pfn++;
			continue;
		}
		order = buddy_order(page);
		move_to_free_list(page, zone, order, old_mt, new_mt);
		pfn += 1UL << order;
		pages_moved += 1 << order;
	}
	set_pfnblock_migratetype(zone, start_pfn, new_mt);
	return pages_moved;
}

static int move_freepages_block(struct zone *zone, struct page *page, int old_mt, int new_mt)
{
	unsigned long start_pfn;
	int num_free, num_movable;

	if (!prep_move_freepages_block(zone, page, &start_pfn, &num_free, &num_movable))
		return -1;
	return __move_freepages_block(zone, start_pfn, old_mt, new_mt);
}

/*
 * Take page (a free block of current_order of another type) for an
 * allocation of order/start_type: claim the whole pageblock when enough
 * of it is free or compatible, else split off just what is needed.
 */
static struct page *steal_suitable_fallback(struct zone *zone, struct page *page,
					    unsigned int current_order, unsigned int order,
					    int start_type, bool whole_block)
{
	int block_type = get_pageblock_migratetype(page);
	int free_pages, movable_pages, alike_pages;
	unsigned long start_pfn;

	if (is_migrate_highatomic(block_type))
		goto single_page;

	if (current_order >= pageblock_order) {
		unsigned int nr_added;

		del_page_from_free_list(page, zone, current_order, block_type);
		change_pageblock_range(page, current_order, start_type);
		nr_added = expand(zone, page, order, current_order, start_type);
		account_freepages(zone, nr_added, start_type);
		atomic_long_add(1L << (current_order - pageblock_order), &zone->events[PGBLOCK_STEAL]);
		return page;
	}

	if (!whole_block)
		goto single_page;
	if (!prep_move_freepages_block(zone, page, &start_pfn, &free_pages, &movable_pages))
		goto single_page;

	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (block_type == MIGRATE_MOVABLE)
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;

	if (free_pages + alike_pages >= (1 << (pageblock_order - 1)) ||
	    page_group_by_mobility_disabled) {
		__move_freepages_block(zone, start_pfn, block_type, start_type);
		atomic_long_add(1, &zone->events[PGBLOCK_STEAL]);
		return __rmqueue_smallest(zone, order, start_type);
	}

single_page:
	page_del_and_expand(zone, page, order, current_order, block_type);
	return page;
}

/*
 * No block of the wanted type: take the largest block of a fallback type
 * (to claim as much as possible in one go), except that a movable
 * allocation that cannot claim the block takes the smallest instead.
 */
static struct page *__rmqueue_fallback(struct zone *zone, int order, int start_mt)
{
	struct free_area *area;
	int current_order, fallback_mt = -1;
	bool can_steal = false;
	struct page *page;

	for (current_order = MAX_PAGE_ORDER; current_order >= order; current_order--) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order, start_mt, &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_mt == MIGRATE_MOVABLE && current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	return NULL;

find_smallest:
	for (current_order = order; current_order < NR_PAGE_ORDERS; current_order++) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order, start_mt, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (WARN_ON_ONCE(current_order >= NR_PAGE_ORDERS))
		return NULL;

do_steal:
	page = get_page_from_free_area(area, fallback_mt);
	page = steal_suitable_fallback(zone, page, current_order, order, start_mt, can_steal);
	if (page)
		atomic_long_add(1, &zone->events[PGSTEAL_FALLBACK]);
	return page;
}

static struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype)
{
	struct page *page = __rmqueue_smallest(zone, order, migratetype);

	if (unlikely(!page) && migratetype < MIGRATE_PCPTYPES)
		page = __rmqueue_fallback(zone, order, migratetype);
	return page;
}

/* ---- highatomic reserves ---------------------------------------------- */

/*
 * A high-order atomic allocation succeeded: reserve its pageblock for
 * such allocations, up to about 1% of the zone.
 */
void kmm_reserve_highatomic_pageblock(struct page *page, unsigned int order, struct zone *zone)
{
	unsigned long max_managed;
	int mt;

	if (zone_managed_pages(zone) / 100 < pageblock_nr_pages)
		return;
	max_managed = ALIGN(zone_managed_pages(zone) / 100, pageblock_nr_pages);
	if (READ_ONCE(zone->nr_reserved_highatomic) >= max_managed)
		return;
	spin_lock(&zone->lock);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out_unlock;
	mt = get_pageblock_migratetype(page);
	if (!migratetype_is_mergeable(mt))
		goto out_unlock;
	if (order < pageblock_order) {
		if (move_freepages_block(zone, page, mt, MIGRATE_HIGHATOMIC) == -1)
			goto out_unlock;
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + pageblock_nr_pages);
	} else {
		change_pageblock_range(page, order, MIGRATE_HIGHATOMIC);
		WRITE_ONCE(zone->nr_reserved_highatomic,
			   zone->nr_reserved_highatomic + (1UL << order));
	}
out_unlock:
	spin_unlock(&zone->lock);
}

/* Give reserved highatomic pageblocks back to normal use.  */
bool kmm_unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force)
{
	struct zoneref *z;

	for_each_zoneref(z, ac) {
		struct zone *zone = z->zone;
		unsigned int order;

		if (!force && READ_ONCE(zone->nr_reserved_highatomic) <= pageblock_nr_pages)
			continue;
		spin_lock(&zone->lock);
		for (order = 0; order < NR_PAGE_ORDERS; order++) {
			struct page *page = get_page_from_free_area(&zone->free_area[order],
								    MIGRATE_HIGHATOMIC);
			int mt, ret;

			if (!page)
				continue;
			mt = get_pageblock_migratetype(page);
			if (is_migrate_highatomic(mt)) {
				unsigned long size = max(pageblock_nr_pages, 1UL << order);

				size = min(size, zone->nr_reserved_highatomic);
				WRITE_ONCE(zone->nr_reserved_highatomic,
					   zone->nr_reserved_highatomic - size);
			}
			if (order < pageblock_order) {
				ret = move_freepages_block(zone, page, mt, ac->migratetype);
			} else {
				move_to_free_list(page, zone, order, mt, ac->migratetype);
				change_pageblock_range(page, order, ac->migratetype);
				ret = 1;
			}
			if (ret > 0) {
				spin_unlock(&zone->lock);
				return true;
			}
		}
		spin_unlock(&zone->lock);
	}
	return false;
}

/* Pull count blocks of order from the buddy lists onto a pcp list. */
int kmm_rmqueue_bulk(struct zone *zone, unsigned int order, int count,
			struct list_head *list, int migratetype)
{
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, migratetype);

		if (unlikely(!page))
			break;
		/* Tail: a refill hands its pages out in ascending pfn order. */
		list_add_tail(&page->pcp_list, list);
	}
	spin_unlock(&zone->lock);
	return i;
}

/*
 * Give count pages back from the pcp lists to the buddy lists, coldest
 * (tail) first, going round the lists starting at pindex.  pcp->lock held.
 */
void kmm_free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp,
			       int pindex)
{
	int empty_rounds = 0;

	count = min(pcp->count, count);
	if (count <= 0)
		return;
	spin_lock(&zone->lock);
	while (count > 0 && empty_rounds < NR_PCP_LISTS) {
		struct list_head *list = &pcp->lists[pindex];
		int order = kmm_pindex_to_order(pindex);
		int nr = 1 << order;

		if (list_empty(list)) {
			empty_rounds++;
			pindex = (pindex + 1) % NR_PCP_LISTS;
			continue;
		}
		empty_rounds = 0;
		do {
			struct page *page = list_last_entry(list, struct page, pcp_list);
			unsigned long pfn = page_to_pfn(page);
			int fpi = PageReported(page) ? FPI_REPORTED : FPI_NONE;

			list_del(&page->pcp_list);
			__ClearPageReported(page);
			count -= nr;
			WRITE_ONCE(pcp->count, pcp->count - nr);
			__free_one_page(page, pfn, zone, order,
					get_pfnblock_migratetype(page, pfn), fpi);
		} while (count > 0 && !list_empty(list));
		pindex = (pindex + 1) % NR_PCP_LISTS;
	}
	spin_unlock(&zone->lock);
}

struct page *kmm_rmqueue_buddy(struct zone *preferred_zone, struct zone *zone,
				  unsigned int order, unsigned int alloc_flags, int migratetype)
{
	struct page *page;

	for (;;) {
		page = NULL;
		spin_lock(&zone->lock);
		if (alloc_flags & ALLOC_HIGHATOMIC)
			page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		if (!page) {
			page = __rmqueue(zone, order, migratetype);
			if (!page && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
				page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
			if (!page) {
				spin_unlock(&zone->lock);
				return NULL;
			}
		}
		spin_unlock(&zone->lock);
		/* Checked outside the lock, as 6.12 does: a report is long. */
		if (likely(!check_new_pages(page, order)))
			break;
		atomic_long_add(1L << order, &zone->nr_bad_pages);
	}
	atomic_long_add(1L << order, &zone->events[PGALLOC]);
	zone_statistics(NULL, preferred_zone, zone, 1, kmm_this_cpu());
	return page;
}

void kmm_free_one_page(struct zone *zone, struct page *page, unsigned long pfn,
			  unsigned int order, int fpi_flags)
{
	spin_lock(&zone->lock);
	__free_one_page(page, pfn, zone, order, get_pfnblock_migratetype(page, pfn), fpi_flags);
	spin_unlock(&zone->lock);
	atomic_long_add(1L << order, &zone->events[PGFREE]);
}

/* ---- boot: the free memory enters the buddy lists ----------------------- */

/* Free [start_pfn, end_pfn) of one zone as the largest aligned blocks. */
void kmm_free_one_range_boot(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn = start_pfn;

	while (pfn < end_pfn) {
		unsigned int order = MAX_PAGE_ORDER;
		struct page *page = pfn_to_page(pfn);
		struct zone *zone = page_zone(page);

		while (order && ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > end_pfn))
			order--;
		spin_lock(&zone->lock);
		__free_one_page(page, pfn, zone, order, get_pfnblock_migratetype(page, pfn),
				FPI_TO_TAIL | FPI_REPORTED);
		spin_unlock(&zone->lock);
		pfn += 1UL << order;
	}
}
