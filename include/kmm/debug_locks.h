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

#endif /* KMM_DEBUG_LOCKS_H */
