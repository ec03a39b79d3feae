// SPDX-License-Identifier: MIT
/*
 * slub_debug's U (SLAB_STORE_USER), Linux 6.12 mm/slub.c semantics: each
 * object of a U cache keeps two struct track after its free pointer, one
 * set at allocation and one at free, with the caller, a stack depot
 * handle for the stack, the CPU, thread id and jiffies (32 bytes each, the
 * kernel's layout with CONFIG_STACKDEPOT, which CONFIG_SLUB_DEBUG
 * selects); reports print them ("Allocated in ... age=...", then the
 * stack from the depot, or "object allocation/free stack trace missing"
 * when the depot had none to give: stack_depot_disable=on, or full).
 *
 * The stack is taken by a frame-pointer walk into a local array of
 * TRACK_ADDRS_COUNT entries, then stored with stack_depot_save()
 * (src/lib/stackdepot.c, which takes no lockdep-tracked lock).  As in
 * the kernel it is taken outside list_lock: a free's before it
 * (set_track_prepare()), with the CPU and the time, then put into the
 * track under it together with the caller and the thread
 * (set_track_update()); an allocation's after the lock is dropped
 * (___slab_alloc's set_track()).
 *
 * Jiffies: milliseconds since boot (HZ=1000), for the tracks' age.
 */
#define _GNU_SOURCE
#include "mm/slub_debug.h"
#include "kernel/internal.h"
#include "lib/internal.h"
#include <kmm/stacktrace.h>
#include <kmm/stackdepot.h>
#include <kmm/gfp.h>
#include <kmm/smp.h>
#include <pthread.h>
#include <string.h>

static inline unsigned long ror64(unsigned long x, unsigned int n)
{
	return (x >> n) | (x << (64 - n));
}

/* This thread's stack: [stack_lo, stack_lo + stack_span + 16), 8-aligned.
 * Initial-exec TLS: a load from %fs, not a __tls_get_addr() call. */
#define TLS_IE __attribute__((tls_model("initial-exec")))
static __thread unsigned long stack_lo TLS_IE, stack_span TLS_IE;
static __thread int track_pid TLS_IE;

static noinline bool find_stack_bounds(void)
{
	pthread_attr_t attr;
	unsigned long lo, hi;
	void *addr;
	size_t len;

	if (pthread_getattr_np(pthread_self(), &attr))
		return false;
	pthread_attr_getstack(&attr, &addr, &len);
	pthread_attr_destroy(&attr);
	lo = ((unsigned long)addr + 7) & ~7UL;
	hi = ((unsigned long)addr + len) & ~7UL;
	if (hi < lo + 32)
		return false;
	stack_lo = lo;
	stack_span = hi - lo - 16;
	return true;
}

/*
 * A frame-pointer walk (the tree builds with -fno-omit-frame-pointer):
 * much cheaper than the unwinder behind kmm_stack_trace_save, which
 * matters because U saves a stack at every allocation and free.  It
 * starts at the frame the caller passes (its own, so the first entry is
 * the caller's return address), and follows frames only while they stay
 * inside this thread's stack, 8-byte aligned, and go up.  One compare
 * checks all three bounds: fp - stack_lo rotated right by 3 moves a
 * misaligned low part into the top bits, which then exceed stack_span /
 * 8 as an out-of-range offset does (stack_lo and stack_span are
 * multiples of 8).  A leaf function: the first walk of a thread, which
 * finds the stack's bounds, is a tail call.
 */
__attribute__((no_sanitize("address")))
static unsigned int walk_frames(const unsigned long *fp, unsigned long *store)
{
	unsigned long lo = stack_lo, limit = stack_span >> 3, ret, *out = store;
	const unsigned long *next;

	while (ror64((unsigned long)fp - lo, 3) <= limit) {
		ret = fp[1];
		next = (const unsigned long *)fp[0];
		if (!ret)
			break;
		*out++ = ret;
		if (out == store + TRACK_ADDRS_COUNT || next <= fp)
			break;
		fp = next;
	}
	return (unsigned int)(out - store);
}

static noinline unsigned int save_stack_first(const void *frame, unsigned long *store)
{
	if (!find_stack_bounds())
		return 0;
	return walk_frames(frame, store);
}

unsigned int kmm_slub_save_stack(const void *frame, unsigned long *store)
{
	if (unlikely(!stack_span))
		return save_stack_first(frame, store);
	return walk_frames(frame, store);
}

static inline int current_pid(void)
{
	if (unlikely(!track_pid))
		track_pid = kmm_current_pid();
	return track_pid;
}

/*
 * The last trace this thread saved for each kind of track, with its
 * handle and the depot's epoch then: a program allocates and frees from
 * a few places, and the same trace saved again gets the same handle
 * back (records are never dropped while the epoch stays), so comparing
 * the trace with the last one saves the depot's hash and lookup.
 */
struct track_memo {
	unsigned int epoch, nr;
	depot_stack_handle_t handle;
	unsigned long entries[TRACK_ADDRS_COUNT];
};
static __thread struct track_memo track_memo[2] TLS_IE;

/* The stack from frame up, into the depot: the kernel's
 * set_track_prepare() (stack_trace_save, then stack_depot_save with
 * GFP_NOWAIT).  0 when the depot has no room or is disabled. */
static inline depot_stack_handle_t save_track_stack(const void *frame, enum track_item item)
{
	struct track_memo *m = &track_memo[item];
	unsigned long entries[TRACK_ADDRS_COUNT];
	unsigned int nr = kmm_slub_save_stack(frame, entries), epoch, i;
	depot_stack_handle_t handle;

	epoch = READ_ONCE(kmm_stack_depot_epoch);
	if (m->nr == nr && m->epoch == epoch) {
		for (i = 0; i < nr && entries[i] == m->entries[i]; i++)
			;
		if (i == nr)
			return m->handle;
	}
	handle = stack_depot_save(entries, nr, GFP_NOWAIT);
	if (handle) {
		m->epoch = epoch;
		m->nr = nr;
		m->handle = handle;
		memcpy(m->entries, entries, nr * sizeof(entries[0]));
	}
	return handle;
}

/* The allocation's track: after the list_lock is dropped, as the kernel's
 * ___slab_alloc sets it.  frame: the allocator's, as for kmm_slub_save_stack;
 * cpu: the allocation's (read once: the kernel's runs on one CPU). */
void kmm_slub_set_alloc_track(struct kmem_cache *s, void *object, unsigned long addr,
			      const void *frame, int cpu)
{
	struct track *p = get_track(s, object, TRACK_ALLOC);

	p->handle = save_track_stack(frame, TRACK_ALLOC);
	p->addr = addr;
	p->cpu = cpu;
	p->pid = current_pid();
	p->when = kmm_jiffies();
}

/*
 * The free's stack, and its CPU, thread and time (what the kernel's
 * set_track_update() reads under the lock: CPU, thread and jiffies cannot
 * change in between there, and the same millisecond is all that an age
 * shows).  kmm_slub_set_free_track() stores them.
 */
void kmm_slub_prepare_free_track(const void *frame, struct track_stack *st)
{
	st->handle = save_track_stack(frame, TRACK_FREE);
	st->cpu = kmm_this_cpu();
	st->pid = current_pid();
	st->when = kmm_jiffies();
}

void kmm_slub_init_tracking(struct kmem_cache *s, void *object)
{
	if (s->flags & SLAB_STORE_USER)
		memset(get_track(s, object, TRACK_ALLOC), 0, 2 * sizeof(struct track));
}

static void print_track(const char *s, struct track *t, unsigned long pr_time)
{
	char sym[KSYM_SYMBOL_LEN];
	depot_stack_handle_t handle;

	if (!t->addr)
		return;
	kmm_sprint_symbol(sym, t->addr);
	pr_err("%s in %s age=%lu cpu=%u pid=%d\n", s, sym, pr_time - t->when, t->cpu, t->pid);
	handle = READ_ONCE(t->handle);
	if (handle)
		stack_depot_print(handle);
	else
		pr_err("object allocation/free stack trace missing\n");
}

void kmm_slab_print_tracking(struct kmem_cache *s, void *object)
{
	unsigned long pr_time = kmm_jiffies();
	struct page *slab;

	if (!(s->flags & SLAB_STORE_USER) || !object)
		return;
	slab = virt_to_slab(object);
	if (!slab || slab->slab_cache != s || !kmm_slab_valid_pointer(s, slab, object))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC), pr_time);
	print_track("Freed", get_track(s, object, TRACK_FREE), pr_time);
}
