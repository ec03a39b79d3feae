/* SPDX-License-Identifier: MIT */
/*
 * lockdep: the runtime locking correctness validator
 * (Documentation/locking/lockdep-design.rst).  Every kmm lock calls these
 * hooks; lockdep=on on the command line turns validation on (it is off by
 * default in the library, on in kmm demo and the tests).
 */
#ifndef KMM_LOCKDEP_H
#define KMM_LOCKDEP_H

#include <kmm/lockdep_types.h>

#define MAX_LOCK_DEPTH 48UL

KMM_API void kmm_lockdep_init_map_type(struct lockdep_map *lock, const char *name,
				       struct lock_class_key *key, int subclass,
				       u8 inner, u8 outer, u8 lock_type);
/*
 * read: 0 exclusive, 1 shared (rwsem-style, not recursive), 2 shared
 * recursive (rwlock readers).  check: 0 only tracks the lock as held.
 */
KMM_API void kmm_lock_acquire(struct lockdep_map *lock, unsigned int subclass, int trylock,
			      int read, int check, struct lockdep_map *nest_lock,
			      unsigned long ip);
KMM_API void kmm_lock_release(struct lockdep_map *lock, unsigned long ip);
/* lock_stat: the caller found the lock busy / finally got it. */
KMM_API void kmm_lock_contended(struct lockdep_map *lock, unsigned long ip);
KMM_API void kmm_lock_acquired(struct lockdep_map *lock, unsigned long ip);
/* 1 if the current thread holds lock (read: -1 any, 0 write, 1 read). */
KMM_API int kmm_lock_is_held_type(const struct lockdep_map *lock, int read);
KMM_API void kmm_lockdep_set_class_and_subclass(struct lockdep_map *lock,
						struct lock_class_key *key,
						const char *name, unsigned int subclass);
/* A lock about to be destroyed, or memory about to be freed, is not held. */
KMM_API void kmm_debug_check_no_locks_freed(const void *from, unsigned long len);
/* The current thread holds no lock (thread exit, return to "userspace"). */
KMM_API void kmm_debug_check_no_locks_held(void);
/* Leaving the library for good with locks held ("returning to user space"). */
KMM_API void kmm_lockdep_sys_exit(void);
KMM_API void kmm_debug_show_all_locks(void);
KMM_API void kmm_debug_show_held_locks(void);
/* lock_stat: forget every class's statistics ("echo 0 > /proc/lock_stat"). */
KMM_API void kmm_lock_stat_reset(void);
/* lockdep_off()/lockdep_on(): stop tracking the current thread's locks. */
KMM_API void kmm_lockdep_off(void);
KMM_API void kmm_lockdep_on(void);
KMM_API bool kmm_lockdep_enabled(void);

/* irq-state tracing, called by the irq model (src/kernel/irq.c). */
KMM_API void kmm_lockdep_hardirqs_on(unsigned long ip);
KMM_API void kmm_lockdep_hardirqs_off(unsigned long ip);
KMM_API void kmm_lockdep_softirqs_on(unsigned long ip);
KMM_API void kmm_lockdep_softirqs_off(unsigned long ip);

#define _THIS_IP_  ({ __label__ __here; __here: (unsigned long)&&__here; })
#define _RET_IP_   ((unsigned long)__builtin_return_address(0))

#define lockdep_init_map(lock, name, key, sub) \
	kmm_lockdep_init_map_type(lock, name, key, sub, LD_WAIT_INV, LD_WAIT_INV, LD_LOCK_NORMAL)
#define lockdep_init_map_wait(lock, name, key, sub, inner) \
	kmm_lockdep_init_map_type(lock, name, key, sub, inner, LD_WAIT_INV, LD_LOCK_NORMAL)
#define lockdep_set_class(lock, key) \
	kmm_lockdep_set_class_and_subclass(&(lock)->dep_map, key, #key, 0)
#define lockdep_set_class_and_name(lock, key, name) \
	kmm_lockdep_set_class_and_subclass(&(lock)->dep_map, key, name, 0)
#define lockdep_set_class_and_subclass(lock, key, sub) \
	kmm_lockdep_set_class_and_subclass(&(lock)->dep_map, key, #key, sub)
#define lockdep_set_subclass(lock, sub) \
	kmm_lockdep_set_class_and_subclass(&(lock)->dep_map, (lock)->dep_map.key, \
					   (lock)->dep_map.name, sub)

/*
 * Nonzero while lockdep or lock_stat wants to see lock operations: the
 * hooks cost one predictable branch when both are off.
 */
KMM_API extern int kmm_lockdep_hooks_active;

#define lock_acquire(l, s, t, r, c, n, i) do {				\
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))		\
		kmm_lock_acquire(l, s, t, r, c, n, i);			\
} while (0)
#define lock_release(l, i) do {						\
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))		\
		kmm_lock_release(l, i);					\
} while (0)
#define lock_contended(l, i) do {					\
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))		\
		kmm_lock_contended(l, i);				\
} while (0)
#define lock_acquired(l, i) do {					\
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))		\
		kmm_lock_acquired(l, i);				\
} while (0)
#define lock_acquire_exclusive(l, s, t, n, i)	lock_acquire(l, s, t, 0, 1, n, i)
#define lock_acquire_shared(l, s, t, n, i)	lock_acquire(l, s, t, 1, 1, n, i)
#define lock_acquire_shared_recursive(l, s, t, n, i) lock_acquire(l, s, t, 2, 1, n, i)

#define spin_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, NULL, i)
#define spin_acquire_nest(l, s, t, n, i)	lock_acquire_exclusive(l, s, t, n, i)
#define spin_release(l, i)			lock_release(l, i)
#define rwlock_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, NULL, i)
#define rwlock_acquire_read(l, s, t, i)		lock_acquire_shared_recursive(l, s, t, NULL, i)
#define rwlock_release(l, i)			lock_release(l, i)
#define mutex_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, NULL, i)
#define mutex_acquire_nest(l, s, t, n, i)	lock_acquire_exclusive(l, s, t, n, i)
#define mutex_release(l, i)			lock_release(l, i)
#define rwsem_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, NULL, i)
#define rwsem_acquire_nest(l, s, t, n, i)	lock_acquire_exclusive(l, s, t, n, i)
#define rwsem_acquire_read(l, s, t, i)		lock_acquire_shared(l, s, t, NULL, i)
#define rwsem_release(l, i)			lock_release(l, i)

#define lockdep_is_held(lock)		kmm_lock_is_held_type(&(lock)->dep_map, -1)
#define lockdep_is_held_type(lock, r)	kmm_lock_is_held_type(&(lock)->dep_map, r)

#define lockdep_assert(cond)	do { WARN_ON(kmm_debug_locks && !(cond)); } while (0)
#define lockdep_assert_held(l)		lockdep_assert(lockdep_is_held_type(l, -1) != 0)
#define lockdep_assert_not_held(l)	lockdep_assert(lockdep_is_held_type(l, -1) != 1)
#define lockdep_assert_held_write(l)	lockdep_assert(lockdep_is_held_type(l, 0))
#define lockdep_assert_held_read(l)	lockdep_assert(lockdep_is_held_type(l, 1))
#define lockdep_assert_held_once(l)	WARN_ON_ONCE(kmm_debug_locks && !lockdep_is_held(l))

#define lockdep_off()			kmm_lockdep_off()
#define lockdep_on()			kmm_lockdep_on()
#define debug_check_no_locks_freed(f, l) kmm_debug_check_no_locks_freed(f, l)
#define debug_check_no_locks_held()	kmm_debug_check_no_locks_held()
#define debug_show_all_locks()		kmm_debug_show_all_locks()
#define debug_show_held_locks(t)	kmm_debug_show_held_locks()

#endif /* KMM_LOCKDEP_H */
