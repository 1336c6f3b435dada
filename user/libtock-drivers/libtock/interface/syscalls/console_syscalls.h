/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console driver (0x1) system calls, as libtock-c names them.  Writing:
 * read-only allow 1 holds the bytes, command 1 (length) writes them and
 * upcall 1 reports (bytes written, 0, 0), as Tock's console capsule sends
 * it.  Reading: read-write allow 1 receives, command 2 (length) reads,
 * command 3 aborts the read, and upcall 2 reports (status, bytes read, 0).
 */
#ifndef LIBTOCK_CONSOLE_SYSCALLS_H
#define LIBTOCK_CONSOLE_SYSCALLS_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_CONSOLE 0x1

bool libtock_console_driver_exists(void);
returncode_t libtock_console_write_done_set_upcall(subscribe_upcall callback,
						   void *opaque);
returncode_t libtock_console_read_done_set_upcall(subscribe_upcall callback,
						  void *opaque);
returncode_t libtock_console_set_read_allow(const uint8_t *buffer,
					    uint32_t len);
returncode_t libtock_console_set_readwrite_allow(uint8_t *buffer,
						 uint32_t len);
returncode_t libtock_console_command_write(int length);
returncode_t libtock_console_command_read(int length);
returncode_t libtock_console_command_abort_read(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_CONSOLE_SYSCALLS_H */
