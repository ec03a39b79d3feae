// SPDX-License-Identifier: MIT
/*
 * Bad pages: the checks at free and at allocation, the "BUG: Bad page
 * state" report and its rate limit, dump_page(), %pGp and %pGg.
 *
 * Pages are corrupted by hand (a bogus mapping, a mapcount, PG_locked,
 * a memcg charge) and freed, or corrupted while they sit free on a per-CPU
 * or buddy list and then allocated.  Each must be reported once and never
 * handed out again, and the allocator must stay consistent: every other
 * page can still be allocated, the validator finds nothing wrong.
 * nr_cpus=1 keeps every free on the one pcp list the next allocation
 * looks at.
 */
#include "kmm_test.h"
#include "mm/internal.h"

#define CMDLINE "mem=64M nr_cpus=1"

static bool *held;	/* by pfn: the test holds this page */
static bool *bad;	/* by pfn: the test made this page bad */

static unsigned long nr_bad_pages(void)
{
	unsigned long n = 0;
	struct zone *zone;

	for_each_zone(zone)
		n += (unsigned long)atomic_long_read(&zone->nr_bad_pages);
	return n;
}

static void mark_bad(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		bad[page_to_pfn(page) + i] = true;
}

/* Allocate every page there is as order-0 pages; returns how many. */
static unsigned long take_everything(void)
{
	unsigned long n = 0;

	for (int round = 0; round < 16; round++) {
		struct page *p;

		while ((p = alloc_page(GFP_KERNEL | __GFP_NOWARN)) ||
		       (p = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_MEMALLOC))) {
			held[page_to_pfn(p)] = true;
			n++;
		}
		kmm_drain_all_pages(NULL);
		if (!kmm_nr_free_pages())
			break;
	}
	return n;
}

static void give_back_everything(void)
{
	for (unsigned long pfn = 0; pfn < kmm_max_pfn; pfn++) {
		if (held[pfn]) {
			held[pfn] = false;
			__free_page(pfn_to_page(pfn));
		}
	}
	kmm_drain_all_pages(NULL);
}

static bool any_bad_held(void)
{
	for (unsigned long pfn = 0; pfn < kmm_max_pfn; pfn++)
		if (held[pfn] && bad[pfn])
			return true;
	return false;
}

static void boot(void)
{
	if (test_boot(CMDLINE))
		exit(1);
	held = calloc(kmm_max_pfn, sizeof(*held));
	bad = calloc(kmm_max_pfn, sizeof(*bad));
}

static void shutdown(void)
{
	kmm_exit();
	free(held);
	free(bad);
	held = bad = NULL;
}

/* The report of one bad page: header, reason, dump, trace. */
static void check_report(const char *log, struct page *page, const char *reason,
			 const char *what)
{
	char comm[16], expect[128];

	snprintf(expect, sizeof(expect), "BUG: Bad page state in process %s  pfn:%05lx\n",
		 kmm_current_comm(comm), page_to_pfn(page));
	like(log, expect, "%s: the report names the process and the pfn", what);
	snprintf(expect, sizeof(expect), "page dumped because: %s\n", reason);
	like(log, expect, "%s: the reason is \"%s\"", what, reason);
	snprintf(expect, sizeof(expect), "pfn:0x%lx\n", page_to_pfn(page));
	like(log, expect, "%s: the page is dumped", what);
	like(log, "Modules linked in:\n", "%s: the modules line", what);
	like(log, "Call Trace:\n", "%s: and a stack trace", what);
}

static void test_free_checks(void)
{
	unsigned long boot_free, nbad = 0, n;
	struct page *p;
	const char *log;
	char expect[160];

	diag("checks at free");
	boot();
	boot_free = kmm_nr_free_pages();
	ok(!kmm_test_taint(TAINT_BAD_PAGE), "not tainted B before any bad page");

	/* A bogus mapping. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_KERNEL);
	p->mapping = (struct address_space *)0xdead000UL;
	mark_bad(p, 0);
	nbad++;
	__free_page(p);
	log = test_dmesg();
	check_report(log, p, "non-NULL mapping", "mapping");
	like(log, "mapping:000000000dead000 index:0x0", "mapping: the pointer is shown");
	like(log, "invalid mapping:000000000dead000\n", "mapping: it cannot be interpreted");
	like(kmm_print_tainted(), "Tainted: G    B", "tainted B");
	is_int(test_dmesg_count("Disabling lock debugging due to kernel taint\n"), 1,
	       "lock debugging turned off, said once");

	/* A mapcount, without clearing the log: still one "Disabling". */
	p = alloc_page(GFP_KERNEL);
	atomic_set(&p->_mapcount, 0);
	mark_bad(p, 0);
	nbad++;
	__free_page(p);
	log = test_dmesg();
	check_report(log, p, "nonzero mapcount", "mapcount");
	like(log, "refcount:0 mapcount:1 mapping:0000000000000000", "mapcount: shown as 1");
	is_int(test_dmesg_count("BUG: Bad page state in process"), 2, "two reports");
	is_int(test_dmesg_count("Disabling lock debugging due to kernel taint\n"), 1,
	       "still said only once across two bad pages");

	/* PG_locked. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_KERNEL);
	SetPageLocked(p);
	mark_bad(p, 0);
	nbad++;
	__free_page(p);
	log = test_dmesg();
	check_report(log, p, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set", "PG_locked");
	snprintf(expect, sizeof(expect), "(locked|node=0|zone=%d)\n", page_zonenum(p));
	like(log, expect, "PG_locked: named in the flags line");

	/* A memcg charge. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_KERNEL);
	p->memcg_data = 0x1234000;
	mark_bad(p, 0);
	nbad++;
	__free_page(p);
	log = test_dmesg();
	check_report(log, p, "page still charged to cgroup", "memcg");
	like(log, "memcg:1234000\n", "memcg: the charge is shown");

	/* An order-3 block with a bad head stays out as a whole. */
	kmm_dmesg_clear();
	p = alloc_pages(GFP_KERNEL, 3);
	SetPageReserved(p);
	mark_bad(p, 3);
	nbad += 8;
	__free_pages(p, 3);
	check_report(test_dmesg(), p, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set", "order 3");

	/* A good page still frees without a report. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_KERNEL);
	__free_page(p);
	unlike(test_dmesg(), "Bad page", "a good page frees quietly");

	kmm_drain_all_pages(NULL);
	is_int(nr_bad_pages(), nbad, "the zones count %lu bad pages", nbad);
	is_int(kmm_nr_free_pages(), boot_free - nbad, "all but the bad pages are free");
	is_int(kmm_zone_validate(NULL), 0, "the allocator is consistent");

	n = take_everything();
	is_int(n, boot_free - nbad, "every page but the bad ones can be allocated");
	ok(!any_bad_held(), "no bad page was ever handed out");
	give_back_everything();
	is_int(kmm_nr_free_pages(), boot_free - nbad, "all given back");
	is_int(kmm_zone_validate(NULL), 0, "still consistent");
	shutdown();
}

static void test_alloc_checks(void)
{
	unsigned long boot_free, nbad = 0, n;
	struct page *p, *q, *b;
	struct zone *normal;
	const char *log;
	char expect[64];
	int order;

	diag("checks at allocation");
	boot();
	boot_free = kmm_nr_free_pages();

	/* PG_locked set on a page sitting on the pcp list. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_HIGHUSER_MOVABLE);
	__free_page(p);
	ok(!PageBuddy(p) && !page_ref_count(p), "a freed page waits on the pcp list");
	SetPageLocked(p);
	mark_bad(p, 0);
	nbad++;
	q = alloc_page(GFP_HIGHUSER_MOVABLE);
	log = test_dmesg();
	check_report(log, p, "PAGE_FLAGS_CHECK_AT_PREP flag(s) set", "pcp");
	ok(q && q != p, "the allocation is served by another page");
	__free_page(q);

	/* PG_locked on the first block of a buddy free list. */
	kmm_dmesg_clear();
	kmm_drain_all_pages(NULL);
	normal = test_zone(0, ZONE_NORMAL);
	b = NULL;
	for (order = 0; order < NR_PAGE_ORDERS && !b; order++)
		b = list_first_entry_or_null(&normal->free_area[order].free_list[MIGRATE_MOVABLE],
					     struct page, buddy_list);
	order--;
	ok(b && PageBuddy(b), "found a free block of order %d", order);
	SetPageLocked(b);
	mark_bad(b, (unsigned int)order);
	nbad += 1UL << order;
	q = alloc_pages(GFP_HIGHUSER_MOVABLE, (unsigned int)order);
	log = test_dmesg();
	check_report(log, b, "PAGE_FLAGS_CHECK_AT_PREP flag(s) set", "buddy");
	ok(!PageBuddy(b), "the bad block is off the free lists");
	ok(q && q != b, "the allocation is served by another block");
	__free_pages(q, (unsigned int)order);

	/* PG_uptodate (PG_reported) alone is not a bad free page. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_HIGHUSER_MOVABLE);
	__free_page(p);
	SetPageUptodate(p);
	q = alloc_page(GFP_HIGHUSER_MOVABLE);
	ok(q == p, "a free page with PG_reported set is handed out");
	unlike(test_dmesg(), "Bad page", "without a report");
	__free_page(q);

	/* A hardware-poisoned free page is kept out without a report. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_HIGHUSER_MOVABLE);
	__free_page(p);
	SetPageHWPoison(p);
	mark_bad(p, 0);
	nbad++;
	q = alloc_page(GFP_HIGHUSER_MOVABLE);
	ok(q && q != p, "a hwpoisoned page is skipped");
	unlike(test_dmesg(), "Bad page", "silently");
	__free_page(q);

	kmm_drain_all_pages(NULL);
	is_int(nr_bad_pages(), nbad, "the zones count %lu bad pages", nbad);
	is_int(kmm_nr_free_pages(), boot_free - nbad, "all but the bad pages are free");
	is_int(kmm_zone_validate(NULL), 0, "the allocator is consistent");
	n = take_everything();
	is_int(n, boot_free - nbad, "every page but the bad ones can be allocated");
	ok(!any_bad_held(), "no bad page was handed out");
	give_back_everything();
	is_int(kmm_zone_validate(NULL), 0, "still consistent");
	snprintf(expect, sizeof(expect), "kmm: %lu bad pages were kept", nbad);
	kmm_dmesg_clear();
	shutdown();
	like(test_dmesg(), expect, "kmm_exit() counts them");
}

static void bad_free(void)
{
	struct page *p = alloc_page(GFP_KERNEL);

	SetPageLocked(p);
	__free_page(p);
}

static void test_ratelimit(void)
{
	int i;

	diag("rate limit: 60 reports a minute");
	boot();
	kmm_dmesg_clear();
	for (i = 0; i < 70; i++)
		bad_free();
	is_int(test_dmesg_count("BUG: Bad page state in process"), 60,
	       "70 bad pages in a burst: 60 reports");
	is_int(nr_bad_pages(), 70, "all 70 are kept out");
	unlike(test_dmesg(), "messages suppressed", "nothing said of the rest yet");

	kmm_page_debug_advance_clock(30 * 1000);
	bad_free();
	is_int(test_dmesg_count("BUG: Bad page state in process"), 60,
	       "half a minute later: still quiet");

	kmm_page_debug_advance_clock(31 * 1000);
	bad_free();
	like(test_dmesg(), "BUG: Bad page state: 11 messages suppressed\n",
	     "a minute later: the suppressed count");
	is_int(test_dmesg_count("BUG: Bad page state in process"), 61, "and the next report");
	shutdown();

	boot();
	kmm_dmesg_clear();
	bad_free();
	is_int(test_dmesg_count("BUG: Bad page state in process"), 1,
	       "a new boot starts a new burst");
	shutdown();
}

static void test_dump_page(void)
{
	struct page *p, *head, saved;
	const char *log;
	char expect[128];
	unsigned long pfn;

	diag("dump_page");
	boot();

	/* A free buddy block: page_type line. */
	kmm_dmesg_clear();
	for (pfn = 0; pfn < kmm_max_pfn && !PageBuddy(pfn_to_page(pfn)); pfn++)
		;
	dump_page(pfn_to_page(pfn), "test");
	log = test_dmesg();
	snprintf(expect, sizeof(expect),
		 "page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x%lx\n", pfn);
	like(log, expect, "buddy: the page line");
	like(log, "page_type: f0(buddy)\n", "buddy: the page_type line");
	is_int(test_dmesg_count("raw: "), 2, "buddy: two raw lines");
	like(log, "page dumped because: test\n", "buddy: the reason");

	/* A tail page of a compound allocation. */
	kmm_dmesg_clear();
	head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	dump_page(head + 3, NULL);
	log = test_dmesg();
	snprintf(expect, sizeof(expect), "refcount:1 mapcount:0 mapping:0000000000000000 "
		 "index:0x3 pfn:0x%lx\n", page_to_pfn(head + 3));
	like(log, expect, "tail: refcount of the head, index in the folio");
	like(log, "head: order:2 mapcount:0 entire_mapcount:0 nr_pages_mapped:0 pincount:0\n",
	     "tail: the head line");
	snprintf(expect, sizeof(expect), "flags: 0x%lx(head|node=0|zone=%d)\n",
		 head->flags, page_zonenum(head));
	like(log, expect, "tail: the folio's flags");
	is_int(test_dmesg_count("raw: "), 2, "tail: two raw lines");
	is_int(test_dmesg_count("] head: "), 5, "tail: the head line and four head raw lines");
	unlike(log, "page dumped because", "no reason, no reason line");
	__free_pages(head, 2);

	/* A compound_head that points nowhere sensible. */
	kmm_dmesg_clear();
	p = alloc_page(GFP_KERNEL);
	saved = *p;
	WRITE_ONCE(p->compound_head, (unsigned long)(p + 5) | 1);
	dump_page(p, "bogus head");
	*p = saved;
	like(test_dmesg(), "page does not match folio\n", "a bogus head is noticed");
	__free_page(p);

	/* Not a struct page at all. */
	kmm_dmesg_clear();
	dump_page(&saved, "stack");
	like(test_dmesg(), "is not a struct page of kmm's mem_map\n", "a foreign pointer");
	shutdown();
}

static void test_formats(void)
{
	char buf[256], expect[256];
	struct page fake;
	unsigned long flags;

	diag("%%pGp, %%pGg and page_bad_reason()");
	flags = 1UL << PG_locked | 1UL << PG_head | 1UL << NODES_PGSHIFT | 2UL << ZONES_PGSHIFT;
	snprintf(expect, sizeof(expect), "0x%lx(locked|head|node=1|zone=2)", flags);
	is_str(kmm_format_page_flags(buf, sizeof(buf), flags), expect, "%%pGp: names and fields");
	is_str(kmm_format_page_flags(buf, sizeof(buf), 0), "0x0(node=0|zone=0)", "%%pGp: no flags");
	flags = 1UL << PG_writeback | 1UL << PG_waiters | 1UL << PG_locked;
	snprintf(expect, sizeof(expect), "0x%lx(locked|waiters|writeback|node=0|zone=0)", flags);
	is_str(kmm_format_page_flags(buf, sizeof(buf), flags), expect,
	       "%%pGp: in the kernel's table order, not bit order");
	kmm_format_page_flags(buf, 8, flags);
	is_int(strlen(buf), 7, "%%pGp: truncated and terminated");

	is_str(kmm_format_gfp(buf, sizeof(buf), GFP_KERNEL), "GFP_KERNEL", "%%pGg: GFP_KERNEL");
	is_str(kmm_format_gfp(buf, sizeof(buf), GFP_KERNEL | __GFP_ZERO), "GFP_KERNEL|__GFP_ZERO",
	       "%%pGg: a composite and a bit");
	is_str(kmm_format_gfp(buf, sizeof(buf), GFP_ATOMIC | __GFP_COMP), "GFP_ATOMIC|__GFP_COMP",
	       "%%pGg: GFP_ATOMIC");
	is_str(kmm_format_gfp(buf, sizeof(buf), __GFP_HIGH | __GFP_NOWARN),
	       "__GFP_HIGH|__GFP_NOWARN", "%%pGg: single bits");
	is_str(kmm_format_gfp(buf, sizeof(buf), GFP_KERNEL | __GFP_NOWARN),
	       "GFP_KERNEL|__GFP_NOWARN", "%%pGg: GFP_NOWAIT does not steal bits");
	is_str(kmm_format_gfp(buf, sizeof(buf), GFP_TRANSHUGE), "GFP_TRANSHUGE",
	       "%%pGg: the largest composite first");
	is_str(kmm_format_gfp(buf, sizeof(buf), GFP_HIGHUSER_MOVABLE | __GFP_ACCOUNT),
	       "GFP_HIGHUSER_MOVABLE|__GFP_ACCOUNT", "%%pGg: GFP_HIGHUSER_MOVABLE");
	is_str(kmm_format_gfp(buf, sizeof(buf), GFP_KERNEL | __GFP_NOLOCKDEP),
	       "GFP_KERNEL|0x4000000", "%%pGg: 6.12 has no name for __GFP_NOLOCKDEP");
	is_str(kmm_format_gfp(buf, sizeof(buf), 0), "", "%%pGg: no flags print nothing");
	kmm_format_gfp(buf, 5, GFP_KERNEL);
	is_str(buf, "GFP_", "%%pGg: truncated and terminated");

	memset(&fake, 0, sizeof(fake));
	fake.page_type = UINT32_MAX;
	ok(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_FREE) == NULL, "reason: a good page");
	fake.mapping = (struct address_space *)0x1000;
	is_str(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_FREE), "non-NULL mapping",
	       "reason: mapping");
	set_page_count(&fake, 1);
	is_str(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_FREE), "nonzero _refcount",
	       "reason: the last matching check wins");
	fake.mapping = NULL;
	set_page_count(&fake, 0);
	fake.flags = 1UL << PG_uptodate;
	ok(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_PREP) == NULL,
	   "reason: PG_reported is no bad flag on a free page");
	fake.flags |= 1UL << PG_dirty;
	is_str(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_PREP),
	       "PAGE_FLAGS_CHECK_AT_PREP flag(s) set", "reason: PG_dirty at allocation");
	ok(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_FREE) == NULL,
	   "reason: PG_dirty is fine at free");
	fake.flags = 1UL << PG_mlocked;
	is_str(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_FREE),
	       "PAGE_FLAGS_CHECK_AT_FREE flag(s) set", "reason: PG_mlocked at free");
	fake.flags = 0;
	__SetPageBuddy(&fake);
	is_str(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_FREE), "nonzero mapcount",
	       "reason: a typed page has a mapcount, as 6.12 sees it");
	fake.page_type = UINT32_MAX;
	fake.memcg_data = 1;
	is_str(kmm_page_bad_reason(&fake, PAGE_FLAGS_CHECK_AT_FREE),
	       "page still charged to cgroup", "reason: memcg");
}

int main(void)
{
	test_formats();
	test_free_checks();
	test_alloc_checks();
	test_ratelimit();
	test_dump_page();
	return done_testing();
}
