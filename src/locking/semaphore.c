// SPDX-License-Identifier: MIT
/*
 * Counting semaphores (kernel/locking/semaphore.c semantics): the count
 * and the FIFO of waiters are protected by sem->lock; up() with waiters
 * hands the unit directly to the first one (waiter->up), so a newcomer
 * cannot take it first.
 */
#include <kmm/semaphore.h>
#include <kmm/sched.h>
#include <kmm/irqflags.h>
#include <errno.h>
#include "locking.h"

struct semaphore_waiter {
	struct list_head list;
	struct task_struct *task;
	atomic_bool up;
};

/* sem->lock held; returns with it held. */
static int __down_common(struct semaphore *sem, bool interruptible, unsigned long flags)
{
	struct semaphore_waiter waiter;
	struct task_struct *curr = current;
	int seq;

	waiter.task = curr;
	atomic_init(&waiter.up, false);
	list_add_tail(&waiter.list, &sem->wait_list);
	for (;;) {
		if (atomic_load_explicit(&waiter.up, memory_order_acquire))
			return 0;
		if (interruptible && signal_pending(curr)) {
			list_del(&waiter.list);
			return -EINTR;
		}
		seq = kmm_prepare_to_wait();
		kmm_wait_unlock(&sem->lock);
		raw_local_irq_restore(flags);	/* sleep with interrupts on */
		if (!atomic_load_explicit(&waiter.up, memory_order_acquire) &&
		    !(interruptible && signal_pending(curr)))
			kmm_schedule(seq);
		kmm_finish_wait();
		raw_local_irq_disable();
		kmm_wait_lock(&sem->lock);
	}
}

static int down_common(struct semaphore *sem, bool interruptible)
{
	unsigned long flags;
	int ret = 0;

	raw_local_irq_save(flags);
	kmm_wait_lock(&sem->lock);
	if (likely(sem->count > 0))
		sem->count--;
	else
		ret = __down_common(sem, interruptible, flags);
	kmm_wait_unlock(&sem->lock);
	raw_local_irq_restore(flags);
	return ret;
}

KMM_API void kmm_down(struct semaphore *sem)
{
	might_sleep();
	down_common(sem, false);
}

KMM_API int kmm_down_interruptible(struct semaphore *sem)
{
	might_sleep();
	return down_common(sem, true);
}

KMM_API int kmm_down_trylock(struct semaphore *sem)
{
	unsigned long flags;
	int count;

	raw_local_irq_save(flags);
	kmm_wait_lock(&sem->lock);
	count = (int)sem->count - 1;
	if (likely(count >= 0))
		sem->count = (unsigned int)count;
	kmm_wait_unlock(&sem->lock);
	raw_local_irq_restore(flags);
	return count < 0;
}

KMM_API void kmm_up(struct semaphore *sem)
{
	struct semaphore_waiter *waiter;
	struct task_struct *task;
	unsigned long flags;

	raw_local_irq_save(flags);
	kmm_wait_lock(&sem->lock);
	if (likely(list_empty(&sem->wait_list))) {
		sem->count++;
	} else {
		waiter = list_first_entry(&sem->wait_list, struct semaphore_waiter, list);
		list_del(&waiter->list);
		task = waiter->task;
		atomic_store_explicit(&waiter->up, true, memory_order_release);
		kmm_wake_up_process(task);
	}
	kmm_wait_unlock(&sem->lock);
	raw_local_irq_restore(flags);
}
