// SPDX-License-Identifier: MIT
/*
 * Wound/wait mutex API (kernel/locking/mutex.c's ww_* entry points and
 * include/linux/ww_mutex.h's inline helpers, with DEBUG_WW_MUTEXES).
 * The waiting logic is in mutex.c.
 */
#include <kmm/ww_mutex.h>
#include <kmm/sched.h>
#include <kmm/debug_locks.h>
#include <errno.h>
#include "locking.h"

KMM_API void kmm_ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class)
{
	kmm___mutex_init(&lock->base, ww_class->mutex_name, &ww_class->mutex_key);
	lock->ctx = NULL;
	lock->ww_class = ww_class;
}

KMM_API noinline void kmm_ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class)
{
	ctx->task = current;
	WRITE_ONCE(ctx->stamp, (unsigned long)atomic_fetch_add_explicit(&ww_class->stamp, 1,
									 memory_order_relaxed) + 1);
	WRITE_ONCE(ctx->acquired, 0);
	WRITE_ONCE(ctx->wounded, 0);
	ctx->is_wait_die = (unsigned short)ww_class->is_wait_die;
	ctx->ww_class = ww_class;
	ctx->done_acquire = 0;
	ctx->contending_lock = NULL;
	kmm_debug_check_no_locks_freed((void *)ctx, sizeof(*ctx));
	lockdep_init_map(&ctx->dep_map, ww_class->acquire_name, &ww_class->acquire_key, 0);
	mutex_acquire(&ctx->dep_map, 0, 0, _RET_IP_);
}

KMM_API void kmm_ww_acquire_done(struct ww_acquire_ctx *ctx)
{
	lockdep_assert_held(ctx);
	DEBUG_LOCKS_WARN_ON(ctx->done_acquire);
	ctx->done_acquire = 1;
}

KMM_API noinline void kmm_ww_acquire_fini(struct ww_acquire_ctx *ctx)
{
	mutex_release(&ctx->dep_map, _RET_IP_);
	/* Every ww_mutex must be unlocked before the context ends. */
	DEBUG_LOCKS_WARN_ON(ctx->acquired);
	if (!kmm_lockdep_enabled())
		ctx->done_acquire = 1;	/* lockdep catches a reuse; without it, this */
}

static int ww_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx, bool intr,
		   unsigned long ip)
{
	if (!ctx)
		return kmm___mutex_lock_common(&lock->base, intr, 0, NULL, ip, NULL);
	return kmm___mutex_lock_common(&lock->base, intr, 0, &ctx->dep_map, ip, ctx);
}

KMM_API noinline int kmm_ww_mutex_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	return ww_lock(lock, ctx, false, _RET_IP_);
}

KMM_API noinline int kmm_ww_mutex_lock_interruptible(struct ww_mutex *lock,
						     struct ww_acquire_ctx *ctx)
{
	return ww_lock(lock, ctx, true, _RET_IP_);
}

KMM_API noinline void kmm_ww_mutex_lock_slow(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	/* Only after -EDEADLK, with the contended lock. */
	DEBUG_LOCKS_WARN_ON(!ctx->contending_lock);
	(void)ww_lock(lock, ctx, false, _RET_IP_);
}

KMM_API noinline int kmm_ww_mutex_lock_slow_interruptible(struct ww_mutex *lock,
							  struct ww_acquire_ctx *ctx)
{
	DEBUG_LOCKS_WARN_ON(!ctx->contending_lock);
	return ww_lock(lock, ctx, true, _RET_IP_);
}

KMM_API noinline int kmm_ww_mutex_trylock(struct ww_mutex *ww, struct ww_acquire_ctx *ww_ctx)
{
	if (!ww_ctx)
		return kmm_mutex_trylock(&ww->base);
	DEBUG_LOCKS_WARN_ON(ww->base.magic != &ww->base);
	if (ww_ctx->acquired == 0)
		WRITE_ONCE(ww_ctx->wounded, 0);
	if (kmm___mutex_trylock(&ww->base)) {
		kmm_ww_mutex_set_context_fastpath(&ww->base, ww_ctx);
		mutex_acquire_nest(&ww->base.dep_map, 0, 1, &ww_ctx->dep_map, _RET_IP_);
		return 1;
	}
	return 0;
}

KMM_API noinline void kmm_ww_mutex_unlock(struct ww_mutex *lock)
{
	struct ww_acquire_ctx *ctx = lock->ctx;

	if (ctx) {
		DEBUG_LOCKS_WARN_ON(!ctx->acquired);
		if (ctx->acquired > 0)
			WRITE_ONCE(ctx->acquired, ctx->acquired - 1);
		WRITE_ONCE(lock->ctx, NULL);
	}
	kmm___mutex_unlock(&lock->base, _RET_IP_);
}
