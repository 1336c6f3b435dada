/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC driver (0x40002) system calls, as libtock-c names them: read-only
 * allow 0 holds the input, command 1 (algorithm, length) starts a
 * computation (BUSY while one runs, SIZE when length exceeds the buffer)
 * and upcall 0 (status, result, algorithm) reports it.
 */
#ifndef LIBTOCK_CRC_SYSCALLS_H
#define LIBTOCK_CRC_SYSCALLS_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_CRC 0x40002

bool libtock_crc_driver_exists(void);
returncode_t libtock_crc_set_upcall(subscribe_upcall callback, void *opaque);
returncode_t libtock_crc_set_readonly_allow(const uint8_t *buf, uint32_t len);
returncode_t libtock_crc_command_request(uint32_t algorithm, uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_CRC_SYSCALLS_H */
