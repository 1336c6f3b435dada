/* SPDX-License-Identifier: GPL-2.0 */
/* The CRC driver's algorithms; input bytes are consumed LSB first. */
#ifndef LIBTOCK_CRC_TYPES_H
#define LIBTOCK_CRC_TYPES_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	/* polynomial 0x04C11DB7, output reflected and inverted */
	LIBTOCK_CRC_32,
	/* polynomial 0x1EDC6F41 (Castagnoli), output reflected and inverted */
	LIBTOCK_CRC_32C,
	/* polynomial 0x1021, initial value 0xFFFF, no output processing */
	LIBTOCK_CRC_16CCITT,
} libtock_crc_alg_t;

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_CRC_TYPES_H */
