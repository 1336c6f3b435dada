/* SPDX-License-Identifier: GPL-2.0 */
/* Blocking alarms, as libtock-c declares them, over libtock's alarms. */
#ifndef LIBTOCKSYNC_SERVICES_ALARM_H
#define LIBTOCKSYNC_SERVICES_ALARM_H

#include <libtock/services/alarm.h>
#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Block for @ms milliseconds; RETURNCODE_SUCCESS or RETURNCODE_FAIL. */
int libtocksync_alarm_delay_ms(uint32_t ms);

/*
 * yield_for(@cond), giving up after @ms milliseconds: RETURNCODE_SUCCESS
 * once *@cond is true, RETURNCODE_FAIL on the timeout.
 */
int libtocksync_alarm_yield_for_with_timeout(bool *cond, uint32_t ms);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCKSYNC_SERVICES_ALARM_H */
