/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RNG driver (0x40001) system calls, as libtock-c names them: read-write
 * allow 0 receives the bytes, command 1 (count) asks for them and upcall 0
 * (0, bytes filled, 0) reports completion.
 */
#ifndef LIBTOCK_RNG_SYSCALLS_H
#define LIBTOCK_RNG_SYSCALLS_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_RNG 0x40001

bool libtock_rng_driver_exists(void);
returncode_t libtock_rng_set_allow_readwrite(uint8_t *buf, uint32_t len);
returncode_t libtock_rng_set_upcall(subscribe_upcall callback, void *opaque);
returncode_t libtock_rng_command_get_random(uint32_t num_bytes);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_RNG_SYSCALLS_H */
