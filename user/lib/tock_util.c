// SPDX-License-Identifier: GPL-2.0
/*
 * libtock: conversions between Tock's return variants and libtock-c's
 * return codes, and their descriptions.  No system calls here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tock.h"

returncode_t tock_status_to_returncode(statuscode_t status)
{
	/* Return codes are minus the error code, and 0 is success in both. */
	return (returncode_t)-(int)status;
}

/*
 * Each converter accepts the one success variant it is for and Failure;
 * any other variant means caller and driver disagree: EBADRVAL.
 */
int tock_command_return_novalue_to_returncode(syscall_return_t ret)
{
	if (ret.type == TOCK_SYSCALL_SUCCESS)
		return RETURNCODE_SUCCESS;
	if (ret.type == TOCK_SYSCALL_FAILURE)
		return tock_status_to_returncode((statuscode_t)ret.data[0]);
	return RETURNCODE_EBADRVAL;
}

int tock_command_return_u32_to_returncode(syscall_return_t ret,
					  uint32_t *val)
{
	if (ret.type == TOCK_SYSCALL_SUCCESS_U32) {
		*val = ret.data[0];
		return RETURNCODE_SUCCESS;
	}
	if (ret.type == TOCK_SYSCALL_FAILURE)
		return tock_status_to_returncode((statuscode_t)ret.data[0]);
	return RETURNCODE_EBADRVAL;
}

int tock_command_return_u32_u32_to_returncode(syscall_return_t ret,
					      uint32_t *val1, uint32_t *val2)
{
	if (ret.type == TOCK_SYSCALL_SUCCESS_U32_U32) {
		*val1 = ret.data[0];
		*val2 = ret.data[1];
		return RETURNCODE_SUCCESS;
	}
	if (ret.type == TOCK_SYSCALL_FAILURE)
		return tock_status_to_returncode((statuscode_t)ret.data[0]);
	return RETURNCODE_EBADRVAL;
}

int tock_command_return_u64_to_returncode(syscall_return_t ret,
					  uint64_t *val)
{
	if (ret.type == TOCK_SYSCALL_SUCCESS_U64) {
		/* Tock's register order: low word first. */
		*val = (uint64_t)ret.data[1] << 32 | ret.data[0];
		return RETURNCODE_SUCCESS;
	}
	if (ret.type == TOCK_SYSCALL_FAILURE)
		return tock_status_to_returncode((statuscode_t)ret.data[0]);
	return RETURNCODE_EBADRVAL;
}

int tock_subscribe_return_to_returncode(subscribe_return_t ret)
{
	return ret.success ? RETURNCODE_SUCCESS :
			     tock_status_to_returncode(ret.status);
}

int tock_allow_rw_return_to_returncode(allow_rw_return_t ret)
{
	return ret.success ? RETURNCODE_SUCCESS :
			     tock_status_to_returncode(ret.status);
}

int tock_allow_ro_return_to_returncode(allow_ro_return_t ret)
{
	return ret.success ? RETURNCODE_SUCCESS :
			     tock_status_to_returncode(ret.status);
}

int tock_allow_userspace_r_return_to_returncode(allow_userspace_r_return_t ret)
{
	return ret.success ? RETURNCODE_SUCCESS :
			     tock_status_to_returncode(ret.status);
}

const char *tock_strerr(statuscode_t status)
{
	return tock_strrcode(tock_status_to_returncode(status));
}

const char *tock_strrcode(returncode_t returncode)
{
	switch (returncode) {
	case RETURNCODE_SUCCESS:
		return "Success";
	case RETURNCODE_FAIL:
		return "Generic failure";
	case RETURNCODE_EBUSY:
		return "Busy, try again later";
	case RETURNCODE_EALREADY:
		return "Requested state is already set";
	case RETURNCODE_EOFF:
		return "Component is powered off";
	case RETURNCODE_ERESERVE:
		return "Reservation needed first";
	case RETURNCODE_EINVAL:
		return "Invalid argument";
	case RETURNCODE_ESIZE:
		return "Size too large";
	case RETURNCODE_ECANCEL:
		return "Cancelled";
	case RETURNCODE_ENOMEM:
		return "Out of memory";
	case RETURNCODE_ENOSUPPORT:
		return "Not supported";
	case RETURNCODE_ENODEVICE:
		return "No such device";
	case RETURNCODE_EUNINSTALLED:
		return "Device not installed";
	case RETURNCODE_ENOACK:
		return "Not acknowledged";
	case RETURNCODE_EBADRVAL:
		return "Unexpected return variant";
	}
	return "Unknown return code";
}

void tock_expect(int expected, int actual, const char *file,
		 unsigned int line)
{
	if (expected == actual)
		return;
	printf("Expectation failed at %s:%u\n", file, line);
	printf("  expected %d, got %d (%s)\n", expected, actual,
	       tock_strrcode((returncode_t)actual));
	exit(1);
}
