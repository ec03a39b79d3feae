/* SPDX-License-Identifier: MIT */
/*
 * rwlock_t with the kernel's queued rwlock semantics (kernel/locking/
 * qrwlock.c): a writer that has to wait sets a "waiting" bit that sends
 * new readers to the queue behind it, so a stream of readers cannot starve
 * it; but a reader in interrupt context only waits for a writer that
 * holds the lock, not for one that waits, so an interrupt handler that
 * read-locks a lock its thread already read-holds cannot deadlock.
 *
 * For lockdep a reader is recursive (read=2) only in interrupt context, as
 * the kernel's read_lock_is_recursive() says for queued rwlocks: in task
 * context a second read_lock() of a lock this thread read-holds waits
 * behind a waiting writer, a real deadlock.  kmm_force_read_lock_recursive
 * makes every reader recursive (lockdep's selftests set it).
 *
 * Fast paths are inline; contention and the lockdep path are out of line.
 */
#ifndef KMM_RWLOCK_H
#define KMM_RWLOCK_H

#include <kmm/spinlock.h>
#include <kmm/rwlock_types.h>

#define _QW_WAITING	0x100		/* a writer is waiting */
#define _QW_LOCKED	0x0ff		/* a writer holds the lock */
#define _QW_WMASK	0x1ff		/* writer mask */
#define _QR_SHIFT	9		/* reader count shift */
#define _QR_BIAS	(1U << _QR_SHIFT)

KMM_API extern int kmm_force_read_lock_recursive;
KMM_API bool kmm_read_lock_is_recursive(void);
KMM_API void kmm_queued_read_lock_slowpath(rwlock_t *lock);
KMM_API void kmm_queued_write_lock_slowpath(rwlock_t *lock);
/* The lockdep/lock_stat paths (preemption already off). */
KMM_API void kmm_read_lock_hooked(rwlock_t *lock, unsigned long ip);
KMM_API void kmm_write_lock_hooked(rwlock_t *lock, unsigned long ip);
KMM_API void kmm_rwlock_acquire_read_try(rwlock_t *lock, unsigned long ip);

static __always_inline void do_raw_read_lock(rwlock_t *lock)
{
	int cnts = atomic_fetch_add_explicit(&lock->cnts, _QR_BIAS, memory_order_acquire) + _QR_BIAS;

	if (likely(!(cnts & _QW_WMASK)))
		return;
	kmm_queued_read_lock_slowpath(lock);
}

static __always_inline int do_raw_read_trylock(rwlock_t *lock)
{
	int cnts = atomic_load_explicit(&lock->cnts, memory_order_relaxed);

	if (likely(!(cnts & _QW_WMASK))) {
		cnts = atomic_fetch_add_explicit(&lock->cnts, _QR_BIAS,
						 memory_order_acquire) + _QR_BIAS;
		if (likely(!(cnts & _QW_WMASK)))
			return 1;
		atomic_fetch_sub_explicit(&lock->cnts, _QR_BIAS, memory_order_relaxed);
	}
	return 0;
}

static __always_inline void do_raw_write_lock(rwlock_t *lock)
{
	int cnts = 0;

	if (likely(atomic_compare_exchange_strong_explicit(&lock->cnts, &cnts, _QW_LOCKED,
							   memory_order_acquire,
							   memory_order_relaxed)))
		return;
	kmm_queued_write_lock_slowpath(lock);
}

static __always_inline int do_raw_write_trylock(rwlock_t *lock)
{
	int cnts = atomic_load_explicit(&lock->cnts, memory_order_relaxed);

	if (unlikely(cnts))
		return 0;
	return atomic_compare_exchange_strong_explicit(&lock->cnts, &cnts, _QW_LOCKED,
						       memory_order_acquire,
						       memory_order_relaxed);
}

static __always_inline void do_raw_read_unlock(rwlock_t *lock)
{
	atomic_fetch_sub_explicit(&lock->cnts, _QR_BIAS, memory_order_release);
}

static __always_inline void do_raw_write_unlock(rwlock_t *lock)
{
	atomic_fetch_sub_explicit(&lock->cnts, _QW_LOCKED, memory_order_release);
}

static inline void __rwlock_init(rwlock_t *lock, const char *name, struct lock_class_key *key)
{
	/* Initialising a held lock is a bug (CONFIG_DEBUG_SPINLOCK's check). */
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))
		kmm_debug_check_no_locks_freed((void *)lock, sizeof(*lock));
	atomic_store_explicit(&lock->cnts, 0, memory_order_relaxed);
	atomic_store_explicit(&lock->wait_lock, 0, memory_order_relaxed);
	kmm_lockdep_init_map_type(&lock->dep_map, name, key, 0, LD_WAIT_CONFIG,
				  LD_WAIT_INV, LD_LOCK_NORMAL);
}

#define rwlock_init(lock) do {						\
	static struct lock_class_key __key;				\
	__rwlock_init((lock), #lock, &__key);				\
} while (0)

/* ---- the API -------------------------------------------------------- */

static __always_inline void __raw_read_lock(rwlock_t *lock)
{
	__preempt_count_add(1);
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active))) {
		kmm_read_lock_hooked(lock, _THIS_IP_);
		return;
	}
	do_raw_read_lock(lock);
}

static __always_inline void __raw_write_lock(rwlock_t *lock)
{
	__preempt_count_add(1);
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active))) {
		kmm_write_lock_hooked(lock, _THIS_IP_);
		return;
	}
	do_raw_write_lock(lock);
}

static __always_inline int __raw_read_trylock(rwlock_t *lock)
{
	__preempt_count_add(1);
	if (do_raw_read_trylock(lock)) {
		if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))
			kmm_rwlock_acquire_read_try(lock, _THIS_IP_);
		return 1;
	}
	__preempt_count_sub(1);
	return 0;
}

static __always_inline int __raw_write_trylock(rwlock_t *lock)
{
	__preempt_count_add(1);
	if (do_raw_write_trylock(lock)) {
		rwlock_acquire(&lock->dep_map, 0, 1, _THIS_IP_);
		return 1;
	}
	__preempt_count_sub(1);
	return 0;
}

static __always_inline void __raw_read_unlock(rwlock_t *lock)
{
	rwlock_release(&lock->dep_map, _THIS_IP_);
	do_raw_read_unlock(lock);
	__preempt_count_sub_held(1);
}

static __always_inline void __raw_write_unlock(rwlock_t *lock)
{
	rwlock_release(&lock->dep_map, _THIS_IP_);
	do_raw_write_unlock(lock);
	__preempt_count_sub_held(1);
}

#define read_lock(lock)		__raw_read_lock(lock)
#define write_lock(lock)	__raw_write_lock(lock)
#define read_trylock(lock)	__raw_read_trylock(lock)
#define write_trylock(lock)	__raw_write_trylock(lock)
#define read_unlock(lock)	__raw_read_unlock(lock)
#define write_unlock(lock)	__raw_write_unlock(lock)

#define read_lock_irqsave(lock, flags) \
	do { local_irq_save(flags); __raw_read_lock(lock); } while (0)
#define write_lock_irqsave(lock, flags) \
	do { local_irq_save(flags); __raw_write_lock(lock); } while (0)
#define read_unlock_irqrestore(lock, flags) do {			\
	rwlock_release(&(lock)->dep_map, _THIS_IP_);			\
	do_raw_read_unlock(lock);					\
	local_irq_restore(flags);					\
	__preempt_count_sub_held(1);						\
} while (0)
#define write_unlock_irqrestore(lock, flags) do {			\
	rwlock_release(&(lock)->dep_map, _THIS_IP_);			\
	do_raw_write_unlock(lock);					\
	local_irq_restore(flags);					\
	__preempt_count_sub_held(1);						\
} while (0)
#define read_lock_irq(lock)	do { local_irq_disable(); __raw_read_lock(lock); } while (0)
#define write_lock_irq(lock)	do { local_irq_disable(); __raw_write_lock(lock); } while (0)
#define read_unlock_irq(lock) do {					\
	rwlock_release(&(lock)->dep_map, _THIS_IP_);			\
	do_raw_read_unlock(lock);					\
	local_irq_enable();						\
	__preempt_count_sub_held(1);						\
} while (0)
#define write_unlock_irq(lock) do {					\
	rwlock_release(&(lock)->dep_map, _THIS_IP_);			\
	do_raw_write_unlock(lock);					\
	local_irq_enable();						\
	__preempt_count_sub_held(1);						\
} while (0)
#define read_lock_bh(lock) do {						\
	kmm___local_bh_disable_ip(_THIS_IP_, SOFTIRQ_DISABLE_OFFSET);	\
	__raw_read_lock(lock);						\
} while (0)
#define write_lock_bh(lock) do {					\
	kmm___local_bh_disable_ip(_THIS_IP_, SOFTIRQ_DISABLE_OFFSET);	\
	__raw_write_lock(lock);						\
} while (0)
#define read_unlock_bh(lock) do {					\
	__raw_read_unlock(lock);					\
	kmm___local_bh_enable_ip(_THIS_IP_, SOFTIRQ_DISABLE_OFFSET);	\
} while (0)
#define write_unlock_bh(lock) do {					\
	__raw_write_unlock(lock);					\
	kmm___local_bh_enable_ip(_THIS_IP_, SOFTIRQ_DISABLE_OFFSET);	\
} while (0)
#define write_trylock_irqsave(lock, flags) ({				\
	local_irq_save(flags);						\
	__raw_write_trylock(lock) ? 1 : ({ local_irq_restore(flags); 0; }); \
})

/* kmm___local_bh_*_ip */
#include <kmm/interrupt.h>

#endif /* KMM_RWLOCK_H */
