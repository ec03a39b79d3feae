// SPDX-License-Identifier: MIT
/*
 * Per-CPU sheaves (src/mm/slub_sheaf.c): frees go onto the CPU's main
 * sheaf whatever their slab, allocations take the object freed last, a
 * full main sheaf is exchanged with the spare or given to the node's barn
 * for an empty one (or, the barn holding its maximum of full sheaves, the
 * spare is flushed to the slabs), an empty main is exchanged for a full
 * sheaf of the barn (also one another CPU filled), an immediate double
 * free is caught, and shrinking, validation and destruction flush every
 * CPU's sheaves, also those of a CPU the caller is not on (the membarrier
 * fence), and the barn.  Every scenario runs twice: with restartable
 * sequences when the machine has them (the entry points' sequences), and
 * booted with kmm.rseq=off (the general path's trylock of pcs->lock, as
 * under ThreadSanitizer).
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include "arch/rseq.h"
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/* kmem_cache_destroy(s), which must report nothing. */
static void destroy_quietly(struct kmem_cache *s)
{
	kmm_dmesg_clear();
	kmem_cache_destroy(s);
	unlike(test_dmesg(), "BUG", "destroyed without a report");
}

static unsigned int cpu_objects(struct kmem_cache *s, int cpu)
{
	struct slub_percpu_sheaves *pcs = &s->cpu_sheaves[cpu];

	return pcs->main->size + (pcs->spare ? pcs->spare->size : 0);
}

static unsigned long all_objects(struct kmem_cache *s)
{
	unsigned long n = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < s->nr_cpu_ids; cpu++)
		n += cpu_objects(s, (int)cpu);
	return n;
}

static void test_lifo_and_exchange(void)
{
	struct kmem_cache *s;
	void *o[200], *p[200], *x;
	unsigned int cap, before;
	unsigned long free_before;
	int i, j, distinct = 1;

	diag("frees onto the main sheaf, allocations from it, exchange and flush");
	pin_cpu(0);
	shrink_all();
	free_before = nr_free();
	s = kmem_cache_create("tsheaf", 64, 0, SLAB_NO_MERGE, NULL);
	ok(s->cpu_sheaves != NULL &&
	   s->fastpath == (kmm_percpu_rseq ? FASTPATH_SHEAVES : FASTPATH_TRYLOCK),
	   "a cache without debugging has sheaves (%s)",
	   kmm_percpu_rseq ? "sequences" : "trylock");
	cap = s->sheaf_capacity;
	is_int(cap, 32, "64-byte objects: 32 per sheaf");
	for (i = 0; i < 200; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	ok(cpu_objects(s, 0) <= cap, "a refill takes at most a sheaf (%u)", cpu_objects(s, 0));
	kmm_flush_all_sheaves(s);
	is_int(all_objects(s), 0, "flushed: no object in any sheaf");

	kmem_cache_free(s, o[10]);
	kmem_cache_free(s, o[150]);
	is_int(s->cpu_sheaves[0].main->size, 2, "two frees from different slabs: two objects on main");
	ok(s->cpu_sheaves[0].main->objects[1] == o[150], "... the last freed on top");
	x = kmem_cache_alloc(s, GFP_KERNEL);
	ok(x == o[150], "an allocation takes the object freed last");
	x = kmem_cache_alloc(s, GFP_KERNEL);
	ok(x == o[10], "... then the one before");
	is_int(s->cpu_sheaves[0].main->size, 0, "main is empty again");

	for (i = 0; i < (int)cap; i++)
		kmem_cache_free(s, o[i]);
	is_int(s->cpu_sheaves[0].main->size, cap, "main is full after a sheaf of frees");
	kmem_cache_free(s, o[cap]);
	is_int(s->cpu_sheaves[0].main->size, 1, "the next free: main and spare exchanged");
	is_int(s->cpu_sheaves[0].spare->size, cap, "... the full sheaf is the spare");
	for (i = (int)cap + 1; i < 2 * (int)cap + 1; i++)
		kmem_cache_free(s, o[i]);
	is_int(s->cpu_sheaves[0].main->size, 1, "both full: main went to the barn for an empty sheaf");
	is_int(s->cpu_sheaves[0].spare->size, cap, "... the spare stays");
	is_int(s->barn[0].nr_full, 1, "... the barn holds one full sheaf");
	/* o[0 .. 2 cap] are free now: take the sheaves' objects back. */
	before = (unsigned int)all_objects(s);
	for (i = 0; i < (int)before; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		for (j = 0; j < i; j++)
			if (p[j] == p[i])
				distinct = 0;
	}
	ok(distinct, "%u allocations from the sheaves: all different", before);
	is_int(all_objects(s), 0, "the sheaves are empty");
	for (i = 0; i < (int)before; i++)
		kmem_cache_free(s, p[i]);
	for (i = 2 * (int)cap + 1; i < 200; i++)
		kmem_cache_free(s, o[i]);
	is_int(kmem_cache_validate(s), 0, "validation: nothing");
	is_int(kmem_cache_shrink(s), 0, "kmem_cache_shrink");
	is_int(all_objects(s), 0, "... flushes the sheaves");
	destroy_quietly(s);
	shrink_all();
	is_int(nr_free(), free_before, "every page is back");
	unpin();
}

static void test_double_free(void)
{
	struct kmem_cache *s;
	void *a, *b, *c;

	diag("a double free into a sheaf");
	pin_cpu(0);
	s = kmem_cache_create("tsheaf2", 128, 0, SLAB_NO_MERGE, NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a);
	kmm_dmesg_clear();
	kmem_cache_free(s, a);
	like(test_dmesg(), "BUG tsheaf2 (", "reported: the BUG line");
	like(test_dmesg(), " already free (double free or corruption)", "... already free");
	b = kmem_cache_alloc(s, GFP_KERNEL);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	ok(b == a && c != a, "the object is on the sheaf once");
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	a = kmalloc(96, GFP_KERNEL);
	kfree(a);
	kmm_dmesg_clear();
	kfree(a);
	like(test_dmesg(), "already free", "kfree twice: reported");
	b = kmalloc(96, GFP_KERNEL);
	c = kmalloc(96, GFP_KERNEL);
	ok(b == a && c != a, "... and the object is handed out once");
	kfree(b);
	kfree(c);
	is_int(kmem_cache_shrink(s), 0, "the cache shrinks to nothing");
	kmem_cache_destroy(s);
	unpin();
}

struct remote_arg {
	struct kmem_cache *s;
	void **objs;
	int n;
};

static void *free_on_cpu1(void *arg)
{
	struct remote_arg *r = arg;
	int i;

	pin_cpu(1);
	for (i = 0; i < r->n; i++)
		kmem_cache_free(r->s, r->objs[i]);
	return NULL;
}

static void test_remote_flush(void)
{
	struct kmem_cache *s;
	void *objs[16];
	struct remote_arg r;
	pthread_t th;
	int i;

	diag("shrinking flushes another CPU's sheaves");
	if (kmm_arch_nr_cpus() < 2 || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		skip(4, "one CPU");
		return;
	}
	pin_cpu(0);
	s = kmem_cache_create("tsheaf3", 64, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < 16; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmm_flush_all_sheaves(s);
	r.s = s;
	r.objs = objs;
	r.n = 16;
	pthread_create(&th, NULL, free_on_cpu1, &r);
	pthread_join(th, NULL);
	is_int(cpu_objects(s, 1), 16, "frees on CPU 1 land in CPU 1's sheaf");
	is_int(cpu_objects(s, 0), 0, "... not in CPU 0's");
	is_int(kmem_cache_shrink(s), 0, "shrinking from CPU 0 ...");
	is_int(all_objects(s), 0, "... empties CPU 1's sheaf too");
	kmem_cache_destroy(s);
	unpin();
}

/* Objects in s's sheaves and barns: allocated, as far as the slabs know. */
static unsigned long held_objects(struct kmem_cache *s)
{
	struct slab_sheaf *sheaf;
	unsigned long n = all_objects(s);
	int node;

	for_each_online_node(node)
		list_for_each_entry(sheaf, &s->barn[node].sheaves_full, barn_list)
			n += sheaf->size;
	return n;
}

/* slabinfo's active objects: exact after kmm_kmem_cache_flush(). */
static unsigned long active_objects(struct kmem_cache *s)
{
	struct slabinfo si;

	memset(&si, 0, sizeof(si));
	kmm_get_slabinfo(s, &si);
	return si.active_objs;
}

static bool freed_earlier(void **objs, int from, int to, void *x)
{
	int i;

	for (i = from; i < to; i++)
		if (objs[i] == x)
			return true;
	return false;
}

#define BARN_OBJS	(16 * 32)

static void test_barn(void)
{
	static void *o[BARN_OBJS], *a[34];
	struct kmem_cache *s;
	struct node_barn *barn;
	struct slub_percpu_sheaves *pcs;
	unsigned long free_before;
	unsigned int cap, empties;
	int i, n = 0, live;

	diag("the barn: full and empty sheaves exchanged, flushed by shrink, validate, destroy");
	pin_cpu(0);
	shrink_all();
	free_before = nr_free();
	s = kmem_cache_create("tbarn", 64, 0, SLAB_NO_MERGE, NULL);
	cap = s->sheaf_capacity;
	is_int(cap, 32, "64-byte objects: 32 per sheaf");
	barn = &s->barn[kmm_cpu_to_node_map[0]];
	pcs = &s->cpu_sheaves[0];
	is_int(barn->nr_full, 0, "a new barn has no full sheaf");
	is_int(barn->nr_empty, BARN_SHEAVES, "... and its %d empty ones", BARN_SHEAVES);
	for (i = 0; i < BARN_OBJS; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmm_kmem_cache_flush(s);
	is_int(active_objects(s), BARN_OBJS, "%d objects allocated, none in a sheaf", BARN_OBJS);

	/* Two sheaves of frees fill main and spare. */
	for (; n < 2 * (int)cap; n++)
		kmem_cache_free(s, o[n]);
	ok(pcs->main->size == cap && pcs->spare && pcs->spare->size == cap, "main and spare full");
	is_int(barn->nr_full, 0, "... the barn has no full sheaf yet");
	empties = barn->nr_empty;
	kmem_cache_free(s, o[n++]);
	is_int(barn->nr_full, 1, "one more free: main goes to the barn (barn_replace_full_sheaf)");
	is_int(barn->nr_empty, empties - 1, "... for one of its empty sheaves");
	is_int(pcs->main->size, 1, "... which takes the object");
	is_int(held_objects(s), n, "every freed object is in a sheaf");

	/* Up to MAX_FULL_SHEAVES full sheaves in the barn, then the spare is flushed. */
	while (barn->nr_full < MAX_FULL_SHEAVES && n < BARN_OBJS)
		kmem_cache_free(s, o[n++]);
	is_int(barn->nr_full, MAX_FULL_SHEAVES, "the barn fills up to %d full sheaves", MAX_FULL_SHEAVES);
	is_int(held_objects(s), n, "... every freed object is in a sheaf");
	while (pcs->main->size < cap)
		kmem_cache_free(s, o[n++]);
	kmem_cache_free(s, o[n++]);
	is_int(barn->nr_full, MAX_FULL_SHEAVES, "then the barn takes no more full sheaves");
	is_int(held_objects(s), n - cap, "... the spare's %u objects went back to their slabs", cap);
	ok(pcs->main->size == 1 && pcs->spare && pcs->spare->size == cap,
	   "... the flushed spare took the object (%u), the full main is the spare",
	   pcs->main->size);

	/* Allocations: main, then the spare, then full sheaves from the barn. */
	for (i = 0; i < (int)cap + 1; i++)
		a[i] = kmem_cache_alloc(s, GFP_KERNEL);
	is_int(all_objects(s), 0, "main and spare emptied");
	a[i] = kmem_cache_alloc(s, GFP_KERNEL);
	is_int(barn->nr_full, MAX_FULL_SHEAVES - 1, "the next allocation takes a full sheaf from the barn");
	ok(freed_earlier(o, 0, n, a[i]), "... one of the objects freed before");
	is_int(held_objects(s), n - 2 * cap - 2, "... not a refill from the slabs");
	is_int(pcs->main->size, cap - 1, "... the rest stay on main");

	/* Validation flushes the barn: its objects are free objects of their slabs. */
	live = BARN_OBJS - n + (int)cap + 2;
	is_int(kmem_cache_validate(s), 0, "validation: nothing to report");
	is_int(barn->nr_full, 0, "... the barn was flushed");
	is_int(active_objects(s), live, "... %d objects in use as the slabs see them", live);

	for (i = 0; i < (int)cap + 2; i++)
		kmem_cache_free(s, a[i]);
	for (i = n; i < n + 2 * (int)cap + 1 - ((int)cap + 2); i++)
		kmem_cache_free(s, o[i]);
	is_int(barn->nr_full, 1, "more frees: a full sheaf in the barn again");
	is_int(kmem_cache_shrink(s), 1, "kmem_cache_shrink ...");
	is_int(barn->nr_full, 0, "... flushes the barn");
	is_int(active_objects(s), BARN_OBJS - i, "... %d objects in use", BARN_OBJS - i);
	for (; i < BARN_OBJS; i++)
		kmem_cache_free(s, o[i]);
	for (i = 0; i < 4 * (int)cap; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 4 * (int)cap; i++)
		kmem_cache_free(s, o[i]);
	ok(barn->nr_full >= 1, "a full sheaf in the barn at destroy");
	destroy_quietly(s);
	shrink_all();
	is_int(nr_free(), free_before, "every page is back");
	unpin();
}

static void test_barn_shared(void)
{
	static void *objs[2 * 32 + 1];
	struct kmem_cache *s;
	struct node_barn *barn;
	struct remote_arg r;
	pthread_t th;
	void *x;
	int i, n;

	diag("the barn is the node's: a sheaf freed on CPU 1 is allocated on CPU 0");
	if (kmm_arch_nr_cpus() < 2 || sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
	    kmm_cpu_to_node_map[0] != kmm_cpu_to_node_map[1]) {
		skip(3, "one CPU, or CPUs 0 and 1 on different nodes");
		return;
	}
	pin_cpu(0);
	s = kmem_cache_create("tbarn2", 64, 0, SLAB_NO_MERGE, NULL);
	barn = &s->barn[kmm_cpu_to_node_map[0]];
	n = 2 * (int)s->sheaf_capacity + 1;
	for (i = 0; i < n; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmm_flush_all_sheaves(s);
	r.s = s;
	r.objs = objs;
	r.n = n;
	pthread_create(&th, NULL, free_on_cpu1, &r);
	pthread_join(th, NULL);
	is_int(barn->nr_full, 1, "CPU 1 filled main, spare and a sheaf for the barn");
	x = kmem_cache_alloc(s, GFP_KERNEL);
	is_int(barn->nr_full, 0, "CPU 0's first allocation takes it");
	ok(freed_earlier(objs, 0, n, x), "... an object CPU 1 freed");
	kmem_cache_free(s, x);
	is_int(kmem_cache_shrink(s), 0, "the cache shrinks to nothing");
	kmem_cache_destroy(s);
	unpin();
}

/*
 * kmm's sequences use the spare when main is empty (full) instead of
 * taking the slow path to exchange them.
 */
static void test_spare_in_sequence(void)
{
	static void *o[3 * 32];
	struct kmem_cache *s;
	struct slub_percpu_sheaves *pcs;
	struct node_barn *barn;
	unsigned int cap;
	void *x[33];
	int i, n = 0;

	diag("the sequences pop from and push onto the spare");
	pin_cpu(0);
	s = kmem_cache_create("tspare", 64, 0, SLAB_NO_MERGE, NULL);
	cap = s->sheaf_capacity;
	pcs = &s->cpu_sheaves[0];
	barn = &s->barn[kmm_cpu_to_node_map[0]];
	for (i = 0; i < 3 * (int)cap; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmm_flush_all_sheaves(s);
	for (; n < 2 * (int)cap + 1; n++)
		kmem_cache_free(s, o[n]);
	ok(pcs->main->size == 1 && pcs->spare && pcs->spare->size == cap && barn->nr_full == 1,
	   "main 1, spare full, one full sheaf in the barn");
	x[0] = kmem_cache_alloc(s, GFP_KERNEL);
	x[1] = kmem_cache_alloc(s, GFP_KERNEL);
	is_int(pcs->main->size, 0, "main emptied ...");
	is_int(pcs->spare->size, cap - 1, "... then the spare's last object taken, no exchange");
	ok(x[0] == o[2 * cap] && x[1] == o[cap - 1], "... main's object, then the spare's last");
	for (i = 2; i < (int)cap + 1; i++)
		x[i] = kmem_cache_alloc(s, GFP_KERNEL);
	ok(pcs->main->size == 0 && pcs->spare->size == 0 && barn->nr_full == 1,
	   "the spare emptied the same way; the barn untouched");
	for (i = 1; i < (int)cap + 1; i++)
		kmem_cache_free(s, x[i]);
	kmem_cache_free(s, x[0]);
	ok(pcs->main->size == cap && pcs->spare->size == 1, "a free onto a full main goes onto the spare");
	ok(pcs->spare->objects[0] == x[0] && barn->nr_full == 1, "... no exchange, the barn untouched");
	kmm_dmesg_clear();
	kmem_cache_free(s, x[0]);
	like(test_dmesg(), "already free", "freeing it again: the double free is caught on the spare");
	is_int(pcs->spare->size, 1, "... and not pushed");
	for (i = 2 * (int)cap + 1; i < 3 * (int)cap; i++)
		kmem_cache_free(s, o[i]);
	is_int(kmem_cache_shrink(s), 0, "every object back: the cache shrinks to nothing");
	destroy_quietly(s);
	unpin();
}

static void test_without(void)
{
	struct kmem_cache *s;

	diag("where there are no sheaves");
	test_boot("mem=64M kmm.sheaves=off");
	s = kmem_cache_create("tnosheaf", 64, 0, 0, NULL);
	ok(s->cpu_sheaves == NULL && s->fastpath == (kmm_percpu_rseq ? FASTPATH_SLAB : FASTPATH_NONE),
	   "kmm.sheaves=off: none, the CPU slab's fast path");
	kmem_cache_destroy(s);
	kmm_exit();
	test_boot("mem=64M slub_debug=F");
	s = kmem_cache_create("tnosheaf", 64, 0, 0, NULL);
	ok(s->cpu_sheaves == NULL && s->fastpath == FASTPATH_NONE, "slub_debug: none, every object is checked");
	kmem_cache_destroy(s);
	kmm_exit();
	test_boot("mem=64M kmm.rseq=off kmm.sheaves=off");
	s = kmem_cache_create("tnosheaf", 64, 0, 0, NULL);
	ok(s->cpu_sheaves == NULL && s->fastpath == FASTPATH_NONE,
	   "kmm.rseq=off kmm.sheaves=off: none (cmpxchg16b fast paths)");
	kmem_cache_destroy(s);
	kmm_exit();
}

static void test_all(const char *cmdline)
{
	test_boot(cmdline);
	kmm_slab_bootstrap();
	diag("booted with \"%s\": %s", cmdline,
	     kmm_percpu_rseq ? "restartable sequences" : "no sequences: trylock of pcs->lock");
	test_lifo_and_exchange();
	test_double_free();
	test_remote_flush();
	test_barn();
	test_barn_shared();
	test_spare_in_sequence();
	kmm_exit();
}

int main(void)
{
	bool rseq;

	test_boot("mem=64M");
	rseq = kmm_percpu_rseq;
	kmm_exit();
	if (rseq)
		test_all("mem=64M");
	else
		diag("no restartable sequences here (ThreadSanitizer, or no rseq/membarrier): "
		     "the sequence run is skipped");
	test_all("mem=64M kmm.rseq=off");
	/* The trylock's lockdep-annotated build, validated. */
	test_all("mem=64M kmm.rseq=off lockdep=on");
	test_without();
	return done_testing();
}
