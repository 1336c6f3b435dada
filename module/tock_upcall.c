// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow upcalls: subscriptions, the per-process upcall queue and the
 * yield system call that drains it.
 */
#include <linux/export.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "tock_internal.h"

/* Unqueue @up, counting it out, onto @to (a caller's list or the pool). */
static void tock_upcall_unqueue(struct tock_process *proc,
				struct tock_upcall *up, struct list_head *to)
	__must_hold(&proc->upcall_lock)
{
	lockdep_assert_held(&proc->upcall_lock);
	list_move_tail(&up->node, to);
	proc->nr_upcalls--;
	if (up->upcall)
		proc->nr_calls--;
	else
		proc->nr_values--;
}

/* Give a dequeued entry back to the process's pool. */
static void tock_upcall_free(struct tock_process *proc, struct tock_upcall *up)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&proc->upcall_lock, flags);
	list_add(&up->node, &proc->free_upcalls);
	raw_spin_unlock_irqrestore(&proc->upcall_lock, flags);
}

/*
 * Return the matching queued upcalls to the pool.  With @calls_only, only
 * those with a function to run: bare return values stay for yield-wait-for.
 */
static void __tock_process_drop_upcalls(struct tock_process *proc, u32 driver,
					u32 num, bool all, bool calls_only)
	__must_hold(&proc->upcall_lock)
{
	struct tock_upcall *up, *tmp;

	lockdep_assert_held(&proc->upcall_lock);
	list_for_each_entry_safe(up, tmp, &proc->upcalls, node) {
		if (up->driver != driver || (!all && up->num != num))
			continue;
		if (calls_only && !up->upcall)
			continue;
		tock_upcall_unqueue(proc, up, &proc->free_upcalls);
	}
}

/**
 * tock_process_drop_upcalls() - remove queued upcalls
 * @proc: the process
 * @driver: driver number
 * @num: upcall number, ignored when @all
 * @all: drop every upcall of @driver
 *
 * Context: Any context; takes @proc->upcall_lock, a raw spinlock, for a
 * walk of at most TOCK_MAX_PENDING_UPCALLS entries.
 */
void tock_process_drop_upcalls(struct tock_process *proc, u32 driver, u32 num,
			       bool all)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&proc->upcall_lock, flags);
	__tock_process_drop_upcalls(proc, driver, num, all, false);
	raw_spin_unlock_irqrestore(&proc->upcall_lock, flags);
}

/**
 * tock_process_subscribe() - the subscribe system call
 * @proc: the calling process
 * @req: the request; its results are filled in
 *
 * Swaps the slot's (upcall, userdata) and drops the slot's queued upcalls
 * that have a function to run; its queued bare return values stay for a
 * later yield-wait-for, as Tock's remove_pending_upcalls() keeps them.
 *
 * Context: Process context of @proc's owner; sleeps.
 */
void tock_process_subscribe(struct tock_process *proc,
			    struct tock_ioc_subscribe *req)
{
	struct tock_subscription sub = { req->upcall, req->userdata };
	struct tock_driver *drv;
	struct tock_grant *g;
	u32 status;

	drv = tock_driver_get(req->driver);
	if (!drv) {
		status = TOCK_STATUS_NODEVICE;
		goto fail;
	}
	if (req->subscribe_num >= drv->upcall_count) {
		status = TOCK_STATUS_NOSUPPORT;
		goto fail_put;
	}

	mutex_lock(&proc->lock);
	g = tock_process_grant(proc, drv);
	if (IS_ERR(g)) {
		mutex_unlock(&proc->lock);
		status = tock_errno_to_status(PTR_ERR(g));
		goto fail_put;
	}
	/* One section: an upcall queued after the swap carries the new one. */
	raw_spin_lock_irq(&proc->upcall_lock);
	swap(g->subs[req->subscribe_num], sub);
	__tock_process_drop_upcalls(proc, req->driver, req->subscribe_num,
				    false, true);
	raw_spin_unlock_irq(&proc->upcall_lock);
	mutex_unlock(&proc->lock);
	tock_driver_put(drv);

	req->upcall = sub.upcall;
	req->userdata = sub.userdata;
	req->rtype = TOCK_RET_SUCCESS_U32_U32;
	req->status = TOCK_STATUS_SUCCESS;
	return;

fail_put:
	tock_driver_put(drv);
fail:
	req->rtype = TOCK_RET_FAILURE_U32_U32;
	req->status = status;
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_subscribe);

/*
 * Dequeue the first upcall that @req's mode can return.  No-wait and wait
 * drop the bare return values they pass; wait-for skips everything but its
 * own (driver, number).
 */
static struct tock_upcall *tock_upcall_dequeue(struct tock_process *proc,
					       const struct tock_ioc_yield *req)
{
	struct tock_upcall *up, *tmp, *found = NULL;
	bool wait_for = req->mode == TOCK_YIELD_WAIT_FOR;
	LIST_HEAD(taken);

	raw_spin_lock_irq(&proc->upcall_lock);
	list_for_each_entry_safe(up, tmp, &proc->upcalls, node) {
		if (wait_for) {
			if (up->driver != req->driver ||
			    up->num != req->subscribe_num)
				continue;
		} else if (!up->upcall) {
			tock_upcall_unqueue(proc, up, &proc->free_upcalls);
			continue;
		}
		tock_upcall_unqueue(proc, up, &taken);
		found = up;
		break;
	}
	raw_spin_unlock_irq(&proc->upcall_lock);
	return found;
}

static bool tock_upcall_take(struct tock_process *proc,
			     const struct tock_ioc_yield *req,
			     struct tock_upcall **up)
{
	*up = tock_upcall_dequeue(proc, req);
	return *up;
}

/**
 * tock_process_yield() - the yield system call
 * @proc: the calling process
 * @req: the request; its results are filled in
 *
 * Context: Process context of @proc's owner; the waiting modes sleep
 * interruptibly.
 * Return: 0, -EINVAL for an unknown mode or stray arguments, or -EINTR when
 * a signal arrived first (nothing was dequeued).
 */
int tock_process_yield(struct tock_process *proc, struct tock_ioc_yield *req)
{
	struct tock_upcall *up = NULL;

	switch (req->mode) {
	case TOCK_YIELD_NO_WAIT:
	case TOCK_YIELD_WAIT:
		if (req->driver || req->subscribe_num)
			return -EINVAL;
		break;
	case TOCK_YIELD_WAIT_FOR:
		break;
	default:
		return -EINVAL;
	}

	if (req->mode == TOCK_YIELD_NO_WAIT)
		up = tock_upcall_dequeue(proc, req);
	else if (wait_event_interruptible(proc->upcall_wq,
					  tock_upcall_take(proc, req, &up)))
		return -EINTR;

	req->has_upcall = !!up;
	req->upcall = 0;
	req->userdata = 0;
	memset(req->args, 0, sizeof(req->args));
	if (!up)
		return 0;
	/* Wait-for hands back the values; nothing runs in userspace. */
	if (req->mode != TOCK_YIELD_WAIT_FOR) {
		req->upcall = up->upcall;
		req->userdata = up->userdata;
	}
	memcpy(req->args, up->args, sizeof(req->args));
	tock_upcall_free(proc, up);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_yield);

/**
 * tock_process_poll_events() - what poll() reports for the process
 * @proc: the process
 *
 * EPOLLIN while an upcall with a function to run is queued, so that a
 * yield-wait after poll() does not block; EPOLLRDBAND while a bare return
 * value is queued, which only yield-wait-for returns.
 *
 * Context: Any context.
 * Return: the poll mask.
 */
__poll_t tock_process_poll_events(struct tock_process *proc)
{
	__poll_t events = 0;

	if (READ_ONCE(proc->nr_calls))
		events |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(proc->nr_values))
		events |= EPOLLRDBAND;
	return events;
}
