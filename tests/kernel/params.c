// SPDX-License-Identifier: MIT
/*
 * Boot parameters: kstrtobool, memparse, simple_strtoull/get_option, and
 * kmm_parse_args() with parameters registered both here (the test program)
 * and in the library, quoting, '-'/'_' equivalence, "--", unknown and bad
 * parameters, and kmm_params_reset().
 */
#define _GNU_SOURCE
#include "tap.h"
#include "kernel/internal.h"
#include <kmm/init.h>
#include <kmm/printk.h>
#include <errno.h>

static char dmesg[1 << 16];

static const char *read_dmesg(void)
{
	kmm_dmesg_read(dmesg, sizeof(dmesg));
	return dmesg;
}

/* ------------------------------------------------------------------ */

static void test_kstrtobool(void)
{
	static const char *const yes[] = {
		"y", "Y", "t", "T", "1", "yes", "true", "TRUE", "on", "On", "oN", "ON",
		"1junk", "yellow", "tea",
	};
	static const char *const no[] = {
		"n", "N", "f", "F", "0", "no", "false", "off", "OFF", "oFf", "0x1", "nonsense",
	};
	static const char *const bad[] = {
		"", "o", "ox", "x", "2", "-1", " y", "e", "d", "O", "+1", "\n",
	};
	int good = 0;
	bool r;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		r = false;
		good += kmm_kstrtobool(yes[i], &r) == 0 && r;
	}
	is_int(good, ARRAY_SIZE(yes), "kstrtobool: y Y t T 1 on (and what starts so) are true");
	good = 0;
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		r = true;
		good += kmm_kstrtobool(no[i], &r) == 0 && !r;
	}
	is_int(good, ARRAY_SIZE(no), "kstrtobool: n N f F 0 off (and what starts so) are false");
	good = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret;

		r = true;
		ret = kmm_kstrtobool(bad[i], &r);
		if (ret == -EINVAL && r)
			good++;
		else
			diag("kstrtobool(\"%s\") = %d", bad[i], ret);
	}
	is_int(good, ARRAY_SIZE(bad), "kstrtobool: everything else is -EINVAL, result untouched");
	is_int(kmm_kstrtobool(NULL, &r), -EINVAL, "kstrtobool(NULL) is -EINVAL");
}

static void test_memparse(void)
{
	static const struct {
		const char *s;
		unsigned long long v;
		const char *rest;
	} t[] = {
		{ "0", 0, "" },
		{ "1024", 1024, "" },
		{ "4k", 4096, "" },
		{ "4K", 4096, "" },
		{ "2m", 2ULL << 20, "" },
		{ "256M", 256ULL << 20, "" },
		{ "3g", 3ULL << 30, "" },
		{ "3G", 3ULL << 30, "" },
		{ "1t", 1ULL << 40, "" },
		{ "2T", 2ULL << 40, "" },
		{ "1p", 1ULL << 50, "" },
		{ "1P", 1ULL << 50, "" },
		{ "1e", 1ULL << 60, "" },
		{ "1E", 1ULL << 60, "" },
		{ "0x10M", 16ULL << 20, "" },
		{ "0X1f", 31, "" },
		{ "0x1e", 30, "" },
		{ "0x1g", 1ULL << 30, "" },
		{ "010", 8, "" },
		{ "010k", 8192, "" },
		{ "08", 0, "8" },
		{ "0x", 0, "x" },
		{ "16MB", 16ULL << 20, "B" },
		{ "12abc", 12, "abc" },
		{ "12,34", 12, ",34" },
		{ "", 0, "" },
		{ "-1", 0, "-1" },
		{ " 5", 0, " 5" },
		{ "64Kx", 65536, "x" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *end = NULL;
		unsigned long long v = kmm_memparse(t[i].s, &end);

		ok(v == t[i].v && end && !strcmp(end, t[i].rest),
		   "memparse(\"%s\") = %llu, rest \"%s\"", t[i].s, v, end ? end : "(null)");
	}
	is_int(kmm_memparse("2k", NULL), 2048, "memparse with a NULL retptr");
}

static void test_strtoull_get_option(void)
{
	char *end, buf[32], *s;
	int v = 0;

	is_int(kmm_simple_strtoull("0xff", &end, 0), 255, "simple_strtoull base 0, hex");
	is_int(kmm_simple_strtoull("0xff", &end, 16), 255, "base 16 skips 0x");
	is_int(kmm_simple_strtoull("ff", &end, 16), 255, "base 16 without 0x");
	is_int(kmm_simple_strtoull("777", &end, 8), 511, "base 8");
	is_int(kmm_simple_strtoull("19", &end, 8), 1, "base 8 stops at 9");
	is_str(end, "9", "endp after the last digit");
	is_int(kmm_simple_strtoll("-42", &end, 0), -42, "simple_strtoll negative");

	strcpy(buf, "10");
	s = buf;
	is_int(kmm_get_option(&s, &v), 1, "get_option: a number");
	is_int(v, 10, "its value");
	strcpy(buf, "10,20");
	s = buf;
	is_int(kmm_get_option(&s, &v), 2, "get_option: a number and a comma");
	is_str(s, "20", "the comma is skipped");
	strcpy(buf, "-5");
	s = buf;
	ok(kmm_get_option(&s, &v) == 1 && v == -5, "get_option: negative");
	strcpy(buf, "3-7");
	s = buf;
	is_int(kmm_get_option(&s, &v), 3, "get_option: a range");
	strcpy(buf, "abc");
	s = buf;
	is_int(kmm_get_option(&s, &v), 0, "get_option: no number");
}

/* ------------------------------------------------------------------ */
/* Parameters registered by this program. */

static int a_calls;
static char a_val[128];
static char *a_ptr;
static bool a_null;

static int kmmtest_a(char *val)
{
	a_calls++;
	a_null = !val;
	a_ptr = val;
	snprintf(a_val, sizeof(a_val), "%s", val ? val : "");
	return 0;
}
__setup("kmmtest_a", kmmtest_a);

static int dash_calls;
static int kmmtest_dash(char *val)
{
	dash_calls++;
	return 0;
}
__setup("kmmtest-dash_name", kmmtest_dash);

static int kmmtest_bad(char *val)
{
	return val && !strcmp(val, "good") ? 0 : -EINVAL;
}
__setup("kmmtest_bad", kmmtest_bad);

/* Two handlers for one name: both run. */
static int twice_calls;
static int kmmtest_twice1(char *val)
{
	twice_calls++;
	return 0;
}
__setup("kmmtest_twice", kmmtest_twice1);
static int kmmtest_twice2(char *val)
{
	twice_calls += 10;
	return 0;
}
__setup("kmmtest_twice", kmmtest_twice2);

static int defaults_calls;
static void kmmtest_defaults(void)
{
	defaults_calls++;
	a_calls = 0;
}
param_defaults(kmmtest_defaults);

static void reset_a(void)
{
	a_calls = 0;
	a_null = false;
	a_val[0] = '\0';
}

static void test_parse(void)
{
	char *kept;

	reset_a();
	kmm_parse_args("kmmtest_a=1");
	ok(a_calls == 1 && !strcmp(a_val, "1"), "a test-program parameter gets its value");
	reset_a();
	kmm_parse_args("kmmtest_a");
	ok(a_calls == 1 && a_null, "a bare parameter gets NULL");
	reset_a();
	kmm_parse_args("kmmtest_a=");
	ok(a_calls == 1 && !a_null && !strcmp(a_val, ""), "an empty value is \"\", not NULL");
	reset_a();
	kmm_parse_args("kmmtest_a=\"hello world\"");
	ok(a_calls == 1 && !strcmp(a_val, "hello world"), "quoted value: '%s'", a_val);
	reset_a();
	kmm_parse_args("\"kmmtest_a=x y\"");
	ok(a_calls == 1 && !strcmp(a_val, "x y"), "quoted whole option: '%s'", a_val);
	reset_a();
	kmm_parse_args("kmmtest_a=a=b");
	is_str(a_val, "a=b", "the first '=' splits name and value");
	reset_a();
	kmm_parse_args("  kmmtest_a=1 \t kmmtest_a=2\n kmmtest_a=3  ");
	ok(a_calls == 3 && !strcmp(a_val, "3"), "any whitespace separates; last one wins");
	reset_a();
	kmm_parse_args("kmmtest-a=dash");
	ok(a_calls == 1 && !strcmp(a_val, "dash"), "'-' matches '_' in the name");
	dash_calls = 0;
	kmm_parse_args("kmmtest_dash-name kmmtest-dash-name kmmtest_dash_name");
	is_int(dash_calls, 3, "and '_' matches '-' in the registered name");
	reset_a();
	kmm_parse_args("kmmtest_a=1 -- kmmtest_a=2");
	ok(a_calls == 1 && !strcmp(a_val, "1"), "\"--\" ends the options");
	twice_calls = 0;
	kmm_parse_args("kmmtest_twice");
	is_int(twice_calls, 11, "every handler registered for a name runs");
	reset_a();
	kmm_parse_args("KMMTEST_A=1 kmmtest_aa=1 kmmtest_=1");
	is_int(a_calls, 0, "names match exactly and case-sensitively");

	kmm_dmesg_clear();
	kmm_parse_args("foo=1 kmmtest_a=ok bar baz=\"q x\"");
	read_dmesg();
	ok(strstr(dmesg, "] Unknown kernel command line parameters \"foo=1 bar baz=q x\", "
			 "will be ignored.\n") != NULL, "unknown parameters reported in one line");
	is_int(a_calls, 1, "known ones still handled");

	kmm_dmesg_clear();
	kmm_parse_args("kmmtest_bad=zzz kmmtest_bad=good kmmtest_bad");
	read_dmesg();
	like(dmesg, "] Booting kernel: `zzz' invalid for parameter `kmmtest_bad'\n",
	     "a handler's -EINVAL is reported with its value");
	like(dmesg, "] Booting kernel: `' invalid for parameter `kmmtest_bad'\n",
	     "a bare parameter's too");
	unlike(dmesg, "`good'", "good values are not");
	unlike(dmesg, "Unknown", "bad is not unknown");

	/* Library parameters share the section with ours. */
	kmm_parse_args("loglevel=6 kmmtest_a=lib");
	ok(kmm_console_get_loglevel() == 6 && !strcmp(a_val, "lib"),
	   "library and test-program parameters in one command line");

	/* Values stay valid until the next reset. */
	kmm_parse_args("kmmtest_a=persistent");
	kept = a_ptr;
	kmm_parse_args("kmmtest_a=other foo");
	is_str(kept, "persistent", "a handler may keep its value pointer");

	defaults_calls = 0;
	a_calls = 5;
	kmm_params_reset();
	is_int(defaults_calls, 1, "kmm_params_reset runs the program's defaults");
	is_int(a_calls, 0, "(which reset its state)");
	is_int(kmm_console_get_loglevel(), 5, "and the library's (loglevel 5)");

	kmm_dmesg_clear();
	kmm_parse_args("");
	kmm_parse_args("   ");
	is_int(kmm_dmesg_read(dmesg, sizeof(dmesg)), 0, "empty command lines say nothing");
}

static void test_long_line(void)
{
	static char line[20000];
	size_t n = 0;

	kmm_params_reset();
	while (n + 12 < sizeof(line)) {
		memcpy(line + n, "kmmtest_a=x ", 12);
		n += 12;
	}
	line[n] = '\0';
	kmm_dmesg_clear();
	reset_a();
	kmm_parse_args(line);
	like(read_dmesg(), "Kernel command line too long", "an overlong line is reported");
	ok(a_calls > 1000, "and its start parsed (%d options)", a_calls);
	kmm_params_reset();
}

int main(void)
{
	kmm_console_set_fd(-1);
	test_kstrtobool();
	test_memparse();
	test_strtoull_get_option();
	test_parse();
	test_long_line();
	return done_testing();
}
