// SPDX-License-Identifier: GPL-2.0
/* Asynchronous random bytes over the RNG system calls. */
#include "rng.h"
#include "syscalls/rng_syscalls.h"

/* Upcall (0, bytes filled, 0); userdata is the caller's callback. */
static void rng_upcall(int unused0, int filled, int unused2, void *opaque)
{
	libtock_rng_callback cb = (libtock_rng_callback)opaque;

	(void)unused0;
	(void)unused2;
	cb(RETURNCODE_SUCCESS, filled);
}

bool libtock_rng_exists(void)
{
	return libtock_rng_driver_exists();
}

returncode_t libtock_rng_get_random_bytes(uint8_t *buf, uint32_t len,
					  uint32_t num,
					  libtock_rng_callback cb)
{
	returncode_t ret;

	ret = libtock_rng_set_upcall(rng_upcall, (void *)cb);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_rng_set_allow_readwrite(buf, len);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	return libtock_rng_command_get_random(num);
}
