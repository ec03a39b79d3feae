/* SPDX-License-Identifier: MIT */
/* Kernel-style scalar types and the small helpers every subsystem uses. */
#ifndef KMM_TYPES_H
#define KMM_TYPES_H

#include <kmm/compiler.h>
#include <stdatomic.h>
#include <sys/types.h>

typedef uint8_t  u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t   s8;
typedef int16_t  s16;
typedef int32_t  s32;
typedef int64_t  s64;

typedef unsigned int gfp_t;
typedef u64 phys_addr_t;

typedef struct { atomic_int counter; } atomic_t;
typedef struct { atomic_long counter; } atomic_long_t;

static inline int atomic_read(const atomic_t *v)
{ return atomic_load_explicit((atomic_int *)&v->counter, memory_order_relaxed); }
static inline void atomic_set(atomic_t *v, int i)
{ atomic_store_explicit(&v->counter, i, memory_order_relaxed); }
static inline void atomic_inc(atomic_t *v) { atomic_fetch_add(&v->counter, 1); }
static inline void atomic_dec(atomic_t *v) { atomic_fetch_sub(&v->counter, 1); }
static inline int atomic_add_return(int i, atomic_t *v)
{ return atomic_fetch_add(&v->counter, i) + i; }
static inline bool atomic_dec_and_test(atomic_t *v)
{ return atomic_fetch_sub(&v->counter, 1) == 1; }

static inline long atomic_long_read(const atomic_long_t *v)
{ return atomic_load_explicit((atomic_long *)&v->counter, memory_order_relaxed); }
static inline void atomic_long_set(atomic_long_t *v, long i)
{ atomic_store_explicit(&v->counter, i, memory_order_relaxed); }
static inline void atomic_long_add(long i, atomic_long_t *v)
{ atomic_fetch_add_explicit(&v->counter, i, memory_order_relaxed); }

#define ALIGN(x, a)		(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)

#define BIT(n)		(1UL << (n))
#define SZ_1K		0x400UL
#define SZ_1M		0x100000UL
#define SZ_1G		0x40000000UL

#define BITS_PER_LONG	64

#endif /* KMM_TYPES_H */
