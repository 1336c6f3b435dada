// SPDX-License-Identifier: GPL-2.0
/*
 * blink: count in binary on the board's LEDs, one step every 250 ms, as
 * libtock-c's blink app does: the LEDs from the LED driver, the delay from
 * the alarm driver through libtock's userspace alarms.
 *
 * Usage: blink [STEPS]	(default: for ever)
 */
#include <stdio.h>
#include <stdlib.h>

#include <libtock-sync/services/alarm.h>
#include <libtock/interface/led.h>

#define BLINK_STEP_MS	250

int main(int argc, char **argv)
{
	long steps = argc > 1 ? strtol(argv[1], NULL, 0) : -1;
	int num_leds, err;

	/* Ask the kernel how many LEDs this board has. */
	err = libtock_led_count(&num_leds);
	if (err < 0) {
		fprintf(stderr, "blink: no LEDs: %s\n", tock_strrcode(err));
		return 1;
	}
	printf("blink: %d LEDs\n", num_leds);

	for (long count = 0; steps < 0 || count < steps; count++) {
		for (int i = 0; i < num_leds; i++) {
			if (count & (1 << i))
				libtock_led_on(i);
			else
				libtock_led_off(i);
		}
		/* The delay uses the process's alarm in the kernel. */
		libtocksync_alarm_delay_ms(BLINK_STEP_MS);
	}
	return 0;
}
