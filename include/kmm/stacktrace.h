/* SPDX-License-Identifier: MIT */
/*
 * Stack traces: save the return addresses of the current thread, print
 * them as the kernel prints %pS ("func+0x1c/0x80", with " [libfoo.so]" for
 * frames outside the main program), and dump_stack().
 */
#ifndef KMM_STACKTRACE_H
#define KMM_STACKTRACE_H

#include <kmm/types.h>

#define KSYM_SYMBOL_LEN 256

/* Save up to size return addresses, skipping the innermost skipnr frames
 * (kmm_stack_trace_save itself is never included). */
KMM_API unsigned int kmm_stack_trace_save(unsigned long *store, unsigned int size,
					  unsigned int skipnr);
/* Print one line per entry, indented by spaces, at KERN_DEFAULT level. */
KMM_API void kmm_stack_trace_print(const unsigned long *entries,
				   unsigned int nr_entries, int spaces);
/* Format address as %pS does; returns the length written. */
KMM_API int kmm_sprint_symbol(char *buf, unsigned long address);
/* As %pB: address is a return address, so look up address - 1 (a call
 * that ends its function is still named after the caller). */
KMM_API int kmm_sprint_backtrace(char *buf, unsigned long address);
/* The "CPU: N UID: N PID: N Comm: NAME Tainted..." line and a call trace. */
KMM_API void kmm_dump_stack_lvl(const char *log_lvl);
KMM_API void kmm_dump_stack(void);

#define stack_trace_save	kmm_stack_trace_save
#define stack_trace_print	kmm_stack_trace_print
#define sprint_symbol		kmm_sprint_symbol
#define sprint_backtrace	kmm_sprint_backtrace
#define dump_stack		kmm_dump_stack
#define dump_stack_lvl		kmm_dump_stack_lvl

#endif /* KMM_STACKTRACE_H */
