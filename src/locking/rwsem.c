// SPDX-License-Identifier: MIT
/*
 * Reader/writer semaphores (kernel/locking/rwsem.c semantics, simplified:
 * no optimistic spinning, no reader lock stealing).
 *
 * count: RWSEM_WRITER_LOCKED, RWSEM_FLAG_WAITERS and the readers in units
 * of RWSEM_READER_BIAS.  Fast paths: a reader adds a bias and keeps it if
 * no writer holds the lock and nobody waits; a writer swaps 0 for
 * WRITER_LOCKED.  Everything else queues on wait_list under wait_lock.
 * FLAG_WAITERS is set while the queue is non-empty, so newcomers queue
 * too (writer fairness).  rwsem_grant() hands the lock to the head of
 * the queue whenever it is free enough: a writer alone, or every reader
 * up to the next writer; the granted waiters wake up owning the lock.
 */
#include <kmm/rwsem.h>
#include <kmm/sched.h>
#include <kmm/debug_locks.h>
#include <errno.h>
#include "locking.h"

enum rwsem_waiter_type { RWSEM_WAITING_FOR_WRITE, RWSEM_WAITING_FOR_READ };

struct rwsem_waiter {
	struct list_head list;
	struct task_struct *task;
	enum rwsem_waiter_type type;
	atomic_bool granted;
};

/* lockdep may provide lock_downgrade(); else release and re-acquire shared. */
extern void kmm_lock_downgrade(struct lockdep_map *lock, unsigned long ip) __attribute__((weak));

KMM_API void kmm___init_rwsem(struct rw_semaphore *sem, const char *name,
			      struct lock_class_key *key)
{
	kmm_debug_check_no_locks_freed((void *)sem, sizeof(*sem));
	kmm_lockdep_init_map_type(&sem->dep_map, name, key, 0, LD_WAIT_SLEEP,
				  LD_WAIT_INV, LD_LOCK_NORMAL);
	atomic_store_explicit(&sem->count, 0, memory_order_relaxed);
	atomic_store_explicit(&sem->owner, 0, memory_order_relaxed);
	atomic_store_explicit(&sem->wait_lock, 0, memory_order_relaxed);
	INIT_LIST_HEAD(&sem->wait_list);
	sem->magic = sem;
}

KMM_API bool kmm_rwsem_is_locked(struct rw_semaphore *sem)
{
	return (atomic_load_explicit(&sem->count, memory_order_relaxed) &
		(RWSEM_WRITER_LOCKED | RWSEM_READER_MASK)) != 0;
}

static void grant(struct rwsem_waiter *w)
{
	struct task_struct *task = w->task;	/* w may vanish once granted */

	list_del(&w->list);
	atomic_store_explicit(&w->granted, true, memory_order_release);
	kmm_wake_up_process(task);
}

/* wait_lock held: hand the lock to the head of the queue if it can have it. */
static void rwsem_grant(struct rw_semaphore *sem)
{
	struct rwsem_waiter *w;
	long c;

	while (!list_empty(&sem->wait_list)) {
		w = list_first_entry(&sem->wait_list, struct rwsem_waiter, list);
		c = atomic_load(&sem->count);
		if (w->type == RWSEM_WAITING_FOR_WRITE) {
			if (c & (RWSEM_WRITER_LOCKED | RWSEM_READER_MASK))
				break;
			if (!atomic_compare_exchange_strong(&sem->count, &c,
							    c | RWSEM_WRITER_LOCKED))
				continue;
			atomic_store_explicit(&sem->owner, (long)w->task, memory_order_relaxed);
			grant(w);
			break;
		}
		if (c & RWSEM_WRITER_LOCKED)
			break;
		/* No writer can get in meanwhile: FLAG_WAITERS is set. */
		atomic_fetch_add(&sem->count, RWSEM_READER_BIAS);
		grant(w);
	}
	if (list_empty(&sem->wait_list))
		atomic_fetch_and(&sem->count, ~RWSEM_FLAG_WAITERS);
}

/*
 * wait_lock held on entry; sleeps until granted and returns without it.
 * Interruptible: a pending signal takes the waiter off the queue (unless
 * the lock was granted meanwhile) and returns -EINTR.
 */
static int rwsem_wait(struct rw_semaphore *sem, struct rwsem_waiter *w, bool intr)
{
	struct task_struct *curr = current;
	int seq, ret = 0;

	w->task = curr;
	atomic_init(&w->granted, false);
	list_add_tail(&w->list, &sem->wait_list);
	atomic_fetch_or(&sem->count, RWSEM_FLAG_WAITERS);
	rwsem_grant(sem);	/* the lock may have been released meanwhile */
	kmm_wait_unlock(&sem->wait_lock);
	for (;;) {
		seq = kmm_prepare_to_wait();
		if (atomic_load_explicit(&w->granted, memory_order_acquire))
			break;
		if (intr && signal_pending(curr)) {
			kmm_wait_lock(&sem->wait_lock);
			if (!atomic_load_explicit(&w->granted, memory_order_acquire)) {
				list_del(&w->list);
				/* whoever queued behind us may go now */
				rwsem_grant(sem);
				ret = -EINTR;
			}
			kmm_wait_unlock(&sem->wait_lock);
			break;
		}
		kmm_schedule(seq);
	}
	kmm_finish_wait();
	return ret;
}

static inline bool __down_read_trylock(struct rw_semaphore *sem)
{
	long c = atomic_load_explicit(&sem->count, memory_order_relaxed);

	while (!(c & (RWSEM_WRITER_LOCKED | RWSEM_FLAG_WAITERS))) {
		if (atomic_compare_exchange_weak_explicit(&sem->count, &c, c + RWSEM_READER_BIAS,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	}
	return false;
}

static int __down_read(struct rw_semaphore *sem, bool intr)
{
	struct rwsem_waiter w = { .type = RWSEM_WAITING_FOR_READ };
	long c;

	c = atomic_fetch_add_explicit(&sem->count, RWSEM_READER_BIAS, memory_order_acquire);
	if (likely(!(c & (RWSEM_WRITER_LOCKED | RWSEM_FLAG_WAITERS))))
		return 0;
	kmm_wait_lock(&sem->wait_lock);
	atomic_fetch_sub(&sem->count, RWSEM_READER_BIAS);
	if (list_empty(&sem->wait_list) && __down_read_trylock(sem)) {
		kmm_wait_unlock(&sem->wait_lock);
		return 0;
	}
	return rwsem_wait(sem, &w, intr);
}

static inline bool __down_write_trylock(struct rw_semaphore *sem)
{
	long c = 0;

	if (atomic_compare_exchange_strong_explicit(&sem->count, &c, RWSEM_WRITER_LOCKED,
						    memory_order_acquire, memory_order_relaxed)) {
		atomic_store_explicit(&sem->owner, (long)current, memory_order_relaxed);
		return true;
	}
	return false;
}

static int __down_write(struct rw_semaphore *sem, bool intr)
{
	struct rwsem_waiter w = { .type = RWSEM_WAITING_FOR_WRITE };

	if (likely(__down_write_trylock(sem)))
		return 0;
	kmm_wait_lock(&sem->wait_lock);
	if (list_empty(&sem->wait_list) && __down_write_trylock(sem)) {
		kmm_wait_unlock(&sem->wait_lock);
		return 0;
	}
	return rwsem_wait(sem, &w, intr);
}

static void rwsem_wake(struct rw_semaphore *sem)
{
	kmm_wait_lock(&sem->wait_lock);
	rwsem_grant(sem);
	kmm_wait_unlock(&sem->wait_lock);
}

static int down_read_common(struct rw_semaphore *sem, int subclass, bool intr,
			    unsigned long ip)
{
	might_sleep();
	rwsem_acquire_read(&sem->dep_map, (unsigned int)subclass, 0, ip);
	if (!__down_read_trylock(sem)) {
		lock_contended(&sem->dep_map, ip);
		if (__down_read(sem, intr)) {
			rwsem_release(&sem->dep_map, ip);
			return -EINTR;
		}
	}
	lock_acquired(&sem->dep_map, ip);
	return 0;
}

static int down_write_common(struct rw_semaphore *sem, int subclass, bool intr,
			     unsigned long ip)
{
	might_sleep();
	rwsem_acquire(&sem->dep_map, (unsigned int)subclass, 0, ip);
	if (!__down_write_trylock(sem)) {
		lock_contended(&sem->dep_map, ip);
		if (__down_write(sem, intr)) {
			rwsem_release(&sem->dep_map, ip);
			return -EINTR;
		}
	}
	lock_acquired(&sem->dep_map, ip);
	return 0;
}

KMM_API noinline void kmm_down_read_nested(struct rw_semaphore *sem, int subclass)
{
	down_read_common(sem, subclass, false, _RET_IP_);
}

/* kmm has no fatal signals apart from the pending flag: killable == interruptible. */
KMM_API noinline int kmm_down_read_interruptible(struct rw_semaphore *sem)
{
	return down_read_common(sem, 0, true, _RET_IP_);
}

KMM_API noinline int kmm_down_write_killable(struct rw_semaphore *sem)
{
	return down_write_common(sem, 0, true, _RET_IP_);
}

KMM_API noinline int kmm_down_read_trylock(struct rw_semaphore *sem)
{
	if (__down_read_trylock(sem)) {
		rwsem_acquire_read(&sem->dep_map, 0, 1, _RET_IP_);
		return 1;
	}
	return 0;
}

KMM_API noinline void kmm_down_write_nested(struct rw_semaphore *sem, int subclass)
{
	down_write_common(sem, subclass, false, _RET_IP_);
}

KMM_API noinline int kmm_down_write_trylock(struct rw_semaphore *sem)
{
	if (__down_write_trylock(sem)) {
		rwsem_acquire(&sem->dep_map, 0, 1, _RET_IP_);
		return 1;
	}
	return 0;
}

KMM_API noinline void kmm_up_read(struct rw_semaphore *sem)
{
	long c;

	rwsem_release(&sem->dep_map, _RET_IP_);
	DEBUG_LOCKS_WARN_ON(!(atomic_load(&sem->count) & RWSEM_READER_MASK));
	c = atomic_fetch_sub_explicit(&sem->count, RWSEM_READER_BIAS, memory_order_release) -
	    RWSEM_READER_BIAS;
	if (unlikely((c & RWSEM_FLAG_WAITERS) && !(c & RWSEM_READER_MASK)))
		rwsem_wake(sem);
}

KMM_API noinline void kmm_up_write(struct rw_semaphore *sem)
{
	long c;

	rwsem_release(&sem->dep_map, _RET_IP_);
	DEBUG_LOCKS_WARN_ON((struct task_struct *)atomic_load_explicit(&sem->owner,
				memory_order_relaxed) != current);
	atomic_store_explicit(&sem->owner, 0, memory_order_relaxed);
	c = atomic_fetch_sub_explicit(&sem->count, RWSEM_WRITER_LOCKED, memory_order_release);
	if (unlikely(c & RWSEM_FLAG_WAITERS))
		rwsem_wake(sem);
}

KMM_API noinline void kmm_downgrade_write(struct rw_semaphore *sem)
{
	long c;

	if (kmm_lock_downgrade) {
		if (READ_ONCE(kmm_lockdep_hooks_active))
			kmm_lock_downgrade(&sem->dep_map, _RET_IP_);
	} else {
		rwsem_release(&sem->dep_map, _RET_IP_);
		rwsem_acquire_read(&sem->dep_map, 0, 1, _RET_IP_);
	}
	atomic_store_explicit(&sem->owner, 0, memory_order_relaxed);
	c = atomic_fetch_add_explicit(&sem->count, RWSEM_READER_BIAS - RWSEM_WRITER_LOCKED,
				      memory_order_release);
	if (c & RWSEM_FLAG_WAITERS)
		rwsem_wake(sem);	/* readers at the head of the queue join us */
}
