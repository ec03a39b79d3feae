// SPDX-License-Identifier: MIT
/*
 * Spinlock slow paths (kernel/locking/spinlock.c): the contended lock,
 * which spins with cpu_relax() and then yields the CPU so that a preempted
 * holder can run, and the out-of-line lock path taken while lockdep or
 * lock_stat watches, which calls the hooks where the kernel's
 * __raw_spin_lock() does: acquire before taking the lock, contended and
 * acquired around the wait.
 */
#include <kmm/spinlock.h>
#include <kmm/interrupt.h>
#include <sched.h>
#include "arch/arch.h"

#define SPINS_BEFORE_YIELD 128

KMM_API noinline void kmm_spin_lock_slowpath(raw_spinlock_t *lock)
{
	unsigned int spins = 0;

	for (;;) {
		while (atomic_load_explicit(&lock->locked, memory_order_relaxed)) {
			if (++spins < SPINS_BEFORE_YIELD)
				cpu_relax();
			else
				sched_yield();
		}
		if (atomic_exchange_explicit(&lock->locked, 1, memory_order_acquire) == 0)
			return;
	}
}

KMM_API noinline void kmm_raw_spin_lock_hooked(raw_spinlock_t *lock, int subclass,
					       struct lockdep_map *nest, unsigned long ip)
{
	struct task_struct *t = current;

	if (__preempt_count_of(t) == 1)
		t->preempt_disable_ip = ip;
	spin_acquire_nest(&lock->dep_map, (unsigned int)subclass, 0, nest, ip);
	if (!do_raw_spin_trylock(lock)) {
		lock_contended(&lock->dep_map, ip);
		do_raw_spin_lock(lock);
	}
	lock_acquired(&lock->dep_map, ip);
}

KMM_API void kmm_bh_lock_disable(unsigned long ip)
{
	kmm___local_bh_disable_ip(ip, SOFTIRQ_LOCK_OFFSET);
}

KMM_API void kmm_bh_lock_enable(unsigned long ip)
{
	kmm___local_bh_enable_ip(ip, SOFTIRQ_LOCK_OFFSET);
}
