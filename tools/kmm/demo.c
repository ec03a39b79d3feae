// SPDX-License-Identifier: MIT
/*
 * kmm demo: boot a machine (256 MiB by default, like the embedded board of
 * the kernel's classic order-2 failure report), run a mixed workload on
 * every CPU (all orders, all migratetypes, frees in random order, and a
 * slab workload: an object cache with a constructor and kmalloc of mixed
 * sizes, with frees from other threads through a spinlock-protected ring),
 * all under lockdep and lock_stat, stop with the workload's memory still
 * held, and print what the kernel would show: buddyinfo, pagetypeinfo,
 * vmstat, slabinfo, lockdep_stats and lock_stat.  Then free everything,
 * check the allocator's invariants and shut down.
 */
#include <kmm/kmm.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kmm.h"

struct live {
	struct page *page;
	unsigned int order;
};

struct worker {
	pthread_t thread;
	int id;
	unsigned long long seed;
	unsigned long max_live_pages;
	struct live *pool;
	unsigned int pool_size, nr_live;
	unsigned long live_pages;
	unsigned long allocs, fails, frees;
	struct slab_load slab;		/* slab objects held (slabload.c) */
};

static atomic_bool stop;

/* Mostly small orders, as in a running kernel; every order appears. */
static unsigned int pick_order(unsigned long long r)
{
	unsigned int p = (unsigned int)(r % 1000);

	if (p < 600) return 0;
	if (p < 750) return 1;
	if (p < 850) return 2;
	if (p < 900) return 3;
	if (p < 940) return 4 + (unsigned int)(r >> 20) % 2;
	if (p < 970) return 6 + (unsigned int)(r >> 20) % 3;
	if (p < 990) return 9;
	return 10;
}

static gfp_t pick_gfp(unsigned long long r)
{
	unsigned int p = (unsigned int)((r >> 32) % 100);

	if (p < 50)
		return GFP_HIGHUSER_MOVABLE | __GFP_NOWARN;
	if (p < 85)
		return GFP_KERNEL | __GFP_NOWARN;
	return GFP_KERNEL | __GFP_RECLAIMABLE | __GFP_NOWARN;
}

static void free_one(struct worker *w, unsigned int idx)
{
	struct live l = w->pool[idx];

	w->pool[idx] = w->pool[--w->nr_live];
	__free_pages(l.page, l.order);
	w->live_pages -= 1UL << l.order;
	w->frees++;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		unsigned long long r = slab_load_rand(&w->seed);
		bool want_alloc = (r & 0xff) < 140;	/* ~55% allocations */

		if ((r >> 48) % 4 == 0) {
			slab_load_op(&w->slab, r >> 4);
			continue;
		}
		if (w->nr_live == w->pool_size || w->live_pages >= w->max_live_pages)
			want_alloc = false;
		if (!w->nr_live)
			want_alloc = true;
		if (want_alloc) {
			unsigned int order = pick_order(r >> 8);
			struct page *page = alloc_pages(pick_gfp(r), order);

			w->allocs++;
			if (!page) {
				w->fails++;
				continue;
			}
			/* Touch it, as a user would. */
			*(volatile char *)page_address(page) = (char)w->id;
			w->pool[w->nr_live].page = page;
			w->pool[w->nr_live].order = order;
			w->nr_live++;
			w->live_pages += 1UL << order;
		} else {
			free_one(w, (unsigned int)((r >> 16) % w->nr_live));
		}
	}
	return NULL;
}

static void section(const char *name)
{
	printf("\n--- /proc/%s\n", name);
	fflush(stdout);
	kmm_proc_show(name, stdout);
	fflush(stdout);
}

static void demo_usage(FILE *f)
{
	fprintf(f,
		"usage: kmm demo [options] [BOOT-PARAMETER ...]\n"
		"  -m, --mem SIZE       memory of the machine (default 256M)\n"
		"  -s, --seconds N      how long the workload runs (default 3)\n"
		"  -t, --threads N      worker threads (default: one per CPU)\n"
		"  -r, --seed N         random seed (default 1)\n"
		"  -c, --cmdline STR    more boot parameters, e.g. \"numa=fake=2 page_poison=on\"\n"
		"                       (the demo boots with lockdep=on lock_stat=on; lockdep=off\n"
		"                       here turns it off)\n"
		"  -v, --views LIST     views to print (default buddyinfo,pagetypeinfo,vmstat,\n"
		"                       slabinfo,lockdep_stats,lock_stat)\n");
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'r' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "views", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mem = "256M";
	const char *views = "buddyinfo,pagetypeinfo,vmstat,slabinfo,lockdep_stats,lock_stat";
	char cmdline[4096], extra[2048] = "", viewbuf[256];
	double seconds = 3;
	long threads = 0;
	unsigned long long seed = 1;
	unsigned long allocs = 0, fails = 0, frees = 0, live = 0, nlive = 0;
	unsigned long slab_ops = 0, remote = 0, objs = 0, slab;
	struct worker *w;
	struct timespec t0, t1;
	double elapsed;
	int c, i, errors, ret;

	while ((c = getopt_long(argc, argv, "m:s:t:r:c:v:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mem = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 't': threads = atol(optarg); break;
		case 'r': seed = strtoull(optarg, NULL, 0); break;
		case 'c':
			strncat(extra, " ", sizeof(extra) - strlen(extra) - 1);
			strncat(extra, optarg, sizeof(extra) - strlen(extra) - 1);
			break;
		case 'v': views = optarg; break;
		case 'h': demo_usage(stdout); return 0;
		default: demo_usage(stderr); return 2;
		}
	}
	for (i = optind; i < argc; i++) {
		strncat(extra, " ", sizeof(extra) - strlen(extra) - 1);
		strncat(extra, argv[i], sizeof(extra) - strlen(extra) - 1);
	}
	if (seconds <= 0 || seconds > 3600 || threads < 0 || threads > 1024) {
		demo_usage(stderr);
		return 2;
	}
	snprintf(cmdline, sizeof(cmdline), "mem=%s lockdep=on lock_stat=on%s", mem, extra);
	ret = kmm_init(cmdline);
	if (ret) {
		fprintf(stderr, "kmm demo: boot failed: %s\n", strerror(-ret));
		return 1;
	}
	if (!threads)
		threads = nr_cpu_ids;

	printf("kmm demo: %s, %u CPUs, %ld threads, %.1f s\n", kmm_saved_command_line(),
	       nr_cpu_ids, threads, seconds);
	printf("boot: %lu pages (%lu MiB) in %d node(s), %lu free\n", totalram_pages(),
	       totalram_pages() >> (20 - PAGE_SHIFT), nr_online_nodes, nr_free_pages());

	w = calloc((size_t)threads, sizeof(*w));
	if (!w)
		return 1;
	if (slab_load_setup()) {
		fprintf(stderr, "kmm demo: cannot create the object cache\n");
		return 1;
	}
	atomic_store(&stop, false);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < threads; i++) {
		w[i].id = i;
		w[i].slab.id = i;
		w[i].seed = seed * 1000003ULL + (unsigned long long)i;
		/* Keep about 70% of memory in use across the workers. */
		w[i].max_live_pages = totalram_pages() * 7 / 10 / (unsigned long)threads;
		w[i].pool_size = 1u << 16;
		w[i].pool = calloc(w[i].pool_size, sizeof(struct live));
		if (!w[i].pool || pthread_create(&w[i].thread, NULL, worker_fn, &w[i])) {
			fprintf(stderr, "kmm demo: cannot start worker %d\n", i);
			return 1;
		}
	}
	{
		struct timespec d = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };

		while (nanosleep(&d, &d) && errno == EINTR)
			;
	}
	atomic_store(&stop, true);
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		allocs += w[i].allocs;
		fails += w[i].fails;
		frees += w[i].frees;
		live += w[i].live_pages;
		nlive += w[i].nr_live;
		slab_ops += w[i].slab.slab_ops;
		remote += w[i].slab.remote_frees;
		objs += w[i].slab.nr_objs;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("workload: %lu allocations (%lu failed), %lu frees, %.2f M ops/s\n", allocs, fails,
	       frees, (double)(allocs + frees) / elapsed / 1e6);
	printf("held now: %lu pages (%lu MiB) in %lu allocations; %lu pages free\n", live,
	       live >> (20 - PAGE_SHIFT), nlive, nr_free_pages());
	printf("slab: %lu operations, %lu cross-thread frees, %lu objects held (+%d in the ring), "
	       "%lu constructor calls\n", slab_ops, remote, objs, slab_load_ring_count(),
	       slab_load_ctor_calls());

	snprintf(viewbuf, sizeof(viewbuf), "%s", views);
	for (char *save = NULL, *v = strtok_r(viewbuf, ",", &save); v; v = strtok_r(NULL, ",", &save))
		section(v);

	for (i = 0; i < threads; i++) {
		while (w[i].nr_live)
			free_one(&w[i], w[i].nr_live - 1);
		slab_load_release(&w[i].slab);
		free(w[i].pool);
	}
	slab_load_teardown();
	free(w);
	drain_all_pages(NULL);
	errors = kmm_zone_validate(NULL);
	slab = global_node_page_state(NR_SLAB_RECLAIMABLE_B) +
	       global_node_page_state(NR_SLAB_UNRECLAIMABLE_B);
	printf("\nafter freeing everything: %lu of %lu pages free, %lu in slab caches, "
	       "zone_validate: %d errors\n", nr_free_pages(), totalram_pages(), slab, errors);
	if (nr_free_pages() + slab != totalram_pages()) {
		printf("kmm demo: %lu pages are neither free nor in slab caches\n",
		       totalram_pages() - nr_free_pages() - slab);
		errors++;
	}
	kmm_exit();
	return errors ? 1 : 0;
}

int cmd_proc(int argc, char **argv)
{
	char cmdline[4096] = "";
	int i, ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: kmm proc NAME [BOOT-PARAMETER ...]\n"
			"  NAME: buddyinfo, pagetypeinfo, zoneinfo, vmstat, meminfo, dmesg\n");
		return argc < 2 ? 2 : 0;
	}
	for (i = 2; i < argc; i++) {
		strncat(cmdline, " ", sizeof(cmdline) - strlen(cmdline) - 1);
		strncat(cmdline, argv[i], sizeof(cmdline) - strlen(cmdline) - 1);
	}
	ret = kmm_init(cmdline);
	if (ret) {
		fprintf(stderr, "kmm proc: boot failed: %s\n", strerror(-ret));
		return 1;
	}
	ret = kmm_proc_show(argv[1], stdout);
	if (ret == -ENOENT)
		fprintf(stderr, "kmm proc: no view named '%s'\n", argv[1]);
	kmm_exit();
	return ret ? 1 : 0;
}
