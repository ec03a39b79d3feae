/* SPDX-License-Identifier: MIT */
/*
 * Wound/wait mutexes, as include/linux/ww_mutex.h and
 * Documentation/locking/ww-mutex-design.rst: a set of locks taken in any
 * order under an acquire context.  Each context gets a stamp (its age)
 * from its class; when two contexts contend, the younger one backs off:
 * ww_mutex_lock() returns -EDEADLK, the caller releases every ww_mutex of
 * the context and takes the contended one with ww_mutex_lock_slow() before
 * the rest.  DEFINE_WW_CLASS is wound-wait (an older context wounds a
 * younger holder, which backs off the next time it would block),
 * DEFINE_WD_CLASS wait-die (a younger context that would wait for an older
 * one dies at once).  -EALREADY: the context already holds the lock.
 *
 * Debug checks (DEBUG_LOCKS_WARN_ON): locking after ww_acquire_done(),
 * locking a different mutex than the contended one after -EDEADLK, or
 * without having released the others, mixing classes, ww_acquire_fini()
 * with locks still held, unlock of a ww_mutex taken by mutex_lock.
 */
#ifndef KMM_WW_MUTEX_H
#define KMM_WW_MUTEX_H

#include <kmm/mutex.h>

struct ww_class {
	atomic_long stamp;
	struct lock_class_key acquire_key;
	struct lock_class_key mutex_key;
	const char *acquire_name;
	const char *mutex_name;
	unsigned int is_wait_die;
};

struct ww_mutex {
	struct mutex base;
	struct ww_acquire_ctx *ctx;
	struct ww_class *ww_class;
};

struct ww_acquire_ctx {
	struct task_struct *task;
	unsigned long stamp;
	unsigned int acquired;
	unsigned short wounded;
	unsigned short is_wait_die;
	/* debug */
	unsigned int done_acquire;
	struct ww_class *ww_class;
	void *contending_lock;
	struct lockdep_map dep_map;
};

#define __WW_CLASS_INITIALIZER(ww_class, _is_wait_die)			\
	{ .stamp = 0, .acquire_name = #ww_class "_acquire",		\
	  .mutex_name = #ww_class "_mutex", .is_wait_die = _is_wait_die }
#define DEFINE_WD_CLASS(classname) \
	struct ww_class classname = __WW_CLASS_INITIALIZER(classname, 1)
#define DEFINE_WW_CLASS(classname) \
	struct ww_class classname = __WW_CLASS_INITIALIZER(classname, 0)

KMM_API void kmm_ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class);
KMM_API void kmm_ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class);
KMM_API void kmm_ww_acquire_done(struct ww_acquire_ctx *ctx);
KMM_API void kmm_ww_acquire_fini(struct ww_acquire_ctx *ctx);
KMM_API int kmm_ww_mutex_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx);
KMM_API int kmm_ww_mutex_lock_interruptible(struct ww_mutex *lock, struct ww_acquire_ctx *ctx);
KMM_API void kmm_ww_mutex_lock_slow(struct ww_mutex *lock, struct ww_acquire_ctx *ctx);
KMM_API int kmm_ww_mutex_lock_slow_interruptible(struct ww_mutex *lock,
						 struct ww_acquire_ctx *ctx);
KMM_API int kmm_ww_mutex_trylock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx);
KMM_API void kmm_ww_mutex_unlock(struct ww_mutex *lock);

#define ww_mutex_init			kmm_ww_mutex_init
#define ww_acquire_init			kmm_ww_acquire_init
#define ww_acquire_done			kmm_ww_acquire_done
#define ww_acquire_fini			kmm_ww_acquire_fini
#define ww_mutex_lock			kmm_ww_mutex_lock
#define ww_mutex_lock_interruptible	kmm_ww_mutex_lock_interruptible
#define ww_mutex_lock_slow		kmm_ww_mutex_lock_slow
#define ww_mutex_lock_slow_interruptible kmm_ww_mutex_lock_slow_interruptible
#define ww_mutex_trylock		kmm_ww_mutex_trylock
#define ww_mutex_unlock			kmm_ww_mutex_unlock
#define ww_mutex_destroy(lock)		kmm_mutex_destroy(&(lock)->base)
#define ww_mutex_is_locked(lock)	kmm_mutex_is_locked(&(lock)->base)

#endif /* KMM_WW_MUTEX_H */
