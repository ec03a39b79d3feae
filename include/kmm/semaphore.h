/* SPDX-License-Identifier: MIT */
/*
 * Counting semaphores, as include/linux/semaphore.h: down() sleeps while
 * the count is zero, up() hands the unit to the longest waiter.  Not
 * tracked by lockdep (as in the kernel); down() may sleep.
 * down_trylock() returns 0 when it got the semaphore, 1 when not.
 */
#ifndef KMM_SEMAPHORE_H
#define KMM_SEMAPHORE_H

#include <kmm/types.h>
#include <kmm/list.h>

struct semaphore {
	atomic_int lock;
	unsigned int count;
	struct list_head wait_list;
};

#define __SEMAPHORE_INITIALIZER(name, n)				\
	{ .lock = 0, .count = (n), .wait_list = LIST_HEAD_INIT((name).wait_list) }
#define DEFINE_SEMAPHORE(_name, _n)	\
	struct semaphore _name = __SEMAPHORE_INITIALIZER(_name, _n)

static inline void sema_init(struct semaphore *sem, int val)
{
	atomic_store_explicit(&sem->lock, 0, memory_order_relaxed);
	sem->count = (unsigned int)val;
	INIT_LIST_HEAD(&sem->wait_list);
}

KMM_API void kmm_down(struct semaphore *sem);
KMM_API int kmm_down_interruptible(struct semaphore *sem);
KMM_API int kmm_down_trylock(struct semaphore *sem);
KMM_API void kmm_up(struct semaphore *sem);

#define down			kmm_down
#define down_interruptible	kmm_down_interruptible
#define down_killable		kmm_down_interruptible
#define down_trylock		kmm_down_trylock
#define up			kmm_up

#endif /* KMM_SEMAPHORE_H */
