/* SPDX-License-Identifier: MIT */
/*
 * vmstat counters.  Zone counters live in an atomic per zone plus a small
 * per-CPU delta folded in when it passes the zone's threshold (the
 * kernel's scheme): zone_page_state() is cheap and approximate,
 * zone_page_state_snapshot() adds the pending deltas.
 */
#ifndef KMM_VMSTAT_H
#define KMM_VMSTAT_H

#include <kmm/mmzone.h>

KMM_API void kmm_mod_zone_page_state(struct zone *zone, enum zone_stat_item item, long delta);
KMM_API unsigned long kmm_zone_page_state_snapshot(struct zone *zone, enum zone_stat_item item);
KMM_API unsigned long kmm_global_zone_page_state(enum zone_stat_item item);
/* The _B items take bytes (whole pages) and keep pages, as in the kernel. */
KMM_API void kmm_mod_node_page_state(pg_data_t *pgdat, enum node_stat_item item, long delta);
KMM_API unsigned long kmm_global_node_page_state(enum node_stat_item item);
KMM_API unsigned long kmm_node_page_state(pg_data_t *pgdat, enum node_stat_item item);
/* Sum of an event counter over all zones and CPUs. */
KMM_API unsigned long kmm_global_vm_event(enum vm_event_item item);
/* Fold every per-CPU delta into the zone counters. */
KMM_API void kmm_refresh_vm_stats(void);

static inline unsigned long zone_page_state(struct zone *zone, enum zone_stat_item item)
{
	long x = atomic_long_read(&zone->vm_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

#define mod_zone_page_state(z, i, d)	kmm_mod_zone_page_state(z, i, d)
#define zone_page_state_snapshot(z, i)	kmm_zone_page_state_snapshot(z, i)
#define global_zone_page_state(i)	kmm_global_zone_page_state(i)
#define mod_node_page_state(p, i, d)	kmm_mod_node_page_state(p, i, d)
#define global_node_page_state(i)	kmm_global_node_page_state(i)
#define node_page_state(p, i)		kmm_node_page_state(p, i)

#endif /* KMM_VMSTAT_H */
