// SPDX-License-Identifier: MIT
/*
 * The allocator-independent half of the slab allocator (Linux 6.12
 * mm/slab_common.c semantics): cache creation and merging, destruction,
 * the kmalloc caches and the kmalloc family, the slabinfo view and
 * kmm_slab_init/exit (the boot parameters are in slab_param.c).
 *
 * Locking: kmm_slab_mutex (the kernel's slab_mutex) guards the cache list
 * and refcounts; allocation and freeing never take it.
 */
#include "mm/slab.h"
#include "mm/slub_rseq.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

int kmm_boot_default(void);

LIST_HEAD(kmm_slab_caches);
pthread_mutex_t kmm_slab_mutex = PTHREAD_MUTEX_INITIALIZER;
struct kmem_cache *kmm_kmem_cache;
struct kmem_cache *kmm_kmem_cache_node;
enum slab_state kmm_slab_state;
/* ---- creation and merging ---------------------------------------------------- */

#define SLAB_NEVER_MERGE (SLAB_DEBUG_FLAGS | \
			  SLAB_TYPESAFE_BY_RCU | SLAB_NOLEAKTRACE | SLAB_FAILSLAB | SLAB_NO_MERGE)
#define SLAB_MERGE_SAME (SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_ACCOUNT)
#define CACHE_CREATE_MASK (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
			   SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | \
			   SLAB_STORE_USER | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | SLAB_TRACE | \
			   SLAB_NOLEAKTRACE | SLAB_NO_MERGE | SLAB_FAILSLAB | SLAB_ACCOUNT | \
			   SLAB_NO_USER_FLAGS | SLAB_RECLAIM_ACCOUNT | SLAB_KMALLOC)

unsigned int kmm_calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = SMP_CACHE_BYTES;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, (unsigned int)__alignof__(unsigned long long));
	return ALIGN(align, (unsigned int)sizeof(void *));
}

static bool slab_unmergeable(struct kmem_cache *s)
{
	if (s->usersize)
		return true;
	return kmm_slab_nomerge || (s->flags & SLAB_NEVER_MERGE) || s->ctor || s->refcount < 0;
}

static struct kmem_cache *find_mergeable(unsigned int size, unsigned int align,
					 slab_flags_t flags, void (*ctor)(void *))
{
	struct list_head *pos;

	if (kmm_slab_nomerge || ctor || (flags & SLAB_NEVER_MERGE))
		return NULL;
	size = ALIGN(size, (unsigned int)sizeof(void *));
	align = kmm_calculate_alignment(flags, align, size);
	size = ALIGN(size, align);
	/* Oldest first, as list_for_each_entry_reverse. */
	for (pos = kmm_slab_caches.prev; pos != &kmm_slab_caches; pos = pos->prev) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		if (slab_unmergeable(s))
			continue;
		if (size > s->size)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)
			continue;
		if (s->size - size >= sizeof(void *))
			continue;
		return s;
	}
	return NULL;
}

static void slab_panic(const char *what, const char *name, int err)
{
	pr_emerg("Kernel panic - not syncing: %s: Failed to create slab '%s'. Error %d\n", what,
		 name, err);
	kmm_dump_stack();
	abort();
}

/*
 * __kmem_cache_create_args() (Linux 6.12): every way of creating a cache
 * ends here.  args: alignment, constructor, the usercopy region (kmm
 * records it; a cache with one is never merged) and, for
 * SLAB_TYPESAFE_BY_RCU caches, where in the object the free pointer may
 * live (freeptr_offset).
 */
KMM_API struct kmem_cache *kmm___kmem_cache_create_args(const char *name, unsigned int size,
							struct kmem_cache_args *kargs,
							slab_flags_t flags)
{
	struct kmem_cache_args args = kargs ? *kargs : (struct kmem_cache_args){ 0 };
	unsigned int align = args.align;
	void (*ctor)(void *) = args.ctor;
	struct kmem_cache *s = NULL;
	char *cache_name = NULL;
	int err = 0;

	if (!kmm_booted() && kmm_boot_default())
		return NULL;
	kmm_slab_bootstrap();
	pthread_mutex_lock(&kmm_slab_mutex);
	/* kmem_cache_sanity_check() */
	if (!name || !size || size > KMALLOC_MAX_SIZE) {
		pr_err("kmem_cache_create(%s) integrity check failed\n", name ? name : "(null)");
		err = -EINVAL;
		goto out_unlock;
	}
	if (WARN_ON(align & (align - 1))) {	/* not a power of two */
		err = -EINVAL;
		goto out_unlock;
	}
	/* A free pointer inside the object: only where RCU readers may look at it. */
	if (args.use_freeptr_offset &&
	    (args.freeptr_offset >= size || !(flags & SLAB_TYPESAFE_BY_RCU) ||
	     args.freeptr_offset % sizeof(void *))) {
		err = -EINVAL;
		goto out_unlock;
	}
	if (WARN_ON(!args.usersize && args.useroffset) ||
	    WARN_ON(size < args.usersize || size - args.usersize < args.useroffset))
		args.usersize = args.useroffset = 0;
	flags &= CACHE_CREATE_MASK & ~SLAB_KMALLOC;
	flags = kmm_kmem_cache_flags(flags, name);	/* slub_debug= forbids merging */
	if (!args.usersize)
		s = find_mergeable(size, align, flags, ctor);
	if (s) {
		/* __kmem_cache_alias() */
		s->refcount++;
		s->object_size = max(s->object_size, size);
		s->inuse = max(s->inuse, ALIGN(size, (unsigned int)sizeof(void *)));
		goto out_unlock;
	}
	cache_name = kmm_kstrdup(name, GFP_KERNEL);
	if (!cache_name) {
		err = -ENOMEM;
		goto out_unlock;
	}
	s = kmm_slab_alloc(kmm_kmem_cache, GFP_KERNEL | __GFP_ZERO, 0);
	if (!s) {
		err = -ENOMEM;
		goto out_unlock;
	}
	s->useroffset = args.useroffset;
	s->usersize = args.usersize;
	s->use_freeptr_offset = args.use_freeptr_offset;
	s->freeptr_offset = args.freeptr_offset;
	err = kmm___kmem_cache_create(s, cache_name, size,
				      kmm_calculate_alignment(flags, align, size), flags, ctor);
	if (err) {
		kmm___kmem_cache_release(s);
		kmm_kmem_cache_free(kmm_kmem_cache, s);
		s = NULL;
		goto out_unlock;
	}
	s->refcount = 1;
	list_add(&s->list, &kmm_slab_caches);
out_unlock:
	pthread_mutex_unlock(&kmm_slab_mutex);
	if (err) {
		kmm_kfree(cache_name);
		if (flags & SLAB_PANIC)
			slab_panic("kmem_cache_create", name ? name : "(null)", err);
		pr_warn("%s(%s) failed with error %d\n", "kmem_cache_create", name ? name : "(null)",
			err);
		kmm_dump_stack();
		return NULL;
	}
	return s;
}

/* kmem_cache_create(name, size, NULL, flags): the default arguments. */
KMM_API struct kmem_cache *kmm___kmem_cache_default_args(const char *name, unsigned int size,
							 struct kmem_cache_args *args,
							 slab_flags_t flags)
{
	if (WARN_ON_ONCE(args))		/* only NULL comes here */
		return NULL;
	return kmm___kmem_cache_create_args(name, size, NULL, flags);
}

/* The five-argument kmem_cache_create() of every kernel before 6.12. */
KMM_API struct kmem_cache *kmm_kmem_cache_create(const char *name, unsigned int size,
						 unsigned int align, slab_flags_t flags,
						 void (*ctor)(void *))
{
	struct kmem_cache_args args = { .align = align, .ctor = ctor };

	return kmm___kmem_cache_create_args(name, size, &args, flags);
}

KMM_API struct kmem_cache *kmm_kmem_cache_create_usercopy(const char *name, unsigned int size,
							  unsigned int align, slab_flags_t flags,
							  unsigned int useroffset,
							  unsigned int usersize,
							  void (*ctor)(void *))
{
	struct kmem_cache_args args = {
		.align = align, .ctor = ctor, .useroffset = useroffset, .usersize = usersize,
	};

	return kmm___kmem_cache_create_args(name, size, &args, flags);
}

KMM_API void kmm_kmem_cache_destroy(struct kmem_cache *s)
{
	char caller[KSYM_SYMBOL_LEN];
	int err;

	if (unlikely(!s))
		return;
	kmm_sprint_symbol(caller, (unsigned long)__builtin_return_address(0));
	pthread_mutex_lock(&kmm_slab_mutex);
	s->refcount--;
	if (s->refcount) {
		pthread_mutex_unlock(&kmm_slab_mutex);
		return;
	}
	err = kmm___kmem_cache_shutdown(s);
	WARN(err, "%s %s: Slab cache still has objects when called from %s\n",
	     "kmem_cache_destroy", s->name, caller);
	if (!err)
		list_del(&s->list);
	pthread_mutex_unlock(&kmm_slab_mutex);
	if (err)
		return;		/* left in place, as the kernel does */
	kmm___kmem_cache_release(s);
	kmm_kfree(s->name);
	kmm_kmem_cache_free(kmm_kmem_cache, s);
}

KMM_API int kmm_kmem_cache_shrink(struct kmem_cache *s)
{
	return kmm___kmem_cache_shrink(s);
}

KMM_API unsigned int kmm_kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

KMM_API const char *kmm_kmem_cache_name(struct kmem_cache *s)
{
	return s->name;
}

/* ---- allocation entry points ------------------------------------------------ */

KMM_API void *kmm_kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node)
{
	if (WARN_ON_ONCE(!s))	/* the kernel oopses; kmm warns */
		return NULL;
	return kmm_slab_alloc_node(s, flags, node, (unsigned long)__builtin_return_address(0),
				   s->object_size);
}

KMM_API void *kmm_kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	void *object = fastpath_alloc(s);

	if (likely(object)) {
		if (unlikely(flags & __GFP_ZERO))	/* as slab_alloc() zeroes */
			return memset(object, 0, s->object_size);
		return object;
	}
	return kmm_slab_alloc(s, flags, (unsigned long)__builtin_return_address(0));
}

/* An object pointer kmm never handed out from a slab (virt_to_cache()). */
static noinline void not_a_slab_object(const void *x)
{
	WARN_ONCE(1, "%s: Object is not a Slab page!\n", "virt_to_cache");
}

/* cache_from_obj() with CONFIG_SLAB_FREELIST_HARDENED: the wrong cache. */
static noinline void wrong_cache(struct kmem_cache *s, struct kmem_cache *cachep, void *x)
{
	WARN(1, "%s: Wrong slab cache. %s but object is from %s\n", "cache_from_obj", s->name,
	     cachep->name);
	kmm_slab_print_tracking(cachep, x);
}

static noinline void invalid_object_pointer(struct kmem_cache *s, struct page *slab, void *x)
{
	kmm_slab_err(s, slab, "Invalid object pointer 0x%016lx", (unsigned long)x);
}

/* Is x an object start of its slab?  Reports and returns false if not. */
static __always_inline bool object_pointer_ok(struct kmem_cache *s, struct page *slab, void *x)
{
	if (likely(kmm_slab_valid_pointer(s, slab, x)))
		return true;
	invalid_object_pointer(s, slab, x);
	return false;
}

/*
 * The slow entries' quick ways for an object that the entry points' slab
 * lookup found at offset in slab, a slab of s: without restartable
 * sequences the sheaves' trylock, and for a debug cache the debug free
 * directly.  false: nothing was done, take the general checks (and their
 * reports, kmm_slab_free_target()).
 */
static __always_inline bool free_found_object(struct kmem_cache *s, struct page *slab,
					      unsigned long offset, void *x, unsigned long caller)
{
	if (s->fastpath == FASTPATH_TRYLOCK)
		return likely(slab_offset_ok(s, slab, offset)) && likely(!kmm_sheaf_free_trylock(s, x));
	if (unlikely(kmem_cache_debug(s)) && likely(slab_debug_offset_ok(s, slab, offset))) {
		kmm_debug_slab_free(s, slab, x, caller);
		return true;
	}
	return false;
}

static noinline void kmem_cache_free_slow(struct kmem_cache *s, void *x, unsigned long caller)
{
	unsigned long offset;
	struct page *slab;

	if (likely(slab_lookup(x, &slab, &offset)) && likely(slab->slab_cache == s) &&
	    free_found_object(s, slab, offset, x, caller))
		return;
	s = kmm_slab_free_target(s, x, &slab);
	if (s)
		kmm_slab_free(s, slab, x, caller);
}

/* The fast path frees onto the sheaves or the CPU slab; anything else is the slow path's. */
KMM_API void kmm_kmem_cache_free(struct kmem_cache *s, void *x)
{
	unsigned long offset;
	struct page *slab;

	/* Without fast paths (debugging, debug_pagealloc), not even the lookup. */
	if (likely(s->fastpath == FASTPATH_SHEAVES)) {
		if (likely(slab_lookup(x, &slab, &offset)) && likely(slab->slab_cache == s) &&
		    likely(slab_offset_ok(s, slab, offset)) && likely(!rseq_sheaf_free(s, x)))
			return;
	} else if (READ_ONCE(s->fastpath) == FASTPATH_SLAB) {	/* see fastpath_alloc() */
		if (likely(slab_lookup(x, &slab, &offset)) && likely(slab->slab_cache == s) &&
		    likely(!rseq_slab_free(s, slab, x, x)))
			return;
	}
	kmem_cache_free_slow(s, x, (unsigned long)__builtin_return_address(0));
}

/* ---- kmalloc ---------------------------------------------------------------- */

enum kmalloc_cache_type { KMALLOC_NORMAL, KMALLOC_RECLAIM, NR_KMALLOC_TYPES };

static struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];
/*
 * kmalloc's fast path: the normal cache of each size, by (size - 1) / 8
 * (kmalloc_slab() without a branch on the size).  Until the caches exist,
 * a cache without fast paths, which sends kmalloc to its slow path.
 */
static struct kmem_cache kmalloc_not_yet;
static struct kmem_cache *kmalloc_by_size[KMALLOC_MAX_CACHE_SIZE / 8] = {
	[0 ... KMALLOC_MAX_CACHE_SIZE / 8 - 1] = &kmalloc_not_yet
};

/* The index of the cache for sizes up to 192, by (size - 1) / 8. */
static const u8 kmalloc_size_index[24] = {
	3,	/* 8 */
	4,	/* 16 */
	5,	/* 24 */
	5,	/* 32 */
	6,	/* 40 */
	6,	/* 48 */
	6,	/* 56 */
	6,	/* 64 */
	1,	/* 72 */
	1,	/* 80 */
	1,	/* 88 */
	1,	/* 96 */
	7,	/* 104 */
	7,	/* 112 */
	7,	/* 120 */
	7,	/* 128 */
	2,	/* 136 */
	2,	/* 144 */
	2,	/* 152 */
	2,	/* 160 */
	2,	/* 168 */
	2,	/* 176 */
	2,	/* 184 */
	2,	/* 192 */
};

static const struct {
	const char *name[NR_KMALLOC_TYPES];
	unsigned int size;
} kmalloc_info[KMALLOC_SHIFT_HIGH + 1] = {
#define INFO(sz, nm) { { "kmalloc-" #nm, "kmalloc-rcl-" #nm }, sz }
	{ { NULL, NULL }, 0 },
	INFO(96, 96),
	INFO(192, 192),
	INFO(8, 8),
	INFO(16, 16),
	INFO(32, 32),
	INFO(64, 64),
	INFO(128, 128),
	INFO(256, 256),
	INFO(512, 512),
	INFO(1024, 1k),
	INFO(2048, 2k),
	INFO(4096, 4k),
	INFO(8192, 8k),
#undef INFO
};

static inline int fls_long(unsigned long x)
{
	return x ? 64 - __builtin_clzl(x) : 0;
}

/* The kmalloc class of size (1..KMALLOC_MAX_CACHE_SIZE): kmalloc_info's index. */
static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_size_index[(size - 1) / 8];
	return (unsigned int)fls_long(size - 1);
}

static __always_inline struct kmem_cache *kmalloc_slab(size_t size, gfp_t flags)
{
	return __atomic_load_n(&kmalloc_caches[(flags & __GFP_RECLAIMABLE) ? KMALLOC_RECLAIM :
					       KMALLOC_NORMAL][kmalloc_index(size)], __ATOMIC_ACQUIRE);
}

static inline unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

/* Marks the first tail page of a kmalloc_large() allocation. */
#define KMALLOC_LARGE_DTOR	0x4b

static noinline void *kmalloc_large(size_t size, gfp_t flags, int node)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (node == NUMA_NO_NODE)
		page = kmm_alloc_pages(flags | __GFP_COMP, order);
	else
		page = kmm_alloc_pages_node(node, flags | __GFP_COMP, order);
	if (!page)
		return NULL;
	page[1].compound_dtor = KMALLOC_LARGE_DTOR;
	kmm_mod_node_page_state(page_pgdat(page), NR_SLAB_UNRECLAIMABLE_B,
				(long)(PAGE_SIZE << order));
	return page_address(page);
}

static bool is_kmalloc_large(const struct page *page)
{
	return PageHead(page) && page[1].compound_dtor == KMALLOC_LARGE_DTOR &&
	       page_ref_count(page) > 0;
}

static void free_large_kmalloc(struct page *page, const void *object)
{
	unsigned int order = compound_order(page);

	page[1].compound_dtor = 0;
	kmm_mod_node_page_state(page_pgdat(page), NR_SLAB_UNRECLAIMABLE_B,
				-(long)(PAGE_SIZE << order));
	kmm___free_pages(page, order);
}

static __always_inline void *__kmalloc_node(size_t size, gfp_t flags, int node,
					    unsigned long caller)
{
	struct kmem_cache *s;

	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE)) {
		if (!kmm_booted() && kmm_boot_default())
			return NULL;
		if (node != NUMA_NO_NODE && (node < 0 || node >= (int)kmm_nr_online_nodes))
			node = NUMA_NO_NODE;
		return kmalloc_large(size, flags, node);
	}
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	s = kmalloc_slab(size, flags);
	if (unlikely(!s)) {
		/* The first slab user: boot, and bring up the slab allocator. */
		if (!kmm_booted() && kmm_boot_default())
			return NULL;
		kmm_slab_bootstrap();
		s = kmalloc_slab(size, flags);
		if (!s)
			return NULL;
	}
	if (node != NUMA_NO_NODE)
		return kmm_slab_alloc_node(s, flags, node, caller, size);
	return kmm_slab_alloc_size(s, flags, caller, size);
}

static __always_inline void *__kmalloc(size_t size, gfp_t flags, unsigned long caller)
{
	return __kmalloc_node(size, flags, NUMA_NO_NODE, caller);
}

KMM_API void *kmm_kmalloc_node(size_t size, gfp_t flags, int node)
{
	return __kmalloc_node(size, flags, node, (unsigned long)__builtin_return_address(0));
}

KMM_API void *kmm_kmalloc_array_node(size_t n, size_t size, gfp_t flags, int node)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __kmalloc_node(bytes, flags, node, (unsigned long)__builtin_return_address(0));
}

static noinline void *kmalloc_slow(size_t size, gfp_t flags, unsigned long caller)
{
	/* Without restartable sequences: the sheaves' trylock first. */
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE) && likely(!(flags & __GFP_RECLAIMABLE))) {
		struct kmem_cache *s = __atomic_load_n(&kmalloc_by_size[(size - 1) / 8],
						       __ATOMIC_ACQUIRE);

		if (s->fastpath == FASTPATH_TRYLOCK) {
			void *object = kmm_sheaf_alloc_trylock(s);

			if (likely(object))
				return unlikely(flags & __GFP_ZERO) ?
				       memset(object, 0, s->object_size) : object;
		}
	}
	return __kmalloc(size, flags, caller);
}

/* The fast path: a kmalloc cache's sheaf or CPU freelist; anything else is the slow path's. */
KMM_API void *kmm_kmalloc(size_t size, gfp_t flags)
{
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE) && likely(!(flags & __GFP_RECLAIMABLE))) {
		struct kmem_cache *s = __atomic_load_n(&kmalloc_by_size[(size - 1) / 8],
						       __ATOMIC_ACQUIRE);
		void *object = fastpath_alloc(s);

		if (likely(object)) {
			if (unlikely(flags & __GFP_ZERO))	/* kzalloc: the whole object */
				return memset(object, 0, s->object_size);
			return object;
		}
	}
	return kmalloc_slow(size, flags, (unsigned long)__builtin_return_address(0));
}

/* What kmalloc(size) really gives: its size class, or whole pages above them. */
KMM_API size_t kmm_kmalloc_size_roundup(size_t size)
{
	/* The class's size, also before the kmalloc caches exist. */
	if (size && size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_info[kmalloc_index(size)].size;
	/* Above the classes, kmalloc_large() takes whole pages. */
	if (size && size <= KMALLOC_MAX_SIZE)
		return PAGE_SIZE << get_order(size);
	/* 0 (ZERO_SIZE_PTR) and sizes kmalloc() cannot give: as they are. */
	return size;
}

KMM_API void *kmm_krealloc_array(void *p, size_t new_n, size_t new_size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(new_n, new_size, &bytes)))
		return NULL;
	return kmm_krealloc(p, bytes, flags);
}

KMM_API void *kmm_kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __kmalloc(bytes, flags, (unsigned long)__builtin_return_address(0));
}

/*
 * The checks of a free, kfree()'s (s NULL) or kmem_cache_free()'s: the
 * cache x goes back to, with its slab in *slabp; NULL when nothing goes
 * back to a slab: x is NULL (or ZERO_SIZE_PTR, for kfree), a
 * kmalloc_large() allocation (freed here), or bad (reported).
 */
struct kmem_cache *kmm_slab_free_target(struct kmem_cache *s, void *x, struct page **slabp)
{
	struct page *slab;

	if (s) {
		if (unlikely(!x))
			return NULL;
		slab = virt_to_slab(x);
		if (unlikely(!slab)) {
			not_a_slab_object(x);
			return NULL;
		}
		if (unlikely(slab->slab_cache != s)) {
			wrong_cache(s, slab->slab_cache, x);
			s = slab->slab_cache;	/* freed into the cache it came from */
		}
	} else {
		if (unlikely(ZERO_OR_NULL_PTR(x)))
			return NULL;
		if (unlikely(!kmm_mem_map || !virt_addr_valid(x))) {
			WARN(1, "kfree: object pointer 0x%016lx is not in kmm's memory\n", (unsigned long)x);
			return NULL;
		}
		slab = compound_head(virt_to_page(x));
		if (unlikely(!PageSlab(slab))) {
			if (likely(is_kmalloc_large(slab) && x == page_address(slab))) {
				free_large_kmalloc(slab, x);
				return NULL;
			}
			/* free_large_kmalloc()'s order-0 warning; kmm does not free it. */
			WARN(1, "kfree: object pointer: 0x%016lx is neither a slab object nor a kmalloc_large() allocation\n",
			     (unsigned long)x);
			return NULL;
		}
		s = slab->slab_cache;
	}
	if (!object_pointer_ok(s, slab, x))
		return NULL;
	*slabp = slab;
	return s;
}

static noinline void kfree_slow(const void *object, unsigned long caller)
{
	unsigned long offset;
	struct kmem_cache *s;
	struct page *slab;

	if (likely(slab_lookup(object, &slab, &offset)) &&
	    free_found_object(slab->slab_cache, slab, offset, (void *)object, caller))
		return;
	s = kmm_slab_free_target(NULL, (void *)object, &slab);
	if (s)
		kmm_slab_free(s, slab, (void *)object, caller);
}

KMM_API void kmm_kfree(const void *object)
{
	void *x = (void *)object;
	unsigned long offset;
	struct page *slab;

#ifndef KMM_NO_RSEQ	/* else no cache has fast paths of the entry points */
	if (likely(slab_lookup(x, &slab, &offset)) &&
	    likely(fastpath_free(slab->slab_cache, slab, offset, x)))
		return;
#else
	(void)x;
	(void)slab;
	(void)offset;
#endif
	kfree_slow(object, (unsigned long)__builtin_return_address(0));
}

/* __ksize(): how much of the allocation may be used. */
static size_t __ksize(const void *object)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(object)))
		return 0;
	if (unlikely(!kmm_mem_map || !virt_addr_valid(object))) {
		WARN(1, "ksize: object pointer 0x%016lx is not in kmm's memory\n", (unsigned long)object);
		return 0;
	}
	page = compound_head(virt_to_page(object));
	if (unlikely(!PageSlab(page))) {
		if (WARN_ON(!is_kmalloc_large(page)))
			return 0;
		if (WARN_ON(object != page_address(page)))
			return 0;
		return PAGE_SIZE << compound_order(page);
	}
	/* The caller may now use all of it: no kmalloc red zone any more. */
	kmm_slab_set_orig_size(page->slab_cache, (void *)object, page->slab_cache->object_size);
	if (page->slab_cache->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return page->slab_cache->object_size;
	if (page->slab_cache->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return page->slab_cache->inuse;
	return page->slab_cache->size;
}

KMM_API size_t kmm_ksize(const void *objp)
{
	return __ksize(objp);
}

KMM_API void *kmm_krealloc(const void *p, size_t new_size, gfp_t flags)
{
	size_t ks = 0;
	void *ret;

	if (unlikely(!new_size)) {
		kmm_kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (likely(!ZERO_OR_NULL_PTR(p)))
		ks = __ksize(p);
	if (ks >= new_size)
		return (void *)p;
	ret = __kmalloc(new_size, flags, (unsigned long)__builtin_return_address(0));
	if (ret && ks)
		memcpy(ret, p, ks);
	if (ret && p)
		kmm_kfree(p);
	return ret;
}

KMM_API void kmm_kfree_sensitive(const void *p)
{
	size_t ks = __ksize(p);

	if (ks) {
		memset((void *)p, 0, ks);
		__asm__ __volatile__("" : : "r"(p) : "memory");	/* memzero_explicit */
	}
	kmm_kfree(p);
}

KMM_API char *kmm_kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	buf = __kmalloc(len, gfp, (unsigned long)__builtin_return_address(0));
	if (buf)
		memcpy(buf, s, len);
	return buf;
}

KMM_API char *kmm_kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	buf = __kmalloc(len + 1, gfp, (unsigned long)__builtin_return_address(0));
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

KMM_API void *kmm_kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = __kmalloc(len, gfp, (unsigned long)__builtin_return_address(0));

	if (p && !ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

/* create_kmalloc_caches() */
static void create_kmalloc_caches(void)
{
	int type, i;

	for (type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		for (i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH; i++) {
			/* 96 after 64, 192 after 128, as the kernel orders them */
			int idx[3] = { i, i == 6 ? 1 : -1, i == 7 ? 2 : -1 };

			for (int k = 0; k < 3; k++) {
				unsigned int size, align;
				slab_flags_t flags = SLAB_KMALLOC;
				struct kmem_cache *s;

				if (idx[k] < 0)
					continue;
				size = kmalloc_info[idx[k]].size;
				if (type == KMALLOC_RECLAIM)
					flags |= SLAB_RECLAIM_ACCOUNT;
				align = kmm_calculate_alignment(flags, 8, size);
				if (!(size & (size - 1)))
					align = max(align, size);
				s = kmm_slab_alloc(kmm_kmem_cache, GFP_NOWAIT | __GFP_ZERO, 0);
				if (!s || kmm___kmem_cache_create(s, kmalloc_info[idx[k]].name[type],
								  size, align, flags, NULL)) {
					pr_emerg("Kernel panic - not syncing: Creation of kmalloc slab %s size=%u failed.\n",
						 kmalloc_info[idx[k]].name[type], size);
					abort();
				}
				list_add(&s->list, &kmm_slab_caches);
				s->refcount = 1;
				__atomic_store_n(&kmalloc_caches[type][idx[k]], s, __ATOMIC_RELEASE);
			}
		}
	}
	for (i = 0; i < (int)ARRAY_SIZE(kmalloc_by_size); i++)
		__atomic_store_n(&kmalloc_by_size[i], kmalloc_slab((size_t)i * 8 + 1, 0),
				 __ATOMIC_RELEASE);
}

/*
 * Boot: kmm_init() calls kmm_slab_init(), which only resets the state;
 * the bootstrap itself (kmem_cache_init() and create_kmalloc_caches(), as
 * in the kernel) runs at the first use of the slab allocator, so that a
 * program that only uses the page allocator has all of its memory.
 */
struct slab_lookup kmm_slab_lookup;

void kmm_slab_lookup_set(bool up)
{
	WRITE_ONCE(kmm_slab_lookup.bytes, 0UL);
	WRITE_ONCE(kmm_slab_lookup.base, up ? (unsigned long)kmm_mem_base : 0UL);
	WRITE_ONCE(kmm_slab_lookup.map, up ? (unsigned long)kmm_mem_map : 0UL);
	if (up)
		__atomic_store_n(&kmm_slab_lookup.bytes, kmm_max_pfn << PAGE_SHIFT, __ATOMIC_RELEASE);
}

int kmm_slab_init(void)
{
	__atomic_store_n(&kmm_slab_state, DOWN, __ATOMIC_RELAXED);
	return 0;
}

void kmm_slab_bootstrap(void)
{
	if (likely(__atomic_load_n(&kmm_slab_state, __ATOMIC_ACQUIRE) == FULL))
		return;
	pthread_mutex_lock(&kmm_slab_mutex);
	if (kmm_slab_state != FULL) {
		kmm_slab_lookup_set(true);
		kmm_kmem_cache_init();
		create_kmalloc_caches();
		__atomic_store_n(&kmm_slab_state, FULL, __ATOMIC_RELEASE);
		pr_info("SLUB: HWalign=%d, Order=%u-%u, MinObjects=%u, CPUs=%u, Nodes=%d\n",
			SMP_CACHE_BYTES, kmm_slub_min_order, kmm_slub_max_order,
			kmm_slub_min_objects, kmm_nr_cpu_ids, kmm_nr_online_nodes);
		pr_info("kmm: SLUB per-CPU fast paths use %s\n",
			kmm_percpu_rseq ? "restartable sequences" : "cmpxchg16b");
	}
	pthread_mutex_unlock(&kmm_slab_mutex);
}

/* The counts of the slabinfo view (get_slabinfo()). */
void kmm_get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	unsigned long flags;
	unsigned long nr_slabs = 0, nr_objs = 0, nr_free = 0;
	int node;

	for_each_online_node(node) {
		struct kmem_cache_node *n = get_node(s, node);
		struct page *slab;

		nr_slabs += (unsigned long)atomic_long_read(&n->nr_slabs);
		nr_objs += (unsigned long)atomic_long_read(&n->total_objects);
		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry(slab, &n->partial, slab_list) {
			union slab_counters c = slab_counters(slab);

			nr_free += c.objects - c.inuse;
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	sinfo->active_objs = nr_objs - nr_free;
	sinfo->num_objs = nr_objs;
	sinfo->active_slabs = nr_slabs;
	sinfo->num_slabs = nr_slabs;
	sinfo->objects_per_slab = oo_objects(s->oo);
	sinfo->cache_order = oo_order(s->oo);
}

/*
 * kmm_exit: every slab page goes back to the page allocator, whatever it
 * holds, so that the page allocator's leak report sees only real leaks
 * of pages.  User caches that were never destroyed are noted.
 */
void kmm_slab_exit(void)
{
	struct kmem_cache *s;
	unsigned long cpu_bytes = ALIGN(sizeof(struct kmem_cache_cpu) * kmm_nr_cpu_ids, PAGE_SIZE);
	struct { void *addr; size_t bytes; } arrays[1024];
	int nr_arrays = 0, i;

	if (kmm_slab_state != FULL || !kmm_kmem_cache)
		return;
	pthread_mutex_lock(&kmm_slab_mutex);
	/* Release the kmem_cache and kmem_cache_node slabs last. */
	kmm_slab_release_caches();
	/* The caches' per-CPU areas, unmapped once no cache is used again. */
	list_for_each_entry(s, &kmm_slab_caches, list) {
		if (nr_arrays + 2 > (int)ARRAY_SIZE(arrays))
			break;
		arrays[nr_arrays].addr = s->cpu_slab;
		arrays[nr_arrays++].bytes = cpu_bytes;
		if (s->cpu_sheaves) {
			arrays[nr_arrays].addr = s->cpu_sheaves;
			arrays[nr_arrays++].bytes = kmm_sheaves_bytes(s);
		}
	}
	kmm_slab_free_remaining();
	for (i = 0; i < nr_arrays; i++)
		kmm_arch_release(arrays[i].addr, arrays[i].bytes);
	INIT_LIST_HEAD(&kmm_slab_caches);
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	for (i = 0; i < (int)ARRAY_SIZE(kmalloc_by_size); i++)
		__atomic_store_n(&kmalloc_by_size[i], &kmalloc_not_yet, __ATOMIC_RELAXED);
	kmm_slab_lookup_set(false);
	kmm_kmem_cache = kmm_kmem_cache_node = NULL;
	__atomic_store_n(&kmm_slab_state, DOWN, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&kmm_slab_mutex);
}

/* ---- /proc/slabinfo ----------------------------------------------------------- */

static void slabinfo_show(FILE *f)
{
	struct kmem_cache *s;

	fputs("slabinfo - version: 2.1\n", f);
	fputs("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	      " : tunables <limit> <batchcount> <sharedfactor>"
	      " : slabdata <active_slabs> <num_slabs> <sharedavail>\n", f);
	if (!kmm_booted())
		return;
	kmm_slab_bootstrap();
	pthread_mutex_lock(&kmm_slab_mutex);
	list_for_each_entry(s, &kmm_slab_caches, list) {
		struct slabinfo si;

		memset(&si, 0, sizeof(si));
		kmm_get_slabinfo(s, &si);
		fprintf(f, "%-17s %6lu %6lu %6u %4u %4d", s->name, si.active_objs, si.num_objs,
			s->size, si.objects_per_slab, 1 << si.cache_order);
		fprintf(f, " : tunables %4u %4u %4u", 0u, 0u, 0u);
		fprintf(f, " : slabdata %6lu %6lu %6lu\n", si.active_slabs, si.num_slabs, 0UL);
	}
	pthread_mutex_unlock(&kmm_slab_mutex);
}
KMM_PROC("slabinfo", slabinfo_show);
