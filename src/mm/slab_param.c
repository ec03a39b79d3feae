// SPDX-License-Identifier: MIT
/*
 * The slab allocator's boot parameters (Linux 6.12 names and syntax):
 * slab_nomerge / slub_nomerge, slab_merge / slub_merge, slab_min_order=
 * and slub_min_order=, slab_max_order= / slub_max_order=,
 * slab_min_objects= / slub_min_objects=, and kmm's kmm.sheaves=.
 * slub_debug= and failslab= are in slub_debug_param.c.
 */
#include "mm/slab.h"
#include "kernel/internal.h"
#include <errno.h>
#include <string.h>

bool kmm_slab_nomerge;
unsigned int kmm_slub_min_order, kmm_slub_max_order, kmm_slub_min_objects;

static void slab_param_defaults(void)
{
	kmm_slab_nomerge = false;	/* CONFIG_SLAB_MERGE_DEFAULT=y */
	kmm_slub_min_order = 0;
	kmm_slub_max_order = PAGE_ALLOC_COSTLY_ORDER;
	kmm_slub_min_objects = 0;
	kmm_slub_sheaves = true;
}
param_defaults(slab_param_defaults);

/* kmm.sheaves=off: no per-CPU sheaves, the freelist-only SLUB of 6.12. */
bool kmm_slub_sheaves = true;

static int setup_sheaves(char *val)
{
	if (!val) {
		kmm_slub_sheaves = true;
		return 0;
	}
	return kmm_kstrtobool(val, &kmm_slub_sheaves) ? -EINVAL : 0;
}
__setup("kmm.sheaves", setup_sheaves);

static int setup_slab_nomerge(char *str)
{
	kmm_slab_nomerge = true;
	return 0;
}
__setup("slab_nomerge", setup_slab_nomerge);
static int setup_slub_nomerge(char *str)
{
	return setup_slab_nomerge(str);
}
__setup("slub_nomerge", setup_slub_nomerge);

static int setup_slab_merge(char *str)
{
	kmm_slab_nomerge = false;
	return 0;
}
__setup("slab_merge", setup_slab_merge);
static int setup_slub_merge(char *str)
{
	return setup_slab_merge(str);
}
__setup("slub_merge", setup_slub_merge);

static int read_uint(char *str, unsigned int *v)
{
	int x;

	if (!str || !kmm_get_option(&str, &x) || x < 0)
		return -EINVAL;
	*v = (unsigned int)x;
	return 0;
}

static int setup_slub_min_order(char *str)
{
	if (read_uint(str, &kmm_slub_min_order))
		return -EINVAL;
	kmm_slub_min_order = min(kmm_slub_min_order, (unsigned int)MAX_PAGE_ORDER);
	if (kmm_slub_min_order > kmm_slub_max_order)
		kmm_slub_max_order = kmm_slub_min_order;
	return 0;
}
__setup("slab_min_order", setup_slub_min_order);
static int setup_slub_min_order2(char *str)
{
	return setup_slub_min_order(str);
}
__setup("slub_min_order", setup_slub_min_order2);

static int setup_slub_max_order(char *str)
{
	if (read_uint(str, &kmm_slub_max_order))
		return -EINVAL;
	kmm_slub_max_order = min(kmm_slub_max_order, (unsigned int)MAX_PAGE_ORDER);
	if (kmm_slub_min_order > kmm_slub_max_order)
		kmm_slub_min_order = kmm_slub_max_order;
	return 0;
}
__setup("slab_max_order", setup_slub_max_order);
static int setup_slub_max_order2(char *str)
{
	return setup_slub_max_order(str);
}
__setup("slub_max_order", setup_slub_max_order2);

static int setup_slub_min_objects(char *str)
{
	return read_uint(str, &kmm_slub_min_objects);
}
__setup("slab_min_objects", setup_slub_min_objects);
static int setup_slub_min_objects2(char *str)
{
	return setup_slub_min_objects(str);
}
__setup("slub_min_objects", setup_slub_min_objects2);
