// SPDX-License-Identifier: MIT
/*
 * printk: the kernel log.
 *
 * Every message is parsed for its KERN_* prefix (default level 4, as the
 * kernel's default_message_loglevel), stamped with CLOCK_MONOTONIC time
 * since the printk clock started (kmm_printk_init(), or the first printk
 * if that comes earlier) and stored as a record in a static ring buffer.
 * The oldest records are dropped when the buffer is full.  Records whose
 * level is below the console loglevel are also written to the console
 * (fd 2 unless console= or kmm_console_set_fd() says otherwise) as
 * "[%5lu.%06lu] text\n" with one write(2) per message.
 *
 * A message without a trailing newline leaves its record open; a KERN_CONT
 * message from the same thread appends to it, any other message from that
 * thread closes it.  Each thread has its own open record (up to 16 at a
 * time; beyond, the oldest is closed), so interleaved pr_cont() from
 * several threads still gives whole lines.  As in the kernel, a record
 * reaches the console once it is complete; dmesg shows open records too.
 *
 * Also here: print_hex_dump() in lib/hexdump.c's format, __ratelimit() with
 * lib/ratelimit.c's semantics, the report lock, the printk boot parameters
 * (loglevel, quiet, debug, ignore_loglevel, console, printk.time,
 * log_buf_len) and the "dmesg" /proc view.
 *
 * Locking: log_lock, a test-and-set flag that yields while contended
 * (deliberately not a spinlock_t: lockdep validates those), protects the
 * ring buffer, the open records and console output ordering.
 * Nothing here calls malloc: messages are formatted into stack buffers.  A
 * printk from a signal handler that interrupted its thread inside log_lock
 * writes straight to the console instead of waiting for the lock.
 * report_lock is a separate recursive (per thread id) lock that
 * serialises whole multi-line reports; printk itself never takes it.
 */
#define _GNU_SOURCE
#include "internal.h"
#include <kmm/proc.h>
#include <kmm/smp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "arch/arch.h"

#define LOG_BUF_LEN_DEFAULT	(1UL << 20)
#define LOG_BUF_LEN_MIN		(1UL << 12)
#define LOG_BUF_LEN_MAX		(1UL << 24)
#define LOG_TEXT_MAX		1024	/* longest record text */
#define PREFIX_MAX		32	/* "[%5lu.%06lu] " */

#define DEFAULT_MESSAGE_LOGLEVEL	LOGLEVEL_WARNING
#define CONSOLE_LOGLEVEL_DEFAULT	5
#define CONSOLE_LOGLEVEL_QUIET		4
#define CONSOLE_LOGLEVEL_DEBUG		10

/* ------------------------------------------------------------------ */
/* The clock */

static u64 clock_base_ns;	/* CLOCK_MONOTONIC at boot; 0: not started */

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static u64 clock_start(void)
{
	u64 base = __atomic_load_n(&clock_base_ns, __ATOMIC_ACQUIRE);

	if (unlikely(!base)) {
		u64 expected = 0, now = mono_ns();

		if (!now)
			now = 1;
		if (__atomic_compare_exchange_n(&clock_base_ns, &expected, now, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			base = now;
		else
			base = expected;
	}
	return base;
}

u64 kmm_boot_nsecs(void)
{
	u64 base = clock_start();
	u64 now = mono_ns();

	return now > base ? now - base : 0;
}

unsigned long kmm_boot_msecs(void)
{
	return (unsigned long)(kmm_boot_nsecs() / 1000000ULL);
}

/* ------------------------------------------------------------------ */
/* Locks */


static atomic_flag log_lock_flag = ATOMIC_FLAG_INIT;
/* > 0 while this thread holds or waits for log_lock: a printk from a
 * signal handler then must not wait for it. */
static __thread int log_lock_depth;

static void log_lock(void)
{
	unsigned int spins = 0;

	log_lock_depth++;
	barrier();
	while (atomic_flag_test_and_set_explicit(&log_lock_flag, memory_order_acquire)) {
		if (++spins > 64)
			sched_yield();
		else
			cpu_relax();
	}
}

static void log_unlock(void)
{
	atomic_flag_clear_explicit(&log_lock_flag, memory_order_release);
	barrier();
	log_lock_depth--;
}

static int report_owner;	/* thread id holding report_lock, 0: free */
static int report_depth;	/* only touched by the owner */

static int gettid_raw(void)
{
	return (int)syscall(SYS_gettid);
}

void kmm_report_lock(void)
{
	int self = gettid_raw();
	unsigned int spins = 0;

	if (__atomic_load_n(&report_owner, __ATOMIC_RELAXED) == self) {
		report_depth++;
		return;
	}
	for (;;) {
		int expected = 0;

		if (__atomic_compare_exchange_n(&report_owner, &expected, self, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
		if (++spins > 64)
			sched_yield();
		else
			cpu_relax();
	}
	report_depth = 1;
}

void kmm_report_unlock(void)
{
	if (__atomic_load_n(&report_owner, __ATOMIC_RELAXED) != gettid_raw())
		return;		/* not ours: ignore rather than corrupt */
	if (--report_depth == 0)
		__atomic_store_n(&report_owner, 0, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* Console state */

static int console_fd = 2;			/* -1: no console */
static int user_console_fd = 2;			/* the fd set through the API */
static int param_console_fd = -1;		/* fd we opened for console= */
static int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
static int user_console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
static bool ignore_loglevel;
static bool printk_time = true;

static bool suppress_message(int level)
{
	return level >= __atomic_load_n(&console_loglevel, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&ignore_loglevel, __ATOMIC_RELAXED);
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

static size_t print_time(char *buf, size_t size, u64 ts)
{
	unsigned long sec = (unsigned long)(ts / 1000000000ULL);
	unsigned long usec = (unsigned long)(ts % 1000000000ULL) / 1000;
	int n = snprintf(buf, size, "[%5lu.%06lu] ", sec, usec);

	return n < 0 ? 0 : min((size_t)n, size - 1);
}

/*
 * Write text to the console, each line after a newline (and the first if
 * at_start) with the timestamp prefix, and a final newline if asked to.
 * One write per buffer-full, usually one per message.
 */
static void console_emit(int fd, u64 ts, const char *text, size_t len,
			 bool at_start, bool newline)
{
	char out[LOG_TEXT_MAX + 2 * PREFIX_MAX + 8];
	size_t o = 0;
	bool want_prefix = at_start;
	bool time = __atomic_load_n(&printk_time, __ATOMIC_RELAXED);

	if (fd < 0)
		return;
	for (size_t i = 0; i <= len; i++) {
		if (o + PREFIX_MAX + 2 > sizeof(out)) {
			write_all(fd, out, o);
			o = 0;
		}
		if (want_prefix) {
			if (time)
				o += print_time(out + o, sizeof(out) - o, ts);
			want_prefix = false;
		}
		if (i == len)
			break;
		out[o++] = text[i];
		if (text[i] == '\n')
			want_prefix = true;
	}
	if (newline)
		out[o++] = '\n';
	if (o)
		write_all(fd, out, o);
}

/* ------------------------------------------------------------------ */
/* The ring buffer: records at monotonically growing byte positions; a
 * record's bytes live at pos & (log_size - 1) and may wrap. */

struct log_hdr {
	u32 size;	/* whole record, header included, multiple of 8 */
	u16 text_len;
	u8 level;
	u8 pad;
	u64 ts_nsec;
};

static char log_buf[LOG_BUF_LEN_MAX] __attribute__((aligned(8)));
static size_t log_size = LOG_BUF_LEN_DEFAULT;	/* power of two */
static u64 log_head, log_tail;			/* oldest record, next write */

/*
 * Open (not yet newline-terminated) records, one per thread that has one,
 * so that threads interleaving pr_cont() do not break each other's lines.
 * When all slots are taken the oldest open record is closed.
 */
#define CONT_SLOTS	16

struct cont_rec {
	bool open;
	pthread_t owner;
	int level;
	u64 ts;
	u64 order;	/* when it was opened, to close the oldest first */
	size_t len;
	char text[LOG_TEXT_MAX];
};

static struct cont_rec conts[CONT_SLOTS];
static u64 cont_order;

static void ring_write(u64 pos, const void *src, size_t len)
{
	size_t off = (size_t)(pos & (log_size - 1));
	size_t first = min(len, log_size - off);

	memcpy(log_buf + off, src, first);
	if (first < len)
		memcpy(log_buf, (const char *)src + first, len - first);
}

static void ring_read(void *dst, u64 pos, size_t len)
{
	size_t off = (size_t)(pos & (log_size - 1));
	size_t first = min(len, log_size - off);

	memcpy(dst, log_buf + off, first);
	if (first < len)
		memcpy((char *)dst + first, log_buf, len - first);
}

static void ring_drop_oldest(void)
{
	struct log_hdr h;

	ring_read(&h, log_head, sizeof(h));
	log_head += h.size;
}

static void log_commit(int level, u64 ts, const char *text, size_t len)
{
	struct log_hdr h;
	size_t rsize;

	len = min(len, (size_t)LOG_TEXT_MAX);
	rsize = ALIGN(sizeof(h) + len, 8);
	while (log_tail - log_head + rsize > log_size)
		ring_drop_oldest();
	h.size = (u32)rsize;
	h.text_len = (u16)len;
	h.level = (u8)level;
	h.pad = 0;
	h.ts_nsec = ts;
	ring_write(log_tail, &h, sizeof(h));
	ring_write(log_tail + sizeof(h), text, len);
	log_tail += rsize;
}

static void reverse_bytes(char *p, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		char t = p[i];

		p[i] = p[j - 1];
		p[j - 1] = t;
	}
}

/* Rotate p[0..n) right by k bytes. */
static void rotate_right(char *p, size_t n, size_t k)
{
	k %= n;
	if (!k)
		return;
	reverse_bytes(p, n);
	reverse_bytes(p, k);
	reverse_bytes(p + k, n - k);
}

/* Change the ring size (a power of two), keeping the newest records. */
static void log_resize(size_t new_size)
{
	size_t used;

	if (new_size == log_size)
		return;
	while (log_tail - log_head > new_size)
		ring_drop_oldest();
	used = (size_t)(log_tail - log_head);
	/* Make the data start at offset 0 of the old area ... */
	rotate_right(log_buf, log_size,
		     log_size - (size_t)(log_head & (log_size - 1)));
	/* ... then move it to where the new mask expects it. */
	if (used)
		rotate_right(log_buf, new_size, (size_t)(log_head & (new_size - 1)));
	log_size = new_size;
}

/* Store a finished record and show it on the console. */
static void log_finish(int level, u64 ts, const char *text, size_t len)
{
	log_commit(level, ts, text, len);
	if (!suppress_message(level))
		console_emit(__atomic_load_n(&console_fd, __ATOMIC_RELAXED), ts, text,
			     len, true, true);
}

static void cont_flush(struct cont_rec *c)
{
	log_finish(c->level, c->ts, c->text, c->len);
	c->open = false;
	c->len = 0;
}

static struct cont_rec *cont_find(pthread_t self)
{
	for (int i = 0; i < CONT_SLOTS; i++)
		if (conts[i].open && pthread_equal(conts[i].owner, self))
			return &conts[i];
	return NULL;
}

static struct cont_rec *cont_alloc(void)
{
	struct cont_rec *oldest = &conts[0];

	for (int i = 0; i < CONT_SLOTS; i++) {
		if (!conts[i].open)
			return &conts[i];
		if (conts[i].order < oldest->order)
			oldest = &conts[i];
	}
	cont_flush(oldest);
	return oldest;
}

static void log_store(int level, bool is_cont, bool newline, const char *text,
		      size_t len)
{
	pthread_t self = pthread_self();
	struct cont_rec *c;

	log_lock();
	c = cont_find(self);
	if (c) {
		if (is_cont && c->len + len <= LOG_TEXT_MAX) {
			memcpy(c->text + c->len, text, len);
			c->len += len;
			if (newline)
				cont_flush(c);
			log_unlock();
			return;
		}
		if (is_cont && level < 0)
			level = c->level;	/* record full: carry on at its level */
		/* Anything else from this thread ends its open line. */
		cont_flush(c);
	}
	if (level < 0)
		level = DEFAULT_MESSAGE_LOGLEVEL;
	if (newline) {
		log_finish(level, kmm_boot_nsecs(), text, len);
	} else {
		c = cont_alloc();
		c->open = true;
		c->owner = self;
		c->level = level;
		c->ts = kmm_boot_nsecs();
		c->order = ++cont_order;
		c->len = len;
		memcpy(c->text, text, len);
	}
	log_unlock();
}

KMM_API int kmm_vprintk(const char *fmt, va_list args)
{
	char buf[LOG_TEXT_MAX + 16];
	char *text = buf;
	int level = -1, n;
	bool is_cont = false, newline;
	size_t len;

	n = vsnprintf(buf, sizeof(buf), fmt, args);
	if (n < 0)
		return n;
	len = min((size_t)n, sizeof(buf) - 1);
	/* The KERN_* prefixes: the first level wins, 'c' marks KERN_CONT. */
	while (len >= 2 && text[0] == KERN_SOH[0]) {
		char c = text[1];

		if (c >= '0' && c <= '7') {
			if (level < 0)
				level = c - '0';
		} else if (c == 'c') {
			is_cont = true;
		} else {
			break;
		}
		text += 2;
		len -= 2;
	}
	newline = (len && text[len - 1] == '\n') || (size_t)n >= sizeof(buf);
	if (len && text[len - 1] == '\n')
		len--;
	len = min(len, (size_t)LOG_TEXT_MAX);
	if (!len && is_cont && !newline)
		return 0;

	if (unlikely(log_lock_depth)) {
		/* A signal handler interrupted this thread inside log_lock:
		 * console only. */
		if (!suppress_message(level < 0 ? DEFAULT_MESSAGE_LOGLEVEL : level))
			console_emit(__atomic_load_n(&console_fd, __ATOMIC_RELAXED),
				     kmm_boot_nsecs(), text, len, true, true);
		return (int)len;
	}
	log_store(level, is_cont, newline, text, len);
	return (int)len;
}

KMM_API int kmm_printk(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = kmm_vprintk(fmt, ap);
	va_end(ap);
	return r;
}

/* ------------------------------------------------------------------ */
/* Console control */

static void close_param_console(void)
{
	if (param_console_fd >= 0) {
		close(param_console_fd);
		param_console_fd = -1;
	}
}

KMM_API void kmm_console_set_fd(int fd)
{
	log_lock();
	close_param_console();
	user_console_fd = fd;
	__atomic_store_n(&console_fd, fd, __ATOMIC_RELAXED);
	log_unlock();
}

KMM_API int kmm_console_get_fd(void)
{
	return __atomic_load_n(&console_fd, __ATOMIC_RELAXED);
}

KMM_API void kmm_console_set_loglevel(int level)
{
	__atomic_store_n(&user_console_loglevel, level, __ATOMIC_RELAXED);
	__atomic_store_n(&console_loglevel, level, __ATOMIC_RELAXED);
}

KMM_API int kmm_console_get_loglevel(void)
{
	return __atomic_load_n(&console_loglevel, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* dmesg */

typedef void (*put_fn)(void *arg, const char *s, size_t n);

/* A record as dmesg prints it: every line with the timestamp. */
static void emit_record(u64 ts, const char *text, size_t len, put_fn put, void *arg)
{
	char line[PREFIX_MAX + LOG_TEXT_MAX + 1];
	size_t plen = print_time(line, PREFIX_MAX, ts);
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == '\n') {
			size_t n = i - start;

			memcpy(line + plen, text + start, n);
			line[plen + n] = '\n';
			put(arg, line, plen + n + 1);
			start = i + 1;
		}
	}
}

struct sink {
	char *buf;
	size_t size;	/* room, NUL included */
	size_t len;	/* bytes that would have been written */
};

static void sink_put(void *arg, const char *p, size_t n)
{
	struct sink *s = arg;

	if (s->len + 1 < s->size) {
		size_t room = s->size - 1 - s->len;

		memcpy(s->buf + s->len, p, min(n, room));
	}
	s->len += n;
}

/* The open record opened first after order (under log_lock). */
static const struct cont_rec *next_open(u64 order)
{
	const struct cont_rec *best = NULL;

	for (int i = 0; i < CONT_SLOTS; i++)
		if (conts[i].open && conts[i].order > order &&
		    (!best || conts[i].order < best->order))
			best = &conts[i];
	return best;
}

KMM_API size_t kmm_dmesg_read(char *buf, size_t size)
{
	struct sink s = { buf, size, 0 };
	char text[LOG_TEXT_MAX];
	struct log_hdr h;
	u64 pos;

	log_lock();
	for (pos = log_head; pos < log_tail; pos += h.size) {
		ring_read(&h, pos, sizeof(h));
		ring_read(text, pos + sizeof(h), h.text_len);
		emit_record(h.ts_nsec, text, h.text_len, sink_put, &s);
	}
	for (const struct cont_rec *c = next_open(0); c; c = next_open(c->order))
		emit_record(c->ts, c->text, c->len, sink_put, &s);
	log_unlock();
	if (size)
		buf[min(s.len, size - 1)] = '\0';
	return s.len;
}

KMM_API void kmm_dmesg_clear(void)
{
	log_lock();
	log_head = log_tail;
	log_unlock();
}

static void file_put(void *arg, const char *p, size_t n)
{
	fwrite(p, 1, n, (FILE *)arg);
}

/* The "dmesg" view: one record at a time, so that stdio never runs
 * under log_lock. */
static void dmesg_show(FILE *f)
{
	char text[LOG_TEXT_MAX];
	struct log_hdr h;
	u64 pos = 0, order = 0;

	for (;;) {
		const struct cont_rec *c;
		bool have = false;
		u64 ts = 0;
		size_t len = 0;

		log_lock();
		if (pos < log_head)
			pos = log_head;
		if (pos < log_tail) {
			ring_read(&h, pos, sizeof(h));
			ring_read(text, pos + sizeof(h), h.text_len);
			ts = h.ts_nsec;
			len = h.text_len;
			pos += h.size;
			have = true;
		} else if ((c = next_open(order))) {
			/* Then the open records, oldest first. */
			memcpy(text, c->text, c->len);
			ts = c->ts;
			len = c->len;
			order = c->order;
			have = true;
		}
		log_unlock();
		if (!have)
			break;
		emit_record(ts, text, len, file_put, f);
	}
}
KMM_PROC("dmesg", dmesg_show);

/* ------------------------------------------------------------------ */
/* Hex dumps, as lib/hexdump.c */

KMM_API int kmm_hex_dump_to_buffer(const void *buf, size_t len, int rowsize,
				   int groupsize, char *linebuf, size_t linebuflen,
				   bool ascii)
{
	static const char hex[] = "0123456789abcdef";
	const u8 *ptr = buf;
	size_t ngroups, lx = 0, ascii_column, j;
	char tmp[32 * 3 + 2 + 32 + 1];

	if (rowsize != 16 && rowsize != 32)
		rowsize = 16;
	if (len > (size_t)rowsize)
		len = (size_t)rowsize;
	if (groupsize != 1 && groupsize != 2 && groupsize != 4 && groupsize != 8)
		groupsize = 1;
	if (len % (size_t)groupsize)
		groupsize = 1;
	ngroups = len / (size_t)groupsize;
	ascii_column = (size_t)rowsize * 2 + (size_t)(rowsize / groupsize) + 1;

	/* Build the whole line, then copy what fits. */
	for (j = 0; j < ngroups; j++) {
		u64 v = 0;
		int digits = groupsize * 2;

		if (j)
			tmp[lx++] = ' ';
		switch (groupsize) {
		case 8: { u64 x; memcpy(&x, ptr + j * 8, 8); v = x; break; }
		case 4: { u32 x; memcpy(&x, ptr + j * 4, 4); v = x; break; }
		case 2: { u16 x; memcpy(&x, ptr + j * 2, 2); v = x; break; }
		default: v = ptr[j]; break;
		}
		for (int d = digits - 1; d >= 0; d--)
			tmp[lx++] = hex[(v >> (d * 4)) & 0xf];
	}
	if (ascii && len) {
		while (lx < ascii_column)
			tmp[lx++] = ' ';
		for (j = 0; j < len; j++)
			tmp[lx++] = (ptr[j] >= 0x20 && ptr[j] < 0x7f) ? (char)ptr[j] : '.';
	}
	tmp[lx] = '\0';
	if (linebuflen) {
		size_t n = min(lx, linebuflen - 1);

		memcpy(linebuf, tmp, n);
		linebuf[n] = '\0';
	}
	return (int)lx;
}

KMM_API void kmm_print_hex_dump(const char *level, const char *prefix_str,
				int prefix_type, int rowsize, int groupsize,
				const void *buf, size_t len, bool ascii)
{
	const u8 *ptr = buf;
	char linebuf[32 * 3 + 2 + 32 + 1];
	size_t i;

	if (rowsize != 16 && rowsize != 32)
		rowsize = 16;
	if (!level)
		level = "";
	if (!prefix_str)
		prefix_str = "";
	for (i = 0; i < len; i += (size_t)rowsize) {
		size_t linelen = min(len - i, (size_t)rowsize);

		kmm_hex_dump_to_buffer(ptr + i, linelen, rowsize, groupsize,
				       linebuf, sizeof(linebuf), ascii);
		switch (prefix_type) {
		case DUMP_PREFIX_ADDRESS:
			kmm_printk("%s%s%016lx: %s\n", level, prefix_str,
				   (unsigned long)(uintptr_t)(ptr + i), linebuf);
			break;
		case DUMP_PREFIX_OFFSET:
			kmm_printk("%s%s%.8zx: %s\n", level, prefix_str, i, linebuf);
			break;
		default:
			kmm_printk("%s%s%s\n", level, prefix_str, linebuf);
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Rate limiting, as lib/ratelimit.c */

KMM_API int kmm___ratelimit(struct ratelimit_state *rs, const char *func)
{
	int interval = __atomic_load_n(&rs->interval, __ATOMIC_RELAXED);
	int burst = __atomic_load_n(&rs->burst, __ATOMIC_RELAXED);
	unsigned long now;
	int ret;

	if (!interval)
		return 1;
	/* Contended: someone else is printing already. */
	if (atomic_flag_test_and_set_explicit(&rs->lock, memory_order_acquire))
		return 0;
	now = kmm_boot_msecs() + 1;	/* never 0: 0 means "not started" */
	if (!rs->begin)
		rs->begin = now;
	if (rs->begin + (unsigned long)interval < now) {
		if (rs->missed) {
			kmm_printk(KERN_WARNING "%s: %d callbacks suppressed\n",
				   func, rs->missed);
			rs->missed = 0;
		}
		rs->begin = now;
		rs->printed = 0;
	}
	if (burst && burst > rs->printed) {
		rs->printed++;
		ret = 1;
	} else {
		rs->missed++;
		ret = 0;
	}
	atomic_flag_clear_explicit(&rs->lock, memory_order_release);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Fork: the child must not inherit a lock held by a thread it lost. */

static void fork_prepare(void)
{
	kmm_report_lock();
	log_lock();
}

static void fork_parent(void)
{
	log_unlock();
	kmm_report_unlock();
}

static void fork_child(void)
{
	log_unlock();
	/* The forking thread held report_lock; the child's thread is it. */
	__atomic_store_n(&report_owner, gettid_raw(), __ATOMIC_RELAXED);
	kmm_report_unlock();
}

void kmm_printk_init(void)
{
	static bool atfork_done;

	clock_start();
	if (!__atomic_exchange_n(&atfork_done, true, __ATOMIC_ACQ_REL))
		pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* ------------------------------------------------------------------ */
/* Boot parameters */

static void printk_param_defaults(void)
{
	log_lock();
	close_param_console();
	__atomic_store_n(&console_fd, user_console_fd, __ATOMIC_RELAXED);
	log_resize(LOG_BUF_LEN_DEFAULT);
	log_unlock();
	__atomic_store_n(&console_loglevel,
			 __atomic_load_n(&user_console_loglevel, __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&ignore_loglevel, false, __ATOMIC_RELAXED);
	__atomic_store_n(&printk_time, true, __ATOMIC_RELAXED);
}
param_defaults(printk_param_defaults);

static int loglevel_setup(char *val)
{
	int level;

	/* As the kernel: only a parsable number changes the loglevel. */
	if (!val || !kmm_get_option(&val, &level))
		return -EINVAL;
	__atomic_store_n(&console_loglevel, level, __ATOMIC_RELAXED);
	return 0;
}
__setup("loglevel", loglevel_setup);

static int quiet_setup(char *val)
{
	__atomic_store_n(&console_loglevel, CONSOLE_LOGLEVEL_QUIET, __ATOMIC_RELAXED);
	return 0;
}
__setup("quiet", quiet_setup);

static int debug_setup(char *val)
{
	__atomic_store_n(&console_loglevel, CONSOLE_LOGLEVEL_DEBUG, __ATOMIC_RELAXED);
	return 0;
}
__setup("debug", debug_setup);

static int ignore_loglevel_setup(char *val)
{
	__atomic_store_n(&ignore_loglevel, true, __ATOMIC_RELAXED);
	pr_info("debug: ignoring loglevel setting.\n");
	return 0;
}
__setup("ignore_loglevel", ignore_loglevel_setup);

static int printk_time_setup(char *val)
{
	bool on;

	if (!val)		/* a bare bool parameter means true */
		on = true;
	else if (kmm_kstrtobool(val, &on))
		return -EINVAL;
	__atomic_store_n(&printk_time, on, __ATOMIC_RELAXED);
	return 0;
}
__setup("printk.time", printk_time_setup);

/*
 * console=stderr, console=stdout, console=none (no console) or
 * console=PATH (a file, created if needed and appended to).
 */
static int console_setup(char *val)
{
	int fd;

	if (!val || !*val)
		return -EINVAL;
	if (!strcmp(val, "stderr"))
		fd = 2;
	else if (!strcmp(val, "stdout"))
		fd = 1;
	else if (!strcmp(val, "none") || !strcmp(val, "null"))
		fd = -1;
	else {
		fd = open(val, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0) {
			pr_err("console: cannot open %s: %s\n", val, strerror(errno));
			return -EINVAL;
		}
	}
	log_lock();
	close_param_console();
	if (fd > 2)
		param_console_fd = fd;
	__atomic_store_n(&console_fd, fd, __ATOMIC_RELAXED);
	log_unlock();
	return 0;
}
__setup("console", console_setup);

/* log_buf_len=SIZE: rounded up to a power of two, 4 KiB to 16 MiB. */
static int log_buf_len_setup(char *val)
{
	unsigned long long size;
	char *end;
	size_t pow = LOG_BUF_LEN_MIN;

	if (!val)
		return -EINVAL;
	size = kmm_memparse(val, &end);
	if (end == val || *end)
		return -EINVAL;
	if (size > LOG_BUF_LEN_MAX) {
		pr_err("log_buf_len: %llu bytes not supported, using %lu\n",
		       size, LOG_BUF_LEN_MAX);
		size = LOG_BUF_LEN_MAX;
	}
	while (pow < size)
		pow <<= 1;
	log_lock();
	log_resize(pow);
	log_unlock();
	pr_info("log_buf_len: %zu bytes\n", pow);
	return 0;
}
__setup("log_buf_len", log_buf_len_setup);
