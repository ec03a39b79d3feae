// SPDX-License-Identifier: MIT
/*
 * Per-CPU sheaves: arrays of free object pointers in front of the CPU slab,
 * as Linux 6.18's mm/slub.c put in front of its CPU slabs ("percpu array
 * caches"; later kernels use them for almost every cache).
 *
 * A free pushes the object onto this CPU's main sheaf, whichever slab it
 * belongs to; an allocation pops the object freed last.  So a workload
 * that frees and allocates objects of many slabs stays in the sheaves,
 * where the freelist design sends every free of an object outside the
 * CPU slab to its slab with a compare-and-swap (__slab_free).
 *
 * The fast paths are restartable sequences (slub_rseq.h) that end in one
 * store to the main sheaf's size.  Everything else takes pcs->lock and
 * sets pcs->busy, as cpu_claim() does for the CPU slab, so that the
 * sequences step aside:
 *   - allocation, main empty: exchange with spare if it has objects, else
 *     refill main with up to half a sheaf from the CPU slab paths;
 *   - free, main full: exchange with spare if it is empty, else flush
 *     spare's objects to their slabs and exchange;
 *   - kmem_cache_shrink / validate / destroy flush every CPU's sheaves.
 * kmm has no barn (the kernel's per-node store of full and empty sheaves):
 * each CPU keeps its two sheaves for the cache's lifetime, in memory
 * reserved with the cache.  Objects in sheaves are allocated objects as
 * far as their slabs and slabinfo are concerned, as in the kernel.
 */
#include "mm/slab.h"
#include "mm/slub_rseq.h"
#include "kernel/internal.h"
#include <string.h>

#define MAX_SHEAF_CAPACITY	32

/* kmm's sizing: about 2-8 KiB of objects per sheaf, 4 to 32 objects. */
static unsigned int calculate_sheaf_capacity(const struct kmem_cache *s)
{
	if (s->size <= 256)
		return 32;
	if (s->size <= 1024)
		return 16;
	if (s->size <= 2048)
		return 8;
	return 4;
}

static size_t sheaf_stride(const struct kmem_cache *s)
{
	return ALIGN(sizeof(struct slab_sheaf) + s->sheaf_capacity * sizeof(void *), 64);
}

size_t kmm_sheaves_bytes(const struct kmem_cache *s)
{
	return ALIGN(s->nr_cpu_ids * (sizeof(struct slub_percpu_sheaves) + 2 * sheaf_stride(s)),
		     PAGE_SIZE);
}

bool kmm_alloc_sheaves(struct kmem_cache *s)
{
	char *area, *sheaf;
	unsigned int cpu;

	s->sheaf_capacity = calculate_sheaf_capacity(s);
	area = kmm_arch_reserve(kmm_sheaves_bytes(s), PAGE_SIZE);
	if (!area)
		return false;
	s->cpu_sheaves = (struct slub_percpu_sheaves *)area;
	sheaf = area + s->nr_cpu_ids * sizeof(struct slub_percpu_sheaves);
	for (cpu = 0; cpu < s->nr_cpu_ids; cpu++) {
		struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[cpu];

		pcs->busy = 0;
		pcs->main = (struct slab_sheaf *)sheaf;
		pcs->main->capacity = s->sheaf_capacity;
		sheaf += sheaf_stride(s);
		pcs->spare = (struct slab_sheaf *)sheaf;
		pcs->spare->capacity = s->sheaf_capacity;
		sheaf += sheaf_stride(s);
		spin_lock_init(&pcs->lock);
	}
	return true;
}

void kmm_free_sheaves(struct kmem_cache *s)
{
	if (!s->cpu_sheaves)
		return;
	kmm_arch_release(s->cpu_sheaves, kmm_sheaves_bytes(s));
	s->cpu_sheaves = NULL;
}

/*
 * Own cpu's sheaves: the lock serialises owners, busy (rseq_claim) makes
 * the sequences on that CPU take the slow path.
 */
static struct slub_percpu_sheaves *pcs_lock(struct kmem_cache *s, unsigned int cpu,
					      unsigned long *flags)
{
	struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[cpu];
	unsigned long f;

	spin_lock_irqsave(&pcs->lock, f);
	*flags = f;
	rseq_claim(&pcs->busy, cpu);
	return pcs;
}

static void pcs_unlock(struct slub_percpu_sheaves *pcs, unsigned long flags)
{
	__atomic_store_n(&pcs->busy, 0, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&pcs->lock, flags);
}

static unsigned int sheaf_cpu(struct kmem_cache *s)
{
	unsigned int cpu = (unsigned int)kmm_this_cpu();

	return cpu < s->nr_cpu_ids ? cpu : 0;
}

/* Objects back to their slabs, through the CPU slab paths. */
static void flush_objects(struct kmem_cache *s, void **objects, unsigned int n,
			  unsigned long addr)
{
	while (n--) {
		void *object = objects[n];

		kmm_slab_free_cpu(s, virt_to_slab(object), object, addr);
	}
}

void *kmm_sheaf_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long addr)
{
	struct slub_percpu_sheaves *pcs;
	struct slab_sheaf *m;
	void *objects[MAX_SHEAF_CAPACITY], *object = NULL;
	unsigned int n, want, room;
	unsigned long flags;

	pcs = pcs_lock(s, sheaf_cpu(s), &flags);
	if (!pcs->main->size && pcs->spare->size) {
		m = pcs->main;
		pcs->main = pcs->spare;
		pcs->spare = m;
	}
	m = pcs->main;
	if (m->size)
		object = m->objects[--m->size];
	pcs_unlock(pcs, flags);
	if (object)
		return object;

	/*
	 * Refill with the lock dropped: the slab paths take the node's
	 * list_lock and may allocate pages.  The first object is the
	 * caller's, with the caller's flags (and its failure report).
	 */
	object = kmm_slab_alloc_cpu(s, gfp, addr);
	if (unlikely(!object))
		return NULL;
	want = s->sheaf_capacity / 2;
	gfp = (gfp & ~__GFP_NOFAIL) | __GFP_NOWARN | __GFP_NORETRY;
	for (n = 0; n < want; n++) {
		objects[n] = kmm_slab_alloc_cpu(s, gfp, addr);
		if (!objects[n])
			break;
	}
	if (!n)
		return object;
	pcs = pcs_lock(s, sheaf_cpu(s), &flags);
	m = pcs->main;
	room = m->capacity - m->size;
	while (n && room) {
		m->objects[m->size++] = objects[--n];
		room--;
	}
	pcs_unlock(pcs, flags);
	flush_objects(s, objects, n, addr);	/* another thread filled it meanwhile */
	return object;
}

void kmm_sheaf_free_slow(struct kmem_cache *s, void *object, unsigned long addr)
{
	struct slub_percpu_sheaves *pcs;
	struct slab_sheaf *m;
	void *objects[MAX_SHEAF_CAPACITY];
	unsigned int n = 0;
	unsigned long flags;
	bool twice = false;

	pcs = pcs_lock(s, sheaf_cpu(s), &flags);
	m = pcs->main;
	if (m->size && m->objects[m->size - 1] == object) {
		twice = true;
	} else {
		if (m->size == m->capacity) {
			if (pcs->spare->size) {
				n = pcs->spare->size;
				memcpy(objects, pcs->spare->objects, n * sizeof(void *));
				pcs->spare->size = 0;
			}
			pcs->main = pcs->spare;
			pcs->spare = m;
			m = pcs->main;
		}
		m->objects[m->size++] = object;
	}
	pcs_unlock(pcs, flags);
	if (unlikely(twice))
		kmm_slab_err(s, virt_to_slab(object),
			     "Object 0x%016lx already free (double free or corruption)",
			     (unsigned long)object);
	flush_objects(s, objects, n, addr);
}

void kmm_flush_all_sheaves(struct kmem_cache *s)
{
	void *objects[2 * MAX_SHEAF_CAPACITY];
	unsigned int cpu, n;
	unsigned long flags;

	if (!s->cpu_sheaves)
		return;
	for (cpu = 0; cpu < s->nr_cpu_ids; cpu++) {
		struct slub_percpu_sheaves *pcs = pcs_lock(s, cpu, &flags);

		n = pcs->main->size;
		memcpy(objects, pcs->main->objects, n * sizeof(void *));
		memcpy(objects + n, pcs->spare->objects, pcs->spare->size * sizeof(void *));
		n += pcs->spare->size;
		pcs->main->size = 0;
		pcs->spare->size = 0;
		pcs_unlock(pcs, flags);
		flush_objects(s, objects, n, _RET_IP_);
	}
}
