// SPDX-License-Identifier: MIT
/*
 * slub_debug (Linux 6.12 mm/slub.c semantics, Documentation/mm/slub.rst):
 * the slub_debug= boot parameter, red zones (Z), poisoning (P), alloc and
 * free tracking (U), tracing (T), failslab (A), consistency checks on
 * free (F), the reports in the kernel's format with their repairs, and
 * kmem_cache_validate().  The slub_debug= and failslab= parameters are
 * in slub_debug_param.c.
 *
 * A debug cache takes the kernel's debug paths: no per-CPU slab and no
 * lockless fast path; every allocation and free of one of its objects
 * runs under the node's list_lock (alloc_single_from_partial,
 * free_to_partial_list), and slabs with no free object are kept on the
 * node's full list (the kernel keeps that list only with U; kmm keeps it
 * for every debug cache, so that validation sees every slab).  As in the
 * kernel, U's stack walks stay out of the lock: a free's stack is saved
 * before it is taken (set_track_prepare), an allocation's track is set
 * after it is dropped (___slab_alloc).  Tracking is in slub_track.c.
 *
 * Object layout with debugging (calculate_sizes in slub_init.c):
 *   [left red zone: red_left_pad]
 *   object start -> [object_size bytes][right red zone to inuse]
 *   [free pointer, when it cannot live inside the object]
 *   [struct track alloc, struct track free: U]
 *   [unsigned int orig_size: kmalloc caches with U]
 *   [a word of red zone, padding (POISON_INUSE) to size]
 *
 * Addresses are printed in full (0x%016lx), as everywhere in kmm: the
 * kernel's %p hashes them, kmm has no reason to.
 */
#define _GNU_SOURCE
#include "mm/slub_debug.h"
#include "kernel/internal.h"
#include "kernel/string.h"
#include <kmm/stacktrace.h>
#include <kmm/smp.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#define MAP_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static inline void set_orig_size(struct kmem_cache *s, void *object, unsigned int size)
{
	if (slub_debug_orig_size(s))
		*orig_size_ptr(s, object) = min(size, s->object_size);
}

void kmm_slab_set_orig_size(struct kmem_cache *s, void *object, unsigned int size)
{
	set_orig_size(s, object, size);
}

static inline bool check_valid_pointer(struct kmem_cache *s, struct page *slab, void *object)
{
	return !object || kmm_slab_valid_pointer(s, slab, object);
}

static inline void set_counters(struct page *slab, union slab_counters c)
{
	__atomic_store_n(&slab->counters, c.counters, __ATOMIC_RELAXED);
}

/* ---- report building blocks --------------------------------------------------------- */

/* Errors reported by this thread: kmem_cache_validate() returns the count. */
static __thread int slab_errors;

void kmm_slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[192];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	slab_errors++;
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %s\n", s->name, kmm_print_tainted(), buf);
	pr_err("-----------------------------------------------------------------------------\n\n");
}

void kmm_slab_fix(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[192];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	slab_errors++;
	pr_err("FIX %s: %s\n", s->name, buf);
}

void kmm_print_slab_info(const struct page *slab)
{
	union slab_counters c = slab_counters(slab);
	char flags[128];

	pr_err("Slab 0x%016lx objects=%u used=%u fp=0x%016lx flags=%s\n", (unsigned long)slab,
	       c.objects, c.inuse, (unsigned long)READ_ONCE(slab->freelist),
	       kmm_format_page_flags(flags, sizeof(flags), READ_ONCE(slab->flags)));
}

static void print_section(const char *level, const char *text, void *addr, unsigned int length)
{
	kmm_print_hex_dump(level, text, DUMP_PREFIX_ADDRESS, 16, 1, addr, length, true);
}

static void print_trailer(struct kmem_cache *s, struct page *slab, u8 *p)
{
	u8 *addr = slab_address(slab);
	unsigned int off;

	kmm_slab_print_tracking(s, p);
	kmm_print_slab_info(slab);
	pr_err("Object 0x%016lx @offset=%tu fp=0x%016lx\n\n", (unsigned long)p, p - addr,
	       (unsigned long)get_freepointer(s, p));
	if (s->flags & SLAB_RED_ZONE)
		print_section(KERN_ERR, "Redzone  ", p - s->red_left_pad, s->red_left_pad);
	else if (p > addr + 16)
		print_section(KERN_ERR, "Bytes b4 ", p - 16, 16);
	print_section(KERN_ERR, "Object   ", p, min(s->object_size, (unsigned int)PAGE_SIZE));
	if (s->flags & SLAB_RED_ZONE)
		print_section(KERN_ERR, "Redzone  ", p + s->object_size, s->inuse - s->object_size);
	off = get_info_end(s);
	if (s->flags & SLAB_STORE_USER)
		off += 2 * (unsigned int)sizeof(struct track);
	if (slub_debug_orig_size(s))
		off += sizeof(unsigned int);
	if (off != size_from_object(s))
		print_section(KERN_ERR, "Padding  ", p + off, size_from_object(s) - off);
	kmm_dump_stack();
}

static void object_err(struct kmem_cache *s, struct page *slab, u8 *object, const char *reason)
{
	kmm_report_lock();
	kmm_slab_bug(s, "%s", reason);
	print_trailer(s, slab, object);
	kmm_report_unlock();
	kmm_add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
}

static void restore_bytes(struct kmem_cache *s, const char *message, u8 data, u8 *from, u8 *to)
{
	kmm_slab_fix(s, "Restoring %s 0x%016lx-0x%016lx=0x%x", message, (unsigned long)from,
		     (unsigned long)(to - 1), data);
	memset(from, data, (size_t)(to - from));
}

/* Report and repair bytes of [start, start + bytes) that are not value:
 * fault is the first of them. */
static noinline int report_bytes(struct kmem_cache *s, struct page *slab, const char *what,
			       u8 *start, u8 value, unsigned int bytes, u8 *fault)
{
	u8 *addr = slab_address(slab), *end = start + bytes;

	while (end > fault && end[-1] == value)
		end--;
	kmm_report_lock();
	kmm_slab_bug(s, "%s overwritten", what);
	pr_err("0x%016lx-0x%016lx @offset=%tu. First byte 0x%x instead of 0x%x\n",
	       (unsigned long)fault, (unsigned long)(end - 1), fault - addr, fault[0], value);
	restore_bytes(s, what, value, fault, end);
	kmm_report_unlock();
	return 0;
}

/* 1 when bytes at start all equal value; else report, repair, 0. */
static inline int check_bytes_and_report(struct kmem_cache *s, struct page *slab, u8 *object,
					 const char *what, u8 *start, unsigned int value,
					 unsigned int bytes)
{
	u8 *fault = kmm_memchr_inv(start, (int)value, bytes);

	if (likely(!fault))
		return 1;
	return report_bytes(s, slab, what, start, (u8)value, bytes, fault);
}

/* ---- object state ----------------------------------------------------------------- */

/* memset() of a red zone: most are one word, stored inline. */
static inline void fill_bytes(u8 *p, u8 val, unsigned int bytes)
{
	if (bytes == sizeof(u64)) {
		u64 w = 0x0101010101010101ULL * val;

		memcpy(p, &w, sizeof(w));
	} else {
		memset(p, val, bytes);
	}
}

static __always_inline void init_object(struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;
	unsigned int poison_size = s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		fill_bytes(p - s->red_left_pad, val, s->red_left_pad);
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
			/* kmalloc: the bytes past the request are red zone too. */
			poison_size = get_orig_size(s, object);
		}
	}
	if (s->flags & __OBJECT_POISON) {
		kmm_memset_small(p, POISON_FREE, poison_size - 1);
		p[poison_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		fill_bytes(p + poison_size, val, s->inuse - poison_size);
}

/*
 * init_object() on an object that already holds the free poison (and
 * any red zone): the same bytes in the end, without rewriting the poison
 * that is already there.  Only the red zones change, and with a kmalloc
 * red zone the end of the request.
 */
static __always_inline void init_poisoned_object(struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;
	unsigned int poison_size = s->object_size;

	if (!(s->flags & SLAB_RED_ZONE))
		return;
	fill_bytes(p - s->red_left_pad, val, s->red_left_pad);
	if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
		poison_size = get_orig_size(s, object);
		if (poison_size < s->object_size)
			p[poison_size - 1] = POISON_END;
	}
	fill_bytes(p + poison_size, val, s->inuse - poison_size);
}

void kmm_debug_init_object(struct kmem_cache *s, void *object)
{
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		init_object(s, object, SLUB_RED_INACTIVE);
	kmm_slub_init_tracking(s, object);
}

/* With the sizes (calculate_sizes()): where the tracks and the object
 * padding are, which every check and track would compute again. */
void kmm_debug_cache_layout(struct kmem_cache *s)
{
	unsigned int off;

	off = freeptr_outside_object(s) ? s->inuse + (unsigned int)sizeof(void *) : s->inuse;
	s->debug_info_end = off;
	if (s->flags & SLAB_STORE_USER)
		off += 2 * (unsigned int)sizeof(struct track);
	if (slub_debug_orig_size(s))
		off += sizeof(unsigned int);
	s->debug_pad_off = off;
	s->debug_pad_len = size_from_object(s) - off;
}

/* setup_slab_debug(): the whole slab starts as POISON_INUSE. */
void kmm_debug_setup_slab(struct kmem_cache *s, struct page *slab)
{
	if (s->flags & SLAB_POISON)
		memset(slab_address(slab), POISON_INUSE, PAGE_SIZE << slab_order(slab));
}

/*
 * How many objects fit in a slab of this order: (PAGE_SIZE << order) /
 * s->size, as a multiplication by the cache's reciprocal_size (ceil(2^64
 * / size)), exact for a dividend below 2^32 and a size below 2^32 (see
 * freeptr_in_range() in slab.h).
 */
static inline unsigned int order_objects(struct kmem_cache *s, unsigned int order)
{
	return (unsigned int)(((kmm_u128)(PAGE_SIZE << order) * s->reciprocal_size) >> 64);
}

static unsigned int max_objects(struct kmem_cache *s, struct page *slab)
{
	return min(order_objects(s, slab_order(slab)), (unsigned int)MAX_OBJS_PER_PAGE);
}

static int check_pad_bytes(struct kmem_cache *s, struct page *slab, u8 *p)
{
	if (!s->debug_pad_len)
		return 1;
	return check_bytes_and_report(s, slab, p, "Object padding", p + s->debug_pad_off,
				      POISON_INUSE, s->debug_pad_len);
}

/* The bytes after the last object (slab_pad_check()). */
static int slab_pad_check(struct kmem_cache *s, struct page *slab)
{
	u8 *start, *fault, *end, *pad;
	unsigned int length, remainder;

	if (!(s->flags & SLAB_POISON))
		return 1;
	start = slab_address(slab);
	length = (unsigned int)(PAGE_SIZE << slab_order(slab));
	end = start + length;
	remainder = length - order_objects(s, slab_order(slab)) * s->size;
	if (!remainder)
		return 1;
	pad = end - remainder;
	fault = kmm_memchr_inv(pad, POISON_INUSE, remainder);
	if (!fault)
		return 1;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	kmm_slab_err(s, slab, "Padding overwritten. 0x%016lx-0x%016lx @offset=%tu",
		     (unsigned long)fault, (unsigned long)(end - 1), fault - start);
	kmm_report_lock();
	print_section(KERN_ERR, "Padding ", pad, remainder);
	restore_bytes(s, "slab padding", POISON_INUSE, fault, end);
	kmm_report_unlock();
	return 0;
}

static noinline int check_object_report(struct kmem_cache *s, struct page *slab, void *object,
					u8 val)
{
	u8 *p = object, *endobject = p + s->object_size;
	int ret = 1;

	/* The report lock (a gettid() away) is taken only to report. */
	if (s->flags & SLAB_RED_ZONE) {
		if (!check_bytes_and_report(s, slab, object, "Left Redzone", p - s->red_left_pad,
					    val, s->red_left_pad))
			ret = 0;
		if (!check_bytes_and_report(s, slab, object, "Right Redzone", endobject, val,
					    s->inuse - s->object_size))
			ret = 0;
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
			unsigned int orig_size = get_orig_size(s, object);

			if (s->object_size > orig_size &&
			    !check_bytes_and_report(s, slab, object, "kmalloc Redzone", p + orig_size,
						    val, s->object_size - orig_size))
				ret = 0;
		}
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		if (!check_bytes_and_report(s, slab, p, "Alignment padding", endobject,
					    POISON_INUSE, s->inuse - s->object_size))
			ret = 0;
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON)) {
			if (!check_bytes_and_report(s, slab, p, "Poison", p, POISON_FREE,
						    s->object_size - 1))
				ret = 0;
			if (!check_bytes_and_report(s, slab, p, "End Poison", p + s->object_size - 1,
						    POISON_END, 1))
				ret = 0;
		}
		if (!check_pad_bytes(s, slab, p))
			ret = 0;
	}
	/* An allocated object's free pointer may be the caller's data. */
	if ((freeptr_outside_object(s) || val != SLUB_RED_ACTIVE) &&
	    !check_valid_pointer(s, slab, get_freepointer(s, p))) {
		object_err(s, slab, p, "Freepointer corrupt");
		/* Zap it: the rest of the free objects of this slab are lost. */
		set_freepointer(s, p, NULL);
		ret = 0;
	} else if (!ret) {
		kmm_report_lock();
		print_trailer(s, slab, p);
		kmm_report_unlock();
		kmm_add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
	}
	return ret;
}

static noinline int check_slab_report(struct kmem_cache *s, struct page *slab)
{
	union slab_counters c = slab_counters(slab);
	unsigned int maxobj;

	if (!PageSlab(slab)) {
		kmm_slab_err(s, slab, "Not a valid slab page");
		return 0;
	}
	maxobj = max_objects(s, slab);
	if (c.objects > maxobj) {
		kmm_slab_err(s, slab, "objects %u > max %u", c.objects, maxobj);
		return 0;
	}
	if (c.inuse > c.objects) {
		kmm_slab_err(s, slab, "inuse %u > max %u", c.inuse, c.objects);
		return 0;
	}
	slab_pad_check(s, slab);
	return 1;
}

/*
 * A slab's objects, [base, end): what check_valid_pointer() computes,
 * computed once per allocation or free.
 */
struct slab_span {
	unsigned long base, end;
};

static __always_inline struct slab_span get_slab_span(struct kmem_cache *s, struct page *slab)
{
	struct slab_span sp;

	sp.base = slab_obj_base(s, slab);
	sp.end = sp.base + (unsigned long)slab_counters(slab).objects * s->size;
	return sp;
}

/* check_valid_pointer(): NULL or an object start. */
static __always_inline bool span_valid(struct kmem_cache *s, struct slab_span sp, const void *p)
{
	return freeptr_in_range(s, sp.base, sp.end, p);
}

/*
 * Are the n bytes at p all POISON_INUSE?  A slab's end padding: up to
 * 128 bytes (below two objects of a 64-byte debug cache) as two inline
 * 64-byte checks that overlap, longer ones kmm_memchr_inv()'s loop.
 */
static __always_inline bool pad_is(const u8 *p, unsigned int n)
{
	if (n > 64 && n <= 128)
		return !kmm_memchr_inv(p, POISON_INUSE, 64) &&
		       !kmm_memchr_inv(p + n - 64, POISON_INUSE, 64);
	return !kmm_memchr_inv(p, POISON_INUSE, n);
}

/*
 * The checks of check_slab() and check_object() as predicates, without
 * reports, repairs or early exits: all that the common case (nothing
 * wrong) costs.  When one fails, the reporting version runs every check
 * again in the kernel's order, and its verdict is the one that counts.
 */
static __always_inline bool slab_ok(struct kmem_cache *s, struct page *slab, struct slab_span sp)
{
	union slab_counters c = slab_counters(slab);
	unsigned int order, objects, length, remainder;

	if (unlikely(!PageSlab(slab)))
		return false;
	order = slab_order(slab);
	objects = order_objects(s, order);
	if (c.objects > min(objects, (unsigned int)MAX_OBJS_PER_PAGE) || c.inuse > c.objects)
		return false;
	if (!(s->flags & SLAB_POISON))
		return true;
	/* slab_pad_check() */
	length = (unsigned int)(PAGE_SIZE << order);
	remainder = length - objects * s->size;
	return !remainder ||
	       pad_is((u8 *)(sp.base - s->red_left_pad) + length - remainder, remainder);
}

/* Are the n bytes at p all val?  A word (most red zones and padding
 * words) is one compare. */
static __always_inline bool range_is(const u8 *p, u8 val, unsigned int n)
{
	u64 w;

	if (likely(n == sizeof(u64))) {
		memcpy(&w, p, sizeof(w));
		return w == 0x0101010101010101ULL * val;
	}
	return !kmm_memchr_inv(p, val, n);
}

static __always_inline bool object_ok(struct kmem_cache *s, struct slab_span sp, u8 *p, u8 val)
{
	slab_flags_t flags = s->flags;
	unsigned int size = s->object_size, start;
	bool ok = true;

	if (flags & SLAB_RED_ZONE) {
		/* The right red zone, from the end of the request with a
		 * kmalloc red zone (the same value: one range). */
		start = size;
		if (val == SLUB_RED_ACTIVE && slub_debug_orig_size(s))
			start = min(*orig_size_ptr(s, p), size);
		ok = range_is(p - s->red_left_pad, val, s->red_left_pad);
		ok &= range_is(p + start, val, s->inuse - start);
	} else if ((flags & SLAB_POISON) && size < s->inuse) {
		ok = range_is(p + size, POISON_INUSE, s->inuse - size);
	}
	if (flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (flags & __OBJECT_POISON)) {
			ok &= p[size - 1] == POISON_END;
			ok &= !kmm_memchr_inv(p, POISON_FREE, size - 1);
		}
		if (s->debug_pad_len)
			ok &= range_is(p + s->debug_pad_off, POISON_INUSE, s->debug_pad_len);
	}
	if (freeptr_outside_object(s) || val != SLUB_RED_ACTIVE)
		ok &= span_valid(s, sp, get_freepointer(s, p));
	return ok;
}

static __always_inline int check_slab_span(struct kmem_cache *s, struct page *slab,
					   struct slab_span sp)
{
	if (likely(slab_ok(s, slab, sp)))
		return 1;
	return check_slab_report(s, slab);
}

static __always_inline int check_object_span(struct kmem_cache *s, struct page *slab,
					     struct slab_span sp, void *object, u8 val)
{
	if (likely(object_ok(s, sp, object, val)))
		return 1;
	return check_object_report(s, slab, object, val);
}

static inline int check_slab(struct kmem_cache *s, struct page *slab)
{
	return check_slab_span(s, slab, get_slab_span(s, slab));
}

static inline int check_object(struct kmem_cache *s, struct page *slab, void *object, u8 val)
{
	return check_object_span(s, slab, get_slab_span(s, slab), object, val);
}

static void quarantine_slab(struct kmem_cache_node *n, struct page *slab);

/*
 * Is search on the slab's freelist?  Walks it, cuts it at a corrupt
 * pointer, and fixes the counters (on_freelist()).  search NULL: a check.
 */
static bool on_freelist(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab,
			void *search)
{
	union slab_counters c = slab_counters(slab);
	void *fp = slab->freelist, *object = NULL;
	unsigned int nr = 0, maxobj;

	while (fp && nr <= c.objects) {
		if (fp == search)
			return true;
		if (!check_valid_pointer(s, slab, fp)) {
			if (object) {
				object_err(s, slab, object, "Freechain corrupt");
				set_freepointer(s, object, NULL);
			} else {
				kmm_slab_err(s, slab, "Freepointer corrupt");
				quarantine_slab(n, slab);
				kmm_slab_fix(s, "Freelist cleared");
				return false;
			}
			break;
		}
		object = fp;
		fp = get_freepointer(s, object);
		nr++;
	}
	maxobj = max_objects(s, slab);
	if (c.objects != maxobj) {
		kmm_slab_err(s, slab, "Wrong number of objects. Found %d but should be %d",
			     c.objects, maxobj);
		c.objects = maxobj;
		set_counters(slab, c);
		kmm_slab_fix(s, "Number of objects adjusted");
	}
	if (c.inuse != c.objects - nr) {
		kmm_slab_err(s, slab, "Wrong object count. Counter is %d but counted were %d",
			     c.inuse, c.objects - nr);
		c.inuse = c.objects - nr;
		set_counters(slab, c);
		kmm_slab_fix(s, "Object count adjusted");
	}
	return search == NULL;
}

/* T: each alloc and free of the cache (trace()). */
static noinline void trace_report(struct kmem_cache *s, struct page *slab, void *object,
				  int alloc)
{
	kmm_report_lock();
	pr_info("TRACE %s %s 0x%016lx inuse=%d fp=0x%016lx\n", s->name, alloc ? "alloc" : "free",
		(unsigned long)object, slab_counters(slab).inuse,
		(unsigned long)READ_ONCE(slab->freelist));
	if (!alloc)
		print_section(KERN_INFO, "Object ", object, s->object_size);
	kmm_dump_stack();
	kmm_report_unlock();
}

static __always_inline void trace(struct kmem_cache *s, struct page *slab, void *object,
				  int alloc)
{
	if (unlikely(s->flags & SLAB_TRACE))
		trace_report(s, slab, object, alloc);
}

/* ---- the debug allocation and free paths ----------------------------------------- */

static __always_inline bool alloc_debug_processing(struct kmem_cache *s, struct page *slab,
						   struct slab_span sp, void *object,
						   unsigned int orig_size)
{
	bool poisoned = false;

	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_slab_span(s, slab, sp))
			goto bad;
		if (unlikely(!span_valid(s, sp, object))) {
			object_err(s, slab, object, "Freelist Pointer check fails");
			goto bad;
		}
		if (!check_object_span(s, slab, sp, object, SLUB_RED_INACTIVE))
			goto bad;
		/* check_object() found the free poison intact. */
		poisoned = !!(s->flags & __OBJECT_POISON);
	}
	trace(s, slab, object, 1);
	set_orig_size(s, object, orig_size);
	if (poisoned)
		init_poisoned_object(s, object, SLUB_RED_ACTIVE);
	else
		init_object(s, object, SLUB_RED_ACTIVE);
	return true;
bad:
	return false;
}

/*
 * A slab whose freelist cannot be trusted is taken out of use, as the
 * kernel does (it marks it frozen): every object counts as used, it is on
 * no list, validation no longer looks at it, and its free objects are
 * never handed out again.  Objects their callers still own can be freed
 * into it.  With n->list_lock held.
 */
static void quarantine_slab(struct kmem_cache_node *n, struct page *slab)
{
	union slab_counters c = slab_counters(slab);

	if (c.frozen)
		return;
	if (slab_test_node_partial(slab))
		remove_partial(n, slab);
	else
		list_del_init(&slab->slab_list);	/* the full list */
	c.inuse = c.objects;
	c.frozen = 1;
	set_counters(slab, c);
	WRITE_ONCE(slab->freelist, NULL);
}

static void mark_all_used(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab)
{
	kmm_slab_fix(s, "Marking all objects used");
	quarantine_slab(n, slab);
}

/* With n->list_lock held: one object of a partial slab, or NULL. */
static __always_inline void *alloc_single(struct kmem_cache *s, struct kmem_cache_node *n,
					  struct page *slab, unsigned int orig_size)
{
	void *object = slab->freelist, *next;
	struct slab_span sp;
	union slab_counters c;

	if (unlikely(!object)) {
		quarantine_slab(n, slab);	/* cannot happen: be safe */
		return NULL;
	}
	/* The free pointer first: the debug processing may overwrite it. */
	next = get_freepointer(s, object);
	sp = get_slab_span(s, slab);
	if (!alloc_debug_processing(s, slab, sp, object, orig_size)) {
		mark_all_used(s, n, slab);
		return NULL;
	}
	if (unlikely(!span_valid(s, sp, next))) {
		kmm_report_lock();
		kmm_slab_bug(s, "Freechain corrupt");
		kmm_print_slab_info(slab);
		pr_err("Object 0x%016lx @offset=%tu fp=0x%016lx\n\n", (unsigned long)object,
		       (char *)object - (char *)slab_address(slab), (unsigned long)next);
		kmm_dump_stack();
		kmm_slab_fix(s, "Isolate corrupted freechain");
		kmm_report_unlock();
		kmm_add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
		/* This object is handed out; the rest of the slab is out of use. */
		quarantine_slab(n, slab);
		return object;
	} else {
		c = slab_counters(slab);
		c.inuse++;
		set_counters(slab, c);
	}
	WRITE_ONCE(slab->freelist, next);
	if (!next) {
		remove_partial(n, slab);
		list_add(&slab->slab_list, &n->full);
	}
	return object;
}

static __always_inline void *alloc_from_node(struct kmem_cache *s, struct kmem_cache_node *n,
					      unsigned int orig_size)
{
	unsigned long flags;
	struct page *slab, *t;
	void *object = NULL;

	if (!n || !READ_ONCE(n->nr_partial))
		return NULL;
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, t, &n->partial, slab_list) {
		object = alloc_single(s, n, slab, orig_size);
		if (object)
			break;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return object;
}

/*
 * An object of a new slab of node (alloc_single_from_new_slab()); NULL
 * with *failed set when no slab came, and NULL with *failed clear when
 * the new slab's first object failed its checks (then try again).
 */
static void *alloc_from_new_slab(struct kmem_cache *s, gfp_t gfp, int node,
				 unsigned int orig_size, bool *failed)
{
	struct page *slab = kmm_new_slab(s, gfp, node);
	struct kmem_cache_node *n;
	unsigned long flags;
	void *object;

	*failed = !slab;
	if (!slab)
		return NULL;
	inc_slabs_node(s, slab_nid(slab), slab_counters(slab).objects);
	n = get_node(s, slab_nid(slab));
	spin_lock_irqsave(&n->list_lock, flags);
	add_partial(n, slab, false);
	object = alloc_single(s, n, slab, orig_size);
	spin_unlock_irqrestore(&n->list_lock, flags);
	return object;
}

/* When the local node's partial slabs gave nothing: the rest of the
 * order below. */
static noinline void *alloc_elsewhere(struct kmem_cache *s, gfp_t gfp, int node, int local,
				      unsigned int orig_size)
{
	bool failed = false;
	void *object = NULL;
	int nid;

	if (node != NUMA_NO_NODE && !(gfp & __GFP_THISNODE))
		object = alloc_from_new_slab(s, GFP_NOWAIT | __GFP_THISNODE | __GFP_NOWARN, node,
					     orig_size, &failed);
	for_each_online_node(nid) {
		if (object || (node != NUMA_NO_NODE && (gfp & __GFP_THISNODE)))
			break;
		if (nid != local)
			object = alloc_from_node(s, get_node(s, nid), orig_size);
	}
	while (!object) {
		object = alloc_from_new_slab(s, gfp, node, orig_size, &failed);
		if (unlikely(failed)) {
			if (!(gfp & __GFP_NOWARN))
				pr_warn("SLUB: Unable to allocate memory on node %d, cache: %s, object size: %u\n",
					local, s->name, s->object_size);
			return NULL;
		}
	}
	return object;
}

/*
 * node: NUMA_NO_NODE or a node with memory for s.  Its partial slabs
 * first (this CPU's node for NUMA_NO_NODE); for a node asked for, then a
 * new slab there if one comes without waiting (as ___slab_alloc's
 * try_thisnode, Linux 6.7+); then, unless __GFP_THISNODE holds it to the
 * node, the other nodes' partial slabs, then a new slab.
 */
void *kmm_debug_slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long addr,
			   unsigned int orig_size, int node)
{
	/* One CPU for the node and the track: the kernel's allocation runs
	 * on one (with preemption off). */
	int cpu = kmm_this_cpu();
	int local = node == NUMA_NO_NODE ? kmm_cpu_to_node_map[cpu] : node;
	void *object;

	if (unlikely(s->flags & SLAB_FAILSLAB) && kmm_should_failslab(s, gfp))
		return NULL;
	object = alloc_from_node(s, get_node(s, local), orig_size);
	if (unlikely(!object)) {
		object = alloc_elsewhere(s, gfp, node, local, orig_size);
		if (!object)
			return NULL;
	}
	if (s->flags & SLAB_STORE_USER)
		kmm_slub_set_alloc_track(s, object, addr, __builtin_frame_address(0), cpu);
	if (unlikely(gfp & __GFP_ZERO))
		memset(object, 0, get_orig_size(s, object));
	return object;
}

static bool free_debug_processing(struct kmem_cache *s, struct kmem_cache_node *n,
				  struct page *slab, void *object, unsigned long addr,
				  const struct track_stack *st)
{
	struct slab_span sp;

	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		sp = get_slab_span(s, slab);
		if (!check_slab_span(s, slab, sp))
			goto out;
		if (unlikely(!span_valid(s, sp, object))) {
			kmm_slab_err(s, slab, "Invalid object pointer 0x%016lx", (unsigned long)object);
			goto out;
		}
		/*
		 * The freelist walk (O(free objects)) is skipped when the
		 * object's left red zone says "allocated": a free object's is
		 * SLUB_RED_INACTIVE, and check_object() below checks it all.
		 */
		if (!((s->flags & SLAB_RED_ZONE) && s->red_left_pad >= sizeof(long) &&
		      *(unsigned long *)((u8 *)object - sizeof(long)) ==
			      0x0101010101010101UL * SLUB_RED_ACTIVE)) {
			if (on_freelist(s, n, slab, object)) {
				object_err(s, slab, object, "Object already free");
				goto out;
			}
			sp = get_slab_span(s, slab);	/* it may have fixed the count */
		}
		if (!check_object_span(s, slab, sp, object, SLUB_RED_ACTIVE))
			goto out;
	} else if (unlikely(slab->freelist == object)) {
		/* The hardened free pointer's naive double-free check. */
		kmm_slab_err(s, slab, "Object 0x%016lx already free (double free or corruption)",
			     (unsigned long)object);
		goto out;
	}
	if (s->flags & SLAB_STORE_USER)
		kmm_slub_set_free_track(s, object, addr, st);
	trace(s, slab, object, 0);
	init_object(s, object, SLUB_RED_INACTIVE);
	return true;
out:
	kmm_slab_fix(s, "Object at 0x%016lx not freed", (unsigned long)object);
	return false;
}

void kmm_debug_slab_free(struct kmem_cache *s, struct page *slab, void *object, unsigned long addr)
{
	struct kmem_cache_node *n = get_node(s, slab_nid(slab));
	union slab_counters c;
	unsigned long flags;
	void *prior;
	bool discard = false;
	struct track_stack st;

	/* The stack starts with our return address. */
	if (s->flags & SLAB_STORE_USER)
		kmm_slub_prepare_free_track(__builtin_frame_address(0), &st);
	spin_lock_irqsave(&n->list_lock, flags);
	if (!free_debug_processing(s, n, slab, object, addr, &st)) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		return;
	}
	c = slab_counters(slab);
	if (unlikely(!c.inuse)) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		kmm_slab_err(s, slab, "Object 0x%016lx already free (double free or corruption)",
			     (unsigned long)object);
		return;
	}
	prior = slab->freelist;
	set_freepointer(s, object, prior);
	WRITE_ONCE(slab->freelist, object);
	c.inuse--;
	set_counters(slab, c);
	if (c.frozen) {
		/* Out of use: the object stays with it. */
		spin_unlock_irqrestore(&n->list_lock, flags);
		return;
	}
	if (!prior) {
		if (slab_test_node_partial(slab))
			remove_partial(n, slab);	/* its freelist was cleared */
		else
			list_del(&slab->slab_list);	/* off the full list */
		add_partial(n, slab, true);
	}
	if (!c.inuse && n->nr_partial > s->min_partial) {
		remove_partial(n, slab);
		discard = true;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (discard) {
		dec_slabs_node(s, slab_nid(slab), c.objects);
		kmm_discard_slab_pages(s, slab);
	}
}

/* ---- validation ------------------------------------------------------------------------ */

static void validate_slab(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab,
			  unsigned long *map)
{
	union slab_counters c;
	unsigned long base = slab_obj_base(s, slab);
	unsigned int i;
	void *p;

	if (!check_slab(s, slab) || !on_freelist(s, n, slab, NULL) || slab_counters(slab).frozen)
		return;
	c = slab_counters(slab);
	memset(map, 0, MAP_LONGS(c.objects) * sizeof(long));
	for (p = slab->freelist; p; p = get_freepointer(s, p)) {
		i = (unsigned int)(((unsigned long)p - base) / s->size);
		map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
	}
	for (i = 0; i < c.objects; i++) {
		u8 val = (map[i / BITS_PER_LONG] >> (i % BITS_PER_LONG)) & 1 ? SLUB_RED_INACTIVE :
									     SLUB_RED_ACTIVE;

		p = (void *)(base + (unsigned long)i * s->size);
		if (!check_object(s, slab, p, val))
			break;
	}
}

static void validate_list(struct kmem_cache *s, struct kmem_cache_node *n, struct list_head *list,
			  unsigned long nr, const char *what, unsigned long *map)
{
	struct page *slab, *t;
	unsigned long count = 0;

	list_for_each_entry_safe(slab, t, list, slab_list) {
		validate_slab(s, n, slab, map);
		count++;
	}
	if (nr != (unsigned long)-1 && count != nr) {
		pr_err("SLUB %s: %ld %s slabs counted but counter=%ld\n", s->name, count, what, nr);
		slab_errors++;
	}
}

KMM_API int kmm_kmem_cache_validate(struct kmem_cache *s)
{
	static unsigned long map[MAP_LONGS(MAX_OBJS_PER_PAGE)];
	static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
	unsigned long flags;
	int node, errors;

	if (!s)
		return 0;
	slab_errors = 0;
	kmm_kmem_cache_flush(s);
	pthread_mutex_lock(&map_lock);
	for_each_online_node(node) {
		struct kmem_cache_node *n = get_node(s, node);

		spin_lock_irqsave(&n->list_lock, flags);
		validate_list(s, n, &n->partial, n->nr_partial, "partial", map);
		if (kmem_cache_debug(s))
			validate_list(s, n, &n->full, (unsigned long)-1, "full", map);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	pthread_mutex_unlock(&map_lock);
	errors = slab_errors;
	slab_errors = 0;
	return errors;
}
