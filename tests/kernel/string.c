// SPDX-License-Identifier: MIT
/*
 * kmm_memchr_inv (src/kernel/string.h), which reads 16 or 8 bytes at a
 * time: against a byte-at-a-time reference, for every length up to 300,
 * every alignment of the start, every position of one differing byte (and
 * of a second one after it), for fill bytes whose words have the top or
 * the low bit set; and that it never reads outside the range (each range
 * ends at the end of a mapping, and starts at its beginning, with a
 * PROT_NONE page on either side).  kmm_memset_small: that it writes the
 * range and nothing else, for every length up to 300 and alignment.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "kernel/string.h"
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAXLEN 300
#define ALIGNS 16

static const unsigned char *ref_memchr_inv(const unsigned char *p, unsigned char c, size_t n)
{
	for (; n; p++, n--)
		if (*p != c)
			return p;
	return NULL;
}

static unsigned char buf[MAXLEN + ALIGNS + 64] __attribute__((aligned(64)));

static int check(const unsigned char *p, unsigned char c, size_t n)
{
	return kmm_memchr_inv(p, c, n) == (const void *)ref_memchr_inv(p, c, n);
}

static void test_exhaustive(void)
{
	static const unsigned char fills[] = { 0x00, 0x5a, 0x6b, 0xa5, 0xbb, 0xcc, 0xff };
	unsigned long checks = 0, bad = 0;
	size_t f, n, a, i, j;

	for (f = 0; f < sizeof(fills); f++) {
		unsigned char c = fills[f];

		for (n = 0; n <= MAXLEN; n++) {
			for (a = 0; a < ALIGNS; a++) {
				unsigned char *p = buf + a;

				/* Different bytes around the range must not count. */
				memset(buf, c ^ 0x55, sizeof(buf));
				memset(p, c, n);
				checks++;
				if (!check(p, c, n) || kmm_memchr_inv(p, c, n))
					bad++;
				for (i = 0; i < n; i++) {
					/* Every value of the differing byte's top and low bits. */
					static const unsigned char flips[] = { 0x01, 0x80, 0xff };

					for (j = 0; j < sizeof(flips); j++) {
						p[i] = c ^ flips[j];
						checks++;
						if (kmm_memchr_inv(p, c, n) != p + i)
							bad++;
					}
					/* A second difference later changes nothing. */
					if (i + 1 < n) {
						p[n - 1] = c ^ 0x10;
						checks++;
						if (kmm_memchr_inv(p, c, n) != p + i)
							bad++;
						p[n - 1] = c;
					}
					p[i] = c;
				}
			}
		}
	}
	ok(!bad, "memchr_inv: %lu cases (lengths 0..%d, %d alignments), %lu wrong", checks,
	   MAXLEN, ALIGNS, bad);
}

/* Ranges that touch unmapped pages on both sides: no read past either end. */
static void test_bounds(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *mid;
	unsigned long bad = 0;
	size_t n;

	if (map == MAP_FAILED) {
		skip(1, "mmap failed");
		return;
	}
	mid = map + page;
	mprotect(map, (size_t)page, PROT_NONE);
	mprotect(mid + page, (size_t)page, PROT_NONE);
	memset(mid, 0x6b, (size_t)page);
	for (n = 0; n <= MAXLEN; n++) {
		/* At the end of the page, then at its start. */
		if (kmm_memchr_inv(mid + page - n, 0x6b, n))
			bad++;
		if (kmm_memchr_inv(mid, 0x6b, n))
			bad++;
		if (n) {
			mid[page - n] = 0;
			if (kmm_memchr_inv(mid + page - n, 0x6b, n) != mid + page - n)
				bad++;
			mid[page - n] = 0x6b;
			mid[n - 1] = 0;
			if (kmm_memchr_inv(mid, 0x6b, n) != mid + n - 1)
				bad++;
			mid[n - 1] = 0x6b;
		}
	}
	if (kmm_memchr_inv(mid, 0x6b, (size_t)page))
		bad++;
	mid[page - 1] = 0xa5;
	if (kmm_memchr_inv(mid, 0x6b, (size_t)page) != mid + page - 1)
		bad++;
	ok(!bad, "memchr_inv stays inside ranges that end at unmapped pages (%lu wrong)", bad);
	munmap(map, (size_t)page * 3);
}

/* kmm_memset_small: exactly the range, every length and alignment. */
static void test_memset_small(void)
{
	unsigned long checks = 0, bad = 0;
	size_t n, a, i;

	for (n = 0; n <= MAXLEN; n++) {
		for (a = 0; a < ALIGNS; a++) {
			unsigned char *p = buf + a;

			memset(buf, 0x11, sizeof(buf));
			kmm_memset_small(p, 0xa5, n);
			checks++;
			for (i = 0; i < sizeof(buf); i++) {
				int inside = buf + i >= p && buf + i < p + n;

				if (buf[i] != (inside ? 0xa5 : 0x11)) {
					bad++;
					break;
				}
			}
		}
	}
	ok(!bad, "memset_small: %lu cases (lengths 0..%d, %d alignments), %lu wrong", checks,
	   MAXLEN, ALIGNS, bad);
}

int main(void)
{
	test_exhaustive();
	test_bounds();
	test_memset_small();
	return done_testing();
}
