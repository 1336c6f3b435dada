// SPDX-License-Identifier: GPL-2.0
/* Synchronous CRCs, without subscribing (bare upcall). */
#include <libtock/peripherals/syscalls/crc_syscalls.h>

#include "crc.h"

enum { CRC_UPCALL_DONE = 0 };

bool libtocksync_crc_exists(void)
{
	return libtock_crc_driver_exists();
}

returncode_t libtocksync_crc_compute(const uint8_t *buf, size_t buflen,
				     libtock_crc_alg_t algorithm,
				     uint32_t *result)
{
	yield_waitfor_return_t done;
	returncode_t ret;

	/* Tock lengths are 32 bits. */
	if (buflen > UINT32_MAX)
		return RETURNCODE_ESIZE;
	ret = libtock_crc_set_readonly_allow(buf, (uint32_t)buflen);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_crc_command_request((uint32_t)algorithm,
					  (uint32_t)buflen);
	if (ret == RETURNCODE_SUCCESS) {
		/* Upcall (status, result, algorithm). */
		done = yield_wait_for(DRIVER_NUM_CRC, CRC_UPCALL_DONE);
		ret = tock_status_to_returncode((statuscode_t)done.data0);
		if (ret == RETURNCODE_SUCCESS)
			*result = done.data1;
	}
	libtock_crc_set_readonly_allow(NULL, 0);
	return ret;
}
