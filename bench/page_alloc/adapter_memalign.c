// SPDX-License-Identifier: MIT
/*
 * The C library: posix_memalign(4096, 4K << order) and free().  glibc
 * serves requests below its mmap threshold from the heap (per-thread
 * arenas); larger ones are mmapped until a free raises the (dynamic)
 * threshold, see docs/BENCHMARKS.md.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include "harness.h"

static int memalign_adapter_init(void)
{
	return 0;
}

static void memalign_adapter_fini(void)
{
}

static void *memalign_adapter_alloc(unsigned int order)
{
	void *p;

	if (posix_memalign(&p, BENCH_PAGE_SIZE, BENCH_PAGE_SIZE << order))
		return NULL;
	bench_touch(p);
	return p;
}

static void memalign_adapter_free(void *handle, unsigned int order)
{
	(void)order;
	free(handle);
}

const struct bench_adapter bench_adapter_memalign = {
	.name = "memalign",
	.desc = "glibc posix_memalign(4096, 4K << order)/free",
	.init = memalign_adapter_init,
	.fini = memalign_adapter_fini,
	.alloc = memalign_adapter_alloc,
	.free = memalign_adapter_free,
};
