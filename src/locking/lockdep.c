// SPDX-License-Identifier: MIT
/*
 * lockdep, the runtime locking correctness validator, with the semantics
 * of Linux 6.12's kernel/locking/lockdep.c (see
 * Documentation/locking/lockdep-design.rst): lock classes keyed by the
 * address of a struct lock_class_key (plus subclass), a per-thread stack of
 * held locks (current->held_locks), a cache of already validated lock
 * chains keyed by a hash of the held classes, a dependency graph with
 * forward (locks_after) and backward (locks_before) lists searched
 * breadth-first, per-class irq usage bits, and the recursive-read rules
 * (four dependency types, "strong" paths).
 *
 * Every table is a static array sized like the kernel's; running out of
 * one prints the kernel's "BUG: MAX_... too low!" lines and turns the
 * validator off (debug_locks_off()), it never crashes or allocates.
 *
 * Locking: the tables are changed under the graph lock, an atomic flag
 * (never a kmm lock, which would recurse into lockdep); the class and chain
 * hash lists are published with release stores and walked with acquire
 * loads, so that the fast path (a cached chain) takes no lock at all.  A
 * thread's held-lock stack is its own; other threads read it only to print
 * it.  current->lockdep_recursion keeps lockdep from recursing into itself
 * (lockdep_off() also raises it).
 */
#define _GNU_SOURCE
#include "locking/lockdep_internals.h"
#include "kernel/internal.h"
#include "arch/arch.h"
#include <kmm/stacktrace.h>
#include <kmm/smp.h>
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <string.h>

#define LOCKDEP_OFF	(1U << 16)

KMM_API int kmm_lockdep_hooks_active;

/* Whoever links the validator gets its views. */
extern const char kmm_link_anchor_lockdep_proc;
__attribute__((used)) static const char *const link_anchor = &kmm_link_anchor_lockdep_proc;
int kmm_prove_locking;			/* lockdep= */
int kmm_lock_stat;			/* lock_stat= */

struct lock_class kmm_lock_classes[MAX_LOCKDEP_KEYS];
unsigned long kmm_nr_lock_classes;
static struct lock_class *classhash_table[CLASSHASH_SIZE];


struct lock_chain kmm_lock_chains[MAX_LOCKDEP_CHAINS];
unsigned long kmm_nr_lock_chains;
static struct lock_chain *chainhash_table[CHAINHASH_SIZE];
u16 kmm_chain_hlocks[MAX_LOCKDEP_CHAIN_HLOCKS];
int kmm_nr_chain_hlocks;
unsigned int kmm_nr_hardirq_chains, kmm_nr_softirq_chains, kmm_nr_process_chains;

static unsigned long stack_trace[MAX_STACK_TRACE_ENTRIES];
unsigned long kmm_nr_stack_trace_entries;
static struct lock_trace *stack_trace_hash[STACK_TRACE_HASH_SIZE];

unsigned int kmm_max_lockdep_depth, kmm_max_bfs_queue_depth;
struct lockdep_stats kmm_lockdep_stats;
/* Chain hits happen on every cached acquire: count them per CPU slot. */
#define HIT_SLOTS 64
static struct { unsigned long n; char pad[56]; } chain_hits[HIT_SLOTS];

__thread struct irqtrace_stamps kmm_irqtrace;
/* The return address into the lock primitive: traces start there. */
static __thread unsigned long trace_anchor;

static atomic_flag graph_lock_flag = ATOMIC_FLAG_INIT;

/* ---- locks ---------------------------------------------------------- */

void kmm_lockdep_graph_lock_raw(void)
{
	unsigned int spins = 0;

	while (atomic_flag_test_and_set_explicit(&graph_lock_flag, memory_order_acquire)) {
		if (++spins < 128)
			cpu_relax();
		else
			sched_yield();
	}
}

void kmm_lockdep_graph_unlock_raw(void)
{
	atomic_flag_clear_explicit(&graph_lock_flag, memory_order_release);
}

/* ---- hashing -------------------------------------------------------- */

static inline u32 rol32(u32 w, unsigned int s)
{
	return (w << s) | (w >> ((-s) & 31));
}

/* Bob Jenkins' lookup3 mix (public domain), as the kernel's chain keys. */
#define jhash_mix(a, b, c) do {				\
	a -= c; a ^= rol32(c, 4);  c += b;		\
	b -= a; b ^= rol32(a, 6);  a += c;		\
	c -= b; c ^= rol32(b, 8);  b += a;		\
	a -= c; a ^= rol32(c, 16); c += b;		\
	b -= a; b ^= rol32(a, 19); a += c;		\
	c -= b; c ^= rol32(b, 4);  b += a;		\
} while (0)

static inline u64 iterate_chain_key(u64 key, u32 idx)
{
	u32 k0 = (u32)key, k1 = (u32)(key >> 32);

	jhash_mix(idx, k0, k1);
	return k0 | (u64)k1 << 32;
}

static inline unsigned long hash_long(u64 val, unsigned int bits)
{
	return (unsigned long)((val * 0x61C8864680B583EBULL) >> (64 - bits));
}

static inline u16 hlock_id(const struct held_lock *hlock)
{
	return (u16)(hlock->class_idx | (hlock->read << MAX_LOCKDEP_KEYS_BITS));
}

static inline unsigned int chain_hlock_class_idx(u16 hlock_id)
{
	return hlock_id & (MAX_LOCKDEP_KEYS - 1);
}

/* ---- stack traces --------------------------------------------------- */

static u32 trace_hash(const unsigned long *e, unsigned int n)
{
	u64 h = 0xcbf29ce484222325ULL;

	for (unsigned int i = 0; i < n; i++)
		h = (h ^ e[i]) * 0x100000001b3ULL;
	return (u32)(h ^ (h >> 32));
}

/* Under the graph lock.  NULL (and lockdep off) when the table is full. */
const struct lock_trace *kmm_lockdep_save_trace(void)
{
	unsigned long buf[LOCKDEP_TRACE_DEPTH + 24];
	unsigned int n, start = 0;
	unsigned long max_entries;
	struct lock_trace *trace, **bucket;
	u32 hash;

	n = kmm_stack_trace_save(buf, ARRAY_SIZE(buf), 0);
	for (unsigned int i = 0; trace_anchor && i < n; i++) {
		if (buf[i] == trace_anchor) {
			start = i;
			break;
		}
	}
	n -= start;
	if (n > LOCKDEP_TRACE_DEPTH)
		n = LOCKDEP_TRACE_DEPTH;
	max_entries = MAX_STACK_TRACE_ENTRIES - kmm_nr_stack_trace_entries;
	if (max_entries < LOCK_TRACE_SIZE_IN_LONGS + n) {
		if (!debug_locks_off_graph_unlock())
			return NULL;
		kmm_print_lockdep_off("BUG: MAX_STACK_TRACE_ENTRIES too low!");
		kmm_dump_stack();
		return NULL;
	}
	hash = trace_hash(buf + start, n);
	bucket = &stack_trace_hash[hash & (STACK_TRACE_HASH_SIZE - 1)];
	for (trace = *bucket; trace; trace = trace->hash_next)
		if (trace->hash == hash && trace->nr_entries == n &&
		    !memcmp(trace->entries, buf + start, n * sizeof(long)))
			return trace;
	trace = (struct lock_trace *)(stack_trace + kmm_nr_stack_trace_entries);
	trace->hash = hash;
	trace->nr_entries = n;
	memcpy(trace->entries, buf + start, n * sizeof(long));
	kmm_nr_stack_trace_entries += LOCK_TRACE_SIZE_IN_LONGS + n;
	trace->hash_next = *bucket;
	*bucket = trace;
	return trace;
}

/* ---- classes -------------------------------------------------------- */

static inline struct lock_class **classhashentry(const void *key)
{
	return classhash_table + hash_long((unsigned long)key, CLASSHASH_BITS);
}

static const struct lockdep_subclass_key *map_key(const struct lockdep_map *lock,
						  unsigned int subclass)
{
	/* A map without a key is its own key (the kernel's static objects). */
	const struct lock_class_key *k = lock->key ? lock->key : (const void *)lock;

	return k->subkeys + subclass;
}

static struct lock_class *look_up_lock_class(const struct lockdep_map *lock,
					     unsigned int subclass)
{
	const struct lockdep_subclass_key *key;
	struct lock_class *class;

	/* Never locked if it has no key yet. */
	if (unlikely(!lock->key))
		return NULL;
	key = map_key(lock, subclass);
	for (class = __atomic_load_n(classhashentry(key), __ATOMIC_ACQUIRE); class;
	     class = __atomic_load_n(&class->hash_next, __ATOMIC_ACQUIRE))
		if (class->key == key)
			return class;
	return NULL;
}

/* The "#N" of a class whose name another key's class already uses. */
static int count_matching_names(struct lock_class *new_class)
{
	int count = 0;

	if (!new_class->name)
		return 0;
	for (unsigned long i = 0; i < kmm_nr_lock_classes; i++) {
		struct lock_class *class = kmm_lock_classes + i;

		if (class == new_class)
			continue;
		if (new_class->key - new_class->subclass == class->key)
			return class->name_version;
		if (class->name && !strcmp(class->name, new_class->name))
			count = max(count, class->name_version);
	}
	return count + 1;
}

/*
 * Whether obj lies in a loaded object's data (a static or global
 * variable), the userspace counterpart of the kernel's static_obj().
 */
static bool static_obj(const void *obj)
{
	Dl_info info;

	return dladdr(obj, &info) && info.dli_fbase;
}

/* A lock without a key is its own key if it is static (lockdep.c's
 * assign_lock_key()); a dynamic one was never initialised. */
static bool assign_lock_key(struct lockdep_map *lock)
{
	if (static_obj(lock)) {
		lock->key = (void *)lock;
		return true;
	}
	kmm_debug_locks_off();
	if (kmm_debug_locks_silent)
		return false;
	kmm_report_lock();
	pr_err("INFO: trying to register non-static key.\n");
	pr_err("The code is fine but needs lockdep annotation, or maybe\n");
	pr_err("you didn't initialize this object before use?\n");
	pr_err("turning off the locking correctness validator.\n");
	kmm_dump_stack();
	kmm_report_unlock();
	return false;
}

static struct lock_class *register_lock_class(struct lockdep_map *lock,
					      unsigned int subclass, int force)
{
	const struct lockdep_subclass_key *key;
	struct lock_class *class, **head;

	if (unlikely(subclass >= MAX_LOCKDEP_SUBCLASSES)) {
		if (kmm_debug_locks_off()) {
			kmm_report_lock();
			printk(KERN_ERR "BUG: looking up invalid subclass: %u\n", subclass);
			printk(KERN_ERR "turning off the locking correctness validator.\n");
			kmm_dump_stack();
			kmm_report_unlock();
		}
		return NULL;
	}
	class = look_up_lock_class(lock, subclass);
	if (likely(class))
		goto out_set_class_cache;
	if (!lock->key && !assign_lock_key(lock))
		return NULL;
	if (!graph_lock())
		return NULL;
	class = look_up_lock_class(lock, subclass);
	if (class) {
		graph_unlock();
		goto out_set_class_cache;
	}
	if (kmm_nr_lock_classes >= MAX_LOCKDEP_KEYS) {
		if (!debug_locks_off_graph_unlock())
			return NULL;
		kmm_report_lock();
		kmm_print_lockdep_off("BUG: MAX_LOCKDEP_KEYS too low!");
		kmm_dump_stack();
		kmm_report_unlock();
		return NULL;
	}
	key = map_key(lock, subclass);
	class = kmm_lock_classes + kmm_nr_lock_classes++;
	memset(class, 0, sizeof(*class));
	class->key = key;
	class->name = lock->name;
	class->subclass = subclass;
	INIT_LIST_HEAD(&class->locks_after);
	INIT_LIST_HEAD(&class->locks_before);
	class->name_version = count_matching_names(class);
	class->wait_type_inner = lock->wait_type_inner;
	class->wait_type_outer = lock->wait_type_outer;
	class->lock_type = lock->lock_type;
	head = classhashentry(key);
	class->hash_next = *head;
	__atomic_store_n(head, class, __ATOMIC_RELEASE);
	graph_unlock();
out_set_class_cache:
	if (!subclass || force)
		__atomic_store_n(&lock->class_cache[0], class, __ATOMIC_RELEASE);
	else if (subclass < NR_LOCKDEP_CACHING_CLASSES)
		__atomic_store_n(&lock->class_cache[subclass], class, __ATOMIC_RELEASE);
	return class;
}

/*
 * Whether class belongs to lock's key.  class_cache[0] may hold any
 * subclass's class (lockdep_set_subclass() puts it there, as the kernel's
 * register_lock_class(..., force)).
 */
static inline bool class_of_map(const struct lock_class *class, const struct lockdep_map *lock)
{
	unsigned long d = (unsigned long)class->key - (unsigned long)map_key(lock, 0);

	return d < MAX_LOCKDEP_SUBCLASSES;
}

static inline struct lock_class *lock_class_of(struct lockdep_map *lock, unsigned int subclass)
{
	struct lock_class *class = NULL;

	if (subclass < NR_LOCKDEP_CACHING_CLASSES) {
		class = __atomic_load_n(&lock->class_cache[subclass], __ATOMIC_ACQUIRE);
		/* A cached class from before a kmm_lockdep_reset() is stale. */
		if (likely(class) && unlikely(!class_of_map(class, lock)))
			class = NULL;
	}
	if (unlikely(!class))
		class = register_lock_class(lock, subclass, 0);
	return class;
}

KMM_API void kmm_lockdep_init_map_type(struct lockdep_map *lock, const char *name,
				       struct lock_class_key *key, int subclass,
				       u8 inner, u8 outer, u8 lock_type)
{
	for (int i = 0; i < NR_LOCKDEP_CACHING_CLASSES; i++)
		lock->class_cache[i] = NULL;
	lock->cpu = raw_smp_processor_id();
	lock->ip = 0;
	if (!name)
		name = "NULL";
	lock->name = name;
	lock->wait_type_outer = outer;
	lock->wait_type_inner = inner;
	lock->lock_type = lock_type;
	lock->key = key;
	/* With a subclass, register it now (lockdep_init_map_type does). */
	if (subclass && key && __atomic_load_n(&kmm_lockdep_hooks_active, __ATOMIC_RELAXED) &&
	    kmm_debug_locks) {
		struct task_struct *curr = current;

		if (curr->lockdep_recursion)
			return;
		curr->lockdep_recursion++;
		register_lock_class(lock, (unsigned int)subclass, 1);
		curr->lockdep_recursion--;
	}
}

KMM_API void kmm_lockdep_set_class_and_subclass(struct lockdep_map *lock,
						struct lock_class_key *key,
						const char *name, unsigned int subclass)
{
	kmm_lockdep_init_map_type(lock, name, key, (int)subclass, lock->wait_type_inner,
				  lock->wait_type_outer, lock->lock_type);
}

/* ---- the chain cache ---------------------------------------------------- */

static inline struct lock_chain **chainhashentry(u64 chain_key)
{
	return chainhash_table + hash_long(chain_key, CHAINHASH_BITS);
}

struct lock_class *kmm_lock_chain_get_class(struct lock_chain *chain, int i)
{
	return kmm_lock_classes + chain_hlock_class_idx(kmm_chain_hlocks[chain->base + i]);
}

static struct lock_chain *lookup_chain_cache(u64 chain_key)
{
	struct lock_chain *chain;

	for (chain = __atomic_load_n(chainhashentry(chain_key), __ATOMIC_ACQUIRE); chain;
	     chain = __atomic_load_n(&chain->hash_next, __ATOMIC_ACQUIRE)) {
		if (chain->chain_key == chain_key) {
			/* A statistic: no locked instruction on the fast path. */
			unsigned long *n = &chain_hits[kmm_arch_getcpu() & (HIT_SLOTS - 1)].n;

			__atomic_store_n(n, __atomic_load_n(n, __ATOMIC_RELAXED) + 1,
					 __ATOMIC_RELAXED);
			return chain;
		}
	}
	return NULL;
}

unsigned long kmm_lockdep_chain_lookup_hits(void);
unsigned long kmm_lockdep_chain_lookup_hits(void)
{
	unsigned long n = 0;

	for (int i = 0; i < HIT_SLOTS; i++)
		n += __atomic_load_n(&chain_hits[i].n, __ATOMIC_RELAXED);
	return n;
}

/* Under the graph lock. */
static int add_chain_cache(struct task_struct *curr, struct held_lock *hlock, u64 chain_key)
{
	struct lock_chain *chain, **head;
	int i, j;

	if (kmm_nr_lock_chains >= MAX_LOCKDEP_CHAINS) {
		if (!debug_locks_off_graph_unlock())
			return 0;
		kmm_report_lock();
		kmm_print_lockdep_off("BUG: MAX_LOCKDEP_CHAINS too low!");
		kmm_dump_stack();
		kmm_report_unlock();
		return 0;
	}
	for (i = curr->lockdep_depth - 1; i >= 0; i--)
		if (curr->held_locks[i].irq_context != hlock->irq_context)
			break;
	i++;
	chain = kmm_lock_chains + kmm_nr_lock_chains;
	chain->depth = (unsigned int)(curr->lockdep_depth + 1 - i);
	if ((unsigned long)kmm_nr_chain_hlocks + chain->depth > MAX_LOCKDEP_CHAIN_HLOCKS) {
		if (!debug_locks_off_graph_unlock())
			return 0;
		kmm_report_lock();
		kmm_print_lockdep_off("BUG: MAX_LOCKDEP_CHAIN_HLOCKS too low!");
		kmm_dump_stack();
		kmm_report_unlock();
		return 0;
	}
	kmm_nr_lock_chains++;
	chain->irq_context = hlock->irq_context;
	chain->chain_key = chain_key;
	chain->base = (unsigned int)kmm_nr_chain_hlocks;
	for (j = 0; j < (int)chain->depth - 1; j++, i++)
		kmm_chain_hlocks[chain->base + j] = hlock_id(curr->held_locks + i);
	kmm_chain_hlocks[chain->base + j] = hlock_id(hlock);
	kmm_nr_chain_hlocks += (int)chain->depth;
	head = chainhashentry(chain_key);
	chain->hash_next = *head;
	__atomic_store_n(head, chain, __ATOMIC_RELEASE);
	debug_atomic_inc(chain_lookup_misses);
	if (hlock->irq_context & LOCK_CHAIN_HARDIRQ_CONTEXT)
		kmm_nr_hardirq_chains++;
	else if (hlock->irq_context & LOCK_CHAIN_SOFTIRQ_CONTEXT)
		kmm_nr_softirq_chains++;
	else
		kmm_nr_process_chains++;
	return 1;
}

/* 1 with the graph lock held: a new chain, validate it.  0: cached (or off). */
static int lookup_chain_cache_add(struct task_struct *curr, struct held_lock *hlock,
				  u64 chain_key)
{
	if (lookup_chain_cache(chain_key))
		return 0;
	if (!graph_lock())
		return 0;
	if (lookup_chain_cache(chain_key)) {
		graph_unlock();
		return 0;
	}
	return add_chain_cache(curr, hlock, chain_key);
}

static int validate_chain(struct task_struct *curr, struct held_lock *hlock,
			  int chain_head, u64 chain_key)
{
	if (!hlock->trylock && hlock->check && lookup_chain_cache_add(curr, hlock, chain_key)) {
		int ret = kmm_lockdep_check_deadlock(curr, hlock);

		if (!ret)
			return 0;
		/* Nested under its nest_lock: no dependency on the same class. */
		if (ret == 2)
			hlock->read = 2;
		if (!chain_head && ret != 2) {
			if (!kmm_lockdep_check_prevs_add(curr, hlock))
				return 0;
		}
		graph_unlock();
	} else if (unlikely(!__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED))) {
		return 0;
	}
	return 1;
}

/* ---- acquire and release ------------------------------------------------ */

static int match_held_lock(const struct held_lock *hlock, const struct lockdep_map *lock)
{
	if (hlock->instance == lock)
		return 1;
	if (hlock->references) {
		const struct lock_class *class =
			__atomic_load_n(&lock->class_cache[0], __ATOMIC_ACQUIRE);

		if (!class || !class_of_map(class, lock))
			class = look_up_lock_class(lock, 0);
		if (!class || !hlock->nest_lock)
			return 0;
		if (hlock->class_idx == class - kmm_lock_classes)
			return 1;
	}
	return 0;
}

struct held_lock *kmm_lockdep_find_held_lock(struct task_struct *curr, struct lockdep_map *lock,
					int depth, int *idx)
{
	struct held_lock *ret, *hlock, *prev_hlock;
	int i = depth - 1;

	hlock = curr->held_locks + i;
	ret = hlock;
	if (match_held_lock(hlock, lock))
		goto out;
	ret = NULL;
	for (i--, prev_hlock = hlock--; i >= 0; i--, prev_hlock = hlock--) {
		/* Never cross into another irq context. */
		if (prev_hlock->irq_context != hlock->irq_context) {
			ret = NULL;
			break;
		}
		if (match_held_lock(hlock, lock)) {
			ret = hlock;
			break;
		}
	}
out:
	*idx = i;
	return ret;
}

static int __lock_is_held(const struct lockdep_map *lock, int read)
{
	struct task_struct *curr = current;

	for (int i = 0; i < curr->lockdep_depth; i++) {
		struct held_lock *hlock = curr->held_locks + i;

		if (match_held_lock(hlock, lock)) {
			if (read == -1 || !!hlock->read == read)
				return 1;
			return 0;
		}
	}
	return 0;
}

/* The usage bits an acquire sets; the slow path only when one is new. */
static inline int mark_usage(struct task_struct *curr, struct held_lock *hlock, int check)
{
	unsigned int needed = hlock->read ? LOCKF_USED_READ : LOCKF_USED;

	if (check) {
		unsigned int r = hlock->read ? 1 : 0;

		if (!hlock->trylock) {
			if (curr->hardirq_context)
				needed |= LOCKF_USED_IN_HARDIRQ << r;
			if (curr->softirq_context)
				needed |= LOCKF_USED_IN_SOFTIRQ << r;
		}
		if (!hlock->hardirqs_off && !hlock->sync) {
			needed |= LOCKF_ENABLED_HARDIRQ << r;
			if (curr->softirqs_enabled)
				needed |= LOCKF_ENABLED_SOFTIRQ << r;
		}
	}
	if (likely((__atomic_load_n(&hlock_class(hlock)->usage_mask, __ATOMIC_RELAXED) &
		    needed) == needed))
		return 1;
	return kmm_lockdep_mark_usage(curr, hlock, check);
}

static inline int task_irq_context(struct task_struct *task)
{
	return LOCK_CHAIN_HARDIRQ_CONTEXT * !!task->hardirq_context +
	       LOCK_CHAIN_SOFTIRQ_CONTEXT * !!task->softirq_context;
}

static int __lock_acquire(struct task_struct *curr, struct lockdep_map *lock,
			  unsigned int subclass, int trylock, int read, int check,
			  int hardirqs_off, struct lockdep_map *nest_lock, unsigned long ip,
			  int references, int pin_count, int sync)
{
	struct lock_class *class;
	struct held_lock *hlock;
	unsigned int depth;
	int chain_head = 0, class_idx;
	u64 chain_key;

	if (unlikely(!__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED)))
		return 0;
	if (!kmm_prove_locking)
		check = 0;
	class = lock_class_of(lock, subclass);
	if (unlikely(!class))
		return 0;
	depth = (unsigned int)curr->lockdep_depth;
	if (unlikely(depth >= MAX_LOCK_DEPTH))
		return 0;
	class_idx = (int)(class - kmm_lock_classes);
	if (depth && !sync) {
		hlock = curr->held_locks + depth - 1;
		if (hlock->class_idx == (unsigned int)class_idx && nest_lock) {
			if (!references)
				references++;
			if (!hlock->references)
				hlock->references++;
			hlock->references += (unsigned int)references;
			return 2;
		}
	}
	hlock = curr->held_locks + depth;
	/* One store of the bit-fields rather than a read-modify-write each. */
	*hlock = (struct held_lock){
		.acquire_ip = ip,
		.instance = lock,
		.nest_lock = nest_lock,
		.holdtime_stamp = kmm_lock_stat ? lockstat_clock() : 0,
		.class_idx = (unsigned int)class_idx,
		.irq_context = (unsigned int)task_irq_context(curr),
		.trylock = !!trylock,
		.read = (unsigned int)read,
		.check = !!check,
		.hardirqs_off = !!hardirqs_off,
		.sync = !!sync,
		.references = (unsigned int)references,
		.pin_count = (unsigned int)pin_count,
	};

	if (!mark_usage(curr, hlock, check))
		return 0;

	chain_key = depth ? curr->curr_chain_key : INITIAL_CHAIN_KEY;
	if (!depth)
		chain_head = 1;
	hlock->prev_chain_key = chain_key;
	if (depth && curr->held_locks[depth - 1].irq_context != hlock->irq_context) {
		chain_key = INITIAL_CHAIN_KEY;
		chain_head = 1;
	}
	chain_key = iterate_chain_key(chain_key, hlock_id(hlock));

	if (nest_lock && !__lock_is_held(nest_lock, -1)) {
		kmm_print_lock_nested_lock_not_held(curr, hlock);
		return 0;
	}
	if (!validate_chain(curr, hlock, chain_head, chain_key))
		return 0;
	if (hlock->sync)
		return 1;
	curr->curr_chain_key = chain_key;
	curr->lockdep_depth++;
	if (unlikely(curr->lockdep_depth >= (int)MAX_LOCK_DEPTH)) {
		kmm_debug_locks_off();
		kmm_report_lock();
		kmm_print_lockdep_off("BUG: MAX_LOCK_DEPTH too low!");
		printk(KERN_DEBUG "depth: %i  max: %lu!\n", curr->lockdep_depth, MAX_LOCK_DEPTH);
		kmm_lockdep_print_held_locks(current);
		kmm_debug_show_all_locks();
		kmm_dump_stack();
		kmm_report_unlock();
		return 0;
	}
	if (unlikely((unsigned int)curr->lockdep_depth >
		     __atomic_load_n(&kmm_max_lockdep_depth, __ATOMIC_RELAXED)))
		__atomic_store_n(&kmm_max_lockdep_depth, (unsigned int)curr->lockdep_depth,
				 __ATOMIC_RELAXED);
	return 1;
}

/* ---- the API -------------------------------------------------------------- */

static int reacquire_held_locks(struct task_struct *curr, int depth, int idx,
				unsigned int *merged)
{
	struct held_lock *hlock;
	int first_idx = idx;

	for (hlock = curr->held_locks + idx; idx < depth; idx++, hlock++) {
		struct held_lock h = *hlock;

		switch (__lock_acquire(curr, h.instance, hlock_class(&h)->subclass, h.trylock,
				       h.read, h.check, h.hardirqs_off, h.nest_lock,
				       h.acquire_ip, h.references, h.pin_count, 0)) {
		case 0:
			return 1;
		case 1:
			break;
		case 2:
			*merged += (idx == first_idx);
			break;
		default:
			return 0;
		}
	}
	return 0;
}

static int __lock_release(struct task_struct *curr, struct lockdep_map *lock, unsigned long ip)
{
	unsigned int merged = 1;
	struct held_lock *hlock;
	int i, depth;

	if (unlikely(!__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED)))
		return 0;
	depth = curr->lockdep_depth;
	if (depth <= 0) {
		kmm_print_unlock_imbalance_bug(curr, lock, ip);
		return 0;
	}
	hlock = kmm_lockdep_find_held_lock(curr, lock, depth, &i);
	if (!hlock) {
		kmm_print_unlock_imbalance_bug(curr, lock, ip);
		return 0;
	}
	if (hlock->instance == lock)
		kmm_lockdep_release_holdtime(hlock);
	WARN(hlock->pin_count, "releasing a pinned lock\n");
	if (hlock->references) {
		hlock->references--;
		if (hlock->references)
			return 1;
	}
	curr->lockdep_depth = i;
	curr->curr_chain_key = hlock->prev_chain_key;
	if (i == depth - 1)
		return 1;
	if (reacquire_held_locks(curr, depth, i + 1, &merged))
		return 0;
	WARN_ON(curr->lockdep_depth != depth - (int)merged && kmm_debug_locks);
	return 0;
}

/* Whether this thread's lock operations are looked at now. */
static inline bool lockdep_enabled_curr(struct task_struct **currp)
{
	struct task_struct *curr;

	if (unlikely(!__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED)))
		return false;
	if (unlikely(!kmm_prove_locking && !kmm_lock_stat))
		return false;
	curr = current;
	if (unlikely(curr->lockdep_recursion))
		return false;
	*currp = curr;
	return true;
}

KMM_API noinline void kmm_lock_acquire(struct lockdep_map *lock, unsigned int subclass,
				       int trylock, int read, int check,
				       struct lockdep_map *nest_lock, unsigned long ip)
{
	struct task_struct *curr;

	if (!lockdep_enabled_curr(&curr))
		return;
	trace_anchor = (unsigned long)__builtin_return_address(0);
	curr->lockdep_recursion++;
	__lock_acquire(curr, lock, subclass, trylock, read, check, !curr->hardirqs_enabled,
		       nest_lock, ip, 0, 0, 0);
	curr->lockdep_recursion--;
}

KMM_API noinline void kmm_lock_release(struct lockdep_map *lock, unsigned long ip)
{
	struct task_struct *curr;

	if (!lockdep_enabled_curr(&curr))
		return;
	trace_anchor = (unsigned long)__builtin_return_address(0);
	curr->lockdep_recursion++;
	__lock_release(curr, lock, ip);
	curr->lockdep_recursion--;
}

KMM_API void kmm_lock_contended(struct lockdep_map *lock, unsigned long ip)
{
	struct task_struct *curr;

	if (!kmm_lock_stat || !lockdep_enabled_curr(&curr))
		return;
	curr->lockdep_recursion++;
	kmm_lockdep_contended(curr, lock, ip);
	curr->lockdep_recursion--;
}

KMM_API void kmm_lock_acquired(struct lockdep_map *lock, unsigned long ip)
{
	struct task_struct *curr;

	if (!kmm_lock_stat || !lockdep_enabled_curr(&curr))
		return;
	curr->lockdep_recursion++;
	kmm_lockdep_acquired(curr, lock, ip);
	curr->lockdep_recursion--;
}

/* 1 held, 0 not held, -1 unknown (lockdep off), as lock_is_held_type(). */
KMM_API int kmm_lock_is_held_type(const struct lockdep_map *lock, int read)
{
	struct task_struct *curr;
	int ret;

	if (!lockdep_enabled_curr(&curr))
		return -1;
	curr->lockdep_recursion++;
	ret = __lock_is_held(lock, read);
	curr->lockdep_recursion--;
	return ret;
}

KMM_API void kmm_lockdep_off(void)
{
	current->lockdep_recursion += LOCKDEP_OFF;
}

KMM_API void kmm_lockdep_on(void)
{
	current->lockdep_recursion -= LOCKDEP_OFF;
}

KMM_API bool kmm_lockdep_enabled(void)
{
	return kmm_prove_locking && __atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED);
}

static inline int not_in_range(const void *mem_from, unsigned long mem_len,
			       const void *lock_from, unsigned long lock_len)
{
	return (const char *)lock_from + lock_len <= (const char *)mem_from ||
	       (const char *)mem_from + mem_len <= (const char *)lock_from;
}

KMM_API void kmm_debug_check_no_locks_freed(const void *mem_from, unsigned long mem_len)
{
	struct task_struct *curr;

	if (!lockdep_enabled_curr(&curr))
		return;
	for (int i = 0; i < curr->lockdep_depth; i++) {
		struct held_lock *hlock = curr->held_locks + i;

		if (not_in_range(mem_from, mem_len, hlock->instance, sizeof(*hlock->instance)))
			continue;
		curr->lockdep_recursion++;
		kmm_print_freed_lock_bug(curr, mem_from, (const char *)mem_from + mem_len, hlock);
		curr->lockdep_recursion--;
		break;
	}
}

KMM_API void kmm_debug_check_no_locks_held(void)
{
	if (unlikely(current->lockdep_depth > 0))
		kmm_print_held_locks_bug();
}

/* ---- boot parameters and reset ---------------------------------------------- */

static void update_hooks(void)
{
	__atomic_store_n(&kmm_lockdep_hooks_active, kmm_prove_locking || kmm_lock_stat,
			 __ATOMIC_RELAXED);
}

static int setup_lockdep(char *val)
{
	bool on;

	if (!val || kmm_kstrtobool(val, &on))
		return -EINVAL;
	kmm_prove_locking = on;
	update_hooks();
	return 0;
}
__setup("lockdep", setup_lockdep);

static int setup_lock_stat(char *val)
{
	bool on;

	if (!val || kmm_kstrtobool(val, &on))
		return -EINVAL;
	kmm_lock_stat = on;
	update_hooks();
	return 0;
}
__setup("lock_stat", setup_lock_stat);

/*
 * Forget every class, dependency, chain and trace (kmm can; the kernel
 * cannot): each kmm_init() starts with empty tables and lock debugging on.
 * The caller makes sure no thread holds or takes a lock meanwhile.
 */
void kmm_lockdep_reset(void);
void kmm_lockdep_reset(void)
{
	kmm_lockdep_graph_lock_raw();
	memset(classhash_table, 0, sizeof(classhash_table));
	memset(chainhash_table, 0, sizeof(chainhash_table));
	memset(stack_trace_hash, 0, sizeof(stack_trace_hash));
	/* Old class-cache pointers must not match a new class: clear keys. */
	for (unsigned long i = 0; i < kmm_nr_lock_classes; i++)
		kmm_lock_classes[i].key = NULL;
	kmm_nr_lock_classes = 0;
	kmm_nr_list_entries = 0;
	kmm_nr_lock_chains = 0;
	kmm_nr_chain_hlocks = 0;
	kmm_nr_stack_trace_entries = 0;
	kmm_nr_hardirq_chains = kmm_nr_softirq_chains = kmm_nr_process_chains = 0;
	kmm_max_lockdep_depth = kmm_max_bfs_queue_depth = 0;
	memset(&kmm_lockdep_stats, 0, sizeof(kmm_lockdep_stats));
	for (int i = 0; i < HIT_SLOTS; i++)
		__atomic_store_n(&chain_hits[i].n, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&kmm_debug_locks, 1, __ATOMIC_SEQ_CST);
	kmm_lockdep_graph_unlock_raw();
	/* The booting thread's stack may hold what a report left behind. */
	current->lockdep_depth = 0;
	current->curr_chain_key = INITIAL_CHAIN_KEY;
}

static void lockdep_param_defaults(void)
{
	kmm_prove_locking = 0;
	kmm_lock_stat = 0;
	update_hooks();
	kmm_lockdep_reset();
}
param_defaults(lockdep_param_defaults);
