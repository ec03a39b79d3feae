/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data without locked instructions: restartable sequences.  Hidden.
 *
 * The kernel updates per-CPU data with plain instructions because the
 * code cannot leave the CPU in the middle (preemption or interrupts are
 * off, or this_cpu_cmpxchg is one instruction).  A thread can: it may be
 * preempted or migrate anywhere.  A restartable sequence (rseq(2), the
 * area glibc 2.35+ registers for every thread) gives back the kernel's
 * guarantee: a short run of instructions that reads the CPU number,
 * works on that CPU's data and ends in one committing store, and that
 * the kernel restarts from its abort handler whenever the thread is
 * preempted, migrated or signalled before the commit.  No other thread
 * can touch the same CPU's data in between, so no lock prefix is needed.
 *
 * Data other than the owning CPU's sequences change is protected by a
 * "busy" mark that every sequence checks first: the owner of a per-CPU
 * slot's lock sets it, by a sequence when it runs on that CPU, else by a
 * plain store followed by kmm_rseq_fence(cpu) (membarrier(2)'s
 * MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ), which restarts any sequence
 * in flight there.  After that, plain stores from anywhere are safe
 * until the mark is cleared with a release store.
 *
 * The mode is chosen at boot (kmm_percpu_rseq): on when rseq and the
 * membarrier command are available, x86-64, not under ThreadSanitizer
 * (which cannot see inside the sequences), every CPU has its own slot
 * (nr_cpus= not below the machine's CPUs), and kmm.rseq= is not off.
 * Otherwise the per-CPU fast paths use locked compare-and-swap.
 */
#ifndef KMM_ARCH_RSEQ_H
#define KMM_ARCH_RSEQ_H

#include "arch.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KMM_NO_RSEQ 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || !defined(__x86_64__)
#define KMM_NO_RSEQ 1
#endif

/* The signature glibc registers the rseq area with (RSEQ_SIG on x86). */
#define KMM_RSEQ_SIG	0x53053053
#define KMM_RSEQ_STR_(x)	#x
#define KMM_RSEQ_STR(x)		KMM_RSEQ_STR_(x)

/* The leading fields of the kernel's struct rseq. */
struct kmm_rseq_area {
	u32 cpu_id_start;
	u32 cpu_id;
	u64 rseq_cs;
	u32 flags;
};

extern bool kmm_percpu_rseq;	/* chosen at boot, fixed until kmm_exit */
extern bool kmm_rseq_param;	/* kmm.rseq= (default on) */

/* Choose the mode for this boot (nr_cpu_ids known). */
void kmm_rseq_init(unsigned int nr_ids);
/* Restart every sequence running on cpu now; false if that failed. */
bool kmm_rseq_fence(int cpu);

static __always_inline struct kmm_rseq_area *kmm_rseq_area(void)
{
	return (struct kmm_rseq_area *)((char *)__builtin_thread_pointer() +
					 kmm_arch_rseq_offset);
}

/*
 * Assembler building blocks (x86-64).  A sequence is written as
 *
 *	KMM_RSEQ_START(rso, tmp)	-- label 1 starts the critical section
 *	... loads, checks (jumping out to labels >= 5 on failure) ...
 *	<one committing store>
 *	"2:\n"				-- the post-commit address
 *	...
 *	KMM_RSEQ_ABORT			-- restarts at label 0
 *
 * Label 3 is the descriptor, 4 the abort handler (preceded by the
 * signature, as the kernel checks), 0 re-arms the sequence.  rso is a
 * register holding __rseq_offset: the area is %fs:rso (glibc puts it in
 * the thread control block).
 */
#define KMM_RSEQ_START(rso, tmp)					\
	".pushsection __rseq_cs, \"aw\"\n\t"				\
	".balign 32\n"							\
	"3:\n\t"							\
	".long 0, 0\n\t"						\
	".quad 1f, (2f - 1f), 4f\n\t"					\
	".popsection\n"							\
	"0:\n\t"							\
	"leaq 3b(%%rip), %" tmp "\n\t"					\
	"movq %" tmp ", %%fs:8(%" rso ")\n"				\
	"1:\n\t"

#define KMM_RSEQ_ABORT							\
	".pushsection __rseq_failure, \"ax\"\n\t"			\
	".byte 0x0f, 0xb9, 0x3d\n\t"					\
	".long " KMM_RSEQ_STR(KMM_RSEQ_SIG) "\n"				\
	"4:\n\t"							\
	"jmp 0b\n\t"							\
	".popsection\n\t"

#endif /* KMM_ARCH_RSEQ_H */
