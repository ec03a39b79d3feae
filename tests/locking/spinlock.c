// SPDX-License-Identifier: MIT
/*
 * spinlock_t and rwlock_t: mutual exclusion under contention, trylocks,
 * lock class names, readers sharing, writer fairness (qrwlock) and a
 * reader in interrupt context passing a waiting writer.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "stress.h"
#include <kmm/interrupt.h>
#include <kmm/spinlock.h>
#include <kmm/rwlock.h>
#include <signal.h>
#include <unistd.h>

#define NTHREADS 6
#define ITERS 20000

/* ---- spinlock ------------------------------------------------------------ */

static DEFINE_SPINLOCK(static_lock);
static long counter;

static void spin_op(void *arg, int id)
{
	spinlock_t *l = arg;

	if (id & 1) {
		unsigned long flags;

		spin_lock_irqsave(l, flags);
		counter++;
		spin_unlock_irqrestore(l, flags);
	} else if (id == 2) {
		while (!spin_trylock(l))
			;
		counter++;
		spin_unlock(l);
	} else {
		spin_lock(l);
		counter++;
		spin_unlock(l);
	}
}

struct holder { spinlock_t lock; };

static void test_spinlock(void)
{
	struct holder h;

	spin_lock_init(&h.lock);
	is_str(h.lock.rlock.dep_map.name, "&h.lock", "spin_lock_init names the class after the expression");
	ok(h.lock.rlock.dep_map.key != NULL, "and gives it a static key");
	is_str(static_lock.rlock.dep_map.name, "static_lock", "DEFINE_SPINLOCK names it after the variable");
	ok(!spin_is_locked(&h.lock), "unlocked after init");
	spin_lock(&h.lock);
	ok(spin_is_locked(&h.lock), "spin_is_locked");
	assert_spin_locked(&h.lock);
	ok(!spin_trylock(&h.lock), "trylock fails on a held lock");
	spin_unlock(&h.lock);
	ok(spin_trylock(&h.lock), "trylock takes a free lock");
	spin_unlock(&h.lock);
	spin_lock_nested(&h.lock, 1);
	spin_unlock(&h.lock);

	counter = 0;
	run_stress(spin_op, &static_lock, NTHREADS, ITERS);
	is_int(counter, NTHREADS * ITERS, "spinlock: no lost update under contention");
	is_int(preempt_count(), 0, "preempt_count balanced");
}

/* ---- rwlock -------------------------------------------------------------- */

static DEFINE_RWLOCK(rw);
static long rw_a, rw_b;
static atomic_int rw_bad;

static void rw_op(void *arg, int id)
{
	if (id < 2) {
		write_lock(&rw);
		rw_a++;
		rw_b++;
		write_unlock(&rw);
	} else {
		read_lock(&rw);
		if (rw_a != rw_b)
			atomic_fetch_add(&rw_bad, 1);
		read_unlock(&rw);
	}
}

static atomic_int share_step;

static void *share_reader(void *arg)
{
	read_lock(&rw);
	atomic_store(&share_step, 1);
	wait_for(&share_step, 2);
	read_unlock(&rw);
	return NULL;
}

static void test_rwlock_basic(void)
{
	pthread_t th;
	unsigned long flags;

	is_str(rw.dep_map.name, "rw", "DEFINE_RWLOCK names the class");
	pthread_create(&th, NULL, share_reader, NULL);
	wait_for(&share_step, 1);
	ok(read_trylock(&rw), "readers share the lock");
	ok(!write_trylock(&rw), "a writer cannot take a read-held lock");
	read_unlock(&rw);
	atomic_store(&share_step, 2);
	pthread_join(th, NULL);
	ok(write_trylock(&rw), "write_trylock on a free lock");
	ok(!read_trylock(&rw), "read_trylock fails while write-held");
	ok(!write_trylock(&rw), "write_trylock fails while write-held");
	write_unlock(&rw);
	read_lock_irqsave(&rw, flags);
	ok(irqs_disabled(), "read_lock_irqsave");
	read_unlock_irqrestore(&rw, flags);
	write_lock_irq(&rw);
	write_unlock_irq(&rw);
	read_lock_bh(&rw);
	ok(in_softirq(), "read_lock_bh");
	read_unlock_bh(&rw);
	is_int(preempt_count(), 0, "preempt_count balanced");
	ok(!irqs_disabled(), "irqs on");

	run_stress(rw_op, NULL, NTHREADS, ITERS);
	is_int(rw_a, 2 * ITERS, "rwlock: writers exclusive, no lost update");
	is_int(atomic_load(&rw_bad), 0, "readers never saw a half-done write");
}

/*
 * Writer fairness: reader threads keep the lock read-held without a gap
 * (each holds it until another reader is in, unless a writer waits).  A
 * writer must get in, and only the readers already inside when it started
 * waiting may start a critical section meanwhile: each reader counts the
 * sections it starts while the writer is waiting.
 */
#define NREADERS 4
static DEFINE_RWLOCK(fair);
static atomic_int readers_in, sections, sections_while_waiting, stop_readers, writer_in;

static void *fair_reader(void *arg)
{
	while (!atomic_load(&stop_readers)) {
		read_lock(&fair);
		atomic_fetch_add(&readers_in, 1);
		atomic_fetch_add(&sections, 1);
		/* only readers inside before the writer queued can see this */
		if ((atomic_load(&fair.cnts) & _QW_WAITING) && !atomic_load(&writer_in))
			atomic_fetch_add(&sections_while_waiting, 1);
		/* overlap: stay until another reader is in (or a writer waits) */
		for (int i = 0; i < 100000 && atomic_load(&readers_in) < 2 &&
		     !(atomic_load(&fair.cnts) & _QW_WAITING); i++)
			sched_yield();
		atomic_fetch_sub(&readers_in, 1);
		read_unlock(&fair);
	}
	return NULL;
}

static void test_writer_not_starved(void)
{
	pthread_t th[NREADERS];
	int s0;

	for (int i = 0; i < NREADERS; i++)
		pthread_create(&th[i], NULL, fair_reader, NULL);
	wait_for(&sections, 2000);
	s0 = atomic_load(&sections);
	write_lock(&fair);
	atomic_store(&writer_in, 1);
	write_unlock(&fair);
	atomic_store(&stop_readers, 1);
	for (int i = 0; i < NREADERS; i++)
		pthread_join(th[i], NULL);
	ok(atomic_load(&writer_in), "the writer got in while readers kept the lock busy");
	ok(atomic_load(&sections_while_waiting) <= NREADERS,
	   "reader sections started while the writer waited: %d (at most %d)",
	   atomic_load(&sections_while_waiting), NREADERS);
	diag("%d reader sections before the writer tried, %d in all", s0, atomic_load(&sections));
}

/*
 * The qrwlock case: a thread read-holds L, a writer waits for L on another
 * thread, and an interrupt on the first thread read-locks L.  The reader
 * in interrupt context passes the waiting writer (a task-context reader
 * would queue behind it: deadlock).
 */
#define IRQ_RW SIGUSR1
static DEFINE_RWLOCK(irqrw);
static atomic_int irq_reader_done, writer_done, writer_started;
static atomic_int task_trylock_failed;

static irqreturn_t rw_irq(int irq, void *dev)
{
	read_lock(&irqrw);
	atomic_store(&irq_reader_done, 1);
	read_unlock(&irqrw);
	return IRQ_HANDLED;
}

static void *irq_writer(void *arg)
{
	atomic_store(&writer_started, 1);
	write_lock(&irqrw);
	atomic_store(&writer_done, 1);
	write_unlock(&irqrw);
	return NULL;
}

static void test_reader_in_irq(void)
{
	pthread_t w;
	int waiting = 0;

	is_int(request_irq(IRQ_RW, rw_irq, 0, "rw", NULL), 0, "request_irq");
	read_lock(&irqrw);
	pthread_create(&w, NULL, irq_writer, NULL);
	for (long i = 0; i < 5000000 && !waiting; i++) {
		waiting = (atomic_load(&irqrw.cnts) & _QW_WAITING) != 0;
		if (!waiting)
			sched_yield();
	}
	ok(waiting, "the writer waits");
	/* in task context a new reader is turned away by the waiting writer */
	atomic_store(&task_trylock_failed, !read_trylock(&irqrw));
	ok(atomic_load(&task_trylock_failed), "a task-context read_trylock fails behind it");
	kmm_irq_raise(IRQ_RW);
	ok(wait_for(&irq_reader_done, 1), "the reader in the irq handler got the lock");
	ok(!atomic_load(&writer_done), "the writer still waits for our read lock");
	read_unlock(&irqrw);
	pthread_join(w, NULL);
	ok(atomic_load(&writer_done), "then the writer got it");
	free_irq(IRQ_RW, NULL);
}

int main(void)
{
	alarm(300);
	if (test_boot("mem=16M"))
		return 1;
	test_spinlock();
	test_rwlock_basic();
	test_writer_not_starved();
	test_reader_in_irq();
	kmm_exit();
	return done_testing();
}
