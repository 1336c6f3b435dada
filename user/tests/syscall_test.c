// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_test: command, subscribe and the three yields through libtock,
 * against the test driver: existence queries, return variants, upcall
 * order, bare upcalls (nothing subscribed), signals ending a wait, and
 * poll() on the device fd.
 */
#define _GNU_SOURCE
#include <poll.h>

#include "kselftest_harness.h"
#include "tock_test.h"

/* Upcalls queued at once in the ordering tests; Tock queues hold ten. */
#define ORDER_UPCALLS	8
/* Long enough for a test to be blocked in yield when it fires. */
#define DELAY_MS	50
#define POLL_TIMEOUT_MS	5000

/* What the recording upcall saw. */
struct rec {
	int calls;
	int args[ORDER_UPCALLS][3];
	void *userdata;
	bool done;
	int done_after;		/* set done after this many calls */
};

static void rec_upcall(int a0, int a1, int a2, void *userdata)
{
	struct rec *rec = userdata;

	if (rec->calls < ORDER_UPCALLS) {
		rec->args[rec->calls][0] = a0;
		rec->args[rec->calls][1] = a1;
		rec->args[rec->calls][2] = a2;
	}
	rec->userdata = userdata;
	if (++rec->calls >= rec->done_after)
		rec->done = true;
}

/* Never runs: subscribed only to see it handed back. */
static void other_upcall(int a0, int a1, int a2, void *userdata)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)userdata;
	abort();
}

FIXTURE(syscall)
{
	int fd;
	struct rec rec;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(syscall)
{
	memset(self->maps, 0, sizeof(self->maps));
	memset(&self->rec, 0, sizeof(self->rec));
	self->rec.done_after = 1;
	TEST_TOCK_SETUP(self->fd);
}

FIXTURE_TEARDOWN(syscall)
{
	tock_close();
	test_maps_free(self->maps);
}

static void expect_subscribe(struct __test_metadata *_metadata,
			     subscribe_return_t ret, subscribe_upcall *prev,
			     void *prev_ud)
{
	ASSERT_TRUE(ret.success) {
		TH_LOG("subscribe: %s", tock_strerr(ret.status));
	}
	EXPECT_EQ((uintptr_t)prev, (uintptr_t)ret.callback);
	EXPECT_EQ((uintptr_t)prev_ud, (uintptr_t)ret.userdata);
}

/* Read-only allow 0 of four bytes of 1, for SUM_LATER: sum 4, length 4. */
static void allow_sum_buffer(struct __test_metadata *_metadata,
			     FIXTURE_DATA(syscall) *self)
{
	uint8_t *buf = test_map(self->maps, test_page(),
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	allow_ro_return_t ret;

	ASSERT_NE(NULL, buf);
	memset(buf, 1, 4);
	ret = allow_readonly(TOCK_DRIVER_TEST, 0, buf, 4);
	ASSERT_TRUE(ret.success);
}

TEST_F(syscall, command_zero_finds_driver)
{
	syscall_return_t ret = test_cmd(0, 0, 0);

	EXPECT_EQ(TOCK_SYSCALL_SUCCESS, ret.type);
	EXPECT_TRUE(driver_exists(TOCK_DRIVER_TEST));
}

TEST_F(syscall, command_zero_unknown_driver_nodevice)
{
	syscall_return_t ret = command(TEST_NO_DRIVER, 0, 0, 0);

	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_NODEVICE, ret.data[0]);
	EXPECT_FALSE(driver_exists(TEST_NO_DRIVER));
}

TEST_F(syscall, command_unknown_driver_nodevice)
{
	syscall_return_t ret = command(TEST_NO_DRIVER,
				       TOCK_TEST_CMD_FILL_NOW, 1, 0);

	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_NODEVICE, ret.data[0]);
}

TEST_F(syscall, command_unknown_number_nosupport)
{
	syscall_return_t ret = test_cmd(TEST_NO_COMMAND, 0, 0);

	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, ret.data[0]);
}

TEST_F(syscall, command_return_variants)
{
	uint32_t v1 = 0, v2 = 0;
	syscall_return_t ret;
	uint64_t v64 = 0;

	ret = test_cmd(TOCK_TEST_CMD_RETURN, TOCK_SYSCALL_SUCCESS, 0);
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  tock_command_return_novalue_to_returncode(ret));

	ret = test_cmd(TOCK_TEST_CMD_RETURN, TOCK_SYSCALL_SUCCESS_U32, 0);
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  tock_command_return_u32_to_returncode(ret, &v1));
	EXPECT_EQ(1, v1);
	/* A converter for another variant refuses it. */
	EXPECT_EQ(RETURNCODE_EBADRVAL,
		  tock_command_return_novalue_to_returncode(ret));

	ret = test_cmd(TOCK_TEST_CMD_RETURN, TOCK_SYSCALL_SUCCESS_U32_U32, 0);
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  tock_command_return_u32_u32_to_returncode(ret, &v1, &v2));
	EXPECT_EQ(1, v1);
	EXPECT_EQ(2, v2);

	ret = test_cmd(TOCK_TEST_CMD_RETURN, TOCK_SYSCALL_SUCCESS_U64, 0);
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  tock_command_return_u64_to_returncode(ret, &v64));
	EXPECT_EQ((2ULL << 32) | 1, v64);

	ret = test_cmd(TOCK_TEST_CMD_RETURN, TOCK_SYSCALL_SUCCESS_U32_U32_U32,
		       0);
	EXPECT_EQ(TOCK_SYSCALL_SUCCESS_U32_U32_U32, ret.type);
	EXPECT_EQ(1, ret.data[0]);
	EXPECT_EQ(2, ret.data[1]);
	EXPECT_EQ(3, ret.data[2]);

	ret = test_cmd(TOCK_TEST_CMD_RETURN, TOCK_SYSCALL_FAILURE,
		       TOCK_STATUSCODE_BUSY);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(RETURNCODE_EBUSY,
		  tock_command_return_novalue_to_returncode(ret));
}

TEST_F(syscall, subscribe_first_returns_null)
{
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
}

TEST_F(syscall, subscribe_returns_previous)
{
	int other_ud;

	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, other_upcall,
				   &other_ud),
			 rec_upcall, &self->rec);
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, TOCK_NULL_UPCALL,
				   NULL),
			 other_upcall, &other_ud);
	/* Slots are independent. */
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 1, rec_upcall, NULL),
			 NULL, NULL);
}

TEST_F(syscall, subscribe_unknown_driver_nodevice)
{
	subscribe_return_t ret = subscribe(TEST_NO_DRIVER, 0, rec_upcall,
					   &self->rec);

	ASSERT_FALSE(ret.success);
	EXPECT_EQ(TOCK_STATUSCODE_NODEVICE, ret.status);
	EXPECT_EQ((uintptr_t)rec_upcall, (uintptr_t)ret.callback);
	EXPECT_EQ((uintptr_t)&self->rec, (uintptr_t)ret.userdata);
}

TEST_F(syscall, subscribe_past_upcalls_nosupport)
{
	subscribe_return_t ret = subscribe(TOCK_DRIVER_TEST, TEST_UPCALLS,
					   rec_upcall, &self->rec);

	ASSERT_FALSE(ret.success);
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, ret.status);
	EXPECT_EQ((uintptr_t)rec_upcall, (uintptr_t)ret.callback);
	EXPECT_EQ((uintptr_t)&self->rec, (uintptr_t)ret.userdata);
}

TEST_F(syscall, subscribe_drops_pending_upcalls)
{
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 3, 1));
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 rec_upcall, &self->rec);
	EXPECT_EQ(0, yield_no_wait());
	EXPECT_EQ(0, self->rec.calls);
}

TEST_F(syscall, yield_no_wait_nothing_pending)
{
	EXPECT_EQ(0, yield_no_wait());
}

TEST_F(syscall, yield_no_wait_runs_upcall)
{
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 42));
	EXPECT_EQ(1, yield_no_wait());
	ASSERT_EQ(1, self->rec.calls);
	EXPECT_EQ(0, self->rec.args[0][0]);
	EXPECT_EQ(42, self->rec.args[0][1]);
	EXPECT_EQ(0, self->rec.args[0][2]);
	EXPECT_EQ((uintptr_t)&self->rec, (uintptr_t)self->rec.userdata);
	EXPECT_EQ(0, yield_no_wait());
}

TEST_F(syscall, upcalls_delivered_in_order)
{
	int i;

	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, ORDER_UPCALLS, 99));
	for (i = 0; i < ORDER_UPCALLS; i++)
		EXPECT_EQ(1, yield_no_wait());
	EXPECT_EQ(0, yield_no_wait());
	ASSERT_EQ(ORDER_UPCALLS, self->rec.calls);
	for (i = 0; i < ORDER_UPCALLS; i++) {
		EXPECT_EQ(i, self->rec.args[i][0]) {
			TH_LOG("upcall %d arrived as number %d", i,
			       self->rec.args[i][0]);
		}
		EXPECT_EQ(99, self->rec.args[i][1]);
	}
}

TEST_F(syscall, yield_runs_queued_upcall)
{
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 3));
	yield();
	EXPECT_EQ(1, self->rec.calls);
	EXPECT_EQ(3, self->rec.args[0][1]);
}

TEST_F(syscall, yield_for_waits_for_flag)
{
	self->rec.done_after = 3;
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 3, 5));
	yield_for(&self->rec.done);
	EXPECT_EQ(3, self->rec.calls);
	EXPECT_EQ(2, self->rec.args[2][0]);
}

TEST_F(syscall, yield_blocks_until_delayed_upcall)
{
	allow_sum_buffer(_metadata, self);
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, TEST_UPCALL_SUM,
				   rec_upcall, &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, DELAY_MS, 0));
	yield_for(&self->rec.done);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, self->rec.args[0][0]);
	EXPECT_EQ(4, self->rec.args[0][1]);
	EXPECT_EQ(4, self->rec.args[0][2]);
}

TEST_F(syscall, yield_wait_for_returns_values)
{
	yield_waitfor_return_t ret;

	/* Subscribed or not, wait-for runs no function. */
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 7));
	ret = yield_wait_for(TOCK_DRIVER_TEST, 0);
	EXPECT_EQ(0, ret.data0);
	EXPECT_EQ(7, ret.data1);
	EXPECT_EQ(0, ret.data2);
	EXPECT_EQ(0, self->rec.calls);
	EXPECT_EQ(0, yield_no_wait());
}

TEST_F(syscall, yield_wait_for_picks_its_upcall)
{
	yield_waitfor_return_t ret;

	allow_sum_buffer(_metadata, self);
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	/* Upcall 0 is queued first; waiting for upcall 1 passes it by. */
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 8));
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, DELAY_MS, 0));
	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_SUM);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, ret.data0);
	EXPECT_EQ(4, ret.data1);
	EXPECT_EQ(4, ret.data2);
	EXPECT_EQ(0, self->rec.calls);
	/* The passed-by upcall is still there, in its place. */
	EXPECT_EQ(1, yield_no_wait());
	EXPECT_EQ(8, self->rec.args[0][1]);
}

TEST_F(syscall, bare_upcall_returned_by_wait_for)
{
	yield_waitfor_return_t ret;

	/* Nothing subscribed, as libtock-sync does it. */
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 11));
	ret = yield_wait_for(TOCK_DRIVER_TEST, 0);
	EXPECT_EQ(0, ret.data0);
	EXPECT_EQ(11, ret.data1);
}

TEST_F(syscall, bare_upcall_dropped_by_no_wait)
{
	yield_waitfor_return_t ret;

	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 2, 12));
	EXPECT_EQ(0, yield_no_wait());
	/* Had they stayed queued, wait-for would return 12 first. */
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 13));
	ret = yield_wait_for(TOCK_DRIVER_TEST, 0);
	EXPECT_EQ(13, ret.data1);
}

TEST_F(syscall, null_upcall_makes_upcalls_bare)
{
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, TOCK_NULL_UPCALL,
				   NULL),
			 rec_upcall, &self->rec);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 14));
	EXPECT_EQ(0, yield_no_wait());
	EXPECT_EQ(0, self->rec.calls);
}

TEST_F(syscall, signal_interrupts_raw_yield_wait)
{
	struct tock_ioc_yield y;

	memset(&y, 0, sizeof(y));
	y.mode = TOCK_YIELD_WAIT;
	ASSERT_EQ(0, test_alarm_ms(DELAY_MS));
	EXPECT_EQ(-EINTR, tock_raw_yield(self->fd, &y));
	EXPECT_EQ(1, test_signals);
	EXPECT_EQ(0, y.has_upcall);
}

TEST_F(syscall, signal_interrupts_raw_yield_wait_for)
{
	struct tock_ioc_yield y;

	memset(&y, 0, sizeof(y));
	y.mode = TOCK_YIELD_WAIT_FOR;
	y.driver = TOCK_DRIVER_TEST;
	ASSERT_EQ(0, test_alarm_ms(DELAY_MS));
	EXPECT_EQ(-EINTR, tock_raw_yield(self->fd, &y));
	EXPECT_EQ(1, test_signals);
}

TEST_F(syscall, signal_ends_yield)
{
	ASSERT_EQ(0, test_alarm_ms(DELAY_MS));
	/* Returns like a spurious wakeup, having run nothing. */
	yield();
	EXPECT_EQ(1, test_signals);
	EXPECT_EQ(0, self->rec.calls);
}

TEST_F(syscall, yield_wait_for_survives_signal)
{
	yield_waitfor_return_t ret;

	allow_sum_buffer(_metadata, self);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, 4 * DELAY_MS, 0));
	ASSERT_EQ(0, test_alarm_ms(DELAY_MS));
	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_SUM);
	EXPECT_EQ(1, test_signals);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, ret.data0);
	EXPECT_EQ(4, ret.data1);
}

TEST_F(syscall, poll_readable_only_with_upcall)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 15));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLIN);
	EXPECT_EQ(1, yield_no_wait());
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

TEST_F(syscall, poll_reports_bare_values_apart)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN | POLLRDBAND };
	yield_waitfor_return_t ret;

	/* Nothing subscribed: a bare value, which only yield-wait-for takes. */
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 1, 15));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_FALSE(pfd.revents & POLLIN) {
		TH_LOG("POLLIN, yet a yield-wait would block");
	}
	EXPECT_TRUE(pfd.revents & POLLRDBAND);
	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(15, ret.data1);
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

TEST_F(syscall, subscribe_keeps_bare_return_values)
{
	yield_waitfor_return_t ret;

	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 2, 21));
	/* Tock's subscribe removes only queued function calls. */
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, 0, rec_upcall,
				   &self->rec),
			 NULL, NULL);
	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(0, ret.data0);
	EXPECT_EQ(21, ret.data1);
	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(1, ret.data0);
	EXPECT_EQ(21, ret.data1);
	EXPECT_EQ(0, self->rec.calls);
}

TEST_F(syscall, command_zero_is_success_for_a_driver_without_its_own)
{
	syscall_return_t ret = command(TOCK_DRIVER_TEST, 0, 0, 0);

	EXPECT_EQ(TOCK_SYSCALL_SUCCESS, ret.type);
}

TEST_F(syscall, poll_wakes_on_delayed_upcall)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct timespec t0, t1;
	long ms;

	allow_sum_buffer(_metadata, self);
	expect_subscribe(_metadata,
			 subscribe(TOCK_DRIVER_TEST, TEST_UPCALL_SUM,
				   rec_upcall, &self->rec),
			 NULL, NULL);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, DELAY_MS, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(1, poll(&pfd, 1, POLL_TIMEOUT_MS));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_TRUE(pfd.revents & POLLIN);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	EXPECT_GT(POLL_TIMEOUT_MS, ms);
	EXPECT_EQ(1, yield_no_wait());
	EXPECT_EQ(4, self->rec.args[0][1]);
}

TEST_HARNESS_MAIN
