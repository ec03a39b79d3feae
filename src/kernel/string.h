/* SPDX-License-Identifier: MIT */
/*
 * String helpers of the kernel's lib/string.c that libc lacks.
 *
 * kmm_memchr_inv(start, c, bytes): the first byte in [start, start +
 * bytes) that is not c, or NULL when they all are (memchr_inv()).
 * slub_debug checks every red zone, poison and padding byte of an
 * object, and a slab's end padding, at each allocation and free: 8 to 16
 * bytes (a red zone, a padding word) are two inline word loads, 17 to 64
 * four inline vector loads (SSE2) that only say whether all match; longer
 * ranges go to kmm___memchr_inv (string.c), 32 bytes at a time with AVX2
 * (when the CPU has it), else 16 with SSE2, else 8 at a time as
 * lib/string.c's.  Loads are unaligned and never leave the range: a
 * range ends with one load that overlaps the previous one, whose bytes
 * are already known to be c.  KMM_STRING_NO_AVX2 and KMM_STRING_NO_SIMD
 * leave out the vector code (tests/kernel/string.c is built with each to
 * test every variant by hand).
 */
#ifndef KMM_KERNEL_STRING_H
#define KMM_KERNEL_STRING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
/* KMM_STRING_NO_SIMD: the portable code only (to test it on x86). */
#if defined(__SSE2__) && !defined(KMM_STRING_NO_SIMD)
#define KMM_STRING_SSE2 1
#include <emmintrin.h>
#endif

static inline uint64_t kmm_load64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

#ifdef KMM_STRING_SSE2
static inline __m128i kmm_load128(const unsigned char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}
#endif

/* The index of the first (lowest-addressed) nonzero byte of a nonzero x. */
static inline unsigned int kmm_first_nonzero_byte(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (unsigned int)__builtin_clzll(x) / 8;
#else
	return (unsigned int)__builtin_ctzll(x) / 8;
#endif
}

void *kmm___memchr_inv(const void *start, int c, size_t bytes);

#define likely_kmm_string(x)	__builtin_expect(!!(x), 1)

/* Inline for 8 to 16 bytes (red zones, padding words): two loads; with
 * SSE2, 17 to 64 bytes (a small object's poison) in four vector loads. */
static inline void *kmm_memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;
	uint64_t pattern, x;

	if (__builtin_constant_p(bytes) && bytes < 8) {
		/* A known handful of bytes (slub_debug's end poison: one). */
		for (; bytes; p++, bytes--)
			if (*p != (unsigned char)c)
				return (void *)p;
		return NULL;
	}
#ifdef KMM_STRING_SSE2
	if (bytes > 16 && bytes <= 64) {
		/* Four 16-byte loads at 0, min(16, n - 16), min(32, n - 16) and
		 * n - 16 cover the range; a miss is located out of line. */
		const __m128i pat = _mm_set1_epi8((char)c);
		size_t last = bytes - 16, o1 = last < 16 ? last : 16, o2 = last < 32 ? last : 32;
		__m128i eq = _mm_and_si128(
			_mm_and_si128(_mm_cmpeq_epi8(kmm_load128(p), pat),
				      _mm_cmpeq_epi8(kmm_load128(p + o1), pat)),
			_mm_and_si128(_mm_cmpeq_epi8(kmm_load128(p + o2), pat),
				      _mm_cmpeq_epi8(kmm_load128(p + last), pat)));

		if (likely_kmm_string(_mm_movemask_epi8(eq) == 0xffff))
			return NULL;
		return kmm___memchr_inv(start, c, bytes);
	}
#endif
	if (bytes < 8 || bytes > 16)
		return kmm___memchr_inv(start, c, bytes);
	pattern = 0x0101010101010101ULL * (unsigned char)c;
	x = kmm_load64(p) ^ pattern;
	if (x)
		return (void *)(p + kmm_first_nonzero_byte(x));
	p = p + bytes - 8;
	x = kmm_load64(p) ^ pattern;
	if (x)
		return (void *)(p + kmm_first_nonzero_byte(x));
	return NULL;
}

/*
 * memset() for slub_debug's red zones and small objects' poison: 8 to 16
 * bytes in two word stores, 17 to 64 (SSE2) in four vector stores that
 * overlap as kmm_memchr_inv's loads do; anything else is memset's.
 */
static inline void kmm_memset_small(void *start, int c, size_t bytes)
{
	unsigned char *p = start;
	uint64_t pattern;

#ifdef KMM_STRING_SSE2
	if (bytes > 16 && bytes <= 64) {
		const __m128i pat = _mm_set1_epi8((char)c);
		size_t last = bytes - 16, o1 = last < 16 ? last : 16, o2 = last < 32 ? last : 32;

		_mm_storeu_si128((__m128i *)(void *)p, pat);
		_mm_storeu_si128((__m128i *)(void *)(p + o1), pat);
		_mm_storeu_si128((__m128i *)(void *)(p + o2), pat);
		_mm_storeu_si128((__m128i *)(void *)(p + last), pat);
		return;
	}
#endif
	if (bytes < 8 || bytes > 16) {
		memset(p, c, bytes);
		return;
	}
	pattern = 0x0101010101010101ULL * (unsigned char)c;
	memcpy(p, &pattern, sizeof(pattern));
	memcpy(p + bytes - 8, &pattern, sizeof(pattern));
}

#endif /* KMM_KERNEL_STRING_H */
