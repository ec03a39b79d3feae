// SPDX-License-Identifier: MIT
/*
 * alloc_pages_exact(), alloc_pages_exact_nid(), free_pages_exact()
 * (src/mm/page_exact.c): exactly PAGE_ALIGN(size) bytes stay allocated,
 * physically contiguous; the rest of the block goes back at once; each
 * page kept is an order-0 page of its own; __GFP_COMP is warned about and
 * dropped; sizes no block holds fail cleanly.
 */
#include "kmm_test.h"

static void test_exact(void)
{
	unsigned long before = nr_free();
	char *p, *q;
	int i, ok_pages = 1;

	diag("five pages and one byte: six pages of an order-3 block");
	p = alloc_pages_exact(5 * PAGE_SIZE + 1, GFP_KERNEL);
	ok(p != NULL, "allocated");
	is_int(before - nr_free(), 6, "exactly six pages left the free lists");
	for (i = 0; i < 6; i++) {
		struct page *page = virt_to_page(p + i * PAGE_SIZE);

		ok_pages &= page_count(page) == 1 && !PageCompound(page) && !PageBuddy(page);
		if (i)
			ok_pages &= page_to_pfn(page) == page_to_pfn(virt_to_page(p)) + (unsigned long)i;
	}
	ok(ok_pages, "six contiguous order-0 pages, one reference each");
	ok(page_count(virt_to_page(p + 6 * PAGE_SIZE)) == 0 &&
	   page_count(virt_to_page(p + 7 * PAGE_SIZE)) == 0,
	   "the block's last two pages are free again (no reference)");
	memset(p, 0x5a, 5 * PAGE_SIZE + 1);
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
	free_pages_exact(p, 5 * PAGE_SIZE + 1);
	is_int(nr_free(), before, "free_pages_exact: every page back");
	is_int(kmm_zone_validate(NULL), 0, "... and the zones validate");

	diag("one page, a power of two, a page of one byte");
	p = alloc_pages_exact(PAGE_SIZE, GFP_KERNEL);
	q = alloc_pages_exact(4 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	ok(p && q && !q[4 * PAGE_SIZE - 1] && !q[0], "one page; four zeroed pages");
	is_int(before - nr_free(), 5, "five pages in use");
	free_pages_exact(p, PAGE_SIZE);
	free_pages_exact(q, 4 * PAGE_SIZE);
	p = alloc_pages_exact(1, GFP_KERNEL);
	is_int(before - nr_free(), 1, "one byte: one page");
	free_pages_exact(p, 1);
	is_int(nr_free(), before, "every page back");

	diag("node, flags, and sizes no block holds");
	p = alloc_pages_exact_nid(1, 3 * PAGE_SIZE, GFP_KERNEL | __GFP_THISNODE);
	ok(p && page_to_nid(virt_to_page(p)) == 1, "alloc_pages_exact_nid(1): on node 1");
	free_pages_exact(p, 3 * PAGE_SIZE);
	kmm_dmesg_clear();
	p = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL | __GFP_COMP);
	like(test_dmesg(), "WARNING:", "__GFP_COMP: a warning");
	ok(p && !PageCompound(virt_to_page(p)), "... and dropped: not a compound page");
	free_pages_exact(p, 3 * PAGE_SIZE);
	ok(!alloc_pages_exact((PAGE_SIZE << MAX_PAGE_ORDER) + 1, GFP_KERNEL | __GFP_NOWARN),
	   "more than the largest block: NULL");
	ok(!alloc_pages_exact(0, GFP_KERNEL | __GFP_NOWARN), "zero bytes: NULL (no such order)");
	is_int(nr_free(), before, "nothing leaked");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
}

int main(void)
{
	test_boot("mem=64M numa=fake=2");
	test_exact();
	kmm_exit();
	return done_testing();
}
