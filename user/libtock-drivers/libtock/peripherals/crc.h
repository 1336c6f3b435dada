/* SPDX-License-Identifier: GPL-2.0 */
/* Asynchronous CRCs: the callback runs inside a later yield(). */
#ifndef LIBTOCK_CRC_H
#define LIBTOCK_CRC_H

#include <libtock/tock.h>
#include <libtock/peripherals/crc_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with the computation's status and the CRC. */
typedef void (*libtock_crc_callback_computed)(returncode_t, uint32_t);

bool libtock_crc_exists(void);

/* @buf stays allowed (and must stay unchanged) until the callback runs. */
returncode_t libtock_crc_compute(const uint8_t *buf, uint32_t buflen,
				 libtock_crc_alg_t algorithm,
				 libtock_crc_callback_computed cb);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_CRC_H */
