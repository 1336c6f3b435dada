// SPDX-License-Identifier: GPL-2.0
/*
 * Kbuild probe: builds where the kernel has the KUnit API that
 * tockallow_kunit.ko uses: cleanup actions and their wrappers (6.8), user
 * memory for the test thread (kunit_vm_mmap()), static stubs looked up
 * through the built-in KUnit hooks (6.3), and <kunit/visibility.h>.
 * Never part of a module.
 */
#include <kunit/resource.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <kunit/visibility.h>
#include <linux/slab.h>

KUNIT_DEFINE_ACTION_WRAPPER(tock_probe_kfree, kfree, const void *);

static unsigned long __maybe_unused tock_probe(struct kunit *test)
{
	if (kunit_add_action_or_reset(test, tock_probe_kfree, NULL) ||
	    kunit_hooks.get_static_stub_address(test, NULL))
		return 0;
	return kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, 0, 0, 0);
}
