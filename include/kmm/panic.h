/* SPDX-License-Identifier: MIT */
/* Taint flags, WARN and BUG, as include/linux/panic.h and asm-generic/bug.h. */
#ifndef KMM_PANIC_H
#define KMM_PANIC_H

#include <kmm/types.h>

#define TAINT_PROPRIETARY_MODULE	0
#define TAINT_FORCED_MODULE		1
#define TAINT_CPU_OUT_OF_SPEC		2
#define TAINT_FORCED_RMMOD		3
#define TAINT_MACHINE_CHECK		4
#define TAINT_BAD_PAGE			5
#define TAINT_USER			6
#define TAINT_DIE			7
#define TAINT_OVERRIDDEN_ACPI_TABLE	8
#define TAINT_WARN			9
#define TAINT_CRAP			10
#define TAINT_FIRMWARE_WORKAROUND	11
#define TAINT_OOT_MODULE		12
#define TAINT_UNSIGNED_MODULE		13
#define TAINT_SOFTLOCKUP		14
#define TAINT_LIVEPATCH			15
#define TAINT_AUX			16
#define TAINT_RANDSTRUCT		17
#define TAINT_TEST			18
#define TAINT_FLAGS_COUNT		19

enum lockdep_ok { LOCKDEP_STILL_OK, LOCKDEP_NOW_UNRELIABLE };

/* Set a taint bit; LOCKDEP_NOW_UNRELIABLE also turns lock debugging off. */
KMM_API void kmm_add_taint(unsigned int flag, enum lockdep_ok lockdep_ok);
KMM_API bool kmm_test_taint(unsigned int flag);
KMM_API unsigned long kmm_get_taint(void);
/* "Not tainted" or "Tainted: G    B    ..." (static buffer). */
KMM_API const char *kmm_print_tainted(void);
/* "Tainted: [B]=BAD_PAGE, [W]=WARN" (static buffer), as dump_stack prints. */
KMM_API const char *kmm_print_tainted_verbose(void);

/*
 * debug_locks: 1 while lock debugging is trustworthy.  debug_locks_off()
 * turns it off and returns 1 if this call was the one that did so.
 */
KMM_API extern int kmm_debug_locks;
KMM_API int kmm_debug_locks_off(void);
/* Set while lockdep's selftests provoke failures: debug_locks_off() then
 * returns 0 so that no report is printed. */
KMM_API extern int kmm_debug_locks_silent;

#define add_taint		kmm_add_taint
#define test_taint		kmm_test_taint
#define get_taint		kmm_get_taint
#define print_tainted		kmm_print_tainted
#define print_tainted_verbose	kmm_print_tainted_verbose
#define debug_locks		kmm_debug_locks
#define debug_locks_off		kmm_debug_locks_off
#define debug_locks_silent	kmm_debug_locks_silent

/*
 * WARN: the "------------[ cut here ]------------" report with the CPU,
 * PID, file:line and function, a message, a stack trace and the
 * "---[ end trace ... ]---" line; taints W.  The expression is returned so
 * that callers can write if (WARN_ON(x)) return;.  caller is the address
 * to name in the WARNING line; NULL means kmm_warn_slowpath()'s (kmm_bug()'s)
 * own return address, i.e. the code that invoked WARN (BUG), which is what
 * the macros pass.
 */
KMM_API void kmm_warn_slowpath(const char *file, int line, void *caller,
			       unsigned int taint, const char *fmt, ...)
	__printf(5, 6) __cold;
KMM_API void kmm_bug(const char *file, int line, void *caller)
	__attribute__((noreturn)) __cold;

/* The barrier() keeps the call from becoming a tail call, which would
 * name the caller's caller in the WARNING line. */
#define __WARN_printf(taint, ...) do {					\
	kmm_warn_slowpath(__FILE__, __LINE__, NULL, taint, __VA_ARGS__);	\
	barrier();							\
} while (0)

#define WARN(condition, ...) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN_printf(TAINT_WARN, __VA_ARGS__);			\
	unlikely(__ret_warn_on);					\
})
#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN_printf(TAINT_WARN, NULL);			\
	unlikely(__ret_warn_on);					\
})
#define WARN_ONCE(condition, ...) ({					\
	static bool __warned;						\
	int __ret_warn_once = !!(condition);				\
	if (unlikely(__ret_warn_once && !__atomic_exchange_n(&__warned, true, __ATOMIC_RELAXED))) \
		__WARN_printf(TAINT_WARN, __VA_ARGS__);			\
	unlikely(__ret_warn_once);					\
})
#define WARN_ON_ONCE(condition) ({					\
	static bool __warned;						\
	int __ret_warn_once = !!(condition);				\
	if (unlikely(__ret_warn_once && !__atomic_exchange_n(&__warned, true, __ATOMIC_RELAXED))) \
		__WARN_printf(TAINT_WARN, NULL);			\
	unlikely(__ret_warn_once);					\
})
#define BUG()		kmm_bug(__FILE__, __LINE__, NULL)
#define BUG_ON(cond)	do { if (unlikely(cond)) BUG(); } while (0)

#endif /* KMM_PANIC_H */
