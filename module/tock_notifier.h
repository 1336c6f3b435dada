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
 * Whether an invalidation ends the mapping behind a buffer.  Protection
 * changes (fork's write-protect, mprotect, soft-dirty) leave the pinned
 * pages mapped where they were, and migration cannot move pinned pages, so
 * those keep the buffer live.  Unmap, zap (MADV_DONTNEED/FREE, mremap's
 * move) and mm teardown kill it.
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

#else /* !CONFIG_MMU_NOTIFIER */

#define TOCK_HAVE_NOTIFIER false

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

#endif /* CONFIG_MMU_NOTIFIER */

#endif /* _TOCK_NOTIFIER_H */
