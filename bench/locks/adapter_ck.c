// SPDX-License-Identifier: MIT
/* Concurrency Kit (Debian libck-dev): its FAS and ticket spinlocks and its rwlock. */
#include <ck_spinlock.h>
#include <ck_rwlock.h>
#include "locks.h"

static ck_spinlock_fas_t fas = CK_SPINLOCK_FAS_INITIALIZER;
static ck_spinlock_ticket_t ticket = CK_SPINLOCK_TICKET_INITIALIZER;
static ck_rwlock_t rw = CK_RWLOCK_INITIALIZER;

static void fas_lock(void) { ck_spinlock_fas_lock(&fas); }
static void fas_unlock(void) { ck_spinlock_fas_unlock(&fas); }
static void ticket_lock(void) { ck_spinlock_ticket_lock(&ticket); }
static void ticket_unlock(void) { ck_spinlock_ticket_unlock(&ticket); }
static void rw_read_lock(void) { ck_rwlock_read_lock(&rw); }
static void rw_read_unlock(void) { ck_rwlock_read_unlock(&rw); }
static void rw_write_lock(void) { ck_rwlock_write_lock(&rw); }
static void rw_write_unlock(void) { ck_rwlock_write_unlock(&rw); }

const struct lock_impl ck_impls[] = {
	{ "ck_spinlock_fas", fas_lock, fas_unlock },
	{ "ck_spinlock_ticket", ticket_lock, ticket_unlock },
	{ "ck_rwlock read", rw_read_lock, rw_read_unlock },
	{ "ck_rwlock write", rw_write_lock, rw_write_unlock },
};
const int nr_ck_impls = sizeof(ck_impls) / sizeof(ck_impls[0]);
const char ck_note[] = "";
