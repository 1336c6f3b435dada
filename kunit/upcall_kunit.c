// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tockallow_upcall: subscribe, upcalls a driver schedules with
 * tock_grant_schedule_upcall() (from process, softirq and hard IRQ
 * context), and the three yield modes that drain them, including bare
 * return values (upcalls on a slot with no function subscribed).
 */
#include <linux/hardirq.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/timer.h>

#include "fixture_kunit.h"

/* Opaque userspace values a test subscribes. */
#define TOCK_UP_FN_A		0x400000ULL
#define TOCK_UP_DATA_A		0xa1ULL
#define TOCK_UP_FN_B		0x500000ULL
#define TOCK_UP_DATA_B		0xb2ULL
/* How long a timer waits before it schedules an upcall. */
#define TOCK_UP_DELAY		msecs_to_jiffies(20)

static void tock_up_schedule(struct kunit *test, u32 num, u32 a0, u32 a1,
			     u32 a2)
{
	struct tock_kunit_env *env = test->priv;

	KUNIT_ASSERT_EQ(test, tock_grant_schedule_upcall(env->grant, num, a0,
							 a1, a2), 0);
}

/* Subscribe and return the previous pair in @prev_fn, @prev_data. */
static u32 tock_up_subscribe(struct kunit *test, u32 driver, u32 num, u64 fn,
			     u64 data, u64 *prev_fn, u64 *prev_data)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_subscribe req = {
		.driver = driver,
		.subscribe_num = num,
		.upcall = fn,
		.userdata = data,
	};

	tock_process_subscribe(env->proc, &req);
	*prev_fn = req.upcall;
	*prev_data = req.userdata;
	if (req.status)
		KUNIT_EXPECT_EQ(test, req.rtype, TOCK_RET_FAILURE_U32_U32);
	else
		KUNIT_EXPECT_EQ(test, req.rtype, TOCK_RET_SUCCESS_U32_U32);
	return req.status;
}

static void tock_up_subscribe_ok(struct kunit *test, u32 num, u64 fn,
				 u64 data)
{
	u64 pf, pd;

	KUNIT_ASSERT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_DRIVER, num,
						fn, data, &pf, &pd),
			TOCK_STATUS_SUCCESS);
}

static int tock_up_yield(struct kunit *test, u32 mode, u32 num,
			 struct tock_ioc_yield *req)
{
	struct tock_kunit_env *env = test->priv;

	*req = (struct tock_ioc_yield){ .mode = mode };
	if (mode == TOCK_YIELD_WAIT_FOR) {
		req->driver = TOCK_KUNIT_DRIVER;
		req->subscribe_num = num;
	}
	return tock_process_yield(env->proc, req);
}

static u32 tock_up_queued(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	return READ_ONCE(env->proc->nr_upcalls);
}

/* Expect yield in @mode to return an upcall with these values. */
static void tock_up_expect(struct kunit *test, u32 mode, u32 num, u64 fn,
			   u64 data, u32 a0, u32 a1, u32 a2)
{
	struct tock_ioc_yield y;

	KUNIT_ASSERT_EQ(test, tock_up_yield(test, mode, num, &y), 0);
	KUNIT_EXPECT_EQ(test, y.has_upcall, 1);
	KUNIT_EXPECT_EQ(test, y.upcall, fn);
	KUNIT_EXPECT_EQ(test, y.userdata, data);
	KUNIT_EXPECT_EQ(test, y.args[0], a0);
	KUNIT_EXPECT_EQ(test, y.args[1], a1);
	KUNIT_EXPECT_EQ(test, y.args[2], a2);
}

static void tock_up_expect_none(struct kunit *test)
{
	struct tock_ioc_yield y;

	KUNIT_ASSERT_EQ(test, tock_up_yield(test, TOCK_YIELD_NO_WAIT, 0, &y),
			0);
	KUNIT_EXPECT_EQ(test, y.has_upcall, 0);
	KUNIT_EXPECT_EQ(test, y.upcall, 0);
	KUNIT_EXPECT_EQ(test, y.args[0], 0);
}

static void tock_process_subscribe_returns_previous(struct kunit *test)
{
	u64 pf = 1, pd = 1;

	KUNIT_EXPECT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_DRIVER, 0,
						TOCK_UP_FN_A, TOCK_UP_DATA_A,
						&pf, &pd), 0);
	KUNIT_EXPECT_EQ(test, pf, 0);
	KUNIT_EXPECT_EQ(test, pd, 0);
	KUNIT_EXPECT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_DRIVER, 0,
						TOCK_UP_FN_B, TOCK_UP_DATA_B,
						&pf, &pd), 0);
	KUNIT_EXPECT_EQ(test, pf, TOCK_UP_FN_A);
	KUNIT_EXPECT_EQ(test, pd, TOCK_UP_DATA_A);
	/* Slots are independent. */
	KUNIT_EXPECT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_DRIVER, 1,
						0, 0, &pf, &pd), 0);
	KUNIT_EXPECT_EQ(test, pf, 0);
	KUNIT_EXPECT_EQ(test, pd, 0);
	/* Unsubscribing returns the last pair. */
	KUNIT_EXPECT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_DRIVER, 0,
						0, 0, &pf, &pd), 0);
	KUNIT_EXPECT_EQ(test, pf, TOCK_UP_FN_B);
	KUNIT_EXPECT_EQ(test, pd, TOCK_UP_DATA_B);
}

static void tock_process_subscribe_refused(struct kunit *test)
{
	u64 pf, pd;

	/* Failures return the passed pair. */
	KUNIT_EXPECT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_NO_DRIVER, 0,
						TOCK_UP_FN_A, TOCK_UP_DATA_A,
						&pf, &pd),
			TOCK_STATUS_NODEVICE);
	KUNIT_EXPECT_EQ(test, pf, TOCK_UP_FN_A);
	KUNIT_EXPECT_EQ(test, pd, TOCK_UP_DATA_A);
	KUNIT_EXPECT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_DRIVER,
						TOCK_KUNIT_UPCALLS,
						TOCK_UP_FN_B, TOCK_UP_DATA_B,
						&pf, &pd),
			TOCK_STATUS_NOSUPPORT);
	KUNIT_EXPECT_EQ(test, pf, TOCK_UP_FN_B);
	KUNIT_EXPECT_EQ(test, pd, TOCK_UP_DATA_B);
	/* And leave the slot as it was. */
	KUNIT_EXPECT_EQ(test, tock_up_subscribe(test, TOCK_KUNIT_DRIVER, 0,
						0, 0, &pf, &pd), 0);
	KUNIT_EXPECT_EQ(test, pf, 0);
}

static void tock_process_subscribe_drops_queued(struct kunit *test)
{
	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_A, TOCK_UP_DATA_A);
	tock_up_schedule(test, 0, 1, 2, 3);
	tock_up_schedule(test, 1, 4, 5, 6);
	tock_up_schedule(test, 0, 7, 8, 9);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 3);

	/* Subscribing slot 0 again drops its two, not slot 1's. */
	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_B, TOCK_UP_DATA_B);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 1);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 1, 0, 0, 4, 5, 6);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 0);
}

static void tock_process_subscribe_keeps_bare_values(struct kunit *test)
{
	/* Nothing subscribed yet: these are bare return values. */
	tock_up_schedule(test, 0, 1, 2, 3);
	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_A, TOCK_UP_DATA_A);
	tock_up_schedule(test, 0, 4, 5, 6);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 2);

	/*
	 * Tock's remove_pending_upcalls() removes only function calls: the
	 * bare value stays for yield-wait-for, the upcall for FN_A goes.
	 */
	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_B, TOCK_UP_DATA_B);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 1);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 1, 2, 3);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 0);
}

static void tock_process_yield_no_wait_in_order(struct kunit *test)
{
	u32 i;

	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_A, TOCK_UP_DATA_A);
	tock_up_subscribe_ok(test, 1, TOCK_UP_FN_B, TOCK_UP_DATA_B);
	for (i = 0; i < 3; i++) {
		tock_up_schedule(test, 0, i, 10 + i, 20 + i);
		tock_up_schedule(test, 1, 100 + i, 0, 0);
	}
	for (i = 0; i < 3; i++) {
		tock_up_expect(test, TOCK_YIELD_NO_WAIT, 0, TOCK_UP_FN_A,
			       TOCK_UP_DATA_A, i, 10 + i, 20 + i);
		tock_up_expect(test, TOCK_YIELD_NO_WAIT, 0, TOCK_UP_FN_B,
			       TOCK_UP_DATA_B, 100 + i, 0, 0);
	}
	tock_up_expect_none(test);
}

static void tock_process_yield_wait_returns_queued(struct kunit *test)
{
	tock_up_subscribe_ok(test, 1, TOCK_UP_FN_B, TOCK_UP_DATA_B);
	tock_up_schedule(test, 1, 5, 6, 7);
	tock_up_expect(test, TOCK_YIELD_WAIT, 0, TOCK_UP_FN_B, TOCK_UP_DATA_B,
		       5, 6, 7);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 0);
}

static void tock_process_yield_no_wait_drops_bare(struct kunit *test)
{
	/* Nothing subscribed: bare return values. */
	tock_up_schedule(test, 0, 1, 2, 3);
	tock_up_schedule(test, 1, 4, 5, 6);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 2);
	tock_up_expect_none(test);
	KUNIT_EXPECT_EQ_MSG(test, tock_up_queued(test), 0,
			    "no-wait kept bare return values");
}

static void tock_process_yield_no_wait_skips_bare(struct kunit *test)
{
	tock_up_subscribe_ok(test, 1, TOCK_UP_FN_B, TOCK_UP_DATA_B);
	tock_up_schedule(test, 0, 1, 2, 3);
	tock_up_schedule(test, 1, 4, 5, 6);
	tock_up_schedule(test, 0, 7, 8, 9);
	/* The bare one ahead is dropped, the one behind stays queued. */
	tock_up_expect(test, TOCK_YIELD_NO_WAIT, 0, TOCK_UP_FN_B,
		       TOCK_UP_DATA_B, 4, 5, 6);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 1);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 7, 8, 9);
}

static void tock_process_yield_wait_for_returns_bare(struct kunit *test)
{
	tock_up_schedule(test, 0, 7, 8, 9);
	tock_up_schedule(test, 0, 10, 11, 12);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 7, 8, 9);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 10, 11, 12);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 0);
}

static void tock_process_yield_wait_for_subscribed(struct kunit *test)
{
	/* Wait-for hands back the values and runs no function. */
	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_A, TOCK_UP_DATA_A);
	tock_up_schedule(test, 0, 1, 2, 3);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 1, 2, 3);
	tock_up_expect_none(test);
}

static void tock_process_yield_wait_for_skips_others(struct kunit *test)
{
	tock_up_schedule(test, 1, 4, 5, 6);
	tock_up_schedule(test, 0, 1, 2, 3);
	tock_up_schedule(test, 1, 7, 8, 9);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 1, 2, 3);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 2);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 1, 0, 0, 4, 5, 6);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 1, 0, 0, 7, 8, 9);
}

static void tock_process_yield_bad_arguments(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_yield y = { .mode = 3 };

	tock_up_schedule(test, 0, 1, 2, 3);
	KUNIT_EXPECT_EQ(test, tock_process_yield(env->proc, &y), -EINVAL);
	y = (struct tock_ioc_yield){ .mode = TOCK_YIELD_NO_WAIT,
				     .driver = TOCK_KUNIT_DRIVER };
	KUNIT_EXPECT_EQ(test, tock_process_yield(env->proc, &y), -EINVAL);
	y = (struct tock_ioc_yield){ .mode = TOCK_YIELD_WAIT,
				     .subscribe_num = 1 };
	KUNIT_EXPECT_EQ(test, tock_process_yield(env->proc, &y), -EINVAL);
	/* Nothing was dequeued. */
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 1);
}

static void tock_grant_schedule_upcall_refused(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 i;

	KUNIT_EXPECT_EQ(test, tock_grant_schedule_upcall(env->grant,
							 TOCK_KUNIT_UPCALLS,
							 0, 0, 0), -EINVAL);
	for (i = 0; i < TOCK_MAX_PENDING_UPCALLS; i++)
		tock_up_schedule(test, 0, i, 0, 0);
	KUNIT_EXPECT_EQ(test, tock_grant_schedule_upcall(env->grant, 0, 0, 0,
							 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), TOCK_MAX_PENDING_UPCALLS);
	/* Draining one makes room for one. */
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 0, 0, 0);
	tock_up_schedule(test, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, tock_grant_schedule_upcall(env->grant, 0, 0, 0,
							 0), -EBUSY);
	/* Subscribing keeps the bare values, as Tock's queue does. */
	tock_up_subscribe_ok(test, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), TOCK_MAX_PENDING_UPCALLS);
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_up_grant_put, tock_grant_put,
			    struct tock_grant *);

static void tock_grant_schedule_upcall_after_close(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_grant *g = env->grant;

	tock_up_schedule(test, 0, 1, 2, 3);
	tock_grant_get(g);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_up_grant_put, g),
			0);
	/* Closing drops the queued upcall; nothing can queue after. */
	tock_kunit_env_close(env);
	KUNIT_EXPECT_EQ(test, tock_grant_schedule_upcall(g, 0, 4, 5, 6),
			-ESRCH);
	kunit_release_action(test, tock_up_grant_put, g);
}

static void tock_driver_unregister_drops_upcalls(struct kunit *test)
{
	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_A, TOCK_UP_DATA_A);
	tock_up_schedule(test, 0, 1, 2, 3);
	tock_up_schedule(test, 1, 4, 5, 6);
	tock_kunit_env_unregister(test->priv);
	KUNIT_EXPECT_EQ(test, tock_up_queued(test), 0);
	tock_up_expect_none(test);
}

/**
 * struct tock_up_later - an upcall scheduled later, from a timer or an
 *	irq_work
 * @grant: the grant
 * @num: upcall number
 * @timer: softirq context
 * @work: hard IRQ context
 * @ret: what tock_grant_schedule_upcall() returned
 * @context_ok: the callback ran in the context it stands for
 */
struct tock_up_later {
	struct tock_grant *grant;
	u32 num;
	struct timer_list timer;
	struct irq_work work;
	int ret;
	bool context_ok;
};

static void tock_up_later_timer(struct timer_list *t)
{
	struct tock_up_later *l = container_of(t, struct tock_up_later, timer);

	l->context_ok = in_serving_softirq();
	l->ret = tock_grant_schedule_upcall(l->grant, l->num, 11, 22, 33);
}

static void tock_up_later_irq_work(struct irq_work *w)
{
	struct tock_up_later *l = container_of(w, struct tock_up_later, work);

	l->context_ok = in_hardirq();
	l->ret = tock_grant_schedule_upcall(l->grant, l->num, 11, 22, 33);
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_up_timer_shutdown, timer_shutdown_sync,
			    struct timer_list *);
KUNIT_DEFINE_ACTION_WRAPPER(tock_up_irq_work_sync, irq_work_sync,
			    struct irq_work *);

static struct tock_up_later *tock_up_later_alloc(struct kunit *test, u32 num)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_up_later *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	l->grant = env->grant;
	l->num = num;
	l->ret = -ENODATA;
	timer_setup(&l->timer, tock_up_later_timer, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_up_timer_shutdown,
							&l->timer), 0);
	l->work = IRQ_WORK_INIT_HARD(tock_up_later_irq_work);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_up_irq_work_sync,
							&l->work), 0);
	return l;
}

static void tock_process_yield_wait_for_woken_by_timer(struct kunit *test)
{
	struct tock_up_later *l = tock_up_later_alloc(test, 1);

	/* A bare upcall from softirq wakes a wait-for (libtock-sync). */
	mod_timer(&l->timer, jiffies + TOCK_UP_DELAY);
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 1, 0, 0, 11, 22, 33);
	KUNIT_EXPECT_EQ(test, l->ret, 0);
	KUNIT_EXPECT_TRUE(test, l->context_ok);
}

static void tock_process_yield_wait_woken_by_timer(struct kunit *test)
{
	struct tock_up_later *l = tock_up_later_alloc(test, 0);

	tock_up_subscribe_ok(test, 0, TOCK_UP_FN_A, TOCK_UP_DATA_A);
	mod_timer(&l->timer, jiffies + TOCK_UP_DELAY);
	tock_up_expect(test, TOCK_YIELD_WAIT, 0, TOCK_UP_FN_A, TOCK_UP_DATA_A,
		       11, 22, 33);
	KUNIT_EXPECT_EQ(test, l->ret, 0);
	KUNIT_EXPECT_TRUE(test, l->context_ok);
}

static void tock_process_yield_wait_for_woken_by_hardirq(struct kunit *test)
{
	struct tock_up_later *l = tock_up_later_alloc(test, 0);

	KUNIT_ASSERT_TRUE(test, irq_work_queue(&l->work));
	tock_up_expect(test, TOCK_YIELD_WAIT_FOR, 0, 0, 0, 11, 22, 33);
	irq_work_sync(&l->work);
	KUNIT_EXPECT_EQ(test, l->ret, 0);
	KUNIT_EXPECT_TRUE(test, l->context_ok);
}

static struct kunit_case tock_upcall_test_cases[] = {
	KUNIT_CASE(tock_process_subscribe_returns_previous),
	KUNIT_CASE(tock_process_subscribe_refused),
	KUNIT_CASE(tock_process_subscribe_drops_queued),
	KUNIT_CASE(tock_process_subscribe_keeps_bare_values),
	KUNIT_CASE(tock_process_yield_no_wait_in_order),
	KUNIT_CASE(tock_process_yield_wait_returns_queued),
	KUNIT_CASE(tock_process_yield_no_wait_drops_bare),
	KUNIT_CASE(tock_process_yield_no_wait_skips_bare),
	KUNIT_CASE(tock_process_yield_wait_for_returns_bare),
	KUNIT_CASE(tock_process_yield_wait_for_subscribed),
	KUNIT_CASE(tock_process_yield_wait_for_skips_others),
	KUNIT_CASE(tock_process_yield_bad_arguments),
	KUNIT_CASE(tock_grant_schedule_upcall_refused),
	KUNIT_CASE(tock_grant_schedule_upcall_after_close),
	KUNIT_CASE(tock_driver_unregister_drops_upcalls),
	KUNIT_CASE(tock_process_yield_wait_for_woken_by_timer),
	KUNIT_CASE(tock_process_yield_wait_woken_by_timer),
	KUNIT_CASE(tock_process_yield_wait_for_woken_by_hardirq),
	{}
};

static struct kunit_suite tock_upcall_suite = {
	.name = "tockallow_upcall",
	.init = tock_kunit_env_init,
	.test_cases = tock_upcall_test_cases,
};

kunit_test_suite(tock_upcall_suite);
