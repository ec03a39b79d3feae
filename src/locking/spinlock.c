// SPDX-License-Identifier: MIT
/*
 * Contended spin_lock(): test-and-test-and-set with cpu_relax(), yielding
 * the CPU after a while so that a preempted holder can run.
 */
#include <kmm/spinlock.h>
#include <sched.h>
#include "arch/arch.h"

KMM_API void kmm_spin_lock_slowpath(spinlock_t *lock)
{
	unsigned int spins = 0;

	for (;;) {
		while (atomic_load_explicit(&lock->locked, memory_order_relaxed)) {
			if (++spins < 128)
				cpu_relax();
			else
				sched_yield();
		}
		if (atomic_exchange_explicit(&lock->locked, 1, memory_order_acquire) == 0)
			return;
	}
}
