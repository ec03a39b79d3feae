// SPDX-License-Identifier: MIT
/*
 * lockdep across threads: concurrent class registration and chain
 * validation stay quiet; an order taken by one thread and inverted by
 * another is reported; debug_show_all_locks() shows another thread's held
 * locks; a thread that exits holding a lock is reported.  lock_stat's view
 * with a contention, and its reset.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include <kmm/lockdep.h>
#include <kmm/sched.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4
#define ITERS 2000

static struct lock_class_key kA, kB, kC;
static struct lockdep_map A, B, C;
static struct lock_class_key own_keys[NTHREADS][4];
static struct lockdep_map own_maps[NTHREADS][4];

#define LOCK(m)		kmm_lock_acquire(&(m), 0, 0, 0, 1, NULL, _THIS_IP_)
#define UNLOCK(m)	kmm_lock_release(&(m), _THIS_IP_)

static void boot(const char *cmdline)
{
	kmm_exit();
	test_boot(cmdline);
	lockdep_init_map(&A, "A", &kA, 0);
	lockdep_init_map(&B, "B", &kB, 0);
	lockdep_init_map(&C, "C", &kC, 0);
}

static const char *view(const char *name)
{
	static char *buf;

	free(buf);
	buf = test_view(name);
	return buf;
}

static unsigned long stat_value(const char *label)
{
	const char *v = view("lockdep_stats"), *p = strstr(v, label);

	return p ? strtoul(p + strlen(label), NULL, 10) : (unsigned long)-1;
}

static void *worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < 4; i++)
		lockdep_init_map(&own_maps[id][i], "own", &own_keys[id][i], 0);
	for (int i = 0; i < ITERS; i++) {
		/* A shared order, and one of our own under it. */
		LOCK(A);
		LOCK(B);
		LOCK(own_maps[id][i & 3]);
		UNLOCK(own_maps[id][i & 3]);
		UNLOCK(B);
		UNLOCK(A);
		LOCK(C);
		UNLOCK(C);
	}
	return NULL;
}

static void *take_ba(void *arg)
{
	LOCK(B);
	LOCK(A);
	UNLOCK(A);
	UNLOCK(B);
	return arg;
}

static pthread_barrier_t held, shown;

static void *hold_c(void *arg)
{
	LOCK(C);
	pthread_barrier_wait(&held);
	pthread_barrier_wait(&shown);
	UNLOCK(C);
	return arg;
}

static void *exit_holding(void *arg)
{
	LOCK(C);
	return arg;	/* the task's exit finds C held */
}

int main(void)
{
	pthread_t t[NTHREADS];
	unsigned long classes;
	const char *v;

	boot("lockdep=on");
	classes = stat_value("lock-classes:");
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	is_int(kmm_debug_locks, 1, "threads: lock debugging still on");
	unlike(test_dmesg(), "WARNING", "threads: no report");
	is_int(stat_value("lock-classes:") - classes, 19, "threads: 3 shared and 16 own classes");

	/* One thread takes A then B (above); another takes B then A. */
	pthread_create(&t[0], NULL, take_ba, NULL);
	pthread_join(t[0], NULL);
	like(test_dmesg(), "WARNING: possible circular locking dependency detected",
	     "threads: inversion across threads reported");
	like(test_dmesg(), "-> #1 (B){+.+.}-{0:0}:", "threads: -> #1 B");

	boot("lockdep=on");
	pthread_barrier_init(&held, NULL, 2);
	pthread_barrier_init(&shown, NULL, 2);
	pthread_create(&t[0], NULL, hold_c, NULL);
	pthread_barrier_wait(&held);
	kmm_debug_show_all_locks();
	pthread_barrier_wait(&shown);
	pthread_join(t[0], NULL);
	like(test_dmesg(), "Showing all locks held in the system:", "show_all_locks: header");
	like(test_dmesg(), "1 lock held by ", "show_all_locks: the other thread's lock");
	like(test_dmesg(), " (C){+.+.}-{0:0}, at: hold_c+0x", "show_all_locks: C held by hold_c");
	unlike(test_dmesg(), "WARNING", "show_all_locks: no report");

	boot("lockdep=on");
	pthread_create(&t[0], NULL, exit_holding, NULL);
	pthread_join(t[0], NULL);
	like(test_dmesg(), "still has locks held!", "exit holding a lock: reported");
	like(test_dmesg(), " (C){+.+.}-{0:0}, at: exit_holding+0x", "exit holding a lock: C");

	boot("lockdep=on");
	pthread_create(&t[0], NULL, hold_c, NULL);
	pthread_barrier_wait(&held);
	pthread_barrier_wait(&shown);
	pthread_join(t[0], NULL);
	unlike(test_dmesg(), "WARNING", "exit without locks: no report");

	/* lock_stat */
	boot("lockdep=on lock_stat=on");
	LOCK(A);
	kmm_lock_contended(&A, _THIS_IP_);
	kmm_lock_acquired(&A, _THIS_IP_);
	UNLOCK(A);
	LOCK(A);
	kmm_lock_acquired(&A, _THIS_IP_);
	UNLOCK(A);
	v = view("lock_stat");
	like(v, "lock_stat version 0.4\n", "lock_stat: version");
	like(v, "                              class name    con-bounces    contentions   waittime-min",
	     "lock_stat: header");
	like(v, "holdtime-total   holdtime-avg\n", "lock_stat: header end");
	like(v, "                                       A:", "lock_stat: class A");
	ok(strstr(v, "             1 ") != NULL, "lock_stat: one contention");
	like(v, "                                       A              1          [<",
	     "lock_stat: the contention point");
	unlike(v, "*WARNING*", "lock_stat: no warning line");
	kmm_lock_stat_reset();
	unlike(view("lock_stat"), "  A:", "lock_stat: reset");
	unlike(test_dmesg(), "WARNING", "lock_stat: no report");

	kmm_exit();
	return done_testing();
}
