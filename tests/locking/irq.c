// SPDX-License-Identifier: MIT
/*
 * current, the irq model (interrupts are signals), preempt_count, bottom
 * halves and softirqs, and might_sleep()'s report.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "stress.h"
#include <kmm/interrupt.h>
#include <kmm/spinlock.h>
#include <kmm/rwlock.h>
#include <kmm/mutex.h>
#include <kmm/sched.h>
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

void kmm_might_sleep_reset_ratelimit(void);

#define IRQ_A	SIGUSR1
#define IRQ_B	SIGUSR2

/* Wait (yielding, which also lets TSan deliver signals) until *p >= n. */

/* ---- current ------------------------------------------------------------ */

static struct task_struct *thread_task;
static pid_t thread_pid;

static void *task_thread(void *arg)
{
	thread_task = current;
	thread_pid = gettid();
	return NULL;
}

static void count_task(struct task_struct *t, void *arg)
{
	if (t == arg)
		(*(int *)&((struct task_struct *)arg)->non_block_count)++;
}

static void test_current(void)
{
	struct task_struct *me = current;
	pthread_t th;
	int n = 0;

	ok(me && me == kmm_current() && me == current, "current is stable");
	is_int(me->pid, gettid(), "current->pid is the thread id");
	ok(me->comm[0] != '\0', "current->comm is set (%s)", me->comm);
	pthread_create(&th, NULL, task_thread, NULL);
	pthread_join(th, NULL);
	ok(thread_task && thread_task != me, "another thread has its own task");
	is_int(thread_task->pid, thread_pid, "its pid");
	kmm_for_each_task(count_task, me);
	n = me->non_block_count;
	me->non_block_count = 0;
	is_int(n, 1, "kmm_for_each_task visits the current task once");
}

/* ---- irq model ------------------------------------------------------------ */

static atomic_int irq_count, irq_in_irq, irq_disabled, irq_in_interrupt, irq_preempt;
static void *irq_dev_seen;

static irqreturn_t handler_a(int irq, void *dev)
{
	atomic_store(&irq_in_irq, in_irq() != 0);
	atomic_store(&irq_disabled, irqs_disabled());
	atomic_store(&irq_in_interrupt, in_interrupt() != 0);
	atomic_store(&irq_preempt, preempt_count());
	irq_dev_seen = dev;
	atomic_fetch_add(&irq_count, 1);
	return IRQ_HANDLED;
}

static void test_irq_model(void)
{
	static int dev;
	unsigned long flags;
	int before;

	is_int(request_irq(IRQ_A, handler_a, 0, "test-a", &dev), 0, "request_irq");
	is_int(request_irq(IRQ_A, handler_a, 0, "test-a", &dev), -EBUSY, "request_irq twice: -EBUSY");
	is_int(request_irq(SIGKILL, handler_a, 0, "kill", &dev), -EINVAL, "SIGKILL is no irq");

	ok(!irqs_disabled() && !in_irq() && !in_interrupt(), "task context, irqs on");
	kmm_irq_raise(IRQ_A);
	ok(wait_for(&irq_count, 1), "the irq handler ran");
	ok(atomic_load(&irq_in_irq), "in_irq() inside the handler");
	ok(atomic_load(&irq_in_interrupt), "in_interrupt() inside the handler");
	ok(atomic_load(&irq_disabled), "irqs_disabled() inside the handler");
	is_int(atomic_load(&irq_preempt), HARDIRQ_OFFSET, "preempt_count() is HARDIRQ_OFFSET inside");
	ok(irq_dev_seen == &dev, "the handler got dev");
	ok(!irqs_disabled() && !in_irq(), "irqs on again after the handler");

	before = atomic_load(&irq_count);
	local_irq_save(flags);
	ok(irqs_disabled(), "local_irq_save disables");
	ok(!irqs_disabled_flags(flags), "flags say they were on");
	kmm_irq_raise(IRQ_A);
	for (int i = 0; i < 1000; i++)
		sched_yield();
	is_int(atomic_load(&irq_count), before, "the irq waits while interrupts are off");
	local_irq_restore(flags);
	ok(wait_for(&irq_count, before + 1), "and runs after local_irq_restore");
	ok(!irqs_disabled(), "irqs on after restore");

	/* nested save/restore keeps them off until the outer restore */
	before = atomic_load(&irq_count);
	local_irq_disable();
	{
		unsigned long inner;

		local_irq_save(inner);
		ok(irqs_disabled_flags(inner), "nested save sees irqs off");
		kmm_irq_raise(IRQ_A);
		local_irq_restore(inner);
		for (int i = 0; i < 1000; i++)
			sched_yield();
		is_int(atomic_load(&irq_count), before, "inner restore keeps the irq pending");
	}
	local_irq_enable();
	ok(wait_for(&irq_count, before + 1), "local_irq_enable delivers it");

	/* spin_lock_irqsave */
	{
		DEFINE_SPINLOCK(l);
		before = atomic_load(&irq_count);
		spin_lock_irqsave(&l, flags);
		ok(irqs_disabled() && preempt_count() == 1, "spin_lock_irqsave: irqs off, preempt 1");
		kmm_irq_raise(IRQ_A);
		for (int i = 0; i < 100; i++)
			sched_yield();
		is_int(atomic_load(&irq_count), before, "no irq under spin_lock_irqsave");
		spin_unlock_irqrestore(&l, flags);
		ok(wait_for(&irq_count, before + 1), "delivered at spin_unlock_irqrestore");
		is_int(preempt_count(), 0, "preempt_count back to 0");
		spin_lock_irq(&l);
		ok(irqs_disabled(), "spin_lock_irq disables");
		spin_unlock_irq(&l);
		ok(!irqs_disabled(), "spin_unlock_irq enables");
	}
	ok(free_irq(IRQ_A, &dev) != NULL, "free_irq returns the name");
}

/* An irq arriving on another thread runs there. */
static atomic_int remote_ready, remote_done;
static pid_t remote_handler_tid;
static pid_t remote_tid;

static irqreturn_t handler_remote(int irq, void *dev)
{
	remote_handler_tid = gettid();
	atomic_fetch_add(&remote_done, 1);
	return IRQ_HANDLED;
}

static void *remote_thread(void *arg)
{
	remote_tid = gettid();
	atomic_store(&remote_ready, 1);
	wait_for(&remote_done, 1);
	return NULL;
}

static void test_remote_irq(void)
{
	pthread_t th;

	request_irq(IRQ_B, handler_remote, 0, "remote", NULL);
	pthread_create(&th, NULL, remote_thread, NULL);
	wait_for(&remote_ready, 1);
	pthread_kill(th, IRQ_B);
	pthread_join(th, NULL);
	is_int(remote_handler_tid, remote_tid, "the handler runs on the interrupted thread");
	free_irq(IRQ_B, NULL);
}

/* Threaded irqs. */
static atomic_int primary_runs, thread_runs;
static atomic_int thread_fn_in_irq = -1;
static char thread_comm[16];

static irqreturn_t primary(int irq, void *dev)
{
	atomic_fetch_add(&primary_runs, 1);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t thread_fn(int irq, void *dev)
{
	atomic_store(&thread_fn_in_irq, in_irq() != 0);
	kmm_current_comm(thread_comm);
	atomic_fetch_add(&thread_runs, 1);
	return IRQ_HANDLED;
}

static void test_threaded_irq(void)
{
	is_int(request_threaded_irq(IRQ_A, primary, thread_fn, IRQF_ONESHOT, "thr", NULL), 0,
	       "request_threaded_irq");
	kmm_irq_raise(IRQ_A);
	ok(wait_for(&thread_runs, 1), "thread_fn ran after IRQ_WAKE_THREAD");
	is_int(atomic_load(&primary_runs), 1, "the primary handler ran once");
	is_int(atomic_load(&thread_fn_in_irq), 0, "thread_fn runs in process context");
	is_str(thread_comm, "irq/10-thr", "the irq thread is named irq/N-name");
	free_irq(IRQ_A, NULL);
}

/* ---- preempt_count, bottom halves, softirqs --------------------------------- */

static atomic_int softirq_runs, softirq_serving, softirq_in_softirq;

static void test_softirq_action(void)
{
	atomic_store(&softirq_serving, in_serving_softirq() != 0);
	atomic_store(&softirq_in_softirq, in_softirq() != 0);
	atomic_fetch_add(&softirq_runs, 1);
}

static irqreturn_t raising_handler(int irq, void *dev)
{
	raise_softirq(TASKLET_SOFTIRQ);
	atomic_fetch_add(&irq_count, 1);
	return IRQ_HANDLED;
}

static void test_preempt_bh(void)
{
	DEFINE_SPINLOCK(a);
	DEFINE_SPINLOCK(b);
	DEFINE_RWLOCK(rw);
	int before;

	is_int(preempt_count(), 0, "preempt_count 0 in task context");
	preempt_disable();
	is_int(preempt_count(), 1, "preempt_disable: 1");
	ok(in_atomic(), "in_atomic()");
	preempt_enable();
	is_int(preempt_count(), 0, "preempt_enable: 0");
	spin_lock(&a);
	spin_lock(&b);
	is_int(preempt_count(), 2, "two spinlocks: 2");
	spin_unlock(&b);
	spin_unlock(&a);
	read_lock(&rw);
	is_int(preempt_count(), 1, "read_lock: 1");
	read_unlock(&rw);
	ok(spin_trylock(&a), "spin_trylock");
	is_int(preempt_count(), 1, "spin_trylock: 1");
	spin_lock(&b);
	ok(!spin_trylock(&b), "spin_trylock of a held lock fails");
	is_int(preempt_count(), 2, "a failed trylock leaves the count");
	spin_unlock(&b);
	spin_unlock(&a);
	is_int(preempt_count(), 0, "back to 0");

	local_bh_disable();
	is_int(preempt_count(), SOFTIRQ_DISABLE_OFFSET, "local_bh_disable: SOFTIRQ_DISABLE_OFFSET");
	ok(in_softirq() && !in_serving_softirq(), "in_softirq() but not serving");
	local_bh_enable();
	spin_lock_bh(&a);
	is_int(preempt_count(), SOFTIRQ_LOCK_OFFSET, "spin_lock_bh: SOFTIRQ_LOCK_OFFSET");
	spin_unlock_bh(&a);
	is_int(preempt_count(), 0, "spin_unlock_bh: 0");

	open_softirq(TASKLET_SOFTIRQ, test_softirq_action);
	raise_softirq(TASKLET_SOFTIRQ);
	is_int(atomic_load(&softirq_runs), 1, "raise_softirq from task context runs it");
	ok(atomic_load(&softirq_serving) && atomic_load(&softirq_in_softirq),
	   "in_serving_softirq() in the action");
	local_bh_disable();
	raise_softirq(TASKLET_SOFTIRQ);
	is_int(atomic_load(&softirq_runs), 1, "not while bottom halves are disabled");
	local_bh_enable();
	is_int(atomic_load(&softirq_runs), 2, "local_bh_enable runs it");

	before = atomic_load(&irq_count);
	request_irq(IRQ_B, raising_handler, 0, "raiser", NULL);
	kmm_irq_raise(IRQ_B);
	ok(wait_for(&softirq_runs, 3), "a softirq raised in an irq runs at irq_exit");
	ok(atomic_load(&irq_count) == before + 1, "the irq ran once");
	free_irq(IRQ_B, NULL);
	is_int(preempt_count(), 0, "preempt_count 0 at the end");
}

/* ---- might_sleep ---------------------------------------------------------- */

static void test_might_sleep(void)
{
	DEFINE_SPINLOCK(sl);
	DEFINE_MUTEX(m);
	unsigned long flags;
	const char *log;

	kmm_dmesg_clear();
	kmm_might_sleep_reset_ratelimit();
	mutex_lock(&m);
	mutex_unlock(&m);
	unlike(test_dmesg(), "BUG: sleeping function", "mutex_lock in task context: no report");

	spin_lock(&sl);
	mutex_lock(&m);
	mutex_unlock(&m);
	spin_unlock(&sl);
	log = test_dmesg();
	like(log, "BUG: sleeping function called from invalid context at src/locking/mutex.c:",
	     "mutex_lock under spin_lock: the report");
	like(log, "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: ", "in_atomic line");
	like(log, "preempt_count: 1, expected: 0", "preempt_count line");
	like(log, "Call Trace:", "a stack trace");
	ok(test_taint(TAINT_WARN), "taints W");

	/* rate-limited: a second one within a second is not printed */
	kmm_dmesg_clear();
	spin_lock(&sl);
	might_sleep();
	spin_unlock(&sl);
	unlike(test_dmesg(), "BUG: sleeping function", "rate-limited to one a second");

	kmm_dmesg_clear();
	kmm_might_sleep_reset_ratelimit();
	local_irq_save(flags);
	might_sleep();
	local_irq_restore(flags);
	log = test_dmesg();
	like(log, "in_atomic(): 0, irqs_disabled(): 1, non_block: 0", "irqs off: the report");
	like(log, "preempt_count: 0, expected: 0", "preempt_count 0");
	like(log, "hardirqs last disabled at", "where irqs were disabled");
	kmm_might_sleep_reset_ratelimit();
}

/* A thread that exits holding a lock: its task's exit hook asks lockdep. */
static DEFINE_MUTEX(leaked);

static void *leak_thread(void *arg)
{
	mutex_lock(&leaked);
	return NULL;
}

static void test_exit_with_locks_held(void)
{
	pthread_t th;

	kmm_exit();
	if (test_boot("lockdep=on mem=16M"))
		return;
	pthread_create(&th, NULL, leak_thread, NULL);
	pthread_join(th, NULL);
	like(test_dmesg(), "still has locks held!", "a thread exiting with a lock held is reported");
	like(test_dmesg(), "(leaked){+.+.}", "naming the lock");
}

int main(void)
{
	alarm(120);
	if (test_boot("mem=16M"))
		return 1;
	test_current();
	test_irq_model();
	test_remote_irq();
	test_threaded_irq();
	test_preempt_bh();
	test_might_sleep();
	test_exit_with_locks_held();
	kmm_exit();
	return done_testing();
}
