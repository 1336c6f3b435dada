/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Button driver (0x3) system calls, as libtock-c names them: command 0
 * answers the number of buttons, 1 (n) enables button n's upcalls, 2 (n)
 * disables them, 3 (n) reads it (1 pressed); upcall 0 reports
 * (button, pressed, 0) on each press and release.
 */
#ifndef LIBTOCK_BUTTON_SYSCALLS_H
#define LIBTOCK_BUTTON_SYSCALLS_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_BUTTON 0x3

bool libtock_button_driver_exists(void);
returncode_t libtock_button_set_upcall(subscribe_upcall callback,
				       void *opaque);
returncode_t libtock_button_command_count(int *count);
returncode_t libtock_button_command_enable_interrupt(int button_num);
returncode_t libtock_button_command_disable_interrupt(int button_num);
returncode_t libtock_button_command_read(int button_num, int *button_value);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_BUTTON_SYSCALLS_H */
