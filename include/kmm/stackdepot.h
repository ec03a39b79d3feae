/* SPDX-License-Identifier: MIT */
/*
 * The stack depot (Linux 6.12 lib/stackdepot.c semantics): stack traces
 * stored once each and named by a 32-bit handle, so that a record that
 * wants a stack (slub_debug's U tracks) keeps four bytes instead of the
 * return addresses.  Handle 0 means "no stack": the save failed, the
 * trace was empty, or the depot is off (stack_depot_disable=on).  A
 * handle stays valid until kmm_exit(); nothing is ever evicted.
 */
#ifndef KMM_STACKDEPOT_H
#define KMM_STACKDEPOT_H

#include <kmm/types.h>
#include <stddef.h>

typedef u32 depot_stack_handle_t;

/* Bits of a handle left to the caller (stack_depot_set_extra_bits). */
#define STACK_DEPOT_EXTRA_BITS 5

/* Prepare the depot (its hash table).  Saves do it themselves when
 * needed; 0, or -ENOMEM (the depot is then off). */
KMM_API int kmm_stack_depot_init(void);
/* Store entries[0..nr_entries) unless an equal trace is stored already;
 * the trace's handle, or 0.  gfp is accepted for the kernel's signature:
 * the depot's memory never comes from the page allocator. */
KMM_API depot_stack_handle_t kmm_stack_depot_save(unsigned long *entries,
						  unsigned int nr_entries,
						  gfp_t gfp);
/* The entries of a handle (*entries points into the depot, read-only),
 * and their number; 0 and NULL for handle 0 or a disabled depot. */
KMM_API unsigned int kmm_stack_depot_fetch(depot_stack_handle_t handle,
					   unsigned long **entries);
/* Print the trace as stack_trace_print() does, one frame a line. */
KMM_API void kmm_stack_depot_print(depot_stack_handle_t handle);
/* Format the trace into buf as stack_trace_snprint(); the length the
 * whole trace needs (as snprintf), 0 for no trace. */
KMM_API int kmm_stack_depot_snprint(depot_stack_handle_t handle, char *buf,
				    size_t size, int spaces);
KMM_API depot_stack_handle_t kmm_stack_depot_set_extra_bits(depot_stack_handle_t handle,
							    unsigned int extra_bits);
KMM_API unsigned int kmm_stack_depot_get_extra_bits(depot_stack_handle_t handle);

#define stack_depot_init		kmm_stack_depot_init
#define stack_depot_save		kmm_stack_depot_save
#define stack_depot_fetch		kmm_stack_depot_fetch
#define stack_depot_print		kmm_stack_depot_print
#define stack_depot_snprint		kmm_stack_depot_snprint
#define stack_depot_set_extra_bits	kmm_stack_depot_set_extra_bits
#define stack_depot_get_extra_bits	kmm_stack_depot_get_extra_bits

#endif /* KMM_STACKDEPOT_H */
