// SPDX-License-Identifier: GPL-2.0
/* Console driver system calls: one libtock call each. */
#include "console_syscalls.h"

enum {
	CONSOLE_UPCALL_WRITE	= 1,
	CONSOLE_UPCALL_READ	= 2,
	CONSOLE_ALLOW_WRITE	= 1,	/* read-only: the bytes to write */
	CONSOLE_ALLOW_READ	= 1,	/* read-write: where reads land */
	CONSOLE_CMD_WRITE	= 1,
	CONSOLE_CMD_READ	= 2,
	CONSOLE_CMD_ABORT_READ	= 3,
};

bool libtock_console_driver_exists(void)
{
	return driver_exists(DRIVER_NUM_CONSOLE);
}

returncode_t libtock_console_write_done_set_upcall(subscribe_upcall callback,
						   void *opaque)
{
	subscribe_return_t ret = subscribe(DRIVER_NUM_CONSOLE,
					   CONSOLE_UPCALL_WRITE, callback,
					   opaque);

	return tock_subscribe_return_to_returncode(ret);
}

returncode_t libtock_console_read_done_set_upcall(subscribe_upcall callback,
						  void *opaque)
{
	subscribe_return_t ret = subscribe(DRIVER_NUM_CONSOLE,
					   CONSOLE_UPCALL_READ, callback,
					   opaque);

	return tock_subscribe_return_to_returncode(ret);
}

returncode_t libtock_console_set_read_allow(const uint8_t *buffer,
					    uint32_t len)
{
	allow_ro_return_t ret = allow_readonly(DRIVER_NUM_CONSOLE,
					       CONSOLE_ALLOW_WRITE, buffer,
					       len);

	return tock_allow_ro_return_to_returncode(ret);
}

returncode_t libtock_console_set_readwrite_allow(uint8_t *buffer,
						 uint32_t len)
{
	allow_rw_return_t ret = allow_readwrite(DRIVER_NUM_CONSOLE,
						CONSOLE_ALLOW_READ, buffer,
						len);

	return tock_allow_rw_return_to_returncode(ret);
}

returncode_t libtock_console_command_write(int length)
{
	syscall_return_t ret = command(DRIVER_NUM_CONSOLE, CONSOLE_CMD_WRITE,
				       length, 0);

	return tock_command_return_novalue_to_returncode(ret);
}

returncode_t libtock_console_command_read(int length)
{
	syscall_return_t ret = command(DRIVER_NUM_CONSOLE, CONSOLE_CMD_READ,
				       length, 0);

	return tock_command_return_novalue_to_returncode(ret);
}

returncode_t libtock_console_command_abort_read(void)
{
	syscall_return_t ret = command(DRIVER_NUM_CONSOLE,
				       CONSOLE_CMD_ABORT_READ, 0, 0);

	return tock_command_return_novalue_to_returncode(ret);
}
