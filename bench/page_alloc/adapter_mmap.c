// SPDX-License-Identifier: MIT
/*
 * The operating system: one anonymous private mapping per block,
 * mmap(MAP_PRIVATE | MAP_ANONYMOUS) and munmap of the same size.  The
 * touch of the first byte is a page fault every time (a fresh zero page
 * is mapped), and munmap unmaps and frees it again.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "harness.h"

static int mmap_adapter_init(void)
{
	return 0;
}

static void mmap_adapter_fini(void)
{
}

static void *mmap_adapter_alloc(unsigned int order)
{
	void *p = mmap(NULL, BENCH_PAGE_SIZE << order, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	bench_touch(p);
	return p;
}

static void mmap_adapter_free(void *handle, unsigned int order)
{
	munmap(handle, BENCH_PAGE_SIZE << order);
}

const struct bench_adapter bench_adapter_mmap = {
	.name = "mmap",
	.desc = "mmap(MAP_PRIVATE|MAP_ANONYMOUS)/munmap of 4K << order",
	.init = mmap_adapter_init,
	.fini = mmap_adapter_fini,
	.alloc = mmap_adapter_alloc,
	.free = mmap_adapter_free,
};
