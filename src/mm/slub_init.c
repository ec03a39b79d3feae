// SPDX-License-Identifier: MIT
/*
 * SLUB cache setup (Linux 6.12 mm/slub.c semantics): object layout
 * (calculate_sizes), slab orders (calculate_order), min_partial and the
 * per-CPU partial limits, per-node and per-CPU state, and the bootstrap
 * (kmem_cache_init) in which kmem_cache and kmem_cache_node become
 * objects of themselves.
 */
#define _GNU_SOURCE
#include "mm/slab.h"
#include "arch/rseq.h"
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* ---- cache setup ----------------------------------------------------------- */

static inline unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

static inline int fls_(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract_leftover)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

static int calculate_order(unsigned int size)
{
	unsigned int order, min_objects, max_objects, min_order, fraction;

	min_objects = kmm_slub_min_objects;
	if (!min_objects)
		min_objects = 4 * (unsigned int)(fls_(kmm_nr_cpu_ids) + 1);
	max_objects = max(order_objects(kmm_slub_max_order, size), 1U);
	min_objects = min(min_objects, max_objects);
	min_order = max(kmm_slub_min_order, get_order((unsigned long)min_objects * size));
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	/* Accept 1/16 waste first, then more, up to any waste. */
	for (fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, kmm_slub_max_order, fraction);
		if (order <= kmm_slub_max_order)
			return (int)order;
	}
	order = get_order(size);
	if (order <= MAX_PAGE_ORDER)
		return (int)order;
	return -1;
}

static bool calculate_sizes(struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned int size = s->object_size;
	int order;

	/* P poisons the object only when nothing lives in it while free. */
	if ((flags & SLAB_POISON) && !(flags & SLAB_TYPESAFE_BY_RCU) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;
	size = ALIGN(size, (unsigned int)sizeof(void *));
	/* Z: a right red zone of at least a word, even when the size is aligned. */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;
	s->red_left_pad = 0;
	if (((flags & SLAB_TYPESAFE_BY_RCU) && !s->use_freeptr_offset) ||
	    (flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) &&
	     (s->object_size < sizeof(void *) || slub_debug_orig_size(s)))) {
		/* The object's contents must survive: the pointer goes after it. */
		s->offset = size;
		size += sizeof(void *);
	} else if ((flags & SLAB_TYPESAFE_BY_RCU) && s->use_freeptr_offset) {
		/* Where the cache's user said RCU readers do not look. */
		s->offset = s->freeptr_offset;
	} else {
		/* Mid-object, away from small over- and underflows. */
		s->offset = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(void *));
	}
	if (flags & SLAB_STORE_USER) {
		size += 2 * (unsigned int)sizeof(struct track);
		if (flags & SLAB_KMALLOC)
			size += sizeof(unsigned int);	/* orig_size */
	}
	if (flags & SLAB_RED_ZONE) {
		/* A word of padding before the next object's left red zone. */
		size += sizeof(void *);
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	size = ALIGN(size, s->align);
	s->size = size;
	s->reciprocal_size = UINT64_MAX / size + 1;
	order = calculate_order(size);
	if (order < 0)
		return false;
	s->allocflags = __GFP_COMP;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= __GFP_DMA;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->oo = oo_make((unsigned int)order, size);
	s->min = oo_make(get_order(size), size);
	kmm_debug_cache_layout(s);
	return oo_objects(s->oo) != 0;
}

#define MIN_PARTIAL 5
#define MAX_PARTIAL 10

static void set_min_partial(struct kmem_cache *s, unsigned long min)
{
	s->min_partial = clamp(min, (unsigned long)MIN_PARTIAL, (unsigned long)MAX_PARTIAL);
}

static void set_cpu_partial(struct kmem_cache *s)
{
	unsigned int nr_objects;

	if (!kmem_cache_has_cpu_partial(s))
		nr_objects = 0;
	else if (s->size >= PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	s->cpu_partial = nr_objects;
	/* Counted in slabs, assuming half-full ones. */
	s->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, oo_objects(s->oo));
}

static void init_kmem_cache_node(struct kmem_cache_node *n)
{
	memset(n, 0, sizeof(*n));
	spin_lock_init(&n->list_lock);
	INIT_LIST_HEAD(&n->partial);
	INIT_LIST_HEAD(&n->full);
}

/* The first kmem_cache_node, from a slab of its own cache (slab_state DOWN). */
static void early_kmem_cache_node_alloc(int node)
{
	struct kmem_cache *s = kmm_kmem_cache_node;
	struct kmem_cache_node *n;
	union slab_counters c;
	struct page *slab;

	slab = kmm_new_slab(s, GFP_NOWAIT, node);
	if (!slab) {
		pr_emerg("SLUB: Unable to allocate memory from node %d\n", node);
		abort();
	}
	n = slab->freelist;
	slab->freelist = get_freepointer(s, n);
	c = slab_counters(slab);
	c.inuse = 1;
	slab->counters = c.counters;
	s->node[node] = n;
	init_kmem_cache_node(n);
	inc_slabs_node(s, node, c.objects);
	add_partial(n, slab, false);
}

static void free_kmem_cache_nodes(struct kmem_cache *s)
{
	int node;

	for_each_online_node(node) {
		if (s->node[node])
			kmm_kmem_cache_free(kmm_kmem_cache_node, s->node[node]);
		s->node[node] = NULL;
	}
}

static bool init_kmem_cache_nodes(struct kmem_cache *s)
{
	int node;

	for_each_online_node(node) {
		struct kmem_cache_node *n;

		if (kmm_slab_state == DOWN) {
			early_kmem_cache_node_alloc(node);
			continue;
		}
		n = kmm_slab_alloc(kmm_kmem_cache_node, GFP_KERNEL, 0);
		if (!n) {
			free_kmem_cache_nodes(s);
			return false;
		}
		init_kmem_cache_node(n);
		s->node[node] = n;
	}
	return true;
}

static bool alloc_kmem_cache_cpus(struct kmem_cache *s)
{
	size_t bytes = ALIGN(sizeof(struct kmem_cache_cpu) * kmm_nr_cpu_ids, PAGE_SIZE);
	int cpu;

	s->cpu_slab = kmm_arch_reserve(bytes, PAGE_SIZE);
	if (!s->cpu_slab)
		return false;
	for_each_possible_cpu(cpu) {
		struct kmem_cache_cpu *c = &s->cpu_slab[cpu];

		c->freelist_tid = pair(NULL, (unsigned long)cpu);	/* init_tid() */
		spin_lock_init(&c->lock);
	}
	return true;
}

static unsigned long get_random_long(void)
{
	unsigned long r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = (unsigned long)ts.tv_nsec * 0x9e3779b97f4a7c15UL ^ (unsigned long)&r;
	}
	return r;
}

void kmm___kmem_cache_release(struct kmem_cache *s)
{
	if (s->cpu_slab)
		kmm_arch_release(s->cpu_slab,
				 ALIGN(sizeof(struct kmem_cache_cpu) * kmm_nr_cpu_ids, PAGE_SIZE));
	s->cpu_slab = NULL;
	kmm_free_sheaves(s);
	free_kmem_cache_nodes(s);
}

/* kmem_cache_open(): sizes, orders, per-node and per-CPU state. */
int kmm___kmem_cache_create(struct kmem_cache *s, const char *name, unsigned int size,
			    unsigned int align, slab_flags_t flags, void (*ctor)(void *))
{
	s->name = name;
	s->object_size = size;
	s->align = align;
	/* slub_debug=; the boot caches describe caches and stay undebugged. */
	if (strcmp(name, "kmem_cache") && strcmp(name, "kmem_cache_node"))
		flags = kmm_kmem_cache_flags(flags, name);
	s->flags = flags;
	s->ctor = ctor;
	/* U keeps its stacks in the depot: prepare its table now, as
	 * setup_slub_debug() and __kmem_cache_create_args() do. */
	if (flags & SLAB_STORE_USER)
		stack_depot_init();
	s->random = get_random_long();
	if (!calculate_sizes(s))
		return -EINVAL;
	/* O: no metadata where it would raise the slab's minimum order. */
	if (kmm_slub_debug_disable_higher_order && get_order(s->size) > get_order(s->object_size)) {
		s->flags &= ~DEBUG_METADATA_FLAGS;
		s->offset = 0;
		if (!calculate_sizes(s))
			return -EINVAL;
	}
	set_min_partial(s, (unsigned long)(fls_(s->size) - 1) / 2);
	set_cpu_partial(s);
	if (!init_kmem_cache_nodes(s))
		return -ENOMEM;
	if (!alloc_kmem_cache_cpus(s)) {
		free_kmem_cache_nodes(s);
		return -ENOMEM;
	}
	s->nr_cpu_ids = nr_cpu_ids;
	s->fastpath = FASTPATH_NONE;
	/* The fast paths' object check assumes no left red zone (slab_offset_ok). */
	if (kmem_cache_debug(s) || debug_pagealloc_enabled() || s->red_left_pad)
		return 0;
	if (kmm_percpu_rseq)
		s->fastpath = FASTPATH_SLAB;
	/*
	 * Sheaves (slub_sheaf.c): behind the entry points' sequences with
	 * restartable sequences, else behind the general path's trylock.
	 */
	if (kmm_slub_sheaves) {
		if (!kmm_alloc_sheaves(s)) {
			kmm___kmem_cache_release(s);
			return -ENOMEM;
		}
		s->fastpath = kmm_percpu_rseq ? FASTPATH_SHEAVES : FASTPATH_TRYLOCK;
	}
	return 0;
}

/* ---- bootstrap (kmem_cache_init) --------------------------------------------- */

/* Aligned as kmem_cache's objects are: the fast paths' fields share a line. */
static struct kmem_cache boot_kmem_cache __attribute__((aligned(64)));
static struct kmem_cache boot_kmem_cache_node __attribute__((aligned(64)));

static void create_boot_cache(struct kmem_cache *s, const char *name, unsigned int size,
			      slab_flags_t flags)
{
	unsigned int align = kmm_calculate_alignment(flags, 8, size);

	if (kmm___kmem_cache_create(s, name, size, align, flags, NULL)) {
		pr_emerg("Kernel panic - not syncing: Creation of kmalloc slab %s size=%u failed.\n",
			 name, size);
		abort();
	}
	s->refcount = -1;	/* never merged */
}

/* Move a static boot cache into an object of kmem_cache. */
static struct kmem_cache *bootstrap(struct kmem_cache *static_cache)
{
	struct kmem_cache *s = kmm_slab_alloc(kmm_kmem_cache, GFP_NOWAIT | __GFP_ZERO, 0);
	struct page *p;
	int node;

	memcpy(s, static_cache, kmm_kmem_cache->object_size);
	kmm_kmem_cache_flush(s);
	for_each_online_node(node) {
		struct kmem_cache_node *n = get_node(s, node);

		list_for_each_entry(p, &n->partial, slab_list)
			p->slab_cache = s;
	}
	list_add(&s->list, &kmm_slab_caches);
	return s;
}

void kmm_kmem_cache_init(void)
{
	unsigned int step = 1;

	while (step < kmm_nr_cpu_ids)
		step <<= 1;
	kmm_tid_step = step;
	memset(&boot_kmem_cache, 0, sizeof(boot_kmem_cache));
	memset(&boot_kmem_cache_node, 0, sizeof(boot_kmem_cache_node));
	kmm_kmem_cache_node = &boot_kmem_cache_node;
	kmm_kmem_cache = &boot_kmem_cache;
	__atomic_store_n(&kmm_slab_state, DOWN, __ATOMIC_RELAXED);
	create_boot_cache(kmm_kmem_cache_node, "kmem_cache_node", sizeof(struct kmem_cache_node),
			  SLAB_HWCACHE_ALIGN);
	__atomic_store_n(&kmm_slab_state, PARTIAL, __ATOMIC_RELAXED);
	create_boot_cache(kmm_kmem_cache, "kmem_cache",
			  (unsigned int)(offsetof(struct kmem_cache, node) +
					 (size_t)kmm_nr_online_nodes * sizeof(struct kmem_cache_node *)),
			  SLAB_HWCACHE_ALIGN);
	kmm_kmem_cache = bootstrap(&boot_kmem_cache);
	kmm_kmem_cache_node = bootstrap(&boot_kmem_cache_node);
}

/*
 * kmm_exit, last step: the slabs of kmem_cache and kmem_cache_node hold
 * the very structures that describe them, so they are freed without
 * looking at a cache again (both are unreclaimable).
 */
void kmm_slab_free_remaining(void)
{
	unsigned long pfn;

	kmm_kmem_cache_flush(kmm_kmem_cache);
	kmm_kmem_cache_flush(kmm_kmem_cache_node);
	for (pfn = 0; pfn < kmm_max_pfn; pfn++) {
		struct page *slab = pfn_to_page(pfn);
		unsigned int order;

		if (!PageSlab(slab))
			continue;
		order = slab_order(slab);
		clear_page_flag(slab, PG_workingset);
		slab->slab_cache = NULL;
		slab->freelist = NULL;
		slab->counters = 0;
		slab->next = NULL;
		slab->slabs = 0;
		__ClearPageSlab(slab);
		kmm_mod_node_page_state(NODE_DATA(slab_nid(slab)), NR_SLAB_UNRECLAIMABLE_B,
					-(long)(PAGE_SIZE << order));
		kmm___free_pages(slab, order);
	}
}
