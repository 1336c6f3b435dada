// SPDX-License-Identifier: GPL-2.0
/*
 * allow_bench: the cost of a tockallow allow + unallow cycle against a bare
 * pin_user_pages_fast(FOLL_LONGTERM | FOLL_WRITE) + unpin of the same
 * buffer, measured side by side in one boot through the kernel's gup_test
 * device (CONFIG_GUP_TEST).  Absolute times under emulation mean little;
 * the ratio is the result.
 *
 *   allow_bench [ROUNDS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <gup_test.h>
#include <tock.h>
#include <tockallow.h>

#define GUP_TEST_PATH	"/sys/kernel/debug/gup_test"
/* gup_test takes the kernel's FOLL_* bits: these are its ABI. */
#define GUP_FOLL_WRITE		0x01
#define GUP_FOLL_LONGTERM	0x100
/*
 * A timed batch lasts at least this long: guest clocks may tick only every
 * few milliseconds under emulation.
 */
#define BENCH_BATCH_US		200000.0
#define BENCH_DEFAULT_ROUNDS	5

static const size_t bench_pages[] = { 1, 16, 256, 4096 };

static double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Mean µs of one tockallow allow + unallow cycle, or a negative value. */
static double bench_tock(void *buf, size_t len, int cycles)
{
	allow_rw_return_t ret;
	double t0 = bench_now_us();
	int i;

	for (i = 0; i < cycles; i++) {
		ret = allow_readwrite(TOCK_DRIVER_TEST, 0, buf, len);
		if (!ret.success)
			return -1;
		ret = allow_readwrite(TOCK_DRIVER_TEST, 0, NULL, 0);
		if (!ret.success)
			return -1;
	}
	return (bench_now_us() - t0) / cycles;
}

/* Mean µs of one bare pin + unpin cycle through gup_test. */
static double bench_gup(int fd, void *buf, size_t len, int cycles)
{
	struct gup_test gup;
	double t0 = bench_now_us();
	int i;

	for (i = 0; i < cycles; i++) {
		memset(&gup, 0, sizeof(gup));
		gup.addr = (unsigned long)buf;
		gup.size = len;
		gup.nr_pages_per_call = len / getpagesize();
		gup.gup_flags = GUP_FOLL_WRITE | GUP_FOLL_LONGTERM;
		if (ioctl(fd, PIN_FAST_BENCHMARK, &gup))
			return -1;
	}
	return (bench_now_us() - t0) / cycles;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : BENCH_DEFAULT_ROUNDS;
	size_t page = getpagesize(), i;
	double tock[64], gup[64], t;
	int fd, r, cycles;

	if (rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: allow_bench [ROUNDS (1-64)]\n");
		return 2;
	}
	fd = open(GUP_TEST_PATH, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "allow_bench: %s: %s (needs CONFIG_GUP_TEST)\n",
			GUP_TEST_PATH, strerror(errno));
		return 1;
	}
	if (!driver_exists(TOCK_DRIVER_TEST)) {
		fprintf(stderr, "allow_bench: no test driver\n");
		return 1;
	}

	printf("%10s %14s %14s %8s\n", "pages", "allow us/cycle",
	       "pin us/cycle", "ratio");
	for (i = 0; i < sizeof(bench_pages) / sizeof(bench_pages[0]); i++) {
		size_t len = bench_pages[i] * page;
		void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED)
			return 1;
		memset(buf, 1, len);
		/* Warm both paths and size the batch on the faster one. */
		bench_tock(buf, len, 1);
		for (cycles = 1; ; cycles *= 2) {
			t = bench_gup(fd, buf, len, cycles);
			if (t < 0 || t * cycles >= BENCH_BATCH_US)
				break;
		}
		/* Alternate the two so that drift hits both alike. */
		for (r = 0; r < rounds; r++) {
			tock[r] = bench_tock(buf, len, cycles);
			gup[r] = bench_gup(fd, buf, len, cycles);
			if (tock[r] < 0 || gup[r] < 0) {
				fprintf(stderr, "allow_bench: %zu pages: %s\n",
					bench_pages[i], strerror(errno));
				return 1;
			}
		}
		qsort(tock, rounds, sizeof(tock[0]), bench_cmp);
		qsort(gup, rounds, sizeof(gup[0]), bench_cmp);
		printf("%10zu %14.1f %14.1f %8.2f\n", bench_pages[i],
		       tock[rounds / 2], gup[rounds / 2],
		       tock[rounds / 2] / gup[rounds / 2]);
		munmap(buf, len);
	}
	close(fd);
	return 0;
}
