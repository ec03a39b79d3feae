// SPDX-License-Identifier: MIT
/*
 * The current CPU (from the rseq area glibc registers, else sched_getcpu),
 * the number of CPUs, and the calling thread's identity.
 */
#define _GNU_SOURCE
#include "arch.h"
#include <kmm/smp.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc 2.35+ exports these; weak so that older libcs still link. */
extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));

long kmm_arch_rseq_offset;
__thread unsigned int kmm_arch_fallback_cpu;
KMM_API unsigned int kmm_nr_cpu_ids = 1;

unsigned int kmm_arch_nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (unsigned int)n : 1;
}

void kmm_arch_cpu_init(void)
{
	if (&__rseq_size && &__rseq_offset && __rseq_size >= 8 && __rseq_offset)
		kmm_arch_rseq_offset = (long)__rseq_offset;
	else
		kmm_arch_rseq_offset = 0;
}

int kmm_arch_getcpu_slow(void)
{
	int cpu = sched_getcpu();

	return cpu >= 0 ? cpu : 0;
}

KMM_API int kmm_raw_smp_processor_id(void)
{
	unsigned int cpu = (unsigned int)kmm_arch_getcpu();

	return (int)(cpu < kmm_nr_cpu_ids ? cpu : cpu % kmm_nr_cpu_ids);
}

KMM_API pid_t kmm_current_pid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

KMM_API const char *kmm_current_comm(char *buf16)
{
	if (prctl(PR_GET_NAME, buf16, 0, 0, 0))
		strcpy(buf16, "?");
	buf16[15] = '\0';
	return buf16;
}
