// SPDX-License-Identifier: MIT
/*
 * Boot-time memory layout (mm/mm_init.c): reserve kmm's "physical memory"
 * and its mem_map, split it into nodes (numa=fake=N) and zones (DMA,
 * Normal, Movable), initialise every struct page and pageblock, build the
 * zonelists, hand all memory to the buddy allocator, size watermarks and
 * per-CPU lists.  kmm_mm_exit() reports what is still allocated and tears
 * it all down.
 *
 * Runs single-threaded, before (or after) any allocation can happen.
 */
#include "mm/internal.h"
#include "arch/arch.h"
#include "arch/rseq.h"
#include "kernel/internal.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

struct kmm_mm_params kmm_mm_params;
KMM_API struct page *kmm_mem_map;
KMM_API char *kmm_mem_base;
KMM_API unsigned long kmm_max_pfn;
KMM_API pg_data_t *kmm_node_data[MAX_NUMNODES];
KMM_API int kmm_nr_online_nodes = 1;
unsigned long kmm_total_pages;
int kmm_cpu_to_node_map[MAX_NR_CPUS];
struct zoneref *kmm_first_zoneref[MAX_NUMNODES][MAX_ZONELISTS][MAX_NR_ZONES];

static const char * const zone_names[MAX_NR_ZONES] = { "DMA", "Normal", "Movable" };

void kmm_setup_vmstat_thresholds(void);

/* ---- boot parameters ------------------------------------------------- */

static void mm_param_defaults(void)
{
	memset(&kmm_mm_params, 0, sizeof(kmm_mm_params));
	kmm_mm_params.mem_bytes = 1ULL << 30;
	kmm_mm_params.nr_nodes = 1;
	kmm_mm_params.min_free_kbytes = -1;
	kmm_mm_params.watermark_scale_factor = 10;
	kmm_mm_params.dma_bytes = 16ULL << 20;
	kmm_rseq_param = true;
}
param_defaults(mm_param_defaults);

static int parse_bool_param(char *val, bool *res)
{
	if (!val) {		/* a bare "debug_pagealloc" means on */
		*res = true;
		return 0;
	}
	return kmm_kstrtobool(val, res) ? -EINVAL : 0;
}

static int parse_size_param(char *val, unsigned long long *res)
{
	char *end;
	unsigned long long v;

	if (!val || !*val)
		return -EINVAL;
	v = kmm_memparse(val, &end);
	if (*end)
		return -EINVAL;
	*res = v;
	return 0;
}

static int setup_mem(char *val)
{
	return parse_size_param(val, &kmm_mm_params.mem_bytes);
}
__setup("mem", setup_mem);

static int setup_numa(char *val)
{
	char *end;
	long n;

	if (!val)
		return -EINVAL;
	if (!strcmp(val, "off")) {
		kmm_mm_params.nr_nodes = 1;
		return 0;
	}
	if (strncmp(val, "fake=", 5))
		return -EINVAL;
	n = strtol(val + 5, &end, 10);
	if (*end || n < 1 || n > MAX_NUMNODES)
		return -EINVAL;
	kmm_mm_params.nr_nodes = (int)n;
	return 0;
}
__setup("numa", setup_numa);

static int setup_min_free_kbytes(char *val)
{
	char *end;
	long v;

	if (!val)
		return -EINVAL;
	v = strtol(val, &end, 0);
	if (*end || v < 0)
		return -EINVAL;
	kmm_mm_params.min_free_kbytes = v;
	return 0;
}
__setup("min_free_kbytes", setup_min_free_kbytes);

static int setup_watermark_scale_factor(char *val)
{
	char *end;
	long v;

	if (!val)
		return -EINVAL;
	v = strtol(val, &end, 0);
	if (*end || v < 1 || v > 3000)	/* the sysctl's range */
		return -EINVAL;
	kmm_mm_params.watermark_scale_factor = (int)v;
	return 0;
}
__setup("watermark_scale_factor", setup_watermark_scale_factor);

static int setup_watermark_check(char *val)
{
	if (!val)
		return -EINVAL;
	if (!strcmp(val, "legacy"))
		kmm_mm_params.watermark_legacy = true;
	else if (!strcmp(val, "modern"))
		kmm_mm_params.watermark_legacy = false;
	else
		return -EINVAL;
	return 0;
}
__setup("watermark_check", setup_watermark_check);

static int setup_debug_pagealloc(char *val)
{
	return parse_bool_param(val, &kmm_mm_params.debug_pagealloc);
}
__setup("debug_pagealloc", setup_debug_pagealloc);

static int setup_page_poison(char *val)
{
	return parse_bool_param(val, &kmm_mm_params.page_poison);
}
__setup("page_poison", setup_page_poison);

static int setup_init_on_free(char *val)
{
	return parse_bool_param(val, &kmm_mm_params.init_on_free);
}
__setup("init_on_free", setup_init_on_free);

static int setup_init_on_alloc(char *val)
{
	return parse_bool_param(val, &kmm_mm_params.init_on_alloc);
}
__setup("init_on_alloc", setup_init_on_alloc);

static int setup_mobility_grouping(char *val)
{
	bool on;

	if (parse_bool_param(val, &on))
		return -EINVAL;
	kmm_mm_params.mobility_disabled = !on;
	return 0;
}
__setup("mobility_grouping", setup_mobility_grouping);

static int setup_movablecore(char *val)
{
	return parse_size_param(val, &kmm_mm_params.movablecore);
}
__setup("movablecore", setup_movablecore);

static int setup_dma_size(char *val)
{
	return parse_size_param(val, &kmm_mm_params.dma_bytes);
}
__setup("kmm.dma_size", setup_dma_size);

static int setup_nr_cpus(char *val)
{
	char *end;
	long v;

	if (!val)
		return -EINVAL;
	v = strtol(val, &end, 0);
	if (*end || v < 1 || v > MAX_NR_CPUS)
		return -EINVAL;
	kmm_mm_params.nr_cpus = (int)v;
	return 0;
}
__setup("nr_cpus", setup_nr_cpus);

/* kmm.rseq=off: per-CPU fast paths with locked compare-and-swap instead
 * of restartable sequences (src/arch/rseq.h). */
static int setup_rseq(char *val)
{
	return parse_bool_param(val, &kmm_rseq_param);
}
__setup("kmm.rseq", setup_rseq);

/* ---- layout ------------------------------------------------------------ */

static void *meta_alloc(size_t size)
{
	return kmm_arch_reserve(ALIGN(size, PAGE_SIZE), PAGE_SIZE);
}

static void meta_free(void *p, size_t size)
{
	kmm_arch_release(p, ALIGN(size, PAGE_SIZE));
}

static size_t pcp_bytes(void)
{
	return sizeof(struct per_cpu_pages) * kmm_nr_cpu_ids;
}

static size_t zonestat_bytes(void)
{
	return sizeof(struct per_cpu_zonestat) * kmm_nr_cpu_ids;
}

static size_t pageblock_bytes(const struct zone *zone)
{
	return (zone->spanned_pages >> pageblock_order) + 1;
}

static int init_zone(pg_data_t *pgdat, int zid, unsigned long start_pfn, unsigned long nr)
{
	struct zone *zone = &pgdat->node_zones[zid];
	int order, t;

	zone->name = zone_names[zid];
	zone->node = pgdat->node_id;
	zone->zone_pgdat = pgdat;
	zone->zone_start_pfn = start_pfn;
	zone->spanned_pages = nr;
	zone->present_pages = nr;
	atomic_long_set(&zone->managed_pages, (long)nr);
	spin_lock_init(&zone->lock);
	for (order = 0; order < NR_PAGE_ORDERS; order++)
		for (t = 0; t < MIGRATE_TYPES; t++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list[t]);
	zone->pageblock_flags = meta_alloc(pageblock_bytes(zone));
	zone->per_cpu_pageset = meta_alloc(pcp_bytes());
	zone->per_cpu_zonestats = meta_alloc(zonestat_bytes());
	if (!zone->pageblock_flags || !zone->per_cpu_pageset || !zone->per_cpu_zonestats)
		return -ENOMEM;
	/* Every pageblock starts movable, as in the kernel. */
	memset(zone->pageblock_flags, MIGRATE_MOVABLE, pageblock_bytes(zone));
	if (nr)
		pgdat->nr_zones = zid + 1;
	return 0;
}

static void init_memmap(pg_data_t *pgdat)
{
	int zid;

	for (zid = 0; zid < MAX_NR_ZONES; zid++) {
		struct zone *zone = &pgdat->node_zones[zid];
		unsigned long pfn;

		for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++) {
			struct page *page = pfn_to_page(pfn);

			page->flags = ((unsigned long)pgdat->node_id << NODES_PGSHIFT) |
				      ((unsigned long)zid << ZONES_PGSHIFT);
			INIT_LIST_HEAD(&page->lru);
			page->page_type = UINT32_MAX;	/* _mapcount -1 */
			set_page_count(page, 0);
		}
	}
}

/* Nodes nearest first (fake nodes: this one, then the next ones round),
 * each node's zones highest first. */
static void build_zonelists(pg_data_t *pgdat)
{
	struct zoneref *zr = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	struct zoneref *nf = pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	int i, zid;

	for (i = 0; i < kmm_nr_online_nodes; i++) {
		pg_data_t *n = NODE_DATA((pgdat->node_id + i) % kmm_nr_online_nodes);

		for (zid = MAX_NR_ZONES - 1; zid >= 0; zid--) {
			struct zone *zone = &n->node_zones[zid];

			if (!populated_zone(zone))
				continue;
			zr->zone = zone;
			zr->zone_idx = zid;
			zr++;
			if (i == 0) {
				nf->zone = zone;
				nf->zone_idx = zid;
				nf++;
			}
		}
	}
	zr->zone = NULL;
	nf->zone = NULL;

	for (i = 0; i < MAX_ZONELISTS; i++)
		for (zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zoneref *z = pgdat->node_zonelists[i]._zonerefs;

			while (z->zone && z->zone_idx > zid)
				z++;
			kmm_first_zoneref[pgdat->node_id][i][zid] = z->zone ? z : NULL;
		}
}

KMM_API struct zone *kmm_next_zone(struct zone *zone)
{
	pg_data_t *pgdat;
	int nid;

	if (!zone) {
		if (!kmm_nr_online_nodes || !NODE_DATA(0))
			return NULL;
		return &NODE_DATA(0)->node_zones[0];
	}
	pgdat = zone->zone_pgdat;
	if (zone < pgdat->node_zones + MAX_NR_ZONES - 1)
		return zone + 1;
	nid = pgdat->node_id + 1;
	if (nid >= kmm_nr_online_nodes)
		return NULL;
	return &NODE_DATA(nid)->node_zones[0];
}

static void print_layout(void)
{
	int nid, zid;

	pr_info("Zone ranges:\n");
	for (zid = 0; zid < MAX_NR_ZONES; zid++) {
		unsigned long start = ~0UL, end = 0;

		if (zid == ZONE_MOVABLE)
			continue;
		for_each_online_node(nid) {
			struct zone *z = &NODE_DATA(nid)->node_zones[zid];

			if (!populated_zone(z))
				continue;
			start = min(start, z->zone_start_pfn);
			end = max(end, zone_end_pfn(z));
		}
		if (end)
			pr_info("  %-8s [mem 0x%016llx-0x%016llx]\n", zone_names[zid],
				(unsigned long long)PFN_PHYS(start),
				(unsigned long long)PFN_PHYS(end) - 1);
		else
			pr_info("  %-8s empty\n", zone_names[zid]);
	}
	pr_info("Movable zone start for each node\n");
	for_each_online_node(nid) {
		struct zone *z = &NODE_DATA(nid)->node_zones[ZONE_MOVABLE];

		if (populated_zone(z))
			pr_info("  Node %d: 0x%016llx\n", nid,
				(unsigned long long)PFN_PHYS(z->zone_start_pfn));
	}
	pr_info("Early memory node ranges\n");
	for_each_online_node(nid) {
		pg_data_t *p = NODE_DATA(nid);

		pr_info("  node %3d: [mem 0x%016llx-0x%016llx]\n", nid,
			(unsigned long long)PFN_PHYS(p->node_start_pfn),
			(unsigned long long)PFN_PHYS(p->node_start_pfn + p->node_spanned_pages) - 1);
	}
	for_each_online_node(nid) {
		pg_data_t *p = NODE_DATA(nid);

		pr_info("Initmem setup node %d [mem 0x%016llx-0x%016llx]\n", nid,
			(unsigned long long)PFN_PHYS(p->node_start_pfn),
			(unsigned long long)PFN_PHYS(p->node_start_pfn + p->node_spanned_pages) - 1);
	}
}

static void free_all_metadata(void)
{
	int nid, zid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		pg_data_t *pgdat = kmm_node_data[nid];

		if (!pgdat)
			continue;
		for (zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *zone = &pgdat->node_zones[zid];

			meta_free(zone->pageblock_flags, pageblock_bytes(zone));
			meta_free(zone->per_cpu_pageset, pcp_bytes());
			meta_free(zone->per_cpu_zonestats, zonestat_bytes());
		}
		meta_free(pgdat, sizeof(*pgdat));
		kmm_node_data[nid] = NULL;
	}
}

int kmm_mm_init(void)
{
	unsigned long total_pages, per_node, movable_per_node, dma_pages;
	unsigned long long phys;
	unsigned long pfn = 0;
	int nid, ret;

	kmm_arch_cpu_init();
	kmm_nr_cpu_ids = kmm_arch_nr_cpus();
	if (kmm_mm_params.nr_cpus && (unsigned int)kmm_mm_params.nr_cpus < kmm_nr_cpu_ids)
		kmm_nr_cpu_ids = (unsigned int)kmm_mm_params.nr_cpus;
	if (kmm_nr_cpu_ids > MAX_NR_CPUS)
		kmm_nr_cpu_ids = MAX_NR_CPUS;
	kmm_rseq_init(kmm_nr_cpu_ids);

	/*
	 * Like the kernel, kmm cannot have more memory than the machine: the
	 * mem_map alone is touched in full at boot (1.5% of mem=).
	 */
	phys = (unsigned long long)sysconf(_SC_PHYS_PAGES) * (unsigned long long)sysconf(_SC_PAGESIZE);
	if (phys && kmm_mm_params.mem_bytes > phys) {
		pr_warn("kmm: mem=%lluM is more than the machine's %lluM of RAM, using %lluM\n",
			kmm_mm_params.mem_bytes >> 20, phys >> 20, phys >> 20);
		kmm_mm_params.mem_bytes = phys;
	}
	kmm_nr_online_nodes = kmm_mm_params.nr_nodes;
	for (nid = 0; nid < MAX_NR_CPUS; nid++)
		kmm_cpu_to_node_map[nid] = nid % kmm_nr_online_nodes;
	total_pages = (unsigned long)(kmm_mm_params.mem_bytes >> PAGE_SHIFT);
	per_node = ALIGN_DOWN(total_pages / (unsigned long)kmm_nr_online_nodes, MAX_ORDER_NR_PAGES);
	if (!per_node) {
		pr_err("kmm: mem=%llu is too small for %d node(s): each needs %lu kB at least\n",
		       kmm_mm_params.mem_bytes, kmm_nr_online_nodes, K(MAX_ORDER_NR_PAGES));
		return -EINVAL;
	}
	total_pages = per_node * (unsigned long)kmm_nr_online_nodes;
	movable_per_node = ALIGN_DOWN((unsigned long)(kmm_mm_params.movablecore >> PAGE_SHIFT) /
				      (unsigned long)kmm_nr_online_nodes, MAX_ORDER_NR_PAGES);
	dma_pages = ALIGN((unsigned long)(kmm_mm_params.dma_bytes >> PAGE_SHIFT), MAX_ORDER_NR_PAGES);

	kmm_total_pages = total_pages;
	kmm_mem_base = kmm_arch_reserve(total_pages << PAGE_SHIFT, MAX_ORDER_NR_PAGES << PAGE_SHIFT);
	kmm_mem_map = kmm_arch_reserve(total_pages * sizeof(struct page), PAGE_SIZE);
	if (!kmm_mem_base || !kmm_mem_map) {
		pr_err("kmm: cannot reserve %lu kB of memory and its mem_map\n", K(total_pages));
		ret = -ENOMEM;
		goto out_free;
	}
	kmm_max_pfn = total_pages;

	for_each_online_node(nid) {
		pg_data_t *pgdat = meta_alloc(sizeof(*pgdat));
		unsigned long dma = 0, movable, normal;

		if (!pgdat) {
			ret = -ENOMEM;
			goto out_free;
		}
		kmm_node_data[nid] = pgdat;
		pgdat->node_id = nid;
		pgdat->node_start_pfn = pfn;
		pgdat->node_spanned_pages = per_node;
		pgdat->node_present_pages = per_node;
		pgdat->node_mem_map = pfn_to_page(pfn);
		if (nid == 0)
			dma = min(dma_pages, per_node);
		movable = min(movable_per_node, per_node - dma);
		normal = per_node - dma - movable;
		ret = init_zone(pgdat, ZONE_DMA, pfn, dma);
		if (!ret)
			ret = init_zone(pgdat, ZONE_NORMAL, pfn + dma, normal);
		if (!ret)
			ret = init_zone(pgdat, ZONE_MOVABLE, pfn + dma + normal, movable);
		if (ret)
			goto out_free;
		init_memmap(pgdat);
		pfn += per_node;
	}
	for_each_online_node(nid)
		build_zonelists(NODE_DATA(nid));

	if (total_pages < pageblock_nr_pages * MIGRATE_TYPES)
		kmm_mm_params.mobility_disabled = true;

	print_layout();
	for_each_online_node(nid) {
		int zid;

		for (zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *z = &NODE_DATA(nid)->node_zones[zid];

			if (populated_zone(z))
				kmm_free_one_range_boot(z->zone_start_pfn, zone_end_pfn(z));
		}
	}
	pr_info("Built %d zonelists, mobility grouping %s.  Total pages: %lu\n",
		kmm_nr_online_nodes, page_group_by_mobility_disabled ? "off" : "on", total_pages);

	kmm_init_per_zone_wmark_min();
	kmm_setup_pagesets();
	kmm_setup_vmstat_thresholds();
	ret = kmm_page_debug_init();
	if (ret)
		goto out_free;
	pr_info("Memory: %luK/%luK available\n", K(kmm_nr_free_pages()), K(total_pages));
	kmm_pcp_fast_setup(true);
	return 0;

out_free:
	kmm_mm_exit();
	return ret;
}

KMM_API unsigned long kmm_totalram_pages(void)
{
	unsigned long sum = 0;
	struct zone *zone;

	if (!kmm_mem_map)
		return 0;
	for_each_zone(zone)
		sum += zone_managed_pages(zone);
	return sum;
}

KMM_API unsigned long kmm_nr_free_pages(void)
{
	unsigned long sum = 0;
	struct zone *zone;

	if (!kmm_mem_map)
		return 0;
	for_each_zone(zone)
		sum += kmm_zone_page_state_snapshot(zone, NR_FREE_PAGES);
	return sum;
}

/* Report what the program still holds: one line per allocation, bounded. */
static void report_leaks(void)
{
	unsigned long pfn, leaked = 0, shown = 0, bad = 0;
	struct zone *zone;

	for_each_zone(zone)
		bad += (unsigned long)atomic_long_read(&zone->nr_bad_pages);
	for (pfn = 0; pfn < kmm_max_pfn;) {
		struct page *page = pfn_to_page(pfn);
		int order;

		if (PageBuddy(page)) {
			pfn += 1UL << buddy_order(page);
			continue;
		}
		if (page_ref_count(page) <= 0 || PageTail(page)) {
			pfn++;
			continue;
		}
		order = PageHead(page) ? (int)compound_order(page) : max(kmm_get_alloc_order(page), 0);
		leaked += 1UL << order;
		if (shown++ < 16)
			pr_warn("kmm: leaked pfn:%05lx order:%d refcount:%d\n", pfn, order,
				page_ref_count(page));
		pfn += 1UL << order;
	}
	if (leaked)
		pr_warn("kmm: %lu pages (%lu kB) in %lu allocations still in use at kmm_exit()\n",
			leaked, K(leaked), shown);
	if (bad)
		pr_warn("kmm: %lu bad pages were kept out of circulation\n", bad);
}

void kmm_mm_exit(void)
{
	kmm_pcp_fast_setup(false);
	if (kmm_mem_map && kmm_node_data[0] && kmm_node_data[0]->node_zones[0].per_cpu_pageset) {
		kmm_drain_all_pages(NULL);
		report_leaks();
	}
	kmm_page_debug_exit();
	free_all_metadata();
	kmm_arch_release(kmm_mem_base, kmm_total_pages << PAGE_SHIFT);
	kmm_arch_release(kmm_mem_map, kmm_total_pages * sizeof(struct page));
	kmm_mem_base = NULL;
	kmm_mem_map = NULL;
	kmm_max_pfn = 0;
	kmm_total_pages = 0;
	kmm_nr_online_nodes = 1;
}
