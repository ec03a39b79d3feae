// SPDX-License-Identifier: MIT
/*
 * Multi-threaded stress of the page allocator: random orders and
 * migratetypes, frees in random order and from other threads, a thread
 * that drains the per-CPU lists and runs the validator while the others
 * work, and (the pcp lock's remote claims against its restartable
 * sequences, src/mm/pcp_lock.h) a thread that hops between CPUs while it
 * allocates and frees the pcp orders.  Every block is stamped with its owner and checked before it is
 * freed, so a page handed to two owners is caught.  Meant to run under
 * ThreadSanitizer and AddressSanitizer too (make test does).
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include <pthread.h>
#include <sched.h>

/* Hidden in libkmm, reachable from the static library (arch/rseq.h). */
extern bool kmm_percpu_rseq;

#define NR_WORKERS	4
#define POOL		512
#define EXCHANGE	64

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define OPS		100000
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define OPS		100000
#endif
#endif
#ifndef OPS
#define OPS		1000000
#endif

struct block {
	struct page *page;
	unsigned int order;
	unsigned long stamp;
};

static struct {
	pthread_mutex_t lock;
	struct block slot[EXCHANGE];
	int n;
} exchange = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_int running;
static atomic_long corrupt, validate_errors, validations, migrations, drains;

static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void stamp(struct block *b)
{
	unsigned long *first = page_address(b->page);
	unsigned long *last = (unsigned long *)((char *)first + (PAGE_SIZE << b->order)) - 1;

	*first = b->stamp;
	*last = ~b->stamp;
}

static void check_and_free(struct block *b)
{
	unsigned long *first = page_address(b->page);
	unsigned long *last = (unsigned long *)((char *)first + (PAGE_SIZE << b->order)) - 1;

	if (*first != b->stamp || *last != ~b->stamp)
		atomic_fetch_add(&corrupt, 1);
	__free_pages(b->page, b->order);
}

/* Keep a new block in pool[*n], stamped from r. */
static void pool_add(struct block *pool, int *n, struct page *page, unsigned int order,
		     unsigned long long r)
{
	pool[*n].page = page;
	pool[*n].order = order;
	pool[*n].stamp = (unsigned long)r | 1;
	stamp(&pool[*n]);
	(*n)++;
}

/* Check and free a block of pool[0..*n) picked by r. */
static void pool_free_one(struct block *pool, int *n, unsigned long long r)
{
	int victim = (int)((r >> 32) % (unsigned long long)*n);
	struct block b = pool[victim];

	pool[victim] = pool[--*n];
	check_and_free(&b);
}

static void *worker(void *arg)
{
	unsigned long long seed = 0x9e3779b97f4a7c15ULL * ((unsigned long)arg + 1);
	static const gfp_t gfps[] = {
		GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
		GFP_HIGHUSER_MOVABLE, GFP_ATOMIC, GFP_KERNEL | __GFP_COMP, GFP_DMA,
	};
	struct block pool[POOL];
	int n = 0, i;

	for (i = 0; i < OPS; i++) {
		unsigned long long r = rnd(&seed);

		if (n < POOL && (n == 0 || (r & 3) != 0)) {
			unsigned int order = (r >> 8) % 16 == 0 ? (unsigned int)((r >> 12) % 11) :
					     (unsigned int)((r >> 12) % 4);
			gfp_t gfp = gfps[(r >> 20) % ARRAY_SIZE(gfps)] | __GFP_NOWARN;
			struct page *page = alloc_pages(gfp, order);

			if (page)
				pool_add(pool, &n, page, order, r);
		} else if ((r >> 30) % 8 == 0) {
			/* Hand a block to another thread, free one of theirs. */
			struct block give = pool[--n], take = { NULL, 0, 0 };

			pthread_mutex_lock(&exchange.lock);
			if (exchange.n == EXCHANGE) {
				take = exchange.slot[--exchange.n];
			}
			exchange.slot[exchange.n++] = give;
			pthread_mutex_unlock(&exchange.lock);
			if (take.page)
				check_and_free(&take);
		} else {
			pool_free_one(pool, &n, r);
		}
	}
	while (n)
		check_and_free(&pool[--n]);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static void *drainer(void *arg)
{
	(void)arg;
	while (atomic_load(&running) > 0) {
		drain_all_pages(NULL);
		atomic_fetch_add(&validate_errors, kmm_zone_validate(NULL));
		atomic_fetch_add(&validations, 1);
		sched_yield();
	}
	return NULL;
}

/*
 * Drain every CPU's lists back to back (the remote claim, nothing else),
 * and every other round decay their high as the vmstat workers would.
 */
static void *remote_drainer(void *arg)
{
	unsigned long round = 0;

	(void)arg;
	while (atomic_load(&running) > 0) {
		if (round++ & 1)
			kmm_decay_all_pcp_high();
		else
			kmm_drain_all_pages(NULL);
		atomic_fetch_add(&drains, 1);
		sched_yield();
	}
	return NULL;
}

/*
 * Allocate and free orders 0..3 (the pcp lists) while moving to another
 * CPU every few operations, so that the thread often holds one CPU's pcp
 * while running on another, and frees onto whichever CPU it is on.
 */
static void *migrator(void *arg)
{
	unsigned long long seed = 0x2545f4914f6cdd1dULL;
	cpu_set_t allowed, one;
	int cpus[CPU_SETSIZE], nr_cpus = 0, c, i, n = 0;
	struct block pool[64];

	(void)arg;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
		for (c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &allowed))
				cpus[nr_cpus++] = c;
	for (i = 0; i < OPS / 4; i++) {
		unsigned long long r = rnd(&seed);

		if (nr_cpus > 1 && (r & 15) == 0) {
			CPU_ZERO(&one);
			CPU_SET(cpus[(r >> 4) % (unsigned long long)nr_cpus], &one);
			if (sched_setaffinity(0, sizeof(one), &one) == 0)
				atomic_fetch_add(&migrations, 1);
		}
		if (n < (int)ARRAY_SIZE(pool) && (n == 0 || (r & 0x300) != 0)) {
			unsigned int order = (unsigned int)((r >> 12) % 4);
			struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);

			if (page)
				pool_add(pool, &n, page, order, r);
		} else {
			pool_free_one(pool, &n, r);
		}
	}
	while (n)
		check_and_free(&pool[--n]);
	if (nr_cpus > 1)
		sched_setaffinity(0, sizeof(allowed), &allowed);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static void run(const char *cmdline)
{
	pthread_t t[NR_WORKERS], d, m, rd;
	unsigned long total;
	long i;

	if (test_boot(cmdline))
		return;
	diag("%s: pcp lock by %s", cmdline,
	     kmm_percpu_rseq ? "restartable sequences" : "spin_trylock");
	total = kmm_nr_free_pages();
	atomic_store(&corrupt, 0);
	atomic_store(&validate_errors, 0);
	atomic_store(&validations, 0);
	atomic_store(&migrations, 0);
	atomic_store(&drains, 0);
	atomic_store(&running, NR_WORKERS + 1);
	for (i = 0; i < NR_WORKERS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	pthread_create(&m, NULL, migrator, NULL);
	pthread_create(&d, NULL, drainer, NULL);
	pthread_create(&rd, NULL, remote_drainer, NULL);
	for (i = 0; i < NR_WORKERS; i++)
		pthread_join(t[i], NULL);
	pthread_join(m, NULL);
	pthread_join(d, NULL);
	pthread_join(rd, NULL);
	while (exchange.n)
		check_and_free(&exchange.slot[--exchange.n]);

	is_int(atomic_load(&corrupt), 0, "%s: no block was handed to two owners", cmdline);
	ok(atomic_load(&validations) > 0, "%s: the validator ran %ld times during the stress",
	   cmdline, atomic_load(&validations));
	ok(atomic_load(&drains) > 0,
	   "%s: drain_all_pages / decay_pcp_high ran %ld times during the stress", cmdline,
	   atomic_load(&drains));
	diag("%s: the migrating thread moved %ld times", cmdline, atomic_load(&migrations));
	if (strstr(cmdline, "kmm.rseq=off"))
		ok(!kmm_percpu_rseq, "%s: the pcp lock is the spinlock", cmdline);
	is_int(atomic_load(&validate_errors), 0, "%s: and found nothing while threads worked",
	       cmdline);
	drain_all_pages(NULL);
	is_int(kmm_zone_validate(NULL), 0, "%s: validator finds nothing at the end", cmdline);
	is_int(kmm_nr_free_pages(), total, "%s: every page is free again", cmdline);
	unlike(test_dmesg(), "BUG", "%s: no reports", cmdline);
	kmm_exit();
}

int main(void)
{
	run("mem=128M");
	run("mem=128M numa=fake=2 movablecore=32M nr_cpus=2");
	run("mem=64M page_poison=on init_on_free=1");
	run("mem=128M kmm.rseq=off");
	/* lockdep on the allocator's own locks: the general paths annotate. */
	run("mem=64M lockdep=on");
	return done_testing();
}
