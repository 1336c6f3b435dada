// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tockallow_drivers: the sample drivers as a process reaches
 * them, through tock_process_allow(), tock_process_command() and
 * tock_process_yield(): the crc driver's vectors and refusals, console
 * writes and reads (through /dev/tock-console, the UART's other end, when
 * it can be opened), an rng fill, and the test driver's immediate and
 * delayed buffer accesses.  A case whose driver module is not loaded is
 * skipped.
 */
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "fixture_kunit.h"

/* Commands of the crc driver (Tock's capsules/extra/src/crc.rs). */
#define TOCK_CRC_CMD_COMPUTE	1
#define TOCK_CRC_ALG_INVALID	3
#define TOCK_DRV_VECTOR		"ABCDEFG"
#define TOCK_DRV_VECTOR_LEN	(sizeof(TOCK_DRV_VECTOR) - 1)
/* Bound on waiting for a driver's upcall, and how often to look. */
#define TOCK_DRV_WAIT		(10 * HZ)
#define TOCK_DRV_POLL_MS	5
/* Console and rng (Tock's capsules/core console.rs and rng.rs). */
#define TOCK_CONSOLE_ALLOW	1
#define TOCK_CONSOLE_CMD_WRITE	1
#define TOCK_CONSOLE_CMD_READ	2
#define TOCK_CONSOLE_CMD_ABORT	3
#define TOCK_CONSOLE_CMD_NONE	4
#define TOCK_CONSOLE_UPCALL	1
#define TOCK_CONSOLE_UPCALL_READ 2
#define TOCK_CONSOLE_TEXT	"tockallow_kunit console write\n"
#define TOCK_CONSOLE_INPUT	"kunit"
#define TOCK_CONSOLE_INPUT_LEN	(sizeof(TOCK_CONSOLE_INPUT) - 1)
/* Longer than the 4096 bytes the console once cut writes at. */
#define TOCK_CONSOLE_LONG	(3 * PAGE_SIZE + 5)
#define TOCK_CONSOLE_DEV	"/dev/tock-console"
#define TOCK_RNG_CMD_GET	1
#define TOCK_RNG_LEN		64
/* Delay of the test driver's *_LATER commands, long enough to race. */
#define TOCK_DRV_LATER_MS	200

static void tock_drv_require(struct kunit *test, u32 driver)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd = { .driver = driver };

	tock_process_command(env->proc, &cmd);
	if (cmd.rtype == TOCK_RET_FAILURE &&
	    cmd.data[0] == TOCK_STATUS_NODEVICE)
		kunit_skip(test, "driver %#x is not loaded", driver);
	KUNIT_ASSERT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS);
}

static u32 tock_drv_allow(struct kunit *test, u32 driver,
			  enum tock_allow_kind kind, u32 num, u64 addr,
			  u64 size)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_allow req = {
		.driver = driver,
		.allow_num = num,
		.addr = addr,
		.size = size,
	};

	tock_process_allow(env->proc, kind, &req);
	return req.status;
}

static struct tock_ioc_command tock_drv_command(struct kunit *test,
						u32 driver, u32 num, u64 arg1,
						u64 arg2)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd = {
		.driver = driver,
		.command_num = num,
		.arg1 = arg1,
		.arg2 = arg2,
	};

	tock_process_command(env->proc, &cmd);
	return cmd;
}

static void tock_drv_command_ok(struct kunit *test, u32 driver, u32 num,
				u64 arg1, u64 arg2)
{
	struct tock_ioc_command cmd = tock_drv_command(test, driver, num, arg1,
						       arg2);

	KUNIT_ASSERT_EQ_MSG(test, cmd.rtype, TOCK_RET_SUCCESS,
			    "command %u: error %u", num, cmd.data[0]);
}

static void tock_drv_expect_failure(struct kunit *test, u32 driver, u32 num,
				    u64 arg1, u64 arg2, u32 status)
{
	struct tock_ioc_command cmd = tock_drv_command(test, driver, num, arg1,
						       arg2);

	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_FAILURE);
	KUNIT_EXPECT_EQ(test, cmd.data[0], status);
}

/* Whether an upcall for (@driver, @num) is queued. */
static bool tock_drv_queued(struct tock_process *proc, u32 driver, u32 num)
{
	struct tock_upcall *up;
	bool found = false;

	raw_spin_lock_irq(&proc->upcall_lock);
	list_for_each_entry(up, &proc->upcalls, node) {
		if (up->driver == driver && up->num == num) {
			found = true;
			break;
		}
	}
	raw_spin_unlock_irq(&proc->upcall_lock);
	return found;
}

/*
 * Wait for the driver's upcall, then take it with yield-wait-for, as
 * libtock-sync does.  Polling first bounds the wait if the driver never
 * answers.
 */
static void tock_drv_wait_for(struct kunit *test, u32 driver, u32 num,
			      u32 args[3])
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_yield y = {
		.mode = TOCK_YIELD_WAIT_FOR,
		.driver = driver,
		.subscribe_num = num,
	};
	unsigned long deadline = jiffies + TOCK_DRV_WAIT;

	while (!tock_drv_queued(env->proc, driver, num) &&
	       time_before(jiffies, deadline))
		msleep(TOCK_DRV_POLL_MS);
	KUNIT_ASSERT_TRUE_MSG(test, tock_drv_queued(env->proc, driver, num),
			      "no upcall %u from driver %#x", num, driver);
	KUNIT_ASSERT_EQ(test, tock_process_yield(env->proc, &y), 0);
	KUNIT_ASSERT_EQ(test, y.has_upcall, 1);
	KUNIT_EXPECT_EQ(test, y.upcall, 0);
	memcpy(args, y.args, sizeof(y.args));
}

/**
 * struct tock_crc_vector - a CRC of TOCK_DRV_VECTOR
 * @desc: name of the algorithm
 * @alg: its number in the crc driver
 * @crc: the expected result
 */
struct tock_crc_vector {
	const char *desc;
	u32 alg;
	u32 crc;
};

static const struct tock_crc_vector tock_crc_vectors[] = {
	{ "crc32", 0, 0x0E6F94BC },
	{ "crc32c", 1, 0x2C775665 },
	{ "crc16_ccitt", 2, 0x1541 },
};

KUNIT_ARRAY_PARAM_DESC(tock_crc_vector, tock_crc_vectors, desc);

/* Allow TOCK_DRV_VECTOR followed by @tail other bytes to the crc driver. */
static void tock_crc_allow_vector(struct kunit *test, size_t tail)
{
	struct tock_kunit_env *env = test->priv;

	tock_drv_require(test, TOCK_DRIVER_CRC);
	KUNIT_ASSERT_EQ(test, copy_to_user(tock_kunit_uptr(env->uaddr),
					   TOCK_DRV_VECTOR,
					   TOCK_DRV_VECTOR_LEN), 0);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_CRC,
					     TOCK_ALLOW_RO, 0, env->uaddr,
					     TOCK_DRV_VECTOR_LEN + tail),
			TOCK_STATUS_SUCCESS);
}

static void tock_crc_compute_vector(struct kunit *test)
{
	const struct tock_crc_vector *v = test->param_value;
	u32 args[3];

	tock_crc_allow_vector(test, 0);
	tock_drv_command_ok(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, v->alg,
			    TOCK_DRV_VECTOR_LEN);
	tock_drv_wait_for(test, TOCK_DRIVER_CRC, 0, args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ_MSG(test, args[1], v->crc, "got %#x", args[1]);
	KUNIT_EXPECT_EQ(test, args[2], v->alg);
}

static void tock_crc_compute_vector_prefix(struct kunit *test)
{
	const struct tock_crc_vector *v = test->param_value;
	u32 args[3];

	/* The length selects the first bytes of a longer buffer. */
	tock_crc_allow_vector(test, PAGE_SIZE);
	tock_drv_command_ok(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, v->alg,
			    TOCK_DRV_VECTOR_LEN);
	tock_drv_wait_for(test, TOCK_DRIVER_CRC, 0, args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ_MSG(test, args[1], v->crc, "got %#x", args[1]);
}

static void tock_crc_compute_multi_page(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	size_t off = 5, len = 3 * PAGE_SIZE - 2 * off;
	u32 args[3], want;
	u8 *data;

	tock_drv_require(test, TOCK_DRIVER_CRC);
	data = tock_kunit_read_user(test, env->uaddr + off, len);
	want = ~crc32_le(~0U, data, len);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_CRC,
					     TOCK_ALLOW_RO, 0,
					     env->uaddr + off, len),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, 0,
			    len);
	tock_drv_wait_for(test, TOCK_DRIVER_CRC, 0, args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ_MSG(test, args[1], want, "got %#x", args[1]);
}

static void tock_crc_compute_refused(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_crc_allow_vector(test, 0);
	tock_drv_expect_failure(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE,
				TOCK_CRC_ALG_INVALID, 1, TOCK_STATUS_INVAL);
	tock_drv_expect_failure(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, 0,
				TOCK_DRV_VECTOR_LEN + 1, TOCK_STATUS_SIZE);
	tock_drv_expect_failure(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, 0,
				U64_MAX, TOCK_STATUS_SIZE);
	/* A CRC of nothing is refused, after the algorithm is checked. */
	tock_drv_expect_failure(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, 0,
				0, TOCK_STATUS_SIZE);
	tock_drv_expect_failure(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE,
				TOCK_CRC_ALG_INVALID, 0, TOCK_STATUS_INVAL);
	tock_drv_expect_failure(test, TOCK_DRIVER_CRC, 2, 0, 0,
				TOCK_STATUS_NOSUPPORT);
	KUNIT_EXPECT_EQ(test, READ_ONCE(env->proc->nr_upcalls), 0);
}

static void tock_crc_compute_busy(struct kunit *test)
{
	struct tock_ioc_command cmd;
	u32 args[3];

	tock_crc_allow_vector(test, 0);
	tock_drv_command_ok(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, 0,
			    TOCK_DRV_VECTOR_LEN);
	/* BUSY until the first request's upcall is queued. */
	cmd = tock_drv_command(test, TOCK_DRIVER_CRC, TOCK_CRC_CMD_COMPUTE, 1,
			       TOCK_DRV_VECTOR_LEN);
	tock_drv_wait_for(test, TOCK_DRIVER_CRC, 0, args);
	KUNIT_EXPECT_EQ(test, args[1], 0x0E6F94BC);
	if (cmd.rtype == TOCK_RET_SUCCESS) {
		/* It had finished already: the second one runs too. */
		tock_drv_wait_for(test, TOCK_DRIVER_CRC, 0, args);
		KUNIT_EXPECT_EQ(test, args[1], 0x2C775665);
		return;
	}
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_FAILURE);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_STATUS_BUSY);
}

static void tock_console_write(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	size_t len = sizeof(TOCK_CONSOLE_TEXT) - 1;
	u32 args[3];

	tock_drv_require(test, TOCK_DRIVER_CONSOLE);
	KUNIT_ASSERT_EQ(test, copy_to_user(tock_kunit_uptr(env->uaddr),
					   TOCK_CONSOLE_TEXT, len), 0);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_CONSOLE,
					     TOCK_ALLOW_RO, TOCK_CONSOLE_ALLOW,
					     env->uaddr, len),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_CMD_WRITE,
			    len, 0);
	tock_drv_wait_for(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_UPCALL, args);
	/* Tock's console capsule: (bytes written, 0, 0). */
	KUNIT_EXPECT_EQ(test, args[0], len);
	KUNIT_EXPECT_EQ(test, args[1], 0);
	KUNIT_EXPECT_EQ(test, args[2], 0);
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_console_fput, fput, struct file *);

/*
 * The console's other end, non-blocking and drained, closed when the test
 * ends; NULL when there is no /dev to open it from.
 */
static struct file *tock_console_dev_open(struct kunit *test)
{
	struct file *f;
	char buf[64];
	loff_t pos = 0;

	f = filp_open(TOCK_CONSOLE_DEV, O_RDWR | O_NONBLOCK, 0);
	if (IS_ERR(f))
		return NULL;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_console_fput, f),
			0);
	while (kernel_read(f, buf, sizeof(buf), &pos) > 0)
		;
	return f;
}

/* The console's other end, or a skip. */
static struct file *tock_console_dev(struct kunit *test)
{
	struct file *f = tock_console_dev_open(test);

	if (!f)
		kunit_skip(test, "cannot open " TOCK_CONSOLE_DEV);
	return f;
}

static void tock_console_allow_read(struct kunit *test, u64 addr, u64 len)
{
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_CONSOLE,
					     TOCK_ALLOW_RW, TOCK_CONSOLE_ALLOW,
					     addr, len),
			TOCK_STATUS_SUCCESS);
}

static void tock_console_write_long(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct file *dev;
	loff_t pos = 0;
	u32 args[3];
	u8 *want, *got;

	tock_drv_require(test, TOCK_DRIVER_CONSOLE);
	dev = tock_console_dev_open(test);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_CONSOLE,
					     TOCK_ALLOW_RO, TOCK_CONSOLE_ALLOW,
					     env->uaddr, TOCK_CONSOLE_LONG),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_CMD_WRITE,
			    TOCK_CONSOLE_LONG, 0);
	tock_drv_wait_for(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_UPCALL, args);
	/* The whole length, not the first 4096 bytes. */
	KUNIT_EXPECT_EQ(test, args[0], TOCK_CONSOLE_LONG);
	if (!dev)
		return;
	want = tock_kunit_read_user(test, env->uaddr, TOCK_CONSOLE_LONG);
	got = kunit_kzalloc(test, TOCK_CONSOLE_LONG + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, kernel_read(dev, got, TOCK_CONSOLE_LONG + 1,
					  &pos),
			TOCK_CONSOLE_LONG);
	KUNIT_EXPECT_EQ(test, memcmp(got, want, TOCK_CONSOLE_LONG), 0);
}

static void tock_console_read_refused(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 args[3];

	tock_drv_require(test, TOCK_DRIVER_CONSOLE);
	/* Nothing allowed, then a length of 0: nothing to read into. */
	tock_drv_expect_failure(test, TOCK_DRIVER_CONSOLE,
				TOCK_CONSOLE_CMD_READ, 8, 0, TOCK_STATUS_SIZE);
	tock_console_allow_read(test, env->uaddr, 8);
	tock_drv_expect_failure(test, TOCK_DRIVER_CONSOLE,
				TOCK_CONSOLE_CMD_READ, 0, 0, TOCK_STATUS_SIZE);
	tock_drv_command_ok(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_CMD_READ,
			    8, 0);
	tock_drv_expect_failure(test, TOCK_DRIVER_CONSOLE,
				TOCK_CONSOLE_CMD_READ, 8, 0, TOCK_STATUS_BUSY);
	tock_drv_command_ok(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_CMD_ABORT,
			    0, 0);
	tock_drv_wait_for(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_UPCALL_READ,
			  args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_CANCEL);
	KUNIT_EXPECT_EQ(test, args[1], 0);
	/* Nothing left to abort: Success, and no upcall. */
	tock_drv_command_ok(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_CMD_ABORT,
			    0, 0);
	tock_drv_expect_failure(test, TOCK_DRIVER_CONSOLE,
				TOCK_CONSOLE_CMD_NONE, 0, 0,
				TOCK_STATUS_NOSUPPORT);
	KUNIT_EXPECT_EQ(test, READ_ONCE(env->proc->nr_upcalls), 0);
}

static void tock_console_read_typed_ahead(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct file *dev;
	loff_t pos = 0;
	u32 args[3];

	tock_drv_require(test, TOCK_DRIVER_CONSOLE);
	dev = tock_console_dev(test);
	KUNIT_ASSERT_EQ(test, kernel_write(dev, TOCK_CONSOLE_INPUT,
					   TOCK_CONSOLE_INPUT_LEN, &pos),
			TOCK_CONSOLE_INPUT_LEN);
	/* One byte more allowed than read: it must stay untouched. */
	tock_console_allow_read(test, env->uaddr, TOCK_CONSOLE_INPUT_LEN + 1);
	tock_drv_command_ok(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_CMD_READ,
			    TOCK_CONSOLE_INPUT_LEN, 0);
	tock_drv_wait_for(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_UPCALL_READ,
			  args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, args[1], TOCK_CONSOLE_INPUT_LEN);
	KUNIT_EXPECT_EQ(test, args[2], 0);
	KUNIT_EXPECT_EQ(test, memcmp(tock_kunit_read_user(test, env->uaddr,
							  TOCK_CONSOLE_INPUT_LEN),
				     TOCK_CONSOLE_INPUT, TOCK_CONSOLE_INPUT_LEN),
			0);
	KUNIT_EXPECT_EQ(test, *tock_kunit_read_user(test, env->uaddr +
						    TOCK_CONSOLE_INPUT_LEN, 1),
			tock_kunit_pattern(TOCK_CONSOLE_INPUT_LEN));
}

static void tock_console_close_with_read_pending(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long next_buf = env->uaddr + PAGE_SIZE;
	struct tock_process *next;
	struct tock_ioc_allow allow = {
		.driver = TOCK_DRIVER_CONSOLE,
		.allow_num = TOCK_CONSOLE_ALLOW,
		.addr = next_buf,
		.size = TOCK_CONSOLE_INPUT_LEN,
	};
	struct tock_ioc_command cmd = {
		.driver = TOCK_DRIVER_CONSOLE,
		.command_num = TOCK_CONSOLE_CMD_READ,
		.arg1 = TOCK_CONSOLE_INPUT_LEN,
	};
	u64 base = tock_kunit_pinned();
	struct file *dev;
	loff_t pos = 0;

	tock_drv_require(test, TOCK_DRIVER_CONSOLE);
	dev = tock_console_dev(test);
	tock_console_allow_read(test, env->uaddr, PAGE_SIZE);
	tock_drv_command_ok(test, TOCK_DRIVER_CONSOLE, TOCK_CONSOLE_CMD_READ,
			    PAGE_SIZE, 0);
	/* The read leaves the queue with its process; nothing stays pinned. */
	tock_kunit_env_close(env);
	tock_kunit_expect_pinned(test, base);

	/* The next process's read is first in line and gets the input. */
	next = tock_kunit_process(test);
	tock_process_allow(next, TOCK_ALLOW_RW, &allow);
	KUNIT_ASSERT_EQ(test, allow.status, TOCK_STATUS_SUCCESS);
	tock_process_command(next, &cmd);
	KUNIT_ASSERT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS);
	KUNIT_ASSERT_EQ(test, kernel_write(dev, TOCK_CONSOLE_INPUT,
					   TOCK_CONSOLE_INPUT_LEN, &pos),
			TOCK_CONSOLE_INPUT_LEN);
	KUNIT_EXPECT_EQ(test, READ_ONCE(next->nr_upcalls), 1);
	KUNIT_EXPECT_EQ(test, memcmp(tock_kunit_read_user(test, next_buf,
							  TOCK_CONSOLE_INPUT_LEN),
				     TOCK_CONSOLE_INPUT, TOCK_CONSOLE_INPUT_LEN),
			0);
}

static void tock_rng_fill(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u8 zero[TOCK_RNG_LEN] = {}, *got;
	u32 args[3];

	tock_drv_require(test, TOCK_DRIVER_RNG);
	KUNIT_ASSERT_EQ(test, copy_to_user(tock_kunit_uptr(env->uaddr), zero,
					   sizeof(zero)), 0);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_RNG,
					     TOCK_ALLOW_RW, 0, env->uaddr,
					     TOCK_RNG_LEN),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_RNG, TOCK_RNG_CMD_GET,
			    TOCK_RNG_LEN / 2, 0);
	tock_drv_wait_for(test, TOCK_DRIVER_RNG, 0, args);
	KUNIT_EXPECT_EQ(test, args[0], 0);
	KUNIT_EXPECT_EQ(test, args[1], TOCK_RNG_LEN / 2);
	got = tock_kunit_read_user(test, env->uaddr, TOCK_RNG_LEN);
	/* 256 random bits are all zero with probability 2^-256. */
	KUNIT_EXPECT_PTR_NE(test, memchr_inv(got, 0, TOCK_RNG_LEN / 2), NULL);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(got + TOCK_RNG_LEN / 2, 0,
					     TOCK_RNG_LEN / 2), NULL);
}

static u32 tock_drv_pattern_sum(size_t first, size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += tock_kunit_pattern(first + i);
	return sum;
}

static void tock_testdrv_sum_now(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_command cmd;

	tock_drv_require(test, TOCK_DRIVER_TEST);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RO, 0, env->uaddr + 3,
					     PAGE_SIZE),
			TOCK_STATUS_SUCCESS);
	cmd = tock_drv_command(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_SUM_NOW,
			       0, 0);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], tock_drv_pattern_sum(3, PAGE_SIZE));

	/* Read-only allow 1 is empty: the sum of nothing. */
	cmd = tock_drv_command(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_SUM_NOW,
			       1, 0);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 0);

	tock_drv_expect_failure(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_SUM_NOW,
				2, 0, TOCK_STATUS_INVAL);

	/* A dead buffer: CANCEL. */
	KUNIT_ASSERT_EQ(test, vm_munmap(env->uaddr, PAGE_SIZE), 0);
	tock_drv_expect_failure(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_SUM_NOW,
				0, 0, TOCK_STATUS_CANCEL);
}

static void tock_testdrv_fill_now(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long rw = env->uaddr + 10, ur = env->uaddr + 2 * PAGE_SIZE;
	struct tock_ioc_command cmd;
	u8 *got;

	tock_drv_require(test, TOCK_DRIVER_TEST);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 0, rw, 100),
			TOCK_STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_UR, 0, ur, 50),
			TOCK_STATUS_SUCCESS);

	cmd = tock_drv_command(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_NOW,
			       0xa5, 0);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 100);
	got = tock_kunit_read_user(test, rw - 1, 102);
	KUNIT_EXPECT_EQ(test, got[0], tock_kunit_pattern(9));
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(got + 1, 0xa5, 100), NULL);
	KUNIT_EXPECT_EQ(test, got[101], tock_kunit_pattern(110));

	cmd = tock_drv_command(test, TOCK_DRIVER_TEST,
			       TOCK_TEST_CMD_FILL_UR_NOW, 0x5a, 0);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 50);
	got = tock_kunit_read_user(test, ur, 51);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(got, 0x5a, 50), NULL);
	KUNIT_EXPECT_EQ(test, got[50], tock_kunit_pattern(2 * PAGE_SIZE + 50));
}

static void tock_testdrv_rw1_size_limit(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_drv_require(test, TOCK_DRIVER_TEST);
	KUNIT_EXPECT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 1, env->uaddr,
					     TOCK_TEST_RW1_MAX + 1),
			TOCK_STATUS_SIZE);
	KUNIT_EXPECT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 1, env->uaddr,
					     TOCK_TEST_RW1_MAX),
			TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 0, env->uaddr,
					     TOCK_TEST_RW1_MAX + 1),
			TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 2, env->uaddr, 1),
			TOCK_STATUS_NOSUPPORT);
}

/**
 * struct tock_ret_case - a return variant the test driver produces
 * @desc: name of the variant
 * @rtype: the TOCK_RET_* asked for and expected
 * @data: the values expected
 */
struct tock_ret_case {
	const char *desc;
	u32 rtype;
	u32 data[3];
};

/* The error code the failures carry. */
#define TOCK_DRV_RET_ERR	TOCK_STATUS_RESERVE

static const struct tock_ret_case tock_ret_cases[] = {
	{ "failure", TOCK_RET_FAILURE, { TOCK_DRV_RET_ERR } },
	{ "failure_u32", TOCK_RET_FAILURE_U32, { TOCK_DRV_RET_ERR, 1 } },
	{ "failure_u32_u32", TOCK_RET_FAILURE_U32_U32,
	  { TOCK_DRV_RET_ERR, 1, 2 } },
	{ "failure_u64", TOCK_RET_FAILURE_U64, { TOCK_DRV_RET_ERR, 1, 2 } },
	{ "success", TOCK_RET_SUCCESS, {} },
	{ "success_u32", TOCK_RET_SUCCESS_U32, { 1 } },
	{ "success_u32_u32", TOCK_RET_SUCCESS_U32_U32, { 1, 2 } },
	{ "success_u64", TOCK_RET_SUCCESS_U64, { 1, 2 } },
	{ "success_u32_u32_u32", TOCK_RET_SUCCESS_U32_U32_U32, { 1, 2, 3 } },
	{ "success_u64_u32", TOCK_RET_SUCCESS_U64_U32, { 1, 2, 3 } },
};

KUNIT_ARRAY_PARAM_DESC(tock_ret, tock_ret_cases, desc);

static void tock_testdrv_return_variant(struct kunit *test)
{
	const struct tock_ret_case *c = test->param_value;
	struct tock_ioc_command cmd;

	tock_drv_require(test, TOCK_DRIVER_TEST);
	cmd = tock_drv_command(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_RETURN,
			       c->rtype, TOCK_DRV_RET_ERR);
	KUNIT_EXPECT_EQ(test, cmd.rtype, c->rtype);
	KUNIT_EXPECT_EQ(test, cmd.data[0], c->data[0]);
	KUNIT_EXPECT_EQ(test, cmd.data[1], c->data[1]);
	KUNIT_EXPECT_EQ(test, cmd.data[2], c->data[2]);
}

static void tock_testdrv_upcalls_in_order(struct kunit *test)
{
	struct tock_ioc_command cmd;
	u32 args[3], i;

	tock_drv_require(test, TOCK_DRIVER_TEST);
	cmd = tock_drv_command(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_UPCALLS,
			       5, 42);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_SUCCESS_U32);
	KUNIT_EXPECT_EQ(test, cmd.data[0], 5);
	for (i = 0; i < 5; i++) {
		tock_drv_wait_for(test, TOCK_DRIVER_TEST, 0, args);
		KUNIT_EXPECT_EQ(test, args[0], i);
		KUNIT_EXPECT_EQ(test, args[1], 42);
		KUNIT_EXPECT_EQ(test, args[2], 0);
	}
}

static void tock_testdrv_fill_later_after_munmap(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 args[3];

	tock_drv_require(test, TOCK_DRIVER_TEST);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 0, env->uaddr, 64),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_LATER,
			    TOCK_DRV_LATER_MS, 0x11);
	KUNIT_ASSERT_EQ(test, vm_munmap(env->uaddr, TOCK_KUNIT_MAP_LEN), 0);
	tock_drv_wait_for(test, TOCK_DRIVER_TEST, 0, args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_CANCEL);
	KUNIT_EXPECT_EQ(test, args[1], 0);
}

static void tock_testdrv_fill_later_live(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 args[3];

	tock_drv_require(test, TOCK_DRIVER_TEST);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 0, env->uaddr, 64),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_LATER,
			    1, 0x22);
	tock_drv_wait_for(test, TOCK_DRIVER_TEST, 0, args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, args[1], 64);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(tock_kunit_read_user(test,
								  env->uaddr,
								  64),
					     0x22, 64), NULL);
}

static void tock_testdrv_sum_later_sees_new_buffer(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u32 args[3];

	tock_drv_require(test, TOCK_DRIVER_TEST);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RO, 0, env->uaddr, 10),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_SUM_LATER,
			    TOCK_DRV_LATER_MS, 0);
	/* Re-allowed before the timer: the driver reads the new buffer. */
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RO, 0,
					     env->uaddr + PAGE_SIZE, 20),
			TOCK_STATUS_SUCCESS);
	tock_drv_wait_for(test, TOCK_DRIVER_TEST, 1, args);
	KUNIT_EXPECT_EQ(test, args[0], TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, args[1], tock_drv_pattern_sum(PAGE_SIZE, 20));
	KUNIT_EXPECT_EQ(test, args[2], 20);
}

static void tock_testdrv_fill_later_busy_and_cancel(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_drv_require(test, TOCK_DRIVER_TEST);
	tock_drv_command_ok(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_LATER,
			    10 * TOCK_DRV_LATER_MS, 0x33);
	tock_drv_expect_failure(test, TOCK_DRIVER_TEST,
				TOCK_TEST_CMD_FILL_LATER, 1, 0x44,
				TOCK_STATUS_BUSY);
	tock_drv_command_ok(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_CANCEL, 0, 0);
	tock_drv_expect_failure(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_CANCEL,
				0, 0, TOCK_STATUS_ALREADY);
	KUNIT_EXPECT_EQ(test, READ_ONCE(env->proc->nr_upcalls), 0);
}

static void tock_testdrv_close_with_timer_armed(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u64 base = tock_kunit_pinned();

	tock_drv_require(test, TOCK_DRIVER_TEST);
	KUNIT_ASSERT_EQ(test, tock_drv_allow(test, TOCK_DRIVER_TEST,
					     TOCK_ALLOW_RW, 0, env->uaddr,
					     PAGE_SIZE),
			TOCK_STATUS_SUCCESS);
	tock_drv_command_ok(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_LATER,
			    1, 0x55);
	tock_drv_command_ok(test, TOCK_DRIVER_TEST, TOCK_TEST_CMD_SUM_LATER,
			    0, 0);
	/* The driver cancels its timers; everything is unpinned. */
	tock_kunit_env_close(env);
	tock_kunit_expect_pinned(test, base);
}

static struct kunit_case tock_drivers_test_cases[] = {
	KUNIT_CASE_PARAM(tock_crc_compute_vector, tock_crc_vector_gen_params),
	KUNIT_CASE_PARAM(tock_crc_compute_vector_prefix,
			 tock_crc_vector_gen_params),
	KUNIT_CASE(tock_crc_compute_multi_page),
	KUNIT_CASE(tock_crc_compute_refused),
	KUNIT_CASE(tock_crc_compute_busy),
	KUNIT_CASE(tock_console_write),
	KUNIT_CASE(tock_console_write_long),
	KUNIT_CASE(tock_console_read_refused),
	KUNIT_CASE(tock_console_read_typed_ahead),
	KUNIT_CASE(tock_console_close_with_read_pending),
	KUNIT_CASE(tock_rng_fill),
	KUNIT_CASE(tock_testdrv_sum_now),
	KUNIT_CASE(tock_testdrv_fill_now),
	KUNIT_CASE(tock_testdrv_rw1_size_limit),
	KUNIT_CASE_PARAM(tock_testdrv_return_variant, tock_ret_gen_params),
	KUNIT_CASE(tock_testdrv_upcalls_in_order),
	KUNIT_CASE(tock_testdrv_fill_later_after_munmap),
	KUNIT_CASE(tock_testdrv_fill_later_live),
	KUNIT_CASE(tock_testdrv_sum_later_sees_new_buffer),
	KUNIT_CASE(tock_testdrv_fill_later_busy_and_cancel),
	KUNIT_CASE(tock_testdrv_close_with_timer_armed),
	{}
};

static struct kunit_suite tock_drivers_suite = {
	.name = "tockallow_drivers",
	.init = tock_kunit_env_init,
	.test_cases = tock_drivers_test_cases,
};

kunit_test_suite(tock_drivers_suite);
