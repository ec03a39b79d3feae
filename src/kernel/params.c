// SPDX-License-Identifier: MIT
/*
 * Boot parameters: the kernel-style command line, split as the kernel's
 * next_arg() splits it (spaces separate; double quotes protect spaces, as
 * in foo="a b"; "--" ends the options) and handed to the handlers that
 * __setup() placed in the "kmm_param" section, matched by name with '-'
 * and '_' equivalent (the kernel's parameq()).  Also the kernel's number
 * and boolean parsers used by handlers: kstrtobool, memparse,
 * simple_strtoull and get_option.
 *
 * Handlers receive pointers into a copy of the command line that stays
 * valid until the next kmm_params_reset(), so they may keep them.
 *
 * Locking: params_lock (a test-and-set flag) serialises kmm_parse_args()
 * and kmm_params_reset(); handlers run under it and must not parse a
 * command line themselves.
 */
#define _GNU_SOURCE
#include "internal.h"
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <string.h>

/* The linker defines these for the sections; weak so that a program
 * without any parameter still links. */
extern const struct kmm_param __start_kmm_param[]
	__attribute__((weak, visibility("hidden")));
extern const struct kmm_param __stop_kmm_param[]
	__attribute__((weak, visibility("hidden")));
extern void (*const __start_kmm_pdef[])(void)
	__attribute__((weak, visibility("hidden")));
extern void (*const __stop_kmm_pdef[])(void)
	__attribute__((weak, visibility("hidden")));

#define ARENA_SIZE	16384	/* command-line copies since the last reset */
#define UNKNOWN_MAX	1024

static char arena[ARENA_SIZE];
static size_t arena_used;
static atomic_flag params_lock = ATOMIC_FLAG_INIT;

static void params_lock_acquire(void)
{
	while (atomic_flag_test_and_set_explicit(&params_lock, memory_order_acquire))
		sched_yield();
}

static void params_lock_release(void)
{
	atomic_flag_clear_explicit(&params_lock, memory_order_release);
}

/* ------------------------------------------------------------------ */
/* Number and boolean parsing, as lib/kstrtox.c, lib/vsprintf.c and
 * lib/cmdline.c. */

KMM_API int kmm_kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		switch (s[1]) {
		case 'n': case 'N':
			*res = true;
			return 0;
		case 'f': case 'F':
			*res = false;
			return 0;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return -EINVAL;
}

/* base 0: "0x" + hex digit means 16, a leading 0 means 8, else 10. */
static const char *fixup_radix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0') {
			if (tolower((unsigned char)s[1]) == 'x' &&
			    isxdigit((unsigned char)s[2]))
				*base = 16;
			else
				*base = 8;
		} else {
			*base = 10;
		}
	}
	if (*base == 16 && s[0] == '0' && tolower((unsigned char)s[1]) == 'x')
		s += 2;
	return s;
}

/* No whitespace or sign; overflow wraps silently, as the kernel's. */
unsigned long long kmm_simple_strtoull(const char *cp, char **endp, unsigned int base)
{
	unsigned long long result = 0;
	const char *s = fixup_radix(cp, &base);

	for (;; s++) {
		unsigned int c = (unsigned char)*s, val;

		if (c >= '0' && c <= '9')
			val = c - '0';
		else if (tolower((int)c) >= 'a' && tolower((int)c) <= 'f')
			val = (unsigned int)tolower((int)c) - 'a' + 10;
		else
			break;
		if (val >= base)
			break;
		result = result * base + val;
	}
	if (endp)
		*endp = (char *)s;
	return result;
}

long long kmm_simple_strtoll(const char *cp, char **endp, unsigned int base)
{
	if (*cp == '-')
		return -(long long)kmm_simple_strtoull(cp + 1, endp, base);
	return (long long)kmm_simple_strtoull(cp, endp, base);
}

int kmm_get_option(char **str, int *pint)
{
	char *cur = *str;
	int value;

	if (!cur || !*cur)
		return 0;
	if (*cur == '-')
		value = -(int)kmm_simple_strtoull(++cur, str, 0);
	else
		value = (int)kmm_simple_strtoull(cur, str, 0);
	if (pint)
		*pint = value;
	if (cur == *str)
		return 0;
	if (**str == ',') {
		(*str)++;
		return 2;
	}
	if (**str == '-')
		return 3;
	return 1;
}

KMM_API unsigned long long kmm_memparse(const char *ptr, char **retptr)
{
	char *endptr;
	unsigned long long ret = kmm_simple_strtoull(ptr, &endptr, 0);
	int shift = 0;

	switch (*endptr) {
	case 'E': case 'e': shift = 60; break;
	case 'P': case 'p': shift = 50; break;
	case 'T': case 't': shift = 40; break;
	case 'G': case 'g': shift = 30; break;
	case 'M': case 'm': shift = 20; break;
	case 'K': case 'k': shift = 10; break;
	default: break;
	}
	if (shift) {
		ret <<= shift;
		endptr++;
	}
	if (retptr)
		*retptr = endptr;
	return ret;
}

/* ------------------------------------------------------------------ */
/* The command line */

static char *skip_spaces(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Split off the next "param[=value]", removing quotes; as next_arg(). */
static char *next_arg(char *args, char **param, char **val)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (!equals && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return skip_spaces(args);
}

static char dash2underscore(char c)
{
	return c == '-' ? '_' : c;
}

static bool parameq(const char *a, const char *b)
{
	for (; *a || *b; a++, b++)
		if (dash2underscore(*a) != dash2underscore(*b))
			return false;
	return true;
}

static void append(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= size)
		n = *len + 1 < size ? size - 1 - *len : 0;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

void kmm_parse_args(const char *cmdline)
{
	static char unknown[UNKNOWN_MAX];
	size_t unknown_len = 0, len, room;
	char *args, *param, *val;

	if (!cmdline)
		return;
	params_lock_acquire();
	len = strlen(cmdline);
	room = ARENA_SIZE - arena_used;
	if (len + 1 > room) {
		pr_warn("Kernel command line too long, truncated to %zu bytes\n",
			room ? room - 1 : 0);
		if (!room) {
			params_lock_release();
			return;
		}
		len = room - 1;
	}
	args = arena + arena_used;
	memcpy(args, cmdline, len);
	args[len] = '\0';
	arena_used += len + 1;
	unknown[0] = '\0';

	args = skip_spaces(args);
	while (*args) {
		const struct kmm_param *p;
		bool found = false, bad = false;

		args = next_arg(args, &param, &val);
		if (!val && !strcmp(param, "--"))
			break;		/* the rest belongs to "init" */
		for (p = __start_kmm_param; p && p < __stop_kmm_param; p++) {
			if (!p->name || !parameq(param, p->name))
				continue;
			found = true;
			if (p->setup && p->setup(val))
				bad = true;
		}
		if (bad)
			pr_err("Booting kernel: `%s' invalid for parameter `%s'\n",
			       val ? val : "", param);
		if (!found) {
			append(unknown, sizeof(unknown), &unknown_len, " ");
			append(unknown, sizeof(unknown), &unknown_len, param);
			if (val) {
				append(unknown, sizeof(unknown), &unknown_len, "=");
				append(unknown, sizeof(unknown), &unknown_len, val);
			}
		}
	}
	if (unknown_len)
		pr_notice("Unknown kernel command line parameters \"%s\", will be ignored.\n",
			  unknown + 1);
	params_lock_release();
}

void kmm_params_reset(void)
{
	params_lock_acquire();
	arena_used = 0;
	for (void (*const *fn)(void) = __start_kmm_pdef; fn && fn < __stop_kmm_pdef; fn++)
		if (*fn)
			(*fn)();
	params_lock_release();
}
