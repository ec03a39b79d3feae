// SPDX-License-Identifier: MIT
/*
 * String helpers of the kernel's lib/string.c that libc lacks: see
 * string.h.
 */
#include "string.h"
#if defined(KMM_STRING_SSE2) && defined(__x86_64__) && defined(__GNUC__) && !defined(KMM_STRING_NO_AVX2)
#include <immintrin.h>
#define HAVE_AVX2_VARIANT 1

/*
 * 32 bytes at a time, for a range of 64 bytes or more: blocks of 128 bytes
 * XOR'ed with the pattern and OR'ed together take one test; the block with
 * a difference, and what is left, are scanned 32 bytes at a time.
 */
__attribute__((target("avx2"))) static void *memchr_inv_avx2(const unsigned char *p,
							     unsigned char value, size_t bytes)
{
	const __m256i pat = _mm256_set1_epi8((char)value);
	const unsigned char *stop = p + (bytes & ~(size_t)127), *last = p + bytes - 32;
	unsigned int miss;
	__m256i x;

	for (; p != stop; p += 128) {
		x = _mm256_or_si256(
			_mm256_or_si256(_mm256_xor_si256(_mm256_loadu_si256((const void *)p), pat),
					_mm256_xor_si256(_mm256_loadu_si256((const void *)(p + 32)), pat)),
			_mm256_or_si256(_mm256_xor_si256(_mm256_loadu_si256((const void *)(p + 64)), pat),
					_mm256_xor_si256(_mm256_loadu_si256((const void *)(p + 96)), pat)));
		if (!_mm256_testz_si256(x, x))
			break;
	}
	for (; p < last; p += 32) {
		miss = ~(unsigned int)_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(_mm256_loadu_si256((const void *)p), pat));
		if (miss)
			return (void *)(p + __builtin_ctz(miss));
	}
	/* The last 32 bytes, overlapping bytes already found equal. */
	miss = ~(unsigned int)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(_mm256_loadu_si256((const void *)last), pat));
	return miss ? (void *)(last + __builtin_ctz(miss)) : NULL;
}
#endif

void *kmm___memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;
	unsigned char value = (unsigned char)c;
	uint64_t pattern, x;

	if (bytes < 8) {
		for (; bytes; p++, bytes--)
			if (*p != value)
				return (void *)p;
		return NULL;
	}
#ifdef HAVE_AVX2_VARIANT
	if (bytes >= 64 && __builtin_cpu_supports("avx2"))
		return memchr_inv_avx2(p, value, bytes);
#endif
#ifdef KMM_STRING_SSE2
	if (bytes >= 16) {
		const __m128i pat = _mm_set1_epi8((char)value);
		unsigned int miss;

		for (; bytes >= 64; p += 64, bytes -= 64) {
			__m128i eq = _mm_and_si128(
				_mm_and_si128(_mm_cmpeq_epi8(kmm_load128(p), pat),
					      _mm_cmpeq_epi8(kmm_load128(p + 16), pat)),
				_mm_and_si128(_mm_cmpeq_epi8(kmm_load128(p + 32), pat),
					      _mm_cmpeq_epi8(kmm_load128(p + 48), pat)));

			if (_mm_movemask_epi8(eq) != 0xffff)
				break;
		}
		for (; bytes >= 16; p += 16, bytes -= 16) {
			miss = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(kmm_load128(p), pat)) ^ 0xffff;
			if (miss)
				return (void *)(p + __builtin_ctz(miss));
		}
		if (bytes) {
			/* The last 16 bytes, overlapping bytes already found equal to c. */
			p = p + bytes - 16;
			miss = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(kmm_load128(p), pat)) ^ 0xffff;
			if (miss)
				return (void *)(p + __builtin_ctz(miss));
		}
		return NULL;
	}
#endif
	pattern = 0x0101010101010101ULL * value;
	for (; bytes >= 32; p += 32, bytes -= 32)
		if ((kmm_load64(p) ^ pattern) | (kmm_load64(p + 8) ^ pattern) |
		    (kmm_load64(p + 16) ^ pattern) | (kmm_load64(p + 24) ^ pattern))
			break;
	for (; bytes >= 8; p += 8, bytes -= 8) {
		x = kmm_load64(p) ^ pattern;
		if (x)
			return (void *)(p + kmm_first_nonzero_byte(x));
	}
	if (bytes) {
		/* The last word, overlapping bytes already found equal to c. */
		p = p + bytes - 8;
		x = kmm_load64(p) ^ pattern;
		if (x)
			return (void *)(p + kmm_first_nonzero_byte(x));
	}
	return NULL;
}

