// SPDX-License-Identifier: MIT
/*
 * SLUB's slabs from and to the page allocator (Linux 6.12 mm/slub.c's
 * allocate_slab(), new_slab(), free_slab(), discard_slab()): a slab is a
 * block of 2^oo_order(s->oo) pages, or of the minimum order when that one
 * fails quickly, marked PageSlab, accounted in NR_SLAB_RECLAIMABLE_B or
 * NR_SLAB_UNRECLAIMABLE_B, its objects laid out (debug metadata, the
 * constructor) and chained into its freelist.
 */
#include "mm/slab.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>

static inline enum node_stat_item cache_vmstat_idx(struct kmem_cache *s)
{
	return (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE_B : NR_SLAB_UNRECLAIMABLE_B;
}

static struct page *alloc_slab_page(gfp_t flags, int node, struct kmem_cache_order_objects oo)
{
	unsigned int order = oo_order(oo);
	struct page *page;

	if (node >= 0)
		page = kmm_alloc_pages_node(node, flags, order);
	else
		page = kmm_alloc_pages(flags, order);
	if (page)
		__SetPageSlab(page);
	return page;
}

#define GFP_SLAB_BUG_MASK (__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK)

static gfp_t kmalloc_fix_flags(gfp_t flags)
{
	gfp_t invalid_mask = flags & GFP_SLAB_BUG_MASK;
	char a[128], b[128];

	flags &= ~GFP_SLAB_BUG_MASK;
	pr_warn("Unexpected gfp: %#x (%s). Fixing up to gfp: %#x (%s). Fix your code!\n",
		invalid_mask, kmm_format_gfp(a, sizeof(a), invalid_mask), flags,
		kmm_format_gfp(b, sizeof(b), flags));
	kmm_dump_stack();
	return flags;
}

static struct page *allocate_slab(struct kmem_cache *s, gfp_t flags, int node)
{
	struct kmem_cache_order_objects oo = s->oo;
	union slab_counters cnt;
	struct page *slab;
	gfp_t alloc_gfp;
	unsigned int i, order;
	char *start, *p;

	if (unlikely(flags & GFP_SLAB_BUG_MASK))
		flags = kmalloc_fix_flags(flags);
	flags &= ~(__GFP_ZERO | __GFP_COMP | GFP_MOVABLE_MASK);
	flags |= s->allocflags;
	/* The preferred order may fail quickly; the minimum order may not. */
	alloc_gfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	if ((alloc_gfp & __GFP_DIRECT_RECLAIM) && oo_order(oo) > oo_order(s->min))
		alloc_gfp = (alloc_gfp | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;
	slab = alloc_slab_page(alloc_gfp, node, oo);
	if (unlikely(!slab)) {
		oo = s->min;
		slab = alloc_slab_page(flags, node, oo);
		if (unlikely(!slab))
			return NULL;
	}
	order = oo_order(oo);
	cnt.counters = 0;
	cnt.objects = oo_objects(oo);
	slab->counters = cnt.counters;
	slab->slab_cache = s;
	slab->next = NULL;
	slab->slabs = 0;
	kmm_mod_node_page_state(NODE_DATA(slab_nid(slab)), cache_vmstat_idx(s), (long)(PAGE_SIZE << order));

	if (unlikely(kmem_cache_debug(s)))
		kmm_debug_setup_slab(s, slab);
	start = (char *)slab_obj_base(s, slab);
	for (i = 0, p = start; i < cnt.objects; i++, p += s->size) {
		if (unlikely(kmem_cache_debug(s)))
			kmm_debug_init_object(s, p);
		if (unlikely(s->ctor))
			s->ctor(p);
		set_freepointer(s, p, i + 1 < cnt.objects ? p + s->size : NULL);
	}
	slab->freelist = start;
	return slab;
}

struct page *kmm_new_slab(struct kmem_cache *s, gfp_t flags, int node)
{
	return allocate_slab(s, flags, node);
}

static void free_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned int order = slab_order(slab);

	clear_page_flag(slab, PG_workingset);
	slab->slab_cache = NULL;
	slab->freelist = NULL;
	slab->counters = 0;		/* overlays page->mapping */
	slab->next = NULL;
	slab->slabs = 0;
	__ClearPageSlab(slab);
	kmm_mod_node_page_state(NODE_DATA(slab_nid(slab)), cache_vmstat_idx(s), -(long)(PAGE_SIZE << order));
	kmm___free_pages(slab, order);
}

void kmm_discard_slab_pages(struct kmem_cache *s, struct page *slab)
{
	free_slab(s, slab);
}

void kmm_discard_slab(struct kmem_cache *s, struct page *slab)
{
	dec_slabs_node(s, slab_nid(slab), slab_counters(slab).objects);
	free_slab(s, slab);
}

static DEFINE_RATELIMIT_STATE(slub_oom_rs, DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);

/* slab_out_of_memory(): the "SLUB: Unable to allocate memory" report. */
void kmm_slab_out_of_memory(struct kmem_cache *s, gfp_t gfpflags, int nid)
{
	unsigned long flags;
	char buf[128];
	int node;

	if ((gfpflags & __GFP_NOWARN) || !__ratelimit(&slub_oom_rs))
		return;
	kmm_report_lock();
	pr_warn("SLUB: Unable to allocate memory on node %d, gfp=%#x(%s)\n", nid, gfpflags,
		kmm_format_gfp(buf, sizeof(buf), gfpflags));
	pr_warn("  cache: %s, object size: %u, buffer size: %u, default order: %u, min order: %u\n",
		s->name, s->object_size, s->size, oo_order(s->oo), oo_order(s->min));
	for_each_online_node(node) {
		struct kmem_cache_node *n = get_node(s, node);
		unsigned long nr_free = 0;
		struct page *slab;

		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry(slab, &n->partial, slab_list)
			nr_free += slab_counters(slab).objects - slab_counters(slab).inuse;
		spin_unlock_irqrestore(&n->list_lock, flags);
		pr_warn("  node %d: slabs: %ld, objs: %ld, free: %lu\n", node,
			atomic_long_read(&n->nr_slabs), atomic_long_read(&n->total_objects), nr_free);
	}
	kmm_report_unlock();
}
