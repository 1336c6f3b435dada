/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LED driver (0x2) system calls, as libtock-c names them: command 0
 * answers the number of LEDs, 1 (n) on, 2 (n) off, 3 (n) toggle.
 */
#ifndef LIBTOCK_LED_SYSCALLS_H
#define LIBTOCK_LED_SYSCALLS_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_LED 0x2

bool libtock_led_driver_exists(void);
returncode_t libtock_led_command_count(int *count);
returncode_t libtock_led_command_on(int led_num);
returncode_t libtock_led_command_off(int led_num);
returncode_t libtock_led_command_toggle(int led_num);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_LED_SYSCALLS_H */
