/* SPDX-License-Identifier: MIT */
/*
 * struct rw_semaphore, as include/linux/rwsem.h: a sleeping reader/writer
 * lock.  It is writer-fair: once a waiter is queued, new readers queue
 * behind it, and an unlock hands the lock to the head of the queue (a
 * writer, or every reader up to the next writer).  For lockdep, rwsem
 * readers are not recursive (read=1): a second down_read() can deadlock
 * behind a waiting writer.  The _interruptible/_killable variants return
 * -EINTR when kmm_signal_task() signals the waiter (<kmm/sched.h>).
 */
#ifndef KMM_RWSEM_H
#define KMM_RWSEM_H

#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/lockdep.h>

struct rw_semaphore {
	atomic_long count;	/* RWSEM_* bits, readers << RWSEM_READER_SHIFT */
	atomic_long owner;	/* the writer (debug) */
	atomic_int wait_lock;
	struct list_head wait_list;
	void *magic;
	struct lockdep_map dep_map;
};

#define RWSEM_WRITER_LOCKED	(1L << 0)
#define RWSEM_FLAG_WAITERS	(1L << 1)
#define RWSEM_READER_SHIFT	8
#define RWSEM_READER_BIAS	(1L << RWSEM_READER_SHIFT)
#define RWSEM_READER_MASK	(~(RWSEM_READER_BIAS - 1))

#define __RWSEM_INITIALIZER(lockname)					\
	{ .count = 0, .owner = 0, .wait_lock = 0,			\
	  .wait_list = LIST_HEAD_INIT((lockname).wait_list),		\
	  .magic = &(lockname),						\
	  .dep_map = { .key = (void *)&(lockname), .name = #lockname,	\
		       .wait_type_inner = LD_WAIT_SLEEP } }
#define DECLARE_RWSEM(lockname) \
	struct rw_semaphore lockname = __RWSEM_INITIALIZER(lockname)

KMM_API void kmm___init_rwsem(struct rw_semaphore *sem, const char *name,
			      struct lock_class_key *key);
KMM_API void kmm_down_read_nested(struct rw_semaphore *sem, int subclass);
KMM_API int kmm_down_read_interruptible(struct rw_semaphore *sem);
KMM_API int kmm_down_read_trylock(struct rw_semaphore *sem);
KMM_API void kmm_up_read(struct rw_semaphore *sem);
KMM_API void kmm_down_write_nested(struct rw_semaphore *sem, int subclass);
KMM_API int kmm_down_write_trylock(struct rw_semaphore *sem);
KMM_API int kmm_down_write_killable(struct rw_semaphore *sem);
KMM_API void kmm_up_write(struct rw_semaphore *sem);
KMM_API void kmm_downgrade_write(struct rw_semaphore *sem);
KMM_API bool kmm_rwsem_is_locked(struct rw_semaphore *sem);

#define init_rwsem(sem) do {						\
	static struct lock_class_key __key;				\
	kmm___init_rwsem((sem), #sem, &__key);				\
} while (0)
#define down_read(sem)			kmm_down_read_nested(sem, 0)
#define down_read_nested(sem, sub)	kmm_down_read_nested(sem, sub)
#define down_read_interruptible(sem)	kmm_down_read_interruptible(sem)
#define down_read_killable(sem)		kmm_down_read_interruptible(sem)
#define down_write_killable(sem)	kmm_down_write_killable(sem)
#define down_read_trylock(sem)		kmm_down_read_trylock(sem)
#define up_read(sem)			kmm_up_read(sem)
#define down_write(sem)			kmm_down_write_nested(sem, 0)
#define down_write_nested(sem, sub)	kmm_down_write_nested(sem, sub)
#define down_write_trylock(sem)		kmm_down_write_trylock(sem)
#define up_write(sem)			kmm_up_write(sem)
#define downgrade_write(sem)		kmm_downgrade_write(sem)
#define rwsem_is_locked(sem)		kmm_rwsem_is_locked(sem)

#endif /* KMM_RWSEM_H */
