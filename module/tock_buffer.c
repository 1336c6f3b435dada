// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow pinned buffers: pinning and accounting of allowed memory, the
 * interval notifier that tracks its mapping, and the liveness rule.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "tock_internal.h"

/* Pages pinned per pin_user_pages_fast() call, between cond_resched(). */
#define TOCK_PIN_CHUNK		(PAGE_SIZE / sizeof(struct page *))
/* Attempts to pin a range that keeps being invalidated while we pin it. */
#define TOCK_PIN_ATTEMPTS	8

/* Revalidations queued or running; ioctls wait for them (see below). */
static atomic_t tock_revalidations = ATOMIC_INIT(0);

/* Default per-buffer cap: large DMA-style buffers, not all of memory. */
#define TOCK_MAX_BUFFER_DEFAULT	(64UL << 20)

static unsigned long tock_max_buffer = TOCK_MAX_BUFFER_DEFAULT;
module_param_named(max_buffer_size, tock_max_buffer, ulong, 0644);
MODULE_PARM_DESC(max_buffer_size,
		 "largest buffer one allow may pin, in bytes (default 64 MiB)");

/*
 * Charge @npages to the caller's RLIMIT_MEMLOCK (user->locked_vm) unless it
 * has CAP_IPC_LOCK, and always to mm->pinned_vm, as io_uring charges
 * registered buffers.
 */
static int tock_buf_account(struct tock_buf *b)
{
	unsigned long limit, cur, next;
	struct user_struct *user;

	if (!capable(CAP_IPC_LOCK)) {
		user = current_user();
		limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
		cur = atomic_long_read(&user->locked_vm);
		do {
			if (check_add_overflow(cur, b->npages, &next) ||
			    next > limit)
				return -ENOMEM;
		} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur,
						  next));
		b->user = get_uid(user);
	}
	atomic64_add(b->npages, &b->mm->pinned_vm);
	return 0;
}

static void tock_buf_unaccount(struct tock_buf *b)
{
	if (b->user) {
		atomic_long_sub(b->npages, &b->user->locked_vm);
		free_uid(b->user);
		b->user = NULL;
	}
	atomic64_sub(b->npages, &b->mm->pinned_vm);
}

/*
 * Whether the range still maps exactly the pinned pages, writable if the
 * buffer is, and not known to be MADV_FREE'd (lazily freeable anonymous
 * memory).  Never faults anything in.
 */
static bool tock_buf_same_pages(struct tock_buf *b, struct page **pages)
{
	unsigned int gup_flags = FOLL_NOFAULT | (b->writable ? FOLL_WRITE : 0);
	unsigned long done = 0;
	struct folio *folio;
	bool same = true;
	long n, i;

	mmap_read_lock(b->mm);
	while (same && done < b->npages) {
		n = get_user_pages_remote(b->mm, b->first + done * PAGE_SIZE,
					  min(b->npages - done, TOCK_PIN_CHUNK),
					  gup_flags, pages, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			folio = page_folio(pages[i]);
			if (pages[i] != b->pages[done + i] ||
			    (folio_test_anon(folio) &&
			     !folio_test_swapbacked(folio)))
				same = false;
			put_page(pages[i]);
		}
		done += n;
	}
	mmap_read_unlock(b->mm);
	return same && done == b->npages;
}

/*
 * Revive a buffer that a huge-page split killed if its range still maps
 * the pinned pages once the invalidation is over: the split changed
 * nothing the process or the driver can see.  The pages stayed pinned
 * throughout, so reviving exposes nothing new.
 */
static void tock_buf_revalidate(struct tock_buf *b)
{
	struct page **pages;
	unsigned long seq;
	bool same;

	pages = kmalloc_array(TOCK_PIN_CHUNK, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return;
	/* Waits until the invalidation that queued us has finished. */
	seq = tock_notifier_read_begin(&b->notifier);
	same = tock_buf_same_pages(b, pages);
	kfree(pages);

	spin_lock_irq(&b->lock);
	/* A newer invalidation queued another pass; a kill ended them. */
	if (b->suspect && !tock_notifier_read_retry(&b->notifier, seq)) {
		b->live = same;
		b->suspect = false;
	}
	spin_unlock_irq(&b->lock);
}

static void tock_buf_revalidate_work(struct work_struct *work)
{
	struct tock_buf *b = container_of(work, struct tock_buf, reval_work);

	/* mm_users only for the walk: a buffer never keeps an mm alive. */
	if (mmget_not_zero(b->mm)) {
		tock_buf_revalidate(b);
		mmput_async(b->mm);
	}
	atomic_dec(&tock_revalidations);
	/* Release the reference taken in tock_buf_queue_revalidation(). */
	tock_buf_put(b);
}

/* Context: Any context, the notifier's included; never sleeps. */
static void tock_buf_queue_revalidation(struct tock_buf *b)
{
	/* The last reference may be gone, the notifier not removed yet. */
	if (!kref_get_unless_zero(&b->ref))
		return;
	atomic_inc(&tock_revalidations);
	if (!queue_work(tock_wq, &b->reval_work)) {
		atomic_dec(&tock_revalidations);
		tock_buf_put_async(b);
	}
}

/**
 * tock_buf_sync_revalidations() - wait for queued buffer revalidations
 *
 * A process that forks, then commands a driver, must find its buffers
 * revalidated: system calls wait for revalidations before acting.
 *
 * Context: Process context, no tockallow lock held; sleeps only while a
 * revalidation is pending.
 */
void tock_buf_sync_revalidations(void)
{
	if (atomic_read(&tock_revalidations))
		flush_workqueue(tock_wq);
}

/*
 * The interval notifier marks the buffer dead when its range is unmapped,
 * zapped or torn down, and waits for enters in flight so that munmap returns
 * only once no driver touches the old buffer.  What may be a huge-page
 * split only suspends the buffer until tock_buf_revalidate() has looked at
 * the range again.  The
 * notifier never unpins: the pages stay pinned until the last reference
 * goes.
 */
static bool tock_buf_invalidate(struct mmu_interval_notifier *sub,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)
{
	struct tock_buf *b = container_of(sub, struct tock_buf, notifier);
	bool blockable = mmu_notifier_range_blockable(range);
	bool revalidate = false;
	unsigned long flags;

	if (!tock_notifier_kills(range))
		return true;

	spin_lock_irqsave(&b->lock, flags);
	/* The OOM reaper can't wait: let it retry later. */
	if (!blockable && b->active) {
		spin_unlock_irqrestore(&b->lock, flags);
		return false;
	}
	tock_notifier_set_seq(sub, cur_seq);
	/* Killed for good (or never live yet) stays so. */
	if (b->live || b->suspect) {
		b->suspect = tock_notifier_may_keep(range);
		revalidate = b->suspect;
	}
	b->live = false;
	spin_unlock_irqrestore(&b->lock, flags);

	if (revalidate)
		tock_buf_queue_revalidation(b);
	if (blockable)
		wait_event(b->idle, !READ_ONCE(b->active));
	return true;
}

static const struct mmu_interval_notifier_ops tock_buf_notifier_ops = {
	.invalidate = tock_buf_invalidate,
};

/* Pin every page of @b, in chunks; all or nothing. */
static int tock_buf_pin(struct tock_buf *b, unsigned long start)
{
	unsigned int gup_flags = FOLL_LONGTERM | (b->writable ? FOLL_WRITE : 0);
	unsigned long done = 0;
	long ret;

	while (done < b->npages) {
		ret = pin_user_pages_fast(start + done * PAGE_SIZE,
					  min(b->npages - done, TOCK_PIN_CHUNK),
					  gup_flags, b->pages + done);
		if (ret <= 0) {
			unpin_user_pages(b->pages, done);
			return ret ? ret : -EFAULT;
		}
		done += ret;
		cond_resched();
	}
	return 0;
}

/*
 * Pin the range and make @b live, unless the range was invalidated while we
 * pinned it (pinning itself may break COW or unshare a page); then pin again.
 */
static int tock_buf_pin_live(struct tock_buf *b, unsigned long start)
{
	unsigned long seq;
	int attempt, ret;

	for (attempt = 0; attempt < TOCK_PIN_ATTEMPTS; attempt++) {
		seq = tock_notifier_read_begin(&b->notifier);
		ret = tock_buf_pin(b, start);
		if (ret)
			return ret;

		spin_lock_irq(&b->lock);
		if (!tock_notifier_read_retry(&b->notifier, seq)) {
			b->live = true;
			spin_unlock_irq(&b->lock);
			return 0;
		}
		spin_unlock_irq(&b->lock);
		unpin_user_pages(b->pages, b->npages);
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return -EAGAIN;
}

/* Give the pinned pages one contiguous kernel view. */
static int tock_buf_map(struct tock_buf *b, unsigned long offset)
{
	void *base;

	if (b->npages == 1 && !PageHighMem(b->pages[0])) {
		base = page_address(b->pages[0]);
	} else {
		b->vmap_base = vmap(b->pages, b->npages, VM_MAP, PAGE_KERNEL);
		if (!b->vmap_base)
			return -ENOMEM;
		base = b->vmap_base;
	}
	b->kaddr = base + offset;
	return 0;
}

/**
 * tock_buf_create() - pin and account an allowed range
 * @mm: the process's mm, which must be current->mm
 * @uaddr: start as the process passed it (possibly tagged)
 * @len: length, not 0
 * @writable: pin for writing (read-write and userspace-readable allows)
 *
 * Context: Process context of the owning process; sleeps.  No tockallow
 * lock may be held: this takes mmap_lock and faults pages in.
 * Return: a live buffer with one reference, or ERR_PTR: -EFAULT when the
 * range is not entirely mapped with the needed access, is VM_IO/PFNMAP or
 * reaches kernel addresses; -ENOMEM over the size cap or RLIMIT_MEMLOCK or
 * out of memory; -EAGAIN if the range kept changing; -EINTR on a fatal
 * signal.
 */
struct tock_buf *tock_buf_create(struct mm_struct *mm, u64 uaddr, u64 len,
				 bool writable)
{
	unsigned long start = untagged_addr(uaddr);
	unsigned long end, first;
	struct tock_buf *b;
	int ret;

	/* TASK_SIZE is the caller's: 4 GiB for a 32-bit (compat) process. */
	if (check_add_overflow(start, (unsigned long)len, &end) ||
	    len != (unsigned long)len || end > TASK_SIZE ||
	    !access_ok(u64_to_user_ptr((u64)start), len))
		return ERR_PTR(-EFAULT);
	if (len > READ_ONCE(tock_max_buffer))
		return ERR_PTR(-ENOMEM);

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	kref_init(&b->ref);
	spin_lock_init(&b->lock);
	init_waitqueue_head(&b->idle);
	INIT_WORK(&b->reval_work, tock_buf_revalidate_work);
	b->uaddr = uaddr;
	b->len = len;
	b->writable = writable;
	first = ALIGN_DOWN(start, PAGE_SIZE);
	b->first = first;
	b->npages = (ALIGN(end, PAGE_SIZE) - first) >> PAGE_SHIFT;
	b->mm = mm;
	mmgrab(mm);

	b->pages = kvmalloc_array(b->npages, sizeof(*b->pages), GFP_KERNEL);
	if (!b->pages) {
		ret = -ENOMEM;
		goto err_drop_mm;
	}
	ret = tock_buf_account(b);
	if (ret)
		goto err_free_pages;
	ret = tock_notifier_insert(&b->notifier, mm, start, len,
				   &tock_buf_notifier_ops);
	if (ret)
		goto err_unaccount;
	b->notifier_inserted = true;
	ret = tock_buf_pin_live(b, first);
	if (ret)
		goto err_remove_notifier;
	ret = tock_buf_map(b, start - first);
	if (ret)
		goto err_unpin;
	return b;

err_unpin:
	unpin_user_pages(b->pages, b->npages);
err_remove_notifier:
	tock_notifier_remove(&b->notifier);
err_unaccount:
	tock_buf_unaccount(b);
err_free_pages:
	kvfree(b->pages);
err_drop_mm:
	mmdrop(mm);
	kfree(b);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_create);

/**
 * tock_buf_access_begin() - open an access if the buffer is live
 * @b: the buffer
 *
 * Context: Any context; never sleeps.
 * Return: true with an access open, to be closed by tock_buf_access_end();
 * false if the buffer is dead.
 */
bool tock_buf_access_begin(struct tock_buf *b)
{
	unsigned long flags;
	bool live;

	spin_lock_irqsave(&b->lock, flags);
	live = b->live;
	if (live)
		b->active++;
	spin_unlock_irqrestore(&b->lock, flags);
	return live;
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_access_begin);

/**
 * tock_buf_access_end() - close an access opened by tock_buf_access_begin()
 * @b: the buffer
 *
 * Context: Any context; never sleeps.
 */
void tock_buf_access_end(struct tock_buf *b)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&b->lock, flags);
	idle = !--b->active;
	spin_unlock_irqrestore(&b->lock, flags);
	if (idle)
		wake_up_all(&b->idle);
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_access_end);

/**
 * tock_buf_is_live() - whether drivers may still enter the buffer
 * @b: the buffer
 *
 * Context: Any context.  The answer may be stale by the time it is used;
 * only tock_buf_access_begin() decides.
 * Return: true if live.
 */
bool tock_buf_is_live(struct tock_buf *b)
{
	return READ_ONCE(b->live);
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_is_live);

/**
 * tock_buf_kill() - make a buffer dead and wait out the accesses in flight
 * @b: the buffer
 *
 * Once this returns no driver is inside an access to @b, and none can
 * start one.  The pages stay pinned until the last reference goes.
 *
 * Context: Process context; sleeps.
 */
void tock_buf_kill(struct tock_buf *b)
{
	might_sleep();
	spin_lock_irq(&b->lock);
	b->live = false;
	b->suspect = false;
	spin_unlock_irq(&b->lock);
	wait_event(b->idle, !READ_ONCE(b->active));
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_kill);

static void tock_buf_free(struct tock_buf *b)
{
	if (b->notifier_inserted)
		tock_notifier_remove(&b->notifier);
	if (b->vmap_base)
		vunmap(b->vmap_base);
	unpin_user_pages_dirty_lock(b->pages, b->npages, b->writable);
	tock_buf_unaccount(b);
	kvfree(b->pages);
	mmdrop(b->mm);
	kfree(b);
}

static void tock_buf_release(struct kref *ref)
{
	tock_buf_free(container_of(ref, struct tock_buf, ref));
}

/**
 * tock_buf_put() - drop a reference; the last one unpins and frees
 * @b: the buffer
 *
 * Context: Process context; may sleep.
 */
void tock_buf_put(struct tock_buf *b)
{
	might_sleep();
	kref_put(&b->ref, tock_buf_release);
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_put);

static void tock_buf_release_work(struct work_struct *work)
{
	tock_buf_free(container_of(work, struct tock_buf, release_work));
}

static void tock_buf_release_async(struct kref *ref)
{
	struct tock_buf *b = container_of(ref, struct tock_buf, ref);

	/* Unpinning, vunmap() and notifier removal sleep: defer them. */
	INIT_WORK(&b->release_work, tock_buf_release_work);
	queue_work(tock_wq, &b->release_work);
}

/**
 * tock_buf_put_async() - drop a reference from any context
 * @b: the buffer
 *
 * The last reference frees the buffer from tock_wq.
 *
 * Context: Any context.
 */
void tock_buf_put_async(struct tock_buf *b)
{
	kref_put(&b->ref, tock_buf_release_async);
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_put_async);
