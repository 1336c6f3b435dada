// SPDX-License-Identifier: GPL-2.0
/*
 * Kbuild probe: builds where timer_shutdown_sync() exists (6.2, and later
 * 6.1.y releases).  Never part of a module.
 */
#include <linux/timer.h>

static int __maybe_unused tock_probe(struct timer_list *timer)
{
	return timer_shutdown_sync(timer);
}
