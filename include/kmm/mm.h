/* SPDX-License-Identifier: MIT */
/*
 * Pages: pfn <-> struct page <-> address in O(1), reference counts, the
 * node and zone a page belongs to.  kmm's physical memory is one reserved
 * range; pfn 0 is its first page and mem_map[pfn] describes page pfn.
 */
#ifndef KMM_MM_H
#define KMM_MM_H

#include <kmm/types.h>
#include <kmm/mm_types.h>
#include <kmm/page-flags.h>
#include <kmm/mmzone.h>
#include <kmm/gfp.h>

KMM_API extern struct page *kmm_mem_map;
KMM_API extern char *kmm_mem_base;
KMM_API extern unsigned long kmm_max_pfn;

#define mem_map			kmm_mem_map
#define pfn_to_page(pfn)	(kmm_mem_map + (pfn))
#define page_to_pfn(page)	((unsigned long)((page) - kmm_mem_map))
#define pfn_valid(pfn)		((unsigned long)(pfn) < kmm_max_pfn)
#define PFN_PHYS(pfn)		((phys_addr_t)(pfn) << PAGE_SHIFT)
#define PHYS_PFN(x)		((unsigned long)((x) >> PAGE_SHIFT))

static inline void *page_address(const struct page *page)
{
	return kmm_mem_base + (page_to_pfn(page) << PAGE_SHIFT);
}
#define lowmem_page_address(page) page_address(page)

/* Is addr inside kmm's physical memory? */
static inline bool virt_addr_valid(const void *addr)
{
	return (uintptr_t)addr - (uintptr_t)kmm_mem_base < (kmm_max_pfn << PAGE_SHIFT);
}
#define virt_to_pfn(addr) \
	((unsigned long)(((const char *)(addr) - kmm_mem_base) >> PAGE_SHIFT))
#define virt_to_page(addr)	pfn_to_page(virt_to_pfn(addr))
#define page_to_virt(page)	page_address(page)
#define __pa(addr)		((phys_addr_t)((const char *)(addr) - kmm_mem_base))
#define __va(pa)		((void *)(kmm_mem_base + (pa)))
#define page_to_phys(page)	PFN_PHYS(page_to_pfn(page))

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> ZONES_PGSHIFT) & ZONES_MASK);
}
static inline int page_to_nid(const struct page *page)
{
	return (int)((page->flags >> NODES_PGSHIFT) & NODES_MASK);
}
static inline pg_data_t *page_pgdat(const struct page *page)
{
	return NODE_DATA(page_to_nid(page));
}
static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(page_to_nid(page))->node_zones[page_zonenum(page)];
}

static inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}
static inline int page_count(const struct page *page)
{
	return page_ref_count(compound_head(page));
}
static inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}
static inline void init_page_count(struct page *page)
{
	set_page_count(page, 1);
}
static inline void page_ref_inc(struct page *page)
{
	atomic_inc(&page->_refcount);
}
static inline bool page_ref_dec_and_test(struct page *page)
{
	return atomic_dec_and_test(&page->_refcount);
}
static inline int page_mapcount(const struct page *page)
{
	return page_has_type(page) ? 0 : atomic_read(&page->_mapcount) + 1;
}
static inline void page_mapcount_reset(struct page *page)
{
	atomic_set(&page->_mapcount, -1);
}
static inline unsigned long page_private(const struct page *page)
{
	return page->private;
}
static inline void set_page_private(struct page *page, unsigned long v)
{
	page->private = v;
}

/* Take a reference; put_page() drops one and frees at zero. */
KMM_API void kmm_get_page(struct page *page);
KMM_API void kmm_put_page(struct page *page);
#define get_page(page)	kmm_get_page(page)
#define put_page(page)	kmm_put_page(page)

/* Totals, in pages. */
KMM_API unsigned long kmm_totalram_pages(void);
KMM_API unsigned long kmm_nr_free_pages(void);
#define totalram_pages()	kmm_totalram_pages()
#define nr_free_pages()		kmm_nr_free_pages()

/*
 * The allocator's invariant checker.  Walks every zone under its locks and
 * reports each violation (free page on two lists, wrong order or type,
 * counters that disagree with the lists, ...) with pr_err; returns the
 * number of violations found.  zone NULL checks every zone.
 */
KMM_API int kmm_zone_validate(struct zone *zone);

/* "Bad page state" reporting and page descriptor dumps. */
KMM_API void kmm_dump_page(const struct page *page, const char *reason);
#define dump_page(page, reason)	kmm_dump_page(page, reason)

#endif /* KMM_MM_H */
