/* SPDX-License-Identifier: MIT */
/*
 * The slab allocator (SLUB, Linux 6.12 semantics): object caches with
 * constructors and the kmalloc family, under the kernel's names as macros
 * onto kmm_-prefixed functions.
 */
#ifndef KMM_SLAB_H
#define KMM_SLAB_H

#include <kmm/types.h>
#include <kmm/gfp.h>
#include <kmm/mmzone.h>

typedef unsigned int slab_flags_t;

/* Cache flags, in the bit order of 6.12's enum _slab_flag_bits. */
#define SLAB_CONSISTENCY_CHECKS	((slab_flags_t)1U << 0)	/* slub_debug F */
#define SLAB_RED_ZONE		((slab_flags_t)1U << 1)	/* slub_debug Z */
#define SLAB_POISON		((slab_flags_t)1U << 2)	/* slub_debug P */
#define SLAB_KMALLOC		((slab_flags_t)1U << 3)
#define SLAB_HWCACHE_ALIGN	((slab_flags_t)1U << 4)
#define SLAB_CACHE_DMA		((slab_flags_t)1U << 5)
#define SLAB_CACHE_DMA32	((slab_flags_t)1U << 6)
#define SLAB_STORE_USER		((slab_flags_t)1U << 7)	/* slub_debug U */
#define SLAB_PANIC		((slab_flags_t)1U << 8)
#define SLAB_TYPESAFE_BY_RCU	((slab_flags_t)1U << 9)
#define SLAB_TRACE		((slab_flags_t)1U << 10)	/* slub_debug T */
#define SLAB_NOLEAKTRACE	((slab_flags_t)1U << 11)
#define SLAB_NO_MERGE		((slab_flags_t)1U << 12)
#define SLAB_FAILSLAB		((slab_flags_t)1U << 13)	/* slub_debug A */
#define SLAB_ACCOUNT		((slab_flags_t)1U << 14)
#define SLAB_NO_USER_FLAGS	((slab_flags_t)1U << 15)
#define SLAB_RECLAIM_ACCOUNT	((slab_flags_t)1U << 16)
#define SLAB_MEM_SPREAD		((slab_flags_t)0)		/* obsolete, as in 6.12 */

/* kmalloc(0) returns this: not NULL, but any access faults (as 16 does). */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

/* The kmalloc caches: 8 bytes up to two pages (8 KiB), and 96 and 192. */
#define KMALLOC_SHIFT_LOW	3
#define KMALLOC_SHIFT_HIGH	(PAGE_SHIFT + 1)
#define KMALLOC_SHIFT_MAX	(MAX_PAGE_ORDER + PAGE_SHIFT)
#define KMALLOC_MIN_SIZE	(1U << KMALLOC_SHIFT_LOW)
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_SIZE	(1UL << KMALLOC_SHIFT_MAX)
#define KMALLOC_MAX_ORDER	(KMALLOC_SHIFT_MAX - PAGE_SHIFT)

struct kmem_cache;

/* kmem_cache_create()'s optional arguments (Linux 6.12). */
struct kmem_cache_args {
	unsigned int align;		/* a power of two, or 0 */
	unsigned int useroffset;	/* the usercopy region: recorded; */
	unsigned int usersize;		/* such a cache is never merged */
	unsigned int freeptr_offset;	/* SLAB_TYPESAFE_BY_RCU caches: where the */
	bool use_freeptr_offset;	/* free pointer may live in the object */
	void (*ctor)(void *);
};

KMM_API struct kmem_cache *kmm_kmem_cache_create(const char *name, unsigned int size,
						 unsigned int align, slab_flags_t flags,
						 void (*ctor)(void *));
KMM_API struct kmem_cache *kmm___kmem_cache_create_args(const char *name, unsigned int size,
							struct kmem_cache_args *args,
							slab_flags_t flags);
KMM_API struct kmem_cache *kmm___kmem_cache_default_args(const char *name, unsigned int size,
							 struct kmem_cache_args *args,
							 slab_flags_t flags);
KMM_API struct kmem_cache *kmm_kmem_cache_create_usercopy(const char *name, unsigned int size,
							  unsigned int align, slab_flags_t flags,
							  unsigned int useroffset,
							  unsigned int usersize,
							  void (*ctor)(void *));
KMM_API void kmm_kmem_cache_destroy(struct kmem_cache *s);
KMM_API int kmm_kmem_cache_shrink(struct kmem_cache *s);
KMM_API void *kmm_kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
	__attribute__((malloc));
KMM_API void kmm_kmem_cache_free(struct kmem_cache *s, void *objp);
/* On node (NUMA_NO_NODE: anywhere, the allocating CPU's node first). */
KMM_API void *kmm_kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node)
	__attribute__((malloc));
KMM_API unsigned int kmm_kmem_cache_size(struct kmem_cache *s);
/*
 * size objects into p: size, or 0 with none allocated.  The free takes
 * objects of s (any cache's when s is NULL: kfree_bulk) and may reorder p.
 */
KMM_API int kmm_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size, void **p);
KMM_API void kmm_kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p);
KMM_API const char *kmm_kmem_cache_name(struct kmem_cache *s);
/*
 * slub_debug's validate: check every slab and object of s (red zones,
 * poison, padding, freelist and counters), report and repair what is
 * wrong; returns the number of errors reported (BUG and FIX lines).
 * Meaningful under concurrent use only for caches with debug flags.
 */
KMM_API int kmm_kmem_cache_validate(struct kmem_cache *s);

KMM_API void *kmm_kmalloc(size_t size, gfp_t flags) __attribute__((malloc, alloc_size(1)));
KMM_API void *kmm_kmalloc_array(size_t n, size_t size, gfp_t flags)
	__attribute__((malloc, alloc_size(1, 2)));
KMM_API void *kmm_kmalloc_node(size_t size, gfp_t flags, int node)
	__attribute__((malloc, alloc_size(1)));
KMM_API void *kmm_kmalloc_array_node(size_t n, size_t size, gfp_t flags, int node)
	__attribute__((malloc, alloc_size(1, 2)));
KMM_API void *kmm_krealloc(const void *p, size_t new_size, gfp_t flags)
	__attribute__((alloc_size(2)));
KMM_API void kmm_kfree(const void *objp);
KMM_API size_t kmm_kmalloc_size_roundup(size_t size);
KMM_API void *kmm_krealloc_array(void *p, size_t new_n, size_t new_size, gfp_t flags)
	__attribute__((alloc_size(2, 3)));
KMM_API void kmm_kfree_sensitive(const void *objp);
KMM_API size_t kmm_ksize(const void *objp);
KMM_API char *kmm_kstrdup(const char *s, gfp_t gfp) __attribute__((malloc));
KMM_API char *kmm_kstrndup(const char *s, size_t max, gfp_t gfp) __attribute__((malloc));
KMM_API void *kmm_kmemdup(const void *src, size_t len, gfp_t gfp)
	__attribute__((malloc, alloc_size(2)));

/*
 * kmem_cache_create(name, size, &args, flags), (name, size, NULL, flags)
 * and the older (name, size, align, flags, ctor), told apart by the third
 * argument's type, as 6.12's macro does.
 */
#define kmem_cache_create(__name, __size, __args, ...)			\
	_Generic((__args),						\
		struct kmem_cache_args *: kmm___kmem_cache_create_args,	\
		void *: kmm___kmem_cache_default_args,			\
		default: kmm_kmem_cache_create)(__name, __size, __args, __VA_ARGS__)
#define kmem_cache_create_usercopy(name, size, align, flags, useroffset, usersize, ctor) \
	kmm_kmem_cache_create_usercopy(name, size, align, flags, useroffset, usersize, ctor)
#define kmem_cache_destroy(s)		kmm_kmem_cache_destroy(s)
#define kmem_cache_shrink(s)		kmm_kmem_cache_shrink(s)
#define kmem_cache_alloc(s, flags)	kmm_kmem_cache_alloc(s, flags)
#define kmem_cache_zalloc(s, flags)	kmm_kmem_cache_alloc(s, (flags) | __GFP_ZERO)
#define kmem_cache_alloc_node(s, flags, node) kmm_kmem_cache_alloc_node(s, flags, node)
#define kmem_cache_free(s, objp)	kmm_kmem_cache_free(s, objp)
#define kmem_cache_size(s)		kmm_kmem_cache_size(s)
#define kmem_cache_alloc_bulk(s, flags, size, p) kmm_kmem_cache_alloc_bulk(s, flags, size, p)
#define kmem_cache_free_bulk(s, size, p) kmm_kmem_cache_free_bulk(s, size, p)
#define kfree_bulk(size, p)		kmm_kmem_cache_free_bulk(NULL, size, p)
#define kmem_cache_validate(s)		kmm_kmem_cache_validate(s)

#define kmalloc(size, flags)		kmm_kmalloc(size, flags)
#define kzalloc(size, flags)		kmm_kmalloc(size, (flags) | __GFP_ZERO)
#define kmalloc_array(n, size, flags)	kmm_kmalloc_array(n, size, flags)
#define kcalloc(n, size, flags)		kmm_kmalloc_array(n, size, (flags) | __GFP_ZERO)
#define kmalloc_node(size, flags, node)	kmm_kmalloc_node(size, flags, node)
#define kzalloc_node(size, flags, node)	kmm_kmalloc_node(size, (flags) | __GFP_ZERO, node)
#define kmalloc_array_node(n, size, flags, node) kmm_kmalloc_array_node(n, size, flags, node)
#define kcalloc_node(n, size, flags, node) \
	kmm_kmalloc_array_node(n, size, (flags) | __GFP_ZERO, node)
#define krealloc(p, size, flags)	kmm_krealloc(p, size, flags)
#define kfree(p)			kmm_kfree(p)
#define kmalloc_size_roundup(size)	kmm_kmalloc_size_roundup(size)
#define krealloc_array(p, n, size, flags) kmm_krealloc_array(p, n, size, flags)
/* A cache named after the struct, of its size and alignment. */
#define KMEM_CACHE(__struct, __flags)					\
	kmm___kmem_cache_create_args(#__struct, sizeof(struct __struct),	\
		&(struct kmem_cache_args){ .align = __alignof__(struct __struct) }, (__flags))
#define kfree_sensitive(p)		kmm_kfree_sensitive(p)
#define ksize(p)			kmm_ksize(p)
#define kstrdup(s, gfp)			kmm_kstrdup(s, gfp)
#define kstrndup(s, max, gfp)		kmm_kstrndup(s, max, gfp)
#define kmemdup(src, len, gfp)		kmm_kmemdup(src, len, gfp)

#endif /* KMM_SLAB_H */
