/* SPDX-License-Identifier: MIT */
/*
 * Hard interrupt context, as include/linux/hardirq.h: irq_enter() and
 * irq_exit() bracket an interrupt handler (kmm's irq signal wrapper calls
 * them); in_irq()/in_hardirq() and in_interrupt() come from <kmm/preempt.h>.
 */
#ifndef KMM_HARDIRQ_H
#define KMM_HARDIRQ_H

#include <kmm/preempt.h>
#include <kmm/irqflags.h>

KMM_API void kmm_irq_enter(void);
KMM_API void kmm_irq_exit(void);
#define irq_enter()	kmm_irq_enter()
#define irq_exit()	kmm_irq_exit()

#endif /* KMM_HARDIRQ_H */
