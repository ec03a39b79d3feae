/* SPDX-License-Identifier: MIT */
/*
 * The SLUB fast paths as restartable sequences (src/arch/rseq.h).  Hidden.
 *
 * In this mode the CPU freelist is changed only by sequences running on
 * its CPU, which commit with one plain store, and by holders of c->lock
 * who first set TID_BUSY in c->tid (cpu_claim in slub.c): every sequence
 * reads tid first and leaves to the slow path while it is set.  tid itself
 * is then written only under c->lock.  The kernel's fast path does the
 * same work with this_cpu_cmpxchg_double and interrupts as the only
 * competition; here preemption, migration and signals restart the
 * sequence instead.
 *
 * The sequences address the rseq area as %fs:__rseq_offset, as glibc
 * places it in the thread control block.
 */
#ifndef KMM_MM_SLUB_RSEQ_H
#define KMM_MM_SLUB_RSEQ_H

#include "mm/slab.h"
#include "arch/rseq.h"
#include <stddef.h>

#ifndef KMM_NO_RSEQ

/* Hidden, so that the sequences read it with one rip-relative load. */
extern long kmm_arch_rseq_offset __attribute__((visibility("hidden")));

/* Per-CPU entries are indexed by a shift: their sizes are powers of two. */
_Static_assert(!(sizeof(struct kmem_cache_cpu) & (sizeof(struct kmem_cache_cpu) - 1)),
	       "struct kmem_cache_cpu's size is a power of two");
_Static_assert(!(sizeof(struct slub_percpu_sheaves) & (sizeof(struct slub_percpu_sheaves) - 1)),
	       "struct slub_percpu_sheaves' size is a power of two");
#define CPU_SHIFT(type)	"i"(__builtin_ctzl(sizeof(type)))

#define KC_OFF(f)	"i"(offsetof(struct kmem_cache, f))
#define KCC_OFF(f)	"i"(offsetof(struct kmem_cache_cpu, f))

/*
 * Pop the first object of this CPU's freelist (slab_alloc_node's fast
 * path); NULL: take the slow path (empty freelist, busy, or a next pointer
 * that is not an object of the CPU slab: the slow path decides under the
 * lock whether that is corruption).
 */
static __always_inline void *rseq_slab_alloc(struct kmem_cache *s)
{
	unsigned long obj, c, next, t1, t2;

	__asm__ goto __volatile__(
		KMM_RSEQ_START("[rso]", "[t1]")
		"movl %%fs:4(%[rso]), %k[c]\n\t"
		"cmpl %c[o_nr](%[s]), %k[c]\n\t"
		"jae %l[slow]\n\t"
		"shlq %[csh], %[c]\n\t"
		"addq %c[o_cpu_slab](%[s]), %[c]\n\t"
		"cmpq $0, %c[o_tid](%[c])\n\t"		/* TID_BUSY is the sign bit */
		"js %l[slow]\n\t"
		"movq %c[o_freelist](%[c]), %[obj]\n\t"
		"testq %[obj], %[obj]\n\t"
		"jz %l[slow]\n\t"
		/* next = *(obj + offset) ^ random ^ swab(obj + offset) */
		"movl %c[o_offset](%[s]), %k[t1]\n\t"
		"addq %[obj], %[t1]\n\t"
		"movq (%[t1]), %[next]\n\t"
		"xorq %c[o_random](%[s]), %[next]\n\t"
		"bswapq %[t1]\n\t"
		"xorq %[t1], %[next]\n\t"
		"jz 6f\n\t"				/* the last object */
		/* freeptr_in_range(): an object boundary in [base, end) */
		"movq %[next], %[t1]\n\t"
		"subq %c[o_base](%[c]), %[t1]\n\t"
		"movq %c[o_end](%[c]), %[t2]\n\t"
		"subq %c[o_base](%[c]), %[t2]\n\t"
		"cmpq %[t2], %[t1]\n\t"
		"jae %l[slow]\n\t"
		"imulq %c[o_recip](%[s]), %[t1]\n\t"
		"cmpq %c[o_recip](%[s]), %[t1]\n\t"
		"jae %l[slow]\n"
		"6:\n\t"
		"movq %[next], %c[o_freelist](%[c])\n"	/* commit */
		"2:\n\t"
		KMM_RSEQ_ABORT
		: [obj] "=&r"(obj), [c] "=&r"(c), [next] "=&r"(next), [t1] "=&r"(t1),
		  [t2] "=&r"(t2)
		: [rso] "r"(kmm_arch_rseq_offset), [s] "r"(s),
		  [csh] CPU_SHIFT(struct kmem_cache_cpu),
		  [o_cpu_slab] KC_OFF(cpu_slab), [o_nr] KC_OFF(nr_cpu_ids), [o_offset] KC_OFF(offset),
		  [o_random] KC_OFF(random), [o_recip] KC_OFF(reciprocal_size),
		  [o_tid] KCC_OFF(tid), [o_freelist] KCC_OFF(freelist),
		  [o_base] KCC_OFF(base), [o_end] KCC_OFF(end)
		: "cc", "memory"
		: slow);
	(void)c; (void)next; (void)t1; (void)t2;
	if (!obj)
		__builtin_unreachable();	/* tested in the sequence */
	return (void *)obj;
slow:
	return NULL;
}

/*
 * Push head..tail onto this CPU's freelist if slab is its CPU slab and
 * head one of its object boundaries (the do_slab_free fast path).  0:
 * done; 1: take the slow path (which checks the pointer); 2: head is
 * already the first free object (the hardened freelist's double-free
 * check).
 */
static __always_inline int rseq_slab_free(struct kmem_cache *s, struct page *slab, void *head,
					  void *tail)
{
	__asm__ goto __volatile__(
		KMM_RSEQ_START("[rso]", "%r8")
		"movl %%fs:4(%[rso]), %%r9d\n\t"
		"cmpl %c[o_nr](%[s]), %%r9d\n\t"
		"jae %l[slow]\n\t"
		"shlq %[csh], %%r9\n\t"
		"addq %c[o_cpu_slab](%[s]), %%r9\n\t"
		"cmpq $0, %c[o_tid](%%r9)\n\t"
		"js %l[slow]\n\t"
		"cmpq %[slab], %c[o_slab](%%r9)\n\t"
		"jne %l[slow]\n\t"
		/* head is an object boundary of the CPU slab */
		"movq %[head], %%r8\n\t"
		"subq %c[o_base](%%r9), %%r8\n\t"
		"movq %c[o_end](%%r9), %%r10\n\t"
		"subq %c[o_base](%%r9), %%r10\n\t"
		"cmpq %%r10, %%r8\n\t"
		"jae %l[slow]\n\t"
		"imulq %c[o_recip](%[s]), %%r8\n\t"
		"cmpq %c[o_recip](%[s]), %%r8\n\t"
		"jae %l[slow]\n\t"
		"movq %c[o_freelist](%%r9), %%r8\n\t"
		"cmpq %%r8, %[head]\n\t"
		"je %l[dbl]\n\t"
		/* *(tail + offset) = freelist ^ random ^ swab(tail + offset) */
		"movl %c[o_offset](%[s]), %%r10d\n\t"
		"addq %[tail], %%r10\n\t"
		"movq %%r10, %%r11\n\t"
		"bswapq %%r11\n\t"
		"xorq %c[o_random](%[s]), %%r11\n\t"
		"xorq %%r8, %%r11\n\t"
		"movq %%r11, (%%r10)\n\t"
		"movq %[head], %c[o_freelist](%%r9)\n"	/* commit */
		"2:\n\t"
		KMM_RSEQ_ABORT
		:
		: [rso] "r"(kmm_arch_rseq_offset), [s] "r"(s), [slab] "r"(slab), [head] "r"(head),
		  [tail] "r"(tail),
		  [csh] CPU_SHIFT(struct kmem_cache_cpu),
		  [o_cpu_slab] KC_OFF(cpu_slab), [o_nr] KC_OFF(nr_cpu_ids), [o_offset] KC_OFF(offset),
		  [o_random] KC_OFF(random), [o_recip] KC_OFF(reciprocal_size),
		  [o_tid] KCC_OFF(tid), [o_slab] KCC_OFF(slab), [o_freelist] KCC_OFF(freelist),
		  [o_base] KCC_OFF(base), [o_end] KCC_OFF(end)
		: "cc", "memory", "r8", "r9", "r10", "r11"
		: slow, dbl);
	return 0;
slow:
	return 1;
dbl:
	return 2;
}

/*
 * *word = (*word & keep) | set by a sequence on cpu; false if the thread
 * is not running there.
 */
static inline bool rseq_cpu_update(unsigned long *word, unsigned long keep, unsigned long set,
				   unsigned int cpu)
{
	unsigned long t1;
	int ret;

	__asm__ __volatile__(
		KMM_RSEQ_START("[rso]", "[t1]")
		"movl %%fs:4(%[rso]), %k[t1]\n\t"
		"cmpl %[cpu], %k[t1]\n\t"
		"jne 5f\n\t"
		"movq (%[w]), %[t1]\n\t"
		"andq %[keep], %[t1]\n\t"
		"orq %[set], %[t1]\n\t"
		"movq %[t1], (%[w])\n"			/* commit */
		"2:\n\t"
		"xorl %k[ret], %k[ret]\n\t"
		"jmp 9f\n"
		"5:\n\t"
		"movl $1, %k[ret]\n"
		"9:\n\t"
		KMM_RSEQ_ABORT
		: [ret] "=&r"(ret), [t1] "=&r"(t1)
		: [rso] "r"(kmm_arch_rseq_offset), [w] "r"(word), [keep] "r"(keep),
		  [set] "r"(set), [cpu] "r"(cpu)
		: "cc", "memory");
	return !ret;
}

#define PCS_OFF(f)	"i"(offsetof(struct slub_percpu_sheaves, f))
_Static_assert(offsetof(struct slab_sheaf, none) + sizeof(void *) ==
	       offsetof(struct slab_sheaf, objects), "none is objects[-1]");
#define SHEAF_OFF(f)	"i"(offsetof(struct slab_sheaf, f))

/*
 * Pop the last object of this CPU's main sheaf, or of the spare when main
 * is empty (kmm: the slow path's exchange of an empty main with a spare
 * that has objects, without the exchange: one commit either way); NULL:
 * both empty, or the lock's holder works on them (cur is kmm_locked_sheaf,
 * empty with no room).
 */
static __always_inline void *rseq_sheaf_alloc(struct kmem_cache *s)
{
	unsigned long obj, pcs, m, n;

	__asm__ goto __volatile__(
		KMM_RSEQ_START("[rso]", "[pcs]")
		"movl %%fs:4(%[rso]), %k[pcs]\n\t"
		"cmpl %c[o_nr](%[s]), %k[pcs]\n\t"
		"jae %l[slow]\n\t"
		"shlq %[psh], %[pcs]\n\t"
		"addq %c[o_sheaves](%[s]), %[pcs]\n\t"
		"movq %c[o_cur](%[pcs]), %[m]\n\t"
		"movl %c[o_size](%[m]), %k[n]\n\t"
		"subl $1, %k[n]\n\t"
		"jae 6f\n\t"
		"cmpl $0, %c[o_cap](%[m])\n\t"		/* kmm_locked_sheaf */
		"je %l[slow]\n\t"
		"movq %c[o_spare](%[pcs]), %[m]\n\t"	/* main was empty */
		"testq %[m], %[m]\n\t"
		"jz %l[slow]\n\t"
		"movl %c[o_size](%[m]), %k[n]\n\t"
		"subl $1, %k[n]\n\t"
		"jb %l[slow]\n"
		"6:\n\t"
		"movq %c[o_objs](%[m],%[n],8), %[obj]\n\t"
		"movl %k[n], %c[o_size](%[m])\n"	/* commit */
		"2:\n\t"
		KMM_RSEQ_ABORT
		: [obj] "=&r"(obj), [pcs] "=&r"(pcs), [m] "=&r"(m), [n] "=&r"(n)
		: [rso] "r"(kmm_arch_rseq_offset), [s] "r"(s),
		  [psh] CPU_SHIFT(struct slub_percpu_sheaves),
		  [o_nr] KC_OFF(nr_cpu_ids), [o_sheaves] KC_OFF(cpu_sheaves),
		  [o_cur] PCS_OFF(cur), [o_spare] PCS_OFF(spare),
		  [o_size] SHEAF_OFF(size), [o_cap] SHEAF_OFF(capacity), [o_objs] SHEAF_OFF(objects)
		: "cc", "memory"
		: slow);
	(void)pcs; (void)m; (void)n;
	if (!obj)
		__builtin_unreachable();	/* sheaves hold no NULL */
	return (void *)obj;
slow:
	return NULL;
}

/*
 * Push object onto this CPU's main sheaf, or onto the spare when main is
 * full (as rseq_sheaf_alloc() pops).  0: done; 1: take the slow path
 * (both full, or locked); 2: object is already the last one pushed onto
 * that sheaf (a double free, the check the freelist head gave before).
 */
static __always_inline int rseq_sheaf_free(struct kmem_cache *s, void *object)
{
	__asm__ goto __volatile__(
		KMM_RSEQ_START("[rso]", "%r8")
		"movl %%fs:4(%[rso]), %%r9d\n\t"
		"cmpl %c[o_nr](%[s]), %%r9d\n\t"
		"jae %l[slow]\n\t"
		"shlq %[psh], %%r9\n\t"
		"addq %c[o_sheaves](%[s]), %%r9\n\t"
		"movq %c[o_cur](%%r9), %%r10\n\t"
		"movl %c[o_size](%%r10), %%r8d\n\t"
		"cmpl %c[o_cap](%%r10), %%r8d\n\t"
		"jb 6f\n\t"
		"cmpl $0, %c[o_cap](%%r10)\n\t"		/* kmm_locked_sheaf */
		"je %l[slow]\n\t"
		"movq %c[o_spare](%%r9), %%r10\n\t"	/* main was full */
		"testq %%r10, %%r10\n\t"
		"jz %l[slow]\n\t"
		"movl %c[o_size](%%r10), %%r8d\n\t"
		"cmpl %c[o_cap](%%r10), %%r8d\n\t"
		"jae %l[slow]\n"
		"6:\n\t"
		/* objects[-1] of an empty sheaf is its NULL "none" */
		"cmpq %[obj], %c[o_objs]-8(%%r10,%%r8,8)\n\t"
		"je %l[dbl]\n\t"
		"movq %[obj], %c[o_objs](%%r10,%%r8,8)\n\t"
		"addl $1, %%r8d\n\t"
		"movl %%r8d, %c[o_size](%%r10)\n"	/* commit */
		"2:\n\t"
		KMM_RSEQ_ABORT
		:
		: [rso] "r"(kmm_arch_rseq_offset), [s] "r"(s), [obj] "r"(object),
		  [psh] CPU_SHIFT(struct slub_percpu_sheaves),
		  [o_nr] KC_OFF(nr_cpu_ids), [o_sheaves] KC_OFF(cpu_sheaves),
		  [o_cur] PCS_OFF(cur), [o_spare] PCS_OFF(spare),
		  [o_size] SHEAF_OFF(size), [o_cap] SHEAF_OFF(capacity),
		  [o_objs] SHEAF_OFF(objects)
		: "cc", "memory", "r8", "r9", "r10"
		: slow, dbl);
	return 0;
slow:
	return 1;
dbl:
	return 2;
}

#undef PCS_OFF
#undef SHEAF_OFF
#undef KC_OFF
#undef CPU_SHIFT
#undef KCC_OFF

#else /* KMM_NO_RSEQ: kmm_percpu_rseq is never set */

static inline void *rseq_slab_alloc(struct kmem_cache *s) { return NULL; }
static inline int rseq_slab_free(struct kmem_cache *s, struct page *slab, void *head,
				 void *tail) { return 1; }
static inline bool rseq_cpu_update(unsigned long *word, unsigned long keep, unsigned long set,
				   unsigned int cpu)
{
	return false;
}
static inline void *rseq_sheaf_alloc(struct kmem_cache *s) { return NULL; }
static inline int rseq_sheaf_free(struct kmem_cache *s, void *object) { return 1; }

#endif /* KMM_NO_RSEQ */

/*
 * Make every sequence on cpu leave to the slow path: *word = (*word &
 * keep) | set, by a sequence when the thread runs on cpu, else by a store
 * and a fence that restarts the sequences running there.  The caller
 * holds the lock that orders such claims, and releases with a release
 * store.
 */
static inline void rseq_claim_word(unsigned long *word, unsigned long keep, unsigned long set,
				   unsigned int cpu)
{
	if (rseq_cpu_update(word, keep, set, cpu))
		return;
	__atomic_store_n(word, (*word & keep) | set, __ATOMIC_SEQ_CST);
	/* Registered at boot; it cannot fail for an online CPU. */
	BUG_ON(!kmm_rseq_fence((int)cpu));
}

/* With c->lock of cpu held: set TID_BUSY in c->tid.  Released by a
 * release store that clears the bit. */
static inline void rseq_claim(unsigned long *word, unsigned int cpu)
{
	rseq_claim_word(word, ~0UL, TID_BUSY, cpu);
}

/* With pcs->lock of cpu held: point the sequences at kmm_locked_sheaf.
 * Released by a release store of main into cur. */
static inline void rseq_claim_sheaves(struct slub_percpu_sheaves *pcs, unsigned int cpu)
{
	rseq_claim_word((unsigned long *)&pcs->cur, 0, (unsigned long)&kmm_locked_sheaf, cpu);
}

/*
 * The entry points' fast paths (slab_common.c): NULL / false means take
 * the slow path, which also reports whatever is wrong.  The sheaves come
 * first: they are the common case.
 */
static __always_inline void *fastpath_alloc(struct kmem_cache *s)
{
	if (likely(s->fastpath == FASTPATH_SHEAVES))
		return rseq_sheaf_alloc(s);
	/* A load of its own, so that the first test is one instruction. */
	if (READ_ONCE(s->fastpath) == FASTPATH_SLAB)
		return rseq_slab_alloc(s);
	/*
	 * FASTPATH_TRYLOCK: the general path's trylock.  A call here would
	 * cost the sequences' callers (kmalloc, kfree) a stack frame.
	 */
	return NULL;
}

/* x is at offset in slab, a slab of s (slab_lookup()). */
static __always_inline bool fastpath_free(struct kmem_cache *s, struct page *slab,
					  unsigned long offset, void *x)
{
	if (likely(s->fastpath == FASTPATH_SHEAVES))
		return slab_offset_ok(s, slab, offset) && !rseq_sheaf_free(s, x);
	if (READ_ONCE(s->fastpath) == FASTPATH_SLAB)
		return !rseq_slab_free(s, slab, x, x);
	return false;
}
#endif /* KMM_MM_SLUB_RSEQ_H */
