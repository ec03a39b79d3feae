// SPDX-License-Identifier: MIT
/*
 * The SLUB benchmark harness.  One source, built once per allocator:
 *
 *   -DBENCH_KMM   kmm: kmem_cache_alloc/free for the fixed-size pair,
 *                 kmalloc/kfree for everything else (libkmm.a)
 *   (default)     malloc/free: glibc, or mimalloc, jemalloc, tcmalloc when
 *                 the binary is linked with -lmimalloc, -ljemalloc or
 *                 -ltcmalloc_minimal, which replace malloc.
 *
 * Workloads (each timed --reps times; median and best printed):
 *   pair64    allocate 64 bytes, free them, repeat; one thread
 *   ws4k      4096 live objects of 8..512 bytes per thread; each op frees a
 *             random slot and allocates a new random size into it
 *   ws64k     the same with 65536 live objects
 *             (ws*: one thread, and one thread per CPU, pinned: thread i
 *             on the (i + --first-cpu)-th CPU, mod the number of CPUs)
 *   xfree     one thread allocates 8..512 bytes and passes the objects
 *             through a ring to a thread on another CPU that frees them
 *   mem       1M live objects of 8..512 bytes, each written in full:
 *             RSS increase / bytes requested
 *
 * Output: one tab-separated line per figure, for bench/slab/run.sh:
 *   R <workload> <threads> <impl> <median> <best> <probe>
 * Timings are ns per op (per alloc+free pair; per object for xfree).
 * probe: the slowest machine-speed probe (../speed_probe.h) taken on any
 * thread right before or after any timed repetition of that figure (0 for
 * mem, which is not timed); run.sh tells the repetitions at full speed by it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../speed_probe.h"
#include "../bench_stats.h"

#ifdef BENCH_KMM
#include <kmm/kmm.h>

static struct kmem_cache *fixed_cache;

static int alloc_init(const char *boot)
{
	char cmdline[1024];
	int ret;

	snprintf(cmdline, sizeof(cmdline), "mem=2G quiet %s", boot ? boot : "");
	ret = kmm_init(cmdline);
	if (ret)
		return ret;
	fixed_cache = kmem_cache_create("bench_64", 64, 0, 0, NULL);
	return fixed_cache ? 0 : -1;
}

static void alloc_fini(void)
{
	kmem_cache_destroy(fixed_cache);
	kmm_exit();
}

static inline void *fixed_alloc(void)
{
	return kmem_cache_alloc(fixed_cache, GFP_KERNEL);
}

static inline void fixed_free(void *p)
{
	kmem_cache_free(fixed_cache, p);
}

static inline void *var_alloc(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}

static inline void var_free(void *p)
{
	kfree(p);
}
#else
static int alloc_init(const char *boot)
{
	(void)boot;
	return 0;
}

static void alloc_fini(void)
{
}

static inline void *fixed_alloc(void)
{
	return malloc(64);
}

static inline void fixed_free(void *p)
{
	free(p);
}

static inline void *var_alloc(size_t size)
{
	return malloc(size);
}

static inline void var_free(void *p)
{
	free(p);
}
#endif

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax()	__builtin_ia32_pause()
#else
#define cpu_relax()	__asm__ volatile("" ::: "memory")
#endif

/* The compiler must not see through the pointer nor drop the pair. */
static inline void escape(void *p)
{
	__asm__ volatile("" : : "g"(p) : "memory");
}

static inline uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* 8..512 bytes, uniform. */
static inline size_t rand_size(uint64_t *s)
{
	return 8 + (size_t)(xorshift64(s) % 505);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "slab bench: %s\n", what);
	exit(1);
}

/* ---- options ---------------------------------------------------------- */

static const char *impl = "malloc";
static const char *boot;
static int reps = 7, nthreads, first_cpu;
static double scale = 1.0;
static int cpus[256], ncpus;

static int pin(int i)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpus[(i + first_cpu) % ncpus], &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The slowest probe since the last report(); probe_max() records one. */
static double slowest_probe;
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;

static void probe_max(double probe)
{
	pthread_mutex_lock(&probe_lock);
	if (probe > slowest_probe)
		slowest_probe = probe;
	pthread_mutex_unlock(&probe_lock);
}

static void report(const char *workload, int threads, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	printf("R\t%s\t%d\t%s\t%.2f\t%.2f\t%.3f\n", workload, threads, impl, v[n / 2], v[0],
	       slowest_probe);
	slowest_probe = 0;
	fflush(stdout);
}

/* ---- threads with a barrier ------------------------------------------- */

struct job {
	pthread_t thread;
	int idx;
	long ops;
	unsigned int slots;
	double ns;		/* timed loop, per op */
	pthread_barrier_t *bar;
};

/* ---- workload 1: fixed-size pair -------------------------------------- */

static double pair_loop(long ops)
{
	double t0, t1;
	long i;

	for (i = 0; i < ops / 4; i++) {		/* warm-up */
		void *p = fixed_alloc();

		escape(p);
		fixed_free(p);
	}
	probe_max(bench_speed_probe());
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		void *p = fixed_alloc();

		escape(p);
		fixed_free(p);
	}
	t1 = now_ns();
	probe_max(bench_speed_probe());
	return (t1 - t0) / (double)ops;
}

/* ---- workload 2: random sizes over a working set ---------------------- */

static void *ws_thread(void *arg)
{
	struct job *j = arg;
	void **slot = calloc(j->slots, sizeof(*slot));
	uint64_t rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(j->idx + 1) * 0x2545f4914f6cdd1dULL;
	double t0, t1;
	long i;
	unsigned int k;

	if (!slot)
		die("out of memory");
	pin(j->idx);
	for (k = 0; k < j->slots; k++) {
		size_t size = rand_size(&rng);

		slot[k] = var_alloc(size);
		if (!slot[k])
			die("allocation failed");
		memset(slot[k], 1, size);
	}
	for (i = 0; i < j->ops / 4; i++) {	/* warm-up */
		uint64_t r = xorshift64(&rng);
		unsigned int s = (unsigned int)(r % j->slots);

		var_free(slot[s]);
		slot[s] = var_alloc(8 + (size_t)((r >> 32) % 505));
		*(volatile char *)slot[s] = 1;
	}
	probe_max(bench_speed_probe());
	pthread_barrier_wait(j->bar);
	t0 = now_ns();
	for (i = 0; i < j->ops; i++) {
		uint64_t r = xorshift64(&rng);
		unsigned int s = (unsigned int)(r % j->slots);

		var_free(slot[s]);
		slot[s] = var_alloc(8 + (size_t)((r >> 32) % 505));
		*(volatile char *)slot[s] = 1;	/* a caller touches what it gets */
	}
	t1 = now_ns();
	probe_max(bench_speed_probe());
	j->ns = (t1 - t0) / (double)j->ops;
	for (k = 0; k < j->slots; k++)
		var_free(slot[k]);
	free(slot);
	return NULL;
}

static double ws_run(unsigned int slots, int threads, long ops)
{
	struct job jobs[256];
	pthread_barrier_t bar;
	double sum = 0;
	int i;

	pthread_barrier_init(&bar, NULL, (unsigned int)threads);
	for (i = 0; i < threads; i++) {
		jobs[i] = (struct job){ .idx = i, .ops = ops, .slots = slots, .bar = &bar };
		if (pthread_create(&jobs[i].thread, NULL, ws_thread, &jobs[i]))
			die("pthread_create");
	}
	for (i = 0; i < threads; i++) {
		pthread_join(jobs[i].thread, NULL);
		sum += jobs[i].ns;
	}
	pthread_barrier_destroy(&bar);
	return sum / threads;		/* per-thread ns per op, averaged */
}

/* ---- workload 3: cross-thread frees ----------------------------------- */

#define RING 1024
static void *ring[RING];
static _Atomic unsigned long ring_head, ring_tail;	/* head: producer, tail: consumer */

static void *xfree_consumer(void *arg)
{
	struct job *j = arg;
	unsigned long tail = 0;

	pin(j->idx);
	probe_max(bench_speed_probe());
	pthread_barrier_wait(j->bar);
	while (tail < (unsigned long)j->ops) {
		unsigned long head = atomic_load_explicit(&ring_head, memory_order_acquire);

		if (head == tail) {
			cpu_relax();
			continue;
		}
		while (tail != head) {
			var_free(ring[tail % RING]);
			tail++;
		}
		atomic_store_explicit(&ring_tail, tail, memory_order_release);
	}
	probe_max(bench_speed_probe());
	return NULL;
}

static double xfree_run(long ops)
{
	struct job cons = { .idx = 1, .ops = ops };
	pthread_barrier_t bar;
	uint64_t rng = 88172645463325252ULL;
	unsigned long head = 0;
	double t0, t1;

	atomic_store(&ring_head, 0);
	atomic_store(&ring_tail, 0);
	pthread_barrier_init(&bar, NULL, 2);
	cons.bar = &bar;
	pin(0);
	if (pthread_create(&cons.thread, NULL, xfree_consumer, &cons))
		die("pthread_create");
	probe_max(bench_speed_probe());
	pthread_barrier_wait(&bar);
	t0 = now_ns();
	while (head < (unsigned long)ops) {
		void *p;

		while (head - atomic_load_explicit(&ring_tail, memory_order_acquire) >= RING)
			cpu_relax();
		p = var_alloc(rand_size(&rng));
		if (!p)
			die("allocation failed");
		*(volatile char *)p = 1;
		ring[head % RING] = p;
		head++;
		if ((head & 15) == 0 || head == (unsigned long)ops)
			atomic_store_explicit(&ring_head, head, memory_order_release);
	}
	pthread_join(cons.thread, NULL);
	t1 = now_ns();
	probe_max(bench_speed_probe());
	pthread_barrier_destroy(&bar);
	return (t1 - t0) / (double)ops;
}

/* ---- workload 5: memory per byte requested ---------------------------- */

static long rss_pages(void)
{
	long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss;
}

static void mem_run(long n)
{
	void **objs = malloc((size_t)n * sizeof(*objs));
	uint64_t rng = 0x0123456789abcdefULL;
	double requested = 0;
	long before, after, i;
	double v[1];

	if (!objs)
		die("out of memory");
	memset(objs, 0, (size_t)n * sizeof(*objs));	/* the pointer array is not counted */
	before = rss_pages();
	for (i = 0; i < n; i++) {
		size_t size = rand_size(&rng);

		objs[i] = var_alloc(size);
		if (!objs[i])
			die("allocation failed");
		memset(objs[i], 0x5a, size);
		requested += (double)size;
	}
	after = rss_pages();
	v[0] = (double)(after - before) * (double)sysconf(_SC_PAGESIZE) / requested;
	printf("M\t%s\t%ld\t%.0f\t%ld\n", impl, n, requested,
	       (after - before) * sysconf(_SC_PAGESIZE));
	report("mem", 1, v, 1);
	for (i = 0; i < n; i++)
		var_free(objs[i]);
	free(objs);
}

/* ---- main --------------------------------------------------------------- */

static int wanted(const char *only, const char *name)
{
	const char *p = only;
	size_t n = strlen(name);

	if (!only)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	cpu_set_t set;
	double v[64];
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--impl") && i + 1 < argc)
			impl = argv[++i];
		else if (!strcmp(argv[i], "--boot") && i + 1 < argc)
			boot = argv[++i];
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			nthreads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--first-cpu") && i + 1 < argc)
			first_cpu = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--impl NAME] [--boot KMM-CMDLINE] [--reps N] "
				"[--threads N] [--scale F] [--first-cpu N] "
				"[--only pair64,ws4k,ws64k,xfree,mem]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > 64 || scale <= 0 || first_cpu < 0)
		die("bad --reps, --scale or --first-cpu");
	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity");
	for (i = 0; i < CPU_SETSIZE && ncpus < 256; i++)
		if (CPU_ISSET(i, &set))
			cpus[ncpus++] = i;
	if (nthreads <= 0)
		nthreads = ncpus;
	if (nthreads > 256)
		nthreads = 256;
	if (alloc_init(boot))
		die("cannot boot kmm");
	{
		/* Which library's malloc this binary really calls. */
		void *(*volatile m)(size_t) = malloc;
		Dl_info info;

		printf("I\t%s\t%s\n", impl,
		       dladdr((void *)m, &info) && info.dli_fname ? info.dli_fname : "?");
	}

	/* Memory first, in a process that has allocated nothing else yet. */
	if (wanted(only, "mem"))
		mem_run((long)(1000000 * scale));
	if (wanted(only, "pair64")) {
		pin(0);
		for (r = 0; r < reps; r++)
			v[r] = pair_loop((long)(4000000 * scale));
		report("pair64", 1, v, reps);
	}
	if (wanted(only, "ws4k")) {
		for (r = 0; r < reps; r++)
			v[r] = ws_run(4096, 1, (long)(2000000 * scale));
		report("ws4k", 1, v, reps);
		for (r = 0; r < reps; r++)
			v[r] = ws_run(4096, nthreads, (long)(2000000 * scale));
		report("ws4k", nthreads, v, reps);
	}
	if (wanted(only, "ws64k")) {
		for (r = 0; r < reps; r++)
			v[r] = ws_run(65536, 1, (long)(2000000 * scale));
		report("ws64k", 1, v, reps);
		for (r = 0; r < reps; r++)
			v[r] = ws_run(65536, nthreads, (long)(2000000 * scale));
		report("ws64k", nthreads, v, reps);
	}
	if (wanted(only, "xfree") && ncpus >= 2) {
		for (r = 0; r < reps; r++)
			v[r] = xfree_run((long)(2000000 * scale));
		report("xfree", 2, v, reps);
	}
	alloc_fini();
	return 0;
}
