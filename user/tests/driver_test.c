// SPDX-License-Identifier: GPL-2.0
/*
 * driver_test: the sample drivers through libtock-c's own driver wrappers,
 * synchronous (libtock-sync: allow, command, yield-wait-for, nothing
 * subscribed) and asynchronous (subscribe, command, yield_for): CRC values
 * and errors (in Tock's order), random bytes, console writes.
 */
#define _GNU_SOURCE
#include "kselftest_harness.h"
#include "tock_test.h"

#include <libtock/interface/console.h>
#include <libtock/peripherals/crc.h>
#include <libtock/peripherals/rng.h>
#include <libtock/peripherals/syscalls/crc_syscalls.h>
#include <libtock-sync/interface/console.h>
#include <libtock-sync/peripherals/crc.h>
#include <libtock-sync/peripherals/rng.h>

#define CRC_INPUT	"ABCDEFG"
#define CRC_INPUT_LEN	(sizeof(CRC_INPUT) - 1)
/* Big enough that a computation is still running when the next arrives. */
#define CRC_BUSY_LEN	(1UL << 20)
#define CRC_BUSY_ROUNDS	20
#define CRC_CMD_REQUEST	1
#define CRC_ALG_INVALID	3
/* A CRC-16 request this long is still running a few commands later. */
#define CRC_ORDER_LEN	(16UL << 20)
#define RNG_BYTES	4
#define RNG_ASYNC_BYTES	64
#define CONSOLE_TEXT	"tockallow driver_test: console write\n"

static const struct {
	libtock_crc_alg_t alg;
	const char *name;
	uint32_t crc;		/* of CRC_INPUT */
} crc_vectors[] = {
	{ LIBTOCK_CRC_32,	"CRC-32",	0x0E6F94BC },
	{ LIBTOCK_CRC_32C,	"CRC-32C",	0x2C775665 },
	{ LIBTOCK_CRC_16CCITT,	"CRC-16-CCITT",	0x00001541 },
};

FIXTURE(drivers)
{
	int fd;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(drivers)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->fd = tock_fd();
	if (self->fd == -ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(drivers)
{
	tock_close();
	test_maps_free(self->maps);
}

/* Results of the asynchronous callbacks, which carry no userdata. */
static bool async_done;
static returncode_t async_status;
static uint32_t async_value;

static void crc_computed(returncode_t status, uint32_t crc)
{
	async_status = status;
	async_value = crc;
	async_done = true;
}

static void rng_filled(returncode_t status, int count)
{
	async_status = status;
	async_value = (uint32_t)count;
	async_done = true;
}

static void console_written(returncode_t status, uint32_t count)
{
	async_status = status;
	async_value = count;
	async_done = true;
}

TEST_F(drivers, crc_known_values_sync)
{
	uint32_t crc;
	size_t i;

	if (!libtocksync_crc_exists())
		SKIP(return, "no CRC driver");
	/* The input is a string literal: allowed straight from .rodata. */
	for (i = 0; i < ARRAY_SIZE(crc_vectors); i++) {
		crc = 0;
		EXPECT_EQ(RETURNCODE_SUCCESS,
			  libtocksync_crc_compute((const uint8_t *)CRC_INPUT,
						  CRC_INPUT_LEN,
						  crc_vectors[i].alg, &crc)) {
			TH_LOG("%s", crc_vectors[i].name);
		}
		EXPECT_EQ(crc_vectors[i].crc, crc) {
			TH_LOG("%s: 0x%08x", crc_vectors[i].name, crc);
		}
	}
}

TEST_F(drivers, crc_known_values_async)
{
	size_t i;

	if (!libtock_crc_exists())
		SKIP(return, "no CRC driver");
	for (i = 0; i < ARRAY_SIZE(crc_vectors); i++) {
		async_done = false;
		ASSERT_EQ(RETURNCODE_SUCCESS,
			  libtock_crc_compute((const uint8_t *)CRC_INPUT,
					      CRC_INPUT_LEN,
					      crc_vectors[i].alg,
					      crc_computed));
		yield_for(&async_done);
		EXPECT_EQ(RETURNCODE_SUCCESS, async_status);
		EXPECT_EQ(crc_vectors[i].crc, async_value) {
			TH_LOG("%s: 0x%08x", crc_vectors[i].name,
			       async_value);
		}
	}
}

TEST_F(drivers, crc_of_read_only_file_mapping)
{
	uint32_t crc = 0;
	void *buf;
	int fd;

	if (!libtocksync_crc_exists())
		SKIP(return, "no CRC driver");
	fd = memfd_create("tock-crc", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)CRC_INPUT_LEN, write(fd, CRC_INPUT, CRC_INPUT_LEN));
	buf = test_map(self->maps, CRC_INPUT_LEN, PROT_READ, MAP_SHARED, fd);
	close(fd);
	ASSERT_NE(NULL, buf);
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_crc_compute(buf, CRC_INPUT_LEN, LIBTOCK_CRC_32,
					  &crc));
	EXPECT_EQ(crc_vectors[0].crc, crc);
}

TEST_F(drivers, crc_busy_while_running)
{
	syscall_return_t first, second;
	yield_waitfor_return_t done;
	bool busy = false;
	int round, pending;
	void *buf;

	if (!libtock_crc_exists())
		SKIP(return, "no CRC driver");
	buf = test_map(self->maps, CRC_BUSY_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE, -1);
	ASSERT_NE(NULL, buf);
	memset(buf, 0xa5, CRC_BUSY_LEN);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_crc_set_readonly_allow(buf, CRC_BUSY_LEN));

	/* A fast driver may finish first: try a few times to catch it. */
	for (round = 0; round < CRC_BUSY_ROUNDS && !busy; round++) {
		first = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, LIBTOCK_CRC_32,
				CRC_BUSY_LEN);
		second = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST,
				 LIBTOCK_CRC_32, CRC_BUSY_LEN);
		ASSERT_EQ(TOCK_SYSCALL_SUCCESS, first.type) {
			TH_LOG("round %d: %s", round,
			       tock_strerr((statuscode_t)first.data[0]));
		}
		pending = 1;
		if (second.type == TOCK_SYSCALL_FAILURE) {
			EXPECT_EQ(TOCK_STATUSCODE_BUSY, second.data[0]);
			busy = true;
		} else {
			EXPECT_EQ(TOCK_SYSCALL_SUCCESS, second.type);
			pending = 2;
		}
		while (pending--) {
			done = yield_wait_for(DRIVER_NUM_CRC, 0);
			EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);
		}
	}
	EXPECT_TRUE(busy) {
		TH_LOG("no BUSY in %d rounds", CRC_BUSY_ROUNDS);
	}
}

TEST_F(drivers, crc_length_past_buffer_size)
{
	syscall_return_t ret;

	if (!libtock_crc_exists())
		SKIP(return, "no CRC driver");
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_crc_set_readonly_allow((const uint8_t *)CRC_INPUT,
						 CRC_INPUT_LEN));
	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, LIBTOCK_CRC_32,
		      CRC_INPUT_LEN + 1);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_SIZE, ret.data[0]);
	EXPECT_EQ(RETURNCODE_ESIZE,
		  libtock_crc_command_request(LIBTOCK_CRC_32,
					      CRC_INPUT_LEN + 1));
}

/* Tock's capsule refuses a CRC of nothing: SIZE, and no upcall. */
TEST_F(drivers, crc_zero_length_is_size)
{
	syscall_return_t ret;
	size_t i;

	if (!libtock_crc_exists())
		SKIP(return, "no CRC driver");
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_crc_set_readonly_allow((const uint8_t *)CRC_INPUT,
						 CRC_INPUT_LEN));
	for (i = 0; i < ARRAY_SIZE(crc_vectors); i++) {
		ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST,
			      crc_vectors[i].alg, 0);
		EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type) {
			TH_LOG("%s", crc_vectors[i].name);
		}
		EXPECT_EQ(TOCK_STATUSCODE_SIZE, ret.data[0]);
	}
	EXPECT_EQ(RETURNCODE_ESIZE,
		  libtocksync_crc_compute((const uint8_t *)CRC_INPUT, 0,
					  LIBTOCK_CRC_32, &(uint32_t){ 0 }));
	/* The driver is free: a real request still works. */
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_crc_set_readonly_allow((const uint8_t *)CRC_INPUT,
						 CRC_INPUT_LEN));
	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, LIBTOCK_CRC_32,
		      CRC_INPUT_LEN);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, ret.type);
	EXPECT_EQ(crc_vectors[0].crc,
		  yield_wait_for(DRIVER_NUM_CRC, 0).data1);
}

/*
 * Tock's order of refusals: the algorithm (INVAL), then a request in
 * flight (BUSY), then the length (SIZE, for 0 too).
 */
TEST_F(drivers, crc_refusals_in_tock_order)
{
	yield_waitfor_return_t done;
	syscall_return_t ret;
	void *buf;

	if (!libtock_crc_exists())
		SKIP(return, "no CRC driver");
	TEST_NEED_PIN(CRC_ORDER_LEN);
	buf = test_map(self->maps, CRC_ORDER_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE, -1);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_crc_set_readonly_allow(buf, CRC_ORDER_LEN));
	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, CRC_ALG_INVALID, 0);
	EXPECT_EQ(TOCK_STATUSCODE_INVAL, ret.data[0]);

	/* Long enough to be in flight for the next few commands. */
	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, LIBTOCK_CRC_16CCITT,
		      CRC_ORDER_LEN);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, ret.type);
	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, CRC_ALG_INVALID, 0);
	EXPECT_EQ(TOCK_STATUSCODE_INVAL, ret.data[0]);
	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, LIBTOCK_CRC_32, 0);
	EXPECT_EQ(TOCK_STATUSCODE_BUSY, ret.data[0]);
	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, LIBTOCK_CRC_32,
		      CRC_ORDER_LEN + 1);
	EXPECT_EQ(TOCK_STATUSCODE_BUSY, ret.data[0]);
	done = yield_wait_for(DRIVER_NUM_CRC, 0);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, done.data0);

	ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST, LIBTOCK_CRC_32, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_SIZE, ret.data[0]);
}

TEST_F(drivers, rng_four_bytes_sync)
{
	uint8_t buf[2 * RNG_BYTES];
	int got = -1;

	if (!libtocksync_rng_exists())
		SKIP(return, "no RNG driver");
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_rng_get_random_bytes(buf, RNG_BYTES, RNG_BYTES,
						   &got));
	EXPECT_EQ(RNG_BYTES, got);
	/* Only the allowed bytes were written. */
	EXPECT_TRUE(test_all_bytes(buf + RNG_BYTES, RNG_BYTES, 0xee));
}

TEST_F(drivers, rng_bytes_async)
{
	uint8_t *buf = test_map(self->maps, RNG_ASYNC_BYTES,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);

	if (!libtock_rng_exists())
		SKIP(return, "no RNG driver");
	ASSERT_NE(NULL, buf);
	async_done = false;
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_rng_get_random_bytes(buf, RNG_ASYNC_BYTES,
					       RNG_ASYNC_BYTES, rng_filled));
	yield_for(&async_done);
	EXPECT_EQ(RETURNCODE_SUCCESS, async_status);
	EXPECT_EQ(RNG_ASYNC_BYTES, async_value);
	/* 64 zero bytes from a working RNG: odds of 2^-512. */
	EXPECT_FALSE(test_all_bytes(buf, RNG_ASYNC_BYTES, 0));
}

TEST_F(drivers, console_write_sync)
{
	uint32_t written = 0;

	if (!libtocksync_console_exists())
		SKIP(return, "no console driver");
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  libtocksync_console_write((const uint8_t *)CONSOLE_TEXT,
					    sizeof(CONSOLE_TEXT) - 1,
					    &written));
	EXPECT_EQ(sizeof(CONSOLE_TEXT) - 1, written);
}

TEST_F(drivers, console_write_async)
{
	if (!libtock_console_exists())
		SKIP(return, "no console driver");
	async_done = false;
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_console_write((const uint8_t *)CONSOLE_TEXT,
					sizeof(CONSOLE_TEXT) - 1,
					console_written));
	yield_for(&async_done);
	EXPECT_EQ(RETURNCODE_SUCCESS, async_status);
	EXPECT_EQ(sizeof(CONSOLE_TEXT) - 1, async_value);
}

/* The raw upcall, as Tock's console capsule sends it: (bytes, 0, 0). */
TEST_F(drivers, console_upcall_reports_bytes_written)
{
	yield_waitfor_return_t done;
	syscall_return_t ret;

	if (!libtock_console_exists())
		SKIP(return, "no console driver");
	ASSERT_TRUE(allow_readonly(TOCK_DRIVER_CONSOLE, 1, CONSOLE_TEXT,
				   sizeof(CONSOLE_TEXT) - 1).success);
	ret = command(TOCK_DRIVER_CONSOLE, 1, sizeof(CONSOLE_TEXT) - 1, 0);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS, ret.type);
	done = yield_wait_for(TOCK_DRIVER_CONSOLE, 1);
	EXPECT_EQ(sizeof(CONSOLE_TEXT) - 1, done.data0);
	EXPECT_EQ(0, done.data1);
	EXPECT_EQ(0, done.data2);
}

TEST_HARNESS_MAIN
