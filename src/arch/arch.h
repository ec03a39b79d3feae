/* SPDX-License-Identifier: MIT */
/*
 * The only interface to the operating system: address-space reservation,
 * protection and discard, the current CPU, thread identity.  Hidden.
 */
#ifndef KMM_ARCH_H
#define KMM_ARCH_H

#include <kmm/types.h>

#define KMM_PROT_NONE	0
#define KMM_PROT_RW	3

/* Reserve size bytes aligned to align, readable and writable, committed
 * lazily (MAP_NORESERVE).  NULL on failure. */
void *kmm_arch_reserve(size_t size, size_t align);
void kmm_arch_release(void *addr, size_t size);
/* 0 or -errno. */
int kmm_arch_protect(void *addr, size_t size, int prot);
/* Give the memory back to the OS; it reads as zeroes afterwards. */
void kmm_arch_discard(void *addr, size_t size);

unsigned int kmm_arch_nr_cpus(void);
void kmm_arch_cpu_init(void);
extern __thread unsigned int kmm_arch_fallback_cpu;
extern long kmm_arch_rseq_offset;	/* 0: no rseq, use sched_getcpu() */
int kmm_arch_getcpu_slow(void);

/* Tell the CPU we are spinning (pause on x86, yield on arm64). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	barrier();
#endif
}

/* The CPU this thread runs on now (it may change right after). */
static inline int kmm_arch_getcpu(void)
{
	if (likely(kmm_arch_rseq_offset)) {
		/* struct rseq: u32 cpu_id_start, u32 cpu_id. */
		const volatile u32 *rs = (const volatile u32 *)
			((char *)__builtin_thread_pointer() + kmm_arch_rseq_offset);
		int cpu = (int)rs[1];
		if (likely(cpu >= 0))
			return cpu;
	}
	return kmm_arch_getcpu_slow();
}

#endif /* KMM_ARCH_H */
