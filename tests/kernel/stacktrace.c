// SPDX-License-Identifier: MIT
/*
 * Stack traces: saving, %pS-style symbols for static functions of the
 * program, hidden library functions and libc frames, stack_trace_print's
 * indentation, dump_stack's info line and call trace, symbolisation from
 * many threads at once and from a signal handler.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "kernel/internal.h"
#include <kmm/printk.h>
#include <kmm/smp.h>
#include <kmm/stacktrace.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

static char dmesg[1 << 18];

static const char *read_dmesg(void)
{
	kmm_dmesg_read(dmesg, sizeof(dmesg));
	return dmesg;
}

/* The text of line i of the log (after the timestamp). */
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

/* Is sym function fn, perhaps a gcc clone (fn.isra.0, fn.cold...)? */
static bool is_fn(const char *sym, const char *fn)
{
	size_t n = strlen(fn);

	return !strncmp(sym, fn, n) && (sym[n] == '+' || sym[n] == '.') &&
	       strstr(sym, "+0x") && strstr(sym, "/0x");
}

static unsigned long entries[32];
static unsigned int nr;

static noinline int deep_fn(int skip)
{
	nr = kmm_stack_trace_save(entries, ARRAY_SIZE(entries), (unsigned int)skip);
	barrier();
	return (int)nr;
}

static int (*volatile deep_ptr)(int) = deep_fn;

static noinline int outer_fn(int skip)
{
	int r = deep_ptr(skip);

	barrier();
	return r + 1;
}

static noinline void test_save_and_symbols(void)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned int n;
	int len;

	outer_fn(0);
	ok(nr >= 3, "stack_trace_save returns frames (%u)", nr);
	len = kmm_sprint_symbol(sym, entries[0]);
	ok(!strncmp(sym, "deep_fn+0x", 10) && strstr(sym, "/0x"),
	   "the first entry is in the static function: %s", sym);
	is_int(len, strlen(sym), "sprint_symbol returns the length");
	ok(!strstr(sym, " ["), "no [object] for the main program");
	kmm_sprint_symbol(sym, entries[1]);
	ok(is_fn(sym, "outer_fn"), "then its caller: %s", sym);

	n = nr;
	outer_fn(1);
	kmm_sprint_symbol(sym, entries[0]);
	ok(is_fn(sym, "outer_fn"), "skipnr 1 skips deep_fn: %s", sym);
	is_int(nr, n - 1, "and returns one entry fewer");
	is_int(kmm_stack_trace_save(entries, 2, 0), 2, "size limits the entries");

	kmm_sprint_symbol(sym, (unsigned long)deep_fn);
	ok(!strncmp(sym, "deep_fn+0x0/0x", 14), "a function's own address: +0x0 (%s)", sym);
	kmm_sprint_symbol(sym, (unsigned long)kmm_show_trace + 1);
	ok(!strncmp(sym, "kmm_show_trace+0x1/0x", 21),
	   "a hidden library function resolves too: %s", sym);
	kmm_sprint_symbol(sym, 0x10);
	is_str(sym, "0x10", "an unknown address prints as hex");
	kmm_sprint_symbol(sym, (unsigned long)&entries[3]);
	ok(!strncmp(sym, "0x", 2) && !strchr(sym, '+'), "data is not a function: %s", sym);

	/* %pB: a return address at the very end of a function still names it. */
	kmm_sprint_symbol(sym, (unsigned long)deep_fn);
	kmm_sprint_backtrace(sym, (unsigned long)deep_fn);
	ok(strncmp(sym, "deep_fn+", 8) != 0, "sprint_backtrace looks up address - 1: %s", sym);
	kmm_sprint_backtrace(sym, (unsigned long)deep_fn + 4);
	ok(!strncmp(sym, "deep_fn+0x4/0x", 14), "but prints the offset of the address: %s", sym);
}

static unsigned long cmp_entries[8];
static unsigned int cmp_nr;

static int cmp_int(const void *a, const void *b)
{
	if (!cmp_nr)
		cmp_nr = kmm_stack_trace_save(cmp_entries, ARRAY_SIZE(cmp_entries), 0);
	return *(const int *)a - *(const int *)b;
}

static noinline void test_libc(void)
{
	static const int arr[] = { 1, 2, 3, 4, 5 };
	void *(*volatile bs)(const void *, const void *, size_t, size_t,
			     int (*)(const void *, const void *)) = bsearch;
	char sym[KSYM_SYMBOL_LEN];
	int key = 4;

	bs(&key, arr, ARRAY_SIZE(arr), sizeof(int), cmp_int);
	ok(cmp_nr >= 2, "trace from a libc callback");
	kmm_sprint_symbol(sym, cmp_entries[0]);
	ok(!strncmp(sym, "cmp_int+0x", 10), "first frame: %s", sym);
	kmm_sprint_symbol(sym, cmp_entries[1]);
	ok(strstr(sym, "bsearch+0x") && strstr(sym, "/0x") &&
	   !strcmp(sym + strlen(sym) - 12, " [libc.so.6]"), "libc frame: %s", sym);
	kmm_sprint_symbol(sym, (unsigned long)getpid);
	ok(strstr(sym, "getpid+0x0/0x") && strstr(sym, " [libc.so.6]"),
	   "a libc function's address: %s", sym);
}

static noinline void test_print(void)
{
	kmm_dmesg_clear();
	outer_fn(0);
	kmm_stack_trace_print(entries, 2, 4);
	read_dmesg();
	ok(!strncmp(log_line(dmesg, 0), "     deep_fn+0x", 15),
	   "stack_trace_print indents by 1 + spaces: '%s'", log_line(dmesg, 0));
	ok(!strncmp(log_line(dmesg, 1), "     ", 5) && is_fn(log_line(dmesg, 1) + 5, "outer_fn"),
	   "one line per entry");
	is_str(log_line(dmesg, 2), "", "and only nr_entries lines");
}

static noinline void dumper_fn(void)
{
	dump_stack();
	barrier();
}

static noinline void dumper_lvl_fn(void)
{
	dump_stack_lvl(KERN_ERR);
	barrier();
}

static noinline void test_dump_stack(void)
{
	char want[256], comm[16];
	int cpu = -1, fds[2];
	char out[4096];
	ssize_t n;

	prctl(PR_SET_NAME, "kmm-st-test");
	kmm_dmesg_clear();
	dumper_fn();
	read_dmesg();
	sscanf(log_line(dmesg, 0), "CPU: %d", &cpu);
	snprintf(want, sizeof(want), "CPU: %d UID: %u PID: %d Comm: %s Not tainted 6.12.0-kmm #1",
		 cpu, (unsigned int)geteuid(), (int)getpid(), kmm_current_comm(comm));
	is_str(log_line(dmesg, 0), want, "the dump_stack info line");
	ok(cpu >= 0 && cpu < (int)kmm_nr_cpu_ids, "a valid CPU number");
	is_str(comm, "kmm-st-test", "Comm is the thread name");
	is_str(log_line(dmesg, 1), "Call Trace:", "Call Trace:");
	is_str(log_line(dmesg, 2), " <TASK>", " <TASK>");
	ok(!strncmp(log_line(dmesg, 3), " dumper_fn+0x", 13),
	   "the first frame is dump_stack's caller: '%s'", log_line(dmesg, 3));
	ok(!strncmp(log_line(dmesg, 4), " test_dump_stack+0x", 19) ||
	   !strncmp(log_line(dmesg, 4), " main+0x", 8), "then its caller: '%s'",
	   log_line(dmesg, 4));
	unlike(dmesg, "dump_stack_from", "dump_stack's own frames are skipped");
	unlike(dmesg, "kmm_dump_stack", "all of them");
	like(dmesg, "]  __libc_start_main+0x", "the trace reaches libc");
	like(dmesg, "/0x", "entries are sym+off/size");
	{
		int last = 0;

		while (*log_line(dmesg, last + 1))
			last++;
		is_str(log_line(dmesg, last), " </TASK>", " </TASK> ends it");
	}

	if (pipe(fds) == 0) {
		kmm_console_set_fd(fds[1]);
		dumper_lvl_fn();
		kmm_console_set_fd(-1);
		close(fds[1]);
		n = read(fds[0], out, sizeof(out) - 1);
		out[n > 0 ? n : 0] = '\0';
		close(fds[0]);
		like(out, "] CPU: ", "dump_stack_lvl(KERN_ERR) reaches the console");
		like(out, "]  dumper_lvl_fn+0x", "with its caller first");
	}
}

#define NTHREADS 8
static char thread_syms[NTHREADS][KSYM_SYMBOL_LEN];

static void *symbolise(void *arg)
{
	long i = (long)arg;

	kmm_sprint_symbol(thread_syms[i], (unsigned long)pthread_self + 3);
	return NULL;
}

static noinline void test_threads(void)
{
	pthread_t t[NTHREADS];
	int same = 0;

	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, symbolise, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		same += !strcmp(thread_syms[i], thread_syms[0]);
	is_int(same, NTHREADS, "concurrent first lookups in one object agree");
	ok(strstr(thread_syms[0], "pthread_self+0x3/0x") != NULL, "and are right: %s",
	   thread_syms[0]);
}

static volatile sig_atomic_t in_handler;

static noinline void on_usr1(int sig)
{
	in_handler = 1;
	dump_stack();
	barrier();	/* no tail call: keep this frame in the trace */
}

static noinline void test_signal(void)
{
	kmm_dmesg_clear();
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	read_dmesg();
	ok(in_handler, "signal delivered");
	like(dmesg, "]  on_usr1+0x", "dump_stack from a signal handler names the handler");
	like(dmesg, "]  test_signal+0x", "and unwinds through the signal frame");
}

int main(void)
{
	kmm_printk_init();
	kmm_stacktrace_init();
	kmm_console_set_fd(-1);
	test_save_and_symbols();
	test_threads();		/* first: libc's table is built concurrently */
	test_libc();
	test_print();
	test_dump_stack();
	test_signal();
	return done_testing();
}
