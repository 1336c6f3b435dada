// SPDX-License-Identifier: GPL-2.0
/*
 * Kbuild probe: builds where get_user_pages_remote() still takes @vmas
 * (before 6.5).  Never part of a module.
 */
#include <linux/mm.h>

static long __maybe_unused tock_probe(struct mm_struct *mm, struct page **pages)
{
	return get_user_pages_remote(mm, 0, 1, 0, pages, NULL, NULL);
}
