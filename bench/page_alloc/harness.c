// SPDX-License-Identifier: MIT
/*
 * Page allocator speed: nanoseconds per alloc+free pair, for each adapter
 * (kmm, mmap, posix_memalign), each pattern, orders 0, 1, 3 and 9, on one
 * thread and on one thread per CPU, all in the same run.
 *
 * Patterns (one "pair" is one allocation and one free):
 *   pair   alloc then free the same block, over and over: the steady state
 *          of the per-CPU lists (kmm's fast path).
 *   ws64   a working set of 64 live blocks per thread: free a random one,
 *          allocate its replacement.
 *   burst  allocate 16 MiB worth of blocks (4096 >> order of them), then
 *          free them all in allocation order: more than the per-CPU lists
 *          hold, so kmm refills from and drains to the buddy lists.
 *
 * Method: each thread is pinned to its own CPU (repetition r puts thread i
 * on CPU (i + r) mod N, so one-thread runs take the CPUs in turn), sets up
 * its pattern, runs
 * a warm-up (a quarter of the timed work), waits at a barrier, then runs
 * the timed loop between two clock_gettime(CLOCK_MONOTONIC) reads.  The
 * amount of work is calibrated once per (adapter, pattern, order) on one
 * thread to last about --ms milliseconds; every thread of the N-thread
 * run does that same amount.  Each configuration runs --reps times, the
 * repetitions of all adapters and thread counts interleaved; the table
 * shows the median and the minimum.
 *
 *   ns/pair   per-thread time: (end - start) / pairs, averaged over the
 *             threads of the run
 *   Mpairs/s  throughput of the whole run: all threads' pairs divided by
 *             the wall time from the first start to the last end
 *   scaling   Mpairs/s (N threads) / Mpairs/s (1 thread), medians
 *   full      how many repetitions ran at full machine speed (every
 *             thread's probe loop, before and after, within 10% of the
 *             run's best: bench/speed_probe.h), and their median ns/pair
 *             and scaling.  This host slows every loop by up to ~1.6x for
 *             seconds at a time; the probe tells which repetitions it hit.
 *
 * Timing decides nothing: this program reports, it does not test.  It
 * exits non-zero only if an allocation fails or an adapter cannot start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "../speed_probe.h"
#include "../bench_stats.h"

enum pattern { PAT_PAIR, PAT_WS, PAT_BURST, NR_PATTERNS };

static const char *const pattern_names[NR_PATTERNS] = { "pair", "ws64", "burst" };
static const char *const pattern_desc[NR_PATTERNS] = {
	"alloc then free the same block (steady state, per-CPU list fast path)",
	"64 live blocks per thread: free a random one, allocate a replacement",
	"allocate 16 MiB of blocks (4096 >> order), then free them all",
};

#define WS_BLOCKS	64
#define BURST_PAGES	4096UL
#define MAX_ORDERS	8
#define MAX_ADAPTERS	4

/* ---- the null adapter: the harness's own cost ------------------------ */

static __thread char null_page[BENCH_PAGE_SIZE] __attribute__((aligned(4096)));

static int null_init(void) { return 0; }
static void null_fini(void) { }

static void *null_alloc(unsigned int order)
{
	(void)order;
	bench_touch(null_page);
	return null_page;
}

static void null_free(void *handle, unsigned int order)
{
	(void)handle;
	(void)order;
}

static const struct bench_adapter null_adapter = {
	.name = "null",
	.desc = "no allocator: indirect call + touch only (harness overhead)",
	.init = null_init,
	.fini = null_fini,
	.alloc = null_alloc,
	.free = null_free,
};

static const struct bench_adapter *const all_adapters[] = {
	&bench_adapter_kmm, &bench_adapter_mmap, &bench_adapter_memalign, &null_adapter,
};
#define NR_ALL_ADAPTERS (sizeof(all_adapters) / sizeof(all_adapters[0]))

/* ---- options ------------------------------------------------------------ */

static int opt_reps = 9;
static double opt_ms = 25.0;
static int opt_max_threads;		/* 0: one per CPU we may run on */
static bool opt_adapter[NR_ALL_ADAPTERS] = { true, true, true, true };
static bool opt_pattern[NR_PATTERNS] = { true, true, true };
static unsigned int opt_orders[MAX_ORDERS] = { 0, 1, 3, 9 };
static int opt_nr_orders = 4;

static int cpus[1024];
static int nr_cpus;

/* ---- helpers ------------------------------------------------------------ */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static unsigned long pairs_per_unit(enum pattern pat, unsigned int order)
{
	return pat == PAT_BURST ? BURST_PAGES >> order : 1;
}

/*
 * Other work on the machine skews every figure, the N-thread runs most:
 * report the CPU time that other processes used while we ran (the busy
 * time of /proc/stat minus our own getrusage) and the time the hypervisor
 * stole from this VM.
 */
struct cpu_sample {
	double busy, steal, self, wall;
};

static void sample_cpu(struct cpu_sample *cs)
{
	unsigned long long v[8] = { 0 };
	double hz = (double)sysconf(_SC_CLK_TCK);
	struct rusage ru;
	FILE *f = fopen("/proc/stat", "r");

	memset(cs, 0, sizeof(*cs));
	if (f) {
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
			memset(v, 0, sizeof(v));
		fclose(f);
	}
	/* user nice system idle iowait irq softirq steal */
	cs->busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
	cs->steal = (double)v[7] / hz;
	if (!getrusage(RUSAGE_SELF, &ru))
		cs->self = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	cs->wall = (double)now_ns() / 1e9;
}

static void print_cpu_noise(const struct cpu_sample *a, const struct cpu_sample *b)
{
	double wall = b->wall - a->wall, other = (b->busy - a->busy) - (b->self - a->self);

	if (other < 0)
		other = 0;
	printf("Machine noise during the run: other processes used %.1f CPU-s in %.1f s "
	       "(%.0f%% of one CPU), hypervisor steal %.1f CPU-s\n",
	       other, wall, 100 * other / wall, b->steal - a->steal);
}

/* ---- patterns ------------------------------------------------------------ */

struct pstate {
	const struct bench_adapter *a;
	enum pattern pat;
	unsigned int order;
	void **slots;
	unsigned long nr_slots;
	uint64_t rng;
	bool failed;
};

static int pat_setup(struct pstate *s, const struct bench_adapter *a, enum pattern pat,
		     unsigned int order, uint64_t seed)
{
	unsigned long i;

	memset(s, 0, sizeof(*s));
	s->a = a;
	s->pat = pat;
	s->order = order;
	s->rng = seed | 1;
	if (pat == PAT_WS)
		s->nr_slots = WS_BLOCKS;
	else if (pat == PAT_BURST)
		s->nr_slots = BURST_PAGES >> order;
	if (!s->nr_slots)
		return 0;
	s->slots = calloc(s->nr_slots, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	if (pat == PAT_WS) {
		for (i = 0; i < s->nr_slots; i++) {
			s->slots[i] = a->alloc(order);
			if (!s->slots[i]) {
				s->failed = true;
				return -ENOMEM;
			}
		}
	}
	return 0;
}

static void pat_teardown(struct pstate *s)
{
	unsigned long i;

	if (s->pat == PAT_WS)
		for (i = 0; i < s->nr_slots; i++)
			if (s->slots[i])
				s->a->free(s->slots[i], s->order);
	free(s->slots);
	s->slots = NULL;
}

static void pat_run(struct pstate *s, unsigned long units)
{
	const struct bench_adapter *a = s->a;
	unsigned int order = s->order;
	unsigned long u, i;

	if (s->failed)
		return;
	switch (s->pat) {
	case PAT_PAIR:
		for (u = 0; u < units; u++) {
			void *h = a->alloc(order);

			if (!h) {
				s->failed = true;
				return;
			}
			a->free(h, order);
		}
		break;
	case PAT_WS:
		for (u = 0; u < units; u++) {
			unsigned long r = (unsigned long)(xorshift64(&s->rng) >> 58);	/* 0..63 */

			a->free(s->slots[r], order);
			s->slots[r] = a->alloc(order);
			if (!s->slots[r]) {
				s->failed = true;
				return;
			}
		}
		break;
	case PAT_BURST:
		for (u = 0; u < units; u++) {
			for (i = 0; i < s->nr_slots; i++) {
				s->slots[i] = a->alloc(order);
				if (!s->slots[i]) {
					while (i--)
						a->free(s->slots[i], order);
					s->failed = true;
					return;
				}
			}
			for (i = 0; i < s->nr_slots; i++)
				a->free(s->slots[i], order);
		}
		break;
	default:
		break;
	}
}

/* ---- one run: N threads ---------------------------------------------------- */

struct run_cfg {
	const struct bench_adapter *a;
	enum pattern pat;
	unsigned int order;
	unsigned long units, warm_units;
	pthread_barrier_t barrier;
};

struct thread_arg {
	pthread_t thread;
	struct run_cfg *cfg;
	int id;
	int cpu;
	uint64_t t0, t1;
	double probe;		/* bench_speed_probe(): the slower of before and after */
	bool failed;
};

static void *bench_thread(void *p)
{
	struct thread_arg *t = p;
	struct run_cfg *cfg = t->cfg;
	struct pstate s;
	double probe, after;
	int ret;

	pin_to_cpu(t->cpu);
	ret = pat_setup(&s, cfg->a, cfg->pat, cfg->order, 0x9e3779b97f4a7c15ULL * (uint64_t)(t->id + 1));
	if (!ret)
		pat_run(&s, cfg->warm_units);
	probe = bench_speed_probe();
	pthread_barrier_wait(&cfg->barrier);
	t->t0 = now_ns();
	pat_run(&s, cfg->units);
	t->t1 = now_ns();
	after = bench_speed_probe();
	t->probe = after > probe ? after : probe;
	t->failed = ret || s.failed;
	pat_teardown(&s);
	return NULL;
}

/* The fastest probe of the whole run (bench_full_speed()'s reference). */
static double best_probe;

/*
 * Returns false if an allocation failed.  *probe: the slowest of the
 * threads' probes (the repetition ran at full speed only if all did).
 * Thread i runs on CPU (i + rep) mod N: a one-thread run takes each CPU in
 * turn, so that one vCPU's busy neighbour on the host does not decide it.
 */
static bool run_once(struct run_cfg *cfg, int nthreads, int rep, double *ns_per_pair,
		     double *mpairs, double *probe)
{
	struct thread_arg t[nthreads];
	uint64_t start = UINT64_MAX, end = 0;
	double per_thread = 0, pairs = (double)cfg->units * (double)pairs_per_unit(cfg->pat, cfg->order);
	bool ok = true;
	int i;

	if (cfg->a->quiesce)
		cfg->a->quiesce();
	pthread_barrier_init(&cfg->barrier, NULL, (unsigned int)nthreads);
	for (i = 0; i < nthreads; i++) {
		t[i] = (struct thread_arg){ .cfg = cfg, .id = i, .cpu = cpus[(i + rep) % nr_cpus] };
		if (pthread_create(&t[i].thread, NULL, bench_thread, &t[i])) {
			fprintf(stderr, "bench: pthread_create failed\n");
			exit(2);
		}
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i].thread, NULL);
		if (t[i].failed)
			ok = false;
		start = t[i].t0 < start ? t[i].t0 : start;
		end = t[i].t1 > end ? t[i].t1 : end;
		per_thread += (double)(t[i].t1 - t[i].t0) / pairs;
	}
	pthread_barrier_destroy(&cfg->barrier);
	*probe = 0;
	for (i = 0; i < nthreads; i++) {
		if (t[i].probe > *probe)
			*probe = t[i].probe;
		if (!best_probe || t[i].probe < best_probe)
			best_probe = t[i].probe;
	}
	*ns_per_pair = per_thread / nthreads;
	*mpairs = pairs * nthreads / (double)(end - start) * 1e3;
	return ok;
}

/* Units of work that take about opt_ms on one thread (also a warm-up). */
static unsigned long calibrate(const struct bench_adapter *a, enum pattern pat, unsigned int order)
{
	struct pstate s;
	unsigned long units = 1;
	uint64_t t0, dt = 0;
	double target = opt_ms * 1e6;

	pin_to_cpu(cpus[0]);
	if (pat_setup(&s, a, pat, order, 12345)) {
		pat_teardown(&s);
		return 0;
	}
	for (;;) {
		t0 = now_ns();
		pat_run(&s, units);
		dt = now_ns() - t0;
		if (s.failed || dt >= target / 4 || units >= (1UL << 40))
			break;
		units *= 2;
	}
	pat_teardown(&s);
	if (s.failed)
		return 0;
	units = (unsigned long)((double)units * target / (double)(dt ? dt : 1));
	return units ? units : 1;
}

/* ---- the machine's own scaling ------------------------------------------ */

/*
 * Two loops with no shared data, run on 1 and on N threads: what N threads
 * on this machine gain when nothing is shared.  "compute" is an LCG
 * updating a thread-local 32 KiB table (latency-bound); "memory" walks a
 * thread-local 32 KiB array one cache line at a time, the footprint of the
 * 511 tail struct pages an order-9 free visits.  On a VM whose vCPUs share
 * physical cores these scale well below N, and no allocator can do better.
 */
#define BASE_COMPUTE_ITERS	16000000UL
#define BASE_MEMORY_ITERS	50000UL
#define BASE_WORDS		4096	/* 32 KiB */

struct base_arg {
	pthread_t thread;
	int cpu;
	bool memory;
	pthread_barrier_t *barrier;
	uint64_t t0, t1;
	unsigned long sink;
};

static void *base_thread(void *p)
{
	struct base_arg *b = p;
	unsigned long *buf = calloc(BASE_WORDS, sizeof(*buf)), x = 1, i, j;

	pin_to_cpu(b->cpu);
	pthread_barrier_wait(b->barrier);
	b->t0 = now_ns();
	if (buf && b->memory) {
		for (i = 0; i < BASE_MEMORY_ITERS; i++)
			for (j = 0; j < BASE_WORDS; j += 8)
				*(volatile unsigned long *)&buf[j] += i;
	} else if (buf) {
		for (i = 0; i < BASE_COMPUTE_ITERS; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			buf[x >> 52] += x;
			buf[(x >> 40) & (BASE_WORDS - 1)] ^= i;
		}
	}
	b->t1 = now_ns();
	b->sink = buf ? buf[x & (BASE_WORDS - 1)] : 0;
	free(buf);
	return NULL;
}

/* Work per ns of wall time, all threads together. */
static double base_run(int nthreads, bool memory)
{
	struct base_arg b[nthreads];
	pthread_barrier_t barrier;
	uint64_t start = UINT64_MAX, end = 0;
	int i;

	pthread_barrier_init(&barrier, NULL, (unsigned int)nthreads);
	for (i = 0; i < nthreads; i++) {
		b[i] = (struct base_arg){ .cpu = cpus[i % nr_cpus], .memory = memory,
					  .barrier = &barrier };
		if (pthread_create(&b[i].thread, NULL, base_thread, &b[i])) {
			fprintf(stderr, "bench: pthread_create failed\n");
			exit(2);
		}
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(b[i].thread, NULL);
		start = b[i].t0 < start ? b[i].t0 : start;
		end = b[i].t1 > end ? b[i].t1 : end;
	}
	pthread_barrier_destroy(&barrier);
	return (double)nthreads / (double)(end - start);
}

static void machine_baseline(int nthreads)
{
	double one[2][7], many[2][7];
	int r, m;

	if (nthreads < 2)
		return;
	for (r = 0; r < 7; r++) {
		for (m = 0; m < 2; m++) {
			one[m][r] = base_run(1, m);
			many[m][r] = base_run(nthreads, m);
		}
	}
	printf("Machine baseline, loops sharing nothing, %d threads vs 1 (ideal %d.00x): "
	       "compute %.2fx, memory (32 KiB walk) %.2fx\n", nthreads, nthreads,
	       bench_median(many[0], 7) / bench_median(one[0], 7), bench_median(many[1], 7) / bench_median(one[1], 7));
}

/* ---- results ------------------------------------------------------------ */

struct result {
	bool valid, failed;
	double ns_med, ns_min, mp_med;
	/* Every repetition (ns/pair, Mpairs/s, probe), for the full-speed figures. */
	double *ns, *mp, *probe;
	int n_full;			/* repetitions at full speed */
	double ns_med_full, mp_med_full;
};

static struct result results[NR_ALL_ADAPTERS][NR_PATTERNS][MAX_ORDERS][2];

/*
 * One (pattern, order) for every selected adapter.  The repetitions are
 * interleaved (rep 1 of every adapter on 1 and N threads, then rep 2, ...)
 * so that a slow phase of the machine hits every configuration alike.
 */
static void measure(enum pattern pat, int oi, int nthreads_max)
{
	unsigned int order = opt_orders[oi];
	struct run_cfg cfg[NR_ALL_ADAPTERS];
	double ns[NR_ALL_ADAPTERS][2][opt_reps], mp[NR_ALL_ADAPTERS][2][opt_reps];
	double pr[NR_ALL_ADAPTERS][2][opt_reps];
	bool ok[NR_ALL_ADAPTERS][2];
	int ai, ti, r, nt = nthreads_max > 1 ? 2 : 1;

	for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++) {
		const struct bench_adapter *a = all_adapters[ai];

		cfg[ai] = (struct run_cfg){ .a = a, .pat = pat, .order = order };
		ok[ai][0] = ok[ai][1] = false;
		/* The null adapter costs the same at every order. */
		if (!opt_adapter[ai] || (a == &null_adapter && oi))
			continue;
		cfg[ai].units = calibrate(a, pat, order);
		if (!cfg[ai].units) {
			fprintf(stderr, "bench: %s %s order %u: allocation failed during calibration\n",
				a->name, pattern_names[pat], order);
			results[ai][pat][oi][0].failed = true;
			continue;
		}
		cfg[ai].warm_units = cfg[ai].units / 4 ? cfg[ai].units / 4 : 1;
		ok[ai][0] = ok[ai][1] = true;
	}
	for (r = 0; r < opt_reps; r++)
		for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++)
			for (ti = 0; ti < nt; ti++)
				if (cfg[ai].units)
					ok[ai][ti] &= run_once(&cfg[ai], ti ? nthreads_max : 1, r,
							       &ns[ai][ti][r], &mp[ai][ti][r],
							       &pr[ai][ti][r]);
	for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++) {
		for (ti = 0; ti < nt && cfg[ai].units; ti++) {
			struct result *res = &results[ai][pat][oi][ti];

			if (!ok[ai][ti]) {
				fprintf(stderr, "bench: %s %s order %u, %d thread(s): allocation failed\n",
					all_adapters[ai]->name, pattern_names[pat], order,
					ti ? nthreads_max : 1);
				res->failed = true;
				continue;
			}
			res->ns = malloc(3 * sizeof(double) * (size_t)opt_reps);
			if (!res->ns) {
				fprintf(stderr, "bench: out of memory\n");
				exit(2);
			}
			res->mp = res->ns + opt_reps;
			res->probe = res->mp + opt_reps;
			memcpy(res->ns, ns[ai][ti], sizeof(double) * (size_t)opt_reps);
			memcpy(res->mp, mp[ai][ti], sizeof(double) * (size_t)opt_reps);
			memcpy(res->probe, pr[ai][ti], sizeof(double) * (size_t)opt_reps);
			res->ns_med = bench_median(ns[ai][ti], opt_reps);	/* sorts */
			res->ns_min = ns[ai][ti][0];
			res->mp_med = bench_median(mp[ai][ti], opt_reps);
			res->valid = true;
		}
	}
}

/* The figures of the repetitions that ran at full speed (speed_probe.h). */
static void full_speed_results(void)
{
	struct result *res = &results[0][0][0][0];
	size_t i, n = sizeof(results) / sizeof(results[0][0][0][0]);
	double ns[opt_reps], mp[opt_reps];
	int r;

	for (i = 0; i < n; i++, res++) {
		if (!res->valid)
			continue;
		res->n_full = 0;
		for (r = 0; r < opt_reps; r++) {
			if (!bench_full_speed(res->probe[r], best_probe))
				continue;
			ns[res->n_full] = res->ns[r];
			mp[res->n_full++] = res->mp[r];
		}
		if (res->n_full) {
			res->ns_med_full = bench_median(ns, res->n_full);
			res->mp_med_full = bench_median(mp, res->n_full);
		}
	}
}

static void print_row(int ai, enum pattern pat, int oi, int ti, int nthreads)
{
	const struct result *res = &results[ai][pat][oi][ti];
	const struct result *one = &results[ai][pat][oi][0];
	char scaling[16] = "-", full[16] = "-", full_scaling[16] = "-";

	if (res->failed) {
		printf("%-9s %-6s %5u %7d   %s\n", all_adapters[ai]->name, pattern_names[pat],
		       opt_orders[oi], nthreads, "allocation failed");
		return;
	}
	if (!res->valid)
		return;
	if (ti && one->valid)
		snprintf(scaling, sizeof(scaling), "%.2f", res->mp_med / one->mp_med);
	if (res->n_full)
		snprintf(full, sizeof(full), "%.1f", res->ns_med_full);
	if (ti && one->valid && res->n_full && one->n_full)
		snprintf(full_scaling, sizeof(full_scaling), "%.2f", res->mp_med_full / one->mp_med_full);
	printf("%-9s %-6s %5u %7d %12.1f %12.1f %12.2f %8s | %3d/%-3d %9s %8s\n",
	       all_adapters[ai]->name, pattern_names[pat], opt_orders[oi], nthreads, res->ns_med,
	       res->ns_min, res->mp_med, scaling, res->n_full, opt_reps, full, full_scaling);
}

static void print_tables(int nthreads_max)
{
	int ai, oi, ti, p;

	for (p = 0; p < NR_PATTERNS; p++) {
		if (!opt_pattern[p])
			continue;
		printf("\nPattern %s: %s\n", pattern_names[p], pattern_desc[p]);
		printf("%-9s %-6s %5s %7s %12s %12s %12s %8s | %7s %9s %8s\n", "impl", "pattern",
		       "order", "threads", "ns/pair med", "ns/pair min", "Mpairs/s med", "scaling",
		       "full", "ns/pair", "scaling");
		for (oi = 0; oi < opt_nr_orders; oi++)
			for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++)
				for (ti = 0; ti < 2; ti++)
					print_row(ai, (enum pattern)p, oi, ti, ti ? nthreads_max : 1);
	}
}

/* How much of the run the machine ran at full speed (speed_probe.h). */
static void print_speed(int nthreads_max)
{
	const struct result *res = &results[0][0][0][0];
	size_t i, n = sizeof(results) / sizeof(results[0][0][0][0]);
	int r, full[2] = { 0, 0 }, all[2] = { 0, 0 };
	double worst = 0;

	for (i = 0; i < n; i++, res++) {
		int ti = (int)(i % 2);

		if (!res->valid)
			continue;
		for (r = 0; r < opt_reps; r++) {
			all[ti]++;
			full[ti] += bench_full_speed(res->probe[r], best_probe);
			if (res->probe[r] > worst)
				worst = res->probe[r];
		}
	}
	printf("Machine speed (probe loop before and after each repetition, best %.3f ns, "
	       "slowest %.3f ns = %.2fx):\n  at full speed (within %.0f%% of the best): "
	       "%d of %d 1-thread and %d of %d %d-thread repetitions\n",
	       best_probe, worst, best_probe ? worst / best_probe : 0,
	       (BENCH_FULL_SPEED_SLACK - 1) * 100, full[0], all[0], full[1], all[1], nthreads_max);
}

static void print_targets(int nthreads_max)
{
	int oi, p, kmm = 0;

	for (oi = 0; oi < opt_nr_orders; oi++)
		if (opt_orders[oi] == 0)
			break;
	printf("\nTargets (reported, not enforced):\n");
	if (oi < opt_nr_orders && opt_adapter[kmm] && opt_pattern[PAT_PAIR]) {
		const struct result *r1 = &results[kmm][PAT_PAIR][oi][0];
		const struct result *rn = &results[kmm][PAT_PAIR][oi][1];

		if (r1->valid) {
			printf("  kmm order-0 pair through the pcp lists, 1 thread (target < 20 ns):\n");
			printf("    all %d repetitions: %.1f ns median: %s\n", opt_reps, r1->ns_med,
			       r1->ns_med < 20.0 ? "met" : "NOT met");
			if (r1->n_full)
				printf("    the %d at full machine speed: %.1f ns median: %s\n", r1->n_full,
				       r1->ns_med_full, r1->ns_med_full < 20.0 ? "met" : "NOT met");
			else
				printf("    none ran at full machine speed\n");
		}
		if (rn->valid)
			printf("  kmm order-0 pair, %d threads: %.1f ns per pair per thread (median)\n",
			       nthreads_max, rn->ns_med);
	}
	if (nthreads_max > 1 && opt_adapter[kmm]) {
		printf("  kmm scaling, %d threads vs 1 (near-linear: >= %.1f, i.e. 90%% of %d):\n",
		       nthreads_max, 0.9 * nthreads_max, nthreads_max);
		for (p = 0; p < NR_PATTERNS; p++) {
			if (!opt_pattern[p])
				continue;
			printf("    %-6s", pattern_names[p]);
			for (oi = 0; oi < opt_nr_orders; oi++) {
				const struct result *r1 = &results[kmm][p][oi][0];
				const struct result *rn = &results[kmm][p][oi][1];

				if (r1->valid && rn->valid)
					printf("  order %u: %.2f%s", opt_orders[oi], rn->mp_med / r1->mp_med,
					       rn->mp_med / r1->mp_med >= 0.9 * nthreads_max ? "" : " (below)");
			}
			printf("\n    %-6s", "(full)");
			for (oi = 0; oi < opt_nr_orders; oi++) {
				const struct result *r1 = &results[kmm][p][oi][0];
				const struct result *rn = &results[kmm][p][oi][1];
				double sc;

				if (!r1->valid || !rn->valid)
					continue;
				if (!r1->n_full || !rn->n_full) {
					printf("  order %u: -   ", opt_orders[oi]);
					continue;
				}
				sc = rn->mp_med_full / r1->mp_med_full;
				printf("  order %u: %.2f%s", opt_orders[oi], sc,
				       sc >= 0.9 * nthreads_max ? "" : " (below)");
			}
			printf("\n");
		}
	}
}

/* ---- main ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: page_alloc [options]\n"
		"  --reps N        repetitions per configuration (default 9)\n"
		"  --ms T          target milliseconds per repetition (default 25)\n"
		"  --threads N     the multi-thread runs use N threads (default: one per CPU)\n"
		"  --impl LIST     comma-separated: kmm,mmap,memalign,null (default: all)\n"
		"  --pattern LIST  comma-separated: pair,ws64,burst (default: all)\n"
		"  --orders LIST   comma-separated orders, 0..10 (default 0,1,3,9)\n"
		"  --quick         --reps 3 --ms 5\n");
}

static bool parse_names(char *list, const char *const *names, int n, bool *sel)
{
	char *tok, *save = NULL;
	int i;

	for (i = 0; i < n; i++)
		sel[i] = false;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n; i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == n)
			return false;
		sel[i] = true;
	}
	return true;
}

static bool parse_orders(char *list)
{
	char *tok, *save = NULL, *end;

	opt_nr_orders = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long o = strtol(tok, &end, 10);

		if (*end || o < 0 || o > 10 || opt_nr_orders == MAX_ORDERS)
			return false;
		opt_orders[opt_nr_orders++] = (unsigned int)o;
	}
	return opt_nr_orders > 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "ms", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "impl", required_argument, NULL, 'i' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "orders", required_argument, NULL, 'o' },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *adapter_names[NR_ALL_ADAPTERS];
	struct cpu_sample cs_start, cs_end;
	cpu_set_t set;
	int c, ai, oi, p, nthreads_max, i;
	uint64_t t_start = now_ns();

	for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++)
		adapter_names[ai] = all_adapters[ai]->name;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt_reps = atoi(optarg);
			break;
		case 'm':
			opt_ms = atof(optarg);
			break;
		case 't':
			opt_max_threads = atoi(optarg);
			break;
		case 'i':
			if (!parse_names(optarg, adapter_names, (int)NR_ALL_ADAPTERS, opt_adapter)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'p':
			if (!parse_names(optarg, pattern_names, NR_PATTERNS, opt_pattern)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'o':
			if (!parse_orders(optarg)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'q':
			opt_reps = 3;
			opt_ms = 5;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (opt_reps < 1 || opt_ms <= 0 || opt_max_threads < 0) {
		usage(stderr);
		return 2;
	}

	if (sched_getaffinity(0, sizeof(set), &set))
		CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE && nr_cpus < (int)(sizeof(cpus) / sizeof(cpus[0])); i++)
		if (CPU_ISSET(i, &set))
			cpus[nr_cpus++] = i;
	if (!nr_cpus)
		cpus[nr_cpus++] = 0;
	nthreads_max = opt_max_threads ? opt_max_threads : nr_cpus;

	printf("Page allocator speed: ns per alloc+free pair (lower is better)\n");
	printf("CPUs available: %d (threads pinned one per CPU), multi-thread runs: %d threads\n",
	       nr_cpus, nthreads_max);
	printf("%d repetitions of ~%.0f ms per configuration; median and min over repetitions\n",
	       opt_reps, opt_ms);
	printf("Every adapter writes one byte of the first page of each block it returns.\n");
	for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++)
		if (opt_adapter[ai])
			printf("  %-9s %s\n", all_adapters[ai]->name, all_adapters[ai]->desc);
	sample_cpu(&cs_start);
	machine_baseline(nthreads_max);
	fflush(stdout);

	for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++) {
		int ret;

		if (!opt_adapter[ai])
			continue;
		ret = all_adapters[ai]->init();
		if (ret) {
			fprintf(stderr, "bench: %s: init failed (%d)\n", all_adapters[ai]->name, ret);
			return 2;
		}
	}
	for (p = 0; p < NR_PATTERNS; p++)
		if (opt_pattern[p])
			for (oi = 0; oi < opt_nr_orders; oi++)
				measure((enum pattern)p, oi, nthreads_max);
	for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++)
		if (opt_adapter[ai])
			all_adapters[ai]->fini();

	full_speed_results();
	print_tables(nthreads_max);
	sample_cpu(&cs_end);
	printf("\n");
	print_cpu_noise(&cs_start, &cs_end);
	print_speed(nthreads_max);
	print_targets(nthreads_max);
	printf("\n(page_alloc benchmark: %.1f s)\n", (double)(now_ns() - t_start) / 1e9);

	for (ai = 0; ai < (int)NR_ALL_ADAPTERS; ai++)
		for (p = 0; p < NR_PATTERNS; p++)
			for (oi = 0; oi < opt_nr_orders; oi++)
				if (results[ai][p][oi][0].failed || results[ai][p][oi][1].failed)
					return 1;
	return 0;
}
