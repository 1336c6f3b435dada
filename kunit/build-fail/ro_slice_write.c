// SPDX-License-Identifier: GPL-2.0
/*
 * Must not compile: a driver writing a byte of a read-only slice.  The
 * read-only byte type (Tock's ReadableProcessByte) has no setter, so
 * scripts/check expects this build to fail at the marked line.
 */
#include <linux/module.h>

#include <tock/processbuffer.h>

static int tock_build_fail_write_ro(const struct tock_ro_slice *s, void *ctx)
{
	tock_process_byte_set(tock_ro_slice_at(s, 0), 1); /* build-fail */
	return 0;
}

static int __init tock_build_fail_init(void)
{
	struct tock_ro_slice s = tock_ro_slice_from_kernel(NULL, 0);

	return tock_build_fail_write_ro(&s, NULL);
}
module_init(tock_build_fail_init);

MODULE_DESCRIPTION("tockallow build test: writing a read-only slice");
MODULE_LICENSE("GPL");
