// SPDX-License-Identifier: GPL-2.0
/* Asynchronous CRCs over the CRC system calls. */
#include "crc.h"
#include "syscalls/crc_syscalls.h"

/* Upcall (status, result, algorithm); userdata is the caller's callback. */
static void crc_upcall(int status, int result, int algorithm, void *opaque)
{
	libtock_crc_callback_computed cb =
		(libtock_crc_callback_computed)opaque;

	(void)algorithm;
	cb(tock_status_to_returncode((statuscode_t)status), (uint32_t)result);
}

bool libtock_crc_exists(void)
{
	return libtock_crc_driver_exists();
}

returncode_t libtock_crc_compute(const uint8_t *buf, uint32_t buflen,
				 libtock_crc_alg_t algorithm,
				 libtock_crc_callback_computed cb)
{
	returncode_t ret;

	ret = libtock_crc_set_readonly_allow(buf, buflen);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	ret = libtock_crc_set_upcall(crc_upcall, (void *)cb);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	return libtock_crc_command_request((uint32_t)algorithm, buflen);
}
