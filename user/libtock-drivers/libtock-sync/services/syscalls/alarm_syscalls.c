// SPDX-License-Identifier: GPL-2.0
/* Waiting for the alarm's upcall, as a bare value. */
#include "alarm_syscalls.h"

enum { ALARM_UPCALL = 0 };

returncode_t libtocksync_alarm_yield_wait_for(void)
{
	yield_wait_for(DRIVER_NUM_ALARM, ALARM_UPCALL);
	return RETURNCODE_SUCCESS;
}
