// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites tockallow_command and tockallow_grant: the driver side of
 * <tock/driver.h>.  Command dispatch, the tock_ret_*() helpers and
 * tock_errno_to_status(); then registration rules, per-process driver
 * state (grant data, grant_init, the pid) and what closing a process
 * leaves behind.
 */
#include <linux/pid.h>
#include <linux/sched.h>

#include "fixture_kunit.h"

static void tock_process_command_zero(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd = { .driver = TOCK_KUNIT_DRIVER };

	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS);

	cmd = (struct tock_ioc_command){ .driver = TOCK_KUNIT_NO_DRIVER };
	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_FAILURE);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_STATUS_NODEVICE);
}

static void tock_process_command_zero_reaches_driver(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd = { .driver = TOCK_KUNIT_DRIVER };

	/* A driver with its own answer gives it, as Tock's LED capsule does. */
	env->cmd0_answer = 3;
	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->cmd0_calls), 1);

	/* Without one (NOSUPPORT), the core answers: the driver exists. */
	env->cmd0_answer = 0;
	cmd = (struct tock_ioc_command){ .driver = TOCK_KUNIT_DRIVER };
	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->cmd0_calls), 2);
}

static void tock_process_command_unknown(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd = {
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = 99,
	};

	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_FAILURE);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_STATUS_NOSUPPORT);
}

static void tock_process_command_values(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd = {
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = TOCK_KUNIT_CMD_ECHO_U64,
		.arg1 = 0x1122334455667788ULL,
	};

	/* A 64-bit value comes back low word first. */
	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U64);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 0x55667788);
	KUNIT_EXPECT_EQ(test, cmd.data[1], 0x11223344);

	cmd = (struct tock_ioc_command){
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = TOCK_KUNIT_CMD_ECHO_2,
		.arg1 = 7,
		.arg2 = 9,
	};
	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 7);
	KUNIT_EXPECT_EQ(test, cmd.data[1], 9);
	KUNIT_EXPECT_EQ(test, cmd.data[2], 0);
}

/**
 * struct tock_status_case - one errno and its Tock status
 * @desc: name of the case
 * @err: the errno
 * @status: the TOCK_STATUS_* expected
 */
struct tock_status_case {
	const char *desc;
	int err;
	u32 status;
};

#define TOCK_STATUS_ROW(e, s) { #e, e, TOCK_STATUS_##s }

static const struct tock_status_case tock_status_cases[] = {
	{ "zero", 0, TOCK_STATUS_SUCCESS },
	TOCK_STATUS_ROW(-EMSGSIZE, SIZE),
	TOCK_STATUS_ROW(-ENOMEM, NOMEM),
	TOCK_STATUS_ROW(-EBUSY, BUSY),
	TOCK_STATUS_ROW(-EAGAIN, BUSY),
	TOCK_STATUS_ROW(-EINVAL, INVAL),
	TOCK_STATUS_ROW(-ERANGE, INVAL),
	TOCK_STATUS_ROW(-EFAULT, INVAL),
	TOCK_STATUS_ROW(-ENODEV, NODEVICE),
	TOCK_STATUS_ROW(-EOPNOTSUPP, NOSUPPORT),
	TOCK_STATUS_ROW(-ESRCH, CANCEL),
	TOCK_STATUS_ROW(-ECANCELED, CANCEL),
	TOCK_STATUS_ROW(-EIO, FAIL),
	TOCK_STATUS_ROW(-EPERM, FAIL),
};

KUNIT_ARRAY_PARAM_DESC(tock_status, tock_status_cases, desc);

static void tock_errno_to_status_table(struct kunit *test)
{
	const struct tock_status_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tock_errno_to_status(c->err), c->status);
}

/* Expect @ret to be variant @rtype with values @a, @b, @c. */
static void tock_ret_expect(struct kunit *test, struct tock_command_ret ret,
			    u32 rtype, u32 a, u32 b, u32 c)
{
	KUNIT_EXPECT_EQ(test, ret.rtype, rtype);
	KUNIT_EXPECT_EQ(test, ret.data[0], a);
	KUNIT_EXPECT_EQ(test, ret.data[1], b);
	KUNIT_EXPECT_EQ(test, ret.data[2], c);
}

static void tock_ret_helpers_build(struct kunit *test)
{
	tock_ret_expect(test, tock_ret_failure(TOCK_STATUS_BUSY),
			TOCK_RET_FAILURE, TOCK_STATUS_BUSY, 0, 0);
	tock_ret_expect(test, tock_ret_failure_u32(TOCK_STATUS_SIZE, 5),
			TOCK_RET_FAILURE_U32, TOCK_STATUS_SIZE, 5, 0);
	tock_ret_expect(test, tock_ret_success(), TOCK_RET_SUCCESS, 0, 0, 0);
	tock_ret_expect(test, tock_ret_success_u32(7), TOCK_RET_SUCCESS_U32,
			7, 0, 0);
	tock_ret_expect(test, tock_ret_success_u32_u32(7, 8),
			TOCK_RET_SUCCESS_U32_U32, 7, 8, 0);
	/* Low word first, as Tock's registers carry it. */
	tock_ret_expect(test, tock_ret_success_u64(0xaabbccdd11223344ULL),
			TOCK_RET_SUCCESS_U64, 0x11223344, 0xaabbccdd, 0);
}

static struct kunit_case tock_command_test_cases[] = {
	KUNIT_CASE(tock_process_command_zero),
	KUNIT_CASE(tock_process_command_zero_reaches_driver),
	KUNIT_CASE(tock_process_command_unknown),
	KUNIT_CASE(tock_process_command_values),
	KUNIT_CASE(tock_ret_helpers_build),
	KUNIT_CASE_PARAM(tock_errno_to_status_table, tock_status_gen_params),
	{}
};

static struct kunit_suite tock_command_suite = {
	.name = "tockallow_command",
	.init = tock_kunit_env_init,
	.test_cases = tock_command_test_cases,
};

static struct tock_command_ret tock_grant_test_command(struct tock_grant *g,
						       u32 cmd, u64 arg1,
						       u64 arg2)
{
	return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
}

/* Registered only by tock_driver_register_limits(), and unregistered. */
static struct tock_driver tock_grant_max_driver = {
	.num = TOCK_KUNIT_DRIVER + 1,
	.allow_counts = {
		[TOCK_ALLOW_RO] = TOCK_MAX_SLOTS,
		[TOCK_ALLOW_RW] = TOCK_MAX_SLOTS,
		[TOCK_ALLOW_UR] = TOCK_MAX_SLOTS,
	},
	.upcall_count = TOCK_MAX_SLOTS,
	.owner = THIS_MODULE,
	.command = tock_grant_test_command,
};

static void tock_driver_register_limits(struct kunit *test)
{
	struct tock_driver *drv = kunit_kzalloc(test, sizeof(*drv),
						GFP_KERNEL);
	enum tock_allow_kind kind;

	/* None of these is ever registered, so it may live on the heap. */
	KUNIT_ASSERT_NOT_NULL(test, drv);
	*drv = (struct tock_driver){ .num = TOCK_KUNIT_DRIVER + 2 };
	KUNIT_EXPECT_EQ_MSG(test, tock_driver_register(drv), -EINVAL,
			    "registered without a command handler");
	drv->command = tock_grant_test_command;
	for (kind = 0; kind < TOCK_ALLOW_KINDS; kind++) {
		drv->allow_counts[kind] = TOCK_MAX_SLOTS + 1;
		KUNIT_EXPECT_EQ(test, tock_driver_register(drv), -EINVAL);
		drv->allow_counts[kind] = 0;
	}
	drv->upcall_count = TOCK_MAX_SLOTS + 1;
	KUNIT_EXPECT_EQ(test, tock_driver_register(drv), -EINVAL);
	drv->upcall_count = 0;
	drv->num = TOCK_KUNIT_DRIVER;
	KUNIT_EXPECT_EQ_MSG(test, tock_driver_register(drv), -EBUSY,
			    "a number registered twice");

	KUNIT_ASSERT_EQ(test, tock_driver_register(&tock_grant_max_driver), 0);
	tock_driver_unregister(&tock_grant_max_driver);
}

static void tock_grant_data_initialised(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 *data = tock_grant_data(env->grant);

	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_EXPECT_EQ(test, *data, TOCK_KUNIT_GRANT_MAGIC);
	KUNIT_EXPECT_EQ(test, tock_grant_pid(env->grant),
			task_tgid_nr(current));
}

static void tock_grant_init_failure(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_process *proc = tock_kunit_process(test);
	struct tock_ioc_command cmd = {
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = TOCK_KUNIT_CMD_ECHO_2,
	};
	struct tock_ioc_subscribe sub = { .driver = TOCK_KUNIT_DRIVER };
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.addr = env->uaddr,
		.size = 1,
	};

	/* The grant cannot be set up: every call that needs it fails. */
	env->grant_init_err = -ENOMEM;
	tock_process_command(proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_FAILURE);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_STATUS_NOMEM);
	tock_process_allow(proc, TOCK_ALLOW_RO, &req);
	KUNIT_EXPECT_EQ(test, req.status, TOCK_STATUS_NOMEM);
	tock_process_subscribe(proc, &sub);
	KUNIT_EXPECT_EQ(test, sub.status, TOCK_STATUS_NOMEM);
	KUNIT_EXPECT_TRUE(test, xa_empty(&proc->grants));
	/* Command 0 goes to the driver too, which needs the grant. */
	cmd = (struct tock_ioc_command){ .driver = TOCK_KUNIT_DRIVER };
	tock_process_command(proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_FAILURE);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_STATUS_NOMEM);

	/* Once grant_init succeeds, the same process gets its grant. */
	env->grant_init_err = 0;
	cmd = (struct tock_ioc_command){
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = TOCK_KUNIT_CMD_ECHO_2,
		.arg1 = 1,
		.arg2 = 2,
	};
	tock_process_command(proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32_U32);
	KUNIT_EXPECT_FALSE(test, xa_empty(&proc->grants));
}

static void tock_grant_per_process(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_process *other = tock_kunit_process(test);
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.addr = env->uaddr,
		.size = 10,
	};
	struct tock_ro_buffer_ref *ref;

	/* Two processes of one mm have separate slots. */
	tock_process_allow(other, TOCK_ALLOW_RO, &req);
	KUNIT_ASSERT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&ref->buffer), 0);
	KUNIT_EXPECT_PTR_NE(test, xa_load(&other->grants, TOCK_KUNIT_DRIVER),
			    (void *)env->grant);
}

static void tock_process_close_leaves_nothing(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_process *proc = env->proc;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr, 10);
	KUNIT_ASSERT_EQ(test, tock_grant_schedule_upcall(env->grant, 0, 1, 2,
							 3), 0);
	/* Keep the process itself, to look at it after the close. */
	kref_get(&proc->ref);
	tock_kunit_env_close(env);
	KUNIT_EXPECT_TRUE(test, proc->closed);
	KUNIT_EXPECT_TRUE(test, proc->dead);
	KUNIT_EXPECT_TRUE(test, xa_empty(&proc->grants));
	KUNIT_EXPECT_TRUE(test, list_empty(&proc->upcalls));
	KUNIT_EXPECT_EQ(test, proc->nr_upcalls, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->exits), 1);
	tock_process_put(proc);
}

static struct kunit_case tock_grant_test_cases[] = {
	KUNIT_CASE(tock_driver_register_limits),
	KUNIT_CASE(tock_grant_data_initialised),
	KUNIT_CASE(tock_grant_init_failure),
	KUNIT_CASE(tock_grant_per_process),
	KUNIT_CASE(tock_process_close_leaves_nothing),
	{}
};

static struct kunit_suite tock_grant_suite = {
	.name = "tockallow_grant",
	.init = tock_kunit_env_init,
	.test_cases = tock_grant_test_cases,
};

kunit_test_suites(&tock_command_suite, &tock_grant_suite);
