/* SPDX-License-Identifier: MIT */
/*
 * GFP flags (values of the modern kernel's gfp_types.h) and the page
 * allocator's entry points under their kernel names.
 */
#ifndef KMM_GFP_H
#define KMM_GFP_H

#include <kmm/types.h>

#define ___GFP_DMA		0x01u
#define ___GFP_HIGHMEM		0x02u
#define ___GFP_DMA32		0x04u
#define ___GFP_MOVABLE		0x08u
#define ___GFP_RECLAIMABLE	0x10u
#define ___GFP_HIGH		0x20u
#define ___GFP_IO		0x40u
#define ___GFP_FS		0x80u
#define ___GFP_ZERO		0x100u
#define ___GFP_DIRECT_RECLAIM	0x400u
#define ___GFP_KSWAPD_RECLAIM	0x800u
#define ___GFP_WRITE		0x1000u
#define ___GFP_NOWARN		0x2000u
#define ___GFP_RETRY_MAYFAIL	0x4000u
#define ___GFP_NOFAIL		0x8000u
#define ___GFP_NORETRY		0x10000u
#define ___GFP_MEMALLOC		0x20000u
#define ___GFP_COMP		0x40000u
#define ___GFP_NOMEMALLOC	0x80000u
#define ___GFP_HARDWALL		0x100000u
#define ___GFP_THISNODE		0x200000u
#define ___GFP_ACCOUNT		0x400000u
#define ___GFP_ZEROTAGS		0x800000u
#define ___GFP_NOLOCKDEP	0x4000000u

#define __GFP_DMA		((gfp_t)___GFP_DMA)
#define __GFP_HIGHMEM		((gfp_t)___GFP_HIGHMEM)
#define __GFP_DMA32		((gfp_t)___GFP_DMA32)
#define __GFP_MOVABLE		((gfp_t)___GFP_MOVABLE)
#define GFP_ZONEMASK		(__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define __GFP_RECLAIMABLE	((gfp_t)___GFP_RECLAIMABLE)
#define __GFP_WRITE		((gfp_t)___GFP_WRITE)
#define __GFP_HARDWALL		((gfp_t)___GFP_HARDWALL)
#define __GFP_THISNODE		((gfp_t)___GFP_THISNODE)
#define __GFP_ACCOUNT		((gfp_t)___GFP_ACCOUNT)
#define __GFP_HIGH		((gfp_t)___GFP_HIGH)
#define __GFP_MEMALLOC		((gfp_t)___GFP_MEMALLOC)
#define __GFP_NOMEMALLOC	((gfp_t)___GFP_NOMEMALLOC)
#define __GFP_IO		((gfp_t)___GFP_IO)
#define __GFP_FS		((gfp_t)___GFP_FS)
#define __GFP_DIRECT_RECLAIM	((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM	((gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM		((gfp_t)(___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM))
#define __GFP_RETRY_MAYFAIL	((gfp_t)___GFP_RETRY_MAYFAIL)
#define __GFP_NOFAIL		((gfp_t)___GFP_NOFAIL)
#define __GFP_NORETRY		((gfp_t)___GFP_NORETRY)
#define __GFP_NOWARN		((gfp_t)___GFP_NOWARN)
#define __GFP_COMP		((gfp_t)___GFP_COMP)
#define __GFP_ZERO		((gfp_t)___GFP_ZERO)
#define __GFP_ZEROTAGS		((gfp_t)___GFP_ZEROTAGS)
#define __GFP_NOLOCKDEP		((gfp_t)___GFP_NOLOCKDEP)
#define __GFP_BITS_SHIFT	27
#define __GFP_BITS_MASK		((gfp_t)((1u << __GFP_BITS_SHIFT) - 1))

#define GFP_ATOMIC		(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT		(__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO		(__GFP_RECLAIM)
#define GFP_NOFS		(__GFP_RECLAIM | __GFP_IO)
#define GFP_USER		(__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA			__GFP_DMA
#define GFP_DMA32		__GFP_DMA32
#define GFP_HIGHUSER		(GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE	(GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE_LIGHT	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | \
				  __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE		(GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

#define GFP_MOVABLE_MASK	(__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT	3

static inline bool gfpflags_allow_blocking(gfp_t gfp_flags)
{
	return !!(gfp_flags & __GFP_DIRECT_RECLAIM);
}

struct page;
struct zone;

KMM_API struct page *kmm_alloc_pages(gfp_t gfp_mask, unsigned int order);
KMM_API struct page *kmm_alloc_pages_node(int nid, gfp_t gfp_mask, unsigned int order);
KMM_API struct page *kmm___alloc_pages(gfp_t gfp_mask, unsigned int order,
				       int preferred_nid, const unsigned long *nodemask);
KMM_API void kmm___free_pages(struct page *page, unsigned int order);
KMM_API unsigned long kmm___get_free_pages(gfp_t gfp_mask, unsigned int order);
KMM_API unsigned long kmm_get_zeroed_page(gfp_t gfp_mask);
KMM_API void kmm_free_pages(unsigned long addr, unsigned int order);
KMM_API void kmm_split_page(struct page *page, unsigned int order);
struct list_head;
/*
 * Up to nr_pages order-0 pages under one pcp lock: onto page_list (returns
 * how many were added), or into page_array's NULL entries (returns how
 * many entries are populated).  Fewer when memory is short; at least one
 * unless even the single-page path fails.
 */
KMM_API unsigned long kmm___alloc_pages_bulk(gfp_t gfp, int preferred_nid,
					     const unsigned long *nodemask, int nr_pages,
					     struct list_head *page_list, struct page **page_array);
/*
 * size bytes of whole pages, physically contiguous: the block of the order
 * that holds them, its pages past the last one needed given back.  Free
 * with free_pages_exact(addr, size).
 */
KMM_API void *kmm_alloc_pages_exact(size_t size, gfp_t gfp_mask);
KMM_API void *kmm_alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp_mask);
KMM_API void kmm_free_pages_exact(void *virt, size_t size);
KMM_API void kmm_drain_all_pages(struct zone *zone);
KMM_API void kmm_drain_local_pages(struct zone *zone);
/*
 * One round of decay_pcp_high() on every pcp (what the kernel's per-CPU
 * vmstat workers do each second): auto-tuned pcp high values fall by an
 * eighth and the lists drain down to them.
 */
KMM_API void kmm_decay_all_pcp_high(void);

#define alloc_pages(gfp, order)		kmm_alloc_pages(gfp, order)
#define alloc_pages_node(nid, gfp, order) kmm_alloc_pages_node(nid, gfp, order)
#define __alloc_pages(gfp, order, nid, nm) kmm___alloc_pages(gfp, order, nid, nm)
#define alloc_page(gfp)			kmm_alloc_pages(gfp, 0)
#define __free_pages(page, order)	kmm___free_pages(page, order)
#define __free_page(page)		kmm___free_pages(page, 0)
#define __get_free_pages(gfp, order)	kmm___get_free_pages(gfp, order)
#define __get_free_page(gfp)		kmm___get_free_pages(gfp, 0)
#define get_zeroed_page(gfp)		kmm_get_zeroed_page(gfp)
#define free_pages(addr, order)		kmm_free_pages(addr, order)
#define free_page(addr)			kmm_free_pages(addr, 0)
#define split_page(page, order)		kmm_split_page(page, order)
#define __alloc_pages_bulk(gfp, nid, nodemask, nr, list, array) \
	kmm___alloc_pages_bulk(gfp, nid, nodemask, nr, list, array)
#define alloc_pages_bulk_list(gfp, nr, list) \
	kmm___alloc_pages_bulk(gfp, NUMA_NO_NODE, NULL, nr, list, NULL)
#define alloc_pages_bulk_array(gfp, nr, array) \
	kmm___alloc_pages_bulk(gfp, NUMA_NO_NODE, NULL, nr, NULL, array)
#define alloc_pages_bulk_array_node(gfp, nid, nr, array) \
	kmm___alloc_pages_bulk(gfp, nid, NULL, nr, NULL, array)
#define alloc_pages_exact(size, gfp)	kmm_alloc_pages_exact(size, gfp)
#define alloc_pages_exact_nid(nid, size, gfp) kmm_alloc_pages_exact_nid(nid, size, gfp)
#define free_pages_exact(virt, size)	kmm_free_pages_exact(virt, size)
#define drain_all_pages(zone)		kmm_drain_all_pages(zone)
#define drain_local_pages(zone)		kmm_drain_local_pages(zone)

/* "GFP_KERNEL|__GFP_ZERO" as %pGg prints it; returns buf. */
KMM_API char *kmm_format_gfp(char *buf, size_t size, gfp_t gfp);

#endif /* KMM_GFP_H */
