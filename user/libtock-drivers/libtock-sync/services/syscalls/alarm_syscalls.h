/* SPDX-License-Identifier: GPL-2.0 */
/* Waiting for the alarm's upcall without subscribing, as libtock-c names it. */
#ifndef LIBTOCKSYNC_ALARM_SYSCALLS_H
#define LIBTOCKSYNC_ALARM_SYSCALLS_H

#include <libtock/peripherals/syscalls/alarm_syscalls.h>
#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Wait for the kernel alarm's next upcall (yield-wait-for). */
returncode_t libtocksync_alarm_yield_wait_for(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCKSYNC_ALARM_SYSCALLS_H */
