/* SPDX-License-Identifier: MIT */
/*
 * The pcp lock (struct per_cpu_pages).  Hidden.
 *
 * The kernel's pcp_spin_trylock() is cheap because the code that holds it
 * cannot leave its CPU.  With restartable sequences (kmm_percpu_rseq,
 * src/arch/rseq.h) kmm gets the same: the fast paths lock the pcp of the
 * CPU they run on by a sequence that reads the CPU number, checks that
 * nobody holds that pcp (pcp->locked) or is claiming it from elsewhere
 * (pcp->remote) and commits pcp->locked = 1 with one plain store.  The
 * thread may migrate afterwards: it keeps the pcp it locked (not "the
 * current CPU's") until it releases it with a release store.  A failed
 * trylock sends the caller to the zone, as a failed spin_trylock does.
 *
 * Everybody else (draining another CPU, drain_all_pages, the validator,
 * the views) takes pcp->lock, which then only orders such claimers among
 * themselves, and claims the pcp: remote = 1, kmm_rseq_fence(cpu) so that
 * a sequence in flight on that CPU restarts and sees it, then waits for
 * the current local holder (if any) to release.  Sequences that start
 * later see remote and fail.
 *
 * Without restartable sequences (kmm.rseq=off, ThreadSanitizer, nr_cpus=
 * below the machine's CPUs, no membarrier) pcp->lock is the only lock, as
 * in the kernel: the fast paths take it with spin_trylock.
 *
 * lockdep: the sequence lock is annotated as a trylock of pcp->lock's
 * dep_map, so lockdep sees the same class, held in the same places, as
 * with the spinlock (the remote claim takes the spinlock itself).  Unlike
 * spin_trylock it does not raise preempt_count: nothing may sleep under
 * it, but might_sleep() no longer reports it.
 */
#ifndef KMM_MM_PCP_LOCK_H
#define KMM_MM_PCP_LOCK_H

#include "mm/internal.h"
#include "arch/rseq.h"
#include <stddef.h>

#ifndef KMM_NO_RSEQ
/*
 * locked and remote are tested by two 4-byte loads, not one 8-byte load of
 * both: the unlock's 4-byte store to locked is usually still in the store
 * buffer when the next sequence runs, and a wider load that overlaps it
 * cannot be forwarded from it (a stall of a dozen cycles or more).
 */

/*
 * Lock the pcp of the CPU the thread runs on, of zone->per_cpu_pageset
 * [0..kmm_nr_cpu_ids); NULL if that CPU has none, or its pcp is held or
 * being claimed.  The array and the bound are memory operands, read in
 * the sequence: registers the fast paths would otherwise have to save.
 */
static __always_inline struct per_cpu_pages *rseq_pcp_trylock(struct zone *zone)
{
	struct per_cpu_pages *pcp;
	unsigned long t1;

	__asm__ __volatile__(
		KMM_RSEQ_START("[rso]", "[t1]")
		"movl %%fs:4(%[rso]), %k[t1]\n\t"
		"cmpl %[nr], %k[t1]\n\t"
		"jae 5f\n\t"
		"imulq %[sz], %[t1], %[pcp]\n\t"
		"addq %[base], %[pcp]\n\t"
		"cmpl $0, %c[o_locked](%[pcp])\n\t"
		"jne 5f\n\t"
		"cmpl $0, %c[o_remote](%[pcp])\n\t"
		"jne 5f\n\t"
		"movl $1, %c[o_locked](%[pcp])\n"	/* commit */
		"2:\n\t"
		"jmp 9f\n"
		"5:\n\t"
		"xorl %k[pcp], %k[pcp]\n"
		"9:\n\t"
		KMM_RSEQ_ABORT
		: [pcp] "=&r"(pcp), [t1] "=&r"(t1)
		: [rso] "r"(kmm_arch_rseq_offset), [base] "m"(zone->per_cpu_pageset),
		  [nr] "m"(kmm_nr_cpu_ids),
		  [sz] "i"(sizeof(struct per_cpu_pages)),
		  [o_locked] "i"(offsetof(struct per_cpu_pages, locked)),
		  [o_remote] "i"(offsetof(struct per_cpu_pages, remote))
		: "cc", "memory");
	(void)t1;
	return pcp;
}
#else /* KMM_NO_RSEQ: kmm_percpu_rseq is never set */
static inline struct per_cpu_pages *rseq_pcp_trylock(struct zone *zone)
{
	return NULL;
}
#endif

/*
 * The fast paths' pcp_spin_trylock(): the pcp locked, or NULL (go to the
 * zone).  cpu is the caller's idea of its CPU, used without sequences.
 */
static __always_inline struct per_cpu_pages *pcp_trylock(struct zone *zone, int cpu)
{
	struct per_cpu_pages *pcp;

	if (likely(kmm_percpu_rseq)) {
		pcp = rseq_pcp_trylock(zone);
		if (likely(pcp))
			spin_acquire(&pcp->lock.dep_map, 0, 1, _THIS_IP_);
		return pcp;
	}
	pcp = &zone->per_cpu_pageset[cpu];
	return spin_trylock(&pcp->lock) ? pcp : NULL;
}

static __always_inline void pcp_unlock(struct per_cpu_pages *pcp)
{
	if (likely(kmm_percpu_rseq)) {
		spin_release(&pcp->lock.dep_map, _THIS_IP_);
		__atomic_store_n(&pcp->locked, 0, __ATOMIC_RELEASE);
		return;
	}
	spin_unlock(&pcp->lock);
}

/*
 * With pcp->lock held: wait until the pcp is ours (every fast path on it
 * fails until kmm_pcp_unclaim).  No-ops without sequences, where the
 * spinlock is the whole lock.  The caller must not hold the pcp through
 * pcp_trylock, nor any zone->lock.
 */
void kmm_pcp_claim(struct per_cpu_pages *pcp, int cpu);
void kmm_pcp_unclaim(struct per_cpu_pages *pcp);

/* spin_lock(&pcp->lock) + kmm_pcp_claim, and the reverse. */
static inline void pcp_lock_remote(struct per_cpu_pages *pcp, int cpu)
{
	spin_lock(&pcp->lock);
	kmm_pcp_claim(pcp, cpu);
}

static inline void pcp_unlock_remote(struct per_cpu_pages *pcp)
{
	kmm_pcp_unclaim(pcp);
	spin_unlock(&pcp->lock);
}

#endif /* KMM_MM_PCP_LOCK_H */
