// SPDX-License-Identifier: MIT
/*
 * The irq model: interrupts are signals (kernel/irq/manage.c, kernel/softirq.c
 * in miniature).
 *
 * request_irq(sig, ...) installs irq_signal() for sig.  When the signal
 * arrives on a thread with interrupts enabled, the handler runs there and
 * then in hardirq context: interrupts off (lockdep told, as the kernel's
 * entry code does), irq_enter(), the handler, irq_exit() (which runs
 * pending softirqs), interrupts on.  When the thread has interrupts
 * disabled, the signal only sets a bit in current->irqs_pending and the
 * handler runs when interrupts are enabled again (kmm_irq_replay_pending()
 * from arch_local_irq_enable()).
 *
 * A threaded irq has a thread per irq that sleeps on a futex word; the
 * primary handler returning IRQ_WAKE_THREAD bumps the word.  Wakeups that
 * arrive while thread_fn runs coalesce into one more run, as the kernel's
 * IRQTF_RUNTHREAD bit does.
 *
 * Locking: desc_lock (a bare flag; lockdep must not see it) serialises
 * request_irq() and free_irq().  A handler in flight holds desc->active,
 * which free_irq() waits to drop to zero (synchronize_irq()).
 */
#define _GNU_SOURCE
#include "internal.h"
#include <kmm/interrupt.h>
#include <kmm/lockdep.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_IRQS	65	/* signal numbers 1..64 */

struct irq_desc {
	_Atomic(irq_handler_t) handler;
	irq_handler_t thread_fn;
	void *dev;
	const char *name;
	unsigned long flags;
	struct sigaction old_action;
	atomic_int active;		/* handlers running now */
	/* threaded irqs */
	pthread_t thread;
	bool has_thread;
	atomic_int thread_seq;		/* bumped by IRQ_WAKE_THREAD */
	atomic_bool thread_stop;
};

static struct irq_desc irq_descs[NR_IRQS];
static atomic_flag desc_lock = ATOMIC_FLAG_INIT;

static void desc_lock_acquire(void)
{
	while (atomic_flag_test_and_set_explicit(&desc_lock, memory_order_acquire))
		sched_yield();
}

static void desc_lock_release(void)
{
	atomic_flag_clear_explicit(&desc_lock, memory_order_release);
}

/* ---- hardirq context --------------------------------------------------- */

KMM_API void kmm_irq_enter(void)
{
	struct task_struct *t = current;

	__preempt_count_add_task(t, HARDIRQ_OFFSET);
	t->hardirq_context++;		/* lockdep_hardirq_enter() */
}

KMM_API void kmm_irq_exit(void)
{
	struct task_struct *t = current;

	__preempt_count_sub(HARDIRQ_OFFSET);
	if (!in_interrupt() && local_softirq_pending())
		kmm_do_softirq();
	t->hardirq_context--;		/* lockdep_hardirq_exit() */
}

static void irq_wake_thread(struct irq_desc *desc)
{
	atomic_fetch_add(&desc->thread_seq, 1);
	syscall(SYS_futex, &desc->thread_seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Run irq's handler in hardirq context; interrupts are enabled on entry. */
static void handle_irq(struct task_struct *t, int irq)
{
	struct irq_desc *desc = &irq_descs[irq];
	irq_handler_t handler;
	irqreturn_t ret;

	arch_local_irq_disable();
	kmm_lockdep_hardirqs_off(_THIS_IP_);
	kmm_irq_enter();
	atomic_fetch_add(&desc->active, 1);
	handler = atomic_load(&desc->handler);
	if (handler) {
		ret = handler(irq, desc->dev);
		if ((ret & IRQ_WAKE_THREAD) && desc->has_thread)
			irq_wake_thread(desc);
	}
	atomic_fetch_sub(&desc->active, 1);
	kmm_irq_exit();
	kmm_lockdep_hardirqs_on(_THIS_IP_);
	atomic_signal_fence(memory_order_seq_cst);
	t->irqs_off = 0;
	atomic_signal_fence(memory_order_seq_cst);
}

KMM_API void kmm_irq_replay_pending(void)
{
	struct task_struct *t = current;
	unsigned long pending;
	int irq;

	while (!t->irqs_off &&
	       (pending = atomic_exchange(&t->irqs_pending, 0)) != 0) {
		for (irq = 1; irq < NR_IRQS; irq++) {
			if (!(pending & (1UL << (irq - 1))))
				continue;
			pending &= ~(1UL << (irq - 1));
			if (t->irqs_off) {	/* a handler left them off */
				atomic_fetch_or(&t->irqs_pending, pending | (1UL << (irq - 1)));
				return;
			}
			handle_irq(t, irq);
		}
	}
}

static void irq_signal(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;
	struct task_struct *t = current;

	if (t->irqs_off)
		atomic_fetch_or(&t->irqs_pending, 1UL << (sig - 1));
	else {
		handle_irq(t, sig);
		if (atomic_load_explicit(&t->irqs_pending, memory_order_relaxed))
			kmm_irq_replay_pending();
	}
	errno = saved_errno;
}

KMM_API void kmm_irq_raise(unsigned int irq)
{
	pthread_kill(pthread_self(), (int)irq);
}

/* ---- threaded irqs ------------------------------------------------------ */

static void *irq_thread(void *arg)
{
	struct irq_desc *desc = arg;
	int irq = (int)(desc - irq_descs);
	int seen = 0, seq;

	for (;;) {
		seq = atomic_load(&desc->thread_seq);
		if (atomic_load(&desc->thread_stop))
			break;
		if (seq == seen) {
			syscall(SYS_futex, &desc->thread_seq, FUTEX_WAIT_PRIVATE, seq, NULL, NULL, 0);
			continue;
		}
		seen = seq;
		desc->thread_fn(irq, desc->dev);
	}
	return NULL;
}

static irqreturn_t irq_default_primary_handler(int irq, void *dev)
{
	return IRQ_WAKE_THREAD;
}

KMM_API int kmm_request_threaded_irq(unsigned int irq, irq_handler_t handler,
				     irq_handler_t thread_fn, unsigned long flags,
				     const char *name, void *dev)
{
	struct irq_desc *desc;
	struct sigaction sa;
	sigset_t all, old;
	char comm[16];

	if (irq == 0 || irq >= NR_IRQS || irq == SIGKILL || irq == SIGSTOP ||
	    irq == SIGSEGV || irq == SIGBUS || irq == SIGILL || irq == SIGFPE)
		return -EINVAL;
	if (!handler) {
		if (!thread_fn)
			return -EINVAL;
		handler = irq_default_primary_handler;
	}
	desc = &irq_descs[irq];
	desc_lock_acquire();
	if (atomic_load(&desc->handler)) {
		desc_lock_release();
		return -EBUSY;
	}
	desc->thread_fn = thread_fn;
	desc->dev = dev;
	desc->name = name;
	desc->flags = flags;
	desc->has_thread = false;
	atomic_store(&desc->thread_stop, false);
	if (thread_fn) {
		/* The thread must not take the irq signal itself. */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		if (pthread_create(&desc->thread, NULL, irq_thread, desc)) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			desc_lock_release();
			return -ENOMEM;
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		snprintf(comm, sizeof(comm), "irq/%u-%s", irq, name ? name : "");
		pthread_setname_np(desc->thread, comm);
		desc->has_thread = true;
	}
	atomic_store(&desc->handler, handler);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = irq_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction((int)irq, &sa, &desc->old_action);
	desc_lock_release();
	return 0;
}

KMM_API const void *kmm_free_irq(unsigned int irq, void *dev)
{
	struct irq_desc *desc;
	const char *name;

	if (irq == 0 || irq >= NR_IRQS)
		return NULL;
	desc = &irq_descs[irq];
	desc_lock_acquire();
	if (WARN(!atomic_load(&desc->handler) || desc->dev != dev,
		 "Trying to free already-free IRQ %u\n", irq)) {
		desc_lock_release();
		return NULL;
	}
	sigaction((int)irq, &desc->old_action, NULL);
	atomic_store(&desc->handler, NULL);
	while (atomic_load(&desc->active))	/* synchronize_irq() */
		sched_yield();
	if (desc->has_thread) {
		atomic_store(&desc->thread_stop, true);
		irq_wake_thread(desc);
		pthread_join(desc->thread, NULL);
		desc->has_thread = false;
	}
	name = desc->name;
	desc_lock_release();
	return name;
}

/* ---- softirqs and bottom halves ----------------------------------------- */

static void (*_Atomic softirq_vec[NR_SOFTIRQS])(void);

#define MAX_SOFTIRQ_RESTART 10

KMM_API void kmm_open_softirq(int nr, void (*action)(void))
{
	if (nr >= 0 && nr < NR_SOFTIRQS)
		atomic_store(&softirq_vec[nr], action);
}

KMM_API void kmm_raise_softirq_irqoff(unsigned int nr)
{
	if (nr < NR_SOFTIRQS)
		atomic_fetch_or(&current->softirqs_pending, 1UL << nr);
}

KMM_API void kmm_raise_softirq(unsigned int nr)
{
	unsigned long flags;

	local_irq_save(flags);
	kmm_raise_softirq_irqoff(nr);
	local_irq_restore(flags);
	/* No ksoftirqd: from task context with bottom halves on, run it now. */
	if (!in_interrupt() && !irqs_disabled())
		kmm_do_softirq();
}

/* Interrupts are disabled on entry and on return. */
static void __do_softirq(void)
{
	struct task_struct *t = current;
	int restart = MAX_SOFTIRQ_RESTART;
	unsigned long pending;
	unsigned int nr;

	kmm___local_bh_disable_ip(_RET_IP_, SOFTIRQ_OFFSET);
	t->softirq_context++;		/* lockdep_softirq_enter() */
	while ((pending = atomic_exchange(&t->softirqs_pending, 0)) != 0) {
		local_irq_enable();
		for (nr = 0; nr < NR_SOFTIRQS; nr++) {
			void (*action)(void) = atomic_load(&softirq_vec[nr]);

			if ((pending & (1UL << nr)) && action)
				action();
		}
		local_irq_disable();
		if (!--restart)
			break;
	}
	t->softirq_context--;		/* lockdep_softirq_exit() */
	/* __local_bh_enable(SOFTIRQ_OFFSET) */
	if (softirq_count() == (int)SOFTIRQ_OFFSET)
		kmm_lockdep_softirqs_on(_RET_IP_);
	__preempt_count_sub(SOFTIRQ_OFFSET);
}

KMM_API void kmm_do_softirq(void)
{
	unsigned long flags;

	if (in_interrupt())
		return;
	local_irq_save(flags);
	if (local_softirq_pending())
		__do_softirq();
	local_irq_restore(flags);
}

KMM_API void kmm___local_bh_disable_ip(unsigned long ip, unsigned int cnt)
{
	unsigned long flags;

	WARN_ON_ONCE(in_hardirq());
	raw_local_irq_save(flags);
	__preempt_count_add(cnt);
	if (softirq_count() == (int)(cnt & SOFTIRQ_MASK))
		kmm_lockdep_softirqs_off(ip);
	raw_local_irq_restore(flags);
	if (preempt_count() == (int)cnt)
		current->preempt_disable_ip = ip;
}

KMM_API void kmm___local_bh_enable_ip(unsigned long ip, unsigned int cnt)
{
	WARN_ON_ONCE(in_hardirq());
	local_irq_disable();
	if (softirq_count() == (int)SOFTIRQ_DISABLE_OFFSET)
		kmm_lockdep_softirqs_on(ip);
	/* Keep preemption off while running the softirqs (cnt - 1 leaves one). */
	__preempt_count_sub(cnt - 1);
	if (unlikely(!in_interrupt() && local_softirq_pending()))
		kmm_do_softirq();
	__preempt_count_sub(1);
	local_irq_enable();
}
