// SPDX-License-Identifier: MIT
/*
 * kmm slabtop: the slab caches of a kmm machine, sorted, on the screen
 * layout of procps's slabtop(1): a summary (objects, slabs, caches, memory,
 * object sizes), then one row per cache.  The rows come from the text of the
 * slabinfo view ("slabinfo - version: 2.1"), parsed as a reader of
 * /proc/slabinfo would.  A freshly booted machine has almost nothing in its
 * caches, so by default kmm demo's slab workload runs in background threads
 * meanwhile (--no-workload turns it off).
 */
#include <kmm/kmm.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "kmm.h"

struct cache_row {
	char name[64];
	unsigned long active_objs, num_objs, objsize, objperslab, pagesperslab;
	unsigned long active_slabs, num_slabs;
	unsigned long use;		/* percent of objects in use */
	unsigned long cache_size;	/* bytes: num_slabs * pagesperslab * PAGE_SIZE */
};

struct snapshot {
	struct cache_row *rows;
	size_t nr, cap;
};

/* ---- reading the slabinfo view ---------------------------------------- */

static int parse_slabinfo(const char *text, struct snapshot *s)
{
	const char *line = text;
	int major = 0, minor = 0;

	s->nr = 0;
	if (sscanf(text, "slabinfo - version: %d.%d", &major, &minor) != 2 || major != 2)
		return -1;
	while ((line = strchr(line, '\n')) != NULL) {
		struct cache_row r;

		line++;
		if (!*line)
			break;
		if (*line == '#')
			continue;
		memset(&r, 0, sizeof(r));
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu %lu",
			   r.name, &r.active_objs, &r.num_objs, &r.objsize, &r.objperslab,
			   &r.pagesperslab, &r.active_slabs, &r.num_slabs) != 8)
			return -1;
		r.cache_size = r.num_slabs * r.pagesperslab * PAGE_SIZE;
		r.use = r.num_objs ? (unsigned long)(100.0 * (double)r.active_objs /
						     (double)r.num_objs) : 0;
		if (s->nr == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			struct cache_row *n = realloc(s->rows, cap * sizeof(*n));

			if (!n)
				return -1;
			s->rows = n;
			s->cap = cap;
		}
		s->rows[s->nr++] = r;
	}
	return 0;
}

static int take_snapshot(struct snapshot *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		return -1;
	ret = kmm_proc_show("slabinfo", f);
	fclose(f);
	if (!ret)
		ret = parse_slabinfo(text ? text : "", s);
	free(text);
	return ret;
}

/* ---- sorting: procps's letters ----------------------------------------- */

static const char sort_keys[] = "abclvnopsu";
static char sort_key = 'c';

static unsigned long sort_value(const struct cache_row *r)
{
	switch (sort_key) {
	case 'a': return r->active_objs;
	case 'b': return r->objperslab;
	case 'l': return r->num_slabs;
	case 'v': return r->active_slabs;
	case 'o': return r->num_objs;
	case 'p': return r->pagesperslab;
	case 's': return r->objsize;
	case 'u': return r->use;
	default:  return r->cache_size;		/* 'c' */
	}
}

/* Descending, except by name (ascending); ties in name order. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct cache_row *a = pa, *b = pb;

	if (sort_key != 'n') {
		unsigned long va = sort_value(a), vb = sort_value(b);

		if (va != vb)
			return va > vb ? -1 : 1;
	}
	return strcmp(a->name, b->name);
}

/* ---- the screen ---------------------------------------------------------- */

static double pct(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_frame(FILE *f, const struct snapshot *s, size_t max_rows)
{
	unsigned long aobjs = 0, objs = 0, aslabs = 0, slabs = 0, acaches = 0;
	unsigned long asize = 0, tsize = 0, omin = ULONG_MAX, omax = 0, oavg = 0;
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct cache_row *r = &s->rows[i];

		aobjs += r->active_objs;
		objs += r->num_objs;
		aslabs += r->active_slabs;
		slabs += r->num_slabs;
		acaches += r->num_objs != 0;
		asize += r->active_objs * r->objsize;
		tsize += r->num_objs * r->objsize;
		if (r->objsize < omin)
			omin = r->objsize;
		if (r->objsize > omax)
			omax = r->objsize;
	}
	if (!s->nr)
		omin = 0;
	if (objs)
		oavg = tsize / objs;

	fprintf(f, " %-35s: %lu / %lu (%.1f%%)\n", "Active / Total Objects (% used)",
		aobjs, objs, pct(aobjs, objs));
	fprintf(f, " %-35s: %lu / %lu (%.1f%%)\n", "Active / Total Slabs (% used)",
		aslabs, slabs, pct(aslabs, slabs));
	fprintf(f, " %-35s: %lu / %lu (%.1f%%)\n", "Active / Total Caches (% used)",
		acaches, (unsigned long)s->nr, pct(acaches, s->nr));
	fprintf(f, " %-35s: %.2fK / %.2fK (%.1f%%)\n", "Active / Total Size (% used)",
		(double)asize / 1024.0, (double)tsize / 1024.0, pct(asize, tsize));
	fprintf(f, " %-35s: %.2fK / %.2fK / %.2fK\n\n", "Minimum / Average / Maximum Object",
		(double)omin / 1024.0, (double)oavg / 1024.0, (double)omax / 1024.0);
	fprintf(f, "%-78s\n", "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME");
	for (i = 0; i < s->nr && i < max_rows; i++) {
		const struct cache_row *r = &s->rows[i];

		fprintf(f, "%6lu %6lu %3lu%% %7.2fK %6lu %8lu %9luK %-23s\n",
			r->num_objs, r->active_objs, r->use, (double)r->objsize / 1024.0,
			r->num_slabs, r->objperslab, r->cache_size / 1024, r->name);
	}
}

/* ---- the background workload --------------------------------------------- */

struct load_thread {
	pthread_t thread;
	unsigned long long seed;
	struct slab_load slab;
};

static atomic_bool load_stop;
static volatile sig_atomic_t interrupted;

static void *load_fn(void *arg)
{
	struct load_thread *t = arg;

	while (!atomic_load_explicit(&load_stop, memory_order_relaxed))
		slab_load_op(&t->slab, slab_load_rand(&t->seed));
	return NULL;
}

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Sleep up to @seconds; return early on SIGINT. */
static void pause_for(double seconds)
{
	while (seconds > 0 && !interrupted) {
		double step = seconds < 0.05 ? seconds : 0.05;
		struct timespec d = { 0, (long)(step * 1e9) };

		nanosleep(&d, NULL);
		seconds -= step;
	}
}

static void slabtop_usage(FILE *f)
{
	fprintf(f,
		"usage: kmm slabtop [options] [BOOT-PARAMETER ...]\n"
		"Show the slab caches of a kmm machine, as procps's slabtop shows a kernel's.\n"
		"  -o, --once            print one screen and exit\n"
		"  -d, --delay SECS      refresh every SECS seconds (default 3)\n"
		"  -n, --iterations N    stop after N screens (default: until interrupted)\n"
		"  -s, --sort CHAR       sort criterion (default c; procps's default is o):\n"
		"                          a active objects    b objects per slab\n"
		"                          c cache size        l slabs\n"
		"                          v active slabs      n name (ascending)\n"
		"                          o objects           p pages per slab\n"
		"                          s object size       u use (%% of objects in use)\n"
		"  -W, --no-workload     do not run the background slab workload\n"
		"  -t, --threads N       workload threads (default: one per CPU)\n"
		"  -w, --warmup SECS     workload time before the first screen (default 0.5)\n"
		"  -h, --help            this text\n"
		"By default kmm demo's slab workload (an object cache with a constructor and\n"
		"kmalloc of 8..1024 bytes, frees from other threads) runs meanwhile.  Refresh\n"
		"mode clears the screen between screens only when stdout is a terminal.\n");
}

static int bad_usage(const char *msg)
{
	fprintf(stderr, "kmm slabtop: %s\n", msg);
	slabtop_usage(stderr);
	return 2;
}

static double parse_seconds(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v != v)
		return -1;
	return v;
}

int cmd_slabtop(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "no-workload", no_argument, NULL, 'W' },
		{ "threads", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char cmdline[4096] = "";
	struct snapshot snap = { NULL, 0, 0 };
	struct load_thread *load = NULL;
	double delay = 3, warmup = 0.5;
	long iterations = 0, threads = 0, frame;
	bool once = false, have_delay = false, workload = true, tty;
	struct sigaction sa, old_sa;
	int c, i, ret = 0;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "od:n:s:Wt:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			once = true;
			break;
		case 'd':
			delay = parse_seconds(optarg);
			if (!(delay > 0) || delay > 86400)
				return bad_usage("the delay must be a positive number of seconds");
			have_delay = true;
			break;
		case 'n':
			errno = 0;
			iterations = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || iterations < 1)
				return bad_usage("the iteration count must be a positive integer");
			break;
		case 's':
			if (strlen(optarg) != 1 || !strchr(sort_keys, tolower((unsigned char)optarg[0])))
				return bad_usage("unknown sort criterion (one of a b c l v n o p s u)");
			sort_key = (char)tolower((unsigned char)optarg[0]);
			break;
		case 'W':
			workload = false;
			break;
		case 't':
			errno = 0;
			threads = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || threads < 1 || threads > 1024)
				return bad_usage("the thread count must be 1..1024");
			break;
		case 'w':
			warmup = parse_seconds(optarg);
			if (warmup < 0 || warmup > 3600)
				return bad_usage("the warm-up must be 0..3600 seconds");
			break;
		case 'h':
			slabtop_usage(stdout);
			return 0;
		default:
			slabtop_usage(stderr);
			return 2;
		}
	}
	if (once && have_delay)
		return bad_usage("-o and -d cannot be combined");
	for (i = optind; i < argc; i++) {
		strncat(cmdline, " ", sizeof(cmdline) - strlen(cmdline) - 1);
		strncat(cmdline, argv[i], sizeof(cmdline) - strlen(cmdline) - 1);
	}
	ret = kmm_init(cmdline);
	if (ret) {
		fprintf(stderr, "kmm slabtop: boot failed: %s\n", strerror(-ret));
		return 1;
	}
	if (once)
		iterations = 1;
	tty = isatty(STDOUT_FILENO);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);
	interrupted = 0;

	if (workload) {
		if (!threads)
			threads = nr_cpu_ids;
		load = calloc((size_t)threads, sizeof(*load));
		if (!load || slab_load_setup()) {
			fprintf(stderr, "kmm slabtop: cannot set up the workload\n");
			free(load);
			kmm_exit();
			return 1;
		}
		atomic_store(&load_stop, false);
		for (i = 0; i < threads; i++) {
			load[i].seed = 1000003ULL + (unsigned long long)i;
			load[i].slab.id = i;
			if (pthread_create(&load[i].thread, NULL, load_fn, &load[i])) {
				fprintf(stderr, "kmm slabtop: cannot start workload thread %d\n", i);
				threads = i;
				ret = 1;
				break;
			}
		}
		if (!ret)
			pause_for(warmup);
	}

	for (frame = 0; !ret && !interrupted && (!iterations || frame < iterations); frame++) {
		size_t max_rows = (size_t)-1;

		if (frame)
			pause_for(delay);
		if (interrupted)
			break;
		if (take_snapshot(&snap)) {
			fprintf(stderr, "kmm slabtop: cannot read the slabinfo view\n");
			ret = 1;
			break;
		}
		qsort(snap.rows, snap.nr, sizeof(*snap.rows), cmp_rows);
		if (tty && !once) {
			struct winsize ws;

			/* As procps: the screen's rows less the 8 of the summary. */
			if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 10)
				max_rows = ws.ws_row - 8u;
			fputs("\033[H\033[2J", stdout);
		} else if (frame) {
			putchar('\n');
		}
		print_frame(stdout, &snap, max_rows);
		fflush(stdout);
	}

	if (load) {
		atomic_store(&load_stop, true);
		for (i = 0; i < threads; i++) {
			pthread_join(load[i].thread, NULL);
			slab_load_release(&load[i].slab);
		}
		slab_load_teardown();
		free(load);
	}
	sigaction(SIGINT, &old_sa, NULL);
	free(snap.rows);
	kmm_exit();
	return ret;
}
