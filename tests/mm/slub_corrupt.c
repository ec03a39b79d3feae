// SPDX-License-Identifier: MIT
/*
 * slub_debug=FZP against random corruption: one byte at a time, anywhere
 * in a cache's slabs that is not an allocated object's own bytes (left
 * and right red zones, free objects' poison and free pointers, object
 * padding, the slab's end padding), is changed.  kmem_cache_validate()
 * must report it (at least one error), repair or isolate what it found
 * (further passes settle to nothing), and leave every allocated object
 * intact and the cache working.  Rounds of corruption alternate with
 * allocations and frees, so that objects change state.  "Free" means on
 * the slab's freelist: objects cut off it by an earlier corrupt free
 * pointer count as allocated, as in the kernel.
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include "kernel/string.h"
#include <stdint.h>
#include <stdlib.h>

#define NR_OBJS		240
#define NR_ROUNDS	300
#define OBJ_SIZE	100

static unsigned long long rng = 0x853c49e6748fea9bULL;

static void *objs[NR_OBJS];
static unsigned char pattern[NR_OBJS];

static bool allocated_object(void *object)
{
	int i;

	for (i = 0; i < NR_OBJS; i++)
		if (objs[i] == object)
			return true;
	return false;
}

static bool on_freelist_now(struct kmem_cache *s, struct page *slab, void *object)
{
	unsigned int n = 0;
	void *fp;

	for (fp = slab->freelist; fp && n <= slab_counters(slab).objects; fp = get_freepointer(s, fp), n++)
		if (fp == object)
			return true;
	return false;
}

/* A byte of slab that no allocated object owns; false: none found this try. */
static bool pick_byte(struct kmem_cache *s, unsigned char **where)
{
	struct page *slab = virt_to_slab(objs[test_rand(&rng) % NR_OBJS]);
	unsigned int objects = slab_counters(slab).objects, i, within, x;
	unsigned long len = PAGE_SIZE << slab_order(slab);
	unsigned long off = test_rand(&rng) % len;
	unsigned char *object;

	/* A slab isolated after its freelist was corrupted is out of use, and out of validation's way. */
	if (slab_counters(slab).frozen)
		return false;
	*where = (unsigned char *)slab_address(slab) + off;
	if (off >= (unsigned long)objects * s->size)
		return true;				/* the slab's end padding */
	i = (unsigned int)(off / s->size);
	within = (unsigned int)(off % s->size);
	if (within < s->red_left_pad)
		return true;				/* a left red zone */
	object = (unsigned char *)slab_address(slab) + (unsigned long)i * s->size + s->red_left_pad;
	x = within - s->red_left_pad;
	if (on_freelist_now(s, slab, object))
		return true;				/* a free object: all of it is checked */
	/*
	 * Allocated, or lost: a free object cut off its slab's freelist by an
	 * earlier "Freechain corrupt" counts as allocated from then on, as in
	 * the kernel, and nobody checks its bytes.
	 */
	if (x < s->object_size)
		return false;				/* its owner's bytes */
	if (s->offset >= s->inuse && x >= s->offset && x < s->offset + sizeof(void *))
		return false;				/* an allocated object's free pointer slot */
	return true;					/* red zone or padding */
}

int main(void)
{
	struct kmem_cache *s;
	int i, round, reported = 0, repaired = 0, intact = 1, working = 1;

	test_boot("mem=64M quiet slub_debug=FZP");
	s = kmem_cache_create("tcorrupt", OBJ_SIZE, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < NR_OBJS; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		pattern[i] = (unsigned char)(i + 1);
		memset(objs[i], pattern[i], OBJ_SIZE);
	}
	for (i = 0; i < NR_OBJS; i += 2) {	/* half free: poisoned, on freelists */
		kmem_cache_free(s, objs[i]);
		objs[i] = NULL;
	}
	for (i = 0; i < NR_OBJS; i += 2)	/* keep the pointers to pick slabs by */
		objs[i] = objs[i + 1];
	is_int(kmem_cache_validate(s), 0, "before: the cache validates");

	for (round = 0; round < NR_ROUNDS; round++) {
		unsigned char *where, old;
		int errors, j;
		void *p;

		while (!pick_byte(s, &where))
			;
		old = *where;
		*where = (unsigned char)(old ^ (1 + test_rand(&rng) % 255));
		kmm_dmesg_clear();
		errors = kmem_cache_validate(s);
		reported += errors > 0;
		if (errors <= 0)
			diag("round %d: a change at slab offset %lu not reported", round,
			     (unsigned long)where & (PAGE_SIZE - 1));
		/*
		 * Validation stops at a slab's first bad object (as the kernel's
		 * validate_slab() does), and a freelist cut short leaves free
		 * objects that now count as allocated, whose inactive red zones
		 * each later pass reports and fixes, one object per pass: it
		 * settles within a slab's objects.
		 */
		for (j = 0; j < 64 && kmem_cache_validate(s); j++)
			;
		repaired += j < 64;
		for (j = 1; j < NR_OBJS; j += 2)
			intact &= !kmm_memchr_inv(objs[j], pattern[j], OBJ_SIZE);
		/* The cache still works: an object in, the same object out. */
		p = kmem_cache_alloc(s, GFP_KERNEL);
		working &= p != NULL && !allocated_object(p);
		if (p) {
			memset(p, 0x5c, OBJ_SIZE);
			kmem_cache_free(s, p);
		}
	}
	is_int(reported, NR_ROUNDS, "%d random corruptions: every one reported by kmem_cache_validate",
	       NR_ROUNDS);
	is_int(repaired, NR_ROUNDS, "... and validation settles: later passes find nothing (repaired or isolated)");
	ok(intact, "every allocated object kept its contents");
	ok(working, "the cache kept working: allocations never returned a live object");
	for (i = 1; i < NR_OBJS; i += 2)
		kmem_cache_free(s, objs[i]);
	is_int(kmem_cache_validate(s), 0, "everything freed: the cache validates");
	kmem_cache_destroy(s);
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
	kmm_exit();
	return done_testing();
}
