// SPDX-License-Identifier: MIT
/*
 * Anti-fragmentation: how much of the free memory is still available as
 * pageblock-order (order-9, 2 MiB) blocks after a mixed workload, with
 * mobility grouping on (the default) and off (mobility_grouping=off), in
 * the same run: kmm_init, stress, kmm_exit, kmm_init again.
 *
 * The stress, per seed and setting:
 *   1. boot mem=512M;
 *   2. allocate until 90% of the managed pages are in use: each
 *      allocation is unmovable (GFP_KERNEL) with probability 1/4 and
 *      movable (GFP_HIGHUSER_MOVABLE) otherwise, of order 0 (85%), 1 (8%),
 *      2 (4%) or 3 (3%), all with __GFP_NOWARN;
 *   3. free every movable allocation, then drain_all_pages(NULL);
 *   4. read the free_area counters of every zone: the share of the free
 *      pages that sit in blocks of order >= pageblock_order (9);
 *   5. verify by allocating order-9 blocks (GFP_HIGHUSER_MOVABLE |
 *      __GFP_NOWARN) until one fails, and count them;
 *   6. free everything, check that all memory came back, kmm_exit().
 *
 * Seeds and sizes are options; the defaults are what docs/BENCHMARKS.md
 * reports.  Like the speed benchmark this reports and does not judge: it
 * exits non-zero only if kmm cannot boot or memory does not come back.
 */
#define _GNU_SOURCE
#include <kmm/kmm.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SEEDS 32

struct blk {
	struct page *page;
	unsigned char order;
	unsigned char movable;
};

struct frag_result {
	unsigned long total;		/* managed pages */
	unsigned long allocated;	/* pages in use at the peak */
	unsigned long nr_allocs, nr_fail;
	unsigned long unmov_pages;	/* unmovable pages kept */
	unsigned long pageblocks, polluted;	/* pageblocks, those holding unmovable pages */
	unsigned long free_pages;	/* free pages after freeing movable (free_area) */
	unsigned long free_hi;		/* of which in blocks of order >= 9 */
	unsigned long vm_free;		/* nr_free_pages() at the same time */
	unsigned long got9;		/* order-9 blocks actually allocated */
	int violations;			/* kmm_zone_validate() after the stress */
	double secs;
};

static const char *opt_mem = "512M";
static int opt_pct = 90;

static unsigned long long splitmix64(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int pick_order(unsigned long long r)
{
	unsigned int p = (unsigned int)(r % 100);

	if (p < 85)
		return 0;
	if (p < 93)
		return 1;
	if (p < 97)
		return 2;
	return 3;
}

/* Free pages on the buddy lists, and those in blocks of order >= 9. */
static void read_free_area(unsigned long *free_pages, unsigned long *free_hi)
{
	struct zone *zone;
	unsigned int o;

	*free_pages = 0;
	*free_hi = 0;
	for_each_populated_zone(zone) {
		spin_lock(&zone->lock);
		for (o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long n = READ_ONCE(zone->free_area[o].nr_free) << o;

			*free_pages += n;
			if (o >= pageblock_order)
				*free_hi += n;
		}
		spin_unlock(&zone->lock);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One boot, stress and shutdown.  Returns 0, or -1 if kmm misbehaved. */
static int run_one(unsigned long long seed, bool grouping, struct frag_result *res)
{
	char cmdline[128];
	struct blk *blks = NULL;
	struct page **big = NULL;
	unsigned char *polluted = NULL;
	unsigned long nr = 0, i, target, nbig = 0, left;
	unsigned long long rng = seed;
	double t0 = now_s();
	int ret;

	memset(res, 0, sizeof(*res));
	snprintf(cmdline, sizeof(cmdline), "mem=%s quiet%s", opt_mem,
		 grouping ? "" : " mobility_grouping=off");
	ret = kmm_init(cmdline);
	if (ret) {
		fprintf(stderr, "frag: kmm_init(\"%s\") failed: %d\n", cmdline, ret);
		return -1;
	}
	res->total = kmm_totalram_pages();
	target = res->total / 100 * (unsigned long)opt_pct;
	blks = calloc(res->total, sizeof(*blks));
	big = calloc(res->total / pageblock_nr_pages + 1, sizeof(*big));
	res->pageblocks = (kmm_max_pfn + pageblock_nr_pages - 1) / pageblock_nr_pages;
	polluted = calloc(res->pageblocks, 1);
	if (!blks || !big || !polluted) {
		fprintf(stderr, "frag: out of memory\n");
		exit(2);
	}

	/* 2. the mixed workload, up to opt_pct% in use */
	while (res->allocated < target) {
		unsigned long long r = splitmix64(&rng);
		bool movable = (r & 3) != 0;
		unsigned int order = pick_order(r >> 8);
		gfp_t gfp = (movable ? GFP_HIGHUSER_MOVABLE : GFP_KERNEL) | __GFP_NOWARN;
		struct page *page = alloc_pages(gfp, order);

		if (!page) {
			/* Watermarks may refuse before opt_pct%; stop after a few. */
			if (++res->nr_fail >= 64)
				break;
			continue;
		}
		blks[nr].page = page;
		blks[nr].order = (unsigned char)order;
		blks[nr].movable = movable;
		nr++;
		res->allocated += 1UL << order;
	}
	res->nr_allocs = nr;

	/* 3. free the movable allocations, drain the pcp lists */
	for (i = 0; i < nr; i++) {
		if (blks[i].movable) {
			__free_pages(blks[i].page, blks[i].order);
			blks[i].page = NULL;
		} else {
			res->unmov_pages += 1UL << blks[i].order;
			polluted[page_to_pfn(blks[i].page) / pageblock_nr_pages] = 1;
		}
	}
	drain_all_pages(NULL);
	for (i = 0; i < res->pageblocks; i++)
		res->polluted += polluted[i];

	/* 4. the counters */
	read_free_area(&res->free_pages, &res->free_hi);
	res->vm_free = nr_free_pages();
	res->violations = kmm_zone_validate(NULL);

	/* 5. what an order-9 allocation really gets */
	for (;;) {
		struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, pageblock_order);

		if (!page)
			break;
		big[nbig++] = page;
	}
	res->got9 = nbig;

	/* 6. everything back */
	for (i = 0; i < nbig; i++)
		__free_pages(big[i], pageblock_order);
	for (i = 0; i < nr; i++)
		if (blks[i].page)
			__free_pages(blks[i].page, blks[i].order);
	drain_all_pages(NULL);
	left = res->total - nr_free_pages();
	kmm_exit();
	free(blks);
	free(big);
	free(polluted);
	res->secs = now_s() - t0;
	if (left) {
		fprintf(stderr, "frag: %lu pages did not come back to the free lists\n", left);
		return -1;
	}
	return 0;
}

static double share(unsigned long part, unsigned long whole)
{
	return whole ? (double)part / (double)whole : 0.0;
}

static void fmt_ratio(char *buf, size_t size, double on, double off)
{
	if (off > 0)
		snprintf(buf, size, "%.1fx", on / off);
	else if (on > 0)
		snprintf(buf, size, "inf (off: 0)");
	else
		snprintf(buf, size, "n/a");
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: frag [options]\n"
		"  --mem SIZE     memory to boot kmm with (default 512M)\n"
		"  --fill PCT     allocate until PCT%% of memory is in use (default 90)\n"
		"  --seeds LIST   comma-separated seeds (default 1,2,3,4,5)\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "fill", required_argument, NULL, 'f' },
		{ "seeds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long seeds[MAX_SEEDS] = { 1, 2, 3, 4, 5 };
	int nr_seeds = 5, c, s, g, status = 0;
	struct frag_result res[MAX_SEEDS][2];
	double sum_on = 0, sum_off = 0, vsum_on = 0, vsum_off = 0, t0 = now_s();
	char r1[32], r2[32];

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		char *tok, *save = NULL, *end;

		switch (c) {
		case 'm':
			opt_mem = optarg;
			break;
		case 'f':
			opt_pct = atoi(optarg);
			if (opt_pct < 1 || opt_pct > 99) {
				usage(stderr);
				return 2;
			}
			break;
		case 's':
			nr_seeds = 0;
			for (tok = strtok_r(optarg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (nr_seeds == MAX_SEEDS) {
					usage(stderr);
					return 2;
				}
				seeds[nr_seeds++] = strtoull(tok, &end, 0);
				if (*end) {
					usage(stderr);
					return 2;
				}
			}
			if (!nr_seeds) {
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	printf("\nAnti-fragmentation: mem=%s, fill to %d%% with 1/4 unmovable (GFP_KERNEL) and\n"
	       "3/4 movable (GFP_HIGHUSER_MOVABLE) allocations of order 0 (85%%), 1 (8%%), 2 (4%%),\n"
	       "3 (3%%); free the movable ones, drain the pcp lists, then measure the free memory\n"
	       "that is in blocks of order >= %d (pageblock order).\n",
	       opt_mem, opt_pct, pageblock_order);
	printf("  share = free pages in blocks of order >= 9 / all free pages (free_area counters)\n"
	       "  verified = order-9 blocks allocated until failure * 512 / all free pages\n"
	       "  polluted = pageblocks holding at least one unmovable allocation\n\n");
	printf("%6s %-8s %9s %8s %10s %10s %7s %8s %7s %9s %6s\n", "seed", "grouping", "allocated",
	       "unmov", "polluted", "free", "share", "order-9", "verif.", "nr_free", "valid");
	printf("%6s %-8s %9s %8s %10s %10s %7s %8s %7s %9s %6s\n", "", "", "pages", "pages",
	       "pblocks", "pages", "", "allocs", "", "pages", "");
	for (s = 0; s < nr_seeds; s++) {
		for (g = 0; g < 2; g++) {
			struct frag_result *r = &res[s][g];
			char pb[24];

			if (run_one(seeds[s], g == 0, r))
				status = 1;
			snprintf(pb, sizeof(pb), "%lu/%lu", r->polluted, r->pageblocks);
			printf("%6llu %-8s %9lu %8lu %10s %10lu %6.1f%% %8lu %6.1f%% %9lu %6s\n", seeds[s],
			       g == 0 ? "on" : "off", r->allocated, r->unmov_pages, pb, r->free_pages,
			       100 * share(r->free_hi, r->free_pages), r->got9,
			       100 * share(r->got9 * pageblock_nr_pages, r->free_pages), r->vm_free,
			       r->violations ? "NO" : "ok");
			fflush(stdout);
			if (r->violations)
				status = 1;
		}
	}

	printf("\n%6s %22s %22s\n", "seed", "share on/off", "verified on/off");
	for (s = 0; s < nr_seeds; s++) {
		double on = share(res[s][0].free_hi, res[s][0].free_pages);
		double off = share(res[s][1].free_hi, res[s][1].free_pages);
		double von = share(res[s][0].got9 * pageblock_nr_pages, res[s][0].free_pages);
		double voff = share(res[s][1].got9 * pageblock_nr_pages, res[s][1].free_pages);

		sum_on += on;
		sum_off += off;
		vsum_on += von;
		vsum_off += voff;
		fmt_ratio(r1, sizeof(r1), on, off);
		fmt_ratio(r2, sizeof(r2), von, voff);
		printf("%6llu %22s %22s\n", seeds[s], r1, r2);
	}
	fmt_ratio(r1, sizeof(r1), sum_on, sum_off);
	fmt_ratio(r2, sizeof(r2), vsum_on, vsum_off);
	printf("%6s %22s %22s\n", "mean", r1, r2);
	printf("\nMean share with grouping on: %.1f%%, off: %.1f%% (verified: %.1f%% / %.1f%%)\n",
	       100 * sum_on / nr_seeds, 100 * sum_off / nr_seeds, 100 * vsum_on / nr_seeds,
	       100 * vsum_off / nr_seeds);
	printf("Target (reported, not enforced): grouping at least 3x better than no grouping: %s\n",
	       (sum_off == 0 ? sum_on > 0 : sum_on / sum_off >= 3.0) ? "met" : "NOT met");
	printf("\n(frag benchmark: %.1f s)\n", now_s() - t0);
	return status;
}
