/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tockallow's wrappers over the kernel interfaces that changed between
 * Linux 6.1 and 6.12, the supported range.  Each is chosen by what the
 * kernel being built against has, never by its version number: a
 * distribution's 6.1 carries backports that a version test would miss.
 * The TOCK_HAVE_* macros come from the probes in Kbuild (module/probe/),
 * which compile a snippet against the kernel's headers.
 */
#ifndef _TOCK_COMPAT_H
#define _TOCK_COMPAT_H

#include <linux/mm.h>
#include <linux/timer.h>

#include <kunit/visibility.h>

/*
 * Whether the static internals that the KUnit suites reach are global
 * (VISIBLE_IF_KUNIT), and so declared in tock_internal.h.
 */
#define TOCK_KUNIT_VISIBLE IS_ENABLED(CONFIG_KUNIT)

/*
 * Static stubs (<kunit/static_stub.h>, 6.2) let a KUnit case replace a
 * function.  Only where the suites are built (TOCK_HAVE_KUNIT_SUITES: the
 * KUnit API they use, whose stub lookup goes through the kernel's built-in
 * KUnit hooks) is the redirect real.  Elsewhere it is empty, so that the
 * core never calls into kunit.ko, which a distribution builds as a module
 * (CONFIG_KUNIT=m) and which tockallow.ko must not depend on.
 */
#ifdef TOCK_HAVE_KUNIT_SUITES
#include <kunit/static_stub.h>
#else
#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) ((void)(real_fn_name))
#endif /* TOCK_HAVE_KUNIT_SUITES */

/*
 * get_user_pages_remote() lost its @vmas argument in 6.5; tockallow never
 * asks for the VMAs.
 */
static inline long tock_get_user_pages_remote(struct mm_struct *mm,
					      unsigned long start,
					      unsigned long nr_pages,
					      unsigned int gup_flags,
					      struct page **pages)
{
#ifdef TOCK_HAVE_GUP_REMOTE_VMAS
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#else
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#endif /* TOCK_HAVE_GUP_REMOTE_VMAS */
}

/*
 * timer_shutdown_sync() (6.2, and later 6.1.y releases) also keeps the
 * timer from being armed again.  Where it is missing, del_timer_sync() is
 * the same for callers that, like tockallow's, stop whatever re-arms the
 * timer before they free it.
 */
static inline int tock_timer_shutdown_sync(struct timer_list *timer)
{
#ifdef TOCK_HAVE_TIMER_SHUTDOWN
	return timer_shutdown_sync(timer);
#else
	return del_timer_sync(timer);
#endif /* TOCK_HAVE_TIMER_SHUTDOWN */
}

#endif /* _TOCK_COMPAT_H */
