// SPDX-License-Identifier: MIT
/*
 * lockdep's dependency graph (Linux 6.12 kernel/locking/lockdep.c): the
 * forward (locks_after) and backward (locks_before) lists, the
 * breadth-first search with the kernel's circular queue and its
 * "strong path" rule for recursive readers, the circular-dependency,
 * recursive-locking and irq-usage checks, and the usage bits.
 *
 * Locking: everything here runs under the graph lock; a report drops it
 * (debug_locks_off_graph_unlock()) before printing.
 */
#define _GNU_SOURCE
#include "locking/lockdep_internals.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>
#include <string.h>

static struct lock_list list_entries[MAX_LOCKDEP_ENTRIES];
unsigned long kmm_nr_list_entries;
static unsigned int lockdep_dependency_gen_id;

/* ---- dependency lists and BFS ----------------------------------------- */

static struct lock_list *alloc_list_entry(void)
{
	if (kmm_nr_list_entries >= MAX_LOCKDEP_ENTRIES) {
		if (!debug_locks_off_graph_unlock())
			return NULL;
		kmm_report_lock();
		kmm_print_lockdep_off("BUG: MAX_LOCKDEP_ENTRIES too low!");
		kmm_dump_stack();
		kmm_report_unlock();
		return NULL;
	}
	return list_entries + kmm_nr_list_entries++;
}

static int add_lock_to_list(struct lock_class *this, struct lock_class *links_to,
			    struct list_head *head, u16 distance, u8 dep,
			    const struct lock_trace *trace)
{
	struct lock_list *entry = alloc_list_entry();

	if (!entry)
		return 0;
	entry->class = this;
	entry->links_to = links_to;
	entry->dep = dep;
	entry->distance = distance;
	entry->trace = trace;
	list_add_tail(&entry->entry, head);
	return 1;
}

enum bfs_result {
	BFS_EINVALIDNODE = -2,
	BFS_EQUEUEFULL = -1,
	BFS_RMATCH = 0,
	BFS_RNOMATCH = 1,
};

static inline bool bfs_error(enum bfs_result res)
{
	return res < 0;
}

struct circular_queue {
	struct lock_list *element[MAX_CIRCULAR_QUEUE_SIZE];
	unsigned int front, rear;
};
static struct circular_queue lock_cq;
#define CQ_MASK (MAX_CIRCULAR_QUEUE_SIZE - 1)

static inline void __cq_init(struct circular_queue *cq)
{
	cq->front = cq->rear = 0;
	lockdep_dependency_gen_id++;
}

static inline int __cq_enqueue(struct circular_queue *cq, struct lock_list *elem)
{
	if (((cq->rear + 1) & CQ_MASK) == cq->front)
		return -1;
	cq->element[cq->rear] = elem;
	cq->rear = (cq->rear + 1) & CQ_MASK;
	return 0;
}

static inline struct lock_list *__cq_dequeue(struct circular_queue *cq)
{
	struct lock_list *lock;

	if (cq->front == cq->rear)
		return NULL;
	lock = cq->element[cq->front];
	cq->front = (cq->front + 1) & CQ_MASK;
	return lock;
}

static inline unsigned int __cq_get_elem_count(struct circular_queue *cq)
{
	return (cq->rear - cq->front) & CQ_MASK;
}

static inline struct list_head *get_dep_list(struct lock_list *lock, int forward)
{
	return forward ? &lock->class->locks_after : &lock->class->locks_before;
}

/* The next sibling of lock in its parent's list (the queue holds only the
 * first entry of each list). */
static inline struct lock_list *__bfs_next(struct lock_list *lock, int forward)
{
	struct list_head *head;

	if (!lock || !lock->parent)
		return NULL;
	head = get_dep_list(lock->parent, forward);
	if (lock->entry.next == head)
		return NULL;
	return list_entry(lock->entry.next, struct lock_list, entry);
}

static enum bfs_result __bfs(struct lock_list *source_entry, void *data,
			     bool (*match)(struct lock_list *entry, void *data),
			     bool (*skip)(struct lock_list *entry, void *data),
			     struct lock_list **target_entry, int forward)
{
	struct circular_queue *cq = &lock_cq;
	struct lock_list *lock = NULL, *entry;
	struct list_head *head;
	unsigned int cq_depth;
	bool first;

	__cq_init(cq);
	__cq_enqueue(cq, source_entry);

	while ((lock = __bfs_next(lock, forward)) || (lock = __cq_dequeue(cq))) {
		if (!lock->class)
			return BFS_EINVALIDNODE;
		/* Step 1: each class's list is expanded once. */
		if (lock->class->dep_gen_id == lockdep_dependency_gen_id)
			continue;
		lock->class->dep_gen_id = lockdep_dependency_gen_id;
		/* Step 2: does the edge into lock extend a strong path? */
		if (lock->parent) {
			u8 dep = lock->dep;

			/* -(*R)-> -(S*)-> is not a strong dependency. */
			if (lock->parent->only_xr)
				dep &= ~(DEP_SR_MASK | DEP_SN_MASK);
			if (!dep)
				continue;
			lock->only_xr = !(dep & (DEP_SN_MASK | DEP_EN_MASK));
		}
		/* Step 3: skip or match. */
		if (skip && skip(lock, data))
			continue;
		if (match(lock, data)) {
			*target_entry = lock;
			return BFS_RMATCH;
		}
		/* Step 4: expand; only the first entry of the list is queued. */
		first = true;
		head = get_dep_list(lock, forward);
		list_for_each_entry(entry, head, entry) {
			entry->parent = lock;
			if (!first)
				continue;
			first = false;
			if (__cq_enqueue(cq, entry))
				return BFS_EQUEUEFULL;
			cq_depth = __cq_get_elem_count(cq);
			if (kmm_max_bfs_queue_depth < cq_depth)
				kmm_max_bfs_queue_depth = cq_depth;
		}
	}
	return BFS_RNOMATCH;
}

static inline void __bfs_init_root(struct lock_list *lock, struct lock_class *class)
{
	memset(lock, 0, sizeof(*lock));
	lock->class = class;
}

/* Forward searches start "read-only" for a recursive reader, backward
 * ones for any reader (lockdep.c's bfs_init_root/bfs_init_rootb). */
static inline void bfs_init_root(struct lock_list *lock, struct held_lock *hlock)
{
	__bfs_init_root(lock, hlock_class(hlock));
	lock->only_xr = (hlock->read == 2);
}

static inline void bfs_init_rootb(struct lock_list *lock, struct held_lock *hlock)
{
	__bfs_init_root(lock, hlock_class(hlock));
	lock->only_xr = (hlock->read != 0);
}

int kmm_lockdep_get_lock_depth(struct lock_list *child)
{
	int depth = 0;

	while ((child = child->parent))
		depth++;
	return depth;
}

static bool noop_count(struct lock_list *entry, void *data)
{
	(*(unsigned long *)data)++;
	return false;
}

static unsigned long count_deps(struct lock_class *class, int forward)
{
	struct lock_list this, *target_entry;
	unsigned long count = 0;

	__bfs_init_root(&this, class);
	__bfs(&this, &count, noop_count, NULL, &target_entry, forward);
	return count;
}

unsigned long kmm_lockdep_count_forward_deps(struct lock_class *class)
{
	unsigned long ret;

	kmm_lockdep_graph_lock_raw();
	ret = count_deps(class, 1);
	kmm_lockdep_graph_unlock_raw();
	return ret;
}

unsigned long kmm_lockdep_count_backward_deps(struct lock_class *class)
{
	unsigned long ret;

	kmm_lockdep_graph_lock_raw();
	ret = count_deps(class, 0);
	kmm_lockdep_graph_unlock_raw();
	return ret;
}

/* ---- the circular check --------------------------------------------- */

/* prev -> next: S/E for prev (recursive reader or not), R/N for next. */
static inline u8 __calc_dep_bit(struct held_lock *prev, struct held_lock *next)
{
	return (u8)((prev->read == 0) + ((next->read != 2) << 1));
}

static inline u8 calc_dep(struct held_lock *prev, struct held_lock *next)
{
	return (u8)(1U << __calc_dep_bit(prev, next));
}

/* The same dependency seen from next's backward list. */
static inline u8 __calc_dep_bitb(struct held_lock *prev, struct held_lock *next)
{
	return (u8)((next->read != 2) + ((prev->read == 0) << 1));
}

static inline u8 calc_depb(struct held_lock *prev, struct held_lock *next)
{
	return (u8)(1U << __calc_dep_bitb(prev, next));
}

/* Found next -> ... -> prev: a deadlock unless both ends are recursive. */
static bool hlock_conflict(struct lock_list *entry, void *data)
{
	struct held_lock *hlock = data;

	return hlock_class(hlock) == entry->class &&
	       (hlock->read == 0 || !entry->only_xr);
}

static bool usage_skip(struct lock_list *entry, void *mask)
{
	return entry->class->lock_type != LD_LOCK_NORMAL;
}

static enum bfs_result check_noncircular(struct held_lock *src, struct held_lock *target,
					 const struct lock_trace **trace)
{
	struct lock_list src_entry, *target_entry = NULL;
	enum bfs_result ret;

	bfs_init_root(&src_entry, src);
	debug_atomic_inc(nr_cyclic_checks);
	ret = __bfs(&src_entry, target, hlock_conflict, NULL, &target_entry, 1);
	if (unlikely(ret == BFS_RMATCH)) {
		if (!*trace) {
			*trace = kmm_lockdep_save_trace();
			if (!*trace)
				return BFS_EQUEUEFULL;
		}
		src_entry.trace = *trace;
		if (debug_locks_off_graph_unlock() && !kmm_debug_locks_silent)
			kmm_print_circular_bug(&src_entry, target_entry, src, target);
	} else if (unlikely(bfs_error(ret))) {
		if (debug_locks_off_graph_unlock())
			kmm_print_bfs_bug(ret);
	}
	return ret;
}

/* ---- irq usage -------------------------------------------------------- */

static inline int exclusive_bit(int new_bit)
{
	int state = new_bit & LOCK_USAGE_STATE_MASK;
	int dir = new_bit & LOCK_USAGE_DIR_MASK;

	return state | (dir ^ LOCK_USAGE_DIR_MASK);
}

static const char *const state_names[] = { "HARDIRQ", "SOFTIRQ" };
static const char *const state_rnames[] = { "HARDIRQ-READ", "SOFTIRQ-READ" };

static inline const char *state_name(int bit)
{
	if (bit & LOCK_USAGE_READ_MASK)
		return state_rnames[bit >> LOCK_USAGE_DIR_MASK];
	return state_names[bit >> LOCK_USAGE_DIR_MASK];
}

static bool usage_match(struct lock_list *entry, void *mask)
{
	unsigned int m = *(unsigned int *)mask;

	if (!entry->only_xr)
		return entry->class->usage_mask & m;
	return (entry->class->usage_mask & LOCKF_IRQ) & m;
}

/* Under the graph lock; a report drops it. */
static int valid_state(struct task_struct *curr, struct held_lock *this,
		       int new_bit, int bad_bit)
{
	if (unlikely(hlock_class(this)->usage_mask & (1U << bad_bit))) {
		graph_unlock();
		kmm_print_usage_bug(curr, this, bad_bit, new_bit);
		return 0;
	}
	return 1;
}

static int check_usage_dir(struct task_struct *curr, struct held_lock *this,
			   int bit, int forwards)
{
	int read_bit = bit + LOCK_USAGE_READ_MASK;
	unsigned int usage_mask = (1U << bit) | (1U << read_bit);
	struct lock_list root, *target_entry = NULL;
	enum bfs_result ret;

	if (forwards) {
		bfs_init_root(&root, this);
		debug_atomic_inc(nr_find_usage_forwards_checks);
	} else {
		bfs_init_rootb(&root, this);
		debug_atomic_inc(nr_find_usage_backwards_checks);
	}
	ret = __bfs(&root, &usage_mask, usage_match, usage_skip, &target_entry, forwards);
	if (bfs_error(ret)) {
		if (debug_locks_off_graph_unlock())
			kmm_print_bfs_bug(ret);
		return 0;
	}
	if (ret == BFS_RNOMATCH)
		return 1;
	root.trace = kmm_lockdep_save_trace();
	if (!root.trace)
		return 0;
	if (!debug_locks_off_graph_unlock() || kmm_debug_locks_silent)
		return 0;
	kmm_print_irq_inversion_bug(curr, &root, target_entry, this, forwards,
				    state_name(target_entry->class->usage_mask & (1U << bit) ?
					       bit : read_bit));
	return 0;
}

#define LOCKF_ENABLED_IRQ_ALL	(LOCKF_ENABLED_IRQ | LOCKF_ENABLED_IRQ_READ)
#define LOCKF_USED_IN_IRQ_ALL	(LOCKF_USED_IN_IRQ | LOCKF_USED_IN_IRQ_READ)
#define LOCKF_IRQ_READ		(LOCKF_ENABLED_IRQ_READ | LOCKF_USED_IN_IRQ_READ)

static bool usage_accumulate(struct lock_list *entry, void *mask)
{
	if (!entry->only_xr)
		*(unsigned int *)mask |= entry->class->usage_mask;
	else	/* read usages do not count on a -(*R)-> path */
		*(unsigned int *)mask |= entry->class->usage_mask & LOCKF_IRQ;
	return false;
}

/* USED_IN <-> ENABLED, keeping the state. */
static unsigned int invert_dir_mask(unsigned int mask)
{
	unsigned int excl = 0;

	excl |= (mask & LOCKF_ENABLED_IRQ_ALL) >> LOCK_USAGE_DIR_MASK;
	excl |= (mask & LOCKF_USED_IN_IRQ_ALL) << LOCK_USAGE_DIR_MASK;
	return excl;
}

/* Reads and writes of the other direction all conflict (lockdep.c's
 * exclusive_mask() and original_mask() compute the same). */
static unsigned int exclusive_mask(unsigned int mask)
{
	unsigned int excl = invert_dir_mask(mask);

	excl |= (excl & LOCKF_IRQ_READ) >> LOCK_USAGE_READ_MASK;
	excl |= (excl & LOCKF_IRQ) << LOCK_USAGE_READ_MASK;
	return excl;
}

static int find_exclusive_match(unsigned int mask, unsigned int excl_mask,
				int *bitp, int *excl_bitp)
{
	for (int bit = 0; bit < LOCK_USED; bit++) {
		int excl = exclusive_bit(bit), excl_read = excl | LOCK_USAGE_READ_MASK;

		if (!(mask & (1U << bit)))
			continue;
		if (excl_mask & (1U << excl)) {
			*bitp = bit;
			*excl_bitp = excl;
			return 0;
		} else if (excl_mask & (1U << excl_read)) {
			*bitp = bit;
			*excl_bitp = excl_read;
			return 0;
		}
	}
	return -1;
}

/*
 * Does the new prev -> next connect an irq-safe lock (anywhere behind
 * prev) with an irq-unsafe one (anywhere after next)?  Under the graph
 * lock; a report drops it.
 */
static int check_irq_usage(struct task_struct *curr, struct held_lock *prev,
			   struct held_lock *next)
{
	unsigned int usage_mask = 0, forward_mask, backward_mask;
	int forward_bit = 0, backward_bit = 0;
	struct lock_list *target_entry1 = NULL, *target_entry = NULL;
	struct lock_list this, that;
	enum bfs_result ret;

	bfs_init_rootb(&this, prev);
	ret = __bfs(&this, &usage_mask, usage_accumulate, usage_skip, &target_entry, 0);
	if (bfs_error(ret))
		goto bfs_bug;
	usage_mask &= LOCKF_USED_IN_IRQ_ALL;
	if (!usage_mask)
		return 1;

	forward_mask = exclusive_mask(usage_mask);
	bfs_init_root(&that, next);
	debug_atomic_inc(nr_find_usage_forwards_checks);
	ret = __bfs(&that, &forward_mask, usage_match, usage_skip, &target_entry1, 1);
	if (bfs_error(ret))
		goto bfs_bug;
	if (ret == BFS_RNOMATCH)
		return 1;

	backward_mask = exclusive_mask(target_entry1->class->usage_mask & LOCKF_ENABLED_IRQ_ALL);
	debug_atomic_inc(nr_find_usage_backwards_checks);
	ret = __bfs(&this, &backward_mask, usage_match, usage_skip, &target_entry, 0);
	if (bfs_error(ret))
		goto bfs_bug;
	if (ret == BFS_RNOMATCH)
		return 1;
	if (find_exclusive_match(target_entry->class->usage_mask,
				 target_entry1->class->usage_mask, &backward_bit, &forward_bit))
		return 1;
	that.trace = kmm_lockdep_save_trace();
	if (!that.trace)
		return 0;
	if (debug_locks_off_graph_unlock() && !kmm_debug_locks_silent)
		kmm_print_bad_irq_dependency(curr, &this, &that, target_entry, target_entry1,
					     prev, next, backward_bit, forward_bit,
					     state_name(backward_bit));
	return 0;
bfs_bug:
	if (debug_locks_off_graph_unlock())
		kmm_print_bfs_bug(ret);
	return 0;
}

static int mark_lock_irq(struct task_struct *curr, struct held_lock *this, int new_bit)
{
	int excl_bit = exclusive_bit(new_bit);
	int read = new_bit & LOCK_USAGE_READ_MASK;
	int dir = new_bit & LOCK_USAGE_DIR_MASK;

	if (!valid_state(curr, this, new_bit, excl_bit))
		return 0;
	if (!read && !valid_state(curr, this, new_bit, excl_bit + LOCK_USAGE_READ_MASK))
		return 0;
	/* ENABLED looks backwards for USED_IN, USED_IN forwards for ENABLED. */
	return check_usage_dir(curr, this, excl_bit, !dir);
}

static int mark_lock(struct task_struct *curr, struct held_lock *this, int new_bit)
{
	struct lock_class *class = hlock_class(this);
	unsigned int new_mask;

	if (new_bit == LOCK_USED && this->read)
		new_bit = LOCK_USED_READ;
	new_mask = 1U << new_bit;
	if (likely(__atomic_load_n(&class->usage_mask, __ATOMIC_RELAXED) & new_mask))
		return 1;
	if (!graph_lock())
		return 0;
	if (unlikely(class->usage_mask & new_mask))
		goto unlock;
	if (!(class->usage_traces[new_bit] = kmm_lockdep_save_trace()))
		return 0;
	__atomic_store_n(&class->usage_mask, class->usage_mask | new_mask, __ATOMIC_RELAXED);
	if (new_bit < LOCK_USED) {
		if (!mark_lock_irq(curr, this, new_bit))
			return 0;
	}
unlock:
	graph_unlock();
	return 1;
}

int kmm_lockdep_mark_usage(struct task_struct *curr, struct held_lock *hlock, int check)
{
	if (!check)
		goto lock_used;
	if (!hlock->trylock) {
		if (hlock->read) {
			if (curr->hardirq_context &&
			    !mark_lock(curr, hlock, LOCK_USED_IN_HARDIRQ_READ))
				return 0;
			if (curr->softirq_context &&
			    !mark_lock(curr, hlock, LOCK_USED_IN_SOFTIRQ_READ))
				return 0;
		} else {
			if (curr->hardirq_context && !mark_lock(curr, hlock, LOCK_USED_IN_HARDIRQ))
				return 0;
			if (curr->softirq_context && !mark_lock(curr, hlock, LOCK_USED_IN_SOFTIRQ))
				return 0;
		}
	}
	if (!hlock->hardirqs_off && !hlock->sync) {
		if (hlock->read) {
			if (!mark_lock(curr, hlock, LOCK_ENABLED_HARDIRQ_READ))
				return 0;
			if (curr->softirqs_enabled &&
			    !mark_lock(curr, hlock, LOCK_ENABLED_SOFTIRQ_READ))
				return 0;
		} else {
			if (!mark_lock(curr, hlock, LOCK_ENABLED_HARDIRQ))
				return 0;
			if (curr->softirqs_enabled && !mark_lock(curr, hlock, LOCK_ENABLED_SOFTIRQ))
				return 0;
		}
	}
lock_used:
	return mark_lock(curr, hlock, LOCK_USED);
}

/* Mark every held lock (of the process context) as taken with irqs on. */
int kmm_lockdep_mark_held_locks(struct task_struct *curr, int base_bit)
{
	for (int i = 0; i < curr->lockdep_depth; i++) {
		struct held_lock *hlock = curr->held_locks + i;
		int hlock_bit = base_bit;

		if (hlock->read)
			hlock_bit += LOCK_USAGE_READ_MASK;
		if (!hlock->check)
			continue;
		if (!mark_lock(curr, hlock, hlock_bit))
			return 0;
	}
	return 1;
}

/* ---- dependencies ------------------------------------------------------ */

static int check_prev_add(struct task_struct *curr, struct held_lock *prev,
			  struct held_lock *next, u16 distance,
			  const struct lock_trace **trace)
{
	struct lock_class *pc = hlock_class(prev), *nc = hlock_class(next);
	struct lock_list *entry;
	enum bfs_result ret;

	/* Would <prev> -> <next> close a cycle? */
	ret = check_noncircular(next, prev, trace);
	if (unlikely(bfs_error(ret) || ret == BFS_RMATCH))
		return 0;
	if (!check_irq_usage(curr, prev, next))
		return 0;
	/* Already there: merge the dependency type. */
	list_for_each_entry(entry, &pc->locks_after, entry) {
		if (entry->class == nc) {
			if (distance == 1)
				entry->distance = 1;
			entry->dep |= calc_dep(prev, next);
			list_for_each_entry(entry, &nc->locks_before, entry) {
				if (entry->class == pc) {
					if (distance == 1)
						entry->distance = 1;
					entry->dep |= calc_depb(prev, next);
					return 1;
				}
			}
		}
	}
	if (!*trace) {
		*trace = kmm_lockdep_save_trace();
		if (!*trace)
			return 0;
	}
	if (!add_lock_to_list(nc, pc, &pc->locks_after, distance, calc_dep(prev, next), *trace))
		return 0;
	if (!add_lock_to_list(pc, nc, &nc->locks_before, distance, calc_depb(prev, next), *trace))
		return 0;
	return 2;
}

int kmm_lockdep_check_prevs_add(struct task_struct *curr, struct held_lock *next)
{
	const struct lock_trace *trace = NULL;
	int depth = curr->lockdep_depth;
	struct held_lock *hlock;

	if (!depth)
		return 1;
	if (curr->held_locks[depth].irq_context != curr->held_locks[depth - 1].irq_context)
		return 1;
	for (;;) {
		u16 distance = (u16)(curr->lockdep_depth - depth + 1);

		hlock = curr->held_locks + depth - 1;
		if (hlock->check) {
			if (!check_prev_add(curr, hlock, next, distance, &trace))
				return 0;
			/* Trylocks before this one are connected through it. */
			if (!hlock->trylock)
				break;
		}
		depth--;
		if (!depth)
			break;
		if (curr->held_locks[depth].irq_context != curr->held_locks[depth - 1].irq_context)
			break;
	}
	return 1;
}

/* 0: report printed, 1: fine, 2: nested under nest_lock (treat as read). */
int kmm_lockdep_check_deadlock(struct task_struct *curr, struct held_lock *next)
{
	struct held_lock *prev, *nest = NULL;

	for (int i = 0; i < curr->lockdep_depth; i++) {
		prev = curr->held_locks + i;
		if (prev->instance == next->nest_lock)
			nest = prev;
		if (hlock_class(prev) != hlock_class(next))
			continue;
		/* read_lock(l) after read_lock(l) is fine for recursive readers. */
		if (next->read == 2 && prev->read)
			continue;
		if (nest)
			return 2;
		if (debug_locks_off_graph_unlock() && !kmm_debug_locks_silent)
			kmm_print_deadlock_bug(curr, prev, next);
		return 0;
	}
	return 1;
}
