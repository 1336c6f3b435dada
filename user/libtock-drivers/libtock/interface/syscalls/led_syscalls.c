// SPDX-License-Identifier: GPL-2.0
/* LED driver system calls: one libtock call each. */
#include "led_syscalls.h"

enum {
	LED_CMD_COUNT	= 0,
	LED_CMD_ON	= 1,
	LED_CMD_OFF	= 2,
	LED_CMD_TOGGLE	= 3,
};

bool libtock_led_driver_exists(void)
{
	return driver_exists(DRIVER_NUM_LED);
}

returncode_t libtock_led_command_count(int *count)
{
	syscall_return_t ret = command(DRIVER_NUM_LED, LED_CMD_COUNT, 0, 0);
	uint32_t n = 0;
	int rc = tock_command_return_u32_to_returncode(ret, &n);

	*count = (int)n;
	return rc;
}

static returncode_t led_command(uint32_t cmd, int led_num)
{
	syscall_return_t ret = command(DRIVER_NUM_LED, cmd, led_num, 0);

	return tock_command_return_novalue_to_returncode(ret);
}

returncode_t libtock_led_command_on(int led_num)
{
	return led_command(LED_CMD_ON, led_num);
}

returncode_t libtock_led_command_off(int led_num)
{
	return led_command(LED_CMD_OFF, led_num);
}

returncode_t libtock_led_command_toggle(int led_num)
{
	return led_command(LED_CMD_TOGGLE, led_num);
}
