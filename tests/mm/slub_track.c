// SPDX-License-Identifier: MIT
/*
 * slub_debug's U tracks and the per-thread memory of the last trace saved
 * (slub_track.c): the same trace keeps its handle, a different one gets
 * its own, and after the depot is reset (kmm_exit) or disabled no handle
 * remembered from before is handed out again.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "mm/slub_debug.h"
#include <string.h>

#define FZPU (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

static struct kmem_cache *create(const char *name)
{
	return kmem_cache_create(name, 64, 0, FZPU, NULL);
}

static noinline void *alloc_here(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ __volatile__("" : "+r"(p) : : "memory");
	return p;
}

static noinline void *alloc_there(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ __volatile__("" : "+r"(p) : : "memory");
	return p;
}

static noinline void free_here(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
	__asm__ __volatile__("" : : : "memory");
}

static depot_stack_handle_t handle_of(struct kmem_cache *s, void *p, enum track_item item)
{
	return get_track(s, p, item)->handle;
}

/* Does the depot hold, under handle, the stack the track was taken from:
 * one whose entries include the function at fn? */
static bool handle_names(depot_stack_handle_t handle, const void *fn)
{
	unsigned long *entries;
	unsigned int nr, i;

	if (!handle)
		return false;
	nr = stack_depot_fetch(handle, &entries);
	for (i = 0; i < nr; i++)
		if (entries[i] >= (unsigned long)fn && entries[i] < (unsigned long)fn + 256)
			return true;
	return false;
}

static noinline void test_same_and_different(void)
{
	struct kmem_cache *s = create("TestTrack_memo");
	depot_stack_handle_t ha, hc;
	void *obj[2], *a, *b, *c;
	int i;

	diag("the same trace keeps its handle, another gets its own");
	/* One call site, one trace: a loop whose count the compiler cannot
	 * see, so that it neither unrolls nor peels it. */
	for (i = 0; i < 2; i++) {
		__asm__ __volatile__("" : "+r"(i));
		obj[i] = alloc_here(s);
	}
	a = obj[0];
	b = obj[1];
	c = alloc_there(s);
	ha = handle_of(s, a, TRACK_ALLOC);
	hc = handle_of(s, c, TRACK_ALLOC);
	ok(ha != 0, "an allocation's track has a handle");
	is_int((int)handle_of(s, b, TRACK_ALLOC), (int)ha, "the same trace again: the same handle");
	ok(hc != 0 && hc != ha, "another caller: another handle");
	ok(handle_names(ha, (const void *)alloc_here), "the first handle's stack is alloc_here's");
	ok(handle_names(hc, (const void *)alloc_there), "the second's is alloc_there's");
	for (i = 0; i < 2; i++) {
		__asm__ __volatile__("" : "+r"(i));
		free_here(s, obj[i]);
	}
	ok(handle_of(s, a, TRACK_FREE) != 0, "a free's track has a handle");
	is_int((int)handle_of(s, b, TRACK_FREE), (int)handle_of(s, a, TRACK_FREE),
	       "the same free trace: the same handle");
	ok(handle_names(handle_of(s, a, TRACK_FREE), (const void *)free_here),
	   "its stack is free_here's");
	free_here(s, c);
	is_int(kmem_cache_validate(s), 0, "validation finds nothing");
	kmem_cache_destroy(s);
}

/* Stacks of its own first, so that alloc_here's record is not the
 * depot's first (which a new depot would give the same handle). */
static noinline void fill_depot(void)
{
	unsigned long entries[4] = { 0x1000, 0x2000, 0x3000, 0x4000 };
	int i;

	for (i = 0; i < 8; i++) {
		entries[0] += 16;
		stack_depot_save(entries, 4, GFP_KERNEL);
	}
}

static noinline void test_reset(void)
{
	static const char *const boot[3] = { "mem=256M", "mem=256M",
					     "mem=256M stack_depot_disable=on" };
	depot_stack_handle_t ha[3], hf[3];
	struct kmem_cache *s;
	void *p;
	int i;

	diag("after a reset or with the depot off, no remembered handle");
	kmm_exit();
	/* One loop body: the same traces in every round. */
	for (i = 0; i < 3; i++) {
		__asm__ __volatile__("" : "+r"(i));
		test_boot(boot[i]);
		if (i == 0)
			fill_depot();
		s = create("TestTrack_reset");
		p = alloc_here(s);
		ha[i] = handle_of(s, p, TRACK_ALLOC);
		ok(i == 2 || handle_names(ha[i], (const void *)alloc_here),
		   "round %d: the allocation's handle resolves to its stack", i);
		free_here(s, p);
		hf[i] = handle_of(s, p, TRACK_FREE);
		ok(i == 2 || handle_names(hf[i], (const void *)free_here),
		   "round %d: the free's too", i);
		kmem_cache_destroy(s);
		kmm_exit();
	}
	ok(ha[1] != ha[0] && hf[1] != hf[0], "a new depot: other handles for the same traces");
	is_int((int)ha[2], 0, "the depot disabled: handle 0");
	is_int((int)hf[2], 0, "for the free too");
	test_boot("mem=256M");
}

int main(void)
{
	if (test_boot("mem=256M"))
		return 1;
	test_same_and_different();
	test_reset();
	kmm_exit();
	return done_testing();
}
