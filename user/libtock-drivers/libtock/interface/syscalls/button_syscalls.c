// SPDX-License-Identifier: GPL-2.0
/* Button driver system calls: one libtock call each. */
#include "button_syscalls.h"

enum {
	BUTTON_UPCALL		= 0,
	BUTTON_CMD_COUNT	= 0,
	BUTTON_CMD_ENABLE	= 1,
	BUTTON_CMD_DISABLE	= 2,
	BUTTON_CMD_READ		= 3,
};

bool libtock_button_driver_exists(void)
{
	return driver_exists(DRIVER_NUM_BUTTON);
}

returncode_t libtock_button_set_upcall(subscribe_upcall callback, void *opaque)
{
	subscribe_return_t ret = subscribe(DRIVER_NUM_BUTTON, BUTTON_UPCALL,
					   callback, opaque);

	return tock_subscribe_return_to_returncode(ret);
}

static returncode_t button_u32(uint32_t cmd, int arg, int *value)
{
	syscall_return_t ret = command(DRIVER_NUM_BUTTON, cmd, arg, 0);
	uint32_t v = 0;
	int rc = tock_command_return_u32_to_returncode(ret, &v);

	*value = (int)v;
	return rc;
}

returncode_t libtock_button_command_count(int *count)
{
	return button_u32(BUTTON_CMD_COUNT, 0, count);
}

returncode_t libtock_button_command_enable_interrupt(int button_num)
{
	syscall_return_t ret = command(DRIVER_NUM_BUTTON, BUTTON_CMD_ENABLE,
				       button_num, 0);

	return tock_command_return_novalue_to_returncode(ret);
}

returncode_t libtock_button_command_disable_interrupt(int button_num)
{
	syscall_return_t ret = command(DRIVER_NUM_BUTTON, BUTTON_CMD_DISABLE,
				       button_num, 0);

	return tock_command_return_novalue_to_returncode(ret);
}

returncode_t libtock_button_command_read(int button_num, int *button_value)
{
	return button_u32(BUTTON_CMD_READ, button_num, button_value);
}
