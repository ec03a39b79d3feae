/* SPDX-License-Identifier: MIT */
/* Mutual-exclusion stress shared by the locking tests. */
#ifndef KMM_LOCKING_STRESS_H
#define KMM_LOCKING_STRESS_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

/*
 * Run nthreads threads, each calling op(arg, thread) iters times; op takes
 * the lock and does a non-atomic read-modify-write of a shared counter
 * (ThreadSanitizer flags it if the lock does not order the threads).
 */
struct stress {
	void (*op)(void *arg, int thread);
	void *arg;
	int iters;
	int id;
};

static void *stress_thread(void *p)
{
	struct stress *s = p;

	for (int i = 0; i < s->iters; i++)
		s->op(s->arg, s->id);
	return NULL;
}

static inline void run_stress(void (*op)(void *, int), void *arg, int nthreads, int iters)
{
	pthread_t th[16];
	struct stress s[16];

	for (int i = 0; i < nthreads; i++) {
		s[i] = (struct stress){ op, arg, iters, i };
		pthread_create(&th[i], NULL, stress_thread, &s[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
}

/* Wait (yielding, bounded) until *p reaches n; 0 if it never does. */
static inline int wait_for(atomic_int *p, int n)
{
	for (long i = 0; i < 5000000; i++) {
		if (atomic_load(p) >= n)
			return 1;
		sched_yield();
	}
	return 0;
}

#endif
