// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow grants: a process's state with one driver, Tock's grant plus
 * its kernel data: the allow slots, the subscriptions and the driver's own
 * per-process memory.
 */
#include <linux/export.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "tock_internal.h"

static void tock_grant_free(struct tock_grant *g)
{
	enum tock_allow_kind kind;

	for (kind = 0; kind < TOCK_ALLOW_KINDS; kind++)
		kfree(g->slots[kind]);
	kfree(g->subs);
	kfree(g->data);
	/* The driver may be gone by now: only its module is still pinned. */
	module_put(g->owner);
	tock_process_work_done(g->proc, &g->proc->frees);
	tock_process_put(g->proc);
	kfree(g);
}

static void tock_grant_release_work(struct work_struct *work)
{
	tock_grant_free(container_of(work, struct tock_grant, release_work));
}

static void tock_grant_release(struct kref *ref)
{
	struct tock_grant *g = container_of(ref, struct tock_grant, ref);

	/* The last put may come from a driver's timer: free from tock_wq. */
	tock_process_work_queued(g->proc, &g->proc->frees);
	INIT_WORK(&g->release_work, tock_grant_release_work);
	queue_work(tock_wq, &g->release_work);
}

/**
 * tock_grant_alloc() - create a process's state with a driver
 * @proc: the process
 * @drv: the driver, referenced by the caller
 *
 * Takes a reference on @proc and on the driver's module, and runs the
 * driver's grant_init.
 *
 * Context: Process context; sleeps.  Called with @proc->lock held, which
 * no reclaim path takes.  Everything is charged to the memory cgroup of
 * the caller, the process's owner.
 * Return: the grant with one reference, or ERR_PTR(-ENOMEM), or
 * ERR_PTR(-ENODEV) when the driver's module is going away, or grant_init's
 * error.
 */
struct tock_grant *tock_grant_alloc(struct tock_process *proc,
				    struct tock_driver *drv)
{
	enum tock_allow_kind kind;
	struct tock_grant *g;
	int ret = -ENOMEM;

	lockdep_assert_held(&proc->lock);
	if (!try_module_get(drv->owner))
		return ERR_PTR(-ENODEV);
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		goto err_module_put;
	for (kind = 0; kind < TOCK_ALLOW_KINDS; kind++) {
		g->slots[kind] = kcalloc(drv->allow_counts[kind],
					 sizeof(*g->slots[kind]),
					 GFP_KERNEL_ACCOUNT);
		if (drv->allow_counts[kind] && !g->slots[kind])
			goto err_free;
	}
	g->subs = kcalloc(drv->upcall_count, sizeof(*g->subs),
			  GFP_KERNEL_ACCOUNT);
	if (drv->upcall_count && !g->subs)
		goto err_free;
	if (drv->grant_size) {
		g->data = kzalloc(drv->grant_size, GFP_KERNEL_ACCOUNT);
		if (!g->data)
			goto err_free;
	}
	kref_init(&g->ref);
	raw_spin_lock_init(&g->lock);
	g->alive = true;
	g->drv = drv;
	g->owner = drv->owner;
	g->proc = proc;
	if (drv->grant_init) {
		ret = drv->grant_init(g);
		if (ret)
			goto err_free;
	}
	kref_get(&proc->ref);
	/* Unregistering waits until every grant is torn down. */
	atomic_inc(&drv->grants);
	return g;

err_free:
	for (kind = 0; kind < TOCK_ALLOW_KINDS; kind++)
		kfree(g->slots[kind]);
	kfree(g->subs);
	kfree(g->data);
	kfree(g);
err_module_put:
	module_put(drv->owner);
	return ERR_PTR(ret);
}

/**
 * tock_grant_teardown() - end a process's state with a driver
 * @g: the grant, already out of its process's grant table
 *
 * Kills every buffer (waiting out accesses in flight), drops the queued
 * upcalls, tells the driver, then releases the buffers and the table's
 * reference.  The driver's memory is freed with the last reference; the
 * grant no longer touches the driver once this returns.
 *
 * Context: Process context; sleeps.
 */
void tock_grant_teardown(struct tock_grant *g)
{
	struct tock_slot *slot;
	enum tock_allow_kind kind;
	u32 i;

	raw_spin_lock_irq(&g->lock);
	g->alive = false;
	raw_spin_unlock_irq(&g->lock);

	for (kind = 0; kind < TOCK_ALLOW_KINDS; kind++)
		for (i = 0; i < g->drv->allow_counts[kind]; i++)
			if (g->slots[kind][i].buf)
				tock_buf_kill(g->slots[kind][i].buf);
	tock_process_drop_upcalls(g->proc, g->drv->num, 0, true);
	if (g->drv->process_exit)
		g->drv->process_exit(g);

	for (kind = 0; kind < TOCK_ALLOW_KINDS; kind++) {
		for (i = 0; i < g->drv->allow_counts[kind]; i++) {
			slot = &g->slots[kind][i];
			if (slot->buf)
				tock_buf_put(slot->buf);
			slot->buf = NULL;
		}
	}
	tock_driver_grant_gone(g->drv);
	tock_grant_put(g);
}

/**
 * tock_grant_swap_slot() - exchange a slot's contents
 * @g: the grant
 * @kind: which allow
 * @num: slot number, below the driver's count for @kind
 * @slot: (in) the new contents, (out) the old ones
 *
 * The caller kills and puts the old buffer after this returns.
 *
 * Context: Process context, with @g->proc->lock held.
 */
void tock_grant_swap_slot(struct tock_grant *g, enum tock_allow_kind kind,
			  u32 num, struct tock_slot *slot)
{
	lockdep_assert_held(&g->proc->lock);
	raw_spin_lock_irq(&g->lock);
	swap(g->slots[kind][num], *slot);
	raw_spin_unlock_irq(&g->lock);
}

/**
 * tock_grant_data() - the driver's per-process memory
 * @g: the grant
 *
 * C counterpart of the data a Tock Grant<T> holds.
 *
 * Context: Any context.
 * Return: the driver's grant_size bytes, NULL when grant_size is 0.
 */
void *tock_grant_data(struct tock_grant *g)
{
	return g->data;
}
EXPORT_SYMBOL_GPL(tock_grant_data);

/**
 * tock_grant_pid() - the process's thread-group id, for messages
 * @g: the grant
 *
 * Context: Any context.
 * Return: the opener's tgid in the initial pid namespace.
 */
pid_t tock_grant_pid(struct tock_grant *g)
{
	return pid_nr(g->proc->pid);
}
EXPORT_SYMBOL_GPL(tock_grant_pid);

/**
 * tock_grant_get() - take a reference on a grant
 * @g: the grant, which the caller already reaches legitimately
 *
 * Lets a driver keep @g for deferred work.  The driver must drop every
 * reference before its process_exit callback returns for @g.
 *
 * Context: Any context.
 */
void tock_grant_get(struct tock_grant *g)
{
	kref_get(&g->ref);
}
EXPORT_SYMBOL_GPL(tock_grant_get);

/**
 * tock_grant_put() - drop a reference on a grant
 * @g: the grant
 *
 * Context: Any context; the last reference is freed from a workqueue.
 */
void tock_grant_put(struct tock_grant *g)
{
	kref_put(&g->ref, tock_grant_release);
}
EXPORT_SYMBOL_GPL(tock_grant_put);

/* Take a reference on slot @num of @kind; the buffer may be NULL (empty). */
static int tock_grant_buffer_get(struct tock_grant *g,
				 enum tock_allow_kind kind, u32 num,
				 struct tock_buf **buf)
{
	unsigned long flags;
	int ret = 0;

	if (num >= g->drv->allow_counts[kind])
		return -EINVAL;
	raw_spin_lock_irqsave(&g->lock, flags);
	if (g->alive) {
		*buf = g->slots[kind][num].buf;
		if (*buf)
			kref_get(&(*buf)->ref);
		kref_get(&g->ref);
	} else {
		ret = -ESRCH;
	}
	raw_spin_unlock_irqrestore(&g->lock, flags);
	return ret;
}

static void tock_grant_buffer_put(struct tock_buf *buf, struct tock_grant *g)
{
	if (buf)
		tock_buf_put_async(buf);
	tock_grant_put(g);
}

/**
 * tock_grant_ro_buffer_get() - the read-only buffer in a slot
 * @g: the grant
 * @num: read-only allow number
 * @ref: the buffer, valid until tock_ro_buffer_ref_put()
 *
 * C counterpart of GrantKernelData::get_readonly_processbuffer().  An empty
 * slot gives a zero-length buffer that enters with an empty slice while the
 * process lives.
 *
 * Context: Any context; never sleeps.
 * Return: 0; -EINVAL when @num is out of range; -ESRCH when the process
 * has ended.  On error @ref is the default buffer and needs no put.
 */
int tock_grant_ro_buffer_get(struct tock_grant *g, u32 num,
			     struct tock_ro_buffer_ref *ref)
{
	int ret;

	*ref = (struct tock_ro_buffer_ref){};
	ret = tock_grant_buffer_get(g, TOCK_ALLOW_RO, num, &ref->buffer.buf);
	if (!ret)
		ref->buffer.grant = g;
	return ret;
}
EXPORT_SYMBOL_GPL(tock_grant_ro_buffer_get);

/**
 * tock_grant_rw_buffer_get() - the read-write buffer in a slot
 * @g: the grant
 * @num: read-write allow number
 * @ref: the buffer, valid until tock_rw_buffer_ref_put()
 *
 * C counterpart of GrantKernelData::get_readwrite_processbuffer().
 *
 * Context: Any context; never sleeps.
 * Return: 0; -EINVAL when @num is out of range; -ESRCH when the process
 * has ended.  On error @ref is the default buffer and needs no put.
 */
int tock_grant_rw_buffer_get(struct tock_grant *g, u32 num,
			     struct tock_rw_buffer_ref *ref)
{
	int ret;

	*ref = (struct tock_rw_buffer_ref){};
	ret = tock_grant_buffer_get(g, TOCK_ALLOW_RW, num, &ref->buffer.buf);
	if (!ret)
		ref->buffer.grant = g;
	return ret;
}
EXPORT_SYMBOL_GPL(tock_grant_rw_buffer_get);

/**
 * tock_grant_ur_buffer_get() - the userspace-readable buffer in a slot
 * @g: the grant
 * @num: userspace-readable allow number
 * @ref: the buffer, valid until tock_ur_buffer_ref_put()
 *
 * Context: Any context; never sleeps.
 * Return: 0; -EINVAL when @num is out of range; -ESRCH when the process
 * has ended.  On error @ref is the default buffer and needs no put.
 */
int tock_grant_ur_buffer_get(struct tock_grant *g, u32 num,
			     struct tock_ur_buffer_ref *ref)
{
	int ret;

	*ref = (struct tock_ur_buffer_ref){};
	ret = tock_grant_buffer_get(g, TOCK_ALLOW_UR, num, &ref->buffer.buf);
	if (!ret)
		ref->buffer.grant = g;
	return ret;
}
EXPORT_SYMBOL_GPL(tock_grant_ur_buffer_get);

/**
 * tock_ro_buffer_ref_put() - release a buffer obtained for this call
 * @ref: the reference; becomes the default buffer
 *
 * Context: Any context; never sleeps.
 */
void tock_ro_buffer_ref_put(struct tock_ro_buffer_ref *ref)
{
	if (ref->buffer.grant)
		tock_grant_buffer_put(ref->buffer.buf, ref->buffer.grant);
	*ref = (struct tock_ro_buffer_ref){};
}
EXPORT_SYMBOL_GPL(tock_ro_buffer_ref_put);

/**
 * tock_rw_buffer_ref_put() - release a buffer obtained for this call
 * @ref: the reference; becomes the default buffer
 *
 * Context: Any context; never sleeps.
 */
void tock_rw_buffer_ref_put(struct tock_rw_buffer_ref *ref)
{
	if (ref->buffer.grant)
		tock_grant_buffer_put(ref->buffer.buf, ref->buffer.grant);
	*ref = (struct tock_rw_buffer_ref){};
}
EXPORT_SYMBOL_GPL(tock_rw_buffer_ref_put);

/**
 * tock_ur_buffer_ref_put() - release a buffer obtained for this call
 * @ref: the reference; becomes the default buffer
 *
 * Context: Any context; never sleeps.
 */
void tock_ur_buffer_ref_put(struct tock_ur_buffer_ref *ref)
{
	if (ref->buffer.grant)
		tock_grant_buffer_put(ref->buffer.buf, ref->buffer.grant);
	*ref = (struct tock_ur_buffer_ref){};
}
EXPORT_SYMBOL_GPL(tock_ur_buffer_ref_put);

/**
 * tock_grant_schedule_upcall() - queue an upcall for the process
 * @g: the grant
 * @num: upcall (subscribe) number
 * @a0: first value
 * @a1: second value
 * @a2: third value
 *
 * C counterpart of GrantKernelData::schedule_upcall().  The upcall takes the
 * function subscribed now; with none it is queued as a bare return value
 * that only yield-wait-for returns.  Delivered only when the process
 * yields.  Never allocates: the entry comes from the process's own pool.
 *
 * Context: Any context, hard IRQ included (on PREEMPT_RT too: only raw
 * spinlocks are taken, and the wake-up leaves hard IRQ through an
 * irq_work); never sleeps.
 * Return: 0; -EINVAL when @num is out of range; -ESRCH when the process has
 * ended; -EBUSY when its queue is full (TOCK_MAX_PENDING_UPCALLS).
 */
int tock_grant_schedule_upcall(struct tock_grant *g, u32 num, u32 a0, u32 a1,
			       u32 a2)
{
	struct tock_process *proc = g->proc;
	struct tock_upcall *up;
	unsigned long flags;
	int ret = 0;

	if (num >= g->drv->upcall_count)
		return -EINVAL;

	raw_spin_lock_irqsave(&proc->upcall_lock, flags);
	up = list_first_entry_or_null(&proc->free_upcalls, struct tock_upcall,
				      node);
	if (proc->dead || !READ_ONCE(g->alive)) {
		ret = -ESRCH;
	} else if (!up) {
		ret = -EBUSY;
	} else {
		up->driver = g->drv->num;
		up->num = num;
		up->args[0] = a0;
		up->args[1] = a1;
		up->args[2] = a2;
		up->upcall = g->subs[num].upcall;
		up->userdata = g->subs[num].userdata;
		list_move_tail(&up->node, &proc->upcalls);
		proc->nr_upcalls++;
		if (up->upcall)
			proc->nr_calls++;
		else
			proc->nr_values++;
	}
	raw_spin_unlock_irqrestore(&proc->upcall_lock, flags);

	if (!ret)
		tock_process_wake(proc);
	return ret;
}
EXPORT_SYMBOL_GPL(tock_grant_schedule_upcall);

/**
 * tock_errno_to_status() - the Tock error code for a kernel errno
 * @err: a negative errno, as the slice and buffer helpers return
 *
 * Context: Any context.
 * Return: a TOCK_STATUS_* error code.
 */
u32 tock_errno_to_status(int err)
{
	switch (err) {
	case 0:
		return TOCK_STATUS_SUCCESS;
	case -EMSGSIZE:
		return TOCK_STATUS_SIZE;
	case -ENOMEM:
		return TOCK_STATUS_NOMEM;
	case -EBUSY:
	case -EAGAIN:
		return TOCK_STATUS_BUSY;
	case -EINVAL:
	case -ERANGE:
	case -EFAULT:
		return TOCK_STATUS_INVAL;
	case -ENODEV:
		return TOCK_STATUS_NODEVICE;
	case -EOPNOTSUPP:
		return TOCK_STATUS_NOSUPPORT;
	case -ESRCH:
	case -ECANCELED:
		return TOCK_STATUS_CANCEL;
	default:
		return TOCK_STATUS_FAIL;
	}
}
EXPORT_SYMBOL_GPL(tock_errno_to_status);
