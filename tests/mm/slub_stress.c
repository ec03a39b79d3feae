// SPDX-License-Identifier: MIT
/*
 * SLUB under threads that outnumber the CPUs, one of them moving itself
 * from CPU to CPU every 16 operations (so threads migrate between reading
 * a CPU's tid and the compare-and-swap): kmem_cache_alloc and
 * kmalloc of random sizes, objects handed to other threads and freed
 * there, enough of them that sheaves go to and come from the barn.  Every object carries its owner's stamp, checked at free, so an
 * object handed out twice is caught.  At the end everything is freed,
 * the cache is destroyed without a report, and every page is back.
 * With slub_debug=FZPU a thread validates the caches all along; without
 * it a thread shrinks the cache all along, which takes every CPU's slab
 * away from under the fast paths (with restartable sequences, through
 * the membarrier fence).  At the end validation of every cache finds
 * nothing.  Each configuration runs with the fast paths as restartable
 * sequences (where the machine has them) and with kmm.rseq=off.
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include "arch/rseq.h"
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#define NR_THREADS	8
#define OPS		(ops)
/* More than two sheaves of objects per thread: sheaves go through the barn. */
#define WORKING_SET	160
#define MAILBOX		256

struct obj_ref {
	unsigned long *p;
	unsigned long stamp;
	bool cached;		/* from the cache, else kmalloc */
};

struct mailbox {
	pthread_mutex_t lock;
	int n;
	struct obj_ref refs[MAILBOX];
};

static struct kmem_cache *cache;
static int ops = 50000;		/* SLUB_STRESS_OPS= to change */
static struct mailbox boxes[NR_THREADS];
static atomic_long bad_stamps, alloc_failures;
static atomic_ulong next_stamp = 1;

static unsigned long rnd(unsigned long *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void release(struct obj_ref *r)
{
	if (r->p[0] != r->stamp)
		atomic_fetch_add(&bad_stamps, 1);
	r->p[0] = 0;
	if (r->cached)
		kmem_cache_free(cache, r->p);
	else
		kfree(r->p);
}

static void drain_box(int id)
{
	struct mailbox *b = &boxes[id];
	struct obj_ref refs[MAILBOX];
	int n, i;

	pthread_mutex_lock(&b->lock);
	n = b->n;
	memcpy(refs, b->refs, sizeof(refs[0]) * (size_t)n);
	b->n = 0;
	pthread_mutex_unlock(&b->lock);
	for (i = 0; i < n; i++)
		release(&refs[i]);
}

/* Thread 0 moves itself between the CPUs as it goes. */
static void migrate(int i)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

	pin_cpu(i % (ncpu > 0 ? ncpu : 1));
}

static void *worker(void *arg)
{
	int id = (int)(long)arg, i, k;
	unsigned long seed = 0x9e3779b97f4a7c15UL * (unsigned long)(id + 1);
	struct obj_ref set[WORKING_SET];
	int n = 0;

	for (i = 0; i < OPS; i++) {
		unsigned long r = rnd(&seed);

		if (n < WORKING_SET && (r & 1)) {
			struct obj_ref o;

			o.cached = (r >> 1) & 1;
			if (o.cached)
				o.p = kmem_cache_alloc(cache, GFP_KERNEL);
			else
				o.p = kmalloc(8 + (r >> 8) % 505, GFP_KERNEL);
			if (!o.p) {
				atomic_fetch_add(&alloc_failures, 1);
				continue;
			}
			o.stamp = atomic_fetch_add(&next_stamp, 1);
			o.p[0] = o.stamp;
			set[n++] = o;
		} else if (n) {
			k = (int)((r >> 2) % (unsigned long)n);
			if ((r >> 12) % 3 == 0) {
				/* hand it to another thread */
				int to = (int)((r >> 16) % NR_THREADS);
				struct mailbox *b = &boxes[to];

				pthread_mutex_lock(&b->lock);
				if (b->n < MAILBOX) {
					b->refs[b->n++] = set[k];
					set[k] = set[--n];
				}
				pthread_mutex_unlock(&b->lock);
			} else {
				release(&set[k]);
				set[k] = set[--n];
			}
		}
		if ((i & 63) == 0)
			drain_box(id);
		if (id == 0 && (i & 15) == 0)
			migrate(i >> 4);
	}
	while (n)
		release(&set[--n]);
	if (id == 0)
		unpin();
	return NULL;
}

static atomic_int stop_validating;

/* Validation while the workers run (debug caches are under list_lock). */
static void *validator(void *arg)
{
	atomic_long *errors = arg;

	while (!atomic_load(&stop_validating))
		atomic_fetch_add(errors, validate_caches(true));
	return NULL;
}

/* Without debugging: kmem_cache_shrink flushes every CPU all along. */
static atomic_long shrinks;

static void *shrinker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop_validating)) {
		kmem_cache_shrink(cache);
		atomic_fetch_add(&shrinks, 1);
		usleep(200);
	}
	return NULL;
}

static unsigned long active_objects(void)
{
	struct kmem_cache *s;
	unsigned long sum = 0;

	pthread_mutex_lock(&kmm_slab_mutex);
	list_for_each_entry(s, &kmm_slab_caches, list) {
		struct slabinfo si;

		kmm_get_slabinfo(s, &si);
		sum += si.active_objs;
	}
	pthread_mutex_unlock(&kmm_slab_mutex);
	return sum;
}

static void run(const char *cmdline)
{
	pthread_t th[NR_THREADS], vth;
	unsigned long before, objs_before;
	bool debug = strstr(cmdline, "slub_debug") != NULL;
	atomic_long verrors = 0;
	int i, round;

	diag("%s", cmdline);
	test_boot(cmdline);
	shrink_all();
	before = nr_free();
	objs_before = active_objects();
	for (round = 0; round < 2; round++) {
		cache = kmem_cache_create("stress", 72, 0, SLAB_NO_MERGE, NULL);
		atomic_store(&stop_validating, 0);
		if (debug) {
			ok(cache->flags & SLAB_RED_ZONE, "round %d: the cache has red zones", round);
			pthread_create(&vth, NULL, validator, &verrors);
		} else {
			atomic_store(&shrinks, 0);
			pthread_create(&vth, NULL, shrinker, NULL);
		}
		for (i = 0; i < NR_THREADS; i++)
			pthread_create(&th[i], NULL, worker, (void *)(long)i);
		for (i = 0; i < NR_THREADS; i++)
			pthread_join(th[i], NULL);
		atomic_store(&stop_validating, 1);
		pthread_join(vth, NULL);
		if (debug)
			is_int(atomic_load(&verrors), 0, "round %d: validation during the run: nothing", round);
		else
			ok(atomic_load(&shrinks) > 0, "round %d: the cache was shrunk during the run (%ld times)",
			   round, atomic_load(&shrinks));
		for (i = 0; i < NR_THREADS; i++)
			drain_box(i);
		is_int(validate_caches(false), 0, "round %d: validation of every cache: nothing", round);
		is_int(atomic_load(&bad_stamps), 0, "round %d: no object was handed out twice", round);
		is_int(atomic_load(&alloc_failures), 0, "round %d: no allocation failed", round);
		kmm_dmesg_clear();
		kmem_cache_destroy(cache);
		unlike(test_dmesg(), "BUG", "round %d: the cache is destroyed without a report", round);
		unlike(test_dmesg(), "WARNING", "round %d: no warning", round);
		shrink_all();
		is_int(active_objects(), objs_before, "round %d: slabinfo: the active objects of boot", round);
		is_int(nr_free(), before, "round %d: every slab page is back", round);
	}
	is_int(kmm_zone_validate(NULL), 0, "the page allocator is consistent");
	unlike(test_dmesg(), "possible circular locking", "no lockdep report");
	kmm_exit();
}

/* Would this machine and build run the fast paths as restartable sequences? */
static bool rseq_expected(void)
{
#ifdef KMM_NO_RSEQ
	return false;
#else
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	return kmm_arch_rseq_offset && cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ);
#endif
}

static void check_mode(void)
{
	bool want;

	test_boot("mem=64M");
	want = rseq_expected();		/* after boot: the rseq offset is read there */
	kmm_slab_bootstrap();
	is_int(kmm_percpu_rseq, want, "the fast paths use %s", want ? "restartable sequences" : "cmpxchg16b");
	like(test_dmesg(), want ? "kmm: SLUB per-CPU fast paths use restartable sequences" :
				  "kmm: SLUB per-CPU fast paths use cmpxchg16b", "and say so at boot");
	kmm_exit();
	test_boot("mem=64M kmm.rseq=off");
	kmm_slab_bootstrap();
	ok(!kmm_percpu_rseq, "kmm.rseq=off: cmpxchg16b");
	kmm_exit();
	test_boot("mem=64M nr_cpus=1");
	ok(!kmm_percpu_rseq || kmm_arch_nr_cpus() == 1, "nr_cpus= below the machine's CPUs: cmpxchg16b");
	kmm_exit();
}

int main(void)
{
	int i;

	if (getenv("SLUB_STRESS_OPS"))
		ops = atoi(getenv("SLUB_STRESS_OPS"));
	for (i = 0; i < NR_THREADS; i++)
		pthread_mutex_init(&boxes[i].lock, NULL);
	check_mode();
	run("mem=256M");
	run("mem=256M kmm.rseq=off");
	/* Slabs freed under a fast path's feet are unmapped here. */
	run("mem=256M debug_pagealloc=on");
	/* Lock validation on: the slab locks nest as the kernel's do. */
	run("mem=256M numa=fake=2 lockdep=on");
	/* ... and the sheaves' trylock build that lockdep annotates. */
	run("mem=256M numa=fake=2 lockdep=on kmm.rseq=off");
	/* slub_debug on every cache, including kmalloc, across two nodes. */
	ops /= 4;	/* every operation takes a lock and saves a stack */
	run("mem=256M slub_debug=FZPU");
	run("mem=256M numa=fake=2 slub_debug=FZPU");
	return done_testing();
}
