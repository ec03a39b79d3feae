/* SPDX-License-Identifier: MIT */
/*
 * kmm: the Linux kernel's page allocator and lock validator in userspace.
 * One include for the whole public API, under the kernel's names.
 */
#ifndef KMM_KMM_H
#define KMM_KMM_H

#include <kmm/compiler.h>
#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/printk.h>
#include <kmm/panic.h>
#include <kmm/stacktrace.h>
#include <kmm/stackdepot.h>
#include <kmm/smp.h>
#include <kmm/init.h>
#include <kmm/proc.h>
#include <kmm/spinlock.h>
#include <kmm/gfp.h>
#include <kmm/mm_types.h>
#include <kmm/page-flags.h>
#include <kmm/mmzone.h>
#include <kmm/mm.h>
#include <kmm/vmstat.h>
#include <kmm/slab.h>

#define KMM_VERSION "0.1.0"

#endif /* KMM_KMM_H */
