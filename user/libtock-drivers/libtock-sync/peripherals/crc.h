/* SPDX-License-Identifier: GPL-2.0 */
/* Synchronous CRCs: allow, command, yield-wait-for, unallow. */
#ifndef LIBTOCKSYNC_CRC_H
#define LIBTOCKSYNC_CRC_H

#include <libtock/tock.h>
#include <libtock/peripherals/crc_types.h>

#ifdef __cplusplus
extern "C" {
#endif

bool libtocksync_crc_exists(void);

/*
 * Compute the CRC of @buflen bytes at @buf into *@result.  Returns EBUSY
 * while another computation runs and ESIZE if the driver refuses the size.
 */
returncode_t libtocksync_crc_compute(const uint8_t *buf, size_t buflen,
				     libtock_crc_alg_t algorithm,
				     uint32_t *result);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCKSYNC_CRC_H */
