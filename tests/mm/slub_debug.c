// SPDX-License-Identifier: MIT
/*
 * slub_debug: the lib/slub_kunit.c scenarios written afresh (each asserts
 * the report and the error count kmem_cache_validate returns), the
 * slub_debug= syntax, F on bad frees, U, T, A (failslab), O, the kmalloc
 * red zone, and that every repaired cache keeps working.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "mm/slab.h"
#include <string.h>

#define BANNER "=============================================================================\n"
#define RULE "-----------------------------------------------------------------------------\n"

/* Allocate every object of a few slabs, check them, free them: 0 errors. */
static void exercise(struct kmem_cache *s, const char *what)
{
	unsigned int n = oo_objects(s->oo) * 3, i;
	void **objs = calloc(n, sizeof(void *));
	int bad = 0;

	for (i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (!objs[i])
			bad++;
		else
			memset(objs[i], (int)i, s->object_size);
	}
	for (i = 0; i < n; i++) {
		unsigned char *p = objs[i];

		if (p && (p[0] != (unsigned char)i || p[s->object_size - 1] != (unsigned char)i))
			bad++;
		kmem_cache_free(s, objs[i]);
	}
	free(objs);
	is_int(bad, 0, "%s: %u objects allocated, kept their contents, freed", what, n);
	is_int(kmem_cache_validate(s), 0, "%s: then validation finds nothing", what);
}

static struct kmem_cache *create(const char *name, unsigned int size, slab_flags_t flags)
{
	return kmem_cache_create(name, size, 0, flags, NULL);
}

static noinline void test_clobber_zone(void)
{
	struct kmem_cache *s = create("TestSlub_RZ_alloc", 64, SLAB_RED_ZONE);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);
	char want[160];
	const char *log;

	diag("Z: the right red zone of an allocated object");
	ok(s->red_left_pad >= sizeof(void *) && s->inuse > s->object_size, "red zones on both sides");
	p[64] = 0x12;
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors (the report and its fix)");
	log = test_dmesg();
	like(log, "] " BANNER, "the 77-character banner");
	like(log, "] BUG TestSlub_RZ_alloc (", "BUG NAME (taint state)");
	like(log, "): Right Redzone overwritten\n", "the reason");
	like(log, "] " RULE, "the rule");
	snprintf(want, sizeof(want), "0x%016lx-0x%016lx @offset=%tu. First byte 0x12 instead of 0xcc\n",
		 (unsigned long)(p + 64), (unsigned long)(p + 64),
		 (char *)p + 64 - (char *)slab_address(virt_to_slab(p)));
	like(log, want, "the damaged range, its offset, the first byte and the expected one");
	like(log, "FIX TestSlub_RZ_alloc: Restoring Right Redzone 0x", "FIX: the red zone restored");
	like(log, "=0xcc\n", "... to SLUB_RED_ACTIVE");
	like(log, "Slab 0x", "the Slab line");
	snprintf(want, sizeof(want), "Object 0x%016lx @offset=", (unsigned long)p);
	like(log, want, "the Object line");
	like(log, "Redzone  ", "the red zone dump");
	like(log, "Object   ", "the object dump");
	like(log, "cc cc cc cc cc cc cc cc", "... with the active red zone bytes");
	like(log, "Call Trace:", "a stack trace");
	like(kmm_print_tainted(), "B", "tainted B");
	is_int(p[64], 0xcc, "the red zone byte is restored");
	is_int(kmem_cache_validate(s), 0, "validate again: nothing");
	kmem_cache_free(s, p);
	exercise(s, "TestSlub_RZ_alloc");
	kmem_cache_destroy(s);
}

static noinline void test_next_pointer(void)
{
	struct kmem_cache *s = create("TestSlub_next_ptr_free", 64, SLAB_POISON);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned long *ptr_addr, tmp;

	diag("F-less validation: a corrupted free pointer");
	kmem_cache_free(s, p);
	ptr_addr = (unsigned long *)(p + s->offset);
	tmp = *ptr_addr;
	p[s->offset] = (unsigned char)~p[s->offset];
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 3, "validate: 3 errors (chain cut, count wrong, count fixed)");
	like(test_dmesg(), "BUG TestSlub_next_ptr_free (", "the BUG line");
	like(test_dmesg(), "): Freechain corrupt\n", "Freechain corrupt");
	like(test_dmesg(), "Wrong object count. Counter is ", "the wrong count");
	like(test_dmesg(), "FIX TestSlub_next_ptr_free: Object count adjusted", "... adjusted");
	*ptr_addr = tmp;
	is_int(kmem_cache_validate(s), 2, "pointer restored: 2 errors (the count again, fixed)");
	is_int(kmem_cache_validate(s), 0, "then none");
	exercise(s, "TestSlub_next_ptr_free");
	kmem_cache_destroy(s);
}

static noinline void test_first_word(void)
{
	struct kmem_cache *s = create("TestSlub_1th_word_free", 64, SLAB_POISON);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);

	diag("P: the first word of a freed object");
	kmem_cache_free(s, p);
	*p = 0x78;
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors");
	like(test_dmesg(), "): Poison overwritten\n", "Poison overwritten");
	like(test_dmesg(), "First byte 0x78 instead of 0x6b", "0x78 instead of POISON_FREE");
	like(test_dmesg(), "FIX TestSlub_1th_word_free: Restoring Poison 0x", "poison restored");
	like(test_dmesg(), "6b 6b 6b 6b 6b 6b 6b a5", "the object dump ends in POISON_END");
	is_int(*p, 0x6b, "the byte is POISON_FREE again");
	exercise(s, "TestSlub_1th_word_free");
	kmem_cache_destroy(s);
}

static noinline void test_clobber_50th_byte(void)
{
	struct kmem_cache *s = create("TestSlub_50th_word_free", 64, SLAB_POISON);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);
	char want[64];

	diag("P: the 50th byte of a freed object");
	kmem_cache_free(s, p);
	p[50] = 0x9a;
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors");
	snprintf(want, sizeof(want), "0x%016lx-0x%016lx @offset=", (unsigned long)(p + 50),
		 (unsigned long)(p + 50));
	like(test_dmesg(), want, "the one damaged byte");
	like(test_dmesg(), "First byte 0x9a instead of 0x6b", "0x9a instead of 0x6b");
	exercise(s, "TestSlub_50th_word_free");
	kmem_cache_destroy(s);
}

static noinline void test_clobber_redzone_free(void)
{
	struct kmem_cache *s = create("TestSlub_RZ_free", 64, SLAB_RED_ZONE);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);

	diag("Z: the red zone of a freed object");
	kmem_cache_free(s, p);
	p[64] = 0xab;
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors");
	like(test_dmesg(), "Right Redzone overwritten", "Right Redzone overwritten");
	like(test_dmesg(), "First byte 0xab instead of 0xbb", "0xab instead of SLUB_RED_INACTIVE");
	exercise(s, "TestSlub_RZ_free");
	kmem_cache_destroy(s);
}

static noinline void test_kmalloc_redzone(void)
{
	unsigned char *p = kmalloc(18, GFP_KERNEL), *q;

	__asm__("" : "+r"(p));	/* OPTIMIZER_HIDE_VAR: the writes past 18 are the test */
	struct kmem_cache *s = virt_to_slab(p)->slab_cache;

	diag("Z+U on kmalloc-32: the bytes past an 18-byte request");
	is_str(s->name, "kmalloc-32", "18 bytes come from kmalloc-32");
	ok(slub_debug_orig_size(s), "kmalloc-32 keeps the requested size");
	is_int(kmem_cache_validate(s), 0, "validate before: nothing");
	p[18] = 0xab;
	p[19] = 0xab;
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors");
	like(test_dmesg(), "BUG kmalloc-32 (", "BUG kmalloc-32");
	like(test_dmesg(), "): kmalloc Redzone overwritten\n", "kmalloc Redzone overwritten");
	like(test_dmesg(), "First byte 0xab instead of 0xcc", "0xab instead of 0xcc");
	like(test_dmesg(), "Allocated in test_kmalloc_redzone+0x", "U: allocated in this test");
	is_int(p[18], 0xcc, "byte 18 restored");
	kfree(p);
	is_int(kmem_cache_validate(s), 0, "freed: nothing");
	q = kmalloc(18, GFP_KERNEL);
	__asm__("" : "+r"(q));
	ok(kmm_ksize(q) == 32, "ksize: the whole object");
	memset(q, 1, 32);
	kmm_dmesg_clear();
	kfree(q);
	is_int(test_dmesg_count("BUG"), 0, "after ksize() the caller may use all 32 bytes");
	q = kzalloc(20, GFP_KERNEL);
	__asm__("" : "+r"(q));
	ok(q && !q[0] && !q[19] && q[20] == 0xcc, "kzalloc zeroes the request; the rest stays red zone");
	kfree(q);
}

/* Not a tail call: the caller recorded must be this function. */
static noinline void *leak_one(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	__asm__ __volatile__("" : "+r"(p) : : "memory");
	return p;
}

static noinline void test_leak(void)
{
	struct kmem_cache *s = create("TestSlub_leak", 64, SLAB_STORE_USER);
	void *p = leak_one(s);

	diag("destroying a cache with a leaked object");
	kmm_dmesg_clear();
	kmem_cache_destroy(s);
	like(test_dmesg(), "BUG TestSlub_leak (", "BUG TestSlub_leak");
	like(test_dmesg(), "Objects remaining in TestSlub_leak on __kmem_cache_shutdown()",
	     "objects remaining");
	like(test_dmesg(), "Allocated in leak_one+0x", "U: who allocated the leaked object");
	like(test_dmesg(), "Slab cache still has objects when called from test_leak+0x",
	     "kmem_cache_destroy's warning");
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static noinline void test_double_free(void)
{
	struct kmem_cache *s = create("TestSlub_F", 48, SLAB_CONSISTENCY_CHECKS | SLAB_STORE_USER);
	unsigned char *keep[8], *p;
	char want[96];
	int i, bad = 0;

	diag("F: double free");
	for (i = 0; i < 8; i++) {
		keep[i] = kmem_cache_alloc(s, GFP_KERNEL);
		memset(keep[i], 0x40 + i, 48);
	}
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	kmm_dmesg_clear();
	kmem_cache_free(s, p);
	like(test_dmesg(), "BUG TestSlub_F (", "BUG TestSlub_F");
	like(test_dmesg(), "): Object already free\n", "Object already free");
	like(test_dmesg(), "Freed in test_double_free+0x", "U: where it was freed first");
	snprintf(want, sizeof(want), "FIX TestSlub_F: Object at 0x%016lx not freed\n", (unsigned long)p);
	like(test_dmesg(), want, "FIX: not freed");
	is_int(kmem_cache_validate(s), 0, "the cache is intact");
	for (i = 0; i < 8; i++)
		for (int j = 0; j < 48; j++)
			bad += keep[i][j] != 0x40 + i;
	is_int(bad, 0, "objects the caller owns are untouched");

	diag("F: an interior pointer");
	kmm_dmesg_clear();
	kmem_cache_free(s, keep[0] + 8);
	like(test_dmesg(), "Invalid object pointer 0x", "reported");
	is_int(kmem_cache_validate(s), 0, "the cache is intact");
	for (i = 0; i < 8; i++)
		kmem_cache_free(s, keep[i]);
	exercise(s, "TestSlub_F");
	kmem_cache_destroy(s);
}

static noinline void test_wrong_cache(void)
{
	struct kmem_cache *a = create("TestSlub_A", 40, SLAB_CONSISTENCY_CHECKS | SLAB_STORE_USER);
	struct kmem_cache *b = create("TestSlub_B", 40, SLAB_CONSISTENCY_CHECKS);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);

	diag("F: kmem_cache_free into the wrong cache");
	kmm_dmesg_clear();
	kmem_cache_free(b, p);
	like(test_dmesg(), "cache_from_obj: Wrong slab cache. TestSlub_B but object is from TestSlub_A",
	     "the kernel's warning");
	like(test_dmesg(), "Allocated in test_wrong_cache+0x", "with the object's tracking");
	is_int(kmem_cache_validate(a), 0, "freed into its own cache: A is intact");
	is_int(kmem_cache_validate(b), 0, "B is intact");
	exercise(a, "TestSlub_A");
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/*
 * Is needle on one of the stack lines ("]  frame") right after the first
 * line containing marker?  The stack may start with allocator frames
 * that the compiler did not inline (clang -O1).
 */
static bool stack_after_has(const char *log, const char *marker, const char *needle)
{
	const char *p = strstr(log, marker), *nl, *end;

	if (!p || !(nl = strchr(p, '\n')))
		return false;
	for (p = nl + 1; *p; p = end + 1) {
		const char *ts = strstr(p, "] ");

		end = strchr(p, '\n');
		if (!end || !ts || ts > end)
			return false;
		if (ts[2] != ' ')	/* not a stack line: the stack ended */
			return !strncmp(ts, needle, strlen(needle));
		if (!strncmp(ts, needle, strlen(needle)))
			return true;
	}
	return false;
}

static noinline void *track_alloc(struct kmem_cache *s)
{
	void *p = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);	/* unlike leak_one's */

	__asm__ __volatile__("" : "+r"(p) : : "memory");
	return p;
}

static noinline void test_tracking(void)
{
	struct kmem_cache *s = create("TestSlub_U", 64, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
					 SLAB_POISON | SLAB_STORE_USER);
	unsigned char *p = track_alloc(s);
	char want[64];

	diag("U: alloc and free tracking in reports");
	is_int((int)sizeof(struct track), 32, "struct track: 32 bytes (a stack depot handle)");
	/* 8 left red zone, 64, 8 right red zone, 8 free pointer, 2 tracks of
	 * 32, 8 red zone pad (6.12 with CONFIG_STACKDEPOT). */
	is_int((int)s->size, 160, "64-byte FZPU objects take 160 bytes");
	is_int((int)oo_objects(s->oo), 25, "25 to an order-0 slab");
	p[-1] = 0;	/* the left red zone */
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors");
	like(test_dmesg(), "Left Redzone overwritten", "Left Redzone overwritten");
	like(test_dmesg(), "Allocated in track_alloc+0x", "Allocated in the caller");
	like(test_dmesg(), " age=", "age");
	snprintf(want, sizeof(want), " cpu=%d pid=%d\n", kmm_this_cpu(), kmm_current_pid());
	like(test_dmesg(), " cpu=", "cpu");
	like(test_dmesg(), " pid=", "pid");
	like(test_dmesg(), " test_tracking+0x", "the stack shows the test");
	ok(stack_after_has(test_dmesg(), "Allocated in track_alloc+0x", "]  track_alloc+0x"),
	   "the allocation stack, from the depot, has the caller");
	ok(stack_after_has(test_dmesg(), "Allocated in track_alloc+0x", "]  test_tracking+0x"),
	   "and its caller");
	like(test_dmesg(), "Padding  ", "the padding dump");
	kmem_cache_free(s, p);
	kmm_dmesg_clear();
	p[10] = 1;	/* use after free */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	ok(p != NULL, "the allocation still succeeds");
	like(test_dmesg(), "Poison overwritten", "F: checked at the next allocation");
	like(test_dmesg(), "FIX TestSlub_U: Marking all objects used", "the slab is taken out of use");
	like(test_dmesg(), "Freed in test_tracking+0x", "Freed in the test");
	ok(stack_after_has(test_dmesg(), "Freed in test_tracking+0x", "]  test_tracking+0x"),
	   "the free stack has the caller");
	ok(stack_after_has(test_dmesg(), "Freed in test_tracking+0x", "]  main+0x"),
	   "and its caller");
	exercise(s, "TestSlub_U");
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static noinline void test_trace(void)
{
	struct kmem_cache *s = create("TestSlub_T", 32, SLAB_TRACE);
	void *p;
	char want[96];

	diag("T: tracing");
	kmm_dmesg_clear();
	p = kmem_cache_alloc(s, GFP_KERNEL);
	snprintf(want, sizeof(want), "TRACE TestSlub_T alloc 0x%016lx inuse=", (unsigned long)p);
	like(test_dmesg(), want, "TRACE alloc");
	kmem_cache_free(s, p);
	snprintf(want, sizeof(want), "TRACE TestSlub_T free 0x%016lx inuse=", (unsigned long)p);
	like(test_dmesg(), want, "TRACE free");
	like(test_dmesg(), "Object ", "the freed object's dump");
	is_int(test_dmesg_count("Call Trace:"), 2, "a stack for each");
	kmem_cache_destroy(s);
}

static noinline void test_parse(void)
{
	struct kmem_cache *s;

	diag("slub_debug= syntax");
	kmm_exit();
	test_boot("mem=256M slub_debug");
	s = create("TestParse", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
	       SLAB_STORE_USER, "bare slub_debug: FZPU");
	kmem_cache_destroy(s);
	kmm_exit();
	test_boot("mem=256M slub_debug=FZ;U,foo*,bar;T,,baz");
	s = create("TestParse", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE, "FZ for all");
	kmem_cache_destroy(s);
	s = create("foo1", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, SLAB_STORE_USER, "foo*: U");
	kmem_cache_destroy(s);
	s = create("bar", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, SLAB_STORE_USER, "bar: U");
	kmem_cache_destroy(s);
	s = create("barx", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE, "barx: not bar");
	kmem_cache_destroy(s);
	s = create("baz", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, SLAB_TRACE, "baz: T");
	kmem_cache_destroy(s);
	kmm_exit();
	test_boot("mem=256M slub_debug=,dent* slub_debug=-");
	s = create("dentry", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, 0, "the last slub_debug= wins: '-' is none");
	kmem_cache_destroy(s);
	kmm_exit();
	test_boot("mem=256M slub_debug=,dent*");
	s = create("dentry", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
	       SLAB_STORE_USER, "a list alone: FZPU for it");
	kmem_cache_destroy(s);
	s = create("inode", 64, 0);
	is_int(s->flags & SLAB_DEBUG_FLAGS, 0, "... and nothing for others");
	kmem_cache_destroy(s);
	s = create("merge_a", 64, 0);
	ok(s == create("merge_b", 64, 0), "undebugged caches merge");
	kmem_cache_destroy(s);
	kmem_cache_destroy(s);
	s = create("dentry2", 64, 0);
	ok(s != create("dentry3", 64, 0), "debugged caches do not");
	kmm_exit();
	kmm_dmesg_clear();
	test_boot("mem=256M slub_debug=FQ");
	like(test_dmesg(), "slub_debug option 'Q' unknown. skipped", "unknown letters are reported");
}

static noinline void test_failslab(void)
{
	struct kmem_cache *s, *t;
	void *p[4];

	diag("A: failslab");
	kmm_exit();
	test_boot("mem=256M slub_debug=A,TestFail failslab=1,100,0,2");
	s = create("TestFail", 64, 0);
	t = create("TestNoFail", 64, 0);
	ok(s && (s->flags & SLAB_FAILSLAB), "TestFail has A");
	p[0] = kmem_cache_alloc(s, GFP_KERNEL);
	p[1] = kmem_cache_alloc(s, GFP_KERNEL);
	p[2] = kmem_cache_alloc(s, GFP_KERNEL);
	p[3] = kmem_cache_alloc(t, GFP_KERNEL);
	ok(!p[0] && !p[1], "failslab=1,100,0,2: two allocations fail");
	ok(p[2] != NULL, "then they succeed again");
	ok(p[3] != NULL, "caches without A never fail");
	kmem_cache_free(s, p[2]);
	kmem_cache_free(t, p[3]);
	kmem_cache_destroy(s);
	kmem_cache_destroy(t);
	kmm_exit();
	test_boot("mem=256M slub_debug=A,TestFail");
	s = create("TestFail", 64, 0);
	p[0] = kmem_cache_alloc(s, GFP_KERNEL);
	ok(p[0] != NULL, "without failslab= nothing fails");
	kmem_cache_free(s, p[0]);
	kmem_cache_destroy(s);
}

static noinline void test_free_checks(void)
{
	struct kmem_cache *s = create("TestSlub_FZP", 120, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
				      SLAB_POISON);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL), *end;
	struct page *slab = virt_to_slab(p);
	unsigned int remainder = (unsigned int)(PAGE_SIZE << slab_order(slab)) % s->size;

	diag("F+Z at free, and the slab's end padding");
	p[120] = 0x55;
	kmm_dmesg_clear();
	kmem_cache_free(s, p);
	like(test_dmesg(), "Right Redzone overwritten", "the red zone is checked at free");
	like(test_dmesg(), "First byte 0x55 instead of 0xcc", "0x55 instead of SLUB_RED_ACTIVE");
	like(test_dmesg(), "not freed", "and the object is not freed");
	is_int(p[120], 0xcc, "the red zone is restored");
	kmem_cache_free(s, p);
	is_int(kmem_cache_validate(s), 0, "freed the second time: nothing");
	ok(remainder > 0, "the slab has %u bytes of end padding", remainder);
	end = (unsigned char *)slab_address(slab) + (PAGE_SIZE << slab_order(slab));
	end[-1] = 0;
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors");
	like(test_dmesg(), "Padding overwritten. 0x", "Padding overwritten");
	like(test_dmesg(), "FIX TestSlub_FZP: Restoring slab padding 0x", "padding restored");
	like(test_dmesg(), "=0x5a\n", "... to POISON_INUSE");
	is_int(end[-1], 0x5a, "the byte is back");
	exercise(s, "TestSlub_FZP");
	kmem_cache_destroy(s);
}

static noinline void test_o(void)
{
	struct kmem_cache *s;

	diag("O: no debugging where the minimum order would grow");
	kmm_exit();
	test_boot("mem=256M slub_debug=OFZPU");
	s = create("TestBig", 4096, 0);
	is_int(s->flags & DEBUG_METADATA_FLAGS, 0, "4096-byte objects: Z P U switched off");
	ok(s->size == 4096, "size stays 4096");
	kmem_cache_destroy(s);
	s = create("TestSmall", 64, 0);
	is_int(s->flags & DEBUG_METADATA_FLAGS, DEBUG_METADATA_FLAGS, "64-byte objects keep them");
	exercise(s, "TestSmall");
	kmem_cache_destroy(s);
}

/* stack_depot_disable=on: the tracks keep handle 0, and reports say so. */
static noinline void test_stack_missing(void)
{
	struct kmem_cache *s;
	unsigned char *p;
	const char *log;

	diag("U without a stack depot");
	kmm_exit();
	test_boot("mem=256M stack_depot_disable=on");
	s = create("TestSlub_nostack", 64, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
		   SLAB_POISON | SLAB_STORE_USER);
	p = track_alloc(s);
	kmem_cache_free(s, p);
	p[3] = 7;	/* use after free */
	kmm_dmesg_clear();
	is_int(kmem_cache_validate(s), 2, "validate: 2 errors");
	log = test_dmesg();
	like(log, "Allocated in track_alloc+0x", "the caller is still known");
	ok(stack_after_has(log, "Allocated in track_alloc+0x",
			   "] object allocation/free stack trace missing\n"),
	   "then: object allocation/free stack trace missing");
	ok(stack_after_has(log, "Freed in test_stack_missing+0x",
			   "] object allocation/free stack trace missing\n"),
	   "for the free too");
	is_int(test_dmesg_count("stack trace missing"), 2, "once per track");
	exercise(s, "TestSlub_nostack");
	kmem_cache_destroy(s);
	kmm_exit();
	test_boot("mem=256M");
}

int main(void)
{
	test_boot("mem=256M slub_debug=ZU,kmalloc-32");
	test_clobber_zone();
	test_next_pointer();
	test_first_word();
	test_clobber_50th_byte();
	test_clobber_redzone_free();
	test_kmalloc_redzone();
	test_leak();
	test_double_free();
	test_wrong_cache();
	test_tracking();
	test_trace();
	test_free_checks();
	test_parse();
	test_failslab();
	test_o();
	test_stack_missing();
	kmm_exit();
	return done_testing();
}
