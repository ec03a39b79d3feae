/* SPDX-License-Identifier: MIT */
/*
 * spinlock_t.  The fast path (one exchange) is inline; contention goes to
 * kmm_spin_lock_slowpath(), which spins with a pause and then yields the
 * CPU, since in userspace the holder can be preempted.
 */
#ifndef KMM_SPINLOCK_H
#define KMM_SPINLOCK_H

#include <kmm/types.h>

typedef struct spinlock {
	atomic_int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name)	{ .locked = 0 }
#define DEFINE_SPINLOCK(name)	spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

KMM_API void kmm_spin_lock_slowpath(spinlock_t *lock);

static inline void spin_lock_init(spinlock_t *lock)
{
	atomic_store_explicit(&lock->locked, 0, memory_order_relaxed);
}

static inline bool spin_trylock(spinlock_t *lock)
{
	return atomic_load_explicit(&lock->locked, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(&lock->locked, 1, memory_order_acquire) == 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	if (likely(atomic_exchange_explicit(&lock->locked, 1, memory_order_acquire) == 0))
		return;
	kmm_spin_lock_slowpath(lock);
}

static inline void spin_unlock(spinlock_t *lock)
{
	atomic_store_explicit(&lock->locked, 0, memory_order_release);
}

static inline bool spin_is_locked(spinlock_t *lock)
{
	return atomic_load_explicit(&lock->locked, memory_order_relaxed) != 0;
}

#endif /* KMM_SPINLOCK_H */
