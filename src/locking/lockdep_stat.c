// SPDX-License-Identifier: MIT
/*
 * lock_stat (Documentation/locking/lockstat.rst): per-class contention and
 * hold times, for reads and writes apart, the CPU bounces, and the first
 * four contention points and contending points (call sites), as Linux
 * 6.12's kernel/locking/lockdep.c keeps them.  Times are nanoseconds.
 *
 * Locking: the kernel keeps these per CPU; here one flag-based lock (never
 * a kmm lock) protects every class's numbers.
 */
#define _GNU_SOURCE
#include "locking/lockdep_internals.h"
#include "kernel/internal.h"
#include "arch/arch.h"
#include <kmm/smp.h>
#include <kmm/stacktrace.h>
#include <string.h>

static atomic_flag stats_lock = ATOMIC_FLAG_INIT;

static void stats_lock_acquire(void)
{
	while (atomic_flag_test_and_set_explicit(&stats_lock, memory_order_acquire))
		cpu_relax();
}

static void stats_lock_release(void)
{
	atomic_flag_clear_explicit(&stats_lock, memory_order_release);
}

static void lock_time_inc(struct lock_time *lt, s64 time)
{
	if (time > lt->max)
		lt->max = time;
	if (time < lt->min || !lt->nr)
		lt->min = time;
	lt->total += time;
	lt->nr++;
}

static int lock_point(unsigned long points[], unsigned long ip)
{
	int i;

	for (i = 0; i < LOCKSTAT_POINTS; i++) {
		if (points[i] == 0) {
			points[i] = ip;
			break;
		}
		if (points[i] == ip)
			break;
	}
	return i;
}

void kmm_lock_stats(struct lock_class *class, struct lock_class_stats *out)
{
	stats_lock_acquire();
	*out = class->stats;
	stats_lock_release();
}

void kmm_clear_lock_stats(struct lock_class *class)
{
	stats_lock_acquire();
	memset(&class->stats, 0, sizeof(class->stats));
	memset(class->contention_point, 0, sizeof(class->contention_point));
	memset(class->contending_point, 0, sizeof(class->contending_point));
	stats_lock_release();
}

void kmm_lockdep_release_holdtime(struct held_lock *hlock)
{
	s64 holdtime;

	if (!kmm_lock_stat)
		return;
	holdtime = (s64)(lockstat_clock() - hlock->holdtime_stamp);
	stats_lock_acquire();
	if (hlock->read)
		lock_time_inc(&hlock_class(hlock)->stats.read_holdtime, holdtime);
	else
		lock_time_inc(&hlock_class(hlock)->stats.write_holdtime, holdtime);
	stats_lock_release();
}

static void print_lock_contention_bug(struct task_struct *curr, struct lockdep_map *lock,
				      unsigned long ip)
{
	char comm[TASK_COMM_LEN], sym[KSYM_SYMBOL_LEN];

	if (!kmm_debug_locks_off() || kmm_debug_locks_silent)
		return;
	(void)comm;
	kmm_report_lock();
	pr_warn("\n");
	pr_warn("=================================\n");
	pr_warn("WARNING: bad contention detected!\n");
	pr_warn("%s %.*s %s\n", KMM_RELEASE, 2, "#1", kmm_print_tainted());
	pr_warn("---------------------------------\n");
	pr_warn("%s/%d is trying to contend lock (", curr->comm, (int)curr->pid);
	pr_cont("%s", lock->name);
	pr_cont(") at:\n");
	kmm_sprint_symbol(sym, ip);
	pr_warn("[<%016lx>] %s\n", ip, sym);
	pr_warn("but there are no locks held!\n");
	pr_warn("\nother info that might help us debug this:\n");
	kmm_lockdep_print_held_locks(curr);
	pr_warn("\nstack backtrace:\n");
	kmm_dump_stack();
	kmm_report_unlock();
}

void kmm_lockdep_contended(struct task_struct *curr, struct lockdep_map *lock, unsigned long ip)
{
	struct held_lock *hlock;
	int i, contention_point, contending_point, depth = curr->lockdep_depth;

	if (!depth)
		return;
	hlock = kmm_lockdep_find_held_lock(curr, lock, depth, &i);
	if (!hlock) {
		print_lock_contention_bug(curr, lock, ip);
		return;
	}
	if (hlock->instance != lock)
		return;
	hlock->waittime_stamp = lockstat_clock();
	stats_lock_acquire();
	contention_point = lock_point(hlock_class(hlock)->contention_point, ip);
	contending_point = lock_point(hlock_class(hlock)->contending_point,
				      __atomic_load_n(&lock->ip, __ATOMIC_RELAXED));
	if (contention_point < LOCKSTAT_POINTS)
		hlock_class(hlock)->stats.contention_point[contention_point]++;
	if (contending_point < LOCKSTAT_POINTS)
		hlock_class(hlock)->stats.contending_point[contending_point]++;
	if (__atomic_load_n(&lock->cpu, __ATOMIC_RELAXED) != raw_smp_processor_id())
		hlock_class(hlock)->stats.bounces[bounce_contended_write + !!hlock->read]++;
	stats_lock_release();
}

void kmm_lockdep_acquired(struct task_struct *curr, struct lockdep_map *lock, unsigned long ip)
{
	struct held_lock *hlock;
	int i, cpu, depth = curr->lockdep_depth;
	s64 waittime = 0;

	if (!depth)
		return;
	hlock = kmm_lockdep_find_held_lock(curr, lock, depth, &i);
	if (!hlock) {
		print_lock_contention_bug(curr, lock, ip);
		return;
	}
	if (hlock->instance != lock)
		return;
	cpu = raw_smp_processor_id();
	if (hlock->waittime_stamp) {
		u64 now = lockstat_clock();

		waittime = (s64)(now - hlock->waittime_stamp);
		hlock->holdtime_stamp = now;
	}
	stats_lock_acquire();
	if (waittime) {
		if (hlock->read)
			lock_time_inc(&hlock_class(hlock)->stats.read_waittime, waittime);
		else
			lock_time_inc(&hlock_class(hlock)->stats.write_waittime, waittime);
	}
	if (__atomic_load_n(&lock->cpu, __ATOMIC_RELAXED) != cpu)
		hlock_class(hlock)->stats.bounces[bounce_acquired_write + !!hlock->read]++;
	stats_lock_release();
	/* Racy by design (the kernel's too): the last CPU and site. */
	__atomic_store_n(&lock->cpu, cpu, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->ip, ip, __ATOMIC_RELAXED);
}
