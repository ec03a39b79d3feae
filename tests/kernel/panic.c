// SPDX-License-Identifier: MIT
/*
 * Taint strings, debug_locks, WARN/WARN_ON/WARN_ONCE reports and their
 * serialisation across threads, and BUG() in a child process.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "kernel/internal.h"
#include <kmm/panic.h>
#include <kmm/printk.h>
#include <kmm/smp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static char dmesg[1 << 20];

static const char *read_dmesg(void)
{
	kmm_dmesg_read(dmesg, sizeof(dmesg));
	return dmesg;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The text of line i of the log (after the timestamp), in a static buffer. */
static const char *log_line(const char *log, int i)
{
	static char buf[512];
	const char *l = log, *nl, *t;

	while (i-- > 0 && l) {
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	if (!l || !*l)
		return "";
	nl = strchr(l, '\n');
	t = strstr(l, "] ");
	t = (t && (!nl || t < nl)) ? t + 2 : l;
	snprintf(buf, sizeof(buf), "%.*s", (int)(nl ? nl - t : (long)strlen(t)), t);
	return buf;
}

static int find_line(const char *log, const char *prefix, int from)
{
	for (int i = from;; i++) {
		const char *l = log_line(log, i);

		if (!*l)
			return -1;
		if (!strncmp(l, prefix, strlen(prefix)))
			return i;
	}
}

/* Does line name function fn, as "fn+0x" or gcc's split-off "fn.cold+0x"? */
static bool names(const char *line, const char *fn)
{
	char a[64], b[64];

	snprintf(a, sizeof(a), "%s+0x", fn);
	snprintf(b, sizeof(b), "%s.cold+0x", fn);
	return strstr(line, a) || strstr(line, b);
}

static void test_taints(void)
{
	char want[64];

	is_str(print_tainted(), "Not tainted", "fresh: Not tainted");
	is_str(print_tainted_verbose(), "Not tainted", "verbose too");
	is_int(get_taint(), 0, "no taint bits");
	is_int(debug_locks, 1, "debug_locks starts at 1");

	add_taint(TAINT_BAD_PAGE, LOCKDEP_STILL_OK);
	snprintf(want, sizeof(want), "Tainted: G    B%13s", "");
	is_str(print_tainted(), want, "BAD_PAGE: 'G', four blanks, 'B', 13 blanks");
	is_int(strlen(print_tainted()), strlen("Tainted: ") + 19, "one column per flag (19)");
	ok(test_taint(TAINT_BAD_PAGE) && !test_taint(TAINT_WARN), "test_taint");
	is_int(get_taint(), 1UL << TAINT_BAD_PAGE, "get_taint");
	is_int(debug_locks, 1, "LOCKDEP_STILL_OK leaves debug_locks on");
	unlike(read_dmesg(), "Disabling lock debugging", "and says nothing");

	add_taint(TAINT_PROPRIETARY_MODULE, LOCKDEP_STILL_OK);
	add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	snprintf(want, sizeof(want), "Tainted: P    B%12sN", "");
	is_str(print_tainted(), want, "P replaces G; N is the last column");

	kmm_dmesg_clear();
	add_taint(TAINT_USER, LOCKDEP_NOW_UNRELIABLE);
	is_int(debug_locks, 0, "LOCKDEP_NOW_UNRELIABLE turns debug_locks off");
	add_taint(TAINT_DIE, LOCKDEP_NOW_UNRELIABLE);
	read_dmesg();
	is_int(count(dmesg, "] Disabling lock debugging due to kernel taint\n"), 1,
	       "'Disabling lock debugging due to kernel taint' printed once");
	snprintf(want, sizeof(want), "Tainted: P    BUD%10sN", "");
	is_str(print_tainted(), want, "U and D columns");
	is_str(print_tainted_verbose(),
	       "Tainted: [P]=PROPRIETARY_MODULE, [B]=BAD_PAGE, [U]=USER, [D]=DIE, [N]=TEST",
	       "verbose taint list");

	is_int(debug_locks_off(), 0, "debug_locks_off when already off: 0");
	debug_locks = 1;
	is_int(debug_locks_off(), 1, "debug_locks_off: 1 the first time");
	is_int(debug_locks_off(), 0, "0 the second time");
	debug_locks = 1;
	debug_locks_silent = 1;
	is_int(debug_locks_off(), 0, "silent: returns 0");
	is_int(debug_locks, 0, "but still turns it off");
	debug_locks_silent = 0;
}

static int warn_line;

static noinline int warn_here(int cond)
{
	int r;

	__atomic_store_n(&warn_line, __LINE__ + 1, __ATOMIC_RELAXED);
	r = WARN_ON(cond);
	return r;
}

static noinline int warn_fmt_here(int v)
{
	return WARN(v > 0, "value %d is positive\n", v);
}

static noinline int warn_once_here(int cond)
{
	return WARN_ON_ONCE(cond);
}

static noinline int warn_once_fmt_here(int cond)
{
	return WARN_ONCE(cond, "only once %d\n", cond);
}

static noinline void test_warn(void)
{
	char want[256], tainted[64];
	int i, cut, w;

	kmm_dmesg_clear();
	is_int(warn_here(0), 0, "WARN_ON(0) returns 0");
	is_int(kmm_dmesg_read(dmesg, sizeof(dmesg)), 0, "and prints nothing");
	ok(!test_taint(TAINT_WARN), "nor taints");

	snprintf(tainted, sizeof(tainted), "%s", print_tainted());
	is_int(warn_here(5), 1, "WARN_ON(5) returns 1");
	read_dmesg();
	cut = find_line(dmesg, "------------[ cut here ]------------", 0);
	is_int(cut, 0, "the report starts with the cut-here line");
	w = find_line(dmesg, "WARNING: CPU: ", 0);
	is_int(w, 1, "then the WARNING line");
	snprintf(want, sizeof(want), " PID: %d at %s:%d warn_here", (int)getpid(),
		 __FILE__, warn_line);
	like(log_line(dmesg, w), want, "naming pid, file:line and the warning function");
	ok(names(log_line(dmesg, w), " warn_here"), "as warn_here+0x...");
	like(log_line(dmesg, w), "/0x", "as %%pS does");
	is_str(log_line(dmesg, 2), "Modules linked in:", "then Modules linked in:");
	{
		char comm[16];
		int cpu = -1;

		sscanf(log_line(dmesg, 3), "CPU: %d", &cpu);
		snprintf(want, sizeof(want), "CPU: %d UID: %u PID: %d Comm: %s %s 6.12.0-kmm #1",
			 cpu, (unsigned int)geteuid(), (int)getpid(), kmm_current_comm(comm),
			 tainted);
		is_str(log_line(dmesg, 3), want, "then the dump_stack info line");
	}
	ok(!strncmp(log_line(dmesg, 4), "Tainted: [P]=PROPRIETARY_MODULE, ", 33),
	   "and, when tainted, the verbose taint line");
	ok(!strncmp(log_line(dmesg, 5), "RIP: 0010:warn_here", 19) &&
	   names(log_line(dmesg, 5), ":warn_here"), "RIP line");
	is_str(log_line(dmesg, 6), "Call Trace:", "Call Trace:");
	is_str(log_line(dmesg, 7), " <TASK>", " <TASK>");
	ok(!strncmp(log_line(dmesg, 8), " warn_here", 10) && names(log_line(dmesg, 8), "warn_here"),
	   "the trace starts in the warning function: '%s'", log_line(dmesg, 8));
	ok(!strncmp(log_line(dmesg, 9), " test_warn+0x", 13),
	   "then its caller: '%s'", log_line(dmesg, 9));
	i = find_line(dmesg, " </TASK>", 0);
	ok(i > 9, " </TASK> closes the trace");
	is_str(log_line(dmesg, i + 1), "---[ end trace 0000000000000000 ]---", "end trace marker");
	is_str(log_line(dmesg, i + 2), "", "and nothing after it");
	unlike(dmesg, "kmm_warn_slowpath", "report internals are not in the trace");
	ok(test_taint(TAINT_WARN), "WARN taints W");
	like(print_tainted(), "BUD W", "W shows in the taint string");

	kmm_dmesg_clear();
	is_int(warn_here(1), 1, "second WARN_ON");
	read_dmesg();
	like(log_line(dmesg, 3), " Tainted: P    BUD W", "its info line shows the W taint");
	like(log_line(dmesg, 4), ", [W]=WARN, ", "so does the verbose line");

	kmm_dmesg_clear();
	is_int(warn_fmt_here(7), 1, "WARN(cond, fmt) returns the condition");
	is_int(warn_fmt_here(-1), 0, "and 0 when false");
	read_dmesg();
	is_str(log_line(dmesg, 1), "value 7 is positive", "the message follows cut here (x86 order)");
	ok(!strncmp(log_line(dmesg, 2), "WARNING: CPU: ", 14) &&
	   names(log_line(dmesg, 2), " warn_fmt_here"), "then the WARNING line");
	is_int(count(dmesg, "cut here"), 1, "one report");

	kmm_dmesg_clear();
	for (i = 0, w = 0; i < 3; i++)
		w += warn_once_here(1);
	is_int(w, 3, "WARN_ON_ONCE returns the condition every time");
	is_int(count(read_dmesg(), "cut here"), 1, "but reports once");
	is_int(warn_once_here(0), 0, "false is false");
	kmm_dmesg_clear();
	for (i = 0, w = 0; i < 3; i++)
		w += warn_once_fmt_here(2);
	is_int(w, 3, "WARN_ONCE returns the condition every time");
	read_dmesg();
	is_int(count(dmesg, "cut here"), 1, "reports once");
	is_int(count(dmesg, "only once 2"), 1, "with its message");

	kmm_dmesg_clear();
	kmm_warn_slowpath(NULL, 0, (void *)warn_here, TAINT_USER, NULL);
	ok(!strncmp(log_line(read_dmesg(), 1), "WARNING: CPU: ", 14) &&
	   strstr(log_line(dmesg, 1), " at warn_here+0x0/0x"),
	   "no file: 'WARNING: CPU: n PID: n at sym' (%s)", log_line(dmesg, 1));
}

#define NTHREADS 4
#define WARNS 25

static void *warner(void *arg)
{
	for (int i = 0; i < WARNS; i++)
		warn_here(1);
	return NULL;
}

/* Reports from several threads must not interleave: between a cut-here
 * line and its end marker, every PID shown is the same. */
static void test_concurrent_warn(void)
{
	static char log[1 << 20];
	pthread_t t[NTHREADS];
	int reports = 0, clean = 0;

	kmm_dmesg_clear();
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, warner, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	kmm_dmesg_read(log, sizeof(log));
	for (const char *p = log; (p = strstr(p, "[ cut here ]")); p++) {
		const char *end = strstr(p, "---[ end trace");
		const char *next = strstr(p + 1, "[ cut here ]");
		const char *w = strstr(p, "WARNING: CPU: ");
		const char *c = strstr(p, "\n[");
		int pid1 = -1, pid2 = -2;

		reports++;
		if (!end || (next && next < end) || !w || w > end)
			continue;
		w = strstr(w, " PID: ");
		c = strstr(p, "UID: ");
		c = c ? strstr(c, " PID: ") : NULL;
		if (w && c && c < end) {
			pid1 = atoi(w + 6);
			pid2 = atoi(c + 6);
		}
		clean += pid1 == pid2;
	}
	is_int(reports, NTHREADS * WARNS, "every WARN from every thread reported");
	is_int(clean, NTHREADS * WARNS, "no report interleaved with another");
}

static noinline void bug_here(void)
{
	BUG_ON(getpid() > 0);
}

static void test_bug(void)
{
	int fds[2], status = 0;
	static char out[1 << 16];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		kmm_console_set_fd(fds[1]);
		bug_here();
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "BUG() aborts");
	like(out, "] ------------[ cut here ]------------\n", "cut here");
	like(out, "] kernel BUG at " __FILE__ ":", "kernel BUG at file:line!");
	ok(strstr(out, "!\n") != NULL, "ends with '!'");
	like(out, "] Oops: invalid opcode: 0000 [#1] PREEMPT SMP\n", "the Oops line");
	ok(names(out, "] RIP: 0010:bug_here"), "RIP names the BUG's function");
	like(out, "] Call Trace:\n", "Call Trace");
	{
		const char *t = strstr(out, " <TASK>\n");

		t = t ? strchr(t, '\n') : NULL;
		ok(t && names(t, "]  bug_here") &&
		   strstr(t, "]  bug_here") < strstr(t, "]  main+0x"),
		   "trace starts at the BUG's function, then its caller");
	}
	like(out, "] ---[ end trace 0000000000000000 ]---\n", "end trace");
	unlike(out, "Modules linked in: ", "no modules");
}

int main(void)
{
	kmm_printk_init();
	kmm_console_set_fd(-1);		/* keep the reports off the TAP stream */
	test_taints();
	test_warn();
	test_concurrent_warn();
	test_bug();
	return done_testing();
}
