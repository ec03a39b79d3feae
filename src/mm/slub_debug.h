/* SPDX-License-Identifier: MIT */
/*
 * slub_debug internals shared by slub_debug.c (checks, reports, the debug
 * alloc and free paths, validation) and slub_track.c (U: the alloc and
 * free tracks).  Hidden.  The object layout is described in slub_debug.c.
 */
#ifndef KMM_MM_SLUB_DEBUG_H
#define KMM_MM_SLUB_DEBUG_H

#include "mm/slab.h"

#define POISON_INUSE		0x5a	/* padding, and slabs before use */
#define POISON_FREE		0x6b	/* a free object */
#define POISON_END		0xa5	/* its last byte */
#define SLUB_RED_INACTIVE	0xbb	/* red zone of a free object */
#define SLUB_RED_ACTIVE		0xcc	/* red zone of an allocated object */

enum track_item { TRACK_ALLOC, TRACK_FREE };

/* ---- layout helpers --------------------------------------------------------- */

static inline bool freeptr_outside_object(const struct kmem_cache *s)
{
	return s->offset >= s->inuse;
}

/* Where the metadata after the free pointer starts (get_info_end()):
 * computed with the sizes (kmm_debug_cache_layout()). */
static inline unsigned int get_info_end(const struct kmem_cache *s)
{
	return s->debug_info_end;
}

static inline struct track *get_track(struct kmem_cache *s, void *object, enum track_item alloc)
{
	return (struct track *)((char *)object + get_info_end(s)) + alloc;
}

static inline unsigned int *orig_size_ptr(struct kmem_cache *s, void *object)
{
	return (unsigned int *)((char *)object + get_info_end(s) + 2 * sizeof(struct track));
}

static inline unsigned int size_from_object(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RED_ZONE) ? s->size - s->red_left_pad : s->size;
}

static inline unsigned int get_orig_size(struct kmem_cache *s, void *object)
{
	return slub_debug_orig_size(s) ? *orig_size_ptr(s, object) : s->object_size;
}

/* Where the object padding (POISON_INUSE) starts: after the metadata. */
static inline unsigned int pad_bytes_offset(const struct kmem_cache *s)
{
	return s->debug_pad_off;
}

/* ---- tracking (slub_track.c) -------------------------------------------------- */

/* A free's stack (its depot handle), CPU and time, taken before the
 * list_lock is (the kernel's set_track_prepare()), and stored with the
 * rest under it. */
struct track_stack {
	depot_stack_handle_t handle;
	int cpu, pid;
	unsigned long when;
};

/* The return addresses of the frames from frame (a caller's
 * __builtin_frame_address(0)) up, at most TRACK_ADDRS_COUNT: the first is
 * that caller's return address. */
unsigned int kmm_slub_save_stack(const void *frame, unsigned long *store);
/* The allocation's track, with the stack from frame up. */
void kmm_slub_set_alloc_track(struct kmem_cache *s, void *object, unsigned long addr,
			      const void *frame, int cpu);
/* Fill st for a free whose allocator's frame is frame. */
void kmm_slub_prepare_free_track(const void *frame, struct track_stack *st);
/* The free's track, from st. */
static inline void kmm_slub_set_free_track(struct kmem_cache *s, void *object, unsigned long addr,
					   const struct track_stack *st)
{
	struct track *p = get_track(s, object, TRACK_FREE);

	p->addr = addr;
	p->handle = st->handle;
	p->cpu = st->cpu;
	p->pid = st->pid;
	p->when = st->when;
}
void kmm_slub_init_tracking(struct kmem_cache *s, void *object);

#endif /* KMM_MM_SLUB_DEBUG_H */
