// SPDX-License-Identifier: MIT
/*
 * The stack depot: deduplication, the handle layout (pool index + 1,
 * offset in 16-byte units, extra bits), fetch and print, handles that
 * outlive many other saves, saves from many threads at once, the pool
 * cap and its one warning, the stats view, stack_depot_disable= and the
 * reset at kmm_exit().
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "lib/internal.h"
#include <kmm/stackdepot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char log_a[1 << 16], log_b[1 << 16];

/* The log without its "[    1.234567] " timestamps, into buf. */
static const char *untimed_log(char *buf, size_t size)
{
	const char *src = test_dmesg(), *p;
	size_t n = 0;

	for (p = src; *p && n + 1 < size;) {
		const char *nl = strchr(p, '\n'), *body = p;
		size_t len;

		if (*p == '[' && (body = strstr(p, "] ")) && (!nl || body < nl))
			body += 2;
		else
			body = p;
		len = nl ? (size_t)(nl - body) + 1 : strlen(body);
		if (n + len >= size)
			len = size - n - 1;
		memcpy(buf + n, body, len);
		n += len;
		p = nl ? nl + 1 : body + len;
	}
	buf[n] = 0;
	return buf;
}

static void fill(unsigned long *e, unsigned int n, unsigned long seed)
{
	for (unsigned int i = 0; i < n; i++)
		e[i] = 0x400000UL + seed * 0x1000UL + i * 8;
}

static bool fetch_is(depot_stack_handle_t h, const unsigned long *want, unsigned int n)
{
	unsigned long *got;
	unsigned int nr = stack_depot_fetch(h, &got);

	return nr == n && got && !memcmp(got, want, n * sizeof(*want));
}

static noinline void test_basics(void)
{
	unsigned long a[8], b[8], c[3];
	depot_stack_handle_t ha, ha2, hb, hc;
	unsigned long *e = (unsigned long *)1;

	fill(a, 8, 1);
	fill(b, 8, 2);
	ha = stack_depot_save(a, 8, GFP_KERNEL);
	ok(ha != 0, "a save gives a handle (%#x)", ha);
	is_int(ha, 1, "the first record: pool index + 1 = 1, offset 0");
	ha2 = stack_depot_save(a, 8, GFP_KERNEL);
	is_int(ha2, ha, "the same entries give the same handle");
	hb = stack_depot_save(b, 8, GFP_KERNEL);
	ok(hb && hb != ha, "different entries, a different handle");
	/* Header 24 bytes + 8 entries = 88, rounded to 96: offset 6 units. */
	is_int(hb, 1 | 6 << 17, "the second record follows the first in pool 0");
	is_int(stack_depot_save(a, 7, GFP_KERNEL) != ha, 1, "a prefix is another stack");
	is_int(stack_depot_save(a, 0, GFP_KERNEL), 0, "no entries: handle 0");
	ok(fetch_is(ha, a, 8) && fetch_is(hb, b, 8), "fetch gives the exact entries back");
	is_int(stack_depot_fetch(0, &e), 0, "fetch of handle 0: nothing");
	ok(e == NULL, "... and a NULL array");
	fill(c, 3, 3);
	hc = stack_depot_save(c, 3, GFP_NOWAIT);
	ok(fetch_is(hc, c, 3), "a short stack (3 entries)");

	hb = stack_depot_set_extra_bits(ha, 0x15);
	is_int(stack_depot_get_extra_bits(hb), 0x15, "extra bits are kept");
	ok(fetch_is(hb, a, 8), "a handle with extra bits still fetches its stack");
	is_int(stack_depot_set_extra_bits(0, 3), 0, "no extra bits on handle 0");
}

/* Long stacks are cut at 64 frames and still found again. */
static noinline void test_long(void)
{
	static unsigned long l[100];
	depot_stack_handle_t h;
	unsigned long *got;

	fill(l, 100, 77);
	h = stack_depot_save(l, 100, GFP_KERNEL);
	is_int(stack_depot_fetch(h, &got), 64, "a 100-frame stack keeps 64 frames");
	is_int(stack_depot_save(l, 100, GFP_KERNEL), h, "and is found again");
}

static noinline void test_print(void)
{
	unsigned long e[3] = {
		(unsigned long)test_basics + 1, (unsigned long)test_print + 4,
		(unsigned long)fill + 2,
	};
	depot_stack_handle_t h = stack_depot_save(e, 3, GFP_KERNEL);
	char buf[1024], small[8];
	int n;

	kmm_dmesg_clear();
	stack_depot_print(h);
	untimed_log(log_a, sizeof(log_a));
	kmm_dmesg_clear();
	stack_trace_print(e, 3, 0);
	untimed_log(log_b, sizeof(log_b));
	is_str(log_a, log_b, "stack_depot_print prints as stack_trace_print");
	like(log_a, " test_basics+0x1/", "with the frames' symbols");
	like(log_a, " fill+0x2/", "all of them");
	kmm_dmesg_clear();
	stack_depot_print(0);
	is_str(test_dmesg(), "", "handle 0 prints nothing");

	n = stack_depot_snprint(h, buf, sizeof(buf), 2);
	is_int(n, (int)strlen(buf), "snprint returns the length it wrote");
	like(buf, "   test_basics+0x1/", "snprint indents by 1 + spaces");
	is_int(stack_depot_snprint(h, small, sizeof(small), 2), n,
	       "a short buffer: the length the whole trace needs");
	is_int((int)strlen(small), (int)sizeof(small) - 1, "and the buffer is cut, terminated");
	is_int(stack_depot_snprint(0, buf, sizeof(buf), 0), 0, "snprint of handle 0: 0");
}

#define MANY 20000

/* One stack, then enough others to fill many pools: it stays intact. */
static noinline void test_survives(void)
{
	static depot_stack_handle_t hs[MANY];
	unsigned long first[16], e[16];
	depot_stack_handle_t h;
	int bad = 0, dup = 0, i;

	fill(first, 16, 1000000);
	h = stack_depot_save(first, 16, GFP_KERNEL);
	for (i = 0; i < MANY; i++) {
		fill(e, 1 + i % 16, (unsigned long)i + 5000);
		hs[i] = stack_depot_save(e, 1 + i % 16, GFP_KERNEL);
	}
	for (i = 0; i < MANY; i++) {
		fill(e, 1 + i % 16, (unsigned long)i + 5000);
		bad += !hs[i] || !fetch_is(hs[i], e, 1 + i % 16);
		dup += stack_depot_save(e, 1 + i % 16, GFP_KERNEL) != hs[i];
	}
	ok(kmm_stack_depot_pools() > 50, "%d saves took many pools (%d)", MANY,
	   kmm_stack_depot_pools());
	is_int(bad, 0, "every handle fetches its own stack");
	is_int(dup, 0, "saving each again finds the same handle");
	ok(fetch_is(h, first, 16), "the first handle survives them all");
	is_int(stack_depot_save(first, 16, GFP_KERNEL), h, "and is found again");
}

/* Many threads save overlapping stacks at once. */
#define THREADS 6
#define PATTERNS 300
#define ROUNDS 3

static depot_stack_handle_t seen[THREADS][PATTERNS];
static int thread_bad[THREADS];

static void pattern(unsigned long *e, unsigned int *n, int p)
{
	*n = 1 + (unsigned int)(p % 12);
	fill(e, *n, 90000 + (unsigned long)p);
}

static void *saver(void *arg)
{
	int t = (int)(long)arg;
	unsigned long e[16];
	unsigned int n;

	for (int r = 0; r < ROUNDS; r++) {
		for (int k = 0; k < PATTERNS; k++) {
			/* Each thread walks all the patterns in its own order
			 * (strides prime to PATTERNS). */
			static const int stride[THREADS] = { 1, 7, 11, 13, 17, 19 };
			int p = (k * stride[t] + t * 37) % PATTERNS;
			depot_stack_handle_t h;

			pattern(e, &n, p);
			h = stack_depot_save(e, n, GFP_NOWAIT);
			if (!h || (seen[t][p] && seen[t][p] != h) || !fetch_is(h, e, n))
				thread_bad[t]++;
			seen[t][p] = h;
		}
	}
	return NULL;
}

static noinline void test_threads(void)
{
	pthread_t th[THREADS];
	int bad = 0, mismatch = 0, collide = 0;
	unsigned long e[16];
	unsigned int n;

	for (long t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, saver, (void *)t);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	for (int t = 0; t < THREADS; t++)
		bad += thread_bad[t];
	for (int p = 0; p < PATTERNS; p++) {
		for (int t = 1; t < THREADS; t++)
			mismatch += seen[t][p] != seen[0][p];
		if (p && seen[0][p] == seen[0][p - 1])
			collide++;
		pattern(e, &n, p);
		mismatch += stack_depot_save(e, n, GFP_KERNEL) != seen[0][p];
	}
	is_int(bad, 0, "%d threads: every save gave a handle that fetches its stack", THREADS);
	is_int(mismatch, 0, "every thread got the same handle for the same stack");
	is_int(collide, 0, "different stacks, different handles");
}

static noinline void test_cap(void)
{
	static depot_stack_handle_t hs[2000];
	unsigned long e[16], *got;
	int saved = 0, bad = 0, zeros = 0, i;
	char stats[512];
	FILE *f;

	kmm_exit();
	test_boot("mem=64M");
	is_int(kmm_stack_depot_pools(), 0, "a new boot starts with no pool");
	kmm_stack_depot_set_max_pools(2);
	for (i = 0; i < 2000; i++) {
		fill(e, 16, (unsigned long)i + 300000);
		hs[i] = stack_depot_save(e, 16, GFP_KERNEL);
		if (!hs[i])
			break;
		saved++;
	}
	/* 16 entries: 24 + 128 = 152, rounded to 160 bytes: 102 a pool. */
	is_int(saved, 2 * 102, "two pools hold 204 records of 16 entries");
	is_int(kmm_stack_depot_pools(), 2, "no third pool");
	for (i = 0; i < 50; i++) {
		fill(e, 16, (unsigned long)i + 900000);
		zeros += stack_depot_save(e, 16, GFP_KERNEL) == 0;
	}
	is_int(zeros, 50, "new stacks get handle 0 once the depot is full");
	/* 102 records of 160 bytes leave 64 bytes: room for a 1-entry one. */
	fill(e, 1, 123456);
	ok(stack_depot_save(e, 1, GFP_KERNEL) != 0, "a small stack still fits in the last pool");
	is_int(test_dmesg_count("Stack depot reached limit capacity"), 1, "warned once");
	like(test_dmesg(), "WARNING: CPU: ", "as a WARNING report");
	for (i = 0; i < saved; i++) {
		fill(e, 16, (unsigned long)i + 300000);
		bad += !fetch_is(hs[i], e, 16) || stack_depot_save(e, 16, GFP_KERNEL) != hs[i];
	}
	is_int(bad, 0, "the stored stacks are intact and still found");

	f = fmemopen(stats, sizeof(stats), "w");
	kmm_proc_show("stack_depot_stats", f);
	fclose(f);
	is_str(stats, "pools: 2\nrefcounted_allocations: 0\nrefcounted_frees: 0\n"
	       "refcounted_in_use: 0\nfreelist_size: 0\npersistent_count: 205\n"
	       "persistent_bytes: 32672\n", "the stats view (debugfs stackdepot/stats)");

	/* A handle naming a pool that does not exist. */
	kmm_dmesg_clear();
	is_int(stack_depot_fetch(0x100, &got), 0, "a handle past the pools: nothing");
	like(test_dmesg(), "pool index 255 out of bounds (2) for stack id 00000100",
	     "reported as the kernel does");

	kmm_exit();
	is_int(kmm_stack_depot_pools(), 0, "kmm_exit() empties the depot");
}

static noinline void test_disable(void)
{
	unsigned long e[4], *got;
	depot_stack_handle_t h;

	test_boot("mem=64M stack_depot_disable=on");
	fill(e, 4, 42);
	is_int(stack_depot_save(e, 4, GFP_KERNEL), 0, "stack_depot_disable=on: saves give 0");
	is_int(stack_depot_fetch(1, &got), 0, "and fetch gives nothing");
	kmm_exit();
	test_boot("mem=64M");
	h = stack_depot_save(e, 4, GFP_KERNEL);
	ok(h && fetch_is(h, e, 4), "the next boot without it saves again");
	kmm_exit();
}

int main(void)
{
	if (test_boot("mem=64M"))
		return 1;
	test_basics();
	test_long();
	test_print();
	test_survives();
	test_threads();
	test_cap();
	test_disable();
	return done_testing();
}
