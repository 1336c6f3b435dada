// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites tockallow_alarm, tockallow_led and tockallow_button: the
 * board drivers as a process reaches them through tock_process_command()
 * and tock_process_yield().
 *
 * tockallow_alarm checks the alarm against the clock it is defined on (the
 * monotonic clock in microseconds, cut to 32 bits): the frequency, the
 * counter, relative and absolute alarms and their upcalls, expirations
 * that wrap and references already passed, stop, one alarm per process,
 * and two threads setting one process's alarm at once.  tockallow_led
 * registers LED class devices of its own, names them in tock_led's
 * "leds" parameter and watches the brightness the LED core hands them;
 * tockallow_button registers input devices of its own, names their keys
 * in tock_button's "keys" parameter and injects key events.  Both
 * parameters are written through sysfs, as an administrator would, and
 * restored when the test ends.  A case whose driver module is not loaded
 * is skipped.
 */
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/input.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/leds.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "fixture_kunit.h"

/* Bound on waiting for an upcall, and how often to look. */
#define TOCK_BOARD_WAIT		(10 * HZ)
#define TOCK_BOARD_POLL_MS	2

/* The alarm capsule's numbers (Tock's capsules/core/src/alarm.rs). */
#define TOCK_ALARM_CMD_FREQUENCY	1
#define TOCK_ALARM_CMD_READ		2
#define TOCK_ALARM_CMD_STOP		3
#define TOCK_ALARM_CMD_SET_LEGACY	4
#define TOCK_ALARM_CMD_SET_RELATIVE	5
#define TOCK_ALARM_CMD_SET_ABSOLUTE	6
#define TOCK_ALARM_CMD_UNKNOWN		7
#define TOCK_ALARM_UPCALL		0
/* The driver's documented tick rate: one tick per microsecond. */
#define TOCK_ALARM_HZ			USEC_PER_SEC
#define TOCK_ALARM_MS(ms)		((u32)(ms) * (TOCK_ALARM_HZ / MSEC_PER_SEC))
/* A short alarm, and how late TCG may deliver one. */
#define TOCK_ALARM_SHORT_MS		30
#define TOCK_ALARM_SHORT		TOCK_ALARM_MS(TOCK_ALARM_SHORT_MS)
#define TOCK_ALARM_SLACK		TOCK_ALARM_MS(3000)
/* Far enough ahead that it never fires while a test runs. */
#define TOCK_ALARM_FAR			TOCK_ALARM_MS(60 * 1000)
/* Processes of the many-processes case, and the one that stops. */
#define TOCK_ALARM_PROCS		8
#define TOCK_ALARM_STOPPER		2
/* How long two threads race to set one process's alarm. */
#define TOCK_ALARM_RACE			(2 * HZ)

/* The LED capsule's numbers (Tock's capsules/core/src/led.rs). */
#define TOCK_LED_CMD_COUNT	0
#define TOCK_LED_CMD_ON		1
#define TOCK_LED_CMD_OFF	2
#define TOCK_LED_CMD_TOGGLE	3
#define TOCK_LED_CMD_UNKNOWN	4
#define TOCK_LED_PARAM		"/sys/module/tock_led/parameters/leds"
#define TOCK_LED_NAME_A		"tockallow_kunit::a"
#define TOCK_LED_NAME_B		"tockallow_kunit::b"
#define TOCK_LED_NAME_LATE	"tockallow_kunit::late"
/* LED 0 is A, LED 1 is registered only by some cases, LED 2 is B. */
#define TOCK_LED_NAMES		TOCK_LED_NAME_A "," TOCK_LED_NAME_LATE "," \
				TOCK_LED_NAME_B
#define TOCK_LED_A		0
#define TOCK_LED_LATE		1
#define TOCK_LED_B		2
#define TOCK_LED_COUNT		3
#define TOCK_LED_MAX_A		255
#define TOCK_LED_MAX_B		1
#define TOCK_LED_MAX_LATE	7
/* Software blinking, long enough to still run when the command comes. */
#define TOCK_LED_BLINK_MS	1000

/* The button capsule's numbers (Tock's capsules/core/src/button.rs). */
#define TOCK_BUTTON_CMD_COUNT	0
#define TOCK_BUTTON_CMD_ENABLE	1
#define TOCK_BUTTON_CMD_DISABLE	2
#define TOCK_BUTTON_CMD_READ	3
#define TOCK_BUTTON_CMD_UNKNOWN	4
#define TOCK_BUTTON_UPCALL	0
#define TOCK_BUTTON_PARAM	"/sys/module/tock_button/parameters/keys"
/* Keys no keyboard or console of a test machine sends. */
#define TOCK_BUTTON_KEY0	BTN_TRIGGER_HAPPY1
#define TOCK_BUTTON_KEY1	BTN_TRIGGER_HAPPY2
#define TOCK_BUTTON_KEY_OTHER	BTN_TRIGGER_HAPPY3
/* The parameter naming KEY0 and KEY1, in that order. */
#define TOCK_BUTTON_KEYS	__stringify(BTN_TRIGGER_HAPPY1) "," \
				__stringify(BTN_TRIGGER_HAPPY2)
/* EV_KEY values. */
#define TOCK_KEY_UP		0
#define TOCK_KEY_DOWN		1
#define TOCK_KEY_REPEAT		2

/* Module parameter files are short; a page holds any of them. */
#define TOCK_BOARD_PARAM_MAX	PAGE_SIZE

static struct tock_ioc_command tock_board_command(struct tock_process *proc,
						  u32 driver, u32 num,
						  u64 arg1, u64 arg2)
{
	struct tock_ioc_command cmd = {
		.driver = driver,
		.command_num = num,
		.arg1 = arg1,
		.arg2 = arg2,
	};

	tock_process_command(proc, &cmd);
	return cmd;
}

/* Skip the test unless @driver is registered. */
static void tock_board_require(struct kunit *test, u32 driver)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd = tock_board_command(env->proc, driver, 0,
							 0, 0);

	if (cmd.rtype == TOCK_RET_FAILURE &&
	    cmd.data[0] == TOCK_STATUS_NODEVICE)
		kunit_skip(test, "driver %#x is not loaded", driver);
	KUNIT_ASSERT_EQ(test, cmd.rtype & TOCK_RET_SUCCESS, TOCK_RET_SUCCESS);
}

/* A command that must succeed; returns its first value. */
static u32 tock_board_ok(struct kunit *test, struct tock_process *proc,
			 u32 driver, u32 num, u64 arg1, u64 arg2)
{
	struct tock_ioc_command cmd = tock_board_command(proc, driver, num,
							 arg1, arg2);

	KUNIT_ASSERT_EQ_MSG(test, cmd.rtype & TOCK_RET_SUCCESS,
			    TOCK_RET_SUCCESS,
			    "driver %#x command %u (%llu): error %u", driver,
			    num, arg1, cmd.data[0]);
	return cmd.data[0];
}

static void tock_board_expect_failure(struct kunit *test,
				      struct tock_process *proc, u32 driver,
				      u32 num, u64 arg1, u64 arg2, u32 status)
{
	struct tock_ioc_command cmd = tock_board_command(proc, driver, num,
							 arg1, arg2);

	KUNIT_EXPECT_EQ_MSG(test, cmd.rtype, TOCK_RET_FAILURE,
			    "driver %#x command %u (%llu)", driver, num, arg1);
	KUNIT_EXPECT_EQ_MSG(test, cmd.data[0], status,
			    "driver %#x command %u (%llu)", driver, num, arg1);
}

/* Upcalls of (@driver, @num) queued for @proc. */
static unsigned int tock_board_queued(struct tock_process *proc, u32 driver,
				      u32 num)
{
	struct tock_upcall *up;
	unsigned int n = 0;

	raw_spin_lock_irq(&proc->upcall_lock);
	list_for_each_entry(up, &proc->upcalls, node)
		if (up->driver == driver && up->num == num)
			n++;
	raw_spin_unlock_irq(&proc->upcall_lock);
	return n;
}

/* Upcalls queued for @proc, of any driver. */
static unsigned int tock_board_pending(struct tock_process *proc)
{
	return READ_ONCE(proc->nr_upcalls);
}

/* Wait up to TOCK_BOARD_WAIT for an upcall of (@driver, @num); queued? */
static bool tock_board_wait_queued(struct tock_process *proc, u32 driver,
				   u32 num)
{
	unsigned long deadline = jiffies + TOCK_BOARD_WAIT;

	while (!tock_board_queued(proc, driver, num) &&
	       time_before(jiffies, deadline))
		msleep(TOCK_BOARD_POLL_MS);
	return tock_board_queued(proc, driver, num);
}

/*
 * Take the oldest upcall of (@driver, @num) with yield-wait-for, as
 * libtock-sync does, and return its values in @args.  It must be queued
 * already: yield-wait-for would block for good otherwise.
 */
static void tock_board_take(struct kunit *test, struct tock_process *proc,
			    u32 driver, u32 num, u32 args[3])
{
	struct tock_ioc_yield y = {
		.mode = TOCK_YIELD_WAIT_FOR,
		.driver = driver,
		.subscribe_num = num,
	};

	KUNIT_ASSERT_TRUE_MSG(test, tock_board_queued(proc, driver, num),
			      "no upcall %u from driver %#x", num, driver);
	KUNIT_ASSERT_EQ(test, tock_process_yield(proc, &y), 0);
	KUNIT_ASSERT_EQ(test, y.has_upcall, 1);
	memcpy(args, y.args, sizeof(y.args));
}

/* Wait for the upcall, then take it. */
static void tock_board_wait_for(struct kunit *test, struct tock_process *proc,
				u32 driver, u32 num, u32 args[3])
{
	KUNIT_ASSERT_TRUE_MSG(test, tock_board_wait_queued(proc, driver, num),
			      "no upcall %u from driver %#x within %us", num,
			      driver, TOCK_BOARD_WAIT / HZ);
	tock_board_take(test, proc, driver, num, args);
}

/*
 * A module parameter, written through its sysfs file.  A suite's init
 * saves the value it finds and the test's end restores it, so a suite
 * leaves the parameter as the administrator set it.
 */
struct tock_board_param {
	const char *path;
	char *saved;
	size_t len;
};

static ssize_t tock_board_param_read(const char *path, char *buf, size_t len)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, len, &pos);
	fput(f);
	return n;
}

static ssize_t tock_board_param_write(const char *path, const char *val,
				      size_t len)
{
	struct file *f = filp_open(path, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, len, &pos);
	fput(f);
	return n;
}

static void tock_board_param_restore(void *data)
{
	struct tock_board_param *p = data;

	/* Nothing to report to at the end of a test: best effort. */
	tock_board_param_write(p->path, p->saved, p->len);
}

/* Save @path's value now and restore it when the test ends. */
static void tock_board_param_save(struct kunit *test, const char *path)
{
	struct tock_board_param *p;
	ssize_t n;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->path = path;
	p->saved = kunit_kzalloc(test, TOCK_BOARD_PARAM_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->saved);
	n = tock_board_param_read(path, p->saved, TOCK_BOARD_PARAM_MAX - 1);
	if (n == -ENOENT)
		kunit_skip(test, "no %s", path);
	KUNIT_ASSERT_GT_MSG(test, n, 0, "read %s: %zd", path, n);
	p->len = n;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_board_param_restore,
							p), 0);
}

static void tock_board_param_set(struct kunit *test, const char *path,
				 const char *val)
{
	ssize_t n = tock_board_param_write(path, val, strlen(val));

	KUNIT_ASSERT_EQ_MSG(test, n, (ssize_t)strlen(val), "write %s to %s",
			    val, path);
}

/* ---- alarm ---- */

/* The driver's counter as the clock defines it, read here directly. */
static u32 tock_alarm_clock(void)
{
	return lower_32_bits(div_u64(ktime_get_ns(), NSEC_PER_USEC));
}

static int tock_alarm_init(struct kunit *test)
{
	tock_kunit_env_init(test);
	tock_board_require(test, TOCK_DRIVER_ALARM);
	return 0;
}

static u32 tock_alarm_ok(struct kunit *test, struct tock_process *proc,
			 u32 num, u64 arg1, u64 arg2)
{
	return tock_board_ok(test, proc, TOCK_DRIVER_ALARM, num, arg1, arg2);
}

static u32 tock_alarm_read(struct kunit *test, struct tock_process *proc)
{
	return tock_alarm_ok(test, proc, TOCK_ALARM_CMD_READ, 0, 0);
}

static void tock_alarm_frequency_is_1mhz(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd;

	cmd = tock_board_command(env->proc, TOCK_DRIVER_ALARM,
				 TOCK_ALARM_CMD_FREQUENCY, 0, 0);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_ALARM_HZ);
}

static void tock_alarm_read_is_the_clock_in_us(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd;
	u32 before, after, t0, t1;

	/* The clock brackets the counter, compared modulo 2^32. */
	before = tock_alarm_clock();
	cmd = tock_board_command(env->proc, TOCK_DRIVER_ALARM,
				 TOCK_ALARM_CMD_READ, 0, 0);
	after = tock_alarm_clock();
	KUNIT_ASSERT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_LE_MSG(test, cmd.data[0] - before, after - before,
			    "counter %u outside [%u, %u]", cmd.data[0], before,
			    after);

	/* And it moves at the frequency. */
	t0 = tock_alarm_read(test, env->proc);
	msleep(20);
	t1 = tock_alarm_read(test, env->proc);
	KUNIT_EXPECT_GE(test, t1 - t0, TOCK_ALARM_MS(20));
}

static void tock_alarm_set_relative_fires(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 before, after, expiration, args[3];

	before = tock_alarm_clock();
	expiration = tock_alarm_ok(test, env->proc,
				   TOCK_ALARM_CMD_SET_RELATIVE,
				   TOCK_ALARM_SHORT, 0);
	after = tock_alarm_clock();
	/* now + dt, with now read inside the command. */
	KUNIT_EXPECT_GE(test, expiration - before, TOCK_ALARM_SHORT);
	KUNIT_EXPECT_LE(test, expiration - before,
			TOCK_ALARM_SHORT + (after - before));
	KUNIT_EXPECT_EQ(test, tock_board_queued(env->proc, TOCK_DRIVER_ALARM,
						TOCK_ALARM_UPCALL), 0);

	tock_board_wait_for(test, env->proc, TOCK_DRIVER_ALARM,
			    TOCK_ALARM_UPCALL, args);
	/* (now, expiration, 0), now no earlier than the expiration. */
	KUNIT_EXPECT_EQ(test, args[1], expiration);
	KUNIT_EXPECT_GE(test, args[0] - before, TOCK_ALARM_SHORT);
	KUNIT_EXPECT_LT(test, args[0] - expiration, TOCK_ALARM_SLACK);
	KUNIT_EXPECT_EQ(test, args[2], 0);
	/* One shot: it fired once and is no longer armed. */
	msleep(2 * TOCK_ALARM_SHORT_MS);
	KUNIT_EXPECT_EQ(test, tock_board_pending(env->proc), 0);
	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_ALARM,
				  TOCK_ALARM_CMD_STOP, 0, 0,
				  TOCK_STATUS_ALREADY);
}

static void tock_alarm_set_absolute_fires(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 reference = tock_alarm_read(test, env->proc), args[3];
	u32 expiration;

	expiration = tock_alarm_ok(test, env->proc,
				   TOCK_ALARM_CMD_SET_ABSOLUTE, reference,
				   TOCK_ALARM_SHORT);
	KUNIT_EXPECT_EQ(test, expiration, reference + TOCK_ALARM_SHORT);
	tock_board_wait_for(test, env->proc, TOCK_DRIVER_ALARM,
			    TOCK_ALARM_UPCALL, args);
	KUNIT_EXPECT_EQ(test, args[1], expiration);
	KUNIT_EXPECT_GE(test, args[0] - reference, TOCK_ALARM_SHORT);
	KUNIT_EXPECT_EQ(test, args[2], 0);
}

/* Arm (@reference, @dt), which has expired, and expect it at once. */
static void tock_alarm_expect_at_once(struct kunit *test, u32 reference,
				      u32 dt)
{
	struct tock_kunit_env *env = test->priv;
	u32 before = tock_alarm_clock(), args[3];

	KUNIT_EXPECT_EQ(test, tock_alarm_ok(test, env->proc,
					    TOCK_ALARM_CMD_SET_ABSOLUTE,
					    reference, dt),
			reference + dt);
	tock_board_wait_for(test, env->proc, TOCK_DRIVER_ALARM,
			    TOCK_ALARM_UPCALL, args);
	/* At once: well before any expiration a plain sum would give. */
	KUNIT_EXPECT_LT(test, args[0] - before, TOCK_ALARM_SLACK);
	KUNIT_EXPECT_EQ(test, args[1], reference + dt);
	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_ALARM,
				  TOCK_ALARM_CMD_STOP, 0, 0,
				  TOCK_STATUS_ALREADY);
}

static void tock_alarm_set_absolute_past(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 now = tock_alarm_read(test, env->proc);

	/* Expired 10 s ago. */
	tock_alarm_expect_at_once(test, now - TOCK_ALARM_MS(20000),
				  TOCK_ALARM_MS(10000));
}

static void tock_alarm_set_absolute_dt_0_fires_at_once(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_alarm_expect_at_once(test, tock_alarm_read(test, env->proc), 0);
}

/*
 * A reference numerically ahead of the counter is one the counter has
 * wrapped past since, 2^32 ticks minus a little ago, as Tock takes every
 * reference to be in the past: (now + 10 s, 20 s) expired long ago and
 * fires at once, where reference + dt would lie 30 s ahead.
 */
static void tock_alarm_set_absolute_wrapped_ref(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 now = tock_alarm_read(test, env->proc);

	tock_alarm_expect_at_once(test, now + TOCK_ALARM_MS(10000),
				  TOCK_ALARM_MS(20000));
}

/*
 * reference + dt wraps past 2^32 and is numerically below reference, yet
 * lies a short time ahead: it fires then, not at once and not a wrap of
 * the counter later.
 */
static void tock_alarm_set_absolute_expiration_wraps(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 now = tock_alarm_read(test, env->proc);
	u32 expiration = now + TOCK_ALARM_MS(100);
	/* Any dt above expiration puts reference numerically above it. */
	u32 dt = expiration + (U32_MAX - expiration) / 2 + 1;
	u32 reference = expiration - dt, args[3];

	KUNIT_ASSERT_LT(test, expiration, reference);
	KUNIT_EXPECT_EQ(test, tock_alarm_ok(test, env->proc,
					    TOCK_ALARM_CMD_SET_ABSOLUTE,
					    reference, dt),
			expiration);
	tock_board_wait_for(test, env->proc, TOCK_DRIVER_ALARM,
			    TOCK_ALARM_UPCALL, args);
	KUNIT_EXPECT_EQ(test, args[1], expiration);
	/* Not before the expiration, counted modulo 2^32 from reference. */
	KUNIT_EXPECT_GE(test, args[0] - reference, dt);
	KUNIT_EXPECT_LT(test, args[0] - expiration, TOCK_ALARM_SLACK);
}

/* The longest relative alarm, 2^32 - 1 ticks, is in the future. */
static void tock_alarm_set_relative_u32_max_is_far_ahead(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 before = tock_alarm_clock(), after, expiration;

	expiration = tock_alarm_ok(test, env->proc,
				   TOCK_ALARM_CMD_SET_RELATIVE, U32_MAX, 0);
	after = tock_alarm_clock();
	/* now - 1, modulo 2^32, with now read inside the command. */
	KUNIT_EXPECT_LE(test, expiration + 1 - before, after - before);
	msleep(50);
	KUNIT_EXPECT_EQ(test, tock_board_pending(env->proc), 0);
	tock_alarm_ok(test, env->proc, TOCK_ALARM_CMD_STOP, 0, 0);
}

static void tock_alarm_stop_cancels_and_then_is_already(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_ALARM,
				  TOCK_ALARM_CMD_STOP, 0, 0,
				  TOCK_STATUS_ALREADY);
	tock_alarm_ok(test, env->proc, TOCK_ALARM_CMD_SET_RELATIVE,
		      TOCK_ALARM_SHORT, 0);
	KUNIT_EXPECT_EQ(test, tock_board_command(env->proc, TOCK_DRIVER_ALARM,
						 TOCK_ALARM_CMD_STOP, 0,
						 0).rtype,
			TOCK_RET_SUCCESS);
	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_ALARM,
				  TOCK_ALARM_CMD_STOP, 0, 0,
				  TOCK_STATUS_ALREADY);
	/* Well past the expiration: the stopped alarm never fires. */
	msleep(4 * TOCK_ALARM_SHORT_MS);
	KUNIT_EXPECT_EQ(test, tock_board_pending(env->proc), 0);
}

static void tock_alarm_set_replaces_the_armed_alarm(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 near, args[3];

	tock_alarm_ok(test, env->proc, TOCK_ALARM_CMD_SET_RELATIVE,
		      TOCK_ALARM_FAR, 0);
	near = tock_alarm_ok(test, env->proc, TOCK_ALARM_CMD_SET_RELATIVE,
			     TOCK_ALARM_SHORT, 0);
	tock_board_wait_for(test, env->proc, TOCK_DRIVER_ALARM,
			    TOCK_ALARM_UPCALL, args);
	KUNIT_EXPECT_EQ(test, args[1], near);
	/* The far one is gone, not waiting behind the near one. */
	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_ALARM,
				  TOCK_ALARM_CMD_STOP, 0, 0,
				  TOCK_STATUS_ALREADY);
}

static void tock_alarm_legacy_and_unknown_are_nosupport(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_ALARM,
				  TOCK_ALARM_CMD_SET_LEGACY, 0, 0,
				  TOCK_STATUS_NOSUPPORT);
	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_ALARM,
				  TOCK_ALARM_CMD_UNKNOWN, 0, 0,
				  TOCK_STATUS_NOSUPPORT);
	KUNIT_EXPECT_EQ(test, tock_board_pending(env->proc), 0);
}

/*
 * Processes of their own, each with an alarm of a different length, one
 * of which stops its (far) alarm: every other one gets exactly its own
 * upcall, at its own expiration, and the one that stopped gets none.
 */
static void tock_alarm_every_process_has_its_own(struct kunit *test)
{
	struct tock_process *procs[TOCK_ALARM_PROCS];
	u32 before[TOCK_ALARM_PROCS], expiration[TOCK_ALARM_PROCS];
	u32 dt[TOCK_ALARM_PROCS], args[3];
	int i;

	for (i = 0; i < TOCK_ALARM_PROCS; i++) {
		procs[i] = tock_kunit_process(test);
		dt[i] = i == TOCK_ALARM_STOPPER ? TOCK_ALARM_FAR :
			(i + 1) * TOCK_ALARM_SHORT;
		before[i] = tock_alarm_clock();
		expiration[i] = tock_alarm_ok(test, procs[i],
					      TOCK_ALARM_CMD_SET_RELATIVE,
					      dt[i], 0);
	}
	tock_alarm_ok(test, procs[TOCK_ALARM_STOPPER], TOCK_ALARM_CMD_STOP, 0,
		      0);
	for (i = 0; i < TOCK_ALARM_PROCS; i++) {
		if (i == TOCK_ALARM_STOPPER)
			continue;
		tock_board_wait_for(test, procs[i], TOCK_DRIVER_ALARM,
				    TOCK_ALARM_UPCALL, args);
		KUNIT_EXPECT_EQ_MSG(test, args[1], expiration[i], "process %d",
				    i);
		KUNIT_EXPECT_GE_MSG(test, args[0] - before[i], dt[i],
				    "process %d", i);
	}
	/* The last expiration has passed: nothing else came. */
	for (i = 0; i < TOCK_ALARM_PROCS; i++)
		KUNIT_EXPECT_EQ_MSG(test, tock_board_pending(procs[i]), 0,
				    "process %d", i);
}

/* Another thread of the process, re-arming an alarm that is due at once. */
static int tock_alarm_racer(void *data)
{
	struct tock_process *proc = data;

	while (!kthread_should_stop()) {
		tock_board_command(proc, TOCK_DRIVER_ALARM,
				   TOCK_ALARM_CMD_SET_RELATIVE, 0, 0);
		cond_resched();
	}
	return 0;
}

/*
 * Two threads of one process set its alarm at once, one due at once, the
 * other a little later: a timer callback for the first may then meet the
 * timer already restarted by the second.  Nothing may warn, and after a
 * stop nothing fires.
 */
static void tock_alarm_set_from_two_threads(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long end = jiffies + TOCK_ALARM_RACE;
	struct task_struct *racer;
	unsigned int queued;

	racer = kthread_run(tock_alarm_racer, env->proc, "tock_alarm_racer");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, racer);
	while (time_before(jiffies, end)) {
		tock_board_command(env->proc, TOCK_DRIVER_ALARM,
				   TOCK_ALARM_CMD_SET_RELATIVE,
				   TOCK_ALARM_MS(1), 0);
		cond_resched();
	}
	kthread_stop(racer);
	tock_board_command(env->proc, TOCK_DRIVER_ALARM, TOCK_ALARM_CMD_STOP,
			   0, 0);
	queued = tock_board_pending(env->proc);
	KUNIT_EXPECT_GT(test, queued, 0);
	msleep(4 * TOCK_ALARM_SHORT_MS);
	KUNIT_EXPECT_EQ(test, tock_board_pending(env->proc), queued);
}

/*
 * A process closed with its alarm armed: the timer must not outlive it
 * (KASAN sees a timer that fires into the freed grant).
 */
static void tock_alarm_close_with_alarm_armed(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_alarm_ok(test, env->proc, TOCK_ALARM_CMD_SET_RELATIVE,
		      TOCK_ALARM_MS(1), 0);
	tock_kunit_env_close(env);
	msleep(3 * TOCK_ALARM_SHORT_MS);
}

static struct kunit_case tock_alarm_test_cases[] = {
	KUNIT_CASE(tock_alarm_frequency_is_1mhz),
	KUNIT_CASE(tock_alarm_read_is_the_clock_in_us),
	KUNIT_CASE(tock_alarm_set_relative_fires),
	KUNIT_CASE(tock_alarm_set_absolute_fires),
	KUNIT_CASE(tock_alarm_set_absolute_past),
	KUNIT_CASE(tock_alarm_set_absolute_dt_0_fires_at_once),
	KUNIT_CASE(tock_alarm_set_absolute_wrapped_ref),
	KUNIT_CASE(tock_alarm_set_absolute_expiration_wraps),
	KUNIT_CASE(tock_alarm_set_relative_u32_max_is_far_ahead),
	KUNIT_CASE(tock_alarm_stop_cancels_and_then_is_already),
	KUNIT_CASE(tock_alarm_set_replaces_the_armed_alarm),
	KUNIT_CASE(tock_alarm_legacy_and_unknown_are_nosupport),
	KUNIT_CASE(tock_alarm_every_process_has_its_own),
	KUNIT_CASE(tock_alarm_close_with_alarm_armed),
	KUNIT_CASE_SLOW(tock_alarm_set_from_two_threads),
	{}
};

static struct kunit_suite tock_alarm_suite = {
	.name = "tockallow_alarm",
	.init = tock_alarm_init,
	.test_cases = tock_alarm_test_cases,
};

/* ---- LEDs ---- */

/**
 * struct tock_board_led - an LED class device of the test's own
 * @cdev: the LED, registered with the LED core
 * @sets: times the LED core called the driver to set it
 * @level: the brightness it was last set to
 */
struct tock_board_led {
	struct led_classdev cdev;
	atomic_t sets;
	int level;
};

static void tock_board_led_record(struct led_classdev *cdev,
				  enum led_brightness level)
{
	struct tock_board_led *led = container_of(cdev, struct tock_board_led,
						  cdev);

	WRITE_ONCE(led->level, level);
	atomic_inc(&led->sets);
}

/* An LED driver that cannot sleep: the LED core calls it directly. */
static void tock_board_led_set(struct led_classdev *cdev,
			       enum led_brightness level)
{
	tock_board_led_record(cdev, level);
}

/* One that may sleep (an I2C expander, say): it must not be called late. */
static int tock_board_led_set_blocking(struct led_classdev *cdev,
				       enum led_brightness level)
{
	might_sleep();
	tock_board_led_record(cdev, level);
	return 0;
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_board_led_unregister,
			    led_classdev_unregister, struct led_classdev *);

static struct tock_board_led *tock_board_led_add(struct kunit *test,
						 const char *name,
						 unsigned int max, bool blocking)
{
	struct tock_board_led *led = kunit_kzalloc(test, sizeof(*led),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, led);
	led->cdev.name = name;
	led->cdev.max_brightness = max;
	if (blocking)
		led->cdev.brightness_set_blocking = tock_board_led_set_blocking;
	else
		led->cdev.brightness_set = tock_board_led_set;
	KUNIT_ASSERT_EQ(test, led_classdev_register(NULL, &led->cdev), 0);
	/* Unregistered before kunit_kzalloc() frees it: actions run LIFO. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_board_led_unregister,
							&led->cdev), 0);
	return led;
}

static void tock_board_led_remove(struct kunit *test,
				  struct tock_board_led *led)
{
	kunit_release_action(test, tock_board_led_unregister, &led->cdev);
}

/**
 * struct tock_led_env - a tockallow_led test's LEDs
 * @a: LED 0, a non-sleeping LED
 * @b: LED 2, a sleeping one with two levels
 */
struct tock_led_env {
	struct tock_board_led *a;
	struct tock_board_led *b;
};

/* KUnit runs one test at a time: the current one's LEDs. */
static struct tock_led_env tock_led_cur;

static struct tock_led_env *tock_led_env(struct kunit *test)
{
	return &tock_led_cur;
}

/*
 * The fixture's process, LEDs A and B registered, and "leds" naming A, a
 * third LED no test has registered yet, and B.
 */
static int tock_led_init(struct kunit *test)
{
	struct tock_led_env *le = &tock_led_cur;

	memset(le, 0, sizeof(*le));
	tock_kunit_env_init(test);
	tock_board_require(test, TOCK_DRIVER_LED);
	tock_board_param_save(test, TOCK_LED_PARAM);
	le->a = tock_board_led_add(test, TOCK_LED_NAME_A, TOCK_LED_MAX_A,
				   false);
	le->b = tock_board_led_add(test, TOCK_LED_NAME_B, TOCK_LED_MAX_B,
				   true);
	tock_board_param_set(test, TOCK_LED_PARAM, TOCK_LED_NAMES);
	return 0;
}

static struct tock_ioc_command tock_led_command(struct kunit *test, u32 num,
						u64 n)
{
	struct tock_kunit_env *env = test->priv;

	return tock_board_command(env->proc, TOCK_DRIVER_LED, num, n, 0);
}

/* Command @num on LED @n must succeed and leave @led at @level. */
static void tock_led_expect(struct kunit *test, u32 num, u64 n,
			    struct tock_board_led *led, int level)
{
	int sets = atomic_read(&led->sets);
	struct tock_ioc_command cmd = tock_led_command(test, num, n);

	KUNIT_EXPECT_EQ_MSG(test, cmd.rtype, TOCK_RET_SUCCESS,
			    "command %u (%llu): error %u", num, n,
			    cmd.data[0]);
	/* Set before the command returned, by the LED's own driver. */
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&led->sets), sets + 1,
			    "command %u (%llu)", num, n);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(led->level), level,
			    "command %u (%llu)", num, n);
	KUNIT_EXPECT_EQ_MSG(test, led->cdev.brightness, level,
			    "command %u (%llu)", num, n);
}

static void tock_led_expect_failure(struct kunit *test, u32 num, u64 n,
				    u32 status)
{
	struct tock_kunit_env *env = test->priv;

	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_LED, num, n, 0,
				  status);
}

static void tock_led_count_is_the_named_leds(struct kunit *test)
{
	struct tock_ioc_command cmd = tock_led_command(test, TOCK_LED_CMD_COUNT,
						       0);

	/* Named ones, registered or not. */
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_LED_COUNT);
}

static void tock_led_on_off_reach_the_led(struct kunit *test)
{
	struct tock_led_env *le = tock_led_env(test);
	int b_sets = atomic_read(&le->b->sets);

	tock_led_expect(test, TOCK_LED_CMD_ON, TOCK_LED_A, le->a,
			TOCK_LED_MAX_A);
	tock_led_expect(test, TOCK_LED_CMD_OFF, TOCK_LED_A, le->a, LED_OFF);
	/* LED B is the sleeping one: called synchronously too. */
	tock_led_expect(test, TOCK_LED_CMD_ON, TOCK_LED_B, le->b,
			TOCK_LED_MAX_B);
	tock_led_expect(test, TOCK_LED_CMD_OFF, TOCK_LED_B, le->b, LED_OFF);
	KUNIT_EXPECT_EQ(test, atomic_read(&le->b->sets), b_sets + 2);
	/* A command to A never touched B, nor B's to A. */
	KUNIT_EXPECT_EQ(test, le->a->cdev.brightness, LED_OFF);
}

static void tock_led_toggle_flips_the_led(struct kunit *test)
{
	struct tock_led_env *le = tock_led_env(test);

	tock_led_expect(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_A, le->a,
			TOCK_LED_MAX_A);
	tock_led_expect(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_A, le->a, LED_OFF);
	tock_led_expect(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_B, le->b,
			TOCK_LED_MAX_B);
	tock_led_expect(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_B, le->b, LED_OFF);
}

/* Toggle reads the LED: whoever set it last, not what the process did. */
static void tock_led_toggle_follows_others(struct kunit *test)
{
	struct tock_led_env *le = tock_led_env(test);

	led_set_brightness(&le->a->cdev, TOCK_LED_MAX_A / 2);
	KUNIT_ASSERT_EQ(test, READ_ONCE(le->a->level), TOCK_LED_MAX_A / 2);
	tock_led_expect(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_A, le->a, LED_OFF);
	tock_led_expect(test, TOCK_LED_CMD_ON, TOCK_LED_A, le->a,
			TOCK_LED_MAX_A);
	led_set_brightness(&le->a->cdev, LED_OFF);
	tock_led_expect(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_A, le->a,
			TOCK_LED_MAX_A);
}

static void tock_led_past_the_count_is_inval(struct kunit *test)
{
	tock_led_expect_failure(test, TOCK_LED_CMD_ON, TOCK_LED_COUNT,
				TOCK_STATUS_INVAL);
	tock_led_expect_failure(test, TOCK_LED_CMD_OFF, U64_MAX,
				TOCK_STATUS_INVAL);
	/* Cut to 32 bits it would be LED 0: the whole number counts. */
	tock_led_expect_failure(test, TOCK_LED_CMD_TOGGLE, BIT_ULL(32),
				TOCK_STATUS_INVAL);
	tock_led_expect_failure(test, TOCK_LED_CMD_UNKNOWN, 0,
				TOCK_STATUS_NOSUPPORT);
	KUNIT_EXPECT_EQ(test, atomic_read(&tock_led_env(test)->a->sets), 0);
}

/*
 * A named LED that registers after the parameter was written (a USB
 * keyboard, a uleds device) gets its number at once, and loses it again
 * when it goes: NODEVICE, while the others keep theirs.
 */
static void tock_led_registered_later_and_removed(struct kunit *test)
{
	struct tock_led_env *le = tock_led_env(test);
	struct tock_board_led *late;

	tock_led_expect_failure(test, TOCK_LED_CMD_ON, TOCK_LED_LATE,
				TOCK_STATUS_NODEVICE);
	late = tock_board_led_add(test, TOCK_LED_NAME_LATE, TOCK_LED_MAX_LATE,
				  false);
	tock_led_expect(test, TOCK_LED_CMD_ON, TOCK_LED_LATE, late,
			TOCK_LED_MAX_LATE);
	tock_led_expect(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_LATE, late,
			LED_OFF);
	tock_board_led_remove(test, late);
	tock_led_expect_failure(test, TOCK_LED_CMD_ON, TOCK_LED_LATE,
				TOCK_STATUS_NODEVICE);
	tock_led_expect_failure(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_LATE,
				TOCK_STATUS_NODEVICE);
	tock_led_expect(test, TOCK_LED_CMD_ON, TOCK_LED_B, le->b,
			TOCK_LED_MAX_B);
	tock_board_led_remove(test, le->a);
	tock_led_expect_failure(test, TOCK_LED_CMD_OFF, TOCK_LED_A,
				TOCK_STATUS_NODEVICE);
}

/* An LED the kernel blinks in software is refused, and then is not. */
static void tock_led_blinking_is_busy(struct kunit *test)
{
	struct tock_led_env *le = tock_led_env(test);
	unsigned long on = TOCK_LED_BLINK_MS, off = TOCK_LED_BLINK_MS;

	led_blink_set(&le->a->cdev, &on, &off);
	tock_led_expect_failure(test, TOCK_LED_CMD_ON, TOCK_LED_A,
				TOCK_STATUS_BUSY);
	tock_led_expect_failure(test, TOCK_LED_CMD_TOGGLE, TOCK_LED_A,
				TOCK_STATUS_BUSY);
	/* Off stops a software blink, from the LED core's work item. */
	led_set_brightness(&le->a->cdev, LED_OFF);
	flush_work(&le->a->cdev.set_brightness_work);
	KUNIT_ASSERT_EQ(test, le->a->cdev.blink_delay_on, 0);
	tock_led_expect(test, TOCK_LED_CMD_ON, TOCK_LED_A, le->a,
			TOCK_LED_MAX_A);
}

/* Rewriting "leds" renumbers at once; an empty list has no LEDs. */
static void tock_led_parameter_renumbers(struct kunit *test)
{
	struct tock_led_env *le = tock_led_env(test);
	struct tock_ioc_command cmd;

	tock_board_param_set(test, TOCK_LED_PARAM,
			     TOCK_LED_NAME_B "," TOCK_LED_NAME_A);
	cmd = tock_led_command(test, TOCK_LED_CMD_COUNT, 0);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 2);
	tock_led_expect(test, TOCK_LED_CMD_ON, 0, le->b, TOCK_LED_MAX_B);
	tock_led_expect(test, TOCK_LED_CMD_ON, 1, le->a, TOCK_LED_MAX_A);
	tock_led_expect_failure(test, TOCK_LED_CMD_ON, 2, TOCK_STATUS_INVAL);

	tock_board_param_set(test, TOCK_LED_PARAM, "\n");
	cmd = tock_led_command(test, TOCK_LED_CMD_COUNT, 0);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 0);
	tock_led_expect_failure(test, TOCK_LED_CMD_ON, 0, TOCK_STATUS_INVAL);
}

static struct kunit_case tock_led_test_cases[] = {
	KUNIT_CASE(tock_led_count_is_the_named_leds),
	KUNIT_CASE(tock_led_on_off_reach_the_led),
	KUNIT_CASE(tock_led_toggle_flips_the_led),
	KUNIT_CASE(tock_led_toggle_follows_others),
	KUNIT_CASE(tock_led_past_the_count_is_inval),
	KUNIT_CASE(tock_led_registered_later_and_removed),
	KUNIT_CASE(tock_led_blinking_is_busy),
	KUNIT_CASE(tock_led_parameter_renumbers),
	{}
};

static struct kunit_suite tock_led_suite = {
	.name = "tockallow_led",
	.init = tock_led_init,
	.test_cases = tock_led_test_cases,
};

/* ---- buttons ---- */

KUNIT_DEFINE_ACTION_WRAPPER(tock_board_input_unregister,
			    input_unregister_device, struct input_dev *);

/*
 * An input device of the test's own with KEY0, KEY1 and KEY_OTHER;
 * tock_button connects to it as it registers.
 */
static struct input_dev *tock_button_device(struct kunit *test)
{
	struct input_dev *dev = input_allocate_device();
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->name = "tockallow_kunit buttons";
	dev->id.bustype = BUS_VIRTUAL;
	__set_bit(EV_KEY, dev->evbit);
	__set_bit(TOCK_BUTTON_KEY0, dev->keybit);
	__set_bit(TOCK_BUTTON_KEY1, dev->keybit);
	__set_bit(TOCK_BUTTON_KEY_OTHER, dev->keybit);
	ret = input_register_device(dev);
	if (ret)
		input_free_device(dev);
	KUNIT_ASSERT_EQ(test, ret, 0);
	/* Unregistering frees it too. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_board_input_unregister,
							dev), 0);
	return dev;
}

/* One key event and its report, as a keyboard driver sends them. */
static void tock_button_key(struct input_dev *dev, unsigned int code,
			    int value)
{
	input_event(dev, EV_KEY, code, value);
	input_sync(dev);
}

/* KUnit runs one test at a time: the current one's input device. */
static struct input_dev *tock_button_dev;

/* The fixture's process, an input device, and "keys" naming KEY0, KEY1. */
static int tock_button_init(struct kunit *test)
{
	tock_kunit_env_init(test);
	tock_board_require(test, TOCK_DRIVER_BUTTON);
	tock_board_param_save(test, TOCK_BUTTON_PARAM);
	tock_board_param_set(test, TOCK_BUTTON_PARAM, TOCK_BUTTON_KEYS);
	tock_button_dev = tock_button_device(test);
	return 0;
}

static u32 tock_button_ok(struct kunit *test, struct tock_process *proc,
			  u32 num, u64 n)
{
	return tock_board_ok(test, proc, TOCK_DRIVER_BUTTON, num, n, 0);
}

static u32 tock_button_read(struct kunit *test, u64 n)
{
	struct tock_kunit_env *env = test->priv;

	return tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_READ, n);
}

/*
 * The input core hands events to handlers as they are reported, so the
 * upcall is queued once input_sync() returns: take it and check it.
 */
static void tock_button_expect_upcall(struct kunit *test,
				      struct tock_process *proc, u32 n,
				      u32 pressed)
{
	u32 args[3];

	tock_board_take(test, proc, TOCK_DRIVER_BUTTON, TOCK_BUTTON_UPCALL,
			args);
	KUNIT_EXPECT_EQ(test, args[0], n);
	KUNIT_EXPECT_EQ(test, args[1], pressed);
	KUNIT_EXPECT_EQ(test, args[2], 0);
}

static void tock_button_expect_none(struct kunit *test,
				    struct tock_process *proc)
{
	KUNIT_EXPECT_EQ(test, tock_board_queued(proc, TOCK_DRIVER_BUTTON,
						TOCK_BUTTON_UPCALL), 0);
}

static void tock_button_count_is_the_keys(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd;

	cmd = tock_board_command(env->proc, TOCK_DRIVER_BUTTON,
				 TOCK_BUTTON_CMD_COUNT, 0, 0);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 2);
}

static void tock_button_enabled_press_and_release_upcall(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_ENABLE, 1);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY1, TOCK_KEY_DOWN);
	tock_button_expect_upcall(test, env->proc, 1, 1);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY1, TOCK_KEY_UP);
	tock_button_expect_upcall(test, env->proc, 1, 0);
	/* Button 0 was not enabled, and KEY_OTHER is no button. */
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY_OTHER, TOCK_KEY_DOWN);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_UP);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY_OTHER, TOCK_KEY_UP);
	tock_button_expect_none(test, env->proc);
}

static void tock_button_disabled_sends_nothing(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_DISABLE, 0);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_UP);
	tock_button_expect_none(test, env->proc);
	/* Enabled again, it sends again. */
	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	tock_button_expect_upcall(test, env->proc, 0, 1);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_UP);
	tock_button_expect_upcall(test, env->proc, 0, 0);
}

static void tock_button_autorepeat_is_not_a_press(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	tock_button_expect_upcall(test, env->proc, 0, 1);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_REPEAT);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_REPEAT);
	tock_button_expect_none(test, env->proc);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 0), 1);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_UP);
	tock_button_expect_upcall(test, env->proc, 0, 0);
}

static void tock_button_read_follows_the_key(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	KUNIT_EXPECT_EQ(test, tock_button_read(test, 0), 0);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 0), 1);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 1), 0);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_UP);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 0), 0);
	/* Reading needs no enable, and queues nothing. */
	tock_button_expect_none(test, env->proc);
}

/* A key held on two devices is down until both let it go. */
static void tock_button_read_any_device(struct kunit *test)
{
	struct input_dev *other = tock_button_device(test);

	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY1, TOCK_KEY_DOWN);
	tock_button_key(other, TOCK_BUTTON_KEY1, TOCK_KEY_DOWN);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY1, TOCK_KEY_UP);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 1), 1);
	tock_button_key(other, TOCK_BUTTON_KEY1, TOCK_KEY_UP);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 1), 0);
}

/*
 * A device unplugged with a key held: the input core reports the key
 * released as the device goes, so the button reads up and the process
 * hears the release rather than a button stuck down.
 */
static void tock_button_unplugged_while_pressed_releases(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	tock_button_expect_upcall(test, env->proc, 0, 1);
	kunit_release_action(test, tock_board_input_unregister,
			     tock_button_dev);
	tock_button_expect_upcall(test, env->proc, 0, 0);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 0), 0);
}

static void tock_button_past_the_count_is_inval(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	static const u32 cmds[] = {
		TOCK_BUTTON_CMD_ENABLE, TOCK_BUTTON_CMD_DISABLE,
		TOCK_BUTTON_CMD_READ,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		tock_board_expect_failure(test, env->proc, TOCK_DRIVER_BUTTON,
					  cmds[i], 2, 0, TOCK_STATUS_INVAL);
		/* Cut to 32 bits it would be button 0. */
		tock_board_expect_failure(test, env->proc, TOCK_DRIVER_BUTTON,
					  cmds[i], BIT_ULL(32), 0,
					  TOCK_STATUS_INVAL);
	}
	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_BUTTON,
				  TOCK_BUTTON_CMD_UNKNOWN, 0, 0,
				  TOCK_STATUS_NOSUPPORT);
}

/*
 * Every process that enabled a button gets its upcalls; one that
 * disabled it, or has gone, does not (KASAN sees an upcall scheduled for
 * a process that has gone).
 */
static void tock_button_every_enabled_process(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_process *other = tock_kunit_process(test);
	struct tock_process *off = tock_kunit_process(test);

	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_button_ok(test, other, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_button_ok(test, off, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_button_ok(test, off, TOCK_BUTTON_CMD_DISABLE, 0);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	tock_button_expect_upcall(test, env->proc, 0, 1);
	tock_button_expect_upcall(test, other, 0, 1);
	tock_button_expect_none(test, off);

	tock_kunit_env_close(env);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_UP);
	tock_button_expect_upcall(test, other, 0, 0);
	tock_button_expect_none(test, off);
}

/* Rewriting "keys" renumbers at once: the new button 0 is KEY1. */
static void tock_button_parameter_renumbers(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_button_ok(test, env->proc, TOCK_BUTTON_CMD_ENABLE, 0);
	tock_board_param_set(test, TOCK_BUTTON_PARAM,
			     __stringify(BTN_TRIGGER_HAPPY2));
	KUNIT_EXPECT_EQ(test, tock_button_ok(test, env->proc,
					     TOCK_BUTTON_CMD_COUNT, 0), 1);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY0, TOCK_KEY_DOWN);
	tock_button_expect_none(test, env->proc);
	tock_button_key(tock_button_dev, TOCK_BUTTON_KEY1, TOCK_KEY_DOWN);
	tock_button_expect_upcall(test, env->proc, 0, 1);
	KUNIT_EXPECT_EQ(test, tock_button_read(test, 0), 1);
	tock_board_expect_failure(test, env->proc, TOCK_DRIVER_BUTTON,
				  TOCK_BUTTON_CMD_READ, 1, 0,
				  TOCK_STATUS_INVAL);
}

static struct kunit_case tock_button_test_cases[] = {
	KUNIT_CASE(tock_button_count_is_the_keys),
	KUNIT_CASE(tock_button_enabled_press_and_release_upcall),
	KUNIT_CASE(tock_button_disabled_sends_nothing),
	KUNIT_CASE(tock_button_autorepeat_is_not_a_press),
	KUNIT_CASE(tock_button_read_follows_the_key),
	KUNIT_CASE(tock_button_read_any_device),
	KUNIT_CASE(tock_button_unplugged_while_pressed_releases),
	KUNIT_CASE(tock_button_past_the_count_is_inval),
	KUNIT_CASE(tock_button_every_enabled_process),
	KUNIT_CASE(tock_button_parameter_renumbers),
	{}
};

static struct kunit_suite tock_button_suite = {
	.name = "tockallow_button",
	.init = tock_button_init,
	.test_cases = tock_button_test_cases,
};

kunit_test_suites(&tock_alarm_suite, &tock_led_suite, &tock_button_suite);
