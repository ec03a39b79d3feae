/* SPDX-License-Identifier: MIT */
/*
 * Page flags (the bit order of Linux 6.12's enum pageflags), page types
 * (PageBuddy and friends, kept in page_type as the kernel does) and the
 * node/zone fields packed at the top of page->flags.
 */
#ifndef KMM_PAGE_FLAGS_H
#define KMM_PAGE_FLAGS_H

#include <kmm/mm_types.h>

enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_owner_2,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	PG_hwpoison,
	PG_young,
	PG_idle,
	__NR_PAGEFLAGS,

	PG_readahead = PG_reclaim,
	PG_swapcache = PG_owner_priv_1,
	PG_checked = PG_owner_priv_1,
	PG_mappedtodisk = PG_owner_2,
	PG_reported = PG_uptodate,	/* buddy: given back to the OS */
};
#define NR_PAGEFLAGS	__NR_PAGEFLAGS

/* Fields at the top of page->flags: | node (6) | zone (2) | ... | flags | */
#define NODES_WIDTH	6
#define ZONES_WIDTH	2
#define NODES_PGSHIFT	(BITS_PER_LONG - NODES_WIDTH)
#define ZONES_PGSHIFT	(NODES_PGSHIFT - ZONES_WIDTH)
#define NODES_MASK	((1UL << NODES_WIDTH) - 1)
#define ZONES_MASK	((1UL << ZONES_WIDTH) - 1)
/*
 * kmm keeps the order of a non-compound allocation in four bits so that
 * __free_pages() with the wrong order is caught (0: not recorded).
 */
#define KMM_ORDER_PGSHIFT	(ZONES_PGSHIFT - 4)
#define KMM_ORDER_MASK		0xfUL

#define __PG_HWPOISON	(1UL << PG_hwpoison)

/* Flags that must be clear when a page is freed, and when handed out. */
#define PAGE_FLAGS_CHECK_AT_FREE					\
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_private |		\
	 1UL << PG_private_2 | 1UL << PG_writeback | 1UL << PG_reserved | \
	 1UL << PG_active | 1UL << PG_unevictable | 1UL << PG_mlocked)
#define PAGE_FLAGS_CHECK_AT_PREP \
	((((1UL << NR_PAGEFLAGS) - 1) & ~__PG_HWPOISON))

static inline bool test_page_flag(const struct page *page, int bit)
{
	return (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> bit) & 1;
}
static inline void set_page_flag(struct page *page, int bit)
{
	__atomic_fetch_or(&page->flags, 1UL << bit, __ATOMIC_RELAXED);
}
static inline void clear_page_flag(struct page *page, int bit)
{
	__atomic_fetch_and(&page->flags, ~(1UL << bit), __ATOMIC_RELAXED);
}

#define PAGEFLAG(uname, lname)						\
static inline bool Page##uname(const struct page *page)		\
	{ return test_page_flag(page, PG_##lname); }			\
static inline void SetPage##uname(struct page *page)			\
	{ set_page_flag(page, PG_##lname); }				\
static inline void ClearPage##uname(struct page *page)			\
	{ clear_page_flag(page, PG_##lname); }				\
static inline void __SetPage##uname(struct page *page)			\
	{ page->flags |= 1UL << PG_##lname; }				\
static inline void __ClearPage##uname(struct page *page)		\
	{ page->flags &= ~(1UL << PG_##lname); }

PAGEFLAG(Locked, locked)
PAGEFLAG(Writeback, writeback)
PAGEFLAG(Referenced, referenced)
PAGEFLAG(Uptodate, uptodate)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Head, head)
PAGEFLAG(Active, active)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
PAGEFLAG(Private2, private_2)
PAGEFLAG(Unevictable, unevictable)
PAGEFLAG(Mlocked, mlocked)
PAGEFLAG(HWPoison, hwpoison)
PAGEFLAG(Reported, reported)

/* Page types (Linux 6.12): the top byte of page_type names the type. */
enum pagetype {
	PGTY_buddy	= 0xf0,
	PGTY_offline	= 0xf1,
	PGTY_table	= 0xf2,
	PGTY_guard	= 0xf3,
	PGTY_hugetlb	= 0xf4,
	PGTY_slab	= 0xf5,
	PGTY_zsmalloc	= 0xf6,
	PGTY_unaccepted	= 0xf7,
	PGTY_mapcount_underflow = 0xff,
};

static inline bool page_has_type(const struct page *page)
{
	return (int)page->page_type < (int)((unsigned int)PGTY_mapcount_underflow << 24);
}

/*
 * The allocator reads the type of a buddy's neighbour, which may belong to
 * someone else at that moment; the type word is therefore always written
 * with a (relaxed, plain-cost) atomic store.
 */
#define PAGE_TYPE_OPS(uname, lname)					\
static inline bool Page##uname(const struct page *page)		\
	{ return READ_ONCE(page->page_type) >> 24 == PGTY_##lname; }	\
static inline void __SetPage##uname(struct page *page)			\
	{ WRITE_ONCE(page->page_type, (unsigned int)PGTY_##lname << 24); } \
static inline void __ClearPage##uname(struct page *page)		\
	{ WRITE_ONCE(page->page_type, UINT32_MAX); }

PAGE_TYPE_OPS(Buddy, buddy)
PAGE_TYPE_OPS(Offline, offline)
PAGE_TYPE_OPS(Guard, guard)
PAGE_TYPE_OPS(Slab, slab)

static inline bool PageTail(const struct page *page)
{
	return READ_ONCE(page->compound_head) & 1;
}

static inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}

static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = READ_ONCE(page->compound_head);

	if (head & 1)
		return (struct page *)(head - 1);
	return (struct page *)page;
}

static inline unsigned int compound_order(const struct page *page)
{
	if (!PageHead(page))
		return 0;
	return page[1].compound_order;
}

static inline unsigned long compound_nr(const struct page *page)
{
	return 1UL << compound_order(page);
}

#endif /* KMM_PAGE_FLAGS_H */
