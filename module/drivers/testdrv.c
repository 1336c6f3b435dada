// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow test driver (TOCK_DRIVER_TEST): commands that read and write
 * allowed buffers now or later from a timer, so that tests can race exit,
 * munmap, re-allow and close against accesses in flight.  The commands are
 * documented with TOCK_TEST_CMD_* in the uapi header.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/timer.h>

#include <tock/driver.h>

/* Longest delay a delayed command accepts, in milliseconds. */
#define TOCK_TEST_MAX_DELAY_MS	10000

enum {
	TOCK_TEST_UPCALL_FILL,
	TOCK_TEST_UPCALL_SUM,
	TOCK_TEST_UPCALLS,
};

/* Per-process state (the grant), set up by tock_test_grant_init(). */
struct tock_test_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	struct timer_list fill_timer;
	struct timer_list sum_timer;
	u8 fill_byte;			/* written before fill_timer is armed */
};

struct tock_test_sum {
	u32 sum;
	u32 len;
};

static int tock_test_fill(const struct tock_rw_slice *s, void *ctx)
{
	u8 byte = *(u8 *)ctx;
	size_t i;

	for (i = 0; i < tock_rw_slice_len(s); i++)
		tock_process_byte_set(tock_rw_slice_at(s, i), byte);
	return tock_rw_slice_len(s);
}

static int tock_test_sum(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_test_sum *sum = ctx;
	struct tock_ro_slice_iter it;
	u8 byte;

	sum->sum = 0;
	sum->len = tock_ro_slice_len(s);
	tock_ro_slice_iter_init(s, &it);
	while (tock_ro_slice_iter_next(&it, &byte))
		sum->sum += byte;
	return 0;
}

/* Fill read-write allow 0 with @byte; bytes written or -ESRCH. */
static int tock_test_fill_rw0(struct tock_grant *g, u8 byte)
{
	struct tock_rw_buffer_ref ref;
	int ret;

	ret = tock_grant_rw_buffer_get(g, 0, &ref);
	if (ret)
		return ret;
	ret = tock_rw_buffer_mut_enter(&ref.buffer, tock_test_fill, &byte);
	tock_rw_buffer_ref_put(&ref);
	return ret;
}

static int tock_test_sum_ro(struct tock_grant *g, u32 num,
			    struct tock_test_sum *sum)
{
	struct tock_ro_buffer_ref ref;
	int ret;

	ret = tock_grant_ro_buffer_get(g, num, &ref);
	if (ret)
		return ret;
	ret = tock_ro_buffer_enter(&ref.buffer, tock_test_sum, sum);
	tock_ro_buffer_ref_put(&ref);
	return ret;
}

/* Timer callbacks run in softirq context: enter must not sleep. */
static void tock_test_fill_timer(struct timer_list *t)
{
	struct tock_test_app *app = from_timer(app, t, fill_timer);
	int ret = tock_test_fill_rw0(app->g, app->fill_byte);

	if (ret < 0)
		tock_grant_schedule_upcall(app->g, TOCK_TEST_UPCALL_FILL,
					   tock_errno_to_status(ret), 0, 0);
	else
		tock_grant_schedule_upcall(app->g, TOCK_TEST_UPCALL_FILL,
					   TOCK_STATUS_SUCCESS, ret, 0);
}

static void tock_test_sum_timer(struct timer_list *t)
{
	struct tock_test_app *app = from_timer(app, t, sum_timer);
	struct tock_test_sum sum = {};
	int ret = tock_test_sum_ro(app->g, 0, &sum);

	tock_grant_schedule_upcall(app->g, TOCK_TEST_UPCALL_SUM,
				   tock_errno_to_status(ret), sum.sum, sum.len);
}

static struct tock_command_ret tock_test_arm(struct timer_list *timer,
					     u64 delay_ms)
{
	if (delay_ms > TOCK_TEST_MAX_DELAY_MS)
		return tock_ret_failure(TOCK_STATUS_INVAL);
	if (timer_pending(timer))
		return tock_ret_failure(TOCK_STATUS_BUSY);
	mod_timer(timer, jiffies + msecs_to_jiffies(delay_ms));
	return tock_ret_success();
}

static struct tock_command_ret tock_test_return(u64 variant, u64 err)
{
	switch (variant) {
	case TOCK_RET_FAILURE:
		return tock_ret_failure(err);
	case TOCK_RET_FAILURE_U32:
		return tock_ret_failure_u32(err, 1);
	case TOCK_RET_FAILURE_U32_U32:
	case TOCK_RET_FAILURE_U64:
		return (struct tock_command_ret){ variant, { err, 1, 2 } };
	case TOCK_RET_SUCCESS:
		return tock_ret_success();
	case TOCK_RET_SUCCESS_U32:
		return tock_ret_success_u32(1);
	case TOCK_RET_SUCCESS_U32_U32:
		return tock_ret_success_u32_u32(1, 2);
	case TOCK_RET_SUCCESS_U64:
		return tock_ret_success_u64(1ULL | 2ULL << 32);
	case TOCK_RET_SUCCESS_U32_U32_U32:
	case TOCK_RET_SUCCESS_U64_U32:
		return (struct tock_command_ret){ variant, { 1, 2, 3 } };
	default:
		return tock_ret_failure(TOCK_STATUS_INVAL);
	}
}

static struct tock_command_ret tock_test_upcalls(struct tock_grant *g,
						 u64 count, u64 val)
{
	u32 i;

	for (i = 0; i < count; i++)
		if (tock_grant_schedule_upcall(g, TOCK_TEST_UPCALL_FILL, i,
					       val, 0))
			break;
	return tock_ret_success_u32(i);
}

/* The synchronous commands: *_NOW return the result directly. */
static struct tock_command_ret tock_test_now(struct tock_grant *g, u32 cmd,
					     u64 arg1)
{
	struct tock_ur_buffer_ref ur;
	struct tock_test_sum sum;
	u8 byte = arg1;
	int ret;

	switch (cmd) {
	case TOCK_TEST_CMD_SUM_NOW:
		if (arg1 > U32_MAX)
			return tock_ret_failure(TOCK_STATUS_INVAL);
		ret = tock_test_sum_ro(g, arg1, &sum);
		if (ret)
			return tock_ret_failure(tock_errno_to_status(ret));
		return tock_ret_success_u32(sum.sum);
	case TOCK_TEST_CMD_FILL_NOW:
		ret = tock_test_fill_rw0(g, byte);
		break;
	default:
		ret = tock_grant_ur_buffer_get(g, 0, &ur);
		if (ret)
			break;
		ret = tock_ur_buffer_mut_enter(&ur.buffer, tock_test_fill,
					       &byte);
		tock_ur_buffer_ref_put(&ur);
		break;
	}
	if (ret < 0)
		return tock_ret_failure(tock_errno_to_status(ret));
	return tock_ret_success_u32(ret);
}

static struct tock_command_ret tock_test_command(struct tock_grant *g,
						 u32 cmd, u64 arg1, u64 arg2)
{
	struct tock_test_app *app = tock_grant_data(g);
	bool cancelled;

	switch (cmd) {
	case TOCK_TEST_CMD_FILL_LATER:
		/* Safe: the timer is idle when this byte is stored. */
		if (!timer_pending(&app->fill_timer))
			app->fill_byte = arg2;
		return tock_test_arm(&app->fill_timer, arg1);
	case TOCK_TEST_CMD_SUM_LATER:
		return tock_test_arm(&app->sum_timer, arg1);
	case TOCK_TEST_CMD_SUM_NOW:
	case TOCK_TEST_CMD_FILL_NOW:
	case TOCK_TEST_CMD_FILL_UR_NOW:
		return tock_test_now(g, cmd, arg1);
	case TOCK_TEST_CMD_CANCEL:
		cancelled = timer_delete_sync(&app->fill_timer);
		cancelled |= timer_delete_sync(&app->sum_timer);
		return cancelled ? tock_ret_success() :
				   tock_ret_failure(TOCK_STATUS_ALREADY);
	case TOCK_TEST_CMD_UPCALLS:
		return tock_test_upcalls(g, arg1, arg2);
	case TOCK_TEST_CMD_RETURN:
		return tock_test_return(arg1, arg2);
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

static u32 tock_test_allow_check(struct tock_grant *g,
				 enum tock_allow_kind kind, u32 num, u64 addr,
				 u64 len)
{
	if (kind == TOCK_ALLOW_RW && num == 1 && len > TOCK_TEST_RW1_MAX)
		return TOCK_STATUS_SIZE;
	return 0;
}

static int tock_test_grant_init(struct tock_grant *g)
{
	struct tock_test_app *app = tock_grant_data(g);

	app->g = g;
	timer_setup(&app->fill_timer, tock_test_fill_timer, 0);
	timer_setup(&app->sum_timer, tock_test_sum_timer, 0);
	return 0;
}

static void tock_test_process_exit(struct tock_grant *g)
{
	struct tock_test_app *app = tock_grant_data(g);

	timer_shutdown_sync(&app->fill_timer);
	timer_shutdown_sync(&app->sum_timer);
}

static struct tock_driver tock_test_driver = {
	.num = TOCK_DRIVER_TEST,
	.allow_counts = {
		[TOCK_ALLOW_RO] = 2,
		[TOCK_ALLOW_RW] = 2,
		[TOCK_ALLOW_UR] = 1,
	},
	.upcall_count = TOCK_TEST_UPCALLS,
	.grant_size = sizeof(struct tock_test_app),
	.owner = THIS_MODULE,
	.command = tock_test_command,
	.allow_check = tock_test_allow_check,
	.grant_init = tock_test_grant_init,
	.process_exit = tock_test_process_exit,
};

static int __init tock_test_init(void)
{
	return tock_driver_register(&tock_test_driver);
}

static void __exit tock_test_exit(void)
{
	tock_driver_unregister(&tock_test_driver);
}

module_init(tock_test_init);
module_exit(tock_test_exit);

MODULE_DESCRIPTION("tockallow test driver: delayed access to allowed buffers");
MODULE_LICENSE("GPL");
