// SPDX-License-Identifier: MIT
/*
 * Per-CPU page lists: their sizes and the automatic tuning of pcp->high,
 * as in Linux 6.12 (the tuning arrived in 6.7; free_count replaced
 * free_factor in 6.10).
 *
 * Each pcp drains to the buddy lists when its count reaches pcp->high.
 * high moves between high_min (the zone's low watermark split across the
 * node's CPUs, at least 4 batches) and high_max (an eighth of the zone's
 * pages split the same way):
 *
 *  - a refill from the buddy lists raises high by the refill's batch, and
 *    consecutive refills without a free double the batch (alloc_factor,
 *    up to batch << pcp_batch_scale_max);
 *  - a run of frees raises high to hold free_count + batch pages
 *    (free_count counts recent frees; it halves on every allocation), and
 *    frees drain in chunks of up to free_count pages;
 *  - while the zone is below its high watermark (ZONE_BELOW_HIGH, set by
 *    the allocator when the high-watermark check fails, cleared by a
 *    drain that brings the zone back above it) every free lowers high;
 *  - decay_pcp_high() lowers high by an eighth and drains down to it.
 *    The kernel runs it from the per-CPU vmstat worker every second; kmm
 *    has no such worker and runs it from the pcp's own slow paths (a
 *    refill or a drain) once a second or more has passed, and from
 *    kmm_decay_all_pcp_high().
 *
 * percpu_pagelist_high_fraction=N (N >= 8; the kernel's sysctl) fixes
 * high at managed pages / N split across the CPUs and turns the tuning
 * off (high_min == high_max).  pcp_batch_scale_max=N (0..6, default 5)
 * stands in, at boot, for the kernel's build option
 * CONFIG_PCP_BATCH_SCALE_MAX.
 *
 * Every function that touches a pcp runs with it held (pcp_lock.h).
 *
 * Also here: claiming a pcp from another CPU (kmm_pcp_claim), draining
 * the lists (drain_local_pages, drain_all_pages), and the sums of the
 * pcp counters and events the views read.
 */
#include "mm/internal.h"
#include "mm/pcp_lock.h"
#include "kernel/internal.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#define MIN_PERCPU_PAGELIST_HIGH_FRACTION	8
#define PCP_BATCH_SCALE_MAX_DEFAULT		5	/* CONFIG_PCP_BATCH_SCALE_MAX */
#define MAX_PCP_BATCH				6
#define PCP_DECAY_INTERVAL_MS			1000	/* sysctl_stat_interval = HZ */

static int percpu_pagelist_high_fraction;
int kmm_pcp_batch_scale_max = PCP_BATCH_SCALE_MAX_DEFAULT;

static void pcp_param_defaults(void)
{
	percpu_pagelist_high_fraction = 0;
	kmm_pcp_batch_scale_max = PCP_BATCH_SCALE_MAX_DEFAULT;
}
param_defaults(pcp_param_defaults);

static int parse_int(const char *val, long *v)
{
	char *end;

	if (!val || !*val)
		return -EINVAL;
	*v = strtol(val, &end, 0);
	return *end ? -EINVAL : 0;
}

static int setup_percpu_pagelist_high_fraction(char *val)
{
	long v;

	if (parse_int(val, &v) || v < 0 || (v && v < MIN_PERCPU_PAGELIST_HIGH_FRACTION) ||
	    v > 1000000)
		return -EINVAL;
	percpu_pagelist_high_fraction = (int)v;
	return 0;
}
__setup("percpu_pagelist_high_fraction", setup_percpu_pagelist_high_fraction);

static int setup_pcp_batch_scale_max(char *val)
{
	long v;

	if (parse_int(val, &v) || v < 0)
		return -EINVAL;
	kmm_pcp_batch_scale_max = (int)min(v, (long)MAX_PCP_BATCH);
	return 0;
}
__setup("pcp_batch_scale_max", setup_pcp_batch_scale_max);

/* ---- sizes ------------------------------------------------------------ */

/*
 * high for a zone: its low watermark (fraction 0) or managed pages /
 * fraction, split across the CPUs of its node, at least 4 batches.
 */
int kmm_zone_highsize(struct zone *zone, int batch, int high_fraction)
{
	unsigned int cpu, nr_split_cpus = 0;
	unsigned long total;
	long high;

	if (!high_fraction)
		total = low_wmark_pages(zone);
	else
		total = zone_managed_pages(zone) / (unsigned long)high_fraction;
	for (cpu = 0; cpu < kmm_nr_cpu_ids; cpu++)
		nr_split_cpus += kmm_cpu_to_node_map[cpu] == zone->node;
	if (!nr_split_cpus)
		nr_split_cpus = kmm_nr_cpu_ids;
	high = (long)(total / nr_split_cpus);
	return (int)max(high, (long)batch << 2);
}

/*
 * The data cache one CPU may count on: the last-level cache over the CPUs
 * that share it (the kernel's per_cpu_data_slice_size); 0 if unknown.
 */
static unsigned long per_cpu_data_slice_size(void)
{
	long llc = sysconf(_SC_LEVEL3_CACHE_SIZE), cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (llc <= 0)
		llc = sysconf(_SC_LEVEL2_CACHE_SIZE);
	if (llc <= 0 || cpus <= 0)
		return 0;
	return (unsigned long)llc / (unsigned long)cpus;
}

void kmm_setup_pagesets(void)
{
	unsigned long slice = per_cpu_data_slice_size(), now = kmm_jiffies();
	struct zone *zone;
	int cpu, i;

	for_each_zone(zone) {
		int batch = max(1, kmm_zone_batchsize(zone));
		int high_min, high_max;

		if (percpu_pagelist_high_fraction) {
			/* Tuned by hand: no auto-tuning. */
			high_min = kmm_zone_highsize(zone, batch, percpu_pagelist_high_fraction);
			high_max = high_min;
		} else {
			high_min = kmm_zone_highsize(zone, batch, 0);
			high_max = kmm_zone_highsize(zone, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
		}
		zone->pageset_batch = batch;
		zone->pageset_high_min = high_min;
		zone->pageset_high_max = high_max;
		zone->flags = 0;
		for_each_possible_cpu(cpu) {
			struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

			spin_lock_init(&pcp->lock);
			pcp->locked = 0;
			pcp->remote = 0;
			pcp->count = 0;
			pcp->batch = batch;
			pcp->high_min = high_min;
			pcp->high_max = high_max;
			/* The kernel starts at 0 and clamps on first use. */
			pcp->high = high_min;
			pcp->alloc_factor = 0;
			pcp->free_count = 0;
			pcp->free_count_max = (short)min(batch << kmm_pcp_batch_scale_max, SHRT_MAX);
			pcp->flags = (slice >> PAGE_SHIFT) > 3UL * (unsigned long)batch ?
					     PCPF_FREE_HIGH_BATCH : 0;
			pcp->decay_stamp = now;
			for (i = 0; i < NR_PCP_LISTS; i++)
				INIT_LIST_HEAD(&pcp->lists[i]);
		}
	}
}

/* ---- tuning ----------------------------------------------------------- */

static inline int clamp_high(struct per_cpu_pages *pcp)
{
	int high = clamp(pcp->high, pcp->high_min, pcp->high_max);

	WRITE_ONCE(pcp->high, high);
	return high;
}

/*
 * Lower high by an eighth (never below count - batch << scale_max nor
 * high_min) and drain down to it.  true: more to do later.
 */
static bool decay_pcp_high(struct zone *zone, struct per_cpu_pages *pcp)
{
	int high_min = pcp->high_min, batch = pcp->batch, to_drain;
	bool todo = false;

	if (pcp->high > high_min) {
		int high = max(pcp->count - (batch << kmm_pcp_batch_scale_max),
			       max(pcp->high - (pcp->high >> 3), high_min));

		WRITE_ONCE(pcp->high, high);
		todo = high > high_min;
	}
	to_drain = pcp->count - pcp->high;
	while (to_drain > 0) {
		int n = min(to_drain, batch);

		kmm_free_pcppages_bulk(zone, n, pcp, 0);
		to_drain -= n;
		todo = true;
	}
	return todo;
}

/* The vmstat worker's share, run from a slow path: once per interval. */
static void pcp_maybe_decay(struct zone *zone, struct per_cpu_pages *pcp)
{
	unsigned long now;

	if (pcp->high_min == pcp->high_max)
		return;
	now = kmm_jiffies();
	if (now - pcp->decay_stamp < PCP_DECAY_INTERVAL_MS)
		return;
	pcp->decay_stamp = now;
	decay_pcp_high(zone, pcp);
}

/* Every pcp of every zone, as one round of the vmstat workers would. */
KMM_API void kmm_decay_all_pcp_high(void)
{
	struct zone *zone;
	int cpu;

	if (!kmm_mem_map)
		return;
	for_each_zone(zone) {
		if (!zone->per_cpu_pageset)
			continue;
		for_each_possible_cpu(cpu) {
			struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

			pcp_lock_remote(pcp, cpu);
			pcp->decay_stamp = kmm_jiffies();
			decay_pcp_high(zone, pcp);
			pcp_unlock_remote(pcp);
		}
	}
}

/*
 * How many pages of this order to take from the buddy lists for an empty
 * pcp list.  Raises high (auto-tuning) and, for order 0, doubles the batch
 * on consecutive refills without a free.
 */
int kmm_nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone, unsigned int order)
{
	int base_batch = pcp->batch, high_min = pcp->high_min, high_max = pcp->high_max;
	int high, batch;

	pcp_maybe_decay(zone, pcp);
	high = clamp_high(pcp);
	/* A disabled pcp (high below batch): one page at a time. */
	if (unlikely(high < base_batch))
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (high_min != high_max && !test_bit(ZONE_BELOW_HIGH, &zone->flags)) {
		high = min(high + batch, high_max);
		WRITE_ONCE(pcp->high, high);
	}
	if (!order) {
		int max_nr_alloc = max(high - pcp->count - base_batch, base_batch);

		if (batch <= max_nr_alloc && pcp->alloc_factor < kmm_pcp_batch_scale_max)
			pcp->alloc_factor++;
		batch = min(batch, max_nr_alloc);
	}
	/* A batch of 1 (tiny zone) never keeps pages on the list. */
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high, bool free_high)
{
	if (unlikely(free_high))
		return min(pcp->count, batch << kmm_pcp_batch_scale_max);
	if (unlikely(high < batch))
		return 1;
	/* At least batch, leaving batch on the list; more after a run of frees. */
	return clamp((int)pcp->free_count, batch, high - batch);
}

static int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone, int batch, bool free_high)
{
	int high_min = pcp->high_min, high_max = pcp->high_max;
	int high = clamp_high(pcp);

	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		WRITE_ONCE(pcp->high, max(high - (batch << kmm_pcp_batch_scale_max), high_min));
		return 0;
	}
	if (high_min == high_max)
		return high;
	if (test_bit(ZONE_BELOW_HIGH, &zone->flags)) {
		int free_count = max((int)pcp->free_count, batch);

		WRITE_ONCE(pcp->high, max(high - free_count, high_min));
		high = max(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		/* Room for the pages a run of frees is giving back. */
		if (high < need_high)
			WRITE_ONCE(pcp->high, clamp(need_high, high_min, high_max));
	}
	return high;
}

/*
 * The second half of a free to the pcp, after the page is on the list,
 * count and free_count are updated: decide whether to drain, and how much.
 */
void kmm_pcp_free_tail(struct zone *zone, struct per_cpu_pages *pcp, int pindex, bool free_high)
{
	int batch = pcp->batch, high = nr_pcp_high(pcp, zone, batch, free_high);

	if (pcp->count < high)
		return;
	kmm_free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high, free_high), pcp, pindex);
	if (test_bit(ZONE_BELOW_HIGH, &zone->flags) &&
	    kmm_zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0))
		clear_bit(ZONE_BELOW_HIGH, &zone->flags);
	pcp_maybe_decay(zone, pcp);
}

/*
 * free_unref_page_commit(): put a page (of a pcp order) on the held pcp,
 * account it, and drain if the pcp is over its (tuned) high.
 */
void kmm_pcp_free_commit(struct zone *zone, struct per_cpu_pages *pcp, struct page *page,
			 int migratetype, unsigned int order)
{
	int pindex = kmm_order_to_pindex(migratetype, order);
	bool free_high = pcp_list_free(pcp, page, pindex, order);

	/*
	 * Below high (which always lies in [high_min, high_max]) with the
	 * zone above its high watermark, nr_pcp_high() changes nothing and
	 * nothing drains.
	 */
	if (likely(!free_high && pcp->count < pcp->high && !test_bit(ZONE_BELOW_HIGH, &zone->flags)))
		return;
	kmm_pcp_free_tail(zone, pcp, pindex, free_high);
}

/* ---- claiming a pcp from another CPU (pcp_lock.h) -------------------- */

void kmm_pcp_claim(struct per_cpu_pages *pcp, int cpu)
{
	unsigned int spins = 0;

	if (!kmm_percpu_rseq)
		return;
	__atomic_store_n(&pcp->remote, 1, __ATOMIC_SEQ_CST);
	/* Registered at boot; it cannot fail for a CPU of the machine. */
	BUG_ON(!kmm_rseq_fence(cpu));
	/* A holder that committed before the fence finishes its short work. */
	while (__atomic_load_n(&pcp->locked, __ATOMIC_ACQUIRE)) {
		if (++spins < 128)
			cpu_relax();
		else
			sched_yield();
	}
}

void kmm_pcp_unclaim(struct per_cpu_pages *pcp)
{
	if (kmm_percpu_rseq)
		__atomic_store_n(&pcp->remote, 0, __ATOMIC_RELEASE);
}

/* ---- draining pcp lists ---------------------------------------------- */

static void drain_pages_zone(int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

	int count;

	/*
	 * In chunks, letting go of the pcp between them (latency), until what
	 * was there at the start is gone: pages the CPU frees meanwhile stay
	 * (re-reading the count could chase a busy CPU for ever).
	 */
	do {
		pcp_lock_remote(pcp, cpu);
		count = pcp->count;
		if (count > 0) {
			int to_drain = min(count, pcp->batch << kmm_pcp_batch_scale_max);

			kmm_free_pcppages_bulk(zone, to_drain, pcp, 0);
			count -= to_drain;
		}
		pcp_unlock_remote(pcp);
	} while (count > 0);
}

KMM_API void kmm_drain_local_pages(struct zone *zone)
{
	int cpu = kmm_this_cpu();

	if (!kmm_mem_map)
		return;
	if (zone) {
		drain_pages_zone(cpu, zone);
		return;
	}
	for_each_zone(zone)
		drain_pages_zone(cpu, zone);
}

KMM_API void kmm_drain_all_pages(struct zone *zone)
{
	int cpu;

	if (!kmm_mem_map)
		return;
	for_each_possible_cpu(cpu) {
		struct zone *z;

		if (zone) {
			drain_pages_zone(cpu, zone);
			continue;
		}
		for_each_zone(z)
			drain_pages_zone(cpu, z);
	}
}

unsigned long kmm_zone_pcp_pages_cpu(struct zone *zone, int cpu)
{
	return (unsigned long)max(READ_ONCE(zone->per_cpu_pageset[cpu].count), 0);
}

unsigned long kmm_zone_pcp_pages(struct zone *zone)
{
	unsigned long sum = 0;
	int cpu;

	if (!zone->per_cpu_pageset)
		return 0;
	for_each_possible_cpu(cpu)
		sum += kmm_zone_pcp_pages_cpu(zone, cpu);
	return sum;
}

unsigned long kmm_sum_zone_event(struct zone *zone, int item)
{
	long sum = atomic_long_read(&zone->events[item]);
	int cpu;

	if (zone->per_cpu_pageset)
		for_each_possible_cpu(cpu)
			sum += pcp_event(&zone->per_cpu_pageset[cpu], item);
	return (unsigned long)sum;
}

unsigned long kmm_sum_zone_numa(struct zone *zone, int item)
{
	long sum = atomic_long_read(&zone->numa[item]);
	int cpu;

	if (zone->per_cpu_pageset)
		for_each_possible_cpu(cpu)
			sum += pcp_numa(&zone->per_cpu_pageset[cpu], item);
	return (unsigned long)sum;
}

KMM_API unsigned long kmm_global_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;
	struct zone *zone;

	if (!kmm_mem_map)
		return 0;
	for_each_zone(zone)
		sum += kmm_sum_zone_event(zone, item);
	return sum;
}

