// SPDX-License-Identifier: MIT
/*
 * lockdep's irq-state tracing (kernel/locking/lockdep.c's
 * lockdep_hardirqs_on/off and softirq twins): the irq model calls these as
 * interrupts are enabled and disabled; enabling marks every held lock as
 * taken with interrupts on, which is what the irq-safety checks compare.
 *
 * Runs on the current task only; the lock marking takes the graph lock
 * through kmm_lockdep_mark_held_locks().
 */
#include "locking/lockdep_internals.h"
#include <kmm/sched.h>

static bool irqtrace_ok(struct task_struct **currp)
{
	if (!kmm_prove_locking || !__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED))
		return false;
	*currp = current;
	return !(*currp)->lockdep_recursion;
}

KMM_API void kmm_lockdep_hardirqs_on(unsigned long ip)
{
	struct task_struct *curr = current;

	if (curr->hardirqs_enabled) {
		debug_atomic_inc(redundant_hardirqs_on);
		return;
	}
	if (irqtrace_ok(&curr)) {
		curr->lockdep_recursion++;
		/* Every lock held now is held with irqs enabled. */
		if (kmm_lockdep_mark_held_locks(curr, LOCK_ENABLED_HARDIRQ) && curr->softirqs_enabled)
			kmm_lockdep_mark_held_locks(curr, LOCK_ENABLED_SOFTIRQ);
		curr->lockdep_recursion--;
	}
	curr->hardirqs_enabled = 1;
	curr->hardirq_enable_ip = ip;
	kmm_irqtrace.hardirq_enable_event = ++curr->irq_events;
	debug_atomic_inc(hardirqs_on_events);
}

KMM_API void kmm_lockdep_hardirqs_off(unsigned long ip)
{
	struct task_struct *curr = current;

	if (curr->hardirqs_enabled) {
		curr->hardirqs_enabled = 0;
		curr->hardirq_disable_ip = ip;
		kmm_irqtrace.hardirq_disable_event = ++curr->irq_events;
		debug_atomic_inc(hardirqs_off_events);
	} else {
		debug_atomic_inc(redundant_hardirqs_off);
	}
}

KMM_API void kmm_lockdep_softirqs_on(unsigned long ip)
{
	struct task_struct *curr = current;

	if (curr->softirqs_enabled) {
		debug_atomic_inc(redundant_softirqs_on);
		return;
	}
	curr->softirqs_enabled = 1;
	curr->softirq_enable_ip = ip;
	kmm_irqtrace.softirq_enable_event = ++curr->irq_events;
	debug_atomic_inc(softirqs_on_events);
	if (curr->hardirqs_enabled && irqtrace_ok(&curr)) {
		curr->lockdep_recursion++;
		kmm_lockdep_mark_held_locks(curr, LOCK_ENABLED_SOFTIRQ);
		curr->lockdep_recursion--;
	}
}

KMM_API void kmm_lockdep_softirqs_off(unsigned long ip)
{
	struct task_struct *curr = current;

	if (curr->softirqs_enabled) {
		curr->softirqs_enabled = 0;
		curr->softirq_disable_ip = ip;
		kmm_irqtrace.softirq_disable_event = ++curr->irq_events;
		debug_atomic_inc(softirqs_off_events);
	} else {
		debug_atomic_inc(redundant_softirqs_off);
	}
}

