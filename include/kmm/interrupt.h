/* SPDX-License-Identifier: MIT */
/*
 * Interrupts, as include/linux/interrupt.h: in kmm an interrupt is a
 * signal.  request_irq(signal, handler, flags, name, dev) installs a
 * handler for that signal number; when it arrives on a thread whose
 * interrupts are enabled, the handler runs on that thread in hardirq
 * context (irq_enter(), in_irq() true, interrupts disabled) and irq_exit()
 * runs pending softirqs.  When interrupts are disabled the irq stays
 * pending until they are enabled again (<kmm/irqflags.h>).
 * request_threaded_irq() also runs thread_fn in a thread of its own
 * ("irq/N-name") each time the primary handler returns IRQ_WAKE_THREAD.
 *
 * Softirqs: open_softirq(nr, action) and raise_softirq(nr).  Pending
 * softirqs belong to the thread that raised them and run in softirq
 * context (in_serving_softirq()) at irq_exit(), at local_bh_enable(), or
 * at once when raised from task context with bottom halves enabled
 * (kmm has no ksoftirqd).
 */
#ifndef KMM_INTERRUPT_H
#define KMM_INTERRUPT_H

#include <kmm/hardirq.h>

enum irqreturn {
	IRQ_NONE		= (0 << 0),
	IRQ_HANDLED		= (1 << 0),
	IRQ_WAKE_THREAD		= (1 << 1),
};
typedef enum irqreturn irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev);

#define IRQF_SHARED	0x00000080
#define IRQF_ONESHOT	0x00002000
#define IRQF_NO_THREAD	0x00010000

/* 0 or -EINVAL (bad signal number, no handler), -EBUSY (already taken). */
KMM_API int kmm_request_threaded_irq(unsigned int irq, irq_handler_t handler,
				     irq_handler_t thread_fn, unsigned long flags,
				     const char *name, void *dev);
/* Returns the name the irq was requested with. */
KMM_API const void *kmm_free_irq(unsigned int irq, void *dev);
/* Make irq pending on the calling thread (as if the signal arrived). */
KMM_API void kmm_irq_raise(unsigned int irq);

#define request_threaded_irq	kmm_request_threaded_irq
#define request_irq(irq, handler, flags, name, dev) \
	kmm_request_threaded_irq(irq, handler, NULL, flags, name, dev)
#define free_irq		kmm_free_irq

/* Softirqs (kernel numbering; kmm itself uses none of them yet). */
enum {
	HI_SOFTIRQ = 0,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	BLOCK_SOFTIRQ,
	IRQ_POLL_SOFTIRQ,
	TASKLET_SOFTIRQ,
	SCHED_SOFTIRQ,
	HRTIMER_SOFTIRQ,
	RCU_SOFTIRQ,
	NR_SOFTIRQS
};

KMM_API void kmm_open_softirq(int nr, void (*action)(void));
KMM_API void kmm_raise_softirq(unsigned int nr);
KMM_API void kmm_raise_softirq_irqoff(unsigned int nr);
KMM_API void kmm_do_softirq(void);
#define open_softirq		kmm_open_softirq
#define raise_softirq		kmm_raise_softirq
#define raise_softirq_irqoff	kmm_raise_softirq_irqoff
#define do_softirq		kmm_do_softirq
#define local_softirq_pending() \
	atomic_load_explicit(&current->softirqs_pending, memory_order_relaxed)

/* Bottom halves (include/linux/bottom_half.h). */
KMM_API void kmm___local_bh_disable_ip(unsigned long ip, unsigned int cnt);
KMM_API void kmm___local_bh_enable_ip(unsigned long ip, unsigned int cnt);
#define local_bh_disable()	kmm___local_bh_disable_ip(_THIS_IP_, SOFTIRQ_DISABLE_OFFSET)
#define local_bh_enable()	kmm___local_bh_enable_ip(_THIS_IP_, SOFTIRQ_DISABLE_OFFSET)
#define local_bh_disable_ip(ip)	kmm___local_bh_disable_ip(ip, SOFTIRQ_DISABLE_OFFSET)
#define local_bh_enable_ip(ip)	kmm___local_bh_enable_ip(ip, SOFTIRQ_DISABLE_OFFSET)

#endif /* KMM_INTERRUPT_H */
