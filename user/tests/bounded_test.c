// SPDX-License-Identifier: GPL-2.0
/*
 * bounded_test: the sample drivers and the test driver over large buffers.
 * Results must cover the whole buffer (CRCs against a reference computed
 * here, random bytes everywhere, fills and sums), crc requests must
 * complete without waiting for a timer tick, and a munmap that races a long request
 * must wait for one chunk of it, not the rest, and end the request as a
 * dead buffer.  HOLD_LATER holds an access open on purpose: munmap, unallow
 * and close must wait for it.
 */
#define _GNU_SOURCE
#include "kselftest_harness.h"
#include "tock_test.h"

#include <libtock/peripherals/crc_types.h>

/* The module's default per-buffer cap: the largest buffer a user gets. */
#define BIG_LEN		TEST_SIZE_CAP
#define KIB		1024UL
/* The drivers' chunk sizes, which the unaligned ranges straddle. */
#define STEP		(64 * KIB)
#define STEP16		(16 * KIB)
#define CRC_CMD		1
#define RNG_CMD		1
#define CRC_VECTOR	"ABCDEFG"
#define CRC_VECTOR_LEN	(sizeof(CRC_VECTOR) - 1)
/* Requests in the latency test. */
#define LATENCY_ROUNDS	50
/* Attempts at catching a long request in flight. */
#define RACE_ATTEMPTS	3
/* HOLD_LATER: the hold, and when the test acts during it. */
#define HOLD_MS		1000
#define HOLD_ACT_MS	250
#define HOLD_MAX_MS	2000

FIXTURE(bounded)
{
	int fd;
	bool liveness;
	struct test_pins pins;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(bounded)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->fd = tock_fd();
	if (self->fd == -ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, self->fd);
	self->liveness = test_has_liveness(self->fd);
	test_pins_read(&self->pins);
}

FIXTURE_TEARDOWN(bounded)
{
	tock_close();
	test_maps_free(self->maps);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double ms_since(uint64_t t0)
{
	return (now_ns() - t0) / 1e6;
}

/* The kernel's tick: the resolution of the coarse clock. */
static double tick_ms(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &res))
		return 0;
	return res.tv_sec * 1e3 + res.tv_nsec / 1e6;
}

/* Reproducible bytes that are not a repeating pattern. */
static void fill_random(uint8_t *p, size_t len, uint32_t seed)
{
	uint32_t x = seed | 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 11);
	}
}

/*
 * Reference CRCs, from SPEC section 5: CRC-32 and CRC-32C reflected and
 * inverted; CRC-16-CCITT MSB first over bit-reversed input bytes from
 * 0xFFFF, no output processing.  Bitwise, and table-driven for speed; the
 * first checks the second.
 */
static uint32_t ref_table32[256], ref_table32c[256];
static uint16_t ref_table16[256];

static uint8_t ref_bitrev8(uint8_t b)
{
	b = (uint8_t)((b & 0xf0) >> 4 | (b & 0x0f) << 4);
	b = (uint8_t)((b & 0xcc) >> 2 | (b & 0x33) << 2);
	return (uint8_t)((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

static uint32_t ref_crc_bitwise(int alg, const uint8_t *p, size_t len)
{
	uint32_t poly = alg == LIBTOCK_CRC_32 ? 0xEDB88320 : 0x82F63B78;
	uint32_t crc = ~0U;
	uint16_t c16 = 0xffff;
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		if (alg == LIBTOCK_CRC_16CCITT) {
			c16 ^= (uint16_t)(ref_bitrev8(p[i]) << 8);
			for (bit = 0; bit < 8; bit++)
				c16 = (uint16_t)(c16 & 0x8000 ?
						 (c16 << 1) ^ 0x1021 : c16 << 1);
			continue;
		}
		crc ^= p[i];
		for (bit = 0; bit < 8; bit++)
			crc = crc & 1 ? (crc >> 1) ^ poly : crc >> 1;
	}
	return alg == LIBTOCK_CRC_16CCITT ? c16 : ~crc;
}

static void ref_tables_init(void)
{
	uint32_t c, d;
	uint16_t e;
	int i, bit;

	for (i = 0; i < 256; i++) {
		c = d = (uint32_t)i;
		e = (uint16_t)(i << 8);
		for (bit = 0; bit < 8; bit++) {
			c = c & 1 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
			d = d & 1 ? (d >> 1) ^ 0x82F63B78 : d >> 1;
			e = (uint16_t)(e & 0x8000 ? (e << 1) ^ 0x1021 : e << 1);
		}
		ref_table32[i] = c;
		ref_table32c[i] = d;
		ref_table16[i] = e;
	}
}

static uint32_t ref_crc(int alg, const uint8_t *p, size_t len)
{
	const uint32_t *t = alg == LIBTOCK_CRC_32 ? ref_table32 : ref_table32c;
	uint32_t crc = ~0U;
	uint16_t c16 = 0xffff;
	size_t i;

	if (alg == LIBTOCK_CRC_16CCITT) {
		for (i = 0; i < len; i++)
			c16 = (uint16_t)(c16 << 8) ^
			      ref_table16[(c16 >> 8) ^ ref_bitrev8(p[i])];
		return c16;
	}
	for (i = 0; i < len; i++)
		crc = (crc >> 8) ^ t[(crc ^ p[i]) & 0xff];
	return ~crc;
}

static const struct {
	int alg;
	const char *name;
} algs[] = {
	{ LIBTOCK_CRC_32, "CRC-32" },
	{ LIBTOCK_CRC_32C, "CRC-32C" },
	{ LIBTOCK_CRC_16CCITT, "CRC-16-CCITT" },
};

/* The reference itself: check values and the bitwise definition. */
static void ref_check(struct __test_metadata *_metadata)
{
	static const uint32_t check[] = { 0xCBF43926, 0xE3069283 };
	uint8_t sample[999];
	size_t i;

	ref_tables_init();
	ASSERT_EQ(check[0], ref_crc(LIBTOCK_CRC_32,
				    (const uint8_t *)"123456789", 9));
	ASSERT_EQ(check[1], ref_crc(LIBTOCK_CRC_32C,
				    (const uint8_t *)"123456789", 9));
	ASSERT_EQ(0x1541, ref_crc(LIBTOCK_CRC_16CCITT,
				  (const uint8_t *)CRC_VECTOR,
				  CRC_VECTOR_LEN));
	fill_random(sample, sizeof(sample), 7);
	for (i = 0; i < ARRAY_SIZE(algs); i++)
		ASSERT_EQ(ref_crc_bitwise(algs[i].alg, sample, sizeof(sample)),
			  ref_crc(algs[i].alg, sample, sizeof(sample)));
}

static void *big_map(FIXTURE_DATA(bounded) *self, size_t len)
{
	return test_map(self->maps, len, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			-1);
}

static bool allow_ro(uint32_t driver, const void *buf, size_t len)
{
	return allow_readonly(driver, 0, buf, len).success;
}

static bool allow_rw(uint32_t driver, void *buf, size_t len)
{
	return allow_readwrite(driver, 0, buf, len).success;
}

/* One CRC request, synchronously; Failure status or the upcall's. */
static yield_waitfor_return_t crc_sync(int alg, size_t len)
{
	syscall_return_t ret = command(TOCK_DRIVER_CRC, CRC_CMD, alg,
				       (int)len);
	yield_waitfor_return_t done = { .data0 = ret.data[0] };

	if (ret.type == TOCK_SYSCALL_SUCCESS)
		done = yield_wait_for(TOCK_DRIVER_CRC, 0);
	return done;
}

TEST_F_TIMEOUT(bounded, crc_of_large_buffer_matches_reference, 600)
{
	yield_waitfor_return_t done;
	uint8_t *buf = big_map(self, BIG_LEN);
	uint64_t t0;
	size_t i;

	if (!driver_exists(TOCK_DRIVER_CRC))
		SKIP(return, "no CRC driver");
	TEST_NEED_PIN(BIG_LEN);
	ASSERT_NE(NULL, buf);
	ref_check(_metadata);
	fill_random(buf, BIG_LEN, 1);
	ASSERT_TRUE(allow_ro(TOCK_DRIVER_CRC, buf, BIG_LEN));
	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		t0 = now_ns();
		done = crc_sync(algs[i].alg, BIG_LEN);
		TH_LOG("%s of %lu MiB: %.0f ms", algs[i].name, BIG_LEN >> 20,
		       ms_since(t0));
		EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0) {
			TH_LOG("%s: %s", algs[i].name,
			       tock_strerr((statuscode_t)done.data0));
		}
		EXPECT_EQ(ref_crc(algs[i].alg, buf, BIG_LEN), done.data1) {
			TH_LOG("%s: 0x%08x", algs[i].name, done.data1);
		}
		EXPECT_EQ((uint32_t)algs[i].alg, done.data2);
	}
}

TEST_F_TIMEOUT(bounded, crc_of_unaligned_ranges_across_chunks, 300)
{
	/* Starts off page and chunk alignment, lengths on both sides. */
	static const size_t offsets[] = { 1, 4095, STEP - 1 };
	static const size_t lens[] = {
		1, STEP16 - 1, STEP16, STEP16 + 1, STEP - 1, STEP, STEP + 1,
		2 * STEP + 3, 3 * STEP + 17,
	};
	const size_t map_len = 4 * STEP + 4096;
	uint8_t *buf = big_map(self, map_len);
	yield_waitfor_return_t done;
	size_t o, l, a;

	if (!driver_exists(TOCK_DRIVER_CRC))
		SKIP(return, "no CRC driver");
	ASSERT_NE(NULL, buf);
	ref_check(_metadata);
	fill_random(buf, map_len, 2);
	for (o = 0; o < ARRAY_SIZE(offsets); o++) {
		ASSERT_TRUE(allow_ro(TOCK_DRIVER_CRC, buf + offsets[o],
				     lens[ARRAY_SIZE(lens) - 1]));
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			for (a = 0; a < ARRAY_SIZE(algs); a++) {
				done = crc_sync(algs[a].alg, lens[l]);
				EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);
				EXPECT_EQ(ref_crc(algs[a].alg,
						  buf + offsets[o], lens[l]),
					  done.data1) {
					TH_LOG("%s at +%zu, %zu bytes",
					       algs[a].name, offsets[o],
					       lens[l]);
				}
			}
		}
	}
}

/* The coarse clock, which the kernel advances once a tick. */
static struct timespec coarse_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts;
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* Spin until the coarse clock moves: a tick has just begun. */
static struct timespec tick_edge(void)
{
	struct timespec start = coarse_now(), now;

	do {
		now = coarse_now();
	} while (same_time(start, now));
	return now;
}

/*
 * A request used to wait for the next tick (a delayed work item of one
 * jiffy), so none could complete within the tick it started in.  Now it
 * completes as soon as its work item runs: started right at a tick's
 * beginning, most complete before the next one.  The old driver could
 * score none, so any request done within its tick shows the change; the
 * bound asks for no more than that, because a loaded host descheduling the
 * guest's CPU pushes most requests past the tick (3 of 50 were seen).
 */
TEST_F(bounded, crc_requests_complete_within_the_tick_they_start)
{
	double tick = tick_ms(), took = 0;
	yield_waitfor_return_t done;
	struct timespec edge;
	int i, same_tick = 0;
	uint64_t t0;

	if (!driver_exists(TOCK_DRIVER_CRC))
		SKIP(return, "no CRC driver");
	ASSERT_LT(0, tick);
	ASSERT_TRUE(allow_ro(TOCK_DRIVER_CRC, CRC_VECTOR, CRC_VECTOR_LEN));
	for (i = 0; i < LATENCY_ROUNDS; i++) {
		edge = tick_edge();
		t0 = now_ns();
		done = crc_sync(LIBTOCK_CRC_16CCITT, CRC_VECTOR_LEN);
		took += ms_since(t0);
		same_tick += same_time(edge, coarse_now());
		ASSERT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0) {
			TH_LOG("round %d: %s", i,
			       tock_strerr((statuscode_t)done.data0));
		}
		ASSERT_EQ(0x1541, done.data1);
	}
	TH_LOG("%d requests: %.1f ms, %.3f ms each (tick %.1f ms); %d within their tick",
	       LATENCY_ROUNDS, took, took / LATENCY_ROUNDS, tick, same_tick);
	EXPECT_LE(1, same_tick);
}

/* The long requests whose race with munmap the tests below measure. */
enum long_kind { LONG_CRC16, LONG_RNG, LONG_FILL, LONG_SUM };

static const char *const long_names[] = {
	"crc CRC-16", "rng", "test FILL_LATER", "test SUM_LATER",
};

static uint32_t long_driver(enum long_kind k)
{
	switch (k) {
	case LONG_CRC16:
		return TOCK_DRIVER_CRC;
	case LONG_RNG:
		return TOCK_DRIVER_RNG;
	default:
		return TOCK_DRIVER_TEST;
	}
}

static bool long_allow(enum long_kind k, void *buf, size_t len)
{
	if (k == LONG_CRC16 || k == LONG_SUM)
		return allow_ro(long_driver(k), buf, len);
	return allow_rw(long_driver(k), buf, len);
}

static bool long_start(enum long_kind k, size_t len)
{
	switch (k) {
	case LONG_CRC16:
		return command(TOCK_DRIVER_CRC, CRC_CMD, LIBTOCK_CRC_16CCITT,
			       (int)len).type == TOCK_SYSCALL_SUCCESS;
	case LONG_RNG:
		return command(TOCK_DRIVER_RNG, RNG_CMD, (int)len,
			       0).type == TOCK_SYSCALL_SUCCESS;
	case LONG_FILL:
		return test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, 0, 0x5a);
	default:
		return test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, 0, 0);
	}
}

static yield_waitfor_return_t long_wait(enum long_kind k)
{
	return yield_wait_for(long_driver(k),
			      k == LONG_SUM ? TEST_UPCALL_SUM : 0);
}

/* Whether the upcall reports the whole request done. */
static bool long_done(enum long_kind k, yield_waitfor_return_t r,
		      size_t len)
{
	switch (k) {
	case LONG_RNG:
		return r.data0 == 0 && r.data1 == len;
	case LONG_SUM:
		return r.data0 == TOCK_STATUSCODE_SUCCESS && r.data2 == len;
	default:
		return r.data0 == TOCK_STATUSCODE_SUCCESS;
	}
}

/* Whether it reports what each driver reports for a dead buffer. */
static bool long_dead(enum long_kind k, yield_waitfor_return_t r)
{
	switch (k) {
	case LONG_CRC16:
		return r.data0 == TOCK_STATUSCODE_CANCEL && r.data1 == 0 &&
		       r.data2 == LIBTOCK_CRC_16CCITT;
	case LONG_RNG:
		return r.data0 == 0 && r.data1 == 0 && r.data2 == 0;
	default:
		return r.data0 == TOCK_STATUSCODE_CANCEL && r.data1 == 0 &&
		       r.data2 == 0;
	}
}

/*
 * Time one whole request over a BIG_LEN buffer, then start another and
 * munmap the buffer a quarter of that time in: munmap must wait for one
 * chunk, not for the three quarters left, and the request must end at
 * once, reporting a dead buffer.  The bound is what munmap of such a
 * buffer costs with no request in flight plus half the request, which
 * leaves room for a coarse clock (a guest on jiffies ticks in 4 ms steps).
 */
static void long_munmap_race(struct __test_metadata *_metadata,
			     FIXTURE_DATA(bounded) *self, enum long_kind k)
{
	const char *name = long_names[k];
	double full, unmap, end, idle, bound;
	yield_waitfor_return_t r;
	uint8_t *buf;
	uint64_t t0;
	int attempt;

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	if (!driver_exists(long_driver(k)))
		SKIP(return, "no %s driver", name);
	buf = big_map(self, BIG_LEN);
	TEST_NEED_PIN(BIG_LEN);
	ASSERT_NE(NULL, buf);
	fill_random(buf, BIG_LEN, 3);
	ASSERT_TRUE(long_allow(k, buf, BIG_LEN));
	t0 = now_ns();
	ASSERT_EQ(0, test_unmap(self->maps, buf));
	idle = ms_since(t0);
	for (attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
		buf = big_map(self, BIG_LEN);
		ASSERT_NE(NULL, buf);
		fill_random(buf, BIG_LEN, 3);
		ASSERT_TRUE(long_allow(k, buf, BIG_LEN));

		t0 = now_ns();
		ASSERT_TRUE(long_start(k, BIG_LEN));
		r = long_wait(k);
		full = ms_since(t0);
		ASSERT_TRUE(long_done(k, r, BIG_LEN)) {
			TH_LOG("%s: (%u, %u, %u)", name, r.data0, r.data1,
			       r.data2);
		}

		ASSERT_TRUE(long_start(k, BIG_LEN));
		test_sleep_ms((long)(full / 4));
		t0 = now_ns();
		ASSERT_EQ(0, test_unmap(self->maps, buf));
		unmap = ms_since(t0);
		r = long_wait(k);
		end = ms_since(t0);
		bound = idle + full / 2;
		TH_LOG("%s of %lu MiB: %.0f ms; munmap idle %.1f ms, at a quarter %.1f ms, upcall after %.1f ms",
		       name, BIG_LEN >> 20, full, idle, unmap, end);
		ASSERT_GT(bound, unmap) {
			TH_LOG("munmap waited for the rest of the request");
		}
		if (long_done(k, r, BIG_LEN)) {
			TH_LOG("attempt %d: done before the munmap", attempt);
			continue;
		}
		EXPECT_TRUE(long_dead(k, r)) {
			TH_LOG("(%u, %u, %u)", r.data0, r.data1, r.data2);
		}
		EXPECT_GT(bound, end) {
			TH_LOG("the request went on over a dead buffer");
		}
		return;
	}
	EXPECT_LT(attempt, RACE_ATTEMPTS) {
		TH_LOG("%s never caught in flight", name);
	}
}

TEST_F_TIMEOUT(bounded, crc_munmap_during_long_request_waits_one_chunk, 600)
{
	long_munmap_race(_metadata, self, LONG_CRC16);
}

TEST_F_TIMEOUT(bounded, rng_munmap_during_long_fill_waits_one_chunk, 600)
{
	long_munmap_race(_metadata, self, LONG_RNG);
}

TEST_F_TIMEOUT(bounded, testdrv_munmap_during_delayed_fill_waits_one_chunk,
	       600)
{
	long_munmap_race(_metadata, self, LONG_FILL);
}

TEST_F_TIMEOUT(bounded, testdrv_munmap_during_delayed_sum_waits_one_chunk,
	       600)
{
	long_munmap_race(_metadata, self, LONG_SUM);
}

/* No 64-byte block of random output is all zero (odds 2^-512 each). */
static bool random_everywhere(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 64)
		if (test_all_bytes(p + i, len - i < 64 ? len - i : 64, 0))
			return false;
	return true;
}

TEST_F_TIMEOUT(bounded, rng_fills_large_buffer_completely, 300)
{
	const size_t part = 3 * STEP + 5;
	uint8_t *buf = big_map(self, BIG_LEN);
	yield_waitfor_return_t r;

	if (!driver_exists(TOCK_DRIVER_RNG))
		SKIP(return, "no RNG driver");
	TEST_NEED_PIN(BIG_LEN);
	ASSERT_NE(NULL, buf);
	ASSERT_TRUE(allow_rw(TOCK_DRIVER_RNG, buf, BIG_LEN));
	ASSERT_TRUE(long_start(LONG_RNG, BIG_LEN));
	r = yield_wait_for(TOCK_DRIVER_RNG, 0);
	EXPECT_EQ(0, r.data0);
	EXPECT_EQ(BIG_LEN, r.data1);
	EXPECT_TRUE(random_everywhere(buf, BIG_LEN));

	/* Fewer bytes than the buffer, across chunks: exactly those. */
	memset(buf, 0, BIG_LEN);
	ASSERT_TRUE(long_start(LONG_RNG, part));
	r = yield_wait_for(TOCK_DRIVER_RNG, 0);
	EXPECT_EQ(part, r.data1);
	EXPECT_TRUE(random_everywhere(buf, part));
	EXPECT_TRUE(test_all_bytes(buf + part, BIG_LEN - part, 0));
}

TEST_F_TIMEOUT(bounded, testdrv_delayed_fill_covers_large_buffer, 300)
{
	uint8_t *buf = big_map(self, BIG_LEN);
	yield_waitfor_return_t r;

	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	TEST_NEED_PIN(BIG_LEN);
	ASSERT_NE(NULL, buf);
	ASSERT_TRUE(allow_rw(TOCK_DRIVER_TEST, buf, BIG_LEN));
	ASSERT_TRUE(long_start(LONG_FILL, BIG_LEN));
	r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, r.data0);
	EXPECT_EQ(BIG_LEN, r.data1);
	EXPECT_TRUE(test_all_bytes(buf, BIG_LEN, 0x5a));
}

TEST_F_TIMEOUT(bounded, testdrv_delayed_sum_covers_large_buffer, 300)
{
	uint8_t *buf = big_map(self, BIG_LEN);
	yield_waitfor_return_t r;
	uint32_t sum = 0;
	size_t i;

	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	TEST_NEED_PIN(BIG_LEN);
	ASSERT_NE(NULL, buf);
	fill_random(buf, BIG_LEN, 4);
	for (i = 0; i < BIG_LEN; i++)
		sum += buf[i];
	ASSERT_TRUE(allow_ro(TOCK_DRIVER_TEST, buf, BIG_LEN));
	ASSERT_TRUE(long_start(LONG_SUM, BIG_LEN));
	r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_SUM);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, r.data0);
	EXPECT_EQ(sum, r.data1);
	EXPECT_EQ(BIG_LEN, r.data2);
}

/* Time all CPUs spent serving softirqs, from /proc/stat; -1 if unknown. */
static double softirq_ms(void)
{
	unsigned long long v[7];
	double ms = -1;
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return -1;
	/* cpu user nice system idle iowait irq softirq, in clock ticks */
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6]) == 7)
		ms = v[6] * 1000.0 / sysconf(_SC_CLK_TCK);
	fclose(f);
	return ms;
}

/*
 * The timer takes only the first step of a delayed sum: nearly all of it
 * runs from the work item, not in softirq.  The kernel charges the ticks
 * that land in a softirq to it, so a sum done there shows up in full.
 */
TEST_F_TIMEOUT(bounded, testdrv_delayed_sum_runs_mostly_outside_softirq, 300)
{
	uint8_t *buf = big_map(self, BIG_LEN);
	double before, in_softirq, took;
	yield_waitfor_return_t r;
	uint64_t t0;

	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	TEST_NEED_PIN(BIG_LEN);
	ASSERT_NE(NULL, buf);
	fill_random(buf, BIG_LEN, 5);
	ASSERT_TRUE(allow_ro(TOCK_DRIVER_TEST, buf, BIG_LEN));
	before = softirq_ms();
	ASSERT_LE(0, before);
	t0 = now_ns();
	ASSERT_TRUE(long_start(LONG_SUM, BIG_LEN));
	r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_SUM);
	took = ms_since(t0);
	in_softirq = softirq_ms() - before;
	TH_LOG("SUM_LATER of %lu MiB: %.0f ms, of which in softirq %.0f ms",
	       BIG_LEN >> 20, took, in_softirq);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, r.data0);
	EXPECT_EQ(BIG_LEN, r.data2);
	EXPECT_GT(took / 4, in_softirq);
}

/* The immediate fill and sum are chunked too, and still whole. */
TEST_F_TIMEOUT(bounded, testdrv_fill_and_sum_now_cover_large_buffer, 300)
{
	uint8_t *buf = big_map(self, BIG_LEN);
	syscall_return_t ret;

	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	TEST_NEED_PIN(BIG_LEN);
	ASSERT_NE(NULL, buf);
	ASSERT_TRUE(allow_rw(TOCK_DRIVER_TEST, buf, BIG_LEN));
	ASSERT_TRUE(allow_ro(TOCK_DRIVER_TEST, buf, BIG_LEN));
	ret = test_cmd(TOCK_TEST_CMD_FILL_NOW, 3, 0);
	EXPECT_EQ(TOCK_SYSCALL_SUCCESS_U32, ret.type);
	EXPECT_EQ(BIG_LEN, ret.data[0]);
	EXPECT_TRUE(test_all_bytes(buf, BIG_LEN, 3));
	ret = test_cmd(TOCK_TEST_CMD_SUM_NOW, 0, 0);
	EXPECT_EQ(TOCK_SYSCALL_SUCCESS_U32, ret.type);
	EXPECT_EQ((uint32_t)(3 * BIG_LEN), ret.data[0]);
}

/*
 * Start a HOLD_LATER of HOLD_MS on read-write allow 0 and give its work
 * item time to enter; false if the command failed.
 */
static bool hold_start(size_t act_ms)
{
	if (!test_cmd_ok(TOCK_TEST_CMD_HOLD_LATER, HOLD_MS, 0))
		return false;
	test_sleep_ms((long)act_ms);
	return true;
}

/*
 * HOLD_LATER stalls an access on purpose; @act (munmap or unallow of
 * @buf) must wait until the hold ends.  If the hold had not started by
 * then the upcall says CANCEL and the test tries again, later.
 */
static void hold_against(struct __test_metadata *_metadata,
			 FIXTURE_DATA(bounded) *self, bool unmap)
{
	size_t page = test_page(), act_ms = HOLD_ACT_MS;
	yield_waitfor_return_t r;
	double waited;
	uint8_t *buf;
	uint64_t t0;
	int attempt;

	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	if (unmap && !self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	for (attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
		buf = big_map(self, page);
		ASSERT_NE(NULL, buf);
		ASSERT_TRUE(allow_rw(TOCK_DRIVER_TEST, buf, page));
		ASSERT_TRUE(hold_start(act_ms));
		t0 = now_ns();
		if (unmap) {
			ASSERT_EQ(0, test_unmap(self->maps, buf));
		} else {
			ASSERT_TRUE(allow_rw(TOCK_DRIVER_TEST, NULL, 0));
		}
		waited = ms_since(t0);
		r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
		TH_LOG("%s %zu ms into a %d ms hold: waited %.0f ms",
		       unmap ? "munmap" : "unallow", act_ms, HOLD_MS, waited);
		if (r.data0 == TOCK_STATUSCODE_CANCEL) {
			act_ms += HOLD_ACT_MS;
			continue;
		}
		EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, r.data0);
		EXPECT_EQ(page, r.data1);
		EXPECT_EQ(0, r.data2);
		/* The hold began after the command; it ends HOLD_MS later. */
		EXPECT_LE((double)HOLD_MS - act_ms - 50, waited);
		return;
	}
	EXPECT_LT(attempt, RACE_ATTEMPTS) {
		TH_LOG("the hold never started in time");
	}
}

TEST_F(bounded, testdrv_hold_later_stalls_munmap_until_it_ends)
{
	hold_against(_metadata, self, true);
}

TEST_F(bounded, testdrv_hold_later_stalls_unallow_until_it_ends)
{
	hold_against(_metadata, self, false);
}

TEST_F(bounded, testdrv_hold_later_busy_while_pending)
{
	size_t page = test_page();
	uint8_t *buf = big_map(self, page);
	yield_waitfor_return_t r;
	syscall_return_t ret;

	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	ASSERT_NE(NULL, buf);
	ASSERT_TRUE(allow_rw(TOCK_DRIVER_TEST, buf, page));
	ret = test_cmd(TOCK_TEST_CMD_HOLD_LATER, HOLD_MAX_MS + 1, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_INVAL, ret.data[0]);

	/*
	 * Long enough that the next command comes during it, even on a
	 * guest whose vCPUs the host starves for a while.
	 */
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_HOLD_LATER, HOLD_MS, 0));
	ret = test_cmd(TOCK_TEST_CMD_HOLD_LATER, 0, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_BUSY, ret.data[0]);
	/* The argument is checked first, as for the delayed commands. */
	ret = test_cmd(TOCK_TEST_CMD_HOLD_LATER, HOLD_MAX_MS + 1, 0);
	EXPECT_EQ(TOCK_STATUSCODE_INVAL, ret.data[0]);
	/* CANCEL is for FILL_LATER and SUM_LATER. */
	ret = test_cmd(TOCK_TEST_CMD_CANCEL, 0, 0);
	EXPECT_EQ(TOCK_STATUSCODE_ALREADY, ret.data[0]);

	r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, r.data0);
	EXPECT_EQ(page, r.data1);
	/* Free again as soon as its upcall can be seen. */
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_HOLD_LATER, 0, 0));
	r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, r.data0);
}

TEST_F(bounded, testdrv_close_waits_for_hold_and_releases_pins)
{
	size_t page = test_page();
	uint8_t *buf = big_map(self, page);
	struct test_pins after;
	double waited;
	uint64_t t0;

	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	ASSERT_NE(NULL, buf);
	ASSERT_TRUE(allow_rw(TOCK_DRIVER_TEST, buf, page));
	/* Well into the hold: its work item has long entered the buffer. */
	ASSERT_TRUE(hold_start(HOLD_MS / 2));
	t0 = now_ns();
	ASSERT_EQ(0, tock_close());
	waited = ms_since(t0);
	TH_LOG("close %d ms into a %d ms hold: waited %.0f ms", HOLD_MS / 2,
	       HOLD_MS, waited);
	EXPECT_LE((double)HOLD_MS / 2 - 50, waited);
	EXPECT_TRUE(test_pins_settle(&self->pins, &after));
}

TEST_HARNESS_MAIN
