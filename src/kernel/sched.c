// SPDX-License-Identifier: MIT
/*
 * current, sleeping and waking, might_sleep() (kernel/sched/core.c in
 * miniature).
 *
 * Every thread that touches kmm gets a struct task_struct, made on first
 * use and reached through a thread-local pointer.  Tasks live in anonymous
 * mappings, never in memory from kmm's own allocator (a malloc shim may
 * sit on top of kmm), and are never unmapped: a thread's task goes back to
 * a free list when the thread exits and is reused by the next new thread,
 * so a stale pointer (a waker racing with an exiting sleeper) never faults.
 *
 * Locking: tasks_lock (a bare test-and-set flag, not a spinlock_t, so that
 * lockdep never sees it or recurses through it) protects the task list and
 * the free list.  It is taken with every signal blocked, so an irq handler
 * that creates its thread's task cannot interrupt a holder on that thread.
 *
 * Sleeping: each task has a futex word, wake_seq, that wake_up_process()
 * bumps.  A sleeper samples it (kmm_prepare_to_wait()), re-checks its
 * condition and waits on the sampled value (kmm_schedule()), so a wakeup
 * between the check and the wait is never lost.
 */
#define _GNU_SOURCE
#include "internal.h"
#include <kmm/sched.h>
#include <kmm/preempt.h>
#include <kmm/irqflags.h>
#include <kmm/stacktrace.h>
#include <kmm/debug_locks.h>
#include <kmm/smp.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

KMM_API __thread struct task_struct *kmm_current_task
	__attribute__((tls_model("initial-exec")));

static LIST_HEAD(tasks);
static LIST_HEAD(free_tasks);
static atomic_flag tasks_lock = ATOMIC_FLAG_INIT;
static pthread_key_t task_key;
static pthread_once_t task_key_once = PTHREAD_ONCE_INIT;

static void tasks_lock_irqsave(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
	while (atomic_flag_test_and_set_explicit(&tasks_lock, memory_order_acquire))
		sched_yield();
}

static void tasks_unlock_irqrestore(const sigset_t *old)
{
	atomic_flag_clear_explicit(&tasks_lock, memory_order_release);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void task_exit(void *arg)
{
	struct task_struct *t = arg;
	sigset_t old;

	if (!t || kmm_current_task != t)
		return;
	/* lockdep: "lock held when returning to user space" / at exit. */
	kmm_debug_check_no_locks_held();
	tasks_lock_irqsave(&old);
	list_del(&t->tasks);
	list_add(&t->tasks, &free_tasks);
	kmm_current_task = NULL;
	tasks_unlock_irqrestore(&old);
}

static void task_key_init(void)
{
	pthread_key_create(&task_key, task_exit);
}

static struct task_struct *task_alloc(void)
{
	size_t size = ALIGN(sizeof(struct task_struct), 4096UL);
	struct task_struct *t;

	if (!list_empty(&free_tasks)) {
		t = list_first_entry(&free_tasks, struct task_struct, tasks);
		list_del(&t->tasks);
		/*
		 * Other threads may still look at a stale pointer to it (a
		 * mutex spinner reads owner->sleeping, a late waker bumps
		 * wake_seq): reset those fields atomically and keep wake_seq
		 * counting, so that a late wakeup is only a spurious one.
		 */
		memset(t, 0, offsetof(struct task_struct, irqs_off));
		t->irqs_off = 0;
		atomic_store(&t->irqs_pending, 0);
		atomic_store(&t->softirqs_pending, 0);
		t->preempt_disable_ip = 0;
		t->non_block_count = 0;
		atomic_store(&t->sleeping, 0);
		atomic_store(&t->sigpending, 0);
		return t;
	}
	t = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return t == MAP_FAILED ? NULL : t;
}

/* The first call on a thread creates its task. */
KMM_API noinline struct task_struct *kmm_current(void)
{
	struct task_struct *t = kmm_current_task;
	sigset_t old;

	if (likely(t))
		return t;
	pthread_once(&task_key_once, task_key_init);
	tasks_lock_irqsave(&old);
	/* An irq handler may have made it before we blocked signals. */
	t = kmm_current_task;
	if (!t) {
		t = task_alloc();
		if (!t) {
			atomic_flag_clear_explicit(&tasks_lock, memory_order_release);
			kmm_bug(__FILE__, __LINE__, NULL);
		}
		t->pid = (pid_t)syscall(SYS_gettid);
		kmm_current_comm(t->comm);
		t->hardirqs_enabled = 1;
		t->softirqs_enabled = 1;
		list_add_tail(&t->tasks, &tasks);
		kmm_current_task = t;
	}
	tasks_unlock_irqrestore(&old);
	pthread_setspecific(task_key, t);
	return t;
}

KMM_API void kmm_for_each_task(void (*fn)(struct task_struct *t, void *arg), void *arg)
{
	struct task_struct *t;
	sigset_t old;

	tasks_lock_irqsave(&old);
	list_for_each_entry(t, &tasks, tasks)
		fn(t, arg);
	tasks_unlock_irqrestore(&old);
}

/* ---- sleeping and waking --------------------------------------------- */

KMM_API int kmm_prepare_to_wait(void)
{
	struct task_struct *t = current;
	int seq = atomic_load_explicit(&t->wake_seq, memory_order_acquire);

	atomic_store(&t->sleeping, 1);	/* seq_cst: ordered before the re-check */
	return seq;
}

KMM_API void kmm_schedule(int seq)
{
	struct task_struct *t = current;

	syscall(SYS_futex, &t->wake_seq, FUTEX_WAIT_PRIVATE, seq, NULL, NULL, 0);
}

KMM_API void kmm_finish_wait(void)
{
	atomic_store_explicit(&current->sleeping, 0, memory_order_relaxed);
}

KMM_API void kmm_wake_up_process(struct task_struct *t)
{
	atomic_fetch_add(&t->wake_seq, 1);
	if (atomic_load(&t->sleeping))
		syscall(SYS_futex, &t->wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

KMM_API void kmm_signal_task(struct task_struct *t)
{
	atomic_store(&t->sigpending, 1);
	kmm_wake_up_process(t);
}

KMM_API void kmm_flush_signals(void)
{
	atomic_store(&current->sigpending, 0);
}

/* ---- preempt_count ----------------------------------------------------- */

KMM_API noinline void kmm_preempt_count_add(int val)
{
	struct task_struct *t = current;

	if (DEBUG_LOCKS_WARN_ON((__preempt_count_of(t) < 0)))
		return;
	__preempt_count_add_task(t, val);
	if (__preempt_count_of(t) == val)
		t->preempt_disable_ip = _RET_IP_;
}

KMM_API noinline void kmm_preempt_count_sub(int val)
{
	struct task_struct *t = current;

	if (DEBUG_LOCKS_WARN_ON(val > __preempt_count_of(t)))
		return;
	if (DEBUG_LOCKS_WARN_ON((unsigned long)val < PREEMPT_MASK &&
				!(__preempt_count_of(t) & PREEMPT_MASK)))
		return;
	__preempt_count_sub(val);
}

/* ---- might_sleep ------------------------------------------------------- */

static unsigned long might_sleep_prev;	/* ratelimiting: ms since boot, 0: never */

/* For the tests: forget the last report so that the next one prints. */
void kmm_might_sleep_reset_ratelimit(void);
void kmm_might_sleep_reset_ratelimit(void)
{
	__atomic_store_n(&might_sleep_prev, 0, __ATOMIC_RELAXED);
}

/* lockdep's print_irqtrace_events(), if lockdep provides it. */
extern void kmm_print_irqtrace_events(struct task_struct *t) __attribute__((weak));

static void print_irqtrace(struct task_struct *t)
{
	char on[KSYM_SYMBOL_LEN], off[KSYM_SYMBOL_LEN];

	if (kmm_print_irqtrace_events) {
		kmm_print_irqtrace_events(t);
		return;
	}
	kmm_sprint_symbol(on, t->hardirq_enable_ip);
	kmm_sprint_symbol(off, t->hardirq_disable_ip);
	printk("irq event stamp: %u\n", t->irq_events);
	printk("hardirqs last  enabled at: [<%016lx>] %s\n", t->hardirq_enable_ip, on);
	printk("hardirqs last disabled at: [<%016lx>] %s\n", t->hardirq_disable_ip, off);
}

KMM_API noinline void kmm___might_resched(const char *file, int line, unsigned int offsets)
{
	struct task_struct *t = current;
	unsigned long now, prev, ip;
	char sym[KSYM_SYMBOL_LEN];

	if (__preempt_count_of(t) == (int)(offsets & 0xff) && !t->irqs_off &&
	    !t->non_block_count)
		return;
	/* The locking self-test sleeps in atomic context on purpose (the
	 * kernel's runs while system_state says it is booting). */
	if (__atomic_load_n(&kmm_debug_locks_silent, __ATOMIC_RELAXED))
		return;
	now = kmm_boot_msecs() + 1;	/* 0 means "never reported" */
	prev = __atomic_load_n(&might_sleep_prev, __ATOMIC_RELAXED);
	if (prev && now < prev + 1000)
		return;
	if (!__atomic_compare_exchange_n(&might_sleep_prev, &prev, now, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	ip = t->preempt_disable_ip;	/* before printk can change it */

	kmm_report_lock();
	pr_err("BUG: sleeping function called from invalid context at %s:%d\n", file, line);
	pr_err("in_atomic(): %d, irqs_disabled(): %d, non_block: %d, pid: %d, name: %s\n",
	       __preempt_count_of(t) != 0, t->irqs_off != 0, t->non_block_count, t->pid, t->comm);
	pr_err("preempt_count: %x, expected: %x\n", __preempt_count_of(t), offsets & 0xff);
	kmm_debug_show_held_locks();
	if (t->irqs_off)
		print_irqtrace(t);
	if (__preempt_count_of(t) != (int)(offsets & 0xff) && ip) {
		kmm_sprint_symbol(sym, ip);
		pr_err("Preemption disabled at:\n");
		printk(KERN_ERR "[<%016lx>] %s\n", ip, sym);
	}
	kmm_dump_stack();
	kmm_report_unlock();
	kmm_add_taint(TAINT_WARN, LOCKDEP_STILL_OK);
}

KMM_API noinline void kmm___might_sleep(const char *file, int line)
{
	kmm___might_resched(file, line, 0);
}
