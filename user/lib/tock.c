// SPDX-License-Identifier: GPL-2.0
/*
 * libtock: libtock-c's system calls (subscribe, command, allow, yield) over
 * the tockallow ioctls.
 *
 * The kernel answers in Tock's return variants, so command() is a straight
 * copy and allow/subscribe unpack Success/Failure with u32 u32.  When the
 * ioctl itself fails, the call reports Failure with TOCK_STATUSCODE_FAIL and
 * leaves the Linux reason in errno (EPROTO for a variant the call never
 * returns), since libtock-c's types have nowhere else to put it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tock.h"
#include "tock_linux.h"

/* libtock-c's enums and the uapi both carry Tock's own numbers. */
_Static_assert(TOCK_SYSCALL_FAILURE == TOCK_RET_FAILURE, "rtype");
_Static_assert(TOCK_SYSCALL_FAILURE_U32 == TOCK_RET_FAILURE_U32, "rtype");
_Static_assert(TOCK_SYSCALL_FAILURE_U32_U32 == TOCK_RET_FAILURE_U32_U32,
	       "rtype");
_Static_assert(TOCK_SYSCALL_FAILURE_U64 == TOCK_RET_FAILURE_U64, "rtype");
_Static_assert(TOCK_SYSCALL_SUCCESS == TOCK_RET_SUCCESS, "rtype");
_Static_assert(TOCK_SYSCALL_SUCCESS_U32 == TOCK_RET_SUCCESS_U32, "rtype");
_Static_assert(TOCK_SYSCALL_SUCCESS_U32_U32 == TOCK_RET_SUCCESS_U32_U32,
	       "rtype");
_Static_assert(TOCK_SYSCALL_SUCCESS_U64 == TOCK_RET_SUCCESS_U64, "rtype");
_Static_assert(TOCK_SYSCALL_SUCCESS_U32_U32_U32 ==
	       TOCK_RET_SUCCESS_U32_U32_U32, "rtype");
_Static_assert(TOCK_SYSCALL_SUCCESS_U32_U64 == TOCK_RET_SUCCESS_U64_U32,
	       "rtype");
_Static_assert(TOCK_STATUSCODE_SUCCESS == TOCK_STATUS_SUCCESS, "status");
_Static_assert(TOCK_STATUSCODE_FAIL == TOCK_STATUS_FAIL, "status");
_Static_assert(TOCK_STATUSCODE_BUSY == TOCK_STATUS_BUSY, "status");
_Static_assert(TOCK_STATUSCODE_ALREADY == TOCK_STATUS_ALREADY, "status");
_Static_assert(TOCK_STATUSCODE_OFF == TOCK_STATUS_OFF, "status");
_Static_assert(TOCK_STATUSCODE_RESERVE == TOCK_STATUS_RESERVE, "status");
_Static_assert(TOCK_STATUSCODE_INVAL == TOCK_STATUS_INVAL, "status");
_Static_assert(TOCK_STATUSCODE_SIZE == TOCK_STATUS_SIZE, "status");
_Static_assert(TOCK_STATUSCODE_CANCEL == TOCK_STATUS_CANCEL, "status");
_Static_assert(TOCK_STATUSCODE_NOMEM == TOCK_STATUS_NOMEM, "status");
_Static_assert(TOCK_STATUSCODE_NOSUPPORT == TOCK_STATUS_NOSUPPORT, "status");
_Static_assert(TOCK_STATUSCODE_NODEVICE == TOCK_STATUS_NODEVICE, "status");
_Static_assert(TOCK_STATUSCODE_UNINSTALLED == TOCK_STATUS_UNINSTALLED,
	       "status");
_Static_assert(TOCK_STATUSCODE_NOACK == TOCK_STATUS_NOACK, "status");

/* libtock-c's memop operation numbers for the introspection helpers. */
enum tock_memop_op {
	TOCK_MEMOP_MEMORY_BEGINS	= 2,
	TOCK_MEMOP_MEMORY_ENDS		= 3,
	TOCK_MEMOP_FLASH_BEGINS		= 4,
	TOCK_MEMOP_FLASH_ENDS		= 5,
	TOCK_MEMOP_GRANT_BEGINS		= 6,
	TOCK_MEMOP_WFLASH_REGIONS	= 7,
	TOCK_MEMOP_WFLASH_BEGINS	= 8,
	TOCK_MEMOP_WFLASH_ENDS		= 9,
};

/* A wait that can never succeed would spin forever: give up loudly. */
static __attribute__((noreturn)) void tock_fatal(const char *what, int err)
{
	fprintf(stderr, "libtock: %s on %s: %s\n", what, tock_device_path(),
		strerror(-err));
	exit(1);
}

syscall_return_t command(uint32_t driver, uint32_t command_num, int arg1,
			 int arg2)
{
	struct tock_ioc_command cmd = {
		.driver = driver,
		.command_num = command_num,
		/* Tock's registers are 32 bits: never sign-extend. */
		.arg1 = (uint32_t)arg1,
		.arg2 = (uint32_t)arg2,
	};
	syscall_return_t ret = {
		.type = TOCK_SYSCALL_FAILURE,
		.data = { TOCK_STATUSCODE_FAIL, 0, 0 },
	};
	int fd = tock_fd();
	int err = fd < 0 ? fd : tock_raw_command(fd, &cmd);

	if (err) {
		errno = -err;
		return ret;
	}
	ret.type = (syscall_rtype_t)cmd.rtype;
	memcpy(ret.data, cmd.data, sizeof(ret.data));
	return ret;
}

subscribe_return_t subscribe(uint32_t driver, uint32_t subscribe_num,
			     subscribe_upcall uc, void *userdata)
{
	struct tock_ioc_subscribe sub = {
		.driver = driver,
		.subscribe_num = subscribe_num,
		.upcall = (uintptr_t)uc,
		.userdata = (uintptr_t)userdata,
	};
	subscribe_return_t ret = {
		.success = false,
		.callback = uc,
		.userdata = userdata,
		.status = TOCK_STATUSCODE_FAIL,
	};
	int fd = tock_fd();
	int err = fd < 0 ? fd : tock_raw_subscribe(fd, &sub);

	if (err) {
		errno = -err;
		return ret;
	}
	if (sub.rtype != TOCK_RET_SUCCESS_U32_U32 &&
	    sub.rtype != TOCK_RET_FAILURE_U32_U32) {
		errno = EPROTO;
		return ret;
	}
	ret.success = sub.rtype == TOCK_RET_SUCCESS_U32_U32;
	ret.callback = (subscribe_upcall *)(uintptr_t)sub.upcall;
	ret.userdata = (void *)(uintptr_t)sub.userdata;
	ret.status = ret.success ? TOCK_STATUSCODE_SUCCESS :
				   (statuscode_t)sub.status;
	return ret;
}

/*
 * Issue one allow ioctl.  Afterwards @allow holds what the caller reports:
 * the previous buffer on success, the passed one and a status on failure.
 */
static bool tock_allow(int (*raw)(int, struct tock_ioc_allow *),
		       struct tock_ioc_allow *allow)
{
	uint64_t addr = allow->addr, size = allow->size;
	int fd = tock_fd();
	int err = fd < 0 ? fd : raw(fd, allow);

	if (!err && allow->rtype == TOCK_RET_SUCCESS_U32_U32) {
		allow->status = TOCK_STATUS_SUCCESS;
		return true;
	}
	if (!err && allow->rtype == TOCK_RET_FAILURE_U32_U32)
		return false;

	errno = err ? -err : EPROTO;
	allow->addr = addr;
	allow->size = size;
	allow->status = TOCK_STATUS_FAIL;
	return false;
}

static struct tock_ioc_allow tock_allow_args(uint32_t driver,
					     uint32_t allow_num,
					     const void *ptr, size_t size)
{
	struct tock_ioc_allow allow = {
		.driver = driver,
		.allow_num = allow_num,
		.addr = (uintptr_t)ptr,
		.size = size,
	};

	return allow;
}

allow_rw_return_t allow_readwrite(uint32_t driver, uint32_t allow_num,
				  void *ptr, size_t size)
{
	struct tock_ioc_allow a = tock_allow_args(driver, allow_num, ptr, size);
	allow_rw_return_t ret;

	ret.success = tock_allow(tock_raw_allow_rw, &a);
	ret.ptr = (void *)(uintptr_t)a.addr;
	ret.size = (size_t)a.size;
	ret.status = (statuscode_t)a.status;
	return ret;
}

allow_ro_return_t allow_readonly(uint32_t driver, uint32_t allow_num,
				 const void *ptr, size_t size)
{
	struct tock_ioc_allow a = tock_allow_args(driver, allow_num, ptr, size);
	allow_ro_return_t ret;

	ret.success = tock_allow(tock_raw_allow_ro, &a);
	ret.ptr = (const void *)(uintptr_t)a.addr;
	ret.size = (size_t)a.size;
	ret.status = (statuscode_t)a.status;
	return ret;
}

allow_userspace_r_return_t allow_userspace_read(uint32_t driver,
						uint32_t allow_num, void *ptr,
						size_t size)
{
	struct tock_ioc_allow a = tock_allow_args(driver, allow_num, ptr, size);
	allow_userspace_r_return_t ret;

	ret.success = tock_allow(tock_raw_allow_ur, &a);
	ret.ptr = (void *)(uintptr_t)a.addr;
	ret.size = (size_t)a.size;
	ret.status = (statuscode_t)a.status;
	return ret;
}

/* One yield ioctl on libtock's fd: 0 or -errno. */
static int tock_yield(uint32_t mode, uint32_t driver, uint32_t subscribe_num,
		      struct tock_ioc_yield *y)
{
	int fd = tock_fd();

	memset(y, 0, sizeof(*y));
	y->mode = mode;
	y->driver = driver;
	y->subscribe_num = subscribe_num;
	return fd < 0 ? fd : tock_raw_yield(fd, y);
}

/* Run the upcall a yield dequeued, on this thread, as Tock would. */
static int tock_upcall_run(const struct tock_ioc_yield *y)
{
	subscribe_upcall *fn = (subscribe_upcall *)(uintptr_t)y->upcall;

	if (!y->has_upcall || !fn)
		return 0;
	fn((int)y->args[0], (int)y->args[1], (int)y->args[2],
	   (void *)(uintptr_t)y->userdata);
	return 1;
}

void yield(void)
{
	struct tock_ioc_yield y;
	int err = tock_yield(TOCK_YIELD_WAIT, 0, 0, &y);

	/* A signal ends the wait like a spurious wakeup: nothing ran. */
	if (err == -EINTR)
		return;
	if (err)
		tock_fatal("yield", err);
	tock_upcall_run(&y);
}

void yield_for(bool *cond)
{
	while (!*cond)
		yield();
}

int yield_no_wait(void)
{
	struct tock_ioc_yield y;
	int err = tock_yield(TOCK_YIELD_NO_WAIT, 0, 0, &y);

	if (err) {
		errno = -err;
		return 0;
	}
	return tock_upcall_run(&y);
}

yield_waitfor_return_t yield_wait_for(uint32_t driver, uint32_t subscribe_num)
{
	yield_waitfor_return_t ret;
	struct tock_ioc_yield y;
	int err;

	/* The caller wants these values: a signal only restarts the wait. */
	do {
		err = tock_yield(TOCK_YIELD_WAIT_FOR, driver, subscribe_num,
				 &y);
	} while (err == -EINTR);
	if (err)
		tock_fatal("yield-wait-for", err);

	ret.data0 = y.args[0];
	ret.data1 = y.args[1];
	ret.data2 = y.args[2];
	return ret;
}

void tock_exit(uint32_t completion_code)
{
	exit((int)completion_code);
}

/* Longest command line tock_restart() replays. */
#define TOCK_RESTART_CMDLINE	(64 * 1024)
#define TOCK_RESTART_ARGS	256

void tock_restart(uint32_t completion_code)
{
	static char cmdline[TOCK_RESTART_CMDLINE];
	char *argv[TOCK_RESTART_ARGS + 1];
	size_t len = 0, i;
	int argc = 0;
	FILE *f;

	/* The arguments as the program was started, NUL-separated. */
	f = fopen("/proc/self/cmdline", "re");
	if (f) {
		len = fread(cmdline, 1, sizeof(cmdline) - 1, f);
		fclose(f);
	}
	cmdline[len] = '\0';
	for (i = 0; i < len && argc < TOCK_RESTART_ARGS;
	     i += strlen(cmdline + i) + 1)
		argv[argc++] = cmdline + i;
	argv[argc] = NULL;
	fflush(NULL);
	/* O_CLOEXEC ends this Tock process; the new image opens its own. */
	if (argc)
		execv("/proc/self/exe", argv);
	exit((int)completion_code);
}

memop_return_t memop(uint32_t op_type, uintptr_t arg1)
{
	memop_return_t ret = { .status = TOCK_STATUSCODE_NOSUPPORT };

	(void)op_type;
	(void)arg1;
	return ret;
}

static void *tock_memop_ptr(uint32_t op, uintptr_t arg)
{
	memop_return_t ret = memop(op, arg);

	return ret.status == TOCK_STATUSCODE_SUCCESS ? (void *)ret.data : NULL;
}

void *tock_app_memory_begins_at(void)
{
	return tock_memop_ptr(TOCK_MEMOP_MEMORY_BEGINS, 0);
}

void *tock_app_memory_ends_at(void)
{
	return tock_memop_ptr(TOCK_MEMOP_MEMORY_ENDS, 0);
}

void *tock_app_flash_begins_at(void)
{
	return tock_memop_ptr(TOCK_MEMOP_FLASH_BEGINS, 0);
}

void *tock_app_flash_ends_at(void)
{
	return tock_memop_ptr(TOCK_MEMOP_FLASH_ENDS, 0);
}

void *tock_app_grant_begins_at(void)
{
	return tock_memop_ptr(TOCK_MEMOP_GRANT_BEGINS, 0);
}

int tock_app_number_writeable_flash_regions(void)
{
	memop_return_t ret = memop(TOCK_MEMOP_WFLASH_REGIONS, 0);

	return ret.status == TOCK_STATUSCODE_SUCCESS ? (int)ret.data : 0;
}

void *tock_app_writeable_flash_region_begins_at(int region_index)
{
	return tock_memop_ptr(TOCK_MEMOP_WFLASH_BEGINS,
			      (uintptr_t)region_index);
}

void *tock_app_writeable_flash_region_ends_at(int region_index)
{
	return tock_memop_ptr(TOCK_MEMOP_WFLASH_ENDS, (uintptr_t)region_index);
}

bool driver_exists(uint32_t driver)
{
	syscall_return_t ret = command(driver, 0, 0, 0);

	/* Any success variant means the driver is there. */
	return ret.type >= TOCK_SYSCALL_SUCCESS;
}
