/* SPDX-License-Identifier: MIT */
/*
 * printk: one log for every kmm report.  Lines carry a log level and a
 * monotonic timestamp since boot, go to an in-memory ring buffer (read it
 * with kmm_proc_show("dmesg", f)) and, when their level is below the
 * console loglevel, to the console (stderr unless console= says otherwise).
 */
#ifndef KMM_PRINTK_H
#define KMM_PRINTK_H

#include <kmm/types.h>
#include <stdarg.h>
#include <stdio.h>

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_DEFAULT	""
#define KERN_CONT	KERN_SOH "c"

#define LOGLEVEL_EMERG		0
#define LOGLEVEL_ALERT		1
#define LOGLEVEL_CRIT		2
#define LOGLEVEL_ERR		3
#define LOGLEVEL_WARNING	4
#define LOGLEVEL_NOTICE		5
#define LOGLEVEL_INFO		6
#define LOGLEVEL_DEBUG		7

KMM_API int kmm_printk(const char *fmt, ...) __printf(1, 2);
KMM_API int kmm_vprintk(const char *fmt, va_list args) __printf(1, 0);

/*
 * The console: where lines at a level below the console loglevel go.
 * fd -1 turns the console off (the ring buffer still records everything).
 */
KMM_API void kmm_console_set_fd(int fd);
KMM_API int kmm_console_get_fd(void);
KMM_API void kmm_console_set_loglevel(int level);
KMM_API int kmm_console_get_loglevel(void);

/*
 * Copy the ring buffer, formatted as dmesg prints it, into buf (at most
 * size bytes, NUL-terminated).  Returns the length of the whole log.
 */
KMM_API size_t kmm_dmesg_read(char *buf, size_t size);
KMM_API void kmm_dmesg_clear(void);

enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
/* One line of a hex dump (at most rowsize bytes of buf) into linebuf;
 * returns the length of the whole line, as lib/hexdump.c. */
KMM_API int kmm_hex_dump_to_buffer(const void *buf, size_t len, int rowsize,
				   int groupsize, char *linebuf, size_t linebuflen,
				   bool ascii);
KMM_API void kmm_print_hex_dump(const char *level, const char *prefix_str,
				int prefix_type, int rowsize, int groupsize,
				const void *buf, size_t len, bool ascii);

/* Rate limiting, as lib/ratelimit.c: burst messages per interval. */
struct ratelimit_state {
	atomic_flag lock;
	int interval;		/* milliseconds */
	int burst;
	int printed;
	int missed;
	unsigned long begin;	/* milliseconds since boot */
};
#define DEFAULT_RATELIMIT_INTERVAL	5000
#define DEFAULT_RATELIMIT_BURST		10
#define RATELIMIT_STATE_INIT(name, interval_ms, burst_n)	\
	{ .lock = ATOMIC_FLAG_INIT, .interval = (interval_ms), .burst = (burst_n) }
#define DEFINE_RATELIMIT_STATE(name, interval_ms, burst_n)	\
	struct ratelimit_state name = RATELIMIT_STATE_INIT(name, interval_ms, burst_n)
/* Returns true when the caller may print; reports suppressed callbacks. */
KMM_API int kmm___ratelimit(struct ratelimit_state *rs, const char *func);
#define __ratelimit(rs)	kmm___ratelimit(rs, __func__)

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define printk			kmm_printk
#define vprintk			kmm_vprintk
#define print_hex_dump		kmm_print_hex_dump
#define hex_dump_to_buffer	kmm_hex_dump_to_buffer
#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)	printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)

#endif /* KMM_PRINTK_H */
