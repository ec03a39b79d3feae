// SPDX-License-Identifier: MIT
/*
 * page_poison=on: freed pages are filled with 0xaa and checked when they
 * are handed out again.  A write into a free page is reported with its
 * offset, a hex dump of the corrupted range and the page's dump; a single
 * flipped bit is told apart; the page is still handed out and poisoned
 * again when freed.  Pages never written since boot are not checked, and
 * without page_poison nothing is poisoned or reported.
 *
 * nr_cpus=1: a page freed goes to the head of the one pcp list the next
 * allocation of the same order and type takes from, so the test gets the
 * very page it corrupted back.
 */
#include "kmm_test.h"
#include "mm/internal.h"

#define GFP	(GFP_HIGHUSER_MOVABLE)

static bool all_poison(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != PAGE_POISON)
			return false;
	return true;
}

/* A page that has been used and freed once, so it is poisoned. */
static struct page *used_page(unsigned int order)
{
	struct page *p = alloc_pages(GFP, order);

	memset(page_address(p), 0x5a, PAGE_SIZE << order);
	return p;
}

static void test_corruption(void)
{
	struct page *p, *q;
	unsigned char *mem;
	char expect[128];
	const char *log;

	diag("page_poison=on");
	if (test_boot("mem=64M nr_cpus=1 page_poison=on"))
		exit(1);

	/* Untouched memory is not poisoned and not checked. */
	kmm_dmesg_clear();
	p = alloc_pages(GFP, 5);
	ok(p && !((unsigned char *)page_address(p))[0] &&
	   !all_poison(page_address(p), PAGE_SIZE << 5), "an order-5 block never used holds no poison");
	unlike(test_dmesg(), "pagealloc:", "fresh memory is not checked");
	__free_pages(p, 5);

	p = used_page(0);
	mem = page_address(p);
	__free_page(p);
	ok(all_poison(mem, PAGE_SIZE), "a freed page is filled with 0xaa");

	/* Several bits of one byte. */
	kmm_dmesg_clear();
	mem[0x123] = 0x55;
	q = alloc_page(GFP);
	ok(q == p, "the corrupted page comes back");
	log = test_dmesg();
	like(log, "pagealloc: memory corruption\n", "a corruption is reported");
	snprintf(expect, sizeof(expect), "pagealloc: corruption at pfn:%05lx offset:0x123-0x123\n",
		 page_to_pfn(p));
	like(log, expect, "with the pfn and the offset");
	snprintf(expect, sizeof(expect), "%016lx: 55 ", (unsigned long)(mem + 0x123));
	like(log, expect, "the hex dump shows the written byte at its address");
	like(log, "Call Trace:\n", "a stack trace");
	snprintf(expect, sizeof(expect), "refcount:1 mapcount:0 mapping:0000000000000000 "
		 "index:0x0 pfn:0x%lx\n", page_to_pfn(p));
	like(log, expect, "the page is dumped");
	like(log, "page dumped because: pagealloc: corrupted page details\n", "the dump's reason");
	unlike(log, "single bit error", "not a single bit");
	unlike(log, "Bad page", "the page itself is not bad");
	memset(mem, 0, PAGE_SIZE);
	__free_page(q);
	ok(all_poison(mem, PAGE_SIZE), "poisoned again when freed");

	/* One flipped bit. */
	kmm_dmesg_clear();
	mem[0x10] ^= 0x01;
	q = alloc_page(GFP);
	log = test_dmesg();
	ok(q == p, "the page comes back");
	like(log, "pagealloc: single bit error\n", "a single flipped bit is told apart");
	snprintf(expect, sizeof(expect), "offset:0x10-0x10\n");
	like(log, expect, "at its offset");
	unlike(log, "memory corruption", "not called a corruption");
	__free_page(q);

	/* A range: first and last corrupted bytes. */
	kmm_dmesg_clear();
	mem[0x200] = 0;
	mem[0x2ff] = 0;
	q = alloc_page(GFP);
	log = test_dmesg();
	like(log, "offset:0x200-0x2ff\n", "the range from the first to the last bad byte");
	snprintf(expect, sizeof(expect), "%016lx: 00 aa aa", (unsigned long)(mem + 0x200));
	like(log, expect, "the dump starts at the first bad byte");
	snprintf(expect, sizeof(expect), "%016lx: aa aa", (unsigned long)(mem + 0x2f0));
	like(log, expect, "and runs to the last");
	__free_page(q);

	/* A corrupted page inside a higher-order block. */
	p = used_page(2);
	mem = page_address(p + 2);
	__free_pages(p, 2);
	kmm_dmesg_clear();
	mem[PAGE_SIZE - 1] = 'X';
	q = alloc_pages(GFP, 2);
	log = test_dmesg();
	ok(q == p, "the order-2 block comes back");
	snprintf(expect, sizeof(expect), "corruption at pfn:%05lx offset:0xfff-0xfff\n",
		 page_to_pfn(p + 2));
	like(log, expect, "the third page is named");
	is_int(test_dmesg_count("pagealloc: memory corruption"), 1, "and only it");
	__free_pages(q, 2);

	/* A clean reuse says nothing. */
	kmm_dmesg_clear();
	q = alloc_pages(GFP, 2);
	unlike(test_dmesg(), "pagealloc:", "an intact poisoned page is handed out quietly");
	__free_pages(q, 2);

	kmm_drain_all_pages(NULL);
	is_int(kmm_zone_validate(NULL), 0, "the allocator is consistent");
	kmm_exit();
}

/*
 * A used page freed next to never-written memory merges with it; the
 * merged block is checked whole when handed out, so the fresh part must
 * have been poisoned at the merge (the kernel poisons everything at boot).
 */
static void test_fresh_merge(void)
{
	struct page *p, *q;
	unsigned long pfn;

	diag("a used page merging with fresh memory");
	if (test_boot("mem=64M nr_cpus=1 page_poison=on"))
		exit(1);
	p = used_page(0);
	pfn = page_to_pfn(p);
	__free_page(p);
	kmm_drain_all_pages(NULL);	/* merges up to order 10 */
	p = pfn_to_page(pfn & ~(MAX_ORDER_NR_PAGES - 1));
	ok(PageBuddy(p) && buddy_order(p) == MAX_PAGE_ORDER && !PageReported(p),
	   "the page merged into a used order-10 block");
	kmm_dmesg_clear();
	q = alloc_pages(GFP, MAX_PAGE_ORDER);
	ok(q == p, "that block is handed out next");
	unlike(test_dmesg(), "pagealloc:", "without a false corruption report");
	ok(all_poison(page_address(q), PAGE_SIZE << MAX_PAGE_ORDER),
	   "its once-fresh pages were poisoned");
	__free_pages(q, MAX_PAGE_ORDER);
	kmm_exit();
}

static void test_ratelimit(void)
{
	struct page *pages[12];
	int i;

	diag("page_poison reports: 10 per 5 s");
	if (test_boot("mem=64M nr_cpus=1 page_poison=on"))
		exit(1);
	for (i = 0; i < 12; i++)
		pages[i] = used_page(0);
	for (i = 0; i < 12; i++)
		__free_page(pages[i]);
	for (i = 0; i < 12; i++)
		((unsigned char *)page_address(pages[i]))[i] = 0;
	kmm_dmesg_clear();
	for (i = 0; i < 12; i++)
		pages[i] = alloc_page(GFP);
	is_int(test_dmesg_count("pagealloc: memory corruption"), 10,
	       "12 corrupted pages: 10 reports");
	for (i = 0; i < 12; i++)
		__free_page(pages[i]);
	kmm_exit();
}

static void test_off(void)
{
	struct page *p, *q;
	unsigned char *mem;

	diag("page_poison off");
	if (test_boot("mem=64M nr_cpus=1"))
		exit(1);
	p = used_page(0);
	mem = page_address(p);
	__free_page(p);
	ok(!all_poison(mem, PAGE_SIZE), "a freed page is not poisoned");
	kmm_dmesg_clear();
	mem[0x123] = 0x55;
	q = alloc_page(GFP);
	ok(q == p, "the written page comes back");
	unlike(test_dmesg(), "pagealloc:", "nothing is reported");
	__free_page(q);
	kmm_exit();
}

int main(void)
{
	test_corruption();
	test_fresh_merge();
	test_ratelimit();
	test_off();
	return done_testing();
}
