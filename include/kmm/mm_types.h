/* SPDX-License-Identifier: MIT */
/*
 * struct page: one per page of kmm's physical memory, 64 bytes, in a
 * mem_map beside the memory (never inside it, so debug_pagealloc can unmap
 * free pages while the allocator still reads their descriptors).
 */
#ifndef KMM_MM_TYPES_H
#define KMM_MM_TYPES_H

#include <kmm/types.h>
#include <kmm/list.h>

struct address_space;
struct kmem_cache;

struct page {
	unsigned long flags;		/* PG_* bits, node and zone ids */
	union {
		struct {	/* page cache, anonymous, buddy and pcp pages */
			union {
				struct list_head lru;
				struct list_head buddy_list;	/* free: on free_area */
				struct list_head pcp_list;	/* free: on a pcp list */
			};
			struct address_space *mapping;
			unsigned long index;
			unsigned long private;	/* buddy: the block's order */
		};
		struct {	/* tail pages of compound pages */
			unsigned long compound_head;	/* head | 1 */
			unsigned char compound_dtor;	/* first tail only */
			unsigned char compound_order;	/* first tail only */
			unsigned int compound_nr;	/* first tail only */
		};
		struct {	/* slab pages (SLUB) */
			struct kmem_cache *slab_cache;
			void *freelist;
			union {
				unsigned long counters;
				struct {
					unsigned inuse:16;
					unsigned objects:15;
					unsigned frozen:1;
				};
			};
			union {
				struct list_head slab_list;	/* node partial list */
				struct {			/* per-cpu partial list */
					struct page *next;
					int slabs;		/* slabs from here on */
				};
			};
		};
	};
	union {
		atomic_t _mapcount;	/* -1 when not mapped and untyped */
		unsigned int page_type;	/* top byte: PGTY_* when typed */
	};
	atomic_t _refcount;
	unsigned long memcg_data;
};

_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");

#endif /* KMM_MM_TYPES_H */
