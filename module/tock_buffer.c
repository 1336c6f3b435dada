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
#include <linux/workqueue.h>

#include "tock_internal.h"

/* Pages pinned per pin_user_pages_fast() call, between cond_resched(). */
#define TOCK_PIN_CHUNK		(PAGE_SIZE / sizeof(struct page *))
/* Attempts to pin a range that keeps being invalidated while we pin it. */
#define TOCK_PIN_ATTEMPTS	8

/* Default per-buffer cap: large DMA-style buffers, not all of memory. */
#define TOCK_MAX_BUFFER_DEFAULT	(64UL << 20)

static unsigned long tock_max_buffer = TOCK_MAX_BUFFER_DEFAULT;
module_param_named(max_buffer_size, tock_max_buffer, ulong, 0644);
MODULE_PARM_DESC(max_buffer_size,
		 "largest buffer one allow may pin, in bytes (default 64 MiB)");

/**
 * tock_pages_run() - how many leading entries of a page array are
 *	physically consecutive pages
 * @pages: the array
 * @max: entries to look at, at least 1
 *
 * Pinning a huge page fills the array with its consecutive subpages, so
 * charging, unpinning and slice copies go a run at a time: comparing
 * entries touches no struct page, and a 2 MiB THP is one run.
 *
 * Context: Any context.
 * Return: the run's length in entries, 1 to @max.
 */
unsigned long tock_pages_run(struct page *const *pages, unsigned long max)
{
	struct page *first = pages[0];
	unsigned long n = 1;

	/* Four entries a step, one branch: a huge page's run is long. */
	while (n + 4 <= max &&
	       !(((uintptr_t)pages[n] ^ (uintptr_t)nth_page(first, n)) |
		 ((uintptr_t)pages[n + 1] ^ (uintptr_t)nth_page(first, n + 1)) |
		 ((uintptr_t)pages[n + 2] ^ (uintptr_t)nth_page(first, n + 2)) |
		 ((uintptr_t)pages[n + 3] ^ (uintptr_t)nth_page(first, n + 3))))
		n += 4;
	while (n < max && pages[n] == nth_page(first, n))
		n++;
	return n;
}

/* The run of @b's pinned pages that starts at entry @i, at most @max. */
static unsigned long tock_buf_run(const struct tock_buf *b, unsigned long i,
				  unsigned long max)
{
	return tock_pages_run(b->pages + i, min(max, b->npinned - i));
}

/*
 * Pages that @b's pins hold: a compound page (a THP or hugetlb page) is
 * pinned whole, so it is charged whole, once per run of the buffer's pages
 * that it backs, as io_uring charges registered buffers.  A compound page
 * that backs two separate runs of one buffer is charged twice, which errs
 * on the safe side.  Notes whether any page is part of one.
 */
static unsigned long tock_buf_count_pinned(struct tock_buf *b)
{
	struct folio *folio, *last = NULL;
	unsigned long i, nr, n = 0;
	struct page *page;

	for (i = 0; i < b->npinned; i += nr) {
		page = b->pages[i];
		folio = page_folio(page);
		if (!folio_test_large(folio)) {
			n++;
			nr = 1;
			continue;
		}
		b->pinned_large = true;
		/* The entries that go on through this folio's pages. */
		nr = tock_buf_run(b, i, folio_nr_pages(folio) -
					folio_page_idx(folio, page));
		if (folio != last)
			n += folio_nr_pages(folio);
		last = folio;
	}
	return n;
}

/*
 * Unpin (and, if writable, dirty) the pinned pages: small pages in one
 * call, a buffer with huge pages a run at a time.
 */
static void tock_buf_unpin(struct tock_buf *b)
{
	unsigned long i, run;

	if (!b->pinned_large) {
		unpin_user_pages_dirty_lock(b->pages, b->npinned, b->writable);
	} else {
		for (i = 0; i < b->npinned; i += run) {
			run = tock_buf_run(b, i, ULONG_MAX);
			unpin_user_page_range_dirty_lock(b->pages[i], run,
							 b->writable);
		}
	}
	b->npinned = 0;
	b->pinned_large = false;
}

/* RLIMIT_MEMLOCK of the caller, in pages. */
static unsigned long tock_memlock_limit(void)
{
	return rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
}

/*
 * Whether charging @npages more would stay within RLIMIT_MEMLOCK, or the
 * process may exceed it.  CAP_IPC_LOCK is asked for only when over the
 * limit, as mlock() does, so that allows within it leave no audit trail.
 */
static bool tock_buf_may_charge(struct tock_process *proc,
				unsigned long npages)
{
	unsigned long cur = atomic_long_read(&proc->user->locked_vm);
	unsigned long next;

	if (!check_add_overflow(cur, npages, &next) &&
	    next <= tock_memlock_limit())
		return true;
	return tock_process_can_lock(proc);
}

/*
 * Charge what @b's pins hold to the opener's RLIMIT_MEMLOCK
 * (user->locked_vm), or not at all past the limit with CAP_IPC_LOCK, and
 * always to mm->pinned_vm (VmPin), as io_uring charges registered buffers.
 */
static int tock_buf_account(struct tock_buf *b)
{
	struct user_struct *user = b->proc->user;
	unsigned long limit = tock_memlock_limit();
	unsigned long pages = tock_buf_count_pinned(b);
	unsigned long cur, next;

	cur = atomic_long_read(&user->locked_vm);
	do {
		if (check_add_overflow(cur, pages, &next) || next > limit) {
			if (!tock_process_can_lock(b->proc))
				return -ENOMEM;
			b->acct_locked = false;
			goto charge_pinned;
		}
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, next));
	b->acct_locked = true;
charge_pinned:
	b->acct_pages = pages;
	atomic64_add(pages, &b->proc->mm->pinned_vm);
	return 0;
}

static void tock_buf_unaccount(struct tock_buf *b)
{
	if (!b->acct_pages)
		return;
	if (b->acct_locked)
		atomic_long_sub(b->acct_pages, &b->proc->user->locked_vm);
	atomic64_sub(b->acct_pages, &b->proc->mm->pinned_vm);
	b->acct_pages = 0;
	b->acct_locked = false;
}

/*
 * Give up the pages: the kernel view, the pins and their charge.  Callers
 * are serialised: tock_buf_create() before anyone else can reach @b, the
 * notifier's release (the mm is going, no access can be in flight), and
 * the final free once the notifier is removed.
 */
static void tock_buf_release_pages(struct tock_buf *b)
{
	if (b->vmap_base) {
		vunmap(b->vmap_base);
		b->vmap_base = NULL;
	}
	b->kaddr = NULL;
	tock_buf_unpin(b);
	tock_buf_unaccount(b);
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

	mmap_read_lock(b->proc->mm);
	while (same && done < b->npages) {
		n = tock_get_user_pages_remote(b->proc->mm,
					       b->first + done * PAGE_SIZE,
					       min(b->npages - done, TOCK_PIN_CHUNK),
					       gup_flags, pages);
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
	mmap_read_unlock(b->proc->mm);
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

	raw_spin_lock_irq(&b->lock);
	/* A newer invalidation queued another pass; a kill ended them. */
	if (b->suspect && !tock_notifier_read_retry(&b->notifier, seq)) {
		b->live = same;
		b->suspect = false;
	}
	raw_spin_unlock_irq(&b->lock);
}

static void tock_buf_revalidate_work(struct work_struct *work)
{
	struct tock_buf *b = container_of(work, struct tock_buf, reval_work);
	struct tock_process *proc = b->proc;

	/* mm_users only for the walk: a buffer never keeps an mm alive. */
	if (mmget_not_zero(proc->mm)) {
		tock_buf_revalidate(b);
		mmput_async(proc->mm);
	}
	/* Our reference on @b keeps @proc, which it references, alive. */
	tock_process_work_done(proc, &proc->revalidations);
	/* Release the reference taken in tock_buf_queue_revalidation(). */
	tock_buf_put(b);
}

/* Context: Any context, the notifier's included; never sleeps. */
static void tock_buf_queue_revalidation(struct tock_buf *b)
{
	/* The last reference may be gone, the notifier not removed yet. */
	if (!kref_get_unless_zero(&b->ref))
		return;
	tock_process_work_queued(b->proc, &b->proc->revalidations);
	if (!queue_work(tock_wq, &b->reval_work)) {
		/* Already queued: that pass will look again. */
		tock_process_work_done(b->proc, &b->proc->revalidations);
		tock_buf_put_async(b);
	}
}

/**
 * tock_buf_sync_revalidations() - wait for a process's buffer revalidations
 * @proc: the process
 *
 * A process that forks, then commands a driver, must find its buffers
 * revalidated: commands wait for the revalidations of the caller's own
 * buffers, never for another process's, which may be waiting out that
 * process's own driver accesses.
 *
 * Context: Process context, no tockallow lock held; sleeps only while one
 * of @proc's revalidations is pending, and stops waiting on a fatal signal.
 */
void tock_buf_sync_revalidations(struct tock_process *proc)
{
	/* Killed, the caller goes on: its command no longer matters. */
	wait_event_killable(proc->work_wq,
			    !atomic_read(&proc->revalidations));
}

/*
 * The interval notifier marks the buffer dead when its range is unmapped,
 * zapped or torn down, and waits for enters in flight so that munmap returns
 * only once no driver touches the old buffer.  What may be a huge-page
 * split only suspends the buffer until tock_buf_revalidate() has looked at
 * the range again.  When the mm itself goes (exit, or the old mm of an
 * execve), the pages are unpinned and uncharged right away: a forked child
 * or a receiver holding the file must not keep the dead process's memory
 * pinned.  Otherwise the pages stay pinned until the last reference goes.
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

	raw_spin_lock_irqsave(&b->lock, flags);
	/* The OOM reaper can't wait: let it retry later. */
	if (!blockable && b->active) {
		raw_spin_unlock_irqrestore(&b->lock, flags);
		return false;
	}
	tock_notifier_set_seq(sub, cur_seq);
	/* Killed for good (or never live yet) stays so. */
	if (b->live || b->suspect) {
		b->suspect = tock_notifier_may_keep(range);
		revalidate = b->suspect;
	}
	b->live = false;
	raw_spin_unlock_irqrestore(&b->lock, flags);

	if (revalidate)
		tock_buf_queue_revalidation(b);
	if (blockable)
		wait_event(b->idle, !READ_ONCE(b->active));
	/* Dead for good and idle: nothing will read the pages again. */
	if (range->event == MMU_NOTIFY_RELEASE)
		tock_buf_release_pages(b);
	return true;
}

static const struct mmu_interval_notifier_ops tock_buf_notifier_ops = {
	.invalidate = tock_buf_invalidate,
};

/* Pin every page of @b, in chunks; on failure the caller releases them. */
static int tock_buf_pin(struct tock_buf *b)
{
	unsigned int gup_flags = FOLL_LONGTERM | (b->writable ? FOLL_WRITE : 0);
	long ret;

	while (b->npinned < b->npages) {
		ret = pin_user_pages_fast(b->first + b->npinned * PAGE_SIZE,
					  min(b->npages - b->npinned,
					      TOCK_PIN_CHUNK),
					  gup_flags, b->pages + b->npinned);
		if (ret <= 0)
			return ret ? ret : -EFAULT;
		b->npinned += ret;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * Slices reach the pinned pages through the direct map, so allowing maps
 * nothing.  Only a kernel with HIGHMEM, whose pages may lack a permanent
 * kernel address, gives a buffer one contiguous view at allow time.
 */
static int tock_buf_map(struct tock_buf *b)
{
	unsigned long offset = untagged_addr(b->uaddr) - b->first;

	if (!IS_ENABLED(CONFIG_HIGHMEM))
		return 0;
	b->vmap_base = vmap(b->pages, b->npages, VM_MAP, PAGE_KERNEL);
	if (!b->vmap_base)
		return -ENOMEM;
	b->kaddr = b->vmap_base + offset;
	return 0;
}

/**
 * tock_buf_build() - charge a buffer's freshly pinned pages (and map them,
 *	on HIGHMEM)
 * @b: the buffer, pinned but not live: no one else can reach it yet
 *
 * Context: Process context of the owning process; sleeps.
 * Return: 0, or -ENOMEM over RLIMIT_MEMLOCK or without memory for the
 * mapping; tock_buf_release_pages() undoes whatever was done.
 */
VISIBLE_IF_KUNIT int tock_buf_build(struct tock_buf *b)
{
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(tock_buf_build, b);
	ret = tock_buf_account(b);
	if (ret)
		return ret;
	return tock_buf_map(b);
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_build);

/*
 * Pin, charge and map the range, then make @b live, unless the range was
 * invalidated meanwhile (pinning itself may break COW or unshare a page);
 * then start again.  Until @live is set the notifier leaves @b alone, so
 * a failure here is undone by the normal put.
 */
static int tock_buf_pin_live(struct tock_buf *b)
{
	unsigned long seq;
	int attempt, ret;

	for (attempt = 0; attempt < TOCK_PIN_ATTEMPTS; attempt++) {
		seq = tock_notifier_read_begin(&b->notifier);
		ret = tock_buf_pin(b);
		if (!ret)
			ret = tock_buf_build(b);
		if (ret)
			return ret;

		raw_spin_lock_irq(&b->lock);
		if (!tock_notifier_read_retry(&b->notifier, seq)) {
			b->live = true;
			raw_spin_unlock_irq(&b->lock);
			return 0;
		}
		raw_spin_unlock_irq(&b->lock);
		tock_buf_release_pages(b);
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return -EAGAIN;
}

/* A registration of an mm with the notifier core, run from tock_wq. */
struct tock_mm_register {
	struct work_struct work;
	struct mm_struct *mm;
	int ret;
};

static void tock_mm_register_work(struct work_struct *work)
{
	struct tock_mm_register *r = container_of(work, struct tock_mm_register,
						  work);

	r->ret = tock_notifier_register_mm(r->mm);
}

/*
 * Insert @b's interval notifier.  The first one of an mm registers the mm
 * with the notifier core, whose mm_take_all_locks() gives up on any
 * pending signal, not only a fatal one, so that an allow would fail for a
 * signal its process handles (and, restarted, could keep failing while
 * signals come faster than the registration).  Then register from a work
 * item, which no signal reaches, and insert again: the mm is registered,
 * and inserting no longer takes every lock.
 */
static int tock_buf_insert_notifier(struct tock_buf *b, unsigned long start,
				    unsigned long len)
{
	struct tock_mm_register r = { .mm = b->proc->mm };
	int ret;

	ret = tock_notifier_insert(&b->notifier, r.mm, start, len,
				   &tock_buf_notifier_ops);
	if (ret != -EINTR || fatal_signal_pending(current))
		return ret;
	/* Our mm: its users can't drop to 0 while this runs. */
	INIT_WORK_ONSTACK(&r.work, tock_mm_register_work);
	queue_work(tock_wq, &r.work);
	flush_work(&r.work);
	destroy_work_on_stack(&r.work);
	if (r.ret)
		return r.ret;
	return tock_notifier_insert(&b->notifier, r.mm, start, len,
				    &tock_buf_notifier_ops);
}

static void tock_buf_idle_work(struct irq_work *work)
{
	wake_up_all(&container_of(work, struct tock_buf, idle_work)->idle);
}

/*
 * A small buffer's page array comes with it, in one allocation.  A larger
 * one (from about 2 MiB) gets its own: a page array of 2^n pages is 2^n
 * pointers, which with the buffer in front would need twice the memory.
 * Pinning fills the array, so it is not zeroed.
 */
static struct tock_buf *tock_buf_alloc(unsigned long npages)
{
	struct tock_buf *b;
	size_t inline_size = struct_size(b, inline_pages, npages);
	bool inline_pages = inline_size <= PAGE_SIZE;

	b = kmalloc(inline_pages ? inline_size : sizeof(*b),
		    GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	if (inline_pages) {
		b->pages = b->inline_pages;
		return b;
	}
	b->pages = kvmalloc_array(npages, sizeof(*b->pages),
				  GFP_KERNEL_ACCOUNT);
	if (!b->pages) {
		kfree(b);
		return NULL;
	}
	return b;
}

static void tock_buf_free_mem(struct tock_buf *b)
{
	if (b->pages != b->inline_pages)
		kvfree(b->pages);
	kfree(b);
}

/**
 * tock_buf_create() - pin and account an allowed range
 * @proc: the process, whose mm must be current->mm; the buffer references it
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
 * signal.  Nothing stays pinned or charged on failure.
 */
struct tock_buf *tock_buf_create(struct tock_process *proc, u64 uaddr,
				 u64 len, bool writable)
{
	unsigned long start = untagged_addr(uaddr);
	unsigned long end, first, npages;
	struct tock_buf *b;
	int ret;

	/* TASK_SIZE is the caller's: 4 GiB for a 32-bit (compat) process. */
	if (check_add_overflow(start, (unsigned long)len, &end) ||
	    len != (unsigned long)len || end > TASK_SIZE ||
	    !access_ok(u64_to_user_ptr((u64)start), len))
		return ERR_PTR(-EFAULT);
	if (len > READ_ONCE(tock_max_buffer))
		return ERR_PTR(-ENOMEM);
	first = ALIGN_DOWN(start, PAGE_SIZE);
	npages = (ALIGN(end, PAGE_SIZE) - first) >> PAGE_SHIFT;
	/* Never less than one page per page: refuse before pinning. */
	if (!tock_buf_may_charge(proc, npages))
		return ERR_PTR(-ENOMEM);

	b = tock_buf_alloc(npages);
	if (!b)
		return ERR_PTR(-ENOMEM);
	kref_init(&b->ref);
	raw_spin_lock_init(&b->lock);
	init_waitqueue_head(&b->idle);
	init_irq_work(&b->idle_work, tock_buf_idle_work);
	INIT_WORK(&b->reval_work, tock_buf_revalidate_work);
	b->uaddr = uaddr;
	b->len = len;
	b->writable = writable;
	b->first = first;
	b->npages = npages;
	b->proc = proc;
	kref_get(&proc->ref);

	/* From here on, the normal put undoes whatever was done. */
	ret = tock_buf_insert_notifier(b, start, len);
	if (ret)
		goto err_put;
	b->notifier_inserted = true;
	ret = tock_buf_pin_live(b);
	if (ret)
		goto err_put;
	return b;

err_put:
	tock_buf_put(b);
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

	raw_spin_lock_irqsave(&b->lock, flags);
	live = b->live;
	if (live)
		b->active++;
	raw_spin_unlock_irqrestore(&b->lock, flags);
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

	raw_spin_lock_irqsave(&b->lock, flags);
	idle = !--b->active;
	raw_spin_unlock_irqrestore(&b->lock, flags);
	if (!idle)
		return;
	/* A wait queue's lock is a spinlock_t, which hard IRQ can't take. */
	if (in_hardirq())
		irq_work_queue(&b->idle_work);
	else
		wake_up_all(&b->idle);
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_access_end);

/**
 * tock_buf_map_contig() - give a buffer one contiguous kernel view
 * @b: the buffer
 *
 * For a driver that needs the whole buffer at one kernel address: vmap()
 * the pinned pages once, on demand, and keep the mapping with the pages
 * until they are released.  Later enters hand out slices over it.  Never
 * done at allow time: most drivers work run by run and need no mapping.
 *
 * Context: Process context; sleeps.  Not inside an access of @b.
 * Return: 0 once @b has the view; -ESRCH if @b is dead; -ENOMEM.
 */
int tock_buf_map_contig(struct tock_buf *b)
{
	unsigned long offset = untagged_addr(b->uaddr) - b->first;
	void *base;

	might_sleep();
	if (!tock_buf_is_live(b))
		return -ESRCH;
	/* Pairs with the release below: a view seen is a view mapped. */
	if (smp_load_acquire(&b->kaddr))
		return 0;
	/* An open access keeps the pages pinned while they are mapped. */
	if (!tock_buf_access_begin(b))
		return -ESRCH;
	base = vmap(b->pages, b->npages, VM_MAP, PAGE_KERNEL);
	if (!base) {
		tock_buf_access_end(b);
		return -ENOMEM;
	}
	raw_spin_lock_irq(&b->lock);
	if (!b->vmap_base) {
		b->vmap_base = base;
		/* Pairs with the acquires here and in enter. */
		smp_store_release(&b->kaddr, base + offset);
		base = NULL;
	}
	raw_spin_unlock_irq(&b->lock);
	tock_buf_access_end(b);
	/* Another caller mapped it first. */
	if (base)
		vunmap(base);
	return 0;
}

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
	raw_spin_lock_irq(&b->lock);
	b->live = false;
	b->suspect = false;
	raw_spin_unlock_irq(&b->lock);
	wait_event(b->idle, !READ_ONCE(b->active));
}
EXPORT_SYMBOL_IF_KUNIT(tock_buf_kill);

/* Free @b; @queued: the free was deferred, counted in the process. */
static void tock_buf_free(struct tock_buf *b, bool queued)
{
	struct tock_process *proc = b->proc;

	/* After this, no invalidation runs on @b and none is running. */
	if (b->notifier_inserted)
		tock_notifier_remove(&b->notifier);
	irq_work_sync(&b->idle_work);
	tock_buf_release_pages(b);
	tock_buf_free_mem(b);
	if (queued)
		tock_process_work_done(proc, &proc->frees);
	tock_process_put(proc);
}

static void tock_buf_release(struct kref *ref)
{
	tock_buf_free(container_of(ref, struct tock_buf, ref), false);
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
	tock_buf_free(container_of(work, struct tock_buf, release_work), true);
}

static void tock_buf_release_async(struct kref *ref)
{
	struct tock_buf *b = container_of(ref, struct tock_buf, ref);

	/* Unpinning, vunmap() and notifier removal sleep: defer them. */
	tock_process_work_queued(b->proc, &b->proc->frees);
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
