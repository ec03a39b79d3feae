// SPDX-License-Identifier: MIT
/*
 * Bad input to the allocator: double frees (a page still on a pcp list,
 * a page already back on a buddy list, order 0 and order 2), a free with
 * the wrong order, addresses and pointers kmm never handed out, orders
 * above MAX_PAGE_ORDER, a tail page of a compound allocation.  Each is
 * reported and refused; afterwards the allocator is consistent and,
 * once the test has freed what it holds, every page is free again.
 */
#include "kmm_test.h"
#include "mm/internal.h"

static unsigned long boot_free;

static void alloc_free_cycle_works(const char *what)
{
	struct page *pages[64];
	bool good = true;
	int i;

	for (i = 0; i < 64; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i % 4));
		good = good && pages[i];
	}
	for (i = 0; i < 64; i++)
		if (pages[i])
			__free_pages(pages[i], (unsigned int)(i % 4));
	ok(good, "%s: allocations still work", what);
	is_int(nr_free(), boot_free, "%s: every page is free again", what);
	is_int(kmm_zone_validate(NULL), 0, "%s: the allocator is consistent", what);
}

static void test_double_free(void)
{
	struct page *p;
	const char *log;
	char expect[64];

	diag("double frees");
	/* Order 0, the page still on the pcp list. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_KERNEL);
	__free_page(p);
	__free_page(p);
	log = test_dmesg();
	like(log, "BUG: Bad page state in process", "order 0 on a pcp list: reported");
	like(log, "page dumped because: VM_BUG_ON_PAGE(page_ref_count(page) == 0)\n",
	     "order 0 on a pcp list: as a zero refcount");
	snprintf(expect, sizeof(expect), "pfn:%05lx\n", page_to_pfn(p));
	like(log, expect, "order 0 on a pcp list: the pfn");
	alloc_free_cycle_works("order 0 on a pcp list");

	/* Order 0, the page already merged back on a buddy list. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_KERNEL);
	__free_page(p);
	kmm_drain_all_pages(NULL);
	__free_page(p);
	like(test_dmesg(), "VM_BUG_ON_PAGE(page_ref_count(page) == 0)",
	     "order 0 back on a buddy list: reported");
	alloc_free_cycle_works("order 0 on a buddy list");

	/* Order 2, plain and compound. */
	kmm_dmesg_clear();
	p = alloc_pages(GFP_KERNEL, 2);
	__free_pages(p, 2);
	__free_pages(p, 2);
	like(test_dmesg(), "VM_BUG_ON_PAGE(page_ref_count(page) == 0)", "order 2: reported");
	alloc_free_cycle_works("order 2");

	kmm_dmesg_clear();
	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	__free_pages(p, 2);
	__free_pages(p, 2);
	like(test_dmesg(), "VM_BUG_ON_PAGE(page_ref_count(page) == 0)",
	     "order 2 compound: reported");
	alloc_free_cycle_works("order 2 compound");
}

static void test_wrong_order(void)
{
	struct page *p, *next;
	unsigned long before;

	diag("freeing with the wrong order");
	p = alloc_pages(GFP_KERNEL, 1);
	next = alloc_pages(GFP_KERNEL, 1);
	before = nr_free();
	kmm_dmesg_clear();
	__free_pages(p, 3);
	like(test_dmesg(), "page dumped because: freed with order:3, allocated with order:1\n",
	     "reported with both orders");
	is_int(nr_free(), before + 2, "exactly the 2 pages allocated come back");
	is_int(page_ref_count(next), 1, "another allocation is untouched");
	__free_pages(next, 1);
	alloc_free_cycle_works("wrong order");
}

static void test_foreign(void)
{
	unsigned long before;
	struct page *p, *head;
	int local = 0;

	diag("addresses and pointers kmm never handed out");
	p = alloc_page(GFP_KERNEL);
	before = nr_free();

	kmm_dmesg_clear();
	free_pages((unsigned long)&local, 0);
	like(test_dmesg(), "------------[ cut here ]------------\n",
	     "free_pages() of a stack address: a WARN");
	like(test_dmesg(), "is not a page address kmm handed out", "saying why");

	kmm_dmesg_clear();
	free_pages((unsigned long)page_address(p) + 8, 0);
	like(test_dmesg(), "------------[ cut here ]------------\n",
	     "free_pages() of an address inside a page: a WARN");
	is_int(page_ref_count(p), 1, "the page is not freed");

	kmm_dmesg_clear();
	__free_pages((struct page *)((char *)p + 8), 0);
	like(test_dmesg(), "is not a struct page of kmm's mem_map",
	     "__free_pages() of a pointer into the middle of a struct page: a WARN");
	kmm_dmesg_clear();
	__free_pages((struct page *)&local, 0);
	like(test_dmesg(), "is not a struct page of kmm's mem_map",
	     "__free_pages() of a pointer outside mem_map: a WARN");

	kmm_dmesg_clear();
	free_pages(0, 0);
	unlike(test_dmesg(), "cut here", "free_pages(0) is quietly nothing");
	is_int(nr_free(), before, "nothing was freed by any of them");

	kmm_dmesg_clear();
	ok(!alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1), "an order-11 allocation fails");
	ok(!alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1), "twice");
	ok(!alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1), "and quietly");
	is_int(test_dmesg_count("------------[ cut here ]------------"), 1, "with one WARN");

	kmm_dmesg_clear();
	__free_pages(p, MAX_PAGE_ORDER + 1);
	like(test_dmesg(), "order:11 is above MAX_PAGE_ORDER", "an order-11 free is refused");
	is_int(page_ref_count(p), 1, "the page is not freed");
	__free_page(p);

	kmm_dmesg_clear();
	head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	__free_pages(head + 1, 0);
	like(test_dmesg(), "page dumped because: VM_BUG_ON_PAGE(PageTail(page))\n",
	     "freeing a tail page is reported");
	ok(PageHead(head) && page_ref_count(head) == 1 && PageTail(head + 1),
	   "the compound page is intact");
	__free_pages(head, 2);
	alloc_free_cycle_works("foreign pointers");
}

int main(void)
{
	if (test_boot("mem=64M nr_cpus=1"))
		return 1;
	boot_free = kmm_nr_free_pages();
	test_double_free();
	test_wrong_order();
	test_foreign();
	is_int(kmm_zone_validate(NULL), 0, "at the end the allocator is consistent");
	is_int(nr_free(), boot_free, "and every page is free");
	kmm_dmesg_clear();
	kmm_exit();
	unlike(test_dmesg(), "leaked", "nothing leaked at kmm_exit()");
	return done_testing();
}
