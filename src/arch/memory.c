// SPDX-License-Identifier: MIT
/* Address space for kmm's "physical memory" and its bookkeeping. */
#define _GNU_SOURCE
#include "arch.h"
#include <errno.h>
#include <sys/mman.h>

void *kmm_arch_reserve(size_t size, size_t align)
{
	size_t len = size + align;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t start, end;

	if (p == MAP_FAILED)
		return NULL;
	start = ALIGN((uintptr_t)p, align);
	end = start + size;
	/* Trim the alignment slack on both sides. */
	if (start > (uintptr_t)p)
		munmap(p, start - (uintptr_t)p);
	if ((uintptr_t)p + len > end)
		munmap((void *)end, (uintptr_t)p + len - end);
	return (void *)start;
}

void kmm_arch_release(void *addr, size_t size)
{
	if (addr)
		munmap(addr, size);
}

int kmm_arch_protect(void *addr, size_t size, int prot)
{
	int p = prot == KMM_PROT_NONE ? PROT_NONE : PROT_READ | PROT_WRITE;

	return mprotect(addr, size, p) ? -errno : 0;
}

void kmm_arch_discard(void *addr, size_t size)
{
	madvise(addr, size, MADV_DONTNEED);
}
