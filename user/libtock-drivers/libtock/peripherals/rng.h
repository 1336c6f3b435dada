/* SPDX-License-Identifier: GPL-2.0 */
/* Asynchronous random bytes: the callback runs inside a later yield(). */
#ifndef LIBTOCK_RNG_H
#define LIBTOCK_RNG_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with the request's status and the number of bytes filled. */
typedef void (*libtock_rng_callback)(returncode_t, int);

bool libtock_rng_exists(void);

/* Fill up to @num of the @len bytes at @buf; @buf stays allowed. */
returncode_t libtock_rng_get_random_bytes(uint8_t *buf, uint32_t len,
					  uint32_t num,
					  libtock_rng_callback cb);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_RNG_H */
