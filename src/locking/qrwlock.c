// SPDX-License-Identifier: MIT
/*
 * Queued read/write lock slow paths (kernel/locking/qrwlock.c semantics).
 *
 * A reader that finds a writer (holding or waiting) backs out its count
 * and queues on wait_lock, so it gets in only after the writers queued
 * before it; a reader in interrupt context instead waits only until no
 * writer holds the lock.  A writer queues on wait_lock, announces itself
 * with _QW_WAITING (which turns new readers away) and takes the lock once
 * the readers in it have left.  Waiters spin with cpu_relax() and then
 * yield, since a holder may be preempted.
 */
#include <kmm/rwlock.h>
#include <sched.h>
#include "arch/arch.h"

#define SPINS_BEFORE_YIELD 128

KMM_API int kmm_force_read_lock_recursive;

KMM_API bool kmm_read_lock_is_recursive(void)
{
	return READ_ONCE(kmm_force_read_lock_recursive) || in_interrupt();
}

static inline void relax(unsigned int *spins)
{
	if (++*spins < SPINS_BEFORE_YIELD)
		cpu_relax();
	else
		sched_yield();
}

static void wait_lock_acquire(atomic_int *l)
{
	unsigned int spins = 0;

	for (;;) {
		if (!atomic_load_explicit(l, memory_order_relaxed) &&
		    !atomic_exchange_explicit(l, 1, memory_order_acquire))
			return;
		relax(&spins);
	}
}

static void wait_lock_release(atomic_int *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

/* Wait (acquire) until no writer holds the lock. */
static void wait_for_writer_unlock(rwlock_t *lock)
{
	unsigned int spins = 0;

	while (atomic_load_explicit(&lock->cnts, memory_order_acquire) & _QW_LOCKED)
		relax(&spins);
}

KMM_API noinline void kmm_queued_read_lock_slowpath(rwlock_t *lock)
{
	/*
	 * In interrupt context the reader keeps its count and passes a
	 * writer that only waits: the interrupted code may hold the lock
	 * for reading, and that writer waits for it.
	 */
	if (unlikely(in_interrupt())) {
		wait_for_writer_unlock(lock);
		return;
	}
	atomic_fetch_sub_explicit(&lock->cnts, _QR_BIAS, memory_order_relaxed);

	wait_lock_acquire(&lock->wait_lock);
	atomic_fetch_add_explicit(&lock->cnts, _QR_BIAS, memory_order_acquire);
	wait_for_writer_unlock(lock);
	/* Let the next queued reader or writer try. */
	wait_lock_release(&lock->wait_lock);
}

KMM_API noinline void kmm_queued_write_lock_slowpath(rwlock_t *lock)
{
	unsigned int spins = 0;
	int cnts;

	wait_lock_acquire(&lock->wait_lock);
	cnts = 0;
	if (!atomic_load_explicit(&lock->cnts, memory_order_relaxed) &&
	    atomic_compare_exchange_strong_explicit(&lock->cnts, &cnts, _QW_LOCKED,
						    memory_order_acquire, memory_order_relaxed))
		goto unlock;

	/* Turn new readers away. */
	atomic_fetch_or_explicit(&lock->cnts, _QW_WAITING, memory_order_relaxed);
	/* Take the lock once the readers inside have left. */
	for (;;) {
		cnts = atomic_load_explicit(&lock->cnts, memory_order_relaxed);
		if (cnts == _QW_WAITING &&
		    atomic_compare_exchange_weak_explicit(&lock->cnts, &cnts, _QW_LOCKED,
							  memory_order_acquire,
							  memory_order_relaxed))
			break;
		relax(&spins);
	}
unlock:
	wait_lock_release(&lock->wait_lock);
}

/* lockdep's view of a reader (rwlock_acquire_read() in the kernel). */
static inline void rwlock_acquire_read_ip(rwlock_t *lock, int trylock, unsigned long ip)
{
	lock_acquire(&lock->dep_map, 0, trylock, kmm_read_lock_is_recursive() ? 2 : 1,
		     1, NULL, ip);
}

KMM_API noinline void kmm_read_lock_hooked(rwlock_t *lock, unsigned long ip)
{
	rwlock_acquire_read_ip(lock, 0, ip);
	if (!do_raw_read_trylock(lock)) {
		lock_contended(&lock->dep_map, ip);
		do_raw_read_lock(lock);
	}
	lock_acquired(&lock->dep_map, ip);
}

KMM_API noinline void kmm_write_lock_hooked(rwlock_t *lock, unsigned long ip)
{
	rwlock_acquire(&lock->dep_map, 0, 0, ip);
	if (!do_raw_write_trylock(lock)) {
		lock_contended(&lock->dep_map, ip);
		do_raw_write_lock(lock);
	}
	lock_acquired(&lock->dep_map, ip);
}

KMM_API void kmm_rwlock_acquire_read_try(rwlock_t *lock, unsigned long ip)
{
	rwlock_acquire_read_ip(lock, 1, ip);
}
