// SPDX-License-Identifier: MIT
/*
 * Mutexes (kernel/locking/mutex.c semantics, with CONFIG_DEBUG_MUTEXES and
 * the ww_mutex logic of kernel/locking/ww_mutex.h).
 *
 * owner holds the owning task and MUTEX_FLAG_WAITERS, which tells the
 * unlocker to wake the first waiter.  lock: try to set owner (0 -> current);
 * failing that, spin a while on an owner that is not asleep, then queue on
 * wait_list under wait_lock and sleep on the task's futex until woken.  A
 * woken waiter competes with newcomers (no handoff), like the kernel's
 * before a waiter sets HANDOFF.
 *
 * ww_mutex: the wait list is kept in stamp order among waiters with a
 * context; wait-die kills a younger waiter that would wait for an older
 * context (or an older waiter ahead of it), wound-wait marks a younger
 * holder wounded and wakes it; a wounded context that holds locks backs
 * off with -EDEADLK the next time it would sleep.
 */
#include <kmm/mutex.h>
#include <kmm/ww_mutex.h>
#include <kmm/preempt.h>
#include <kmm/debug_locks.h>
#include <errno.h>
#include "locking.h"

#define OPTIMISTIC_SPINS 512

static inline struct task_struct *__owner_task(long owner)
{
	return (struct task_struct *)(owner & ~(long)MUTEX_FLAGS);
}

/* Acquire: the owner's task was published by the release in trylock. */
static inline struct task_struct *__mutex_owner(struct mutex *lock)
{
	return __owner_task(atomic_load_explicit(&lock->owner, memory_order_acquire));
}

KMM_API void kmm___mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	atomic_store_explicit(&lock->owner, 0, memory_order_relaxed);
	atomic_store_explicit(&lock->wait_lock, 0, memory_order_relaxed);
	INIT_LIST_HEAD(&lock->wait_list);
	kmm_debug_check_no_locks_freed((void *)lock, sizeof(*lock));
	kmm_lockdep_init_map_type(&lock->dep_map, name, key, 0, LD_WAIT_SLEEP,
				  LD_WAIT_INV, LD_LOCK_NORMAL);
	lock->magic = lock;
}

KMM_API bool kmm_mutex_is_locked(struct mutex *lock)
{
	return __mutex_owner(lock) != NULL;
}

/* Take the lock if no task owns it, keeping the flags. */
bool kmm___mutex_trylock(struct mutex *lock)
{
	long owner = atomic_load_explicit(&lock->owner, memory_order_relaxed);
	long curr = (long)current;

	while (!__owner_task(owner)) {
		if (atomic_compare_exchange_weak_explicit(&lock->owner, &owner,
							  curr | (owner & MUTEX_FLAGS),
							  memory_order_acq_rel,
							  memory_order_relaxed))
			return true;
	}
	return false;
}

/* Spin while the owner is running (not asleep), for a bounded time. */
static bool mutex_optimistic_spin(struct mutex *lock)
{
	struct task_struct *owner;
	int i;

	for (i = 0; i < OPTIMISTIC_SPINS; i++) {
		owner = __mutex_owner(lock);
		if (!owner) {
			if (kmm___mutex_trylock(lock))
				return true;
			continue;
		}
		if (atomic_load_explicit(&owner->sleeping, memory_order_relaxed))
			return false;
		if (atomic_load_explicit(&lock->owner, memory_order_relaxed) & MUTEX_FLAG_WAITERS)
			return false;	/* others queue: don't jump them for long */
		cpu_relax();
	}
	return false;
}

struct mutex_waiter {
	struct list_head list;
	struct task_struct *task;
	struct ww_acquire_ctx *ww_ctx;
};

static void mutex_remove_waiter(struct mutex *lock, struct mutex_waiter *waiter)
{
	list_del(&waiter->list);
	if (list_empty(&lock->wait_list))
		atomic_fetch_and_explicit(&lock->owner, ~(long)MUTEX_FLAG_WAITERS,
					  memory_order_relaxed);
}

/* ---- ww_mutex pieces (wait_lock held where noted) ---------------------- */

static inline struct ww_mutex *to_ww(struct mutex *lock)
{
	return container_of(lock, struct ww_mutex, base);
}

/* The context holding ww (its stamp and flags were published with it). */
static inline struct ww_acquire_ctx *ww_ctx_of(struct ww_mutex *ww)
{
	return __atomic_load_n(&ww->ctx, __ATOMIC_ACQUIRE);
}

/* Is a younger (or, equal, the later) context than b? */
static inline bool __ww_ctx_less(struct ww_acquire_ctx *a, struct ww_acquire_ctx *b)
{
	/* Other contexts' stamps are read locklessly; their owners rewrite them. */
	return (long)(READ_ONCE(a->stamp) - READ_ONCE(b->stamp)) > 0;
}

static inline unsigned int ctx_acquired(struct ww_acquire_ctx *ctx)
{
	return READ_ONCE(ctx->acquired);
}

static int __ww_mutex_kill(struct mutex *lock, struct ww_acquire_ctx *ctx)
{
	if (ctx_acquired(ctx) > 0) {
		DEBUG_LOCKS_WARN_ON(ctx->contending_lock);
		ctx->contending_lock = to_ww(lock);
		return -EDEADLK;
	}
	return 0;
}

/* Wait-die: wake a younger waiter holding locks so that it dies. */
static bool __ww_mutex_die(struct mutex *lock, struct mutex_waiter *waiter,
			   struct ww_acquire_ctx *ww_ctx)
{
	if (!ww_ctx->is_wait_die)
		return false;
	if (ctx_acquired(waiter->ww_ctx) > 0 && __ww_ctx_less(waiter->ww_ctx, ww_ctx))
		kmm_wake_up_process(waiter->task);
	return true;
}

/* Wound-wait: wound a younger holder that holds locks. */
static bool __ww_mutex_wound(struct mutex *lock, struct ww_acquire_ctx *ww_ctx,
			     struct ww_acquire_ctx *hold_ctx)
{
	struct task_struct *owner = __mutex_owner(lock);

	if (!hold_ctx || !owner)
		return false;
	if (ctx_acquired(ww_ctx) > 0 && __ww_ctx_less(hold_ctx, ww_ctx)) {
		WRITE_ONCE(hold_ctx->wounded, 1);
		if (owner != current)
			kmm_wake_up_process(owner);
		return true;
	}
	return false;
}

/* We hold lock under ww_ctx: let waiters that must die or wound us know. */
static void __ww_mutex_check_waiters(struct mutex *lock, struct ww_acquire_ctx *ww_ctx)
{
	struct mutex_waiter *cur;

	list_for_each_entry(cur, &lock->wait_list, list) {
		if (!cur->ww_ctx)
			continue;
		if (__ww_mutex_die(lock, cur, ww_ctx) ||
		    __ww_mutex_wound(lock, cur->ww_ctx, ww_ctx))
			break;
	}
}

static int __ww_mutex_check_kill(struct mutex *lock, struct mutex_waiter *waiter,
				 struct ww_acquire_ctx *ctx)
{
	struct ww_acquire_ctx *hold_ctx = ww_ctx_of(to_ww(lock));
	struct mutex_waiter *cur;

	if (ctx_acquired(ctx) == 0)
		return 0;
	if (!ctx->is_wait_die)
		return READ_ONCE(ctx->wounded) ? __ww_mutex_kill(lock, ctx) : 0;
	if (hold_ctx && __ww_ctx_less(ctx, hold_ctx))
		return __ww_mutex_kill(lock, ctx);
	/* A context waiting ahead of us is older: die. */
	list_for_each_entry(cur, &lock->wait_list, list) {
		if (cur == waiter)
			break;
		if (cur->ww_ctx)
			return __ww_mutex_kill(lock, ctx);
	}
	return 0;
}

/* Queue in stamp order among the waiters with a context. */
static int __ww_mutex_add_waiter(struct mutex_waiter *waiter, struct mutex *lock,
				 struct ww_acquire_ctx *ww_ctx)
{
	struct mutex_waiter *cur, *pos = NULL;
	bool is_wait_die = ww_ctx->is_wait_die;
	struct list_head *p;

	for (p = lock->wait_list.prev; p != &lock->wait_list; p = p->prev) {
		cur = list_entry(p, struct mutex_waiter, list);
		if (!cur->ww_ctx)
			continue;
		if (__ww_ctx_less(ww_ctx, cur->ww_ctx)) {
			if (is_wait_die) {
				int ret = __ww_mutex_kill(lock, ww_ctx);

				if (ret)
					return ret;
			}
			break;
		}
		pos = cur;
		__ww_mutex_die(lock, cur, ww_ctx);
	}
	if (pos)
		list_add_tail(&waiter->list, &pos->list);	/* before pos */
	else
		list_add_tail(&waiter->list, &lock->wait_list);
	atomic_fetch_or(&lock->owner, MUTEX_FLAG_WAITERS);	/* full barrier */
	if (!is_wait_die)
		__ww_mutex_wound(lock, ww_ctx, ww_ctx_of(to_ww(lock)));
	return 0;
}

static void ww_mutex_lock_acquired(struct ww_mutex *ww, struct ww_acquire_ctx *ww_ctx)
{
	/* Taken with ww_mutex_lock, released with a plain mutex_unlock? */
	DEBUG_LOCKS_WARN_ON(READ_ONCE(ww->ctx));
	/* Still locking after ww_acquire_done()? */
	DEBUG_LOCKS_WARN_ON(ww_ctx->done_acquire);
	if (ww_ctx->contending_lock) {
		/* After -EDEADLK, a different ww_mutex than the contended one? */
		DEBUG_LOCKS_WARN_ON(ww_ctx->contending_lock != ww);
		/* After -EDEADLK, without unlocking everything else first? */
		DEBUG_LOCKS_WARN_ON(ww_ctx->acquired > 0);
		ww_ctx->contending_lock = NULL;
	}
	/* Mixing classes is undefined. */
	DEBUG_LOCKS_WARN_ON(ww_ctx->ww_class != ww->ww_class);
	WRITE_ONCE(ww_ctx->acquired, ww_ctx->acquired + 1);
	__atomic_store_n(&ww->ctx, ww_ctx, __ATOMIC_RELEASE);
}

void kmm_ww_mutex_set_context_fastpath(struct mutex *lock, struct ww_acquire_ctx *ctx)
{
	ww_mutex_lock_acquired(to_ww(lock), ctx);
	atomic_thread_fence(memory_order_seq_cst);
	if (likely(!(atomic_load(&lock->owner) & MUTEX_FLAG_WAITERS)))
		return;
	kmm_wait_lock(&lock->wait_lock);
	__ww_mutex_check_waiters(lock, ctx);
	kmm_wait_unlock(&lock->wait_lock);
}

/* ---- lock and unlock ----------------------------------------------------- */

int kmm___mutex_lock_common(struct mutex *lock, bool interruptible, unsigned int subclass,
			    struct lockdep_map *nest_lock, unsigned long ip,
			    struct ww_acquire_ctx *ww_ctx)
{
	struct task_struct *curr = current;
	struct mutex_waiter waiter;
	int ret = 0, seq;

	might_sleep();
	DEBUG_LOCKS_WARN_ON(lock->magic != lock);
	if (ww_ctx) {
		if (unlikely(ww_ctx == ww_ctx_of(to_ww(lock))))
			return -EALREADY;
		/* Nobody can wound a context that holds nothing. */
		if (ww_ctx->acquired == 0)
			WRITE_ONCE(ww_ctx->wounded, 0);
		nest_lock = &ww_ctx->dep_map;
	}
	mutex_acquire_nest(&lock->dep_map, subclass, 0, nest_lock, ip);

	if (kmm___mutex_trylock(lock) || mutex_optimistic_spin(lock)) {
		lock_acquired(&lock->dep_map, ip);
		if (ww_ctx)
			kmm_ww_mutex_set_context_fastpath(lock, ww_ctx);
		return 0;
	}

	kmm_wait_lock(&lock->wait_lock);
	if (kmm___mutex_trylock(lock)) {
		if (ww_ctx)
			__ww_mutex_check_waiters(lock, ww_ctx);
		goto skip_wait;
	}
	lock_contended(&lock->dep_map, ip);
	waiter.task = curr;
	waiter.ww_ctx = ww_ctx;
	if (!ww_ctx) {
		list_add_tail(&waiter.list, &lock->wait_list);
		atomic_fetch_or(&lock->owner, MUTEX_FLAG_WAITERS);
	} else {
		ret = __ww_mutex_add_waiter(&waiter, lock, ww_ctx);
		if (ret)
			goto err_early;
	}

	for (;;) {
		if (kmm___mutex_trylock(lock))
			break;
		if (interruptible && signal_pending(curr)) {
			ret = -EINTR;
			goto err;
		}
		if (ww_ctx) {
			ret = __ww_mutex_check_kill(lock, &waiter, ww_ctx);
			if (ret)
				goto err;
		}
		seq = kmm_prepare_to_wait();
		kmm_wait_unlock(&lock->wait_lock);
		/* Sleep unless the lock got free or we got a reason to stop. */
		if (__mutex_owner(lock) &&
		    !(interruptible && signal_pending(curr)) &&
		    !(ww_ctx && READ_ONCE(ww_ctx->wounded)))
			kmm_schedule(seq);
		kmm_finish_wait();
		kmm_wait_lock(&lock->wait_lock);
	}
	mutex_remove_waiter(lock, &waiter);
	if (ww_ctx && !ww_ctx->is_wait_die)
		__ww_mutex_check_waiters(lock, ww_ctx);
skip_wait:
	lock_acquired(&lock->dep_map, ip);
	if (ww_ctx)
		ww_mutex_lock_acquired(to_ww(lock), ww_ctx);
	kmm_wait_unlock(&lock->wait_lock);
	return 0;

err:
	mutex_remove_waiter(lock, &waiter);
err_early:
	kmm_wait_unlock(&lock->wait_lock);
	mutex_release(&lock->dep_map, ip);
	return ret;
}

void kmm___mutex_unlock(struct mutex *lock, unsigned long ip)
{
	long owner = (long)current;
	struct mutex_waiter *waiter;

	mutex_release(&lock->dep_map, ip);
	/* Fast: we own it and nobody waits. */
	if (atomic_compare_exchange_strong_explicit(&lock->owner, &owner, 0,
						    memory_order_release,
						    memory_order_relaxed))
		return;
	for (;;) {
		DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current);
		if (atomic_compare_exchange_weak_explicit(&lock->owner, &owner,
							  owner & MUTEX_FLAG_WAITERS,
							  memory_order_release,
							  memory_order_relaxed))
			break;
	}
	if (!(owner & MUTEX_FLAG_WAITERS))
		return;
	kmm_wait_lock(&lock->wait_lock);
	if (!list_empty(&lock->wait_list)) {
		waiter = list_first_entry(&lock->wait_list, struct mutex_waiter, list);
		kmm_wake_up_process(waiter->task);
	}
	kmm_wait_unlock(&lock->wait_lock);
}

/*
 * The uncontended case, as the kernel's __mutex_trylock_fast(): a task in
 * process context with lockdep and lock_stat off takes a free mutex with
 * one compare-and-swap.  Everything else (atomic context, which
 * might_sleep() must report, hooks to call, contention) takes the full
 * path.
 */
static inline bool mutex_lock_fast(struct mutex *lock, struct task_struct *curr)
{
	long zero = 0;

	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active) || lock->magic != lock ||
		     atomic_load_explicit(&curr->preempt_count, memory_order_relaxed) ||
		     curr->irqs_off || curr->non_block_count))
		return false;
	/* Release too: spinners read the owner's task through this pointer. */
	return atomic_compare_exchange_strong_explicit(&lock->owner, &zero, (long)curr,
						       memory_order_acq_rel,
						       memory_order_relaxed);
}

KMM_API noinline void kmm_mutex_lock_nested(struct mutex *lock, unsigned int subclass)
{
	if (likely(mutex_lock_fast(lock, current)))
		return;
	kmm___mutex_lock_common(lock, false, subclass, NULL, _RET_IP_, NULL);
}

KMM_API noinline void kmm__mutex_lock_nest_lock(struct mutex *lock, struct lockdep_map *nest)
{
	kmm___mutex_lock_common(lock, false, 0, nest, _RET_IP_, NULL);
}

KMM_API noinline int kmm_mutex_lock_interruptible_nested(struct mutex *lock,
							 unsigned int subclass)
{
	return kmm___mutex_lock_common(lock, true, subclass, NULL, _RET_IP_, NULL);
}

/* kmm has no fatal signals apart from the pending flag: same as interruptible. */
KMM_API noinline int kmm_mutex_lock_killable_nested(struct mutex *lock, unsigned int subclass)
{
	return kmm___mutex_lock_common(lock, true, subclass, NULL, _RET_IP_, NULL);
}

KMM_API noinline int kmm_mutex_trylock(struct mutex *lock)
{
	bool locked;

	DEBUG_LOCKS_WARN_ON(lock->magic != lock);
	locked = kmm___mutex_trylock(lock);
	if (locked)
		mutex_acquire(&lock->dep_map, 0, 1, _RET_IP_);
	return locked;
}

KMM_API noinline void kmm_mutex_unlock(struct mutex *lock)
{
	kmm___mutex_unlock(lock, _RET_IP_);
}

KMM_API void kmm_mutex_destroy(struct mutex *lock)
{
	DEBUG_LOCKS_WARN_ON(kmm_mutex_is_locked(lock));
	lock->magic = NULL;
}
