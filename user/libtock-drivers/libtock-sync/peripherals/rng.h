/* SPDX-License-Identifier: GPL-2.0 */
/* Synchronous random bytes: allow, command, yield-wait-for, unallow. */
#ifndef LIBTOCKSYNC_RNG_H
#define LIBTOCKSYNC_RNG_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

bool libtocksync_rng_exists(void);

/* Fill up to @num of the @len bytes at @buf; *@num_received says how many. */
returncode_t libtocksync_rng_get_random_bytes(uint8_t *buf, uint32_t len,
					      uint32_t num, int *num_received);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCKSYNC_RNG_H */
