// SPDX-License-Identifier: MIT
/*
 * The locking API self-test, after the kernel's lib/locking-selftest.c
 * (locking_selftest()): a matrix of small lock sequences over every lock
 * type kmm has, each known either to be a locking bug lockdep must report
 * or to be correct code lockdep must accept, run one after the other on the
 * calling thread.  A cell prints "  ok  |" when lockdep did what was
 * expected (debug_locks turned off by a report exactly when one was due)
 * and "FAILED|" when it did not; the summary line counts them.
 *
 * Interrupt context is faked the way the kernel's test fakes it, with the
 * irq model's own entry points: hardirq context is local_irq_disable() +
 * irq_enter(), softirq context local_bh_disable() + local_irq_disable() +
 * the softirq-context mark __do_softirq() sets.  Reports are silenced with
 * debug_locks_silent while the matrix runs.  Between cases lockdep forgets
 * everything (kmm_lockdep_reset(), the kernel's reset_locks() and
 * lockdep_reset()) and every test lock is initialised afresh, so the
 * suite must run while no other thread holds or takes a lockdep-tracked
 * lock: at boot (locking_selftest=on, before the allocator comes up) or
 * from a single-threaded program, as `kmm selftest locking` does.
 *
 * Not covered (kmm has no such lock or check): rtmutex, local_lock,
 * fs_reclaim annotations and the raw-lock-nesting wait-context tests.
 */
#include <kmm/spinlock.h>
#include <kmm/rwlock.h>
#include <kmm/mutex.h>
#include <kmm/rwsem.h>
#include <kmm/ww_mutex.h>
#include <kmm/interrupt.h>
#include <kmm/debug_locks.h>
#include <kmm/printk.h>
#include <kmm/sched.h>
#include "kernel/internal.h"
#include "locking/locking_selftest.h"
#include <errno.h>
#include <string.h>

void kmm_lockdep_reset(void);

/* ---- the test locks -------------------------------------------------------- */

/* A-D each have a class of their own; X1/X2, Y1/Y2, Z1/Z2 share one per letter. */
static const char *const tlock_name[NR_TLOCKS] = {
	"A", "B", "C", "D", "X1", "X2", "Y1", "Y2", "Z1", "Z2",
};
static const int tlock_class[NR_TLOCKS] = { 0, 1, 2, 3, 4, 4, 5, 5, 6, 6 };
#define NR_TCLASSES 7

spinlock_t kmm_st_spin[NR_TLOCKS];
static rwlock_t st_rw[NR_TLOCKS];
static struct mutex st_mutex[NR_TLOCKS];
static struct rw_semaphore st_rwsem[NR_TLOCKS];
static struct lock_class_key st_key[4][NR_TCLASSES];
static char st_names[4][NR_TLOCKS][16];

DEFINE_WD_CLASS(kmm_st_ww_class);
struct ww_acquire_ctx kmm_st_ww_t, kmm_st_ww_t2;
struct ww_mutex kmm_st_ww_o, kmm_st_ww_o2, kmm_st_ww_o3;

/* The lock flavours of the matrix's columns. */
enum { T_SPIN, T_WLOCK, T_RLOCK, T_MUTEX, T_WSEM, T_RSEM, NR_TYPES };

static void init_one(int type, int i)
{
	int c = tlock_class[i];

	switch (type) {
	case T_SPIN:
		__raw_spin_lock_init(&kmm_st_spin[i].rlock, st_names[0][i], &st_key[0][c],
				     LD_WAIT_CONFIG);
		break;
	case T_WLOCK:
	case T_RLOCK:
		__rwlock_init(&st_rw[i], st_names[1][i], &st_key[1][c]);
		break;
	case T_MUTEX:
		kmm___mutex_init(&st_mutex[i], st_names[2][i], &st_key[2][c]);
		break;
	default:
		kmm___init_rwsem(&st_rwsem[i], st_names[3][i], &st_key[3][c]);
		break;
	}
}

static void lock_one(int type, int i)
{
	switch (type) {
	case T_SPIN:	spin_lock(&kmm_st_spin[i]); break;
	case T_WLOCK:	write_lock(&st_rw[i]); break;
	case T_RLOCK:	read_lock(&st_rw[i]); break;
	case T_MUTEX:	mutex_lock(&st_mutex[i]); break;
	case T_WSEM:	down_write(&st_rwsem[i]); break;
	default:	down_read(&st_rwsem[i]); break;
	}
}

static void unlock_one(int type, int i)
{
	switch (type) {
	case T_SPIN:	spin_unlock(&kmm_st_spin[i]); break;
	case T_WLOCK:	write_unlock(&st_rw[i]); break;
	case T_RLOCK:	read_unlock(&st_rw[i]); break;
	case T_MUTEX:	mutex_unlock(&st_mutex[i]); break;
	case T_WSEM:	up_write(&st_rwsem[i]); break;
	default:	up_read(&st_rwsem[i]); break;
	}
}

/* Shorthands for the fixed-type locks some cases mix in. */
#define L(x)	lock_one(T_SPIN, x)
#define U(x)	unlock_one(T_SPIN, x)
#define WL(x)	lock_one(T_WLOCK, x)
#define WU(x)	unlock_one(T_WLOCK, x)
#define RL(x)	lock_one(T_RLOCK, x)
#define RU(x)	unlock_one(T_RLOCK, x)
#define ML(x)	lock_one(T_MUTEX, x)
#define MU(x)	unlock_one(T_MUTEX, x)
#define WSL(x)	lock_one(T_WSEM, x)
#define WSU(x)	unlock_one(T_WSEM, x)
#define RSL(x)	lock_one(T_RSEM, x)
#define RSU(x)	unlock_one(T_RSEM, x)

static void init_all_locks(void)
{
	static bool named;

	if (!named) {
		static const char *const prefix[4] = { "lock_", "rwlock_", "mutex_", "rwsem_" };

		for (int k = 0; k < 4; k++)
			for (int i = 0; i < NR_TLOCKS; i++)
				snprintf(st_names[k][i], sizeof(st_names[k][i]), "%s%s",
					 prefix[k], tlock_name[i]);
		named = true;
	}
	for (int i = 0; i < NR_TLOCKS; i++) {
		init_one(T_SPIN, i);
		init_one(T_WLOCK, i);
		init_one(T_MUTEX, i);
		init_one(T_WSEM, i);
	}
	kmm_ww_mutex_init(&kmm_st_ww_o, &kmm_st_ww_class);
	kmm_ww_mutex_init(&kmm_st_ww_o2, &kmm_st_ww_class);
	kmm_ww_mutex_init(&kmm_st_ww_o3, &kmm_st_ww_class);
	memset(&kmm_st_ww_t, 0, sizeof(kmm_st_ww_t));
	memset(&kmm_st_ww_t2, 0, sizeof(kmm_st_ww_t2));
}

/* ---- faked interrupt context ------------------------------------------------- */

enum { CTX_HARD, CTX_SOFT };

static void hardirq_enter(void)
{
	local_irq_disable();
	kmm_irq_enter();
	DEBUG_LOCKS_WARN_ON(!in_irq());
}

static void hardirq_exit(void)
{
	kmm_irq_exit();
	local_irq_enable();
}

static void softirq_enter(void)
{
	local_bh_disable();
	local_irq_disable();
	current->softirq_context++;	/* lockdep_softirq_enter() */
	DEBUG_LOCKS_WARN_ON(!in_softirq());
}

static void softirq_exit(void)
{
	current->softirq_context--;	/* lockdep_softirq_exit() */
	local_irq_enable();
	local_bh_enable();
}

/* ---- what the current case runs with ------------------------------------------ */

static int cur_type;		/* LOCK()/UNLOCK()/INIT() flavour */
static int cur_ctx;		/* CTX_HARD or CTX_SOFT */

#define LOCK(x)		lock_one(cur_type, x)
#define UNLOCK(x)	unlock_one(cur_type, x)
#define INIT(x)		init_one(cur_type, x)
#define LOCK_UNLOCK_2(x, y)	do { LOCK(x); LOCK(y); UNLOCK(y); UNLOCK(x); } while (0)

static void irq_ctx_enter(void)
{
	if (cur_ctx == CTX_HARD)
		hardirq_enter();
	else
		softirq_enter();
}

static void irq_ctx_exit(void)
{
	if (cur_ctx == CTX_HARD)
		hardirq_exit();
	else
		softirq_exit();
}

static void irq_ctx_disable(void)
{
	if (cur_ctx == CTX_HARD)
		local_irq_disable();
	else
		local_bh_disable();
}

static void irq_ctx_enable(void)
{
	if (cur_ctx == CTX_HARD)
		local_irq_enable();
	else
		local_bh_enable();
}

/* ---- the deadlock patterns ----------------------------------------------------- */

static void case_AA(void)
{
	LOCK(X1);
	LOCK(X2);		/* same class: reported */
}

static void case_ABBA(void)
{
	LOCK_UNLOCK_2(A, B);
	LOCK_UNLOCK_2(B, A);
}

static void case_ABBCCA(void)
{
	LOCK_UNLOCK_2(A, B);
	LOCK_UNLOCK_2(B, C);
	LOCK_UNLOCK_2(C, A);
}

static void case_ABCABC(void)
{
	LOCK_UNLOCK_2(A, B);
	LOCK_UNLOCK_2(C, A);
	LOCK_UNLOCK_2(B, C);
}

static void case_ABBCCDDA(void)
{
	LOCK_UNLOCK_2(A, B);
	LOCK_UNLOCK_2(B, C);
	LOCK_UNLOCK_2(C, D);
	LOCK_UNLOCK_2(D, A);
}

static void case_ABCDBDDA(void)
{
	LOCK_UNLOCK_2(A, B);
	LOCK_UNLOCK_2(C, D);
	LOCK_UNLOCK_2(B, D);
	LOCK_UNLOCK_2(D, A);
}

static void case_ABCDBCDA(void)
{
	LOCK_UNLOCK_2(A, B);
	LOCK_UNLOCK_2(C, D);
	LOCK_UNLOCK_2(B, C);
	LOCK_UNLOCK_2(D, A);
}

static void case_double_unlock(void)
{
	LOCK(A);
	UNLOCK(A);
	UNLOCK(A);		/* reported */
}

static void case_init_held(void)
{
	LOCK(A);
	INIT(A);		/* reported */
}

/* ---- recursive and mixed read locking ------------------------------------------- */

static void rlock_AA1(void)	{ RL(X1); RL(X1); }	/* recursive reader: fine */
static void rsem_AA1(void)	{ RSL(X1); RSL(X1); }	/* rwsem reader: not */
static void rlock_AA1B(void)	{ RL(X1); RL(X2); }
static void rsem_AA1B(void)	{ RSL(X1); RSL(X2); }
static void rlock_AA2(void)	{ RL(X1); WL(X2); }
static void rsem_AA2(void)	{ RSL(X1); WSL(X2); }
static void rlock_AA3(void)	{ WL(X1); RL(X2); }
static void rsem_AA3(void)	{ WSL(X1); RSL(X2); }

/* read A, then B; later B, then write A */
static void rlock_ABBA1(void)
{
	RL(X1); L(Y1); U(Y1); RU(X1);
	L(Y1); WL(X1); WU(X1); U(Y1);
}

static void rwsem_ABBA1(void)
{
	RSL(X1); ML(Y1); MU(Y1); RSU(X1);
	ML(Y1); WSL(X1); WSU(X1); MU(Y1);
}

/* read A, then B; later B, then read A */
static void rlock_ABBA2(void)
{
	RL(X1); L(Y1); U(Y1); RU(X1);
	L(Y1); RL(X1); RU(X1); U(Y1);
}

static void rwsem_ABBA2(void)
{
	RSL(X1); ML(Y1); MU(Y1); RSU(X1);
	ML(Y1); RSL(X1); RSU(X1); MU(Y1);
}

/* write A, then B; later B, then write A */
static void rlock_ABBA3(void)
{
	WL(X1); L(Y1); U(Y1); WU(X1);
	L(Y1); WL(X1); WU(X1); U(Y1);
}

static void rwsem_ABBA3(void)
{
	WSL(X1); ML(Y1); MU(Y1); WSU(X1);
	ML(Y1); WSL(X1); WSU(X1); MU(Y1);
}

/* The chain B -> read A is cached; B -> write A must still be checked. */
static void rlock_chaincache_ABBA1(void)
{
	RL(X1); L(Y1); U(Y1); RU(X1);
	L(Y1); RL(X1); RU(X1); U(Y1);
	L(Y1); WL(X1); WU(X1); U(Y1);
}

/* ---- permutations of events -------------------------------------------------- */

typedef void (*event_fn)(void);

static const event_fn *cur_events;
static const char *cur_perm;	/* "12", "321", ... */

static void run_permutation(void)
{
	for (const char *p = cur_perm; *p; p++)
		cur_events[*p - '1']();
}

static const char *const perms2[] = { "12", "21" };
static const char *const perms3[] = { "123", "132", "213", "231", "312", "321" };

/* Cycles of three rwlocks with writers and recursive readers. */
static void w1r2(void)	{ WL(X1); RL(Y1); RU(Y1); WU(X1); }
static void w2r3(void)	{ WL(Y1); RL(Z1); RU(Z1); WU(Y1); }
static void w3r1(void)	{ WL(Z1); RL(X1); RU(X1); WU(Z1); }
static void w1w2(void)	{ WL(X1); WL(Y1); WU(Y1); WU(X1); }
static void r2r3(void)	{ RL(Y1); RL(Z1); RU(Z1); RU(Y1); }
static void r3w1(void)	{ RL(Z1); WL(X1); WU(X1); RU(Z1); }
static void w3w1(void)	{ WL(Z1); WL(X1); WU(X1); WU(Z1); }

static const event_fn ev_W1R2_W2R3_W3R1[] = { w1r2, w2r3, w3r1 };
static const event_fn ev_W1W2_R2R3_W3R1[] = { w1w2, r2r3, w3r1 };
static const event_fn ev_W1W2_R2R3_R3W1[] = { w1w2, r2r3, r3w1 };
static const event_fn ev_W1R2_R2R3_W3W1[] = { w1r2, r2r3, w3w1 };

/* irqs-on + irq-safe-A: A taken in an irq, and with irqs on. */
static void a_in_irq(void)	{ irq_ctx_enter(); LOCK(A); UNLOCK(A); irq_ctx_exit(); }
static void a_irqs_on(void)	{ LOCK(A); UNLOCK(A); }
static const event_fn ev_irqsafe1[] = { a_in_irq, a_irqs_on };

/* A taken in a softirq; hardirqs enabled while A is held. */
static void a_in_softirq(void)	{ softirq_enter(); LOCK(A); UNLOCK(A); softirq_exit(); }
static void a_hirqs_on(void)
{
	local_irq_disable();
	LOCK(A);
	local_irq_enable();
	UNLOCK(A);
}
static const event_fn ev_irqsafe2A[] = { a_in_softirq, a_hirqs_on };

/* An irq-safe A held while irqs get enabled. */
static void a_held_irqs_on(void)
{
	irq_ctx_disable();
	LOCK(A);
	irq_ctx_enable();
	UNLOCK(A);
}
static const event_fn ev_irqsafe2B[] = { a_in_irq, a_held_irqs_on };

/* irq-safe A -> irq-unsafe B. */
static void a_then_b(void)	{ LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A); }
static void b_irqs_on(void)	{ LOCK(B); UNLOCK(B); }
static const event_fn ev_irqsafe3[] = { a_then_b, b_irqs_on, a_in_irq };

static void a_then_b_irqs_off(void)
{
	irq_ctx_disable();
	LOCK(A); LOCK(B); UNLOCK(B); UNLOCK(A);
	irq_ctx_enable();
}
static const event_fn ev_irqsafe4[] = { a_then_b_irqs_off, b_irqs_on, a_in_irq };

/* write A -> B with irqs off, B with irqs on, read A in an irq. */
static void wa_then_b_irqs_off(void)
{
	irq_ctx_disable();
	WL(A); LOCK(B); UNLOCK(B); WU(A);
	irq_ctx_enable();
}
static void ra_in_irq(void)	{ irq_ctx_enter(); RL(A); RU(A); irq_ctx_exit(); }
static const event_fn ev_irq_inversion[] = { wa_then_b_irqs_off, b_irqs_on, ra_in_irq };

/* irq read recursion: rwlock A, spinlock B; LOCK() is read or write. */
static void wa_irqs_off(void)
{
	irq_ctx_disable();
	WL(A); WU(A);
	irq_ctx_enable();
}
static void ra_irqs_on(void)	{ RL(A); RU(A); }
static void lock_a_then_b_in_irq(void)
{
	irq_ctx_enter();
	LOCK(A); L(B); U(B); UNLOCK(A);
	irq_ctx_exit();
}
static const event_fn ev_irq_read_recursion[] = { wa_irqs_off, ra_irqs_on, lock_a_then_b_in_irq };

static void b_then_lock_a_irqs_off(void)
{
	irq_ctx_disable();
	L(B); LOCK(A); UNLOCK(A); U(B);
	irq_ctx_enable();
}
static void b_in_irq(void)	{ irq_ctx_enter(); L(B); U(B); irq_ctx_exit(); }
static const event_fn ev_irq_read_recursion2[] = { b_then_lock_a_irqs_off, ra_irqs_on, b_in_irq };

static void wb_then_lock_a_irqs_off(void)
{
	irq_ctx_disable();
	WL(B); LOCK(A); UNLOCK(A); WU(B);
	irq_ctx_enable();
}
static void rb_in_irq(void)	{ irq_ctx_enter(); RL(B); RU(B); irq_ctx_exit(); }
static const event_fn ev_irq_read_recursion3[] = { wb_then_lock_a_irqs_off, ra_irqs_on, rb_in_irq };

/* ---- queued rwlock readers (not recursive in task context) ----------------------- */

static void queued_read_lock_hardirq_RE_Er(void)
{
	hardirq_enter();
	RL(A); L(B); U(B); RU(A);
	hardirq_exit();
	local_irq_disable();
	L(B); RL(A); RU(A); U(B);
	local_irq_enable();
}

static void queued_read_lock_hardirq_ER_rE(void)
{
	hardirq_enter();
	L(B); RL(A); RU(A); U(B);
	hardirq_exit();
	local_irq_disable();
	RL(A); L(B); U(B); RU(A);
	local_irq_enable();
}

static void queued_read_lock_hardirq_inversion(void)
{
	hardirq_enter();
	L(B); U(B);
	hardirq_exit();
	local_irq_disable();
	L(B); RL(A); RU(A); U(B);
	local_irq_enable();
	RL(A); RU(A);
}

/* ---- mixed ----------------------------------------------------------------------- */

/*
 * mutex_A -> C -> D is softirq-unsafe -> softirq-safe (fine), but the
 * hardirq-safe A -> B -> C -> D reaches the hardirq-unsafe D: reported.
 */
static void hardirq_deadlock_softirq_not_deadlock(void)
{
	ML(A);
	local_irq_disable(); L(C); U(C); local_irq_enable();
	MU(A);
	hardirq_enter(); L(A); U(A); hardirq_exit();
	local_irq_disable(); L(A); L(B); U(B); U(A); local_irq_enable();
	local_irq_disable(); L(B); L(C); U(C); U(B); local_irq_enable();
	softirq_enter(); L(D); U(D); softirq_exit();
	local_bh_disable(); L(D); U(D); local_bh_enable();
	local_irq_disable(); L(C); L(D); U(D); U(C); local_irq_enable();
}

/* lockdep_set_subclass() keeps the lock's name. */
static void set_subclass_name(void)
{
	const char *before = st_rwsem[X1].dep_map.name;

	lockdep_set_subclass(&st_rwsem[X1], 1);
	DEBUG_LOCKS_WARN_ON(st_rwsem[X1].dep_map.name != before);
}

/* ---- running a case ------------------------------------------------------------------ */

static int testcase_total, testcase_successes, unexpected_testcase_failures;

/* The hidden test hook: run only one cell, with its expectation flipped. */
static const char *only_row;
static int only_col, flip_expectation;
static const char *cur_row;
static int cur_col;
static bool printing = true;

static void reset_locks(void)
{
	kmm_lockdep_reset();		/* forget classes, chains, held locks */
	init_all_locks();
}

void kmm_st_dotest(void (*testcase_fn)(void), int expected)
{
	int saved_preempt_count = preempt_count();
	int col = cur_col++;
	bool passed;

	if (only_row && (strcmp(cur_row, only_row) || col != only_col))
		return;
	if (flip_expectation)
		expected = !expected;
	WARN_ON(irqs_disabled());
	testcase_fn();
	passed = (__atomic_load_n(&kmm_debug_locks, __ATOMIC_RELAXED) != 0) == expected;
	if (passed)
		testcase_successes++;
	else
		unexpected_testcase_failures++;
	testcase_total++;
	if (printing)
		pr_cont("%s", passed ? "  ok  |" : "FAILED|");

	/* A bad case (a double unlock) may have left the counts off: restore. */
	atomic_store_explicit(&current->preempt_count, saved_preempt_count, memory_order_relaxed);
	if (current->irqs_off)
		local_irq_enable();
	current->hardirq_context = 0;
	current->softirq_context = 0;
	current->softirqs_enabled = !softirq_count();
	reset_locks();
}

void kmm_st_print_testname(const char *name)
{
	cur_row = name;
	cur_col = 0;
	if (printing)
		printk("%33s:", name);
}

void kmm_st_end_row(void)
{
	if (printing)
		pr_cont("\n");
}

void kmm_st_rule(const char *line)
{
	if (printing)
		printk("%s\n", line);
}

/* One row, a lock flavour a column: spin, wlock, rlock, mutex, wsem, rsem. */
static void row6(const char *name, void (*fn)(void), const int expect[NR_TYPES])
{
	print_testname(name);
	for (int type = 0; type < NR_TYPES; type++) {
		cur_type = type;
		dotest(fn, expect[type]);
	}
	end_row();
}

static const int expect_6r[NR_TYPES] = { FAILURE, FAILURE, SUCCESS, FAILURE, FAILURE, FAILURE };
static const int expect_6[NR_TYPES] = { FAILURE, FAILURE, FAILURE, FAILURE, FAILURE, FAILURE };

/* The rlock and rsem columns only. */
static void row_rr(const char *name, void (*rlock_fn)(void), int rlock_expected,
		   void (*rsem_fn)(void), int rsem_expected)
{
	print_testname(name);
	if (printing)
		pr_cont("             |");
	dotest(rlock_fn, rlock_expected);
	if (rsem_fn) {
		if (printing)
			pr_cont("             |");
		dotest(rsem_fn, rsem_expected);
	}
	end_row();
}

/* Every permutation of events, in the rlock column. */
static void rows_rlock_perms(const char *desc, const event_fn *events, int expected)
{
	char name[64];

	cur_events = events;
	for (size_t i = 0; i < ARRAY_SIZE(perms3); i++) {
		snprintf(name, sizeof(name), "%s/%s", desc, perms3[i]);
		cur_perm = perms3[i];
		row_rr(name, run_permutation, expected, NULL, 0);
	}
}

/*
 * irq rows: for each permutation, a hard- and a soft- row (or one row
 * when prefix is false), with spin/wlock/rlock cells.
 */
static void rows_irq3(const char *desc, const event_fn *events, const char *const *perms,
		      size_t nr_perms, bool hard_soft, bool rlock_reports)
{
	static const char *const ctx_name[] = { "hard-", "soft-" };
	char name[64];

	cur_events = events;
	for (size_t p = 0; p < nr_perms; p++) {
		for (int ctx = CTX_HARD; ctx <= (hard_soft ? CTX_SOFT : CTX_HARD); ctx++) {
			snprintf(name, sizeof(name), "%s%s/%s", hard_soft ? ctx_name[ctx] : "",
				 desc, perms[p]);
			cur_ctx = ctx;
			cur_perm = perms[p];
			print_testname(name);
			cur_type = T_SPIN;
			dotest(run_permutation, FAILURE);
			cur_type = T_WLOCK;
			dotest(run_permutation, FAILURE);
			cur_type = T_RLOCK;
			dotest(run_permutation, rlock_reports ? FAILURE : SUCCESS);
			end_row();
		}
	}
}

/* irq read-recursion rows: wlock and rlock cells. */
static void rows_irq_rw(const char *desc, const event_fn *events)
{
	static const char *const ctx_name[] = { "hard-", "soft-" };
	char name[64];

	cur_events = events;
	for (size_t p = 0; p < ARRAY_SIZE(perms3); p++) {
		for (int ctx = CTX_HARD; ctx <= CTX_SOFT; ctx++) {
			snprintf(name, sizeof(name), "%s%s/%s", ctx_name[ctx], desc, perms3[p]);
			cur_ctx = ctx;
			cur_perm = perms3[p];
			print_testname(name);
			if (printing)
				pr_cont("      |");
			cur_type = T_WLOCK;
			dotest(run_permutation, FAILURE);
			cur_type = T_RLOCK;
			dotest(run_permutation, SUCCESS);
			end_row();
		}
	}
}

static void run_matrix(void)
{
	rule("------------------------");
	rule("| Locking API testsuite:");
	rule("----------------------------------------------------------------------------");
	rule("                                 | spin |wlock |rlock |mutex | wsem | rsem |");
	rule(RULE_WIDE);

	reset_locks();
	kmm_force_read_lock_recursive = 1;

	row6("A-A deadlock", case_AA, expect_6r);
	row6("A-B-B-A deadlock", case_ABBA, expect_6r);
	row6("A-B-B-C-C-A deadlock", case_ABBCCA, expect_6r);
	row6("A-B-C-A-B-C deadlock", case_ABCABC, expect_6r);
	row6("A-B-B-C-C-D-D-A deadlock", case_ABBCCDDA, expect_6r);
	row6("A-B-C-D-B-D-D-A deadlock", case_ABCDBDDA, expect_6r);
	row6("A-B-C-D-B-C-D-A deadlock", case_ABCDBCDA, expect_6r);
	row6("double unlock", case_double_unlock, expect_6);
	row6("initialize held", case_init_held, expect_6);

	rule(RULE_WIDE);
	row_rr("recursive read-lock", rlock_AA1, SUCCESS, rsem_AA1, FAILURE);
	row_rr("recursive read-lock #2", rlock_AA1B, SUCCESS, rsem_AA1B, FAILURE);
	row_rr("mixed read-write-lock", rlock_AA2, FAILURE, rsem_AA2, FAILURE);
	row_rr("mixed write-read-lock", rlock_AA3, FAILURE, rsem_AA3, FAILURE);
	row_rr("mixed read-lock/lock-write ABBA", rlock_ABBA1, FAILURE, rwsem_ABBA1, FAILURE);
	row_rr("mixed read-lock/lock-read ABBA", rlock_ABBA2, SUCCESS, rwsem_ABBA2, FAILURE);
	row_rr("mixed write-lock/lock-write ABBA", rlock_ABBA3, FAILURE, rwsem_ABBA3, FAILURE);
	row_rr("chain cached mixed R-L/L-W ABBA", rlock_chaincache_ABBA1, FAILURE, NULL, 0);
	rows_rlock_perms("rlock W1R2/W2R3/W3R1", ev_W1R2_W2R3_W3R1, FAILURE);
	rows_rlock_perms("rlock W1W2/R2R3/W3R1", ev_W1W2_R2R3_W3R1, FAILURE);
	rows_rlock_perms("rlock W1W2/R2R3/R3W1", ev_W1W2_R2R3_R3W1, SUCCESS);
	rows_rlock_perms("rlock W1R2/R2R3/W3W1", ev_W1R2_R2R3_W3W1, SUCCESS);

	rule(RULE_WIDE);
	rows_irq3("irqs-on + irq-safe-A", ev_irqsafe1, perms2, 2, true, false);
	rows_irq3("sirq-safe-A => hirqs-on", ev_irqsafe2A, perms2, 2, false, false);
	rows_irq3("safe-A + irqs-on", ev_irqsafe2B, perms2, 2, true, false);
	rows_irq3("safe-A + unsafe-B #1", ev_irqsafe3, perms3, 6, true, false);
	rows_irq3("safe-A + unsafe-B #2", ev_irqsafe4, perms3, 6, true, false);
	rows_irq3("irq lock-inversion", ev_irq_inversion, perms3, 6, true, false);
	rows_irq_rw("irq read-recursion", ev_irq_read_recursion);
	rows_irq_rw("irq read-recursion #2", ev_irq_read_recursion2);
	rows_irq_rw("irq read-recursion #3", ev_irq_read_recursion3);

	kmm_st_ww_tests();

	kmm_force_read_lock_recursive = 0;
	rule(RULE_WIDE);
	rule("  | queued read lock tests |");
	rule("  ---------------------------");
	print_testname("hardirq read-lock/lock-read");
	dotest(queued_read_lock_hardirq_RE_Er, FAILURE);
	end_row();
	print_testname("hardirq lock-read/read-lock");
	dotest(queued_read_lock_hardirq_ER_rE, SUCCESS);
	end_row();
	print_testname("hardirq inversion");
	dotest(queued_read_lock_hardirq_inversion, FAILURE);
	end_row();

	print_testname("hardirq_unsafe_softirq_safe");
	dotest(hardirq_deadlock_softirq_not_deadlock, FAILURE);
	end_row();

	rule(RULE_WIDE);
	rule("  | lockdep_set_subclass() name test|");
	rule("  -----------------------------------");
	print_testname("compare name before and after");
	dotest(set_subclass_name, SUCCESS);
	end_row();
}

static int locking_selftest_run(void)
{
	if (!kmm_lockdep_enabled()) {
		if (printing) {
			printk("----------------------------------\n");
			printk("| Locking API testsuite disabled |\n");
			printk("----------------------------------\n");
		}
		return -1;
	}
	testcase_total = testcase_successes = unexpected_testcase_failures = 0;
	__atomic_store_n(&kmm_debug_locks_silent, 1, __ATOMIC_SEQ_CST);
	run_matrix();
	kmm_force_read_lock_recursive = 0;
	/* Leave lockdep as the suite found it: empty, and on. */
	kmm_lockdep_reset();
	__atomic_store_n(&kmm_debug_locks_silent, 0, __ATOMIC_SEQ_CST);

	/* The verdict is printed even for a single cell (the test hook). */
	if (unexpected_testcase_failures) {
		printk("-----------------------------------------------------------------\n");
		__atomic_store_n(&kmm_debug_locks, 0, __ATOMIC_SEQ_CST);
		printk("BUG: %3d unexpected failures (out of %3d) - debugging disabled! |\n",
		       unexpected_testcase_failures, testcase_total);
		printk("-----------------------------------------------------------------\n");
	} else {
		printk("-------------------------------------------------------\n");
		printk("Good, all %3d testcases passed! |\n", testcase_successes);
		printk("---------------------------------\n");
	}
	return unexpected_testcase_failures;
}

/*
 * Run the suite on the calling thread; returns the number of unexpected
 * failures (0: all passed), or -1 when it cannot run (lockdep is off, or
 * an earlier report turned lock debugging off).
 */
KMM_API int kmm_locking_selftest(void)
{
	only_row = NULL;
	flip_expectation = 0;
	printing = true;
	return locking_selftest_run();
}

/*
 * Test hook (hidden): run the one cell in row row, column col (from 0),
 * printing only the verdict; flip inverts its expectation.  Returns the unexpected
 * failures (0 or 1), or -1 if the suite could not run; *total gets the
 * number of cells run (1 if the cell exists).
 */
int kmm_locking_selftest_cell(const char *row, int col, int flip, int *total);
int kmm_locking_selftest_cell(const char *row, int col, int flip, int *total)
{
	int ret;

	only_row = row;
	only_col = col;
	flip_expectation = flip;
	printing = false;
	ret = locking_selftest_run();
	if (total)
		*total = testcase_total;
	only_row = NULL;
	flip_expectation = 0;
	printing = true;
	return ret;
}

/* ---- locking_selftest= ------------------------------------------------------------ */

static bool selftest_at_boot;

static int setup_locking_selftest(char *val)
{
	bool on;

	if (!val || kmm_kstrtobool(val, &on))
		return -EINVAL;
	selftest_at_boot = on;
	return 0;
}
__setup("locking_selftest", setup_locking_selftest);

static void locking_selftest_param_defaults(void)
{
	selftest_at_boot = false;
}
param_defaults(locking_selftest_param_defaults);

/* Called by kmm_init() once the command line is parsed (start_kernel's call). */
void kmm_locking_selftest_boot(void)
{
	if (selftest_at_boot && kmm_lockdep_enabled())
		kmm_locking_selftest();
}
