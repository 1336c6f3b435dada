/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tockallow drivers: registration, per-process state (Tock's grants),
 * command results, upcalls and access to allowed buffers.
 */
#ifndef _TOCK_DRIVER_H
#define _TOCK_DRIVER_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include <tock/processbuffer.h>
#include <tockallow.h>

/**
 * enum tock_allow_kind - the three allow system calls
 * @TOCK_ALLOW_RO: read-only allow (class 4)
 * @TOCK_ALLOW_RW: read-write allow (class 3)
 * @TOCK_ALLOW_UR: userspace-readable allow (class 7)
 * @TOCK_ALLOW_KINDS: number of kinds
 */
enum tock_allow_kind {
	TOCK_ALLOW_RO,
	TOCK_ALLOW_RW,
	TOCK_ALLOW_UR,
	TOCK_ALLOW_KINDS,
};

/**
 * struct tock_command_ret - a command's result, one of Tock's return variants
 * @rtype: the variant, a TOCK_RET_* value
 * @data: its values in Tock's register order
 *
 * C counterpart of Tock's CommandReturn; build one with the tock_ret_*()
 * helpers.
 */
struct tock_command_ret {
	u32 rtype;
	u32 data[3];
};

/**
 * tock_ret_failure() - Failure with a Tock error code
 * @err: TOCK_STATUS_* error code
 *
 * Context: Any context.
 * Return: the command result.
 */
static inline struct tock_command_ret tock_ret_failure(u32 err)
{
	return (struct tock_command_ret){ TOCK_RET_FAILURE, { err } };
}

/**
 * tock_ret_failure_u32() - Failure with an error code and one value
 * @err: TOCK_STATUS_* error code
 * @a: the value
 *
 * Context: Any context.
 * Return: the command result.
 */
static inline struct tock_command_ret tock_ret_failure_u32(u32 err, u32 a)
{
	return (struct tock_command_ret){ TOCK_RET_FAILURE_U32, { err, a } };
}

/**
 * tock_ret_success() - Success with no value
 *
 * Context: Any context.
 * Return: the command result.
 */
static inline struct tock_command_ret tock_ret_success(void)
{
	return (struct tock_command_ret){ TOCK_RET_SUCCESS };
}

/**
 * tock_ret_success_u32() - Success with one value
 * @a: the value
 *
 * Context: Any context.
 * Return: the command result.
 */
static inline struct tock_command_ret tock_ret_success_u32(u32 a)
{
	return (struct tock_command_ret){ TOCK_RET_SUCCESS_U32, { a } };
}

/**
 * tock_ret_success_u32_u32() - Success with two values
 * @a: first value
 * @b: second value
 *
 * Context: Any context.
 * Return: the command result.
 */
static inline struct tock_command_ret tock_ret_success_u32_u32(u32 a, u32 b)
{
	return (struct tock_command_ret){ TOCK_RET_SUCCESS_U32_U32, { a, b } };
}

/**
 * tock_ret_success_u64() - Success with a 64-bit value
 * @v: the value, returned low word first
 *
 * Context: Any context.
 * Return: the command result.
 */
static inline struct tock_command_ret tock_ret_success_u64(u64 v)
{
	return (struct tock_command_ret){ TOCK_RET_SUCCESS_U64,
					  { lower_32_bits(v), upper_32_bits(v) } };
}

struct tock_grant;

/* Most slots of one kind, or upcalls, that a driver may declare. */
#define TOCK_MAX_SLOTS	256

/**
 * struct tock_driver - an in-kernel driver reachable from /dev/tock
 * @num: driver number (Tock's driver number, e.g. 0x40001 for rng)
 * @allow_counts: number of allow slots of each enum tock_allow_kind
 * @upcall_count: number of subscribe slots
 * @grant_size: bytes of per-process state (Tock's grant) the core
 *	allocates, zeroed, on the process's first use of the driver, and frees
 *	after the process ends
 * @owner: the module providing the driver, pinned while a process has state
 *	with it
 * @command: handles command @cmd (never 0: the core answers "exists").
 *	Called in process context from the process's ioctl; may sleep.  Returns
 *	a Tock return variant; unknown commands return Failure NOSUPPORT.
 * @allow_check: optional; called in process context before a non-empty
 *	buffer is pinned into slot @num of @kind.  Returns 0 to accept or a
 *	TOCK_STATUS_* code, which the process gets back as the allow's failure.
 * @grant_init: optional; initialises the per-process state, in process
 *	context, before any other callback sees the grant.  Returns 0 or -errno.
 * @process_exit: optional; the process ended (or the driver is being
 *	unregistered).  Called in process context, may sleep; the driver must
 *	cancel in-flight work for @g and drop every reference it took on it
 *	before returning.  Its buffers are already dead.
 *
 * Implementers guarantee that no callback keeps a slice past its enter call
 * and that callbacks reachable from IRQ context never sleep.
 */
struct tock_driver {
	u32 num;
	u32 allow_counts[TOCK_ALLOW_KINDS];
	u32 upcall_count;
	size_t grant_size;
	struct module *owner;
	struct tock_command_ret (*command)(struct tock_grant *g, u32 cmd,
					   u64 arg1, u64 arg2);
	u32 (*allow_check)(struct tock_grant *g, enum tock_allow_kind kind,
			   u32 num, u64 addr, u64 len);
	int (*grant_init)(struct tock_grant *g);
	void (*process_exit)(struct tock_grant *g);
	/* private: */
	refcount_t users;
	struct completion unused;
	atomic_t grants;
};

int tock_driver_register(struct tock_driver *drv);
void tock_driver_unregister(struct tock_driver *drv);

void *tock_grant_data(struct tock_grant *g);
pid_t tock_grant_pid(struct tock_grant *g);
void tock_grant_get(struct tock_grant *g);
void tock_grant_put(struct tock_grant *g);
int tock_grant_schedule_upcall(struct tock_grant *g, u32 num, u32 a0, u32 a1,
			       u32 a2);

/**
 * struct tock_ro_buffer_ref - a read-only buffer, for the current call only
 * @buffer: the buffer, to pass to tock_ro_buffer_enter() and friends
 *
 * C counterpart of Tock's ReadOnlyProcessBufferRef.  Valid from
 * tock_grant_ro_buffer_get() to tock_ro_buffer_ref_put(), which must happen
 * before the callback (command, timer, work item...) that took it returns:
 * the slot may hold another buffer by the next call.  C cannot enforce
 * this; a driver that needs the buffer later gets it again.
 */
struct tock_ro_buffer_ref {
	struct tock_ro_buffer buffer;
};

/**
 * struct tock_rw_buffer_ref - a read-write buffer, for the current call only
 * @buffer: the buffer
 *
 * C counterpart of Tock's ReadWriteProcessBufferRef; same rules as struct
 * tock_ro_buffer_ref.
 */
struct tock_rw_buffer_ref {
	struct tock_rw_buffer buffer;
};

/**
 * struct tock_ur_buffer_ref - a userspace-readable buffer, for the current
 *	call only
 * @buffer: the buffer
 *
 * Same rules as struct tock_ro_buffer_ref.
 */
struct tock_ur_buffer_ref {
	struct tock_ur_buffer buffer;
};

int tock_grant_ro_buffer_get(struct tock_grant *g, u32 num,
			     struct tock_ro_buffer_ref *ref);
int tock_grant_rw_buffer_get(struct tock_grant *g, u32 num,
			     struct tock_rw_buffer_ref *ref);
int tock_grant_ur_buffer_get(struct tock_grant *g, u32 num,
			     struct tock_ur_buffer_ref *ref);
void tock_ro_buffer_ref_put(struct tock_ro_buffer_ref *ref);
void tock_rw_buffer_ref_put(struct tock_rw_buffer_ref *ref);
void tock_ur_buffer_ref_put(struct tock_ur_buffer_ref *ref);

u32 tock_errno_to_status(int err);

#endif /* _TOCK_DRIVER_H */
