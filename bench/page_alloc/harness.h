/* SPDX-License-Identifier: MIT */
/*
 * Page allocator speed benchmark: one adapter per implementation.
 *
 * Every adapter hands out blocks of 2^order pages (4 KiB each) and, to
 * keep the comparison fair, writes one byte of the first page of every
 * block it hands out (so that mmap pays its page fault and kmm and glibc
 * touch the memory they return, as a real caller would).
 */
#ifndef BENCH_PAGE_ALLOC_HARNESS_H
#define BENCH_PAGE_ALLOC_HARNESS_H

#include <stddef.h>

#define BENCH_PAGE_SIZE 4096UL

struct bench_adapter {
	const char *name;
	const char *desc;
	/* Once per process, before any thread runs: 0 or -errno. */
	int (*init)(void);
	void (*fini)(void);
	/*
	 * A block of 2^order pages, its first byte written; NULL on failure.
	 * The handle is the adapter's own (kmm: a struct page *).
	 */
	void *(*alloc)(unsigned int order);
	void (*free)(void *handle, unsigned int order);
	/*
	 * Optional, before every repetition (the threads have freed all they
	 * held): give per-CPU caches back to the shared pool, so that one
	 * configuration's leftovers do not shape the next one's run.
	 */
	void (*quiesce)(void);
};

extern const struct bench_adapter bench_adapter_kmm;
extern const struct bench_adapter bench_adapter_mmap;
extern const struct bench_adapter bench_adapter_memalign;

/* Write one byte: the store every adapter does on the first page. */
static inline void bench_touch(void *addr)
{
	*(volatile char *)addr = 1;
}

#endif /* BENCH_PAGE_ALLOC_HARNESS_H */
