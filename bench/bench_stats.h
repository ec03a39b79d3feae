/* SPDX-License-Identifier: MIT */
/* Sorting and medians of timings, shared by the benchmark programs. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdlib.h>

/* qsort() order of doubles, smallest first. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v[0..n) and returns its median (the mean of the middle two for even n). */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif /* BENCH_STATS_H */
