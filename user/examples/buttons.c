// SPDX-License-Identifier: GPL-2.0
/*
 * buttons: each button toggles the LED of the same number when pressed,
 * as libtock-c's buttons app does; the callback runs inside yield().
 *
 * Usage: buttons
 */
#include <stdio.h>

#include <libtock-sync/interface/button.h>
#include <libtock/interface/button.h>
#include <libtock/interface/led.h>

static void button_callback(returncode_t ret, int btn_num, bool pressed)
{
	(void)ret;
	printf("buttons: button %d %s\n", btn_num,
	       pressed ? "pressed" : "released");
	fflush(stdout);
	if (pressed)
		libtock_led_toggle(btn_num);
}

int main(void)
{
	int count, err;

	err = libtocksync_button_count(&count);
	if (err < 0) {
		fprintf(stderr, "buttons: no buttons: %s\n",
			tock_strrcode(err));
		return 1;
	}
	printf("buttons: %d buttons\n", count);
	fflush(stdout);
	/* Enable interrupts on each button. */
	for (int i = 0; i < count; i++)
		libtock_button_notify_on_press(i, button_callback);

	for (;;)
		yield();
}
