// SPDX-License-Identifier: MIT
/*
 * Watermarks, lowmem reserves and per-CPU list sizing (Linux 6.12's
 * mm/page_alloc.c and mm/mm_init.c rules), and zone_watermark_ok() in two
 * versions: the modern order-aware check, and the 2.6.3x check selected by
 * watermark_check=legacy so that reports from older kernels reproduce.
 *
 * The setup functions run at boot, before other threads can allocate.
 */
#include "mm/internal.h"

long kmm_min_free_kbytes = 1024;
/* Linux 6.12 defaults: DMA 256, DMA32 256, NORMAL 32, MOVABLE 0. */
int kmm_sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 32, 0 };

#define SWAP_CLUSTER_MAX 32UL

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (BITS_PER_LONG - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static unsigned long rounddown_pow_of_two(unsigned long n)
{
	return n ? 1UL << (BITS_PER_LONG - 1 - __builtin_clzl(n)) : 0;
}

static bool zone_is_lowmem(const struct zone *zone)
{
	return zone_idx(zone) != ZONE_MOVABLE;
}

/* Pages usable for buffers: managed lowmem above the high watermark. */
static unsigned long nr_free_buffer_pages(void)
{
	unsigned long sum = 0;
	struct zone *zone;

	for_each_zone(zone) {
		unsigned long size = zone_managed_pages(zone);
		unsigned long high = high_wmark_pages(zone);

		if (zone_is_lowmem(zone) && size > high)
			sum += size - high;
	}
	return sum;
}

/*
 * min_free_kbytes = sqrt(lowmem_kbytes * 16), clamped to [128, 262144]:
 * 2048 for 256 MiB, 4096 for 1 GiB.  min_free_kbytes= on the command line
 * acts as the kernel's vm.min_free_kbytes sysctl written after boot: it
 * replaces the derived value.
 */
void kmm_init_per_zone_wmark_min(void)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages() * (PAGE_SIZE >> 10);
	long new_min = (long)int_sqrt(lowmem_kbytes * 16);

	kmm_min_free_kbytes = clamp(new_min, 128L, 262144L);
	if (kmm_mm_params.min_free_kbytes >= 0)
		kmm_min_free_kbytes = kmm_mm_params.min_free_kbytes;
	kmm_setup_per_zone_wmarks();
	kmm_setup_per_zone_lowmem_reserve();
}

void kmm_setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)kmm_min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *zone;

	for_each_zone(zone)
		if (zone_is_lowmem(zone))
			lowmem_pages += zone_managed_pages(zone);

	for_each_zone(zone) {
		unsigned long managed = zone_managed_pages(zone);
		u64 tmp = lowmem_pages ? (u64)pages_min * managed / lowmem_pages : 0;

		spin_lock(&zone->lock);
		if (!zone_is_lowmem(zone)) {
			unsigned long min_pages = clamp(managed / 1024, SWAP_CLUSTER_MAX, 128UL);

			zone->_watermark[WMARK_MIN] = min_pages;
		} else {
			zone->_watermark[WMARK_MIN] = tmp;
		}
		tmp = max_t(u64, tmp >> 2,
			    (u64)managed * (u64)kmm_mm_params.watermark_scale_factor / 10000);
		zone->watermark_boost = 0;
		zone->_watermark[WMARK_LOW] = min_wmark_pages(zone) + tmp;
		zone->_watermark[WMARK_HIGH] = low_wmark_pages(zone) + tmp;
		zone->_watermark[WMARK_PROMO] = high_wmark_pages(zone) + tmp;
		spin_unlock(&zone->lock);
	}
	kmm_calculate_totalreserve_pages();
}

/*
 * lowmem_reserve[j] of a lower zone: pages it keeps back from allocations
 * that could have used zone j: the managed pages of the zones above it, up
 * to j, divided by its ratio.
 */
void kmm_setup_per_zone_lowmem_reserve(void)
{
	int nid, i, j;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			int ratio = kmm_sysctl_lowmem_reserve_ratio[i];
			bool clear = !ratio || !zone_managed_pages(zone);
			unsigned long managed = 0;

			for (j = i + 1; j < MAX_NR_ZONES; j++) {
				managed += zone_managed_pages(&pgdat->node_zones[j]);
				zone->lowmem_reserve[j] = clear ? 0 : (long)(managed / (unsigned long)ratio);
			}
		}
	}
	kmm_calculate_totalreserve_pages();
}

void kmm_calculate_totalreserve_pages(void)
{
	int nid, i, j;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		pgdat->totalreserve_pages = 0;
		for (i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			long max = 0;
			unsigned long managed = zone_managed_pages(zone);

			for (j = i; j < MAX_NR_ZONES; j++)
				if (zone->lowmem_reserve[j] > max)
					max = zone->lowmem_reserve[j];
			max += (long)high_wmark_pages(zone);
			if ((unsigned long)max > managed)
				max = (long)managed;
			pgdat->totalreserve_pages += (unsigned long)max;
		}
	}
}

/* ---- the checks ------------------------------------------------------ */

static inline long __zone_watermark_unusable_free(struct zone *z, unsigned int order,
						  unsigned int alloc_flags)
{
	long unusable_free = (1L << order) - 1;

	/* Only the callers allowed into reserves may use highatomic blocks. */
	if (likely(!(alloc_flags & ALLOC_RESERVES)))
		unusable_free += (long)READ_ONCE(z->nr_free_highatomic);
	return unusable_free;
}

/* Linux 6.12: order-0 watermark, then one suitable block of order or more. */
static bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
				int highest_zoneidx, unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;

	free_pages -= __zone_watermark_unusable_free(z, order, alloc_flags);
	if (unlikely(alloc_flags & ALLOC_RESERVES)) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	return zone_has_free_block(z, order, alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM));
}

/*
 * Linux 2.6.3x: subtract the free pages of each order below the request
 * and halve the watermark at each step.  __GFP_HIGH takes half the
 * watermark off, non-blocking callers ("ALLOC_HARDER") a quarter more.
 */
bool kmm___zone_watermark_ok_legacy(struct zone *z, unsigned int order, unsigned long mark,
				    int highest_zoneidx, unsigned int alloc_flags,
				    long free_pages);
bool kmm___zone_watermark_ok_legacy(struct zone *z, unsigned int order, unsigned long mark,
				    int highest_zoneidx, unsigned int alloc_flags,
				    long free_pages)
{
	long min = (long)mark;
	unsigned int o;

	free_pages -= (1L << order) - 1;
	if (alloc_flags & ALLOC_MIN_RESERVE)
		min -= min / 2;
	if (alloc_flags & ALLOC_NON_BLOCK)
		min -= min / 4;
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	for (o = 0; o < order; o++) {
		free_pages -= (long)(READ_ONCE(z->free_area[o].nr_free) << o);
		min >>= 1;
		if (free_pages <= min)
			return false;
	}
	return true;
}

bool kmm___zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			     int highest_zoneidx, unsigned int alloc_flags, long free_pages);
bool kmm___zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			     int highest_zoneidx, unsigned int alloc_flags, long free_pages)
{
	if (unlikely(kmm_mm_params.watermark_legacy))
		return kmm___zone_watermark_ok_legacy(z, order, mark, highest_zoneidx,
						      alloc_flags, free_pages);
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

KMM_API bool kmm_zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
				   int highest_zoneidx, unsigned int alloc_flags)
{
	return kmm___zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				       (long)kmm_zone_page_state_snapshot(z, NR_FREE_PAGES));
}

bool kmm_zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
			     int highest_zoneidx, unsigned int alloc_flags, gfp_t gfp_mask)
{
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES);

	if (!order && !kmm_mm_params.watermark_legacy) {
		long usable = free_pages;
		long reserved = __zone_watermark_unusable_free(z, 0, alloc_flags);

		usable -= min(usable, reserved);
		if (usable > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	return kmm___zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

/* ---- per-CPU list sizes ----------------------------------------------- */

/* ~0.1% of the zone or 1 MiB, whichever is smaller, as 2^n - 1. */
int kmm_zone_batchsize(struct zone *zone)
{
	long batch = (long)min(zone_managed_pages(zone) >> 10, SZ_1M / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	return (int)rounddown_pow_of_two((unsigned long)(batch + batch / 2)) - 1;
}

