// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow alarm driver (0x0), after Tock's capsules/core alarm: one
 * one-shot alarm per process over a wrapping 32-bit tick counter.
 * Command 1 gives the frequency, 2 the current ticks, 3 stops the alarm
 * (ALREADY when none is armed), 5 (dt) arms it relative to now and 6
 * (reference, dt) at reference + dt; both answer Success with the
 * expiration.  Command 4, Tock's legacy absolute form, is not provided,
 * as libtock-c no longer uses it.  Upcall 0 reports (now, expiration, 0).
 *
 * An alarm is (reference, dt) rather than an expiration alone, as in Tock,
 * so that an expiration a full 2^32 ticks away is told from one already
 * passed: it has expired once now - reference, modulo 2^32, reaches dt.
 * An alarm that has already expired when it is armed fires at once.
 *
 * The counter is the monotonic clock in microseconds, cut to 32 bits, so
 * it wraps every 71 minutes; each process's alarm is an hrtimer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/spinlock.h>

#include <tock/driver.h>

#define TOCK_ALARM_CMD_EXISTS		0
#define TOCK_ALARM_CMD_FREQUENCY	1
#define TOCK_ALARM_CMD_READ		2
#define TOCK_ALARM_CMD_STOP		3
#define TOCK_ALARM_CMD_SET_RELATIVE	5
#define TOCK_ALARM_CMD_SET_ABSOLUTE	6

#define TOCK_ALARM_UPCALL		0

/* One tick is a microsecond of the monotonic clock. */
#define TOCK_ALARM_HZ			USEC_PER_SEC
#define TOCK_ALARM_NS_PER_TICK		(NSEC_PER_SEC / TOCK_ALARM_HZ)

/* Per-process state (the grant). */
struct tock_alarm_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	struct hrtimer timer;
	/*
	 * Protects @armed, @reference and @dt: commands change them while
	 * the timer callback, in hard IRQ context, reads and disarms.
	 */
	spinlock_t lock;
	bool armed;
	u32 reference;
	u32 dt;
};

/* The tick counter: wraps modulo 2^32, as Tock's Ticks32 does. */
static u32 tock_alarm_now(void)
{
	return (u32)div_u64(ktime_get_ns(), TOCK_ALARM_NS_PER_TICK);
}

/*
 * Ticks left until (reference, dt) expires, 0 once it has: the alarm is
 * still pending while now lies in [reference, reference + dt), counted
 * modulo 2^32, the way Tock's Ticks::within_range() compares.
 */
static u32 tock_alarm_remaining(u32 now, u32 reference, u32 dt)
{
	u32 elapsed = now - reference;

	return elapsed < dt ? dt - elapsed : 0;
}

static ktime_t tock_alarm_ticks_to_ktime(u32 ticks)
{
	return ns_to_ktime((u64)ticks * TOCK_ALARM_NS_PER_TICK);
}

static enum hrtimer_restart tock_alarm_fire(struct hrtimer *timer)
{
	struct tock_alarm_app *app = container_of(timer, struct tock_alarm_app,
						  timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;
	u32 now, left;

	spin_lock_irqsave(&app->lock, flags);
	if (!app->armed)
		goto out;
	now = tock_alarm_now();
	left = tock_alarm_remaining(now, app->reference, app->dt);
	if (left) {
		/*
		 * Another thread of the process armed a new alarm, and
		 * restarted the timer for it, while this callback waited
		 * for the lock: that start stands (and forwarding a queued
		 * timer would warn).
		 */
		if (hrtimer_is_queued(timer))
			goto out;
		/* Early by the rounding of ticks to nanoseconds: wait again. */
		hrtimer_forward_now(timer, tock_alarm_ticks_to_ktime(left));
		ret = HRTIMER_RESTART;
		goto out;
	}
	app->armed = false;
	/* Never allocates: its entries were made with the process. */
	tock_grant_schedule_upcall(app->g, TOCK_ALARM_UPCALL, now,
				   app->reference + app->dt, 0);
out:
	spin_unlock_irqrestore(&app->lock, flags);
	return ret;
}

/*
 * Arm (reference, dt), replacing any alarm armed before, and answer with
 * the expiration as Tock does.  The timer is cancelled before the new
 * values are written, so a callback still running for the old alarm
 * cannot fire the new one early.
 */
static struct tock_command_ret tock_alarm_arm(struct tock_alarm_app *app,
					      u32 reference, u32 dt)
{
	u32 left;

	hrtimer_cancel(&app->timer);
	spin_lock_irq(&app->lock);
	app->reference = reference;
	app->dt = dt;
	app->armed = true;
	left = tock_alarm_remaining(tock_alarm_now(), reference, dt);
	/* Expired already (left is 0): the timer fires at once. */
	hrtimer_start(&app->timer, tock_alarm_ticks_to_ktime(left),
		      HRTIMER_MODE_REL);
	spin_unlock_irq(&app->lock);
	return tock_ret_success_u32(reference + dt);
}

static struct tock_command_ret tock_alarm_stop(struct tock_alarm_app *app)
{
	bool was_armed;

	spin_lock_irq(&app->lock);
	was_armed = app->armed;
	app->armed = false;
	/*
	 * Under the lock, or it could cancel the timer of an alarm that
	 * another thread of the process arms right after this stop, which
	 * would then never fire.  A callback already running finds nothing
	 * armed and does nothing; process_exit waits for callbacks.
	 */
	hrtimer_try_to_cancel(&app->timer);
	spin_unlock_irq(&app->lock);
	if (!was_armed)
		return tock_ret_failure(TOCK_STATUS_ALREADY);
	return tock_ret_success();
}

static struct tock_command_ret tock_alarm_command(struct tock_grant *g,
						  u32 cmd, u64 arg1, u64 arg2)
{
	struct tock_alarm_app *app = tock_grant_data(g);

	switch (cmd) {
	case TOCK_ALARM_CMD_EXISTS:
		return tock_ret_success();
	case TOCK_ALARM_CMD_FREQUENCY:
		return tock_ret_success_u32(TOCK_ALARM_HZ);
	case TOCK_ALARM_CMD_READ:
		return tock_ret_success_u32(tock_alarm_now());
	case TOCK_ALARM_CMD_STOP:
		return tock_alarm_stop(app);
	case TOCK_ALARM_CMD_SET_RELATIVE:
		return tock_alarm_arm(app, tock_alarm_now(),
				      lower_32_bits(arg1));
	case TOCK_ALARM_CMD_SET_ABSOLUTE:
		return tock_alarm_arm(app, lower_32_bits(arg1),
				      lower_32_bits(arg2));
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

static int tock_alarm_grant_init(struct tock_grant *g)
{
	struct tock_alarm_app *app = tock_grant_data(g);

	app->g = g;
	spin_lock_init(&app->lock);
	hrtimer_init(&app->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	app->timer.function = tock_alarm_fire;
	return 0;
}

static void tock_alarm_process_exit(struct tock_grant *g)
{
	struct tock_alarm_app *app = tock_grant_data(g);

	/* After this no callback runs, so none touches @g again. */
	hrtimer_cancel(&app->timer);
}

static struct tock_driver tock_alarm_driver = {
	.num = TOCK_DRIVER_ALARM,
	.upcall_count = 1,
	.grant_size = sizeof(struct tock_alarm_app),
	.owner = THIS_MODULE,
	.command = tock_alarm_command,
	.grant_init = tock_alarm_grant_init,
	.process_exit = tock_alarm_process_exit,
};

static int __init tock_alarm_init(void)
{
	return tock_driver_register(&tock_alarm_driver);
}

static void __exit tock_alarm_exit(void)
{
	tock_driver_unregister(&tock_alarm_driver);
}

module_init(tock_alarm_init);
module_exit(tock_alarm_exit);

MODULE_DESCRIPTION("tockallow alarm driver: one-shot alarms on an hrtimer");
MODULE_LICENSE("GPL");
