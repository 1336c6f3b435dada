// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking alarms: a libtock alarm whose callback sets a flag, and
 * yield_for() on it, so other upcalls keep running meanwhile.
 */
#include "alarm.h"

static void alarm_flag(uint32_t now, uint32_t expiration, void *opaque)
{
	(void)now;
	(void)expiration;
	*(bool *)opaque = true;
}

int libtocksync_alarm_delay_ms(uint32_t ms)
{
	libtock_alarm_t alarm = { 0 };
	bool fired = false;
	int ret;

	ret = libtock_alarm_in_ms(ms, alarm_flag, &fired, &alarm);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	yield_for(&fired);
	return RETURNCODE_SUCCESS;
}

int libtocksync_alarm_yield_for_with_timeout(bool *cond, uint32_t ms)
{
	libtock_alarm_t alarm = { 0 };
	bool timeout = false;

	if (libtock_alarm_in_ms(ms, alarm_flag, &timeout, &alarm) !=
	    RETURNCODE_SUCCESS)
		return RETURNCODE_FAIL;
	while (!*cond && !timeout)
		yield();
	if (!*cond) {
		/* The alarm fired: nothing is left to cancel. */
		return RETURNCODE_FAIL;
	}
	libtock_alarm_ms_cancel(&alarm);
	return RETURNCODE_SUCCESS;
}
