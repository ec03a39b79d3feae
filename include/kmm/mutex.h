/* SPDX-License-Identifier: MIT */
/*
 * struct mutex, as include/linux/mutex.h with CONFIG_DEBUG_MUTEXES: a
 * sleeping lock with an owner.  A contended locker spins for a while on an
 * owner that is running, then queues and sleeps (futex) until the owner's
 * unlock wakes it.  Sleeping locks may not be taken in atomic context:
 * mutex_lock() calls might_sleep().
 *
 * Debug checks (DEBUG_LOCKS_WARN_ON reports): unlock by a task that is not
 * the owner, mutex_destroy() of a locked mutex, use of an uninitialised or
 * destroyed mutex.
 */
#ifndef KMM_MUTEX_H
#define KMM_MUTEX_H

#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/lockdep.h>

struct mutex {
	atomic_long owner;	/* struct task_struct * | MUTEX_FLAG_* */
	atomic_int wait_lock;
	struct list_head wait_list;
	void *magic;		/* == the mutex while initialised */
	struct lockdep_map dep_map;
};

#define MUTEX_FLAG_WAITERS	0x01
#define MUTEX_FLAG_HANDOFF	0x02
#define MUTEX_FLAG_PICKUP	0x04
#define MUTEX_FLAGS		0x07

#define __DEP_MAP_MUTEX_INITIALIZER(lockname)				\
	.dep_map = { .key = (void *)&(lockname), .name = #lockname,	\
		     .wait_type_inner = LD_WAIT_SLEEP }
#define __MUTEX_INITIALIZER(lockname)					\
	{ .owner = 0, .wait_lock = 0,					\
	  .wait_list = LIST_HEAD_INIT(lockname.wait_list),		\
	  .magic = &(lockname), __DEP_MAP_MUTEX_INITIALIZER(lockname) }
#define DEFINE_MUTEX(mutexname)	struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

KMM_API void kmm___mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key);
KMM_API void kmm_mutex_lock_nested(struct mutex *lock, unsigned int subclass);
KMM_API void kmm__mutex_lock_nest_lock(struct mutex *lock, struct lockdep_map *nest);
KMM_API int kmm_mutex_lock_interruptible_nested(struct mutex *lock, unsigned int subclass);
KMM_API int kmm_mutex_lock_killable_nested(struct mutex *lock, unsigned int subclass);
KMM_API int kmm_mutex_trylock(struct mutex *lock);
KMM_API void kmm_mutex_unlock(struct mutex *lock);
KMM_API void kmm_mutex_destroy(struct mutex *lock);
KMM_API bool kmm_mutex_is_locked(struct mutex *lock);

#define __mutex_init(lock, name, key)	kmm___mutex_init(lock, name, key)
#define mutex_init(mutex) do {						\
	static struct lock_class_key __key;				\
	kmm___mutex_init((mutex), #mutex, &__key);			\
} while (0)

#define mutex_lock(lock)		kmm_mutex_lock_nested(lock, 0)
#define mutex_lock_nested(lock, sub)	kmm_mutex_lock_nested(lock, sub)
#define mutex_lock_nest_lock(lock, nest) kmm__mutex_lock_nest_lock(lock, &(nest)->dep_map)
#define mutex_lock_interruptible(lock)	kmm_mutex_lock_interruptible_nested(lock, 0)
#define mutex_lock_interruptible_nested(lock, sub) \
	kmm_mutex_lock_interruptible_nested(lock, sub)
#define mutex_lock_killable(lock)	kmm_mutex_lock_killable_nested(lock, 0)
#define mutex_trylock(lock)		kmm_mutex_trylock(lock)
#define mutex_unlock(lock)		kmm_mutex_unlock(lock)
#define mutex_destroy(lock)		kmm_mutex_destroy(lock)
#define mutex_is_locked(lock)		kmm_mutex_is_locked(lock)

#endif /* KMM_MUTEX_H */
