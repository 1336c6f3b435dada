// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow processes: one per open /dev/tock, bound to the opener's mm,
 * with its grant table, the allow slot swaps and command dispatch.
 */
#include <linux/export.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "tock_internal.h"

/* Every live process, so that unregistering a driver can reach its grants. */
static LIST_HEAD(tock_processes);
static DEFINE_MUTEX(tock_processes_lock);	/* protects tock_processes */

/**
 * tock_process_alloc() - create a Tock process bound to current's mm
 *
 * Context: Process context; sleeps.
 * Return: the process with one reference, or NULL without memory or mm.
 */
struct tock_process *tock_process_alloc(void)
{
	struct tock_process *proc;

	if (!current->mm)
		return NULL;
	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return NULL;
	kref_init(&proc->ref);
	mutex_init(&proc->lock);
	xa_init(&proc->grants);
	spin_lock_init(&proc->upcall_lock);
	INIT_LIST_HEAD(&proc->upcalls);
	init_waitqueue_head(&proc->upcall_wq);
	proc->mm = current->mm;
	mmgrab(proc->mm);
	proc->pid = get_pid(task_tgid(current));

	mutex_lock(&tock_processes_lock);
	list_add(&proc->node, &tock_processes);
	mutex_unlock(&tock_processes_lock);
	return proc;
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_alloc);

static void tock_process_release(struct kref *ref)
{
	struct tock_process *proc = container_of(ref, struct tock_process, ref);

	WARN_ON_ONCE(!list_empty(&proc->upcalls));
	xa_destroy(&proc->grants);
	put_pid(proc->pid);
	mmdrop(proc->mm);
	kfree(proc);
}

/**
 * tock_process_put() - drop a reference on a process
 * @proc: the process
 *
 * Context: Process context or tock_wq; the last reference drops the mm.
 */
void tock_process_put(struct tock_process *proc)
{
	kref_put(&proc->ref, tock_process_release);
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_put);

/**
 * tock_process_close() - end a process, as closing its file does
 * @proc: the process; the caller's reference is dropped
 *
 * Kills every buffer, drops queued upcalls, tells each driver and releases
 * every pin the process holds before returning (drivers drop their grant
 * references in process_exit).
 *
 * Context: Process context; sleeps.
 */
void tock_process_close(struct tock_process *proc)
{
	struct tock_upcall *up, *tmp;
	struct tock_grant *g;
	unsigned long idx;
	LIST_HEAD(grants_gone);

	mutex_lock(&tock_processes_lock);
	list_del(&proc->node);
	mutex_unlock(&tock_processes_lock);

	spin_lock_irq(&proc->upcall_lock);
	proc->dead = true;
	spin_unlock_irq(&proc->upcall_lock);

	mutex_lock(&proc->lock);
	proc->closed = true;
	xa_for_each(&proc->grants, idx, g) {
		xa_erase(&proc->grants, idx);
		mutex_unlock(&proc->lock);
		tock_grant_teardown(g);
		mutex_lock(&proc->lock);
	}
	mutex_unlock(&proc->lock);

	/* Nothing can queue now: @dead is set and every grant is gone. */
	list_for_each_entry_safe(up, tmp, &proc->upcalls, node)
		kfree(up);
	INIT_LIST_HEAD(&proc->upcalls);
	proc->nr_upcalls = 0;

	/* Grants free from tock_wq; finish before the file is gone. */
	tock_process_put(proc);
	flush_workqueue(tock_wq);
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_close);

/**
 * tock_process_check_mm() - refuse callers outside the opener's mm
 * @proc: the process
 *
 * A forked child that inherited the file, a receiver of the file over a
 * socket and the opener after execve() all have another mm.
 *
 * Context: Process context.
 * Return: 0, or -EPERM.
 */
int tock_process_check_mm(struct tock_process *proc)
{
	return current->mm == proc->mm ? 0 : -EPERM;
}

/**
 * tock_process_grant() - find or create the process's grant for a driver
 * @proc: the process
 * @drv: the driver, referenced by the caller
 *
 * Context: Process context with @proc->lock held; sleeps.
 * Return: the grant (the table holds the reference), or ERR_PTR(-ENODEV)
 * once the process is closed or the driver is going, or another ERR_PTR
 * from tock_grant_alloc().
 */
struct tock_grant *tock_process_grant(struct tock_process *proc,
				      struct tock_driver *drv)
{
	struct tock_grant *g;
	int ret;

	lockdep_assert_held(&proc->lock);
	if (proc->closed)
		return ERR_PTR(-ENODEV);
	g = xa_load(&proc->grants, drv->num);
	/* An unregistered driver's number may be reused before we're reached. */
	if (g)
		return g->drv == drv ? g : ERR_PTR(-ENODEV);
	g = tock_grant_alloc(proc, drv);
	if (IS_ERR(g))
		return g;
	/* @proc->lock serialises stores; reclaim never takes it. */
	ret = xa_err(xa_store(&proc->grants, drv->num, g, GFP_KERNEL));
	if (ret) {
		tock_grant_teardown(g);
		return ERR_PTR(ret);
	}
	return g;
}

/**
 * tock_process_remove_driver() - tear down every process's grant for @drv
 * @drv: a driver no longer in the registry
 *
 * Context: Process context; sleeps.
 */
void tock_process_remove_driver(struct tock_driver *drv)
{
	struct tock_process *proc;
	struct tock_grant *g;

	mutex_lock(&tock_processes_lock);
	list_for_each_entry(proc, &tock_processes, node) {
		mutex_lock(&proc->lock);
		g = xa_erase(&proc->grants, drv->num);
		mutex_unlock(&proc->lock);
		if (g)
			tock_grant_teardown(g);
	}
	mutex_unlock(&tock_processes_lock);
}

/* Map a tock_buf_create() error onto the Tock error the allow table gives. */
static u32 tock_allow_status(int err)
{
	switch (err) {
	case -ENOMEM:
		return TOCK_STATUS_NOMEM;
	case -EAGAIN:
	case -EINTR:
		return TOCK_STATUS_FAIL;
	default:
		return TOCK_STATUS_INVAL;
	}
}

/*
 * Pin @req's range (outside every lock), then swap it into the slot and
 * kill the old buffer: once this returns, no driver is inside an access to
 * the old buffer.
 */
static u32 tock_process_do_allow(struct tock_process *proc,
				 struct tock_driver *drv,
				 enum tock_allow_kind kind,
				 struct tock_ioc_allow *req)
{
	struct tock_slot slot = { NULL, req->addr, req->size };
	struct tock_grant *g;
	u32 status;

	if (req->size) {
		if (drv->allow_check) {
			mutex_lock(&proc->lock);
			g = tock_process_grant(proc, drv);
			if (IS_ERR(g))
				status = tock_errno_to_status(PTR_ERR(g));
			else
				status = drv->allow_check(g, kind,
							  req->allow_num,
							  req->addr, req->size);
			mutex_unlock(&proc->lock);
			if (status)
				return status;
		}
		slot.buf = tock_buf_create(proc->mm, req->addr, req->size,
					   kind != TOCK_ALLOW_RO);
		if (IS_ERR(slot.buf))
			return tock_allow_status(PTR_ERR(slot.buf));
	}

	mutex_lock(&proc->lock);
	g = tock_process_grant(proc, drv);
	if (IS_ERR(g)) {
		mutex_unlock(&proc->lock);
		if (slot.buf)
			tock_buf_put(slot.buf);
		return tock_errno_to_status(PTR_ERR(g));
	}
	tock_grant_swap_slot(g, kind, req->allow_num, &slot);
	mutex_unlock(&proc->lock);

	if (slot.buf) {
		tock_buf_kill(slot.buf);
		tock_buf_put(slot.buf);
	}
	req->addr = slot.addr;
	req->size = slot.len;
	return TOCK_STATUS_SUCCESS;
}

/**
 * tock_process_allow() - the allow system calls
 * @proc: the calling process
 * @kind: read-only, read-write or userspace-readable
 * @req: the request; its results are filled in
 *
 * Implements SPEC's allow table: Success with the previous buffer, or
 * Failure with the passed buffer and the slot unchanged.
 *
 * Context: Process context of @proc's owner; sleeps.
 */
void tock_process_allow(struct tock_process *proc, enum tock_allow_kind kind,
			struct tock_ioc_allow *req)
{
	struct tock_driver *drv;
	u32 status;

	drv = tock_driver_get(req->driver);
	if (!drv) {
		status = TOCK_STATUS_NODEVICE;
	} else if (req->allow_num >= drv->allow_counts[kind]) {
		status = TOCK_STATUS_NOSUPPORT;
		tock_driver_put(drv);
	} else {
		status = tock_process_do_allow(proc, drv, kind, req);
		tock_driver_put(drv);
	}
	req->status = status;
	req->rtype = status ? TOCK_RET_FAILURE_U32_U32 :
			      TOCK_RET_SUCCESS_U32_U32;
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_allow);

/**
 * tock_process_command() - the command system call
 * @proc: the calling process
 * @req: the request; its results are filled in
 *
 * Command 0 answers whether the driver exists without calling it.
 *
 * Context: Process context of @proc's owner; sleeps.
 */
void tock_process_command(struct tock_process *proc,
			  struct tock_ioc_command *req)
{
	struct tock_command_ret ret;
	struct tock_driver *drv;
	struct tock_grant *g;

	drv = tock_driver_get(req->driver);
	if (!drv) {
		ret = tock_ret_failure(TOCK_STATUS_NODEVICE);
	} else if (req->command_num == 0) {
		ret = tock_ret_success();
	} else {
		/* A buffer killed by a huge-page split may be coming back. */
		tock_buf_sync_revalidations();
		mutex_lock(&proc->lock);
		g = tock_process_grant(proc, drv);
		if (!IS_ERR(g))
			tock_grant_get(g);
		mutex_unlock(&proc->lock);
		if (IS_ERR(g)) {
			ret = tock_ret_failure(tock_errno_to_status(PTR_ERR(g)));
		} else {
			ret = drv->command(g, req->command_num, req->arg1,
					   req->arg2);
			tock_grant_put(g);
		}
	}
	if (drv)
		tock_driver_put(drv);
	req->rtype = ret.rtype;
	memcpy(req->data, ret.data, sizeof(req->data));
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_command);
