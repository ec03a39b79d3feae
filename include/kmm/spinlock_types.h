/* SPDX-License-Identifier: MIT */
/* spinlock_t and raw_spinlock_t, as include/linux/spinlock_types*.h. */
#ifndef KMM_SPINLOCK_TYPES_H
#define KMM_SPINLOCK_TYPES_H

#include <kmm/lockdep_types.h>

typedef struct raw_spinlock {
	atomic_int locked;		/* 0 free, 1 held */
	struct lockdep_map dep_map;
} raw_spinlock_t;

/* As in the kernel, spinlock_t's dep_map can be named directly. */
typedef struct spinlock {
	union {
		struct raw_spinlock rlock;
		struct {
			u8 __padding[offsetof(struct raw_spinlock, dep_map)];
			struct lockdep_map dep_map;
		};
	};
} spinlock_t;

/*
 * A statically defined lock is its own class key (as in the kernel, where
 * lockdep keys a static lock by its address) and is named after its
 * variable.
 */
#define RAW_SPIN_DEP_MAP_INIT(lockname, keyaddr)			\
	.dep_map = { .key = (void *)(keyaddr), .name = #lockname,	\
		     .wait_type_inner = LD_WAIT_SPIN }
#define SPIN_DEP_MAP_INIT(lockname, keyaddr)				\
	.dep_map = { .key = (void *)(keyaddr), .name = #lockname,	\
		     .wait_type_inner = LD_WAIT_CONFIG }

#define __RAW_SPIN_LOCK_UNLOCKED_KEY(lockname, keyaddr)			\
	{ .locked = 0, RAW_SPIN_DEP_MAP_INIT(lockname, keyaddr) }
#define __SPIN_LOCK_UNLOCKED_KEY(lockname, keyaddr)			\
	{ .rlock = { .locked = 0, SPIN_DEP_MAP_INIT(lockname, keyaddr) } }

#define __RAW_SPIN_LOCK_UNLOCKED(lockname)	__RAW_SPIN_LOCK_UNLOCKED_KEY(lockname, &(lockname))
#define __SPIN_LOCK_UNLOCKED(lockname)	__SPIN_LOCK_UNLOCKED_KEY(lockname, &(lockname))

#define DEFINE_RAW_SPINLOCK(x)	raw_spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED(x)
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

#endif /* KMM_SPINLOCK_TYPES_H */
