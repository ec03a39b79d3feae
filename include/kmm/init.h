/* SPDX-License-Identifier: MIT */
/*
 * Boot and shutdown.  kmm_init() parses a kernel-style command line
 * ("mem=256M numa=fake=2 debug_pagealloc=on ..."), then KMM_CMDLINE from
 * the environment (its options are applied after the caller's), and brings
 * up every subsystem.  The first allocation without kmm_init() boots with
 * the defaults.  kmm_exit() reports leaked pages and tears everything down;
 * kmm_init() may then be called again.
 */
#ifndef KMM_INIT_H
#define KMM_INIT_H

#include <kmm/types.h>

KMM_API int kmm_init(const char *cmdline);
KMM_API void kmm_exit(void);
KMM_API bool kmm_booted(void);
/* The command line in force ("" before boot). */
KMM_API const char *kmm_saved_command_line(void);

/* kstrtobool as the kernel reads it: y/Y/t/T/1/on => true, n/N/f/F/0/off => false. */
KMM_API int kmm_kstrtobool(const char *s, bool *res);
/* memparse: a number with an optional K, M, G, T, P or E suffix. */
KMM_API unsigned long long kmm_memparse(const char *ptr, char **retptr);

#define kstrtobool	kmm_kstrtobool
#define memparse	kmm_memparse

#endif /* KMM_INIT_H */
