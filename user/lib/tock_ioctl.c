// SPDX-License-Identifier: GPL-2.0
/*
 * libtock: one thin wrapper per tockallow ioctl, returning 0 or -errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/ioctl.h>

#include "tock_linux.h"

/*
 * Only the waiting yields sleep interruptibly; any other ioctl that sees a
 * signal has done nothing and can simply be issued again.
 */
static int tock_ioctl_restart(int fd, unsigned long request, void *arg)
{
	while (ioctl(fd, request, arg) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int tock_raw_version(int fd, struct tock_ioc_version *ver)
{
	return tock_ioctl_restart(fd, TOCK_IOC_VERSION, ver);
}

int tock_raw_yield(int fd, struct tock_ioc_yield *y)
{
	/* No restart: the caller decides what a signal means for its wait. */
	return ioctl(fd, TOCK_IOC_YIELD, y) < 0 ? -errno : 0;
}

int tock_raw_subscribe(int fd, struct tock_ioc_subscribe *sub)
{
	return tock_ioctl_restart(fd, TOCK_IOC_SUBSCRIBE, sub);
}

int tock_raw_command(int fd, struct tock_ioc_command *cmd)
{
	return tock_ioctl_restart(fd, TOCK_IOC_COMMAND, cmd);
}

int tock_raw_allow_rw(int fd, struct tock_ioc_allow *allow)
{
	return tock_ioctl_restart(fd, TOCK_IOC_ALLOW_RW, allow);
}

int tock_raw_allow_ro(int fd, struct tock_ioc_allow *allow)
{
	return tock_ioctl_restart(fd, TOCK_IOC_ALLOW_RO, allow);
}

int tock_raw_allow_ur(int fd, struct tock_ioc_allow *allow)
{
	return tock_ioctl_restart(fd, TOCK_IOC_ALLOW_UR, allow);
}
