/* SPDX-License-Identifier: MIT */
/*
 * Library internals shared with the rest of kmm (hidden): the stack
 * depot's reset at kmm_exit() and its test hooks.
 */
#ifndef KMM_LIB_INTERNAL_H
#define KMM_LIB_INTERNAL_H

#include <kmm/stackdepot.h>

/*
 * Changes (under no lock: at kmm_init()/kmm_exit() time) whenever a save
 * of a trace might no longer return the handle an earlier save of it
 * did: the depot reset or disabled.  A caller that remembers the handle
 * of a trace it saved (slub_track.c) may reuse it while this stays the
 * same.  Never 0.
 */
extern unsigned int kmm_stack_depot_epoch;

/* kmm_exit(): forget every stack and give the depot's memory back. */
void kmm_stack_depot_exit(void);
/* Tests: lower the number of pools a save may open (at most
 * DEPOT_POOLS_CAP); takes effect for the next pool.  The old cap. */
int kmm_stack_depot_set_max_pools(int max_pools);
/* Tests: the number of pools in use. */
int kmm_stack_depot_pools(void);

#endif /* KMM_LIB_INTERNAL_H */
