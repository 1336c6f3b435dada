/* SPDX-License-Identifier: GPL-2.0 */
/* Buttons, as libtock-c declares them: callbacks run inside yield(). */
#ifndef LIBTOCK_BUTTON_H
#define LIBTOCK_BUTTON_H

#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with (status, button, pressed) on each press and release. */
typedef void (*libtock_button_callback)(returncode_t, int, bool);

bool libtock_button_exists(void);
returncode_t libtock_button_read(int button_num, int *button_value);
returncode_t libtock_button_count(int *count);
/* Enable @button_num; @cb serves every enabled button (one upcall). */
returncode_t libtock_button_notify_on_press(int button_num,
					    libtock_button_callback cb);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_BUTTON_H */
