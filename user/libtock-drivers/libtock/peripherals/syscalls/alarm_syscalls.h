/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alarm driver (0x0) system calls, as libtock-c names them: command 1
 * gives the tick frequency, 2 the wrapping 32-bit tick counter, 3 stops
 * the alarm, 5 (dt) arms it dt ticks from now and 6 (reference, dt) at
 * reference + dt; upcall 0 reports (now, expiration, 0).  Arming replaces
 * the alarm armed before: a process has one.
 */
#ifndef LIBTOCK_ALARM_SYSCALLS_H
#define LIBTOCK_ALARM_SYSCALLS_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_ALARM 0x0

bool libtock_alarm_driver_exists(void);
int libtock_alarm_set_upcall(subscribe_upcall callback, void *opaque);
int libtock_alarm_command_get_frequency(uint32_t *frequency);
int libtock_alarm_command_read(uint32_t *time);
/* RETURNCODE_EALREADY when no alarm is armed. */
int libtock_alarm_command_stop(void);
/* *actual is set to the expiration the kernel armed, now + dt. */
int libtock_alarm_command_set_relative(uint32_t dt, uint32_t *actual);
/* Expires once the counter has moved dt ticks past reference. */
int libtock_alarm_command_set_absolute(uint32_t reference, uint32_t dt);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_ALARM_SYSCALLS_H */
