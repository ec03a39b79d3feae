// SPDX-License-Identifier: MIT
/*
 * kmem_cache_alloc_bulk(), kmem_cache_free_bulk() and kfree_bulk()
 * (src/mm/slab_bulk.c): all or nothing, the sheaves first, __GFP_ZERO,
 * detached freelists back to the slabs (every page comes back), debug
 * caches, and bad pointers in the array (reported, the good ones freed).
 * Every scenario runs with restartable sequences (when the machine has
 * them) and booted with kmm.rseq=off.
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include "arch/rseq.h"
#include "kernel/string.h"
#include <stdlib.h>
#include <string.h>

#define N 300

static bool first_run = true;

static bool all_of(struct kmem_cache *s, void **p, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		struct page *slab = p[i] ? virt_to_slab(p[i]) : NULL;

		if (!slab || slab->slab_cache != s || !kmm_slab_valid_pointer(s, slab, p[i]))
			return false;
		for (j = 0; j < i; j++)
			if (p[j] == p[i])
				return false;
	}
	return true;
}

static void shuffle(void **p, int n, unsigned int seed)
{
	int i;

	srand(seed);
	for (i = n - 1; i > 0; i--) {
		int j = rand() % (i + 1);
		void *t = p[i];

		p[i] = p[j];
		p[j] = t;
	}
}

static void test_alloc_free(void)
{
	static void *p[N], *q[8];
	struct kmem_cache *s;
	unsigned long before;
	int i, zero = 1;

	diag("allocation and free of many objects");
	pin_cpu(0);
	shrink_all();
	before = nr_free();
	s = kmem_cache_create("tbulk", 64, 0, SLAB_NO_MERGE, NULL);
	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, N, p), N, "%d objects: all of them", N);
	ok(all_of(s, p, N), "... distinct objects of the cache, on object boundaries");
	for (i = 0; i < N; i++)
		memset(p[i], 0xaa, 64);
	shuffle(p, N, 1);
	kmm_dmesg_clear();
	kmem_cache_free_bulk(s, N, p);
	is_int(kmem_cache_validate(s), 0, "freed in shuffled order: the cache validates");
	unlike(test_dmesg(), "BUG", "... without a report");

	if (s->cpu_sheaves) {
		void *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);

		kmem_cache_free(s, a);
		kmem_cache_free(s, b);
		is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, 2, q), 2, "two objects");
		ok(q[0] == b && q[1] == a, "... from the sheaf: the one freed last first");
		kmem_cache_free_bulk(s, 2, q);
	} else {
		skip(2, "no sheaves (kmm.sheaves=off): nothing to take first");
	}

	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL | __GFP_ZERO, 8, q), 8, "__GFP_ZERO: eight objects");
	for (i = 0; i < 8; i++)
		zero &= !kmm_memchr_inv(q[i], 0, 64);
	ok(zero, "... all cleared (they were 0xaa when freed)");
	kmem_cache_free_bulk(s, 8, q);

	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, 0, q), 0, "zero objects: 0");
	kmm_dmesg_clear();
	is_int(kmem_cache_alloc_bulk(NULL, GFP_KERNEL, 4, q), 0, "no cache: 0");
	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, 4, NULL), 0, "no array: 0");
	kmem_cache_free_bulk(s, 4, NULL);
	if (first_run)	/* WARN_ONCE: once per process */
		like(test_dmesg(), "WARNING: CPU:", "... with a warning, not a crash");
	else
		skip(1, "the WARN_ONCE fired in the first run");
	q[0] = (void *)1;	/* not looked at */
	kmem_cache_free_bulk(s, 0, q);
	ok(q[0] == (void *)1, "a free of zero objects does nothing");
	is_int(kmem_cache_shrink(s), 0, "the cache shrinks to nothing");
	kmem_cache_destroy(s);
	shrink_all();
	is_int(nr_free(), before, "every page is back");
	unpin();
}

static void test_kfree_bulk(void)
{
	static void *p[N];
	unsigned long before;
	int i;

	diag("kfree_bulk: objects of many caches, a large kmalloc, NULLs");
	shrink_all();
	before = nr_free();
	for (i = 0; i < N; i++)
		p[i] = i % 50 == 7 ? NULL : kmalloc(8 + (size_t)(i * 37) % 1000, GFP_KERNEL);
	kfree(p[100]);
	p[100] = kmalloc(3 * PAGE_SIZE + 1, GFP_KERNEL);	/* kmalloc_large() */
	ok(p[100] && !virt_to_slab(p[100]), "a large kmalloc is not a slab object");
	shuffle(p, N, 2);
	kmm_dmesg_clear();
	kfree_bulk(N, p);
	unlike(test_dmesg(), "BUG", "freed without a BUG report");
	unlike(test_dmesg(), "WARNING", "... nor a warning");
	shrink_all();
	is_int(nr_free(), before, "every page is back (the slabs, and the large kmalloc's)");
}

static void test_bad_pointers(void)
{
	struct kmem_cache *s, *t;
	void *p[6], *keep, *other;
	int stack;

	diag("bad pointers in the array: reported; the good ones are freed");
	pin_cpu(0);
	s = kmem_cache_create("tbulk_bad", 128, 0, SLAB_NO_MERGE, NULL);
	t = kmem_cache_create("tbulk_other", 128, 0, SLAB_NO_MERGE, NULL);
	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, 3, p), 3, "three objects");
	keep = kmem_cache_alloc(s, GFP_KERNEL);
	other = kmem_cache_alloc(t, GFP_KERNEL);
	p[3] = (char *)keep + 8;	/* interior pointer */
	p[4] = other;			/* another cache's object */
	p[5] = &stack;			/* not kmm's */
	kmm_dmesg_clear();
	kmem_cache_free_bulk(s, 6, p);
	like(test_dmesg(), "Invalid object pointer", "the interior pointer is reported");
	like(test_dmesg(), "Wrong slab cache. tbulk_bad but object is from tbulk_other",
	     "the other cache's object is reported");
	if (first_run)	/* WARN_ONCE: once per process */
		like(test_dmesg(), "Object is not a Slab page", "the pointer kmm never gave is reported");
	else
		skip(1, "virt_to_cache's WARN_ONCE fired in the first run");
	ok(virt_to_slab(keep) && *(volatile char *)keep == *(volatile char *)keep,
	   "the object behind the interior pointer is still allocated");
	kmem_cache_free(s, keep);
	is_int(kmem_cache_shrink(s), 0, "every good object of the array was freed");
	is_int(kmem_cache_shrink(t), 0, "the other cache's object went back to its own cache");
	kmem_cache_destroy(s);
	kmem_cache_destroy(t);
	unpin();
}

static void test_double_free(void)
{
	struct kmem_cache *s;
	void *p[3], *a, *b;

	diag("the same object twice in one bulk free");
	pin_cpu(0);
	s = kmem_cache_create("tbulk_dbl", 96, 0, SLAB_NO_MERGE, NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	p[0] = b;
	p[1] = a;
	p[2] = a;
	kmm_dmesg_clear();
	kmem_cache_free_bulk(s, 3, p);
	like(test_dmesg(), "already free", "reported");
	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, 3, p), 3, "three objects again");
	ok(p[0] != p[1] && p[1] != p[2] && p[0] != p[2], "... all different: the object was freed once");
	kmem_cache_free_bulk(s, 3, p);
	is_int(kmem_cache_validate(s), 0, "the cache validates");
	is_int(kmem_cache_shrink(s), 0, "and shrinks to nothing");
	kmem_cache_destroy(s);
	unpin();
}

static void test_debug_cache(void)
{
	static void *p[64];
	struct kmem_cache *s;
	int i, poisoned = 1;

	diag("a debug cache (F, Z, P, U): each object checked and tracked");
	s = kmem_cache_create("tbulk_dbg", 72, 0, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
			      SLAB_POISON | SLAB_STORE_USER | SLAB_NO_MERGE, NULL);
	ok(!s->cpu_sheaves, "no sheaves");
	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, 64, p), 64, "64 objects");
	ok(all_of(s, p, 64), "... distinct objects of the cache");
	for (i = 0; i < 64; i++)
		poisoned &= ((unsigned char *)p[i])[0] == 0x6b && ((unsigned char *)p[i])[71] == 0xa5;
	ok(poisoned, "... allocated holding POISON_FREE and POISON_END, as the kernel leaves them (P)");
	kmm_dmesg_clear();
	kmem_cache_free_bulk(s, 64, p);
	unlike(test_dmesg(), "BUG", "freed without a report");
	is_int(kmem_cache_validate(s), 0, "validated: every object free and poisoned");
	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL, 2, p), 2, "two more");
	p[2] = p[1];
	p[1] = p[0];
	kmm_dmesg_clear();
	kmem_cache_free_bulk(s, 2, p);
	like(test_dmesg(), "Object already free", "the same object twice: the debug path's report");
	kmem_cache_free(s, p[2]);
	is_int(kmem_cache_shrink(s), 0, "the cache shrinks to nothing");
	kmem_cache_destroy(s);
}

static void test_all_or_nothing(void)
{
	struct kmem_cache *s;
	unsigned long before;
	void **p;
	size_t n = 64UL << 20 >> 12;	/* 64 MiB of 4 KiB objects: more than mem=32M */

	diag("all or nothing");
	p = calloc(n, sizeof(*p));
	shrink_all();
	before = nr_free();
	s = kmem_cache_create("tbulk_big", 4096, 0, SLAB_NO_MERGE, NULL);
	kmm_dmesg_clear();
	is_int(kmem_cache_alloc_bulk(s, GFP_KERNEL | __GFP_NOWARN, n, p), 0,
	       "more objects than memory holds: 0");
	unlike(test_dmesg(), "BUG", "no report");
	is_int(kmem_cache_shrink(s), 0, "nothing is kept: the cache shrinks to nothing");
	kmem_cache_destroy(s);
	shrink_all();
	is_int(nr_free(), before, "every page is back");
	free(p);
}

static void test_all(const char *cmdline)
{
	test_boot(cmdline);
	kmm_slab_bootstrap();
	diag("booted with \"%s\" (%s)", cmdline,
	     kmm_percpu_rseq ? "restartable sequences" : "no sequences");
	test_alloc_free();
	test_kfree_bulk();
	test_bad_pointers();
	test_double_free();
	test_debug_cache();
	test_all_or_nothing();
	kmm_exit();
	first_run = false;
}

int main(void)
{
	test_all("mem=32M");
	test_all("mem=32M kmm.rseq=off");
	test_all("mem=32M kmm.sheaves=off");
	return done_testing();
}
