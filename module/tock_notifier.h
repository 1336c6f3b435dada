/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tockallow's view of mmu interval notifiers, with stubs for kernels built
 * without CONFIG_MMU_NOTIFIER, whose <linux/mmu_notifier.h> declares none of
 * the mmu_interval_*() functions.  Without the notifier a buffer still dies
 * on unallow and close, and pinning still keeps memory safe, but munmap,
 * mremap, MADV_DONTNEED, exec and exit no longer kill it.
 */
#ifndef _TOCK_NOTIFIER_H
#define _TOCK_NOTIFIER_H

#include <linux/mmu_notifier.h>

#ifdef CONFIG_MMU_NOTIFIER

#define TOCK_HAVE_NOTIFIER true

static inline int
tock_notifier_insert(struct mmu_interval_notifier *sub, struct mm_struct *mm,
		     unsigned long start, unsigned long len,
		     const struct mmu_interval_notifier_ops *ops)
{
	return mmu_interval_notifier_insert(sub, mm, start, len, ops);
}

static inline void tock_notifier_remove(struct mmu_interval_notifier *sub)
{
	mmu_interval_notifier_remove(sub);
}

/* Register @mm with the notifier core for interval notifiers. */
static inline int tock_notifier_register_mm(struct mm_struct *mm)
{
	return mmu_notifier_register(NULL, mm);
}

static inline unsigned long
tock_notifier_read_begin(struct mmu_interval_notifier *sub)
{
	return mmu_interval_read_begin(sub);
}

static inline bool tock_notifier_read_retry(struct mmu_interval_notifier *sub,
					    unsigned long seq)
{
	return mmu_interval_read_retry(sub, seq);
}

static inline void tock_notifier_set_seq(struct mmu_interval_notifier *sub,
					 unsigned long seq)
{
	mmu_interval_set_seq(sub, seq);
}

/*
 * Whether an invalidation may end the mapping behind a buffer.  Protection
 * changes (fork's write-protect, mprotect, soft-dirty) and device-exclusive
 * or device-migration attempts leave the pinned pages mapped where they
 * were, so they keep the buffer live.
 */
static inline bool tock_notifier_kills(const struct mmu_notifier_range *range)
{
	switch (range->event) {
	case MMU_NOTIFY_PROTECTION_VMA:
	case MMU_NOTIFY_PROTECTION_PAGE:
	case MMU_NOTIFY_SOFT_DIRTY:
	case MMU_NOTIFY_MIGRATE:
	case MMU_NOTIFY_EXCLUSIVE:
		return false;
	default:
		return true;
	}
}

/*
 * Whether a killing invalidation may have left the same pages mapped, so
 * that the buffer is worth revalidating once it is over.  A clear is a zap
 * (MADV_DONTNEED/FREE, truncation) but also a huge-page split, which
 * remaps the same pages: fork splits a pinned THP so that the child can
 * get its own copy, and so does an mprotect or munmap of a neighbour.  A
 * split clears exactly one PMD-aligned huge page; a zap of exactly that
 * range is caught by revalidation, except a MADV_FREE, which leaves the
 * pages mapped and is caught only once they are marked lazily freeable.
 * Unmap and teardown never keep pages.
 */
static inline bool tock_notifier_may_keep(const struct mmu_notifier_range *range)
{
	return IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
	       range->event == MMU_NOTIFY_CLEAR &&
	       range->end - range->start == PMD_SIZE &&
	       IS_ALIGNED(range->start, PMD_SIZE);
}

#else /* !CONFIG_MMU_NOTIFIER */

#define TOCK_HAVE_NOTIFIER false

static inline int tock_notifier_register_mm(struct mm_struct *mm)
{
	return 0;
}

static inline int
tock_notifier_insert(struct mmu_interval_notifier *sub, struct mm_struct *mm,
		     unsigned long start, unsigned long len,
		     const struct mmu_interval_notifier_ops *ops)
{
	return 0;
}

static inline void tock_notifier_remove(struct mmu_interval_notifier *sub)
{
}

static inline unsigned long
tock_notifier_read_begin(struct mmu_interval_notifier *sub)
{
	return 0;
}

static inline bool tock_notifier_read_retry(struct mmu_interval_notifier *sub,
					    unsigned long seq)
{
	return false;
}

static inline void tock_notifier_set_seq(struct mmu_interval_notifier *sub,
					 unsigned long seq)
{
}

static inline bool tock_notifier_kills(const struct mmu_notifier_range *range)
{
	return true;
}

static inline bool tock_notifier_may_keep(const struct mmu_notifier_range *range)
{
	return false;
}

#endif /* CONFIG_MMU_NOTIFIER */

#endif /* _TOCK_NOTIFIER_H */
