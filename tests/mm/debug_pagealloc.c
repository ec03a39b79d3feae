// SPDX-License-Identifier: MIT
/*
 * debug_pagealloc=on: free pages are unmapped, pages handed out are
 * mapped.  In this process: the mapping follows every allocation and free
 * (order 0 through the pcp lists, the pageblock order, high orders, with
 * and without page_poison), and an mprotect() failure turns the feature
 * off cleanly.  In child processes: a write or a read of a freed page is
 * reported as the kernel's page-fault oops and the child dies of SIGSEGV;
 * faults outside kmm's memory, and a handler installed before kmm's, are
 * left to the program.
 *
 * Whether a page is mapped is asked without touching it: write(2) from
 * an unmapped buffer fails with EFAULT.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "mm/internal.h"
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int probe_fd[2];

static bool accessible(const void *addr)
{
	char c;
	ssize_t n = write(probe_fd[1], addr, 1);

	if (n == 1) {
		if (read(probe_fd[0], &c, 1) != 1)
			BUG();
		return true;
	}
	if (errno != EFAULT)
		BUG();
	return false;
}

/* Every page of the block mapped (want) or unmapped (!want)? */
static bool block_is(struct page *page, unsigned int order, bool want)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (accessible(page_address(page + i)) != want)
			return false;
	return true;
}

static unsigned long rnd_state = 12345;

static unsigned long rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return rnd_state >> 33;
}

/* Many allocations and frees of mixed orders; every page written. */
static bool churn(int rounds, bool *mapped_ok, bool *unmapped_ok)
{
	enum { SLOTS = 64 };
	static const unsigned int orders[] = { 0, 0, 0, 0, 1, 2, 3, 4, 5, 9, 10 };
	struct page *slot[SLOTS] = { 0 };
	unsigned int slot_order[SLOTS] = { 0 };

	*mapped_ok = *unmapped_ok = true;
	for (int r = 0; r < rounds; r++) {
		int i = (int)(rnd() % SLOTS);

		if (slot[i]) {
			struct page *p = slot[i];

			__free_pages(p, slot_order[i]);
			if (!block_is(p, slot_order[i], false))
				*unmapped_ok = false;
			slot[i] = NULL;
		} else {
			unsigned int order = orders[rnd() % ARRAY_SIZE(orders)];
			gfp_t gfp = (rnd() & 1 ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE) |
				    (rnd() & 1 ? __GFP_ZERO : 0) | __GFP_NOWARN;
			struct page *p = alloc_pages(gfp, order);

			if (!p)
				continue;
			if (!block_is(p, order, true))
				*mapped_ok = false;
			for (unsigned long k = 0; k < (1UL << order); k++) {
				char *mem = page_address(p + k);

				mem[0] = 1;
				mem[PAGE_SIZE - 1] = 2;
			}
			slot[i] = p;
			slot_order[i] = order;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slot[i])
			__free_pages(slot[i], slot_order[i]);
	return true;
}

static void test_mapping(const char *cmdline)
{
	unsigned long boot_free;
	bool mapped_ok, unmapped_ok;
	struct page *p;

	diag("%s", cmdline);
	if (test_boot(cmdline))
		exit(1);
	boot_free = kmm_nr_free_pages();
	ok(!accessible(kmm_mem_base) && !accessible(kmm_mem_base + (kmm_max_pfn - 1) * PAGE_SIZE),
	   "free memory is unmapped after boot");
	p = alloc_page(GFP_KERNEL);
	ok(block_is(p, 0, true), "an allocated page is mapped");
	memset(page_address(p), 0x11, PAGE_SIZE);
	__free_page(p);
	ok(block_is(p, 0, false), "unmapped again once freed (it waits on a pcp list)");
	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 10);
	ok(block_is(p, 10, true), "an order-10 block is mapped whole");
	__free_pages(p, 10);
	ok(block_is(p, 10, false), "and unmapped whole");

	churn(4000, &mapped_ok, &unmapped_ok);
	ok(mapped_ok, "4000 mixed allocations: every page handed out was mapped");
	ok(unmapped_ok, "every page freed was unmapped");
	kmm_drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), boot_free, "everything is free again");
	is_int(kmm_zone_validate(NULL), 0, "the allocator is consistent");
	unlike(test_dmesg(), "pagealloc:", "no poison report");
	kmm_exit();
}

static void test_mprotect_failure(void)
{
	struct sigaction sa, before;
	bool mapped_ok, unmapped_ok;
	struct page *p, *q;

	diag("mprotect() failure turns debug_pagealloc off");
	sigaction(SIGSEGV, NULL, &before);	/* SIG_DFL, or a sanitizer's */
	if (test_boot("mem=64M debug_pagealloc=on"))
		exit(1);
	p = alloc_page(GFP_KERNEL);
	q = alloc_page(GFP_KERNEL);
	kmm_dmesg_clear();
	kmm_debug_pagealloc_inject_failure();
	__free_page(p);
	like(test_dmesg(), "kmm: debug_pagealloc: mprotect() failed: Cannot allocate memory "
	     "(too many mappings: see vm.max_map_count); debug_pagealloc is now off\n",
	     "a warning");
	ok(!debug_pagealloc_enabled(), "debug_pagealloc is off");
	ok(accessible(p) || accessible(page_address(p)), "the freed page is mapped");
	ok(accessible(kmm_mem_base + (kmm_max_pfn - 1) * PAGE_SIZE), "all free memory is mapped");
	ok(block_is(q, 0, true), "the page still held is mapped");
	__free_page(q);
	ok(block_is(q, 0, true), "and stays mapped once freed");
	churn(500, &mapped_ok, &unmapped_ok);
	ok(mapped_ok, "allocations keep working");
	kmm_debug_pagealloc_inject_failure();	/* unused: nothing protects now */
	p = alloc_page(GFP_KERNEL);
	__free_page(p);
	is_int(test_dmesg_count("debug_pagealloc: mprotect() failed"), 1, "warned once");
	is_int(kmm_zone_validate(NULL), 0, "the allocator is consistent");
	kmm_exit();
	sigaction(SIGSEGV, NULL, &sa);
	ok((sa.sa_flags & SA_SIGINFO) == (before.sa_flags & SA_SIGINFO) &&
	   ((sa.sa_flags & SA_SIGINFO) ? sa.sa_sigaction == before.sa_sigaction :
					 sa.sa_handler == before.sa_handler),
	   "kmm_exit() put the SIGSEGV disposition back");
}

/* ---- faults, in child processes ---------------------------------------- */

enum access { WRITE_FREED, READ_FREED, OUTSIDE, IN_USE };

static void my_handler(int sig, siginfo_t *info, void *uc)
{
	static const char msg[] = "my handler ran\n";

	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(43);
	_exit(42);
}

/* The child: its console is the pipe; it tells where it will fault.
 * Not inlined: the report must name it as the faulting function. */
static noinline void child(int fd, enum access how, bool own_handler)
{
	struct rlimit no_core = { 0, 0 };
	struct sigaction sa;
	char line[128];
	struct page *p;
	volatile char *addr;

	setrlimit(RLIMIT_CORE, &no_core);
	dup2(fd, 2);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (own_handler) {
		sa.sa_sigaction = my_handler;
		sa.sa_flags = SA_SIGINFO;
	} else {
		sa.sa_handler = SIG_DFL;	/* whatever a sanitizer installed */
	}
	sigaction(SIGSEGV, &sa, NULL);
	kmm_console_set_fd(fd);
	if (kmm_init("mem=64M debug_pagealloc=on"))
		_exit(2);
	p = alloc_pages(GFP_KERNEL, 1);
	addr = page_address(p);
	addr[0] = 1;			/* in use: must work */
	addr[PAGE_SIZE] = 1;
	if (addr[0] != 1)
		_exit(3);
	if (how == IN_USE) {
		/* As if another thread freed it under us: the second page
		 * of the order-1 block unmapped while still allocated. */
		p++;
		addr = page_address(p);
		if (mprotect((void *)addr, PAGE_SIZE, PROT_NONE))
			_exit(6);
	} else {
		__free_pages(p, 1);
	}
	if (how == OUTSIDE) {
		addr = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (addr == MAP_FAILED)
			_exit(4);
	} else {
		addr += 0x10;
	}
	snprintf(line, sizeof(line), "child: pfn:%05lx addr:%016lx\n", page_to_pfn(p),
		 (unsigned long)addr);
	if (write(fd, line, strlen(line)) < 0)
		_exit(5);
	if (how == READ_FREED)
		(void)addr[0];
	else
		addr[0] = 2;
	_exit(0);			/* not reached */
}

static char child_log[1 << 16];

/* Run a child; returns its wait status, its output in child_log. */
static int run_child(enum access how, bool own_handler)
{
	int pfd[2], status = 0;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		BUG();
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		child(pfd[1], how, own_handler);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], child_log + len, sizeof(child_log) - 1 - len)) > 0)
		len += (size_t)n;
	child_log[len] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return status;
}

static void child_where(unsigned long *pfn, unsigned long *addr)
{
	const char *s = strstr(child_log, "child: pfn:");

	*pfn = *addr = 0;
	if (s)
		sscanf(s, "child: pfn:%lx addr:%lx", pfn, addr);
}

static void test_fault(enum access how)
{
	const char *what = how == WRITE_FREED ? "write" : "read";
	unsigned long pfn, addr;
	char expect[160];
	int status;

	diag("a %s of a freed page", what);
	status = run_child(how, false);
	child_where(&pfn, &addr);
	ok(pfn || addr, "%s: the child got that far", what);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "%s: the child died of SIGSEGV",
	   what);
	snprintf(expect, sizeof(expect), "BUG: unable to handle page fault for address: %016lx\n",
		 addr);
	like(child_log, expect, "%s: the fault and its address", what);
#if defined(__x86_64__)
	snprintf(expect, sizeof(expect), "#PF: supervisor %s access in kernel mode\n", what);
	like(child_log, expect, "%s: the access type", what);
	snprintf(expect, sizeof(expect), "#PF: error_code(0x%04x) - not-present page\n",
		 how == WRITE_FREED ? 2 : 0);
	like(child_log, expect, "%s: the error code", what);
	snprintf(expect, sizeof(expect), "Oops: Oops: %04x [#1] PREEMPT SMP DEBUG_PAGEALLOC\n",
		 how == WRITE_FREED ? 2 : 0);
	like(child_log, expect, "%s: the oops line", what);
#else
	ok(1, "# skip the access type is only known on x86-64");
	ok(1, "# skip the error code is only known on x86-64");
	like(child_log, "Oops: Oops: 0000 [#1] PREEMPT SMP DEBUG_PAGEALLOC\n",
	     "%s: the oops line", what);
#endif
	snprintf(expect, sizeof(expect),
		 "kmm: address is in pfn:%05lx offset:0x10, a free page (debug_pagealloc)\n", pfn);
	like(child_log, expect, "%s: the page is named", what);
	snprintf(expect, sizeof(expect), "index:0x0 pfn:0x%lx\n", pfn);
	like(child_log, expect, "%s: and dumped", what);
	like(child_log, "page dumped because: debug_pagealloc\n", "%s: the dump's reason", what);
	like(child_log, "RIP: 0010:child+", "%s: the faulting function", what);
	like(child_log, "Call Trace:\n", "%s: a stack trace", what);
	snprintf(expect, sizeof(expect), "CR2: %016lx\n", addr);
	like(child_log, expect, "%s: the executive summary", what);
	like(child_log, "---[ end trace 0000000000000000 ]---\n", "%s: the end marker", what);
	unlike(child_log, "Disabling lock debugging", "%s: an oops turns lock debugging off quietly",
	       what);
	unlike(child_log, "Sanitizer", "%s: no sanitizer complaint", what);
}

static void test_foreign_faults(void)
{
	unsigned long pfn, addr;
	char expect[128];
	int status;

	diag("faults that are not kmm's, handlers that are not kmm's, a page in use");
	status = run_child(OUTSIDE, false);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	   "a fault outside kmm's memory still kills with SIGSEGV");
	unlike(child_log, "BUG: unable to handle page fault", "and is not reported by kmm");

	status = run_child(OUTSIDE, true);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	   "a fault outside kmm's memory goes to the program's own handler");
	unlike(child_log, "BUG: unable to handle page fault", "unreported");

	status = run_child(IN_USE, false);
	child_where(&pfn, &addr);
	snprintf(expect, sizeof(expect),
		 "kmm: address is in pfn:%05lx offset:0x10, an allocated page (debug_pagealloc)\n",
		 pfn);
	like(child_log, expect, "a fault on a page in use says so");
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "and kills as well");

	status = run_child(WRITE_FREED, true);
	like(child_log, "BUG: unable to handle page fault", "a freed page: kmm reports");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	   "then the program's own handler runs");
}

int main(void)
{
	if (pipe(probe_fd))
		return 1;
	test_mapping("mem=64M debug_pagealloc=on");
	test_mapping("mem=64M debug_pagealloc=on page_poison=on");
	test_mprotect_failure();
	test_fault(WRITE_FREED);
	test_fault(READ_FREED);
	test_foreign_faults();
	return done_testing();
}
