// SPDX-License-Identifier: GPL-2.0
/* Asynchronous console writes and reads over the console system calls. */
#include "console.h"
#include "syscalls/console_syscalls.h"

/*
 * Upcall (bytes written, 0, 0), as Tock's console capsule sends it: a write
 * that completes has succeeded.  userdata is the caller's callback.
 */
static void console_write_upcall(int written, int unused1, int unused2,
				 void *opaque)
{
	libtock_console_callback_write cb =
		(libtock_console_callback_write)opaque;

	(void)unused1;
	(void)unused2;
	cb(RETURNCODE_SUCCESS, (uint32_t)written);
}

/* Upcall (status, bytes read, 0); userdata is the caller's callback. */
static void console_read_upcall(int status, int count, int unused,
				void *opaque)
{
	libtock_console_callback_read cb =
		(libtock_console_callback_read)opaque;

	(void)unused;
	cb(tock_status_to_returncode((statuscode_t)status), (uint32_t)count);
}

bool libtock_console_exists(void)
{
	return libtock_console_driver_exists();
}

returncode_t libtock_console_write(const uint8_t *buffer, uint32_t len,
				   libtock_console_callback_write cb)
{
	returncode_t ret;

	ret = libtock_console_write_done_set_upcall(console_write_upcall,
						    (void *)cb);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_console_set_read_allow(buffer, len);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	return libtock_console_command_write((int)len);
}

returncode_t libtock_console_read(uint8_t *buffer, uint32_t len,
				  libtock_console_callback_read cb)
{
	returncode_t ret;

	ret = libtock_console_read_done_set_upcall(console_read_upcall,
						   (void *)cb);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_console_set_readwrite_allow(buffer, len);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	return libtock_console_command_read((int)len);
}

returncode_t libtock_console_abort_read(void)
{
	return libtock_console_command_abort_read();
}
