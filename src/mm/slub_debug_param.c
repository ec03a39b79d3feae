// SPDX-License-Identifier: MIT
/*
 * slub_debug's boot parameters (Linux 6.12 mm/slub.c semantics):
 * slub_debug= (setup_slub_debug, parse_slub_debug_flags, and
 * kmem_cache_flags, which gives each cache its flags by name), and
 * failslab= (the fault attributes behind slub_debug's A).
 */
#define _GNU_SOURCE
#include "mm/slab.h"
#include "kernel/internal.h"
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEBUG_DEFAULT_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* ---- the slub_debug= parameter (setup_slub_debug) -------------------------- */

static slab_flags_t slub_debug;
static char slub_debug_buf[512];
static char *slub_debug_string;
bool kmm_slub_debug_disable_higher_order;

static void slub_debug_param_defaults(void)
{
	slub_debug = 0;
	slub_debug_string = NULL;
	kmm_slub_debug_disable_higher_order = false;
}
param_defaults(slub_debug_param_defaults);

/*
 * One block of "FLAGS[,cache,cache*...]" up to ';'.  Returns the next
 * block or NULL; *slabs is the cache list of this block, or NULL.
 */
static char *parse_slub_debug_flags(char *str, slab_flags_t *flags, char **slabs, bool init)
{
	bool higher_order_disable = false;

	while (*str == ';')
		str++;
	if (*str == ',') {
		/* Only a cache list: full debugging for those. */
		*flags = DEBUG_DEFAULT_FLAGS;
		goto check_slabs;
	}
	*flags = 0;
	for (; *str && *str != ',' && *str != ';'; str++) {
		switch (tolower((unsigned char)*str)) {
		case '-':
			*flags = 0;
			break;
		case 'f':
			*flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			*flags |= SLAB_RED_ZONE;
			break;
		case 'p':
			*flags |= SLAB_POISON;
			break;
		case 'u':
			*flags |= SLAB_STORE_USER;
			break;
		case 't':
			*flags |= SLAB_TRACE;
			break;
		case 'a':
			*flags |= SLAB_FAILSLAB;
			break;
		case 'o':
			higher_order_disable = true;
			break;
		default:
			if (init)
				pr_err("slub_debug option '%c' unknown. skipped\n", *str);
		}
	}
check_slabs:
	*slabs = *str == ',' ? ++str : NULL;
	while (*str && *str != ';')
		str++;
	while (*str == ';')
		str++;
	if (init && higher_order_disable)
		kmm_slub_debug_disable_higher_order = true;
	return *str ? str : NULL;
}

static int setup_slub_debug(char *str)
{
	slab_flags_t flags, global_flags = DEBUG_DEFAULT_FLAGS;
	bool global_changed = false, list_specified = false;
	char *slab_list;

	if (str && *str) {
		if (strlen(str) >= sizeof(slub_debug_buf))
			return -EINVAL;
		strcpy(slub_debug_buf, str);
		str = slub_debug_buf;
		while (str) {
			str = parse_slub_debug_flags(str, &flags, &slab_list, true);
			if (!slab_list) {
				global_flags = flags;
				global_changed = true;
			} else {
				list_specified = true;
			}
		}
		/* Flags with cache lists only: the global setting stays. */
		if (list_specified) {
			if (!global_changed)
				global_flags = slub_debug;
			slub_debug_string = slub_debug_buf;
		}
	}
	slub_debug = global_flags;
	return 0;
}
__setup("slub_debug", setup_slub_debug);
static int setup_slab_debug(char *str)
{
	return setup_slub_debug(str);
}
__setup("slab_debug", setup_slab_debug);

/* kmem_cache_flags(): the debug flags slub_debug= gives the cache name. */
slab_flags_t kmm_kmem_cache_flags(slab_flags_t flags, const char *name)
{
	char *iter, *next_block;
	slab_flags_t block_flags;
	size_t len;

	if (!slub_debug_string)
		return flags | slub_debug;
	len = strlen(name);
	next_block = slub_debug_string;
	while (next_block) {
		next_block = parse_slub_debug_flags(next_block, &block_flags, &iter, false);
		if (!iter)
			continue;
		while (*iter) {
			char *end = strchrnul(iter, ','), *glob;
			size_t cmplen;

			if (next_block && next_block < end)
				end = next_block - 1;
			glob = memchr(iter, '*', (size_t)(end - iter));
			if (glob)
				cmplen = (size_t)(glob - iter);
			else
				cmplen = max(len, (size_t)(end - iter));
			if (!strncmp(name, iter, cmplen))
				return flags | block_flags;
			if (!*end || *end == ';')
				break;
			iter = end + 1;
		}
	}
	return flags | slub_debug;
}

/* ---- failslab (A) ------------------------------------------------------------ */

/*
 * failslab=INTERVAL,PROBABILITY,SPACE,TIMES as the kernel's fault
 * attributes (SPACE is accepted and ignored).  kmm has no debugfs: the
 * kernel's cache-filter is always on, so only caches with A (SLAB_FAILSLAB)
 * fail.  TIMES -1 is unlimited.
 */
static struct {
	unsigned long interval;
	unsigned int probability;
	long times;
	unsigned long count;
	unsigned int seed;
	bool armed;
} failslab;
static pthread_mutex_t failslab_lock = PTHREAD_MUTEX_INITIALIZER;

static void failslab_defaults(void)
{
	memset(&failslab, 0, sizeof(failslab));
}
param_defaults(failslab_defaults);

static int setup_failslab(char *str)
{
	unsigned long v[4];
	int i;

	if (!str)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		char *end;
		bool neg = *str == '-';

		v[i] = (unsigned long)kmm_simple_strtoull(str + neg, &end, 0);
		if (end == str + neg)
			return -EINVAL;
		if (neg)
			v[i] = (unsigned long)-(long)v[i];
		str = end;
		if (i < 3 && *str++ != ',')
			return -EINVAL;
	}
	if (*str || v[1] > 100)
		return -EINVAL;
	failslab.interval = v[0] ? v[0] : 1;
	failslab.probability = (unsigned int)v[1];
	failslab.times = (long)v[3];
	failslab.seed = 1;
	failslab.armed = true;
	return 0;
}
__setup("failslab", setup_failslab);

/* should_fail(): every interval-th call, with probability, times times. */
bool kmm_should_failslab(struct kmem_cache *s, gfp_t gfp)
{
	bool fail = false;

	if (!failslab.armed || !(s->flags & SLAB_FAILSLAB) || (gfp & __GFP_NOFAIL))
		return false;
	pthread_mutex_lock(&failslab_lock);
	if (failslab.times == 0)
		goto out;
	failslab.count++;
	if (failslab.interval > 1 && failslab.count % failslab.interval)
		goto out;
	if (failslab.probability < 100 &&
	    (unsigned int)rand_r(&failslab.seed) % 100 >= failslab.probability)
		goto out;
	if (failslab.times > 0)
		failslab.times--;
	fail = true;
out:
	pthread_mutex_unlock(&failslab_lock);
	return fail;
}
