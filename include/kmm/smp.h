/* SPDX-License-Identifier: MIT */
/*
 * CPUs.  Per-CPU data is indexed by the CPU the calling thread runs on
 * now; a thread can migrate at any time, so per-CPU data is always
 * protected by a per-CPU lock or updated atomically.
 */
#ifndef KMM_SMP_H
#define KMM_SMP_H

#include <kmm/types.h>

KMM_API extern unsigned int kmm_nr_cpu_ids;
KMM_API int kmm_raw_smp_processor_id(void);
/* The calling thread's id and name, as current->pid and current->comm. */
KMM_API pid_t kmm_current_pid(void);
KMM_API const char *kmm_current_comm(char *buf16);

#define nr_cpu_ids		kmm_nr_cpu_ids
#define raw_smp_processor_id()	kmm_raw_smp_processor_id()
#define smp_processor_id()	kmm_raw_smp_processor_id()
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < (int)kmm_nr_cpu_ids; (cpu)++)

#endif /* KMM_SMP_H */
