/* SPDX-License-Identifier: GPL-2.0 */
/* Asynchronous console writes: the callback runs inside a later yield(). */
#ifndef LIBTOCK_CONSOLE_H
#define LIBTOCK_CONSOLE_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with the write's status and the number of bytes written. */
typedef void (*libtock_console_callback_write)(returncode_t, uint32_t);

bool libtock_console_exists(void);

/* @buffer must stay valid and unchanged until the callback has run. */
returncode_t libtock_console_write(const uint8_t *buffer, uint32_t len,
				   libtock_console_callback_write cb);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_CONSOLE_H */
