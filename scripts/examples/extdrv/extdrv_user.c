// SPDX-License-Identifier: GPL-2.0
/*
 * Drives tock_extdrv through libtock; built with
 * "pkg-config --cflags --libs libtock".  Exits 0 when both commands answer
 * as the driver says they do.
 */
#include <stdio.h>

#include <tock.h>

#define EXTDRV_NUM	0xa0001

int main(void)
{
	syscall_return_t r;
	uint32_t sum = 0, count = 0;
	int ret;

	if (!driver_exists(EXTDRV_NUM)) {
		printf("not ok 1 tock_extdrv is not loaded\n");
		return 1;
	}
	r = command(EXTDRV_NUM, 1, 40, 2);
	ret = tock_command_return_u32_to_returncode(r, &sum);
	if (ret != RETURNCODE_SUCCESS || sum != 42) {
		printf("not ok 1 add: %s, %u\n", tock_strrcode(ret), sum);
		return 1;
	}
	r = command(EXTDRV_NUM, 2, 0, 0);
	ret = tock_command_return_u32_to_returncode(r, &count);
	/* driver_exists() was the first command, add the second. */
	if (ret != RETURNCODE_SUCCESS || count != 3) {
		printf("not ok 1 count: %s, %u\n", tock_strrcode(ret), count);
		return 1;
	}
	printf("ok 1 tock_extdrv answers through libtock\n");
	return 0;
}
