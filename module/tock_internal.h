/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tockallow internals shared by the core's files; drivers never see these.
 */
#ifndef _TOCK_INTERNAL_H
#define _TOCK_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <kunit/visibility.h>

#include <tock/driver.h>
#include <tockallow.h>

#include "tock_notifier.h"

/* Upcalls a process may have queued at once, like Tock's task queue. */
#define TOCK_MAX_PENDING_UPCALLS	256

/*
 * struct tock_buf - one pinned, allowed range of process memory.
 *
 * Reached by a slot and by the driver refs taken on it; kref-counted.  The
 * pages stay pinned until the last reference goes; liveness (@live) is
 * separate and only says whether drivers may still enter it.
 */
struct tock_buf {
	struct kref ref;
	spinlock_t lock;		/* protects @live, @suspect, @active */
	bool live;			/* drivers may enter */
	bool suspect;			/* dead only until revalidated */
	unsigned int active;		/* enters in flight */
	wait_queue_head_t idle;		/* woken when @active drops to 0 */
	struct tock_process_byte *kaddr; /* kernel view of the first byte */
	void *vmap_base;		/* vmap() of @pages, or NULL */
	size_t len;
	u64 uaddr;			/* as the process passed it */
	unsigned long first;		/* untagged start, page aligned */
	struct page **pages;
	unsigned long npages;
	bool writable;
	struct mm_struct *mm;		/* mmgrab(): pinned_vm charged here */
	struct user_struct *user;	/* locked_vm charged, or NULL */
	bool notifier_inserted;
	struct mmu_interval_notifier notifier;
	struct work_struct release_work; /* last put from atomic context */
	struct work_struct reval_work;	/* holds a reference while queued */
};

struct tock_buf *tock_buf_create(struct mm_struct *mm, u64 uaddr, u64 len,
				 bool writable);
void tock_buf_kill(struct tock_buf *b);
void tock_buf_put(struct tock_buf *b);
void tock_buf_put_async(struct tock_buf *b);
bool tock_buf_access_begin(struct tock_buf *b);
void tock_buf_access_end(struct tock_buf *b);
bool tock_buf_is_live(struct tock_buf *b);
void tock_buf_sync_revalidations(void);

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
	spinlock_t lock;
	bool alive;
	struct tock_slot *slots[TOCK_ALLOW_KINDS];
	struct tock_subscription *subs;	/* protected by proc->upcall_lock */
	void *data;			/* the driver's grant_size bytes */
	struct work_struct release_work;
};

/* A queued upcall, or a bare return value when @upcall is 0. */
struct tock_upcall {
	struct list_head node;
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
 * ioctl runs), the global process list, and grants; kref-counted.
 */
struct tock_process {
	struct kref ref;
	struct mm_struct *mm;		/* mmgrab(): the opener's mm */
	struct pid *pid;		/* the opener's thread group */
	/* protects @grants, @closed and slot swaps */
	struct mutex lock;
	struct xarray grants;		/* driver number -> struct tock_grant */
	bool closed;
	/* protects @upcalls, @nr_upcalls, @dead and every grant's subs */
	spinlock_t upcall_lock;
	struct list_head upcalls;
	unsigned int nr_upcalls;
	bool dead;			/* no more upcalls */
	wait_queue_head_t upcall_wq;
	struct list_head node;		/* on tock_processes */
};

extern struct workqueue_struct *tock_wq;

struct tock_process *tock_process_alloc(void);
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
bool tock_process_upcall_pending(struct tock_process *proc);
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
