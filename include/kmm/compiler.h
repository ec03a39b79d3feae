/* SPDX-License-Identifier: MIT */
/*
 * Compiler helpers shared by every kmm header: visibility, branch hints,
 * READ_ONCE/WRITE_ONCE and the container_of family.
 */
#ifndef KMM_COMPILER_H
#define KMM_COMPILER_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* Exported (public) symbols; everything else in libkmm is hidden. */
#define KMM_API __attribute__((visibility("default")))

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#ifndef __maybe_unused
#define __maybe_unused	__attribute__((unused))
#endif
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#ifndef noinline
#define noinline	__attribute__((noinline))
#endif
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef __cold
#define __cold		__attribute__((cold))
#endif

#define ____cacheline_aligned	__attribute__((aligned(64)))
#define SMP_CACHE_BYTES		64

#define barrier()	__asm__ __volatile__("" ::: "memory")

#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

#endif /* KMM_COMPILER_H */
