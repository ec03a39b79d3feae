// SPDX-License-Identifier: MIT
/*
 * Memory reports in Linux 6.12's formats: the "meminfo" view
 * (fs/proc/meminfo.c with si_meminfo() and si_mem_available()),
 * kmm_show_mem() (mm/show_mem.c's __show_mem(): the "Mem-Info:" dump) and
 * kmm_warn_alloc() (mm/page_alloc.c's warn_alloc(): the "page allocation
 * failure" report).
 *
 * Where a line depends on the kernel's configuration, kmm prints what an
 * x86_64 kernel configured as follows prints: CONFIG_NUMA=y, CONFIG_MMU=y,
 * CONFIG_SWAP=y (no swap device), CONFIG_TRANSPARENT_HUGEPAGE=y,
 * CONFIG_HUGETLB_PAGE=y (one 2 MiB hstate: a CPU without gbpages, so no
 * 1 GiB pages and no DirectMap1G line), CONFIG_MEMORY_FAILURE=y,
 * CONFIG_MEMORY_ISOLATION=y; and CONFIG_HIGHMEM=n, CONFIG_CMA=n,
 * CONFIG_ZSWAP=n, CONFIG_SHADOW_CALL_STACK=n, CONFIG_UNACCEPTED_MEMORY=n,
 * CONFIG_CPUSETS=n, CONFIG_MEM_ALLOC_PROFILING=n.  Quantities kmm has no
 * notion of (page cache, anonymous memory, swap, vmalloc, huge pages ...)
 * are 0; the lines stay, so that scripts parsing them keep working.
 *
 * Counters are read with their per-CPU deltas (see vmstat_proc.c).
 *
 * Locking: a report holds kmm_report_lock() from its first line to its
 * last, and takes no mm lock inside it: other reports (bad_page()) take
 * kmm_report_lock() with zone->lock or a pcp lock held, so Mem-Info reads
 * the free-area counters, watermarks and pcp counts locklessly
 * (READ_ONCE, as their writers publish them; the kernel takes zone->lock
 * for the buddy lines, but has no report lock to order against).  With
 * the allocator quiet the numbers are exact.  The meminfo view takes no
 * lock either.  kmm_warn_alloc() is called with no mm lock held.
 */
#include "mm/internal.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>
#include <string.h>

KMM_LINK_ANCHOR(show_mem);

/* ---- helpers ------------------------------------------------------------ */

/* vmstat_proc.c */
unsigned long kmm_node_stat_pages(pg_data_t *pgdat, enum node_stat_item item);
unsigned long kmm_global_node_pages(enum node_stat_item item);
unsigned long kmm_global_zone_snapshot(enum zone_stat_item item);
unsigned long kmm_totalreserve_pages(void);

static bool mm_up(void)
{
	return kmm_mem_map && NODE_DATA(0);
}

/* Huge pages: one hstate of pageblock size (2 MiB), never populated. */
#define HPAGE_KB	(K(1UL) << pageblock_order)

/*
 * si_mem_available(): free pages less the reserves, plus the part of the
 * page cache and of the reclaimable kernel memory that could be freed
 * (kmm has no page cache; reclaimable slab counts).
 */
static long si_mem_available(void)
{
	unsigned long wmark_low = 0, pagecache = 0, reclaimable;
	struct zone *zone;
	long available;

	for_each_zone(zone)
		wmark_low += low_wmark_pages(zone);
	available = (long)kmm_global_zone_snapshot(NR_FREE_PAGES) - (long)kmm_totalreserve_pages();
	pagecache -= min(pagecache / 2, wmark_low);
	available += (long)pagecache;
	reclaimable = kmm_global_node_pages(NR_SLAB_RECLAIMABLE_B);
	reclaimable -= min(reclaimable / 2, wmark_low);
	available += (long)reclaimable;
	return available < 0 ? 0 : available;
}

/* ---- meminfo ------------------------------------------------------------ */

/* show_val_kb(): a 16-character label, then pages as kB in 8 columns. */
static void show_val_kb(FILE *f, const char *label, unsigned long pages)
{
	fprintf(f, "%s%8lu kB\n", label, K(pages));
}

static void meminfo_show(FILE *f)
{
	unsigned long totalram, freeram, sreclaimable, sunreclaim;

	if (!mm_up())
		return;
	totalram = kmm_totalram_pages();
	freeram = kmm_global_zone_snapshot(NR_FREE_PAGES);
	sreclaimable = kmm_global_node_pages(NR_SLAB_RECLAIMABLE_B);
	sunreclaim = kmm_global_node_pages(NR_SLAB_UNRECLAIMABLE_B);

	show_val_kb(f, "MemTotal:       ", totalram);
	show_val_kb(f, "MemFree:        ", freeram);
	show_val_kb(f, "MemAvailable:   ", (unsigned long)si_mem_available());
	show_val_kb(f, "Buffers:        ", 0);
	show_val_kb(f, "Cached:         ", 0);
	show_val_kb(f, "SwapCached:     ", 0);
	show_val_kb(f, "Active:         ", 0);
	show_val_kb(f, "Inactive:       ", 0);
	show_val_kb(f, "Active(anon):   ", 0);
	show_val_kb(f, "Inactive(anon): ", 0);
	show_val_kb(f, "Active(file):   ", 0);
	show_val_kb(f, "Inactive(file): ", 0);
	show_val_kb(f, "Unevictable:    ", 0);
	show_val_kb(f, "Mlocked:        ", kmm_global_zone_snapshot(NR_MLOCK));
	show_val_kb(f, "SwapTotal:      ", 0);
	show_val_kb(f, "SwapFree:       ", 0);
	show_val_kb(f, "Dirty:          ", 0);
	show_val_kb(f, "Writeback:      ", 0);
	show_val_kb(f, "AnonPages:      ", 0);
	show_val_kb(f, "Mapped:         ", 0);
	show_val_kb(f, "Shmem:          ", 0);
	show_val_kb(f, "KReclaimable:   ", sreclaimable);
	show_val_kb(f, "Slab:           ", sreclaimable + sunreclaim);
	show_val_kb(f, "SReclaimable:   ", sreclaimable);
	show_val_kb(f, "SUnreclaim:     ", sunreclaim);
	fprintf(f, "KernelStack:    %8lu kB\n", kmm_global_node_pages(NR_KERNEL_STACK_KB));
	show_val_kb(f, "PageTables:     ", kmm_global_node_pages(NR_PAGETABLE));
	show_val_kb(f, "SecPageTables:  ", 0);
	show_val_kb(f, "NFS_Unstable:   ", 0);
	show_val_kb(f, "Bounce:         ", kmm_global_zone_snapshot(NR_BOUNCE));
	show_val_kb(f, "WritebackTmp:   ", 0);
	/* vm_commit_limit() with vm.overcommit_ratio 50 and no swap. */
	show_val_kb(f, "CommitLimit:    ", totalram * 50 / 100);
	show_val_kb(f, "Committed_AS:   ", 0);
	fprintf(f, "VmallocTotal:   %8lu kB\n", 0UL);	/* kmm has no vmalloc area */
	show_val_kb(f, "VmallocUsed:    ", 0);
	show_val_kb(f, "VmallocChunk:   ", 0);
	show_val_kb(f, "Percpu:         ", 0);
	fprintf(f, "HardwareCorrupted: %5lu kB\n", 0UL);
	show_val_kb(f, "AnonHugePages:  ", 0);
	show_val_kb(f, "ShmemHugePages: ", 0);
	show_val_kb(f, "ShmemPmdMapped: ", 0);
	show_val_kb(f, "FileHugePages:  ", 0);
	show_val_kb(f, "FilePmdMapped:  ", 0);
	/* hugetlb_report_meminfo() */
	fprintf(f,
		"HugePages_Total:   %5lu\n"
		"HugePages_Free:    %5lu\n"
		"HugePages_Rsvd:    %5lu\n"
		"HugePages_Surp:    %5lu\n"
		"Hugepagesize:   %8lu kB\n",
		0UL, 0UL, 0UL, 0UL, HPAGE_KB);
	fprintf(f, "Hugetlb:        %8lu kB\n", 0UL);
	/* x86's arch_report_meminfo(): kmm maps its memory page by page. */
	fprintf(f, "DirectMap4k:    %8lu kB\n", K(kmm_total_pages));
	fprintf(f, "DirectMap2M:    %8lu kB\n", 0UL);
}
KMM_PROC("meminfo", meminfo_show);

/* ---- Mem-Info ----------------------------------------------------------- */

#define SHOW_MEM_FILTER_NODES	0x0001u

static bool node_in_mask(const unsigned long *nodemask, int nid)
{
	return (nodemask[nid / BITS_PER_LONG] >> (nid % BITS_PER_LONG)) & 1;
}

/*
 * With SHOW_MEM_FILTER_NODES, only the nodes of nodemask; without a
 * nodemask the current task's allowed nodes, which without cpusets are
 * all the nodes with memory.
 */
static bool show_mem_node_skip(unsigned int filter, int nid, const unsigned long *nodemask)
{
	if (!(filter & SHOW_MEM_FILTER_NODES) || !nodemask)
		return false;
	return !node_in_mask(nodemask, nid);
}

static bool node_has_managed_zones(pg_data_t *pgdat, int max_zone_idx)
{
	int zid;

	for (zid = 0; zid <= max_zone_idx; zid++)
		if (zone_managed_pages(&pgdat->node_zones[zid]))
			return true;
	return false;
}

/* show_migration_types(): a letter per migratetype with free blocks. */
static size_t migration_types(char *buf, size_t size, unsigned int types)
{
	static const char letters[MIGRATE_TYPES] = {
		[MIGRATE_UNMOVABLE]	= 'U',
		[MIGRATE_MOVABLE]	= 'M',
		[MIGRATE_RECLAIMABLE]	= 'E',
		[MIGRATE_HIGHATOMIC]	= 'H',
		[MIGRATE_ISOLATE]	= 'I',
	};
	char tmp[MIGRATE_TYPES + 1];
	int i, n = 0;

	for (i = 0; i < MIGRATE_TYPES; i++)
		if (types & (1u << i))
			tmp[n++] = letters[i];
	tmp[n] = '\0';
	return (size_t)snprintf(buf, size, "(%s) ", tmp);
}

static unsigned long zone_free_pcp(struct zone *zone)
{
	return kmm_zone_pcp_pages(zone);
}

/* Append to a line buffer, never past its end. */
struct linebuf {
	char buf[1024];
	size_t len;
};

static __printf(2, 3) void lb_printf(struct linebuf *lb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (lb->len >= sizeof(lb->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(lb->buf + lb->len, sizeof(lb->buf) - lb->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		lb->len = min(lb->len + (size_t)n, sizeof(lb->buf) - 1);
}

static void show_zone_free_blocks(struct zone *zone)
{
	unsigned long nr[NR_PAGE_ORDERS], total = 0;
	unsigned int types[NR_PAGE_ORDERS];
	struct linebuf lb = { .len = 0 };
	int order, mt;

	/* Read without zone->lock: see the locking note at the top. */
	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		struct free_area *area = &zone->free_area[order];

		nr[order] = READ_ONCE(area->nr_free);
		total += nr[order] << order;
		types[order] = 0;
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			if (!free_area_empty(area, mt))
				types[order] |= 1u << mt;
	}

	lb_printf(&lb, "Node %d %s: ", zone_to_nid(zone), zone->name);
	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		lb_printf(&lb, "%lu*%lukB ", nr[order], K(1UL) << order);
		if (nr[order]) {
			char t[16];

			migration_types(t, sizeof(t), types[order]);
			lb_printf(&lb, "%s", t);
		}
	}
	lb_printf(&lb, "= %lukB", K(total));
	printk("%s\n", lb.buf);
}

static void show_free_areas(unsigned int filter, const unsigned long *nodemask, int max_zone_idx)
{
	unsigned long free_pcp = 0;
	struct zone *zone;
	int nid;

	for_each_populated_zone(zone) {
		if (zone_idx(zone) > max_zone_idx)
			continue;
		if (show_mem_node_skip(filter, zone_to_nid(zone), nodemask))
			continue;
		free_pcp += zone_free_pcp(zone);
	}

	printk("active_anon:%lu inactive_anon:%lu isolated_anon:%lu\n"
	       " active_file:%lu inactive_file:%lu isolated_file:%lu\n"
	       " unevictable:%lu dirty:%lu writeback:%lu\n"
	       " slab_reclaimable:%lu slab_unreclaimable:%lu\n"
	       " mapped:%lu shmem:%lu pagetables:%lu\n"
	       " sec_pagetables:%lu bounce:%lu\n"
	       " kernel_misc_reclaimable:%lu\n"
	       " free:%lu free_pcp:%lu free_cma:%lu\n",
	       0UL, 0UL, 0UL,
	       0UL, 0UL, 0UL,
	       0UL, 0UL, 0UL,
	       kmm_global_node_pages(NR_SLAB_RECLAIMABLE_B),
	       kmm_global_node_pages(NR_SLAB_UNRECLAIMABLE_B),
	       0UL, 0UL, kmm_global_node_pages(NR_PAGETABLE),
	       0UL, kmm_global_zone_snapshot(NR_BOUNCE),
	       0UL,
	       kmm_global_zone_snapshot(NR_FREE_PAGES), free_pcp,
	       kmm_global_zone_snapshot(NR_FREE_CMA_PAGES));

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		if (show_mem_node_skip(filter, nid, nodemask))
			continue;
		if (!node_has_managed_zones(pgdat, max_zone_idx))
			continue;
		printk("Node %d"
		       " active_anon:%lukB"
		       " inactive_anon:%lukB"
		       " active_file:%lukB"
		       " inactive_file:%lukB"
		       " unevictable:%lukB"
		       " isolated(anon):%lukB"
		       " isolated(file):%lukB"
		       " mapped:%lukB"
		       " dirty:%lukB"
		       " writeback:%lukB"
		       " shmem:%lukB"
		       " shmem_thp:%lukB"
		       " shmem_pmdmapped:%lukB"
		       " anon_thp:%lukB"
		       " writeback_tmp:%lukB"
		       " kernel_stack:%lukB"
		       " pagetables:%lukB"
		       " sec_pagetables:%lukB"
		       " all_unreclaimable? %s"
		       "\n",
		       nid, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL,
		       0UL, 0UL, 0UL, 0UL,
		       kmm_node_stat_pages(pgdat, NR_KERNEL_STACK_KB),
		       K(kmm_node_stat_pages(pgdat, NR_PAGETABLE)),
		       0UL,
		       "no");	/* no kswapd: never given up on */
	}

	for_each_populated_zone(zone) {
		struct linebuf lb = { .len = 0 };
		unsigned long wmark[NR_WMARK], boost, highatomic;
		long reserve[MAX_NR_ZONES];
		int i;

		if (zone_idx(zone) > max_zone_idx)
			continue;
		if (show_mem_node_skip(filter, zone_to_nid(zone), nodemask))
			continue;

		boost = READ_ONCE(zone->watermark_boost);
		for (i = 0; i < NR_WMARK; i++)
			wmark[i] = READ_ONCE(zone->_watermark[i]) + boost;
		highatomic = READ_ONCE(zone->nr_reserved_highatomic);
		for (i = 0; i < MAX_NR_ZONES; i++)
			reserve[i] = READ_ONCE(zone->lowmem_reserve[i]);

		printk("Node %d %s"
		       " free:%lukB"
		       " boost:%lukB"
		       " min:%lukB"
		       " low:%lukB"
		       " high:%lukB"
		       " reserved_highatomic:%luKB"
		       " active_anon:%lukB"
		       " inactive_anon:%lukB"
		       " active_file:%lukB"
		       " inactive_file:%lukB"
		       " unevictable:%lukB"
		       " writepending:%lukB"
		       " present:%lukB"
		       " managed:%lukB"
		       " mlocked:%lukB"
		       " bounce:%lukB"
		       " free_pcp:%lukB"
		       " local_pcp:%ukB"
		       " free_cma:%lukB"
		       "\n",
		       zone_to_nid(zone), zone->name,
		       K(kmm_zone_page_state_snapshot(zone, NR_FREE_PAGES)),
		       K(boost),
		       K(wmark[WMARK_MIN]),
		       K(wmark[WMARK_LOW]),
		       K(wmark[WMARK_HIGH]),
		       K(highatomic),
		       K(kmm_zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_ANON)),
		       K(kmm_zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_ANON)),
		       K(kmm_zone_page_state_snapshot(zone, NR_ZONE_ACTIVE_FILE)),
		       K(kmm_zone_page_state_snapshot(zone, NR_ZONE_INACTIVE_FILE)),
		       K(kmm_zone_page_state_snapshot(zone, NR_ZONE_UNEVICTABLE)),
		       K(kmm_zone_page_state_snapshot(zone, NR_ZONE_WRITE_PENDING)),
		       K(zone->present_pages),
		       K(zone_managed_pages(zone)),
		       K(kmm_zone_page_state_snapshot(zone, NR_MLOCK)),
		       K(kmm_zone_page_state_snapshot(zone, NR_BOUNCE)),
		       K(zone_free_pcp(zone)),
		       (unsigned int)K(kmm_zone_pcp_pages_cpu(zone, kmm_raw_smp_processor_id())),
		       K(kmm_zone_page_state_snapshot(zone, NR_FREE_CMA_PAGES)));
		lb_printf(&lb, "lowmem_reserve[]:");
		for (i = 0; i < MAX_NR_ZONES; i++)
			lb_printf(&lb, " %ld", reserve[i]);
		printk("%s\n", lb.buf);
	}

	for_each_populated_zone(zone) {
		if (zone_idx(zone) > max_zone_idx)
			continue;
		if (show_mem_node_skip(filter, zone_to_nid(zone), nodemask))
			continue;
		show_zone_free_blocks(zone);
	}

	/* hugetlb_show_meminfo_node() for the one (empty) hstate */
	for_each_online_node(nid) {
		if (show_mem_node_skip(filter, nid, nodemask))
			continue;
		pr_info("Node %d hugepages_total=%u hugepages_free=%u hugepages_surp=%u hugepages_size=%lukB\n",
			nid, 0U, 0U, 0U, HPAGE_KB);
	}

	printk("%ld total pagecache pages\n", 0L);

	/* show_swap_cache_info(): CONFIG_SWAP=y with no swap device. */
	printk("%lu pages in swap cache\n", 0UL);
	printk("Free swap  = %ldkB\n", 0L);
	printk("Total swap = %lukB\n", 0UL);
}

static void __show_mem(unsigned int filter, const unsigned long *nodemask, int max_zone_idx)
{
	unsigned long total = 0, reserved = 0, highmem = 0;
	struct zone *zone;

	kmm_report_lock();
	printk("Mem-Info:\n");
	show_free_areas(filter, nodemask, max_zone_idx);

	for_each_populated_zone(zone) {
		total += zone->present_pages;
		reserved += zone->present_pages - zone_managed_pages(zone);
		/* is_highmem() is false for every zone without CONFIG_HIGHMEM. */
	}
	printk("%lu pages RAM\n", total);
	printk("%lu pages HighMem/MovableOnly\n", highmem);
	printk("%lu pages reserved\n", reserved);
	printk("%lu pages hwpoisoned\n", 0UL);
	kmm_report_unlock();
}

/* show_mem(): every zone of every node. */
void kmm_show_mem(void)
{
	if (!mm_up())
		return;
	__show_mem(0, NULL, MAX_NR_ZONES - 1);
}

/* ---- warn_alloc ---------------------------------------------------------- */

/* The highest zone a request may use (page_alloc.c's gfp_zone()). */
static int gfp_zone_idx(gfp_t flags)
{
	if (flags & __GFP_DMA)
		return ZONE_DMA;
	if ((flags & (__GFP_HIGHMEM | __GFP_MOVABLE)) == (__GFP_HIGHMEM | __GFP_MOVABLE))
		return ZONE_MOVABLE;
	return ZONE_NORMAL;
}

static bool has_managed_dma(void)
{
	int nid;

	for_each_online_node(nid)
		if (managed_zone(&NODE_DATA(nid)->node_zones[ZONE_DMA]))
			return true;
	return false;
}

/* "%*pbl" of a nodemask: "0-2,5"; "(null)" without one. */
static void format_nodemask(char *buf, size_t size, const unsigned long *nodemask)
{
	size_t len = 0;
	int nid = 0;

	if (!nodemask) {
		snprintf(buf, size, "(null)");
		return;
	}
	buf[0] = '\0';
	while (nid < MAX_NUMNODES) {
		int end;

		if (!node_in_mask(nodemask, nid)) {
			nid++;
			continue;
		}
		for (end = nid; end + 1 < MAX_NUMNODES && node_in_mask(nodemask, end + 1); end++)
			;
		if (len < size) {
			int n = end > nid ?
				snprintf(buf + len, size - len, "%s%d-%d", len ? "," : "", nid, end) :
				snprintf(buf + len, size - len, "%s%d", len ? "," : "", nid);

			if (n > 0)
				len = min(len + (size_t)n, size - 1);
		}
		nid = end + 1;
	}
}

/* warn_alloc()'s limit: one report per 10 s, a fresh allowance each boot. */
#define NOPAGE_RATELIMIT_INTERVAL	(10 * 1000)
#define NOPAGE_RATELIMIT_BURST		1
static struct ratelimit_state nopage_rs =
	RATELIMIT_STATE_INIT(nopage_rs, NOPAGE_RATELIMIT_INTERVAL, NOPAGE_RATELIMIT_BURST);

static void warn_alloc_defaults(void)
{
	atomic_flag_clear(&nopage_rs.lock);
	nopage_rs.interval = NOPAGE_RATELIMIT_INTERVAL;
	nopage_rs.burst = NOPAGE_RATELIMIT_BURST;
	nopage_rs.printed = 0;
	nopage_rs.missed = 0;
	nopage_rs.begin = 0;
}
param_defaults(warn_alloc_defaults);

/* Test hook: let the current rate-limit interval run out now. */
void kmm_warn_alloc_ratelimit_expire(void);
void kmm_warn_alloc_ratelimit_expire(void)
{
	unsigned long now = kmm_boot_msecs() + 1;	/* as __ratelimit() counts */

	while (atomic_flag_test_and_set_explicit(&nopage_rs.lock, memory_order_acquire))
		sched_yield();
	/* begin + interval < now, in __ratelimit()'s unsigned arithmetic */
	nopage_rs.begin = now - (unsigned long)nopage_rs.interval - 1;
	if (!nopage_rs.begin)
		nopage_rs.begin = ~0UL;
	atomic_flag_clear_explicit(&nopage_rs.lock, memory_order_release);
}

/*
 * warn_alloc_show_mem(): only the nodes the request may use, and only
 * zones up to its highest, unless it cannot block (then everything).
 */
static void warn_alloc_show_mem(gfp_t gfp_mask, const unsigned long *nodemask)
{
	unsigned int filter = SHOW_MEM_FILTER_NODES;

	if (!(gfp_mask & __GFP_DIRECT_RECLAIM))
		filter &= ~SHOW_MEM_FILTER_NODES;
	__show_mem(filter, nodemask, gfp_zone_idx(gfp_mask));
}

void kmm_warn_alloc(gfp_t gfp_mask, const unsigned long *nodemask, unsigned int order)
{
	char comm[16], gfp[256], nodes[MAX_NUMNODES * 4];

	if (!mm_up())
		return;
	if ((gfp_mask & __GFP_NOWARN) || !kmm___ratelimit(&nopage_rs, "warn_alloc") ||
	    ((gfp_mask & __GFP_DMA) && !has_managed_dma()))
		return;

	kmm_format_gfp(gfp, sizeof(gfp), gfp_mask);
	format_nodemask(nodes, sizeof(nodes), nodemask);
	kmm_report_lock();
	/* No cpusets: cpuset_print_current_mems_allowed() adds nothing. */
	pr_warn("%s: page allocation failure: order:%u, mode:%#x(%s), nodemask=%s",
		kmm_current_comm(comm), order, gfp_mask, gfp, nodes);
	pr_cont("\n");
	kmm_dump_stack();
	warn_alloc_show_mem(gfp_mask, nodemask);
	kmm_report_unlock();
}
