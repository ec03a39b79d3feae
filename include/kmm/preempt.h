/* SPDX-License-Identifier: MIT */
/*
 * preempt_count, as include/linux/preempt.h: one word per task holding the
 * preemption-disable depth (bits 0-7), the softirq count (bits 8-15: bit 8
 * while serving softirqs, +2 per local_bh_disable()), the hardirq nesting
 * (bits 16-19) and the NMI nesting (bits 20-23).  kmm has no preemption to
 * disable; the count is what might_sleep() and in_atomic() read.
 *
 * The count is only written by its own thread (and by irq handlers running
 * on that thread, which restore it before returning), so updates are plain
 * relaxed loads and stores, not atomic read-modify-writes, and need no
 * compiler barrier: an irq handler sees either value, both consistent.
 */
#ifndef KMM_PREEMPT_H
#define KMM_PREEMPT_H

#include <kmm/sched.h>

#define PREEMPT_BITS	8
#define SOFTIRQ_BITS	8
#define HARDIRQ_BITS	4
#define NMI_BITS	4

#define PREEMPT_SHIFT	0
#define SOFTIRQ_SHIFT	(PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT	(SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT	(HARDIRQ_SHIFT + HARDIRQ_BITS)

#define __IRQ_MASK(x)	((1UL << (x)) - 1)
#define PREEMPT_MASK	(__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK	(__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK	(__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK	(__IRQ_MASK(NMI_BITS) << NMI_SHIFT)

#define PREEMPT_OFFSET	(1UL << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET	(1UL << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET	(1UL << HARDIRQ_SHIFT)
#define NMI_OFFSET	(1UL << NMI_SHIFT)

#define SOFTIRQ_DISABLE_OFFSET	(2 * SOFTIRQ_OFFSET)
#define PREEMPT_DISABLE_OFFSET	PREEMPT_OFFSET
#define PREEMPT_LOCK_OFFSET	PREEMPT_DISABLE_OFFSET
#define SOFTIRQ_LOCK_OFFSET	(SOFTIRQ_DISABLE_OFFSET + PREEMPT_LOCK_OFFSET)

static __always_inline int __preempt_count_of(struct task_struct *t)
{
	return atomic_load_explicit(&t->preempt_count, memory_order_relaxed);
}

static __always_inline int preempt_count(void)
{
	return __preempt_count_of(current);
}

static __always_inline void __preempt_count_add_task(struct task_struct *t, int val)
{
	atomic_store_explicit(&t->preempt_count, __preempt_count_of(t) + val,
			      memory_order_relaxed);
}

static __always_inline void __preempt_count_add(int val)
{
	__preempt_count_add_task(current, val);
}

static __always_inline void __preempt_count_sub(int val)
{
	struct task_struct *t = current;

	atomic_store_explicit(&t->preempt_count, __preempt_count_of(t) - val,
			      memory_order_relaxed);
}

/*
 * The release side of a lock whose acquire did __preempt_count_add() on
 * this thread: its task exists, so skip current's first-use check.
 */
static __always_inline void __preempt_count_sub_held(int val)
{
	struct task_struct *t = kmm_current_task;

	atomic_store_explicit(&t->preempt_count, __preempt_count_of(t) - val,
			      memory_order_relaxed);
}

/* Out of line: record where preemption got disabled, check underflow. */
KMM_API void kmm_preempt_count_add(int val);
KMM_API void kmm_preempt_count_sub(int val);
#define preempt_count_add(val)	kmm_preempt_count_add(val)
#define preempt_count_sub(val)	kmm_preempt_count_sub(val)
#define preempt_count_inc()	preempt_count_add(1)
#define preempt_count_dec()	preempt_count_sub(1)

#define preempt_disable()		preempt_count_inc()
#define preempt_enable()		preempt_count_dec()
#define preempt_enable_no_resched()	preempt_count_dec()
#define preempt_disable_notrace()	__preempt_count_add(1)
#define preempt_enable_notrace()	__preempt_count_sub(1)
#define preemptible()		(preempt_count() == 0 && !current->irqs_off)

#define hardirq_count()	(preempt_count() & HARDIRQ_MASK)
#define softirq_count()	(preempt_count() & SOFTIRQ_MASK)
#define irq_count()	(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))
#define nmi_count()	(preempt_count() & NMI_MASK)

#define in_nmi()		(nmi_count())
#define in_hardirq()		(hardirq_count())
#define in_irq()		in_hardirq()
#define in_serving_softirq()	(softirq_count() & SOFTIRQ_OFFSET)
#define in_softirq()		(softirq_count())
#define in_interrupt()		(irq_count())
#define in_task()		(!(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)))
#define in_atomic()		(preempt_count() != 0)

#endif /* KMM_PREEMPT_H */
