// SPDX-License-Identifier: MIT
/*
 * kmm: alloc_pages(GFP_KERNEL, order) / __free_pages(page, order), the
 * allocator's primary entry points.  Booted with mem=1G: enough for every
 * benchmark pattern at order 9 on every CPU, pcp lists included.
 */
#include <kmm/kmm.h>
#include "harness.h"

static int kmm_adapter_init(void)
{
	return kmm_init("mem=1G quiet");
}

static void kmm_adapter_fini(void)
{
	kmm_exit();
}

static void *kmm_adapter_alloc(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);

	if (page)
		bench_touch(page_address(page));
	return page;
}

static void kmm_adapter_free(void *handle, unsigned int order)
{
	__free_pages((struct page *)handle, order);
}

/*
 * drain_all_pages(): the pcp lists keep up to high_max pages per CPU
 * (auto-tuned), and blocks left there by one configuration (say, 64
 * order-9 blocks) count against the next one's pcp high.
 */
static void kmm_adapter_quiesce(void)
{
	drain_all_pages(NULL);
}

const struct bench_adapter bench_adapter_kmm = {
	.name = "kmm",
	.desc = "kmm alloc_pages(GFP_KERNEL)/__free_pages, mem=1G",
	.init = kmm_adapter_init,
	.fini = kmm_adapter_fini,
	.alloc = kmm_adapter_alloc,
	.free = kmm_adapter_free,
	.quiesce = kmm_adapter_quiesce,
};
