/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Asynchronous console writes and reads, with libtock-c's API: the callback
 * runs inside a later yield().
 */
#ifndef LIBTOCK_CONSOLE_H
#define LIBTOCK_CONSOLE_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with the write's status and the number of bytes written. */
typedef void (*libtock_console_callback_write)(returncode_t, uint32_t);

/*
 * Called with the read's status and the number of bytes read: SUCCESS
 * once all were read, CANCEL after libtock_console_abort_read() with what
 * had arrived, SIZE if the buffer was taken back meanwhile.
 */
typedef void (*libtock_console_callback_read)(returncode_t, uint32_t);

bool libtock_console_exists(void);

/* @buffer must stay valid and unchanged until the callback has run. */
returncode_t libtock_console_write(const uint8_t *buffer, uint32_t len,
				   libtock_console_callback_write cb);

/*
 * Read @len bytes into @buffer, which must stay valid until the callback
 * has run.  One read at a time per process (BUSY otherwise); @len 0 is
 * refused (SIZE).
 */
returncode_t libtock_console_read(uint8_t *buffer, uint32_t len,
				  libtock_console_callback_read cb);

/* End the pending read early: its callback gets CANCEL. */
returncode_t libtock_console_abort_read(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_CONSOLE_H */
