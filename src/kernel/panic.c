// SPDX-License-Identifier: MIT
/*
 * Taint flags, debug_locks, WARN and BUG, as kernel/panic.c, lib/bug.c and
 * arch/x86/kernel/dumpstack.c print them.
 *
 * A WARN prints, in the order of an x86-64 6.12 kernel (whose WARN prints
 * its message before trapping into __warn()):
 *
 *	------------[ cut here ]------------
 *	the message, if any
 *	WARNING: CPU: 1 PID: 1234 at mm/foo.c:42 foo+0x1c/0x80
 *	Modules linked in:
 *	CPU: 1 UID: 1000 PID: 1234 Comm: prog Not tainted 6.12.0-kmm #1
 *	RIP: 0010:foo+0x1c/0x80
 *	Call Trace:
 *	 <TASK>
 *	 foo+0x1c/0x80
 *	 ...
 *	 </TASK>
 *	---[ end trace 0000000000000000 ]---
 *
 * and then taints W.  BUG() prints the oops equivalent and aborts.
 *
 * Locking: the taint mask and debug_locks are atomics.  Each report runs
 * under kmm_report_lock() so that concurrent reports do not interleave;
 * that lock is recursive, so a report may nest inside another one.
 */
#define _GNU_SOURCE
#include "internal.h"
#include <kmm/smp.h>
#include <kmm/stacktrace.h>
#include <stdlib.h>
#include <string.h>

KMM_API int kmm_debug_locks = 1;
KMM_API int kmm_debug_locks_silent;

static unsigned long tainted_mask;

struct taint_flag {
	char c_true;	/* printed when set */
	char c_false;	/* printed when clear */
	const char *desc;
};

/* In the kernel's order; TAINT_FLAGS_COUNT is 19 in Linux 6.12. */
static const struct taint_flag taint_flags[TAINT_FLAGS_COUNT] = {
	[TAINT_PROPRIETARY_MODULE]	= { 'P', 'G', "PROPRIETARY_MODULE" },
	[TAINT_FORCED_MODULE]		= { 'F', ' ', "FORCED_MODULE" },
	[TAINT_CPU_OUT_OF_SPEC]		= { 'S', ' ', "CPU_OUT_OF_SPEC" },
	[TAINT_FORCED_RMMOD]		= { 'R', ' ', "FORCED_RMMOD" },
	[TAINT_MACHINE_CHECK]		= { 'M', ' ', "MACHINE_CHECK" },
	[TAINT_BAD_PAGE]		= { 'B', ' ', "BAD_PAGE" },
	[TAINT_USER]			= { 'U', ' ', "USER" },
	[TAINT_DIE]			= { 'D', ' ', "DIE" },
	[TAINT_OVERRIDDEN_ACPI_TABLE]	= { 'A', ' ', "OVERRIDDEN_ACPI_TABLE" },
	[TAINT_WARN]			= { 'W', ' ', "WARN" },
	[TAINT_CRAP]			= { 'C', ' ', "CRAP" },
	[TAINT_FIRMWARE_WORKAROUND]	= { 'I', ' ', "FIRMWARE_WORKAROUND" },
	[TAINT_OOT_MODULE]		= { 'O', ' ', "OOT_MODULE" },
	[TAINT_UNSIGNED_MODULE]		= { 'E', ' ', "UNSIGNED_MODULE" },
	[TAINT_SOFTLOCKUP]		= { 'L', ' ', "SOFTLOCKUP" },
	[TAINT_LIVEPATCH]		= { 'K', ' ', "LIVEPATCH" },
	[TAINT_AUX]			= { 'X', ' ', "AUX" },
	[TAINT_RANDSTRUCT]		= { 'T', ' ', "RANDSTRUCT" },
	[TAINT_TEST]			= { 'N', ' ', "TEST" },
};

/* Turn lock debugging off; 1 if this call did it (add_taint's version,
 * which ignores debug_locks_silent). */
static int debug_locks_off_raw(void)
{
	return __atomic_exchange_n(&kmm_debug_locks, 0, __ATOMIC_SEQ_CST) != 0;
}

KMM_API int kmm_debug_locks_off(void)
{
	if (__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED) && debug_locks_off_raw())
		return !__atomic_load_n(&kmm_debug_locks_silent, __ATOMIC_RELAXED);
	return 0;
}

KMM_API void kmm_add_taint(unsigned int flag, enum lockdep_ok lockdep_ok)
{
	if (lockdep_ok == LOCKDEP_NOW_UNRELIABLE && debug_locks_off_raw())
		pr_warn("Disabling lock debugging due to kernel taint\n");
	if (flag < TAINT_FLAGS_COUNT)
		__atomic_fetch_or(&tainted_mask, 1UL << flag, __ATOMIC_SEQ_CST);
}

KMM_API bool kmm_test_taint(unsigned int flag)
{
	return flag < TAINT_FLAGS_COUNT &&
	       (__atomic_load_n(&tainted_mask, __ATOMIC_RELAXED) >> flag) & 1;
}

KMM_API unsigned long kmm_get_taint(void)
{
	return __atomic_load_n(&tainted_mask, __ATOMIC_RELAXED);
}

/* Per-thread buffers: the kernel's are static, but here two threads may
 * well report at the same time. */
KMM_API const char *kmm_print_tainted(void)
{
	static __thread char buf[sizeof("Tainted: ") + TAINT_FLAGS_COUNT];
	unsigned long mask = kmm_get_taint();
	char *s;

	if (!mask) {
		strcpy(buf, "Not tainted");
		return buf;
	}
	s = buf + sizeof("Tainted: ") - 1;
	memcpy(buf, "Tainted: ", sizeof("Tainted: ") - 1);
	for (int i = 0; i < TAINT_FLAGS_COUNT; i++)
		*s++ = (mask >> i) & 1 ? taint_flags[i].c_true : taint_flags[i].c_false;
	*s = '\0';
	return buf;
}

KMM_API const char *kmm_print_tainted_verbose(void)
{
	static __thread char buf[sizeof("Tainted: ") + TAINT_FLAGS_COUNT * 32];
	unsigned long mask = kmm_get_taint();
	const char *sep = "";
	size_t len;

	if (!mask) {
		strcpy(buf, "Not tainted");
		return buf;
	}
	len = (size_t)snprintf(buf, sizeof(buf), "Tainted: ");
	for (int i = 0; i < TAINT_FLAGS_COUNT && len < sizeof(buf); i++) {
		if (!((mask >> i) & 1))
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s[%c]=%s", sep,
					taint_flags[i].c_true, taint_flags[i].desc);
		sep = ", ";
	}
	return buf;
}

static void print_modules(void)
{
	/* No modules in userspace; the line is part of every report. */
	printk(KERN_DEFAULT "Modules linked in:\n");
}

static void print_oops_end_marker(void)
{
	pr_warn("---[ end trace %016llx ]---\n", 0ULL);
}

KMM_API noinline void kmm_warn_slowpath(const char *file, int line, void *caller,
					unsigned int taint, const char *fmt, ...)
{
	unsigned long ret_ip = (unsigned long)__builtin_return_address(0);
	char sym[KSYM_SYMBOL_LEN];

	if (!caller)
		caller = (void *)ret_ip;
	kmm_report_lock();
	pr_warn("------------[ cut here ]------------\n");
	if (fmt) {
		va_list ap;

		va_start(ap, fmt);
		vprintk(fmt, ap);
		va_end(ap);
	}
	kmm_sprint_symbol(sym, (unsigned long)caller);
	if (file)
		pr_warn("WARNING: CPU: %d PID: %d at %s:%d %s\n",
			raw_smp_processor_id(), (int)kmm_current_pid(), file, line, sym);
	else
		pr_warn("WARNING: CPU: %d PID: %d at %s\n",
			raw_smp_processor_id(), (int)kmm_current_pid(), sym);
	print_modules();
	kmm_dump_stack_print_info(KERN_DEFAULT);
	printk(KERN_DEFAULT "RIP: 0010:%s\n", sym);
	kmm_show_trace(KERN_DEFAULT, ret_ip);
	print_oops_end_marker();
	/* Just a warning: lockdep stays trustworthy. */
	kmm_add_taint(taint, LOCKDEP_STILL_OK);
	kmm_report_unlock();
}

KMM_API noinline void kmm_bug(const char *file, int line, void *caller)
{
	static int die_counter;
	unsigned long ret_ip = (unsigned long)__builtin_return_address(0);
	char sym[KSYM_SYMBOL_LEN];

	if (!caller)
		caller = (void *)ret_ip;
	kmm_report_lock();
	printk(KERN_DEFAULT "------------[ cut here ]------------\n");
	if (file)
		pr_crit("kernel BUG at %s:%d!\n", file, line);
	else
		pr_crit("Kernel BUG at %s [verbose debug info unavailable]\n",
			(kmm_sprint_backtrace(sym, (unsigned long)caller), sym));
	/* oops_enter(): the kernel can no longer be trusted. */
	kmm_debug_locks_off();
	printk(KERN_DEFAULT "Oops: invalid opcode: 0000 [#%d] PREEMPT SMP\n",
	       __atomic_add_fetch(&die_counter, 1, __ATOMIC_RELAXED));
	kmm_dump_stack_print_info(KERN_DEFAULT);
	kmm_sprint_backtrace(sym, (unsigned long)caller);
	printk(KERN_DEFAULT "RIP: 0010:%s\n", sym);
	kmm_show_trace(KERN_DEFAULT, ret_ip);
	print_modules();
	print_oops_end_marker();
	kmm_add_taint(TAINT_DIE, LOCKDEP_NOW_UNRELIABLE);
	abort();
}
