// SPDX-License-Identifier: MIT
/*
 * vmstat counters (mm/vmstat.c semantics): per-zone atomics with per-CPU
 * deltas folded in past a threshold, per-node atomics, event sums.
 *
 * A delta may be updated from any thread at any time (a thread may
 * migrate mid-update), so every update is an atomic compare-and-swap on
 * the delta byte; no lock is needed.
 */
#include "mm/internal.h"

/* Linux 6.12 calculate_normal_threshold(): grows with CPUs and zone size. */
static int calculate_normal_threshold(struct zone *zone)
{
	unsigned long mem = zone_managed_pages(zone) >> (27 - PAGE_SHIFT);
	int cpus = (int)kmm_nr_cpu_ids;
	int fls_cpus = cpus ? 32 - __builtin_clz((unsigned int)cpus) : 0;
	int fls_mem = mem ? 64 - __builtin_clzl(mem) : 0;
	int threshold = 2 * fls_cpus * (1 + fls_mem);

	return min(125, threshold);
}

void kmm_setup_vmstat_thresholds(void);
void kmm_setup_vmstat_thresholds(void)
{
	struct zone *zone;
	int cpu;

	for_each_zone(zone) {
		int threshold = calculate_normal_threshold(zone);
		unsigned long max_drift = (unsigned long)kmm_nr_cpu_ids * (unsigned long)threshold;

		for_each_possible_cpu(cpu)
			zone->per_cpu_zonestats[cpu].stat_threshold = (s8)threshold;
		/* Below this, the counter may be off by enough to matter. */
		zone->percpu_drift_mark =
			max_drift > low_wmark_pages(zone) - min_wmark_pages(zone) ?
			high_wmark_pages(zone) + max_drift : 0;
	}
}

KMM_API void kmm_mod_zone_page_state(struct zone *zone, enum zone_stat_item item, long delta)
{
	struct per_cpu_zonestat *pzstats;
	s8 old, new_v;
	long t;

	if (!zone->per_cpu_zonestats) {
		atomic_long_add(delta, &zone->vm_stat[item]);
		return;
	}
	pzstats = &zone->per_cpu_zonestats[kmm_this_cpu()];
	t = pzstats->stat_threshold;
	if (delta > t || delta < -t) {
		atomic_long_add(delta, &zone->vm_stat[item]);
		return;
	}
	old = atomic_load_explicit(&pzstats->vm_stat_diff[item], memory_order_relaxed);
	for (;;) {
		long v = old + delta;

		if (v > t || v < -t) {
			/* Fold: keep nothing in the delta. */
			new_v = 0;
			if (atomic_compare_exchange_weak_explicit(&pzstats->vm_stat_diff[item], &old,
								  new_v, memory_order_relaxed,
								  memory_order_relaxed)) {
				atomic_long_add(v, &zone->vm_stat[item]);
				return;
			}
		} else {
			new_v = (s8)v;
			if (atomic_compare_exchange_weak_explicit(&pzstats->vm_stat_diff[item], &old,
								  new_v, memory_order_relaxed,
								  memory_order_relaxed))
				return;
		}
	}
}

KMM_API unsigned long kmm_zone_page_state_snapshot(struct zone *zone, enum zone_stat_item item)
{
	long x = atomic_long_read(&zone->vm_stat[item]);
	int cpu;

	if (zone->per_cpu_zonestats)
		for_each_possible_cpu(cpu)
			x += atomic_load_explicit(&zone->per_cpu_zonestats[cpu].vm_stat_diff[item],
						  memory_order_relaxed);
	return x < 0 ? 0 : (unsigned long)x;
}

KMM_API unsigned long kmm_global_zone_page_state(enum zone_stat_item item)
{
	unsigned long sum = 0;
	struct zone *zone;

	if (!kmm_mem_map)
		return 0;
	for_each_zone(zone)
		sum += zone_page_state(zone, item);
	return sum;
}

KMM_API void kmm_refresh_vm_stats(void)
{
	struct zone *zone;
	int cpu, i;

	if (!kmm_mem_map)
		return;
	for_each_zone(zone) {
		if (!zone->per_cpu_zonestats)
			continue;
		for_each_possible_cpu(cpu) {
			struct per_cpu_zonestat *p = &zone->per_cpu_zonestats[cpu];

			for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
				s8 v = atomic_exchange_explicit(&p->vm_stat_diff[i], 0,
								memory_order_relaxed);
				if (v)
					atomic_long_add(v, &zone->vm_stat[i]);
			}
		}
	}
}

static bool vmstat_item_in_bytes(enum node_stat_item item)
{
	return item == NR_SLAB_RECLAIMABLE_B || item == NR_SLAB_UNRECLAIMABLE_B;
}

/* The _B items are given in bytes (whole pages) and kept in pages. */
KMM_API void kmm_mod_node_page_state(pg_data_t *pgdat, enum node_stat_item item, long delta)
{
	if (vmstat_item_in_bytes(item)) {
		WARN_ON_ONCE(delta & (long)(PAGE_SIZE - 1));
		delta /= (long)PAGE_SIZE;
	}
	atomic_long_add(delta, &pgdat->vm_stat[item]);
}

KMM_API unsigned long kmm_node_page_state(pg_data_t *pgdat, enum node_stat_item item)
{
	long x = atomic_long_read(&pgdat->vm_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

KMM_API unsigned long kmm_global_node_page_state(enum node_stat_item item)
{
	unsigned long sum = 0;
	int nid;

	if (!kmm_mem_map)
		return 0;
	for_each_online_node(nid)
		sum += kmm_node_page_state(NODE_DATA(nid), item);
	return sum;
}
