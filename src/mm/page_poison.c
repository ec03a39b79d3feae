// SPDX-License-Identifier: MIT
/*
 * Page poisoning and debug_pagealloc (Linux 6.12 mm/page_poison.c,
 * mm/debug_page_alloc.c, and the x86 page-fault oops of
 * arch/x86/mm/fault.c and arch/x86/kernel/dumpstack.c).
 *
 * page_poison=on: every page freed is filled with PAGE_POISON (0xaa);
 * when it is handed out again the pattern is checked, and a corruption is
 * reported (rate-limited: 10 reports per 5 s) as
 *
 *	pagealloc: memory corruption		(or: single bit error)
 *	pagealloc: corruption at pfn:04a31 offset:0x123-0x123	<- kmm only
 *	00007f0a2c923123: 55                                               U
 *	CPU: ... / Call Trace: ...
 *	page: refcount:1 mapcount:0 ... (dump_page)
 *	page dumped because: pagealloc: corrupted page details
 *
 * and the page is handed out anyway, as in the kernel.  The kernel
 * poisons all memory at boot; kmm leaves pages never written since boot
 * (PG_reported, "fresh") alone and the allocator skips their check, and a
 * fresh block that merges with a used one is poisoned at that moment
 * (kmm_poison_fresh_pages()), since the merged block is checked whole.
 *
 * debug_pagealloc=on: free pages are unmapped (PROT_NONE) and mapped
 * again when handed out; at boot all of kmm's memory is free, so it is
 * protected in one go.  A SIGSEGV/SIGBUS handler turns an access to a
 * free page into the kernel's oops report:
 *
 *	BUG: unable to handle page fault for address: 00007f0a2c923000
 *	#PF: supervisor write access in kernel mode
 *	#PF: error_code(0x0002) - not-present page
 *	kmm: address is in pfn:04a31 offset:0x0, a free page (debug_pagealloc)
 *	page: refcount:0 ... (dump_page)
 *	page dumped because: debug_pagealloc
 *	Oops: Oops: 0002 [#1] PREEMPT SMP DEBUG_PAGEALLOC
 *	CPU: ... / RIP: 0010:func+0x12/0x40 / Call Trace: ...
 *	Modules linked in:
 *	CR2: 00007f0a2c923000
 *	---[ end trace 0000000000000000 ]---
 *
 * then taints D, puts the previous handler back and returns: the access
 * faults again and the previous disposition applies (by default the
 * process dies of SIGSEGV, as the task would in the kernel).  Faults
 * outside kmm's memory go straight to the previous handler.  The "kmm:"
 * line and the page dump stand where the kernel prints the page-table
 * walk.  The access type comes from the x86-64 error code (the user-mode
 * bit is dropped: kmm plays the kernel); other architectures report a
 * read with error code 0.  The handler runs on the thread's alternate
 * signal stack if it set one up (SA_ONSTACK); kmm cannot give every
 * thread one, so a fault caused by a stack overflow is not reported.
 * The handler does not allocate: printk, stack traces and symbols use
 * static or stack buffers.
 *
 * Each unmap/map splits or merges a mapping of kmm's memory; with many
 * alternating free and used pages that can exceed vm.max_map_count, and
 * mprotect() fails with ENOMEM.  Then debug_pagealloc is turned off
 * cleanly: a warning once, everything mapped back, no more checks.
 *
 * Locking: pagealloc_lock (a rwlock) is held for reading around each
 * map/unmap and for writing while debug_pagealloc is turned off, so that
 * no page is left unmapped after the switch.  The reports run under
 * kmm_report_lock().
 */
#define _GNU_SOURCE
#include "mm/internal.h"
#include "arch/arch.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

/* ---- poisoning -------------------------------------------------------- */

static DEFINE_RATELIMIT_STATE(poison_ratelimit, 5000, 10);

void kmm_poison_pages(struct page *page, int n)
{
	for (int i = 0; i < n; i++)
		memset(page_address(page + i), PAGE_POISON, PAGE_SIZE);
}

/* The first byte of mem[0..bytes) that is not c, or NULL. */
static unsigned char *memchr_inv(unsigned char *mem, unsigned char c, size_t bytes)
{
	unsigned long pattern = 0x0101010101010101UL * c;
	size_t i = 0;

	for (; i + sizeof(long) <= bytes; i += sizeof(long)) {
		unsigned long w;

		memcpy(&w, mem + i, sizeof(w));
		if (w != pattern)
			break;
	}
	for (; i < bytes; i++)
		if (mem[i] != c)
			return mem + i;
	return NULL;
}

static bool single_bit_flip(unsigned char a, unsigned char b)
{
	unsigned char error = a ^ b;

	return error && !(error & (error - 1));
}

static void check_poison_mem(struct page *page, unsigned char *mem, size_t bytes)
{
	unsigned char *start, *end;

	start = memchr_inv(mem, PAGE_POISON, bytes);
	if (!start)
		return;
	for (end = mem + bytes - 1; end > start; end--)
		if (*end != PAGE_POISON)
			break;
	if (!__ratelimit(&poison_ratelimit))
		return;

	kmm_report_lock();
	if (start == end && single_bit_flip(*start, PAGE_POISON))
		pr_err("pagealloc: single bit error\n");
	else
		pr_err("pagealloc: memory corruption\n");
	/* kmm: where, in words (the kernel leaves it to the hex dump). */
	pr_err("pagealloc: corruption at pfn:%05lx offset:0x%x-0x%x\n", page_to_pfn(page),
	       (unsigned int)(start - mem), (unsigned int)(end - mem));
	print_hex_dump(KERN_ERR, "", DUMP_PREFIX_ADDRESS, 16, 1, start,
		       (size_t)(end - start + 1), true);
	kmm_dump_stack();
	kmm_dump_page(page, "pagealloc: corrupted page details");
	kmm_report_unlock();
}

void kmm_unpoison_pages(struct page *page, int n)
{
	for (int i = 0; i < n; i++)
		check_poison_mem(page + i, page_address(page + i), PAGE_SIZE);
}

/* ---- debug_pagealloc: mapping ----------------------------------------- */

static pthread_rwlock_t pagealloc_lock = PTHREAD_RWLOCK_INITIALIZER;
static bool pagealloc_protected;	/* kmm's memory was protected at boot */
static bool inject_failure;		/* test hook: fail the next protect */

/* The next map/unmap fails as if mprotect() had returned ENOMEM. */
void kmm_debug_pagealloc_inject_failure(void)
{
	__atomic_store_n(&inject_failure, true, __ATOMIC_RELAXED);
}

static int protect(void *addr, size_t size, int prot)
{
	if (unlikely(__atomic_exchange_n(&inject_failure, false, __ATOMIC_RELAXED)))
		return -ENOMEM;
	return kmm_arch_protect(addr, size, prot);
}

/* Give up on debug_pagealloc: map everything back, check nothing more. */
static void debug_pagealloc_disable(int err)
{
	static bool warned;

	pthread_rwlock_wrlock(&pagealloc_lock);
	if (debug_pagealloc_enabled()) {
		__atomic_store_n(&kmm_mm_params.debug_pagealloc, false, __ATOMIC_RELAXED);
		if (!warned) {
			warned = true;
			pr_warn("kmm: debug_pagealloc: mprotect() failed: %s%s; debug_pagealloc is now off\n",
				strerror(-err), err == -ENOMEM ?
				" (too many mappings: see vm.max_map_count)" : "");
		}
		if (kmm_mem_base && kmm_arch_protect(kmm_mem_base, kmm_max_pfn << PAGE_SHIFT,
						     KMM_PROT_RW))
			pr_err("kmm: debug_pagealloc: cannot map kmm's memory back\n");
	}
	pthread_rwlock_unlock(&pagealloc_lock);
}

static void debug_pagealloc_protect(struct page *page, int n, int prot)
{
	int ret = 0;

	if (!debug_pagealloc_enabled())
		return;
	pthread_rwlock_rdlock(&pagealloc_lock);
	if (debug_pagealloc_enabled())
		ret = protect(page_address(page), (size_t)n << PAGE_SHIFT, prot);
	pthread_rwlock_unlock(&pagealloc_lock);
	if (unlikely(ret))
		debug_pagealloc_disable(ret);
}

void kmm_debug_pagealloc_map_pages(struct page *page, int n)
{
	debug_pagealloc_protect(page, n, KMM_PROT_RW);
}

void kmm_debug_pagealloc_unmap_pages(struct page *page, int n)
{
	debug_pagealloc_protect(page, n, KMM_PROT_NONE);
}

/*
 * Fresh pages are neither poisoned nor checked.  When a fresh free block
 * merges with a used one (buddy.c), the merged block is checked as a
 * whole when handed out, so the fresh part gets its poison now, under
 * zone->lock: map it if debug_pagealloc has it unmapped, fill, unmap.
 */
void kmm_poison_fresh_pages(struct page *page, int n)
{
	kmm_debug_pagealloc_map_pages(page, n);
	kmm_poison_pages(page, n);
	kmm_debug_pagealloc_unmap_pages(page, n);
}

/* ---- debug_pagealloc: the page-fault report ---------------------------- */

/* x86 page-fault error code bits (arch/x86/include/asm/trap_pf.h). */
#define X86_PF_PROT	0x01
#define X86_PF_WRITE	0x02
#define X86_PF_USER	0x04
#define X86_PF_RSVD	0x08
#define X86_PF_INSTR	0x10
#define X86_PF_PK	0x20
#define X86_PF_RMP	0x80000000UL

static const int fault_signals[] = { SIGSEGV, SIGBUS };
static struct sigaction old_action[ARRAY_SIZE(fault_signals)];
static bool handler_installed;
static int die_counter;

static int fault_signal_index(int sig)
{
	return sig == SIGBUS ? 1 : 0;
}

/*
 * Is a page in use?  Its own count, or that of the allocation holding it;
 * a free block holding it, or nothing found, means free (pcp pages too).
 */
static bool page_is_allocated(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (page_count(page) > 0)
		return true;
	for (unsigned int order = 0; order <= MAX_PAGE_ORDER; order++) {
		const struct page *head = pfn_to_page(pfn & ~((1UL << order) - 1));

		if (PageBuddy(head) && buddy_order(head) >= order)
			return false;
		if (order && page_ref_count(head) > 0 && kmm_get_alloc_order(head) >= (int)order)
			return true;
	}
	return false;
}

static void report_page_fault(int sig, const siginfo_t *info, void *uctx)
{
	unsigned long addr = (unsigned long)(uintptr_t)info->si_addr;
	unsigned long off = (unsigned long)((const char *)info->si_addr - kmm_mem_base);
	const struct page *page = pfn_to_page(off >> PAGE_SHIFT);
	unsigned long err = 0, ip = 0;
	char sym[KSYM_SYMBOL_LEN];

#if defined(__x86_64__)
	const ucontext_t *uc = uctx;

	err = (unsigned long)uc->uc_mcontext.gregs[REG_ERR] & ~(unsigned long)X86_PF_USER;
	ip = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	const ucontext_t *uc = uctx;

	ip = (unsigned long)uc->uc_mcontext.pc;
#else
	(void)uctx;
#endif
	kmm_report_lock();
	/* oops_begin(): lock debugging is off before anything is printed
	 * (so the taint below adds no "Disabling lock debugging" line). */
	kmm_debug_locks_off();
	pr_alert("BUG: unable to handle page fault for address: %016lx\n", addr);
	pr_alert("#PF: supervisor %s in kernel mode\n",
		 err & X86_PF_INSTR ? "instruction fetch" :
		 err & X86_PF_WRITE ? "write access" : "read access");
	pr_alert("#PF: error_code(0x%04lx) - %s\n", err,
		 !(err & X86_PF_PROT) ? "not-present page" :
		 err & X86_PF_RSVD ? "reserved bit violation" :
		 err & X86_PF_PK ? "protection keys violation" :
		 err & X86_PF_RMP ? "RMP violation" : "permissions violation");
	pr_alert("kmm: address is in pfn:%05lx offset:0x%lx, %s (debug_pagealloc)\n",
		 page_to_pfn(page), off & ~PAGE_MASK,
		 page_is_allocated(page) ? "an allocated page" : "a free page");
	kmm_dump_page(page, "debug_pagealloc");
	printk(KERN_DEFAULT "Oops: Oops: %04lx [#%d] PREEMPT SMP%s\n", err & 0xffff,
	       __atomic_add_fetch(&die_counter, 1, __ATOMIC_RELAXED),
	       debug_pagealloc_enabled() ? " DEBUG_PAGEALLOC" : "");
	kmm_dump_stack_print_info(KERN_DEFAULT);
	if (ip) {
		kmm_sprint_symbol(sym, ip);
		printk(KERN_DEFAULT "RIP: 0010:%s\n", sym);
	}
	kmm_show_trace(KERN_DEFAULT, ip);
	printk(KERN_DEFAULT "Modules linked in:\n");
	printk(KERN_DEFAULT "CR2: %016lx\n", addr);
	pr_warn("---[ end trace %016llx ]---\n", 0ULL);
	kmm_add_taint(TAINT_DIE, LOCKDEP_NOW_UNRELIABLE);
	kmm_report_unlock();
	(void)sig;
}

static void page_fault_handler(int sig, siginfo_t *info, void *uctx)
{
	const struct sigaction *old = &old_action[fault_signal_index(sig)];
	int saved_errno = errno;

	if (__atomic_load_n(&handler_installed, __ATOMIC_ACQUIRE) && kmm_mem_base &&
	    virt_addr_valid(info->si_addr)) {
		report_page_fault(sig, info, uctx);
		/* The access faults again, under the previous disposition. */
		sigaction(sig, old, NULL);
	} else if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
		old->sa_sigaction(sig, info, uctx);
	} else if (!(old->sa_flags & SA_SIGINFO) && old->sa_handler != SIG_DFL &&
		   old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
	} else {
		/* Not ours and no handler to pass it to: die as before. */
		sigaction(sig, old, NULL);
	}
	errno = saved_errno;
}

static void install_fault_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = page_fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(fault_signals); i++)
		sigaddset(&sa.sa_mask, fault_signals[i]);
	for (size_t i = 0; i < ARRAY_SIZE(fault_signals); i++)
		sigaction(fault_signals[i], &sa, &old_action[i]);
	__atomic_store_n(&handler_installed, true, __ATOMIC_RELEASE);
}

static void remove_fault_handler(void)
{
	if (!__atomic_load_n(&handler_installed, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&handler_installed, false, __ATOMIC_RELEASE);
	for (size_t i = 0; i < ARRAY_SIZE(fault_signals); i++) {
		struct sigaction cur;

		/* Put the old one back unless someone installed theirs over
		 * ours (then ours stays, passing everything on). */
		if (!sigaction(fault_signals[i], NULL, &cur) &&
		    (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == page_fault_handler)
			sigaction(fault_signals[i], &old_action[i], NULL);
	}
}

/* ---- boot and shutdown ------------------------------------------------- */

int kmm_page_debug_init(void)
{
	int ret;

	kmm_bad_page_reset();
	__atomic_store_n(&inject_failure, false, __ATOMIC_RELAXED);
	while (atomic_flag_test_and_set(&poison_ratelimit.lock))
		sched_yield();
	poison_ratelimit.begin = 0;
	poison_ratelimit.printed = 0;
	poison_ratelimit.missed = 0;
	atomic_flag_clear(&poison_ratelimit.lock);

	if (!debug_pagealloc_enabled())
		return 0;
	/* All of kmm's memory is free now: unmap it in one go. */
	ret = protect(kmm_mem_base, kmm_max_pfn << PAGE_SHIFT, KMM_PROT_NONE);
	if (ret) {
		debug_pagealloc_disable(ret);
		return 0;
	}
	pagealloc_protected = true;
	install_fault_handler();
	return 0;
}

void kmm_page_debug_exit(void)
{
	remove_fault_handler();
	if (pagealloc_protected && kmm_mem_base)
		kmm_arch_protect(kmm_mem_base, kmm_max_pfn << PAGE_SHIFT, KMM_PROT_RW);
	pagealloc_protected = false;
}
