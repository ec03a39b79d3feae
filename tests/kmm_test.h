/* SPDX-License-Identifier: MIT */
/* Helpers shared by kmm's tests: boot quietly, read the log. */
#ifndef KMM_TEST_H
#define KMM_TEST_H

#include <kmm/kmm.h>
#include "tap.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char kmm_test_log[1 << 20];

/* Boot with cmdline; reports go to the ring buffer only. */
static inline int test_boot(const char *cmdline)
{
	int ret;

	kmm_console_set_fd(-1);
	kmm_dmesg_clear();
	ret = kmm_init(cmdline);
	if (ret)
		diag("kmm_init(\"%s\") failed: %d", cmdline, ret);
	return ret;
}

/* Free pages, the pcp lists drained first (they hold pages off the free count). */
static inline unsigned long nr_free(void)
{
	kmm_drain_all_pages(NULL);
	return kmm_nr_free_pages();
}

/* xorshift64: the tests' reproducible random numbers (seed: *state != 0). */
static inline unsigned long long test_rand(unsigned long long *state)
{
	unsigned long long x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* The log since the last kmm_dmesg_clear(). */
static inline const char *test_dmesg(void)
{
	kmm_dmesg_read(kmm_test_log, sizeof(kmm_test_log));
	return kmm_test_log;
}

/* Count occurrences of needle in the log. */
static inline int test_dmesg_count(const char *needle)
{
	const char *p = test_dmesg();
	int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* A view (kmm_proc_show) as a string; the caller frees it. */
static inline char *test_view(const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = kmm_proc_show(name, f);

	fclose(f);
	if (ret)
		diag("kmm_proc_show(\"%s\") = %d", name, ret);
	return buf;
}

/* The value after "name " in a "name value" view (vmstat), or -1. */
static inline long test_view_value(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, name, len) && p[len] == ' ')
			return strtol(p + len + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static inline struct zone *test_zone(int nid, int zid)
{
	return &NODE_DATA(nid)->node_zones[zid];
}

#endif /* KMM_TEST_H */
