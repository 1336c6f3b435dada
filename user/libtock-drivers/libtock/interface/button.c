// SPDX-License-Identifier: GPL-2.0
/* Buttons: the callback travels as the upcall's opaque pointer. */
#include "button.h"
#include "syscalls/button_syscalls.h"

bool libtock_button_exists(void)
{
	return libtock_button_driver_exists();
}

returncode_t libtock_button_read(int button_num, int *button_value)
{
	return libtock_button_command_read(button_num, button_value);
}

returncode_t libtock_button_count(int *count)
{
	return libtock_button_command_count(count);
}

/* Upcall (button, pressed, 0). */
static void button_upcall(int button, int pressed, int unused, void *opaque)
{
	libtock_button_callback cb = (libtock_button_callback)opaque;

	(void)unused;
	cb(RETURNCODE_SUCCESS, button, pressed == 1);
}

returncode_t libtock_button_notify_on_press(int button_num,
					    libtock_button_callback cb)
{
	returncode_t ret = libtock_button_set_upcall(button_upcall, (void *)cb);

	if (ret != RETURNCODE_SUCCESS)
		return ret;
	return libtock_button_command_enable_interrupt(button_num);
}
