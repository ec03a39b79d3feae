// SPDX-License-Identifier: MIT
/*
 * SLUB: the bootstrap, object layout and slab orders, constructors,
 * freelist order, shrink and destroy (with the leak report), accounting,
 * merging, the slabinfo format, hardened free pointers.
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

static char slabinfo[1 << 16];

static const char *read_view(const char *name)
{
	FILE *f = fmemopen(slabinfo, sizeof(slabinfo), "w");

	kmm_proc_show(name, f);
	fputc('\0', f);
	fclose(f);
	return slabinfo;
}

/* The slabinfo row of a cache, or NULL. */
static const char *slabinfo_row(const char *name, char *row, size_t size)
{
	const char *p = read_view("slabinfo");
	size_t len = strlen(name);

	while ((p = strchr(p, '\n'))) {
		p++;
		if (!strncmp(p, name, len) && p[len] == ' ') {
			const char *e = strchr(p, '\n');

			snprintf(row, size, "%.*s", (int)(e - p), p);
			return row;
		}
	}
	return NULL;
}

static void test_bootstrap(void)
{
	char row[256];
	const char *v;
	struct kmem_cache *s;
	int n = 0;

	diag("bootstrap and slabinfo");
	test_boot("mem=256M slub_min_objects=32");
	v = read_view("slabinfo");
	ok(!strncmp(v, "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> "
		       "<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "
		       "<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n",
		    (size_t)strlen("slabinfo - version: 2.1\n# name            <active_objs> <num_objs> "
		       "<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "
		       "<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n")),
	   "slabinfo: the 2.1 header, exactly");
	list_for_each_entry(s, &kmm_slab_caches, list)
		n++;
	/* Objects of a CPU slab count as active, as in the kernel: flush. */
	kmm_kmem_cache_flush(kmm_kmem_cache);
	kmm_kmem_cache_flush(kmm_kmem_cache_node);
	ok(slabinfo_row("kmem_cache", row, sizeof(row)) != NULL, "kmem_cache is a cache of itself");
	{
		unsigned long active = 0, num = 0;
		unsigned int objsize = 0;

		sscanf(row + 17, "%lu %lu %u", &active, &num, &objsize);
		is_int(active, n, "kmem_cache: one active object per cache (%d)", n);
		is_int(objsize, kmm_kmem_cache->size, "kmem_cache: objsize is the cache's size");
	}
	ok(slabinfo_row("kmem_cache_node", row, sizeof(row)) != NULL, "kmem_cache_node is listed");
	{
		unsigned long active = 0;

		sscanf(row + 17, "%lu", &active);
		is_int(active, n * kmm_nr_online_nodes, "kmem_cache_node: one object per cache and node");
	}
	ok(kmm_kmem_cache->refcount == -1 && kmm_kmem_cache_node->refcount == -1,
	   "the boot caches are never merged");
	ok(PageSlab(virt_to_page(kmm_kmem_cache)) &&
	   virt_to_slab(kmm_kmem_cache)->slab_cache == kmm_kmem_cache,
	   "the kmem_cache cache lives in a slab of itself");
	ok(virt_to_slab(kmm_kmem_cache_node)->slab_cache == kmm_kmem_cache,
	   "the kmem_cache_node cache is a kmem_cache object");
	ok(virt_to_slab(kmm_kmem_cache_node->node[0])->slab_cache == kmm_kmem_cache_node,
	   "its node structure is a kmem_cache_node object");
	/* Rows as 6.12 computes them with slub_min_objects=32. */
	like(slabinfo_row("kmalloc-96", row, sizeof(row)), "     96   42    1 :", "kmalloc-96: 42 objects in 1 page");
	like(slabinfo_row("kmalloc-192", row, sizeof(row)), "    192   42    2 : tunables    0    0    0 : slabdata ",
	     "kmalloc-192: 42 objects in 2 pages");
	like(slabinfo_row("kmalloc-8", row, sizeof(row)), "      8  512    1 :", "kmalloc-8: 512 in 1 page");
	like(slabinfo_row("kmalloc-1k", row, sizeof(row)), "   1024   32    8 :", "kmalloc-1k: 32 in 8 pages");
	like(slabinfo_row("kmalloc-8k", row, sizeof(row)), "   8192    4    8 :", "kmalloc-8k: 4 in 8 pages");
	ok(slabinfo_row("kmalloc-rcl-64", row, sizeof(row)) != NULL, "kmalloc-rcl-64 exists");
	{
		char fmt[256];
		struct slabinfo si;

		kmm_get_slabinfo(kmm_kmem_cache, &si);
		snprintf(fmt, sizeof(fmt),
			 "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu",
			 "kmem_cache", si.active_objs, si.num_objs, kmm_kmem_cache->size,
			 si.objects_per_slab, 1 << si.cache_order, 0, 0, 0, si.active_slabs,
			 si.num_slabs, 0UL);
		is_str(slabinfo_row("kmem_cache", row, sizeof(row)), fmt, "slabinfo row format");
	}
	like(test_dmesg(), "SLUB: HWalign=64, Order=0-3, MinObjects=32, CPUs=", "the SLUB boot line");
	kmm_exit();

	test_boot("mem=256M slub_max_order=0");
	like(slabinfo_row("kmalloc-8k", row, sizeof(row)), "   8192    1    2 :",
	     "slub_max_order=0: an 8k object still gets its minimum order");
	like(slabinfo_row("kmalloc-2k", row, sizeof(row)), "   2048    2    1 :",
	     "slub_max_order=0: kmalloc-2k in order 0");
	kmm_exit();
	test_boot("mem=256M slub_min_order=2");
	like(slabinfo_row("kmalloc-8", row, sizeof(row)), "      8 2048    4 :",
	     "slub_min_order=2: kmalloc-8 in 4 pages");
	kmm_exit();
}

static int ctor_calls;
static void ctor(void *p)
{
	__atomic_fetch_add(&ctor_calls, 1, __ATOMIC_RELAXED);
	memset(p, 0x5a, 20);
}

static void test_layout(void)
{
	struct kmem_cache *s;
	void *a, *b, *c;
	int i;

	diag("layout, constructors, freelist order");
	test_boot("mem=256M slub_nomerge");
	pin_cpu0();
	s = kmem_cache_create("t20", 20, 0, 0, NULL);
	is_int(s->object_size, 20, "object_size 20");
	is_int(s->size, 24, "size aligned to a word: 24");
	is_int(s->offset, 8, "free pointer mid-object");
	kmem_cache_destroy(s);
	s = kmem_cache_create("t20hw", 20, 0, SLAB_HWCACHE_ALIGN, NULL);
	is_int(s->size, 32, "SLAB_HWCACHE_ALIGN on 20 bytes: half a line, 32");
	kmem_cache_destroy(s);
	s = kmem_cache_create("t100hw", 100, 0, SLAB_HWCACHE_ALIGN, NULL);
	is_int(s->size, 128, "SLAB_HWCACHE_ALIGN on 100 bytes: 128");
	a = kmem_cache_alloc(s, GFP_KERNEL);
	ok(((unsigned long)a & 63) == 0, "objects are cache-line aligned");
	kmem_cache_free(s, a);
	kmem_cache_destroy(s);
	s = kmem_cache_create("t24a256", 24, 256, 0, NULL);
	is_int(s->size, 256, "align 256: size 256");
	kmem_cache_destroy(s);

	ctor_calls = 0;
	s = kmem_cache_create("tctor", 20, 0, 0, ctor);
	is_int(s->offset, 24, "with a constructor the free pointer is after the object");
	is_int(s->size, 32, "... and the object grows by a word");
	a = kmem_cache_alloc(s, GFP_KERNEL);
	is_int(ctor_calls, oo_objects(s->oo), "the constructor ran once per object of the new slab");
	ok(((unsigned char *)a)[19] == 0x5a, "the object is constructed");
	b = kmem_cache_alloc(s, GFP_KERNEL);
	ok((char *)b == (char *)a + s->size, "freelist in address order");
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	ok(c == b, "the last freed object comes back first");
	kmem_cache_free(s, c);
	for (i = 0; i < 100; i++)
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	is_int(ctor_calls, oo_objects(s->oo), "no constructor calls on reuse");
	a = kmem_cache_zalloc(s, GFP_KERNEL);
	ok(((unsigned char *)a)[0] == 0 && ((unsigned char *)a)[19] == 0, "kmem_cache_zalloc zeroes");
	kmem_cache_free(s, a);
	kmem_cache_destroy(s);
	unpin();
	kmm_exit();
}

/* Objects held in every CPU's sheaves of s and in its barns. */
static unsigned long sheaf_objects(struct kmem_cache *s)
{
	struct slab_sheaf *sheaf;
	unsigned long n = 0;
	unsigned int cpu;
	int node;

	if (!s->cpu_sheaves)
		return 0;
	for (cpu = 0; cpu < s->nr_cpu_ids; cpu++) {
		n += s->cpu_sheaves[cpu].main->size;
		if (s->cpu_sheaves[cpu].spare)
			n += s->cpu_sheaves[cpu].spare->size;
	}
	for_each_online_node(node)
		list_for_each_entry(sheaf, &s->barn[node].sheaves_full, barn_list)
			n += sheaf->size;
	return n;
}

static unsigned long slabinfo_active(const char *name)
{
	char row[256];

	if (!slabinfo_row(name, row, sizeof(row)))
		return 0;
	return strtoul(row + strlen(name), NULL, 10);
}

static void test_destroy_shrink_accounting(void)
{
	struct kmem_cache *s, *r;
	void *objs[1000];
	unsigned long before, unrecl, recl;
	char row[256];
	const char *log;
	int i;

	diag("shrink, destroy, leaks, accounting");
	test_boot("mem=256M");
	shrink_all();
	before = nr_free();
	unrecl = kmm_global_node_page_state(NR_SLAB_UNRECLAIMABLE_B);
	ok(unrecl > 0, "boot slabs are accounted in nr_slab_unreclaimable");
	s = kmem_cache_create("tshrink", 200, 0, 0, NULL);
	for (i = 0; i < 1000; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	ok(kmm_global_node_page_state(NR_SLAB_UNRECLAIMABLE_B) > unrecl, "new slabs are accounted");
	/*
	 * Objects in the sheaves count as allocated, and so does all of a
	 * CPU slab, as in the kernel; once both are flushed (as
	 * kmem_cache_shrink does first), the count is exact.
	 */
	ok(slabinfo_active("tshrink") >= 1000 + sheaf_objects(s),
	   "slabinfo: at least 1000 active and the %lu refilled into the sheaves", sheaf_objects(s));
	kmm_kmem_cache_flush(s);
	is_int(sheaf_objects(s), 0, "a flush empties the sheaves");
	like(slabinfo_row("tshrink", row, sizeof(row)), "tshrink             1000 ", "slabinfo: 1000 active");
	for (i = 0; i < 1000; i++)
		kmem_cache_free(s, objs[i]);
	is_int(kmem_cache_shrink(s), 0, "kmem_cache_shrink: no slabs left");
	like(slabinfo_row("tshrink", row, sizeof(row)), "tshrink                0      0 ", "slabinfo: empty after shrink");
	kmm_dmesg_clear();
	kmem_cache_destroy(s);
	unlike(test_dmesg(), "BUG", "destroying an empty cache reports nothing");
	ok(!slabinfo_row("tshrink", row, sizeof(row)), "the cache is gone from slabinfo");
	shrink_all();
	is_int(nr_free(), before, "every page is back");
	is_int(kmm_global_node_page_state(NR_SLAB_UNRECLAIMABLE_B), unrecl, "accounting is back");

	recl = kmm_global_node_page_state(NR_SLAB_RECLAIMABLE_B);
	r = kmem_cache_create("trecl", 64, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	objs[0] = kmem_cache_alloc(r, GFP_KERNEL);
	ok(kmm_global_node_page_state(NR_SLAB_RECLAIMABLE_B) > recl, "SLAB_RECLAIM_ACCOUNT: nr_slab_reclaimable");
	ok(r->allocflags & __GFP_RECLAIMABLE, "... slabs are __GFP_RECLAIMABLE");
	like(read_view("meminfo"), "SReclaimable:", "meminfo shows SReclaimable");
	kmem_cache_free(r, objs[0]);
	kmem_cache_destroy(r);

	/* A leaked object. */
	s = kmem_cache_create("tleak", 64, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < 10; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 10; i++)
		if (i != 3)
			kmem_cache_free(s, objs[i]);
	kmm_dmesg_clear();
	kmem_cache_destroy(s);
	log = test_dmesg();
	like(log, "=============================================================================\n",
	     "leak: the banner");
	like(log, "BUG tleak (Not tainted): ", "leak: the BUG line (tainted after it)");
	like(log, "): Objects remaining in tleak on __kmem_cache_shutdown()\n", "leak: the reason");
	like(log, "-----------------------------------------------------------------------------\n",
	     "leak: the rule");
	like(log, "Slab 0x", "leak: the slab line");
	{
		char line[96];

		snprintf(line, sizeof(line), "Object 0x%016lx @offset=%tu\n", (unsigned long)objs[3],
			 (char *)objs[3] - (char *)slab_address(virt_to_slab(objs[3])));
		like(log, line, "leak: the object line");
	}
	is_int(test_dmesg_count("Object 0x"), 1, "leak: one object listed");
	like(log, "kmem_cache_destroy tleak: Slab cache still has objects when called from", "leak: the WARNING");
	ok(kmm_test_taint(TAINT_BAD_PAGE), "leak: tainted B");
	ok(slabinfo_row("tleak", row, sizeof(row)) != NULL, "leak: the cache stays, as in the kernel");
	kmm_exit();
}

static void test_merge(void)
{
	struct kmem_cache *a, *b, *c, *k;
	char row[256];

	diag("merging");
	test_boot("mem=256M");
	a = kmem_cache_create("merge_a", 40, 0, 0, NULL);
	b = kmem_cache_create("merge_b", 36, 0, 0, NULL);
	ok(a && a == b, "compatible caches alias");
	is_int(a->refcount, 2, "refcount 2");
	c = kmem_cache_create("merge_c", 40, 0, 0, ctor);
	ok(c != a, "a constructor prevents merging");
	k = kmem_cache_create("merge_64", 64, 0, 0, NULL);
	ok(!strcmp(k->name, "kmalloc-64"), "a 64-byte cache merges into kmalloc-64");
	ok(kmem_cache_create("merge_r", 40, 0, SLAB_RECLAIM_ACCOUNT, NULL) != a,
	   "SLAB_RECLAIM_ACCOUNT only merges with its kind");
	ok(kmem_cache_create("merge_n", 40, 0, SLAB_NO_MERGE, NULL) != a, "SLAB_NO_MERGE");
	ok(kmem_cache_create("merge_p", 40, 0, SLAB_POISON, NULL) != a, "debug flags forbid merging");
	ok(kmem_cache_create("merge_al", 40, 16, 0, NULL) != a, "an incompatible alignment");
	kmem_cache_destroy(b);
	ok(slabinfo_row("merge_a", row, sizeof(row)) != NULL, "destroying an alias keeps the cache");
	kmem_cache_destroy(a);
	ok(!slabinfo_row("merge_a", row, sizeof(row)), "the last reference destroys it");
	kmem_cache_destroy(k);
	ok(slabinfo_row("kmalloc-64", row, sizeof(row)) != NULL, "kmalloc-64 stays");
	kmem_cache_destroy(c);
	kmm_exit();

	test_boot("mem=256M slub_nomerge");
	a = kmem_cache_create("merge_a", 40, 0, 0, NULL);
	b = kmem_cache_create("merge_b", 40, 0, 0, NULL);
	ok(a != b, "slub_nomerge: no aliases");
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	kmm_exit();
	test_boot("mem=256M slab_nomerge");
	a = kmem_cache_create("merge_a", 40, 0, 0, NULL);
	b = kmem_cache_create("merge_a", 40, 0, 0, NULL);
	ok(a && b && a != b, "slab_nomerge; the same name twice makes two caches, as without sysfs");
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	kmm_exit();
}

static void test_create_errors(void)
{
	pid_t pid;
	int status;

	diag("kmem_cache_create errors");
	test_boot("mem=256M");
	ok(!kmem_cache_create("zero", 0, 0, 0, NULL), "size 0: NULL");
	like(test_dmesg(), "kmem_cache_create(zero) integrity check failed", "... reported");
	like(test_dmesg(), "kmem_cache_create(zero) failed with error -22", "... with the error");
	ok(!kmem_cache_create("huge", (unsigned int)KMALLOC_MAX_SIZE + 1, 0, 0, NULL), "too large: NULL");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		kmem_cache_create("panic", 0, 0, SLAB_PANIC, NULL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "SLAB_PANIC: a failure panics");
	kmm_exit();
}

static void test_hardening(void)
{
	struct kmem_cache *s;
	void *o[8], *x, *y;
	unsigned long *fp;
	char fake[256] __attribute__((aligned(64)));
	const char *log;
	int i;

	/* The free pointers live in free objects on freelists; sheaves hold
	 * freed objects without one, so this runs with the freelists alone. */
	diag("hardened free pointers");
	test_boot("mem=256M kmm.sheaves=off");
	pin_cpu0();
	s = kmem_cache_create("thard", 64, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < 8; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	fp = (unsigned long *)((char *)o[7] + s->offset);
	kmem_cache_free(s, o[6]);
	kmem_cache_free(s, o[7]);	/* freelist: o7 -> o6 -> rest */
	ok(*fp != (unsigned long)o[6], "a stored free pointer is not the plain address");
	/* A heap overflow writes a forged pointer over o7's free pointer. */
	*fp = (unsigned long)fake;
	kmm_dmesg_clear();
	x = kmem_cache_alloc(s, GFP_KERNEL);
	y = kmem_cache_alloc(s, GFP_KERNEL);
	ok(x == o[7], "the object holding the corrupt pointer is handed out");
	ok(y != (void *)fake && y != NULL, "the forged pointer is never handed out");
	ok(virt_to_slab(y) && virt_to_slab(y)->slab_cache == s, "the next object is a real one");
	log = test_dmesg();
	like(log, "BUG thard (", "corrupt pointer: reported");
	like(log, "): Freechain corrupt\n", "... as the BUG line says");
	like(log, "Freechain corrupt", "... as a corrupt freechain");
	like(log, "FIX thard: Isolate corrupted freechain", "... and the fix");
	for (i = 0; i < 200; i++) {
		void *z = kmem_cache_alloc(s, GFP_KERNEL);

		ok(z != (void *)fake || i, "no forged object");
		if (z == (void *)fake || z == o[6])
			break;
	}
	ok(i == 200, "neither the forged pointer nor the abandoned chain comes back");

	/* A pointer inside an object (not on a boundary) is refused too. */
	kmm_exit();
	test_boot("mem=256M kmm.sheaves=off");
	s = kmem_cache_create("thard2", 64, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < 8; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, o[6]);
	kmem_cache_free(s, o[7]);
	fp = (unsigned long *)((char *)o[7] + s->offset);
	/* Re-encode a pointer to o6 + 8 with the cache's secret (an attacker
	 * that knows it still cannot leave the object grid). */
	*fp = ((unsigned long)o[6] + 8) ^ s->random ^ __builtin_bswap64((unsigned long)fp);
	kmm_dmesg_clear();
	x = kmem_cache_alloc(s, GFP_KERNEL);
	y = kmem_cache_alloc(s, GFP_KERNEL);
	ok(y != (char *)o[6] + 8, "a misaligned pointer is not followed");
	like(test_dmesg(), "Freechain corrupt", "... and reported");
	unpin();
	kmm_exit();
}

static void test_order_fallback_min_partial(void)
{
	static struct page *pages[1 << 15];
	struct kmem_cache *s;
	struct page *slab;
	void *objs[2000], *x;
	long nr = 0, i, slabs;
	unsigned long held;

	diag("order fallback, min_partial");
	test_boot("mem=64M");
	pin_cpu0();
	s = kmem_cache_create("tfall", 2000, 0, SLAB_NO_MERGE, NULL);
	is_int(oo_order(s->oo), 3, "2000-byte objects: order-3 slabs");
	is_int(oo_order(s->min), 0, "... minimum order 0");
	/* Fragment memory: take every page, give back every other one. */
	while (nr < (long)ARRAY_SIZE(pages) &&
	       (pages[nr] = alloc_page(GFP_KERNEL | __GFP_MEMALLOC | __GFP_NOWARN)))
		nr++;
	for (i = 0; i < nr; i += 2)
		__free_page(pages[i]);
	kmm_dmesg_clear();
	x = kmem_cache_alloc(s, GFP_KERNEL);
	slab = x ? virt_to_slab(x) : NULL;
	ok(slab && slab_order(slab) == 0, "no order-3 block: an order-0 slab");
	ok(slab && slab_counters(slab).objects == oo_objects(s->min), "... with %u objects",
	   oo_objects(s->min));
	unlike(test_dmesg(), "page allocation failure", "the order-3 attempt failed silently");
	kmem_cache_free(s, x);
	for (i = 1; i < nr; i += 2)
		__free_page(pages[i]);
	kmem_cache_destroy(s);

	/* Empty slabs beyond min_partial go back without a shrink. */
	s = kmem_cache_create("tminpart", 256, 0, SLAB_NO_MERGE, NULL);
	is_int(s->min_partial, 5, "min_partial: ilog2(256) / 2 = 4, at least 5");
	for (i = 0; i < 2000; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 2000; i++)
		kmem_cache_free(s, objs[i]);
	/* The objects still in the sheaves and the barn (the last freed, so
	 * in consecutive slabs) keep theirs. */
	held = DIV_ROUND_UP(sheaf_objects(s), oo_objects(s->oo)) + 1;
	slabs = atomic_long_read(&s->node[0]->nr_slabs);
	ok(slabs <= (long)(s->min_partial + s->cpu_partial_slabs + 2 + held),
	   "2000 objects freed: %ld slabs kept (min_partial %lu, cpu_partial_slabs %u, %lu for the sheaves)",
	   slabs, s->min_partial, s->cpu_partial_slabs, held);
	is_int(kmem_cache_shrink(s), 0, "shrink frees the rest");
	kmem_cache_destroy(s);
	unpin();
	kmm_exit();
}

static int args_ctor_calls;

static void args_ctor(void *p)
{
	args_ctor_calls++;
	memset(p, 0x3c, 100);
}

/* 6.12's kmem_cache_create(name, size, args, flags) and its other forms. */
static void test_create_args(void)
{
	struct kmem_cache_args args = { .align = 64, .ctor = args_ctor };
	struct kmem_cache_args rcu = { .freeptr_offset = 8, .use_freeptr_offset = true };
	struct kmem_cache *a, *b, *c, *d, *u1, *u2;
	unsigned int rcu_size;
	unsigned char *p;

	diag("kmem_cache_create with kmem_cache_args, NULL, and the usercopy form");
	test_boot("mem=64M");
	a = kmem_cache_create("targs", 100, &args, 0);
	p = a ? kmem_cache_alloc(a, GFP_KERNEL) : NULL;
	ok(p && !((unsigned long)p & 63) && args_ctor_calls > 0 && p[99] == 0x3c,
	   "args: aligned to 64, the constructor ran");
	kmem_cache_free(a, p);
	b = kmem_cache_create("tnull", 100, NULL, SLAB_NO_MERGE);
	ok(b && kmem_cache_size(b) == 100, "NULL args: the defaults");
	c = kmem_cache_create("trcu", 96, NULL, SLAB_TYPESAFE_BY_RCU);
	d = kmem_cache_create("trcu_fp", 96, &rcu, SLAB_TYPESAFE_BY_RCU);
	rcu_size = c ? c->size : 0;
	ok(c && c->offset == 96 && rcu_size > 96, "SLAB_TYPESAFE_BY_RCU: the free pointer after the object (%u)",
	   rcu_size);
	ok(d && d->offset == 8 && d->size < rcu_size,
	   "... with freeptr_offset 8: inside it, and the object is smaller (%u)", d ? d->size : 0);
	p = d ? kmem_cache_alloc(d, GFP_KERNEL) : NULL;
	kmem_cache_free(d, p);
	is_int(kmem_cache_validate(d), 0, "... and the cache works and validates");
	kmm_dmesg_clear();
	rcu.freeptr_offset = 96;
	ok(!kmem_cache_create("tfp_big", 96, &rcu, SLAB_TYPESAFE_BY_RCU), "freeptr_offset past the object: NULL");
	rcu.freeptr_offset = 12;
	ok(!kmem_cache_create("tfp_odd", 96, &rcu, SLAB_TYPESAFE_BY_RCU), "a misaligned freeptr_offset: NULL");
	rcu.freeptr_offset = 8;
	ok(!kmem_cache_create("tfp_norcu", 96, &rcu, 0), "freeptr_offset without SLAB_TYPESAFE_BY_RCU: NULL");
	like(test_dmesg(), "kmem_cache_create(tfp_norcu) failed with error -22", "... reported, -EINVAL");
	u1 = kmem_cache_create_usercopy("tuc1", 64, 0, 0, 8, 32, NULL);
	u2 = kmem_cache_create_usercopy("tuc2", 64, 0, 0, 8, 32, NULL);
	ok(u1 && u2 && u1 != u2 && u1->useroffset == 8 && u1->usersize == 32,
	   "usercopy: the region recorded, and such caches are not merged");
	kmm_dmesg_clear();
	u2 = kmem_cache_create_usercopy("tuc3", 64, 0, 0, 60, 32, NULL);
	ok(u2 && u2->usersize == 0 && u2->useroffset == 0, "a region past the object: cleared");
	like(test_dmesg(), "WARNING:", "... with a warning");
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	kmem_cache_destroy(c);
	kmem_cache_destroy(d);
	kmem_cache_destroy(u1);
	kmem_cache_destroy(u2);
	kmm_exit();
}

int main(void)
{
	test_bootstrap();
	test_layout();
	test_destroy_shrink_accounting();
	test_merge();
	test_create_errors();
	test_hardening();
	test_order_fallback_min_partial();
	test_create_args();	/* last: its warnings taint W */
	return done_testing();
}
