/* SPDX-License-Identifier: GPL-2.0 */
/* Blocking buttons, as libtock-c declares them. */
#ifndef LIBTOCKSYNC_BUTTON_H
#define LIBTOCKSYNC_BUTTON_H

#include <libtock/interface/syscalls/button_syscalls.h>
#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

bool libtocksync_button_exists(void);
returncode_t libtocksync_button_count(int *count);
returncode_t libtocksync_button_read(int button_num, int *button_value);
/* Block until @button_num is next pressed (a press already held is not). */
returncode_t libtocksync_button_wait_for_press(int button_num);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCKSYNC_BUTTON_H */
