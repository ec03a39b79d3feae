/* SPDX-License-Identifier: MIT */
/*
 * How fast this CPU runs right now, for the speed benchmarks.
 *
 * On a virtual machine whose vCPUs share physical cores with other guests
 * (this project's 2-CPU test machine is one), the same code runs up to
 * about 1.6x slower for seconds at a time while the core's other hardware
 * thread is busy.  Every figure moves with it, allocator or not: the more
 * instructions per cycle a loop gets, the more it loses.  Medians over a
 * handful of repetitions then depend on how many of them fell into a slow
 * phase.
 *
 * bench_speed_probe() times a fixed loop of independent register
 * operations (eight add/xor chains, no memory access), which nothing an
 * allocator does can speed up or slow down, and returns its ns per
 * iteration: the best of a few short runs, so that a timer interrupt
 * inside one of them does not count.  A benchmark probes on each of its
 * threads right before and right after each timed repetition and keeps
 * the slower of the two; a repetition ran "at full speed" when that
 * figure is within BENCH_FULL_SPEED_SLACK of the fastest probe of the
 * whole run.  The figures are reported for all repetitions and, beside
 * them, for those at full speed.
 */
#ifndef BENCH_SPEED_PROBE_H
#define BENCH_SPEED_PROBE_H

#include <stdint.h>
#include <time.h>

#define BENCH_FULL_SPEED_SLACK	1.10
#define BENCH_PROBE_ITERS	4096
#define BENCH_PROBE_RUNS	5

static inline double bench_probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline double bench_speed_probe(void)
{
	double best = 0;
	int run;

	for (run = 0; run < BENCH_PROBE_RUNS; run++) {
		uint64_t a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8;
		double t0 = bench_probe_now(), dt;
		long i;

		for (i = 0; i < BENCH_PROBE_ITERS; i++) {
			a0 += (uint64_t)i;
			a1 ^= (uint64_t)i;
			a2 += a0;
			a3 ^= a1;
			a4 += (uint64_t)i << 1;
			a5 ^= a4;
			a6 += a5;
			a7 ^= a6;
			/* Keeps every chain in a register and the loop as written. */
			__asm__ __volatile__("" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3),
					     "+r"(a4), "+r"(a5), "+r"(a6), "+r"(a7));
		}
		dt = (bench_probe_now() - t0) / BENCH_PROBE_ITERS;
		if (!run || dt < best)
			best = dt;
	}
	return best;
}

/* Is a repetition whose probe read `probe` at full speed, given the run's best? */
static inline int bench_full_speed(double probe, double best_probe)
{
	return probe <= best_probe * BENCH_FULL_SPEED_SLACK;
}

#endif /* BENCH_SPEED_PROBE_H */
