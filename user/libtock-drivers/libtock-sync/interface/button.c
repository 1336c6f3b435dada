// SPDX-License-Identifier: GPL-2.0
/* Blocking buttons: enable, yield-wait-for the press, disable. */
#include "button.h"

enum { BUTTON_UPCALL = 0 };

bool libtocksync_button_exists(void)
{
	return libtock_button_driver_exists();
}

returncode_t libtocksync_button_count(int *count)
{
	return libtock_button_command_count(count);
}

returncode_t libtocksync_button_read(int button_num, int *button_value)
{
	return libtock_button_command_read(button_num, button_value);
}

returncode_t libtocksync_button_wait_for_press(int button_num)
{
	yield_waitfor_return_t up;
	returncode_t ret;

	ret = libtock_button_command_enable_interrupt(button_num);
	if (ret != RETURNCODE_SUCCESS)
		return ret;
	/* Upcall (button, pressed, 0); releases and other buttons wait on. */
	do {
		up = yield_wait_for(DRIVER_NUM_BUTTON, BUTTON_UPCALL);
	} while ((int)up.data0 != button_num || up.data1 != 1);
	return libtock_button_command_disable_interrupt(button_num);
}
