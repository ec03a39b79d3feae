/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the SLUB tests: pinning the thread to a CPU (so that
 * its frees and allocations meet on one CPU's freelist and sheaves),
 * shrinking every cache to its boot state, validating every cache.  Include
 * after defining _GNU_SOURCE.
 */
#ifndef KMM_TESTS_MM_SLAB_TEST_H
#define KMM_TESTS_MM_SLAB_TEST_H

#include "kmm_test.h"
#include "mm/slab.h"
#include <pthread.h>
#include <sched.h>

static inline void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static inline void pin_cpu0(void)
{
	pin_cpu(0);
}

static inline void unpin(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* kmem_cache_validate() on every cache (only the debug ones: debug_only);
 * the errors reported. */
static inline int validate_caches(bool debug_only)
{
	struct kmem_cache *s;
	int errors = 0;

	pthread_mutex_lock(&kmm_slab_mutex);
	list_for_each_entry(s, &kmm_slab_caches, list)
		if (!debug_only || (s->flags & SLAB_DEBUG_FLAGS))
			errors += kmem_cache_validate(s);
	pthread_mutex_unlock(&kmm_slab_mutex);
	return errors;
}

/* The slab allocator comes up at its first use: bring it up, then shrink
 * every cache (kmem_cache's own too) to its boot state. */
static inline void shrink_all(void)
{
	struct kmem_cache *s;

	kmm_slab_bootstrap();
	pthread_mutex_lock(&kmm_slab_mutex);
	list_for_each_entry(s, &kmm_slab_caches, list)
		kmm___kmem_cache_shrink(s);
	pthread_mutex_unlock(&kmm_slab_mutex);
}

#endif /* KMM_TESTS_MM_SLAB_TEST_H */
