/* SPDX-License-Identifier: MIT */
/*
 * The /proc-style views of every subsystem, by name: "buddyinfo",
 * "pagetypeinfo", "zoneinfo", "vmstat", "meminfo", "dmesg", ...
 */
#ifndef KMM_PROC_H
#define KMM_PROC_H

#include <kmm/types.h>
#include <stdio.h>

/* Print view name to f.  0, or -ENOENT for an unknown name. */
KMM_API int kmm_proc_show(const char *name, FILE *f);
/* Call fn for each view name, in registration order. */
KMM_API void kmm_proc_for_each(void (*fn)(const char *name, void *arg), void *arg);

#endif /* KMM_PROC_H */
