/* SPDX-License-Identifier: MIT */
/*
 * lockdep's tables, shared by lockdep.c (the validator), lockdep_report.c
 * (the reports) and lockdep_proc.c (the views).  Hidden.
 *
 * The limits are Linux 6.12's defaults (kernel/locking/lockdep_internals.h
 * with CONFIG_LOCKDEP_BITS=15, CONFIG_LOCKDEP_CHAINS_BITS=16,
 * CONFIG_LOCKDEP_STACK_TRACE_BITS=19, CONFIG_LOCKDEP_STACK_TRACE_HASH_BITS=14).
 * Every table is a static array: lockdep never allocates.
 */
#ifndef KMM_LOCKDEP_INTERNALS_H
#define KMM_LOCKDEP_INTERNALS_H

#include <kmm/lockdep.h>
#include <kmm/sched.h>
#include <kmm/list.h>
#include <kmm/panic.h>
#include <stdio.h>

u64 kmm_boot_nsecs(void);

#define MAX_LOCKDEP_KEYS_BITS		13
#define MAX_LOCKDEP_KEYS		(1UL << MAX_LOCKDEP_KEYS_BITS)
#define MAX_LOCKDEP_ENTRIES		(1UL << 15)
#define MAX_LOCKDEP_CHAINS_BITS		16
#define MAX_LOCKDEP_CHAINS		(1UL << MAX_LOCKDEP_CHAINS_BITS)
#define MAX_LOCKDEP_CHAIN_HLOCKS	(MAX_LOCKDEP_CHAINS * 5)
#define MAX_STACK_TRACE_ENTRIES		(1UL << 19)
#define STACK_TRACE_HASH_SIZE		(1 << 14)
#define CLASSHASH_BITS			(MAX_LOCKDEP_KEYS_BITS - 1)
#define CLASSHASH_SIZE			(1UL << CLASSHASH_BITS)
#define CHAINHASH_BITS			(MAX_LOCKDEP_CHAINS_BITS - 1)
#define CHAINHASH_SIZE			(1UL << CHAINHASH_BITS)
#define MAX_CIRCULAR_QUEUE_SIZE		(1UL << 12)
#define LOCKDEP_TRACE_DEPTH		32	/* frames kept per trace */

#define INITIAL_CHAIN_KEY		(~0ULL)
#define LOCK_CHAIN_SOFTIRQ_CONTEXT	1
#define LOCK_CHAIN_HARDIRQ_CONTEXT	2

/* Usage bits, in lockdep_internals.h's order (two states: HARDIRQ, SOFTIRQ). */
enum lock_usage_bit {
	LOCK_USED_IN_HARDIRQ,
	LOCK_USED_IN_HARDIRQ_READ,
	LOCK_ENABLED_HARDIRQ,
	LOCK_ENABLED_HARDIRQ_READ,
	LOCK_USED_IN_SOFTIRQ,
	LOCK_USED_IN_SOFTIRQ_READ,
	LOCK_ENABLED_SOFTIRQ,
	LOCK_ENABLED_SOFTIRQ_READ,
	LOCK_USED,
	LOCK_USED_READ,
	LOCK_USAGE_STATES,
};
#define LOCK_USAGE_READ_MASK	1
#define LOCK_USAGE_DIR_MASK	2
#define LOCK_USAGE_STATE_MASK	(~(LOCK_USAGE_READ_MASK | LOCK_USAGE_DIR_MASK))
#define LOCK_TRACE_STATES	LOCK_USAGE_STATES
#define LOCK_USAGE_CHARS	(2 * 2 + 1)

#define LOCKF_USED_IN_HARDIRQ		(1U << LOCK_USED_IN_HARDIRQ)
#define LOCKF_USED_IN_HARDIRQ_READ	(1U << LOCK_USED_IN_HARDIRQ_READ)
#define LOCKF_ENABLED_HARDIRQ		(1U << LOCK_ENABLED_HARDIRQ)
#define LOCKF_ENABLED_HARDIRQ_READ	(1U << LOCK_ENABLED_HARDIRQ_READ)
#define LOCKF_USED_IN_SOFTIRQ		(1U << LOCK_USED_IN_SOFTIRQ)
#define LOCKF_USED_IN_SOFTIRQ_READ	(1U << LOCK_USED_IN_SOFTIRQ_READ)
#define LOCKF_ENABLED_SOFTIRQ		(1U << LOCK_ENABLED_SOFTIRQ)
#define LOCKF_ENABLED_SOFTIRQ_READ	(1U << LOCK_ENABLED_SOFTIRQ_READ)
#define LOCKF_USED			(1U << LOCK_USED)
#define LOCKF_USED_READ			(1U << LOCK_USED_READ)
#define LOCKF_USED_IN_IRQ	(LOCKF_USED_IN_HARDIRQ | LOCKF_USED_IN_SOFTIRQ)
#define LOCKF_ENABLED_IRQ	(LOCKF_ENABLED_HARDIRQ | LOCKF_ENABLED_SOFTIRQ)
#define LOCKF_USED_IN_IRQ_READ	(LOCKF_USED_IN_HARDIRQ_READ | LOCKF_USED_IN_SOFTIRQ_READ)
#define LOCKF_ENABLED_IRQ_READ	(LOCKF_ENABLED_HARDIRQ_READ | LOCKF_ENABLED_SOFTIRQ_READ)
#define LOCKF_IRQ		(LOCKF_ENABLED_IRQ | LOCKF_USED_IN_IRQ)

/* Dependency types: S (recursive reader) or E (other) -> R or N. */
#define DEP_SR_BIT 0
#define DEP_ER_BIT 1
#define DEP_SN_BIT 2
#define DEP_EN_BIT 3
#define DEP_SR_MASK (1U << DEP_SR_BIT)
#define DEP_ER_MASK (1U << DEP_ER_BIT)
#define DEP_SN_MASK (1U << DEP_SN_BIT)
#define DEP_EN_MASK (1U << DEP_EN_BIT)

struct lock_trace {
	struct lock_trace *hash_next;
	u32 hash;
	u32 nr_entries;
	unsigned long entries[];
};
#define LOCK_TRACE_SIZE_IN_LONGS \
	(sizeof(struct lock_trace) / sizeof(unsigned long))

/* lock_stat's per-class numbers (include/linux/lockdep.h). */
#define LOCKSTAT_POINTS 4
struct lock_time {
	s64 min, max, total;
	unsigned long nr;
};
enum bounce_type {
	bounce_acquired_write,
	bounce_acquired_read,
	bounce_contended_write,
	bounce_contended_read,
	nr_bounce_types,
};
struct lock_class_stats {
	unsigned long contention_point[LOCKSTAT_POINTS];
	unsigned long contending_point[LOCKSTAT_POINTS];
	struct lock_time read_waittime, write_waittime;
	struct lock_time read_holdtime, write_holdtime;
	unsigned long bounces[nr_bounce_types];
};

struct lock_class {
	struct lock_class *hash_next;		/* published with release */
	const struct lockdep_subclass_key *key;
	unsigned int subclass;
	unsigned int dep_gen_id;
	unsigned int usage_mask;
	const struct lock_trace *usage_traces[LOCK_TRACE_STATES];
	struct list_head locks_after, locks_before;
	u8 wait_type_inner, wait_type_outer, lock_type;
	int name_version;
	const char *name;
	unsigned long contention_point[LOCKSTAT_POINTS];
	unsigned long contending_point[LOCKSTAT_POINTS];
	struct lock_class_stats stats;		/* under the stats lock */
};

struct lock_list {
	struct list_head entry;
	struct lock_class *class;
	struct lock_class *links_to;
	const struct lock_trace *trace;
	u16 distance;
	u8 dep;
	u8 only_xr;
	struct lock_list *parent;		/* BFS */
};

struct lock_chain {
	unsigned int irq_context:2, depth:6, base:24;
	struct lock_chain *hash_next;		/* published with release */
	u64 chain_key;
};

/* Tables (lockdep.c). */
extern struct lock_class kmm_lock_classes[MAX_LOCKDEP_KEYS];
extern unsigned long kmm_nr_lock_classes;
extern unsigned long kmm_nr_list_entries;
extern struct lock_chain kmm_lock_chains[MAX_LOCKDEP_CHAINS];
extern unsigned long kmm_nr_lock_chains;
extern int kmm_nr_chain_hlocks;
extern u16 kmm_chain_hlocks[MAX_LOCKDEP_CHAIN_HLOCKS];
extern unsigned long kmm_nr_stack_trace_entries;
extern unsigned int kmm_nr_hardirq_chains, kmm_nr_softirq_chains, kmm_nr_process_chains;
extern unsigned int kmm_max_lockdep_depth, kmm_max_bfs_queue_depth;
extern int kmm_lock_stat;

/* Debug counters (CONFIG_DEBUG_LOCKDEP's debug_atomic_*). */
struct lockdep_stats {
	unsigned long chain_lookup_hits, chain_lookup_misses;
	unsigned long nr_cyclic_checks, nr_redundant_checks, nr_redundant;
	unsigned long nr_find_usage_forwards_checks, nr_find_usage_backwards_checks;
	unsigned long hardirqs_on_events, hardirqs_off_events;
	unsigned long redundant_hardirqs_on, redundant_hardirqs_off;
	unsigned long softirqs_on_events, softirqs_off_events;
	unsigned long redundant_softirqs_on, redundant_softirqs_off;
};
extern struct lockdep_stats kmm_lockdep_stats;
#define debug_atomic_inc(name) \
	__atomic_fetch_add(&kmm_lockdep_stats.name, 1, __ATOMIC_RELAXED)
#define debug_atomic_read(name) \
	__atomic_load_n(&kmm_lockdep_stats.name, __ATOMIC_RELAXED)

/* The graph lock (an atomic flag, never a kmm lock). */
void kmm_lockdep_graph_lock_raw(void);
void kmm_lockdep_graph_unlock_raw(void);

static inline int graph_lock(void)
{
	kmm_lockdep_graph_lock_raw();
	if (!__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED)) {
		kmm_lockdep_graph_unlock_raw();
		return 0;
	}
	return 1;
}

static inline void graph_unlock(void)
{
	kmm_lockdep_graph_unlock_raw();
}

/* Turn lockdep off and drop the graph lock: 1 if the caller should report. */
static inline int debug_locks_off_graph_unlock(void)
{
	int ret = kmm_debug_locks_off();

	kmm_lockdep_graph_unlock_raw();
	return ret;
}

static inline u64 lockstat_clock(void)
{
	return kmm_boot_nsecs();
}

static inline struct lock_class *hlock_class(const struct held_lock *hlock)
{
	return kmm_lock_classes + hlock->class_idx;
}

/* Per-thread irq event stamps for print_irqtrace_events (lockdep.c). */
struct irqtrace_stamps {
	unsigned int hardirq_enable_event, hardirq_disable_event;
	unsigned int softirq_enable_event, softirq_disable_event;
};
extern __thread struct irqtrace_stamps kmm_irqtrace;
extern int kmm_prove_locking;		/* lockdep=on */

/* The graph and the usage bits (lockdep_graph.c). */
int kmm_lockdep_mark_usage(struct task_struct *curr, struct held_lock *hlock, int check);
int kmm_lockdep_mark_held_locks(struct task_struct *curr, int base_bit);
int kmm_lockdep_check_deadlock(struct task_struct *curr, struct held_lock *next);
int kmm_lockdep_check_prevs_add(struct task_struct *curr, struct held_lock *next);
struct held_lock *kmm_lockdep_find_held_lock(struct task_struct *curr, struct lockdep_map *lock,
					     int depth, int *idx);

/* lock_stat (lockdep_stat.c). */
void kmm_lockdep_release_holdtime(struct held_lock *hlock);
void kmm_lockdep_contended(struct task_struct *curr, struct lockdep_map *lock, unsigned long ip);
void kmm_lockdep_acquired(struct task_struct *curr, struct lockdep_map *lock, unsigned long ip);

/* lockdep.c helpers used by the views. */
unsigned long kmm_lockdep_count_forward_deps(struct lock_class *class);
unsigned long kmm_lockdep_count_backward_deps(struct lock_class *class);
struct lock_class *kmm_lock_chain_get_class(struct lock_chain *chain, int i);
void kmm_lock_stats(struct lock_class *class, struct lock_class_stats *out);
void kmm_clear_lock_stats(struct lock_class *class);

/* Reports (lockdep_report.c). */
extern const char *const kmm_usage_str[LOCK_USAGE_STATES + 1];
void kmm_get_usage_chars(struct lock_class *class, char usage[LOCK_USAGE_CHARS]);
void kmm_print_lockdep_off(const char *bug_msg);
void kmm_lockdep_print_held_locks(struct task_struct *p);
void kmm_print_lock(struct held_lock *hlock);
void kmm_print_deadlock_bug(struct task_struct *curr, struct held_lock *prev,
			    struct held_lock *next);
void kmm_print_circular_bug(struct lock_list *root, struct lock_list *target,
			    struct held_lock *check_src, struct held_lock *check_tgt);
void kmm_print_unlock_imbalance_bug(struct task_struct *curr, struct lockdep_map *lock,
				    unsigned long ip);
void kmm_print_freed_lock_bug(struct task_struct *curr, const void *mem_from,
			      const void *mem_to, struct held_lock *hlock);
void kmm_print_held_locks_bug(void);
void kmm_print_usage_bug(struct task_struct *curr, struct held_lock *this,
			 enum lock_usage_bit prev_bit, enum lock_usage_bit new_bit);
void kmm_print_irq_inversion_bug(struct task_struct *curr, struct lock_list *root,
				 struct lock_list *other, struct held_lock *this,
				 int forwards, const char *irqclass);
void kmm_print_bad_irq_dependency(struct task_struct *curr, struct lock_list *prev_root,
				  struct lock_list *next_root, struct lock_list *backwards_entry,
				  struct lock_list *forwards_entry, struct held_lock *prev,
				  struct held_lock *next, int bit1, int bit2,
				  const char *irqclass);
void kmm_print_lock_nested_lock_not_held(struct task_struct *curr, struct held_lock *hlock);
void kmm_print_bfs_bug(int ret);
int kmm_lockdep_get_lock_depth(struct lock_list *child);
const struct lock_trace *kmm_lockdep_save_trace(void);
void kmm_print_name(FILE *f, struct lock_class *class);

#endif /* KMM_LOCKDEP_INTERNALS_H */
