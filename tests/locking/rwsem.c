// SPDX-License-Identifier: MIT
/*
 * rw_semaphore and semaphore: mutual exclusion under contention, readers
 * sharing, writer fairness, downgrade_write, trylocks, semaphore counting.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "stress.h"
#include <kmm/rwsem.h>
#include <kmm/semaphore.h>
#include <kmm/sched.h>
#include <errno.h>
#include <unistd.h>

#define NTHREADS 6
#define ITERS 5000

static DECLARE_RWSEM(sem);
static long a, b;
static atomic_int bad;

static void rwsem_op(void *arg, int id)
{
	if (id < 2) {
		if (id == 1) {
			while (!down_write_trylock(&sem))
				sched_yield();
		} else {
			down_write(&sem);
		}
		a++;
		b++;
		if (id == 0 && (a & 7) == 0) {
			downgrade_write(&sem);
			if (a != b)
				atomic_fetch_add(&bad, 1);
			up_read(&sem);
			return;
		}
		up_write(&sem);
	} else {
		if (id == 3) {
			while (!down_read_trylock(&sem))
				sched_yield();
		} else {
			down_read(&sem);
		}
		if (a != b)
			atomic_fetch_add(&bad, 1);
		up_read(&sem);
	}
}

static atomic_int share_step;

static void *share_reader(void *arg)
{
	down_read(&sem);
	atomic_store(&share_step, 1);
	wait_for(&share_step, 2);
	up_read(&sem);
	return NULL;
}

static void test_rwsem_basic(void)
{
	struct { struct rw_semaphore s; } o;
	pthread_t th;

	init_rwsem(&o.s);
	is_str(o.s.dep_map.name, "&o.s", "init_rwsem names the class after the expression");
	is_str(sem.dep_map.name, "sem", "DECLARE_RWSEM names it after the variable");
	pthread_create(&th, NULL, share_reader, NULL);
	wait_for(&share_step, 1);
	ok(down_read_trylock(&sem), "readers share the rwsem");
	ok(!down_write_trylock(&sem), "a writer cannot take it");
	up_read(&sem);
	atomic_store(&share_step, 2);
	pthread_join(th, NULL);

	down_write(&sem);
	ok(!down_read_trylock(&sem), "down_read_trylock fails while write-held");
	downgrade_write(&sem);
	ok(down_read_trylock(&sem), "after downgrade_write another reader gets in");
	ok(!down_write_trylock(&sem), "but no writer");
	up_read(&sem);
	up_read(&sem);
	ok(!rwsem_is_locked(&sem), "free at the end");
	down_read_nested(&sem, 1);
	up_read(&sem);
	down_write_nested(&sem, 1);
	up_write(&sem);

	run_stress(rwsem_op, NULL, NTHREADS, ITERS);
	is_int(a, 2 * ITERS, "rwsem: writers exclusive, no lost update");
	is_int(atomic_load(&bad), 0, "readers (and a downgraded writer) never saw a half-done write");
}

/* Writer fairness, as for rwlock_t: readers keep it busy, a writer gets in. */
#define NREADERS 4
static DECLARE_RWSEM(fair);
static atomic_int readers_in, sections, while_waiting, stop_readers, writer_waiting, writer_in;

static void *fair_reader(void *arg)
{
	while (!atomic_load(&stop_readers)) {
		down_read(&fair);
		atomic_fetch_add(&readers_in, 1);
		atomic_fetch_add(&sections, 1);
		/* only readers inside before the writer queued can see this */
		if ((atomic_load(&fair.count) & RWSEM_FLAG_WAITERS) && !atomic_load(&writer_in))
			atomic_fetch_add(&while_waiting, 1);
		for (int i = 0; i < 100000 && atomic_load(&readers_in) < 2 &&
		     !(atomic_load(&fair.count) & RWSEM_FLAG_WAITERS); i++)
			sched_yield();
		atomic_fetch_sub(&readers_in, 1);
		up_read(&fair);
	}
	return NULL;
}

static void test_rwsem_fair(void)
{
	pthread_t th[NREADERS];

	for (int i = 0; i < NREADERS; i++)
		pthread_create(&th[i], NULL, fair_reader, NULL);
	wait_for(&sections, 2000);
	atomic_store(&writer_waiting, 1);
	down_write(&fair);
	atomic_store(&writer_in, 1);
	up_write(&fair);
	atomic_store(&stop_readers, 1);
	for (int i = 0; i < NREADERS; i++)
		pthread_join(th[i], NULL);
	ok(atomic_load(&writer_in), "rwsem: the writer got in while readers kept it busy");
	ok(atomic_load(&while_waiting) <= NREADERS,
	   "rwsem: reader sections started while the writer waited: %d (at most %d)",
	   atomic_load(&while_waiting), NREADERS);
}

/* A queued down_write_killable() returns -EINTR on a signal and leaves the queue. */
static DECLARE_RWSEM(isem);
static struct task_struct *iw_task;
static atomic_int iw_ready, iw_ret = 1, ir_ret = 1;

static void *intr_writer(void *arg)
{
	iw_task = current;
	atomic_store(&iw_ready, 1);
	atomic_store(&iw_ret, down_write_killable(&isem));
	if (!atomic_load(&iw_ret))
		up_write(&isem);
	return NULL;
}

static void *late_reader(void *arg)
{
	atomic_store(&ir_ret, down_read_interruptible(&isem));
	up_read(&isem);
	return NULL;
}

static void test_rwsem_interruptible(void)
{
	pthread_t w, r;

	down_read(&isem);
	pthread_create(&w, NULL, intr_writer, NULL);
	wait_for(&iw_ready, 1);
	for (int i = 0; i < 1000 && !(atomic_load(&isem.count) & RWSEM_FLAG_WAITERS); i++)
		usleep(1000);
	ok(atomic_load(&isem.count) & RWSEM_FLAG_WAITERS, "a writer queues behind our reader");
	pthread_create(&r, NULL, late_reader, NULL);
	usleep(10000);
	kmm_signal_task(iw_task);
	pthread_join(w, NULL);
	is_int(atomic_load(&iw_ret), -EINTR, "down_write_killable: -EINTR on a signal");
	pthread_join(r, NULL);
	is_int(atomic_load(&ir_ret), 0, "the reader queued behind it then got in");
	up_read(&isem);
	ok(!rwsem_is_locked(&isem) && !(atomic_load(&isem.count) & RWSEM_FLAG_WAITERS),
	   "free, nobody queued");
}

/* ---- semaphore ------------------------------------------------------------------ */

static DEFINE_SEMAPHORE(counting, 3);
static atomic_int inside, max_inside;
static long sem_counter;
static DEFINE_SEMAPHORE(binary, 1);

static void sem_op(void *arg, int id)
{
	int n;

	if (id == 1) {
		while (down_trylock(&counting))
			sched_yield();
	} else {
		down(&counting);
	}
	n = atomic_fetch_add(&inside, 1) + 1;
	for (int m = atomic_load(&max_inside); n > m &&
	     !atomic_compare_exchange_weak(&max_inside, &m, n);)
		;
	sched_yield();
	atomic_fetch_sub(&inside, 1);
	up(&counting);

	down(&binary);
	sem_counter++;
	up(&binary);
}

static struct task_struct *sem_waiter;
static atomic_int sem_ready, sem_ret = 1;
static DEFINE_SEMAPHORE(zero, 0);

static void *sem_intr(void *arg)
{
	sem_waiter = current;
	atomic_store(&sem_ready, 1);
	atomic_store(&sem_ret, down_interruptible(&zero));
	return NULL;
}

static void test_semaphore(void)
{
	struct semaphore s;
	pthread_t th;

	sema_init(&s, 2);
	is_int(down_trylock(&s), 0, "down_trylock: got one");
	is_int(down_trylock(&s), 0, "and the second");
	is_int(down_trylock(&s), 1, "the third fails (returns 1)");
	up(&s);
	is_int(down_trylock(&s), 0, "up() gives one back");
	up(&s);
	up(&s);

	run_stress(sem_op, NULL, NTHREADS, ITERS);
	ok(atomic_load(&max_inside) <= 3, "at most 3 holders of a semaphore of 3 (saw %d)",
	   atomic_load(&max_inside));
	is_int(sem_counter, NTHREADS * ITERS, "a binary semaphore excludes");
	is_int(counting.count, 3, "count back to 3");

	pthread_create(&th, NULL, sem_intr, NULL);
	wait_for(&sem_ready, 1);
	for (int i = 0; i < 100 && !atomic_load(&sem_waiter->sleeping); i++)
		usleep(1000);
	kmm_signal_task(sem_waiter);
	pthread_join(th, NULL);
	is_int(atomic_load(&sem_ret), -EINTR, "down_interruptible: -EINTR on a signal");
	ok(list_empty(&zero.wait_list), "the waiter left the queue");
}

int main(void)
{
	alarm(300);
	if (test_boot("mem=16M"))
		return 1;
	test_rwsem_basic();
	test_rwsem_fair();
	test_rwsem_interruptible();
	test_semaphore();
	kmm_exit();
	return done_testing();
}
