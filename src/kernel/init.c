// SPDX-License-Identifier: MIT
/*
 * Boot and shutdown (init/main.c's start_kernel, in miniature): restore
 * every parameter's default, parse the command line and KMM_CMDLINE,
 * then bring up printk, symbolisation and memory management.
 *
 * kmm_init() and kmm_exit() must not race with each other or with
 * allocations; the implicit boot on first use is serialised by boot_lock.
 */
#include "kernel/internal.h"
#include "mm/internal.h"
#include "mm/slab.h"
#include "lib/internal.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define COMMAND_LINE_SIZE 4096

/* Keep the files that only register views or parameters in a static link. */
extern const char kmm_link_anchor_vmstat_proc, kmm_link_anchor_show_mem;
__attribute__((used)) static const char *const link_anchors[] = {
	&kmm_link_anchor_vmstat_proc, &kmm_link_anchor_show_mem,
};

static char saved_command_line[COMMAND_LINE_SIZE];
static atomic_bool booted;
static atomic_flag boot_lock = ATOMIC_FLAG_INIT;

KMM_API bool kmm_booted(void)
{
	return atomic_load(&booted);
}

KMM_API const char *kmm_saved_command_line(void)
{
	return saved_command_line;
}

static void build_command_line(const char *cmdline)
{
	const char *env = getenv("KMM_CMDLINE");

	snprintf(saved_command_line, sizeof(saved_command_line), "%s%s%s",
		 cmdline ? cmdline : "", cmdline && *cmdline && env && *env ? " " : "",
		 env ? env : "");
}

static int __kmm_init(const char *cmdline)
{
	int ret;

	if (atomic_load(&booted))
		return -EBUSY;
	kmm_printk_init();
	kmm_stacktrace_init();
	kmm_params_reset();
	build_command_line(cmdline);
	pr_notice("Kernel command line: %s\n", saved_command_line);
	kmm_parse_args(saved_command_line);
	kmm_locking_selftest_boot();
	ret = kmm_mm_init();
	if (ret)
		return ret;
	ret = kmm_slab_init();
	if (ret) {
		kmm_mm_exit();
		return ret;
	}
	atomic_store(&booted, true);
	return 0;
}

KMM_API int kmm_init(const char *cmdline)
{
	int ret;

	while (atomic_flag_test_and_set(&boot_lock))
		sched_yield();
	ret = __kmm_init(cmdline);
	atomic_flag_clear(&boot_lock);
	return ret;
}

/* First use without kmm_init(): boot with the defaults (and KMM_CMDLINE). */
int kmm_boot_default(void);
int kmm_boot_default(void)
{
	int ret = 0;

	while (atomic_flag_test_and_set(&boot_lock))
		sched_yield();
	if (!atomic_load(&booted))
		ret = __kmm_init(NULL);
	atomic_flag_clear(&boot_lock);
	return ret;
}

KMM_API void kmm_exit(void)
{
	while (atomic_flag_test_and_set(&boot_lock))
		sched_yield();
	if (atomic_load(&booted)) {
		kmm_slab_exit();
		kmm_mm_exit();
		kmm_stack_depot_exit();
		atomic_store(&booted, false);
	}
	atomic_flag_clear(&boot_lock);
}
