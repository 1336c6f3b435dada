/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LED core's list of registered LEDs and its lock, which
 * drivers/leds/led-core.c exports from 6.1 to 6.12.  Their declarations
 * are in drivers/leds/leds.h, which is not installed for modules built out
 * of tree, so the LED driver declares them here.
 */
#ifndef _TOCK_LED_CORE_H
#define _TOCK_LED_CORE_H

#include <linux/list.h>
#include <linux/rwsem.h>

/* Held for writing while an LED joins or leaves leds_list. */
extern struct rw_semaphore leds_list_lock;
/* Every registered struct led_classdev, linked by its node. */
extern struct list_head leds_list;

#endif /* _TOCK_LED_CORE_H */
