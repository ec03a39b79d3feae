/* SPDX-License-Identifier: MIT */
/*
 * Kernel-support internals shared across subsystems (hidden): boot
 * parameter and /proc view registration, report serialisation.
 */
#ifndef KMM_KERNEL_INTERNAL_H
#define KMM_KERNEL_INTERNAL_H

#include <kmm/types.h>
#include <kmm/printk.h>
#include <kmm/panic.h>
#include <kmm/init.h>
#include <stdio.h>
#include <time.h>

/*
 * Boot parameters.  __setup("mem", fn) handles "mem=VALUE" (fn gets
 * "VALUE") and a bare "mem" (fn gets NULL).  A name ending in '=' is not
 * used; the '=' is implied.  fn returns 0, or -EINVAL for a bad value
 * (the option is then reported and ignored).  Each file that owns
 * parameters registers a defaults function with param_defaults(); all of
 * them run at the start of every kmm_init(), before parsing.
 */
struct kmm_param {
	const char *name;
	int (*setup)(char *val);
};
#define __setup(str, fn)						\
	static const struct kmm_param __kmm_param_##fn			\
	__attribute__((used, section("kmm_param"), aligned(8))) = { str, fn }
#define param_defaults(fn)						\
	static void (*const __kmm_pdef_##fn)(void)			\
	__attribute__((used, section("kmm_pdef"), aligned(8))) = fn

/* Parse cmdline into the registered parameters (writes into a copy). */
void kmm_parse_args(const char *cmdline);
void kmm_params_reset(void);

/*
 * For parameter handlers, as the kernel's: simple_strtoull (base 0 picks
 * 16 for "0x", 8 for a leading 0, else 10; no sign, no spaces) and
 * get_option (0: no number, 1: a number, 2: a number and a ',' (skipped),
 * 3: a number followed by '-').
 */
unsigned long long kmm_simple_strtoull(const char *cp, char **endp, unsigned int base);
long long kmm_simple_strtoll(const char *cp, char **endp, unsigned int base);
int kmm_get_option(char **str, int *pint);

/*
 * /proc views.  KMM_PROC("buddyinfo", fn) makes kmm_proc_show("buddyinfo")
 * call fn(f).
 */
struct kmm_proc_entry {
	const char *name;
	void (*show)(FILE *f);
};
#define KMM_PROC(str, fn)						\
	static const struct kmm_proc_entry __kmm_proc_##fn		\
	__attribute__((used, section("kmm_proc"), aligned(8))) = { str, fn }

/*
 * A file whose only users are linker-section entries (views, boot
 * parameters) says KMM_LINK_ANCHOR(name); init.c refers to every anchor,
 * so that a program linking libkmm.a statically still gets the file.
 */
#define KMM_LINK_ANCHOR(name) const char kmm_link_anchor_##name = 0

/*
 * Serialise a multi-line report against other threads' reports (the lock
 * is recursive for the owning thread, so a report may contain a report).
 */
void kmm_report_lock(void);
void kmm_report_unlock(void);

/*
 * Report building blocks (stacktrace.c): the "CPU: ... Comm: ..." line,
 * and a "Call Trace:" block that starts at the frame whose return address
 * is anchor (0: the caller of kmm_show_trace).
 */
void kmm_dump_stack_print_info(const char *log_lvl);
void kmm_show_trace(const char *log_lvl, unsigned long anchor);

/* Boot-time setup of printk (the timestamp base) and of symbolisation. */
void kmm_printk_init(void);
void kmm_stacktrace_init(void);
/* Milliseconds and nanoseconds since the printk clock started. */
unsigned long kmm_boot_msecs(void);
u64 kmm_boot_nsecs(void);

/* locking_selftest=on: run the locking API self-test (locking_selftest.c). */
void kmm_locking_selftest_boot(void);

#define KMM_RELEASE "6.12.0-kmm"
#define KMM_VERSION_STRING "0.1.0"

/*
 * jiffies at HZ=1000: milliseconds of the coarse monotonic clock (no
 * system call).  For ages and intervals: slub_debug's tracks, the pcp
 * decay interval.
 */
static inline unsigned long kmm_jiffies(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (unsigned long)ts.tv_sec * 1000 + (unsigned long)ts.tv_nsec / 1000000;
}

#endif /* KMM_KERNEL_INTERNAL_H */
