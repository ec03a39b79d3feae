/* SPDX-License-Identifier: MIT */
/* rwlock_t, as include/linux/rwlock_types.h over asm-generic/qrwlock_types.h. */
#ifndef KMM_RWLOCK_TYPES_H
#define KMM_RWLOCK_TYPES_H

#include <kmm/lockdep_types.h>

/*
 * cnts: bits 0-7 the writer (0xff: write-locked), bit 8 a writer waiting,
 * bits 9-31 the number of readers.  wait_lock queues the slow paths.
 */
typedef struct {
	atomic_int cnts;
	atomic_int wait_lock;
	struct lockdep_map dep_map;
} rwlock_t;

#define RW_DEP_MAP_INIT(lockname, keyaddr)				\
	.dep_map = { .key = (void *)(keyaddr), .name = #lockname,	\
		     .wait_type_inner = LD_WAIT_CONFIG }
#define __RW_LOCK_UNLOCKED(lockname)					\
	{ .cnts = 0, .wait_lock = 0, RW_DEP_MAP_INIT(lockname, &(lockname)) }
#define DEFINE_RWLOCK(x)	rwlock_t x = __RW_LOCK_UNLOCKED(x)

#endif /* KMM_RWLOCK_TYPES_H */
