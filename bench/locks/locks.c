// SPDX-License-Identifier: MIT
/*
 * Lock benchmarks: kmm's locks against the pthread locks a C programmer
 * would use instead, in one run.
 *
 *   1. uncontended lock+unlock pairs, one thread;
 *   2. two threads hammering one lock (lock, counter++, unlock): total
 *      throughput;
 *   3. how long a writer waits while readers keep the lock busy with
 *      overlapping read holds, for kmm's rwlock (qrwlock: a waiting writer
 *      turns new readers away) and glibc's default rwlock (prefers readers);
 *   4. the cost of a lock+unlock pair with lockdep on once its chain is
 *      cached.
 *
 * Timing decides nothing here: the program reports, docs/BENCHMARKS.md
 * records.  Each figure is the median (and minimum) of several repetitions.
 */
#define _GNU_SOURCE
#include <kmm/kmm.h>
#include <kmm/spinlock.h>
#include <kmm/rwlock.h>
#include <kmm/mutex.h>
#include <kmm/rwsem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "locks.h"
#include "../bench_stats.h"

#define REPS 7

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- one adapter per lock ------------------------------------------------ */

static DEFINE_SPINLOCK(k_spin);
static DEFINE_RWLOCK(k_rw);
static DEFINE_MUTEX(k_mutex);
static DECLARE_RWSEM(k_rwsem);
static pthread_spinlock_t p_spin;
static pthread_rwlock_t p_rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t p_mutex = PTHREAD_MUTEX_INITIALIZER;

static void k_spin_lock(void) { spin_lock(&k_spin); }
static void k_spin_unlock(void) { spin_unlock(&k_spin); }
static void k_read_lock(void) { read_lock(&k_rw); }
static void k_read_unlock(void) { read_unlock(&k_rw); }
static void k_write_lock(void) { write_lock(&k_rw); }
static void k_write_unlock(void) { write_unlock(&k_rw); }
static void k_mutex_lock(void) { mutex_lock(&k_mutex); }
static void k_mutex_unlock(void) { mutex_unlock(&k_mutex); }
static void k_down_read(void) { down_read(&k_rwsem); }
static void k_up_read(void) { up_read(&k_rwsem); }
static void k_down_write(void) { down_write(&k_rwsem); }
static void k_up_write(void) { up_write(&k_rwsem); }
static void p_spin_lock(void) { pthread_spin_lock(&p_spin); }
static void p_spin_unlock(void) { pthread_spin_unlock(&p_spin); }
static void p_rdlock(void) { pthread_rwlock_rdlock(&p_rw); }
static void p_wrlock(void) { pthread_rwlock_wrlock(&p_rw); }
static void p_rwunlock(void) { pthread_rwlock_unlock(&p_rw); }
static void p_mutex_lock(void) { pthread_mutex_lock(&p_mutex); }
static void p_mutex_unlock(void) { pthread_mutex_unlock(&p_mutex); }

static const struct lock_impl impls[] = {
	{ "kmm spinlock_t", k_spin_lock, k_spin_unlock },
	{ "pthread_spinlock_t", p_spin_lock, p_spin_unlock },
	{ "kmm rwlock_t read", k_read_lock, k_read_unlock },
	{ "pthread_rwlock read", p_rdlock, p_rwunlock },
	{ "kmm rwlock_t write", k_write_lock, k_write_unlock },
	{ "pthread_rwlock write", p_wrlock, p_rwunlock },
	{ "kmm mutex", k_mutex_lock, k_mutex_unlock },
	{ "pthread_mutex_t", p_mutex_lock, p_mutex_unlock },
	{ "kmm rwsem read", k_down_read, k_up_read },
	{ "kmm rwsem write", k_down_write, k_up_write },
};

/* ---- 1: uncontended pairs ------------------------------------------------- */

static double pair_ns(const struct lock_impl *l, long n)
{
	double t0 = now();
	long i;

	for (i = 0; i < n; i++) {
		l->lock();
		l->unlock();
	}
	return (now() - t0) / (double)n * 1e9;
}

/* The i-th lock of the run: kmm's and pthread's, then Concurrency Kit's. */
static const struct lock_impl *impl_at(size_t i)
{
	if (i < ARRAY_SIZE(impls))
		return &impls[i];
	i -= ARRAY_SIZE(impls);
	return (int)i < nr_ck_impls ? &ck_impls[i] : NULL;
}

static void uncontended(void)
{
	const struct lock_impl *l;
	size_t i;
	int r;

	printf("\n1. Uncontended lock+unlock pair, one thread (ns per pair)\n");
	printf("%-22s %10s %10s\n", "lock", "median", "min");
	for (i = 0; (l = impl_at(i)); i++) {
		double t[REPS];

		pair_ns(l, 200000);	/* warm-up */
		for (r = 0; r < REPS; r++)
			t[r] = pair_ns(l, 2000000);
		qsort(t, REPS, sizeof(t[0]), bench_cmp_double);
		printf("%-22s %10.2f %10.2f\n", l->name, t[REPS / 2], t[0]);
	}
}

/* ---- 2: two threads on one lock ----------------------------------------- */

struct hammer {
	const struct lock_impl *l;
	long n;
	pthread_barrier_t *bar;
};

static volatile long shared_counter;

static void *hammer_fn(void *arg)
{
	struct hammer *h = arg;
	long i;

	pthread_barrier_wait(h->bar);
	for (i = 0; i < h->n; i++) {
		h->l->lock();
		shared_counter++;
		h->l->unlock();
	}
	return NULL;
}

static void contended(void)
{
	const struct lock_impl *l;
	size_t i;
	int r;

	printf("\n2. Two threads, one lock: lock, counter++, unlock (total Mops/s)\n");
	printf("%-22s %10s %10s %8s\n", "lock", "median", "max", "correct");
	for (i = 0; (l = impl_at(i)); i++) {
		double t[REPS];
		bool correct = true;

		if (strstr(l->name, " read"))
			continue;	/* readers share: nothing to contend */
		for (r = 0; r < REPS; r++) {
			pthread_barrier_t bar;
			struct hammer h = { l, 500000, &bar };
			pthread_t th[2];
			double t0;

			pthread_barrier_init(&bar, NULL, 3);
			shared_counter = 0;
			pthread_create(&th[0], NULL, hammer_fn, &h);
			pthread_create(&th[1], NULL, hammer_fn, &h);
			t0 = now();
			pthread_barrier_wait(&bar);
			pthread_join(th[0], NULL);
			pthread_join(th[1], NULL);
			t[r] = 2.0 * (double)h.n / (now() - t0) / 1e6;
			correct &= shared_counter == 2 * h.n;
			pthread_barrier_destroy(&bar);
		}
		qsort(t, REPS, sizeof(t[0]), bench_cmp_double);
		printf("%-22s %10.2f %10.2f %8s\n", l->name, t[REPS / 2], t[REPS - 1],
		       correct ? "yes" : "NO");
	}
}

/* ---- 3: a writer among busy readers --------------------------------------- */

#define READERS 2
#define HOLD_NS 2000		/* each read hold spins this long */
#define GIVE_UP_S 0.5

static atomic_bool readers_stop, writer_in;
static atomic_long reader_sections;
static double writer_asked, writer_got;
static long sections_asked, sections_got;

struct rw_impl {
	const char *name;
	void (*rlock)(void), (*runlock)(void), (*wlock)(void), (*wunlock)(void);
	int (*wtrylock)(void);
};

static int k_write_trylock(void) { return write_trylock(&k_rw); }
static int p_wrtrylock(void) { return pthread_rwlock_trywrlock(&p_rw) == 0; }

static const struct rw_impl rw_impls[] = {
	{ "kmm rwlock_t (qrwlock)", k_read_lock, k_read_unlock, k_write_lock, k_write_unlock,
	  k_write_trylock },
	{ "glibc pthread_rwlock", p_rdlock, p_rwunlock, p_wrlock, p_rwunlock, p_wrtrylock },
};

static void spin_for(double ns)
{
	double end = now() + ns / 1e9;

	while (now() < end)
		;
}

static void *reader_fn(void *arg)
{
	const struct rw_impl *rw = arg;

	while (!atomic_load(&readers_stop)) {
		rw->rlock();
		spin_for(HOLD_NS);
		rw->runlock();
		atomic_fetch_add(&reader_sections, 1);
	}
	return NULL;
}

/* The wait is measured by the writer itself, from its request. */
static void *writer_fn(void *arg)
{
	const struct rw_impl *rw = arg;

	sections_asked = atomic_load(&reader_sections);
	writer_asked = now();
	rw->wlock();
	writer_got = now();
	sections_got = atomic_load(&reader_sections);
	atomic_store(&writer_in, true);
	rw->wunlock();
	return NULL;
}

/*
 * Readers overlap (two of them, each re-taking the lock at once), so the
 * lock is never free of readers.  Returns the writer's wait in seconds, or
 * a negative value when it was still waiting after GIVE_UP_S.
 */
static double writer_wait(const struct rw_impl *rw, long *sections)
{
	pthread_t readers[READERS], writer;
	double t0, waited;
	long before;
	int i;

	atomic_store(&readers_stop, false);
	atomic_store(&writer_in, false);
	atomic_store(&reader_sections, 0);
	for (i = 0; i < READERS; i++)
		pthread_create(&readers[i], NULL, reader_fn, (void *)rw);
	while (atomic_load(&reader_sections) < 1000)
		sched_yield();
	writer_asked = 0;
	t0 = now();
	pthread_create(&writer, NULL, writer_fn, (void *)rw);
	while (!atomic_load(&writer_in) && now() - t0 < GIVE_UP_S)
		sched_yield();
	waited = atomic_load(&writer_in) ? writer_got - writer_asked : -1;
	before = atomic_load(&reader_sections);
	atomic_store(&readers_stop, true);
	for (i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	pthread_join(writer, NULL);	/* readers gone: the writer gets in */
	*sections = waited < 0 ? before - sections_asked : sections_got - sections_asked;
	return waited;
}

static void writer_starvation(void)
{
	size_t i;
	int r;

	printf("\n3. A writer among %d readers that keep the lock busy (each read hold %d ns)\n",
	       READERS, HOLD_NS);
	printf("%-24s %s\n", "lock",
	       "writer's wait from its request, per try: ms (reader sections completed meanwhile)");
	for (i = 0; i < ARRAY_SIZE(rw_impls); i++) {
		printf("%-24s", rw_impls[i].name);
		for (r = 0; r < 5; r++) {
			long sections;
			double w = writer_wait(&rw_impls[i], &sections);

			if (w < 0)
				printf(" starved(>%.0fms, %ld)", GIVE_UP_S * 1e3, sections);
			else
				printf(" %.3f(%ld)", w * 1e3, sections);
		}
		printf("\n");
	}
}

/* ---- 4: lockdep on, chain cached ------------------------------------------ */

static void lockdep_cached(void)
{
	static const struct lock_impl *which[] = { &impls[0], &impls[6], &impls[2] };
	size_t i;
	int r;

	printf("\n4. lockdep=on, the lock's chain already validated (ns per lock+unlock pair)\n");
	printf("%-22s %10s %10s\n", "lock", "median", "min");
	for (i = 0; i < ARRAY_SIZE(which); i++) {
		double t[REPS];

		pair_ns(which[i], 200000);
		for (r = 0; r < REPS; r++)
			t[r] = pair_ns(which[i], 1000000);
		qsort(t, REPS, sizeof(t[0]), bench_cmp_double);
		printf("%-22s %10.2f %10.2f\n", which[i]->name, t[REPS / 2], t[0]);
	}
}

int main(void)
{
	pthread_spin_init(&p_spin, PTHREAD_PROCESS_PRIVATE);
	printf("Lock benchmarks: kmm's locks and the pthread equivalents, same run\n");
	printf("%u CPUs; %d repetitions per figure\n", (unsigned int)sysconf(_SC_NPROCESSORS_ONLN),
	       REPS);
	printf("%s", ck_note);
	kmm_console_set_fd(-1);
	if (kmm_init("mem=64M lockdep=off"))
		return 1;
	uncontended();
	contended();
	writer_starvation();
	kmm_exit();
	if (kmm_init("mem=64M lockdep=on"))
		return 1;
	lockdep_cached();
	if (!kmm_debug_locks)
		printf("lockdep reported something: see kmm proc dmesg\n");
	kmm_exit();
	return 0;
}
