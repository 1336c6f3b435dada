/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tockallow internals shared by the core's files; drivers never see these.
 */
#ifndef _TOCK_INTERNAL_H
#define _TOCK_INTERNAL_H

#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "tock_compat.h"

#include <tock/driver.h>
#include <tockallow.h>

#include "tock_notifier.h"

/* Upcalls a process may have queued at once, like Tock's task queue. */
#define TOCK_MAX_PENDING_UPCALLS	256

/*
 * struct tock_buf - one pinned, allowed range of process memory.
 *
 * Reached by a slot and by the driver refs taken on it; kref-counted.  The
 * pages stay pinned until the last reference goes or the owning mm is torn
 * down, whichever comes first; liveness (@live) is separate and only says
 * whether drivers may still enter it.  Nothing but tock_buf_create() sees
 * a buffer until it is fully built.
 */
struct tock_buf {
	struct kref ref;
	/* protects @live, @suspect, @active; taken from hard IRQ too */
	raw_spinlock_t lock;
	bool live;			/* drivers may enter */
	bool suspect;			/* dead only until revalidated */
	unsigned int active;		/* enters in flight */
	wait_queue_head_t idle;		/* woken when @active drops to 0 */
	struct irq_work idle_work;	/* that wake-up, from hard IRQ */
	void *kaddr;			/* in @vmap_base: the first byte */
	void *vmap_base;		/* HIGHMEM, or mapped on request */
	size_t len;
	u64 uaddr;			/* as the process passed it */
	unsigned long first;		/* untagged start, page aligned */
	unsigned long npages;
	unsigned long npinned;		/* leading @pages pinned, 0 once released */
	bool pinned_large;		/* some of them are in large folios */
	unsigned long acct_pages;	/* charged to pinned_vm (and locked_vm) */
	bool acct_locked;		/* @acct_pages charged to locked_vm too */
	bool writable;
	struct tock_process *proc;	/* referenced: mm, user, revalidations */
	bool notifier_inserted;
	struct mmu_interval_notifier notifier;
	struct work_struct release_work; /* last put from atomic context */
	struct work_struct reval_work;	/* holds a reference while queued */
	struct page **pages;		/* @npages: @inline_pages, or their own */
	struct page *inline_pages[];	/* a small buffer's, allocated with it */
};

struct tock_buf *tock_buf_create(struct tock_process *proc, u64 uaddr,
				 u64 len, bool writable);
#if TOCK_KUNIT_VISIBLE
/* A static stub point for the KUnit suites; static without KUnit. */
int tock_buf_build(struct tock_buf *b);
#endif /* TOCK_KUNIT_VISIBLE */
void tock_buf_kill(struct tock_buf *b);
void tock_buf_put(struct tock_buf *b);
void tock_buf_put_async(struct tock_buf *b);
bool tock_buf_access_begin(struct tock_buf *b);
void tock_buf_access_end(struct tock_buf *b);
bool tock_buf_is_live(struct tock_buf *b);
int tock_buf_map_contig(struct tock_buf *b);
unsigned long tock_pages_run(struct page *const *pages, unsigned long max);
void tock_buf_sync_revalidations(struct tock_process *proc);

/* One allow slot: the buffer and what the process passed. */
struct tock_slot {
	struct tock_buf *buf;	/* NULL when empty */
	u64 addr;
	u64 len;
};

struct tock_subscription {
	u64 upcall;
	u64 userdata;
};

/*
 * struct tock_grant - a process's state with one driver (Tock's grant).
 *
 * Found through the process's grant table (under the process mutex) and by
 * drivers that took a reference; kref-counted.  Holds a reference on its
 * process and on the driver's module.
 */
struct tock_grant {
	struct kref ref;
	struct tock_process *proc;
	struct tock_driver *drv;	/* valid until teardown ends */
	struct module *owner;		/* the driver's, pinned by us */
	/* protects @alive and the slots, which any context reads */
	raw_spinlock_t lock;
	bool alive;
	struct tock_slot *slots[TOCK_ALLOW_KINDS];
	struct tock_subscription *subs;	/* protected by proc->upcall_lock */
	void *data;			/* the driver's grant_size bytes */
	struct work_struct release_work;
};

/*
 * A queued upcall, or a bare return value when @upcall is 0.  Entries come
 * from the process's preallocated pool: queueing never allocates.
 */
struct tock_upcall {
	struct list_head node;		/* on the queue or the free list */
	u32 driver;
	u32 num;
	u64 upcall;
	u64 userdata;
	u32 args[3];
};

/*
 * struct tock_process - one open /dev/tock: a Tock process.
 *
 * Reached through its struct file (whose refcount keeps it alive while an
 * ioctl runs), the global process list, grants and buffers; kref-counted.
 * Frees of its grants and buffers that wait on tock_wq count in @frees,
 * so that closing can wait for its own deferred work and nobody else's.
 */
struct tock_process {
	struct kref ref;
	struct mm_struct *mm;		/* mmgrab(): the opener's mm */
	struct pid *pid;		/* the opener's thread group */
	struct user_struct *user;	/* the opener's, charged locked_vm */
	/* CAP_IPC_LOCK of the opener, asked once it is needed: TOCK_CAP_* */
	atomic_t cap_ipc_lock;
	/* protects @grants, @closed, @upcall_pool and slot swaps */
	struct mutex lock;
	struct xarray grants;		/* driver number -> struct tock_grant */
	bool closed;
	/* protects the upcall lists, counts, @dead and every grant's subs */
	raw_spinlock_t upcall_lock;
	struct list_head upcalls;
	struct list_head free_upcalls;
	struct tock_upcall *upcall_pool; /* TOCK_MAX_PENDING_UPCALLS, or NULL */
	unsigned int nr_upcalls;	/* queued, bare return values included */
	unsigned int nr_calls;		/* queued with a function to run */
	unsigned int nr_values;		/* queued bare return values */
	bool dead;			/* no more upcalls */
	wait_queue_head_t upcall_wq;
	struct irq_work upcall_work;	/* wakes @upcall_wq from hard IRQ */
	atomic_t revalidations;		/* of this process's buffers, queued */
	atomic_t frees;			/* of its grants and buffers, queued */
	wait_queue_head_t work_wq;	/* woken when either count drops to 0 */
	struct list_head node;		/* on tock_processes */
};

#define TOCK_CAP_UNKNOWN	0
#define TOCK_CAP_NO		1
#define TOCK_CAP_YES		2

extern struct workqueue_struct *tock_wq;

struct tock_process *tock_process_alloc(void);
void tock_process_work_queued(struct tock_process *proc, atomic_t *count);
void tock_process_work_done(struct tock_process *proc, atomic_t *count);
bool tock_process_can_lock(struct tock_process *proc);
void tock_process_wake(struct tock_process *proc);
void tock_process_close(struct tock_process *proc);
void tock_process_put(struct tock_process *proc);
int tock_process_check_mm(struct tock_process *proc);
struct tock_grant *tock_process_grant(struct tock_process *proc,
				      struct tock_driver *drv);
void tock_process_remove_driver(struct tock_driver *drv);

void tock_process_allow(struct tock_process *proc, enum tock_allow_kind kind,
			struct tock_ioc_allow *req);
void tock_process_subscribe(struct tock_process *proc,
			    struct tock_ioc_subscribe *req);
void tock_process_command(struct tock_process *proc,
			  struct tock_ioc_command *req);
int tock_process_yield(struct tock_process *proc, struct tock_ioc_yield *req);
__poll_t tock_process_poll_events(struct tock_process *proc);
void tock_process_drop_upcalls(struct tock_process *proc, u32 driver, u32 num,
			       bool all);

struct tock_grant *tock_grant_alloc(struct tock_process *proc,
				    struct tock_driver *drv);
void tock_grant_teardown(struct tock_grant *g);
void tock_grant_swap_slot(struct tock_grant *g, enum tock_allow_kind kind,
			  u32 num, struct tock_slot *slot);

struct tock_driver *tock_driver_get(u32 num);
void tock_driver_put(struct tock_driver *drv);
void tock_driver_grant_gone(struct tock_driver *drv);

#endif /* _TOCK_INTERNAL_H */
