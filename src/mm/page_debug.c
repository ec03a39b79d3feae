// SPDX-License-Identifier: MIT
/*
 * Bad pages and page dumps, with the formats of Linux 6.12:
 *
 *  - the checks a page must pass when it is freed and when it is handed
 *    out (mm/page_alloc.c page_expected_state(), page_bad_reason(),
 *    free_page_is_bad(), check_new_page());
 *  - the "BUG: Bad page state" report, rate-limited to a burst of 60
 *    reports per minute (bad_page());
 *  - dump_page() (mm/debug.c __dump_folio());
 *  - %pGp and %pGg (lib/vsprintf.c format_page_flags()/format_flags()
 *    with the name tables of include/trace/events/mmflags.h).
 *
 * A report looks like this (kmm prints real pointers where the kernel
 * prints hashed ones, always as 16 hex digits):
 *
 *	BUG: Bad page state in process prog  pfn:01000
 *	page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x1000
 *	flags: 0x110000000000001(locked|node=0|zone=1)
 *	raw: 0110000000000001 0000000000000100 0000000000000122 0000000000000000
 *	raw: 0000000000000000 0000000000000000 00000000ffffffff 0000000000000000
 *	page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag(s) set
 *	Modules linked in:
 *	CPU: 0 UID: 1000 PID: 14570 Comm: prog Not tainted 6.12.0-kmm #1
 *	Call Trace:
 *	 <TASK>
 *	 __bad_page+0xcb/0x180
 *	 kmm_free_page_is_bad+0x57/0x5e
 *	 free_pages_prepare+0x200/0x325
 *	 ...
 *	 </TASK>
 *	Disabling lock debugging due to kernel taint
 *
 * (0x10000000000000 in flags is kmm's record of the allocation's order,
 * see below; the lru words are the list poison of the pcp list it left.)
 *
 * kmm differences, all forced by kmm's struct page (mm_types.h):
 *  - PG_reported (the PG_uptodate bit) marks a free page whose memory was
 *    never written since boot; it may be set on pages on the buddy and
 *    per-CPU lists, so the check at allocation ignores that one bit.
 *  - the order of a non-compound allocation lives in page->flags above
 *    the PG_ bits; the checks only look at the PG_ bits, as the kernel's.
 *  - kmm has no address_space objects: a mapping that is not anon/KSM is
 *    reported as the kernel reports one it cannot read ("invalid
 *    mapping:"); kmm has no swap cache, large mapcounts or pincounts (the
 *    "head:" line prints them as 0, the values of an unmapped folio).
 *  - kmm's slab pages keep their counters where other pages keep mapping,
 *    so a slab page never gets the "anon "/"ksm " prefix.
 *
 * Locking: every report runs under kmm_report_lock() (recursive); the
 * bad_page() rate-limit state is only touched under it.  Nothing here
 * takes an mm lock, so reports may be printed with zone->lock or a pcp
 * lock held.  kmm_bad_page() never touches allocator lists.
 */
#define _GNU_SOURCE
#include "mm/internal.h"
#include "kernel/internal.h"
#include <kmm/smp.h>
#include <kmm/stacktrace.h>
#include <string.h>
#include <time.h>

/* ---- %pGp and %pGg ---------------------------------------------------- */

struct flag_name {
	unsigned long mask;
	const char *name;
};

/* __def_pageflag_names of 6.12, in its order (not bit order). */
static const struct flag_name pageflag_names[] = {
	{ 1UL << PG_locked,		"locked" },
	{ 1UL << PG_waiters,		"waiters" },
	{ 1UL << PG_referenced,		"referenced" },
	{ 1UL << PG_uptodate,		"uptodate" },
	{ 1UL << PG_dirty,		"dirty" },
	{ 1UL << PG_lru,		"lru" },
	{ 1UL << PG_active,		"active" },
	{ 1UL << PG_workingset,		"workingset" },
	{ 1UL << PG_owner_priv_1,	"owner_priv_1" },
	{ 1UL << PG_owner_2,		"owner_2" },
	{ 1UL << PG_arch_1,		"arch_1" },
	{ 1UL << PG_reserved,		"reserved" },
	{ 1UL << PG_private,		"private" },
	{ 1UL << PG_private_2,		"private_2" },
	{ 1UL << PG_writeback,		"writeback" },
	{ 1UL << PG_head,		"head" },
	{ 1UL << PG_reclaim,		"reclaim" },
	{ 1UL << PG_swapbacked,		"swapbacked" },
	{ 1UL << PG_unevictable,	"unevictable" },
	{ 1UL << PG_mlocked,		"mlocked" },
	{ 1UL << PG_hwpoison,		"hwpoison" },
	{ 1UL << PG_idle,		"idle" },
	{ 1UL << PG_young,		"young" },
};
BUILD_BUG_ON(ARRAY_SIZE(pageflag_names) != NR_PAGEFLAGS);

/*
 * __def_gfpflag_names of 6.12: composite masks first, the ones with most
 * bits before their subsets, then single bits.  (6.12 names neither
 * __GFP_NOLOCKDEP nor, without KASAN_HW_TAGS, the KASAN bits: those print
 * as a leftover hex number.)
 */
#define GFP_NAME(flag) { (unsigned long)(flag), #flag }
static const struct flag_name gfpflag_names[] = {
	GFP_NAME(GFP_TRANSHUGE),
	GFP_NAME(GFP_TRANSHUGE_LIGHT),
	GFP_NAME(GFP_HIGHUSER_MOVABLE),
	GFP_NAME(GFP_HIGHUSER),
	GFP_NAME(GFP_USER),
	GFP_NAME(GFP_KERNEL_ACCOUNT),
	GFP_NAME(GFP_KERNEL),
	GFP_NAME(GFP_NOFS),
	GFP_NAME(GFP_ATOMIC),
	GFP_NAME(GFP_NOIO),
	GFP_NAME(GFP_NOWAIT),
	GFP_NAME(GFP_DMA),
	GFP_NAME(__GFP_HIGHMEM),
	GFP_NAME(GFP_DMA32),
	GFP_NAME(__GFP_HIGH),
	GFP_NAME(__GFP_IO),
	GFP_NAME(__GFP_FS),
	GFP_NAME(__GFP_NOWARN),
	GFP_NAME(__GFP_RETRY_MAYFAIL),
	GFP_NAME(__GFP_NOFAIL),
	GFP_NAME(__GFP_NORETRY),
	GFP_NAME(__GFP_COMP),
	GFP_NAME(__GFP_ZERO),
	GFP_NAME(__GFP_NOMEMALLOC),
	GFP_NAME(__GFP_MEMALLOC),
	GFP_NAME(__GFP_HARDWALL),
	GFP_NAME(__GFP_THISNODE),
	GFP_NAME(__GFP_RECLAIMABLE),
	GFP_NAME(__GFP_MOVABLE),
	GFP_NAME(__GFP_ACCOUNT),
	GFP_NAME(__GFP_WRITE),
	GFP_NAME(__GFP_RECLAIM),
	GFP_NAME(__GFP_DIRECT_RECLAIM),
	GFP_NAME(__GFP_KSWAPD_RECLAIM),
	GFP_NAME(__GFP_ZEROTAGS),
};

/* A bounded string builder: always NUL-terminated, never overflows. */
struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void __printf(2, 3) sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->len + 1 >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->len = min(sb->len + (size_t)n, sb->size - 1);
}

/*
 * Names of the masks wholly set in flags, in table order, '|' between;
 * what no name covers is printed as a hex number (the kernel's "%#lx",
 * which prints 0x0 where glibc would print 0, hence "0x%lx" here).
 */
static void format_flags(struct sbuf *sb, unsigned long flags,
			 const struct flag_name *names, size_t nr)
{
	for (size_t i = 0; flags && i < nr; i++) {
		unsigned long mask = names[i].mask;

		if (!mask || (flags & mask) != mask)
			continue;
		flags &= ~mask;
		sb_printf(sb, "%s%s", names[i].name, flags ? "|" : "");
	}
	if (flags)
		sb_printf(sb, "0x%lx", flags);
}

/* %pGp: "0x<flags>(<names>|node=N|zone=N)". */
char *kmm_format_page_flags(char *buf, size_t size, unsigned long flags)
{
	struct sbuf sb = { buf, size, 0 };
	unsigned long main_flags = flags & ((1UL << NR_PAGEFLAGS) - 1);

	if (!size)
		return buf;
	buf[0] = '\0';
	sb_printf(&sb, "0x%lx(", flags);
	if (main_flags) {
		format_flags(&sb, main_flags, pageflag_names, ARRAY_SIZE(pageflag_names));
		sb_printf(&sb, "|");
	}
	sb_printf(&sb, "node=%lu|zone=%lu)", (flags >> NODES_PGSHIFT) & NODES_MASK,
		  (flags >> ZONES_PGSHIFT) & ZONES_MASK);
	return buf;
}

/* %pGg: no flags at all print nothing, as the kernel's format_flags(). */
KMM_API char *kmm_format_gfp(char *buf, size_t size, gfp_t gfp)
{
	struct sbuf sb = { buf, size, 0 };

	if (!size)
		return buf;
	buf[0] = '\0';
	format_flags(&sb, gfp, gfpflag_names, ARRAY_SIZE(gfpflag_names));
	return buf;
}

/* ---- dump_page -------------------------------------------------------- */

#define PAGE_MAPPING_ANON	0x1UL
#define PAGE_MAPPING_MOVABLE	0x2UL
#define PAGE_MAPPING_KSM	(PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)
#define PAGE_MAPPING_FLAGS	(PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)

/*
 * mm/debug.c's page_type_names: 6.12 has no entry for zsmalloc (0xf6), so
 * such a page prints "(null)" there, as it does in the kernel.
 */
static const char *const page_type_names[] = {
	[PGTY_slab - 0xf0]	= "slab",
	[PGTY_hugetlb - 0xf0]	= "hugetlb",
	[PGTY_offline - 0xf0]	= "offline",
	[PGTY_guard - 0xf0]	= "guard",
	[PGTY_table - 0xf0]	= "table",
	[PGTY_buddy - 0xf0]	= "buddy",
	[PGTY_unaccepted - 0xf0] = "unaccepted",
};

static const char *page_type_name(unsigned int page_type)
{
	unsigned int i = (page_type >> 24) - 0xf0;

	if (i >= ARRAY_SIZE(page_type_names))
		return "unknown";
	return page_type_names[i] ? page_type_names[i] : "(null)";
}

static bool page_in_mem_map(const struct page *page)
{
	uintptr_t p = (uintptr_t)page, base = (uintptr_t)kmm_mem_map;

	return kmm_mem_map && p >= base && p < base + kmm_max_pfn * sizeof(struct page) &&
	       (p - base) % sizeof(struct page) == 0;
}

/*
 * Copy a struct page that other threads may be changing, one word at a
 * time (the kernel memcpy()s it; a report only needs a consistent-enough
 * picture, and word loads keep race detectors quiet).
 */
static void snapshot_page(struct page *dst, const struct page *src)
{
	const unsigned long *s = (const unsigned long *)(const void *)src;
	unsigned long words[sizeof(struct page) / sizeof(unsigned long)];

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		words[i] = __atomic_load_n(&s[i], __ATOMIC_RELAXED);
	memcpy(dst, words, sizeof(words));
}

/*
 * __dump_folio(): folio is a snapshot of the head page and the page after
 * it (large: the head is a compound head and both were copied), precise a
 * snapshot of the page asked about, idx its index in the folio.
 */
static void dump_folio(const struct page folio[2], bool large, const struct page *precise,
		       unsigned long pfn, unsigned long idx)
{
	unsigned long raw_mapping = (unsigned long)folio[0].mapping;
	bool slab = PageSlab(&folio[0]);
	unsigned long mapping = slab || (raw_mapping & PAGE_MAPPING_FLAGS) ? 0 : raw_mapping;
	char flags[256];	/* every name and field: about 230 */
	const char *type = "";

	pr_warn("page: refcount:%d mapcount:%d mapping:%016lx index:0x%lx pfn:0x%lx\n",
		page_ref_count(&folio[0]), page_mapcount(precise), mapping,
		folio[0].index + idx, pfn);
	if (large)
		pr_warn("head: order:%u mapcount:%d entire_mapcount:%d nr_pages_mapped:%d pincount:%d\n",
			(unsigned int)folio[1].compound_order, 0, 0, 0, 0);
	if (folio[0].memcg_data)
		pr_warn("memcg:%lx\n", folio[0].memcg_data);
	if (!slab && (raw_mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM)
		type = "ksm ";
	else if (!slab && (raw_mapping & PAGE_MAPPING_ANON))
		type = "anon ";
	else if (mapping)
		pr_warn("invalid mapping:%016lx\n", mapping);
	pr_warn("%sflags: %s\n", type, kmm_format_page_flags(flags, sizeof(flags), folio[0].flags));
	if (page_has_type(&folio[0]))
		pr_warn("page_type: %x(%s)\n", folio[0].page_type >> 24,
			page_type_name(folio[0].page_type));
	print_hex_dump(KERN_WARNING, "raw: ", DUMP_PREFIX_NONE, 32, sizeof(unsigned long),
		       precise, sizeof(struct page), false);
	if (large)
		print_hex_dump(KERN_WARNING, "head: ", DUMP_PREFIX_NONE, 32,
			       sizeof(unsigned long), folio, 2 * sizeof(struct page), false);
}

static void __dump_page(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page), idx = 0, head;
	struct page precise, folio[2];
	const struct page *foliop;
	bool large;

	snapshot_page(&precise, page);
	head = precise.compound_head;
	foliop = head & 1 ? (const struct page *)(head - 1) : page;
	/* The head must be a struct page of mem_map at or before page. */
	if (!page_in_mem_map(foliop) || foliop > page)
		goto mismatch;
	idx = (unsigned long)(page - foliop);
	snapshot_page(&folio[0], foliop);
	large = PageHead(&folio[0]) && page_to_pfn(foliop) + 1 < kmm_max_pfn;
	if (large)
		snapshot_page(&folio[1], foliop + 1);
	if (idx >= (large ? 1UL << folio[1].compound_order : 1UL))
		goto mismatch;
	if (idx == 0)
		folio[0] = precise;
	dump_folio(folio, large, &precise, pfn, idx);
	return;

mismatch:
	pr_warn("page does not match folio\n");
	precise.compound_head &= ~1UL;
	folio[0] = precise;
	dump_folio(folio, false, &precise, pfn, 0);
}

KMM_API void kmm_dump_page(const struct page *page, const char *reason)
{
	kmm_report_lock();
	if (!page_in_mem_map(page))
		pr_warn("page:%016lx is not a struct page of kmm's mem_map\n",
			(unsigned long)(uintptr_t)page);
	else if (READ_ONCE(page->flags) == ~0UL)	/* PagePoisoned() */
		pr_warn("page:%016lx is uninitialized and poisoned\n",
			(unsigned long)(uintptr_t)page);
	else
		__dump_page(page);
	if (reason)
		pr_warn("page dumped because: %s\n", reason);
	kmm_report_unlock();
}

/* ---- bad_page --------------------------------------------------------- */

/*
 * The rate limit's clock: CLOCK_MONOTONIC in milliseconds (jiffies at
 * HZ=1000), plus a skew that only the tests move forward, so that they
 * can see the minute pass without waiting for it.
 */
static unsigned long clock_skew_ms;

static unsigned long bad_page_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000 + (unsigned long)ts.tv_nsec / 1000000 +
	       __atomic_load_n(&clock_skew_ms, __ATOMIC_RELAXED);
}

void kmm_page_debug_advance_clock(unsigned long ms)
{
	__atomic_fetch_add(&clock_skew_ms, ms, __ATOMIC_RELAXED);
}

#define time_before(a, b)	((long)((a) - (b)) < 0)

/* bad_page()'s statics; under kmm_report_lock(). */
static struct {
	unsigned long resume;
	unsigned long nr_shown;
	unsigned long nr_unshown;
} bad_page_rl;

/* Every kmm_init() starts with a fresh burst, as a boot would. */
void kmm_bad_page_reset(void)
{
	kmm_report_lock();
	memset(&bad_page_rl, 0, sizeof(bad_page_rl));
	kmm_report_unlock();
}

/*
 * The report.  clear_buddy: the page has been taken out of circulation
 * (the checks below), so a PageBuddy mark left on it would let a
 * neighbour's free merge with it; 6.12 clears it ("Leave bad fields for
 * debug, except PageBuddy could make trouble") and so do we.  Everything
 * else is left as it was found.
 */
static void __bad_page(struct page *page, const char *reason, bool clear_buddy)
{
	char comm[16];
	unsigned long now;

	kmm_report_lock();
	now = bad_page_clock();
	/* A burst of 60 reports, then quiet for the rest of that minute. */
	if (bad_page_rl.nr_shown == 60) {
		if (time_before(now, bad_page_rl.resume)) {
			bad_page_rl.nr_unshown++;
			goto out;
		}
		if (bad_page_rl.nr_unshown) {
			pr_alert("BUG: Bad page state: %lu messages suppressed\n",
				 bad_page_rl.nr_unshown);
			bad_page_rl.nr_unshown = 0;
		}
		bad_page_rl.nr_shown = 0;
	}
	if (bad_page_rl.nr_shown++ == 0)
		bad_page_rl.resume = now + 60 * 1000;

	pr_alert("BUG: Bad page state in process %s  pfn:%05lx\n",
		 kmm_current_comm(comm), page_to_pfn(page));
	kmm_dump_page(page, reason);
	printk(KERN_DEFAULT "Modules linked in:\n");	/* print_modules() */
	kmm_dump_stack();
out:
	if (clear_buddy && PageBuddy(page))
		__ClearPageBuddy(page);
	kmm_add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
	kmm_report_unlock();
}

/*
 * For the allocator's bad-input reports (a double free, a tail page, a
 * wrong order): the page stays where it is, possibly on a free list where
 * its PageBuddy mark is load-bearing, so nothing about it is changed.
 */
void kmm_bad_page(struct page *page, const char *reason)
{
	__bad_page(page, reason, false);
}

/* page_bad_reason(): the last matching reason wins, as in the kernel. */
const char *kmm_page_bad_reason(struct page *page, unsigned long flags)
{
	const char *bad_reason = NULL;
	unsigned long check = flags;

	/* kmm: PG_reported may stay set on a free page (see the top). */
	if (flags == PAGE_FLAGS_CHECK_AT_PREP)
		check &= ~(1UL << PG_reported);
	if (unlikely(atomic_read(&page->_mapcount) != -1))
		bad_reason = "nonzero mapcount";
	if (unlikely(READ_ONCE(page->mapping) != NULL))
		bad_reason = "non-NULL mapping";
	if (unlikely(page_ref_count(page) != 0))
		bad_reason = "nonzero _refcount";
	if (unlikely(READ_ONCE(page->flags) & check)) {
		if (flags == PAGE_FLAGS_CHECK_AT_PREP)
			bad_reason = "PAGE_FLAGS_CHECK_AT_PREP flag(s) set";
		else
			bad_reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	}
	if (unlikely(READ_ONCE(page->memcg_data)))
		bad_reason = "page still charged to cgroup";
	return bad_reason;
}

static inline bool page_expected_state(const struct page *page, unsigned long check_flags)
{
	if (unlikely(atomic_read(&page->_mapcount) != -1))
		return false;
	if (unlikely((unsigned long)READ_ONCE(page->mapping) |
		     (unsigned long)page_ref_count(page) |
		     READ_ONCE(page->memcg_data) |
		     (READ_ONCE(page->flags) & check_flags)))
		return false;
	return true;
}

bool kmm_free_page_is_bad(struct page *page)
{
	if (likely(page_expected_state(page, PAGE_FLAGS_CHECK_AT_FREE)))
		return false;
	__bad_page(page, kmm_page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE), true);
	return true;
}

bool kmm_check_new_page(struct page *page)
{
	unsigned long check = (PAGE_FLAGS_CHECK_AT_PREP & ~(1UL << PG_reported)) | __PG_HWPOISON;

	if (likely(page_expected_state(page, check)))
		return false;
	if (unlikely(READ_ONCE(page->flags) & __PG_HWPOISON)) {
		/* Hardware-poisoned pages are kept out silently. */
		if (PageBuddy(page))
			__ClearPageBuddy(page);
		return true;
	}
	__bad_page(page, kmm_page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP), true);
	return true;
}
