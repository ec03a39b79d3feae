// SPDX-License-Identifier: MIT
/*
 * printk: console filtering and format, the ring buffer as dmesg reads it,
 * KERN_CONT, wraparound and resizing, the printk boot parameters, hex
 * dumps, ratelimit and the "dmesg" /proc view.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "kernel/internal.h"
#include <kmm/printk.h>
#include <kmm/proc.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dmesg[4 << 20];

static const char *read_dmesg(void)
{
	kmm_dmesg_read(dmesg, sizeof(dmesg));
	return dmesg;
}

/* "[%5lu.%06lu] " at s? */
static bool ts_prefix(const char *s)
{
	int i = 1, digits = 0;

	if (s[0] != '[')
		return false;
	while (s[i] == ' ')
		i++;
	while (isdigit((unsigned char)s[i])) {
		i++;
		digits++;
	}
	if (!digits || i < 6 || s[i] != '.')
		return false;
	for (int k = 1; k <= 6; k++)
		if (!isdigit((unsigned char)s[i + k]))
			return false;
	return s[i + 7] == ']' && s[i + 8] == ' ';
}

/* Length of the "[...] " prefix at s (0 if none). */
static size_t prefix_len(const char *s)
{
	const char *e;

	if (!ts_prefix(s))
		return 0;
	e = strchr(s, ']');
	return (size_t)(e - s) + 2;
}

/* Does the log contain a line whose text (after the prefix) is exactly t? */
static bool has_line(const char *log, const char *t)
{
	size_t n = strlen(t);

	for (const char *l = log; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t p = prefix_len(l);
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (p && len - p == n && !memcmp(l + p, t, n))
			return true;
		l = nl ? nl + 1 : NULL;
	}
	return false;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A temporary file as the console. */
static int console_file(void)
{
	char path[] = "/tmp/kmm-printk-XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	fcntl(fd, F_SETFL, O_APPEND);	/* so that ftruncate() restarts it */
	kmm_console_set_fd(fd);
	return fd;
}

static char *read_fd(int fd)
{
	static char buf[1 << 16];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_console(void)
{
	int fd = console_file();
	const char *out;

	is_int(kmm_console_get_loglevel(), 5, "default console loglevel is 5");
	pr_err("con-err\n");
	pr_warn("con-warn\n");
	pr_notice("con-notice\n");
	pr_info("con-info\n");
	printk("con-default\n");
	out = read_fd(fd);
	like(out, "] con-err\n", "KERN_ERR reaches the console");
	like(out, "] con-warn\n", "KERN_WARNING reaches the console");
	like(out, "] con-default\n", "no level means KERN_WARNING: shown");
	unlike(out, "con-notice", "KERN_NOTICE does not reach the console at 5");
	unlike(out, "con-info", "KERN_INFO does not either");
	ok(ts_prefix(out), "console lines start with [%%5lu.%%06lu] (got '%.16s')", out);
	ok(out[0] == '[' && out[6] == '.' && out[13] == ']' && out[14] == ' ',
	   "the seconds are padded to five columns");

	kmm_console_set_loglevel(8);
	pr_debug("con-debug\n");
	like(read_fd(fd), "] con-debug\n", "loglevel 8 shows KERN_DEBUG");
	kmm_console_set_loglevel(4);
	printk("con-default-hidden\n");
	unlike(read_fd(fd), "con-default-hidden", "loglevel 4 hides the default level");
	kmm_console_set_loglevel(5);

	read_dmesg();
	ok(has_line(dmesg, "con-notice") && has_line(dmesg, "con-info") &&
	   has_line(dmesg, "con-default-hidden"),
	   "the ring buffer keeps what the console filtered");

	/* Two messages in one printk call: both lines prefixed. */
	ftruncate(fd, 0);
	pr_warn("two\nlines\n");
	out = read_fd(fd);
	ok(ts_prefix(out) && strstr(out, "] two\n[") && ts_prefix(strstr(out, "\n[") + 1) &&
	   strstr(out, "] lines\n"), "each line of a message gets a prefix");

	kmm_console_set_fd(-1);
	is_int(kmm_console_get_fd(), -1, "console off");
	pr_err("nowhere\n");
	ok(has_line(read_dmesg(), "nowhere"), "console off still logs");
	close(fd);
}

static void test_dmesg_format(void)
{
	char small[16];
	size_t total;
	const char *line;

	kmm_dmesg_clear();
	is_int(kmm_dmesg_read(dmesg, sizeof(dmesg)), 0, "dmesg empty after clear");
	pr_info("hello %d\n", 42);
	total = kmm_dmesg_read(dmesg, sizeof(dmesg));
	ok(ts_prefix(dmesg), "dmesg line has the timestamp prefix: '%.15s'", dmesg);
	line = dmesg + prefix_len(dmesg);
	is_str(line, "hello 42\n", "dmesg text, no level prefix");
	is_int(total, strlen(dmesg), "kmm_dmesg_read returns the log's length");
	total = kmm_dmesg_read(small, sizeof(small));
	is_int(strlen(small), sizeof(small) - 1, "a small buffer is filled and NUL-terminated");
	ok(total > sizeof(small), "and the full length is still returned");
	ok(!strncmp(small, dmesg, sizeof(small) - 1), "with the start of the log");

	printk(KERN_INFO "%s%s\n", KERN_ERR, "double prefix");
	ok(has_line(read_dmesg(), "double prefix"), "every leading KERN_ prefix is stripped");
	printk("%s%s\n", KERN_NOTICE, "prefix-from-arg");
	ok(has_line(read_dmesg(), "prefix-from-arg"), "a level passed through %%s is parsed");
}

static void *cont_other_thread(void *arg)
{
	pr_cont("B-cont\n");
	return NULL;
}

static void test_cont(void)
{
	int fd = console_file();
	pthread_t t;

	kmm_dmesg_clear();
	pr_warn("part1");
	pr_cont(" part2");
	pr_cont(" part3\n");
	read_dmesg();
	ok(has_line(dmesg, "part1 part2 part3"), "KERN_CONT joins one record");
	is_int(count(dmesg, "\n"), 1, "a single line");
	like(read_fd(fd), "] part1 part2 part3\n", "and one console line");

	pr_warn("open-line");
	ok(has_line(read_dmesg(), "open-line"), "an open record is visible in dmesg");
	pr_warn("next-record\n");
	read_dmesg();
	ok(has_line(dmesg, "open-line") && has_line(dmesg, "next-record"),
	   "a message without KERN_CONT closes the open record");
	like(read_fd(fd), "] open-line\n[", "and ends its console line");

	pr_warn("A-open");
	pthread_create(&t, NULL, cont_other_thread, NULL);
	pthread_join(t, NULL);
	read_dmesg();
	ok(has_line(dmesg, "A-open") && has_line(dmesg, "B-cont"),
	   "KERN_CONT from another thread starts its own record");
	pr_cont("\n");

	pr_cont("orphan\n");
	ok(has_line(read_dmesg(), "orphan"), "KERN_CONT with nothing open is a new record");
	kmm_console_set_fd(-1);
	close(fd);
}

static void test_wrap(void)
{
	char msg[128];
	size_t len;

	kmm_dmesg_clear();
	pr_info("keep-me-1\n");
	kmm_parse_args("log_buf_len=2M");
	ok(has_line(read_dmesg(), "keep-me-1"), "growing the buffer keeps the records");
	kmm_parse_args("log_buf_len=64k");
	ok(has_line(read_dmesg(), "keep-me-1"), "shrinking it keeps the newest ones");
	like(dmesg, "log_buf_len: 65536 bytes", "the new size is reported");

	for (int i = 0; i < 2000; i++) {
		snprintf(msg, sizeof(msg), "wrap %04d padding padding padding padding", i);
		pr_info("%s\n", msg);
	}
	len = kmm_dmesg_read(dmesg, sizeof(dmesg));
	ok(!strstr(dmesg, "keep-me-1"), "old records are dropped when full");
	ok(!strstr(dmesg, "wrap 0000 "), "the oldest wrap record is gone");
	ok(has_line(dmesg, "wrap 1999 padding padding padding padding"), "the newest is there");
	ok(len < 65536 + 4096 && len > 30000, "about 64 KiB of records remain (%zu bytes)", len);
	{
		/* Consecutive, no holes: the remaining records are a suffix. */
		const char *first = strstr(dmesg, "wrap ");
		int n0 = first ? atoi(first + 5) : -1, lines = count(dmesg, "\n");

		ok(n0 > 0 && lines == 2000 - n0, "records %d..1999 all present (%d lines)",
		   n0, lines);
	}
	kmm_parse_args("log_buf_len=1M");
	ok(has_line(read_dmesg(), "wrap 1999 padding padding padding padding"),
	   "still there after resizing a wrapped buffer");
	{
		const char *first = strstr(dmesg, "wrap ");
		int n0 = first ? atoi(first + 5) : -1;

		ok(count(dmesg, "wrap ") == 2000 - n0, "and still consecutive");
	}
}

static void test_params(void)
{
	char path[] = "/tmp/kmm-console-XXXXXX";
	int fd = console_file(), pfd;

	kmm_parse_args("loglevel=7");
	is_int(kmm_console_get_loglevel(), 7, "loglevel=7");
	kmm_parse_args("quiet");
	is_int(kmm_console_get_loglevel(), 4, "quiet");
	kmm_parse_args("debug");
	is_int(kmm_console_get_loglevel(), 10, "debug");
	kmm_parse_args("loglevel=oops");
	is_int(kmm_console_get_loglevel(), 10, "loglevel=oops changes nothing");
	ok(has_line(read_dmesg(), "Booting kernel: `oops' invalid for parameter `loglevel'"),
	   "and is reported");
	kmm_params_reset();
	is_int(kmm_console_get_loglevel(), 5, "kmm_params_reset restores loglevel 5");
	is_int(kmm_console_get_fd(), fd, "and keeps the API's console fd");

	kmm_parse_args("ignore_loglevel");
	pr_debug("ignored-level\n");
	like(read_fd(fd), "] ignored-level\n", "ignore_loglevel shows KERN_DEBUG");
	kmm_params_reset();
	pr_debug("hidden-again\n");
	unlike(read_fd(fd), "hidden-again", "reset clears ignore_loglevel");

	kmm_parse_args("printk.time=off");
	ftruncate(fd, 0);
	pr_warn("no-time\n");
	is_str(read_fd(fd), "no-time\n", "printk.time=off: no timestamp on the console");
	ok(has_line(read_dmesg(), "no-time"), "dmesg keeps timestamps");
	kmm_parse_args("printk.time");
	ftruncate(fd, 0);
	pr_warn("time-again\n");
	ok(ts_prefix(read_fd(fd)), "bare printk.time turns it on");
	kmm_parse_args("printk.time=maybe");
	like(read_dmesg(), "`maybe' invalid for parameter `printk.time'", "bad bool reported");

	pfd = mkstemp(path);
	close(pfd);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "console=%s", path);
		kmm_parse_args(cmd);
	}
	ok(kmm_console_get_fd() > 2 && kmm_console_get_fd() != fd, "console=PATH opens a file");
	pr_err("to-file\n");
	pfd = open(path, O_RDONLY);
	like(read_fd(pfd), "] to-file\n", "console output goes to the file");
	close(pfd);
	kmm_parse_args("console=stdout");
	is_int(kmm_console_get_fd(), 1, "console=stdout");
	kmm_parse_args("console=none");
	is_int(kmm_console_get_fd(), -1, "console=none");
	kmm_params_reset();
	is_int(kmm_console_get_fd(), fd, "reset: back to the API's fd");
	unlink(path);
	kmm_console_set_fd(-1);
	close(fd);
}

static void test_hexdump(void)
{
	u8 data[20];
	char line[200];
	const char *l;
	char want[256];

	for (int i = 0; i < 16; i++)
		data[i] = (u8)(0x40 + i);
	data[16] = 0x00;
	data[17] = 0x7f;
	data[18] = 0x80;
	data[19] = 0xff;

	kmm_hex_dump_to_buffer(data, 16, 16, 1, line, sizeof(line), true);
	is_str(line, "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  @ABCDEFGHIJKLMNO",
	       "16x1 with ascii");
	kmm_hex_dump_to_buffer(data + 16, 4, 16, 1, line, sizeof(line), true);
	snprintf(want, sizeof(want), "00 7f 80 ff%38s....", "");
	is_str(line, want, "short row: ascii column stays at 49");
	kmm_hex_dump_to_buffer(data, 16, 16, 4, line, sizeof(line), true);
	is_str(line, "43424140 47464544 4b4a4948 4f4e4d4c  @ABCDEFGHIJKLMNO",
	       "groupsize 4, little-endian words");
	kmm_hex_dump_to_buffer(data + 16, 4, 16, 4, line, sizeof(line), true);
	snprintf(want, sizeof(want), "ff807f00%29s....", "");
	is_str(line, want, "groupsize 4 short row: ascii column 37");
	kmm_hex_dump_to_buffer(data, 16, 16, 2, line, sizeof(line), true);
	is_str(line, "4140 4342 4544 4746 4948 4b4a 4d4c 4f4e  @ABCDEFGHIJKLMNO", "groupsize 2");
	kmm_hex_dump_to_buffer(data, 16, 16, 8, line, sizeof(line), true);
	is_str(line, "4746454443424140 4f4e4d4c4b4a4948  @ABCDEFGHIJKLMNO", "groupsize 8");
	kmm_hex_dump_to_buffer(data, 6, 16, 4, line, sizeof(line), false);
	is_str(line, "40 41 42 43 44 45", "len not a multiple of groupsize: bytes");
	kmm_hex_dump_to_buffer(data, 20, 32, 1, line, sizeof(line), true);
	snprintf(want, sizeof(want),
		 "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 00 7f 80 ff%38s"
		 "@ABCDEFGHIJKLMNO....", "");
	is_str(line, want, "rowsize 32: ascii column 97");
	is_int(kmm_hex_dump_to_buffer(data, 16, 16, 1, line, 10, true), 65,
	       "returns the full length when truncated");
	is_str(line, "40 41 42 ", "truncated output is NUL-terminated");
	kmm_hex_dump_to_buffer(data, 16, 17, 3, line, sizeof(line), false);
	is_str(line, "40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f",
	       "bad rowsize and groupsize fall back to 16 and 1");

	kmm_dmesg_clear();
	print_hex_dump(KERN_INFO, "pfx: ", DUMP_PREFIX_OFFSET, 16, 1, data, sizeof(data), true);
	read_dmesg();
	ok(has_line(dmesg, "pfx: 00000000: 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f"
			   "  @ABCDEFGHIJKLMNO"), "print_hex_dump OFFSET, first row");
	snprintf(want, sizeof(want), "pfx: 00000010: 00 7f 80 ff%38s....", "");
	ok(has_line(dmesg, want), "second row at offset 00000010");
	kmm_dmesg_clear();
	print_hex_dump(KERN_INFO, "", DUMP_PREFIX_ADDRESS, 16, 4, data, 16, false);
	snprintf(want, sizeof(want), "%016lx: 43424140 47464544 4b4a4948 4f4e4d4c",
		 (unsigned long)(uintptr_t)data);
	ok(has_line(read_dmesg(), want), "ADDRESS prefix: 16 hex digits (%s)", want);
	kmm_dmesg_clear();
	print_hex_dump(KERN_INFO, "raw ", DUMP_PREFIX_NONE, 16, 1, data, 3, true);
	snprintf(want, sizeof(want), "raw 40 41 42%41s@AB", "");
	ok(has_line(read_dmesg(), want), "NONE prefix");
	l = dmesg + prefix_len(dmesg);
	ok(!strchr(l, '\001'), "no level bytes in the text");
}

static int rl_calls(void)
{
	static DEFINE_RATELIMIT_STATE(rs, 100, 3);
	int printed = 0;

	for (int i = 0; i < 10; i++)
		printed += !!__ratelimit(&rs);
	return printed;
}

static void test_ratelimit(void)
{
	DEFINE_RATELIMIT_STATE(none, 0, 0);

	kmm_dmesg_clear();
	is_int(rl_calls(), 3, "burst of 3 in the interval");
	unlike(read_dmesg(), "callbacks suppressed", "nothing reported inside the interval");
	usleep(150 * 1000);
	is_int(rl_calls(), 3, "a new interval allows a new burst");
	ok(has_line(read_dmesg(), "rl_calls: 7 callbacks suppressed"),
	   "the suppressed count is reported when the interval ends");
	is_int(kmm___ratelimit(&none, "x") + kmm___ratelimit(&none, "x"), 2,
	       "interval 0: never limited");
}

static void proc_name(const char *name, void *arg)
{
	if (!strcmp(name, "dmesg"))
		(*(int *)arg)++;
}

static void test_proc(void)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	int seen = 0;

	kmm_dmesg_clear();
	pr_info("proc line one\n");
	pr_warn("proc line two");
	is_int(kmm_proc_show("dmesg", f), 0, "kmm_proc_show(\"dmesg\") works");
	fclose(f);
	read_dmesg();
	is_str(mem, dmesg, "and prints what kmm_dmesg_read returns");
	free(mem);
	pr_cont("\n");
	is_int(kmm_proc_show("no-such-view", stdout), -ENOENT, "unknown view: -ENOENT");
	kmm_proc_for_each(proc_name, &seen);
	is_int(seen, 1, "kmm_proc_for_each lists dmesg once");
}

#define NTHREADS 4
#define PER_THREAD 500

static void *spam(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < PER_THREAD; i++) {
		if (i % 3 == 0) {
			pr_info("t%ld-%d-a", id, i);
			pr_cont("-b\n");
		} else {
			pr_info("t%ld-%d-line\n", id, i);
		}
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[NTHREADS];
	int good = 0;
	char want[64];

	kmm_dmesg_clear();
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, spam, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	read_dmesg();
	for (int id = 0; id < NTHREADS; id++) {
		for (int i = 0; i < PER_THREAD; i++) {
			if (i % 3 == 0)
				snprintf(want, sizeof(want), "t%d-%d-a-b", id, i);
			else
				snprintf(want, sizeof(want), "t%d-%d-line", id, i);
			good += has_line(dmesg, want);
		}
	}
	is_int(good, NTHREADS * PER_THREAD, "concurrent printk: every line intact");
	is_int(count(dmesg, "\n"), NTHREADS * PER_THREAD, "and nothing else");
}

static void on_usr1(int sig)
{
	pr_info("from a signal handler\n");
}

static volatile sig_atomic_t ticks;

static void on_tick(int sig)
{
	ticks++;
	pr_info("tick\n");
}

/*
 * A timer signal whose handler printks, while this thread keeps taking
 * log_lock: the handler must never wait for a lock its own thread holds.
 * (A deadlock ends the test through the alarm.)
 */
static void test_signal_storm(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct itimerspec its = { { 0, 20000 }, { 0, 20000 } };
	char buf[4096];
	timer_t timer;
	u64 end;
	int loops = 0;

	signal(SIGUSR2, on_tick);
	alarm(60);
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer)) {
		ok(0, "timer_create");
		return;
	}
	timer_settime(timer, 0, &its, NULL);
	end = kmm_boot_nsecs() + 300000000ULL;
	while (kmm_boot_nsecs() < end) {
		kmm_dmesg_clear();
		pr_info("storm %d\n", loops);
		kmm_dmesg_read(buf, sizeof(buf));
		kmm_console_set_loglevel(5);
		loops++;
	}
	timer_delete(timer);
	signal(SIGUSR2, SIG_DFL);
	alarm(0);
	ok(ticks > 10 && loops > 100, "printk from signal handlers during printk: no deadlock "
	   "(%d signals, %d loops)", (int)ticks, loops);
}

int main(void)
{
	kmm_printk_init();
	test_console();
	test_dmesg_format();
	test_cont();
	test_wrap();
	test_params();
	test_hexdump();
	test_ratelimit();
	test_proc();
	test_threads();
	test_signal_storm();

	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	ok(has_line(read_dmesg(), "from a signal handler"), "printk from a signal handler");
	ok(kmm_boot_msecs() >= 150 && kmm_boot_nsecs() / 1000000 >= kmm_boot_msecs(),
	   "the printk clock runs (%lu ms)", kmm_boot_msecs());
	return done_testing();
}
