// SPDX-License-Identifier: MIT
/*
 * The stack depot, with Linux 6.12 lib/stackdepot.c's semantics: every
 * distinct stack trace is stored once, in a record that never moves nor
 * goes away (until kmm_exit()), and is named by a 32-bit handle.
 *
 * Records: a header (hash chain, hash, number of entries, own handle)
 * and the entries, rounded up to DEPOT_STACK_ALIGN (16 bytes) and cut at
 * STACKDEPOT_MAX_FRAMES (64, CONFIG_STACKDEPOT_MAX_FRAMES' default).
 * They are packed one after another into pools of 4 pages
 * (DEPOT_POOL_ORDER 2), as 6.12 packs its non-refcounted records; a
 * record that does not fit opens the next pool.  A handle is the
 * kernel's union handle_parts as bit fields of a u32: bits 0-16 the pool
 * index plus 1 (so that no record has handle 0), bits 17-26 the offset
 * in the pool in 16-byte units, bits 27-31 the caller's extra bits.  At
 * most DEPOT_POOLS_CAP (8192) pools: past that a save returns 0 and the
 * first such failure after boot warns "Stack depot reached limit
 * capacity".  The pools are consecutive 16 KiB pieces of one address
 * range reserved at the depot's first use (MAP_NORESERVE, so only the
 * pools written to take memory), never pages of kmm's own allocator:
 * slub_debug saves stacks from paths that must not re-enter zone->lock.
 *
 * The hash table has one bucket per 16 KiB of memory (the kernel's
 * STACK_HASH_TABLE_SCALE, from the memory kmm manages), between 4096
 * and 1M buckets.  The hash of a trace is one xxHash64-style round per
 * entry and murmur3's 64-bit finaliser, written for kmm: about 5
 * instructions an entry, where jhash2's mix over the entries as 32-bit
 * words comes to roughly twice that or more (an estimate, not measured);
 * slub_debug hashes two stacks per allocation and free pair.
 *
 * Locking: lookups take no lock.  Bucket heads are published with
 * release stores and read with acquire loads; a record is complete
 * before it is published and never changes afterwards, so a reader that
 * found a record (or got its handle from code that did) reads it freely.
 * Inserts, pool changes and the counters are under pool_lock, a bare flag
 * lock taken with interrupts (the irq signals) masked: it is not a
 * spinlock_t, so lockdep never sees it and it may be taken from inside
 * the allocator and from lockdep-validated paths.  kmm_exit() resets the
 * depot (it must not race with saves, as for every other kmm call).
 */
#define _GNU_SOURCE
#include "lib/internal.h"
#include "kernel/internal.h"
#include "arch/arch.h"
#include <kmm/irqflags.h>
#include <kmm/mm.h>
#include <kmm/stacktrace.h>
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#define DEPOT_HANDLE_BITS	32
#define DEPOT_POOL_ORDER	2
#define DEPOT_POOL_SIZE		(1UL << (PAGE_SHIFT + DEPOT_POOL_ORDER))
#define DEPOT_STACK_ALIGN	4
#define DEPOT_OFFSET_BITS	(DEPOT_POOL_ORDER + PAGE_SHIFT - DEPOT_STACK_ALIGN)
#define DEPOT_POOL_INDEX_BITS	(DEPOT_HANDLE_BITS - DEPOT_OFFSET_BITS - STACK_DEPOT_EXTRA_BITS)
#define DEPOT_POOLS_CAP		8192
/* pool_index_plus_1 needs one value more than the pools it names. */
#define DEPOT_MAX_POOLS							\
	(((1 << DEPOT_POOL_INDEX_BITS) - 1 < DEPOT_POOLS_CAP) ?		\
	 (1 << DEPOT_POOL_INDEX_BITS) - 1 : DEPOT_POOLS_CAP)
#define STACKDEPOT_MAX_FRAMES	64

#define HANDLE_INDEX_MASK	((1U << DEPOT_POOL_INDEX_BITS) - 1)
#define HANDLE_OFFSET_SHIFT	DEPOT_POOL_INDEX_BITS
#define HANDLE_OFFSET_MASK	((1U << DEPOT_OFFSET_BITS) - 1)
#define HANDLE_EXTRA_SHIFT	(DEPOT_POOL_INDEX_BITS + DEPOT_OFFSET_BITS)
#define HANDLE_EXTRA_MASK	((1U << STACK_DEPOT_EXTRA_BITS) - 1)

/* One bucket per 16 KiB of memory, 4K to 1M buckets. */
#define STACK_HASH_TABLE_SCALE		14
#define STACK_BUCKET_NUMBER_ORDER_MIN	12
#define STACK_BUCKET_NUMBER_ORDER_MAX	20
#define STACK_HASH_SEED			0x9747b28cU

struct stack_record {
	struct stack_record *next;	/* in its hash bucket */
	u32 hash;
	u32 size;			/* number of entries */
	depot_stack_handle_t handle;	/* its own, set once */
	u32 unused;
	unsigned long entries[];
};

/* Counters of the stats view, named as the kernel's.  kmm has no
 * refcounted (evictable) records, so the first four stay 0. */
enum depot_counter_id {
	DEPOT_COUNTER_REFD_ALLOCS,
	DEPOT_COUNTER_REFD_FREES,
	DEPOT_COUNTER_REFD_INUSE,
	DEPOT_COUNTER_FREELIST_SIZE,
	DEPOT_COUNTER_PERSIST_COUNT,
	DEPOT_COUNTER_PERSIST_BYTES,
	DEPOT_COUNTER_COUNT,
};
static const char *const counter_names[DEPOT_COUNTER_COUNT] = {
	[DEPOT_COUNTER_REFD_ALLOCS]	= "refcounted_allocations",
	[DEPOT_COUNTER_REFD_FREES]	= "refcounted_frees",
	[DEPOT_COUNTER_REFD_INUSE]	= "refcounted_in_use",
	[DEPOT_COUNTER_FREELIST_SIZE]	= "freelist_size",
	[DEPOT_COUNTER_PERSIST_COUNT]	= "persistent_count",
	[DEPOT_COUNTER_PERSIST_BYTES]	= "persistent_bytes",
};

static bool stack_depot_disabled;	/* stack_depot_disable= */
unsigned int kmm_stack_depot_epoch = 1;

static void depot_new_epoch(void)
{
	unsigned int e = READ_ONCE(kmm_stack_depot_epoch) + 1;

	WRITE_ONCE(kmm_stack_depot_epoch, e ? e : 1);
}

/* Published with a release store once stack_hash_mask and pools_base
 * are set; NULL until the first kmm_stack_depot_init(). */
static struct stack_record **stack_table;
static unsigned int stack_hash_mask;
static size_t stack_table_bytes;
static char *pools_base;		/* DEPOT_MAX_POOLS pools */

/* Under pool_lock (pools_num also read without it, by acquire). */
static atomic_flag pool_lock = ATOMIC_FLAG_INIT;
static int pools_num;
static size_t pool_offset = DEPOT_POOL_SIZE;	/* in the last pool */
static int max_pools = DEPOT_MAX_POOLS;
static bool capacity_warned;
static long counters[DEPOT_COUNTER_COUNT];

static int disable_stack_depot(char *val)
{
	depot_new_epoch();
	return kmm_kstrtobool(val, &stack_depot_disabled) ? -EINVAL : 0;
}
__setup("stack_depot_disable", disable_stack_depot);

static void stackdepot_param_defaults(void)
{
	stack_depot_disabled = false;
	depot_new_epoch();
}
param_defaults(stackdepot_param_defaults);

static inline bool depot_disabled(void)
{
	return READ_ONCE(stack_depot_disabled);
}

static unsigned long depot_lock(void)
{
	unsigned long flags;

	raw_local_irq_save(flags);
	while (atomic_flag_test_and_set_explicit(&pool_lock, memory_order_acquire)) {
		raw_local_irq_restore(flags);
		sched_yield();
		raw_local_irq_save(flags);
	}
	return flags;
}

static void depot_unlock(unsigned long flags)
{
	atomic_flag_clear_explicit(&pool_lock, memory_order_release);
	raw_local_irq_restore(flags);
}

static unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

KMM_API int kmm_stack_depot_init(void)
{
	unsigned long flags, entries;
	struct stack_record **table;
	char *pools;
	int ret = 0;

	if (__atomic_load_n(&stack_table, __ATOMIC_ACQUIRE) || depot_disabled())
		return 0;
	/* One bucket per 2^STACK_HASH_TABLE_SCALE bytes of memory. */
	entries = roundup_pow_of_two(kmm_totalram_pages());
	entries >>= STACK_HASH_TABLE_SCALE - PAGE_SHIFT;
	if (entries < 1UL << STACK_BUCKET_NUMBER_ORDER_MIN)
		entries = 1UL << STACK_BUCKET_NUMBER_ORDER_MIN;
	if (entries > 1UL << STACK_BUCKET_NUMBER_ORDER_MAX)
		entries = 1UL << STACK_BUCKET_NUMBER_ORDER_MAX;

	flags = depot_lock();
	if (stack_table || stack_depot_disabled)
		goto out_unlock;
	pr_info("stackdepot: allocating hash table of %lu entries via kvcalloc\n", entries);
	table = kmm_arch_reserve(entries * sizeof(*table), PAGE_SIZE);
	pools = kmm_arch_reserve((size_t)DEPOT_MAX_POOLS * DEPOT_POOL_SIZE, PAGE_SIZE);
	if (!table || !pools) {
		kmm_arch_release(table, entries * sizeof(*table));
		kmm_arch_release(pools, (size_t)DEPOT_MAX_POOLS * DEPOT_POOL_SIZE);
		pr_err("stackdepot: hash table allocation failed, disabling\n");
		WRITE_ONCE(stack_depot_disabled, true);
		depot_new_epoch();
		ret = -ENOMEM;
		goto out_unlock;
	}
	stack_hash_mask = (unsigned int)(entries - 1);
	stack_table_bytes = entries * sizeof(*table);
	pools_base = pools;
	__atomic_store_n(&stack_table, table, __ATOMIC_RELEASE);
out_unlock:
	depot_unlock(flags);
	return ret;
}

void kmm_stack_depot_exit(void)
{
	kmm_arch_release(stack_table, stack_table_bytes);
	kmm_arch_release(pools_base, (size_t)DEPOT_MAX_POOLS * DEPOT_POOL_SIZE);
	__atomic_store_n(&stack_table, NULL, __ATOMIC_RELEASE);
	stack_hash_mask = 0;
	stack_table_bytes = 0;
	pools_base = NULL;
	__atomic_store_n(&pools_num, 0, __ATOMIC_RELEASE);
	pool_offset = DEPOT_POOL_SIZE;
	max_pools = DEPOT_MAX_POOLS;
	capacity_warned = false;
	memset(counters, 0, sizeof(counters));
	depot_new_epoch();
}

int kmm_stack_depot_set_max_pools(int nr)
{
	unsigned long flags = depot_lock();
	int old = max_pools;

	if (nr < 0)
		nr = 0;
	max_pools = nr < DEPOT_MAX_POOLS ? nr : DEPOT_MAX_POOLS;
	depot_unlock(flags);
	return old;
}

int kmm_stack_depot_pools(void)
{
	return __atomic_load_n(&pools_num, __ATOMIC_ACQUIRE);
}

static inline u64 rol64(u64 x, unsigned int r)
{
	return (x << r) | (x >> (64 - r));
}

/* 64-bit lanes: an xxHash64 round each, then murmur3's fmix64. */
static inline u32 hash_stack(const unsigned long *entries, unsigned int nr)
{
	const u64 p1 = 0x9e3779b185ebca87ULL, p2 = 0xc2b2ae3d27d4eb4fULL;
	u64 h = STACK_HASH_SEED + (u64)nr * p1;

	for (unsigned int i = 0; i < nr; i++)
		h = rol64(h + entries[i] * p2, 31) * p1;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (u32)h;
}

static inline bool entries_equal(const unsigned long *a, const unsigned long *b,
				 unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static __always_inline struct stack_record *find_stack(struct stack_record **bucket,
				       const unsigned long *entries,
				       unsigned int size, u32 hash)
{
	struct stack_record *s;

	for (s = __atomic_load_n(bucket, __ATOMIC_ACQUIRE); s; s = s->next)
		if (s->hash == hash && s->size == size &&
		    entries_equal(entries, s->entries, size))
			return s;
	return NULL;
}

static inline depot_stack_handle_t make_handle(unsigned int pool_index, size_t offset)
{
	return (pool_index + 1) |
	       (u32)(offset >> DEPOT_STACK_ALIGN) << HANDLE_OFFSET_SHIFT;
}

/* A new record in the last pool, or in a new one; under pool_lock. */
static struct stack_record *depot_alloc_stack(const unsigned long *entries,
					      unsigned int nr, u32 hash, bool *warn)
{
	size_t record_size = ALIGN(sizeof(struct stack_record) + nr * sizeof(unsigned long),
				   1UL << DEPOT_STACK_ALIGN);
	struct stack_record *stack;
	unsigned int pool_index;

	if (pool_offset + record_size > DEPOT_POOL_SIZE) {
		if (pools_num >= max_pools) {
			if (!capacity_warned)
				*warn = capacity_warned = true;
			return NULL;
		}
		__atomic_store_n(&pools_num, pools_num + 1, __ATOMIC_RELEASE);
		pool_offset = 0;
	}
	pool_index = (unsigned int)pools_num - 1;
	stack = (struct stack_record *)(pools_base + (size_t)pool_index * DEPOT_POOL_SIZE +
					pool_offset);
	stack->handle = make_handle(pool_index, pool_offset);
	stack->hash = hash;
	stack->size = nr;
	memcpy(stack->entries, entries, nr * sizeof(unsigned long));
	pool_offset += record_size;
	counters[DEPOT_COUNTER_PERSIST_COUNT]++;
	counters[DEPOT_COUNTER_PERSIST_BYTES] += (long)record_size;
	return stack;
}

static noinline void warn_capacity(void)
{
	WARN(1, "Stack depot reached limit capacity\n");
}

/* Not found without the lock: look again under it, then insert. */
static noinline depot_stack_handle_t depot_save_slow(const unsigned long *entries,
						     unsigned int nr, u32 hash,
						     struct stack_record **bucket)
{
	struct stack_record *found;
	unsigned long flags;
	bool warn = false;

	flags = depot_lock();
	/* Another thread may have stored it meanwhile. */
	found = find_stack(bucket, entries, nr, hash);
	if (!found) {
		found = depot_alloc_stack(entries, nr, hash, &warn);
		if (found) {
			found->next = __atomic_load_n(bucket, __ATOMIC_RELAXED);
			__atomic_store_n(bucket, found, __ATOMIC_RELEASE);
		}
	}
	depot_unlock(flags);
	if (unlikely(warn))
		warn_capacity();
	return found ? found->handle : 0;
}

static noinline depot_stack_handle_t depot_save_first(unsigned long *entries,
						      unsigned int nr_entries, gfp_t gfp)
{
	if (kmm_stack_depot_init() || !__atomic_load_n(&stack_table, __ATOMIC_ACQUIRE))
		return 0;
	return kmm_stack_depot_save(entries, nr_entries, gfp);
}

/* The common case, a stack stored before, is a lookup without a lock or
 * a call: a leaf function. */
KMM_API depot_stack_handle_t kmm_stack_depot_save(unsigned long *entries,
						  unsigned int nr_entries, gfp_t gfp)
{
	struct stack_record **table, **bucket, *found;
	u32 hash;

	if (unlikely(!nr_entries) || depot_disabled())
		return 0;
	table = __atomic_load_n(&stack_table, __ATOMIC_ACQUIRE);
	if (unlikely(!table))
		return depot_save_first(entries, nr_entries, gfp);
	/* Cut before hashing, so that a long trace finds its record again. */
	if (nr_entries > STACKDEPOT_MAX_FRAMES)
		nr_entries = STACKDEPOT_MAX_FRAMES;
	hash = hash_stack(entries, nr_entries);
	bucket = &table[hash & stack_hash_mask];
	found = find_stack(bucket, entries, nr_entries, hash);
	if (likely(found))
		return found->handle;
	return depot_save_slow(entries, nr_entries, hash, bucket);
}

static struct stack_record *depot_fetch_stack(depot_stack_handle_t handle)
{
	int nr_pools = __atomic_load_n(&pools_num, __ATOMIC_ACQUIRE);
	unsigned int pool_index = (handle & HANDLE_INDEX_MASK) - 1;
	size_t offset = (size_t)((handle >> HANDLE_OFFSET_SHIFT) & HANDLE_OFFSET_MASK)
			<< DEPOT_STACK_ALIGN;
	struct stack_record *stack;

	if (pool_index >= (unsigned int)nr_pools) {
		WARN(1, "pool index %d out of bounds (%d) for stack id %08x\n",
		     (int)pool_index, nr_pools, handle);
		return NULL;
	}
	stack = (struct stack_record *)(pools_base + (size_t)pool_index * DEPOT_POOL_SIZE +
					offset);
	/* As the kernel's refcount test: a record never written reads 0,
	 * and a record names itself. */
	if (WARN_ON(!stack->size ||
		    stack->handle != (handle & ~(HANDLE_EXTRA_MASK << HANDLE_EXTRA_SHIFT))))
		return NULL;
	return stack;
}

KMM_API unsigned int kmm_stack_depot_fetch(depot_stack_handle_t handle,
					   unsigned long **entries)
{
	struct stack_record *stack;

	*entries = NULL;
	if (!handle || depot_disabled())
		return 0;
	stack = depot_fetch_stack(handle);
	if (WARN(!stack, "corrupt handle or use after stack_depot_put()\n"))
		return 0;
	*entries = stack->entries;
	return stack->size;
}

KMM_API void kmm_stack_depot_print(depot_stack_handle_t handle)
{
	unsigned long *entries;
	unsigned int nr = kmm_stack_depot_fetch(handle, &entries);

	if (nr > 0)
		kmm_stack_trace_print(entries, nr, 0);
}

/* stack_trace_snprint()'s format: " %pS\n" per entry, indented by spaces. */
KMM_API int kmm_stack_depot_snprint(depot_stack_handle_t handle, char *buf,
				    size_t size, int spaces)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long *entries;
	unsigned int nr = kmm_stack_depot_fetch(handle, &entries);
	int total = 0;

	for (unsigned int i = 0; i < nr; i++) {
		int n;

		kmm_sprint_symbol(sym, entries[i]);
		n = snprintf(buf, size, "%*s%s\n", 1 + spaces, "", sym);
		if (n < 0)
			break;
		total += n;
		if ((size_t)n >= size) {
			buf += size;
			size = 0;
		} else {
			buf += n;
			size -= (size_t)n;
		}
	}
	return total;
}

KMM_API depot_stack_handle_t kmm_stack_depot_set_extra_bits(depot_stack_handle_t handle,
							    unsigned int extra_bits)
{
	if (!handle)
		return 0;
	handle &= ~(HANDLE_EXTRA_MASK << HANDLE_EXTRA_SHIFT);
	return handle | (extra_bits & HANDLE_EXTRA_MASK) << HANDLE_EXTRA_SHIFT;
}

KMM_API unsigned int kmm_stack_depot_get_extra_bits(depot_stack_handle_t handle)
{
	return (handle >> HANDLE_EXTRA_SHIFT) & HANDLE_EXTRA_MASK;
}

/* debugfs stackdepot/stats (6.8+): the pools, then each counter. */
static void stats_show(FILE *f)
{
	long snap[DEPOT_COUNTER_COUNT];
	unsigned long flags;
	int pools;

	if (depot_disabled())
		return;
	flags = depot_lock();
	pools = pools_num;
	memcpy(snap, counters, sizeof(snap));
	depot_unlock(flags);
	fprintf(f, "pools: %d\n", pools);
	for (int i = 0; i < DEPOT_COUNTER_COUNT; i++)
		fprintf(f, "%s: %ld\n", counter_names[i], snap[i]);
}
KMM_PROC("stack_depot_stats", stats_show);
