/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tockallow KUnit fixture: a Tock process over real user memory and a small
 * driver of the tests' own, shared by the suites of tockallow_kunit.
 */
#ifndef _TOCK_FIXTURE_KUNIT_H
#define _TOCK_FIXTURE_KUNIT_H

#include <kunit/test.h>

#include "../module/tock_internal.h"

/*
 * The fixture's driver.  Its number is outside the sample drivers' and
 * nothing else registers it; TOCK_KUNIT_NO_DRIVER is never registered.
 */
#define TOCK_KUNIT_DRIVER	0xa0f00
#define TOCK_KUNIT_NO_DRIVER	0xa0fff
#define TOCK_KUNIT_RO_SLOTS	2
#define TOCK_KUNIT_RW_SLOTS	2
#define TOCK_KUNIT_UR_SLOTS	1
#define TOCK_KUNIT_UPCALLS	2
/* allow_check refuses read-write slot 1 buffers above this size (SIZE). */
#define TOCK_KUNIT_RW1_MAX	PAGE_SIZE

/* Commands of the fixture's driver. */
#define TOCK_KUNIT_CMD_BIND	1	/* hand the grant to the fixture */
#define TOCK_KUNIT_CMD_ECHO_U64	2	/* Success with u64 arg1 */
#define TOCK_KUNIT_CMD_ECHO_2	3	/* Success with u32 arg1, arg2 */

/* What the driver's grant_init stores in its grant data. */
#define TOCK_KUNIT_GRANT_MAGIC	0x70c6a11eU

/* Size of the fixture's read-write anonymous mapping. */
#define TOCK_KUNIT_MAP_LEN	(4 * PAGE_SIZE)

/**
 * struct tock_kunit_env - one test's Tock process
 * @test: the test
 * @proc: the process, bound to the test thread's mm
 * @grant: the process's grant with the fixture's driver; valid until the
 *	process is closed unless the test holds a reference
 * @uaddr: start of a TOCK_KUNIT_MAP_LEN read-write anonymous mapping,
 *	filled with tock_kunit_pattern()
 * @exits: times the driver's process_exit ran for @proc
 * @grant_init_err: what the driver's grant_init returns when not 0, for
 *	any process
 * @cmd0_answer: when not 0, the driver answers command 0 with Success
 *	with this u32 (as Tock's LED capsule answers its count); else it
 *	has no answer of its own (NOSUPPORT)
 * @cmd0_calls: times command 0 reached the driver for @proc
 */
struct tock_kunit_env {
	struct kunit *test;
	struct tock_process *proc;
	struct tock_grant *grant;
	unsigned long uaddr;
	atomic_t exits;
	int grant_init_err;
	u32 cmd0_answer;
	atomic_t cmd0_calls;
};

/* The user pointer for an address in the test thread's mm. */
static inline void __user *tock_kunit_uptr(unsigned long uaddr)
{
	return (void __user *)uaddr;
}

/* The address a user pointer holds, to compare without dereferencing. */
static inline unsigned long tock_kunit_uaddr(const void __user *p)
{
	return (unsigned long)p;
}

int tock_kunit_env_init(struct kunit *test);
struct tock_process *tock_kunit_process(struct kunit *test);
void tock_kunit_env_close(struct tock_kunit_env *env);
void tock_kunit_env_unregister(struct tock_kunit_env *env);

unsigned long tock_kunit_map(struct kunit *test, size_t len,
			     unsigned long prot);
u8 tock_kunit_pattern(size_t i);
void tock_kunit_fill_user(struct kunit *test, unsigned long uaddr,
			  size_t len, size_t first);
u8 *tock_kunit_read_user(struct kunit *test, unsigned long uaddr,
			 size_t len);
u64 tock_kunit_pinned(void);
void tock_kunit_expect_pinned(struct kunit *test, u64 want);

u32 tock_kunit_allow(struct tock_kunit_env *env, enum tock_allow_kind kind,
		     u32 num, u64 addr, u64 size);
void tock_kunit_allow_ok(struct tock_kunit_env *env, enum tock_allow_kind kind,
			 u32 num, u64 addr, u64 size);

struct tock_ro_buffer_ref *tock_kunit_ro_get(struct kunit *test,
					     struct tock_grant *g, u32 num);
struct tock_rw_buffer_ref *tock_kunit_rw_get(struct kunit *test,
					     struct tock_grant *g, u32 num);
struct tock_ur_buffer_ref *tock_kunit_ur_get(struct kunit *test,
					     struct tock_grant *g, u32 num);
void tock_kunit_ro_put(struct kunit *test, struct tock_ro_buffer_ref *ref);
void tock_kunit_rw_put(struct kunit *test, struct tock_rw_buffer_ref *ref);
void tock_kunit_ur_put(struct kunit *test, struct tock_ur_buffer_ref *ref);

/**
 * struct tock_kunit_seen - what an enter callback saw
 * @calls: times the callback ran
 * @len: the slice's length
 * @bytes: the first bytes of the slice
 */
struct tock_kunit_seen {
	unsigned int calls;
	size_t len;
	u8 bytes[64];
};

int tock_kunit_record(const struct tock_ro_slice *s, void *ctx);

#endif /* _TOCK_FIXTURE_KUNIT_H */
