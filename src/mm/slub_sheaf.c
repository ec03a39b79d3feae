// SPDX-License-Identifier: MIT
/*
 * Per-CPU sheaves and the barn: arrays of free object pointers in front of
 * the CPU slab, as Linux 6.18's mm/slub.c put in front of its CPU slabs
 * ("percpu array caches"; later kernels use them for almost every cache).
 *
 * A free pushes the object onto this CPU's main sheaf, whichever slab it
 * belongs to; an allocation pops the object freed last.  So a workload
 * that frees and allocates objects of many slabs stays in the sheaves,
 * where the freelist design sends every free of an object outside the
 * CPU slab to its slab with a compare-and-swap (__slab_free).
 *
 * The fast paths are restartable sequences (slub_rseq.h) that end in one
 * store to a sheaf's size: main's, or the spare's when main is empty (an
 * allocation) or full (a free).  That is kmm's: the kernel exchanges main
 * and spare in the slow path, which a random mix of frees and allocations
 * of one cache makes every other operation near the boundary.  The
 * exchanges below remain for races.  Everything else takes pcs->lock and
 * points pcs->cur (what the sequences use as main) at kmm_locked_sheaf,
 * which has no object and no room, so that the sequences step aside, as
 * cpu_claim()'s TID_BUSY does for the CPU slab.  6.18's slow paths:
 *   - allocation, main empty (__pcs_replace_empty_main): exchange with the
 *     spare if it has objects; else give main to the node's barn for a
 *     full sheaf; else refill an empty sheaf (the spare, or one from the
 *     barn) from the CPU slab paths with the lock dropped, and install it;
 *     with no sheaf to refill, one object from the slabs;
 *   - free, main full (__pcs_replace_full_main): with no spare, take an
 *     empty sheaf from the barn; exchange with a spare that has room; else
 *     give main to the barn for an empty sheaf; when the barn has
 *     MAX_FULL_SHEAVES full ones already, flush the spare's objects to
 *     their slabs (lock dropped) and install it as the empty sheaf; when
 *     there is no empty sheaf at all, flush main (sheaf_flush_main);
 *   - kmem_cache_shrink / validate / destroy flush every CPU's sheaves and
 *     every barn (barn_shrink).
 * The barn lock nests inside pcs->lock; neither is held in the slab paths.
 * Unlike the kernel, kmm does not allocate sheaves as it goes: each CPU
 * starts with a main and a spare and each node's barn with BARN_SHEAVES
 * empty ones, all in memory reserved with the cache; where the kernel
 * would allocate a sheaf (and handles failure), kmm finds none.  Objects
 * in sheaves are allocated objects as far as their slabs and slabinfo are
 * concerned, as in the kernel.
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

static unsigned int nr_sheaves(const struct kmem_cache *s)
{
	return 2 * s->nr_cpu_ids + BARN_SHEAVES * (unsigned int)kmm_nr_online_nodes;
}

/* [pcs x nr_cpu_ids][barn x nodes][sheaves: 2 per CPU, BARN_SHEAVES per node] */
size_t kmm_sheaves_bytes(const struct kmem_cache *s)
{
	return ALIGN(s->nr_cpu_ids * sizeof(struct slub_percpu_sheaves) +
		     (size_t)kmm_nr_online_nodes * sizeof(struct node_barn) +
		     nr_sheaves(s) * sheaf_stride(s), PAGE_SIZE);
}

bool kmm_alloc_sheaves(struct kmem_cache *s)
{
	char *area, *sheaf;
	unsigned int cpu, i;
	int node;

	s->sheaf_capacity = calculate_sheaf_capacity(s);
	area = kmm_arch_reserve(kmm_sheaves_bytes(s), PAGE_SIZE);
	if (!area)
		return false;
	s->cpu_sheaves = (struct slub_percpu_sheaves *)area;
	s->barn = (struct node_barn *)(area + s->nr_cpu_ids * sizeof(struct slub_percpu_sheaves));
	sheaf = (char *)(s->barn + kmm_nr_online_nodes);
	for (cpu = 0; cpu < s->nr_cpu_ids; cpu++) {
		struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[cpu];

		pcs->main = (struct slab_sheaf *)sheaf;
		pcs->cur = pcs->main;
		pcs->main->capacity = s->sheaf_capacity;
		sheaf += sheaf_stride(s);
		pcs->spare = (struct slab_sheaf *)sheaf;
		pcs->spare->capacity = s->sheaf_capacity;
		sheaf += sheaf_stride(s);
		spin_lock_init(&pcs->lock);
	}
	for_each_online_node(node) {
		struct node_barn *barn = &s->barn[node];

		spin_lock_init(&barn->lock);
		INIT_LIST_HEAD(&barn->sheaves_full);
		INIT_LIST_HEAD(&barn->sheaves_empty);
		barn->nr_full = 0;
		barn->nr_empty = BARN_SHEAVES;
		for (i = 0; i < BARN_SHEAVES; i++) {
			struct slab_sheaf *e = (struct slab_sheaf *)sheaf;

			e->capacity = s->sheaf_capacity;
			list_add_tail(&e->barn_list, &barn->sheaves_empty);
			sheaf += sheaf_stride(s);
		}
	}
	return true;
}

void kmm_free_sheaves(struct kmem_cache *s)
{
	if (!s->cpu_sheaves)
		return;
	kmm_arch_release(s->cpu_sheaves, kmm_sheaves_bytes(s));
	s->cpu_sheaves = NULL;
	s->barn = NULL;
}

/* Empty and without room: the sequences' cur while the lock's holder works. */
struct slab_sheaf kmm_locked_sheaf;

/*
 * Own cpu's sheaves: the lock serialises owners; pointing cur at
 * kmm_locked_sheaf (rseq_claim_sheaves) sends the sequences on that CPU
 * to the slow path, where they wait for the lock.  The owner works on
 * main and spare; unlocking publishes main in cur.
 */
static struct slub_percpu_sheaves *pcs_lock(struct kmem_cache *s, unsigned int cpu,
					      unsigned long *flags)
{
	struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[cpu];
	unsigned long f;

	spin_lock_irqsave(&pcs->lock, f);
	*flags = f;
	if (kmm_percpu_rseq)
		rseq_claim_sheaves(pcs, cpu);
	return pcs;
}

static void pcs_unlock(struct slub_percpu_sheaves *pcs, unsigned long flags)
{
	__atomic_store_n(&pcs->cur, pcs->main, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&pcs->lock, flags);
}

static unsigned int sheaf_cpu(struct kmem_cache *s)
{
	unsigned int cpu = (unsigned int)kmm_this_cpu();

	return cpu < s->nr_cpu_ids ? cpu : 0;
}

/* The barn of cpu's node (get_barn()). */
static struct node_barn *get_barn(struct kmem_cache *s, unsigned int cpu)
{
	return &s->barn[kmm_cpu_to_node_map[cpu]];
}

/* ---- the barn: lists of full and empty sheaves under barn->lock ---------- */

static struct slab_sheaf *barn_take(struct list_head *list, unsigned int *nr)
{
	struct slab_sheaf *sheaf = list_first_entry(list, struct slab_sheaf, barn_list);

	list_del(&sheaf->barn_list);
	WRITE_ONCE(*nr, *nr - 1);
	return sheaf;
}

static void barn_add(struct list_head *list, unsigned int *nr, struct slab_sheaf *sheaf)
{
	list_add(&sheaf->barn_list, list);
	WRITE_ONCE(*nr, *nr + 1);
}

static struct slab_sheaf *barn_get_empty_sheaf(struct node_barn *barn)
{
	struct slab_sheaf *empty = NULL;
	unsigned long flags;

	if (!READ_ONCE(barn->nr_empty))
		return NULL;
	spin_lock_irqsave(&barn->lock, flags);
	if (likely(barn->nr_empty))
		empty = barn_take(&barn->sheaves_empty, &barn->nr_empty);
	spin_unlock_irqrestore(&barn->lock, flags);
	return empty;
}

/* Undoing an exchange: the limits are not checked (as in the kernel). */
static void barn_put_empty_sheaf(struct node_barn *barn, struct slab_sheaf *sheaf)
{
	unsigned long flags;

	spin_lock_irqsave(&barn->lock, flags);
	barn_add(&barn->sheaves_empty, &barn->nr_empty, sheaf);
	spin_unlock_irqrestore(&barn->lock, flags);
}

static void barn_put_full_sheaf(struct node_barn *barn, struct slab_sheaf *sheaf)
{
	unsigned long flags;

	spin_lock_irqsave(&barn->lock, flags);
	barn_add(&barn->sheaves_full, &barn->nr_full, sheaf);
	spin_unlock_irqrestore(&barn->lock, flags);
}

/* A full sheaf for the empty one, or NULL when the barn has none. */
static struct slab_sheaf *barn_replace_empty_sheaf(struct node_barn *barn,
						   struct slab_sheaf *empty)
{
	struct slab_sheaf *full = NULL;
	unsigned long flags;

	if (!READ_ONCE(barn->nr_full))
		return NULL;
	spin_lock_irqsave(&barn->lock, flags);
	if (likely(barn->nr_full)) {
		full = barn_take(&barn->sheaves_full, &barn->nr_full);
		barn_add(&barn->sheaves_empty, &barn->nr_empty, empty);
	}
	spin_unlock_irqrestore(&barn->lock, flags);
	return full;
}

/*
 * An empty sheaf for the full one, or NULL: *too_many when the barn holds
 * MAX_FULL_SHEAVES full ones already (the kernel's -E2BIG), else it has
 * no empty one (-ENOMEM).
 */
static struct slab_sheaf *barn_replace_full_sheaf(struct node_barn *barn,
						  struct slab_sheaf *full, bool *too_many)
{
	struct slab_sheaf *empty = NULL;
	unsigned long flags;

	*too_many = READ_ONCE(barn->nr_full) >= MAX_FULL_SHEAVES;	/* not rechecked */
	if (*too_many || !READ_ONCE(barn->nr_empty))
		return NULL;
	spin_lock_irqsave(&barn->lock, flags);
	if (likely(barn->nr_empty)) {
		empty = barn_take(&barn->sheaves_empty, &barn->nr_empty);
		barn_add(&barn->sheaves_full, &barn->nr_full, full);
	}
	spin_unlock_irqrestore(&barn->lock, flags);
	return empty;
}

/* Every full sheaf's objects back to their slabs; the sheaves stay, empty. */
static void barn_shrink(struct kmem_cache *s, struct node_barn *barn)
{
	struct slab_sheaf *sheaf, *tmp;
	unsigned long flags;
	LIST_HEAD(full);
	unsigned int n = 0;

	spin_lock_irqsave(&barn->lock, flags);
	list_for_each_entry_safe(sheaf, tmp, &barn->sheaves_full, barn_list)
		list_move_tail(&sheaf->barn_list, &full);
	WRITE_ONCE(barn->nr_full, 0);
	spin_unlock_irqrestore(&barn->lock, flags);
	list_for_each_entry(sheaf, &full, barn_list) {
		kmm_slab_free_to_slabs(sheaf->size, sheaf->objects, _RET_IP_);
		sheaf->size = 0;
		n++;
	}
	spin_lock_irqsave(&barn->lock, flags);
	list_for_each_entry_safe(sheaf, tmp, &full, barn_list)
		list_move(&sheaf->barn_list, &barn->sheaves_empty);
	WRITE_ONCE(barn->nr_empty, barn->nr_empty + n);
	spin_unlock_irqrestore(&barn->lock, flags);
}

/* ---- the slow paths ------------------------------------------------------ */

/* Push object onto main (which has room); false: it is the last one pushed. */
static bool sheaf_push(struct slab_sheaf *m, void *object)
{
	if (m->size && m->objects[m->size - 1] == object)
		return false;
	m->objects[m->size++] = object;
	return true;
}

/* What the sequences pop from: main, else (main empty) the spare; no exchange. */
static inline struct slab_sheaf *sheaf_to_pop(struct slub_percpu_sheaves *pcs)
{
	return !pcs->main->size && pcs->spare ? pcs->spare : pcs->main;
}

/* What the sequences push onto: main, else (main full) the spare. */
static inline struct slab_sheaf *sheaf_to_push(struct slub_percpu_sheaves *pcs)
{
	return pcs->main->size == pcs->main->capacity && pcs->spare ? pcs->spare : pcs->main;
}

/*
 * The fast paths without restartable sequences (kmm.rseq=off, TSan, fewer
 * nr_cpus= than CPUs): this CPU's pcs->lock by a trylock, with interrupts
 * off while it is held, as the kernel's sheaves take a local_trylock.  Every
 * holder of a pcs->lock has interrupts off, so an irq handler never finds
 * its own CPU's lock held by the context it interrupted.  A held lock (a
 * slow path, a flush, or a thread that migrated there) sends the caller to
 * the slow path, which waits for it.  Main, else the spare, with no
 * exchange: what the sequences do.
 *
 * The lock is the kernel's local_trylock_irqsave(): interrupts off, then
 * the lock word by one exchange, no preempt_count (with interrupts off the
 * context is atomic, as in the kernel).  Built twice from one body: with
 * lockdep's hooks (lockdep sees a trylock of pcs->lock, irq tracing sees
 * the flags) and, when the hooks are off, without a call on the way.
 */
static __always_inline bool pcs_trylock_local(struct slub_percpu_sheaves *pcs,
					      unsigned long *flags, const bool hooks)
{
	if (hooks)
		local_irq_save(*flags);
	else
		raw_local_irq_save(*flags);
	if (likely(do_raw_spin_trylock(&pcs->lock.rlock))) {
		if (hooks)
			spin_acquire(&pcs->lock.rlock.dep_map, 0, 1, _THIS_IP_);
		return true;
	}
	if (hooks)
		local_irq_restore(*flags);
	else
		raw_local_irq_restore(*flags);
	return false;
}

static __always_inline void pcs_unlock_local(struct slub_percpu_sheaves *pcs, unsigned long flags,
					     const bool hooks)
{
	if (hooks)
		spin_release(&pcs->lock.rlock.dep_map, _THIS_IP_);
	do_raw_spin_unlock(&pcs->lock.rlock);
	if (hooks)
		local_irq_restore(flags);
	else
		raw_local_irq_restore(flags);
}

static __always_inline void *sheaf_alloc_trylock(struct kmem_cache *s, const bool hooks)
{
	struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[sheaf_cpu(s)];
	struct slab_sheaf *m;
	void *object = NULL;
	unsigned long flags;

	if (!pcs_trylock_local(pcs, &flags, hooks))
		return NULL;
	m = sheaf_to_pop(pcs);
	if (m->size)
		object = m->objects[--m->size];
	pcs_unlock_local(pcs, flags, hooks);
	return object;
}

static noinline void *sheaf_alloc_trylock_hooked(struct kmem_cache *s)
{
	return sheaf_alloc_trylock(s, true);
}

void *kmm_sheaf_alloc_trylock(struct kmem_cache *s)
{
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))
		return sheaf_alloc_trylock_hooked(s);
	return sheaf_alloc_trylock(s, false);
}

/* 0: pushed; 1: take the slow path; 2: object is the last one pushed (a double free). */
static __always_inline int sheaf_free_trylock(struct kmem_cache *s, void *object, const bool hooks)
{
	struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[sheaf_cpu(s)];
	struct slab_sheaf *m;
	unsigned long flags;
	int ret = 1;

	if (!pcs_trylock_local(pcs, &flags, hooks))
		return 1;
	m = sheaf_to_push(pcs);
	if (m->size < m->capacity)
		ret = sheaf_push(m, object) ? 0 : 2;
	pcs_unlock_local(pcs, flags, hooks);
	return ret;
}

static noinline int sheaf_free_trylock_hooked(struct kmem_cache *s, void *object)
{
	return sheaf_free_trylock(s, object, true);
}

int kmm_sheaf_free_trylock(struct kmem_cache *s, void *object)
{
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))
		return sheaf_free_trylock_hooked(s, object);
	return sheaf_free_trylock(s, object, false);
}

/*
 * An empty main gets objects (pcs locked): exchanged with a spare that has
 * some, else given to the barn for a full sheaf.  false: neither had any.
 */
static bool main_gets_objects(struct kmem_cache *s, struct slub_percpu_sheaves *pcs,
			      unsigned int cpu)
{
	struct slab_sheaf *m = pcs->main, *full;

	if (pcs->spare && pcs->spare->size) {
		pcs->main = pcs->spare;
		pcs->spare = m;
		return true;
	}
	full = barn_replace_empty_sheaf(get_barn(s, cpu), m);
	if (full)
		pcs->main = full;
	return full != NULL;
}

/*
 * A full main gets room (pcs locked): exchanged with a spare that has
 * some, else given to the barn for an empty sheaf.  false: neither had
 * any; *too_many when the barn holds its maximum of full sheaves.
 */
static bool main_gets_room(struct kmem_cache *s, struct slub_percpu_sheaves *pcs,
			   unsigned int cpu, bool *too_many)
{
	struct slab_sheaf *m = pcs->main, *empty;

	*too_many = false;
	if (pcs->spare && pcs->spare->size < pcs->spare->capacity) {
		pcs->main = pcs->spare;
		pcs->spare = m;
		return true;
	}
	empty = barn_replace_full_sheaf(get_barn(s, cpu), m, too_many);
	if (empty)
		pcs->main = empty;
	return empty != NULL;
}

/*
 * A refilled sheaf goes where the CPU now needs it (the end of
 * __pcs_replace_empty_main): the thread may have migrated or another
 * thread may have refilled meanwhile.
 */
static void install_refilled(struct slub_percpu_sheaves *pcs, struct node_barn *barn,
			     struct slab_sheaf *sheaf)
{
	if (!sheaf->size) {		/* the refill failed */
		if (!pcs->spare)
			pcs->spare = sheaf;
		else
			barn_put_empty_sheaf(barn, sheaf);
	} else if (!pcs->main->size) {
		barn_put_empty_sheaf(barn, pcs->main);
		pcs->main = sheaf;
	} else if (!pcs->spare) {
		pcs->spare = sheaf;
	} else if (!pcs->spare->size) {
		barn_put_empty_sheaf(barn, pcs->spare);
		pcs->spare = sheaf;
	} else {
		barn_put_full_sheaf(barn, sheaf);
	}
}

void *kmm_sheaf_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long addr)
{
	struct slub_percpu_sheaves *pcs;
	struct slab_sheaf *m, *empty = NULL;
	void *object = NULL;
	unsigned int cpu, n, i;
	unsigned long flags;

	cpu = sheaf_cpu(s);
	pcs = pcs_lock(s, cpu, &flags);
	if (!pcs->main->size && !main_gets_objects(s, pcs, cpu)) {
		/* A sheaf to refill: the spare, or an empty one of the barn. */
		if (pcs->spare) {
			empty = pcs->spare;
			pcs->spare = NULL;
		} else {
			empty = barn_get_empty_sheaf(get_barn(s, cpu));
		}
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
	if (!empty)
		return object;
	if (object) {
		gfp = (gfp & ~__GFP_NOFAIL) | __GFP_NOWARN | __GFP_NORETRY;
		n = empty->size + kmm_slab_alloc_cpu_bulk(s, gfp, addr, empty->objects + empty->size,
							   empty->capacity - empty->size);
		empty->size = n;
		/* Popped from the end: the slab's next object comes out next. */
		for (i = 0; i < n / 2; i++) {
			void *t = empty->objects[i];

			empty->objects[i] = empty->objects[n - 1 - i];
			empty->objects[n - 1 - i] = t;
		}
	}
	cpu = sheaf_cpu(s);
	pcs = pcs_lock(s, cpu, &flags);
	install_refilled(pcs, get_barn(s, cpu), empty);
	pcs_unlock(pcs, flags);
	return object;
}

/*
 * An empty sheaf (a flushed spare) goes where the CPU now needs it
 * (__pcs_install_empty_sheaf); afterwards main has room.
 */
static void install_empty(struct slub_percpu_sheaves *pcs, struct node_barn *barn,
			  struct slab_sheaf *empty)
{
	struct slab_sheaf *m = pcs->main;

	if (!pcs->spare) {
		pcs->spare = m;
		pcs->main = empty;
	} else if (m->size < m->capacity) {
		barn_put_empty_sheaf(barn, empty);
	} else if (pcs->spare->size < pcs->spare->capacity) {
		pcs->main = pcs->spare;
		pcs->spare = m;
		barn_put_empty_sheaf(barn, empty);
	} else {
		barn_put_full_sheaf(barn, m);
		pcs->main = empty;
	}
}

void kmm_sheaf_free_slow(struct kmem_cache *s, void *object, unsigned long addr)
{
	struct slub_percpu_sheaves *pcs;
	struct slab_sheaf *m, *to_flush = NULL;
	void *objects[MAX_SHEAF_CAPACITY];
	unsigned int cpu, n = 0;
	unsigned long flags;
	bool pushed, too_many = false;

	cpu = sheaf_cpu(s);
	pcs = pcs_lock(s, cpu, &flags);
	m = pcs->main;
	if (m->size == m->capacity && m->objects[m->size - 1] != object) {
		if (!pcs->spare) {
			struct slab_sheaf *empty = barn_get_empty_sheaf(get_barn(s, cpu));

			if (empty) {
				pcs->spare = m;
				pcs->main = empty;
			}
		} else if (!main_gets_room(s, pcs, cpu, &too_many) && too_many) {
			to_flush = pcs->spare;
			pcs->spare = NULL;
		}
		m = pcs->main;
		if (!to_flush && m->size == m->capacity) {
			/* No empty sheaf anywhere: flush main (sheaf_flush_main()). */
			n = m->size;
			memcpy(objects, m->objects, n * sizeof(void *));
			m->size = 0;
		}
	}
	pushed = to_flush || sheaf_push(m, object);
	pcs_unlock(pcs, flags);
	if (unlikely(!pushed))
		kmm_slab_double_free(s, virt_to_slab(object), object);
	kmm_slab_free_to_slabs(n, objects, addr);
	if (!to_flush)
		return;

	/* The barn is full of full sheaves: the spare's objects go to the slabs. */
	kmm_slab_free_to_slabs(to_flush->size, to_flush->objects, addr);
	to_flush->size = 0;
	cpu = sheaf_cpu(s);
	pcs = pcs_lock(s, cpu, &flags);
	install_empty(pcs, get_barn(s, cpu), to_flush);
	pushed = sheaf_push(pcs->main, object);
	pcs_unlock(pcs, flags);
	if (unlikely(!pushed))
		kmm_slab_double_free(s, virt_to_slab(object), object);
}

/*
 * An allocation on node from this CPU's sheaves (6.18's alloc_from_pcs()
 * with a node requested): only for the CPU's own node, and only when the
 * object on top of main (else of the spare) is of that node; NULL
 * otherwise, and the caller takes the CPU slab paths.
 */
void *kmm_sheaf_alloc_node(struct kmem_cache *s, int node)
{
	struct slub_percpu_sheaves *pcs;
	struct slab_sheaf *m;
	void *object = NULL;
	unsigned int cpu;
	unsigned long flags;

	cpu = sheaf_cpu(s);
	if (node != kmm_cpu_to_node_map[cpu])
		return NULL;
	pcs = pcs_lock(s, cpu, &flags);
	m = sheaf_to_pop(pcs);
	if (m->size && slab_nid(virt_to_slab(m->objects[m->size - 1])) == node)
		object = m->objects[--m->size];
	pcs_unlock(pcs, flags);
	return object;
}

/*
 * kmem_cache_alloc_bulk()'s objects from this CPU's sheaves (6.18's
 * alloc_from_pcs_bulk()): the last objects of main, then of the spare,
 * then of a full sheaf the barn gives for the empty main; no refill from
 * the slabs (the caller takes the rest from the CPU slab).
 */
unsigned int kmm_sheaf_alloc_bulk(struct kmem_cache *s, unsigned int size, void **p)
{
	struct slub_percpu_sheaves *pcs;
	struct slab_sheaf *m;
	unsigned int cpu, got = 0;
	unsigned long flags;

	cpu = sheaf_cpu(s);
	pcs = pcs_lock(s, cpu, &flags);
	while (got < size && (pcs->main->size || main_gets_objects(s, pcs, cpu))) {
		m = pcs->main;
		while (got < size && m->size)
			p[got++] = m->objects[--m->size];
	}
	pcs_unlock(pcs, flags);
	return got;
}

/*
 * kmem_cache_free_bulk()'s objects onto this CPU's sheaves (6.18's
 * free_to_pcs_bulk()), p[0] first, while there is room: main, the spare,
 * an empty sheaf of the barn for the full main.  An object equal to the
 * one pushed last is a double free: reported and not pushed.  Returns how
 * many of p were taken; the caller frees the rest to their slabs.
 */
unsigned int kmm_sheaf_free_bulk(struct kmem_cache *s, unsigned int size, void **p)
{
	struct slub_percpu_sheaves *pcs;
	struct slab_sheaf *m;
	unsigned int cpu, done = 0;
	unsigned long flags;
	bool too_many, room = true;
	void *dbl;

	while (done < size && room) {
		dbl = NULL;
		cpu = sheaf_cpu(s);
		pcs = pcs_lock(s, cpu, &flags);
		while (done < size && !dbl) {
			m = pcs->main;
			if (m->size == m->capacity) {
				room = main_gets_room(s, pcs, cpu, &too_many);
				if (!room)
					break;
				continue;
			}
			if (!sheaf_push(m, p[done]))
				dbl = p[done];
			done++;
		}
		pcs_unlock(pcs, flags);
		if (dbl)	/* reported with the lock dropped, as the slow path does */
			kmm_slab_double_free(s, virt_to_slab(dbl), dbl);
	}
	return done;
}

void kmm_flush_all_sheaves(struct kmem_cache *s)
{
	void *objects[2 * MAX_SHEAF_CAPACITY];
	unsigned int cpu, n;
	unsigned long flags;
	int node;

	if (!s->cpu_sheaves)
		return;
	for (cpu = 0; cpu < s->nr_cpu_ids; cpu++) {
		struct slub_percpu_sheaves *pcs = pcs_lock(s, cpu, &flags);

		n = pcs->main->size;
		memcpy(objects, pcs->main->objects, n * sizeof(void *));
		pcs->main->size = 0;
		if (pcs->spare) {
			memcpy(objects + n, pcs->spare->objects, pcs->spare->size * sizeof(void *));
			n += pcs->spare->size;
			pcs->spare->size = 0;
		}
		pcs_unlock(pcs, flags);
		kmm_slab_free_to_slabs(n, objects, _RET_IP_);
	}
	for_each_online_node(node)
		barn_shrink(s, &s->barn[node]);
}
