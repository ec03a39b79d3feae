// SPDX-License-Identifier: MIT
/*
 * kmem_cache_alloc_bulk(), kmem_cache_free_bulk() and kfree_bulk(), with
 * the semantics of Linux 6.18's mm/slub.c:
 *
 *   - An allocation of n objects is all or nothing: n, or 0 with nothing
 *     kept.  Objects come from this CPU's sheaves first (their last
 *     objects, then a full sheaf of the barn for an empty main), the rest
 *     from the CPU slab's freelist under one lock, loading new CPU slabs
 *     as it runs dry; __GFP_ZERO clears them all at the end.  Debug caches allocate each object through the debug
 *     path, which checks and tracks it as a single allocation.
 *   - A free of n objects: given a cache with sheaves, the objects go onto
 *     this CPU's sheaves while there is room (main, the spare, an empty
 *     sheaf of the barn); the rest, and everything kfree_bulk() frees, go
 *     back to their slabs as detached freelists: the last object, and the
 *     objects of its slab found before it (at most three misses in a row
 *     are looked past), chained through their free pointers and freed with
 *     one operation on the slab (build_detached_freelist()).  The array's
 *     order is not kept.
 *
 * kmm adds what every single free does: each pointer is checked first (a
 * NULL is skipped, a pointer kmm never handed out, an interior pointer or
 * an object of another cache is reported as kfree()/kmem_cache_free()
 * report it), and only the good ones are freed, so bad input in the array
 * costs nothing that its caller still owns.
 */
#include "mm/slab.h"
#include "kernel/internal.h"
#include <limits.h>
#include <string.h>

/* The lookahead of build_detached_freelist(): misses in a row. */
#define DETACHED_LOOKAHEAD	3

/*
 * Free the good objects p[0..n) to their slabs, from the end: p[n-1] and
 * the objects of its slab before it become one detached freelist, moved
 * to the end of the array as they are found.
 */
void kmm_slab_free_to_slabs(size_t n, void **p, unsigned long caller)
{
	while (n) {
		void *object = p[--n], *head = object, *tail = object;
		struct page *slab = virt_to_slab(object);
		struct kmem_cache *s = slab->slab_cache;
		size_t same = n, i = n;
		unsigned int cnt = 1;
		int lookahead = DETACHED_LOOKAHEAD;

		if (kmem_cache_debug(s)) {
			/* The debug path checks, poisons and tracks one object at a time. */
			kmm_slab_free(s, slab, object, caller);
			continue;
		}
		set_freepointer(s, object, NULL);
		while (i) {
			void *x = p[--i];

			if (virt_to_slab(x) == slab) {
				if (unlikely(x == head)) {
					/* CONFIG_SLAB_FREELIST_HARDENED's naive check:
					 * reported, and freed once. */
					kmm_slab_double_free(s, slab, x);
					p[i] = p[--same];
					continue;
				}
				set_freepointer(s, x, head);
				head = x;
				cnt++;
				same--;
				if (i != same) {	/* keep the unfreed ones below same */
					p[i] = p[same];
					p[same] = x;
				}
				continue;
			}
			if (!--lookahead)
				break;
		}
		kmm_slab_free_detached(s, slab, head, tail, cnt, caller);
		n = same;
	}
}

static void free_bulk(struct kmem_cache *s, size_t size, void **p, unsigned long caller)
{
	size_t i, n = 0, done = 0;
	struct page *slab;

	/* The checks of a single free; the good pointers move to p[0..n). */
	for (i = 0; i < size; i++) {
		struct kmem_cache *c = kmm_slab_free_target(s, p[i], &slab);

		if (c)
			p[n++] = p[i];
	}
	if (s && s->cpu_sheaves) {
		/* Objects of s onto the sheaves; another cache's (reported) go to the slabs. */
		while (done < n) {
			size_t run = done;
			unsigned int pushed;

			while (run < n && run - done < UINT_MAX && virt_to_slab(p[run])->slab_cache == s)
				run++;
			if (run == done)
				break;
			pushed = kmm_sheaf_free_bulk(s, (unsigned int)(run - done), p + done);
			done += pushed;
			if (done < run)
				break;		/* no room left */
		}
	}
	kmm_slab_free_to_slabs(n - done, p + done, caller);
}

KMM_API void kmm_kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	if (!size)
		return;
	if (WARN_ON_ONCE(!p))
		return;
	free_bulk(s, size, p, _RET_IP_);
}

KMM_API int kmm_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size, void **p)
{
	unsigned long caller = _RET_IP_;
	size_t i = 0;

	if (!size)
		return 0;
	/* The kernel oopses on these; kmm warns and allocates nothing. */
	if (WARN_ON_ONCE(!s || !p || size > INT_MAX))	/* the count is an int */
		return 0;
	if (s->cpu_sheaves)
		i = kmm_sheaf_alloc_bulk(s, (unsigned int)size, p);
	if (!kmem_cache_debug(s)) {
		/* The CPU freelist's objects under one lock, then the slow path's. */
		i += kmm_slab_alloc_cpu_bulk(s, flags, caller, p + i, (unsigned int)(size - i));
	} else {
		for (; i < size; i++) {
			p[i] = kmm_slab_alloc(s, flags & ~__GFP_ZERO, caller);
			if (unlikely(!p[i]))
				break;
		}
	}
	if (unlikely(i < size)) {
		/* All or nothing: what was taken goes back to the slabs. */
		kmm_slab_free_to_slabs(i, p, caller);
		return 0;
	}
	if (flags & __GFP_ZERO)
		for (i = 0; i < size; i++)
			memset(p[i], 0, s->object_size);
	return (int)size;
}
