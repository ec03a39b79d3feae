/* SPDX-License-Identifier: MIT */
/*
 * current: kmm's per-thread task state (struct task_struct in the kernel):
 * identity, preempt/irq context counts, irq-state tracing and lockdep's
 * held-lock stack.  Every thread that touches kmm gets one, registered in a
 * global list so that debug_show_all_locks() can walk every thread; it is
 * unregistered when the thread exits.
 */
#ifndef KMM_SCHED_H
#define KMM_SCHED_H

#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/lockdep.h>

#define TASK_COMM_LEN 16

/* One entry of lockdep's held-lock stack (include/linux/lockdep.h). */
struct held_lock {
	u64 prev_chain_key;
	unsigned long acquire_ip;
	struct lockdep_map *instance;
	struct lockdep_map *nest_lock;
	u64 waittime_stamp;	/* lock_stat */
	u64 holdtime_stamp;	/* lock_stat */
	unsigned int class_idx:13;
	unsigned int irq_context:2;	/* bit 0: soft, bit 1: hard */
	unsigned int trylock:1;
	unsigned int read:2;
	unsigned int check:1;
	unsigned int hardirqs_off:1;
	unsigned int sync:1;
	unsigned int references:11;
	unsigned int pin_count;
};

struct task_struct {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head tasks;		/* all registered threads */
	atomic_int preempt_count;	/* preempt, softirq, hardirq, NMI counts */
	/* irq-state tracing (kernel/locking/lockdep.c irqtrace_events) */
	int hardirqs_enabled;
	int softirqs_enabled;
	int hardirq_context;
	int softirq_context;
	unsigned long hardirq_enable_ip, hardirq_disable_ip;
	unsigned long softirq_enable_ip, softirq_disable_ip;
	unsigned int irq_events;
	/* lockdep */
	u64 curr_chain_key;
	int lockdep_depth;
	unsigned int lockdep_recursion;
	struct held_lock held_locks[MAX_LOCK_DEPTH];

	/*
	 * The irq model (src/kernel/irq.c): irqs_off is the "CPU's" interrupt
	 * flag; an irq signal that arrives while it is set is remembered in
	 * irqs_pending and delivered when interrupts are enabled again.
	 */
	int irqs_off;
	atomic_ulong irqs_pending;
	atomic_ulong softirqs_pending;	/* raise_softirq() bits, run on this thread */
	unsigned long preempt_disable_ip;	/* where preempt_count left 0 */
	int non_block_count;
	/* Sleeping (src/kernel/sched.c): futex word bumped by wake_up_process(). */
	atomic_int wake_seq;
	atomic_int sleeping;
	atomic_int sigpending;		/* signal_pending(): see kmm_signal_task() */
};

/* The calling thread's task (created on first use). */
KMM_API struct task_struct *kmm_current(void);
/* The calling thread's task pointer; NULL until kmm_current() made it. */
KMM_API extern __thread struct task_struct *kmm_current_task
	__attribute__((tls_model("initial-exec")));

static __always_inline struct task_struct *kmm_get_current(void)
{
	struct task_struct *t = kmm_current_task;

	return likely(t) ? t : kmm_current();
}
#define current kmm_get_current()

/* Walk every registered thread's task under the tasks lock. */
KMM_API void kmm_for_each_task(void (*fn)(struct task_struct *t, void *arg), void *arg);

/*
 * Sleeping and waking, as set_current_state()/schedule()/wake_up_process():
 * a sleeper reads seq = kmm_prepare_to_wait(), re-checks its condition and
 * calls kmm_schedule(seq), which returns at once if anyone called
 * wake_up_process() on it since kmm_prepare_to_wait().  Task memory is
 * never unmapped (exited tasks are recycled), so waking a task that has
 * exited is harmless.
 */
KMM_API int kmm_prepare_to_wait(void);
KMM_API void kmm_schedule(int seq);
KMM_API void kmm_finish_wait(void);
KMM_API void kmm_wake_up_process(struct task_struct *t);
#define wake_up_process(t)	kmm_wake_up_process(t)

/*
 * Signals.  Userspace signals do not interrupt kmm's sleeps by themselves:
 * kmm_signal_task(t) marks a signal pending for t (signal_pending(t) is
 * then true) and wakes it, so that mutex_lock_interruptible(),
 * down_interruptible() and friends return -EINTR.  It is async-signal-safe:
 * call it from a signal handler (kmm_signal_task(current) for the thread
 * the signal arrived on).  kmm_flush_signals() clears current's.
 */
KMM_API void kmm_signal_task(struct task_struct *t);
KMM_API void kmm_flush_signals(void);
static inline int signal_pending(struct task_struct *t)
{
	return atomic_load_explicit(&t->sigpending, memory_order_acquire) != 0;
}
#define flush_signals(t)	kmm_flush_signals()

/*
 * might_sleep(): the "BUG: sleeping function called from invalid context"
 * report when called in atomic context (preemption or interrupts disabled,
 * in an interrupt), rate-limited to one report a second as the kernel's.
 */
KMM_API void kmm___might_sleep(const char *file, int line);
KMM_API void kmm___might_resched(const char *file, int line, unsigned int offsets);
#define __might_sleep(file, line)	kmm___might_sleep(file, line)
#define might_sleep()	kmm___might_sleep(__FILE__, __LINE__)
#define cant_sleep()	WARN_ON_ONCE(!(atomic_load_explicit(&current->preempt_count, \
				memory_order_relaxed)) && !current->irqs_off)

#endif /* KMM_SCHED_H */
