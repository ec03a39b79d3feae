/* SPDX-License-Identifier: MIT */
/* Shared by the sleeping locks' slow paths (hidden). */
#ifndef KMM_LOCKING_LOCKING_H
#define KMM_LOCKING_LOCKING_H

#include <kmm/sched.h>
#include <sched.h>
#include "arch/arch.h"

#define KMM_SPINS_BEFORE_YIELD 128

/*
 * The wait_lock of a sleeping lock: a bare test-and-set word, not a
 * spinlock_t (lockdep does not track it, as the kernel's raw wait_lock is
 * only tracked as a leaf).
 */
static inline void kmm_wait_lock(atomic_int *l)
{
	unsigned int spins = 0;

	for (;;) {
		if (!atomic_load_explicit(l, memory_order_relaxed) &&
		    !atomic_exchange_explicit(l, 1, memory_order_acquire))
			return;
		if (++spins < KMM_SPINS_BEFORE_YIELD)
			cpu_relax();
		else
			sched_yield();
	}
}

static inline void kmm_wait_unlock(atomic_int *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

struct ww_acquire_ctx;
struct mutex;

/* The mutex slow path shared with ww_mutex (mutex.c). */
int kmm___mutex_lock_common(struct mutex *lock, bool interruptible, unsigned int subclass,
			    struct lockdep_map *nest_lock, unsigned long ip,
			    struct ww_acquire_ctx *ww_ctx);
bool kmm___mutex_trylock(struct mutex *lock);
void kmm___mutex_unlock(struct mutex *lock, unsigned long ip);
void kmm_ww_mutex_set_context_fastpath(struct mutex *lock, struct ww_acquire_ctx *ctx);

#endif /* KMM_LOCKING_LOCKING_H */
