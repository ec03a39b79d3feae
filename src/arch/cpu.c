// SPDX-License-Identifier: MIT
/*
 * The current CPU (from the rseq area glibc registers, else sched_getcpu),
 * the number of CPUs, and the calling thread's identity.
 */
#define _GNU_SOURCE
#include "arch.h"
#include "rseq.h"
#include <linux/membarrier.h>
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

bool kmm_percpu_rseq;
bool kmm_rseq_param = true;

#ifndef KMM_NO_RSEQ
/* Registered once per process; -1 not yet tried, 0 failed, 1 done. */
static int membarrier_rseq_registered = -1;

static bool membarrier_rseq_register(void)
{
	if (membarrier_rseq_registered < 0) {
		long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

		membarrier_rseq_registered =
			cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) &&
			!syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0);
	}
	return membarrier_rseq_registered > 0;
}
#endif

void kmm_rseq_init(unsigned int nr_ids)
{
	kmm_percpu_rseq = false;
#ifndef KMM_NO_RSEQ
	if (kmm_rseq_param && kmm_arch_rseq_offset && nr_ids >= kmm_arch_nr_cpus() &&
	    (int)kmm_rseq_area()->cpu_id >= 0 && membarrier_rseq_register())
		kmm_percpu_rseq = true;
#else
	(void)nr_ids;
#endif
}

bool kmm_rseq_fence(int cpu)
{
#ifndef KMM_NO_RSEQ
	/* Targeted at one CPU (Linux 6.0+), else at every CPU (5.10+). */
	return !syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ,
			MEMBARRIER_CMD_FLAG_CPU, cpu) ||
	       !syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0);
#else
	(void)cpu;
	return false;
#endif
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
