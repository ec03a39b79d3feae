/* SPDX-License-Identifier: MIT */
/*
 * DEBUG_LOCKS_WARN_ON(c), as include/linux/debug_locks.h: when c is true
 * (and lock debugging is still on), turn lock debugging off and WARN with
 * "DEBUG_LOCKS_WARN_ON(c)"; evaluates to whether c was true.
 */
#ifndef KMM_DEBUG_LOCKS_H
#define KMM_DEBUG_LOCKS_H

#include <kmm/panic.h>

#define DEBUG_LOCKS_WARN_ON(c) ({					\
	int __ret = 0;							\
	if (unlikely(c)) {						\
		if (kmm_debug_locks_off() && !kmm_debug_locks_silent)	\
			WARN(1, "DEBUG_LOCKS_WARN_ON(%s)", #c);		\
		__ret = 1;						\
	}								\
	__ret;								\
})

#define SMP_DEBUG_LOCKS_WARN_ON(c)	DEBUG_LOCKS_WARN_ON(c)

/*
 * The locking API self-test (lib/locking-selftest.c's locking_selftest()):
 * runs its matrix on the calling thread, prints the table and returns the
 * number of unexpected failures (0: all passed), or -1 when it cannot run
 * (lockdep off, or lock debugging already turned off by a report).  It
 * forgets every lockdep class: no other thread may hold or take a lock
 * meanwhile.  locking_selftest=on runs it at boot.
 */
KMM_API int kmm_locking_selftest(void);
#define locking_selftest	kmm_locking_selftest

#endif /* KMM_DEBUG_LOCKS_H */
