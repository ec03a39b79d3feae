// SPDX-License-Identifier: MIT
/*
 * The page allocator's invariant checker, for tests and debugging:
 * every free block is on exactly one list (a buddy list of its order and
 * of its pageblock's migratetype, or one per-CPU list), no page is free
 * twice, free buddies that could merge have merged, and every counter
 * agrees with the lists.
 *
 * Claims every pcp of the zone (pcp_lock.h), then takes zone->lock (the allocator's
 * order), so the zone is frozen while it is checked.
 */
#include "mm/internal.h"
#include "mm/pcp_lock.h"
#include "arch/arch.h"

#define MAX_REPORTS_PER_ZONE 20

struct validate_state {
	struct zone *zone;
	unsigned long *seen;	/* one bit per pfn of the zone */
	int errors;
};

static __printf(2, 3) void verr(struct validate_state *st, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (st->errors++ >= MAX_REPORTS_PER_ZONE)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_err("kmm: zone_validate: Node %d, zone %s: %s\n", st->zone->node, st->zone->name, buf);
}

/* Mark [pfn, pfn + nr) as seen; false (and a report) if any already was. */
static bool mark_seen(struct validate_state *st, unsigned long pfn, unsigned long nr,
		      const char *where)
{
	unsigned long i, base = st->zone->zone_start_pfn;

	for (i = 0; i < nr; i++) {
		unsigned long bit = pfn + i - base;
		unsigned long mask = 1UL << (bit % BITS_PER_LONG);

		if (st->seen[bit / BITS_PER_LONG] & mask) {
			verr(st, "pfn:%05lx is free twice (again on %s)", pfn + i, where);
			return false;
		}
		st->seen[bit / BITS_PER_LONG] |= mask;
	}
	return true;
}

static void check_free_lists(struct validate_state *st, unsigned long *nr_free_mt)
{
	struct zone *zone = st->zone;
	unsigned int order;
	int mt;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		struct free_area *area = &zone->free_area[order];
		unsigned long total = 0;

		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *pos;
			unsigned long count = 0;

			list_for_each(pos, &area->free_list[mt]) {
				struct page *page = list_entry(pos, struct page, buddy_list);
				unsigned long pfn = page_to_pfn(page), b;
				char where[48];

				count++;
				if (count > zone->spanned_pages) {
					verr(st, "free list order %u %s loops", order,
					     kmm_migratetype_names[mt]);
					break;
				}
				snprintf(where, sizeof(where), "order %u %s", order,
					 kmm_migratetype_names[mt]);
				if (!zone_spans_pfn(zone, pfn) ||
				    !zone_spans_pfn(zone, pfn + (1UL << order) - 1)) {
					verr(st, "pfn:%05lx on %s lies outside the zone", pfn, where);
					continue;
				}
				if (!PageBuddy(page))
					verr(st, "pfn:%05lx on %s is not PageBuddy", pfn, where);
				else if (buddy_order(page) != order)
					verr(st, "pfn:%05lx on %s has buddy order %u", pfn, where,
					     buddy_order(page));
				if (pfn & ((1UL << order) - 1))
					verr(st, "pfn:%05lx on %s is not aligned to its order", pfn, where);
				if (page_ref_count(page))
					verr(st, "pfn:%05lx on %s has refcount %d", pfn, where,
					     page_ref_count(page));
				for (b = pfn; b < pfn + (1UL << order); b += pageblock_nr_pages) {
					int bmt = get_pfnblock_migratetype(pfn_to_page(b), b);

					if (bmt != mt)
						verr(st, "pfn:%05lx on %s but its pageblock is %s", pfn,
						     where, bmt < MIGRATE_TYPES ?
						     kmm_migratetype_names[bmt] : "invalid");
				}
				for (b = 1; b < (1UL << order); b++)
					if (PageBuddy(page + b)) {
						verr(st, "pfn:%05lx inside the free block at pfn:%05lx is PageBuddy",
						     pfn + b, pfn);
						break;
					}
				if (!mark_seen(st, pfn, 1UL << order, where))
					continue;
				/* Free buddies that may merge must have merged. */
				if (order < MAX_PAGE_ORDER) {
					unsigned long bpfn = pfn ^ (1UL << order);
					struct page *buddy = pfn_to_page(bpfn);

					if (zone_spans_pfn(zone, bpfn) && PageBuddy(buddy) &&
					    buddy_order(buddy) == order &&
					    (order < pageblock_order ||
					     (migratetype_is_mergeable(mt) &&
					      migratetype_is_mergeable(get_pfnblock_migratetype(buddy, bpfn)))))
						verr(st, "free buddies pfn:%05lx and pfn:%05lx (order %u) did not merge",
						     pfn, bpfn, order);
				}
			}
			if (count != area->nr_free_mt[mt])
				verr(st, "order %u %s: %lu blocks on the list, nr_free_mt says %lu",
				     order, kmm_migratetype_names[mt], count, area->nr_free_mt[mt]);
			total += count;
			nr_free_mt[mt] += count << order;
		}
		if (total != area->nr_free)
			verr(st, "order %u: %lu blocks on the lists, nr_free says %lu", order, total,
			     area->nr_free);
	}
}

static void check_pcp_lists(struct validate_state *st)
{
	struct zone *zone = st->zone;
	int cpu, pindex;

	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		long pages = 0;

		for (pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
			int order = kmm_pindex_to_order(pindex);
			struct list_head *pos;
			char where[32];

			snprintf(where, sizeof(where), "cpu %d pcp list %d", cpu, pindex);
			list_for_each(pos, &pcp->lists[pindex]) {
				struct page *page = list_entry(pos, struct page, pcp_list);
				unsigned long pfn = page_to_pfn(page);

				pages += 1L << order;
				if (pages > (long)zone->spanned_pages) {
					verr(st, "%s loops", where);
					break;
				}
				if (!zone_spans_pfn(zone, pfn)) {
					verr(st, "pfn:%05lx on %s lies outside the zone", pfn, where);
					continue;
				}
				if (PageBuddy(page))
					verr(st, "pfn:%05lx on %s is PageBuddy", pfn, where);
				if (page_ref_count(page))
					verr(st, "pfn:%05lx on %s has refcount %d", pfn, where,
					     page_ref_count(page));
				if (pfn & ((1UL << order) - 1))
					verr(st, "pfn:%05lx on %s is not aligned to order %d", pfn,
					     where, order);
				mark_seen(st, pfn, 1UL << order, where);
			}
		}
		if (pages != pcp->count)
			verr(st, "cpu %d: %ld pages on the pcp lists, pcp->count says %d", cpu,
			     pages, pcp->count);
	}
}

static void check_counters(struct validate_state *st, const unsigned long *nr_free_mt)
{
	static const enum zone_stat_item item[MIGRATE_TYPES] = {
		NR_FREE_UNMOVABLE, NR_FREE_MOVABLE, NR_FREE_RECLAIMABLE,
		NR_FREE_HIGHATOMIC, NR_FREE_ISOLATE,
	};
	struct zone *zone = st->zone;
	unsigned long free = 0, counted;
	unsigned long blk, nblocks = zone->spanned_pages >> pageblock_order;
	int mt;

	for (mt = 0; mt < MIGRATE_TYPES; mt++) {
		counted = kmm_zone_page_state_snapshot(zone, item[mt]);
		if (counted != nr_free_mt[mt])
			verr(st, "%s: %lu free pages on the lists, the counter says %lu",
			     kmm_migratetype_names[mt], nr_free_mt[mt], counted);
		if (!is_migrate_isolate(mt))
			free += nr_free_mt[mt];
	}
	counted = kmm_zone_page_state_snapshot(zone, NR_FREE_PAGES);
	if (counted != free)
		verr(st, "%lu free pages on the lists, NR_FREE_PAGES says %lu", free, counted);
	if (zone->nr_free_highatomic != nr_free_mt[MIGRATE_HIGHATOMIC])
		verr(st, "nr_free_highatomic is %lu, the lists hold %lu", zone->nr_free_highatomic,
		     nr_free_mt[MIGRATE_HIGHATOMIC]);
	for (blk = 0; blk < nblocks; blk++)
		if (zone->pageblock_flags[blk] >= MIGRATE_TYPES)
			verr(st, "pageblock %lu has migratetype %u", blk, zone->pageblock_flags[blk]);
}

/* Held while a validator holds every pcp lock of a zone (lockdep's nest lock). */
static DEFINE_SPINLOCK(validate_lock);

static int validate_zone(struct zone *zone)
{
	unsigned long nr_free_mt[MIGRATE_TYPES] = { 0 };
	struct validate_state st = { .zone = zone };
	size_t bytes = (zone->spanned_pages / BITS_PER_LONG + 1) * sizeof(unsigned long);
	int cpu;

	if (!populated_zone(zone))
		return 0;
	st.seen = kmm_arch_reserve(ALIGN(bytes, PAGE_SIZE), PAGE_SIZE);
	if (!st.seen) {
		pr_err("kmm: zone_validate: no memory for the bitmap\n");
		return 1;
	}
	/* Every pcp lock of the zone at once: one class, nested under validate_lock. */
	spin_lock(&validate_lock);
	for_each_possible_cpu(cpu) {
		spin_lock_nest_lock(&zone->per_cpu_pageset[cpu].lock, &validate_lock);
		kmm_pcp_claim(&zone->per_cpu_pageset[cpu], cpu);
	}
	spin_lock(&zone->lock);
	check_free_lists(&st, nr_free_mt);
	check_pcp_lists(&st);
	check_counters(&st, nr_free_mt);
	spin_unlock(&zone->lock);
	for_each_possible_cpu(cpu) {
		kmm_pcp_unclaim(&zone->per_cpu_pageset[cpu]);
		spin_unlock(&zone->per_cpu_pageset[cpu].lock);
	}
	spin_unlock(&validate_lock);
	kmm_arch_release(st.seen, ALIGN(bytes, PAGE_SIZE));
	if (st.errors > MAX_REPORTS_PER_ZONE)
		pr_err("kmm: zone_validate: Node %d, zone %s: %d more errors not shown\n",
		       zone->node, zone->name, st.errors - MAX_REPORTS_PER_ZONE);
	return st.errors;
}

KMM_API int kmm_zone_validate(struct zone *zone)
{
	int errors = 0;

	if (!kmm_mem_map)
		return 0;
	if (zone)
		return validate_zone(zone);
	for_each_zone(zone)
		errors += validate_zone(zone);
	return errors;
}
