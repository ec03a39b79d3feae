// SPDX-License-Identifier: MIT
/*
 * The bulk page allocator (__alloc_pages_bulk(), Linux 6.12): order-0 pages
 * into an array's empty entries or onto a list, from one pcp under one
 * lock; populated entries are skipped and counted; a single page, a short
 * zone or a busy pcp take the single-page path; the node is honoured; the
 * events are counted; nothing leaks.
 */
#include "kmm_test.h"
#include "kernel/string.h"

static int good_pages(struct page **p, int n)
{
	int i, j, good = 0;

	for (i = 0; i < n; i++) {
		bool ok = p[i] && page_count(p[i]) == 1 && !PageBuddy(p[i]) && !PageCompound(p[i]);

		for (j = 0; ok && j < i; j++)
			ok = p[j] != p[i];
		good += ok;
	}
	return good;
}

static void free_array(struct page **p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i])
			__free_page(p[i]);
}

static void test_array(void)
{
	static struct page *p[200];
	struct page *pre[3];
	unsigned long before = nr_free(), events;
	int i, zero = 1;

	diag("into an array");
	events = kmm_global_vm_event(PGALLOC);
	is_int(alloc_pages_bulk_array(GFP_KERNEL, 100, p), 100, "100 pages asked: 100 entries populated");
	is_int(good_pages(p, 100), 100, "... 100 distinct order-0 pages, one reference each");
	is_int(before - nr_free(), 100, "... exactly 100 pages left the free lists");
	is_int(kmm_global_vm_event(PGALLOC) - events, 100, "... PGALLOC counted them");
	free_array(p, 100);
	memset(p, 0, sizeof(p));
	is_int(nr_free(), before, "freed: every page back");

	diag("populated entries are skipped and counted");
	pre[0] = p[0] = alloc_page(GFP_KERNEL);
	pre[1] = p[7] = alloc_page(GFP_KERNEL);
	pre[2] = p[39] = alloc_page(GFP_KERNEL);
	is_int(alloc_pages_bulk_array(GFP_KERNEL, 40, p), 40, "40 entries, 3 already there: 40 populated");
	ok(p[0] == pre[0] && p[7] == pre[1] && p[39] == pre[2], "... the 3 kept");
	is_int(good_pages(p, 40), 40, "... 40 distinct pages");
	is_int(before - nr_free(), 40, "... 37 new pages");
	is_int(alloc_pages_bulk_array(GFP_KERNEL, 40, p), 40, "a full array: nothing to do, 40");
	is_int(before - nr_free(), 40, "... no page taken");
	free_array(p, 40);
	memset(p, 0, sizeof(p));

	diag("one page, zero pages, __GFP_ZERO");
	is_int(alloc_pages_bulk_array(GFP_KERNEL, 1, p), 1, "one page: the single-page path, 1");
	is_int(alloc_pages_bulk_array(GFP_KERNEL, 0, p + 1), 0, "zero pages: 0");
	ok(!p[1], "... and nothing written");
	__free_page(p[0]);
	p[0] = NULL;
	for (i = 0; i < 16; i++) {
		p[i] = alloc_page(GFP_KERNEL);
		memset(page_address(p[i]), 0xa5, PAGE_SIZE);
	}
	free_array(p, 16);	/* dirty pages on the pcp list, handed out next */
	memset(p, 0, sizeof(p));
	is_int(alloc_pages_bulk_array(GFP_KERNEL | __GFP_ZERO, 16, p), 16, "16 zeroed pages");
	for (i = 0; i < 16; i++)
		zero &= !kmm_memchr_inv(page_address(p[i]), 0, PAGE_SIZE);
	ok(zero, "... all of them zero (they were 0xa5 when freed)");
	free_array(p, 16);
	is_int(nr_free(), before, "every page back");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
}

static void test_list_and_node(void)
{
	struct page *page, *tmp, *p[16] = { NULL };
	unsigned long before = nr_free();
	LIST_HEAD(list);
	int n = 0, on1 = 0, i;

	diag("onto a list");
	page = alloc_page(GFP_KERNEL);
	list_add(&page->lru, &list);
	is_int(alloc_pages_bulk_list(GFP_KERNEL, 32, &list), 32, "32 pages added to a list of one: 32");
	list_for_each_entry(page, &list, lru)
		n++;
	is_int(n, 33, "... the list holds 33");
	list_for_each_entry_safe(page, tmp, &list, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	is_int(nr_free(), before, "freed: every page back");

	diag("on a node");
	is_int(alloc_pages_bulk_array_node(GFP_KERNEL, 1, 16, p), 16, "16 pages of node 1");
	for (i = 0; i < 16; i++)
		on1 += page_to_nid(p[i]) == 1;
	is_int(on1, 16, "... all on node 1");
	free_array(p, 16);
	is_int(nr_free(), before, "every page back");
}

static void test_short_and_bad(void)
{
	unsigned long before = nr_free(), got;
	int n = 6000;
	struct page **p = calloc((size_t)n, sizeof(*p));

	diag("more pages than the zone can give above its watermark");
	got = alloc_pages_bulk_array(GFP_KERNEL | __GFP_NOWARN, n, p);
	is_int(got, 1, "no zone keeps %d pages above its low watermark: the single-page path, 1 page", n);
	is_int(good_pages(p, (int)got), (int)got, "... every one a good page");
	is_int(before - nr_free(), got, "... exactly those left the free lists");
	free_array(p, n);
	is_int(nr_free(), before, "every page back");

	diag("no array and no list");
	kmm_dmesg_clear();
	is_int(__alloc_pages_bulk(GFP_KERNEL, NUMA_NO_NODE, NULL, 4, NULL, NULL), 0,
	       "nowhere to put the pages: 0");
	like(test_dmesg(), "WARNING:", "... with a warning, not a crash");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
	free(p);
}

int main(void)
{
	test_boot("mem=16M numa=fake=2");
	test_array();
	test_list_and_node();
	test_short_and_bad();
	kmm_exit();
	return done_testing();
}
