/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synchronous console writes and reads: allow, command, yield-wait-for,
 * unallow.
 */
#ifndef LIBTOCKSYNC_CONSOLE_H
#define LIBTOCKSYNC_CONSOLE_H

#include <libtock/tock.h>
#include <libtock/interface/console.h>

#ifdef __cplusplus
extern "C" {
#endif

bool libtocksync_console_exists(void);

/* Write @length bytes; *@written receives the count the driver reports. */
returncode_t libtocksync_console_write(const uint8_t *buffer,
				       uint32_t length, uint32_t *written);

/*
 * Read @length bytes, waiting until they have all arrived; *@read receives
 * the count the driver reports.  Returns the read's status.
 */
returncode_t libtocksync_console_read(uint8_t *buffer, uint32_t length,
				      uint32_t *read);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCKSYNC_CONSOLE_H */
