/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tockallow: the Tock OS system-call model on Linux, one ioctl per Tock
 * system-call class on /dev/tock.
 *
 * Each open file is one Tock process bound to the opener's mm.  Requests the
 * Linux way can't accept fail with -1/errno: ENOTTY for an unknown ioctl,
 * EINVAL for a non-zero reserved field or flag, EFAULT for a bad struct
 * pointer, EPERM for a caller from another mm (a forked child using the
 * inherited file, a receiver of the file, the opener after execve), EINTR
 * for a waiting yield that a signal interrupted.  Requests Tock would refuse
 * succeed at the ioctl level and report Tock's Failure variant in @rtype with
 * Tock's error code in @status.
 *
 * Every struct is a multiple of 8 bytes with explicit zeroed padding and is
 * laid out identically for 32-bit and 64-bit userspace.  Fields marked
 * (out) are ignored on input, so a request struct may be reused.
 */
#ifndef _UAPI_LINUX_TOCKALLOW_H
#define _UAPI_LINUX_TOCKALLOW_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Version of this ABI, reported by TOCK_IOC_VERSION. */
#define TOCK_ABI_VERSION		1

/* Tock return variants (TRD 104, section 3), carried in @rtype. */
#define TOCK_RET_FAILURE		0
#define TOCK_RET_FAILURE_U32		1
#define TOCK_RET_FAILURE_U32_U32	2
#define TOCK_RET_FAILURE_U64		3
#define TOCK_RET_SUCCESS		128
#define TOCK_RET_SUCCESS_U32		129
#define TOCK_RET_SUCCESS_U32_U32	130
#define TOCK_RET_SUCCESS_U64		131
#define TOCK_RET_SUCCESS_U32_U32_U32	132
#define TOCK_RET_SUCCESS_U64_U32	133

/* Tock status codes (ErrorCode, plus 0 for success), carried in @status. */
#define TOCK_STATUS_SUCCESS		0
#define TOCK_STATUS_FAIL		1
#define TOCK_STATUS_BUSY		2
#define TOCK_STATUS_ALREADY		3
#define TOCK_STATUS_OFF			4
#define TOCK_STATUS_RESERVE		5
#define TOCK_STATUS_INVAL		6
#define TOCK_STATUS_SIZE		7
#define TOCK_STATUS_CANCEL		8
#define TOCK_STATUS_NOMEM		9
#define TOCK_STATUS_NOSUPPORT		10
#define TOCK_STATUS_NODEVICE		11
#define TOCK_STATUS_UNINSTALLED		12
#define TOCK_STATUS_NOACK		13

/* Driver numbers of the sample drivers (Tock's capsule numbers). */
#define TOCK_DRIVER_ALARM		0x0
#define TOCK_DRIVER_CONSOLE		0x1
#define TOCK_DRIVER_LED			0x2
#define TOCK_DRIVER_BUTTON		0x3
#define TOCK_DRIVER_RNG			0x40001
#define TOCK_DRIVER_CRC			0x40002
/* tockallow's own test driver: delayed buffer access for race tests. */
#define TOCK_DRIVER_TEST		0xa0000

/*
 * Commands of the test driver (TOCK_DRIVER_TEST), a module built only on
 * request (TOCK_TEST_DRIVER=1).  It has read-only allows 0-1, read-write
 * allows 0-1, userspace-readable allow 0 and upcalls 0-1.  Read-write
 * allow 1 refuses buffers larger than TOCK_TEST_RW1_MAX (SIZE).  Upcall
 * status values are Tock status codes; an access to a dead buffer is
 * reported as TOCK_STATUS_CANCEL.  FILL_LATER and SUM_LATER take a delay
 * of at most 10000 ms (else INVAL).  Each delayed command answers BUSY
 * while one of its kind is pending, until that one's upcall is queued.
 *
 * Fills and sums cover the whole buffer, 64 KiB per access: a delayed one
 * takes its first 64 KiB in the timer and the rest from a workqueue.  A
 * buffer that dies (or that the slot no longer holds) before the last
 * access ends the command with CANCEL and zero values.
 */
#define TOCK_TEST_RW1_MAX		4096
/* arg1 ms later, fill read-write allow 0 with byte arg2; upcall 0 (status, bytes, 0) */
#define TOCK_TEST_CMD_FILL_LATER	1
/* arg1 ms later, sum read-only allow 0; upcall 1 (status, sum, length) */
#define TOCK_TEST_CMD_SUM_LATER		2
/* sum read-only allow arg1 now: Success with u32 sum, or Failure CANCEL */
#define TOCK_TEST_CMD_SUM_NOW		3
/* fill read-write allow 0 with byte arg1 now: Success with u32 bytes */
#define TOCK_TEST_CMD_FILL_NOW		4
/* cancel pending FILL_LATER and SUM_LATER: Success (no upcall), or ALREADY */
#define TOCK_TEST_CMD_CANCEL		5
/* schedule arg1 upcalls on upcall 0 now, with values (i, arg2, 0) */
#define TOCK_TEST_CMD_UPCALLS		6
/* return variant arg1 (a TOCK_RET_*) with values 1, 2, 3 or error arg2 */
#define TOCK_TEST_CMD_RETURN		7
/* fill userspace-readable allow 0 with byte arg1 now: Success with u32 bytes */
#define TOCK_TEST_CMD_FILL_UR_NOW	8
/*
 * from a workqueue, enter read-write allow 0 and stay inside for arg1 ms
 * of CLOCK_MONOTONIC (at most 2000, else INVAL), busy-waiting with the
 * access open, then upcall 0 (status, bytes, 0): a munmap or unallow of
 * the buffer meanwhile waits until the hold ends.  CANCEL leaves it
 * alone; closing the process waits for it.
 */
#define TOCK_TEST_CMD_HOLD_LATER	9

/*
 * Commands of the benchmark driver (TOCK_DRIVER_BENCH), built only for
 * "make bench".  It has read-write allow 0.  The timed ones answer Success
 * with u64 nanoseconds, measured in the kernel.
 */
#define TOCK_DRIVER_BENCH		0xa0001
/* pin_user_pages_fast(FOLL_LONGTERM | FOLL_WRITE) + unpin of [arg1, +arg2) */
#define TOCK_BENCH_CMD_PIN		1
/* nothing: Success, the floor of a command */
#define TOCK_BENCH_CMD_NULL		2
/* arg1 empty enters of read-write allow 0 */
#define TOCK_BENCH_CMD_ENTER		3
/*
 * arg1 bytes at offset (arg2 >> 32) of read-write allow 0, (arg2 & 0xffffffff)
 * times: copied out of the slice (COPY_OUT), into it (COPY_IN), or, for the
 * baseline, between two kernel buffers with memcpy() (MEMCPY)
 */
#define TOCK_BENCH_CMD_COPY_OUT		4
#define TOCK_BENCH_CMD_COPY_IN		5
#define TOCK_BENCH_CMD_MEMCPY		6
/* CRC-32 of [arg1, +arg2) copied in with copy_from_user(): Success u32 */
#define TOCK_BENCH_CMD_CRC_COPY		7

/* Yield modes (TRD 104, section 4.1), in struct tock_ioc_yield.mode. */
#define TOCK_YIELD_NO_WAIT		0
#define TOCK_YIELD_WAIT			1
#define TOCK_YIELD_WAIT_FOR		2

/**
 * struct tock_ioc_version - ABI version query
 * @version:	(out) TOCK_ABI_VERSION
 * @flags:	(in) must be zero
 * @features:	(out) bit mask of TOCK_FEATURE_*
 */
struct tock_ioc_version {
	__u32 version;
	__u32 flags;
	__u64 features;
};

/* Buffers die on munmap/mremap/MADV_DONTNEED/exit (mmu interval notifier). */
#define TOCK_FEATURE_LIVENESS_NOTIFIER	0x1ULL

/**
 * struct tock_ioc_allow - allow read-write (3), read-only (4) or
 *	userspace-readable (7)
 * @driver:	(in) driver number
 * @allow_num:	(in) allow number; read-only, read-write and
 *		userspace-readable numbers are independent
 * @addr:	(in) start of the buffer; (out) on success the previous
 *		buffer's start (0 the first time), on failure the passed one
 * @size:	(in) length in bytes, 0 to unallow; (out) like @addr
 * @flags:	(in) must be zero
 * @rtype:	(out) TOCK_RET_SUCCESS_U32_U32 or TOCK_RET_FAILURE_U32_U32
 * @status:	(out) Tock error code on failure, TOCK_STATUS_SUCCESS otherwise
 * @pad:	(in) must be zero
 */
struct tock_ioc_allow {
	__u32 driver;
	__u32 allow_num;
	__u64 addr;
	__u64 size;
	__u32 flags;
	__u32 rtype;
	__u32 status;
	__u32 pad;
};

/**
 * struct tock_ioc_subscribe - subscribe (1)
 * @driver:	(in) driver number
 * @subscribe_num: (in) upcall number
 * @upcall:	(in) userspace function, opaque to the kernel, 0 for none;
 *		(out) the previous one on success, the passed one on failure
 * @userdata:	(in) passed back with each upcall; (out) like @upcall
 * @flags:	(in) must be zero
 * @rtype:	(out) TOCK_RET_SUCCESS_U32_U32 or TOCK_RET_FAILURE_U32_U32
 * @status:	(out) Tock error code on failure
 * @pad:	(in) must be zero
 */
struct tock_ioc_subscribe {
	__u32 driver;
	__u32 subscribe_num;
	__u64 upcall;
	__u64 userdata;
	__u32 flags;
	__u32 rtype;
	__u32 status;
	__u32 pad;
};

/**
 * struct tock_ioc_command - command (2)
 * @driver:	(in) driver number
 * @command_num: (in) command number; 0 asks whether the driver exists
 * @arg1:	(in) first argument
 * @arg2:	(in) second argument
 * @flags:	(in) must be zero
 * @rtype:	(out) any TOCK_RET_* variant
 * @data:	(out) the variant's values, in Tock's register order: a
 *		failure's error code first, a 64-bit value low word first
 * @pad:	(in) must be zero
 */
struct tock_ioc_command {
	__u32 driver;
	__u32 command_num;
	__u64 arg1;
	__u64 arg2;
	__u32 flags;
	__u32 rtype;
	__u32 data[3];
	__u32 pad;
};

/**
 * struct tock_ioc_yield - yield (0)
 * @mode:	(in) TOCK_YIELD_NO_WAIT, TOCK_YIELD_WAIT or TOCK_YIELD_WAIT_FOR
 * @flags:	(in) must be zero
 * @driver:	(in) TOCK_YIELD_WAIT_FOR: driver to wait for, else zero
 * @subscribe_num: (in) TOCK_YIELD_WAIT_FOR: upcall to wait for, else zero
 * @upcall:	(out) the function to run, 0 when nothing is to run
 * @userdata:	(out) its userdata
 * @args:	(out) the upcall's three values
 * @has_upcall:	(out) 1 if an upcall was dequeued, else 0
 *
 * No-wait and wait dequeue the oldest upcall that has a function and drop
 * queued bare return values (upcalls on slots without a function).
 * Wait-for dequeues the oldest upcall for (@driver, @subscribe_num) and
 * returns its values without a function to run.  The waiting modes sleep
 * interruptibly and fail with EINTR on a signal, having dequeued nothing.
 * poll() on the file reports POLLIN while an upcall with a function is
 * queued and POLLRDBAND while a bare return value is.
 */
struct tock_ioc_yield {
	__u32 mode;
	__u32 flags;
	__u32 driver;
	__u32 subscribe_num;
	__u64 upcall;
	__u64 userdata;
	__u32 args[3];
	__u32 has_upcall;
};

#define TOCK_IOC_MAGIC		0xD7
#define TOCK_IOC_VERSION	_IOWR(TOCK_IOC_MAGIC, 0x00, struct tock_ioc_version)
#define TOCK_IOC_YIELD		_IOWR(TOCK_IOC_MAGIC, 0x01, struct tock_ioc_yield)
#define TOCK_IOC_SUBSCRIBE	_IOWR(TOCK_IOC_MAGIC, 0x02, struct tock_ioc_subscribe)
#define TOCK_IOC_COMMAND	_IOWR(TOCK_IOC_MAGIC, 0x03, struct tock_ioc_command)
#define TOCK_IOC_ALLOW_RW	_IOWR(TOCK_IOC_MAGIC, 0x04, struct tock_ioc_allow)
#define TOCK_IOC_ALLOW_RO	_IOWR(TOCK_IOC_MAGIC, 0x05, struct tock_ioc_allow)
#define TOCK_IOC_ALLOW_UR	_IOWR(TOCK_IOC_MAGIC, 0x06, struct tock_ioc_allow)

#endif /* _UAPI_LINUX_TOCKALLOW_H */
