// SPDX-License-Identifier: MIT
/*
 * The /proc-style views: every subsystem registers its views with
 * KMM_PROC(name, show), which places an entry in the "kmm_proc" section;
 * kmm_proc_show() finds one by name and kmm_proc_for_each() lists them in
 * link order.
 *
 * Locking: none here; the table is read-only and each show function does
 * its own locking.
 */
#include "internal.h"
#include <kmm/proc.h>
#include <errno.h>
#include <string.h>

/* Defined by the linker; weak so that a program without views links. */
extern const struct kmm_proc_entry __start_kmm_proc[]
	__attribute__((weak, visibility("hidden")));
extern const struct kmm_proc_entry __stop_kmm_proc[]
	__attribute__((weak, visibility("hidden")));

KMM_API int kmm_proc_show(const char *name, FILE *f)
{
	if (!name)
		return -ENOENT;
	for (const struct kmm_proc_entry *e = __start_kmm_proc;
	     e && e < __stop_kmm_proc; e++) {
		if (e->name && e->show && !strcmp(e->name, name)) {
			e->show(f);
			return 0;
		}
	}
	return -ENOENT;
}

KMM_API void kmm_proc_for_each(void (*fn)(const char *name, void *arg), void *arg)
{
	for (const struct kmm_proc_entry *e = __start_kmm_proc;
	     e && e < __stop_kmm_proc; e++)
		if (e->name)
			fn(e->name, arg);
}
