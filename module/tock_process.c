// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow processes: one per open /dev/tock, bound to the opener's mm,
 * with its grant table, the allow slot swaps and command dispatch.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/export.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/slab.h>

#include "tock_internal.h"

/* Whom a queued upcall may concern: yield, and poll for either kind. */
#define TOCK_POLL_KEY	(EPOLLIN | EPOLLRDNORM | EPOLLRDBAND)

/*
 * Open processes per user, bounded as inotify bounds its instances: each
 * holds kernel memory (its upcall entries, grants, slots) that memory
 * cgroups charge but that a user outside a limited cgroup could multiply.
 */
static unsigned int tock_max_per_user = 1024;
module_param_named(max_processes_per_user, tock_max_per_user, uint, 0644);
MODULE_PARM_DESC(max_processes_per_user,
		 "open /dev/tock files one user may hold (default 1024)");

/* uid -> open processes of that user, as an xarray value entry */
static DEFINE_XARRAY(tock_user_procs);
static DEFINE_MUTEX(tock_user_procs_lock);	/* protects tock_user_procs */

/* Count one more process for @uid; -EMFILE past the per-user bound. */
static int tock_user_procs_inc(kuid_t uid)
{
	unsigned long key = __kuid_val(uid), n;
	int ret = 0;

	mutex_lock(&tock_user_procs_lock);
	n = xa_to_value(xa_load(&tock_user_procs, key) ?: xa_mk_value(0));
	if (n >= READ_ONCE(tock_max_per_user) && !capable(CAP_SYS_RESOURCE))
		ret = -EMFILE;
	else
		ret = xa_err(xa_store(&tock_user_procs, key, xa_mk_value(n + 1),
				      GFP_KERNEL_ACCOUNT));
	mutex_unlock(&tock_user_procs_lock);
	return ret;
}

static void tock_user_procs_dec(kuid_t uid)
{
	unsigned long key = __kuid_val(uid), n;

	mutex_lock(&tock_user_procs_lock);
	n = xa_to_value(xa_load(&tock_user_procs, key) ?: xa_mk_value(1));
	if (n <= 1)
		xa_erase(&tock_user_procs, key);
	else
		xa_store(&tock_user_procs, key, xa_mk_value(n - 1), GFP_KERNEL);
	mutex_unlock(&tock_user_procs_lock);
}

/* Every live process, so that unregistering a driver can reach its grants. */
static LIST_HEAD(tock_processes);
static DEFINE_MUTEX(tock_processes_lock);	/* protects tock_processes */

static void tock_process_upcall_work(struct irq_work *work)
{
	struct tock_process *proc = container_of(work, struct tock_process,
						 upcall_work);

	wake_up_interruptible_poll(&proc->upcall_wq, TOCK_POLL_KEY);
}

/**
 * tock_process_alloc() - create a Tock process bound to current's mm
 *
 * Its memory is charged to the opener's memory cgroup, as everything
 * allocated for it later is, and it counts against the opener's
 * max_processes_per_user.
 *
 * Context: Process context; sleeps.
 * Return: the process with one reference, or ERR_PTR(-ENOMEM) (also
 * without an mm) or ERR_PTR(-EMFILE) past the per-user bound.
 */
struct tock_process *tock_process_alloc(void)
{
	struct tock_process *proc;
	int ret;

	if (!current->mm)
		return ERR_PTR(-ENOMEM);
	proc = kzalloc(sizeof(*proc), GFP_KERNEL_ACCOUNT);
	if (!proc)
		return ERR_PTR(-ENOMEM);
	ret = tock_user_procs_inc(current_uid());
	if (ret) {
		kfree(proc);
		return ERR_PTR(ret);
	}
	kref_init(&proc->ref);
	mutex_init(&proc->lock);
	xa_init(&proc->grants);
	raw_spin_lock_init(&proc->upcall_lock);
	INIT_LIST_HEAD(&proc->upcalls);
	INIT_LIST_HEAD(&proc->free_upcalls);
	init_waitqueue_head(&proc->upcall_wq);
	init_irq_work(&proc->upcall_work, tock_process_upcall_work);
	init_waitqueue_head(&proc->work_wq);
	proc->mm = current->mm;
	mmgrab(proc->mm);
	proc->pid = get_pid(task_tgid(current));
	/* Once per process, not per allow: pins are charged to the opener. */
	proc->user = get_uid(current_user());

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
	irq_work_sync(&proc->upcall_work);
	kvfree(proc->upcall_pool);
	xa_destroy(&proc->grants);
	tock_user_procs_dec(proc->user->uid);
	free_uid(proc->user);
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
 * tock_process_work_queued() - count work queued for the process
 * @proc: the process, which the work's object references
 * @count: @proc->frees or @proc->revalidations
 *
 * Context: Any context.
 */
void tock_process_work_queued(struct tock_process *proc, atomic_t *count)
{
	atomic_inc(count);
}

/**
 * tock_process_work_done() - work counted by tock_process_work_queued() ended
 * @proc: the process, still referenced by the caller
 * @count: the count it was queued on
 *
 * Context: Any context but hard IRQ.
 */
void tock_process_work_done(struct tock_process *proc, atomic_t *count)
{
	if (atomic_dec_and_test(count))
		wake_up_all(&proc->work_wq);
}

/**
 * tock_process_can_lock() - whether the process may pin past RLIMIT_MEMLOCK
 * @proc: the process, called from its opener's context
 *
 * Asks for CAP_IPC_LOCK the first time it is needed and keeps the answer
 * for the process's life, as io_uring decides once per ring.
 *
 * Context: Process context of @proc's owner.
 * Return: true with CAP_IPC_LOCK.
 */
bool tock_process_can_lock(struct tock_process *proc)
{
	int cap = atomic_read(&proc->cap_ipc_lock);

	if (cap == TOCK_CAP_UNKNOWN) {
		cap = capable(CAP_IPC_LOCK) ? TOCK_CAP_YES : TOCK_CAP_NO;
		atomic_set(&proc->cap_ipc_lock, cap);
	}
	return cap == TOCK_CAP_YES;
}

/**
 * tock_process_wake() - wake the process's yield and poll waiters
 * @proc: the process
 *
 * Context: Any context.  A wait queue's lock is a spinlock_t, which hard
 * IRQ context may not take on PREEMPT_RT: from there the wake-up goes
 * through an irq_work.
 */
void tock_process_wake(struct tock_process *proc)
{
	if (in_hardirq())
		irq_work_queue(&proc->upcall_work);
	else
		wake_up_interruptible_poll(&proc->upcall_wq, TOCK_POLL_KEY);
}

/**
 * tock_process_close() - end a process, as closing its file does
 * @proc: the process; the caller's reference is dropped
 *
 * Kills every buffer, drops queued upcalls, tells each driver and releases
 * every pin the process holds before returning (drivers drop their grant
 * and buffer references in process_exit).  It waits for the deferred frees
 * and revalidations of this process's own grants and buffers, never for
 * anyone else's work.
 *
 * Context: Process context; sleeps.
 */
void tock_process_close(struct tock_process *proc)
{
	struct tock_grant *g;
	unsigned long idx;

	mutex_lock(&tock_processes_lock);
	list_del(&proc->node);
	mutex_unlock(&tock_processes_lock);

	raw_spin_lock_irq(&proc->upcall_lock);
	proc->dead = true;
	raw_spin_unlock_irq(&proc->upcall_lock);

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
	raw_spin_lock_irq(&proc->upcall_lock);
	list_splice_init(&proc->upcalls, &proc->free_upcalls);
	proc->nr_upcalls = 0;
	proc->nr_calls = 0;
	proc->nr_values = 0;
	raw_spin_unlock_irq(&proc->upcall_lock);

	/* Grants free from tock_wq, buffers maybe too: wait for ours. */
	wait_event(proc->work_wq, !atomic_read(&proc->frees) &&
		   !atomic_read(&proc->revalidations));
	tock_process_put(proc);
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

/*
 * Allocate the process's upcall entries once, in process context and
 * charged to its memory cgroup, so that queueing an upcall from any context
 * never allocates and one process can hold at most TOCK_MAX_PENDING_UPCALLS.
 */
static int tock_process_alloc_upcalls(struct tock_process *proc)
{
	struct tock_upcall *pool;
	int i;

	lockdep_assert_held(&proc->lock);
	if (proc->upcall_pool)
		return 0;
	pool = kvcalloc(TOCK_MAX_PENDING_UPCALLS, sizeof(*pool),
			GFP_KERNEL_ACCOUNT);
	if (!pool)
		return -ENOMEM;
	raw_spin_lock_irq(&proc->upcall_lock);
	for (i = 0; i < TOCK_MAX_PENDING_UPCALLS; i++)
		list_add_tail(&pool[i].node, &proc->free_upcalls);
	proc->upcall_pool = pool;
	raw_spin_unlock_irq(&proc->upcall_lock);
	return 0;
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
	/* Drivers reach a process only through a grant: upcalls need a pool. */
	ret = tock_process_alloc_upcalls(proc);
	if (ret)
		return ERR_PTR(ret);
	g = tock_grant_alloc(proc, drv);
	if (IS_ERR(g))
		return g;
	/* @proc->lock serialises stores; reclaim never takes it. */
	ret = xa_err(xa_store(&proc->grants, drv->num, g, GFP_KERNEL_ACCOUNT));
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
		slot.buf = tock_buf_create(proc, req->addr, req->size,
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
 * Every command goes to the driver, command 0 included, as Tock hands it
 * to the capsule (the LED driver answers it with its LED count).  A driver
 * that has no answer of its own for command 0 (it reports NOSUPPORT) gets
 * plain Success: the driver exists.
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
		goto out;
	}
	/* A buffer killed by a huge-page split may be coming back. */
	tock_buf_sync_revalidations(proc);
	mutex_lock(&proc->lock);
	g = tock_process_grant(proc, drv);
	if (!IS_ERR(g))
		tock_grant_get(g);
	mutex_unlock(&proc->lock);
	if (IS_ERR(g)) {
		ret = tock_ret_failure(tock_errno_to_status(PTR_ERR(g)));
	} else {
		ret = drv->command(g, req->command_num, req->arg1, req->arg2);
		tock_grant_put(g);
	}
	tock_driver_put(drv);
	if (req->command_num == 0 && ret.rtype == TOCK_RET_FAILURE &&
	    ret.data[0] == TOCK_STATUS_NOSUPPORT)
		ret = tock_ret_success();
out:
	req->rtype = ret.rtype;
	memcpy(req->data, ret.data, sizeof(req->data));
}
EXPORT_SYMBOL_IF_KUNIT(tock_process_command);
