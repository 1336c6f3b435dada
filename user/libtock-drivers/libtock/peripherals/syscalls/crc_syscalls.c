// SPDX-License-Identifier: GPL-2.0
/* CRC driver system calls: one libtock call each. */
#include "crc_syscalls.h"

enum {
	CRC_UPCALL_DONE		= 0,
	CRC_ALLOW_INPUT		= 0,	/* read-only */
	CRC_CMD_REQUEST		= 1,
};

bool libtock_crc_driver_exists(void)
{
	return driver_exists(DRIVER_NUM_CRC);
}

returncode_t libtock_crc_set_upcall(subscribe_upcall callback, void *opaque)
{
	subscribe_return_t ret = subscribe(DRIVER_NUM_CRC, CRC_UPCALL_DONE,
					   callback, opaque);

	return tock_subscribe_return_to_returncode(ret);
}

returncode_t libtock_crc_set_readonly_allow(const uint8_t *buf, uint32_t len)
{
	allow_ro_return_t ret = allow_readonly(DRIVER_NUM_CRC, CRC_ALLOW_INPUT,
					       buf, len);

	return tock_allow_ro_return_to_returncode(ret);
}

returncode_t libtock_crc_command_request(uint32_t algorithm, uint32_t len)
{
	syscall_return_t ret = command(DRIVER_NUM_CRC, CRC_CMD_REQUEST,
				       (int)algorithm, (int)len);

	return tock_command_return_novalue_to_returncode(ret);
}
