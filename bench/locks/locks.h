/* SPDX-License-Identifier: MIT */
/* The lock benchmark's adapters: one lock and unlock per implementation. */
#ifndef KMM_BENCH_LOCKS_H
#define KMM_BENCH_LOCKS_H

struct lock_impl {
	const char *name;
	void (*lock)(void);
	void (*unlock)(void);
};

/* Concurrency Kit's locks (adapter_ck.c), or none (adapter_no_ck.c). */
extern const struct lock_impl ck_impls[];
extern const int nr_ck_impls;
extern const char ck_note[];

#endif
