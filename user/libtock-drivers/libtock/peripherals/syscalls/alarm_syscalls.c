// SPDX-License-Identifier: GPL-2.0
/* Alarm driver system calls: one libtock call each. */
#include "alarm_syscalls.h"

enum {
	ALARM_UPCALL		= 0,
	ALARM_CMD_FREQUENCY	= 1,
	ALARM_CMD_READ		= 2,
	ALARM_CMD_STOP		= 3,
	ALARM_CMD_SET_RELATIVE	= 5,
	ALARM_CMD_SET_ABSOLUTE	= 6,
};

bool libtock_alarm_driver_exists(void)
{
	return driver_exists(DRIVER_NUM_ALARM);
}

int libtock_alarm_set_upcall(subscribe_upcall callback, void *opaque)
{
	subscribe_return_t ret = subscribe(DRIVER_NUM_ALARM, ALARM_UPCALL,
					   callback, opaque);

	return tock_subscribe_return_to_returncode(ret);
}

int libtock_alarm_command_get_frequency(uint32_t *frequency)
{
	syscall_return_t ret = command(DRIVER_NUM_ALARM, ALARM_CMD_FREQUENCY,
				       0, 0);

	return tock_command_return_u32_to_returncode(ret, frequency);
}

int libtock_alarm_command_read(uint32_t *time)
{
	syscall_return_t ret = command(DRIVER_NUM_ALARM, ALARM_CMD_READ, 0, 0);

	return tock_command_return_u32_to_returncode(ret, time);
}

int libtock_alarm_command_stop(void)
{
	syscall_return_t ret = command(DRIVER_NUM_ALARM, ALARM_CMD_STOP, 0, 0);

	return tock_command_return_novalue_to_returncode(ret);
}

int libtock_alarm_command_set_relative(uint32_t dt, uint32_t *actual)
{
	syscall_return_t ret = command(DRIVER_NUM_ALARM,
				       ALARM_CMD_SET_RELATIVE, (int)dt, 0);

	return tock_command_return_u32_to_returncode(ret, actual);
}

int libtock_alarm_command_set_absolute(uint32_t reference, uint32_t dt)
{
	syscall_return_t ret = command(DRIVER_NUM_ALARM,
				       ALARM_CMD_SET_ABSOLUTE, (int)reference,
				       (int)dt);
	uint32_t expiration;

	return tock_command_return_u32_to_returncode(ret, &expiration);
}
