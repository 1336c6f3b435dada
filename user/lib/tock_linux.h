/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtock's Linux extensions (not in libtock-c): the device fd, for poll()
 * and event loops, and one raw wrapper per tockallow ioctl, for tests and
 * for callers that want the Linux errno rather than a Tock status.
 */
#ifndef TOCK_LINUX_H
#define TOCK_LINUX_H

#include <tockallow.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Environment variable naming the device, default TOCK_DEVICE_PATH. */
#define TOCK_DEVICE_ENV		"TOCK_DEVICE"
#define TOCK_DEVICE_PATH	"/dev/tock"

/* The device path libtock opens: $TOCK_DEVICE or /dev/tock. */
const char *tock_device_path(void);

/*
 * tock_fd() - libtock's fd on the device, opened on first use.
 *
 * The fd is readable (POLLIN) while an upcall with a function to run is
 * queued, so that yield() after poll() does not block, and reports
 * POLLRDBAND while a bare return value waits for yield_wait_for().  After
 * fork() the child's libtock forgets the parent's fd and opens its own on
 * first use.
 *
 * Return: the fd, or -errno if the device cannot be opened.
 */
int tock_fd(void);

/*
 * tock_close() - end this program's Tock process.
 *
 * Closes libtock's fd: every allowed buffer dies and pending upcalls are
 * dropped.  The next libtock call opens a new process.  No other thread may
 * be inside a libtock call.
 *
 * Return: 0, or -errno from close().
 */
int tock_close(void);

/*
 * Raw ioctls on @fd.  Each returns 0 or -errno and copies the kernel's
 * answer into the struct.  All but tock_raw_yield() retry on EINTR; a
 * waiting yield reports -EINTR so that a signal can end the wait.
 */
int tock_raw_version(int fd, struct tock_ioc_version *ver);
int tock_raw_yield(int fd, struct tock_ioc_yield *y);
int tock_raw_subscribe(int fd, struct tock_ioc_subscribe *sub);
int tock_raw_command(int fd, struct tock_ioc_command *cmd);
int tock_raw_allow_rw(int fd, struct tock_ioc_allow *allow);
int tock_raw_allow_ro(int fd, struct tock_ioc_allow *allow);
int tock_raw_allow_ur(int fd, struct tock_ioc_allow *allow);

#ifdef __cplusplus
}
#endif

#endif /* TOCK_LINUX_H */
