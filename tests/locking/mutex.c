// SPDX-License-Identifier: MIT
/*
 * struct mutex and ww_mutex: mutual exclusion under contention, trylock,
 * mutex_lock_interruptible() and signals, the debug checks, and the
 * wound-wait / wait-die backoff protocol.
 */
#define _GNU_SOURCE
#include "kmm_test.h"
#include "stress.h"
#include <kmm/mutex.h>
#include <kmm/ww_mutex.h>
#include <kmm/sched.h>
#include <kmm/spinlock.h>
#include <errno.h>
#include <unistd.h>

#define NTHREADS 6
#define ITERS 5000

static DEFINE_MUTEX(static_mutex);
static long counter;

static void mutex_op(void *arg, int id)
{
	struct mutex *m = arg;

	if (id == 1) {
		while (!mutex_trylock(m))
			sched_yield();
	} else if (id == 2) {
		if (mutex_lock_interruptible(m))
			return;
	} else {
		mutex_lock(m);
	}
	counter++;
	mutex_unlock(m);
}

struct obj { struct mutex lock; };

/* ---- basics ---------------------------------------------------------------- */

static void test_mutex_basic(void)
{
	struct obj o;

	mutex_init(&o.lock);
	is_str(o.lock.dep_map.name, "&o.lock", "mutex_init names the class after the expression");
	is_str(static_mutex.dep_map.name, "static_mutex", "DEFINE_MUTEX names it after the variable");
	ok(!mutex_is_locked(&o.lock), "unlocked after init");
	mutex_lock(&o.lock);
	ok(mutex_is_locked(&o.lock), "mutex_is_locked");
	ok(!mutex_trylock(&o.lock), "trylock of a held mutex fails");
	mutex_unlock(&o.lock);
	ok(mutex_trylock(&o.lock), "trylock of a free mutex");
	mutex_unlock(&o.lock);
	mutex_lock_nested(&o.lock, 1);
	mutex_unlock(&o.lock);
	mutex_destroy(&o.lock);

	counter = 0;
	run_stress(mutex_op, &static_mutex, NTHREADS, ITERS);
	is_int(counter, NTHREADS * ITERS, "mutex: no lost update under contention");
	ok(!mutex_is_locked(&static_mutex), "free at the end");
}

/* ---- mutex_lock_interruptible ------------------------------------------------ */

static DEFINE_MUTEX(intr_mutex);
static struct task_struct *waiter_task;
static atomic_int waiter_ready, waiter_ret = 1;

static void *intr_waiter(void *arg)
{
	waiter_task = current;
	atomic_store(&waiter_ready, 1);
	atomic_store(&waiter_ret, mutex_lock_interruptible(&intr_mutex));
	if (atomic_load(&waiter_ret) == 0)
		mutex_unlock(&intr_mutex);
	return NULL;
}

static void test_interruptible(void)
{
	pthread_t th;

	mutex_lock(&intr_mutex);
	pthread_create(&th, NULL, intr_waiter, NULL);
	wait_for(&waiter_ready, 1);
	for (int i = 0; i < 100 && !atomic_load(&waiter_task->sleeping); i++)
		usleep(1000);
	kmm_signal_task(waiter_task);
	pthread_join(th, NULL);
	is_int(atomic_load(&waiter_ret), -EINTR, "a signal makes mutex_lock_interruptible return -EINTR");
	ok(mutex_is_locked(&intr_mutex), "the holder still holds it");
	mutex_unlock(&intr_mutex);

	kmm_signal_task(current);
	ok(signal_pending(current), "signal_pending(current)");
	is_int(mutex_lock_interruptible(&intr_mutex), 0, "a free mutex is taken even with a signal pending");
	mutex_unlock(&intr_mutex);
	kmm_flush_signals();
	ok(!signal_pending(current), "flush_signals clears it");
}

/* ---- debug checks --------------------------------------------------------------- */

static DEFINE_MUTEX(owned);
static atomic_int owner_step;

static void *other_unlocker(void *arg)
{
	mutex_unlock(&owned);
	atomic_store(&owner_step, 1);
	return NULL;
}

static void test_debug(void)
{
	pthread_t th;
	struct obj o;
	const char *log;

	kmm_dmesg_clear();
	mutex_lock(&owned);
	pthread_create(&th, NULL, other_unlocker, NULL);
	pthread_join(th, NULL);
	log = test_dmesg();
	like(log, "DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)",
	     "unlock by a non-owner: DEBUG_LOCKS_WARN_ON report");
	like(log, "WARNING: CPU: ", "a WARNING");
	ok(!mutex_is_locked(&owned), "the mutex is released anyway");
	ok(!debug_locks, "debug_locks is off after the report");

	/* The next check needs lock debugging on again. */
	debug_locks = 1;
	kmm_dmesg_clear();
	mutex_init(&o.lock);
	mutex_lock(&o.lock);
	mutex_destroy(&o.lock);
	like(test_dmesg(), "DEBUG_LOCKS_WARN_ON(kmm_mutex_is_locked(lock))",
	     "mutex_destroy of a locked mutex is reported");
	debug_locks = 1;
}

/* ---- ww_mutex ------------------------------------------------------------------- */

static DEFINE_WW_CLASS(ww_class);
static DEFINE_WD_CLASS(wd_class);

struct abba {
	struct ww_class *class;
	struct ww_mutex a, b;
	atomic_int step;
	atomic_int deadlks;
	atomic_int done;
};

struct abba_thread {
	struct abba *t;
	bool reverse;
	int deadlk;
};

/*
 * Take both locks in our order, backing off on -EDEADLK as
 * Documentation/locking/ww-mutex-design.rst shows.  Both threads hold
 * their first lock before either tries the second.
 */
static void *abba_thread(void *p)
{
	struct abba_thread *a = p;
	struct abba *t = a->t;
	struct ww_mutex *first = a->reverse ? &t->b : &t->a;
	struct ww_mutex *second = a->reverse ? &t->a : &t->b;
	struct ww_acquire_ctx ctx;
	int ret;

	ww_acquire_init(&ctx, t->class);
	ret = ww_mutex_lock(first, &ctx);
	if (ret)
		return NULL;
	atomic_fetch_add(&t->step, 1);
	wait_for(&t->step, 2);
	ret = ww_mutex_lock(second, &ctx);
	while (ret == -EDEADLK) {
		a->deadlk++;
		atomic_fetch_add(&t->deadlks, 1);
		ww_mutex_unlock(first);
		/* take the contended one first, then retry the other */
		ww_mutex_lock_slow(second, &ctx);
		struct ww_mutex *tmp = first;
		first = second;
		second = tmp;
		ret = ww_mutex_lock(second, &ctx);
	}
	ww_acquire_done(&ctx);
	if (!ret) {
		atomic_fetch_add(&t->done, 1);
		ww_mutex_unlock(second);
	}
	ww_mutex_unlock(first);
	ww_acquire_fini(&ctx);
	return NULL;
}

static void test_ww_abba(struct ww_class *class, const char *what)
{
	struct abba t = { .class = class };
	struct abba_thread a0 = { &t, false, 0 }, a1 = { &t, true, 0 };
	pthread_t th0, th1;

	ww_mutex_init(&t.a, class);
	ww_mutex_init(&t.b, class);
	pthread_create(&th0, NULL, abba_thread, &a0);
	pthread_create(&th1, NULL, abba_thread, &a1);
	pthread_join(th0, NULL);
	pthread_join(th1, NULL);
	is_int(atomic_load(&t.deadlks), 1, "%s: exactly one context got -EDEADLK", what);
	is_int(atomic_load(&t.done), 2, "%s: both contexts then took both locks", what);
	ok(!ww_mutex_is_locked(&t.a) && !ww_mutex_is_locked(&t.b), "%s: all released", what);
}

static void test_ww_basic(void)
{
	struct ww_mutex m, n;
	struct ww_acquire_ctx ctx;

	ww_mutex_init(&m, &ww_class);
	ww_mutex_init(&n, &ww_class);
	is_str(m.base.dep_map.name, "ww_class_mutex", "a ww_mutex's class is <class>_mutex");
	ww_acquire_init(&ctx, &ww_class);
	is_str(ctx.dep_map.name, "ww_class_acquire", "the context's class is <class>_acquire");
	is_int(ww_mutex_lock(&m, &ctx), 0, "ww_mutex_lock");
	is_int(ww_mutex_lock(&m, &ctx), -EALREADY, "again with the same context: -EALREADY");
	is_int(ww_mutex_trylock(&n, &ctx), 1, "ww_mutex_trylock");
	is_int(ctx.acquired, 2, "two acquired");
	ww_mutex_unlock(&n);
	ww_mutex_unlock(&m);
	ww_acquire_fini(&ctx);
	is_int(ww_mutex_lock(&m, NULL), 0, "without a context it is a mutex");
	ww_mutex_unlock(&m);
}

/* The DEBUG_WW_MUTEXES checks (lockdep off: with it on, lockdep reports first). */
static void test_ww_debug(void)
{
	struct ww_mutex m, n;
	struct ww_acquire_ctx ctx;
	const char *log;

	ww_mutex_init(&m, &ww_class);
	ww_mutex_init(&n, &ww_class);
	/* debug: locking after ww_acquire_done */
	debug_locks = 1;
	kmm_dmesg_clear();
	ww_acquire_init(&ctx, &ww_class);
	ww_mutex_lock(&m, &ctx);
	ww_acquire_done(&ctx);
	ww_mutex_lock(&n, &ctx);
	log = test_dmesg();
	like(log, "DEBUG_LOCKS_WARN_ON(ww_ctx->done_acquire)", "ww_mutex_lock after ww_acquire_done");
	ww_mutex_unlock(&n);
	ww_mutex_unlock(&m);
	ww_acquire_fini(&ctx);

	/* debug: fini with locks held */
	debug_locks = 1;
	kmm_dmesg_clear();
	ww_acquire_init(&ctx, &ww_class);
	ww_mutex_lock(&m, &ctx);
	ww_acquire_fini(&ctx);
	like(test_dmesg(), "DEBUG_LOCKS_WARN_ON(ctx->acquired)", "ww_acquire_fini with a lock held");
	ww_mutex_unlock(&m);

	/* debug: a lock of another class */
	{
		struct ww_mutex other;

		ww_mutex_init(&other, &wd_class);
		debug_locks = 1;
		kmm_dmesg_clear();
		ww_acquire_init(&ctx, &ww_class);
		ww_mutex_lock(&other, &ctx);
		like(test_dmesg(), "DEBUG_LOCKS_WARN_ON(ww_ctx->ww_class != ww->ww_class)",
		     "a ww_mutex of another class");
		ww_mutex_unlock(&other);
		ww_acquire_fini(&ctx);
	}
	debug_locks = 1;
}

/* Many contexts, random lock orders: all complete, no lost update. */
#define NLOCKS 8
static struct ww_mutex stress_locks[NLOCKS];
static long stress_vals[NLOCKS];
static struct ww_class *stress_class;
static atomic_long stress_expected;

static void ww_stress_op(void *arg, int id)
{
	static __thread unsigned int seed;
	struct ww_acquire_ctx ctx;
	int order[4], n = 4, i, j, ret;
	struct ww_mutex *contended = NULL;

	if (!seed)
		seed = (unsigned int)id * 2654435761u + 1;
	for (i = 0; i < n; i++) {
		order[i] = rand_r(&seed) % NLOCKS;
		for (j = 0; j < i; j++)
			if (order[j] == order[i])
				order[i] = -1;
	}
	ww_acquire_init(&ctx, stress_class);
retry:
	for (i = 0; i < n; i++) {
		if (order[i] < 0 || &stress_locks[order[i]] == contended)
			continue;
		ret = ww_mutex_lock(&stress_locks[order[i]], &ctx);
		if (ret == -EDEADLK) {
			for (j = 0; j < i; j++)
				if (order[j] >= 0 && &stress_locks[order[j]] != contended)
					ww_mutex_unlock(&stress_locks[order[j]]);
			if (contended)
				ww_mutex_unlock(contended);
			contended = &stress_locks[order[i]];
			ww_mutex_lock_slow(contended, &ctx);
			goto retry;
		}
	}
	ww_acquire_done(&ctx);
	for (i = 0; i < n; i++)
		if (order[i] >= 0) {
			stress_vals[order[i]]++;
			atomic_fetch_add(&stress_expected, 1);
		}
	for (i = 0; i < n; i++)
		if (order[i] >= 0)
			ww_mutex_unlock(&stress_locks[order[i]]);
	ww_acquire_fini(&ctx);
}

static void test_ww_stress(struct ww_class *class, const char *what)
{
	long sum = 0, before = 0;

	stress_class = class;
	for (int i = 0; i < NLOCKS; i++) {
		ww_mutex_init(&stress_locks[i], class);
		before += stress_vals[i];
	}
	run_stress(ww_stress_op, NULL, NTHREADS, 2000);
	for (int i = 0; i < NLOCKS; i++) {
		sum += stress_vals[i];
		if (ww_mutex_is_locked(&stress_locks[i]))
			sum = -1;
	}
	ok(sum == before + atomic_exchange(&stress_expected, 0), "%s stress: %d contexts x 2000 transactions completed, all released",
	   what, NTHREADS);
	ok(debug_locks, "%s stress: no debug check fired", what);
}

int main(void)
{
	alarm(300);
	if (test_boot("mem=16M"))
		return 1;
	test_mutex_basic();
	test_interruptible();
	test_ww_basic();
	test_ww_abba(&ww_class, "wound-wait");
	test_ww_abba(&wd_class, "wait-die");
	test_ww_stress(&ww_class, "wound-wait");
	test_ww_stress(&wd_class, "wait-die");
	/*
	 * Last: they provoke reports.  With lockdep on (KMM_CMDLINE=lockdep=on)
	 * lockdep reports these bugs first and the checks stay silent.
	 */
	if (!kmm_lockdep_enabled()) {
		test_debug();
		test_ww_debug();
	} else {
		diag("lockdep is on: skipping the DEBUG_LOCKS_WARN_ON checks");
	}
	kmm_exit();
	return done_testing();
}
