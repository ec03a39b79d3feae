// SPDX-License-Identifier: MIT
/*
 * alloc_pages_exact(), alloc_pages_exact_nid() and free_pages_exact(), as
 * in Linux 6.12's mm/page_alloc.c: physically contiguous memory of a size
 * that is not a power-of-two number of pages.  The block of get_order(size)
 * is allocated (never compound: __GFP_COMP is warned about and dropped, as
 * the kernel does), split into order-0 pages, and the pages past
 * PAGE_ALIGN(size) go straight back to the buddy lists at the tail of
 * their free list (FPI_TO_TAIL), so that they merge again rather than
 * being handed out next.  free_pages_exact() frees the pages one by one.
 */
#include "mm/internal.h"
#include <kmm/kmm.h>

/* make_alloc_exact(): keep the first PAGE_ALIGN(size) bytes of the block. */
static void *make_alloc_exact(struct page *page, unsigned int order, size_t size)
{
	unsigned long nr = (size + PAGE_SIZE - 1) >> PAGE_SHIFT, i;

	if (!page)
		return NULL;
	/* Each page kept is an order-0 page of its own, with one reference. */
	for (i = 1; i < nr; i++) {
		set_page_count(page + i, 1);
		kmm_set_alloc_order(page + i, 0);
	}
	kmm_set_alloc_order(page, 0);
	/* The rest (their counts are zero: tail pages of the block) go back. */
	for (i = nr; i < (1UL << order); i++)
		kmm_free_pages_ok(page + i, 0, FPI_TO_TAIL);
	return page_address(page);
}

static unsigned int exact_order(size_t size)
{
	unsigned int order = 0;

	/* get_order(0) is the kernel's BITS_PER_LONG - PAGE_SHIFT: no such block. */
	if (!size)
		return BITS_PER_LONG - PAGE_SHIFT;
	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

static gfp_t exact_gfp(gfp_t gfp_mask)
{
	if (WARN_ON_ONCE(gfp_mask & (__GFP_COMP | __GFP_HIGHMEM)))
		gfp_mask &= ~(__GFP_COMP | __GFP_HIGHMEM);
	return gfp_mask;
}

KMM_API void *kmm_alloc_pages_exact(size_t size, gfp_t gfp_mask)
{
	unsigned int order = exact_order(size);

	gfp_mask = exact_gfp(gfp_mask);
	return make_alloc_exact(kmm_alloc_pages(gfp_mask, order), order, size);
}

KMM_API void *kmm_alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp_mask)
{
	unsigned int order = exact_order(size);

	gfp_mask = exact_gfp(gfp_mask);
	return make_alloc_exact(kmm_alloc_pages_node(nid, gfp_mask, order), order, size);
}

KMM_API void kmm_free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt, end = addr + ((size + PAGE_SIZE - 1) & PAGE_MASK);

	for (; addr < end; addr += PAGE_SIZE)
		kmm_free_pages(addr, 0);
}
