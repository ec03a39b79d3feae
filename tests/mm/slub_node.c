// SPDX-License-Identifier: MIT
/*
 * Allocations on a given node (numa=fake=2): kmem_cache_alloc_node(),
 * kmalloc_node() and friends put the object on the node asked for (a CPU
 * slab of another node is deactivated, as the kernel's
 * ALLOC_NODE_MISMATCH does), NUMA_NO_NODE and a node without memory mean
 * anywhere, __GFP_THISNODE holds the allocation to the node, debug caches
 * too; every object frees and every cache validates and shrinks.  With
 * restartable sequences (when the machine has them) and kmm.rseq=off.
 */
#define _GNU_SOURCE
#include "slab_test.h"
#include "arch/rseq.h"
#include "kernel/string.h"

#define N 200

static int on_node(void **p, int n, int nid)
{
	int i, good = 0;

	for (i = 0; i < n; i++)
		good += p[i] && virt_to_slab(p[i]) && slab_nid(virt_to_slab(p[i])) == nid;
	return good;
}

static void test_cache(slab_flags_t flags, const char *what)
{
	static void *p[N], *q[N];
	struct kmem_cache *s;
	void *x, *y;
	int i, zero = 1;

	diag("kmem_cache_alloc_node, %s", what);
	pin_cpu(0);
	s = kmem_cache_create("tnode", 80, 0, flags | SLAB_NO_MERGE, NULL);
	for (i = 0; i < N; i++) {
		/* Alternate the nodes: every other request mismatches the CPU slab. */
		p[i] = kmem_cache_alloc_node(s, GFP_KERNEL, 1);
		q[i] = kmem_cache_alloc_node(s, GFP_KERNEL, 0);
	}
	is_int(on_node(p, N, 1), N, "%d objects asked of node 1: on node 1", N);
	is_int(on_node(q, N, 0), N, "%d objects asked of node 0: on node 0", N);
	for (i = 0; i < N; i++)
		kmem_cache_free(s, p[i]);
	for (i = 0; i < N; i++) {
		p[i] = kmem_cache_alloc_node(s, GFP_KERNEL | __GFP_ZERO, 1);
		zero &= p[i] && !kmm_memchr_inv(p[i], 0, 80);
	}
	is_int(on_node(p, N, 1), N, "again on node 1, after freeing the first ones");
	ok(zero, "... zeroed (__GFP_ZERO)");
	x = kmem_cache_alloc_node(s, GFP_KERNEL, NUMA_NO_NODE);
	ok(x && slab_nid(virt_to_slab(x)) >= 0, "NUMA_NO_NODE: an object");
	y = kmem_cache_alloc_node(s, GFP_KERNEL, 7);
	ok(y != NULL, "a node that does not exist: anywhere, as NUMA_NO_NODE");
	kmem_cache_free(s, x);
	kmem_cache_free(s, y);
	ok(!kmem_cache_alloc_node(NULL, GFP_KERNEL, 0), "no cache: NULL, not a crash");
	if (s->cpu_sheaves) {
		int local = kmm_cpu_to_node_map[0], other = !local;
		void *z;

		x = kmem_cache_alloc_node(s, GFP_KERNEL, local);
		kmem_cache_free(s, x);
		y = kmem_cache_alloc_node(s, GFP_KERNEL, local);
		ok(y == x, "this CPU's node: the object freed last, from the sheaf (6.18)");
		z = kmem_cache_alloc_node(s, GFP_KERNEL, other);
		kmem_cache_free(s, z);		/* onto this CPU's sheaf, another node's object */
		x = kmem_cache_alloc_node(s, GFP_KERNEL, local);
		ok(x != z && slab_nid(virt_to_slab(x)) == local,
		   "... but not when the object on top is another node's");
		z = kmem_cache_alloc_node(s, GFP_KERNEL, other);
		ok(slab_nid(virt_to_slab(z)) == other, "another node: past the sheaves, on that node");
		kmem_cache_free(s, x);
		kmem_cache_free(s, y);
		kmem_cache_free(s, z);
	} else {
		skip(3, "no sheaves in a debug cache");
	}
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 0, "the cache validates");
	unlike(test_dmesg(), "BUG", "no report");
	for (i = 0; i < N; i++) {
		kmem_cache_free(s, p[i]);
		kmem_cache_free(s, q[i]);
	}
	is_int(kmem_cache_shrink(s), 0, "every object freed: the cache shrinks to nothing");
	kmem_cache_destroy(s);
	unpin();
}

static void test_kmalloc_node(void)
{
	volatile size_t big = SIZE_MAX / 2;
	char *a, *b, *c, *d;

	diag("kmalloc_node, kzalloc_node, kcalloc_node, a large kmalloc on a node");
	a = kmalloc_node(100, GFP_KERNEL, 1);
	b = kzalloc_node(300, GFP_KERNEL, 0);
	c = kcalloc_node(10, 30, GFP_KERNEL, 1);
	d = kmalloc_node(20000, GFP_KERNEL, 1);
	ok(a && slab_nid(virt_to_slab(a)) == 1 && ksize(a) == 128, "kmalloc_node(100, 1): kmalloc-128 on node 1");
	ok(b && slab_nid(virt_to_slab(b)) == 0 && !kmm_memchr_inv(b, 0, 300),
	   "kzalloc_node(300, 0): zeroed, on node 0");
	ok(c && slab_nid(virt_to_slab(c)) == 1 && !kmm_memchr_inv(c, 0, 300),
	   "kcalloc_node(10, 30, 1): zeroed, on node 1");
	ok(d && !virt_to_slab(d) && page_to_nid(virt_to_page(d)) == 1,
	   "kmalloc_node(20000, 1): a large kmalloc of node 1's pages");
	ok(!kcalloc_node(big, 4, GFP_KERNEL, 1), "kcalloc_node overflow: NULL");
	ok(!kmalloc_array_node(big, 4, GFP_KERNEL, 1), "kmalloc_array_node overflow: NULL");
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(d);
}

static void test_thisnode(void)
{
	struct kmem_cache *s;
	void **p;
	int n = 0, max = 40000, on1;

	diag("__GFP_THISNODE: node 1 only, until it is full");
	p = calloc((size_t)max, sizeof(*p));
	s = kmem_cache_create("tnode_big", 2048, 0, SLAB_NO_MERGE, NULL);
	while (n < max && (p[n] = kmem_cache_alloc_node(s, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 1)))
		n++;
	on1 = on_node(p, n, 1);
	ok(n > 1000 && n < max, "node 1 filled up after %d objects of 2 KiB (mem=64M, two nodes)", n);
	is_int(on1, n, "every one of them on node 1");
	p[n] = kmem_cache_alloc_node(s, GFP_KERNEL | __GFP_NOWARN, 1);
	ok(p[n] && slab_nid(virt_to_slab(p[n])) == 0,
	   "without __GFP_THISNODE, node 1 full: an object of node 0");
	n++;
	while (n--)
		kmem_cache_free(s, p[n]);
	is_int(kmem_cache_shrink(s), 0, "all freed: the cache shrinks to nothing");
	kmem_cache_destroy(s);
	free(p);
}

static void test_all(const char *cmdline)
{
	unsigned long before;

	test_boot(cmdline);
	kmm_slab_bootstrap();
	diag("booted with \"%s\" (%s)", cmdline,
	     kmm_percpu_rseq ? "restartable sequences" : "no sequences");
	shrink_all();
	before = nr_free();
	test_cache(0, "no debugging");
	test_cache(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER,
		   "a debug cache (F, Z, P, U)");
	test_kmalloc_node();
	test_thisnode();
	shrink_all();
	is_int(nr_free(), before, "every page is back");
	is_int(kmm_zone_validate(NULL), 0, "the zones validate");
	kmm_exit();
}

int main(void)
{
	test_all("mem=64M numa=fake=2");
	test_all("mem=64M numa=fake=2 kmm.rseq=off");
	return done_testing();
}
