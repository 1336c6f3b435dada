// SPDX-License-Identifier: GPL-2.0
/* Synchronous random bytes, without subscribing (bare upcall). */
#include <libtock/peripherals/syscalls/rng_syscalls.h>

#include "rng.h"

enum { RNG_UPCALL_DONE = 0 };

bool libtocksync_rng_exists(void)
{
	return libtock_rng_driver_exists();
}

returncode_t libtocksync_rng_get_random_bytes(uint8_t *buf, uint32_t len,
					      uint32_t num, int *num_received)
{
	yield_waitfor_return_t done;
	returncode_t ret;

	ret = libtock_rng_set_allow_readwrite(buf, len);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_rng_command_get_random(num);
	if (ret == RETURNCODE_SUCCESS) {
		/* Upcall (0, bytes filled, 0). */
		done = yield_wait_for(DRIVER_NUM_RNG, RNG_UPCALL_DONE);
		*num_received = (int)done.data1;
	}
	libtock_rng_set_allow_readwrite(NULL, 0);
	return ret;
}
