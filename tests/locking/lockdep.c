// SPDX-License-Identifier: MIT
/*
 * lockdep through its own API, with bare struct lockdep_map objects: every
 * report (recursive locking, circular dependencies of any length,
 * inconsistent lock state, irq lock inversion, bad unlock balance, held
 * lock freed, locks held at exit, table exhaustion) with the kernel's text,
 * each next to a sibling that must stay quiet (nesting annotations,
 * trylocks, recursive readers, consistent order, irqs off); the chain
 * cache, lockdep_assert_held, debug_show_all_locks and the views.
 *
 * Every case boots afresh, which empties lockdep's tables and turns lock
 * debugging back on.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include <kmm/lockdep.h>
#include <kmm/sched.h>
#include <stdio.h>
#include <stdlib.h>

static struct lock_class_key kA, kB, kC, kD;
static struct lockdep_map A, B, C, D, A2;

static struct lockdep_map static_map;	/* never initialised */

static void boot(void)
{
	kmm_exit();
	test_boot("lockdep=on");
	lockdep_init_map(&A, "A", &kA, 0);
	lockdep_init_map(&A2, "A", &kA, 0);
	lockdep_init_map(&B, "B", &kB, 0);
	lockdep_init_map(&C, "C", &kC, 0);
	lockdep_init_map(&D, "D", &kD, 0);
}

#define LOCK(m)		kmm_lock_acquire(&(m), 0, 0, 0, 1, NULL, _THIS_IP_)
#define LOCK_N(m, s)	kmm_lock_acquire(&(m), s, 0, 0, 1, NULL, _THIS_IP_)
#define TRYLOCK(m)	kmm_lock_acquire(&(m), 0, 1, 0, 1, NULL, _THIS_IP_)
#define RLOCK(m)	kmm_lock_acquire(&(m), 0, 0, 2, 1, NULL, _THIS_IP_)	/* rwlock */
#define SLOCK(m)	kmm_lock_acquire(&(m), 0, 0, 1, 1, NULL, _THIS_IP_)	/* rwsem */
#define UNLOCK(m)	kmm_lock_release(&(m), _THIS_IP_)

static const char *view(const char *name)
{
	static char *buf;

	free(buf);
	buf = test_view(name);
	return buf;
}

static unsigned long stat_value(const char *label)
{
	const char *v = view("lockdep_stats"), *p = strstr(v, label);

	return p ? strtoul(p + strlen(label), NULL, 10) : (unsigned long)-1;
}

static void quiet(const char *what)
{
	is_int(kmm_debug_locks, 1, "%s: lock debugging still on", what);
	unlike(test_dmesg(), "WARNING", "%s: no report", what);
}

static noinline void test_aa(void)
{
	boot();
	LOCK(A);
	LOCK(A);
	like(test_dmesg(), "WARNING: possible recursive locking detected", "AA: reported");
	like(test_dmesg(), "============================================\n", "AA: banner");
	like(test_dmesg(), " is trying to acquire lock:", "AA: trying to acquire");
	like(test_dmesg(), " (A){+.+.}-{0:0}, at: test_aa+0x", "AA: the lock line");
	like(test_dmesg(), "but task is already holding lock:", "AA: already holding");
	like(test_dmesg(), " Possible unsafe locking scenario:", "AA: scenario");
	like(test_dmesg(), "       CPU0\n", "AA: one CPU");
	like(test_dmesg(), "  lock(A);\n", "AA: lock(A)");
	like(test_dmesg(), " *** DEADLOCK ***", "AA: deadlock");
	like(test_dmesg(), " May be due to missing lock nesting notation", "AA: nesting hint");
	like(test_dmesg(), " lock held by ", "AA: held locks");
	like(test_dmesg(), " #0: ", "AA: held lock #0");
	like(test_dmesg(), "stack backtrace:", "AA: backtrace");
	is_int(kmm_debug_locks, 0, "AA: the first report turns lockdep off");

	/* Sibling: the same class, nested with a subclass. */
	boot();
	LOCK(A);
	LOCK_N(A2, 1);
	UNLOCK(A2);
	UNLOCK(A);
	quiet("nested subclass");
	like(view("lockdep"), ": A/1\n", "nested subclass: class A/1 in the lockdep view");
	like(view("lockdep"), " -> [", "nested subclass: A -> A/1 listed");

	/* nest_lock: many locks of one class under a lock that orders them. */
	boot();
	LOCK(B);
	kmm_lock_acquire(&A, 0, 0, 0, 1, &B, _THIS_IP_);
	kmm_lock_acquire(&A2, 0, 0, 0, 1, &B, _THIS_IP_);
	UNLOCK(A2);
	UNLOCK(A);
	UNLOCK(B);
	quiet("nest_lock");
}

static noinline void test_abba(void)
{
	boot();
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); LOCK(A);
	like(test_dmesg(), "WARNING: possible circular locking dependency detected", "ABBA: reported");
	like(test_dmesg(), "======================================================\n", "ABBA: banner");
	like(test_dmesg(), "which lock already depends on the new lock.", "ABBA: depends");
	like(test_dmesg(), "the existing dependency chain (in reverse order) is:", "ABBA: chain");
	like(test_dmesg(), "-> #1 (B){+.+.}-{0:0}:\n", "ABBA: -> #1 B");
	like(test_dmesg(), "-> #0 (A){+.+.}-{0:0}:\n", "ABBA: -> #0 A");
	unlike(test_dmesg(), "Chain exists of:", "ABBA: no chain line for two locks");
	like(test_dmesg(),
	     "       CPU0                    CPU1\n", "ABBA: two CPUs");
	like(test_dmesg(), "  lock(B);\n", "ABBA: CPU0 lock(B)");
	like(test_dmesg(), "                               lock(A);\n", "ABBA: CPU1 lock(A)");
	like(test_dmesg(), "                               lock(B);\n", "ABBA: CPU1 lock(B)");
	like(test_dmesg(), "1 lock held by ", "ABBA: the new lock is not held yet");
	is_int(kmm_debug_locks, 0, "ABBA: lockdep off");
	UNLOCK(A); UNLOCK(B);

	boot();
	for (int i = 0; i < 2; i++) {
		LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	}
	quiet("AB AB");

	/* A trylock takes part in the held-lock stack but orders nothing. */
	boot();
	LOCK(A); TRYLOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); LOCK(A); UNLOCK(A); UNLOCK(B);
	quiet("trylock inversion");
	is_int(kmm_lock_is_held_type(&A, -1), 0, "trylock: A not held now");
}

static noinline void test_longer_cycles(void)
{
	/* ABBCCA */
	boot();
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); LOCK(C); UNLOCK(C); UNLOCK(B);
	LOCK(C); LOCK(A);
	like(test_dmesg(), "WARNING: possible circular locking dependency detected", "ABBCCA: reported");
	like(test_dmesg(), "-> #2 (C){+.+.}-{0:0}:\n", "ABBCCA: -> #2 C");
	like(test_dmesg(), "-> #1 (B){+.+.}-{0:0}:\n", "ABBCCA: -> #1 B");
	like(test_dmesg(), "-> #0 (A){+.+.}-{0:0}:\n", "ABBCCA: -> #0 A");
	like(test_dmesg(), "Chain exists of:\n", "ABBCCA: chain exists");
	like(test_dmesg(), "A --> B --> C\n", "ABBCCA: A --> B --> C");
	UNLOCK(A); UNLOCK(C);

	boot();
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); LOCK(C); UNLOCK(C); UNLOCK(B);
	LOCK(A); LOCK(C); UNLOCK(C); UNLOCK(A);
	quiet("AB BC AC");

	/* ABCABC: AB, CA, then BC closes the cycle. */
	boot();
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(C); LOCK(A); UNLOCK(A); UNLOCK(C);
	LOCK(B); LOCK(C);
	like(test_dmesg(), "WARNING: possible circular locking dependency detected", "ABCABC: reported");
	like(test_dmesg(), "C --> A --> B\n", "ABCABC: C --> A --> B");
	UNLOCK(C); UNLOCK(B);

	/* ABBCCDDA: four locks. */
	boot();
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); LOCK(C); UNLOCK(C); UNLOCK(B);
	LOCK(C); LOCK(D); UNLOCK(D); UNLOCK(C);
	LOCK(D); LOCK(A);
	like(test_dmesg(), "-> #3 (D){+.+.}-{0:0}:\n", "ABBCCDDA: -> #3 D");
	like(test_dmesg(), "-> #0 (A){+.+.}-{0:0}:\n", "ABBCCDDA: -> #0 A");
	UNLOCK(A); UNLOCK(D);

	boot();
	LOCK(A); LOCK(B); LOCK(C); LOCK(D);
	UNLOCK(D); UNLOCK(C); UNLOCK(B); UNLOCK(A);
	LOCK(B); LOCK(D); UNLOCK(D); UNLOCK(B);
	quiet("ABCD then BD");
}

static noinline void test_recursive_read(void)
{
	boot();
	RLOCK(A); RLOCK(A); UNLOCK(A); UNLOCK(A);
	quiet("rwlock readers recurse");

	boot();
	SLOCK(A); SLOCK(A);
	like(test_dmesg(), "WARNING: possible recursive locking detected",
	     "rwsem readers do not recurse");
	UNLOCK(A);

	/* read_lock(A); lock(B) vs lock(B); read_lock(A): no deadlock. */
	boot();
	RLOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); RLOCK(A); UNLOCK(A); UNLOCK(B);
	quiet("recursive reader cycle");

	/* The same with rwsem readers is a deadlock. */
	boot();
	SLOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); SLOCK(A);
	like(test_dmesg(), "WARNING: possible circular locking dependency detected",
	     "rwsem reader cycle reported");
	like(test_dmesg(), "  rlock(A);\n", "rwsem reader cycle: rlock(A) in the table");
	UNLOCK(A); UNLOCK(B);

	/* write_lock(A); lock(B) vs lock(B); read_lock(A): a deadlock too. */
	boot();
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	LOCK(B); RLOCK(A);
	like(test_dmesg(), "WARNING: possible circular locking dependency detected",
	     "writer then recursive reader cycle reported");
	UNLOCK(A); UNLOCK(B);
}

static void hardirq_enter(void)
{
	kmm_lockdep_hardirqs_off(_THIS_IP_);
	current->hardirq_context++;
}

static void hardirq_exit(void)
{
	current->hardirq_context--;
	kmm_lockdep_hardirqs_on(_THIS_IP_);
}

static noinline void test_irq(void)
{
	boot();
	hardirq_enter();
	LOCK(A); UNLOCK(A);
	hardirq_exit();
	LOCK(A);
	like(test_dmesg(), "WARNING: inconsistent lock state", "irq: inconsistent lock state");
	like(test_dmesg(), "inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.",
	     "irq: IN-HARDIRQ-W -> HARDIRQ-ON-W");
	like(test_dmesg(), "[HC0[0]:SC0[0]:HE1:SE1] takes:", "irq: the context line");
	like(test_dmesg(), "{IN-HARDIRQ-W} state was registered at:", "irq: registered at");
	like(test_dmesg(), "irq event stamp: ", "irq: event stamp");
	like(test_dmesg(), "  <Interrupt>\n", "irq: the interrupt scenario");
	like(test_dmesg(), "    lock(A);\n", "irq: lock(A) in the interrupt");
	UNLOCK(A);

	boot();
	hardirq_enter();
	LOCK(A); UNLOCK(A);
	hardirq_exit();
	kmm_lockdep_hardirqs_off(_THIS_IP_);
	LOCK(A); UNLOCK(A);
	kmm_lockdep_hardirqs_on(_THIS_IP_);
	quiet("irq-safe lock taken with irqs off");
	like(view("lockdep"), " -...: A\n", "irq: A is {-...} (used in hardirq)");

	/* Inversion: A -> B with irqs off, B irq-unsafe, then A in an irq. */
	boot();
	kmm_lockdep_hardirqs_off(_THIS_IP_);
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	kmm_lockdep_hardirqs_on(_THIS_IP_);
	LOCK(B); UNLOCK(B);
	hardirq_enter();
	LOCK(A);
	like(test_dmesg(), "WARNING: possible irq lock inversion dependency detected",
	     "irq inversion reported");
	like(test_dmesg(), "just changed the state of lock:", "irq inversion: changed state");
	like(test_dmesg(), "but this lock took another, HARDIRQ-unsafe lock in the past:",
	     "irq inversion: HARDIRQ-unsafe");
	like(test_dmesg(), " Possible interrupt unsafe locking scenario:", "irq inversion: scenario");
	like(test_dmesg(), "                               local_irq_disable();\n",
	     "irq inversion: local_irq_disable");
	like(test_dmesg(), "the shortest dependencies between 2nd lock and 1st lock:",
	     "irq inversion: shortest dependencies");
	UNLOCK(A);
	hardirq_exit();

	boot();
	kmm_lockdep_hardirqs_off(_THIS_IP_);
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	kmm_lockdep_hardirqs_on(_THIS_IP_);
	hardirq_enter();
	LOCK(A); UNLOCK(A);
	hardirq_exit();
	quiet("A -> B with B never taken with irqs on");

	/* The new dependency itself connects irq-safe A to irq-unsafe B. */
	boot();
	hardirq_enter();
	LOCK(A); UNLOCK(A);
	hardirq_exit();
	LOCK(B); UNLOCK(B);
	kmm_lockdep_hardirqs_off(_THIS_IP_);
	LOCK(A); LOCK(B);
	like(test_dmesg(), "WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected",
	     "bad irq dependency reported");
	like(test_dmesg(), "=====================================================\n",
	     "bad irq dependency: banner");
	like(test_dmesg(), "[HC0[0]:SC0[0]:HE0:SE1] is trying to acquire:",
	     "bad irq dependency: context line");
	like(test_dmesg(), "which would create a new lock dependency:", "bad irq dependency: new");
	like(test_dmesg(), " (A){-...}-{0:0} -> (B){+.+.}-{0:0}\n", "bad irq dependency: A -> B");
	like(test_dmesg(), "but this new dependency connects a HARDIRQ-irq-safe lock:",
	     "bad irq dependency: safe lock");
	like(test_dmesg(), "... which became HARDIRQ-irq-unsafe at:", "bad irq dependency: unsafe at");
	like(test_dmesg(), "the dependencies between the lock to be acquired",
	     "bad irq dependency: dependencies");
	UNLOCK(B); UNLOCK(A);
	kmm_lockdep_hardirqs_on(_THIS_IP_);

	boot();
	hardirq_enter();
	LOCK(A); UNLOCK(A);
	hardirq_exit();
	kmm_lockdep_hardirqs_off(_THIS_IP_);
	LOCK(B); UNLOCK(B);
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	kmm_lockdep_hardirqs_on(_THIS_IP_);
	quiet("irq-safe A -> B with B always under irqs off");

	/* Softirq: A used in a softirq, then taken with softirqs on. */
	boot();
	kmm_lockdep_softirqs_off(_THIS_IP_);
	current->softirq_context++;
	LOCK(A); UNLOCK(A);
	current->softirq_context--;
	kmm_lockdep_softirqs_on(_THIS_IP_);
	LOCK(A);
	like(test_dmesg(), "inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.",
	     "softirq: IN-SOFTIRQ-W -> SOFTIRQ-ON-W");
	UNLOCK(A);

	boot();
	kmm_lockdep_softirqs_off(_THIS_IP_);
	current->softirq_context++;
	LOCK(A); UNLOCK(A);
	current->softirq_context--;
	kmm_lockdep_softirqs_on(_THIS_IP_);
	kmm_lockdep_softirqs_off(_THIS_IP_);
	LOCK(A); UNLOCK(A);
	kmm_lockdep_softirqs_on(_THIS_IP_);
	quiet("softirq-safe lock taken with softirqs off");
	like(view("lockdep"), " +.-.: A\n", "softirq: A is {+.-.}");
}

static noinline void test_balance_and_frees(void)
{
	struct { long pad; struct lockdep_map map; long tail; } obj;

	boot();
	UNLOCK(A);
	like(test_dmesg(), "WARNING: bad unlock balance detected!", "bad unlock: reported");
	like(test_dmesg(), "=====================================\n", "bad unlock: banner");
	like(test_dmesg(), " is trying to release lock (A) at:\n", "bad unlock: the lock");
	like(test_dmesg(), "but there are no more locks to release!", "bad unlock: no more");
	like(test_dmesg(), "no locks held by ", "bad unlock: no locks held");

	boot();
	LOCK(A); LOCK(B);
	UNLOCK(A);	/* out of order is fine */
	UNLOCK(B);
	quiet("unlock out of order");
	is_int(current->lockdep_depth, 0, "unlock out of order: stack empty");

	boot();
	lockdep_init_map(&obj.map, "obj", &kC, 0);
	LOCK(obj.map);
	kmm_debug_check_no_locks_freed(&obj, sizeof(obj));
	like(test_dmesg(), "WARNING: held lock freed!", "freed: reported");
	like(test_dmesg(), "=========================\n", "freed: banner");
	like(test_dmesg(), "with a lock still held there!", "freed: still held there");
	like(test_dmesg(), " (obj){+.+.}-{0:0}, at: ", "freed: the lock");
	UNLOCK(obj.map);

	boot();
	LOCK(obj.map); UNLOCK(obj.map);
	kmm_debug_check_no_locks_freed(&obj, sizeof(obj));
	LOCK(A);
	kmm_debug_check_no_locks_freed(&obj, sizeof(obj));
	UNLOCK(A);
	quiet("freeing memory without held locks");

	boot();
	LOCK(A);
	kmm_debug_check_no_locks_held();
	like(test_dmesg(), "still has locks held!", "exit: reported");
	like(test_dmesg(), "====================================\n", "exit: banner");
	like(test_dmesg(), "1 lock held by ", "exit: 1 lock held");
	UNLOCK(A);

	boot();
	LOCK(A); UNLOCK(A);
	kmm_debug_check_no_locks_held();
	kmm_lockdep_sys_exit();
	quiet("exit without locks");

	boot();
	LOCK(A);
	kmm_lockdep_sys_exit();
	like(test_dmesg(), "WARNING: lock held when returning to user space!", "sys_exit: reported");
	like(test_dmesg(), " is leaving the kernel with locks still held!", "sys_exit: leaving");
	like(test_dmesg(), "1 lock held by ", "sys_exit: the lock");
	UNLOCK(A);
}

static noinline void test_keys(void)
{
	struct lockdep_map *heap_map = calloc(1, sizeof(*heap_map));

	boot();
	LOCK(static_map);
	UNLOCK(static_map);
	quiet("a static lock without a key is its own key");
	/* Named as %ps names its key (kmm symbolises functions only). */
	like(view("lockdep"), " +.+.: 0x", "static lock: named by its key's address");

	boot();
	LOCK(*heap_map);
	like(test_dmesg(), "INFO: trying to register non-static key.\n", "non-static key: reported");
	like(test_dmesg(), "you didn't initialize this object before use?\n",
	     "non-static key: the hint");
	like(test_dmesg(), "turning off the locking correctness validator.\n",
	     "non-static key: turned off");
	is_int(kmm_debug_locks, 0, "non-static key: lockdep off");
	free(heap_map);
}

static noinline void test_held_and_show(void)
{
	boot();
	is_int(kmm_lock_is_held_type(&A, -1), 0, "is_held: not held");
	LOCK(A);
	SLOCK(B);
	is_int(kmm_lock_is_held_type(&A, -1), 1, "is_held: held");
	is_int(kmm_lock_is_held_type(&A, 0), 1, "is_held: held for write");
	is_int(kmm_lock_is_held_type(&A, 1), 0, "is_held: not held for read");
	is_int(kmm_lock_is_held_type(&B, 1), 1, "is_held: B held for read");
	kmm_dmesg_clear();
	kmm_debug_show_all_locks();
	like(test_dmesg(), "Showing all locks held in the system:", "show_all_locks: header");
	like(test_dmesg(), "2 locks held by ", "show_all_locks: 2 locks");
	like(test_dmesg(), " #1: ", "show_all_locks: #1");
	like(test_dmesg(), " (B){.+.+}-{0:0}, at: test_held_and_show+0x",
	     "show_all_locks: reader usage chars");
	like(test_dmesg(), "=============================================\n", "show_all_locks: footer");
	UNLOCK(B);
	UNLOCK(A);
	{
		struct { struct lockdep_map dep_map; } l;

		lockdep_init_map(&l.dep_map, "l", &kD, 0);
		LOCK(l.dep_map);
		lockdep_assert_held(&l);
		lockdep_assert_held_write(&l);
		lockdep_assert_not_held(&l);
		like(test_dmesg(), "WARNING: CPU: ", "lockdep_assert_not_held on a held lock warns");
		is_int(test_dmesg_count("------------[ cut here ]------------"), 1,
		       "lockdep_assert_held(_write) on a held lock: quiet");
		UNLOCK(l.dep_map);
		lockdep_assert_held(&l);
		is_int(test_dmesg_count("------------[ cut here ]------------"), 2,
		       "lockdep_assert_held on a released lock warns");
		kmm_dmesg_clear();
	}
	kmm_lockdep_off();
	LOCK(C);
	is_int(current->lockdep_depth, 0, "lockdep_off: not tracked");
	UNLOCK(C);
	kmm_lockdep_on();
	quiet("is_held and show");
	ok(kmm_lockdep_enabled(), "lockdep enabled with lockdep=on");

	kmm_exit();
	test_boot("");
	ok(!kmm_lockdep_enabled() && !kmm_lockdep_hooks_active, "lockdep off by default");
	kmm_exit();
	test_boot("lock_stat=on");
	ok(!kmm_lockdep_enabled() && kmm_lockdep_hooks_active, "lock_stat=on alone turns the hooks on");
}

static noinline void test_chain_cache_and_views(void)
{
	unsigned long hits0, hits1, overhead, classes, deps, chains, hlocks, pchains;
	const char *v;

	/*
	 * kmm's own locks are validated too: count relative to what booting
	 * and reading the view (which may take kmm locks) have registered.
	 */
	boot();
	stat_value("lock-classes:");
	classes = stat_value("lock-classes:");
	deps = stat_value("direct dependencies:");
	chains = stat_value("dependency chains:");
	hlocks = stat_value("dependency chain hlocks:");
	pchains = stat_value("in-process chains:");
	hits0 = stat_value("chain lookup hits:");
	hits1 = stat_value("chain lookup hits:");
	overhead = hits1 - hits0;
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	hits0 = stat_value("chain lookup hits:");
	for (int i = 0; i < 100; i++) {
		LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	}
	is_int(stat_value("chain lookup hits:") - hits0 - overhead, 200,
	       "chain cache: 2 hits per repeat");
	is_int(stat_value("dependency chains:") - chains, 2, "chain cache: chains A and A,B only");

	v = view("lockdep");
	like(v, "all lock classes:\n", "lockdep view: header");
	/* The counts include the class itself, as the kernel's. */
	like(v, " FD:    2 BD:    1 +.+.: A\n -> [", "lockdep view: A with its dependency");
	like(v, "] B\n\n", "lockdep view: -> B");
	like(v, " FD:    1 BD:    2 +.+.: B\n", "lockdep view: B");
	v = view("lockdep_chains");
	like(v, "all lock chains:\nirq_context: 0\n[", "lockdep_chains: header and context");
	like(v, "] A\n[", "lockdep_chains: A then");
	like(v, "] B\n\n", "lockdep_chains: B");
	is_int(stat_value("lock-classes:") - classes, 2, "stats: two more classes");
	is_int(stat_value("direct dependencies:") - deps, 2, "stats: A -> B takes two entries");
	is_int(stat_value("dependency chain hlocks:") - hlocks, 3, "stats: hlocks A, A B");
	is_int(stat_value("in-process chains:") - pchains, 2, "stats: process chains");
	/* view() reuses its buffer: stat_value() calls come first. */
	v = view("lockdep_stats");
	like(v, " lock-classes:                  ", "stats: the classes line");
	like(v, " [max: 8192]\n direct dependencies:           ", "stats: the classes limit");
	like(v, " [max: 32768]\n indirect dependencies:", "stats: the entries limit");
	like(v, " [max: 65536]\n dependency chain hlocks:", "stats: the chains limit");
	like(v, " [max: 327680]\n in-hardirq chains:", "stats: the hlocks limit");
	like(v, " max locking depth:             ", "stats: max depth line");
	like(v, " debug_locks:                             1\n", "stats: debug_locks");
}

static struct lock_class_key many_keys[MAX_LOCK_DEPTH * 200];
static struct lockdep_map many_maps[MAX_LOCK_DEPTH * 200];

static noinline void test_exhaustion(void)
{
	unsigned long base;
	int i, j;

	boot();
	/* MAX_LOCKDEP_KEYS: 8192 classes. */
	for (i = 0; i < 8200; i++) {
		lockdep_init_map(&many_maps[i], "many", &many_keys[i], 0);
		LOCK(many_maps[i]);
		UNLOCK(many_maps[i]);
	}
	like(test_dmesg(), "BUG: MAX_LOCKDEP_KEYS too low!\n", "keys: the message");
	like(test_dmesg(), "turning off the locking correctness validator.\n", "keys: turned off");
	like(test_dmesg(), "Call Trace:", "keys: dump_stack");
	is_int(kmm_debug_locks, 0, "keys: debug_locks off");
	is_int(current->lockdep_depth, 0, "keys: nothing left held");

	boot();
	for (i = 0; i < 100; i++) {
		lockdep_init_map(&many_maps[i], "many", &many_keys[i], 0);
		LOCK(many_maps[i]);
		UNLOCK(many_maps[i]);
	}
	quiet("100 classes");
	like(view("lockdep"), ": many#100\n", "100 classes of one name: many#100");

	/* MAX_LOCKDEP_ENTRIES: each dependency takes two list entries. */
	boot();
	for (i = 0; i < 200 && kmm_debug_locks; i++) {
		lockdep_init_map(&many_maps[i], "dep", &many_keys[i], 0);
		for (j = 0; j < i && kmm_debug_locks; j++) {
			LOCK(many_maps[j]);
			LOCK(many_maps[i]);
			UNLOCK(many_maps[i]);
			UNLOCK(many_maps[j]);
		}
	}
	like(test_dmesg(), "BUG: MAX_LOCKDEP_ENTRIES too low!\n", "entries: the message");
	like(test_dmesg(), "turning off the locking correctness validator.\n", "entries: turned off");
	is_int(kmm_debug_locks, 0, "entries: debug_locks off");
	current->lockdep_depth = 0;

	boot();
	stat_value("direct dependencies:");
	base = stat_value("direct dependencies:");
	for (i = 0; i < 20; i++) {
		lockdep_init_map(&many_maps[i], "dep", &many_keys[i], 0);
		for (j = 0; j < i; j++) {
			LOCK(many_maps[j]);
			LOCK(many_maps[i]);
			UNLOCK(many_maps[i]);
			UNLOCK(many_maps[j]);
		}
	}
	quiet("190 dependencies");
	is_int(stat_value("direct dependencies:") - base, 380, "190 dependencies: 380 entries");

	/* MAX_LOCK_DEPTH: 48 held locks. */
	boot();
	for (i = 0; i < 48; i++) {
		lockdep_init_map(&many_maps[i], "deep", &many_keys[i], 0);
		LOCK(many_maps[i]);
	}
	like(test_dmesg(), "BUG: MAX_LOCK_DEPTH too low!\n", "depth: the message");
	like(test_dmesg(), "depth: 48  max: 48!\n", "depth: depth and max");
	current->lockdep_depth = 0;

	boot();
	for (i = 0; i < 47; i++) {
		lockdep_init_map(&many_maps[i], "deep", &many_keys[i], 0);
		LOCK(many_maps[i]);
	}
	for (i = 46; i >= 0; i--)
		UNLOCK(many_maps[i]);
	quiet("47 held locks");
}

int main(void)
{
	test_aa();
	test_abba();
	test_longer_cycles();
	test_recursive_read();
	test_irq();
	test_balance_and_frees();
	test_keys();
	test_held_and_show();
	test_chain_cache_and_views();
	test_exhaustion();
	kmm_exit();
	return done_testing();
}
