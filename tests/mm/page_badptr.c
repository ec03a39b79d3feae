// SPDX-License-Identifier: MIT
/*
 * Thousands of bad frees, chosen at random, fed to the page allocator's
 * free entry points (__free_pages, free_pages, free_pages_exact): tail
 * pages of live compound blocks, pages already free (on a pcp list or in
 * the buddy lists), struct page pointers off mem_map or off a struct page
 * boundary, addresses kmm never handed out, orders above MAX_PAGE_ORDER.
 * Each one is reported or refused and frees nothing: afterwards every live
 * block still holds its pattern and its reference, the zones validate,
 * every live block frees once, and every page comes back.  With the rseq
 * fast paths, without them, and with page_poison=on.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "kernel/string.h"
#include <stdint.h>
#include <stdlib.h>

#define NR_LIVE		64
#define NR_FREED	64
#define NR_BAD		3000

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

struct block {
	struct page *page;
	unsigned int order;
	bool comp;
	unsigned char pattern;
};

static void run(const char *cmdline)
{
	static struct block live[NR_LIVE];
	static struct page *freed[NR_FREED];
	unsigned long before;
	char foreign[64];
	int i, intact = 1, refs = 1, tried[6] = { 0 };

	diag("%s", cmdline);
	test_boot(cmdline);
	before = nr_free();
	for (i = 0; i < NR_LIVE; i++) {
		struct block *b = &live[i];

		b->order = (unsigned int)(test_rand(&rng) % 5);
		b->comp = b->order && (i & 1);
		b->pattern = (unsigned char)(i * 5 + 3);
		b->page = alloc_pages(GFP_KERNEL | (b->comp ? __GFP_COMP : 0), b->order);
		memset(page_address(b->page), b->pattern, PAGE_SIZE << b->order);
	}
	for (i = 0; i < NR_FREED; i++)
		freed[i] = alloc_pages(GFP_KERNEL, 0);
	for (i = 0; i < NR_FREED; i++)
		__free_pages(freed[i], 0);	/* on a pcp list or in the buddy lists now */

	for (i = 0; i < NR_BAD; i++) {
		uint64_t r = test_rand(&rng);
		struct block *b = &live[r % NR_LIVE];
		int kind = (int)((r >> 32) % 6);

		switch (kind) {
		case 0:		/* a tail page of a live compound block */
			if (!b->comp) {
				kind = 5;
				break;
			}
			__free_pages(b->page + 1 + (r >> 40) % ((1UL << b->order) - 1), b->order);
			break;
		case 1:		/* a page already free */
			__free_pages(freed[(r >> 40) % NR_FREED], 0);
			break;
		case 2:		/* a struct page pointer off a boundary, or off mem_map */
			if ((r >> 40) & 1)
				__free_pages((struct page *)((char *)b->page + 1 + (r >> 41) % 63), 0);
			else
				__free_pages((struct page *)foreign, 0);
			break;
		case 3:		/* an address kmm never handed out, or not page-aligned */
			if ((r >> 40) & 1)
				free_pages((unsigned long)foreign, 0);
			else
				free_pages((unsigned long)page_address(b->page) + 1 + (r >> 41) % 4095, 0);
			break;
		case 4:		/* an order above MAX_PAGE_ORDER */
			__free_pages(b->page, MAX_PAGE_ORDER + 1 + (unsigned int)((r >> 40) % 8));
			break;
		default:
			break;
		}
		if (kind == 5)	/* free_pages_exact over pages already free */
			free_pages_exact(page_address(freed[(r >> 40) % NR_FREED]), PAGE_SIZE);
		tried[kind]++;
	}
	ok(tried[0] && tried[1] && tried[2] && tried[3] && tried[4] && tried[5],
	   "%d bad frees: %d tail pages, %d double frees, %d bad struct pages, %d bad addresses, "
	   "%d orders too high, %d exact frees of free pages", NR_BAD, tried[0], tried[1], tried[2],
	   tried[3], tried[4], tried[5]);
	for (i = 0; i < NR_LIVE; i++) {
		intact &= !kmm_memchr_inv(page_address(live[i].page), live[i].pattern,
					  PAGE_SIZE << live[i].order);
		refs &= page_count(live[i].page) == 1;
	}
	ok(intact, "every live block still holds its pattern");
	ok(refs, "... and its one reference");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
	kmm_dmesg_clear();
	for (i = 0; i < NR_LIVE; i++)
		__free_pages(live[i].page, live[i].order);
	unlike(test_dmesg(), "Bad page state", "every live block frees once, without a report");
	is_int(nr_free(), before, "every page is back");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
	kmm_exit();
}

int main(void)
{
	run("mem=64M quiet");
	run("mem=64M quiet kmm.rseq=off");
	run("mem=64M quiet page_poison=on");
	return done_testing();
}
