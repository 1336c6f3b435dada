// SPDX-License-Identifier: GPL-2.0
/*
 * allow_bench: what an allow costs next to what it must do anyway, side by
 * side in one boot of the benchmark kernel, interleaved, median of rounds.
 *
 *  - allow + unallow against a bare pin_user_pages_fast(FOLL_LONGTERM |
 *    FOLL_WRITE) + unpin of the same range (the benchmark driver's PIN
 *    command), io_uring's IORING_REGISTER_BUFFERS + unregister and its
 *    sparse-table IORING_REGISTER_BUFFERS_UPDATE set + clear, an empty
 *    allow cycle (the system-call floor) and a replace cycle, for small
 *    pages and transparent huge pages;
 *  - an empty enter on a small and on a large buffer;
 *  - slice copies out of and into an allowed buffer against memcpy()
 *    between two kernel buffers of the same size, aligned and not;
 *  - command + yield-no-wait against the version ioctl;
 *  - the kernel memory a process, its first grant and an allowed buffer
 *    take, from a memory cgroup's "kernel" count (as root, with memcg).
 *
 * Each result is printed as a table row and as a "csv," line.  Absolute
 * times under emulation mean little; the ratios are the result.
 *
 *   allow_bench [ROUNDS]
 *   allow_bench memory		(only the kernel memory figures)
 *   allow_bench loop OP KIB 4k|thp SECONDS	(one operation, for perf)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tock.h>
#include <tock_linux.h>

#define BENCH_DEFAULT_ROUNDS	5
#define BENCH_MAX_ROUNDS	31
/* A timed batch lasts at least this long. */
#define BENCH_BATCH_NS		20000000.0
#define HUGE			(2UL << 20)

static const size_t bench_sizes[] = {
	4UL << 10, 64UL << 10, 256UL << 10, 1UL << 20, 4UL << 20,
	16UL << 20, 64UL << 20,
};

static const size_t copy_sizes[] = {
	64, 4UL << 10, 64UL << 10, 1UL << 20, 16UL << 20,
};
/* The copies' buffer: the largest copy at offset 1 fits, huge pages back it. */
#define COPY_BUF		(32UL << 20)

static double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp);
	return v[n / 2];
}

/* One operation of a comparison: 0 or -1, on @ctx. */
typedef int (*bench_op)(void *ctx);

struct bench_range {
	char *buf;
	size_t len;
	int ring;
};

/* What bench_map() mapped, to unmap it whole. */
static char *bench_map_base;
static size_t bench_map_len;

static int op_allow(void *ctx)
{
	struct bench_range *r = ctx;

	if (!allow_readwrite(TOCK_DRIVER_BENCH, 0, r->buf, r->len).success)
		return -1;
	return allow_readwrite(TOCK_DRIVER_BENCH, 0, NULL, 0).success ? 0 : -1;
}

static int op_empty(void *ctx)
{
	(void)ctx;
	if (!allow_readwrite(TOCK_DRIVER_BENCH, 0, NULL, 0).success)
		return -1;
	return allow_readwrite(TOCK_DRIVER_BENCH, 0, NULL, 0).success ? 0 : -1;
}

/* Allow one half, then the other: each allow replaces the previous. */
static int op_replace(void *ctx)
{
	struct bench_range *r = ctx;
	size_t half = r->len / 2;

	if (!allow_readwrite(TOCK_DRIVER_BENCH, 0, r->buf, half).success)
		return -1;
	return allow_readwrite(TOCK_DRIVER_BENCH, 0, r->buf + half,
			       half).success ? 0 : -1;
}

/* A command with 64-bit arguments (libtock's command() takes ints). */
static int bench_raw(uint32_t cmd, uint64_t arg1, uint64_t arg2,
		     struct tock_ioc_command *c)
{
	*c = (struct tock_ioc_command){
		.driver = TOCK_DRIVER_BENCH,
		.command_num = cmd,
		.arg1 = arg1,
		.arg2 = arg2,
	};
	return tock_raw_command(tock_fd(), c) ? -1 : 0;
}

/* Success with u64 nanoseconds, as double; -1 otherwise. */
static double bench_ns_of(const struct tock_ioc_command *c)
{
	if (c->rtype != TOCK_RET_SUCCESS_U64)
		return -1;
	return (double)c->data[0] + (double)c->data[1] * 4294967296.0;
}

static int op_pin(void *ctx)
{
	struct bench_range *r = ctx;
	struct tock_ioc_command c;

	if (bench_raw(TOCK_BENCH_CMD_PIN, (uintptr_t)r->buf, r->len, &c))
		return -1;
	return bench_ns_of(&c) < 0 ? -1 : 0;
}

static int uring_register(int ring, unsigned int op, void *arg,
			  unsigned int nr)
{
	return syscall(__NR_io_uring_register, ring, op, arg, nr) < 0 ? -1 : 0;
}

static int op_uring_register(void *ctx)
{
	struct bench_range *r = ctx;
	struct iovec iov = { r->buf, r->len };

	if (uring_register(r->ring, IORING_REGISTER_BUFFERS, &iov, 1))
		return -1;
	return uring_register(r->ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
}

static int uring_update(int ring, void *buf, size_t len)
{
	struct iovec iov = { buf, len };
	struct io_uring_rsrc_update2 up = {
		.data = (uintptr_t)&iov,
		.nr = 1,
	};

	return uring_register(ring, IORING_REGISTER_BUFFERS_UPDATE, &up,
			      sizeof(up));
}

static int op_uring_update(void *ctx)
{
	struct bench_range *r = ctx;

	if (uring_update(r->ring, r->buf, r->len))
		return -1;
	return uring_update(r->ring, NULL, 0);
}

/* Mean ns of @op over a batch at least BENCH_BATCH_NS long. */
static double bench_batch(bench_op op, void *ctx)
{
	double t0 = bench_now_ns(), t;
	long n = 0;

	do {
		if (op(ctx))
			return -1;
		n++;
		t = bench_now_ns() - t0;
	} while (t < BENCH_BATCH_NS);
	return t / n;
}

/* A bare pin is timed in the kernel: one command per pin, ns back. */
static double bench_pin_kernel(struct bench_range *r)
{
	double t0 = bench_now_ns(), sum = 0, ns;
	struct tock_ioc_command c;
	long n = 0;

	do {
		if (bench_raw(TOCK_BENCH_CMD_PIN, (uintptr_t)r->buf, r->len,
			      &c))
			return -1;
		ns = bench_ns_of(&c);
		if (ns < 0)
			return -1;
		sum += ns;
		n++;
	} while (bench_now_ns() - t0 < BENCH_BATCH_NS);
	return sum / n;
}

static int uring_setup_sparse(void)
{
	struct io_uring_params p = { 0 };
	struct io_uring_rsrc_register reg = {
		.nr = 1,
		.flags = IORING_RSRC_REGISTER_SPARSE,
	};
	int ring = syscall(__NR_io_uring_setup, 4, &p);

	if (ring < 0)
		return -1;
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS2,
		    &reg, sizeof(reg)) < 0) {
		close(ring);
		return -1;
	}
	return ring;
}

/* Unmap what bench_map() mapped last. */
static void bench_unmap(void)
{
	munmap(bench_map_base, bench_map_len);
}

/*
 * @len bytes of anonymous memory at a 2 MiB boundary, touched.  With @huge
 * the whole 2 MiB-rounded range is MADV_HUGEPAGE, so that a smaller buffer
 * lies inside a huge page (as one in a THP-backed heap would); without,
 * MADV_NOHUGEPAGE.
 */
static char *bench_map(size_t len, int huge)
{
	size_t span = (len + HUGE - 1) & ~(HUGE - 1);
	char *map = mmap(NULL, span + HUGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *buf;

	if (map == MAP_FAILED)
		return NULL;
	bench_map_base = map;
	bench_map_len = span + HUGE;
	buf = (char *)(((uintptr_t)map + HUGE - 1) & ~(HUGE - 1));
	madvise(buf, span, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	memset(buf, 1, len);
	return buf;
}

/* KiB of @p's mapping that transparent huge pages back (smaps), or -1. */
static long bench_anon_huge_kb(const void *p)
{
	unsigned long start, end, addr = (uintptr_t)p;
	FILE *f = fopen("/proc/self/smaps", "re");
	int inside = 0;
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			inside = start <= addr && addr < end;
		else if (inside && sscanf(line, "AnonHugePages: %ld", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static void bench_allow_sizes(int rounds, int huge)
{
	static const char *const names[] = {
		"allow", "pin", "uring-reg", "uring-upd", "empty", "replace",
	};
	double v[6][BENCH_MAX_ROUNDS], med[6];
	struct bench_range r;
	size_t i;
	int k, m, plain, sparse;

	plain = syscall(__NR_io_uring_setup, 4,
			&(struct io_uring_params){ 0 });
	sparse = uring_setup_sparse();
	printf("\n%s pages: µs per cycle (allow: two ioctls, pin: one), median of %d rounds\n",
	       huge ? "transparent huge" : "4 KiB", rounds);
	printf("%8s %9s %9s %9s %9s %9s %9s | %6s %6s %6s | %s\n", "size",
	       "allow", "pin", "uring-reg", "uring-upd", "empty", "replace",
	       "/pin", "/reg", "/upd", "AnonHugePages");
	for (i = 0; i < sizeof(bench_sizes) / sizeof(bench_sizes[0]); i++) {
		r.len = bench_sizes[i];
		r.buf = bench_map(r.len, huge);
		if (!r.buf)
			continue;
		for (k = 0; k < rounds; k++) {
			v[0][k] = bench_batch(op_allow, &r);
			v[1][k] = bench_batch(op_pin, &r);
			r.ring = plain;
			v[2][k] = plain < 0 ? -1 : bench_batch(op_uring_register,
							       &r);
			r.ring = sparse;
			v[3][k] = sparse < 0 ? -1 : bench_batch(op_uring_update,
								&r);
			v[4][k] = bench_batch(op_empty, &r);
			v[5][k] = bench_batch(op_replace, &r);
		}
		for (m = 0; m < 6; m++)
			med[m] = bench_median(v[m], rounds) / 1000;
		printf("%7zuK %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f | %6.2f %6.2f %6.2f | %ld kB\n",
		       r.len >> 10, med[0], med[1], med[2], med[3], med[4],
		       med[5], med[0] / med[1], med[0] / med[2],
		       med[0] / med[3], bench_anon_huge_kb(r.buf));
		for (m = 0; m < 6; m++)
			printf("csv,allow,%s,%zu,%s,%.3f\n",
			       huge ? "thp" : "4k", r.len, names[m], med[m]);
		printf("csv,allow,%s,%zu,anon-huge-kb,%ld\n",
		       huge ? "thp" : "4k", r.len, bench_anon_huge_kb(r.buf));
		bench_unmap();
	}
	if (plain >= 0)
		close(plain);
	if (sparse >= 0)
		close(sparse);
}

/* The kernel-timed pin alone, to tell the ioctl's own cost apart. */
static void bench_pin_alone(int rounds)
{
	double v[BENCH_MAX_ROUNDS];
	struct bench_range r;
	int k;

	r.len = 1UL << 20;
	r.buf = bench_map(r.len, 0);
	if (!r.buf)
		return;
	for (k = 0; k < rounds; k++)
		v[k] = bench_pin_kernel(&r);
	printf("\nbare pin + unpin of 1 MiB, timed in the kernel: %.1f µs\n",
	       bench_median(v, rounds) / 1000);
	printf("csv,pin-kernel,4k,%zu,pin,%.3f\n", r.len,
	       bench_median(v, rounds) / 1000);
	bench_unmap();
}

/* ns that one kernel-timed command reports. */
static double bench_cmd_ns(uint32_t cmd, uint64_t arg1, uint64_t arg2)
{
	struct tock_ioc_command c;

	if (bench_raw(cmd, arg1, arg2, &c))
		return -1;
	return bench_ns_of(&c);
}

static void bench_enter(int rounds)
{
	static const size_t lens[] = { 4UL << 10, 64UL << 20 };
	double v[BENCH_MAX_ROUNDS], med[2];
	char *buf;
	size_t i;
	int k;

	for (i = 0; i < 2; i++) {
		buf = bench_map(lens[i], 0);
		if (!buf ||
		    !allow_readwrite(TOCK_DRIVER_BENCH, 0, buf,
				     lens[i]).success)
			return;
		for (k = 0; k < rounds; k++)
			v[k] = bench_cmd_ns(TOCK_BENCH_CMD_ENTER, 100000, 0) /
			       100000;
		med[i] = bench_median(v, rounds);
		if (!allow_readwrite(TOCK_DRIVER_BENCH, 0, NULL, 0).success)
			return;
		bench_unmap();
		printf("csv,enter,4k,%zu,enter,%.3f\n", lens[i], med[i]);
	}
	printf("\nempty enter: %.1f ns on 4 KiB, %.1f ns on 64 MiB (%.2f)\n",
	       med[0], med[1], med[1] / med[0]);
}

static void bench_copies(int rounds)
{
	static const char *const names[] = { "out", "in", "memcpy" };
	static const uint32_t cmds[] = {
		TOCK_BENCH_CMD_COPY_OUT, TOCK_BENCH_CMD_COPY_IN,
		TOCK_BENCH_CMD_MEMCPY,
	};
	double v[3][BENCH_MAX_ROUNDS], med[3];
	size_t i, len;
	uint64_t reps;
	int k, m, off;
	char *buf;

	buf = bench_map(COPY_BUF, 1);
	if (!buf ||
	    !allow_readwrite(TOCK_DRIVER_BENCH, 0, buf, COPY_BUF).success) {
		fprintf(stderr, "allow_bench: cannot allow the copy buffer\n");
		return;
	}
	printf("\nslice copies (THP buffer), ns per copy, median of %d rounds\n",
	       rounds);
	printf("%9s %4s %12s %12s %12s | %6s %6s\n", "size", "off", "out", "in",
	       "memcpy", "mc/out", "mc/in");
	for (i = 0; i < sizeof(copy_sizes) / sizeof(copy_sizes[0]); i++) {
		len = copy_sizes[i];
		reps = len >= (1UL << 20) ? 4 : (16UL << 20) / len;
		if (reps > 100000)
			reps = 100000;
		for (off = 0; off <= 1; off++) {
			for (k = 0; k < rounds; k++)
				for (m = 0; m < 3; m++)
					v[m][k] = bench_cmd_ns(cmds[m], len,
							       (uint64_t)off << 32 |
							       reps) / reps;
			for (m = 0; m < 3; m++)
				med[m] = bench_median(v[m], rounds);
			printf("%9zu %4d %12.0f %12.0f %12.0f | %6.2f %6.2f\n",
			       len, off, med[0], med[1], med[2],
			       med[2] / med[0], med[2] / med[1]);
			for (m = 0; m < 3; m++)
				printf("csv,copy,off%d,%zu,%s,%.3f\n", off, len,
				       names[m], med[m]);
		}
	}
	if (!allow_readwrite(TOCK_DRIVER_BENCH, 0, NULL, 0).success)
		fprintf(stderr, "allow_bench: unallow failed\n");
	bench_unmap();
}

static int op_version(void *ctx)
{
	struct tock_ioc_version ver = { 0 };

	(void)ctx;
	return tock_raw_version(tock_fd(), &ver);
}

static int op_command_yield(void *ctx)
{
	(void)ctx;
	if (command(TOCK_DRIVER_BENCH, TOCK_BENCH_CMD_NULL, 0, 0).type !=
	    TOCK_SYSCALL_SUCCESS)
		return -1;
	yield_no_wait();
	return 0;
}

static void bench_round_trip(int rounds)
{
	double v[2][BENCH_MAX_ROUNDS], med[2];
	int k;

	for (k = 0; k < rounds; k++) {
		v[0][k] = bench_batch(op_command_yield, NULL);
		v[1][k] = bench_batch(op_version, NULL);
	}
	med[0] = bench_median(v[0], rounds);
	med[1] = bench_median(v[1], rounds);
	printf("\ncommand + yield-no-wait: %.0f ns; version ioctl: %.0f ns (%.2f)\n",
	       med[0], med[1], med[0] / med[1]);
	printf("csv,roundtrip,-,0,command-yield,%.3f\n", med[0] / 1000);
	printf("csv,roundtrip,-,0,null-ioctl,%.3f\n", med[1] / 1000);
}

/* The reason allow exists: one allow, then requests on the same bytes. */
static int op_crc_allowed(void *ctx)
{
	struct bench_range *r = ctx;
	yield_waitfor_return_t ret;

	if (command(TOCK_DRIVER_CRC, 1, 0, (int)r->len).type !=
	    TOCK_SYSCALL_SUCCESS)
		return -1;
	ret = yield_wait_for(TOCK_DRIVER_CRC, 0);
	return ret.data0 == TOCK_STATUSCODE_SUCCESS ? 0 : -1;
}

/* The copy path: every request copies its bytes in first. */
static int op_crc_copied(void *ctx)
{
	struct bench_range *r = ctx;
	struct tock_ioc_command c;

	if (bench_raw(TOCK_BENCH_CMD_CRC_COPY, (uintptr_t)r->buf, r->len, &c))
		return -1;
	return c.rtype == TOCK_RET_SUCCESS_U32 ? 0 : -1;
}

/* @n allowed-buffer CRC requests over @r, in this process. */
static int bench_crc_run(struct bench_range *r, int n)
{
	int i;

	if (!allow_readonly(TOCK_DRIVER_CRC, 0, r->buf, r->len).success)
		return -1;
	for (i = 0; i < n; i++)
		if (op_crc_allowed(r))
			return -1;
	return 0;
}

static void bench_end_to_end(int rounds)
{
	static const size_t lens[] = { 64UL << 10, 1UL << 20 };
	double v[2][BENCH_MAX_ROUNDS], med[2], t1, t2;
	struct bench_range r;
	int k, i, status, n;
	pid_t pid[2];
	size_t j;

	if (!driver_exists(TOCK_DRIVER_CRC))
		return;
	printf("\nCRC-32 requests: allowed once vs copied in each time, µs per request\n");
	for (j = 0; j < 2; j++) {
		r.len = lens[j];
		r.buf = bench_map(r.len, 0);
		if (!r.buf ||
		    !allow_readonly(TOCK_DRIVER_CRC, 0, r.buf, r.len).success)
			return;
		for (k = 0; k < rounds; k++) {
			v[0][k] = bench_batch(op_crc_allowed, &r);
			v[1][k] = bench_batch(op_crc_copied, &r);
		}
		med[0] = bench_median(v[0], rounds) / 1000;
		med[1] = bench_median(v[1], rounds) / 1000;
		printf("%7zuK allowed %9.1f copied %9.1f (%.2f)\n", r.len >> 10,
		       med[0], med[1], med[0] / med[1]);
		printf("csv,e2e,4k,%zu,allowed,%.3f\n", r.len, med[0]);
		printf("csv,e2e,4k,%zu,copied,%.3f\n", r.len, med[1]);
		if (!allow_readonly(TOCK_DRIVER_CRC, 0, NULL, 0).success)
			return;
		bench_unmap();
	}

	/* Two processes, one per vCPU, against one: throughput ratio. */
	r.len = 64UL << 10;
	r.buf = bench_map(r.len, 0);
	if (!r.buf)
		return;
	n = 400;
	for (i = 0; i < 3; i++) {
		t1 = bench_now_ns();
		for (k = 0; k < (i ? 2 : 1); k++) {
			pid[k] = fork();
			if (pid[k] == 0)
				_exit(bench_crc_run(&r, n) ? 1 : 0);
		}
		for (k = 0; k < (i ? 2 : 1); k++)
			waitpid(pid[k], &status, 0);
		t2 = bench_now_ns() - t1;
		v[i ? 1 : 0][i ? i - 1 : 0] = t2;
	}
	t1 = v[0][0];
	t2 = v[1][0] < v[1][1] ? v[1][0] : v[1][1];
	printf("\ntwo processes at once: %.2f times the throughput of one\n",
	       2 * t1 / t2);
	printf("csv,scaling,4k,%zu,two-vs-one,%.3f\n", r.len, 2 * t1 / t2);
	bench_unmap();
}

/* Files measured at once, so that per-CPU stat batching averages out. */
#define MEM_FILES		64
#define MEM_CGROUP_ROOT		"/sys/fs/cgroup"

static int mem_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -1;
	close(fd);
	return ret;
}

/*
 * The cgroup's kernel memory in bytes, or -1.  memory.stat flushes its
 * per-CPU counts only past a threshold on reading, but every 2 s anyway:
 * wait for that flush, so that small steps show.
 */
static long long mem_kernel(const char *dir)
{
	long long val = -1;
	char path[256], line[256];
	FILE *f;

	sleep(3);
	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "kernel ", 7)) {
			val = strtoll(line + 7, NULL, 10);
			break;
		}
	fclose(f);
	return val;
}

static int mem_allow_all(const int *fds, void *buf, size_t len)
{
	struct tock_ioc_allow a;
	int i;

	for (i = 0; i < MEM_FILES; i++) {
		a = (struct tock_ioc_allow){
			.driver = TOCK_DRIVER_BENCH,
			.addr = (uintptr_t)buf,
			.size = len,
		};
		if (tock_raw_allow_rw(fds[i], &a) ||
		    a.rtype != TOCK_RET_SUCCESS_U32_U32)
			return -1;
	}
	return 0;
}

/*
 * In a child inside cgroup @dir: the kernel memory an open file takes, then
 * its grant (the first command), then an allowed buffer of one page, of
 * 256 small pages and of one huge page.  Prints "csv,memory,..." lines.
 */
static int mem_child(const char *dir)
{
	static const char *const steps[] = {
		"open file", "first grant", "allow 4 KiB", "allow 1 MiB (4 KiB pages)",
		"allow 2 MiB (THP)",
	};
	long long at[6];
	int fds[MEM_FILES], i, k = 0;
	struct tock_ioc_command c;
	char path[256], pid[32];
	char *small, *huge;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (mem_write(path, pid))
		return 1;
	small = bench_map(1UL << 20, 0);
	huge = small ? mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : MAP_FAILED;
	if (huge == MAP_FAILED)
		return 2;
	huge = (char *)(((uintptr_t)huge + HUGE - 1) & ~(HUGE - 1));
	madvise(huge, HUGE, MADV_HUGEPAGE);
	memset(huge, 1, HUGE);
	at[k++] = mem_kernel(dir);
	for (i = 0; i < MEM_FILES; i++) {
		fds[i] = open(tock_device_path(), O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			return 3;
	}
	at[k++] = mem_kernel(dir);
	for (i = 0; i < MEM_FILES; i++) {
		c = (struct tock_ioc_command){ .driver = TOCK_DRIVER_BENCH };
		if (tock_raw_command(fds[i], &c))
			return 4;
	}
	at[k++] = mem_kernel(dir);
	if (mem_allow_all(fds, small, 4096))
		return 5;
	at[k++] = mem_kernel(dir);
	if (mem_allow_all(fds, small, 1UL << 20))
		return 6;
	at[k++] = mem_kernel(dir);
	if (mem_allow_all(fds, huge, HUGE))
		return 7;
	at[k++] = mem_kernel(dir);
	for (i = 0; i < k; i++)
		if (at[i] < 0)
			return 8;
	printf("\nkernel memory, bytes each (%d files, memory cgroup):\n",
	       MEM_FILES);
	for (i = 0; i < k - 1; i++) {
		/* Each allow replaces the one before: measure from none. */
		long long d = at[i + 1] - at[i >= 2 ? 2 : i];

		printf("  %-28s %8lld\n", steps[i], d / MEM_FILES);
		printf("csv,memory,%s,%d,bytes,%lld\n", i == 4 ? "thp" : "4k",
		       i, d / MEM_FILES);
	}
	for (i = 0; i < MEM_FILES; i++)
		close(fds[i]);
	return 0;
}

static void bench_memory(void)
{
	char dir[128], controllers[256] = "";
	int status, fd;
	pid_t pid;

	if (geteuid() != 0) {
		printf("\nkernel memory: not measured (needs root)\n");
		return;
	}
	mkdir(MEM_CGROUP_ROOT, 0755);
	mount("cgroup2", MEM_CGROUP_ROOT, "cgroup2", 0, NULL);
	fd = open(MEM_CGROUP_ROOT "/cgroup.controllers", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, controllers, sizeof(controllers) - 1) < 0)
			controllers[0] = 0;
		close(fd);
	}
	if (!strstr(controllers, "memory")) {
		printf("\nkernel memory: not measured (no memory cgroup)\n");
		return;
	}
	mem_write(MEM_CGROUP_ROOT "/cgroup.subtree_control", "+memory");
	snprintf(dir, sizeof(dir), MEM_CGROUP_ROOT "/allow-bench-%d", getpid());
	if (mkdir(dir, 0755))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(mem_child(dir));
	if (pid > 0 && waitpid(pid, &status, 0) == pid &&
	    (!WIFEXITED(status) || WEXITSTATUS(status)))
		printf("\nkernel memory: the measuring child failed (%d)\n",
		       WEXITSTATUS(status));
	rmdir(dir);
}

/* The operations "loop" can repeat, by the names the tables use. */
static const struct {
	const char *name;
	bench_op op;
} loop_ops[] = {
	{ "allow", op_allow },
	{ "pin", op_pin },
	{ "uring-reg", op_uring_register },
	{ "uring-upd", op_uring_update },
	{ "empty", op_empty },
	{ "replace", op_replace },
	{ "crc-allowed", op_crc_allowed },
	{ "crc-copied", op_crc_copied },
};

/*
 * allow_bench loop OP KIB 4k|thp SECONDS: one operation, over and over, for
 * a profiler to sample (scripts/bench-profile); prints µs per operation.
 */
static int bench_loop(int argc, char **argv)
{
	struct bench_range r = { .ring = -1 };
	bench_op op = NULL;
	double t0, t, secs;
	long n = 0;
	size_t i;
	int ret = 1;

	if (argc != 6)
		goto usage;
	for (i = 0; i < sizeof(loop_ops) / sizeof(loop_ops[0]); i++)
		if (!strcmp(argv[2], loop_ops[i].name))
			op = loop_ops[i].op;
	r.len = strtoul(argv[3], NULL, 0) << 10;
	secs = atof(argv[5]);
	if (!op || !r.len || secs <= 0 ||
	    (strcmp(argv[4], "4k") && strcmp(argv[4], "thp")))
		goto usage;
	r.buf = bench_map(r.len, !strcmp(argv[4], "thp"));
	if (!r.buf)
		return 1;
	if (op == op_uring_register)
		r.ring = syscall(__NR_io_uring_setup, 4,
				 &(struct io_uring_params){ 0 });
	else if (op == op_uring_update)
		r.ring = uring_setup_sparse();
	if (op == op_crc_allowed &&
	    !allow_readonly(TOCK_DRIVER_CRC, 0, r.buf, r.len).success)
		goto out;
	t0 = bench_now_ns();
	do {
		if (op(&r))
			goto out;
		n++;
		t = bench_now_ns() - t0;
	} while (t < secs * 1e9);
	printf("%s %zuK %s: %.2f µs per operation, %ld operations\n", argv[2],
	       r.len >> 10, argv[4], t / n / 1000, n);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "allow_bench: %s failed\n", argv[2]);
	if (r.ring >= 0)
		close(r.ring);
	bench_unmap();
	return ret;
usage:
	fprintf(stderr, "usage: allow_bench loop OP KIB 4k|thp SECONDS\n");
	return 2;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : BENCH_DEFAULT_ROUNDS;

	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS)
		rounds = BENCH_DEFAULT_ROUNDS;
	if (!driver_exists(TOCK_DRIVER_BENCH)) {
		fprintf(stderr, "allow_bench: no benchmark driver (tock_bench.ko)\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "memory")) {
		bench_memory();
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "loop"))
		return bench_loop(argc, argv);
	bench_allow_sizes(rounds, 0);
	bench_allow_sizes(rounds, 1);
	bench_pin_alone(rounds);
	bench_enter(rounds);
	bench_copies(rounds);
	bench_round_trip(rounds);
	bench_end_to_end(rounds);
	bench_memory();
	return 0;
}
