// SPDX-License-Identifier: MIT
/*
 * How the alloc+free pair scales, against how the machine itself scales.
 *
 * The loop is page_alloc_direct's, for orders 0, 1, 3 and 9 in turn:
 * alloc_pages(GFP_KERNEL, order), one byte written, __free_pages().  Each
 * round runs it three ways, one after the other, so that a slow phase of
 * the host hits all three alike:
 *
 *   solo       one thread, on the first CPU;
 *   threads    one thread per CPU, all in one kmm (what kmm's own per-CPU
 *              design has to make scale: shared zones, counters, locks);
 *   processes  one process per CPU, each with a kmm of its own: nothing
 *              is shared but the machine, so their scaling is the most
 *              any allocator can get here.
 *
 * Scaling is pairs per second on all CPUs over pairs per second solo
 * (2.0 is linear on two CPUs).  "threads / processes" is how much of the
 * machine's own scaling kmm keeps: 1.0 means its threads lose nothing to
 * each other.  Reports medians; decides nothing.
 *
 *   page_alloc_scaling [ROUNDS [PAIRS]]   (default 31 rounds of 1000000
 *                                          order-0 pairs; fewer of a
 *                                          higher order, as many bytes)
 */
#define _GNU_SOURCE
#include <kmm/kmm.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../bench_stats.h"

#define MAX_CPUS	64
#define MAX_ROUNDS	201
#define NR_ORDERS	4

/* Shared with the child processes (MAP_SHARED, set up before fork). */
struct shared {
	atomic_int go;			/* step the processes run (1..), 0: none yet */
	atomic_int ready;		/* processes waiting at this round's start line */
	atomic_int done;		/* processes finished with this round */
	atomic_int quit;
	atomic_int booted;		/* child processes whose kmm booted */
	atomic_int failed;		/* child processes whose kmm did not */
	double ns[NR_ORDERS * MAX_ROUNDS][MAX_CPUS];	/* per step, per process: ns per pair */
};

static struct shared *sh;
static int cpus[MAX_CPUS], ncpus;
static long pairs = 1000000, npairs;
static unsigned int order;
static const unsigned int orders[NR_ORDERS] = { 0, 1, 3, 9 };
static int rounds = 31;

/* Step k (1..NR_ORDERS * rounds): the orders one after the other, each
 * for all its rounds. */
static void set_step(int k)
{
	order = orders[(k - 1) / rounds];
	npairs = pairs >> order ? pairs >> order : 1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The timed loop: ns per pair, or a negative value when memory ran out. */
static double pair_loop(void)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < npairs; i++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);

		if (!page)
			return -1;
		*(volatile char *)page_address(page) = 1;
		__free_pages(page, order);
	}
	return (now_ns() - t0) / (double)npairs;
}

/* Everyone arrives, then everyone starts: a spinning start line. */
static void start_line(atomic_int *count, int n)
{
	atomic_fetch_add(count, 1);
	while (atomic_load(count) < n)
		;
}

/* ---- threads of one kmm -------------------------------------------------- */

static atomic_int thread_ready;
static double thread_ns[MAX_CPUS];

static void *thread_main(void *arg)
{
	int i = (int)(intptr_t)arg;

	pin(cpus[i]);
	start_line(&thread_ready, ncpus);
	thread_ns[i] = pair_loop();
	return NULL;
}

static int run_threads(void)
{
	pthread_t t[MAX_CPUS];
	int i;

	atomic_store(&thread_ready, 0);
	for (i = 0; i < ncpus; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)i))
			return -1;
	for (i = 0; i < ncpus; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < ncpus; i++)
		if (thread_ns[i] < 0)
			return -1;
	return 0;
}

/* ---- processes, each with its own kmm ------------------------------------ */

static void nap(void)
{
	struct timespec ts = { 0, 200000 };

	nanosleep(&ts, NULL);
}

/* Process i (1..ncpus-1): its step k starts when go reaches k. */
static void child_main(int i)
{
	int k;

	pin(cpus[i]);
	if (kmm_init("mem=1G quiet")) {
		atomic_fetch_add(&sh->failed, 1);
		_exit(2);
	}
	atomic_fetch_add(&sh->booted, 1);
	for (k = 1; k <= NR_ORDERS * rounds; k++) {
		while (atomic_load(&sh->go) < k)
			if (atomic_load(&sh->quit))
				_exit(0);
			else
				nap();
		set_step(k);
		start_line(&sh->ready, ncpus * k);
		sh->ns[k - 1][i] = pair_loop();
		atomic_fetch_add(&sh->done, 1);
	}
	kmm_exit();
	_exit(0);
}

/* The parent is process 0, on the first CPU, with its own kmm. */
static void run_processes(int k)
{
	atomic_store(&sh->go, k);
	start_line(&sh->ready, ncpus * k);
	sh->ns[k - 1][0] = pair_loop();
	atomic_fetch_add(&sh->done, 1);
	while (atomic_load(&sh->done) < ncpus * k)
		nap();
}

/* ---- figures ------------------------------------------------------------ */

/* Pairs per ns on all CPUs, from each CPU's ns per pair. */
static double throughput(const double *ns, int n)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += 1.0 / ns[i];
	return sum;
}

int main(int argc, char **argv)
{
	static double solo[MAX_ROUNDS], thr[MAX_ROUNDS], prc[MAX_ROUNDS];
	static double thr_sc[MAX_ROUNDS], prc_sc[MAX_ROUNDS], keep[MAX_ROUNDS];
	double *pns, tput_thr, tput_prc;
	int k, o, r, i, status, failed = 0;
	cpu_set_t set;
	pid_t pid[MAX_CPUS];

	if (argc > 1)
		rounds = atoi(argv[1]);
	if (argc > 2)
		pairs = atol(argv[2]);
	if (rounds < 1 || rounds > MAX_ROUNDS || pairs < 1) {
		fprintf(stderr, "usage: %s [ROUNDS (1..%d) [PAIRS]]\n", argv[0], MAX_ROUNDS);
		return 2;
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		return 2;
	for (i = 0; i < CPU_SETSIZE && ncpus < MAX_CPUS; i++)
		if (CPU_ISSET(i, &set))
			cpus[ncpus++] = i;
	if (ncpus < 2) {
		printf("page_alloc_scaling: one CPU, nothing to scale\n");
		return 0;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	memset(sh, 0, sizeof(*sh));
	/* Children first: none of them inherits the parent's kmm. */
	for (i = 1; i < ncpus; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			return 2;
		if (!pid[i])
			child_main(i);
	}
	pin(cpus[0]);
	if (kmm_init("mem=1G quiet"))
		failed = 1;
	/* Every process booted, or the rounds would wait for one that is gone. */
	while (atomic_load(&sh->booted) + atomic_load(&sh->failed) < ncpus - 1)
		nap();
	if (atomic_load(&sh->failed))
		failed = 1;

	printf("kmm alloc+free pairs on %d CPUs (page_alloc_scaling): medians of %d interleaved\n"
	       "rounds of %ld order-0 pairs per CPU, or as many bytes of a higher order.\n"
	       "ns per pair per CPU; scaling = pairs/s on %d CPUs over pairs/s solo\n",
	       ncpus, rounds, pairs, ncpus);
	printf("order  %9s %16s %16s  %s\n", "solo", "threads (scale)", "processes (scale)",
	       "threads/processes");
	for (o = 0; o < NR_ORDERS && !failed; o++) {
		for (r = 0; r < rounds && !failed; r++) {
			k = o * rounds + r + 1;
			set_step(k);
			solo[r] = pair_loop();
			if (solo[r] < 0 || run_threads()) {
				failed = 1;
				break;
			}
			run_processes(k);
			pns = sh->ns[k - 1];
			for (i = 0; i < ncpus; i++)
				if (pns[i] < 0)
					failed = 1;
			/* Mean ns per pair per CPU, and scaling, from the throughputs. */
			tput_thr = throughput(thread_ns, ncpus);
			tput_prc = throughput(pns, ncpus);
			thr[r] = ncpus / tput_thr;
			prc[r] = ncpus / tput_prc;
			thr_sc[r] = tput_thr * solo[r];
			prc_sc[r] = tput_prc * solo[r];
			keep[r] = thr_sc[r] / prc_sc[r];
		}
		if (failed)
			break;
		printf("%5u  %9.1f %9.1f (%4.2f) %9.1f (%4.2f)  %.2f\n", orders[o],
		       bench_median(solo, rounds), bench_median(thr, rounds), bench_median(thr_sc, rounds),
		       bench_median(prc, rounds), bench_median(prc_sc, rounds), bench_median(keep, rounds));
	}
	atomic_store(&sh->quit, 1);
	for (i = 1; i < ncpus; i++)
		waitpid(pid[i], &status, 0);
	if (failed) {
		fprintf(stderr, "page_alloc_scaling: a run failed (out of memory or no kmm)\n");
		return 1;
	}
	printf("threads/processes: what kmm keeps of the machine's own scaling (1.00: its\n"
	       "threads lose nothing to each other)\n");
	kmm_exit();
	return 0;
}
