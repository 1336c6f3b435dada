// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous console writes and reads.  Like libtock-c's libtock-sync this
 * never subscribes: the completion is a bare upcall that yield-wait-for
 * returns.
 */
#include <libtock/interface/syscalls/console_syscalls.h>

#include "console.h"

enum {
	CONSOLE_UPCALL_WRITE = 1,
	CONSOLE_UPCALL_READ = 2,
};

bool libtocksync_console_exists(void)
{
	return libtock_console_driver_exists();
}

returncode_t libtocksync_console_write(const uint8_t *buffer,
				       uint32_t length, uint32_t *written)
{
	yield_waitfor_return_t done;
	returncode_t ret;

	ret = libtock_console_set_read_allow(buffer, length);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_console_command_write((int)length);
	if (ret == RETURNCODE_SUCCESS) {
		/* Upcall (bytes written, 0, 0), as Tock's capsule sends it. */
		done = yield_wait_for(DRIVER_NUM_CONSOLE, CONSOLE_UPCALL_WRITE);
		*written = done.data0;
	}
	/* Take the buffer back: the driver is done with it either way. */
	libtock_console_set_read_allow(NULL, 0);
	return ret;
}

returncode_t libtocksync_console_read(uint8_t *buffer, uint32_t length,
				      uint32_t *read)
{
	yield_waitfor_return_t done;
	returncode_t ret;

	ret = libtock_console_set_readwrite_allow(buffer, length);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_console_command_read((int)length);
	if (ret == RETURNCODE_SUCCESS) {
		/* Upcall (status, bytes read, 0). */
		done = yield_wait_for(DRIVER_NUM_CONSOLE, CONSOLE_UPCALL_READ);
		*read = done.data1;
		ret = tock_status_to_returncode((statuscode_t)done.data0);
	}
	libtock_console_set_readwrite_allow(NULL, 0);
	return ret;
}
