// SPDX-License-Identifier: GPL-2.0
/*
 * alarm_test: the alarm driver (0x0) as Tock's alarm capsule answers and
 * libtock-c's alarms run on it.  The counter ticks at the frequency it
 * reports and wraps at 32 bits; an alarm is (reference, dt) and expires
 * once the counter is dt past reference modulo 2^32, so one whose
 * reference + dt wraps is still in the future, one set in the past (or
 * with a reference ahead of the counter, which has wrapped past it) fires
 * at once, and 2^32 - 1 ticks lie ahead; stop answers ALREADY with
 * nothing armed; every process has its own alarm, which the others'
 * stops leave alone, and its threads may set it at once; the userspace multiplexer runs many alarms in order
 * and libtocksync_alarm_delay_ms() waits about as long as asked.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#include <libtock/peripherals/syscalls/alarm_syscalls.h>
#include <libtock/services/alarm.h>
#include <libtock-sync/services/alarm.h>
#include <libtock-sync/services/syscalls/alarm_syscalls.h>

/* The alarm capsule's numbers (capsules/core/src/alarm.rs). */
#define ALARM_UPCALL		0
#define ALARM_CMD_SET_LEGACY	4
#define ALARM_CMD_UNKNOWN	7
/* A short alarm, in ms, and how late TCG may deliver one. */
#define ALARM_SHORT_MS		50
#define ALARM_SLACK_MS		3000
/* Processes that each wait for an alarm of their own. */
#define ALARM_PROCS		8
/*
 * How long two threads race to set one alarm.  Every boot of the suite
 * pays it; KUnit's tock_alarm_set_from_two_threads races in-kernel, where
 * the bug it guards against showed within 2 s.
 */
#define ALARM_RACE_MS		3000
/* Alarms of one process's multiplexer. */
#define ALARM_MANY		6

FIXTURE(alarm)
{
	int tock;
	uint32_t hz;
};

FIXTURE_SETUP(alarm)
{
	self->tock = tock_fd();
	if (self->tock == -ENOENT)
		SKIP(return, "%s missing", tock_device_path());
	ASSERT_LE(0, self->tock);
	if (!libtock_alarm_driver_exists())
		SKIP(return, "tockallow alarm driver missing");
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_get_frequency(&self->hz));
}

FIXTURE_TEARDOWN(alarm)
{
	libtock_alarm_command_stop();
}

static uint32_t alarm_ms_ticks(uint32_t hz, uint32_t ms)
{
	return (uint32_t)((uint64_t)hz * ms / 1000);
}

static uint64_t alarm_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t alarm_read(void)
{
	uint32_t now = 0;

	libtock_alarm_command_read(&now);
	return now;
}

TEST_F(alarm, frequency_is_at_least_a_khz)
{
	/* libtock-c's alarms need millisecond granularity. */
	EXPECT_LE(1000u, self->hz);
}

TEST_F(alarm, counter_advances_at_the_frequency)
{
	uint32_t t0, t1, want = alarm_ms_ticks(self->hz, 200);
	uint64_t m0, m1;

	/* The monotonic clock brackets both reads of the counter. */
	m0 = alarm_mono_ms();
	t0 = alarm_read();
	usleep(200 * 1000);
	t1 = alarm_read();
	m1 = alarm_mono_ms();
	/* Ticks elapsed, modulo 2^32, within the bracket (ms rounded down). */
	EXPECT_LE(want, t1 - t0);
	EXPECT_GE(alarm_ms_ticks(self->hz, (uint32_t)(m1 - m0) + 2),
		  t1 - t0);
}

TEST_F(alarm, set_relative_answers_the_expiration_and_fires)
{
	uint32_t dt = alarm_ms_ticks(self->hz, ALARM_SHORT_MS), expiration;
	uint32_t before = alarm_read();
	yield_waitfor_return_t up;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_relative(dt, &expiration));
	/* now + dt, with now read inside the command. */
	EXPECT_LE(dt, expiration - before);
	EXPECT_GE(dt + alarm_ms_ticks(self->hz, ALARM_SLACK_MS),
		  expiration - before);
	up = yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	EXPECT_EQ(expiration, up.data1);
	/* Upcall (now, expiration, 0), fired no earlier than expiration. */
	EXPECT_LE(dt, up.data0 - before);
	EXPECT_LT(up.data0 - expiration,
		  alarm_ms_ticks(self->hz, ALARM_SLACK_MS));
	EXPECT_EQ(0u, up.data2);
}

TEST_F(alarm, absolute_in_the_past_fires_at_once)
{
	uint32_t now = alarm_read(), dt = alarm_ms_ticks(self->hz, 10);
	uint32_t reference = now - 3 * dt;
	yield_waitfor_return_t up;
	uint64_t m0 = alarm_mono_ms();

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_absolute(reference, dt));
	up = yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	EXPECT_EQ(reference + dt, up.data1);
	EXPECT_LT(alarm_mono_ms() - m0, (uint64_t)ALARM_SLACK_MS);
}

/*
 * reference + dt wraps past 2^32 and is numerically below reference, yet
 * the alarm lies ALARM_SHORT_MS ahead: it must neither fire at once nor
 * wait for the counter to come round.
 */
TEST_F(alarm, expiration_that_wraps_is_in_the_future)
{
	uint32_t ahead = alarm_ms_ticks(self->hz, ALARM_SHORT_MS * 4);
	uint32_t now = alarm_read(), expiration = now + ahead;
	/* Any dt above expiration puts reference numerically above it. */
	uint32_t dt = expiration + (UINT32_MAX - expiration) / 2 + 1;
	uint32_t reference = expiration - dt;
	yield_waitfor_return_t up;
	uint64_t m0 = alarm_mono_ms(), waited;

	ASSERT_LT(expiration, reference) {
		TH_LOG("reference %u + dt %u does not wrap", reference, dt);
	}
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_absolute(reference, dt));
	up = yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	waited = alarm_mono_ms() - m0;
	EXPECT_EQ(expiration, up.data1);
	EXPECT_LE((uint64_t)ALARM_SHORT_MS * 4 - 20, waited);
	EXPECT_GT((uint64_t)ALARM_SLACK_MS + ALARM_SHORT_MS * 4, waited);
	/* Fired at or after expiration, counted modulo 2^32. */
	EXPECT_LE(dt, up.data0 - reference);
}

/*
 * A reference numerically ahead of the counter is one the counter has
 * wrapped past since, as Tock takes every reference to be in the past:
 * (now + 10 s, 20 s) expired about 2^32 ticks ago and fires at once,
 * where reference + dt taken as a plain sum would lie 30 s ahead.
 */
TEST_F(alarm, reference_ahead_of_the_counter_has_wrapped_past)
{
	uint32_t reference = alarm_read() + alarm_ms_ticks(self->hz, 10000);
	uint32_t dt = alarm_ms_ticks(self->hz, 20000);
	yield_waitfor_return_t up;
	uint64_t m0 = alarm_mono_ms();

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_absolute(reference, dt));
	up = yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	EXPECT_EQ(reference + dt, up.data1);
	EXPECT_LT(alarm_mono_ms() - m0, (uint64_t)ALARM_SLACK_MS);
}

/* The longest relative alarm, 2^32 - 1 ticks, lies ahead, not behind. */
TEST_F(alarm, longest_relative_alarm_is_far_ahead)
{
	uint32_t before = alarm_read(), expiration = 0, after;
	struct pollfd p = { .fd = self->tock, .events = POLLRDBAND };

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_relative(UINT32_MAX, &expiration));
	after = alarm_read();
	/* now - 1, modulo 2^32, with now read inside the command. */
	EXPECT_GE(after - before, expiration + 1 - before);
	usleep(ALARM_SHORT_MS * 1000);
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(RETURNCODE_SUCCESS, libtock_alarm_command_stop());
}

TEST_F(alarm, stop_with_nothing_armed_is_already)
{
	EXPECT_EQ(RETURNCODE_EALREADY, libtock_alarm_command_stop());
}

TEST_F(alarm, stop_cancels_the_armed_alarm)
{
	uint32_t expiration;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_relative(
			alarm_ms_ticks(self->hz, ALARM_SHORT_MS),
			&expiration));
	EXPECT_EQ(RETURNCODE_SUCCESS, libtock_alarm_command_stop());
	EXPECT_EQ(RETURNCODE_EALREADY, libtock_alarm_command_stop());
	usleep(ALARM_SHORT_MS * 3 * 1000);
	/* No upcall was queued: poll finds nothing for yield_wait_for. */
	{
		struct pollfd p = { .fd = self->tock, .events = POLLRDBAND };

		EXPECT_EQ(0, poll(&p, 1, 0));
	}
}

TEST_F(alarm, a_new_alarm_replaces_the_armed_one)
{
	uint32_t far, near;
	yield_waitfor_return_t up;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_relative(
			alarm_ms_ticks(self->hz, 60 * 1000), &far));
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_relative(
			alarm_ms_ticks(self->hz, ALARM_SHORT_MS), &near));
	up = yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	EXPECT_EQ(near, up.data1);
	EXPECT_EQ(RETURNCODE_EALREADY, libtock_alarm_command_stop());
}

TEST_F(alarm, legacy_and_unknown_commands_are_nosupport)
{
	syscall_return_t r;

	r = command(DRIVER_NUM_ALARM, ALARM_CMD_SET_LEGACY, 0, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, r.type);
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, r.data[0]);
	r = command(DRIVER_NUM_ALARM, ALARM_CMD_UNKNOWN, 0, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, r.type);
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, r.data[0]);
}

/*
 * Each child is its own Tock process and arms an alarm of a different
 * length at once; each must get its own upcall, at its own expiration.
 */
TEST_F(alarm, every_process_has_its_own_alarm)
{
	pid_t pids[ALARM_PROCS];
	int i, status;

	for (i = 0; i < ALARM_PROCS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			uint32_t dt = alarm_ms_ticks(self->hz,
						     ALARM_SHORT_MS * (i + 1));
			uint32_t expiration, before = alarm_read();
			yield_waitfor_return_t up;

			if (libtock_alarm_command_set_relative(dt,
							       &expiration))
				_exit(2);
			up = yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
			if (up.data1 != expiration)
				_exit(3);
			if (up.data0 - before < dt)
				_exit(4);
			/* Nothing is armed any more: only this one was. */
			_exit(libtock_alarm_command_stop() ==
			      RETURNCODE_EALREADY ? 0 : 5);
		}
	}
	for (i = 0; i < ALARM_PROCS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child %d", i);
	}
}

/*
 * Processes stopping and re-arming their own alarms leave another's
 * alone: the parent's alarm, armed first, fires once at its expiration.
 */
TEST_F(alarm, stop_in_one_process_leaves_the_others)
{
	uint32_t dt = alarm_ms_ticks(self->hz, ALARM_SHORT_MS * 4);
	uint32_t expiration, before = alarm_read();
	yield_waitfor_return_t up;
	pid_t pids[ALARM_PROCS];
	int i, status;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_command_set_relative(dt, &expiration));
	for (i = 0; i < ALARM_PROCS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			uint32_t e;

			/* Nothing is armed in a new process... */
			if (libtock_alarm_command_stop() != RETURNCODE_EALREADY)
				_exit(2);
			/* ...and stopping its own alarm stops only that. */
			if (libtock_alarm_command_set_relative(dt / 2, &e) ||
			    libtock_alarm_command_stop() ||
			    libtock_alarm_command_stop() != RETURNCODE_EALREADY)
				_exit(3);
			_exit(0);
		}
	}
	for (i = 0; i < ALARM_PROCS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child %d", i);
	}
	up = yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	EXPECT_EQ(expiration, up.data1);
	EXPECT_LE(dt, up.data0 - before);
	EXPECT_EQ(RETURNCODE_EALREADY, libtock_alarm_command_stop());
}

static atomic_bool alarm_racing;

/* Set the process's alarm, due at once, until told to stop. */
static void *alarm_racer(void *arg)
{
	uint32_t expiration;

	(void)arg;
	while (atomic_load(&alarm_racing))
		libtock_alarm_command_set_relative(0, &expiration);
	return NULL;
}

/*
 * Threads share their process's one alarm.  One sets it due at once while
 * another sets it a millisecond ahead: a timer callback for the first may
 * meet the timer already restarted for the second, which must not upset
 * the kernel (the guest fails on a warning).  After a stop nothing fires.
 */
TEST_F(alarm, threads_setting_one_alarm_at_once)
{
	uint32_t expiration, ms = alarm_ms_ticks(self->hz, 1);
	struct pollfd p = { .fd = self->tock, .events = POLLRDBAND };
	uint64_t end = alarm_mono_ms() + ALARM_RACE_MS;
	pthread_t racer;

	atomic_store(&alarm_racing, true);
	ASSERT_EQ(0, pthread_create(&racer, NULL, alarm_racer, NULL));
	while (alarm_mono_ms() < end)
		libtock_alarm_command_set_relative(ms, &expiration);
	atomic_store(&alarm_racing, false);
	ASSERT_EQ(0, pthread_join(racer, NULL));
	libtock_alarm_command_stop();
	/* Drop what fired during the race, then watch for more. */
	while (poll(&p, 1, 0) == 1)
		yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	usleep(ALARM_SHORT_MS * 3 * 1000);
	EXPECT_EQ(0, poll(&p, 1, 0));
}

/* A process that exits with an alarm armed leaves nothing behind. */
TEST_F(alarm, exit_with_an_alarm_armed)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t expiration;

		libtock_alarm_command_set_relative(
			alarm_ms_ticks(self->hz, ALARM_SHORT_MS), &expiration);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Past the child's expiration: a timer left armed would fire now. */
	usleep(ALARM_SHORT_MS * 3 * 1000);
}

/*
 * A child forked while the parent has alarms set is a Tock process of its
 * own, with none of them: its own alarms must run, not wait behind the
 * parent's or go to a subscription it never made.
 */
TEST_F(alarm, forked_child_runs_its_own_alarms)
{
	libtock_alarm_t parents = { 0 };
	int status;
	pid_t pid;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_in_ms(60 * 1000, NULL, NULL, &parents));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* SIGALRM ends a child whose delay never returns. */
		alarm(ALARM_SLACK_MS / 1000 + 2);
		_exit(libtocksync_alarm_delay_ms(ALARM_SHORT_MS) ? 2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("child killed by %d",
					      WTERMSIG(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	libtock_alarm_ms_cancel(&parents);
}

struct alarm_log {
	int order[ALARM_MANY];
	int n;
};

struct alarm_entry {
	struct alarm_log *log;
	int id;
};

static void alarm_logged(uint32_t now, uint32_t expiration, void *opaque)
{
	struct alarm_entry *e = opaque;

	(void)now;
	(void)expiration;
	e->log->order[e->log->n++] = e->id;
}

/* Set in shuffled order, the multiplexer's alarms fire soonest first. */
TEST_F(alarm, multiplexed_alarms_fire_in_order)
{
	static const int ms[ALARM_MANY] = { 120, 30, 90, 60, 150, 10 };
	static const int want[ALARM_MANY] = { 5, 1, 3, 2, 0, 4 };
	libtock_alarm_t alarms[ALARM_MANY] = { 0 };
	struct alarm_entry entries[ALARM_MANY];
	struct alarm_log log = { .n = 0 };
	int i;

	for (i = 0; i < ALARM_MANY; i++) {
		entries[i] = (struct alarm_entry){ &log, i };
		ASSERT_EQ(RETURNCODE_SUCCESS,
			  libtock_alarm_in_ms(ms[i], alarm_logged, &entries[i],
					      &alarms[i]));
	}
	while (log.n < ALARM_MANY)
		yield();
	for (i = 0; i < ALARM_MANY; i++)
		EXPECT_EQ(want[i], log.order[i]) TH_LOG("position %d", i);
}

TEST_F(alarm, cancelled_multiplexed_alarm_never_fires)
{
	libtock_alarm_t a = { 0 }, b = { 0 };
	struct alarm_log log = { .n = 0 };
	struct alarm_entry ea = { &log, 0 }, eb = { &log, 1 };

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_in_ms(ALARM_SHORT_MS, alarm_logged, &ea, &a));
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_alarm_in_ms(ALARM_SHORT_MS * 3, alarm_logged, &eb,
				      &b));
	libtock_alarm_ms_cancel(&a);
	while (log.n < 1)
		yield();
	EXPECT_EQ(1, log.order[0]);
	EXPECT_EQ(1, log.n);
}

TEST_F(alarm, delay_ms_waits_about_as_long_as_asked)
{
	static const uint32_t delays[] = { 1, 20, 100, 300 };
	uint64_t m0, waited;
	size_t i;

	for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		m0 = alarm_mono_ms();
		ASSERT_EQ(RETURNCODE_SUCCESS,
			  libtocksync_alarm_delay_ms(delays[i]));
		waited = alarm_mono_ms() - m0;
		/* Never early; late by at most what TCG may cost. */
		EXPECT_LE((uint64_t)delays[i] - 1, waited)
			TH_LOG("delay %u ms", delays[i]);
		EXPECT_GT((uint64_t)delays[i] + ALARM_SLACK_MS, waited)
			TH_LOG("delay %u ms", delays[i]);
	}
}

TEST_F(alarm, yield_for_with_timeout_times_out)
{
	bool never = false;
	uint64_t m0 = alarm_mono_ms();

	EXPECT_EQ(RETURNCODE_FAIL,
		  libtocksync_alarm_yield_for_with_timeout(&never,
							   ALARM_SHORT_MS));
	EXPECT_LE((uint64_t)ALARM_SHORT_MS - 1, alarm_mono_ms() - m0);
}

TEST_HARNESS_MAIN
