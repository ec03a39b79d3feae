// SPDX-License-Identifier: MIT
/*
 * Stack traces and symbols.
 *
 * kmm_stack_trace_save() uses glibc's backtrace() (libgcc's unwinder,
 * loaded ahead of time by kmm_stacktrace_init() so that a signal handler
 * never has to dlopen it).  Addresses are printed as the kernel's %pS:
 * "name+0xoff/0xsize", with " [libfoo.so.1]" for code outside the main
 * program, or "0x..." when no symbol covers the address.  Symbols come
 * from the ELF .symtab of the object's file (so static and hidden
 * functions resolve), else from the detached debug file named by its
 * build id under /usr/lib/debug/.build-id, else from .dynsym.
 * kmm_dump_stack() prints lib/dump_stack.c's info line and an x86-style
 * "Call Trace:" block.
 *
 * Memory: the ELF files are mapped read-only with mmap and the sorted
 * function tables live in anonymous mappings; nothing here calls malloc,
 * so traces can be printed from a SIGSEGV handler or from inside the
 * allocator.  The tables are never freed (an object unloaded with dlclose
 * keeps a stale entry; a later object mapped at the same range would be
 * misnamed).
 *
 * Locking: the table of objects is appended to under objs_lock; each
 * object's symbols are built once, by the thread that added it, and
 * published with a release store of its state; other threads wait for it.
 * Reports (kmm_dump_stack) run under kmm_report_lock().
 */
#define _GNU_SOURCE
#include "internal.h"
#include <kmm/smp.h>
#include <kmm/stacktrace.h>
#include <elf.h>
#include <execinfo.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FRAMES	256
#define MAX_OBJS	256
#define TRACE_DEPTH	128

KMM_API noinline unsigned int kmm_stack_trace_save(unsigned long *store,
						   unsigned int size,
						   unsigned int skipnr)
{
	void *frames[MAX_FRAMES];
	unsigned long ret = (unsigned long)__builtin_return_address(0);
	unsigned int want = size + skipnr + 8, skip = 1, n, i;
	int got;

	if (want > MAX_FRAMES || want < size)
		want = MAX_FRAMES;
	got = backtrace(frames, (int)want);
	n = got > 0 ? (unsigned int)got : 0;
	/*
	 * Our caller's frame is the one holding our return address; before
	 * it come our own frame and, under the sanitizers, their backtrace()
	 * interceptor's.
	 */
	for (i = 0; i < n && i < 8; i++) {
		if ((unsigned long)frames[i] == ret) {
			skip = i;
			break;
		}
	}
	skip += skipnr;
	for (i = 0; i + skip < n && i < size; i++)
		store[i] = (unsigned long)frames[i + skip];
	return i;
}

/* ------------------------------------------------------------------ */
/* Symbol tables */

struct ksym {
	uintptr_t addr;		/* link-time address (st_value) */
	uintptr_t size;
	const char *name;	/* in the mapped file */
	unsigned int prio;	/* 0 global, 1 weak, 2 local: lower wins ties */
};

enum { OBJ_FREE, OBJ_BUILDING, OBJ_READY, OBJ_NOSYMS };

struct symobj {
	int state;
	pthread_t builder;
	uintptr_t lo, hi;	/* runtime address range */
	uintptr_t bias;		/* dlpi_addr */
	bool main_prog;
	char name[64];		/* basename, for " [name]" */
	const struct ksym *syms;
	size_t nsyms;
};

static struct symobj objs[MAX_OBJS];
static int nobjs;
static atomic_flag objs_lock = ATOMIC_FLAG_INIT;

static bool ksym_less(const struct ksym *a, const struct ksym *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr;
	if (a->prio != b->prio)
		return a->prio < b->prio;
	return a->size > b->size;
}

/* Heapsort: in place, no allocation (qsort may malloc). */
static void sift_down(struct ksym *v, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct ksym t;

		if (child >= n)
			return;
		if (child + 1 < n && ksym_less(&v[child], &v[child + 1]))
			child++;
		if (!ksym_less(&v[root], &v[child]))
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

static void sort_syms(struct ksym *v, size_t n)
{
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		struct ksym t = v[0];

		v[0] = v[end];
		v[end] = t;
		sift_down(v, 0, end);
	}
}

static const void *map_file(const char *path, size_t *sizep)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size < (off_t)sizeof(ElfW(Ehdr))) {
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	*sizep = (size_t)st.st_size;
	return map;
}

static bool in_file(size_t fsize, u64 off, u64 len)
{
	return off <= fsize && len <= fsize - off;
}

/* "/usr/lib/debug/.build-id/ab/cdef....debug" from the NT_GNU_BUILD_ID note. */
static bool build_id_path(const unsigned char *map, size_t fsize,
			  const ElfW(Shdr) *sh, unsigned int shnum,
			  char *path, size_t size)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < shnum; i++) {
		u64 off = sh[i].sh_offset, end = off + sh[i].sh_size;

		if (sh[i].sh_type != SHT_NOTE || !in_file(fsize, off, sh[i].sh_size))
			continue;
		while (off + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const void *)(map + off);
			u64 name = off + sizeof(*nh);
			u64 desc = name + ALIGN((u64)nh->n_namesz, 4);
			u64 next = desc + ALIGN((u64)nh->n_descsz, 4);
			size_t o;

			if (next > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(map + name, "GNU", 4) && nh->n_descsz >= 2 &&
			    nh->n_descsz <= 64) {
				const unsigned char *id = map + desc;

				o = (size_t)snprintf(path, size, "/usr/lib/debug/.build-id/");
				for (u32 j = 0; j < nh->n_descsz && o + 8 < size; j++) {
					path[o++] = hex[id[j] >> 4];
					path[o++] = hex[id[j] & 15];
					if (j == 0)
						path[o++] = '/';
				}
				path[o] = '\0';
				if (o + 7 < size) {
					strcat(path, ".debug");
					return true;
				}
				return false;
			}
			off = next;
		}
	}
	return false;
}

static bool load_symbols(struct symobj *o, const char *path, int depth)
{
	const unsigned char *map;
	const ElfW(Ehdr) *eh;
	const ElfW(Shdr) *sh, *symtab = NULL, *dynsym = NULL, *use, *str;
	const ElfW(Sym) *sym;
	size_t fsize = 0, nsym, count = 0, k;
	struct ksym *tab;

	map = map_file(path, &fsize);
	if (!map)
		return false;
	eh = (const void *)map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh->e_shentsize != sizeof(ElfW(Shdr)) || !eh->e_shoff ||
	    !in_file(fsize, eh->e_shoff, (u64)eh->e_shnum * sizeof(ElfW(Shdr))))
		goto fail;
	sh = (const void *)(map + eh->e_shoff);
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type == SHT_SYMTAB)
			symtab = &sh[i];
		else if (sh[i].sh_type == SHT_DYNSYM)
			dynsym = &sh[i];
	}
	if (!symtab && depth == 0) {
		char dbg[PATH_MAX];

		if (build_id_path(map, fsize, sh, eh->e_shnum, dbg, sizeof(dbg)) &&
		    load_symbols(o, dbg, 1)) {
			munmap((void *)map, fsize);
			return true;
		}
	}
	use = symtab ? symtab : dynsym;
	if (!use || use->sh_entsize != sizeof(ElfW(Sym)) || use->sh_link >= eh->e_shnum ||
	    !in_file(fsize, use->sh_offset, use->sh_size))
		goto fail;
	str = &sh[use->sh_link];
	if (!in_file(fsize, str->sh_offset, str->sh_size) || !str->sh_size)
		goto fail;
	sym = (const void *)(map + use->sh_offset);
	nsym = use->sh_size / sizeof(ElfW(Sym));

#define WANTED(s) ((ELF64_ST_TYPE((s)->st_info) == STT_FUNC ||			\
		    ELF64_ST_TYPE((s)->st_info) == STT_GNU_IFUNC) &&		\
		   (s)->st_shndx != SHN_UNDEF && (s)->st_value &&		\
		   (s)->st_name && (s)->st_name < str->sh_size)
	for (k = 0; k < nsym; k++)
		if (WANTED(&sym[k]))
			count++;
	if (!count)
		goto fail;
	tab = mmap(NULL, count * sizeof(*tab), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tab == MAP_FAILED)
		goto fail;
	count = 0;
	for (k = 0; k < nsym; k++) {
		const ElfW(Sym) *s = &sym[k];
		unsigned int bind = ELF64_ST_BIND(s->st_info);

		if (!WANTED(s))
			continue;
		tab[count].addr = (uintptr_t)s->st_value;
		tab[count].size = (uintptr_t)s->st_size;
		tab[count].name = (const char *)map + str->sh_offset + s->st_name;
		tab[count].prio = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
		count++;
	}
#undef WANTED
	/* The names must be NUL-terminated inside the table. */
	if (((const char *)map)[str->sh_offset + str->sh_size - 1] != '\0')
		goto fail_tab;
	sort_syms(tab, count);
	/* One symbol per address (the preferred alias), sizes for the
	 * size-less ones from the next symbol. */
	k = 0;
	for (size_t i = 0; i < count; i++) {
		if (k && tab[k - 1].addr == tab[i].addr)
			continue;
		tab[k++] = tab[i];
	}
	for (size_t i = 0; i < k; i++)
		if (!tab[i].size && i + 1 < k)
			tab[i].size = tab[i + 1].addr - tab[i].addr;
	mprotect(tab, count * sizeof(*tab), PROT_READ);
	o->syms = tab;
	o->nsyms = k;
	return true;		/* map stays: the names live in it */

fail_tab:
	munmap(tab, count * sizeof(*tab));
fail:
	munmap((void *)map, fsize);
	return false;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct find_arg {
	uintptr_t addr;
	int index;
	bool found, main_prog;
	uintptr_t lo, hi, bias;
	char path[PATH_MAX];
};

static int find_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct find_arg *a = data;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	bool in = false;
	int idx = a->index++;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t s, e;

		if (ph->p_type != PT_LOAD)
			continue;
		s = info->dlpi_addr + ph->p_vaddr;
		e = s + ph->p_memsz;
		lo = min(lo, s);
		hi = max(hi, e);
		if (a->addr >= s && a->addr < e)
			in = true;
	}
	if (!in)
		return 0;
	a->found = true;
	a->main_prog = idx == 0 || !info->dlpi_name || !info->dlpi_name[0];
	a->lo = lo;
	a->hi = hi;
	a->bias = info->dlpi_addr;
	copy_str(a->path, sizeof(a->path), info->dlpi_name ? info->dlpi_name : "");
	return 1;
}

static struct symobj *find_cached(uintptr_t addr, int n)
{
	for (int i = 0; i < n; i++)
		if (addr >= objs[i].lo && addr < objs[i].hi)
			return &objs[i];
	return NULL;
}

/* Set while this thread holds objs_lock: a signal handler on it must
 * not wait for the lock. */
static __thread bool in_objs_lock;

static void objs_lock_acquire(void)
{
	in_objs_lock = true;
	barrier();
	while (atomic_flag_test_and_set_explicit(&objs_lock, memory_order_acquire))
		sched_yield();
}

static void objs_lock_release(void)
{
	atomic_flag_clear_explicit(&objs_lock, memory_order_release);
	barrier();
	in_objs_lock = false;
}

/* The object containing addr, its symbols built; NULL if unknown. */
static struct symobj *get_obj(uintptr_t addr)
{
	struct find_arg a;
	struct symobj *o;
	const char *base;
	int state;

	o = find_cached(addr, __atomic_load_n(&nobjs, __ATOMIC_ACQUIRE));
	if (!o) {
		memset(&a, 0, offsetof(struct find_arg, path));
		a.addr = addr;
		dl_iterate_phdr(find_cb, &a);
		if (!a.found || in_objs_lock)
			return NULL;
		objs_lock_acquire();
		o = find_cached(addr, nobjs);
		if (!o) {
			if (nobjs == MAX_OBJS) {
				objs_lock_release();
				return NULL;
			}
			o = &objs[nobjs];
			o->lo = a.lo;
			o->hi = a.hi;
			o->bias = a.bias;
			o->main_prog = a.main_prog;
			base = strrchr(a.path, '/');
			copy_str(o->name, sizeof(o->name), base ? base + 1 : a.path);
			o->builder = pthread_self();
			o->state = OBJ_BUILDING;
			__atomic_store_n(&nobjs, nobjs + 1, __ATOMIC_RELEASE);
			objs_lock_release();
			state = load_symbols(o, a.main_prog ? "/proc/self/exe" : a.path, 0)
				? OBJ_READY : OBJ_NOSYMS;
			__atomic_store_n(&o->state, state, __ATOMIC_RELEASE);
			return state == OBJ_READY ? o : NULL;
		}
		objs_lock_release();
	}
	while ((state = __atomic_load_n(&o->state, __ATOMIC_ACQUIRE)) == OBJ_BUILDING) {
		if (pthread_equal(o->builder, pthread_self()))
			return NULL;	/* a signal interrupted our own build */
		sched_yield();
	}
	return state == OBJ_READY ? o : NULL;
}

static const struct ksym *lookup(const struct symobj *o, uintptr_t rel)
{
	size_t lo = 0, hi = o->nsyms;
	const struct ksym *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->syms[mid].addr <= rel)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &o->syms[lo - 1];
	return rel - s->addr < s->size ? s : NULL;
}

/*
 * %pS (lookup_off 0) and %pB (lookup_off -1: a return address).  Symbol
 * versions ("memcpy@@GLIBC_2.14" in debug files) are not printed.
 */
static int format_symbol(char *buf, unsigned long address, unsigned long lookup_off)
{
	unsigned long look = address + lookup_off;
	struct symobj *o = get_obj(look);
	const struct ksym *s = o ? lookup(o, look - o->bias) : NULL;
	int n;

	if (!s)
		n = snprintf(buf, KSYM_SYMBOL_LEN, "0x%lx", address);
	else if (o->main_prog)
		n = snprintf(buf, KSYM_SYMBOL_LEN, "%.*s+0x%lx/0x%lx",
			     (int)strcspn(s->name, "@"), s->name,
			     address - (o->bias + s->addr), (unsigned long)s->size);
	else
		n = snprintf(buf, KSYM_SYMBOL_LEN, "%.*s+0x%lx/0x%lx [%s]",
			     (int)strcspn(s->name, "@"), s->name,
			     address - (o->bias + s->addr), (unsigned long)s->size,
			     o->name);
	return n < KSYM_SYMBOL_LEN ? n : KSYM_SYMBOL_LEN - 1;
}

KMM_API int kmm_sprint_symbol(char *buf, unsigned long address)
{
	return format_symbol(buf, address, 0);
}

KMM_API int kmm_sprint_backtrace(char *buf, unsigned long address)
{
	return format_symbol(buf, address, (unsigned long)-1);
}

KMM_API void kmm_stack_trace_print(const unsigned long *entries,
				   unsigned int nr_entries, int spaces)
{
	char sym[KSYM_SYMBOL_LEN];

	if (!entries)
		return;
	for (unsigned int i = 0; i < nr_entries; i++) {
		kmm_sprint_symbol(sym, entries[i]);
		printk("%*s%s\n", 1 + spaces, "", sym);
	}
}

/* ------------------------------------------------------------------ */
/* dump_stack */

void kmm_dump_stack_print_info(const char *log_lvl)
{
	static const char version[] = "#1";
	char comm[16];

	printk("%sCPU: %d UID: %u PID: %d Comm: %.20s %s %s %.*s\n",
	       log_lvl, raw_smp_processor_id(), (unsigned int)geteuid(),
	       (int)kmm_current_pid(), kmm_current_comm(comm), kmm_print_tainted(),
	       KMM_RELEASE, (int)strcspn(version, " "), version);
	if (kmm_get_taint())
		printk("%s%s\n", log_lvl, kmm_print_tainted_verbose());
}

noinline void kmm_show_trace(const char *log_lvl, unsigned long anchor)
{
	unsigned long entries[TRACE_DEPTH];
	char sym[KSYM_SYMBOL_LEN];
	unsigned int n, start;

	n = kmm_stack_trace_save(entries, TRACE_DEPTH, 0);
	/* Start at the anchor (a return address into the first frame to
	 * show); without it, after our own frame. */
	start = n > 1 ? 1 : 0;
	for (unsigned int i = 0; anchor && i < n; i++) {
		if (entries[i] == anchor) {
			start = i;
			break;
		}
	}
	printk("%sCall Trace:\n", log_lvl);
	printk("%s <TASK>\n", log_lvl);
	for (unsigned int i = start; i < n; i++) {
		kmm_sprint_backtrace(sym, entries[i]);
		printk("%s %s\n", log_lvl, sym);
	}
	printk("%s </TASK>\n", log_lvl);
}

static noinline void dump_stack_from(const char *log_lvl, unsigned long anchor)
{
	kmm_report_lock();
	kmm_dump_stack_print_info(log_lvl);
	kmm_show_trace(log_lvl, anchor);
	kmm_report_unlock();
}

KMM_API noinline void kmm_dump_stack_lvl(const char *log_lvl)
{
	dump_stack_from(log_lvl ? log_lvl : KERN_DEFAULT,
			(unsigned long)__builtin_return_address(0));
}

KMM_API noinline void kmm_dump_stack(void)
{
	dump_stack_from(KERN_DEFAULT, (unsigned long)__builtin_return_address(0));
}

void kmm_stacktrace_init(void)
{
	void *frames[2];

	backtrace(frames, 2);			/* loads libgcc_s now */
	get_obj((uintptr_t)&kmm_stacktrace_init);	/* our own symbols */
}
