// SPDX-License-Identifier: MIT
/*
 * lockdep's views, in the formats of Linux 6.12's
 * kernel/locking/lockdep_proc.c: "lockdep" (every class with its forward
 * and backward dependency counts, usage characters and direct
 * dependencies), "lockdep_chains", "lockdep_stats" (with the
 * CONFIG_DEBUG_LOCKDEP counters) and "lock_stat" (lock_stat version 0.4).
 * Pointers print as 16 hex digits (the kernel hashes %p; kmm prints the
 * address).  kmm_lock_stat_reset() is the kernel's "echo 0 > /proc/lock_stat".
 *
 * Locking: the class and chain tables only grow (between resets), so the
 * views read the counts once and walk that many entries; dependency lists
 * are walked under the graph lock.
 */
#define _GNU_SOURCE
#include "locking/lockdep_internals.h"
#include "kernel/internal.h"
#include <kmm/stacktrace.h>
#include <stdlib.h>
#include <string.h>

KMM_LINK_ANCHOR(lockdep_proc);

unsigned long kmm_lockdep_chain_lookup_hits(void);

static unsigned long nr_classes(void)
{
	unsigned long n;

	kmm_lockdep_graph_lock_raw();
	n = kmm_nr_lock_classes;
	kmm_lockdep_graph_unlock_raw();
	return n;
}

static void lockdep_show(FILE *f)
{
	unsigned long n = nr_classes();
	char usage[LOCK_USAGE_CHARS];

	fprintf(f, "all lock classes:\n");
	for (unsigned long i = 0; i < n; i++) {
		struct lock_class *class = kmm_lock_classes + i;
		struct lock_list *entry;

		fprintf(f, "%016lx", (unsigned long)class->key);
		fprintf(f, " FD:%5ld", (long)kmm_lockdep_count_forward_deps(class));
		fprintf(f, " BD:%5ld", (long)kmm_lockdep_count_backward_deps(class));
		kmm_get_usage_chars(class, usage);
		fprintf(f, " %s", usage);
		fprintf(f, ": ");
		kmm_print_name(f, class);
		fputs("\n", f);
		kmm_lockdep_graph_lock_raw();
		list_for_each_entry(entry, &class->locks_after, entry) {
			if (entry->distance == 1) {
				fprintf(f, " -> [%016lx] ", (unsigned long)entry->class->key);
				kmm_print_name(f, entry->class);
				fputs("\n", f);
			}
		}
		kmm_lockdep_graph_unlock_raw();
		fputs("\n", f);
	}
}
KMM_PROC("lockdep", lockdep_show);

static void lockdep_chains_show(FILE *f)
{
	unsigned long n;

	kmm_lockdep_graph_lock_raw();
	n = kmm_nr_lock_chains;
	kmm_lockdep_graph_unlock_raw();
	if ((unsigned long)kmm_nr_chain_hlocks > MAX_LOCKDEP_CHAIN_HLOCKS)
		fprintf(f, "(buggered) ");
	fprintf(f, "all lock chains:\n");
	for (unsigned long c = 0; c < n; c++) {
		struct lock_chain *chain = kmm_lock_chains + c;

		fprintf(f, "irq_context: %d\n", chain->irq_context);
		for (int i = 0; i < (int)chain->depth; i++) {
			struct lock_class *class = kmm_lock_chain_get_class(chain, i);

			if (!class->key)
				continue;
			fprintf(f, "[%016lx] ", (unsigned long)class->key);
			kmm_print_name(f, class);
			fputs("\n", f);
		}
		fputs("\n", f);
	}
}
KMM_PROC("lockdep_chains", lockdep_chains_show);

static void lockdep_stats_debug_show(FILE *f)
{
	fprintf(f, " chain lookup misses:           %11lu\n", debug_atomic_read(chain_lookup_misses));
	fprintf(f, " chain lookup hits:             %11lu\n", kmm_lockdep_chain_lookup_hits());
	fprintf(f, " cyclic checks:                 %11lu\n", debug_atomic_read(nr_cyclic_checks));
	fprintf(f, " redundant checks:              %11lu\n", debug_atomic_read(nr_redundant_checks));
	fprintf(f, " redundant links:               %11lu\n", debug_atomic_read(nr_redundant));
	fprintf(f, " find-mask forwards checks:     %11lu\n",
		debug_atomic_read(nr_find_usage_forwards_checks));
	fprintf(f, " find-mask backwards checks:    %11lu\n",
		debug_atomic_read(nr_find_usage_backwards_checks));
	fprintf(f, " hardirq on events:             %11lu\n", debug_atomic_read(hardirqs_on_events));
	fprintf(f, " hardirq off events:            %11lu\n", debug_atomic_read(hardirqs_off_events));
	fprintf(f, " redundant hardirq ons:         %11lu\n", debug_atomic_read(redundant_hardirqs_on));
	fprintf(f, " redundant hardirq offs:        %11lu\n", debug_atomic_read(redundant_hardirqs_off));
	fprintf(f, " softirq on events:             %11lu\n", debug_atomic_read(softirqs_on_events));
	fprintf(f, " softirq off events:            %11lu\n", debug_atomic_read(softirqs_off_events));
	fprintf(f, " redundant softirq ons:         %11lu\n", debug_atomic_read(redundant_softirqs_on));
	fprintf(f, " redundant softirq offs:        %11lu\n", debug_atomic_read(redundant_softirqs_off));
}

static void lockdep_stats_show(FILE *f)
{
	unsigned long nr_unused = 0, nr_uncategorized = 0,
		      nr_irq_safe = 0, nr_irq_unsafe = 0,
		      nr_softirq_safe = 0, nr_softirq_unsafe = 0,
		      nr_hardirq_safe = 0, nr_hardirq_unsafe = 0,
		      nr_irq_read_safe = 0, nr_irq_read_unsafe = 0,
		      nr_softirq_read_safe = 0, nr_softirq_read_unsafe = 0,
		      nr_hardirq_read_safe = 0, nr_hardirq_read_unsafe = 0,
		      sum_forward_deps = 0;
	unsigned long n = nr_classes(), list_entries, chains, trace_entries;
	unsigned int hardirq_chains, softirq_chains, process_chains;
	int chain_hlocks;

	for (unsigned long i = 0; i < n; i++) {
		struct lock_class *class = kmm_lock_classes + i;
		unsigned int m = __atomic_load_n(&class->usage_mask, __ATOMIC_RELAXED);

		if (m == 0)
			nr_unused++;
		if (m == LOCKF_USED)
			nr_uncategorized++;
		if (m & LOCKF_USED_IN_IRQ)
			nr_irq_safe++;
		if (m & LOCKF_ENABLED_IRQ)
			nr_irq_unsafe++;
		if (m & LOCKF_USED_IN_SOFTIRQ)
			nr_softirq_safe++;
		if (m & LOCKF_ENABLED_SOFTIRQ)
			nr_softirq_unsafe++;
		if (m & LOCKF_USED_IN_HARDIRQ)
			nr_hardirq_safe++;
		if (m & LOCKF_ENABLED_HARDIRQ)
			nr_hardirq_unsafe++;
		if (m & LOCKF_USED_IN_IRQ_READ)
			nr_irq_read_safe++;
		if (m & LOCKF_ENABLED_IRQ_READ)
			nr_irq_read_unsafe++;
		if (m & LOCKF_USED_IN_SOFTIRQ_READ)
			nr_softirq_read_safe++;
		if (m & LOCKF_ENABLED_SOFTIRQ_READ)
			nr_softirq_read_unsafe++;
		if (m & LOCKF_USED_IN_HARDIRQ_READ)
			nr_hardirq_read_safe++;
		if (m & LOCKF_ENABLED_HARDIRQ_READ)
			nr_hardirq_read_unsafe++;
		sum_forward_deps += kmm_lockdep_count_forward_deps(class);
	}
	kmm_lockdep_graph_lock_raw();
	list_entries = kmm_nr_list_entries;
	chains = kmm_nr_lock_chains;
	chain_hlocks = kmm_nr_chain_hlocks;
	trace_entries = kmm_nr_stack_trace_entries;
	hardirq_chains = kmm_nr_hardirq_chains;
	softirq_chains = kmm_nr_softirq_chains;
	process_chains = kmm_nr_process_chains;
	kmm_lockdep_graph_unlock_raw();

	fprintf(f, " lock-classes:                  %11lu [max: %lu]\n", n, MAX_LOCKDEP_KEYS);
	fprintf(f, " direct dependencies:           %11lu [max: %lu]\n",
		list_entries, MAX_LOCKDEP_ENTRIES);
	fprintf(f, " indirect dependencies:         %11lu\n", sum_forward_deps);
	fprintf(f, " all direct dependencies:       %11lu\n",
		nr_irq_unsafe * nr_irq_safe + nr_hardirq_unsafe * nr_hardirq_safe +
		list_entries);
	fprintf(f, " dependency chains:             %11lu [max: %lu]\n", chains, MAX_LOCKDEP_CHAINS);
	fprintf(f, " dependency chain hlocks:       %11d [max: %lu]\n",
		chain_hlocks, MAX_LOCKDEP_CHAIN_HLOCKS);
	fprintf(f, " in-hardirq chains:             %11u\n", hardirq_chains);
	fprintf(f, " in-softirq chains:             %11u\n", softirq_chains);
	fprintf(f, " in-process chains:             %11u\n", process_chains);
	fprintf(f, " stack-trace entries:           %11lu [max: %lu]\n",
		trace_entries, MAX_STACK_TRACE_ENTRIES);
	fprintf(f, " combined max dependencies:     %11u\n",
		(hardirq_chains + 1) * (softirq_chains + 1) * (process_chains + 1));
	fprintf(f, " hardirq-safe locks:            %11lu\n", nr_hardirq_safe);
	fprintf(f, " hardirq-unsafe locks:          %11lu\n", nr_hardirq_unsafe);
	fprintf(f, " softirq-safe locks:            %11lu\n", nr_softirq_safe);
	fprintf(f, " softirq-unsafe locks:          %11lu\n", nr_softirq_unsafe);
	fprintf(f, " irq-safe locks:                %11lu\n", nr_irq_safe);
	fprintf(f, " irq-unsafe locks:              %11lu\n", nr_irq_unsafe);
	fprintf(f, " hardirq-read-safe locks:       %11lu\n", nr_hardirq_read_safe);
	fprintf(f, " hardirq-read-unsafe locks:     %11lu\n", nr_hardirq_read_unsafe);
	fprintf(f, " softirq-read-safe locks:       %11lu\n", nr_softirq_read_safe);
	fprintf(f, " softirq-read-unsafe locks:     %11lu\n", nr_softirq_read_unsafe);
	fprintf(f, " irq-read-safe locks:           %11lu\n", nr_irq_read_safe);
	fprintf(f, " irq-read-unsafe locks:         %11lu\n", nr_irq_read_unsafe);
	fprintf(f, " uncategorized locks:           %11lu\n", nr_uncategorized);
	fprintf(f, " unused locks:                  %11lu\n", nr_unused);
	fprintf(f, " max locking depth:             %11u\n",
		__atomic_load_n(&kmm_max_lockdep_depth, __ATOMIC_RELAXED));
	fprintf(f, " max bfs queue depth:           %11u\n", kmm_max_bfs_queue_depth);
	lockdep_stats_debug_show(f);
	fprintf(f, " debug_locks:                   %11u\n",
		(unsigned int)__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED));
}
KMM_PROC("lockdep_stats", lockdep_stats_show);

/* ---- lock_stat ------------------------------------------------------------ */

struct lock_stat_data {
	struct lock_class *class;
	struct lock_class_stats stats;
};

/* Static, like every lockdep table (the kernel vmallocs it per open). */
static struct lock_stat_data stat_data[MAX_LOCKDEP_KEYS];
static atomic_flag stat_data_lock = ATOMIC_FLAG_INIT;

static int lock_stat_cmp(const void *l, const void *r)
{
	const struct lock_stat_data *dl = l, *dr = r;
	unsigned long nl = dl->stats.read_waittime.nr + dl->stats.write_waittime.nr;
	unsigned long nr = dr->stats.read_waittime.nr + dr->stats.write_waittime.nr;

	return (nr > nl) - (nr < nl);
}

static void seq_line(FILE *f, char c, int offset, int length)
{
	for (int i = 0; i < offset; i++)
		fputc(' ', f);
	for (int i = 0; i < length; i++)
		fputc(c, f);
	fputc('\n', f);
}

static void seq_time(FILE *f, s64 nr)
{
	char num[32];
	s64 div, rem;

	nr += 5;	/* for display rounding */
	div = nr / 1000;
	rem = nr % 1000;
	snprintf(num, sizeof(num), "%lld.%02d", (long long)div, (int)rem / 10);
	fprintf(f, " %14s", num);
}

static void seq_lock_time(FILE *f, struct lock_time *lt)
{
	fprintf(f, "%14lu", lt->nr);
	seq_time(f, lt->min);
	seq_time(f, lt->max);
	seq_time(f, lt->total);
	seq_time(f, lt->nr ? lt->total / (s64)lt->nr : 0);
}

/* snprintf(dst, size, "%s", src) without the truncation warning. */
static void copy_trunc(char *dst, const char *src, size_t size)
{
	size_t l = strnlen(src, size - 1);

	memcpy(dst, src, l);
	dst[l] = '\0';
}

static void seq_stats(FILE *f, struct lock_stat_data *data)
{
	struct lock_class *class = data->class;
	struct lock_class_stats *stats = &data->stats;
	char name[39], str[KSYM_SYMBOL_LEN], suffix[16];
	int i, namelen = 38;

	if (class->name_version > 1)
		namelen -= 2;
	if (class->subclass)
		namelen -= 2;
	if (!class->name && !class->key)
		return;
	if (!class->name) {
		char *plus;

		kmm_sprint_symbol(str, (unsigned long)class->key);
		plus = strchr(str, '+');
		if (plus)
			*plus = '\0';
		copy_trunc(name, str, (size_t)namelen);
	} else {
		copy_trunc(name, class->name, (size_t)namelen);
	}
	namelen = (int)strlen(name);
	/* Two characters each, as the kernel's (versions above 9 truncate). */
	if (class->name_version > 1) {
		snprintf(suffix, sizeof(suffix), "#%d", class->name_version);
		copy_trunc(name + namelen, suffix, 3);
		namelen += 2;
	}
	if (class->subclass) {
		snprintf(suffix, sizeof(suffix), "/%u", class->subclass);
		copy_trunc(name + namelen, suffix, 3);
		namelen += 2;
	}
	if (stats->write_holdtime.nr) {
		if (stats->read_holdtime.nr)
			fprintf(f, "%38s-W:", name);
		else
			fprintf(f, "%40s:", name);
		fprintf(f, "%14lu ", stats->bounces[bounce_contended_write]);
		seq_lock_time(f, &stats->write_waittime);
		fprintf(f, " %14lu ", stats->bounces[bounce_acquired_write]);
		seq_lock_time(f, &stats->write_holdtime);
		fputs("\n", f);
	}
	if (stats->read_holdtime.nr) {
		fprintf(f, "%38s-R:", name);
		fprintf(f, "%14lu ", stats->bounces[bounce_contended_read]);
		seq_lock_time(f, &stats->read_waittime);
		fprintf(f, " %14lu ", stats->bounces[bounce_acquired_read]);
		seq_lock_time(f, &stats->read_holdtime);
		fputs("\n", f);
	}
	if (stats->read_waittime.nr + stats->write_waittime.nr == 0)
		return;
	if (stats->read_holdtime.nr)
		namelen += 2;
	for (i = 0; i < LOCKSTAT_POINTS; i++) {
		char ip[32];

		if (class->contention_point[i] == 0)
			break;
		if (!i)
			seq_line(f, '-', 40 - namelen, namelen);
		snprintf(ip, sizeof(ip), "[<%016lx>]", class->contention_point[i]);
		kmm_sprint_symbol(str, class->contention_point[i]);
		fprintf(f, "%40s %14lu %29s %s\n", name, stats->contention_point[i], ip, str);
	}
	for (i = 0; i < LOCKSTAT_POINTS; i++) {
		char ip[32];

		if (class->contending_point[i] == 0)
			break;
		if (!i)
			seq_line(f, '-', 40 - namelen, namelen);
		snprintf(ip, sizeof(ip), "[<%016lx>]", class->contending_point[i]);
		kmm_sprint_symbol(str, class->contending_point[i]);
		fprintf(f, "%40s %14lu %29s %s\n", name, stats->contending_point[i], ip, str);
	}
	if (i) {
		fputs("\n", f);
		seq_line(f, '.', 0, 40 + 1 + 12 * (14 + 1));
		fputs("\n", f);
	}
}

static void seq_header(FILE *f)
{
	fputs("lock_stat version 0.4\n", f);
	if (unlikely(!kmm_debug_locks))
		fprintf(f, "*WARNING* lock debugging disabled!! - possibly due to a lockdep warning\n");
	seq_line(f, '-', 0, 40 + 1 + 12 * (14 + 1));
	fprintf(f, "%40s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s\n",
		"class name", "con-bounces", "contentions", "waittime-min", "waittime-max",
		"waittime-total", "waittime-avg", "acq-bounces", "acquisitions",
		"holdtime-min", "holdtime-max", "holdtime-total", "holdtime-avg");
	seq_line(f, '-', 0, 40 + 1 + 12 * (14 + 1));
	fprintf(f, "\n");
}

static void lock_stat_show(FILE *f)
{
	unsigned long n = nr_classes();

	while (atomic_flag_test_and_set_explicit(&stat_data_lock, memory_order_acquire))
		;
	for (unsigned long i = 0; i < n; i++) {
		stat_data[i].class = kmm_lock_classes + i;
		kmm_lock_stats(kmm_lock_classes + i, &stat_data[i].stats);
	}
	qsort(stat_data, n, sizeof(stat_data[0]), lock_stat_cmp);
	seq_header(f);
	for (unsigned long i = 0; i < n; i++)
		seq_stats(f, stat_data + i);
	atomic_flag_clear_explicit(&stat_data_lock, memory_order_release);
}
KMM_PROC("lock_stat", lock_stat_show);

/* "echo 0 > /proc/lock_stat": clear every class's statistics. */
KMM_API void kmm_lock_stat_reset(void)
{
	unsigned long n = nr_classes();

	for (unsigned long i = 0; i < n; i++)
		kmm_clear_lock_stats(kmm_lock_classes + i);
}
