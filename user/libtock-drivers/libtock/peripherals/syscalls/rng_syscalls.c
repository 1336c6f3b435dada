// SPDX-License-Identifier: GPL-2.0
/* RNG driver system calls: one libtock call each. */
#include "rng_syscalls.h"

enum {
	RNG_UPCALL_DONE		= 0,
	RNG_ALLOW_BUFFER	= 0,	/* read-write */
	RNG_CMD_GET		= 1,
};

bool libtock_rng_driver_exists(void)
{
	return driver_exists(DRIVER_NUM_RNG);
}

returncode_t libtock_rng_set_allow_readwrite(uint8_t *buf, uint32_t len)
{
	allow_rw_return_t ret = allow_readwrite(DRIVER_NUM_RNG,
						RNG_ALLOW_BUFFER, buf, len);

	return tock_allow_rw_return_to_returncode(ret);
}

returncode_t libtock_rng_set_upcall(subscribe_upcall callback, void *opaque)
{
	subscribe_return_t ret = subscribe(DRIVER_NUM_RNG, RNG_UPCALL_DONE,
					   callback, opaque);

	return tock_subscribe_return_to_returncode(ret);
}

returncode_t libtock_rng_command_get_random(uint32_t num_bytes)
{
	syscall_return_t ret = command(DRIVER_NUM_RNG, RNG_CMD_GET,
				       (int)num_bytes, 0);

	return tock_command_return_novalue_to_returncode(ret);
}
