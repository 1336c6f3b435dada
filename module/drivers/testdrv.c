// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow test driver (TOCK_DRIVER_TEST): commands that read and write
 * allowed buffers now, later from a timer, or from a workqueue, so that
 * tests can race exit, munmap, re-allow and close against accesses in
 * flight.  The commands are documented with TOCK_TEST_CMD_* in the uapi
 * header.
 *
 * Whoever can open /dev/tock can drive it, so fills and sums are bounded
 * like the sample drivers' work: at most TOCK_TEST_STEP bytes per enter.
 * A delayed one takes its first step in the timer's softirq and the rest
 * from a work item that may reschedule between steps.  HOLD_LATER stays
 * inside one enter on purpose, for up to TOCK_TEST_MAX_HOLD_MS; that is
 * one reason the module is only built when asked for (TOCK_TEST_DRIVER=1).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include <tock/driver.h>

#include "../tock_compat.h"

/* Longest delay a delayed command accepts, in milliseconds. */
#define TOCK_TEST_MAX_DELAY_MS	10000
/* Longest HOLD_LATER, and the busy-wait it is made of, in milliseconds. */
#define TOCK_TEST_MAX_HOLD_MS	2000
#define TOCK_TEST_HOLD_STEP_MS	1
/* Bytes one enter of a fill or sum covers. */
#define TOCK_TEST_STEP		SZ_64K
/* Bytes copied between process memory and the stack at a time. */
#define TOCK_TEST_COPY		256
/* A walk's length before its first step has seen the buffer. */
#define TOCK_TEST_LEN_UNSET	SIZE_MAX

enum {
	TOCK_TEST_UPCALL_FILL,
	TOCK_TEST_UPCALL_SUM,
	TOCK_TEST_UPCALLS,
};

/**
 * struct tock_test_walk - a fill or sum over a buffer, step by step
 * @ptr: where the buffer the walk started on was allowed
 * @len: that buffer's length, TOCK_TEST_LEN_UNSET until the first step
 * @done: bytes covered so far
 * @sum: the sum of those bytes (a sum)
 * @byte: the byte to store (a fill)
 *
 * A walk is bound to the buffer of its first step.  Steps taken under one
 * buffer reference see that buffer or fail to enter it; a step that must
 * get the buffer again (the work item after the timer) checks that the
 * slot still holds a buffer at @ptr of @len bytes, and otherwise ends the
 * walk as if the buffer had died: a buffer replaced by an allow of exactly
 * the same range counts as the same.
 */
struct tock_test_walk {
	const void __user *ptr;
	size_t len;
	size_t done;
	u32 sum;
	u8 byte;
};

/**
 * struct tock_test_req - a FILL_LATER or SUM_LATER, from command to upcall
 * @timer: runs the first step, in softirq
 * @work: runs the remaining steps
 * @walk: the fill or sum, owned by whichever of the command, @timer and
 *	@work runs it at the time
 * @busy: set from the command until the upcall is queued, or CANCEL
 * @stop: CANCEL is stopping the request: it ends without an upcall
 *
 * @busy and @stop are protected by the app's lock.
 */
struct tock_test_req {
	struct timer_list timer;
	struct work_struct work;
	struct tock_test_walk walk;
	bool busy;
	bool stop;
};

/* Per-process state (the grant), set up by tock_test_grant_init(). */
struct tock_test_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	/*
	 * Protects the requests' @busy and @stop, and @hold_busy.  Each
	 * request queues its upcall and clears its busy flag under it, so a
	 * new one is BUSY until the upcall is queued and accepted as soon as
	 * the process can have seen it.  Taken in softirq by the timers.
	 */
	spinlock_t lock;
	struct tock_test_req fill;	/* FILL_LATER, upcall 0 */
	struct tock_test_req sum;	/* SUM_LATER, upcall 1 */
	struct work_struct hold_work;	/* HOLD_LATER, upcall 0 */
	bool hold_busy;
	u32 hold_ms;			/* written before hold_work is queued */
};

/* What a walk does at each step: which buffer, and how far. */
enum tock_test_steps {
	TOCK_TEST_ONE_STEP,		/* softirq: one enter only */
	TOCK_TEST_ALL_STEPS,		/* process context: to the end */
};

/* The part of @len bytes that @w's next step covers; 0 at the end. */
static struct tock_slice_range tock_test_walk_next(struct tock_test_walk *w,
						   size_t len)
{
	if (w->len == TOCK_TEST_LEN_UNSET)
		w->len = len;
	return TOCK_RANGE(w->done, w->done + min_t(size_t, w->len - w->done,
						   TOCK_TEST_STEP));
}

static int tock_test_fill_step(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_test_walk *w = ctx;
	struct tock_rw_slice part, chunk;
	struct tock_rw_chunks it;
	u8 fill[TOCK_TEST_COPY];

	if (w->len != TOCK_TEST_LEN_UNSET && tock_rw_slice_len(s) != w->len)
		return -ECANCELED;
	if (tock_rw_slice_sub(s, tock_test_walk_next(w, tock_rw_slice_len(s)),
			      &part))
		return -ECANCELED;
	memset(fill, w->byte, sizeof(fill));
	tock_rw_slice_chunks(&part, sizeof(fill), &it);
	while (tock_rw_chunks_next(&it, &chunk))
		tock_rw_slice_copy_from(&chunk, fill, tock_rw_slice_len(&chunk));
	w->done += tock_rw_slice_len(&part);
	return 0;
}

static int tock_test_sum_step(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_test_walk *w = ctx;
	struct tock_ro_slice part, chunk;
	struct tock_ro_chunks it;
	u8 copy[TOCK_TEST_COPY];
	size_t i, n;

	if (w->len != TOCK_TEST_LEN_UNSET && tock_ro_slice_len(s) != w->len)
		return -ECANCELED;
	if (tock_ro_slice_sub(s, tock_test_walk_next(w, tock_ro_slice_len(s)),
			      &part))
		return -ECANCELED;
	tock_ro_slice_chunks(&part, sizeof(copy), &it);
	while (tock_ro_chunks_next(&it, &chunk)) {
		n = tock_ro_slice_len(&chunk);
		tock_ro_slice_copy_to(&chunk, copy, n);
		for (i = 0; i < n; i++)
			w->sum += copy[i];
	}
	w->done += tock_ro_slice_len(&part);
	return 0;
}

/* Whether @w may go on over the buffer that the slot now holds at @ptr. */
static bool tock_test_walk_begin(struct tock_test_walk *w,
				 const void __user *ptr)
{
	if (w->len == TOCK_TEST_LEN_UNSET) {
		w->ptr = ptr;
		return true;
	}
	return ptr == w->ptr;
}

/* Whether the walk is over, with @ret from its last step. */
static bool tock_test_walk_over(const struct tock_test_walk *w, int ret)
{
	return ret || w->done == w->len;
}

/*
 * Whether to take another step after one that returned @ret; in process
 * context, reschedule first if so.
 */
static bool tock_test_walk_again(const struct tock_test_walk *w, int ret,
				 enum tock_test_steps steps, const bool *stop)
{
	if (tock_test_walk_over(w, ret) || steps == TOCK_TEST_ONE_STEP)
		return false;
	if (stop && READ_ONCE(*stop))
		return false;
	/* Between enters, with no access open. */
	cond_resched();
	return true;
}

/*
 * Fill read-write allow 0 with @w: one step, or all of them (watching
 * @stop, if given, between steps).  0 or -errno.
 */
static int tock_test_fill_rw0(struct tock_grant *g, struct tock_test_walk *w,
			      enum tock_test_steps steps, const bool *stop)
{
	struct tock_rw_buffer_ref ref;
	int ret;

	ret = tock_grant_rw_buffer_get(g, 0, &ref);
	if (ret)
		return ret;
	if (tock_test_walk_begin(w, tock_rw_buffer_ptr(&ref.buffer))) {
		do {
			ret = tock_rw_buffer_mut_enter(&ref.buffer,
						       tock_test_fill_step, w);
		} while (tock_test_walk_again(w, ret, steps, stop));
	} else {
		ret = -ECANCELED;
	}
	tock_rw_buffer_ref_put(&ref);
	return ret;
}

/* Fill userspace-readable allow 0 with @w, to the end; 0 or -errno. */
static int tock_test_fill_ur0(struct tock_grant *g, struct tock_test_walk *w)
{
	struct tock_ur_buffer_ref ref;
	int ret;

	ret = tock_grant_ur_buffer_get(g, 0, &ref);
	if (ret)
		return ret;
	do {
		ret = tock_ur_buffer_mut_enter(&ref.buffer, tock_test_fill_step,
					       w);
	} while (tock_test_walk_again(w, ret, TOCK_TEST_ALL_STEPS, NULL));
	tock_ur_buffer_ref_put(&ref);
	return ret;
}

/* Sum read-only allow @num with @w, like tock_test_fill_rw0(). */
static int tock_test_sum_ro(struct tock_grant *g, u32 num,
			    struct tock_test_walk *w,
			    enum tock_test_steps steps, const bool *stop)
{
	struct tock_ro_buffer_ref ref;
	int ret;

	ret = tock_grant_ro_buffer_get(g, num, &ref);
	if (ret)
		return ret;
	if (tock_test_walk_begin(w, tock_ro_buffer_ptr(&ref.buffer))) {
		do {
			ret = tock_ro_buffer_enter(&ref.buffer,
						   tock_test_sum_step, w);
		} while (tock_test_walk_again(w, ret, steps, stop));
	} else {
		ret = -ECANCELED;
	}
	tock_ro_buffer_ref_put(&ref);
	return ret;
}

static void tock_test_walk_init(struct tock_test_walk *w, u8 byte)
{
	*w = (struct tock_test_walk){ .len = TOCK_TEST_LEN_UNSET, .byte = byte };
}

/*
 * End a delayed request: queue its upcall and free it, unless CANCEL is
 * stopping it.  A walk that failed reports its status and zero values.
 */
static void tock_test_req_end(struct tock_test_app *app,
			      struct tock_test_req *req, u32 num, int ret)
{
	const struct tock_test_walk *w = &req->walk;
	u32 status = tock_errno_to_status(ret);

	spin_lock_bh(&app->lock);
	if (!req->stop) {
		if (num == TOCK_TEST_UPCALL_FILL)
			tock_grant_schedule_upcall(app->g, num, status,
						   ret ? 0 : w->done, 0);
		else
			tock_grant_schedule_upcall(app->g, num, status,
						   ret ? 0 : w->sum,
						   ret ? 0 : w->done);
		req->busy = false;
	}
	spin_unlock_bh(&app->lock);
}

/* Timer callbacks run in softirq context: one bounded step, then work. */
static void tock_test_fill_timer(struct timer_list *t)
{
	struct tock_test_app *app = from_timer(app, t, fill.timer);
	struct tock_test_walk *w = &app->fill.walk;
	int ret = tock_test_fill_rw0(app->g, w, TOCK_TEST_ONE_STEP, NULL);

	if (tock_test_walk_over(w, ret))
		tock_test_req_end(app, &app->fill, TOCK_TEST_UPCALL_FILL, ret);
	else
		queue_work(system_unbound_wq, &app->fill.work);
}

static void tock_test_fill_work(struct work_struct *work)
{
	struct tock_test_app *app = container_of(work, struct tock_test_app,
						 fill.work);
	int ret = tock_test_fill_rw0(app->g, &app->fill.walk,
				     TOCK_TEST_ALL_STEPS, &app->fill.stop);

	tock_test_req_end(app, &app->fill, TOCK_TEST_UPCALL_FILL, ret);
}

static void tock_test_sum_timer(struct timer_list *t)
{
	struct tock_test_app *app = from_timer(app, t, sum.timer);
	struct tock_test_walk *w = &app->sum.walk;
	int ret = tock_test_sum_ro(app->g, 0, w, TOCK_TEST_ONE_STEP, NULL);

	if (tock_test_walk_over(w, ret))
		tock_test_req_end(app, &app->sum, TOCK_TEST_UPCALL_SUM, ret);
	else
		queue_work(system_unbound_wq, &app->sum.work);
}

static void tock_test_sum_work(struct work_struct *work)
{
	struct tock_test_app *app = container_of(work, struct tock_test_app,
						 sum.work);
	int ret = tock_test_sum_ro(app->g, 0, &app->sum.walk,
				   TOCK_TEST_ALL_STEPS, &app->sum.stop);

	tock_test_req_end(app, &app->sum, TOCK_TEST_UPCALL_SUM, ret);
}

/*
 * Busy-wait inside the enter: the access stays open, nothing sleeps.  The
 * time is the monotonic clock's, which the process measures the hold by;
 * mdelay() alone follows the delay loop, which a virtual machine's host
 * can run at another pace.
 */
static int tock_test_hold(const struct tock_rw_slice *s, void *ctx)
{
	ktime_t end = ktime_add_ms(ktime_get(), *(u32 *)ctx);

	while (ktime_before(ktime_get(), end))
		mdelay(TOCK_TEST_HOLD_STEP_MS);
	return tock_rw_slice_len(s);
}

static void tock_test_hold_work(struct work_struct *work)
{
	struct tock_test_app *app = container_of(work, struct tock_test_app,
						 hold_work);
	struct tock_rw_buffer_ref ref;
	u32 ms = app->hold_ms;
	int ret;

	ret = tock_grant_rw_buffer_get(app->g, 0, &ref);
	if (!ret) {
		ret = tock_rw_buffer_mut_enter(&ref.buffer, tock_test_hold,
					       &ms);
		tock_rw_buffer_ref_put(&ref);
	}
	spin_lock_bh(&app->lock);
	tock_grant_schedule_upcall(app->g, TOCK_TEST_UPCALL_FILL,
				   ret < 0 ? tock_errno_to_status(ret) :
					     TOCK_STATUS_SUCCESS,
				   ret < 0 ? 0 : ret, 0);
	app->hold_busy = false;
	spin_unlock_bh(&app->lock);
}

static struct tock_command_ret tock_test_arm(struct tock_test_app *app,
					     struct tock_test_req *req,
					     u64 delay_ms, u8 byte)
{
	if (delay_ms > TOCK_TEST_MAX_DELAY_MS)
		return tock_ret_failure(TOCK_STATUS_INVAL);
	spin_lock_bh(&app->lock);
	if (req->busy) {
		spin_unlock_bh(&app->lock);
		return tock_ret_failure(TOCK_STATUS_BUSY);
	}
	req->busy = true;
	/* Safe: nothing else touches the walk of a request not busy. */
	tock_test_walk_init(&req->walk, byte);
	mod_timer(&req->timer, jiffies + msecs_to_jiffies(delay_ms));
	spin_unlock_bh(&app->lock);
	return tock_ret_success();
}

static struct tock_command_ret tock_test_hold_later(struct tock_test_app *app,
						    u64 ms)
{
	if (ms > TOCK_TEST_MAX_HOLD_MS)
		return tock_ret_failure(TOCK_STATUS_INVAL);
	spin_lock_bh(&app->lock);
	if (app->hold_busy) {
		spin_unlock_bh(&app->lock);
		return tock_ret_failure(TOCK_STATUS_BUSY);
	}
	app->hold_busy = true;
	app->hold_ms = ms;
	spin_unlock_bh(&app->lock);
	queue_work(system_unbound_wq, &app->hold_work);
	return tock_ret_success();
}

static void tock_test_req_set_stop(struct tock_test_app *app,
				   struct tock_test_req *req, bool stop)
{
	spin_lock_bh(&app->lock);
	WRITE_ONCE(req->stop, stop);
	spin_unlock_bh(&app->lock);
}

/*
 * Stop @req wherever it is; true if it was in flight, and then it ends
 * without an upcall.
 */
static bool tock_test_req_cancel(struct tock_test_app *app,
				 struct tock_test_req *req)
{
	bool cancelled;

	tock_test_req_set_stop(app, req, true);
	/* The timer may queue the work: stop it first. */
	timer_delete_sync(&req->timer);
	cancel_work_sync(&req->work);
	spin_lock_bh(&app->lock);
	cancelled = req->busy;
	req->busy = false;
	WRITE_ONCE(req->stop, false);
	spin_unlock_bh(&app->lock);
	return cancelled;
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
	struct tock_test_walk w;
	int ret;

	tock_test_walk_init(&w, arg1);
	switch (cmd) {
	case TOCK_TEST_CMD_SUM_NOW:
		if (arg1 > U32_MAX)
			return tock_ret_failure(TOCK_STATUS_INVAL);
		ret = tock_test_sum_ro(g, arg1, &w, TOCK_TEST_ALL_STEPS, NULL);
		if (ret)
			return tock_ret_failure(tock_errno_to_status(ret));
		return tock_ret_success_u32(w.sum);
	case TOCK_TEST_CMD_FILL_NOW:
		ret = tock_test_fill_rw0(g, &w, TOCK_TEST_ALL_STEPS, NULL);
		break;
	default:
		ret = tock_test_fill_ur0(g, &w);
		break;
	}
	if (ret)
		return tock_ret_failure(tock_errno_to_status(ret));
	return tock_ret_success_u32(w.done);
}

static struct tock_command_ret tock_test_command(struct tock_grant *g,
						 u32 cmd, u64 arg1, u64 arg2)
{
	struct tock_test_app *app = tock_grant_data(g);
	bool cancelled;

	switch (cmd) {
	case TOCK_TEST_CMD_FILL_LATER:
		return tock_test_arm(app, &app->fill, arg1, arg2);
	case TOCK_TEST_CMD_SUM_LATER:
		return tock_test_arm(app, &app->sum, arg1, 0);
	case TOCK_TEST_CMD_SUM_NOW:
	case TOCK_TEST_CMD_FILL_NOW:
	case TOCK_TEST_CMD_FILL_UR_NOW:
		return tock_test_now(g, cmd, arg1);
	case TOCK_TEST_CMD_CANCEL:
		cancelled = tock_test_req_cancel(app, &app->fill);
		cancelled |= tock_test_req_cancel(app, &app->sum);
		return cancelled ? tock_ret_success() :
				   tock_ret_failure(TOCK_STATUS_ALREADY);
	case TOCK_TEST_CMD_UPCALLS:
		return tock_test_upcalls(g, arg1, arg2);
	case TOCK_TEST_CMD_RETURN:
		return tock_test_return(arg1, arg2);
	case TOCK_TEST_CMD_HOLD_LATER:
		return tock_test_hold_later(app, arg1);
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
	spin_lock_init(&app->lock);
	timer_setup(&app->fill.timer, tock_test_fill_timer, 0);
	INIT_WORK(&app->fill.work, tock_test_fill_work);
	timer_setup(&app->sum.timer, tock_test_sum_timer, 0);
	INIT_WORK(&app->sum.work, tock_test_sum_work);
	INIT_WORK(&app->hold_work, tock_test_hold_work);
	return 0;
}

static void tock_test_process_exit(struct tock_grant *g)
{
	struct tock_test_app *app = tock_grant_data(g);

	/*
	 * The timers queue the work items: shut them down first.  The
	 * buffers are dead, so a running fill or sum ends at its next step;
	 * a running hold keeps its access open to its end, and the core's
	 * teardown has already waited for that.
	 */
	tock_timer_shutdown_sync(&app->fill.timer);
	tock_timer_shutdown_sync(&app->sum.timer);
	cancel_work_sync(&app->fill.work);
	cancel_work_sync(&app->sum.work);
	cancel_work_sync(&app->hold_work);
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
