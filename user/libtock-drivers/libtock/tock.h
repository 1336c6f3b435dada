/* SPDX-License-Identifier: GPL-2.0 */
/* libtock-c's include path for the system-call layer: <libtock/tock.h>. */
#ifndef LIBTOCK_TOCK_H
#define LIBTOCK_TOCK_H

#include <tock.h>

#endif /* LIBTOCK_TOCK_H */
