/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtock: the system-call layer of libtock-c (libtock/tock.h) for Linux
 * processes, implemented over the /dev/tock ioctls of tockallow.
 *
 * Names, types and enum values are those of libtock-c so that its drivers
 * and applications build unchanged.  Differences, all forced by Linux:
 *  - the first call opens /dev/tock (or $TOCK_DEVICE); that open file is
 *    this program's Tock process, and a forked child gets its own;
 *  - when the ioctl itself fails (no device, bad fd, ...), the call reports
 *    Tock's Failure with TOCK_STATUSCODE_FAIL and leaves the reason in errno;
 *  - memop() has no Linux counterpart: it always fails with NOSUPPORT, so
 *    the tock_app_*() introspection helpers return NULL or 0;
 *  - tock_exit() exits the program; tock_restart() runs it again from the
 *    start (execve of /proc/self/exe with the same arguments), which ends
 *    its Tock process and starts a new one, as Tock's restart does.
 * Upcalls run on the calling thread, inside yield(), as on Tock.  Every
 * call may be made from any thread; all threads share one Tock process.
 */
#ifndef TOCK_H
#define TOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (subscribe_upcall)(int, int, int, void *);

/* Tock's SyscallReturn variants (TRD 104, section 3). */
typedef enum {
	TOCK_SYSCALL_FAILURE			= 0,
	TOCK_SYSCALL_FAILURE_U32		= 1,
	TOCK_SYSCALL_FAILURE_U32_U32		= 2,
	TOCK_SYSCALL_FAILURE_U64		= 3,
	TOCK_SYSCALL_SUCCESS			= 128,
	TOCK_SYSCALL_SUCCESS_U32		= 129,
	TOCK_SYSCALL_SUCCESS_U32_U32		= 130,
	TOCK_SYSCALL_SUCCESS_U64		= 131,
	TOCK_SYSCALL_SUCCESS_U32_U32_U32	= 132,
	TOCK_SYSCALL_SUCCESS_U32_U64		= 133
} syscall_rtype_t;

/* The name older libtock-c releases gave variant 133. */
#define TOCK_SYSCALL_SUCCESS_U64_U32 TOCK_SYSCALL_SUCCESS_U32_U64

/* libtock-c return codes: 0 for success, minus Tock's ErrorCode otherwise. */
typedef enum {
	RETURNCODE_SUCCESS	= 0,
	RETURNCODE_FAIL		= -1,
	RETURNCODE_EBUSY	= -2,
	RETURNCODE_EALREADY	= -3,
	RETURNCODE_EOFF		= -4,
	RETURNCODE_ERESERVE	= -5,
	RETURNCODE_EINVAL	= -6,
	RETURNCODE_ESIZE	= -7,
	RETURNCODE_ECANCEL	= -8,
	RETURNCODE_ENOMEM	= -9,
	RETURNCODE_ENOSUPPORT	= -10,
	RETURNCODE_ENODEVICE	= -11,
	RETURNCODE_EUNINSTALLED	= -12,
	RETURNCODE_ENOACK	= -13,
	RETURNCODE_EBADRVAL	= -1024
} returncode_t;

/* Tock's StatusCode: ErrorCode plus 0 for success. */
typedef enum {
	TOCK_STATUSCODE_SUCCESS		= 0,
	TOCK_STATUSCODE_FAIL		= 1,
	TOCK_STATUSCODE_BUSY		= 2,
	TOCK_STATUSCODE_ALREADY		= 3,
	TOCK_STATUSCODE_OFF		= 4,
	TOCK_STATUSCODE_RESERVE		= 5,
	TOCK_STATUSCODE_INVAL		= 6,
	TOCK_STATUSCODE_SIZE		= 7,
	TOCK_STATUSCODE_CANCEL		= 8,
	TOCK_STATUSCODE_NOMEM		= 9,
	TOCK_STATUSCODE_NOSUPPORT	= 10,
	TOCK_STATUSCODE_NODEVICE	= 11,
	TOCK_STATUSCODE_UNINSTALLED	= 12,
	TOCK_STATUSCODE_NOACK		= 13,
} statuscode_t;

/* Result of command(): the variant and up to three values. */
typedef struct {
	syscall_rtype_t type;
	uint32_t data[3];
} syscall_return_t;

/* On success the previous pair, on failure the passed one. */
typedef struct {
	bool success;
	subscribe_upcall *callback;
	void *userdata;
	statuscode_t status;
} subscribe_return_t;

/* On success the previous buffer, on failure the passed one. */
typedef struct {
	bool success;
	void *ptr;
	size_t size;
	statuscode_t status;
} allow_rw_return_t;

typedef struct {
	bool success;
	const void *ptr;
	size_t size;
	statuscode_t status;
} allow_ro_return_t;

typedef struct {
	bool success;
	void *ptr;
	size_t size;
	statuscode_t status;
} allow_userspace_r_return_t;

typedef struct {
	statuscode_t status;
	uintptr_t data;
} memop_return_t;

/* The three values of the upcall that yield_wait_for() waited for. */
typedef struct {
	uint32_t data0;
	uint32_t data1;
	uint32_t data2;
} yield_waitfor_return_t;

returncode_t tock_status_to_returncode(statuscode_t status);
int tock_command_return_novalue_to_returncode(syscall_return_t ret);
int tock_command_return_u32_to_returncode(syscall_return_t ret,
					  uint32_t *val);
int tock_command_return_u32_u32_to_returncode(syscall_return_t ret,
					      uint32_t *val1, uint32_t *val2);
int tock_command_return_u64_to_returncode(syscall_return_t ret,
					  uint64_t *val);
int tock_subscribe_return_to_returncode(subscribe_return_t ret);
int tock_allow_rw_return_to_returncode(allow_rw_return_t ret);
int tock_allow_ro_return_to_returncode(allow_ro_return_t ret);
int tock_allow_userspace_r_return_to_returncode(allow_userspace_r_return_t ret);

/*
 * yield() waits for one upcall and runs it; a signal ends the wait early
 * (like a spurious wakeup).  yield_for() yields until *cond is true.
 * yield_no_wait() runs a queued upcall if there is one and returns 1, else
 * returns 0.  yield_wait_for() waits for the next upcall of (@driver,
 * @subscribe_num), even across signals, and returns its values without
 * running any function.  If the device cannot be used at all, the waiting yields
 * print why and exit(1), since their callers would otherwise spin forever.
 */
void yield(void);
void yield_for(bool *cond);
int yield_no_wait(void);
yield_waitfor_return_t yield_wait_for(uint32_t driver,
				      uint32_t subscribe_num);

void tock_exit(uint32_t completion_code) __attribute__((noreturn));
void tock_restart(uint32_t completion_code) __attribute__((noreturn));

__attribute__((warn_unused_result))
syscall_return_t command(uint32_t driver, uint32_t command_num, int arg1,
			 int arg2);

/* Pass as the upcall to subscribe() to unsubscribe. */
#define TOCK_NULL_UPCALL 0

__attribute__((warn_unused_result))
subscribe_return_t subscribe(uint32_t driver, uint32_t subscribe_num,
			     subscribe_upcall uc, void *userdata);

__attribute__((warn_unused_result))
allow_rw_return_t allow_readwrite(uint32_t driver, uint32_t allow_num,
				  void *ptr, size_t size);

__attribute__((warn_unused_result))
allow_userspace_r_return_t allow_userspace_read(uint32_t driver,
						uint32_t allow_num, void *ptr,
						size_t size);

__attribute__((warn_unused_result))
allow_ro_return_t allow_readonly(uint32_t driver, uint32_t allow_num,
				 const void *ptr, size_t size);

/* Always Failure NOSUPPORT: Linux processes have no Tock memory layout. */
memop_return_t memop(uint32_t op_type, uintptr_t arg1);

/* Built on memop(), so these report "unknown": NULL or 0. */
void *tock_app_memory_begins_at(void);
void *tock_app_memory_ends_at(void);
void *tock_app_flash_begins_at(void);
void *tock_app_flash_ends_at(void);
void *tock_app_grant_begins_at(void);
int tock_app_number_writeable_flash_regions(void);
void *tock_app_writeable_flash_region_begins_at(int region_index);
void *tock_app_writeable_flash_region_ends_at(int region_index);

/* Whether a driver answers command 0 with a success variant. */
bool driver_exists(uint32_t driver);

const char *tock_strerr(statuscode_t status);
const char *tock_strrcode(returncode_t returncode);

void tock_expect(int expected, int actual, const char *file,
		 unsigned int line);
#define TOCK_EXPECT(_e, _a) tock_expect((_e), (_a), __FILE__, __LINE__)

#ifdef __cplusplus
}
#endif

#endif /* TOCK_H */
