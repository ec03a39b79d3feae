/* SPDX-License-Identifier: MIT */
/*
 * SLUB internals shared by slub.c (the allocator) and slab_common.c
 * (cache creation, merging, kmalloc, slabinfo).  Hidden.
 *
 * A slab is 2^order pages (__GFP_COMP when order > 0) whose head struct
 * page carries the slab state: slab_cache, freelist, counters (inuse,
 * objects, frozen), the node partial list link (slab_list) or the per-CPU
 * partial link (next, slabs), page type PGTY_slab, and PG_workingset as
 * "on a node partial list" (6.12's slab_test_node_partial).
 *
 * Object layout (calculate_sizes): [left red zone: red_left_pad, Z]
 * [object_size bytes][pad, or right red zone with Z, to inuse][free pointer
 * if stored outside the object][2 struct track, U][orig_size, kmalloc with
 * Z and U][pad to size].  offset is where the free pointer lives; objects
 * start red_left_pad into the slab (slab_obj_base).  See slub_debug.c.
 */
#ifndef KMM_MM_SLAB_H
#define KMM_MM_SLAB_H

#include "mm/internal.h"
#include <kmm/slab.h>
#include <kmm/spinlock.h>
#include <kmm/list.h>
#include <kmm/stackdepot.h>
#include <pthread.h>
#include <string.h>

typedef unsigned __int128 kmm_u128;

/* An order and an object count in one word, as the kernel's "oo". */
struct kmem_cache_order_objects {
	unsigned int x;
};
#define OO_SHIFT	16
#define OO_MASK		((1U << OO_SHIFT) - 1)
#define MAX_OBJS_PER_PAGE	32767

static inline struct kmem_cache_order_objects oo_make(unsigned int order, unsigned int size)
{
	struct kmem_cache_order_objects x = {
		(order << OO_SHIFT) + (unsigned int)((PAGE_SIZE << order) / size)
	};
	return x;
}
static inline unsigned int oo_order(struct kmem_cache_order_objects x) { return x.x >> OO_SHIFT; }
static inline unsigned int oo_objects(struct kmem_cache_order_objects x) { return x.x & OO_MASK; }

/*
 * The per-CPU state.  freelist and tid change together with a 16-byte
 * compare-and-swap (the kernel's this_cpu_cmpxchg_double); tid counts
 * in steps of TID_STEP from the CPU number, so a tid read on one CPU
 * never matches another CPU's.  The slow path holds lock and sets
 * TID_BUSY in tid while it changes slab, partial or the bounds, which
 * makes every concurrent fast path fail its compare-and-swap.
 */
struct kmem_cache_cpu {
	union {
		struct {
			void *freelist;		/* next object to hand out */
			unsigned long tid;	/* transaction id */
		};
		kmm_u128 freelist_tid;
	};
	struct page *slab;		/* the slab allocated from (frozen) */
	struct page *partial;		/* per-CPU partial slabs (not frozen) */
	unsigned long base;		/* slab's first object ... */
	unsigned long end;		/* ... and the end of its last */
	spinlock_t lock;
} __attribute__((aligned(64)));

#define TID_BUSY	(1UL << 63)

/*
 * The fast paths: none (debugging), the entry points' rseq sequences on
 * the CPU slab or on the sheaves, or the sheaves behind the general path's
 * trylock of pcs->lock (no restartable sequences: kmm.rseq=off,
 * ThreadSanitizer, ...).
 */
enum { FASTPATH_NONE, FASTPATH_SLAB, FASTPATH_SHEAVES, FASTPATH_TRYLOCK };

/*
 * Per-CPU sheaves (the kernel's percpu array caches, mm/slub.c since
 * Linux 6.18): arrays of object pointers in front of the CPU slab.  A free
 * pushes onto main, an allocation pops from it, whatever slab the object
 * is in; when main is empty (full) it is exchanged with spare, else
 * refilled from (flushed to) the slabs.  Only caches with the rseq fast
 * paths have them (s->cpu_sheaves != NULL).  The sequences reach main
 * through cur, which the lock's holder points at kmm_locked_sheaf (no
 * object, no room) while it works, as c->tid's TID_BUSY does for the
 * CPU slab (slub_sheaf.c).
 */
struct slab_sheaf {
	struct list_head barn_list;	/* on its node's barn, when there */
	unsigned int size;		/* objects[0 .. size) are free objects */
	unsigned int capacity;
	void *none;			/* NULL: objects[-1] of an empty sheaf, so
					 * that the free sequence's double-free
					 * check needs no emptiness test */
	void *objects[];
};

/* Empty with no room (capacity 0): every sequence leaves to the slow path. */
extern struct slab_sheaf kmm_locked_sheaf __attribute__((visibility("hidden")));

struct slub_percpu_sheaves {
	struct slab_sheaf *cur;		/* main, or &kmm_locked_sheaf while lock's
					 * holder works: what the sequences use */
	struct slab_sheaf *main;	/* never NULL */
	struct slab_sheaf *spare;	/* NULL when given away to the barn */
	spinlock_t lock;
} __attribute__((aligned(64)));

/*
 * The barn (Linux 6.18): a node's store of full and empty sheaves, so that
 * a CPU whose sheaves are both full (empty) exchanges one for an empty
 * (full) sheaf instead of flushing objects to (refilling from) the slabs.
 * At most MAX_FULL_SHEAVES full ones; kmm never allocates sheaves later,
 * so the sheaves a barn starts with (BARN_SHEAVES) bound the empty ones.
 */
#define MAX_FULL_SHEAVES	10
#define MAX_EMPTY_SHEAVES	10
#define BARN_SHEAVES		(MAX_FULL_SHEAVES + MAX_EMPTY_SHEAVES)

struct node_barn {
	spinlock_t lock;
	struct list_head sheaves_full;
	struct list_head sheaves_empty;
	unsigned int nr_full;
	unsigned int nr_empty;
} __attribute__((aligned(64)));

struct kmem_cache_node {
	spinlock_t list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	struct list_head full;		/* debug caches: slabs with no free object */
	atomic_long_t nr_slabs;
	atomic_long_t total_objects;
};

struct kmem_cache {
	/* What the fast paths read, together in the first cache line. */
	struct slub_percpu_sheaves *cpu_sheaves;	/* [nr_cpu_ids], or NULL */
	struct kmem_cache_cpu *cpu_slab;
	unsigned long random;		/* freelist pointer hardening */
	u64 reciprocal_size;		/* ceil(2^64 / size): divisibility test */
	slab_flags_t flags;
	unsigned int nr_cpu_ids;	/* entries in cpu_slab */
	unsigned int size;		/* object + metadata, aligned */
	unsigned int offset;		/* free pointer offset */
	unsigned int object_size;	/* what the user asked for */
	unsigned char fastpath;		/* FASTPATH_* (no debug flags, no
					 * debug_pagealloc) */
	/* The rest. */
	unsigned int sheaf_capacity;
	struct node_barn *barn;		/* [nr_online_nodes] with sheaves, else NULL */
	unsigned long min_partial;
	unsigned int cpu_partial;	/* objects kept on per-CPU partials */
	unsigned int cpu_partial_slabs;
	struct kmem_cache_order_objects oo;	/* preferred order */
	struct kmem_cache_order_objects min;	/* fallback order */
	gfp_t allocflags;
	int refcount;			/* -1: boot cache, never merged */
	void (*ctor)(void *);
	unsigned int inuse;		/* offset to metadata */
	unsigned int align;
	unsigned int red_left_pad;
	const char *name;
	struct list_head list;		/* slab_caches */
	unsigned int useroffset, usersize;	/* the usercopy region (recorded only) */
	unsigned int freeptr_offset;	/* SLAB_TYPESAFE_BY_RCU: the free pointer's ... */
	bool use_freeptr_offset;	/* ... place in the object, when given */
	/* slub_debug's layout (kmm_debug_cache_layout(), with the sizes). */
	unsigned int debug_info_end;	/* get_info_end(): the tracks */
	unsigned int debug_pad_off;	/* the object padding (POISON_INUSE) ... */
	unsigned int debug_pad_len;	/* ... and its length */
	/* Last: kmem_cache objects end after nr_node_ids entries. */
	struct kmem_cache_node *node[MAX_NUMNODES];	/* nr_online_nodes used */
};

/* slab_common.c */
extern struct list_head kmm_slab_caches;
extern pthread_mutex_t kmm_slab_mutex;
extern struct kmem_cache *kmm_kmem_cache;	/* the cache of caches */
extern struct kmem_cache *kmm_kmem_cache_node;	/* of kmem_cache_node */
extern bool kmm_slab_nomerge;
extern bool kmm_slub_sheaves;		/* kmm.sheaves= */
extern unsigned int kmm_slub_min_order, kmm_slub_max_order, kmm_slub_min_objects;
enum slab_state { DOWN, PARTIAL, UP, FULL };
extern enum slab_state kmm_slab_state;
unsigned int kmm_calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size);
int kmm_slab_init(void);
/* kmem_cache_init() + create_kmalloc_caches(), once, at the first use. */
void kmm_slab_bootstrap(void);
void kmm_slab_exit(void);

/* slub.c */
int kmm___kmem_cache_create(struct kmem_cache *s, const char *name, unsigned int size,
			    unsigned int align, slab_flags_t flags, void (*ctor)(void *));
void kmm___kmem_cache_release(struct kmem_cache *s);
int kmm___kmem_cache_shutdown(struct kmem_cache *s);
int kmm___kmem_cache_shrink(struct kmem_cache *s);
void kmm_kmem_cache_flush(struct kmem_cache *s);
void kmm_kmem_cache_init(void);
void *kmm_slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long addr);
/* kmalloc: size is the requested size (kept by slub_debug for kmalloc red zones). */
void *kmm_slab_alloc_size(struct kmem_cache *s, gfp_t gfp, unsigned long addr, size_t size);
/* On node (NUMA_NO_NODE: anywhere), orig_size bytes asked for. */
void *kmm_slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int node, unsigned long addr,
			  size_t orig_size);
void kmm_slab_free(struct kmem_cache *s, struct page *slab, void *object, unsigned long addr);
/* Free every slab of every cache but the boot caches, whatever it holds (kmm_exit). */
void kmm_slab_release_caches(void);
/* Then the slabs of kmem_cache and kmem_cache_node themselves. */
void kmm_slab_free_remaining(void);
struct slabinfo {
	unsigned long active_objs, num_objs, active_slabs, num_slabs;
	unsigned int objects_per_slab, cache_order;
};
void kmm_get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo);
/* The report building blocks (slab_bug / slab_err / slab_fix). */
void kmm_slab_err(struct kmem_cache *s, struct page *slab, const char *fmt, ...) __printf(3, 4);

/* "Object ... already free (double free or corruption)" (slub.c). */
void kmm_slab_double_free(struct kmem_cache *s, struct page *slab, void *object);
/* slab_common.c: the checks of kfree() (s NULL) and kmem_cache_free(). */
struct kmem_cache *kmm_slab_free_target(struct kmem_cache *s, void *x, struct page **slabp);

/* slub_sheaf.c */
bool kmm_alloc_sheaves(struct kmem_cache *s);
void kmm_free_sheaves(struct kmem_cache *s);
size_t kmm_sheaves_bytes(const struct kmem_cache *s);
/* The slow paths behind the sheaf sequences. */
void *kmm_sheaf_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long addr);
void kmm_sheaf_free_slow(struct kmem_cache *s, void *object, unsigned long addr);
/* The fast paths without sequences (!kmm_percpu_rseq): rseq_sheaf_alloc()'s
 * and rseq_sheaf_free()'s results, under a trylock of pcs->lock. */
void *kmm_sheaf_alloc_trylock(struct kmem_cache *s);
int kmm_sheaf_free_trylock(struct kmem_cache *s, void *object);
/* Return every object in every CPU's sheaves and in the barns to its slab. */
void kmm_flush_all_sheaves(struct kmem_cache *s);
/* kmem_cache_alloc_bulk() / kmem_cache_free_bulk() on the sheaves: how
 * many objects were taken into p / given from p (slub_sheaf.c). */
unsigned int kmm_sheaf_alloc_bulk(struct kmem_cache *s, unsigned int size, void **p);
/* An object of node from the sheaves, if this CPU is on node and has one on top. */
void *kmm_sheaf_alloc_node(struct kmem_cache *s, int node);
unsigned int kmm_sheaf_free_bulk(struct kmem_cache *s, unsigned int size, void **p);
/* A detached freelist head..tail of cnt objects of slab back to it, as one
 * free (do_slab_free); not for debug caches (slub.c). */
void kmm_slab_free_detached(struct kmem_cache *s, struct page *slab, void *head, void *tail,
			    unsigned int cnt, unsigned long addr);
/* The CPU-slab paths (slub.c), for sheaf refills and flushes. */
void *kmm_slab_alloc_cpu(struct kmem_cache *s, gfp_t gfp, unsigned long addr);
unsigned int kmm_slab_alloc_cpu_bulk(struct kmem_cache *s, gfp_t gfp, unsigned long addr,
				     void **p, unsigned int n);
/* Good objects p[0..n), of any caches, back to their slabs as detached
 * freelists (__kmem_cache_free_bulk(); slab_bulk.c); reorders p. */
void kmm_slab_free_to_slabs(size_t n, void **p, unsigned long caller);

/* slub_debug.c */
#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
			  SLAB_STORE_USER | SLAB_TRACE | SLAB_FAILSLAB)
/* Flags that store metadata next to the object ('O' switches them off). */
#define DEBUG_METADATA_FLAGS (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)
/* Internal: P poisons the object itself (not with a ctor or RCU). */
#define __OBJECT_POISON ((slab_flags_t)1U << 30)
#define TRACK_ADDRS_COUNT 16	/* frames saved per track */
/* U: who allocated or freed an object, stored after it (set_track).  The
 * stack is in the stack depot: the 32-byte layout of 6.12 with
 * CONFIG_STACKDEPOT. */
struct track {
	unsigned long addr;		/* the caller */
	depot_stack_handle_t handle;	/* its stack; 0: none saved */
	int cpu;
	int pid;
	unsigned long when;		/* jiffies (ms since boot, HZ=1000) */
};
_Static_assert(sizeof(struct track) == 4 * sizeof(long) || sizeof(long) != 8,
	       "struct track is 32 bytes on 64-bit, as the kernel's");
extern bool kmm_slub_debug_disable_higher_order;
slab_flags_t kmm_kmem_cache_flags(slab_flags_t flags, const char *name);
/* A: should this allocation fail (failslab=)? */
bool kmm_should_failslab(struct kmem_cache *s, gfp_t gfp);
void *kmm_debug_slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long addr,
			   unsigned int orig_size, int node);
void kmm_debug_slab_free(struct kmem_cache *s, struct page *slab, void *object,
			 unsigned long addr);
/* free_slab() for a slab already off every list and uncounted. */
void kmm_discard_slab_pages(struct kmem_cache *s, struct page *slab);
void kmm_slab_out_of_memory(struct kmem_cache *s, gfp_t gfpflags, int nid);
/* discard_slab(): the node's slab count down, then kmm_discard_slab_pages(). */
void kmm_discard_slab(struct kmem_cache *s, struct page *slab);
void kmm_debug_setup_slab(struct kmem_cache *s, struct page *slab);
/* calculate_sizes(): derive the debug_* layout fields. */
void kmm_debug_cache_layout(struct kmem_cache *s);
void kmm_debug_init_object(struct kmem_cache *s, void *object);
void kmm_slab_print_tracking(struct kmem_cache *s, void *object);
/* kmalloc: an object's requested size (slub_debug_orig_size caches). */
void kmm_slab_set_orig_size(struct kmem_cache *s, void *object, unsigned int size);
void kmm_slab_bug(struct kmem_cache *s, const char *fmt, ...) __printf(2, 3);
void kmm_slab_fix(struct kmem_cache *s, const char *fmt, ...) __printf(2, 3);
void kmm_print_slab_info(const struct page *slab);

/* kmalloc caches with Z and U keep each object's requested size. */
static inline bool slub_debug_orig_size(const struct kmem_cache *s)
{
	return (s->flags & (SLAB_KMALLOC | SLAB_STORE_USER | SLAB_RED_ZONE)) ==
	       (SLAB_KMALLOC | SLAB_STORE_USER | SLAB_RED_ZONE);
}

/* The slab (head page) that addr is in, or NULL when not a slab page. */
static inline struct page *virt_to_slab(const void *addr)
{
	struct page *page;

	if (unlikely(!virt_addr_valid(addr)))
		return NULL;
	page = compound_head(virt_to_page(addr));
	return PageSlab(page) ? page : NULL;
}

/*
 * The entry points' fast lookup of an object's slab: virt_addr_valid(),
 * virt_to_page() and compound_head() with hidden copies of kmm_mem_base,
 * the memory's size and mem_map (the public ones are reached through the
 * GOT), set while SLUB is up (bytes is 0 otherwise, so that everything
 * takes the slow path).  Finds the slab and x's offset in it; false when
 * x is not in a slab page.
 */
struct slab_lookup {
	unsigned long base;		/* kmm_mem_base */
	unsigned long bytes;		/* kmm_max_pfn << PAGE_SHIFT */
	unsigned long map;		/* kmm_mem_map */
};
extern struct slab_lookup kmm_slab_lookup __attribute__((visibility("hidden")));
void kmm_slab_lookup_set(bool up);

_Static_assert(sizeof(struct page) << (PAGE_SHIFT - 6) == PAGE_SIZE, "struct page is 64 bytes");

static __always_inline bool slab_lookup(const void *x, struct page **slabp, unsigned long *offset)
{
	/*
	 * Plain reads (folded into the arithmetic): written only while SLUB
	 * comes up or goes down, before any object exists or after the last.
	 */
	unsigned long off = (unsigned long)x - kmm_slab_lookup.base;
	unsigned long map = kmm_slab_lookup.map;
	unsigned long page, head;

	if (unlikely(off >= kmm_slab_lookup.bytes))
		return false;
	page = map + ((off >> PAGE_SHIFT) << 6);
	head = READ_ONCE(((struct page *)page)->compound_head);
	if (!(head & 1))
		head = page;
	else
		head--;
	/* PageSlab(): the top byte of page_type (a plain read too: it is an
	 * object's page, whose type changes only if the object is bogus) */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (unlikely(((const u8 *)&((struct page *)head)->page_type)[3] != PGTY_slab))
		return false;
#else
	if (unlikely(!PageSlab((struct page *)head)))
		return false;
#endif
	*offset = off - ((head - map) << (PAGE_SHIFT - 6));
	*slabp = (struct page *)head;
	return true;
}

/* page_to_nid() of a slab, whose flags word other CPUs change atomically
 * (PG_workingset marks "on a node partial list"). */
static inline int slab_nid(const struct page *slab)
{
	return (int)((__atomic_load_n(&slab->flags, __ATOMIC_RELAXED) >> NODES_PGSHIFT) & NODES_MASK);
}

static inline void *slab_address(const struct page *slab)
{
	return page_address(slab);
}

static inline unsigned int slab_order(const struct page *slab)
{
	return compound_order(slab);
}

/* The counters word as one value (the bitfields are not read in place:
 * other CPUs change the word with a compare-and-swap). */
union slab_counters {
	unsigned long counters;
	struct {
		unsigned inuse:16;
		unsigned objects:15;
		unsigned frozen:1;
	};
};

static inline union slab_counters slab_counters(const struct page *slab)
{
	union slab_counters c;

	c.counters = __atomic_load_n(&slab->counters, __ATOMIC_RELAXED);
	return c;
}

/* The object count alone: a 16-bit load on little-endian machines. */
static __always_inline unsigned int slab_counters_objects(const struct page *slab)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	u16 hi;

	memcpy(&hi, (const char *)&slab->counters + 2, sizeof(hi));
	return hi & 0x7fff;
#else
	return slab_counters(slab).objects;
#endif
}


/* Is offset (from the first object) an object start, with objects objects? */
static __always_inline bool offset_in_objects(const struct kmem_cache *s, unsigned long offset,
					      unsigned int objects)
{
	/*
	 * One multiplication gives both: for offset < 2^32, the high half of
	 * offset * ceil(2^64 / size) is offset / size (Lemire, Kaser and
	 * Kurz), the low half is below the multiplier exactly when size
	 * divides offset (freeptr_in_range()).  An offset of 2^32 or more
	 * (one before the first object, wrapped) gives a high half of at
	 * least offset / size, more objects than a slab holds.
	 */
	kmm_u128 p = (kmm_u128)offset * s->reciprocal_size;

	return (unsigned long)p < s->reciprocal_size && (unsigned long)(p >> 64) < objects;
}

/*
 * Is offset an object start of slab, for a cache without a left red zone
 * (every cache with fast paths)?  kmm_slab_valid_pointer() on an offset.
 */
static __always_inline bool slab_offset_ok(const struct kmem_cache *s, const struct page *slab,
					   unsigned long offset)
{
	return offset_in_objects(s, offset, slab_counters_objects(slab));
}

/*
 * The same for a debug cache (which may have a left red zone), whose
 * counters change under list_lock: the count is read as the word it is
 * written as.  kmm_slab_valid_pointer() on an offset from the slab's start.
 */
static __always_inline bool slab_debug_offset_ok(const struct kmem_cache *s,
						 const struct page *slab, unsigned long offset)
{
	return offset_in_objects(s, offset - s->red_left_pad, slab_counters(slab).objects);
}

/* ---- helpers shared by slub.c and slub_init.c ---- */

extern unsigned long kmm_tid_step;
struct page *kmm_new_slab(struct kmem_cache *s, gfp_t flags, int node);

static inline unsigned long next_tid(unsigned long tid)
{
	return (tid & ~TID_BUSY) + kmm_tid_step;
}

static inline struct kmem_cache_node *get_node(struct kmem_cache *s, int nid)
{
	return s->node[nid];
}

static inline bool kmem_cache_debug(struct kmem_cache *s)
{
	return s->flags & (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
			   SLAB_STORE_USER | SLAB_TRACE | SLAB_FAILSLAB);
}

static inline bool kmem_cache_has_cpu_partial(struct kmem_cache *s)
{
	return !kmem_cache_debug(s);
}

/*
 * CONFIG_SLAB_FREELIST_HARDENED: a stored free pointer is the pointer
 * XOR the cache's secret XOR the byte-swapped address it is stored at.
 */
static __always_inline unsigned long freelist_ptr_encode(const struct kmem_cache *s, void *ptr,
							 unsigned long ptr_addr)
{
	return (unsigned long)ptr ^ s->random ^ __builtin_bswap64(ptr_addr);
}

static __always_inline void *freelist_ptr_decode(const struct kmem_cache *s, unsigned long val,
						 unsigned long ptr_addr)
{
	return (void *)(val ^ s->random ^ __builtin_bswap64(ptr_addr));
}

static __always_inline void *get_freepointer(struct kmem_cache *s, void *object)
{
	unsigned long addr = (unsigned long)object + s->offset;

	return freelist_ptr_decode(s, *(unsigned long *)addr, addr);
}

/*
 * The fast path reads the free pointer of an object that another thread
 * may have taken (and be writing) meanwhile; the value is then discarded
 * because the compare-and-swap fails.  This read is the kernel's
 * get_freepointer_safe(), a deliberate data race (KCSAN's data_race()).
 */
__attribute__((no_sanitize("thread")))
static inline void *get_freepointer_racy(struct kmem_cache *s, void *object)
{
	unsigned long addr = (unsigned long)object + s->offset;

	return freelist_ptr_decode(s, *(volatile unsigned long *)addr, addr);
}

static __always_inline void set_freepointer(struct kmem_cache *s, void *object, void *fp)
{
	unsigned long addr = (unsigned long)object + s->offset;

	*(unsigned long *)addr = freelist_ptr_encode(s, fp, addr);
}

/*
 * Is p NULL or an object boundary in [base, end)?  Division-free: for
 * off < 2^32 and c = ceil(2^64 / size), size divides off exactly when
 * off * c mod 2^64 < c (Lemire, Kaser and Kurz, "Faster remainder by
 * direct computation", 2019).  A slab is far smaller than 4 GiB.
 */
static __always_inline bool freeptr_in_range(struct kmem_cache *s, unsigned long base,
					     unsigned long end, const void *p)
{
	unsigned long off = (unsigned long)p - base;

	if (!p)
		return true;
	if (unlikely(off >= end - base))
		return false;
	return off * s->reciprocal_size < s->reciprocal_size;
}

/* The first object of slab: after the left red zone (fixup_red_left()). */
static inline unsigned long slab_obj_base(const struct kmem_cache *s, const struct page *slab)
{
	return (unsigned long)slab_address(slab) + s->red_left_pad;
}

/* Is x a valid object start inside slab? */
static inline bool kmm_slab_valid_pointer(struct kmem_cache *s, struct page *slab, const void *x)
{
	unsigned long base = slab_obj_base(s, slab);

	return x && freeptr_in_range(s, base, base + (unsigned long)slab_counters(slab).objects * s->size, x);
}

static __always_inline kmm_u128 pair(void *freelist, unsigned long tid)
{
	return (kmm_u128)(unsigned long)freelist | ((kmm_u128)tid << 64);
}

static inline bool slab_test_node_partial(const struct page *slab)
{
	return test_page_flag(slab, PG_workingset);
}

static inline void add_partial(struct kmem_cache_node *n, struct page *slab, bool tail)
{
	WRITE_ONCE(n->nr_partial, n->nr_partial + 1);
	if (tail)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
	set_page_flag(slab, PG_workingset);
}

static inline void remove_partial(struct kmem_cache_node *n, struct page *slab)
{
	list_del(&slab->slab_list);
	clear_page_flag(slab, PG_workingset);
	WRITE_ONCE(n->nr_partial, n->nr_partial - 1);
}

static inline void inc_slabs_node(struct kmem_cache *s, int nid, unsigned int objects)
{
	struct kmem_cache_node *n = get_node(s, nid);

	if (likely(n)) {
		atomic_long_add(1, &n->nr_slabs);
		atomic_long_add(objects, &n->total_objects);
	}
}

static inline void dec_slabs_node(struct kmem_cache *s, int nid, unsigned int objects)
{
	struct kmem_cache_node *n = get_node(s, nid);

	atomic_long_add(-1, &n->nr_slabs);
	atomic_long_add(-(long)objects, &n->total_objects);
}

#endif /* KMM_MM_SLAB_H */
