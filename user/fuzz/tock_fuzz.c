// SPDX-License-Identifier: GPL-2.0
/*
 * tock_fuzz: a structure-aware fuzzer of /dev/tock.
 *
 * Several processes, each with several threads, issue random sequences of
 * every ioctl of uapi/tockallow.h against every sample driver, the test
 * driver and numbers no driver has, with mutated structs (reserved fields,
 * flags, modes, driver, allow and upcall numbers at and past the edges) and
 * buffers that are unaligned, unmapped, read-only, PROT_NONE, kernel,
 * huge, overflowing, tagged (arm64), overlapping and in transparent huge
 * pages, interleaved with mmap, munmap, mremap, madvise, mprotect, fork,
 * exec, exit, close and signals.
 *
 * The oracle is what the README and uapi/tockallow.h promise: each call
 * fails with one of the errnos documented for what was wrong with it
 * (EFAULT, EINVAL, EPERM, ENOTTY, EINTR), or succeeds with a return
 * variant and status the allow table allows for the memory and numbers
 * passed; and once every file is closed and every child reaped, no pin is
 * left (/proc/vmstat nr_foll_pin_*) and each worker's VmPin and VmLck are
 * back where they started.  The kernel's own checks (KASAN, lockdep,
 * kmemleak) are the caller's: run it in scripts/vm-run.
 *
 * The seed is printed first; --seed replays each thread's sequence of
 * operations (the interleaving of threads and processes is the
 * scheduler's).  The output is a table of operations per ioctl, context
 * and outcome, then one TAP case for scripts/check.
 *
 *   tock_fuzz [--seed N] [--duration S] [--threads N] [--procs N] [-v]
 *
 * The duration defaults to $TOCK_FUZZ_DURATION, else 60 s.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tockallow.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef PR_SET_TAGGED_ADDR_CTRL
#define PR_SET_TAGGED_ADDR_CTRL	55
#endif
#ifndef PR_TAGGED_ADDR_ENABLE
#define PR_TAGGED_ADDR_ENABLE	1UL
#endif

#define DEVICE			"/dev/tock"
#define MAX_THREADS		16
#define MAX_PROCS		16
/* Files each worker process shares among its threads. */
#define SHARED_FDS		3
/* The churned arena: chunks the size of a PMD huge page. */
#define CHUNK			(2UL << 20)
#define ARENA_CHUNKS		4
/* Stable regions, never unmapped or reprotected while threads run. */
#define STABLE_LEN		(64UL << 10)
/* RLIMIT_MEMLOCK of the unprivileged workers. */
#define SMALL_MEMLOCK		(256UL << 10)
/* Largest delay given to the test driver's delayed commands, in ms. */
#define SHORT_DELAY_MS		20
/* Allow and upcall numbers past every driver's count. */
#define FAR_NUM			4096
/* Operations a forked child runs before it exits. */
#define CHILD_OPS		40
/* How long the pin counters may take to settle after the run, in ms. */
#define SETTLE_MS		10000
/* How long past the deadline the workers may take to end, in s. */
#define GRACE_S			90
/* Violations printed in full; the rest are only counted. */
#define MAX_REPORTS		20
#define NOBODY			65534

/* The ioctls, as the table names them. */
enum call {
	C_VERSION, C_YIELD_NO_WAIT, C_YIELD_WAIT, C_YIELD_WAIT_FOR,
	C_YIELD_BAD, C_SUBSCRIBE, C_COMMAND, C_ALLOW_RW, C_ALLOW_RO,
	C_ALLOW_UR, C_BOGUS, NR_CALLS
};

static const char *const call_names[NR_CALLS] = {
	"version", "yield-no-wait", "yield-wait", "yield-wait-for",
	"yield-bad-mode", "subscribe", "command", "allow-rw", "allow-ro",
	"allow-ur", "unknown-ioctl",
};

/* Who issues the call: the opener, a forked child, the opener after exec. */
enum ctx { X_OWN, X_FORKED, X_EXECED, NR_CTX };

static const char *const ctx_names[NR_CTX] = { "own", "forked", "exec" };

/*
 * Outcomes: the ioctl succeeded with Tock status 0-13 (a command's
 * failure code, else the allow or subscribe status; 0 for yield and
 * version), or failed with an errno; "other" is any other errno, status
 * or error code.
 */
enum {
	O_ERRNO = 14,
	O_EFAULT = O_ERRNO, O_EINVAL, O_EPERM, O_ENOTTY, O_EINTR, O_EBADF,
	O_OTHER, NR_OUTCOMES
};

static const char *const outcome_names[NR_OUTCOMES] = {
	"SUCCESS", "FAIL", "BUSY", "ALREADY", "OFF", "RESERVE", "INVAL",
	"SIZE", "CANCEL", "NOMEM", "NOSUPPORT", "NODEVICE", "UNINSTALLED",
	"NOACK", "EFAULT", "EINVAL", "EPERM", "ENOTTY", "EINTR", "EBADF",
	"other",
};

/* Operations other than ioctls. */
enum other {
	M_MMAP, M_MUNMAP, M_MREMAP, M_MADVISE, M_MPROTECT, M_THP, M_FORK,
	M_EXEC, M_KILL, M_DUP2, M_REOPEN, M_SIGNAL, M_POLL, NR_OTHER
};

static const char *const other_names[NR_OTHER] = {
	"mmap", "munmap", "mremap", "madvise", "mprotect", "thp", "fork",
	"exec", "kill-child", "dup2-replace", "close-reopen", "signal",
	"poll",
};

/* Counters shared by every process of a run, in a memfd mapping. */
struct stats {
	_Atomic unsigned long calls[NR_CTX][NR_CALLS][NR_OUTCOMES];
	_Atomic unsigned long other[NR_OTHER];
	_Atomic unsigned long violations;
	_Atomic unsigned long reports;
};

static struct stats *stats;
static int verbose;

/* Driver numbers with the slot counts the README and uapi document. */
struct drv {
	uint32_t num;
	uint32_t allows[3];	/* read-write, read-only, userspace-readable */
	uint32_t upcalls;
	bool present;		/* answered command 0 at start */
};

static struct drv drivers[] = {
	{ TOCK_DRIVER_ALARM,   { 0, 0, 0 }, 1, false },
	{ TOCK_DRIVER_CONSOLE, { 2, 2, 0 }, 3, false },
	{ TOCK_DRIVER_LED,     { 0, 0, 0 }, 0, false },
	{ TOCK_DRIVER_BUTTON,  { 0, 0, 0 }, 1, false },
	{ TOCK_DRIVER_RNG,     { 1, 0, 0 }, 1, false },
	{ TOCK_DRIVER_CRC,     { 0, 1, 0 }, 1, false },
	{ TOCK_DRIVER_TEST,    { 2, 2, 1 }, 2, false },
};

#define NR_DRIVERS	(sizeof(drivers) / sizeof(drivers[0]))

/* Numbers no driver has (checked against the table at start). */
static const uint32_t bogus_drivers[] = {
	4, 5, 0x30000, 0x40000, 0x40003, 0x9ffff, 0xa0001, 0xa0002,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

/* xoshiro-style generator state: splitmix64 seeds, xorshift64* steps. */
struct rng {
	uint64_t s;
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t x = seed ^ (a << 32) ^ (b << 48) ^ 0x5eedULL;

	r->s = splitmix(&x) | 1;
}

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* true with probability 1/n */
static bool one_in(struct rng *r, unsigned int n)
{
	return below(r, n) == 0;
}

/* A value at or near an edge, or anything. */
static uint64_t edge64(struct rng *r)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 7, 255, 256, 4095, 4096, 4097, 0x7fffffff,
		0x80000000, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
	};

	if (one_in(r, 3))
		return rnd(r);
	return edges[below(r, sizeof(edges) / sizeof(edges[0]))];
}

/* Regions of a worker process. */
enum region {
	R_RW,		/* stable read-write anonymous memory */
	R_RO,		/* stable PROT_READ anonymous memory */
	R_FILE_RO,	/* stable PROT_READ shared file (memfd) mapping */
	R_RODATA,	/* the program's own .rodata */
	R_NONE,		/* stable PROT_NONE */
	R_THP,		/* stable, 2 MiB aligned, THP-backed if the kernel can */
	R_KERNEL,	/* kernel addresses */
	R_NULL,		/* page 0 */
	R_OVERFLOW,	/* address + size wraps */
	R_HUGE,		/* a stable start with a huge size */
	R_ARENA,	/* the churned arena: anything may be there */
	NR_REGIONS
};

/* What the memory of an allow request is known to be. */
enum memkind { MEM_ZERO, MEM_GOOD, MEM_READONLY, MEM_BAD, MEM_HUGE, MEM_ANY };

struct worker {
	int index;
	bool limited;		/* unprivileged, small RLIMIT_MEMLOCK */
	bool tagged_abi;	/* arm64 tagged-address ABI enabled */
	int fds[SHARED_FDS];
	uint8_t *rw, *ro, *file_ro, *none, *thp;
	uint8_t *arena;
	uint64_t seed;
	int threads;
	struct timespec deadline;
	atomic_bool stop;
	pthread_t tids[MAX_THREADS];
	pthread_mutex_t arena_lock;	/* serialises remaps of the arena */
	const char *self_exe;
};

static struct worker w;
static size_t page_size;
static const char self_path[] = "/proc/self/exe";

static const uint8_t rodata_buf[3 * 4096] = { 1, 2, 3 };

/* Per-thread state. */
struct thr {
	struct rng r;
	int index;
	int own_fd;		/* a file only this thread uses */
	uint8_t *sp;		/* two pages: [read-write][PROT_NONE] */
	uint8_t *ro_page;	/* a page flipped read-only around a call */
	unsigned long ops;
};

static void say(const char *fmt, ...)
{
	char buf[1536];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	/* One write per line, so lines of processes and threads never mix. */
	if (n > 0)
		(void)!write(STDOUT_FILENO, buf, n);
}

static void count(enum ctx x, enum call c, int outcome)
{
	atomic_fetch_add_explicit(&stats->calls[x][c][outcome], 1,
				  memory_order_relaxed);
}

static void count_other(enum other o)
{
	atomic_fetch_add_explicit(&stats->other[o], 1, memory_order_relaxed);
}

/* What one call was, for a violation report. */
struct desc {
	enum ctx ctx;
	enum call call;
	const char *why;
	uint64_t f[6];
};

static void violation(const struct desc *d, int outcome, const char *what)
{
	atomic_fetch_add(&stats->violations, 1);
	if (atomic_fetch_add(&stats->reports, 1) >= MAX_REPORTS && !verbose)
		return;
	say("# VIOLATION pid %d: %s %s (%s): got %s: %s [%#" PRIx64 " %#"
	    PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 "]\n",
	    (int)getpid(), ctx_names[d->ctx], call_names[d->call],
	    d->why ? d->why : "-", outcome_names[outcome], what, d->f[0],
	    d->f[1], d->f[2], d->f[3], d->f[4], d->f[5]);
}

static int errno_outcome(int e)
{
	switch (e) {
	case EFAULT: return O_EFAULT;
	case EINVAL: return O_EINVAL;
	case EPERM: return O_EPERM;
	case ENOTTY: return O_ENOTTY;
	case EINTR: return O_EINTR;
	case EBADF: return O_EBADF;
	default: return O_OTHER;
	}
}

#define BIT(o)		(1u << (o))
#define ANY_STATUS	((1u << O_ERRNO) - 1)

/*
 * Where the request struct lives: a good copy, an unaligned one, one on a
 * page made read-only for the call, one running into a PROT_NONE page,
 * or a pointer to nothing.
 */
enum where { W_GOOD, W_UNALIGNED, W_READONLY, W_STRADDLE, W_UNMAPPED,
	     W_KERNEL, W_NULL, NR_WHERE };

static uint64_t kernel_addr(struct rng *r)
{
	static const uint64_t k[] = {
#if defined(__aarch64__)
		0xffff000000000000ULL, 0xffff800080000000ULL,
		0xfffffc0000000000ULL,
#else
		0xffff888000000000ULL, 0xffffffff81000000ULL,
		0xffffc90000000000ULL,
#endif
		0xfffffffffffff000ULL,
	};

	return k[below(r, sizeof(k) / sizeof(k[0]))] +
	       (one_in(r, 2) ? below(r, 1 << 20) : 0);
}

/*
 * Place @len bytes of @req where @wh says; returns the pointer to pass,
 * and whether a struct there can be read (@readable) and written back
 * (@writable).
 */
static void *place(struct thr *t, enum where wh, const void *req, size_t len,
		   bool *readable, bool *writable)
{
	uint8_t *p;

	*readable = true;
	*writable = true;
	switch (wh) {
	case W_GOOD:
	default:
		p = t->sp + 64;
		break;
	case W_UNALIGNED:
		p = t->sp + 128 + 1 + below(&t->r, 7);
		break;
	case W_READONLY:
		memcpy(t->ro_page, req, len);
		if (mprotect(t->ro_page, page_size, PROT_READ)) {
			*writable = true;
		} else {
			*writable = false;
		}
		return t->ro_page;
	case W_STRADDLE:
		/* Starts in the read-write page, ends in the PROT_NONE one. */
		p = t->sp + page_size - 1 - below(&t->r, len - 1);
		memcpy(p, req, t->sp + page_size - p);
		*readable = false;
		*writable = false;
		return p;
	case W_UNMAPPED:
		*readable = *writable = false;
		return t->sp + page_size + below(&t->r, page_size);
	case W_KERNEL:
		*readable = *writable = false;
		/* A 32-bit process owns nearly all 4 GiB: its top page. */
		if (sizeof(void *) == 4)
			return (void *)(uintptr_t)(0xfffff000u +
						   below(&t->r, 0xf00));
		return (void *)(uintptr_t)kernel_addr(&t->r);
	case W_NULL:
		*readable = *writable = false;
		return NULL;
	}
	memcpy(p, req, len);
	return p;
}

static void unplace(struct thr *t, enum where wh, void *p, void *req,
		    size_t len)
{
	if (wh == W_READONLY) {
		mprotect(t->ro_page, page_size, PROT_READ | PROT_WRITE);
		memcpy(req, t->ro_page, len);
	} else if (wh == W_GOOD || wh == W_UNALIGNED) {
		memcpy(req, p, len);
	}
}

static enum where pick_where(struct thr *t)
{
	if (!one_in(&t->r, 8))
		return one_in(&t->r, 4) ? W_UNALIGNED : W_GOOD;
	return (enum where)(W_READONLY + below(&t->r, NR_WHERE - W_READONLY));
}

static struct drv *find_driver(uint32_t num)
{
	for (size_t i = 0; i < NR_DRIVERS; i++)
		if (drivers[i].num == num)
			return &drivers[i];
	return NULL;
}

static uint32_t pick_driver(struct rng *r)
{
	if (one_in(r, 6)) {
		if (one_in(r, 4))
			return (uint32_t)rnd(r);
		return bogus_drivers[below(r, sizeof(bogus_drivers) /
					     sizeof(bogus_drivers[0]))];
	}
	return drivers[below(r, NR_DRIVERS)].num;
}

/* A slot number: mostly within the driver's count, else at or past it. */
static uint32_t pick_num(struct rng *r, uint32_t nslots)
{
	switch (below(r, 8)) {
	case 0: return nslots;
	case 1: return nslots + 1;
	case 2: return (uint32_t)edge64(r);
	case 3: return FAR_NUM;
	default: return nslots ? (uint32_t)below(r, nslots) : 0;
	}
}

/*
 * An allow's memory: returns its address and size in @addr, @size and
 * what it is known to be, for a request of kind @kind (0 read-write,
 * 1 read-only, 2 userspace-readable).
 */
static enum memkind pick_mem(struct thr *t, int kind, __u64 *addr,
			     __u64 *size)
{
	struct rng *r = &t->r;
	enum region reg = (enum region)below(r, NR_REGIONS);
	uint64_t base = 0, len = 0, off;
	bool writable = true;
	enum memkind mk;

	/* Half of all requests go to the arena, where the races are. */
	if (one_in(r, 2))
		reg = R_ARENA;
	switch (reg) {
	case R_RW: base = (uintptr_t)w.rw; len = STABLE_LEN; break;
	case R_RO: base = (uintptr_t)w.ro; len = STABLE_LEN;
		writable = false; break;
	case R_FILE_RO: base = (uintptr_t)w.file_ro; len = STABLE_LEN;
		writable = false; break;
	case R_RODATA: base = (uintptr_t)rodata_buf; len = sizeof(rodata_buf);
		writable = false; break;
	case R_THP: base = (uintptr_t)w.thp; len = CHUNK; break;
	case R_ARENA: base = (uintptr_t)w.arena; len = ARENA_CHUNKS * CHUNK;
		break;
	case R_NONE:
		*addr = (uintptr_t)w.none + below(r, STABLE_LEN);
		*size = 1 + below(r, STABLE_LEN - (*addr - (uintptr_t)w.none));
		return MEM_BAD;
	case R_KERNEL:
		*addr = kernel_addr(r);
		*size = 1 + below(r, 3 * page_size);
		if (*addr + *size < *addr)
			*size = 1;
		return MEM_BAD;
	case R_NULL:
		*addr = below(r, page_size);
		*size = 1 + below(r, page_size);
		return MEM_BAD;
	case R_OVERFLOW:
		*addr = (uintptr_t)w.rw + below(r, STABLE_LEN);
		*size = ~0ULL - *addr + 2 + below(r, page_size);
		return MEM_BAD;
	case R_HUGE:
	default:
		*addr = (uintptr_t)w.rw + below(r, page_size);
		*size = one_in(r, 2) ? (1ULL << (26 + below(r, 20))) + 1 :
			(ARENA_CHUNKS + 4) * CHUNK;
		return MEM_HUGE;
	}

	/* Mostly a few pages: pinning is slow under emulation. */
	if (len > 64 * page_size && !one_in(r, 8)) {
		base += below(r, len / page_size - 64) * page_size;
		len = 64 * page_size;
	}
	/* Somewhere in the region: unaligned, page-sized or all of it. */
	switch (below(r, 5)) {
	case 0:
		off = 0;
		*size = len;
		break;
	case 1:
		off = below(r, len / page_size) * page_size;
		*size = page_size * (1 + below(r, (len - off) / page_size));
		break;
	case 2:
		off = below(r, len);
		*size = 1;
		break;
	default:
		off = below(r, len);
		*size = 1 + below(r, len - off);
		break;
	}
	*addr = base + off;
	if (one_in(r, 16))
		*size = 0;
	if (*size == 0)
		mk = MEM_ZERO;
	else if (reg == R_ARENA)
		mk = MEM_ANY;
	else if (writable || kind == 1)
		mk = MEM_GOOD;
	else
		mk = MEM_READONLY;
#if defined(__aarch64__)
	/* A top-byte tag; the module untags before any check. */
	if (one_in(r, 4))
		*addr |= (below(r, 255) + 1) << 56;
#endif
	return mk;
}

/* Fill reserved fields and flags, mostly zero; say if any is not. */
static bool reserved(struct rng *r, uint32_t *field)
{
	*field = one_in(r, 16) ? (uint32_t)(edge64(r) | 1) : 0;
	return *field != 0;
}

/* The allowed errnos of a call, from what was wrong with it. */
struct expect {
	unsigned int errs;	/* errnos that may come back */
	bool must_fail;		/* the ioctl itself must fail */
};

static void expect_of(struct expect *e, enum ctx x, bool bad_fields,
		      bool readable, bool writable)
{
	e->errs = 0;
	e->must_fail = false;
	if (!readable) {
		/* Nothing can be read, so nothing else can be judged. */
		e->errs |= BIT(O_EFAULT);
		e->must_fail = true;
	} else {
		if (bad_fields) {
			e->errs |= BIT(O_EINVAL);
			e->must_fail = true;
		}
		if (!writable) {
			e->errs |= BIT(O_EFAULT);
			e->must_fail = true;
		}
	}
	if (x != X_OWN) {
		e->errs |= BIT(O_EPERM);
		e->must_fail = true;
	}
}

/*
 * Judge an ioctl's result against @e; returns the outcome to count, with
 * -1 for a success whose contents the caller judges.
 */
static int judge_errno(const struct desc *d, const struct expect *e, int ret,
		       int err)
{
	int o;

	if (ret == 0) {
		if (e->must_fail)
			violation(d, O_OTHER, "succeeded, must fail");
		return -1;
	}
	o = errno_outcome(err);
	if (!(e->errs & BIT(o)))
		violation(d, o, err == 0 ? "?" : strerror(err));
	return o;
}

static int do_ioctl(int fd, unsigned long cmd, void *arg, int *err)
{
	int ret = ioctl(fd, cmd, arg);

	*err = ret ? errno : 0;
	return ret;
}

static void call_version(struct thr *t, int fd, enum ctx x)
{
	struct tock_ioc_version req = { 0 };
	struct desc d = { x, C_VERSION, NULL, { 0 } };
	struct expect e;
	bool rd, wr, bad;
	enum where wh = pick_where(t);
	void *p;
	int ret, err, o;

	bad = reserved(&t->r, &req.flags);
	req.version = (uint32_t)rnd(&t->r);
	p = place(t, wh, &req, sizeof(req), &rd, &wr);
	ret = do_ioctl(fd, TOCK_IOC_VERSION, p, &err);
	unplace(t, wh, p, &req, sizeof(req));
	expect_of(&e, x, bad, rd, wr);
	d.f[0] = req.flags;
	d.f[1] = wh;
	o = judge_errno(&d, &e, ret, err);
	if (o < 0) {
		o = 0;
		if (req.version != TOCK_ABI_VERSION ||
		    (req.features & ~TOCK_FEATURE_LIVENESS_NOTIFIER))
			violation(&d, o, "wrong version or features");
	}
	count(x, C_VERSION, o);
}

static void call_yield(struct thr *t, int fd, enum ctx x)
{
	struct tock_ioc_yield req = { 0 };
	struct desc d = { x, C_YIELD_NO_WAIT, NULL, { 0 } };
	struct expect e;
	enum where wh = pick_where(t);
	bool rd, wr, bad;
	void *p;
	int ret, err, o;
	enum call c;

	switch (below(&t->r, 8)) {
	case 0: case 1: case 2:
		req.mode = TOCK_YIELD_NO_WAIT;
		break;
	case 3: case 4:
		req.mode = TOCK_YIELD_WAIT;
		break;
	case 5: case 6:
		req.mode = TOCK_YIELD_WAIT_FOR;
		break;
	default:
		req.mode = 3 + (uint32_t)(one_in(&t->r, 2) ? below(&t->r, 4) :
					  edge64(&t->r));
		if (req.mode < 3)
			req.mode = 3;
		break;
	}
	c = req.mode == TOCK_YIELD_NO_WAIT ? C_YIELD_NO_WAIT :
	    req.mode == TOCK_YIELD_WAIT ? C_YIELD_WAIT :
	    req.mode == TOCK_YIELD_WAIT_FOR ? C_YIELD_WAIT_FOR : C_YIELD_BAD;
	d.call = c;
	bad = reserved(&t->r, &req.flags) || c == C_YIELD_BAD;
	if (c == C_YIELD_WAIT_FOR) {
		req.driver = pick_driver(&t->r);
		req.subscribe_num = pick_num(&t->r, 2);
	} else if (one_in(&t->r, 12)) {
		/* Only wait-for names an upcall. */
		req.driver = (uint32_t)edge64(&t->r) | 1;
		bad = true;
	}
	/* Outputs are ignored on input. */
	req.upcall = rnd(&t->r);
	req.has_upcall = (uint32_t)rnd(&t->r);
	p = place(t, wh, &req, sizeof(req), &rd, &wr);
	ret = do_ioctl(fd, TOCK_IOC_YIELD, p, &err);
	unplace(t, wh, p, &req, sizeof(req));
	expect_of(&e, x, bad, rd, wr);
	if (c == C_YIELD_WAIT || c == C_YIELD_WAIT_FOR) {
		/* The signaller interrupts waits. */
		e.errs |= BIT(O_EINTR);
	}
	d.f[0] = req.mode;
	d.f[1] = req.flags;
	d.f[2] = req.driver;
	d.f[3] = req.subscribe_num;
	d.f[4] = wh;
	o = judge_errno(&d, &e, ret, err);
	if (o < 0) {
		o = 0;
		d.f[5] = req.has_upcall;
		if (req.has_upcall > 1)
			violation(&d, o, "has_upcall neither 0 nor 1");
		else if (!req.has_upcall &&
			 (req.upcall || req.userdata || req.args[0] ||
			  req.args[1] || req.args[2]))
			violation(&d, o, "values without an upcall");
		else if (c != C_YIELD_NO_WAIT && !req.has_upcall)
			violation(&d, o, "a wait returned no upcall");
		else if (c == C_YIELD_WAIT_FOR && (req.upcall || req.userdata))
			violation(&d, o, "wait-for returned a function");
		else if (c != C_YIELD_WAIT_FOR && req.has_upcall && !req.upcall)
			violation(&d, o, "a bare value ran as a function");
	}
	count(x, c, o);
}

static void call_subscribe(struct thr *t, int fd, enum ctx x)
{
	struct tock_ioc_subscribe req = { 0 }, in;
	struct desc d = { x, C_SUBSCRIBE, NULL, { 0 } };
	struct expect e;
	enum where wh = pick_where(t);
	struct drv *drv;
	bool rd, wr, bad;
	void *p;
	int ret, err, o;

	req.driver = pick_driver(&t->r);
	drv = find_driver(req.driver);
	req.subscribe_num = pick_num(&t->r, drv ? drv->upcalls : 2);
	req.upcall = one_in(&t->r, 4) ? 0 : edge64(&t->r);
	req.userdata = rnd(&t->r);
	bad = reserved(&t->r, &req.flags);
	bad |= reserved(&t->r, &req.pad);
	in = req;
	p = place(t, wh, &req, sizeof(req), &rd, &wr);
	ret = do_ioctl(fd, TOCK_IOC_SUBSCRIBE, p, &err);
	unplace(t, wh, p, &req, sizeof(req));
	expect_of(&e, x, bad, rd, wr);
	d.f[0] = in.driver;
	d.f[1] = in.subscribe_num;
	d.f[2] = in.upcall;
	d.f[3] = in.flags;
	d.f[4] = in.pad;
	d.f[5] = wh;
	o = judge_errno(&d, &e, ret, err);
	if (o < 0) {
		o = req.status <= TOCK_STATUS_NOACK ? (int)req.status : O_OTHER;
		if (req.status == TOCK_STATUS_SUCCESS ?
		    req.rtype != TOCK_RET_SUCCESS_U32_U32 :
		    req.rtype != TOCK_RET_FAILURE_U32_U32 || o == O_OTHER)
			violation(&d, o, "rtype and status disagree");
		else if (req.status &&
			 (req.upcall != in.upcall || req.userdata != in.userdata))
			violation(&d, o, "failure without the passed pair");
		else if (!drv || !drv->present) {
			if (o != TOCK_STATUS_NODEVICE)
				violation(&d, o, "no such driver");
		} else if (in.subscribe_num >= drv->upcalls) {
			if (o != TOCK_STATUS_NOSUPPORT)
				violation(&d, o, "upcall past the count");
		} else if (o != TOCK_STATUS_SUCCESS) {
			violation(&d, o, "valid subscribe failed");
		}
	}
	count(x, C_SUBSCRIBE, o);
}

/* A command for @drv: its own numbers with plausible arguments, or not. */
static void pick_command(struct rng *r, struct tock_ioc_command *req)
{
	uint64_t small = below(r, 4096);

	req->command_num = (uint32_t)below(r, 11);
	req->arg1 = one_in(r, 3) ? edge64(r) : small;
	req->arg2 = one_in(r, 3) ? edge64(r) : below(r, 256);
	if (one_in(r, 10))
		req->command_num = (uint32_t)edge64(r);
	switch (req->driver) {
	case TOCK_DRIVER_TEST:
		switch (req->command_num) {
		case TOCK_TEST_CMD_FILL_LATER:
		case TOCK_TEST_CMD_SUM_LATER:
			if (!one_in(r, 8))
				req->arg1 = below(r, SHORT_DELAY_MS);
			break;
		case TOCK_TEST_CMD_HOLD_LATER:
			if (!one_in(r, 16))
				req->arg1 = below(r, 5);
			else if (one_in(r, 2))
				req->arg1 = 2001;
			break;
		case TOCK_TEST_CMD_UPCALLS:
			req->arg1 = below(r, 300);
			break;
		case TOCK_TEST_CMD_RETURN:
			req->arg1 = one_in(r, 2) ? 128 + below(r, 7) :
				    below(r, 5);
			req->arg2 = below(r, 16);
			break;
		}
		break;
	case TOCK_DRIVER_ALARM:
		if (req->command_num >= 5 && !one_in(r, 8))
			req->arg2 = req->command_num == 5 ? 0 : below(r, 20000);
		if (req->command_num == 5 && !one_in(r, 8))
			req->arg1 = below(r, 20000);
		break;
	case TOCK_DRIVER_CRC:
		if (req->command_num == 1 && !one_in(r, 8)) {
			req->arg1 = below(r, 4);
			req->arg2 = below(r, 1 << 17);
		}
		break;
	case TOCK_DRIVER_RNG:
	case TOCK_DRIVER_CONSOLE:
		if (!one_in(r, 8))
			req->arg1 = below(r, 1 << 17);
		break;
	}
}

static void call_command(struct thr *t, int fd, enum ctx x)
{
	struct tock_ioc_command req = { 0 }, in;
	struct desc d = { x, C_COMMAND, NULL, { 0 } };
	struct expect e;
	enum where wh = pick_where(t);
	struct drv *drv;
	bool rd, wr, bad, failure;
	void *p;
	int ret, err, o;

	req.driver = pick_driver(&t->r);
	drv = find_driver(req.driver);
	pick_command(&t->r, &req);
	bad = reserved(&t->r, &req.flags);
	bad |= reserved(&t->r, &req.pad);
	req.rtype = (uint32_t)rnd(&t->r);
	in = req;
	p = place(t, wh, &req, sizeof(req), &rd, &wr);
	ret = do_ioctl(fd, TOCK_IOC_COMMAND, p, &err);
	unplace(t, wh, p, &req, sizeof(req));
	expect_of(&e, x, bad, rd, wr);
	d.f[0] = in.driver;
	d.f[1] = in.command_num;
	d.f[2] = in.arg1;
	d.f[3] = in.arg2;
	d.f[4] = in.flags | (uint64_t)in.pad << 32;
	d.f[5] = wh;
	o = judge_errno(&d, &e, ret, err);
	if (o < 0) {
		failure = req.rtype <= TOCK_RET_FAILURE_U64;
		o = failure ? (req.data[0] >= 1 &&
			       req.data[0] <= TOCK_STATUS_NOACK ?
			       (int)req.data[0] : O_OTHER) : 0;
		d.f[5] = req.rtype | (uint64_t)req.data[0] << 32;
		if (!failure && (req.rtype < TOCK_RET_SUCCESS ||
				 req.rtype > TOCK_RET_SUCCESS_U64_U32))
			violation(&d, O_OTHER, "no such return variant");
		else if (o == O_OTHER && !(in.driver == TOCK_DRIVER_TEST &&
					     in.command_num ==
					     TOCK_TEST_CMD_RETURN))
			/* The test driver's RETURN fails with what it is told. */
			violation(&d, o, "failure without an error code");
		else if ((!drv || !drv->present) &&
			 (o != TOCK_STATUS_NODEVICE ||
			  req.rtype != TOCK_RET_FAILURE))
			violation(&d, o, "no such driver");
		else if (drv && drv->present && in.command_num == 0 && failure)
			violation(&d, o, "command 0 of a driver failed");
	}
	count(x, C_COMMAND, o);
}

static void call_allow(struct thr *t, int fd, enum ctx x)
{
	static const unsigned long cmds[3] = {
		TOCK_IOC_ALLOW_RW, TOCK_IOC_ALLOW_RO, TOCK_IOC_ALLOW_UR
	};
	static const char *const memnames[] = {
		"size 0", "good", "read-only", "bad", "huge", "arena"
	};
	struct tock_ioc_allow req = { 0 }, in;
	int kind = (int)below(&t->r, 3);
	struct desc d = { x, (enum call)(C_ALLOW_RW + kind), NULL, { 0 } };
	struct expect e;
	enum where wh = pick_where(t);
	enum memkind mk;
	struct drv *drv;
	bool rd, wr, bad;
	unsigned int ok;
	void *p;
	int ret, err, o;

	req.driver = pick_driver(&t->r);
	drv = find_driver(req.driver);
	req.allow_num = pick_num(&t->r, drv ? drv->allows[kind] : 2);
	mk = pick_mem(t, kind, &req.addr, &req.size);
	bad = reserved(&t->r, &req.flags);
	bad |= reserved(&t->r, &req.pad);
	req.rtype = (uint32_t)rnd(&t->r);
	req.status = (uint32_t)rnd(&t->r);
	in = req;
	p = place(t, wh, &req, sizeof(req), &rd, &wr);
	ret = do_ioctl(fd, cmds[kind], p, &err);
	unplace(t, wh, p, &req, sizeof(req));
	expect_of(&e, x, bad, rd, wr);
	d.why = memnames[mk];
	d.f[0] = in.driver;
	d.f[1] = in.allow_num;
	d.f[2] = in.addr;
	d.f[3] = in.size;
	d.f[4] = in.flags | (uint64_t)in.pad << 32;
	d.f[5] = wh;
	o = judge_errno(&d, &e, ret, err);
	if (o >= 0) {
		count(x, d.call, o);
		return;
	}
	o = req.status <= TOCK_STATUS_NOACK ? (int)req.status : O_OTHER;
	if (req.status == TOCK_STATUS_SUCCESS ?
	    req.rtype != TOCK_RET_SUCCESS_U32_U32 :
	    req.rtype != TOCK_RET_FAILURE_U32_U32 || o == O_OTHER) {
		violation(&d, o, "rtype and status disagree");
	} else if (req.status &&
		   (req.addr != in.addr || req.size != in.size)) {
		violation(&d, o, "failure without the passed buffer");
	} else if (!drv || !drv->present) {
		if (o != TOCK_STATUS_NODEVICE)
			violation(&d, o, "no such driver");
	} else if (in.allow_num >= drv->allows[kind]) {
		if (o != TOCK_STATUS_NOSUPPORT)
			violation(&d, o, "allow number past the count");
	} else {
		/* The statuses the allow table gives this memory. */
		switch (mk) {
		case MEM_ZERO:
			ok = BIT(TOCK_STATUS_SUCCESS);
			break;
		case MEM_GOOD:
			ok = BIT(TOCK_STATUS_SUCCESS);
			if (w.limited)
				ok |= BIT(TOCK_STATUS_NOMEM);
			break;
		case MEM_READONLY:
		case MEM_BAD:
			ok = BIT(TOCK_STATUS_INVAL);
			if (w.limited)
				ok |= BIT(TOCK_STATUS_NOMEM);
			break;
		case MEM_HUGE:
			ok = BIT(TOCK_STATUS_INVAL) | BIT(TOCK_STATUS_NOMEM);
			break;
		default:
			/*
			 * Anything, as other threads remap it; FAIL when the
			 * range kept changing while it was pinned.
			 */
			ok = BIT(TOCK_STATUS_SUCCESS) | BIT(TOCK_STATUS_INVAL) |
			     BIT(TOCK_STATUS_NOMEM) | BIT(TOCK_STATUS_FAIL);
			break;
		}
		/* The test driver's own refusal (uapi/tockallow.h). */
		if (req.driver == TOCK_DRIVER_TEST && kind == 0 &&
		    in.allow_num == 1 && in.size > TOCK_TEST_RW1_MAX)
			ok = BIT(TOCK_STATUS_SIZE);
		if (!(ok & BIT(o)))
			violation(&d, o, "status the allow table does not give");
	}
	count(x, d.call, o);
}

/* An ioctl number tockallow does not have: other numbers, sizes, types. */
static void call_bogus(struct thr *t, int fd, enum ctx x)
{
	static const unsigned long real[] = {
		TOCK_IOC_VERSION, TOCK_IOC_YIELD, TOCK_IOC_SUBSCRIBE,
		TOCK_IOC_COMMAND, TOCK_IOC_ALLOW_RW, TOCK_IOC_ALLOW_RO,
		TOCK_IOC_ALLOW_UR,
	};
	struct desc d = { x, C_BOGUS, NULL, { 0 } };
	struct expect e = { BIT(O_ENOTTY), true };
	unsigned long cmd;
	bool rd, wr, again;
	uint8_t junk[64];
	int ret, err, o;
	void *p;

	do {
		unsigned long base = real[below(&t->r, 7)];

		switch (below(&t->r, 5)) {
		case 0:	/* another size */
			cmd = (base & ~_IOC(0, 0, 0, _IOC_SIZEMASK)) |
			      _IOC(0, 0, 0, below(&t->r, 80));
			break;
		case 1:	/* another direction */
			cmd = (base & ~_IOC(_IOC_READ | _IOC_WRITE, 0, 0, 0)) |
			      _IOC(below(&t->r, 4), 0, 0, 0);
			break;
		case 2:	/* another number */
			cmd = _IOC(_IOC_READ | _IOC_WRITE, TOCK_IOC_MAGIC,
				   7 + below(&t->r, 249), _IOC_SIZE(base));
			break;
		case 3:	/* another magic */
			cmd = (base & ~_IOC(0, 0xff, 0, 0)) |
			      _IOC(0, below(&t->r, 256), 0, 0);
			break;
		default:
			cmd = (uint32_t)rnd(&t->r);
			break;
		}
		/* The VFS answers these types itself, before any driver. */
		again = strchr("TXf\x94\x15", (int)_IOC_TYPE(cmd)) != NULL &&
			_IOC_TYPE(cmd) != 0;
		for (size_t i = 0; i < 7; i++)
			again |= (uint32_t)cmd == (uint32_t)real[i];
	} while (again);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = one_in(&t->r, 2) ? 0 : (uint8_t)rnd(&t->r);
	p = place(t, pick_where(t), junk, sizeof(junk), &rd, &wr);
	if (p == t->ro_page)
		mprotect(t->ro_page, page_size, PROT_READ | PROT_WRITE);
	if (x != X_OWN)
		e.errs |= BIT(O_EPERM);
	ret = do_ioctl(fd, cmd, p, &err);
	d.f[0] = cmd;
	o = judge_errno(&d, &e, ret, err);
	count(x, C_BOGUS, o < 0 ? 0 : o);
}

static void one_ioctl(struct thr *t, int fd, enum ctx x)
{
	switch (below(&t->r, 16)) {
	case 0: call_version(t, fd, x); break;
	case 1: case 2: call_yield(t, fd, x); break;
	case 3: case 4: call_subscribe(t, fd, x); break;
	case 5: case 6: case 7: case 8: call_command(t, fd, x); break;
	case 9: call_bogus(t, fd, x); break;
	default: call_allow(t, fd, x); break;
	}
}

/* Arena operations: every one a fresh mapping of a page range. */
static void arena_range(struct rng *r, uint8_t **p, size_t *len)
{
	size_t pages = ARENA_CHUNKS * CHUNK / page_size;
	size_t first = below(r, pages);
	size_t n = 1 + below(r, one_in(r, 4) ? pages - first :
			     (pages - first < 64 ? pages - first : 64));

	*p = w.arena + first * page_size;
	*len = n * page_size;
}

static int memfd;

static void arena_map(struct rng *r, uint8_t *p, size_t len)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE, PROT_READ,
		PROT_NONE, PROT_WRITE,
	};
	int prot = prots[below(r, 5)];
	int flags = MAP_FIXED | (one_in(r, 3) ? MAP_POPULATE : 0);
	void *q;

	if (one_in(r, 3))
		q = mmap(p, len, prot, flags | MAP_SHARED, memfd,
			 (off_t)(p - w.arena));
	else
		q = mmap(p, len, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	(void)q;
	count_other(M_MMAP);
}

static void arena_op(struct thr *t)
{
	struct rng *r = &t->r;
	uint8_t *p, *q;
	size_t len;

	pthread_mutex_lock(&w.arena_lock);
	arena_range(r, &p, &len);
	switch (below(r, 16)) {
	case 0: case 1: case 7: case 8: case 9:
		arena_map(r, p, len);
		break;
	case 2:
		/*
		 * A real munmap, at once filled again with PROT_NONE so that
		 * no other mapping of this process lands in the arena.
		 */
		munmap(p, len);
		mmap(p, len, PROT_NONE, MAP_FIXED | MAP_PRIVATE |
		     MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		count_other(M_MUNMAP);
		break;
	case 3:
		/* Move (or grow) a range within the arena. */
		arena_range(r, &q, &len);
		if (q + len > w.arena + ARENA_CHUNKS * CHUNK)
			len = w.arena + ARENA_CHUNKS * CHUNK - q;
		if (p + len > w.arena + ARENA_CHUNKS * CHUNK)
			len = w.arena + ARENA_CHUNKS * CHUNK - p;
		if (p != q && (p + len <= q || q + len <= p)) {
			mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED |
			       (one_in(r, 4) ? MREMAP_DONTUNMAP : 0), q);
			/* The old range is a hole now, or left in place. */
			mmap(p, len, PROT_NONE, MAP_FIXED_NOREPLACE |
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		}
		count_other(M_MREMAP);
		break;
	case 4: case 5: case 12: case 13: case 14: {
		static const int advice[] = {
			MADV_DONTNEED, MADV_FREE, MADV_HUGEPAGE,
			MADV_NOHUGEPAGE, MADV_COLD, MADV_PAGEOUT,
			MADV_POPULATE_WRITE, MADV_WILLNEED, MADV_DONTFORK,
			MADV_DOFORK, MADV_MERGEABLE, MADV_REMOVE,
		};

		madvise(p, len, advice[below(r, sizeof(advice) /
					       sizeof(advice[0]))]);
		count_other(M_MADVISE);
		break;
	}
	case 6: case 10: case 11: {
		static const int prots[] = {
			PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE,
		};

		mprotect(p, len, prots[below(r, 3)]);
		count_other(M_MPROTECT);
		break;
	}
	default:
		/* A whole chunk as one transparent huge page, if it can be. */
		p = w.arena + below(r, ARENA_CHUNKS) * CHUNK;
		mmap(p, CHUNK, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE |
		     MAP_ANONYMOUS, -1, 0);
		madvise(p, CHUNK, MADV_HUGEPAGE);
		madvise(p, CHUNK, MADV_POPULATE_WRITE);
		count_other(M_THP);
		break;
	}
	pthread_mutex_unlock(&w.arena_lock);
}

static void sig_nop(int sig)
{
	(void)sig;
}

/* A child has no signaller thread: a timer ends its waiting yields. */
static void child_timer(void)
{
	struct itimerval it = { { 0, 3000 }, { 0, 3000 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_nop;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static int open_tock(void)
{
	const char *dev = getenv("TOCK_DEVICE");

	return open(dev && *dev ? dev : DEVICE, O_RDWR | O_CLOEXEC);
}

static int pick_fd(struct thr *t)
{
	if (one_in(&t->r, 4) && t->own_fd >= 0)
		return t->own_fd;
	return w.fds[below(&t->r, SHARED_FDS)];
}

/*
 * A forked child: first the parent's files, from another mm (every
 * well-formed call must fail EPERM), then a file of its own, then it
 * exits with whatever it allowed still allowed, or is killed.
 */
static void child_run(struct thr *t, bool exec_after)
{
	int fd, i;

	child_timer();
	for (i = 0; i < CHILD_OPS / 4; i++)
		one_ioctl(t, pick_fd(t), X_FORKED);
	fd = open_tock();
	if (fd < 0)
		_exit(3);
	for (i = 0; i < CHILD_OPS; i++)
		one_ioctl(t, fd, X_OWN);
	if (exec_after) {
		char fdarg[16], seedarg[32];
		char *argv[] = { "tock_fuzz", "--exec-child", fdarg,
				 "--seed", seedarg, NULL };
		struct itimerval off = { { 0, 0 }, { 0, 0 } };
		int keep = fcntl(fd, F_DUPFD, 100);

		/* A timer outlives exec, its handler does not. */
		setitimer(ITIMER_REAL, &off, NULL);

		/* Keep the file across exec: its opener's mm goes. */
		if (keep < 0)
			_exit(4);
		snprintf(fdarg, sizeof(fdarg), "%d", keep);
		snprintf(seedarg, sizeof(seedarg), "%" PRIu64, rnd(&t->r));
		execv(w.self_exe, argv);
		_exit(5);
	}
	_exit(0);
}

static void fork_op(struct thr *t)
{
	bool exec_after = one_in(&t->r, 3);
	bool kill_it = !exec_after && one_in(&t->r, 3);
	uint64_t child_seed = rnd(&t->r);
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		struct thr c = *t;

		rng_seed(&c.r, child_seed, 1, 1);
		child_run(&c, exec_after);
	}
	count_other(exec_after ? M_EXEC : M_FORK);
	if (kill_it) {
		usleep(below(&t->r, 2000));
		kill(pid, SIGKILL);
		count_other(M_KILL);
	}
	if (waitpid(pid, &status, 0) == pid && !kill_it &&
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		struct desc d = { X_FORKED, C_VERSION, "child", { 0 } };

		d.f[0] = (uint64_t)status;
		violation(&d, O_OTHER, "a forked child failed");
	}
}

/* The program after exec, with the file its opener had (argv[2]). */
static int exec_child(int fd, uint64_t seed)
{
	struct thr t = { 0 };
	int i;

	rng_seed(&t.r, seed, 2, 2);
	child_timer();
	t.own_fd = -1;
	t.sp = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t.ro_page = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t.sp == MAP_FAILED || t.ro_page == MAP_FAILED)
		return 6;
	mprotect(t.sp + page_size, page_size, PROT_NONE);
	for (i = 0; i < SHARED_FDS; i++)
		w.fds[i] = fd;
	/* Every ioctl of the old mm's file, from this new one. */
	for (i = 0; i < CHILD_OPS / 2; i++)
		one_ioctl(&t, fd, X_EXECED);
	close(fd);
	return 0;
}

static bool past(const struct timespec *dl)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > dl->tv_sec ||
	       (now.tv_sec == dl->tv_sec && now.tv_nsec >= dl->tv_nsec);
}

static void thread_op(struct thr *t)
{
	uint64_t x = below(&t->r, 1000);
	int fd;

	if (x < 860) {
		one_ioctl(t, pick_fd(t), X_OWN);
	} else if (x < 960) {
		arena_op(t);
	} else if (x < 963) {
		fork_op(t);
	} else if (x < 980) {
		/* Replace a shared file under the other threads' feet. */
		fd = open_tock();
		if (fd >= 0) {
			dup3(fd, w.fds[below(&t->r, SHARED_FDS)], O_CLOEXEC);
			close(fd);
			count_other(M_DUP2);
		}
	} else if (x < 990) {
		if (t->own_fd >= 0)
			close(t->own_fd);
		t->own_fd = open_tock();
		count_other(M_REOPEN);
	} else {
		struct pollfd pfd = { pick_fd(t), POLLIN | POLLRDBAND, 0 };

		/* Never blocks: the fd only says what a yield would find. */
		poll(&pfd, 1, 0);
		count_other(M_POLL);
	}
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;

	t->sp = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t->ro_page = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->sp == MAP_FAILED || t->ro_page == MAP_FAILED)
		return (void *)1;
	mprotect(t->sp + page_size, page_size, PROT_NONE);
	t->own_fd = open_tock();
	while (!atomic_load(&w.stop)) {
		thread_op(t);
		t->ops++;
		if ((t->ops & 63) == 0 && past(&w.deadline))
			atomic_store(&w.stop, true);
	}
	if (t->own_fd >= 0)
		close(t->own_fd);
	munmap(t->sp, 2 * page_size);
	munmap(t->ro_page, page_size);
	return NULL;
}

static long status_kb(const char *field)
{
	size_t len = strlen(field);
	char line[128];
	long val = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

static void *map_stable(size_t len, int prot)
{
	/* Each with a PROT_NONE page after it, so a longer range fails. */
	uint8_t *p = mmap(NULL, len + page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0x5a, len);
	mprotect(p + len, page_size, PROT_NONE);
	if (prot != (PROT_READ | PROT_WRITE))
		mprotect(p, len, prot);
	return p;
}

static int worker_setup(void)
{
	uint8_t *res;
	int i;

	pthread_mutex_init(&w.arena_lock, NULL);
	memfd = (int)syscall(SYS_memfd_create, "tock_fuzz", 1 /* CLOEXEC */);
	if (memfd < 0 || ftruncate(memfd, ARENA_CHUNKS * CHUNK))
		return -1;
	w.rw = map_stable(STABLE_LEN, PROT_READ | PROT_WRITE);
	w.ro = map_stable(STABLE_LEN, PROT_READ);
	w.none = map_stable(STABLE_LEN, PROT_NONE);
	w.file_ro = mmap(NULL, STABLE_LEN, PROT_READ, MAP_SHARED, memfd, 0);
	/* The arena and the THP region, both 2 MiB aligned. */
	res = mmap(NULL, (ARENA_CHUNKS + 2) * CHUNK, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!w.rw || !w.ro || !w.none || w.file_ro == MAP_FAILED ||
	    res == MAP_FAILED)
		return -1;
	res = (uint8_t *)(((uintptr_t)res + CHUNK - 1) & ~(CHUNK - 1));
	w.thp = res;
	w.arena = res + CHUNK;
	if (mmap(w.thp, CHUNK, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE |
		 MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
		return -1;
	madvise(w.thp, CHUNK, MADV_HUGEPAGE);
	memset(w.thp, 0x33, CHUNK);
	for (i = 0; i < ARENA_CHUNKS; i++) {
		mmap(w.arena + i * CHUNK, CHUNK, PROT_READ | PROT_WRITE,
		     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (i & 1)
			madvise(w.arena + i * CHUNK, CHUNK, MADV_HUGEPAGE);
		memset(w.arena + i * CHUNK, i, CHUNK);
	}
	for (i = 0; i < SHARED_FDS; i++) {
		w.fds[i] = open_tock();
		if (w.fds[i] < 0)
			return -1;
	}
	return 0;
}

static int worker_main(void)
{
	struct thr thr[MAX_THREADS];
	long pin0, lck0, pin, lck;
	int i, waited, bad = 0;

	if (worker_setup()) {
		say("# worker %d: setup failed: %s\n", w.index, strerror(errno));
		return 1;
	}
	if (w.limited) {
		struct rlimit rl = { SMALL_MEMLOCK, SMALL_MEMLOCK };

		/* Pins charged against a small limit, without CAP_IPC_LOCK. */
		if (setrlimit(RLIMIT_MEMLOCK, &rl) ||
		    setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			w.limited = false;
	}
#if defined(__aarch64__)
	if (w.tagged_abi)
		prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 0, 0, 0);
#endif
	pin0 = status_kb("VmPin");
	lck0 = status_kb("VmLck");
	for (i = 0; i < w.threads; i++) {
		memset(&thr[i], 0, sizeof(thr[i]));
		thr[i].index = i;
		rng_seed(&thr[i].r, w.seed, (uint64_t)w.index + 1,
			 (uint64_t)i + 1);
		if (pthread_create(&w.tids[i], NULL, thread_main, &thr[i]))
			return 1;
	}
	/* The signaller: interrupts waiting yields and everything else. */
	{
		struct rng r;

		rng_seed(&r, w.seed, (uint64_t)w.index + 1, 0);
		while (!atomic_load(&w.stop)) {
			struct timespec ts = { 0, (long)(200000 +
					       below(&r, 3000000)) };

			nanosleep(&ts, NULL);
			pthread_kill(w.tids[below(&r, w.threads)], SIGUSR1);
			count_other(M_SIGNAL);
			if (past(&w.deadline))
				atomic_store(&w.stop, true);
		}
		for (i = 0; i < w.threads; i++) {
			/* Until it has left any wait. */
			while (pthread_tryjoin_np(w.tids[i], NULL) == EBUSY) {
				struct timespec ts = { 0, 2000000 };

				pthread_kill(w.tids[i], SIGUSR1);
				nanosleep(&ts, NULL);
			}
		}
	}
	for (i = 0; i < SHARED_FDS; i++)
		close(w.fds[i]);
	/* Every file closed: nothing may stay pinned or locked. */
	for (waited = 0; ; waited += 10) {
		pin = status_kb("VmPin");
		lck = status_kb("VmLck");
		if ((pin == pin0 && lck == lck0) || waited >= SETTLE_MS)
			break;
		usleep(10000);
	}
	if (pin != pin0 || lck != lck0) {
		say("# worker %d: VmPin %ld kB (was %ld), VmLck %ld kB (was %ld) after closing every file\n",
		    w.index, pin, pin0, lck, lck0);
		bad = 1;
	}
	return bad;
}

static long long vmstat(const char *name)
{
	size_t len = strlen(name);
	long long val = -1;
	char line[128];
	FILE *f;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);

	/* Fold the per-CPU deltas first (root only) for an exact reading. */
	if (fd >= 0) {
		(void)!write(fd, "1", 1);
		close(fd);
	}
	f = fopen("/proc/vmstat", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ' ') {
			val = strtoll(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/* Print a file of /proc, each line prefixed. */
static void dump_file(const char *path, const char *prefix)
{
	char line[256];
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		say("# %s %s", prefix, line);
	fclose(f);
}

/*
 * A hang: print the kernel stack of every task of every tock_fuzz
 * process (the test kernel has no hung-task detector), then kill them.
 */
static void dump_hung(void)
{
	DIR *proc = opendir("/proc"), *tasks;
	struct dirent *p, *t;
	char path[300], comm[64], prefix[64];

	if (!proc)
		return;
	while ((p = readdir(proc))) {
		int pid = atoi(p->d_name);
		FILE *f;

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		if (strncmp(comm, "tock_fuzz", 9))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		tasks = opendir(path);
		while (tasks && (t = readdir(tasks))) {
			if (t->d_name[0] == '.')
				continue;
			snprintf(prefix, sizeof(prefix), "hung %d/%d", pid,
				 atoi(t->d_name));
			snprintf(path, sizeof(path), "/proc/%d/task/%d/stat",
				 pid, atoi(t->d_name));
			dump_file(path, prefix);
			snprintf(path, sizeof(path), "/proc/%d/task/%d/stack",
				 pid, atoi(t->d_name));
			dump_file(path, prefix);
		}
		if (tasks)
			closedir(tasks);
		kill(pid, SIGKILL);
	}
	closedir(proc);
}

static void print_table(double secs)
{
	unsigned long total = 0;
	char line[1024];
	int x, c, o, n;

	say("# %-7s %-15s %9s  outcomes\n", "context", "ioctl", "ops");
	for (x = 0; x < NR_CTX; x++) {
		for (c = 0; c < NR_CALLS; c++) {
			unsigned long sum = 0;

			for (o = 0; o < NR_OUTCOMES; o++)
				sum += stats->calls[x][c][o];
			if (!sum)
				continue;
			total += sum;
			n = 0;
			for (o = 0; o < NR_OUTCOMES; o++) {
				unsigned long v = stats->calls[x][c][o];

				if (v && n < (int)sizeof(line) - 40)
					n += snprintf(line + n, sizeof(line) - n,
						      " %s%s=%lu",
						      o < O_ERRNO ? "ok/" : "",
						      outcome_names[o], v);
			}
			say("# %-7s %-15s %9lu %s\n", ctx_names[x],
			    call_names[c], sum, line);
		}
	}
	n = 0;
	for (o = 0; o < NR_OTHER; o++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
			      other_names[o], (unsigned long)stats->other[o]);
	say("# other operations:%s\n", line);
	say("# %lu ioctls in %.1f s (%.0f/s)\n", total, secs,
	    secs > 0 ? total / secs : 0.0);
}

/* Which of the drivers the table knows are loaded. */
static int probe_drivers(void)
{
	int fd = open_tock();

	if (fd < 0)
		return -1;
	for (size_t i = 0; i < NR_DRIVERS; i++) {
		struct tock_ioc_command req = { 0 };

		req.driver = drivers[i].num;
		if (ioctl(fd, TOCK_IOC_COMMAND, &req) == 0)
			drivers[i].present = !(req.rtype == TOCK_RET_FAILURE &&
					       req.data[0] ==
					       TOCK_STATUS_NODEVICE);
	}
	close(fd);
	return 0;
}

static int stats_map(int fd)
{
	void *p = mmap(NULL, sizeof(*stats), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -1;
	stats = p;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	bool have_seed = false;
	double duration = 60;
	int threads = 4, procs = 3, exec_fd = -1, stats_fd, i, failed = 0;
	pid_t pids[MAX_PROCS];
	int wstatus[MAX_PROCS];
	struct timespec t0, t1;
	long long acq0, rel0, acq, rel;
	struct sigaction sa;
	const char *env = getenv("TOCK_FUZZ_DURATION");
	char name[32];
	double secs;

	setvbuf(stdout, NULL, _IONBF, 0);
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (env && *env)
		duration = atof(env);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-v")) {
			verbose = 1;
			continue;
		}
		if (!v)
			goto usage;
		if (!strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 0);
			have_seed = true;
		} else if (!strcmp(a, "--duration")) {
			duration = atof(v);
		} else if (!strcmp(a, "--threads")) {
			threads = atoi(v);
		} else if (!strcmp(a, "--procs")) {
			procs = atoi(v);
		} else if (!strcmp(a, "--exec-child")) {
			exec_fd = atoi(v);
		} else {
			goto usage;
		}
		i++;
	}
	if (threads < 1 || threads > MAX_THREADS || procs < 1 ||
	    procs > MAX_PROCS || duration < 0)
		goto usage;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_nop;	/* no SA_RESTART: waits end in EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (exec_fd >= 0) {
		/* The stats memfd is fd 3 of every process of the run. */
		if (stats_map(3) || probe_drivers())
			return 7;
		return exec_child(exec_fd, seed);
	}

	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &t0);
		seed = (uint64_t)t0.tv_nsec ^ ((uint64_t)t0.tv_sec << 20) ^
		       (uint64_t)getpid();
	}
	say("# tock_fuzz seed %" PRIu64 " (%zu-bit, %d procs x %d threads, %.0f s)\n",
	    seed, sizeof(void *) * 8, procs, threads, duration);
	say("# reproduce: tock_fuzz --seed %" PRIu64 " --duration %.0f --threads %d --procs %d\n",
	    seed, duration, threads, procs);
	say("1..1\n");

	/* fd 3, inherited across exec, so exec'd children count too. */
	stats_fd = (int)syscall(SYS_memfd_create, "tock_fuzz_stats", 0);
	if (stats_fd < 0 || ftruncate(stats_fd, sizeof(*stats)) ||
	    (stats_fd != 3 && dup2(stats_fd, 3) != 3) || stats_map(3) ||
	    probe_drivers()) {
		say("not ok 1 fuzz: setup: %s\n", strerror(errno));
		return 1;
	}
	for (size_t d = 0; d < NR_DRIVERS; d++)
		if (!drivers[d].present)
			say("# driver %#x not loaded: it must answer NODEVICE\n",
			    drivers[d].num);
	w.self_exe = self_path;
	w.threads = threads;
	w.seed = seed;

	acq0 = vmstat("nr_foll_pin_acquired");
	rel0 = vmstat("nr_foll_pin_released");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	w.deadline = t0;
	w.deadline.tv_sec += (time_t)duration;
	w.deadline.tv_nsec += (long)((duration - (time_t)duration) * 1e9);
	if (w.deadline.tv_nsec >= 1000000000L) {
		w.deadline.tv_sec++;
		w.deadline.tv_nsec -= 1000000000L;
	}
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			say("not ok 1 fuzz: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pids[i] == 0) {
			w.index = i;
			/* Every other worker unprivileged, with a small limit. */
			w.limited = (i & 1) && getuid() == 0;
			w.tagged_abi = (i % 3) == 2;
			snprintf(name, sizeof(name), "tock_fuzz/%d", i);
			prctl(PR_SET_NAME, name, 0, 0, 0);
			_exit(worker_main());
		}
	}
	/* Wait for the workers; past the grace, call it a hang. */
	for (int done = 0, hung = 0; done < procs;) {
		struct timespec dl = w.deadline, ts = { 0, 50000000 };

		for (i = 0; i < procs; i++) {
			if (pids[i] > 0 &&
			    waitpid(pids[i], &wstatus[i], WNOHANG) == pids[i]) {
				pids[i] = 0;
				done++;
			}
		}
		if (done == procs)
			break;
		dl.tv_sec += GRACE_S * (hung + 1);
		if (past(&dl)) {
			if (hung) {
				/* Stuck in the kernel even for SIGKILL. */
				say("# HANG: %d workers would not die\n",
				    procs - done);
				failed = 1;
				break;
			}
			say("# HANG: workers still running %d s past the deadline\n",
			    GRACE_S);
			dump_hung();
			hung = 1;
			failed = 1;
		}
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < procs; i++) {
		if (pids[i] || !WIFEXITED(wstatus[i]) ||
		    WEXITSTATUS(wstatus[i])) {
			say("# worker %d ended with status %#x\n", i,
			    pids[i] ? -1 : wstatus[i]);
			failed = 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	/* Every file of the run is closed: every pin must be released. */
	acq = vmstat("nr_foll_pin_acquired");
	rel = vmstat("nr_foll_pin_released");
	for (i = 0; acq0 >= 0 && acq - acq0 != rel - rel0 && i < SETTLE_MS / 10;
	     i++) {
		usleep(10000);
		acq = vmstat("nr_foll_pin_acquired");
		rel = vmstat("nr_foll_pin_released");
	}
	print_table(secs);
	if (acq0 >= 0) {
		say("# pins: %lld acquired, %lld released during the run\n",
		    acq - acq0, rel - rel0);
		if (acq - acq0 != rel - rel0) {
			say("# pins left behind: %lld\n",
			    (acq - acq0) - (rel - rel0));
			failed = 1;
		}
	}
	if (stats->violations)
		failed = 1;
	say("%sok 1 fuzz seed %" PRIu64 ": %lu violations\n",
	    failed ? "not " : "", seed, (unsigned long)stats->violations);
	return failed;

usage:
	fprintf(stderr, "usage: tock_fuzz [--seed N] [--duration S] [--threads N] [--procs N] [-v]\n");
	return 2;
}
