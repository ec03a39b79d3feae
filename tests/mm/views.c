// SPDX-License-Identifier: MIT
/*
 * The /proc views of the page allocator: buddyinfo, pagetypeinfo,
 * zoneinfo, vmstat and meminfo, line for line in Linux 6.12's formats,
 * their numbers against the allocator's own state and against each other,
 * before and after allocations of each migratetype.
 */
#include "kmm_test.h"
#include <sched.h>
#include "mm/internal.h"
#include <errno.h>
#include <pthread.h>

/* Line n (0-based) of text, without its newline, in a static buffer. */
static const char *line_of(const char *text, int n)
{
	static char line[4096];
	const char *e;

	while (n-- > 0 && text) {
		text = strchr(text, '\n');
		if (text)
			text++;
	}
	line[0] = '\0';
	if (!text || !*text)
		return line;
	e = strchr(text, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(e ? e - text : (long)strlen(text)), text);
	return line;
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* meminfo: the kB value of a field, or -1. */
static long meminfo_kb(const char *meminfo, const char *field)
{
	const char *p = strstr(meminfo, field);

	return p ? strtol(p + strlen(field), NULL, 10) : -1;
}

/* Parse a buddyinfo view into counts[nid][zid][order]; returns lines parsed. */
static int parse_buddyinfo(const char *bi, unsigned long counts[2][MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	int lines = 0;

	memset(counts, 0, sizeof(unsigned long) * 2 * MAX_NR_ZONES * NR_PAGE_ORDERS);
	while (*bi) {
		char name[16];
		int nid, off, zid, o;
		const char *p;

		if (sscanf(bi, "Node %d, zone %15s%n", &nid, name, &off) != 2 || nid < 0 || nid > 1)
			break;
		for (zid = 0; zid < MAX_NR_ZONES; zid++)
			if (!strcmp(name, test_zone(0, zid)->name))
				break;
		p = bi + off;
		for (o = 0; o < NR_PAGE_ORDERS && zid < MAX_NR_ZONES; o++)
			counts[nid][zid][o] = strtoul(p, (char **)&p, 10);
		bi = strchr(bi, '\n');
		if (!bi)
			break;
		bi++;
		lines++;
	}
	return lines;
}

static unsigned long buddyinfo_pages(const char *bi)
{
	unsigned long counts[2][MAX_NR_ZONES][NR_PAGE_ORDERS], sum = 0;
	int nid, zid, o;

	parse_buddyinfo(bi, counts);
	for (nid = 0; nid < 2; nid++)
		for (zid = 0; zid < MAX_NR_ZONES; zid++)
			for (o = 0; o < NR_PAGE_ORDERS; o++)
				sum += counts[nid][zid][o] << o;
	return sum;
}

/* The free-block row of (zone, type) in pagetypeinfo: counts per order. */
static bool pagetype_row(const char *pti, const char *zone, const char *type,
			 unsigned long counts[NR_PAGE_ORDERS])
{
	char prefix[128];
	const char *p;
	int o;

	snprintf(prefix, sizeof(prefix), "Node    0, zone %8s, type %12s ", zone, type);
	p = strstr(pti, prefix);
	if (!p)
		return false;
	p += strlen(prefix);
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		while (*p == ' ' || *p == '>')
			p++;
		counts[o] = strtoul(p, (char **)&p, 10);
	}
	return true;
}

/* The pageblock counts of a zone in pagetypeinfo's second table. */
static bool blocks_row(const char *pti, const char *zone, unsigned long counts[MIGRATE_TYPES])
{
	char prefix[64];
	const char *p;
	int mt;

	snprintf(prefix, sizeof(prefix), "\nNode 0, zone %8s ", zone);
	p = strstr(pti, prefix);
	if (!p)
		return false;
	p += strlen(prefix);
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		counts[mt] = strtoul(p, (char **)&p, 10);
	return true;
}

/* The value of "key" in the section of one zone of zoneinfo, or -1. */
static long zoneinfo_value(const char *zi, const char *zone, const char *key)
{
	char head[64];
	const char *s, *e, *p;

	snprintf(head, sizeof(head), "Node 0, zone %8s\n", zone);
	s = strstr(zi, head);
	if (!s)
		return -1;
	s += strlen(head);
	e = strstr(s, "\nNode ");
	p = strstr(s, key);
	if (!p || (e && p > e))
		return -1;
	return strtol(p + strlen(key), NULL, 10);
}

static void test_unbooted(void)
{
	char *s = test_view("buddyinfo");

	is_str(s, "", "before boot: buddyinfo is empty");
	free(s);
	s = test_view("meminfo");
	is_str(s, "", "before boot: meminfo is empty");
	free(s);
	is_int(kmm_proc_show("nonexistent", stdout), -ENOENT, "an unknown view: -ENOENT");
}

static void test_buddyinfo(void)
{
	struct zone *normal = test_zone(0, ZONE_NORMAL);
	char want[256], *bi;
	int o, len;

	kmm_drain_all_pages(NULL);
	bi = test_view("buddyinfo");
	is_int(count_lines(bi), 2, "buddyinfo: one line per populated zone (DMA, Normal)");
	is_str(line_of(bi, 0),
	       "Node 0, zone      DMA      0      0      0      0      0      0      0      0"
	       "      0      0      4 ",
	       "DMA line: 16 MiB as four order-10 blocks, widths %%8s and %%6lu");
	len = snprintf(want, sizeof(want), "Node 0, zone   Normal ");
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		len += snprintf(want + len, sizeof(want) - (size_t)len, "%6lu ",
				normal->free_area[o].nr_free);
	is_str(line_of(bi, 1), want, "Normal line: the zone's nr_free per order");
	is_int(strlen(line_of(bi, 1)), 22 + 7 * NR_PAGE_ORDERS, "every line is 99 characters");
	free(bi);
}

static void test_pagetypeinfo(void)
{
	unsigned long counts[NR_PAGE_ORDERS], blocks[MIGRATE_TYPES];
	char *pti = test_view("pagetypeinfo");
	unsigned long sum;
	int mt;

	is_str(line_of(pti, 0), "Page block order: 9", "pagetypeinfo: page block order");
	is_str(line_of(pti, 1), "Pages per block:  512", "pages per block");
	is_str(line_of(pti, 2), "", "blank line");
	is_str(line_of(pti, 3),
	       "Free pages count per migrate type at order       0      1      2      3      4"
	       "      5      6      7      8      9     10 ",
	       "free-count header: %%-43s then %%6d per order");
	is_str(line_of(pti, 4),
	       "Node    0, zone      DMA, type    Unmovable      0      0      0      0      0"
	       "      0      0      0      0      0      0 ",
	       "DMA Unmovable row");
	is_str(line_of(pti, 5),
	       "Node    0, zone      DMA, type      Movable      0      0      0      0      0"
	       "      0      0      0      0      0      4 ",
	       "DMA Movable row: the four blocks");
	ok(!strncmp(line_of(pti, 6), "Node    0, zone      DMA, type  Reclaimable ", 44) &&
	   !strncmp(line_of(pti, 7), "Node    0, zone      DMA, type   HighAtomic ", 44) &&
	   !strncmp(line_of(pti, 8), "Node    0, zone      DMA, type      Isolate ", 44),
	   "rows for every migratetype, in enum order");
	is_str(line_of(pti, 14), "", "blank line before the block table");
	is_str(line_of(pti, 15),
	       "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic"
	       "      Isolate ",
	       "block-table header: %%-23s then %%12s per type");
	is_str(line_of(pti, 16),
	       "Node 0, zone      DMA            0            8            0            0"
	       "            0 ",
	       "DMA blocks: 8 movable pageblocks");
	ok(blocks_row(pti, "Normal", blocks), "a Normal block row");
	for (sum = 0, mt = 0; mt < MIGRATE_TYPES; mt++)
		sum += blocks[mt];
	is_int(sum, test_zone(0, ZONE_NORMAL)->spanned_pages / 512,
	       "Normal blocks add up to spanned / 512");
	is_int(count_lines(pti), 18, "18 lines for one node with two zones");
	ok(pagetype_row(pti, "Normal", "Movable", counts), "a Normal Movable row");
	free(pti);
}

/* Which "key" lines a zone's section has, in order. */
static void test_zoneinfo_layout(const char *zi)
{
	static const char * const head[] = {
		"Node 0, zone      DMA",
		"  per-node stats",
		"      nr_slab_reclaimable ",
		"      nr_slab_unreclaimable ",
		"      nr_kernel_stack ",
		"      nr_page_table_pages ",
		"  pages free     ",
		"        boost    ",
		"        min      ",
		"        low      ",
		"        high     ",
		"        promo    ",
		"        spanned  ",
		"        present  ",
		"        managed  ",
		"        cma      ",
		"        protection: (",
		"      nr_free_pages ",
		"      nr_zone_inactive_anon ",
		"      nr_zone_active_anon ",
		"      nr_zone_inactive_file ",
		"      nr_zone_active_file ",
		"      nr_zone_unevictable ",
		"      nr_zone_write_pending ",
		"      nr_mlock     ",
		"      nr_bounce    ",
		"      nr_zspages   ",
		"      nr_free_cma  ",
		"      nr_free_unmovable ",
		"      nr_free_movable ",
		"      nr_free_reclaimable ",
		"      nr_free_highatomic ",
		"      nr_free_isolate ",
		"      numa_hit     ",
		"      numa_miss    ",
		"      numa_foreign ",
		"      numa_interleave ",
		"      numa_local   ",
		"      numa_other   ",
		"  pagesets",
		"    cpu: 0",
		"              count:    ",
		"              high:     ",
		"              batch:    ",
		"              high_min: ",
		"              high_max: ",
		"  vm stats threshold: ",
	};
	unsigned int i, cpu, bad = 0, n = ARRAY_SIZE(head);
	char want[64];

	for (i = 0; i < n; i++) {
		if (strncmp(line_of(zi, (int)i), head[i], strlen(head[i]))) {
			if (!bad++)
				diag("line %u: '%s', expected '%s...'", i, line_of(zi, (int)i), head[i]);
		}
	}
	ok(!bad, "zoneinfo: the DMA section's fields, in the kernel's order and widths");
	/* Then the other CPUs, then the node's last two lines. */
	for (cpu = 1; cpu < kmm_nr_cpu_ids; cpu++) {
		snprintf(want, sizeof(want), "    cpu: %u", cpu);
		if (strcmp(line_of(zi, (int)(n + (cpu - 1) * 7)), want))
			break;
	}
	is_int(cpu, kmm_nr_cpu_ids, "one pageset block per CPU");
	ok(!strncmp(line_of(zi, (int)(n + (kmm_nr_cpu_ids - 1) * 7)), "  node_unreclaimable:  0", 24),
	   "node_unreclaimable");
	is_str(line_of(zi, (int)(n + (kmm_nr_cpu_ids - 1) * 7 + 1)), "  start_pfn:           0",
	       "start_pfn");
	is_str(line_of(zi, (int)(n + (kmm_nr_cpu_ids - 1) * 7 + 2)), "Node 0, zone   Normal",
	       "then the Normal zone");
	ok(!strncmp(line_of(zi, (int)(n + (kmm_nr_cpu_ids - 1) * 7 + 3)), "  pages free     ", 17),
	   "per-node stats only in the node's first populated zone");
}

static void test_zoneinfo(void)
{
	char *zi = test_view("zoneinfo");
	const char *mov;

	test_zoneinfo_layout(zi);
	is_int(zoneinfo_value(zi, "DMA", "\n        min      "), 32, "DMA min 32");
	is_int(zoneinfo_value(zi, "DMA", "\n        low      "), 40, "DMA low 40");
	is_int(zoneinfo_value(zi, "DMA", "\n        high     "), 48, "DMA high 48");
	is_int(zoneinfo_value(zi, "DMA", "\n        promo    "), 56, "DMA promo 56");
	is_int(zoneinfo_value(zi, "DMA", "\n        spanned  "), 4096, "DMA spanned 4096");
	is_int(zoneinfo_value(zi, "DMA", "\n        managed  "), 4096, "DMA managed 4096");
	like(zi, "\n        protection: (0, 240, 240)\n", "DMA protection: 61440 / 256");
	is_int(zoneinfo_value(zi, "Normal", "\n        min      "), 480, "Normal min 480");
	is_int(zoneinfo_value(zi, "Normal", "\n        low      "), 600, "Normal low 600");
	is_int(zoneinfo_value(zi, "Normal", "\n        high     "), 720, "Normal high 720");
	is_int(zoneinfo_value(zi, "Normal", "\n        promo    "), 840, "Normal promo 840");
	is_int(zoneinfo_value(zi, "Normal", "\n        present  "), 61440, "Normal present");
	is_int(zoneinfo_value(zi, "Normal", "\n  start_pfn:           "), 4096, "Normal start_pfn");
	is_int(zoneinfo_value(zi, "Normal", "\n              batch:    "),
	       test_zone(0, ZONE_NORMAL)->pageset_batch, "Normal pcp batch");
	is_int(zoneinfo_value(zi, "Normal", "\n              high:     "),
	       test_zone(0, ZONE_NORMAL)->per_cpu_pageset[0].high, "Normal pcp high (cpu 0)");
	mov = strstr(zi, "Node 0, zone  Movable\n");
	is_str(mov,
	       "Node 0, zone  Movable\n"
	       "  pages free     0\n"
	       "        boost    0\n"
	       "        min      32\n"
	       "        low      32\n"
	       "        high     32\n"
	       "        promo    32\n"
	       "        spanned  0\n"
	       "        present  0\n"
	       "        managed  0\n"
	       "        cma      0\n"
	       "        protection: (0, 0, 0)\n",
	       "the empty Movable zone: watermarks (min clamped to 32) and protection only");
	free(zi);
}

static const char * const vmstat_names[] = {
	"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
	"nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable",
	"nr_zone_write_pending", "nr_mlock", "nr_bounce", "nr_zspages", "nr_free_cma",
	"nr_free_unmovable", "nr_free_movable", "nr_free_reclaimable", "nr_free_highatomic",
	"nr_free_isolate",
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
	"nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_kernel_stack", "nr_page_table_pages",
	"nr_dirty_threshold", "nr_dirty_background_threshold", "nr_memmap_pages",
	"nr_memmap_boot_pages",
	"pgalloc_dma", "pgalloc_normal", "pgalloc_movable",
	"allocstall_dma", "allocstall_normal", "allocstall_movable", "pgfree",
	"kmm_alloc_fail", "kmm_alloc_fallback", "kmm_pageblock_steal",
};

static void test_vmstat(void)
{
	char *vs, *bi;
	unsigned int i, bad = 0;
	long nfree, reserve;

	kmm_drain_all_pages(NULL);
	vs = test_view("vmstat");
	bi = test_view("buddyinfo");
	is_int(count_lines(vs), ARRAY_SIZE(vmstat_names), "vmstat: one line per item");
	for (i = 0; i < ARRAY_SIZE(vmstat_names); i++) {
		const char *l = line_of(vs, (int)i);
		size_t n = strlen(vmstat_names[i]);
		char *end;

		if (strncmp(l, vmstat_names[i], n) || l[n] != ' ' || !l[n + 1] ||
		    (strtoul(l + n + 1, &end, 10), *end)) {
			if (!bad++)
				diag("line %u: '%s', expected '%s <n>'", i, l, vmstat_names[i]);
		}
	}
	ok(!bad, "vmstat: the kernel's names and order, \"name value\" lines");
	nfree = test_view_value(vs, "nr_free_pages");
	is_int(nfree, buddyinfo_pages(bi), "nr_free_pages = sum of buddyinfo blocks << order");
	is_int(nfree, test_view_value(vs, "nr_free_unmovable") + test_view_value(vs, "nr_free_movable") +
		      test_view_value(vs, "nr_free_reclaimable") + test_view_value(vs, "nr_free_highatomic"),
	       "= the sum of the per-migratetype free counts");
	reserve = 288 + 720;	/* (240 + 48) for DMA, 720 for Normal */
	is_int(test_view_value(vs, "nr_dirty_threshold"), (819 * (nfree - reserve + 1)) / 4096,
	       "nr_dirty_threshold: 20%% of free above the reserves, as the kernel computes it");
	is_int(test_view_value(vs, "nr_dirty_background_threshold"), (409 * (nfree - reserve + 1)) / 4096,
	       "nr_dirty_background_threshold: 10%%");
	is_int(test_view_value(vs, "nr_memmap_boot_pages"), 65536 * 64 / 4096,
	       "nr_memmap_boot_pages: the mem_map (64 bytes per page)");
	free(vs);
	free(bi);
}

static void test_meminfo(void)
{
	static const char * const fields[] = {
		"MemTotal:", "MemFree:", "MemAvailable:", "Buffers:", "Cached:", "SwapCached:",
		"Active:", "Inactive:", "Active(anon):", "Inactive(anon):", "Active(file):",
		"Inactive(file):", "Unevictable:", "Mlocked:", "SwapTotal:", "SwapFree:", "Dirty:",
		"Writeback:", "AnonPages:", "Mapped:", "Shmem:", "KReclaimable:", "Slab:",
		"SReclaimable:", "SUnreclaim:", "KernelStack:", "PageTables:", "SecPageTables:",
		"NFS_Unstable:", "Bounce:", "WritebackTmp:", "CommitLimit:", "Committed_AS:",
		"VmallocTotal:", "VmallocUsed:", "VmallocChunk:", "Percpu:", "HardwareCorrupted:",
		"AnonHugePages:", "ShmemHugePages:", "ShmemPmdMapped:", "FileHugePages:",
		"FilePmdMapped:", "HugePages_Total:", "HugePages_Free:", "HugePages_Rsvd:",
		"HugePages_Surp:", "Hugepagesize:", "Hugetlb:", "DirectMap4k:", "DirectMap2M:",
	};
	char *mi, *vs;
	unsigned int i, bad_name = 0, bad_fmt = 0;
	long nfree;

	kmm_drain_all_pages(NULL);
	mi = test_view("meminfo");
	vs = test_view("vmstat");
	is_str(line_of(mi, 0), "MemTotal:         262144 kB", "MemTotal: 262144 kB, width 8");
	is_int(count_lines(mi), ARRAY_SIZE(fields), "meminfo: the kernel's list of fields");
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *l = line_of(mi, (int)i);
		size_t len = strlen(l);

		if (strncmp(l, fields[i], strlen(fields[i])) && !bad_name++)
			diag("line %u: '%s', expected '%s'", i, l, fields[i]);
		if (!strncmp(l, "HugePages_", 10)) {
			if (len != 24 && !bad_fmt++)	/* "HugePages_Total:   %5lu" */
				diag("bad line '%s'", l);
		} else if (!strncmp(l, "HardwareCorrupted:", 18)) {
			if (strcmp(l, "HardwareCorrupted:     0 kB") && !bad_fmt++)
				diag("bad line '%s'", l);
		} else if ((len != 27 || strcmp(l + 24, " kB") || l[15] != ' ') && !bad_fmt++) {
			diag("bad line '%s' (want a 16-character label, %%8lu, \" kB\")", l);
		}
	}
	ok(!bad_name, "meminfo: fields in the kernel's order");
	ok(!bad_fmt, "meminfo: every line in show_val_kb()'s format");
	nfree = test_view_value(vs, "nr_free_pages");
	is_int(meminfo_kb(mi, "MemFree:"), nfree * 4, "MemFree = nr_free_pages in kB");
	is_int(meminfo_kb(mi, "MemAvailable:"), (nfree - 1008) * 4,
	       "MemAvailable = free less totalreserve_pages (288 + 720)");
	is_int(meminfo_kb(mi, "CommitLimit:"), 131072, "CommitLimit: half of RAM, no swap");
	is_int(meminfo_kb(mi, "Hugepagesize:"), 2048, "Hugepagesize 2048 kB");
	free(mi);
	free(vs);
}

#define NR_EACH 100

static void check_pagetypes_against_zone(const char *what)
{
	static const char * const types[MIGRATE_TYPES] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
	};
	unsigned long counts[NR_PAGE_ORDERS], blocks[MIGRATE_TYPES];
	char *pti = test_view("pagetypeinfo"), *zi = test_view("zoneinfo");
	static const char * const zi_keys[MIGRATE_TYPES] = {
		"\n      nr_free_unmovable ", "\n      nr_free_movable ",
		"\n      nr_free_reclaimable ", "\n      nr_free_highatomic ",
		"\n      nr_free_isolate ",
	};
	int zid, mt, o, bad = 0, bad_sum = 0, bad_blocks = 0;

	for (zid = ZONE_DMA; zid <= ZONE_NORMAL; zid++) {
		struct zone *zone = test_zone(0, zid);
		unsigned long idx, nb = zone->spanned_pages / pageblock_nr_pages;
		unsigned long truth[MIGRATE_TYPES] = { 0 };

		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			unsigned long pages = 0;

			if (!pagetype_row(pti, zone->name, types[mt], counts)) {
				bad++;
				continue;
			}
			for (o = 0; o < NR_PAGE_ORDERS; o++) {
				if (counts[o] != zone->free_area[o].nr_free_mt[mt])
					bad++;
				pages += counts[o] << o;
			}
			if ((long)pages != zoneinfo_value(zi, zone->name, zi_keys[mt]))
				bad_sum++;
		}
		for (idx = 0; idx < nb; idx++)
			truth[zone->pageblock_flags[idx]]++;
		if (!blocks_row(pti, zone->name, blocks) || memcmp(blocks, truth, sizeof(truth)))
			bad_blocks++;
	}
	ok(!bad, "%s: pagetypeinfo rows = the free lists' per-type counts", what);
	ok(!bad_sum, "%s: sum of each row's blocks = zoneinfo's nr_free_<type>", what);
	ok(!bad_blocks, "%s: block table = the zones' pageblock types", what);
	free(pti);
	free(zi);
}

static void test_after_allocations(void)
{
	static const gfp_t gfps[3] = {
		GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_KERNEL | __GFP_MOVABLE,
	};
	struct page *pages[3][NR_EACH];
	unsigned long blocks[MIGRATE_TYPES], counts[NR_PAGE_ORDERS];
	char *vs0, *vs1, *vs2, *mi0, *mi1, *bi, *pti;
	int t, i, o;
	unsigned long sum;

	kmm_drain_all_pages(NULL);
	vs0 = test_view("vmstat");
	mi0 = test_view("meminfo");
	check_pagetypes_against_zone("at boot");

	for (t = 0; t < 3; t++)
		for (i = 0; i < NR_EACH; i++)
			pages[t][i] = alloc_page(gfps[t]);
	kmm_drain_all_pages(NULL);
	vs1 = test_view("vmstat");
	mi1 = test_view("meminfo");
	bi = test_view("buddyinfo");
	pti = test_view("pagetypeinfo");
	is_int(test_view_value(vs0, "nr_free_pages") - test_view_value(vs1, "nr_free_pages"), 3 * NR_EACH,
	       "vmstat: nr_free_pages down by the 300 pages taken");
	is_int(test_view_value(vs1, "nr_free_pages"), buddyinfo_pages(bi),
	       "and still the sum of buddyinfo");
	is_int(test_view_value(vs1, "pgalloc_normal") - test_view_value(vs0, "pgalloc_normal"),
	       3 * NR_EACH, "pgalloc_normal counts them (the Normal zone served them)");
	is_int(meminfo_kb(mi0, "MemFree:") - meminfo_kb(mi1, "MemFree:"), 3 * NR_EACH * 4,
	       "meminfo: MemFree down by 1200 kB");
	ok(blocks_row(pti, "Normal", blocks) && blocks[MIGRATE_UNMOVABLE] >= 1 &&
	   blocks[MIGRATE_RECLAIMABLE] >= 1 && blocks[MIGRATE_MOVABLE] >= 1,
	   "pagetypeinfo: the Normal zone now has Unmovable and Reclaimable pageblocks");
	ok(pagetype_row(pti, "Normal", "Reclaimable", counts), "a Normal Reclaimable row");
	for (sum = 0, o = 0; o < NR_PAGE_ORDERS; o++)
		sum += counts[o] << o;
	ok(sum > 0 && sum < blocks[MIGRATE_RECLAIMABLE] * pageblock_nr_pages,
	   "its claimed pageblocks' remaining free pages sit on the Reclaimable lists");
	check_pagetypes_against_zone("after 100 pages of each type");
	free(bi);
	free(pti);

	for (t = 0; t < 3; t++)
		for (i = 0; i < NR_EACH; i++)
			if (pages[t][i])
				__free_page(pages[t][i]);
	kmm_drain_all_pages(NULL);
	vs2 = test_view("vmstat");
	is_int(test_view_value(vs2, "nr_free_pages"), test_view_value(vs0, "nr_free_pages"),
	       "after freeing them: nr_free_pages back where it was");
	is_int(test_view_value(vs2, "pgfree") - test_view_value(vs1, "pgfree"), 3 * NR_EACH,
	       "pgfree counts the 300 pages");
	check_pagetypes_against_zone("after freeing");
	free(vs0);
	free(vs1);
	free(vs2);
	free(mi0);
	free(mi1);
}

/* Over 100000 free blocks on one list: the count stops, marked ">". */
static void test_freecount_cap(void)
{
	struct page **held;
	unsigned long n = 0, i, counts[NR_PAGE_ORDERS];
	struct page *p;
	char *pti;
	int round;

	if (test_boot("mem=1G"))
		return;
	held = calloc(kmm_max_pfn, sizeof(*held));
	for (round = 0; round < 16 && kmm_nr_free_pages(); round++) {
		while ((p = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_MEMALLOC)))
			held[n++] = p;
		kmm_drain_all_pages(NULL);
	}
	/* Give back every other page: ~131000 order-0 blocks that cannot merge. */
	for (i = 0; i < n; i++) {
		if (page_to_pfn(held[i]) & 1)
			continue;
		__free_page(held[i]);
		held[i] = NULL;
	}
	kmm_drain_all_pages(NULL);
	pti = test_view("pagetypeinfo");
	like(pti, "Node    0, zone   Normal, type    Unmovable >100000      0 ",
	     "a list longer than 100000 shows as \">100000\"");
	if (!pagetype_row(pti, "DMA", "Unmovable", counts))
		counts[0] = 0;
	ok(counts[0] > 1000 &&
	   counts[0] == test_zone(0, ZONE_DMA)->free_area[0].nr_free_mt[MIGRATE_UNMOVABLE],
	   "a shorter one is counted in full (DMA: %lu)", counts[0]);
	free(pti);
	for (i = 0; i < n; i++)
		if (held[i])
			__free_page(held[i]);
	free(held);
	kmm_exit();
}

/* Two nodes: each has its lines, its per-node stats, its pagetypeinfo. */
static void test_two_nodes(void)
{
	char *bi, *pti, *zi;

	if (test_boot("mem=256M numa=fake=2"))
		return;
	bi = test_view("buddyinfo");
	is_int(count_lines(bi), 3, "numa=fake=2: DMA and Normal on node 0, Normal on node 1");
	like(bi, "\nNode 1, zone   Normal      0", "a node 1 line");
	pti = test_view("pagetypeinfo");
	ok(strstr(pti, "Page block order") &&
	   strstr(strstr(pti, "Page block order") + 1, "\nPage block order: 9\n"),
	   "pagetypeinfo: one section per node");
	like(pti, "Node    1, zone   Normal, type      Movable ", "node 1's rows");
	like(pti, "\nNode 1, zone   Normal ", "node 1's block row");
	zi = test_view("zoneinfo");
	ok(strstr(zi, "Node 1, zone   Normal\n  per-node stats\n") != NULL,
	   "zoneinfo: node 1's per-node stats in its first populated zone");
	ok(strstr(zi, "Node 1, zone      DMA\n  pages free     0\n") != NULL,
	   "node 1's empty DMA zone is listed");
	free(bi);
	free(pti);
	free(zi);
	kmm_exit();
}

/* The views read while other threads allocate and free. */
static atomic_int stop_workers;

static void *worker(void *arg)
{
	static const gfp_t gfps[3] = {
		GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_KERNEL | __GFP_MOVABLE,
	};
	struct page *p[48];
	int i;

	(void)arg;
	while (!atomic_load(&stop_workers)) {
		for (i = 0; i < 48; i++)
			p[i] = alloc_pages(gfps[i % 3] | __GFP_NOWARN, (unsigned int)(i & 3));
		for (i = 0; i < 48; i++)
			if (p[i])
				__free_pages(p[i], (unsigned int)(i & 3));
		/*
		 * Mixed-order frees drain the pcp lists (free_high) and so take
		 * zone->lock every round: let the reader in (3 workers share 2
		 * CPUs with it, and under TSan each round is slow).
		 */
		sched_yield();
	}
	return NULL;
}

static void test_concurrent(void)
{
	static const char * const names[] = {
		"buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "meminfo",
	};
	pthread_t threads[3];
	unsigned long before;
	int i, r, bad = 0;

	if (test_boot("mem=256M"))
		return;
	kmm_drain_all_pages(NULL);
	before = kmm_nr_free_pages();
	for (i = 0; i < 3; i++)
		pthread_create(&threads[i], NULL, worker, NULL);
	for (r = 0; r < 20; r++) {
		for (i = 0; i < 5; i++) {
			char *v = test_view(names[i]);
			int lines = count_lines(v);

			if ((i == 0 && lines != 2) || (i == 1 && lines != 18) ||
			    (i == 3 && lines != (int)ARRAY_SIZE(vmstat_names)) ||
			    (i == 4 && lines != 51))
				bad++;
			free(v);
		}
	}
	atomic_store(&stop_workers, 1);
	for (i = 0; i < 3; i++)
		pthread_join(threads[i], NULL);
	ok(!bad, "views read while three threads allocate and free keep their shape");
	kmm_drain_all_pages(NULL);
	is_int(kmm_nr_free_pages(), before, "and everything is free again afterwards");
	check_pagetypes_against_zone("after the threads");
	kmm_exit();
}

int main(void)
{
	test_unbooted();
	if (test_boot("mem=256M"))
		return done_testing();
	test_buddyinfo();
	test_pagetypeinfo();
	test_zoneinfo();
	test_vmstat();
	test_meminfo();
	test_after_allocations();
	kmm_exit();
	test_freecount_cap();
	test_two_nodes();
	test_concurrent();
	return done_testing();
}
