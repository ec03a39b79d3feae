/* SPDX-License-Identifier: MIT */
/*
 * A tiny TAP producer for kmm's tests (run by prove).  Every check prints
 * "ok N - name" or "not ok N - name"; done_testing() prints the plan and
 * returns the exit status.
 */
#ifndef KMM_TAP_H
#define KMM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_vok(int cond, const char *fmt, va_list ap)
{
	++tap_n;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

static inline __attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static inline __attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define is_int(got, want, ...) ({					\
	long long __g = (long long)(got), __w = (long long)(want);	\
	int __r = ok(__g == __w, __VA_ARGS__);				\
	if (!__r)							\
		diag("  got: %lld, expected: %lld", __g, __w);		\
	__r;								\
})

#define is_str(got, want, ...) ({					\
	const char *__g = (got), *__w = (want);				\
	int __r = ok(__g && __w && !strcmp(__g, __w), __VA_ARGS__);	\
	if (!__r)							\
		diag("  got: '%s'\n#   expected: '%s'",			\
		     __g ? __g : "(null)", __w ? __w : "(null)");		\
	__r;								\
})

/* Substring match: does haystack contain needle? */
#define like(haystack, needle, ...) ({					\
	const char *__h = (haystack), *__n = (needle);			\
	int __r = ok(__h && __n && strstr(__h, __n) != NULL, __VA_ARGS__); \
	if (!__r)							\
		diag("  '%s'\n#   does not contain '%s'",			\
		     __h ? __h : "(null)", __n ? __n : "(null)");	\
	__r;								\
})

#define unlike(haystack, needle, ...) ({				\
	const char *__h = (haystack), *__n = (needle);			\
	int __r = ok(__h && __n && strstr(__h, __n) == NULL, __VA_ARGS__); \
	if (!__r)							\
		diag("  unexpectedly contains '%s'", __n ? __n : "(null)"); \
	__r;								\
})

/* n tests that cannot run here, passed as TAP skips. */
static inline void skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # skip %s\n", ++tap_n, why);
}

/* Nothing of this program can run here: TAP's skip-all plan. */
static inline __attribute__((noreturn)) void plan_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	fflush(stdout);
	exit(0);
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* KMM_TAP_H */
