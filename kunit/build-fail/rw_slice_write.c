// SPDX-License-Identifier: GPL-2.0
/*
 * Must compile: the same write as ro_slice_write.c, through a writeable
 * slice.  It shows that only the slice's type makes the other one fail.
 */
#include <linux/module.h>

#include <tock/processbuffer.h>

static int tock_build_ok_write_rw(const struct tock_rw_slice *s, void *ctx)
{
	tock_process_byte_set(tock_rw_slice_at(s, 0), 1);
	return tock_process_cell_get(tock_rw_slice_at(s, 0));
}

static int __init tock_build_ok_init(void)
{
	u8 byte = 0;
	struct tock_rw_slice s = tock_rw_slice_from_kernel(&byte, 1);

	return tock_build_ok_write_rw(&s, NULL) == 1 ? 0 : -EIO;
}
module_init(tock_build_ok_init);

MODULE_DESCRIPTION("tockallow build test: writing a read-write slice");
MODULE_LICENSE("GPL");
