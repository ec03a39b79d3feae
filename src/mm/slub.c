// SPDX-License-Identifier: MIT
/*
 * SLUB, the allocator proper (Linux 6.12 mm/slub.c semantics): slabs of
 * 2^order pages, freelists threaded through the objects, a per-CPU slab
 * with a lockless fast path, per-CPU partial slabs, per-node partial
 * lists, and hardened free pointers.
 *
 * Locks, outermost first: kmem_cache_node->list_lock, then
 * kmem_cache_cpu->lock.  The per-CPU lock stands for the kernel's
 * local_lock: it serialises the slow paths of one CPU's state, and while
 * it is held the slow path sets TID_BUSY, so that the lockless fast paths
 * (which cannot take it) fail their compare-and-swap and retry.
 *
 * NUMA: kmem_cache_alloc_node() and kmalloc_node() take the slow path,
 * which deactivates a CPU slab of another node (ALLOC_NODE_MISMATCH) and
 * looks for the node's partial slabs, then a new slab there without
 * waiting, and only then (unless __GFP_THISNODE) any node's (6.7+'s
 * try_thisnode).  Simplified against the kernel: no NUMA mempolicy;
 * partial slabs of other nodes are taken in node order, without the
 * defrag ratio; no pfmemalloc slabs; no freelist randomisation; no
 * statistics.
 */
#define _GNU_SOURCE
#include "mm/slab.h"
#include "mm/slub_rseq.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

unsigned long kmm_tid_step = 1;

static __always_inline struct kmem_cache_cpu *raw_cpu_ptr(struct kmem_cache *s)
{
	return &s->cpu_slab[kmm_this_cpu()];
}

/* ---- reports ----------------------------------------------------------- */

void kmm_slab_err(struct kmem_cache *s, struct page *slab, const char *fmt, ...)
{
	char buf[160];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	kmm_report_lock();
	kmm_slab_bug(s, "%s", buf);
	if (slab)
		kmm_print_slab_info(slab);
	kmm_dump_stack();
	kmm_report_unlock();
	kmm_add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
}

/* A free pointer that leads outside the slab: reported, the rest dropped. */
static void freechain_corrupt(struct kmem_cache *s, struct page *slab, void *object, void *fp)
{
	kmm_report_lock();
	kmm_slab_bug(s, "Freechain corrupt");
	kmm_print_slab_info(slab);
	pr_err("Object 0x%016lx @offset=%tu fp=0x%016lx\n\n", (unsigned long)object,
	       (char *)object - (char *)slab_address(slab), (unsigned long)fp);
	kmm_dump_stack();
	kmm_slab_fix(s, "Isolate corrupted freechain");
	kmm_report_unlock();
	kmm_add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
}

void kmm_slab_double_free(struct kmem_cache *s, struct page *slab, void *object)
{
	kmm_slab_err(s, slab, "Object 0x%016lx already free (double free or corruption)",
		     (unsigned long)object);
}

/* ---- the per-CPU pair --------------------------------------------------- */

/*
 * this_cpu_cmpxchg_double: on the CPU the thread runs on now.  A thread
 * that migrated since it read tid uses another CPU's pair, whose tid
 * cannot match (tids differ modulo tid_step), and retries.
 */
static __always_inline bool this_cpu_cmpxchg_pair(struct kmem_cache *s, void *old_freelist,
						  unsigned long old_tid, void *new_freelist)
{
	struct kmem_cache_cpu *c = raw_cpu_ptr(s);

	return __sync_bool_compare_and_swap(&c->freelist_tid, pair(old_freelist, old_tid),
					    pair(new_freelist, next_tid(old_tid)));
}

/*
 * With c->lock held: make every fast path on c fail until release.  With
 * restartable sequences, by a sequence on c's CPU when the thread runs
 * there, else by a store and a fence that restarts the sequences running
 * there (src/arch/rseq.h).
 */
static void cpu_claim(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	void *f;
	unsigned long tid;

	if (kmm_percpu_rseq) {
		rseq_claim(&c->tid, (unsigned int)(c - s->cpu_slab));
		return;
	}
	do {
		f = __atomic_load_n(&c->freelist, __ATOMIC_ACQUIRE);
		tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
	} while (!__sync_bool_compare_and_swap(&c->freelist_tid, pair(f, tid), pair(f, tid | TID_BUSY)));
}

static void cpu_release(struct kmem_cache_cpu *c, void *freelist)
{
	void *f;
	unsigned long tid;

	if (kmm_percpu_rseq) {
		/* Only c->lock's holder writes tid in this mode. */
		WRITE_ONCE(c->freelist, freelist);
		__atomic_store_n(&c->tid, next_tid(c->tid), __ATOMIC_RELEASE);
		return;
	}
	do {
		f = __atomic_load_n(&c->freelist, __ATOMIC_RELAXED);
		tid = __atomic_load_n(&c->tid, __ATOMIC_RELAXED);
	} while (!__sync_bool_compare_and_swap(&c->freelist_tid, pair(f, tid),
					       pair(freelist, next_tid(tid))));
}

static inline void *cpu_freelist(struct kmem_cache_cpu *c)
{
	return __atomic_load_n(&c->freelist, __ATOMIC_RELAXED);
}

/* ---- slab state --------------------------------------------------------- */

static inline bool slab_update_freelist(struct page *slab, void *freelist_old,
					unsigned long counters_old, void *freelist_new,
					unsigned long counters_new)
{
	return __sync_bool_compare_and_swap((kmm_u128 *)&slab->freelist,
					    pair(freelist_old, counters_old),
					    pair(freelist_new, counters_new));
}

/* ---- freezing, unfreezing, partial lists --------------------------------- */

/* Take the slab's whole freelist for the CPU slab (get_freelist()). */
static void *get_freelist(struct page *slab)
{
	union slab_counters old, new;
	void *freelist;

	do {
		freelist = READ_ONCE(slab->freelist);
		old = slab_counters(slab);
		new = old;
		new.inuse = old.objects;
		new.frozen = freelist != NULL;
	} while (!slab_update_freelist(slab, freelist, old.counters, NULL, new.counters));
	return freelist;
}

/* A partial slab becomes a CPU slab (freeze_slab()). */
static void *freeze_slab(struct page *slab)
{
	union slab_counters old, new;
	void *freelist;

	do {
		freelist = READ_ONCE(slab->freelist);
		old = slab_counters(slab);
		new = old;
		new.inuse = old.objects;
		new.frozen = 1;
	} while (!slab_update_freelist(slab, freelist, old.counters, NULL, new.counters));
	return freelist;
}

/*
 * The CPU slab goes back: the CPU's freelist is spliced onto the slab's,
 * the slab is unfrozen and put on its node's partial list, or freed when
 * empty and the node has min_partial slabs already.
 */
static void deactivate_slab(struct kmem_cache *s, struct page *slab, void *freelist)
{
	unsigned long flags;
	struct kmem_cache_node *n = get_node(s, slab_nid(slab));
	unsigned long base = slab_obj_base(s, slab);
	unsigned long end = base + (unsigned long)slab_counters(slab).objects * s->size;
	void *tail = NULL, *iter = freelist, *next;
	union slab_counters old, new;
	void *old_freelist, *new_freelist;
	unsigned int free_delta = 0;
	bool to_tail = false;

	if (READ_ONCE(slab->freelist))
		to_tail = true;		/* remote frees: it is not cache-hot */
	while (iter) {
		next = get_freepointer(s, iter);
		if (unlikely(!freeptr_in_range(s, base, end, next))) {
			freechain_corrupt(s, slab, iter, next);
			set_freepointer(s, iter, NULL);
			next = NULL;
		}
		tail = iter;
		free_delta++;
		iter = next;
	}
	do {
		old_freelist = READ_ONCE(slab->freelist);
		old = slab_counters(slab);
		new = old;
		new.frozen = 0;
		if (tail) {
			new.inuse -= free_delta;
			set_freepointer(s, tail, old_freelist);
			new_freelist = freelist;
		} else {
			new_freelist = old_freelist;
		}
	} while (!slab_update_freelist(slab, old_freelist, old.counters, new_freelist, new.counters));

	if (!new.inuse && READ_ONCE(n->nr_partial) >= s->min_partial) {
		kmm_discard_slab(s, slab);
	} else if (new_freelist) {
		spin_lock_irqsave(&n->list_lock, flags);
		add_partial(n, slab, to_tail);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	/* else full: on no list until an object comes back */
}

/* Unfrozen slabs from a per-CPU partial list go to their nodes. */
static void __put_partials(struct kmem_cache *s, struct page *partial)
{
	unsigned long flags = 0;
	struct kmem_cache_node *n = NULL, *n2;
	struct page *slab, *discard = NULL;

	while (partial) {
		slab = partial;
		partial = slab->next;
		n2 = get_node(s, slab_nid(slab));
		if (n != n2) {
			if (n)
				spin_unlock_irqrestore(&n->list_lock, flags);
			n = n2;
			spin_lock_irqsave(&n->list_lock, flags);
		}
		if (unlikely(!slab_counters(slab).inuse && n->nr_partial >= s->min_partial)) {
			slab->next = discard;
			discard = slab;
		} else {
			add_partial(n, slab, true);
		}
	}
	if (n)
		spin_unlock_irqrestore(&n->list_lock, flags);
	while (discard) {
		slab = discard;
		discard = discard->next;
		kmm_discard_slab(s, slab);
	}
}

/* A slab that gained a free object goes on this CPU's partial list. */
static void put_cpu_partial(struct kmem_cache *s, struct page *slab, bool drain)
{
	unsigned long flags;
	struct kmem_cache_cpu *c = raw_cpu_ptr(s);
	struct page *oldslab, *slab_to_put = NULL;
	int slabs = 0;

	spin_lock_irqsave(&c->lock, flags);
	oldslab = c->partial;
	if (oldslab) {
		if (drain && oldslab->slabs >= (int)s->cpu_partial_slabs) {
			slab_to_put = oldslab;
			oldslab = NULL;
		} else {
			slabs = oldslab->slabs;
		}
	}
	slabs++;
	slab->slabs = slabs;
	slab->next = oldslab;
	c->partial = slab;
	spin_unlock_irqrestore(&c->lock, flags);
	if (slab_to_put)
		__put_partials(s, slab_to_put);
}

static struct page *get_partial_node(struct kmem_cache *s, struct kmem_cache_node *n)
{
	unsigned long flags;
	struct page *slab, *slab2, *partial = NULL;
	unsigned int partial_slabs = 0;

	if (!n || !READ_ONCE(n->nr_partial))
		return NULL;
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, slab2, &n->partial, slab_list) {
		remove_partial(n, slab);
		if (!partial) {
			partial = slab;
			if (!s->cpu_partial)
				break;
		} else {
			put_cpu_partial(s, slab, false);
			if (++partial_slabs > s->cpu_partial_slabs / 2)
				break;
		}
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return partial;
}

/*
 * A partial slab of node (NUMA_NO_NODE: this CPU's), else, unless the
 * request is __GFP_THISNODE for a given node, of any other node
 * (get_any_partial(), without the defrag ratio).
 */
static struct page *get_partial(struct kmem_cache *s, int node, gfp_t gfp)
{
	int searchnode = node == NUMA_NO_NODE ? kmm_numa_node_id() : node, nid;
	struct page *slab = get_partial_node(s, get_node(s, searchnode));

	if (slab || (node != NUMA_NO_NODE && (gfp & __GFP_THISNODE)))
		return slab;
	for_each_online_node(nid)
		if (nid != searchnode && (slab = get_partial_node(s, get_node(s, nid))))
			return slab;
	return NULL;
}

static inline bool node_match(struct page *slab, int node)
{
	return node == NUMA_NO_NODE || slab_nid(slab) == node;
}

/* ---- allocation ---------------------------------------------------------- */

/*
 * The slow path (___slab_alloc): the CPU freelist is empty, or the CPU
 * slab is not on the node asked for (which deactivates it, as the
 * kernel's ALLOC_NODE_MISMATCH does).  Take the CPU slab's remote frees,
 * else a per-CPU partial slab of the node (the others go back to their
 * nodes' lists), else a node partial slab, else a new slab.
 */
static noinline void *___slab_alloc(struct kmem_cache *s, gfp_t gfpflags, unsigned long addr,
				    int node)
{
	unsigned long flags;
	struct kmem_cache_cpu *c;
	struct page *slab;
	void *freelist, *next;
	unsigned long base, end;
	bool try_thisnode = true;
	gfp_t pc_flags;

	c = raw_cpu_ptr(s);
	spin_lock_irqsave(&c->lock, flags);
	cpu_claim(s, c);
reread_slab:
	slab = c->slab;
	if (!slab)
		goto new_slab;
	if (unlikely(!node_match(slab, node))) {
		freelist = cpu_freelist(c);
		WRITE_ONCE(c->slab, NULL);
		WRITE_ONCE(c->base, 0);
		WRITE_ONCE(c->end, 0);
		cpu_release(c, NULL);
		spin_unlock_irqrestore(&c->lock, flags);
		deactivate_slab(s, slab, freelist);
		goto relock;
	}
	freelist = cpu_freelist(c);
	if (freelist)
		goto load_freelist;
	freelist = get_freelist(slab);
	if (!freelist) {
		/* Full and now unfrozen: a free will put it on a partial list. */
		WRITE_ONCE(c->slab, NULL);
		goto new_slab;
	}
	goto load_freelist;

new_slab:
	if (c->partial) {
		slab = c->partial;
		c->partial = slab->next;
		cpu_release(c, NULL);
		spin_unlock_irqrestore(&c->lock, flags);
		if (unlikely(!node_match(slab, node))) {
			/* Another node's: back to its node's list (list_lock is outside c->lock). */
			slab->next = NULL;
			__put_partials(s, slab);
			goto relock;
		}
		freelist = freeze_slab(slab);
		goto retry_load_slab;
	}
	cpu_release(c, NULL);
	spin_unlock_irqrestore(&c->lock, flags);

	/*
	 * A node asked for without __GFP_THISNODE (Linux 6.7+): first that
	 * node's partial slabs only, then a new slab there if one comes
	 * without waiting; only then any node's.
	 */
	pc_flags = gfpflags;
	if (unlikely(node != NUMA_NO_NODE && !(gfpflags & __GFP_THISNODE) && try_thisnode))
		pc_flags = GFP_NOWAIT | __GFP_THISNODE | __GFP_NOWARN;
	slab = get_partial(s, node, pc_flags);
	if (slab) {
		freelist = freeze_slab(slab);
		goto retry_load_slab;
	}
	slab = kmm_new_slab(s, pc_flags, node);
	if (unlikely(!slab) && pc_flags != gfpflags) {
		try_thisnode = false;
		goto relock;
	}
	if (unlikely(!slab)) {
		kmm_slab_out_of_memory(s, gfpflags, node == NUMA_NO_NODE ? kmm_numa_node_id() : node);
		return NULL;
	}
	{
		union slab_counters cnt = slab_counters(slab);

		freelist = slab->freelist;
		slab->freelist = NULL;
		cnt.inuse = cnt.objects;
		cnt.frozen = 1;
		__atomic_store_n(&slab->counters, cnt.counters, __ATOMIC_RELAXED);
		inc_slabs_node(s, slab_nid(slab), cnt.objects);
	}

retry_load_slab:
	c = raw_cpu_ptr(s);
	spin_lock_irqsave(&c->lock, flags);
	cpu_claim(s, c);
	if (unlikely(c->slab)) {
		struct page *flush_slab = c->slab;
		void *flush_freelist = cpu_freelist(c);

		WRITE_ONCE(c->slab, NULL);
		cpu_release(c, NULL);
		spin_unlock_irqrestore(&c->lock, flags);
		deactivate_slab(s, flush_slab, flush_freelist);
		goto retry_load_slab;
	}
	WRITE_ONCE(c->slab, slab);

load_freelist:
	/* c->lock held, TID_BUSY set, freelist belongs to c->slab. */
	base = slab_obj_base(s, slab);
	end = base + (unsigned long)slab_counters(slab).objects * s->size;
	WRITE_ONCE(c->base, base);
	WRITE_ONCE(c->end, end);
	next = get_freepointer(s, freelist);
	if (unlikely(!freeptr_in_range(s, base, end, next))) {
		/* Hand out this object; the rest of the chain stays in use. */
		freechain_corrupt(s, slab, freelist, next);
		next = NULL;
	}
	cpu_release(c, next);
	spin_unlock_irqrestore(&c->lock, flags);
	return freelist;

relock:
	c = raw_cpu_ptr(s);
	spin_lock_irqsave(&c->lock, flags);
	cpu_claim(s, c);
	goto reread_slab;
}

static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfpflags,
					     unsigned long addr, int node)
{
	struct kmem_cache_cpu *c;
	void *object, *next;
	unsigned long tid;

	/*
	 * A given node: the slow path, which checks the CPU slab's node under
	 * c->lock (kmm does not check it in the lockless paths).
	 */
	if (unlikely(node != NUMA_NO_NODE)) {
		object = ___slab_alloc(s, gfpflags, addr, node);
		goto out;
	}
	if (likely(s->fastpath == FASTPATH_SLAB || s->fastpath == FASTPATH_SHEAVES)) {
		object = rseq_slab_alloc(s);
		if (unlikely(!object))
			object = ___slab_alloc(s, gfpflags, addr, NUMA_NO_NODE);
		goto out;
	}
	for (;;) {
		c = raw_cpu_ptr(s);
		object = __atomic_load_n(&c->freelist, __ATOMIC_ACQUIRE);
		tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
		/*
		 * With debug_pagealloc a slab freed meanwhile may be unmapped:
		 * its free pointers are read only under the lock.
		 */
		if (unlikely(!object || (tid & TID_BUSY) || debug_pagealloc_enabled())) {
			object = ___slab_alloc(s, gfpflags, addr, NUMA_NO_NODE);
			break;
		}
		next = get_freepointer_racy(s, object);
		if (unlikely(!freeptr_in_range(s, READ_ONCE(c->base), READ_ONCE(c->end), next))) {
			/* Corrupt, or a race: decide under the lock. */
			object = ___slab_alloc(s, gfpflags, addr, NUMA_NO_NODE);
			break;
		}
		if (likely(this_cpu_cmpxchg_pair(s, object, tid, next)))
			break;
	}
out:
	if (unlikely(gfpflags & __GFP_ZERO) && object)
		memset(object, 0, s->object_size);
	return object;
}

static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t gfpflags, unsigned long addr)
{
	return slab_alloc_node(s, gfpflags, addr, NUMA_NO_NODE);
}

/* The sheaves first (slub_sheaf.c), then the CPU slab. */
static __always_inline void *slab_alloc_sheaf(struct kmem_cache *s, gfp_t gfp, unsigned long addr)
{
	void *object;

	if (!s->cpu_sheaves)
		return slab_alloc(s, gfp, addr);
	object = kmm_percpu_rseq ? rseq_sheaf_alloc(s) : kmm_sheaf_alloc_trylock(s);
	if (unlikely(!object))
		object = kmm_sheaf_alloc_slow(s, gfp, addr);
	if (unlikely(gfp & __GFP_ZERO) && object)
		memset(object, 0, s->object_size);
	return object;
}

/*
 * Out of line, so that the debug caches' entries below are a test and a
 * tail call: inlined there, its frame (five saved registers) would be
 * set up before the test.
 */
static noinline void *slab_alloc_nodebug(struct kmem_cache *s, gfp_t gfp, unsigned long addr)
{
	return slab_alloc_sheaf(s, gfp, addr);
}

void *kmm_slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long addr)
{
	if (unlikely(kmem_cache_debug(s)))
		return kmm_debug_slab_alloc(s, gfp, addr, s->object_size, NUMA_NO_NODE);
	return slab_alloc_nodebug(s, gfp, addr);
}

void *kmm_slab_alloc_size(struct kmem_cache *s, gfp_t gfp, unsigned long addr, size_t size)
{
	if (unlikely(kmem_cache_debug(s)))
		return kmm_debug_slab_alloc(s, gfp, addr, (unsigned int)size, NUMA_NO_NODE);
	return slab_alloc_nodebug(s, gfp, addr);
}

/*
 * An allocation on node (kmem_cache_alloc_node(), kmalloc_node()): a node
 * without memory for s reads as NUMA_NO_NODE (the kernel's slab_nodes
 * test).  A given node takes the sheaves only when it is this CPU's and
 * the object on top is of it (6.18), else the CPU slab paths.
 */
void *kmm_slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int node, unsigned long addr,
			  size_t orig_size)
{
	if (node != NUMA_NO_NODE &&
	    (node < 0 || node >= (int)kmm_nr_online_nodes || !get_node(s, node)))
		node = NUMA_NO_NODE;
	if (unlikely(kmem_cache_debug(s)))
		return kmm_debug_slab_alloc(s, gfp, addr, (unsigned int)orig_size, node);
	if (node == NUMA_NO_NODE)
		return slab_alloc_sheaf(s, gfp, addr);
	if (s->cpu_sheaves) {
		void *object = kmm_sheaf_alloc_node(s, node);

		if (object) {
			if (unlikely(gfp & __GFP_ZERO))
				memset(object, 0, s->object_size);
			return object;
		}
	}
	return slab_alloc_node(s, gfp, addr, node);
}

/*
 * Up to n objects of the CPU slab into p (__kmem_cache_alloc_bulk()):
 * the CPU freelist's under one c->lock, then one object through the slow
 * path, which loads a new CPU slab, and again; fewer only when the slow
 * path fails.
 */
unsigned int kmm_slab_alloc_cpu_bulk(struct kmem_cache *s, gfp_t gfp, unsigned long addr,
				     void **p, unsigned int n)
{
	unsigned int got = 0;

	gfp &= ~__GFP_ZERO;
	while (got < n) {
		struct kmem_cache_cpu *c = raw_cpu_ptr(s);
		unsigned long flags;
		void *freelist;

		spin_lock_irqsave(&c->lock, flags);
		cpu_claim(s, c);
		freelist = cpu_freelist(c);
		while (got < n && freelist) {
			void *next = get_freepointer(s, freelist);

			if (unlikely(!freeptr_in_range(s, c->base, c->end, next))) {
				freechain_corrupt(s, c->slab, freelist, next);
				next = NULL;
			}
			p[got++] = freelist;
			freelist = next;
		}
		cpu_release(c, freelist);
		spin_unlock_irqrestore(&c->lock, flags);
		if (got == n)
			break;
		p[got] = ___slab_alloc(s, gfp, addr, NUMA_NO_NODE);
		if (!p[got])
			break;
		got++;
	}
	return got;
}

void *kmm_slab_alloc_cpu(struct kmem_cache *s, gfp_t gfp, unsigned long addr)
{
	return slab_alloc(s, gfp & ~__GFP_ZERO, addr);
}

/* ---- freeing --------------------------------------------------------------- */

/* The slow path: the object's slab is not this CPU's slab. */
static noinline void __slab_free(struct kmem_cache *s, struct page *slab, void *head,
				 void *tail, unsigned int cnt, unsigned long addr)
{
	unsigned long flags;
	struct kmem_cache_node *n = NULL;
	union slab_counters old, new;
	bool was_frozen, on_node_partial = false;
	void *prior;

	do {
		if (unlikely(n)) {
			spin_unlock_irqrestore(&n->list_lock, flags);
			n = NULL;
		}
		prior = READ_ONCE(slab->freelist);
		old = slab_counters(slab);
		if (unlikely(prior == head || old.inuse < cnt)) {
			kmm_slab_double_free(s, slab, head);
			return;
		}
		set_freepointer(s, tail, prior);
		new = old;
		was_frozen = new.frozen;
		new.inuse -= cnt;
		if ((!new.inuse || !prior) && !was_frozen) {
			/* Needs to be taken off a list, or put on one. */
			if (!kmem_cache_has_cpu_partial(s) || prior) {
				n = get_node(s, slab_nid(slab));
				spin_lock_irqsave(&n->list_lock, flags);
				on_node_partial = slab_test_node_partial(slab);
			}
		}
	} while (!slab_update_freelist(slab, prior, old.counters, head, new.counters));

	if (likely(!n)) {
		if (!was_frozen && kmem_cache_has_cpu_partial(s) && !prior)
			put_cpu_partial(s, slab, true);	/* was full */
		return;
	}
	/* Partially free but on a CPU's partial list, not the node's: done. */
	if (prior && !on_node_partial) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		return;
	}
	if (unlikely(!new.inuse && n->nr_partial >= s->min_partial))
		goto slab_empty;
	if (!kmem_cache_has_cpu_partial(s) && unlikely(!prior))
		add_partial(n, slab, true);
	spin_unlock_irqrestore(&n->list_lock, flags);
	return;

slab_empty:
	if (prior)
		remove_partial(n, slab);
	spin_unlock_irqrestore(&n->list_lock, flags);
	kmm_discard_slab(s, slab);
}

static __always_inline void do_slab_free(struct kmem_cache *s, struct page *slab, void *head,
					 void *tail, unsigned int cnt, unsigned long addr)
{
	struct kmem_cache_cpu *c;
	void *freelist;
	unsigned long tid;

	if (kmm_percpu_rseq) {
		/* Also with debug_pagealloc: the object's slab is mapped. */
		switch (rseq_slab_free(s, slab, head, tail)) {
		case 0:
			return;
		case 2:
			kmm_slab_double_free(s, slab, head);
			return;
		default:
			__slab_free(s, slab, head, tail, cnt, addr);
			return;
		}
	}
	for (;;) {
		c = raw_cpu_ptr(s);
		freelist = __atomic_load_n(&c->freelist, __ATOMIC_ACQUIRE);
		tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
		if (unlikely(slab != READ_ONCE(c->slab) || (tid & TID_BUSY))) {
			__slab_free(s, slab, head, tail, cnt, addr);
			return;
		}
		/* CONFIG_SLAB_FREELIST_HARDENED's naive double-free check. */
		if (unlikely(freelist == head)) {
			kmm_slab_double_free(s, slab, head);
			return;
		}
		set_freepointer(s, tail, freelist);
		if (likely(this_cpu_cmpxchg_pair(s, freelist, tid, head)))
			return;
	}
}

void kmm_slab_free(struct kmem_cache *s, struct page *slab, void *object, unsigned long addr)
{
	if (unlikely(kmem_cache_debug(s))) {
		kmm_debug_slab_free(s, slab, object, addr);
		return;
	}
	if (s->cpu_sheaves) {
		switch (kmm_percpu_rseq ? rseq_sheaf_free(s, object) :
					  kmm_sheaf_free_trylock(s, object)) {
		case 0:
			return;
		case 2:
			kmm_slab_double_free(s, slab, object);
			return;
		default:
			kmm_sheaf_free_slow(s, object, addr);
			return;
		}
	}
	do_slab_free(s, slab, object, object, 1, addr);
}

void kmm_slab_free_detached(struct kmem_cache *s, struct page *slab, void *head, void *tail,
			    unsigned int cnt, unsigned long addr)
{
	do_slab_free(s, slab, head, tail, cnt, addr);
}

/* ---- flushing, shrinking, shutdown ----------------------------------------- */

static void flush_cpu(struct kmem_cache *s, int cpu)
{
	unsigned long flags;
	struct kmem_cache_cpu *c = &s->cpu_slab[cpu];
	struct page *slab, *partial;
	void *freelist;

	spin_lock_irqsave(&c->lock, flags);
	cpu_claim(s, c);
	slab = c->slab;
	freelist = cpu_freelist(c);
	partial = c->partial;
	WRITE_ONCE(c->slab, NULL);
	WRITE_ONCE(c->base, 0);
	WRITE_ONCE(c->end, 0);
	c->partial = NULL;
	cpu_release(c, NULL);
	spin_unlock_irqrestore(&c->lock, flags);
	if (slab)
		deactivate_slab(s, slab, freelist);
	if (partial)
		__put_partials(s, partial);
}

void kmm_kmem_cache_flush(struct kmem_cache *s)
{
	int cpu;

	kmm_flush_all_sheaves(s);
	for_each_possible_cpu(cpu)
		flush_cpu(s, cpu);
}

#define SHRINK_PROMOTE_MAX 32

/* Move every entry of list to the front of head, in order. */
static void list_splice_init_(struct list_head *list, struct list_head *head)
{
	if (list_empty(list))
		return;
	list->next->prev = head;
	list->prev->next = head->next;
	head->next->prev = list->prev;
	head->next = list->next;
	INIT_LIST_HEAD(list);
}

/* Free every empty slab; order partial slabs fullest first.  1: slabs left. */
int kmm___kmem_cache_shrink(struct kmem_cache *s)
{
	unsigned long flags;
	struct list_head discard, promote[SHRINK_PROMOTE_MAX];
	struct page *slab, *t;
	int node, i, ret = 0;

	kmm_kmem_cache_flush(s);
	for_each_online_node(node) {
		struct kmem_cache_node *n = get_node(s, node);

		INIT_LIST_HEAD(&discard);
		for (i = 0; i < SHRINK_PROMOTE_MAX; i++)
			INIT_LIST_HEAD(promote + i);
		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(slab, t, &n->partial, slab_list) {
			union slab_counters c = slab_counters(slab);
			int free = (int)c.objects - (int)c.inuse;

			if (free == (int)c.objects) {
				list_move(&slab->slab_list, &discard);
				clear_page_flag(slab, PG_workingset);
				WRITE_ONCE(n->nr_partial, n->nr_partial - 1);
			} else if (free <= SHRINK_PROMOTE_MAX) {
				list_move(&slab->slab_list, promote + free - 1);
			}
		}
		for (i = SHRINK_PROMOTE_MAX - 1; i >= 0; i--)
			list_splice_init_(promote + i, &n->partial);
		spin_unlock_irqrestore(&n->list_lock, flags);
		list_for_each_entry_safe(slab, t, &discard, slab_list)
			kmm_discard_slab(s, slab);
		if (atomic_long_read(&n->nr_slabs))
			ret = 1;
	}
	return ret;
}

/* The objects of slab still in use, as the kernel lists them at shutdown. */
static void list_slab_objects(struct kmem_cache *s, struct page *slab, const char *text)
{
	union slab_counters c = slab_counters(slab);
	unsigned long base = slab_obj_base(s, slab);
	unsigned long end = base + (unsigned long)c.objects * s->size;
	unsigned char map[(MAX_OBJS_PER_PAGE + 7) / 8];
	unsigned int i, n = 0;
	void *p;

	memset(map, 0, (c.objects + 7) / 8);
	for (p = slab->freelist; p && n < c.objects; n++) {
		if (!freeptr_in_range(s, base, end, p))
			break;
		i = (unsigned int)(((char *)p - (char *)base) / s->size);
		map[i / 8] |= (unsigned char)(1 << (i % 8));
		p = get_freepointer(s, p);
	}
	kmm_report_lock();
	kmm_slab_err(s, slab, text, s->name);
	for (i = 0; i < c.objects; i++) {
		if (!(map[i / 8] & (1 << (i % 8)))) {
			p = (char *)base + (size_t)i * s->size;
			pr_err("Object 0x%016lx @offset=%tu\n", (unsigned long)p,
			       (char *)p - (char *)slab_address(slab));
			kmm_slab_print_tracking(s, p);
		}
	}
	kmm_report_unlock();
}

static void free_partial(struct kmem_cache *s, struct kmem_cache_node *n)
{
	unsigned long flags;
	struct list_head discard;
	struct page *slab, *h;

	INIT_LIST_HEAD(&discard);
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, h, &n->partial, slab_list) {
		if (!slab_counters(slab).inuse) {
			remove_partial(n, slab);
			list_add(&slab->slab_list, &discard);
		} else {
			list_slab_objects(s, slab, "Objects remaining in %s on __kmem_cache_shutdown()");
		}
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	list_for_each_entry_safe(slab, h, &discard, slab_list)
		kmm_discard_slab(s, slab);
}

/* 0 when every slab was freed; 1 when objects remain (reported). */
int kmm___kmem_cache_shutdown(struct kmem_cache *s)
{
	int node;

	kmm_kmem_cache_flush(s);
	for_each_online_node(node) {
		struct kmem_cache_node *n = get_node(s, node);

		free_partial(s, n);
		if (n->nr_partial || atomic_long_read(&n->nr_slabs))
			return 1;
	}
	return 0;
}

/* kmm_exit: every slab of s goes back, whatever it holds (mem_map walk). */
/*
 * kmm_exit: every slab of every cache but kmem_cache and kmem_cache_node
 * goes back to the page allocator, whatever it holds, in one walk of
 * mem_map.
 */
void kmm_slab_release_caches(void)
{
	struct kmem_cache *s;
	unsigned long pfn;
	int node;

	list_for_each_entry(s, &kmm_slab_caches, list)
		if (s != kmm_kmem_cache && s != kmm_kmem_cache_node)
			kmm_kmem_cache_flush(s);
	for (pfn = 0; pfn < kmm_max_pfn; pfn++) {
		struct page *slab = pfn_to_page(pfn);

		if (!PageSlab(slab))
			continue;
		s = slab->slab_cache;
		if (s == kmm_kmem_cache || s == kmm_kmem_cache_node)
			continue;
		if (slab_test_node_partial(slab))
			remove_partial(get_node(s, slab_nid(slab)), slab);
		kmm_discard_slab(s, slab);
	}
	list_for_each_entry(s, &kmm_slab_caches, list) {
		if (s == kmm_kmem_cache || s == kmm_kmem_cache_node)
			continue;
		for_each_online_node(node) {
			INIT_LIST_HEAD(&get_node(s, node)->partial);
			INIT_LIST_HEAD(&get_node(s, node)->full);
		}
	}
}
