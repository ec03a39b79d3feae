// SPDX-License-Identifier: MIT
/*
 * lockdep's reports, line for line in the formats of Linux 6.12's
 * kernel/locking/lockdep.c: the held-lock lines (" #0: <addr> (name){+.+.}-{3:3},
 * at: func+0x1c/0x80"), "possible recursive locking detected", "possible
 * circular locking dependency detected" with the chain in reverse order,
 * "inconsistent lock state", "possible irq lock inversion dependency
 * detected", "bad unlock balance detected!", "held lock freed!", "... still
 * has locks held!", the "Possible unsafe locking scenario" tables and the
 * "turning off the locking correctness validator." lines.
 *
 * Every report runs after debug_locks_off() said this is the first one,
 * under kmm_report_lock() so that it is not interleaved with another.
 */
#define _GNU_SOURCE
#include "locking/lockdep_internals.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>
#include <kmm/smp.h>
#include <string.h>

const char *const kmm_usage_str[LOCK_USAGE_STATES + 1] = {
	[LOCK_USED_IN_HARDIRQ]		= "IN-HARDIRQ-W",
	[LOCK_ENABLED_HARDIRQ]		= "HARDIRQ-ON-W",
	[LOCK_USED_IN_HARDIRQ_READ]	= "IN-HARDIRQ-R",
	[LOCK_ENABLED_HARDIRQ_READ]	= "HARDIRQ-ON-R",
	[LOCK_USED_IN_SOFTIRQ]		= "IN-SOFTIRQ-W",
	[LOCK_ENABLED_SOFTIRQ]		= "SOFTIRQ-ON-W",
	[LOCK_USED_IN_SOFTIRQ_READ]	= "IN-SOFTIRQ-R",
	[LOCK_ENABLED_SOFTIRQ_READ]	= "SOFTIRQ-ON-R",
	[LOCK_USED]			= "INITIAL USE",
	[LOCK_USED_READ]		= "INITIAL READ USE",
	[LOCK_USAGE_STATES]		= "IN-NMI",
};

/* '.' unused, '-' used in irq, '+' taken with irqs on, '?' both. */
static char get_usage_char(struct lock_class *class, int bit)
{
	unsigned int mask = __atomic_load_n(&class->usage_mask, __ATOMIC_RELAXED);
	char c = '.';

	if (mask & (1U << (bit + LOCK_USAGE_DIR_MASK)))
		c = '+';
	if (mask & (1U << bit)) {
		c = '-';
		if (mask & (1U << (bit + LOCK_USAGE_DIR_MASK)))
			c = '?';
	}
	return c;
}

void kmm_get_usage_chars(struct lock_class *class, char usage[LOCK_USAGE_CHARS])
{
	int i = 0;

	usage[i++] = get_usage_char(class, LOCK_USED_IN_HARDIRQ);
	usage[i++] = get_usage_char(class, LOCK_USED_IN_HARDIRQ_READ);
	usage[i++] = get_usage_char(class, LOCK_USED_IN_SOFTIRQ);
	usage[i++] = get_usage_char(class, LOCK_USED_IN_SOFTIRQ_READ);
	usage[i] = '\0';
}

/* A class without a name is named by its key's symbol, as %ps. */
static const char *key_name(const void *key, char *str)
{
	char *plus;

	kmm_sprint_symbol(str, (unsigned long)key);
	plus = strchr(str, '+');
	if (plus)
		*plus = '\0';
	return str;
}

static void __print_lock_name(struct held_lock *hlock, struct lock_class *class)
{
	char str[KSYM_SYMBOL_LEN];
	const char *name = class->name;

	(void)hlock;
	if (!name) {
		pr_cont("%s", key_name(class->key, str));
		return;
	}
	pr_cont("%s", name);
	if (class->name_version > 1)
		pr_cont("#%d", class->name_version);
	if (class->subclass)
		pr_cont("/%d", class->subclass);
}

static void print_lock_name(struct held_lock *hlock, struct lock_class *class)
{
	char usage[LOCK_USAGE_CHARS];

	kmm_get_usage_chars(class, usage);
	pr_cont(" (");
	__print_lock_name(hlock, class);
	pr_cont("){%s}-{%d:%d}", usage,
		class->wait_type_outer ? class->wait_type_outer : class->wait_type_inner,
		class->wait_type_inner);
}

/* The views' version (lockdep_proc.c's print_name). */
void kmm_print_name(FILE *f, struct lock_class *class)
{
	char str[KSYM_SYMBOL_LEN];

	if (!class->name) {
		fprintf(f, "%s", key_name(class->key, str));
		return;
	}
	fprintf(f, "%s", class->name);
	if (class->name_version > 1)
		fprintf(f, "#%d", class->name_version);
	if (class->subclass)
		fprintf(f, "/%d", class->subclass);
}

static void print_lockdep_cache(struct lockdep_map *lock)
{
	char str[KSYM_SYMBOL_LEN];
	const char *name = lock->name;

	if (!name)
		name = key_name(lock->key ? (const void *)lock->key : (const void *)lock, str);
	pr_cont("%s", name);
}

void kmm_print_lock(struct held_lock *hlock)
{
	char sym[KSYM_SYMBOL_LEN];

	pr_cont("%016lx", (unsigned long)hlock->instance);
	print_lock_name(hlock, hlock_class(hlock));
	kmm_sprint_symbol(sym, hlock->acquire_ip);
	pr_cont(", at: %s\n", sym);
}

static void print_ip_sym(const char *loglvl, unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN];

	kmm_sprint_symbol(sym, ip);
	printk("%s[<%016lx>] %s\n", loglvl, ip, sym);
}

static void print_kernel_ident(void)
{
	printk("%s %s %s\n", KMM_RELEASE, "#1", kmm_print_tainted());
}

void kmm_print_lockdep_off(const char *bug_msg)
{
	printk(KERN_DEBUG "%s\n", bug_msg);
	printk(KERN_DEBUG "turning off the locking correctness validator.\n");
	if (kmm_lock_stat)
		printk(KERN_DEBUG "Please attach the output of /proc/lock_stat to the bug report\n");
}

static void print_lock_trace(const struct lock_trace *trace, int spaces)
{
	if (trace)
		kmm_stack_trace_print(trace->entries, trace->nr_entries, spaces);
}

void kmm_lockdep_print_held_locks(struct task_struct *p)
{
	int depth = __atomic_load_n(&p->lockdep_depth, __ATOMIC_RELAXED);

	if (!depth)
		printk("no locks held by %s/%d.\n", p->comm, (int)p->pid);
	else
		printk("%d lock%s held by %s/%d:\n", depth, depth > 1 ? "s" : "",
		       p->comm, (int)p->pid);
	for (int i = 0; i < depth; i++) {
		printk(" #%d: ", i);
		kmm_print_lock(p->held_locks + i);
	}
}

static void show_one(struct task_struct *t, void *arg)
{
	(void)arg;
	if (!__atomic_load_n(&t->lockdep_depth, __ATOMIC_RELAXED))
		return;
	kmm_lockdep_print_held_locks(t);
}

KMM_API void kmm_debug_show_all_locks(void)
{
	if (unlikely(!kmm_debug_locks)) {
		pr_warn("INFO: lockdep is turned off.\n");
		return;
	}
	kmm_report_lock();
	pr_warn("\nShowing all locks held in the system:\n");
	kmm_for_each_task(show_one, NULL);
	pr_warn("\n");
	pr_warn("=============================================\n\n");
	kmm_report_unlock();
}

KMM_API void kmm_debug_show_held_locks(void)
{
	if (unlikely(!kmm_debug_locks)) {
		printk("INFO: lockdep is turned off.\n");
		return;
	}
	kmm_report_lock();
	kmm_lockdep_print_held_locks(current);
	kmm_report_unlock();
}

/* ---- recursive locking -------------------------------------------------- */

static void print_deadlock_scenario(struct held_lock *nxt, struct held_lock *prv)
{
	printk(" Possible unsafe locking scenario:\n\n");
	printk("       CPU0\n");
	printk("       ----\n");
	printk("  lock(");
	__print_lock_name(prv, hlock_class(prv));
	pr_cont(");\n");
	printk("  lock(");
	__print_lock_name(nxt, hlock_class(nxt));
	pr_cont(");\n");
	printk("\n *** DEADLOCK ***\n\n");
	printk(" May be due to missing lock nesting notation\n\n");
}

void kmm_print_deadlock_bug(struct task_struct *curr, struct held_lock *prev,
			    struct held_lock *next)
{
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("============================================\n");
	pr_warn("WARNING: possible recursive locking detected\n");
	print_kernel_ident();
	pr_warn("--------------------------------------------\n");
	pr_warn("%s/%d is trying to acquire lock:\n", curr->comm, (int)curr->pid);
	kmm_print_lock(next);
	pr_warn("\nbut task is already holding lock:\n");
	kmm_print_lock(prev);
	pr_warn("\nother info that might help us debug this:\n");
	print_deadlock_scenario(next, prev);
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

/* ---- circular dependency ----------------------------------------------- */

static void print_circular_bug_entry(struct lock_list *target, int depth)
{
	printk("\n-> #%u", depth);
	print_lock_name(NULL, target->class);
	pr_cont(":\n");
	print_lock_trace(target->trace, 6);
}

static void print_circular_lock_scenario(struct held_lock *src, struct held_lock *tgt,
					 struct lock_list *prt)
{
	struct lock_class *source = hlock_class(src);
	struct lock_class *target = hlock_class(tgt);
	struct lock_class *parent = prt->class;

	/*
	 * A direct locking problem where unsafe_class lock is taken directly
	 * by safe_class lock prints the two-lock table; a longer chain first
	 * names the three classes the table uses.
	 */
	if (parent != source) {
		printk("Chain exists of:\n  ");
		__print_lock_name(src, source);
		pr_cont(" --> ");
		__print_lock_name(NULL, parent);
		pr_cont(" --> ");
		__print_lock_name(tgt, target);
		pr_cont("\n\n");
	}
	printk(" Possible unsafe locking scenario:\n\n");
	printk("       CPU0                    CPU1\n");
	printk("       ----                    ----\n");
	printk(tgt->read ? "  rlock(" : "  lock(");
	__print_lock_name(tgt, target);
	pr_cont(");\n");
	printk("                               lock(");
	__print_lock_name(NULL, parent);
	pr_cont(");\n");
	printk("                               lock(");
	__print_lock_name(tgt, target);
	pr_cont(");\n");
	printk(src->read ? "  rlock(" : src->sync ? "  sync(" : "  lock(");
	__print_lock_name(src, source);
	pr_cont(");\n");
	printk("\n *** DEADLOCK ***\n\n");
}

void kmm_print_circular_bug(struct lock_list *root, struct lock_list *target,
			    struct held_lock *check_src, struct held_lock *check_tgt)
{
	struct task_struct *curr = current;
	struct lock_list *parent, *first_parent;
	int depth = kmm_lockdep_get_lock_depth(target);

	(void)root;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("======================================================\n");
	pr_warn("WARNING: possible circular locking dependency detected\n");
	print_kernel_ident();
	pr_warn("------------------------------------------------------\n");
	pr_warn("%s/%d is trying to acquire lock:\n", curr->comm, (int)curr->pid);
	kmm_print_lock(check_src);
	pr_warn("\nbut task is already holding lock:\n");
	kmm_print_lock(check_tgt);
	pr_warn("\nwhich lock already depends on the new lock.\n\n");
	pr_warn("\nthe existing dependency chain (in reverse order) is:\n");
	print_circular_bug_entry(target, depth);
	parent = target->parent;
	first_parent = parent;
	while (parent) {
		print_circular_bug_entry(parent, --depth);
		parent = parent->parent;
	}
	printk("\nother info that might help us debug this:\n\n");
	print_circular_lock_scenario(check_src, check_tgt, first_parent);
	kmm_lockdep_print_held_locks(curr);
	printk("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

void kmm_print_bfs_bug(int ret)
{
	/* Not a real deadlock: the BFS itself ran out of room. */
	WARN(1, "lockdep bfs error:%d\n", ret);
}

/* ---- irq state ------------------------------------------------------------ */

void kmm_print_irqtrace_events(struct task_struct *curr);
void kmm_print_irqtrace_events(struct task_struct *curr)
{
	char sym[KSYM_SYMBOL_LEN];

	printk("irq event stamp: %u\n", curr->irq_events);
	kmm_sprint_symbol(sym, curr->hardirq_enable_ip);
	printk("hardirqs last  enabled at (%u): [<%016lx>] %s\n",
	       kmm_irqtrace.hardirq_enable_event, curr->hardirq_enable_ip, sym);
	kmm_sprint_symbol(sym, curr->hardirq_disable_ip);
	printk("hardirqs last disabled at (%u): [<%016lx>] %s\n",
	       kmm_irqtrace.hardirq_disable_event, curr->hardirq_disable_ip, sym);
	kmm_sprint_symbol(sym, curr->softirq_enable_ip);
	printk("softirqs last  enabled at (%u): [<%016lx>] %s\n",
	       kmm_irqtrace.softirq_enable_event, curr->softirq_enable_ip, sym);
	kmm_sprint_symbol(sym, curr->softirq_disable_ip);
	printk("softirqs last disabled at (%u): [<%016lx>] %s\n",
	       kmm_irqtrace.softirq_disable_event, curr->softirq_disable_ip, sym);
}

static void print_usage_bug_scenario(struct held_lock *lock)
{
	struct lock_class *class = hlock_class(lock);

	printk(" Possible unsafe locking scenario:\n\n");
	printk("       CPU0\n");
	printk("       ----\n");
	printk("  lock(");
	__print_lock_name(lock, class);
	pr_cont(");\n");
	printk("  <Interrupt>\n");
	printk("    lock(");
	__print_lock_name(lock, class);
	pr_cont(");\n");
	printk("\n *** DEADLOCK ***\n\n");
}

void kmm_print_usage_bug(struct task_struct *curr, struct held_lock *this,
			 enum lock_usage_bit prev_bit, enum lock_usage_bit new_bit)
{
	if (!kmm_debug_locks_off() || kmm_debug_locks_silent)
		return;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("================================\n");
	pr_warn("WARNING: inconsistent lock state\n");
	print_kernel_ident();
	pr_warn("--------------------------------\n");
	pr_warn("inconsistent {%s} -> {%s} usage.\n",
		kmm_usage_str[prev_bit], kmm_usage_str[new_bit]);
	pr_warn("%s/%d [HC%u[%u]:SC%u[%u]:HE%u:SE%u] takes:\n",
		curr->comm, (int)curr->pid,
		!!curr->hardirq_context, !!curr->hardirq_context,
		!!curr->softirq_context, !!curr->softirq_context,
		!!curr->hardirqs_enabled, !!curr->softirqs_enabled);
	kmm_print_lock(this);
	pr_warn("{%s} state was registered at:\n", kmm_usage_str[prev_bit]);
	print_lock_trace(hlock_class(this)->usage_traces[prev_bit], 1);
	kmm_print_irqtrace_events(curr);
	pr_warn("\nother info that might help us debug this:\n");
	print_usage_bug_scenario(this);
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

static void print_irq_lock_scenario(struct lock_list *safe_entry,
				    struct lock_list *unsafe_entry,
				    struct lock_class *prev_class,
				    struct lock_class *next_class)
{
	struct lock_class *safe_class = safe_entry->class;
	struct lock_class *unsafe_class = unsafe_entry->class;
	struct lock_class *middle_class = prev_class;

	if (middle_class == safe_class)
		middle_class = next_class;
	if (middle_class != unsafe_class) {
		printk("Chain exists of:\n  ");
		__print_lock_name(NULL, safe_class);
		pr_cont(" --> ");
		__print_lock_name(NULL, middle_class);
		pr_cont(" --> ");
		__print_lock_name(NULL, unsafe_class);
		pr_cont("\n\n");
	}
	printk(" Possible interrupt unsafe locking scenario:\n\n");
	printk("       CPU0                    CPU1\n");
	printk("       ----                    ----\n");
	printk("  lock(");
	__print_lock_name(NULL, unsafe_class);
	pr_cont(");\n");
	printk("                               local_irq_disable();\n");
	printk("                               lock(");
	__print_lock_name(NULL, safe_class);
	pr_cont(");\n");
	printk("                               lock(");
	__print_lock_name(NULL, middle_class);
	pr_cont(");\n");
	printk("  <Interrupt>\n");
	printk("    lock(");
	__print_lock_name(NULL, safe_class);
	pr_cont(");\n");
	printk("\n *** DEADLOCK ***\n\n");
}

static void print_lock_class_header(struct lock_class *class, int depth)
{
	printk("%*s->", depth, "");
	print_lock_name(NULL, class);
	pr_cont(" {\n");
	for (int bit = 0; bit < LOCK_TRACE_STATES; bit++) {
		if (class->usage_mask & (1U << bit)) {
			/* Indented by what the kernel's printk() calls returned. */
			int len = depth + depth + 3 + (int)strlen(kmm_usage_str[bit]) + 5;

			printk("%*s   %s", depth, "", kmm_usage_str[bit]);
			pr_cont(" at:\n");
			print_lock_trace(class->usage_traces[bit], len);
		}
	}
	printk("%*s }\n", depth, "");
	{
		char sym[KSYM_SYMBOL_LEN];

		kmm_sprint_symbol(sym, (unsigned long)class->key);
		printk("%*s ... key      at: [<%016lx>] %s\n", depth, "",
		       (unsigned long)class->key, sym);
	}
}

static void print_shortest_lock_dependencies(struct lock_list *leaf, struct lock_list *root)
{
	struct lock_list *entry = leaf;
	int depth = kmm_lockdep_get_lock_depth(leaf);

	do {
		print_lock_class_header(entry->class, depth);
		printk("%*s ... acquired at:\n", depth, "");
		print_lock_trace(entry->trace, 2);
		printk("\n");
		if (depth == 0 && entry != root) {
			printk("lockdep:%s bad path found in chain graph\n", __func__);
			break;
		}
		entry = entry->parent;
		depth--;
	} while (entry && depth >= 0);
}

/* As print_shortest_lock_dependencies(), each edge's trace one line late. */
static void print_shortest_lock_dependencies_backwards(struct lock_list *leaf,
							struct lock_list *root)
{
	struct lock_list *entry = leaf;
	const struct lock_trace *trace = NULL;
	int depth = kmm_lockdep_get_lock_depth(leaf);

	do {
		print_lock_class_header(entry->class, depth);
		if (trace) {
			printk("%*s ... acquired at:\n", depth, "");
			print_lock_trace(trace, 2);
			printk("\n");
		}
		trace = entry->trace;
		if (depth == 0 && entry != root) {
			printk("lockdep:%s bad path found in chain graph\n", __func__);
			break;
		}
		entry = entry->parent;
		depth--;
	} while (entry && depth >= 0);
}

void kmm_print_bad_irq_dependency(struct task_struct *curr, struct lock_list *prev_root,
				  struct lock_list *next_root, struct lock_list *backwards_entry,
				  struct lock_list *forwards_entry, struct held_lock *prev,
				  struct held_lock *next, int bit1, int bit2,
				  const char *irqclass)
{
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("=====================================================\n");
	pr_warn("WARNING: %s-safe -> %s-unsafe lock order detected\n", irqclass, irqclass);
	print_kernel_ident();
	pr_warn("-----------------------------------------------------\n");
	pr_warn("%s/%d [HC%u[%u]:SC%u[%u]:HE%u:SE%u] is trying to acquire:\n",
		curr->comm, (int)curr->pid,
		!!curr->hardirq_context, !!curr->hardirq_context,
		!!curr->softirq_context, !!curr->softirq_context,
		!!curr->hardirqs_enabled, !!curr->softirqs_enabled);
	kmm_print_lock(next);
	pr_warn("\nand this task is already holding:\n");
	kmm_print_lock(prev);
	pr_warn("which would create a new lock dependency:\n");
	print_lock_name(NULL, hlock_class(prev));
	pr_cont(" ->");
	print_lock_name(NULL, hlock_class(next));
	pr_cont("\n");
	pr_warn("\nbut this new dependency connects a %s-irq-safe lock:\n", irqclass);
	print_lock_name(NULL, backwards_entry->class);
	pr_warn("\n... which became %s-irq-safe at:\n", irqclass);
	print_lock_trace(backwards_entry->class->usage_traces[bit1], 1);
	pr_warn("\nto a %s-irq-unsafe lock:\n", irqclass);
	print_lock_name(NULL, forwards_entry->class);
	pr_warn("\n... which became %s-irq-unsafe at:\n", irqclass);
	pr_warn("...");
	print_lock_trace(forwards_entry->class->usage_traces[bit2], 1);
	pr_warn("\nother info that might help us debug this:\n\n");
	print_irq_lock_scenario(backwards_entry, forwards_entry,
				hlock_class(prev), hlock_class(next));
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nthe dependencies between %s-irq-safe lock and the holding lock:\n", irqclass);
	print_shortest_lock_dependencies_backwards(backwards_entry, prev_root);
	pr_warn("\nthe dependencies between the lock to be acquired");
	pr_warn(" and %s-irq-unsafe lock:\n", irqclass);
	print_shortest_lock_dependencies(forwards_entry, next_root);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

void kmm_print_irq_inversion_bug(struct task_struct *curr, struct lock_list *root,
				 struct lock_list *other, struct held_lock *this,
				 int forwards, const char *irqclass)
{
	struct lock_list *entry = other, *middle = NULL;
	int depth;

	kmm_report_lock();
	pr_warn("\n");
	pr_warn("========================================================\n");
	pr_warn("WARNING: possible irq lock inversion dependency detected\n");
	print_kernel_ident();
	pr_warn("--------------------------------------------------------\n");
	pr_warn("%s/%d just changed the state of lock:\n", curr->comm, (int)curr->pid);
	kmm_print_lock(this);
	if (forwards)
		pr_warn("but this lock took another, %s-unsafe lock in the past:\n", irqclass);
	else
		pr_warn("but this lock was taken by another, %s-safe lock in the past:\n", irqclass);
	print_lock_name(NULL, other->class);
	pr_warn("\n\nand interrupts could create inverse lock ordering between them.\n\n");
	pr_warn("\nother info that might help us debug this:\n");

	/* The middle lock of the chain, if there is one. */
	depth = kmm_lockdep_get_lock_depth(other);
	do {
		if (depth == 0 && entry != root) {
			pr_warn("lockdep:%s bad path found in chain graph\n", __func__);
			break;
		}
		middle = entry;
		entry = entry->parent;
		depth--;
	} while (entry && entry != root && depth >= 0);
	if (forwards)
		print_irq_lock_scenario(root, other, middle->class, other->class);
	else
		print_irq_lock_scenario(other, root, middle->class, other->class);

	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nthe shortest dependencies between 2nd lock and 1st lock:\n");
	print_shortest_lock_dependencies(other, root);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

/* ---- balance, frees, exits ---------------------------------------------- */

void kmm_print_unlock_imbalance_bug(struct task_struct *curr, struct lockdep_map *lock,
				    unsigned long ip)
{
	if (!kmm_debug_locks_off() || kmm_debug_locks_silent)
		return;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("=====================================\n");
	pr_warn("WARNING: bad unlock balance detected!\n");
	print_kernel_ident();
	pr_warn("-------------------------------------\n");
	pr_warn("%s/%d is trying to release lock (", curr->comm, (int)curr->pid);
	print_lockdep_cache(lock);
	pr_cont(") at:\n");
	print_ip_sym(KERN_WARNING, ip);
	pr_warn("but there are no more locks to release!\n");
	pr_warn("\nother info that might help us debug this:\n");
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

void kmm_print_freed_lock_bug(struct task_struct *curr, const void *mem_from,
			      const void *mem_to, struct held_lock *hlock)
{
	if (!kmm_debug_locks_off() || kmm_debug_locks_silent)
		return;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("=========================\n");
	pr_warn("WARNING: held lock freed!\n");
	print_kernel_ident();
	pr_warn("-------------------------\n");
	pr_warn("%s/%d is freeing memory %016lx-%016lx, with a lock still held there!\n",
		curr->comm, (int)curr->pid, (unsigned long)mem_from,
		(unsigned long)mem_to - 1);
	kmm_print_lock(hlock);
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

void kmm_print_held_locks_bug(void)
{
	struct task_struct *curr = current;

	if (!kmm_debug_locks_off() || kmm_debug_locks_silent)
		return;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("====================================\n");
	pr_warn("WARNING: %s/%d still has locks held!\n", curr->comm, (int)curr->pid);
	print_kernel_ident();
	pr_warn("------------------------------------\n");
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

KMM_API void kmm_lockdep_sys_exit(void)
{
	struct task_struct *curr = current;

	if (likely(!curr->lockdep_depth))
		return;
	if (!kmm_debug_locks_off())
		return;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("================================================\n");
	pr_warn("WARNING: lock held when returning to user space!\n");
	print_kernel_ident();
	pr_warn("------------------------------------------------\n");
	pr_warn("%s/%d is leaving the kernel with locks still held!\n",
		curr->comm, (int)curr->pid);
	kmm_lockdep_print_held_locks(curr);
	kmm_report_unlock();
}

void kmm_print_lock_nested_lock_not_held(struct task_struct *curr, struct held_lock *hlock)
{
	if (!kmm_debug_locks_off() || kmm_debug_locks_silent)
		return;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("==================================\n");
	pr_warn("WARNING: Nested lock was not taken\n");
	print_kernel_ident();
	pr_warn("----------------------------------\n");
	pr_warn("%s/%d is trying to lock:\n", curr->comm, (int)curr->pid);
	kmm_print_lock(hlock);
	pr_warn("\nbut this task is not holding:\n");
	pr_warn("%s\n", hlock->nest_lock->name);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	pr_warn("\nother info that might help us debug this:\n");
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}
