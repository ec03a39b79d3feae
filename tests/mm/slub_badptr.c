// SPDX-License-Identifier: MIT
/*
 * Thousands of bad pointers, chosen at random, fed to every free entry
 * point (kfree, kmem_cache_free, kfree_bulk, kmem_cache_free_bulk):
 * interior pointers of live slab objects, pointers into pages of the page
 * allocator and into large kmallocs, and pointers kmm never mapped.  Each
 * one is reported or refused, never freed: afterwards every live object
 * still holds the pattern written into it, every cache validates, every
 * object frees exactly once, and every page comes back.  With the rseq
 * fast paths, without them, and with slub_debug=FZ.
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include "kernel/string.h"
#include <stdint.h>
#include <stdlib.h>

#define NR_LIVE		600
#define NR_BAD		4000

struct live {
	unsigned char *p;
	size_t size;
	struct kmem_cache *cache;	/* NULL: kmalloc */
	unsigned char pattern;
};

static unsigned long long rng = 0x2545f4914f6cdd1dULL;

static void run(const char *cmdline)
{
	static struct live live[NR_LIVE];
	struct kmem_cache *c96, *c200;
	struct page *pages[8];
	unsigned char *large;
	unsigned long before;
	char stack_buf[64];
	int i, intact = 1, tried[4] = { 0 };
	void *bulk[16];

	diag("%s", cmdline);
	test_boot(cmdline);
	shrink_all();
	before = nr_free();
	c96 = kmem_cache_create("tbad96", 96, 0, SLAB_NO_MERGE, NULL);
	c200 = kmem_cache_create("tbad200", 200, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < NR_LIVE; i++) {
		struct live *l = &live[i];

		l->pattern = (unsigned char)(i * 7 + 1);
		switch (i % 3) {
		case 0:
			l->size = 8 + test_rand(&rng) % 1000;
			l->p = kmalloc(l->size, GFP_KERNEL);
			l->cache = NULL;
			break;
		case 1:
			l->size = 96;
			l->cache = c96;
			l->p = kmem_cache_alloc(c96, GFP_KERNEL);
			break;
		default:
			l->size = 200;
			l->cache = c200;
			l->p = kmem_cache_alloc(c200, GFP_KERNEL);
			break;
		}
		memset(l->p, l->pattern, l->size);
	}
	for (i = 0; i < 8; i++)
		pages[i] = alloc_pages(GFP_KERNEL, i % 3);
	large = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);
	memset(large, 0x77, 5 * PAGE_SIZE);

	for (i = 0; i < NR_BAD; i++) {
		uint64_t r = test_rand(&rng);
		struct live *l = &live[r % NR_LIVE];
		unsigned char *bad;
		int kind = (int)((r >> 32) % 4);

		switch (kind) {
		case 0:		/* inside a live object, never at its start */
			bad = l->p + 1 + (r >> 40) % (l->size - 1);
			break;
		case 1:		/* inside a page of the page allocator */
			bad = (unsigned char *)page_address(pages[(r >> 40) % 8]) + (r >> 48) % PAGE_SIZE;
			break;
		case 2:		/* inside a large kmalloc, past its start */
			bad = large + 1 + (r >> 40) % (5 * PAGE_SIZE - 1);
			break;
		default:	/* nothing kmm handed out */
			bad = (unsigned char *)stack_buf + (r >> 40) % 64;
			break;
		}
		tried[kind]++;
		switch ((r >> 56) % 4) {
		case 0:
			kfree(bad);
			break;
		case 1:
			kmem_cache_free(l->cache ? l->cache : c96, bad);
			break;
		case 2:
			bulk[0] = bad;
			kfree_bulk(1, bulk);
			break;
		default:
			bulk[0] = bad;
			bulk[1] = bad;
			kmem_cache_free_bulk(c200, 2, bulk);
			break;
		}
	}
	ok(tried[0] && tried[1] && tried[2] && tried[3],
	   "%d bad pointers: %d interior, %d into pages, %d into a large kmalloc, %d foreign",
	   NR_BAD, tried[0], tried[1], tried[2], tried[3]);
	for (i = 0; i < NR_LIVE; i++)
		intact &= !kmm_memchr_inv(live[i].p, live[i].pattern, live[i].size);
	ok(intact, "every live object still holds its pattern (none was freed or reused)");
	ok(!kmm_memchr_inv(large, 0x77, 5 * PAGE_SIZE), "the large kmalloc too");
	for (i = 0; i < 8; i++)
		ok(page_count(pages[i]) == 1, "page %d: still one reference", i);
	is_int(validate_caches(false), 0, "every cache validates");
	/* A live object freed by mistake would be handed out again now. */
	{
		static void *fresh[2][NR_LIVE];
		int j, clash = 0;

		for (j = 0; j < NR_LIVE; j++) {
			fresh[0][j] = kmem_cache_alloc(c96, GFP_KERNEL);
			fresh[1][j] = kmem_cache_alloc(c200, GFP_KERNEL);
		}
		for (i = 0; i < NR_LIVE; i++)
			for (j = 0; j < NR_LIVE; j++)
				clash += live[i].p == fresh[0][j] || live[i].p == fresh[1][j];
		is_int(clash, 0, "%d new objects of each cache: none is a live one", NR_LIVE);
		for (j = 0; j < NR_LIVE; j++) {
			kmem_cache_free(c96, fresh[0][j]);
			kmem_cache_free(c200, fresh[1][j]);
		}
	}
	kmm_dmesg_clear();
	for (i = 0; i < NR_LIVE; i++) {
		if (live[i].cache)
			kmem_cache_free(live[i].cache, live[i].p);
		else
			kfree(live[i].p);
	}
	unlike(test_dmesg(), "already free", "every live object frees once, without a report");
	unlike(test_dmesg(), "BUG", "... no report at all");
	kfree(large);
	for (i = 0; i < 8; i++)
		__free_pages(pages[i], i % 3);
	is_int(kmem_cache_shrink(c96), 0, "every object of tbad96 freed once: the cache shrinks to nothing");
	is_int(kmem_cache_shrink(c200), 0, "... and tbad200");
	kmem_cache_destroy(c96);
	kmem_cache_destroy(c200);
	is_int(validate_caches(false), 0, "every cache validates");
	shrink_all();
	is_int(nr_free(), before, "every page is back");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
	kmm_exit();
}

int main(void)
{
	run("mem=64M quiet");
	run("mem=64M quiet kmm.rseq=off");
	run("mem=64M quiet slub_debug=FZ");
	return done_testing();
}
