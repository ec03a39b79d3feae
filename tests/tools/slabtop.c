// SPDX-License-Identifier: MIT
/*
 * kmm slabtop: the screen has procps slabtop's summary and columns, the
 * rows are sorted by the criterion asked for, the summary's totals are the
 * sums of the rows, and bad options are usage errors.  Every check is on
 * the content of one screen, never on timing.
 */
#include "run_cmd.h"

static const char header[] =
	"  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME                   \n";

struct row {
	unsigned long objs, active, use, slabs, perslab, size_k;
	double objsize_k;
	char name[64];
};

struct screen {
	unsigned long aobjs, objs, aslabs, slabs, acaches, caches;
	double asize_k, tsize_k, omin, oavg, omax;
	struct row rows[256];
	int nr;
};

/* Parse one screen starting at @s; return 0 if it has the expected shape. */
static int parse_screen(const char *s, struct screen *sc)
{
	const char *p;
	double pa, ps, pc, pz;

	memset(sc, 0, sizeof(*sc));
	if (sscanf(s, " Active / Total Objects (%% used)    : %lu / %lu (%lf%%)\n"
		   " Active / Total Slabs (%% used)      : %lu / %lu (%lf%%)\n"
		   " Active / Total Caches (%% used)     : %lu / %lu (%lf%%)\n"
		   " Active / Total Size (%% used)       : %lfK / %lfK (%lf%%)\n"
		   " Minimum / Average / Maximum Object : %lfK / %lfK / %lfK",
		   &sc->aobjs, &sc->objs, &pa, &sc->aslabs, &sc->slabs, &ps,
		   &sc->acaches, &sc->caches, &pc, &sc->asize_k, &sc->tsize_k, &pz,
		   &sc->omin, &sc->oavg, &sc->omax) != 15)
		return -1;
	p = strstr(s, "\n\n");
	if (!p || strncmp(p + 2, header, strlen(header)))
		return -2;
	p += 2 + strlen(header);
	while (*p && *p != '\n' && sc->nr < 256) {
		struct row *r = &sc->rows[sc->nr];

		if (sscanf(p, "%6lu %6lu %3lu%% %lfK %6lu %8lu %9luK %63s", &r->objs, &r->active,
			   &r->use, &r->objsize_k, &r->slabs, &r->perslab, &r->size_k, r->name) != 8)
			break;
		sc->nr++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return 0;
}

static int sums_match(const struct screen *sc)
{
	unsigned long objs = 0, active = 0, slabs = 0, acaches = 0;
	int i;

	for (i = 0; i < sc->nr; i++) {
		objs += sc->rows[i].objs;
		active += sc->rows[i].active;
		slabs += sc->rows[i].slabs;
		acaches += sc->rows[i].objs != 0;
	}
	if (objs != sc->objs || active != sc->aobjs || slabs != sc->slabs ||
	    acaches != sc->acaches || (unsigned long)sc->nr != sc->caches) {
		diag("rows: objs %lu active %lu slabs %lu active caches %lu caches %d; "
		     "summary: %lu %lu %lu %lu %lu", objs, active, slabs, acaches, sc->nr,
		     sc->objs, sc->aobjs, sc->slabs, sc->acaches, sc->caches);
		return 0;
	}
	return 1;
}

/* Is the screen sorted by @key (procps's letters), descending but for 'n'? */
static int sorted_by(const struct screen *sc, char key)
{
	int i;

	for (i = 1; i < sc->nr; i++) {
		const struct row *a = &sc->rows[i - 1], *b = &sc->rows[i];
		double va, vb;

		switch (key) {
		case 'n':
			if (strcmp(a->name, b->name) > 0)
				goto bad;
			continue;
		case 'a': va = (double)a->active; vb = (double)b->active; break;
		case 'o': va = (double)a->objs; vb = (double)b->objs; break;
		case 's': va = a->objsize_k; vb = b->objsize_k; break;
		case 'u': va = (double)a->use; vb = (double)b->use; break;
		case 'l': va = (double)a->slabs; vb = (double)b->slabs; break;
		default:  va = (double)a->size_k; vb = (double)b->size_k; break;
		}
		if (va < vb)
			goto bad;
		continue;
bad:
		diag("row %d (%s) before row %d (%s) under sort '%c'", i - 1, a->name, i, b->name, key);
		return 0;
	}
	return 1;
}

static const char *find_row(const struct screen *sc, const char *name)
{
	int i;

	for (i = 0; i < sc->nr; i++)
		if (!strcmp(sc->rows[i].name, name))
			return sc->rows[i].name;
	return NULL;
}

int main(void)
{
	static const char keys[] = "caosnul";
	static struct screen sc;
	int slabinfo_rows = 0, i;
	const char *p;

	/* The number of caches in the slabinfo view, to compare with. */
	is_int(run_kmm("proc slabinfo mem=64M"), 0, "kmm proc slabinfo exits 0");
	like(out, "slabinfo - version: 2.1\n", "the slabinfo view has its version line");
	for (p = out; (p = strchr(p, '\n')) && p[1]; p++)
		slabinfo_rows += p[1] != '#';

	/* A machine with no workload. */
	is_int(run_kmm("slabtop -o --no-workload mem=64M"), 0,
	       "kmm slabtop -o --no-workload exits 0");
	like(out, " Active / Total Objects (% used)    : ", "the objects line");
	like(out, "\n Active / Total Slabs (% used)      : ", "the slabs line");
	like(out, "\n Active / Total Caches (% used)     : ", "the caches line");
	like(out, "\n Active / Total Size (% used)       : ", "the size line");
	like(out, "\n Minimum / Average / Maximum Object : ", "the object size line");
	like(out, "K\n\n  OBJS ACTIVE", "a blank line before the column header");
	like(out, header, "the column header, padded to 78 columns as procps does");
	is_int(parse_screen(out, &sc), 0, "the screen parses");
	ok(sc.nr > 0 && sc.nr == slabinfo_rows, "one row per cache of the slabinfo view (%d, %d)",
	   sc.nr, slabinfo_rows);
	ok(sums_match(&sc), "the summary's totals are the sums of the rows");
	ok(sorted_by(&sc, 'c'), "the default sort is by cache size, largest first");
	ok(find_row(&sc, "kmem_cache") && find_row(&sc, "kmalloc-64"), "kmem_cache and kmalloc-64 rows");
	ok(sc.omin > 0 && sc.omin <= sc.oavg && sc.oavg <= sc.omax, "min <= average <= max object size");
	unlike(out, "\033[", "no escape sequences when stdout is not a terminal");

	/* With the slab workload, each sort order. */
	for (i = 0; keys[i]; i++) {
		is_int(run_kmm("slabtop --once --warmup 0.1 --sort %c mem=64M", keys[i]), 0,
		       "kmm slabtop -o -s %c exits 0", keys[i]);
		is_int(parse_screen(out, &sc), 0, "the -s %c screen parses", keys[i]);
		ok(sc.nr == slabinfo_rows + 1, "-s %c: the workload's cache is one more row", keys[i]);
		ok(find_row(&sc, "kmm_demo_obj") != NULL, "-s %c: the workload's cache is shown", keys[i]);
		ok(sorted_by(&sc, keys[i]), "-s %c: rows are in that order", keys[i]);
		ok(sums_match(&sc), "-s %c: the summary's totals are the sums of the rows", keys[i]);
	}
	ok(sc.aobjs > 0 && sc.aobjs <= sc.objs, "the workload leaves objects in use");

	/* Refresh mode into a pipe: frames one after another, no clearing. */
	is_int(run_kmm("slabtop -d 0.01 -n 3 --no-workload -s n mem=64M"), 0,
	       "refresh mode with -n 3 exits 0");
	{
		int frames = 0;

		for (p = out; (p = strstr(p, header)); p++)
			frames++;
		is_int(frames, 3, "three frames");
	}
	unlike(out, "\033[H\033[2J", "no clear-screen when stdout is not a terminal");
	is_int(parse_screen(out, &sc), 0, "the first frame parses");
	ok(sorted_by(&sc, 'n'), "-s n: names in ascending order");

	/* Usage. */
	is_int(run_kmm("slabtop --help"), 0, "--help exits 0");
	like(out, "procps's default is o", "and says where the default differs from procps");
	is_int(run_kmm("slabtop --frobnicate"), 2, "an unknown option exits 2");
	like(out, "frobnicate", "naming the option");
	is_int(run_kmm("slabtop -o -s x"), 2, "an unknown sort letter exits 2");
	like(out, "kmm slabtop: unknown sort criterion", "with a message");
	is_int(run_kmm("slabtop -o -d 1"), 2, "-o with -d exits 2");
	like(out, "cannot be combined", "with a message");
	is_int(run_kmm("slabtop -n 0"), 2, "-n 0 exits 2");
	is_int(run_kmm("--help"), 0, "kmm --help exits 0");
	like(out, "slabtop [options]", "kmm --help lists slabtop");
	return done_testing();
}
