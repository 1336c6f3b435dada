// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow KUnit fixture: each test that needs one gets a Tock process
 * bound to the test thread's own mm (kunit_vm_mmap() gives the thread one),
 * a read-write anonymous mapping filled with a known pattern, and the grant
 * of a small driver registered for the test.  Everything is undone by KUnit
 * actions, so a failed assertion leaks nothing.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fixture_kunit.h"

/* How long an asynchronous unpin may take, and how often to look. */
#define TOCK_KUNIT_UNPIN_WAIT	(5 * HZ)
#define TOCK_KUNIT_POLL_MS	10

/*
 * The test whose process may bind the driver.  KUnit runs one test at a
 * time; a process of anyone else that reaches the driver is refused.
 */
static struct tock_kunit_env *tock_kunit_cur;

static struct tock_kunit_env *tock_kunit_env_of(struct tock_grant *g)
{
	struct tock_kunit_env *env = READ_ONCE(tock_kunit_cur);

	return env && env->proc == g->proc ? env : NULL;
}

static struct tock_command_ret tock_kunit_command(struct tock_grant *g,
						  u32 cmd, u64 arg1, u64 arg2)
{
	struct tock_kunit_env *env = tock_kunit_env_of(g);

	switch (cmd) {
	case 0:
		/* Tock hands command 0 to the driver: count it, maybe answer. */
		if (!env)
			return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
		atomic_inc(&env->cmd0_calls);
		if (env->cmd0_answer)
			return tock_ret_success_u32(env->cmd0_answer);
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	case TOCK_KUNIT_CMD_BIND:
		if (!env)
			return tock_ret_failure(TOCK_STATUS_RESERVE);
		env->grant = g;
		return tock_ret_success();
	case TOCK_KUNIT_CMD_ECHO_U64:
		return tock_ret_success_u64(arg1);
	case TOCK_KUNIT_CMD_ECHO_2:
		return tock_ret_success_u32_u32(arg1, arg2);
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

static u32 tock_kunit_allow_check(struct tock_grant *g,
				  enum tock_allow_kind kind, u32 num, u64 addr,
				  u64 len)
{
	if (kind == TOCK_ALLOW_RW && num == 1 && len > TOCK_KUNIT_RW1_MAX)
		return TOCK_STATUS_SIZE;
	return 0;
}

static int tock_kunit_grant_init(struct tock_grant *g)
{
	struct tock_kunit_env *env = READ_ONCE(tock_kunit_cur);
	u32 *data = tock_grant_data(g);

	if (env && env->grant_init_err)
		return env->grant_init_err;
	*data = TOCK_KUNIT_GRANT_MAGIC;
	return 0;
}

static void tock_kunit_process_exit(struct tock_grant *g)
{
	struct tock_kunit_env *env = tock_kunit_env_of(g);

	if (env)
		atomic_inc(&env->exits);
}

/*
 * Static, not per test: a grant may outlive its test on tockallow's
 * workqueue, and it reads its driver until it is freed (the grant's module
 * reference keeps this module, and so this object, loaded).
 */
static struct tock_driver tock_kunit_driver = {
	.num = TOCK_KUNIT_DRIVER,
	.allow_counts = {
		[TOCK_ALLOW_RO] = TOCK_KUNIT_RO_SLOTS,
		[TOCK_ALLOW_RW] = TOCK_KUNIT_RW_SLOTS,
		[TOCK_ALLOW_UR] = TOCK_KUNIT_UR_SLOTS,
	},
	.upcall_count = TOCK_KUNIT_UPCALLS,
	.grant_size = sizeof(u32),
	.owner = THIS_MODULE,
	.command = tock_kunit_command,
	.allow_check = tock_kunit_allow_check,
	.grant_init = tock_kunit_grant_init,
	.process_exit = tock_kunit_process_exit,
};

static void tock_kunit_unbind(void *unused)
{
	WRITE_ONCE(tock_kunit_cur, NULL);
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_kunit_driver_unregister,
			    tock_driver_unregister, struct tock_driver *);
KUNIT_DEFINE_ACTION_WRAPPER(tock_kunit_close_action, tock_process_close,
			    struct tock_process *);
KUNIT_DEFINE_ACTION_WRAPPER(tock_kunit_ro_ref_put, tock_ro_buffer_ref_put,
			    struct tock_ro_buffer_ref *);
KUNIT_DEFINE_ACTION_WRAPPER(tock_kunit_rw_ref_put, tock_rw_buffer_ref_put,
			    struct tock_rw_buffer_ref *);
KUNIT_DEFINE_ACTION_WRAPPER(tock_kunit_ur_ref_put, tock_ur_buffer_ref_put,
			    struct tock_ur_buffer_ref *);

/**
 * tock_kunit_pattern() - the byte the fixture stores at an offset
 * @i: offset
 *
 * Return: the byte.
 */
u8 tock_kunit_pattern(size_t i)
{
	return (u8)(i * 131 + 7);
}

/**
 * tock_kunit_fill_user() - write the pattern to user memory
 * @test: the test
 * @uaddr: user address in the test thread's mm
 * @len: bytes to write
 * @first: pattern offset of the first byte
 */
void tock_kunit_fill_user(struct kunit *test, unsigned long uaddr,
			  size_t len, size_t first)
{
	u8 *tmp = kunit_kmalloc(test, len, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, tmp);
	for (i = 0; i < len; i++)
		tmp[i] = tock_kunit_pattern(first + i);
	KUNIT_ASSERT_EQ(test, copy_to_user(tock_kunit_uptr(uaddr), tmp, len),
			0);
	kunit_kfree(test, tmp);
}

/**
 * tock_kunit_read_user() - copy user memory into a test allocation
 * @test: the test
 * @uaddr: user address in the test thread's mm
 * @len: bytes to read
 *
 * Return: the copy, freed with the test.
 */
u8 *tock_kunit_read_user(struct kunit *test, unsigned long uaddr,
			 size_t len)
{
	u8 *tmp = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tmp);
	KUNIT_ASSERT_EQ(test, copy_from_user(tmp, tock_kunit_uptr(uaddr), len),
			0);
	return tmp;
}

/**
 * tock_kunit_map() - map anonymous memory in the test thread's mm
 * @test: the test
 * @len: length
 * @prot: PROT_* bits
 *
 * Return: the address; the mapping goes with the test thread's mm.
 */
unsigned long tock_kunit_map(struct kunit *test, size_t len,
			     unsigned long prot)
{
	unsigned long uaddr;

	uaddr = kunit_vm_mmap(test, NULL, 0, len, prot,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user mm for the test");
	KUNIT_ASSERT_LT_MSG(test, uaddr, (unsigned long)TASK_SIZE,
			    "vm_mmap() failed: %ld", (long)uaddr);
	return uaddr;
}

/**
 * tock_kunit_pinned() - pages the test thread's mm has pinned
 *
 * Return: mm->pinned_vm, which tockallow charges for every pinned buffer.
 */
u64 tock_kunit_pinned(void)
{
	return atomic64_read(&current->mm->pinned_vm);
}

/**
 * tock_kunit_expect_pinned() - expect mm->pinned_vm to reach a value
 * @test: the test
 * @want: the value
 *
 * Waits a while first: a buffer whose last reference went from atomic
 * context is unpinned from tockallow's workqueue.
 */
void tock_kunit_expect_pinned(struct kunit *test, u64 want)
{
	unsigned long deadline = jiffies + TOCK_KUNIT_UNPIN_WAIT;

	while (tock_kunit_pinned() != want && time_before(jiffies, deadline))
		msleep(TOCK_KUNIT_POLL_MS);
	KUNIT_EXPECT_EQ_MSG(test, tock_kunit_pinned(), want,
			    "pinned pages of the test's mm");
}

/**
 * tock_kunit_process() - another process of the test thread's mm
 * @test: the test
 *
 * Return: the process, closed when the test ends.
 */
struct tock_process *tock_kunit_process(struct kunit *test)
{
	struct tock_process *proc = tock_process_alloc();

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, proc);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_kunit_close_action,
							proc), 0);
	return proc;
}

/**
 * tock_kunit_env_init() - set up the fixture, as a suite's .init
 * @test: the test; test->priv becomes the struct tock_kunit_env
 *
 * Return: 0; failures abort the test.
 */
int tock_kunit_env_init(struct kunit *test)
{
	struct tock_ioc_command cmd = {
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = TOCK_KUNIT_CMD_BIND,
	};
	struct tock_kunit_env *env;
	int ret;

	if (!IS_ENABLED(CONFIG_MMU))
		kunit_skip(test, "needs user memory (CONFIG_MMU)");

	env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env);
	env->test = test;
	test->priv = env;
	env->uaddr = tock_kunit_map(test, TOCK_KUNIT_MAP_LEN,
				    PROT_READ | PROT_WRITE);
	tock_kunit_fill_user(test, env->uaddr, TOCK_KUNIT_MAP_LEN, 0);

	WRITE_ONCE(tock_kunit_cur, env);
	ret = kunit_add_action_or_reset(test, tock_kunit_unbind, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = tock_driver_register(&tock_kunit_driver);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = kunit_add_action_or_reset(test, tock_kunit_driver_unregister,
					&tock_kunit_driver);
	KUNIT_ASSERT_EQ(test, ret, 0);

	env->proc = tock_kunit_process(test);

	tock_process_command(env->proc, &cmd);
	KUNIT_ASSERT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, env->grant);
	return 0;
}

/**
 * tock_kunit_env_close() - close the fixture's process now
 * @env: the fixture
 *
 * @env->grant is dangling afterwards unless the test holds a reference.
 */
void tock_kunit_env_close(struct tock_kunit_env *env)
{
	kunit_release_action(env->test, tock_kunit_close_action, env->proc);
}

/**
 * tock_kunit_env_unregister() - unregister the fixture's driver now
 * @env: the fixture
 */
void tock_kunit_env_unregister(struct tock_kunit_env *env)
{
	kunit_release_action(env->test, tock_kunit_driver_unregister,
			     &tock_kunit_driver);
}

/**
 * tock_kunit_allow() - allow into a slot of the fixture's driver
 * @env: the fixture
 * @kind: which allow
 * @num: allow number
 * @addr: start
 * @size: length, 0 to unallow
 *
 * Return: the Tock status of the allow.
 */
u32 tock_kunit_allow(struct tock_kunit_env *env, enum tock_allow_kind kind,
		     u32 num, u64 addr, u64 size)
{
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.allow_num = num,
		.addr = addr,
		.size = size,
	};

	tock_process_allow(env->proc, kind, &req);
	return req.status;
}

/**
 * tock_kunit_allow_ok() - allow, and fail the test unless it succeeds
 * @env: the fixture
 * @kind: which allow
 * @num: allow number
 * @addr: start
 * @size: length, 0 to unallow
 */
void tock_kunit_allow_ok(struct tock_kunit_env *env, enum tock_allow_kind kind,
			 u32 num, u64 addr, u64 size)
{
	KUNIT_ASSERT_EQ(env->test, tock_kunit_allow(env, kind, num, addr, size),
			TOCK_STATUS_SUCCESS);
}

/**
 * tock_kunit_ro_get() - a read-only buffer ref, put when the test ends
 * @test: the test
 * @g: the grant
 * @num: read-only allow number
 *
 * Return: the ref; tock_kunit_ro_put() puts it early.
 */
struct tock_ro_buffer_ref *tock_kunit_ro_get(struct kunit *test,
					     struct tock_grant *g, u32 num)
{
	struct tock_ro_buffer_ref *ref;

	ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	KUNIT_ASSERT_EQ(test, tock_grant_ro_buffer_get(g, num, ref), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_kunit_ro_ref_put,
							ref), 0);
	return ref;
}

/**
 * tock_kunit_rw_get() - a read-write buffer ref, put when the test ends
 * @test: the test
 * @g: the grant
 * @num: read-write allow number
 *
 * Return: the ref; tock_kunit_rw_put() puts it early.
 */
struct tock_rw_buffer_ref *tock_kunit_rw_get(struct kunit *test,
					     struct tock_grant *g, u32 num)
{
	struct tock_rw_buffer_ref *ref;

	ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	KUNIT_ASSERT_EQ(test, tock_grant_rw_buffer_get(g, num, ref), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_kunit_rw_ref_put,
							ref), 0);
	return ref;
}

/**
 * tock_kunit_ur_get() - a userspace-readable buffer ref, put when the test
 *	ends
 * @test: the test
 * @g: the grant
 * @num: userspace-readable allow number
 *
 * Return: the ref; tock_kunit_ur_put() puts it early.
 */
struct tock_ur_buffer_ref *tock_kunit_ur_get(struct kunit *test,
					     struct tock_grant *g, u32 num)
{
	struct tock_ur_buffer_ref *ref;

	ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	KUNIT_ASSERT_EQ(test, tock_grant_ur_buffer_get(g, num, ref), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_kunit_ur_ref_put,
							ref), 0);
	return ref;
}

/**
 * tock_kunit_ro_put() - put a ref from tock_kunit_ro_get() now
 * @test: the test
 * @ref: the ref
 */
void tock_kunit_ro_put(struct kunit *test, struct tock_ro_buffer_ref *ref)
{
	kunit_release_action(test, tock_kunit_ro_ref_put, ref);
}

/**
 * tock_kunit_rw_put() - put a ref from tock_kunit_rw_get() now
 * @test: the test
 * @ref: the ref
 */
void tock_kunit_rw_put(struct kunit *test, struct tock_rw_buffer_ref *ref)
{
	kunit_release_action(test, tock_kunit_rw_ref_put, ref);
}

/**
 * tock_kunit_ur_put() - put a ref from tock_kunit_ur_get() now
 * @test: the test
 * @ref: the ref
 */
void tock_kunit_ur_put(struct kunit *test, struct tock_ur_buffer_ref *ref)
{
	kunit_release_action(test, tock_kunit_ur_ref_put, ref);
}

/**
 * tock_kunit_record() - enter callback that records what it saw
 * @s: the slice
 * @ctx: a struct tock_kunit_seen
 *
 * Reads byte by byte with tock_ro_slice_get(), so it is safe in any
 * context.
 *
 * Return: 0.
 */
int tock_kunit_record(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_kunit_seen *seen = ctx;
	size_t i;

	seen->calls++;
	seen->len = tock_ro_slice_len(s);
	for (i = 0; i < ARRAY_SIZE(seen->bytes); i++)
		if (tock_ro_slice_get(s, i, &seen->bytes[i]))
			break;
	return 0;
}

MODULE_DESCRIPTION("KUnit tests for tockallow");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
