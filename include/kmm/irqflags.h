/* SPDX-License-Identifier: MIT */
/*
 * Interrupt flags, as include/linux/irqflags.h.  kmm's interrupts are the
 * signals registered with request_irq() (see <kmm/interrupt.h>).  Each
 * thread is a CPU with an interrupt flag (current->irqs_off): an irq signal
 * that arrives while it is set is not handled; it is remembered and its
 * handler runs when local_irq_enable()/local_irq_restore() turns interrupts
 * back on, exactly as a masked hardware interrupt stays pending.  (This is
 * the "lazy" masking powerpc uses; it costs a store, not a sigprocmask
 * system call.)
 *
 * local_irq_*() tell lockdep (trace_hardirqs_on/off); raw_local_irq_*()
 * do not (lockdep itself uses them).
 */
#ifndef KMM_IRQFLAGS_H
#define KMM_IRQFLAGS_H

#include <kmm/sched.h>

/* Deliver the irqs that arrived while interrupts were disabled. */
KMM_API void kmm_irq_replay_pending(void);

static __always_inline unsigned long arch_local_save_flags(void)
{
	return (unsigned long)current->irqs_off;
}

static __always_inline void arch_local_irq_disable(void)
{
	current->irqs_off = 1;
	atomic_signal_fence(memory_order_seq_cst);
}

static __always_inline void arch_local_irq_enable(void)
{
	struct task_struct *t = current;

	atomic_signal_fence(memory_order_seq_cst);
	t->irqs_off = 0;
	atomic_signal_fence(memory_order_seq_cst);
	if (unlikely(atomic_load_explicit(&t->irqs_pending, memory_order_relaxed)))
		kmm_irq_replay_pending();
}

static __always_inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}

static __always_inline void arch_local_irq_restore(unsigned long flags)
{
	if (!flags)
		arch_local_irq_enable();
}

#define raw_local_irq_disable()		arch_local_irq_disable()
#define raw_local_irq_enable()		arch_local_irq_enable()
#define raw_local_irq_save(flags)	do { (flags) = arch_local_irq_save(); } while (0)
#define raw_local_irq_restore(flags)	arch_local_irq_restore(flags)
#define raw_local_save_flags(flags)	do { (flags) = arch_local_save_flags(); } while (0)
#define raw_irqs_disabled_flags(flags)	((flags) != 0)
#define raw_irqs_disabled()		(current->irqs_off != 0)

/* Only lockdep reads the traced state: one predictable branch when it is off. */
#define trace_hardirqs_on() do {					\
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))		\
		kmm_lockdep_hardirqs_on(_THIS_IP_);			\
} while (0)
#define trace_hardirqs_off() do {					\
	if (unlikely(READ_ONCE(kmm_lockdep_hooks_active)))		\
		kmm_lockdep_hardirqs_off(_THIS_IP_);			\
} while (0)

#define local_irq_enable()	do { trace_hardirqs_on(); raw_local_irq_enable(); } while (0)
#define local_irq_disable()	do { raw_local_irq_disable(); trace_hardirqs_off(); } while (0)
#define local_irq_save(flags)	do {					\
	raw_local_irq_save(flags);					\
	if (!raw_irqs_disabled_flags(flags))				\
		trace_hardirqs_off();					\
} while (0)
#define local_irq_restore(flags) do {					\
	if (!raw_irqs_disabled_flags(flags))				\
		trace_hardirqs_on();					\
	raw_local_irq_restore(flags);					\
} while (0)
#define local_save_flags(flags)	raw_local_save_flags(flags)
#define irqs_disabled()		raw_irqs_disabled()
#define irqs_disabled_flags(flags) raw_irqs_disabled_flags(flags)

#endif /* KMM_IRQFLAGS_H */
