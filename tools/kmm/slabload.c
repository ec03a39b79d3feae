// SPDX-License-Identifier: MIT
/*
 * The slab workload shared by kmm demo and kmm slabtop: an object cache
 * with a constructor and kmalloc of mixed sizes (8..1024 bytes), with frees
 * from other threads through a spinlock-protected ring.  Each thread owns a
 * struct slab_load and calls slab_load_op() with random numbers.
 */
#include <kmm/kmm.h>
#include <kmm/spinlock.h>
#include <stdio.h>
#include <string.h>
#include "kmm.h"

#define OBJ_SIZE	200
#define OBJ_MAGIC	0x6b6d6d6f626aUL
#define RING		256

struct obj {
	unsigned long magic;
	char payload[OBJ_SIZE - sizeof(unsigned long)];
};

static struct kmem_cache *obj_cache;
static unsigned long ctor_calls;

/* Objects handed between threads, freed by whoever takes them. */
static DEFINE_SPINLOCK(ring_lock);
static void *ring[RING];
static int ring_n;

unsigned long long slab_load_rand(unsigned long long *s)
{
	/* splitmix64 */
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void obj_ctor(void *p)
{
	((struct obj *)p)->magic = OBJ_MAGIC;
	__atomic_fetch_add(&ctor_calls, 1, __ATOMIC_RELAXED);
}

/* Free a slab object; cache objects still carry the constructor's magic. */
static void free_obj(void *p)
{
	if (((unsigned long)p & 1) == 0) {
		kfree(p);
		return;
	}
	p = (void *)((unsigned long)p & ~1UL);
	if (((struct obj *)p)->magic != OBJ_MAGIC)
		fprintf(stderr, "kmm: object %p lost its constructor's magic\n", p);
	kmem_cache_free(obj_cache, p);
}

int slab_load_setup(void)
{
	obj_cache = kmem_cache_create("kmm_demo_obj", sizeof(struct obj), 0,
				      SLAB_HWCACHE_ALIGN, obj_ctor);
	if (!obj_cache)
		return -1;
	ctor_calls = 0;
	ring_n = 0;
	return 0;
}

/* One slab operation: allocate (cache or kmalloc), free, or pass along. */
void slab_load_op(struct slab_load *w, unsigned long long r)
{
	w->slab_ops++;
	if (w->nr_objs < SLAB_LOAD_POOL && (r & 1)) {
		void *p;

		if (r & 2) {
			p = kmem_cache_alloc(obj_cache, GFP_KERNEL);
			if (p)
				p = (void *)((unsigned long)p | 1);	/* tag: cache object */
		} else {
			size_t size = 8 + (size_t)((r >> 8) % 1017);	/* 8..1024 */

			p = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
			if (p)
				memset(p, w->id, size);
		}
		if (p)
			w->objs[w->nr_objs++] = p;
		return;
	}
	if (!w->nr_objs)
		return;
	{
		unsigned int i = (unsigned int)((r >> 16) % w->nr_objs);
		void *p = w->objs[i], *take = NULL;

		w->objs[i] = w->objs[--w->nr_objs];
		if ((r >> 40) % 4 == 0) {
			/* Hand it to whichever thread comes next. */
			spin_lock(&ring_lock);
			if (ring_n == RING)
				take = ring[--ring_n];
			ring[ring_n++] = p;
			spin_unlock(&ring_lock);
			if (take) {
				free_obj(take);
				w->remote_frees++;
			}
		} else {
			free_obj(p);
		}
	}
}

void slab_load_release(struct slab_load *w)
{
	while (w->nr_objs)
		free_obj(w->objs[--w->nr_objs]);
}

void slab_load_teardown(void)
{
	while (ring_n)
		free_obj(ring[--ring_n]);
	kmem_cache_destroy(obj_cache);
	obj_cache = NULL;
}

unsigned long slab_load_ctor_calls(void)
{
	return ctor_calls;
}

int slab_load_ring_count(void)
{
	return ring_n;
}
