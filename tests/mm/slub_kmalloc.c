// SPDX-License-Identifier: MIT
/*
 * kmalloc and friends: size classes (96 and 192 included), large
 * allocations from the page allocator, kcalloc/kmalloc_array overflow,
 * krealloc, ksize, kfree_sensitive, kstrdup/kmemdup, accounting; and bad
 * input: foreign and interior pointers, double frees, the wrong cache,
 * sizes above the largest class and above memory.
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include <sched.h>

static size_t class_of(size_t n)
{
	size_t c = 8;

	if (n > 64 && n <= 96)
		return 96;
	if (n > 128 && n <= 192)
		return 192;
	while (c < n)
		c <<= 1;
	return c;
}

static void test_classes(void)
{
	size_t n;
	bool good = true, named = true;
	void *p;

	diag("size classes");
	for (n = 1; n <= 8192; n++) {
		p = kmalloc(n, GFP_KERNEL);
		if (!p || ksize(p) != class_of(n)) {
			if (good)
				diag("size %zu: ksize %zu, expected %zu", n, p ? ksize(p) : 0, class_of(n));
			good = false;
		}
		if (p && (n == 96 || n == 192 || n == 8 || n == 8192)) {
			char want[32];
			const char *name = virt_to_slab(p)->slab_cache->name;

			if (n == 8192)
				snprintf(want, sizeof(want), "kmalloc-8k");
			else
				snprintf(want, sizeof(want), "kmalloc-%zu", n);
			if (strcmp(name, want)) {
				diag("size %zu from %s", n, name);
				named = false;
			}
		}
		memset(p, 0xab, n);
		kfree(p);
	}
	ok(good, "every size from 1 to 8192 gets its class (8..8192, 96, 192)");
	ok(named, "kmalloc-8, -96, -192, -8k serve their sizes");
	p = kmalloc(72, GFP_KERNEL);
	is_int(ksize(p), 96, "72 bytes: kmalloc-96");
	kfree(p);
	p = kmalloc(136, GFP_KERNEL);
	is_int(ksize(p), 192, "136 bytes: kmalloc-192");
	kfree(p);
	p = kmalloc(100, GFP_KERNEL | __GFP_RECLAIMABLE);
	is_str(virt_to_slab(p)->slab_cache->name, "kmalloc-rcl-128", "__GFP_RECLAIMABLE: kmalloc-rcl-*");
	kfree(p);
	p = kzalloc(200, GFP_KERNEL);
	{
		unsigned char *c = p;
		bool zero = true;

		for (n = 0; n < 200; n++)
			zero = zero && !c[n];
		ok(zero, "kzalloc zeroes");
	}
	kfree(p);
	{
		/* A dirty object just freed comes back first (the sheaf's
		 * top): kzalloc and kmem_cache_zalloc zero all of it. */
		unsigned char *q, *c;
		size_t sz;
		bool zero = true;

		pin_cpu0();
		q = kmalloc(200, GFP_KERNEL);
		sz = ksize(q);		/* (the compiler does not see 256) */
		memset(q, 0xa5, sz);
		kfree(q);
		c = kzalloc(200, GFP_KERNEL);
		for (n = 0; n < sz; n++)
			zero = zero && !c[n];
		ok(c == q && sz == 256 && zero,
		   "kzalloc of the object just freed dirty: all %zu bytes zeroed", sz);
		kfree(c);
		unpin();
	}
	is_int((long)kmalloc(0, GFP_KERNEL), 16, "kmalloc(0) is ZERO_SIZE_PTR (16)");
	is_int(ksize(ZERO_SIZE_PTR), 0, "ksize(ZERO_SIZE_PTR) is 0");
	kmm_dmesg_clear();
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	is_int(strlen(test_dmesg()), 0, "kfree(NULL) and kfree(ZERO_SIZE_PTR) are silent");
}

static void test_large(void)
{
	unsigned long before = kmm_global_node_page_state(NR_SLAB_UNRECLAIMABLE_B);
	struct page *page;
	void *p;

	diag("large kmalloc");
	p = kmalloc(8193, GFP_KERNEL);
	ok(p && !((unsigned long)p & (PAGE_SIZE - 1)), "8193 bytes: whole pages");
	page = virt_to_page(p);
	ok(!PageSlab(page) && PageHead(page) && compound_order(page) == 2, "an order-2 compound page");
	is_int(ksize(p), 16384, "ksize 16384");
	is_int(kmm_global_node_page_state(NR_SLAB_UNRECLAIMABLE_B), before + 4,
	       "accounted in nr_slab_unreclaimable (4 pages)");
	kfree(p);
	is_int(kmm_global_node_page_state(NR_SLAB_UNRECLAIMABLE_B), before, "unaccounted on kfree");
	p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);
	ok(p != NULL, "KMALLOC_MAX_SIZE (4 MiB) works");
	kfree(p);
	kmm_dmesg_clear();
	ok(!kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN), "above KMALLOC_MAX_SIZE: NULL");
	is_int(strlen(test_dmesg()), 0, "... silently with __GFP_NOWARN");
	ok(!kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL), "above KMALLOC_MAX_SIZE: NULL");
	like(test_dmesg(), "WARNING", "... with the page allocator's warning");
}

static void test_array_realloc(void)
{
	volatile size_t big = SIZE_MAX / 2, len = 64;
	char *p, *q;
	int i;

	diag("kcalloc, krealloc, kfree_sensitive, kstrdup");
	ok(!kcalloc(big, 4, GFP_KERNEL), "kcalloc overflow: NULL");
	ok(!kmalloc_array(big >> 29, big >> 29, GFP_KERNEL), "kmalloc_array overflow: NULL");
	p = kcalloc(10, 10, GFP_KERNEL);
	ok(p && ksize(p) == 128 && !p[99], "kcalloc(10, 10): 100 zeroed bytes");
	for (i = 0; i < 100; i++)
		p[i] = (char)i;
	q = krealloc(p, 120, GFP_KERNEL);
	ok(q == p, "krealloc within ksize keeps the object");
	q = krealloc(p, 1000, GFP_KERNEL);
	ok(q && q != p && ksize(q) == 1024, "krealloc to 1000: a kmalloc-1k object");
	for (i = 0; i < 100 && q[i] == (char)i; i++)
		;
	is_int(i, 100, "the contents moved");
	p = krealloc(q, 20000, GFP_KERNEL);
	ok(p && p[99] == 99 && ksize(p) == 32768, "krealloc into a large allocation (order 3)");
	q = krealloc(p, 0, GFP_KERNEL);
	ok(q == ZERO_SIZE_PTR, "krealloc(p, 0) frees and returns ZERO_SIZE_PTR");
	p = krealloc(NULL, 50, GFP_KERNEL);
	ok(p && ksize(p) == 64, "krealloc(NULL, 50) is kmalloc");
	memset(p, 0x77, len);
	pin_cpu0();
	kfree_sensitive(p);
	{
		int nonzero = 0;
		struct kmem_cache *s = virt_to_slab(p)->slab_cache;

		for (i = 0; i < 64; i++)
			if (p[i] && (i < (int)s->offset || i >= (int)s->offset + 8))
				nonzero++;
		is_int(nonzero, 0, "kfree_sensitive zeroes the whole object (but the free pointer)");
	}
	p = kstrdup("hello kmm", GFP_KERNEL);
	is_str(p, "hello kmm", "kstrdup");
	kfree(p);
	ok(!kstrdup(NULL, GFP_KERNEL), "kstrdup(NULL) is NULL");
	p = kstrndup("hello kmm", 5, GFP_KERNEL);
	is_str(p, "hello", "kstrndup");
	kfree(p);
	p = kmemdup("abc", 4, GFP_KERNEL);
	is_str(p, "abc", "kmemdup");
	kfree(p);
}

static void test_bad_input(void)
{
	struct kmem_cache *a, *b;
	unsigned long before;
	struct page *page;
	void *p, *q, *r, *objs[64];
	char stack[64];
	const char *log;
	int i;

	diag("bad input");
	pin_cpu0();
	shrink_all();
	before = nr_free();

	kmm_dmesg_clear();
	kfree(stack);
	like(test_dmesg(), "kfree: object pointer 0x", "a pointer outside kmm: reported");
	like(test_dmesg(), "is not in kmm's memory", "... as such");

	page = alloc_pages(GFP_KERNEL, 0);
	kmm_dmesg_clear();
	kfree(page_address(page));
	like(test_dmesg(), "WARNING: CPU:", "a page that is no slab: a warning");
	like(test_dmesg(), "neither a slab object nor a kmalloc_large() allocation", "... saying so");
	is_int(page_ref_count(page), 1, "... and the page is not freed");
	__free_pages(page, 0);

	p = kmalloc(64, GFP_KERNEL);
	kmm_dmesg_clear();
	kfree((char *)p + 8);
	log = test_dmesg();
	like(log, "BUG kmalloc-64 (", "an interior pointer: reported");
	like(log, "Invalid object pointer 0x", "... as an invalid object pointer");
	q = kmalloc(64, GFP_KERNEL);
	ok(q != p && q != (char *)p + 8, "... and not freed");
	kfree(q);

	kmm_dmesg_clear();
	r = kmalloc(20000, GFP_KERNEL);
	kfree((char *)r + PAGE_SIZE);
	like(test_dmesg(), "WARNING", "an interior pointer of a large allocation: warned");
	kfree(r);

	kfree(p);
	kmm_dmesg_clear();
	kfree(p);
	log = test_dmesg();
	like(log, "already free", "double free (the freelist head): reported");
	q = kmalloc(64, GFP_KERNEL);
	r = kmalloc(64, GFP_KERNEL);
	ok(q == p && r != p, "... and the object is handed out once");
	kfree(q);
	kfree(r);

	/* A double free of an object whose slab is not the CPU slab. */
	a = kmem_cache_create("tdf", 512, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < 64; i++)
		objs[i] = kmem_cache_alloc(a, GFP_KERNEL);
	kmem_cache_free(a, objs[0]);	/* slab 0 is no longer the CPU slab */
	kmm_dmesg_clear();
	kmem_cache_free(a, objs[0]);
	like(test_dmesg(), "already free", "double free on a slab's own freelist: reported");
	for (i = 1; i < 64; i++)
		kmem_cache_free(a, objs[i]);
	is_int(kmem_cache_shrink(a), 0, "... and the cache stays consistent (shrinks to nothing)");

	b = kmem_cache_create("tdf2", 512, 0, SLAB_NO_MERGE, NULL);
	p = kmem_cache_alloc(a, GFP_KERNEL);
	kmm_dmesg_clear();
	kmem_cache_free(b, p);
	like(test_dmesg(), "cache_from_obj: Wrong slab cache. tdf2 but object is from tdf",
	     "the wrong cache: the 6.12 warning");
	is_int(kmem_cache_shrink(a), 0, "... and the object went back to its own cache");
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);

	kmm_dmesg_clear();
	{
		void *big[128];
		int n;

		for (n = 0; n < 128; n++)
			if (!(big[n] = kmalloc(4 << 20, GFP_KERNEL)))
				break;
		ok(n < 128, "allocating more than memory ends in NULL (after %d x 4 MiB)", n);
		like(test_dmesg(), "page allocation failure", "... with the page allocator's report");
		while (n-- > 0)
			kfree(big[n]);
	}
	shrink_all();
	is_int(nr_free(), before, "every page is free again");
	is_int(kmm_zone_validate(NULL), 0, "the page allocator is consistent");
}

struct tkmem {
	long a;
	char b[40];
} __attribute__((aligned(16)));

static void test_roundup_and_friends(void)
{
	static const size_t sizes[][2] = {
		{ 1, 8 }, { 8, 8 }, { 9, 16 }, { 65, 96 }, { 96, 96 }, { 97, 128 },
		{ 129, 192 }, { 193, 256 }, { 4097, 8192 }, { 8192, 8192 },
		{ 8193, 16384 }, { 20000, 32768 }, { 0, 0 },
	};
	volatile size_t big = SIZE_MAX / 2;
	struct kmem_cache *c;
	unsigned int i;
	int good = 1;
	char *p, *q;

	diag("kmalloc_size_roundup, krealloc_array, KMEM_CACHE");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t r = kmalloc_size_roundup(sizes[i][0]);

		if (r != sizes[i][1]) {
			diag("kmalloc_size_roundup(%zu) = %zu, want %zu", sizes[i][0], r, sizes[i][1]);
			good = 0;
		}
	}
	ok(good, "kmalloc_size_roundup: the size class, whole pages above 8 KiB, 0 for 0");
	is_int(kmalloc_size_roundup(KMALLOC_MAX_SIZE + 1), KMALLOC_MAX_SIZE + 1,
	       "... and a size kmalloc cannot give, as it is");
	for (i = 1; i < 600; i += 7) {
		p = kmalloc(i, GFP_KERNEL);
		good &= ksize(p) == kmalloc_size_roundup(i);
		kfree(p);
	}
	ok(good, "kmalloc_size_roundup(n) is ksize(kmalloc(n)) for n = 1..600");
	p = krealloc_array(NULL, 10, 12, GFP_KERNEL);
	ok(p && ksize(p) == 128, "krealloc_array(NULL, 10, 12): 120 bytes (kmalloc-128)");
	memset(p, 5, 120);
	q = krealloc_array(p, 100, 12, GFP_KERNEL);
	ok(q && ksize(q) == 2048 && q[119] == 5, "... grown to 100 x 12: the contents moved");
	ok(!krealloc_array(q, big, 4, GFP_KERNEL), "an overflowing size: NULL");
	ok(virt_to_slab(q) != NULL, "... and the old object is still allocated");
	kfree(q);
	c = KMEM_CACHE(tkmem, SLAB_NO_MERGE);
	ok(c && !strcmp(kmm_kmem_cache_name(c), "tkmem") && kmem_cache_size(c) == sizeof(struct tkmem),
	   "KMEM_CACHE(tkmem): named after the struct, of its size");
	p = kmem_cache_alloc(c, GFP_KERNEL);
	ok(p && !((unsigned long)p & 15), "... and its alignment (16)");
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

int main(void)
{
	test_boot("mem=256M");
	test_roundup_and_friends();
	test_classes();
	test_large();
	test_array_realloc();
	test_bad_input();
	kmm_exit();
	return done_testing();
}
