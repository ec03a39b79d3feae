// SPDX-License-Identifier: MIT
/*
 * The locking self-test's ww_mutex cases (lib/locking-selftest.c's
 * "Wound/wait tests"): API misuse the ww debug checks must catch, context
 * mixing, -EDEADLK back-off with and without ww_mutex_lock_slow(), spinlocks
 * nested under a ww_mutex, and the block/try/context combinations, all on
 * the wait-die class as in 6.12.  Run by locking_selftest.c's matrix.
 */
#include <kmm/spinlock.h>
#include <kmm/ww_mutex.h>
#include <kmm/debug_locks.h>
#include <kmm/printk.h>
#include "locking/locking_selftest.h"
#include <errno.h>

/* The matrix's spinlocks A, X1, ... (lock_one(T_SPIN, x) in the matrix). */
#define L(x)		spin_lock(&kmm_st_spin[x])
#define U(x)		spin_unlock(&kmm_st_spin[x])

#define WWAI(x)		kmm_ww_acquire_init(x, &kmm_st_ww_class)
#define WWAD(x)		kmm_ww_acquire_done(x)
#define WWAF(x)		kmm_ww_acquire_fini(x)
#define WWL(x, c)	kmm_ww_mutex_lock(x, c)
#define WWT(x)		kmm_ww_mutex_trylock(x, NULL)
#define WWL1(x)		kmm_ww_mutex_lock(x, NULL)
#define WWU(x)		kmm_ww_mutex_unlock(x)
/* An API result the case relies on: a wrong one counts as a report. */
#define CHECK(c)	((void)DEBUG_LOCKS_WARN_ON(!(c)))

static void ww_fail_acquire(void)
{
	WWAI(&kmm_st_ww_t);
	kmm_st_ww_t.stamp++;
	if (WWL(&kmm_st_ww_o, &kmm_st_ww_t) != 0 || !kmm_st_ww_o.ctx) {
		CHECK(0);
		return;
	}
	CHECK(WWL(&kmm_st_ww_o, &kmm_st_ww_t) == -EALREADY);
	CHECK(!WWT(&kmm_st_ww_o));
	kmm_st_ww_t2 = kmm_st_ww_t;
	kmm_st_ww_t2.stamp++;		/* younger, holding "something": must back off */
	CHECK(WWL(&kmm_st_ww_o, &kmm_st_ww_t2) == -EDEADLK);
	WWU(&kmm_st_ww_o);
	if (WWT(&kmm_st_ww_o))
		WWU(&kmm_st_ww_o);
	else
		CHECK(0);
}

/* The plain mutex calls on a ww_mutex's base must not touch ww state. */
static void ww_normal(void)
{
	void *const poison = (void *)~0UL;

	WWAI(&kmm_st_ww_t);
	kmm_st_ww_o.ctx = poison;
	mutex_lock(&kmm_st_ww_o.base);
	mutex_unlock(&kmm_st_ww_o.base);
	CHECK(kmm_st_ww_o.ctx == poison);
	if (mutex_lock_interruptible(&kmm_st_ww_o.base) == 0)
		mutex_unlock(&kmm_st_ww_o.base);
	else
		CHECK(0);
	CHECK(kmm_st_ww_o.ctx == poison);
	if (mutex_lock_killable(&kmm_st_ww_o.base) == 0)
		mutex_unlock(&kmm_st_ww_o.base);
	else
		CHECK(0);
	CHECK(kmm_st_ww_o.ctx == poison);
	if (mutex_trylock(&kmm_st_ww_o.base))
		mutex_unlock(&kmm_st_ww_o.base);
	else
		CHECK(0);
	CHECK(kmm_st_ww_o.ctx == poison);
	mutex_lock(&kmm_st_ww_o.base);
	CHECK(!mutex_trylock(&kmm_st_ww_o.base));
	mutex_unlock(&kmm_st_ww_o.base);
	CHECK(kmm_st_ww_o.ctx == poison);
	mutex_lock_nest_lock(&kmm_st_ww_o.base, &kmm_st_ww_t);
	mutex_unlock(&kmm_st_ww_o.base);
	CHECK(kmm_st_ww_o.ctx == poison);
}

static void ww_unneeded_slow(void)
{
	WWAI(&kmm_st_ww_t);
	kmm_ww_mutex_lock_slow(&kmm_st_ww_o, &kmm_st_ww_t);
}

static void ww_two_contexts(void)
{
	WWAI(&kmm_st_ww_t);
	WWAI(&kmm_st_ww_t2);
}

static void ww_diff_class(void)
{
	WWAI(&kmm_st_ww_t);
	kmm_st_ww_t.ww_class = NULL;
	WWL(&kmm_st_ww_o, &kmm_st_ww_t);
}

static void ww_context_done_twice(void)
{
	WWAI(&kmm_st_ww_t);
	WWAD(&kmm_st_ww_t);
	WWAD(&kmm_st_ww_t);
	WWAF(&kmm_st_ww_t);
}

static void ww_context_unlock_twice(void)
{
	WWAI(&kmm_st_ww_t);
	WWAD(&kmm_st_ww_t);
	WWAF(&kmm_st_ww_t);
	WWAF(&kmm_st_ww_t);
}

static void ww_context_fini_early(void)
{
	WWAI(&kmm_st_ww_t);
	WWL(&kmm_st_ww_o, &kmm_st_ww_t);
	WWAD(&kmm_st_ww_t);
	WWAF(&kmm_st_ww_t);
}

static void ww_context_lock_after_done(void)
{
	WWAI(&kmm_st_ww_t);
	WWAD(&kmm_st_ww_t);
	WWL(&kmm_st_ww_o, &kmm_st_ww_t);
}

static void ww_object_unlock_twice(void)
{
	WWL1(&kmm_st_ww_o);
	WWU(&kmm_st_ww_o);
	WWU(&kmm_st_ww_o);
}

static void ww_object_lock_unbalanced(void)
{
	WWAI(&kmm_st_ww_t);
	WWL(&kmm_st_ww_o, &kmm_st_ww_t);
	kmm_st_ww_t.acquired = 0;
	WWU(&kmm_st_ww_o);
	WWAF(&kmm_st_ww_t);
}

static void ww_object_lock_stale_context(void)
{
	WWAI(&kmm_st_ww_t);
	kmm_st_ww_o.ctx = &kmm_st_ww_t2;
	WWL(&kmm_st_ww_o, &kmm_st_ww_t);
}

/*
 * Make *held look taken by an older context t2 (held by this thread, but
 * invisible to lockdep), start kmm_st_ww_t, take kmm_st_ww_o under kmm_st_ww_t, and run into *held:
 * -EDEADLK with kmm_st_ww_t as the context that must back off.
 */
static void ww_edeadlk_setup(struct ww_mutex *held, struct ww_mutex *held2)
{
	mutex_lock(&held->base);
	mutex_release(&held->base.dep_map, _THIS_IP_);
	held->ctx = &kmm_st_ww_t2;
	if (held2) {
		mutex_lock(&held2->base);
		mutex_release(&held2->base.dep_map, _THIS_IP_);
		held2->ctx = &kmm_st_ww_t2;
	}
	WWAI(&kmm_st_ww_t);
	kmm_st_ww_t2 = kmm_st_ww_t;
	kmm_st_ww_t2.stamp--;
	CHECK(WWL(&kmm_st_ww_o, &kmm_st_ww_t) == 0);
	CHECK(WWL(held, &kmm_st_ww_t) == -EDEADLK);
}

/* Give *held back (as its owner would) so that kmm_st_ww_t can take it. */
static void ww_edeadlk_release(struct ww_mutex *held)
{
	held->ctx = NULL;
	mutex_acquire(&held->base.dep_map, 0, 1, _THIS_IP_);
	mutex_unlock(&held->base);
}

static void ww_edeadlk_normal(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	ww_edeadlk_release(&kmm_st_ww_o2);
	WWU(&kmm_st_ww_o);
	WWL(&kmm_st_ww_o2, &kmm_st_ww_t);
}

static void ww_edeadlk_normal_slow(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	ww_edeadlk_release(&kmm_st_ww_o2);
	WWU(&kmm_st_ww_o);
	kmm_ww_mutex_lock_slow(&kmm_st_ww_o2, &kmm_st_ww_t);
}

static void ww_edeadlk_no_unlock(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	ww_edeadlk_release(&kmm_st_ww_o2);
	WWL(&kmm_st_ww_o2, &kmm_st_ww_t);		/* kmm_st_ww_o still held */
}

static void ww_edeadlk_no_unlock_slow(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	ww_edeadlk_release(&kmm_st_ww_o2);
	kmm_ww_mutex_lock_slow(&kmm_st_ww_o2, &kmm_st_ww_t);
}

static void ww_edeadlk_acquire_more(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	WWL(&kmm_st_ww_o3, &kmm_st_ww_t);		/* not the contended lock */
}

static void ww_edeadlk_acquire_more_slow(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	kmm_ww_mutex_lock_slow(&kmm_st_ww_o3, &kmm_st_ww_t);
}

static void ww_edeadlk_acquire_more_edeadlk(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, &kmm_st_ww_o3);
	CHECK(WWL(&kmm_st_ww_o3, &kmm_st_ww_t) == -EDEADLK);
}

static void ww_edeadlk_acquire_more_edeadlk_slow(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, &kmm_st_ww_o3);
	kmm_ww_mutex_lock_slow(&kmm_st_ww_o3, &kmm_st_ww_t);
}

static void ww_edeadlk_acquire_wrong(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	WWU(&kmm_st_ww_o);
	WWL(&kmm_st_ww_o3, &kmm_st_ww_t);
}

static void ww_edeadlk_acquire_wrong_slow(void)
{
	ww_edeadlk_setup(&kmm_st_ww_o2, NULL);
	WWU(&kmm_st_ww_o);
	kmm_ww_mutex_lock_slow(&kmm_st_ww_o3, &kmm_st_ww_t);
}

static void ww_spin_nest_unlocked(void)
{
	spin_lock_nest_lock(&kmm_st_spin[A], &kmm_st_ww_o.base);
	U(A);
}

/* Y1 and Y2 are serialised by X1: no deadlock. */
static void ww_spin_nest_lock(void)
{
	spin_lock(&kmm_st_spin[X1]);
	spin_lock_nest_lock(&kmm_st_spin[Y1], &kmm_st_spin[X1]);
	spin_lock(&kmm_st_spin[A]);
	spin_lock_nest_lock(&kmm_st_spin[Y2], &kmm_st_spin[X1]);
	spin_unlock(&kmm_st_spin[A]);
	spin_unlock(&kmm_st_spin[Y2]);
	spin_unlock(&kmm_st_spin[Y1]);
	spin_unlock(&kmm_st_spin[X1]);
}

static void ww_context_block(void)	{ WWAI(&kmm_st_ww_t); CHECK(!WWL(&kmm_st_ww_o, &kmm_st_ww_t)); WWL1(&kmm_st_ww_o2); }
static void ww_context_try(void)
{
	WWAI(&kmm_st_ww_t);
	CHECK(!WWL(&kmm_st_ww_o, &kmm_st_ww_t));
	CHECK(WWT(&kmm_st_ww_o2));
	WWU(&kmm_st_ww_o2);
	WWU(&kmm_st_ww_o);
}
static void ww_context_context(void)
{
	WWAI(&kmm_st_ww_t);
	CHECK(!WWL(&kmm_st_ww_o, &kmm_st_ww_t));
	CHECK(!WWL(&kmm_st_ww_o2, &kmm_st_ww_t));
	WWU(&kmm_st_ww_o2);
	WWU(&kmm_st_ww_o);
}
static void ww_try_block(void)		{ CHECK(WWT(&kmm_st_ww_o)); WWL1(&kmm_st_ww_o2); WWU(&kmm_st_ww_o2); WWU(&kmm_st_ww_o); }
static void ww_try_try(void)		{ CHECK(WWT(&kmm_st_ww_o)); CHECK(WWT(&kmm_st_ww_o2)); WWU(&kmm_st_ww_o2); WWU(&kmm_st_ww_o); }
static void ww_try_context(void)	{ CHECK(WWT(&kmm_st_ww_o)); WWAI(&kmm_st_ww_t); CHECK(!WWL(&kmm_st_ww_o2, &kmm_st_ww_t)); }
static void ww_block_block(void)	{ WWL1(&kmm_st_ww_o); WWL1(&kmm_st_ww_o2); }
static void ww_block_try(void)		{ WWL1(&kmm_st_ww_o); CHECK(WWT(&kmm_st_ww_o2)); }
static void ww_block_context(void)	{ WWL1(&kmm_st_ww_o); WWAI(&kmm_st_ww_t); CHECK(!WWL(&kmm_st_ww_o2, &kmm_st_ww_t)); }

static void ww_spin_block(void)
{
	L(A); U(A);
	WWL1(&kmm_st_ww_o); L(A); U(A); WWU(&kmm_st_ww_o);
	L(A); WWL1(&kmm_st_ww_o); WWU(&kmm_st_ww_o); U(A);
}

static void ww_spin_try(void)
{
	L(A); U(A);
	CHECK(WWT(&kmm_st_ww_o)); L(A); U(A); WWU(&kmm_st_ww_o);
	L(A); CHECK(WWT(&kmm_st_ww_o)); WWU(&kmm_st_ww_o); U(A);
}

static void ww_spin_context(void)
{
	L(A); U(A);
	WWAI(&kmm_st_ww_t);
	CHECK(!WWL(&kmm_st_ww_o, &kmm_st_ww_t)); L(A); U(A); WWU(&kmm_st_ww_o);
	L(A); CHECK(!WWL(&kmm_st_ww_o, &kmm_st_ww_t)); WWU(&kmm_st_ww_o); U(A);
}


void kmm_st_ww_tests(void)
{
	rule(RULE_WIDE);
	rule("  | Wound/wait tests |");
	rule("  ---------------------");

	print_testname("ww api failures");
	dotest(ww_fail_acquire, SUCCESS);
	dotest(ww_normal, SUCCESS);
	dotest(ww_unneeded_slow, FAILURE);
	end_row();

	print_testname("ww contexts mixing");
	dotest(ww_two_contexts, FAILURE);
	dotest(ww_diff_class, FAILURE);
	end_row();

	print_testname("finishing ww context");
	dotest(ww_context_done_twice, FAILURE);
	dotest(ww_context_unlock_twice, FAILURE);
	dotest(ww_context_fini_early, FAILURE);
	dotest(ww_context_lock_after_done, FAILURE);
	end_row();

	print_testname("locking mismatches");
	dotest(ww_object_unlock_twice, FAILURE);
	dotest(ww_object_lock_unbalanced, FAILURE);
	dotest(ww_object_lock_stale_context, FAILURE);
	end_row();

	print_testname("EDEADLK handling");
	dotest(ww_edeadlk_normal, SUCCESS);
	dotest(ww_edeadlk_normal_slow, SUCCESS);
	dotest(ww_edeadlk_no_unlock, FAILURE);
	dotest(ww_edeadlk_no_unlock_slow, FAILURE);
	dotest(ww_edeadlk_acquire_more, FAILURE);
	dotest(ww_edeadlk_acquire_more_slow, FAILURE);
	dotest(ww_edeadlk_acquire_more_edeadlk, FAILURE);
	dotest(ww_edeadlk_acquire_more_edeadlk_slow, FAILURE);
	dotest(ww_edeadlk_acquire_wrong, FAILURE);
	dotest(ww_edeadlk_acquire_wrong_slow, FAILURE);
	end_row();

	print_testname("spinlock nest unlocked");
	dotest(ww_spin_nest_unlocked, FAILURE);
	end_row();

	print_testname("spinlock nest test");
	dotest(ww_spin_nest_lock, SUCCESS);
	end_row();

	rule("  -----------------------------------------------------");
	rule("                                 |block | try  |context|");
	rule("  -----------------------------------------------------");

	print_testname("context");
	dotest(ww_context_block, FAILURE);
	dotest(ww_context_try, SUCCESS);
	dotest(ww_context_context, SUCCESS);
	end_row();

	print_testname("try");
	dotest(ww_try_block, FAILURE);
	dotest(ww_try_try, SUCCESS);
	dotest(ww_try_context, FAILURE);
	end_row();

	print_testname("block");
	dotest(ww_block_block, FAILURE);
	dotest(ww_block_try, SUCCESS);
	dotest(ww_block_context, FAILURE);
	end_row();

	print_testname("spinlock");
	dotest(ww_spin_block, FAILURE);
	dotest(ww_spin_try, SUCCESS);
	dotest(ww_spin_context, FAILURE);
	end_row();
}
