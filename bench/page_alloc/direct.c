// SPDX-License-Identifier: MIT
/*
 * The order-0 pair without the harness: alloc_pages(GFP_KERNEL, 0), one
 * byte written to the page, __free_pages(page, 0), in a plain loop on one
 * pinned thread, on each CPU the process may run on in turn.  What the
 * allocator's fast path costs, without page_alloc's indirect calls (its
 * null row) and adapter functions.  Reports best and median of the
 * rounds, per CPU; decides nothing.
 *
 *   page_alloc_direct [ROUNDS [PAIRS]]     (default 50 rounds of 200000)
 */
#define _GNU_SOURCE
#include <kmm/kmm.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../bench_stats.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* rounds timed loops on one CPU: best and median ns per pair. */
static int run_on(int cpu, int rounds, long pairs, double *ns)
{
	cpu_set_t set;
	int r;
	long i;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return 2;
	for (r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns();

		for (i = 0; i < pairs; i++) {
			struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);

			if (!page)
				return 1;
			*(volatile char *)page_address(page) = 1;
			__free_pages(page, 0);
		}
		ns[r] = (double)(now_ns() - t0) / (double)pairs;
	}
	qsort(ns, (size_t)rounds, sizeof(*ns), bench_cmp_double);
	printf("kmm order-0 pair, direct loop on CPU %d: best %.1f ns, median %.1f ns "
	       "(%d rounds of %ld pairs)\n", cpu, ns[0], ns[rounds / 2], rounds, pairs);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50, cpu, ret = 0;
	long pairs = argc > 2 ? atol(argv[2]) : 200000;
	cpu_set_t set;
	double *ns;

	if (rounds < 1 || pairs < 1)
		return 2;
	ns = calloc((size_t)rounds, sizeof(*ns));
	if (!ns || sched_getaffinity(0, sizeof(set), &set))
		return 2;
	if (kmm_init("mem=1G quiet"))
		return 2;
	/* Each CPU in turn: on a shared host one may run slower than another. */
	for (cpu = 0; cpu < CPU_SETSIZE && !ret; cpu++)
		if (CPU_ISSET(cpu, &set))
			ret = run_on(cpu, rounds, pairs, ns);
	free(ns);
	kmm_exit();
	return ret;
}
