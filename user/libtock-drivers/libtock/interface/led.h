/* SPDX-License-Identifier: GPL-2.0 */
/* LEDs, as libtock-c declares them. */
#ifndef LIBTOCK_LED_H
#define LIBTOCK_LED_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

bool libtock_led_exists(void);
returncode_t libtock_led_count(int *count);
returncode_t libtock_led_on(int led_num);
returncode_t libtock_led_off(int led_num);
returncode_t libtock_led_toggle(int led_num);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_LED_H */
