/* SPDX-License-Identifier: MIT */
/*
 * lockdep's types (types only, no code, as include/linux/lockdep_types.h):
 * the class key a lock is validated by and the map every lock embeds.
 */
#ifndef KMM_LOCKDEP_TYPES_H
#define KMM_LOCKDEP_TYPES_H

#include <kmm/types.h>

#define MAX_LOCKDEP_SUBCLASSES		8UL
#define NR_LOCKDEP_CACHING_CLASSES	2

enum lockdep_wait_type {
	LD_WAIT_INV = 0,	/* not checked, catch all */
	LD_WAIT_FREE,		/* wait free, rcu etc.. */
	LD_WAIT_SPIN,		/* spin loops, raw_spinlock_t etc.. */
	LD_WAIT_CONFIG = LD_WAIT_SPIN,
	LD_WAIT_SLEEP,		/* sleeping locks, mutex_t etc.. */
	LD_WAIT_MAX,
};

enum lockdep_lock_type {
	LD_LOCK_NORMAL = 0,
	LD_LOCK_PERCPU,
	LD_LOCK_WAIT_OVERRIDE,
	LD_LOCK_MAX,
};

struct lockdep_subclass_key {
	char __one_byte;
} __attribute__((packed));

/*
 * A lock class is named by the address of a key: a static key for a
 * DEFINE_*() lock, one static key per *_init() call site.  Its address is
 * what matters; the subkeys give each subclass its own address.
 */
struct lock_class_key {
	struct lockdep_subclass_key subkeys[MAX_LOCKDEP_SUBCLASSES];
};

struct lock_class;

/* Embedded in every lock; lockdep keeps its state elsewhere. */
struct lockdep_map {
	struct lock_class_key *key;
	struct lock_class *class_cache[NR_LOCKDEP_CACHING_CLASSES];
	const char *name;
	u8 wait_type_outer;	/* can be taken in this context */
	u8 wait_type_inner;	/* presents this context */
	u8 lock_type;
	int cpu;		/* lock_stat: last CPU that took it */
	unsigned long ip;	/* lock_stat: last acquire site */
};

#define STATIC_LOCKDEP_MAP_INIT(_name, _key) \
	{ .key = (void *)(_key), .name = (_name) }

#endif /* KMM_LOCKDEP_TYPES_H */
