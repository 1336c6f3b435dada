// SPDX-License-Identifier: GPL-2.0
/*
 * libtock: the fd on /dev/tock that is this program's Tock process.
 *
 * Opened lazily under a mutex so that threads racing on their first call
 * share one process.  The kernel refuses ioctls from any mm but the
 * opener's, so a forked child must not keep the parent's fd: an atfork
 * child handler closes it and the child opens its own on first use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "tock_linux.h"

/* -1 while closed; read without the lock on the fast path. */
static atomic_int tock_dev_fd = -1;
/* Serialises open and close, and is held across fork(). */
static pthread_mutex_t tock_dev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t tock_dev_once = PTHREAD_ONCE_INIT;

/* Keep another thread from opening or closing while fork() copies us. */
static void tock_dev_atfork_prepare(void)
{
	pthread_mutex_lock(&tock_dev_lock);
}

static void tock_dev_atfork_parent(void)
{
	pthread_mutex_unlock(&tock_dev_lock);
}

/* The parent's process is bound to the parent's mm: drop it. */
static void tock_dev_atfork_child(void)
{
	int fd = atomic_exchange(&tock_dev_fd, -1);

	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&tock_dev_lock);
}

static void tock_dev_init(void)
{
	/*
	 * On failure (ENOMEM) a child would keep the parent's fd and see
	 * EPERM from every call; nothing better can be done here.
	 */
	pthread_atfork(tock_dev_atfork_prepare, tock_dev_atfork_parent,
		       tock_dev_atfork_child);
}

const char *tock_device_path(void)
{
	const char *path = getenv(TOCK_DEVICE_ENV);

	return path && *path ? path : TOCK_DEVICE_PATH;
}

int tock_fd(void)
{
	int fd = atomic_load_explicit(&tock_dev_fd, memory_order_acquire);

	if (fd >= 0)
		return fd;

	pthread_once(&tock_dev_once, tock_dev_init);
	pthread_mutex_lock(&tock_dev_lock);
	fd = atomic_load_explicit(&tock_dev_fd, memory_order_relaxed);
	if (fd < 0) {
		/* A failed open is not remembered: the next call retries. */
		fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		else
			atomic_store_explicit(&tock_dev_fd, fd,
					      memory_order_release);
	}
	pthread_mutex_unlock(&tock_dev_lock);
	return fd;
}

int tock_close(void)
{
	int fd, ret = 0;

	pthread_mutex_lock(&tock_dev_lock);
	fd = atomic_exchange(&tock_dev_fd, -1);
	if (fd >= 0 && close(fd) < 0)
		ret = -errno;
	pthread_mutex_unlock(&tock_dev_lock);
	return ret;
}
