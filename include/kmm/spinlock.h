/* SPDX-License-Identifier: MIT */
/*
 * spinlock_t and raw_spinlock_t, as include/linux/spinlock.h and
 * spinlock_api_smp.h.
 *
 * The lock is a test-and-set word (the kernel's virt_spin_lock(), which it
 * uses instead of the queued spinlock exactly when the lock holder may be
 * preempted, as every userspace thread can be): a waiter spins with
 * cpu_relax() and then yields the CPU, so that a preempted holder can run.
 * A FIFO (ticket or MCS) lock would hand the lock to a waiter that may
 * itself be preempted, stalling every other waiter behind it.
 *
 * Taking a spinlock disables "preemption" (increments preempt_count), so
 * might_sleep() under a spinlock reports.  The lock operations are inline;
 * when lockdep or lock_stat is on (kmm_lockdep_hooks_active) they take the
 * out-of-line path that calls the lockdep hooks where the kernel does, and
 * otherwise the hooks cost one predictable branch.
 */
#ifndef KMM_SPINLOCK_H
#define KMM_SPINLOCK_H

#include <kmm/types.h>
#include <kmm/spinlock_types.h>
#include <kmm/lockdep.h>
#include <kmm/preempt.h>
#include <kmm/irqflags.h>
#include <kmm/panic.h>

KMM_API void kmm_spin_lock_slowpath(raw_spinlock_t *lock);
/* The lockdep/lock_stat path of raw_spin_lock() (preemption already off). */
KMM_API void kmm_raw_spin_lock_hooked(raw_spinlock_t *lock, int subclass,
				      struct lockdep_map *nest, unsigned long ip);
KMM_API void kmm_bh_lock_disable(unsigned long ip);
KMM_API void kmm_bh_lock_enable(unsigned long ip);

/* ---- the lock word ---------------------------------------------------- */

static __always_inline bool do_raw_spin_trylock(raw_spinlock_t *lock)
{
	return atomic_load_explicit(&lock->locked, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(&lock->locked, 1, memory_order_acquire) == 0;
}

static __always_inline void do_raw_spin_lock(raw_spinlock_t *lock)
{
	if (likely(atomic_exchange_explicit(&lock->locked, 1, memory_order_acquire) == 0))
		return;
	kmm_spin_lock_slowpath(lock);
}

static __always_inline void do_raw_spin_unlock(raw_spinlock_t *lock)
{
	atomic_store_explicit(&lock->locked, 0, memory_order_release);
}

static __always_inline bool raw_spin_is_locked(raw_spinlock_t *lock)
{
	return atomic_load_explicit(&lock->locked, memory_order_relaxed) != 0;
}

/* ---- init -------------------------------------------------------------- */

static inline void __raw_spin_lock_init(raw_spinlock_t *lock, const char *name,
					struct lock_class_key *key, short inner)
{
	/* Initialising a held lock is a bug (CONFIG_DEBUG_SPINLOCK's check). */
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))
		kmm_debug_check_no_locks_freed((void *)lock, sizeof(*lock));
	atomic_store_explicit(&lock->locked, 0, memory_order_relaxed);
	kmm_lockdep_init_map_type(&lock->dep_map, name, key, 0, (u8)inner,
				  LD_WAIT_INV, LD_LOCK_NORMAL);
}

/* One class per call site, named after the expression ("&zone->lock"). */
#define raw_spin_lock_init(lock) do {					\
	static struct lock_class_key __key;				\
	__raw_spin_lock_init((lock), #lock, &__key, LD_WAIT_SPIN);	\
} while (0)
#define spin_lock_init(lock) do {					\
	static struct lock_class_key __key;				\
	__raw_spin_lock_init(&(lock)->rlock, #lock, &__key, LD_WAIT_CONFIG); \
} while (0)

/* ---- raw_spin_* ------------------------------------------------------ */

static __always_inline void __raw_spin_lock_nested(raw_spinlock_t *lock, int subclass,
						   struct lockdep_map *nest)
{
	__preempt_count_add(1);
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active))) {
		kmm_raw_spin_lock_hooked(lock, subclass, nest, _THIS_IP_);
		return;
	}
	do_raw_spin_lock(lock);
}

static __always_inline int __raw_spin_trylock(raw_spinlock_t *lock)
{
	__preempt_count_add(1);
	if (do_raw_spin_trylock(lock)) {
		spin_acquire(&lock->dep_map, 0, 1, _THIS_IP_);
		return 1;
	}
	__preempt_count_sub(1);
	return 0;
}

static __always_inline void __raw_spin_unlock(raw_spinlock_t *lock)
{
	spin_release(&lock->dep_map, _THIS_IP_);
	do_raw_spin_unlock(lock);
	__preempt_count_sub_held(1);
}

static __always_inline unsigned long __raw_spin_lock_irqsave(raw_spinlock_t *lock, int subclass)
{
	unsigned long flags;

	local_irq_save(flags);
	__raw_spin_lock_nested(lock, subclass, NULL);
	return flags;
}

static __always_inline void __raw_spin_unlock_irqrestore(raw_spinlock_t *lock,
							 unsigned long flags)
{
	spin_release(&lock->dep_map, _THIS_IP_);
	do_raw_spin_unlock(lock);
	local_irq_restore(flags);
	__preempt_count_sub_held(1);
}

static __always_inline void __raw_spin_lock_irq(raw_spinlock_t *lock)
{
	local_irq_disable();
	__raw_spin_lock_nested(lock, 0, NULL);
}

static __always_inline void __raw_spin_unlock_irq(raw_spinlock_t *lock)
{
	spin_release(&lock->dep_map, _THIS_IP_);
	do_raw_spin_unlock(lock);
	local_irq_enable();
	__preempt_count_sub_held(1);
}

static __always_inline void __raw_spin_lock_bh(raw_spinlock_t *lock)
{
	/* local_bh_disable() plus the preempt_disable() of the lock */
	kmm_bh_lock_disable(_THIS_IP_);
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active))) {
		kmm_raw_spin_lock_hooked(lock, 0, NULL, _THIS_IP_);
		return;
	}
	do_raw_spin_lock(lock);
}

static __always_inline void __raw_spin_unlock_bh(raw_spinlock_t *lock)
{
	spin_release(&lock->dep_map, _THIS_IP_);
	do_raw_spin_unlock(lock);
	kmm_bh_lock_enable(_THIS_IP_);
}

static __always_inline int __raw_spin_trylock_bh(raw_spinlock_t *lock)
{
	kmm_bh_lock_disable(_THIS_IP_);
	if (do_raw_spin_trylock(lock)) {
		spin_acquire(&lock->dep_map, 0, 1, _THIS_IP_);
		return 1;
	}
	kmm_bh_lock_enable(_THIS_IP_);
	return 0;
}

#define raw_spin_lock(lock)		__raw_spin_lock_nested(lock, 0, NULL)
#define raw_spin_lock_nested(lock, sub)	__raw_spin_lock_nested(lock, sub, NULL)
#define raw_spin_lock_nest_lock(lock, nest) \
	__raw_spin_lock_nested(lock, 0, &(nest)->dep_map)
#define raw_spin_trylock(lock)		__raw_spin_trylock(lock)
#define raw_spin_unlock(lock)		__raw_spin_unlock(lock)
#define raw_spin_lock_irqsave(lock, flags) \
	do { (flags) = __raw_spin_lock_irqsave(lock, 0); } while (0)
#define raw_spin_lock_irqsave_nested(lock, flags, sub) \
	do { (flags) = __raw_spin_lock_irqsave(lock, sub); } while (0)
#define raw_spin_unlock_irqrestore(lock, flags) __raw_spin_unlock_irqrestore(lock, flags)
#define raw_spin_lock_irq(lock)		__raw_spin_lock_irq(lock)
#define raw_spin_unlock_irq(lock)	__raw_spin_unlock_irq(lock)
#define raw_spin_lock_bh(lock)		__raw_spin_lock_bh(lock)
#define raw_spin_unlock_bh(lock)	__raw_spin_unlock_bh(lock)
#define raw_spin_trylock_bh(lock)	__raw_spin_trylock_bh(lock)
#define raw_spin_trylock_irqsave(lock, flags) ({			\
	local_irq_save(flags);						\
	__raw_spin_trylock(lock) ? 1 : ({ local_irq_restore(flags); 0; }); \
})

/* ---- spin_* (spinlock_t) ------------------------------------------------ */

static __always_inline raw_spinlock_t *spinlock_check(spinlock_t *lock)
{
	return &lock->rlock;
}

#define spin_lock(lock)			raw_spin_lock(&(lock)->rlock)
#define spin_lock_nested(lock, sub)	raw_spin_lock_nested(&(lock)->rlock, sub)
#define spin_lock_nest_lock(lock, nest)	raw_spin_lock_nest_lock(&(lock)->rlock, nest)
#define spin_trylock(lock)		raw_spin_trylock(&(lock)->rlock)
#define spin_unlock(lock)		raw_spin_unlock(&(lock)->rlock)
#define spin_lock_irqsave(lock, flags)	raw_spin_lock_irqsave(spinlock_check(lock), flags)
#define spin_lock_irqsave_nested(lock, flags, sub) \
	raw_spin_lock_irqsave_nested(spinlock_check(lock), flags, sub)
#define spin_unlock_irqrestore(lock, flags) raw_spin_unlock_irqrestore(&(lock)->rlock, flags)
#define spin_lock_irq(lock)		raw_spin_lock_irq(&(lock)->rlock)
#define spin_unlock_irq(lock)		raw_spin_unlock_irq(&(lock)->rlock)
#define spin_lock_bh(lock)		raw_spin_lock_bh(&(lock)->rlock)
#define spin_unlock_bh(lock)		raw_spin_unlock_bh(&(lock)->rlock)
#define spin_trylock_bh(lock)		raw_spin_trylock_bh(&(lock)->rlock)
#define spin_trylock_irqsave(lock, flags) raw_spin_trylock_irqsave(&(lock)->rlock, flags)
#define spin_is_locked(lock)		raw_spin_is_locked(&(lock)->rlock)
#define assert_raw_spin_locked(lock)	BUG_ON(!raw_spin_is_locked(lock))
#define assert_spin_locked(lock)	assert_raw_spin_locked(&(lock)->rlock)

#endif /* KMM_SPINLOCK_H */
