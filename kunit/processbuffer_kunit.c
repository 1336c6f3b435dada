// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tockallow_processbuffer: the buffer handles of
 * <tock/processbuffer.h> (Tock's ReadOnlyProcessBuffer,
 * ReadWriteProcessBuffer, UserspaceReadableProcessBuffer and their Refs) over
 * real process memory: lengths, pointers, enter and mut_enter, the default
 * and dead cases, slices over the pinned pages, entering from softirq and
 * hard IRQ context, and killing while a driver is inside a buffer.
 */
#include <linux/hardirq.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/timer.h>

#include "fixture_kunit.h"

/* Where in the fixture's mapping the buffers of these tests start. */
#define TOCK_PB_OFF		16
#define TOCK_PB_LEN		100
/* A short buffer for the chunk and slice cases. */
#define TOCK_PB_SHORT		10
/* Bound on waiting for a timer, irq_work or kthread of a test. */
#define TOCK_PB_WAIT		(10 * HZ)
/* How long the holder stays inside a buffer once a kill has started. */
#define TOCK_PB_HOLD_MS		50

/* Callback that must never run: it records the call, then refuses. */
static int tock_pb_never(const struct tock_ro_slice *s, void *ctx)
{
	(*(unsigned int *)ctx)++;
	return -EIO;
}

static int tock_pb_never_mut(const struct tock_rw_slice *s, void *ctx)
{
	(*(unsigned int *)ctx)++;
	return -EIO;
}

/**
 * struct tock_pb_fill - a mut_enter that stores one byte everywhere
 * @calls: times the callback ran
 * @len: the slice's length
 * @val: the byte to store
 */
struct tock_pb_fill {
	unsigned int calls;
	size_t len;
	u8 val;
};

static int tock_pb_fill_fn(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_pb_fill *f = ctx;
	size_t i;

	f->calls++;
	f->len = tock_rw_slice_len(s);
	for (i = 0; i < f->len; i++)
		tock_process_byte_set(tock_rw_slice_at(s, i), f->val);
	return 0;
}

/* Expect @len user bytes at @uaddr to be the fixture pattern from @first. */
static void tock_pb_expect_pattern(struct kunit *test, unsigned long uaddr,
				   size_t len, size_t first)
{
	u8 *got = tock_kunit_read_user(test, uaddr, len);
	size_t i;

	for (i = 0; i < len; i++)
		if (got[i] != tock_kunit_pattern(first + i))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, len, "user byte %zu is %#x, not %#x", i,
			    i < len ? got[i] : 0,
			    tock_kunit_pattern(first + i));
}

/* Expect @len user bytes at @uaddr all to be @val. */
static void tock_pb_expect_val(struct kunit *test, unsigned long uaddr,
			       size_t len, u8 val)
{
	u8 *got = tock_kunit_read_user(test, uaddr, len);

	KUNIT_EXPECT_PTR_EQ_MSG(test, memchr_inv(got, val, len), NULL,
				"user memory not all %#x", val);
}

/* Expect what tock_kunit_record() saw to be the fixture pattern at @first. */
static void tock_pb_expect_seen(struct kunit *test,
				const struct tock_kunit_seen *seen,
				size_t len, size_t first)
{
	size_t i;

	KUNIT_EXPECT_EQ(test, seen->calls, 1);
	KUNIT_EXPECT_EQ(test, seen->len, len);
	for (i = 0; i < min(len, sizeof(seen->bytes)); i++)
		KUNIT_EXPECT_EQ_MSG(test, seen->bytes[i],
				    tock_kunit_pattern(first + i), "byte %zu",
				    i);
}

static void tock_ro_buffer_default_refuses(struct kunit *test)
{
	struct tock_ro_buffer ro = {};
	struct tock_rw_buffer rw = {};
	struct tock_ur_buffer ur = {};
	unsigned int calls = 0;

	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&ro), 0);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_len(&rw), 0);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_len(&ur), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ro_buffer_ptr(&ro)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_rw_buffer_ptr(&rw)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ur_buffer_ptr(&ur)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ro, tock_pb_never, &calls),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_enter(&rw, tock_pb_never, &calls),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&rw, tock_pb_never_mut,
						       &calls), -ESRCH);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_enter(&ur, tock_pb_never, &calls),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_mut_enter(&ur, tock_pb_never_mut,
						       &calls), -ESRCH);
	KUNIT_EXPECT_EQ_MSG(test, calls, 0, "default buffer entered");
}

static void tock_ro_buffer_ref_put_default(struct kunit *test)
{
	struct tock_ro_buffer_ref ro = {};
	struct tock_rw_buffer_ref rw = {};
	struct tock_ur_buffer_ref ur = {};

	/* Putting a default ref does nothing, and it stays default. */
	tock_ro_buffer_ref_put(&ro);
	tock_rw_buffer_ref_put(&rw);
	tock_ur_buffer_ref_put(&ur);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&ro.buffer), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_rw_buffer_ptr(&rw.buffer)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_len(&ur.buffer), 0);
}

static void tock_ro_buffer_enter_live(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + TOCK_PB_OFF;
	struct tock_ro_buffer_ref *ref;
	struct tock_kunit_seen seen = {};

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, addr, TOCK_PB_LEN);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&ref->buffer), TOCK_PB_LEN);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ro_buffer_ptr(&ref->buffer)),
			(unsigned long)(addr));
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_kunit_record, &seen),
			0);
	tock_pb_expect_seen(test, &seen, TOCK_PB_LEN, TOCK_PB_OFF);
}

static void tock_rw_buffer_enter_live(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + TOCK_PB_OFF;
	struct tock_rw_buffer_ref *ref;
	struct tock_kunit_seen seen = {};

	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, addr, TOCK_PB_LEN);
	ref = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_len(&ref->buffer), TOCK_PB_LEN);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_rw_buffer_ptr(&ref->buffer)),
			(unsigned long)(addr));
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_enter(&ref->buffer,
						   tock_kunit_record, &seen),
			0);
	tock_pb_expect_seen(test, &seen, TOCK_PB_LEN, TOCK_PB_OFF);
}

static void tock_rw_buffer_mut_enter_visible_to_user(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + TOCK_PB_OFF;
	struct tock_rw_buffer_ref *ref;
	struct tock_pb_fill fill = { .val = 0xc3 };

	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, addr, TOCK_PB_LEN);
	ref = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&ref->buffer,
						       tock_pb_fill_fn, &fill),
			0);
	KUNIT_EXPECT_EQ(test, fill.calls, 1);
	KUNIT_EXPECT_EQ(test, fill.len, TOCK_PB_LEN);
	tock_pb_expect_val(test, addr, TOCK_PB_LEN, 0xc3);
	/* Nothing outside the allowed range changed. */
	tock_pb_expect_pattern(test, env->uaddr, TOCK_PB_OFF, 0);
	tock_pb_expect_pattern(test, addr + TOCK_PB_LEN, PAGE_SIZE,
			       TOCK_PB_OFF + TOCK_PB_LEN);
}

static void tock_ur_buffer_enter_and_mut_enter(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + TOCK_PB_OFF;
	struct tock_ur_buffer_ref *ref;
	struct tock_kunit_seen seen = {};
	struct tock_pb_fill fill = { .val = 0x3c };

	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0, addr, TOCK_PB_LEN);
	ref = tock_kunit_ur_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_len(&ref->buffer), TOCK_PB_LEN);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ur_buffer_ptr(&ref->buffer)),
			(unsigned long)(addr));
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_enter(&ref->buffer,
						   tock_kunit_record, &seen),
			0);
	tock_pb_expect_seen(test, &seen, TOCK_PB_LEN, TOCK_PB_OFF);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_mut_enter(&ref->buffer,
						       tock_pb_fill_fn, &fill),
			0);
	KUNIT_EXPECT_EQ(test, fill.len, TOCK_PB_LEN);
	tock_pb_expect_val(test, addr, TOCK_PB_LEN, 0x3c);
}

static int tock_pb_return_ctx(const struct tock_ro_slice *s, void *ctx)
{
	return *(int *)ctx;
}

static void tock_ro_buffer_enter_returns_fn_value(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ref;
	int val;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, TOCK_PB_LEN);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	val = 42;
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_pb_return_ctx, &val),
			42);
	val = -EMSGSIZE;
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_pb_return_ctx, &val),
			-EMSGSIZE);
}

static void tock_ro_buffer_empty_slot_enters_empty(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ro = tock_kunit_ro_get(test, env->grant, 1);
	struct tock_rw_buffer_ref *rw = tock_kunit_rw_get(test, env->grant, 1);
	struct tock_ur_buffer_ref *ur = tock_kunit_ur_get(test, env->grant, 0);
	struct tock_kunit_seen seen = {};
	struct tock_pb_fill fill = {};

	/* Never allowed: a live process's empty slot, Tock's zero-length. */
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&ro->buffer), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ro_buffer_ptr(&ro->buffer)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ro->buffer,
						   tock_kunit_record, &seen),
			0);
	KUNIT_EXPECT_EQ(test, seen.calls, 1);
	KUNIT_EXPECT_EQ(test, seen.len, 0);

	KUNIT_EXPECT_EQ(test, tock_rw_buffer_len(&rw->buffer), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_rw_buffer_ptr(&rw->buffer)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&rw->buffer,
						       tock_pb_fill_fn, &fill),
			0);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_len(&ur->buffer), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ur_buffer_ptr(&ur->buffer)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_mut_enter(&ur->buffer,
						       tock_pb_fill_fn, &fill),
			0);
	KUNIT_EXPECT_EQ(test, fill.calls, 2);
	KUNIT_EXPECT_EQ(test, fill.len, 0);
}

static void tock_grant_ro_buffer_get_out_of_range(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref ro;
	struct tock_rw_buffer_ref rw;
	struct tock_ur_buffer_ref ur;
	unsigned int calls = 0;

	KUNIT_EXPECT_EQ(test, tock_grant_ro_buffer_get(env->grant,
						       TOCK_KUNIT_RO_SLOTS,
						       &ro), -EINVAL);
	KUNIT_EXPECT_EQ(test, tock_grant_rw_buffer_get(env->grant,
						       TOCK_KUNIT_RW_SLOTS,
						       &rw), -EINVAL);
	KUNIT_EXPECT_EQ(test, tock_grant_ur_buffer_get(env->grant, U32_MAX,
						       &ur), -EINVAL);
	/* On error each ref is the default buffer. */
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ro.buffer, tock_pb_never,
						   &calls), -ESRCH);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&rw.buffer,
						       tock_pb_never_mut,
						       &calls), -ESRCH);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_len(&ur.buffer), 0);
	KUNIT_EXPECT_EQ(test, calls, 0);
}

/* Expect @ref's buffer dead: length 0, no pointer, enter refused. */
static void tock_pb_expect_ro_dead(struct kunit *test,
				   const struct tock_ro_buffer *b)
{
	unsigned int calls = 0;

	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(b), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ro_buffer_ptr(b)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(b, tock_pb_never, &calls),
			-ESRCH);
	KUNIT_EXPECT_EQ_MSG(test, calls, 0, "dead buffer entered");
}

static void tock_pb_expect_rw_dead(struct kunit *test,
				   const struct tock_rw_buffer *b)
{
	unsigned int calls = 0;

	KUNIT_EXPECT_EQ(test, tock_rw_buffer_len(b), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_rw_buffer_ptr(b)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_enter(b, tock_pb_never, &calls),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(b, tock_pb_never_mut,
						       &calls), -ESRCH);
	KUNIT_EXPECT_EQ_MSG(test, calls, 0, "dead buffer entered");
}

static void tock_pb_expect_ur_dead(struct kunit *test,
				   const struct tock_ur_buffer *b)
{
	unsigned int calls = 0;

	KUNIT_EXPECT_EQ(test, tock_ur_buffer_len(b), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_ur_buffer_ptr(b)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_enter(b, tock_pb_never, &calls),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, tock_ur_buffer_mut_enter(b, tock_pb_never_mut,
						       &calls), -ESRCH);
	KUNIT_EXPECT_EQ_MSG(test, calls, 0, "dead buffer entered");
}

static void tock_ro_buffer_dead_after_munmap(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ro;
	struct tock_rw_buffer_ref *rw;
	struct tock_ur_buffer_ref *ur;
	u64 base = tock_kunit_pinned();

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, TOCK_PB_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr + PAGE_SIZE,
			    PAGE_SIZE);
	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0, env->uaddr + 2 * PAGE_SIZE,
			    TOCK_PB_LEN);
	ro = tock_kunit_ro_get(test, env->grant, 0);
	rw = tock_kunit_rw_get(test, env->grant, 0);
	ur = tock_kunit_ur_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_ro_buffer_len(&ro->buffer), TOCK_PB_LEN);

	KUNIT_ASSERT_EQ(test, vm_munmap(env->uaddr, TOCK_KUNIT_MAP_LEN), 0);
	tock_pb_expect_ro_dead(test, &ro->buffer);
	tock_pb_expect_rw_dead(test, &rw->buffer);
	tock_pb_expect_ur_dead(test, &ur->buffer);

	/* The slots still hold the dead buffers, and their pins. */
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base + 3);
	tock_kunit_ro_put(test, ro);
	tock_kunit_rw_put(test, rw);
	tock_kunit_ur_put(test, ur);
	ro = tock_kunit_ro_get(test, env->grant, 0);
	tock_pb_expect_ro_dead(test, &ro->buffer);
	tock_kunit_ro_put(test, ro);

	/* Unallowing a dead buffer succeeds and unpins it. */
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, 0, 0);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, 0, 0);
	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0, 0, 0);
	tock_kunit_expect_pinned(test, base);
}

static void tock_rw_buffer_dead_after_partial_munmap(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_rw_buffer_ref *spanning, *other;
	struct tock_kunit_seen seen = {};

	/* Pages 0-1 in one buffer, page 3 in another; unmap page 1 only. */
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr + TOCK_PB_OFF,
			    PAGE_SIZE);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 1, env->uaddr + 3 * PAGE_SIZE,
			    TOCK_PB_LEN);
	spanning = tock_kunit_rw_get(test, env->grant, 0);
	other = tock_kunit_rw_get(test, env->grant, 1);

	KUNIT_ASSERT_EQ(test, vm_munmap(env->uaddr + PAGE_SIZE, PAGE_SIZE), 0);
	tock_pb_expect_rw_dead(test, &spanning->buffer);
	KUNIT_EXPECT_EQ_MSG(test, tock_rw_buffer_len(&other->buffer),
			    TOCK_PB_LEN, "unmapping another page killed it");
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_enter(&other->buffer,
						   tock_kunit_record, &seen),
			0);
	tock_pb_expect_seen(test, &seen, TOCK_PB_LEN, 3 * PAGE_SIZE);
}

static void tock_ro_buffer_dead_after_swap(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *old, *cur;
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.addr = env->uaddr + PAGE_SIZE,
		.size = TOCK_PB_SHORT,
	};
	struct tock_kunit_seen seen = {};

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, TOCK_PB_LEN);
	old = tock_kunit_ro_get(test, env->grant, 0);
	tock_process_allow(env->proc, TOCK_ALLOW_RO, &req);
	KUNIT_ASSERT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, req.addr, (u64)env->uaddr);
	KUNIT_EXPECT_EQ(test, req.size, TOCK_PB_LEN);

	tock_pb_expect_ro_dead(test, &old->buffer);
	cur = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&cur->buffer,
						   tock_kunit_record, &seen),
			0);
	tock_pb_expect_seen(test, &seen, TOCK_PB_SHORT, PAGE_SIZE);
	/* The old ref still holds the old buffer; putting it is safe. */
	tock_kunit_ro_put(test, old);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&cur->buffer), TOCK_PB_SHORT);
}

static void tock_rw_buffer_dead_after_unallow(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_rw_buffer_ref *old, *cur;
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.addr = 0xdead0000,
		.size = 0,
	};
	struct tock_pb_fill fill = { .val = 0x77 };
	u64 base = tock_kunit_pinned();

	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr, TOCK_PB_LEN);
	old = tock_kunit_rw_get(test, env->grant, 0);
	tock_process_allow(env->proc, TOCK_ALLOW_RW, &req);
	KUNIT_ASSERT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, req.addr, (u64)env->uaddr);
	KUNIT_EXPECT_EQ(test, req.size, TOCK_PB_LEN);

	tock_pb_expect_rw_dead(test, &old->buffer);
	cur = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_len(&cur->buffer), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_rw_buffer_ptr(&cur->buffer)), 0UL);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&cur->buffer,
						       tock_pb_fill_fn, &fill),
			0);
	KUNIT_EXPECT_EQ(test, fill.calls, 1);
	KUNIT_EXPECT_EQ(test, fill.len, 0);
	tock_pb_expect_pattern(test, env->uaddr, TOCK_PB_LEN, 0);

	/* The old ref keeps the pages pinned until it is put. */
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base + 1);
	tock_kunit_rw_put(test, old);
	tock_kunit_expect_pinned(test, base);
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_pb_grant_put, tock_grant_put,
			    struct tock_grant *);

static void tock_ro_buffer_dead_after_close(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ro, *empty, late;
	struct tock_grant *g;
	struct tock_rw_buffer_ref *rw;
	struct tock_ur_buffer_ref *ur;
	u64 base = tock_kunit_pinned();

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, TOCK_PB_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr + PAGE_SIZE,
			    TOCK_PB_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0, env->uaddr, TOCK_PB_LEN);
	ro = tock_kunit_ro_get(test, env->grant, 0);
	empty = tock_kunit_ro_get(test, env->grant, 1);
	rw = tock_kunit_rw_get(test, env->grant, 0);
	ur = tock_kunit_ur_get(test, env->grant, 0);
	g = env->grant;
	tock_grant_get(g);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_pb_grant_put, g),
			0);

	tock_kunit_env_close(env);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->exits), 1);
	/* An ended process's grant hands out no more buffers. */
	KUNIT_EXPECT_EQ(test, tock_grant_ro_buffer_get(g, 0, &late), -ESRCH);
	tock_pb_expect_ro_dead(test, &late.buffer);
	kunit_release_action(test, tock_pb_grant_put, g);
	tock_pb_expect_ro_dead(test, &ro->buffer);
	/* An empty slot of an ended process refuses too. */
	tock_pb_expect_ro_dead(test, &empty->buffer);
	tock_pb_expect_rw_dead(test, &rw->buffer);
	tock_pb_expect_ur_dead(test, &ur->buffer);

	tock_kunit_ro_put(test, ro);
	tock_kunit_ro_put(test, empty);
	tock_kunit_rw_put(test, rw);
	tock_kunit_ur_put(test, ur);
	tock_kunit_expect_pinned(test, base);
}

static void tock_rw_buffer_multi_page_unaligned(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	size_t off = PAGE_SIZE - TOCK_PB_OFF, len = 2 * PAGE_SIZE + 50;
	struct tock_rw_buffer_ref *ref;
	struct tock_pb_fill fill = { .val = 0x5e };
	struct tock_kunit_seen seen = {};

	/*
	 * Four pages, starting TOCK_PB_OFF bytes before the first boundary,
	 * so the kernel view is a vmap() and the first bytes straddle pages.
	 */
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr + off, len);
	ref = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_rw_buffer_len(&ref->buffer), len);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_enter(&ref->buffer,
						   tock_kunit_record, &seen),
			0);
	tock_pb_expect_seen(test, &seen, len, off);

	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&ref->buffer,
						       tock_pb_fill_fn, &fill),
			0);
	tock_pb_expect_val(test, env->uaddr + off, len, 0x5e);
	tock_pb_expect_pattern(test, env->uaddr, off, 0);
	tock_pb_expect_pattern(test, env->uaddr + off + len,
			       TOCK_KUNIT_MAP_LEN - off - len, off + len);
}

/* Copy a whole buffer out with copy_to, strictly and not. */
static int tock_pb_copy_out(const struct tock_ro_slice *s, void *ctx)
{
	u8 *dst = ctx;
	int ret;

	ret = tock_ro_slice_copy_to_or_err(s, dst, tock_ro_slice_len(s) + 1);
	if (ret != -EMSGSIZE)
		return -EINVAL;
	ret = tock_ro_slice_copy_to_or_err(s, dst, tock_ro_slice_len(s) - 1);
	if (ret != -EMSGSIZE)
		return -EINVAL;
	return tock_ro_slice_copy_to(s, dst, tock_ro_slice_len(s));
}

static void tock_ro_slice_copy_to_user_memory(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ref;
	u8 dst[TOCK_PB_LEN];
	size_t i;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_PB_OFF,
			    TOCK_PB_LEN);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_pb_copy_out, dst), 0);
	for (i = 0; i < TOCK_PB_LEN; i++)
		KUNIT_EXPECT_EQ(test, dst[i],
				tock_kunit_pattern(TOCK_PB_OFF + i));
}

/* Fill a whole buffer with copy_from, strictly and not. */
static int tock_pb_copy_in(const struct tock_rw_slice *s, void *ctx)
{
	const u8 *src = ctx;
	size_t len = tock_rw_slice_len(s);
	struct tock_rw_slice half;
	int ret;

	ret = tock_rw_slice_copy_from_or_err(s, src, len + 1);
	if (ret != -EMSGSIZE)
		return -EINVAL;
	ret = tock_rw_slice_copy_from_or_err(s, src, 0);
	if (ret != -EMSGSIZE)
		return -EINVAL;
	ret = tock_rw_slice_copy_from(s, src, len);
	if (ret)
		return ret;
	/* The second half again, through a sub-slice and the _or_err form. */
	ret = tock_rw_slice_sub(s, TOCK_RANGE_FROM(len / 2), &half);
	if (ret)
		return ret;
	return tock_rw_slice_copy_from_or_err(&half, src, len - len / 2);
}

static void tock_rw_slice_copy_from_user_memory(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + TOCK_PB_OFF;
	struct tock_rw_buffer_ref *ref;
	u8 src[TOCK_PB_LEN], *got;
	size_t i;

	for (i = 0; i < TOCK_PB_LEN; i++)
		src[i] = 0x80 ^ i;
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, addr, TOCK_PB_LEN);
	ref = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_rw_buffer_mut_enter(&ref->buffer,
						       tock_pb_copy_in, src),
			0);
	got = tock_kunit_read_user(test, addr, TOCK_PB_LEN);
	for (i = 0; i < TOCK_PB_LEN / 2; i++)
		KUNIT_EXPECT_EQ(test, got[i], src[i]);
	for (; i < TOCK_PB_LEN; i++)
		KUNIT_EXPECT_EQ(test, got[i], src[i - TOCK_PB_LEN / 2]);
}

/**
 * struct tock_pb_sub - sub-slices taken inside an enter
 * @test: the test, for expectations (process context only)
 * @first: fixture pattern offset of the slice's first byte
 */
struct tock_pb_sub {
	struct kunit *test;
	size_t first;
};

/*
 * Runs inside enter: only EXPECTs here, since an ASSERT would end the test
 * thread with the access still open.
 */
static void tock_pb_expect_sub(struct tock_pb_sub *c,
			       const struct tock_ro_slice *s,
			       struct tock_slice_range r, size_t start,
			       size_t len)
{
	struct tock_ro_slice sub;
	u8 v = 0;
	int ret;

	ret = tock_ro_slice_sub(s, r, &sub);
	KUNIT_EXPECT_EQ(c->test, ret, 0);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_len(&sub), len);
	if (!len || tock_ro_slice_len(&sub) != len)
		return;
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_get(&sub, 0, &v), 0);
	KUNIT_EXPECT_EQ(c->test, v, tock_kunit_pattern(c->first + start));
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_get(&sub, len - 1, &v), 0);
	KUNIT_EXPECT_EQ(c->test, v,
			tock_kunit_pattern(c->first + start + len - 1));
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_get(&sub, len, &v), -ERANGE);
}

static int tock_pb_subs(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_pb_sub *c = ctx;
	struct tock_ro_slice sub;
	u8 v;

	tock_pb_expect_sub(c, s, TOCK_RANGE(2, 5), 2, 3);
	tock_pb_expect_sub(c, s, TOCK_RANGE_FROM(7), 7, 3);
	tock_pb_expect_sub(c, s, TOCK_RANGE_TO(4), 0, 4);
	tock_pb_expect_sub(c, s, TOCK_RANGE_FULL, 0, TOCK_PB_SHORT);
	tock_pb_expect_sub(c, s, TOCK_RANGE(TOCK_PB_SHORT, TOCK_PB_SHORT),
			   TOCK_PB_SHORT, 0);
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_sub(s, TOCK_RANGE(5, 2), &sub),
			-ERANGE);
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_sub(s, TOCK_RANGE(0, 11), &sub),
			-ERANGE);
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_sub(s, TOCK_RANGE_FROM(11),
						   &sub), -ERANGE);
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_sub(s, TOCK_RANGE_TO(11), &sub),
			-ERANGE);
	/* The byte just past the buffer exists in the page, but not here. */
	KUNIT_EXPECT_NULL(c->test, tock_ro_slice_at(s, TOCK_PB_SHORT));
	KUNIT_EXPECT_EQ(c->test, tock_ro_slice_get(s, TOCK_PB_SHORT, &v),
			-ERANGE);
	return 0;
}

static void tock_ro_slice_sub_user_memory(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_pb_sub c = { .test = test, .first = TOCK_PB_OFF };
	struct tock_ro_buffer_ref *ref;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_PB_OFF,
			    TOCK_PB_SHORT);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ref->buffer, tock_pb_subs,
						   &c), 0);
}

/**
 * struct tock_pb_chunks - chunking a buffer inside an enter
 * @size: chunk size
 * @nr: chunks seen
 * @lens: their lengths
 * @sum: sum of the bytes, by chunk and by byte iteration
 * @iter_sum: sum of the bytes by iteration over the whole slice
 */
struct tock_pb_chunks {
	size_t size;
	unsigned int nr;
	size_t lens[TOCK_PB_SHORT + 1];
	unsigned int sum;
	unsigned int iter_sum;
};

static int tock_pb_ro_chunks(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_pb_chunks *c = ctx;
	struct tock_ro_slice_iter it;
	struct tock_ro_chunks chunks;
	struct tock_ro_slice chunk;
	u8 v;

	tock_ro_slice_chunks(s, c->size, &chunks);
	while (tock_ro_chunks_next(&chunks, &chunk)) {
		if (c->nr < ARRAY_SIZE(c->lens))
			c->lens[c->nr] = tock_ro_slice_len(&chunk);
		c->nr++;
		tock_ro_slice_iter_init(&chunk, &it);
		while (tock_ro_slice_iter_next(&it, &v))
			c->sum += v;
	}
	tock_ro_slice_iter_init(s, &it);
	while (tock_ro_slice_iter_next(&it, &v))
		c->iter_sum += v;
	return 0;
}

static int tock_pb_rw_chunks(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_pb_chunks *c = ctx;
	struct tock_rw_chunks chunks;
	struct tock_rw_slice chunk;
	size_t i;

	tock_rw_slice_chunks(s, c->size, &chunks);
	while (tock_rw_chunks_next(&chunks, &chunk)) {
		if (c->nr < ARRAY_SIZE(c->lens))
			c->lens[c->nr] = tock_rw_slice_len(&chunk);
		c->nr++;
		for (i = 0; i < tock_rw_slice_len(&chunk); i++)
			tock_rw_slice_set(&chunk, i, c->nr);
	}
	return 0;
}

/**
 * struct tock_pb_chunks_case - chunking a TOCK_PB_SHORT-byte buffer
 * @desc: name of the case
 * @size: chunk size
 * @nr: chunks expected
 * @lens: their lengths
 */
struct tock_pb_chunks_case {
	const char *desc;
	size_t size;
	unsigned int nr;
	size_t lens[TOCK_PB_SHORT];
};

static const struct tock_pb_chunks_case tock_pb_chunks_cases[] = {
	{ "by3", 3, 4, { 3, 3, 3, 1 } },
	{ "by1", 1, 10, { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 } },
	{ "by4", 4, 3, { 4, 4, 2 } },
	{ "by_len", TOCK_PB_SHORT, 1, { TOCK_PB_SHORT } },
	{ "by_more_than_len", TOCK_PB_SHORT + 1, 1, { TOCK_PB_SHORT } },
};

KUNIT_ARRAY_PARAM_DESC(tock_pb_chunks, tock_pb_chunks_cases, desc);

static void tock_ro_buffer_chunks_user_memory(struct kunit *test)
{
	const struct tock_pb_chunks_case *p = test->param_value;
	struct tock_kunit_env *env = test->priv;
	struct tock_pb_chunks c = { .size = p->size };
	struct tock_ro_buffer_ref *ref;
	unsigned int i, sum = 0;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_PB_OFF,
			    TOCK_PB_SHORT);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_pb_ro_chunks, &c), 0);
	KUNIT_ASSERT_EQ(test, c.nr, p->nr);
	for (i = 0; i < p->nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, c.lens[i], p->lens[i], "chunk %u", i);
	for (i = 0; i < TOCK_PB_SHORT; i++)
		sum += tock_kunit_pattern(TOCK_PB_OFF + i);
	KUNIT_EXPECT_EQ(test, c.sum, sum);
	KUNIT_EXPECT_EQ(test, c.iter_sum, sum);
}

static void tock_rw_buffer_chunks_user_memory(struct kunit *test)
{
	const struct tock_pb_chunks_case *p = test->param_value;
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + TOCK_PB_OFF;
	struct tock_pb_chunks c = { .size = p->size };
	struct tock_rw_buffer_ref *ref;
	unsigned int i, n = 0;
	size_t off = 0;
	u8 *got;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, addr, TOCK_PB_SHORT);
	ref = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_rw_buffer_mut_enter(&ref->buffer,
						       tock_pb_rw_chunks, &c),
			0);
	KUNIT_ASSERT_EQ(test, c.nr, p->nr);
	/* Each byte holds its chunk's number, counting from 1. */
	got = tock_kunit_read_user(test, addr, TOCK_PB_SHORT + 1);
	for (i = 0; i < TOCK_PB_SHORT; i++) {
		if (i - off == p->lens[n]) {
			off = i;
			n++;
		}
		KUNIT_EXPECT_EQ_MSG(test, got[i], n + 1, "byte %u", i);
	}
	KUNIT_EXPECT_EQ(test, got[TOCK_PB_SHORT],
			tock_kunit_pattern(TOCK_PB_OFF + TOCK_PB_SHORT));
}

/**
 * struct tock_pb_async - buffers entered from a timer or an irq_work
 * @grant: the grant whose slots are entered
 * @timer: softirq context
 * @work: hard IRQ context
 * @done: completed by the callback
 * @ro_ret: result of entering read-only slot 0
 * @rw_ret: result of mut_enter of read-write slot 0
 * @ur_ret: result of mut_enter of userspace-readable slot 0
 * @get_ret: first failure of a tock_grant_*_buffer_get()
 * @fill: what the mut_enters store
 * @seen: what the read-only enter saw
 * @in_softirq: every enter callback ran serving a softirq
 * @in_hardirq: every enter callback ran in hard IRQ context
 * @preemptible: some enter callback ran preemptible
 */
struct tock_pb_async {
	struct tock_grant *grant;
	struct timer_list timer;
	struct irq_work work;
	struct completion done;
	int ro_ret, rw_ret, ur_ret, get_ret;
	struct tock_pb_fill fill;
	struct tock_kunit_seen seen;
	bool in_softirq, in_hardirq, preemptible;
};

static void tock_pb_async_note(struct tock_pb_async *a)
{
	a->in_softirq = a->in_softirq && in_serving_softirq();
	a->in_hardirq = a->in_hardirq && in_hardirq();
	a->preemptible = a->preemptible || preemptible();
}

static int tock_pb_async_ro(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_pb_async *a = ctx;

	tock_pb_async_note(a);
	return tock_kunit_record(s, &a->seen);
}

static int tock_pb_async_rw(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_pb_async *a = ctx;

	tock_pb_async_note(a);
	return tock_pb_fill_fn(s, &a->fill);
}

/* What a driver does from its timer or interrupt: get, enter, put. */
static void tock_pb_async_run(struct tock_pb_async *a)
{
	struct tock_ro_buffer_ref ro;
	struct tock_rw_buffer_ref rw;
	struct tock_ur_buffer_ref ur;
	int ret;

	ret = tock_grant_ro_buffer_get(a->grant, 0, &ro);
	if (!ret) {
		a->ro_ret = tock_ro_buffer_enter(&ro.buffer, tock_pb_async_ro,
						 a);
		tock_ro_buffer_ref_put(&ro);
	} else {
		a->get_ret = ret;
	}
	ret = tock_grant_rw_buffer_get(a->grant, 0, &rw);
	if (!ret) {
		a->rw_ret = tock_rw_buffer_mut_enter(&rw.buffer,
						     tock_pb_async_rw, a);
		tock_rw_buffer_ref_put(&rw);
	} else {
		a->get_ret = ret;
	}
	ret = tock_grant_ur_buffer_get(a->grant, 0, &ur);
	if (!ret) {
		a->ur_ret = tock_ur_buffer_mut_enter(&ur.buffer,
						     tock_pb_async_rw, a);
		tock_ur_buffer_ref_put(&ur);
	} else {
		a->get_ret = ret;
	}
	complete(&a->done);
}

static void tock_pb_async_timer(struct timer_list *t)
{
	tock_pb_async_run(container_of(t, struct tock_pb_async, timer));
}

static void tock_pb_async_irq_work(struct irq_work *w)
{
	tock_pb_async_run(container_of(w, struct tock_pb_async, work));
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_pb_timer_shutdown, timer_shutdown_sync,
			    struct timer_list *);
KUNIT_DEFINE_ACTION_WRAPPER(tock_pb_irq_work_sync, irq_work_sync,
			    struct irq_work *);

/* Allow the three slots the asynchronous callbacks enter. */
static struct tock_pb_async *tock_pb_async_setup(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_pb_async *a;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_PB_OFF,
			    TOCK_PB_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr + PAGE_SIZE,
			    TOCK_PB_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0,
			    env->uaddr + 2 * PAGE_SIZE + TOCK_PB_OFF,
			    TOCK_PB_LEN);
	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	a->grant = env->grant;
	init_completion(&a->done);
	a->fill.val = 0xe1;
	a->in_softirq = true;
	a->in_hardirq = true;
	a->ro_ret = -ENODATA;
	a->rw_ret = -ENODATA;
	a->ur_ret = -ENODATA;
	return a;
}

static void tock_pb_async_check(struct kunit *test, struct tock_pb_async *a)
{
	struct tock_kunit_env *env = test->priv;

	KUNIT_ASSERT_GT_MSG(test,
			    wait_for_completion_timeout(&a->done, TOCK_PB_WAIT),
			    0, "callback never ran");
	KUNIT_EXPECT_EQ(test, a->get_ret, 0);
	KUNIT_EXPECT_EQ(test, a->ro_ret, 0);
	KUNIT_EXPECT_EQ(test, a->rw_ret, 0);
	KUNIT_EXPECT_EQ(test, a->ur_ret, 0);
	KUNIT_EXPECT_FALSE(test, a->preemptible);
	tock_pb_expect_seen(test, &a->seen, TOCK_PB_LEN, TOCK_PB_OFF);
	KUNIT_EXPECT_EQ(test, a->fill.calls, 2);
	tock_pb_expect_val(test, env->uaddr + PAGE_SIZE, TOCK_PB_LEN, 0xe1);
	tock_pb_expect_val(test, env->uaddr + 2 * PAGE_SIZE + TOCK_PB_OFF,
			   TOCK_PB_LEN, 0xe1);
}

static void tock_ro_buffer_enter_from_timer(struct kunit *test)
{
	struct tock_pb_async *a = tock_pb_async_setup(test);

	timer_setup(&a->timer, tock_pb_async_timer, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_pb_timer_shutdown,
							&a->timer), 0);
	mod_timer(&a->timer, jiffies + 1);
	tock_pb_async_check(test, a);
	KUNIT_EXPECT_TRUE_MSG(test, a->in_softirq,
			      "timer callback not in softirq context");
}

static void tock_ro_buffer_enter_from_hardirq(struct kunit *test)
{
	struct tock_pb_async *a = tock_pb_async_setup(test);

	a->work = IRQ_WORK_INIT_HARD(tock_pb_async_irq_work);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_pb_irq_work_sync,
							&a->work), 0);
	KUNIT_ASSERT_TRUE(test, irq_work_queue(&a->work));
	tock_pb_async_check(test, a);
	KUNIT_EXPECT_TRUE_MSG(test, a->in_hardirq,
			      "irq_work callback not in hard IRQ context");
}

/* The ways a buffer dies while a driver may be inside it. */
enum tock_pb_kill {
	TOCK_PB_KILL_BUF,
	TOCK_PB_KILL_SWAP,
	TOCK_PB_KILL_UNALLOW,
	TOCK_PB_KILL_MUNMAP,
	TOCK_PB_KILL_CLOSE,
};

/**
 * struct tock_pb_kill_case - one way to kill a buffer
 * @desc: name of the case
 * @how: the way
 */
struct tock_pb_kill_case {
	const char *desc;
	enum tock_pb_kill how;
};

static const struct tock_pb_kill_case tock_pb_kill_cases[] = {
	{ "tock_buf_kill", TOCK_PB_KILL_BUF },
	{ "allow_swap", TOCK_PB_KILL_SWAP },
	{ "unallow", TOCK_PB_KILL_UNALLOW },
	{ "munmap", TOCK_PB_KILL_MUNMAP },
	{ "close", TOCK_PB_KILL_CLOSE },
};

KUNIT_ARRAY_PARAM_DESC(tock_pb_kill, tock_pb_kill_cases, desc);

/**
 * struct tock_pb_hold - a driver thread that stays inside a buffer
 * @ref: the buffer
 * @entered: completed once inside
 * @done: completed for good when enter has returned
 * @kill_started: set by the test just before it kills the buffer
 * @saw_kill: the holder was still inside when the kill started
 * @fn_done: the holder is about to leave the buffer
 * @ret: what enter returned
 */
struct tock_pb_hold {
	struct tock_ro_buffer_ref *ref;
	struct completion entered;
	struct completion done;
	bool kill_started;
	bool saw_kill;
	bool fn_done;
	int ret;
};

/*
 * Stay inside until the test has started the kill, then a while longer: the
 * kill must not return before this does.  The callback never sleeps; its
 * cond_resched() stands for the preemption that a process-context enter
 * allows, and lets the test thread run on a single CPU.
 */
static int tock_pb_hold_fn(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_pb_hold *h = ctx;
	unsigned long deadline = jiffies + TOCK_PB_WAIT;

	complete(&h->entered);
	while (!READ_ONCE(h->kill_started) && time_before(jiffies, deadline))
		cond_resched();
	h->saw_kill = READ_ONCE(h->kill_started);
	/* Give the kill time to reach its wait, on another CPU or this one. */
	deadline = jiffies + msecs_to_jiffies(TOCK_PB_HOLD_MS);
	while (time_before(jiffies, deadline))
		cond_resched();
	/* Pairs with the acquire after the kill: the last thing inside. */
	smp_store_release(&h->fn_done, true);
	return 0;
}

static int tock_pb_hold_thread(void *data)
{
	struct tock_pb_hold *h = data;

	h->ret = tock_ro_buffer_enter(&h->ref->buffer, tock_pb_hold_fn, h);
	/* Waited for by the test and again by its cleanup. */
	complete_all(&h->done);
	return 0;
}

static void tock_pb_hold_wait(void *data)
{
	struct tock_pb_hold *h = data;

	wait_for_completion(&h->done);
}

static void tock_pb_do_kill(struct kunit *test, enum tock_pb_kill how,
			    struct tock_buf *buf)
{
	struct tock_kunit_env *env = test->priv;

	switch (how) {
	case TOCK_PB_KILL_BUF:
		tock_buf_kill(buf);
		break;
	case TOCK_PB_KILL_SWAP:
		KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RO, 0,
						       env->uaddr + PAGE_SIZE,
						       TOCK_PB_SHORT),
				TOCK_STATUS_SUCCESS);
		break;
	case TOCK_PB_KILL_UNALLOW:
		KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RO, 0, 0,
						       0),
				TOCK_STATUS_SUCCESS);
		break;
	case TOCK_PB_KILL_MUNMAP:
		KUNIT_EXPECT_EQ(test, vm_munmap(env->uaddr, TOCK_KUNIT_MAP_LEN),
				0);
		break;
	case TOCK_PB_KILL_CLOSE:
		tock_kunit_env_close(env);
		break;
	}
}

static void tock_ro_buffer_kill_waits_for_enter(struct kunit *test)
{
	const struct tock_pb_kill_case *p = test->param_value;
	struct tock_kunit_env *env = test->priv;
	struct task_struct *task;
	struct tock_pb_hold *h;
	unsigned int calls = 0;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_PB_OFF,
			    TOCK_PB_LEN);
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->ref = tock_kunit_ro_get(test, env->grant, 0);
	init_completion(&h->entered);
	init_completion(&h->done);

	task = kthread_run(tock_pb_hold_thread, h, "tock_kunit_hold");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_pb_hold_wait, h),
			0);
	KUNIT_ASSERT_GT_MSG(test, wait_for_completion_timeout(&h->entered,
							      TOCK_PB_WAIT),
			    0, "holder never entered the buffer");

	WRITE_ONCE(h->kill_started, true);
	tock_pb_do_kill(test, p->how, h->ref->buffer.buf);
	/* Pairs with the holder's release just before it leaves enter. */
	KUNIT_EXPECT_TRUE_MSG(test, smp_load_acquire(&h->fn_done),
			      "kill returned while a driver was inside");

	wait_for_completion(&h->done);
	KUNIT_EXPECT_TRUE_MSG(test, h->saw_kill,
			      "the kill did not overlap the access");
	KUNIT_EXPECT_EQ(test, h->ret, 0);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&h->ref->buffer,
						   tock_pb_never, &calls),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, calls, 0);
}

/**
 * struct tock_pb_runs - what a walk of a slice's runs saw
 * @runs: runs walked
 * @len: bytes they covered
 * @sum: sum of those bytes
 */
struct tock_pb_runs {
	unsigned int runs;
	size_t len;
	u32 sum;
};

static int tock_pb_count_run(const void *p, size_t len, void *ctx)
{
	struct tock_pb_runs *r = ctx;
	const u8 *b = p;
	size_t i;

	r->runs++;
	r->len += len;
	for (i = 0; i < len; i++)
		r->sum += READ_ONCE(b[i]);
	return 0;
}

static int tock_pb_walk_runs(const struct tock_ro_slice *s, void *ctx)
{
	return tock_ro_slice_walk_runs(s, tock_pb_count_run, ctx);
}

static void tock_ro_slice_runs_cover_buffer(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	size_t len = 3 * PAGE_SIZE, i;
	struct tock_ro_buffer_ref *ref;
	struct tock_pb_runs r = {};
	u32 sum = 0;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_PB_OFF,
			    len);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_pb_walk_runs, &r), 0);
	for (i = 0; i < len; i++)
		sum += tock_kunit_pattern(TOCK_PB_OFF + i);
	KUNIT_EXPECT_EQ(test, r.len, len);
	KUNIT_EXPECT_EQ(test, r.sum, sum);
	/* Four pages touched: at most one run each, at least one in all. */
	KUNIT_EXPECT_GE(test, r.runs, 1);
	KUNIT_EXPECT_LE(test, r.runs, 4);
	tock_kunit_ro_put(test, ref);
}

static void tock_ro_slice_huge_page_is_one_run(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ref;
	struct tock_pb_runs r = {};
	unsigned long start;

	start = ALIGN(tock_kunit_map(test, 2 * PMD_SIZE,
				     PROT_READ | PROT_WRITE), PMD_SIZE);
	tock_kunit_fill_user(test, start, PMD_SIZE, 0);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 1, start, PMD_SIZE);
	ref = tock_kunit_ro_get(test, env->grant, 1);
	if (!folio_test_large(page_folio(ref->buffer.buf->pages[0]))) {
		tock_kunit_ro_put(test, ref);
		kunit_skip(test, "no transparent huge page behind the range");
	}
	KUNIT_ASSERT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_pb_walk_runs, &r), 0);
	KUNIT_EXPECT_EQ(test, r.len, PMD_SIZE);
	KUNIT_EXPECT_EQ_MSG(test, r.runs, 1, "a huge page is one run");
	tock_kunit_ro_put(test, ref);
}

static void tock_ro_buffer_map_is_one_run(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	size_t len = 3 * PAGE_SIZE, i;
	struct tock_ro_buffer_ref *ref, *empty;
	struct tock_ro_buffer none = {};
	struct tock_pb_runs r = {};
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.addr = 0,
		.size = 0,
	};
	u32 sum = 0;

	KUNIT_EXPECT_EQ(test, tock_ro_buffer_map(&none), -ESRCH);
	empty = tock_kunit_ro_get(test, env->grant, 1);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_map(&empty->buffer), -ESRCH);
	tock_kunit_ro_put(test, empty);

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_PB_OFF,
			    len);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_ro_buffer_map(&ref->buffer), 0);
	/* Mapped once: a second call finds the mapping. */
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_map(&ref->buffer), 0);
	KUNIT_ASSERT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_pb_walk_runs, &r), 0);
	for (i = 0; i < len; i++)
		sum += tock_kunit_pattern(TOCK_PB_OFF + i);
	KUNIT_EXPECT_EQ(test, r.runs, 1);
	KUNIT_EXPECT_EQ(test, r.len, len);
	KUNIT_EXPECT_EQ(test, r.sum, sum);

	/* A dead buffer refuses, mapped or not. */
	tock_process_allow(env->proc, TOCK_ALLOW_RO, &req);
	KUNIT_ASSERT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_map(&ref->buffer), -ESRCH);
	tock_kunit_ro_put(test, ref);
}

static void tock_rw_buffer_map_writes_reach_user(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + TOCK_PB_OFF;
	size_t len = 2 * PAGE_SIZE;
	struct tock_rw_buffer_ref *ref;
	struct tock_pb_fill fill = { .val = 0x5a };
	u64 base = tock_kunit_pinned();

	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, addr, len);
	ref = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_ASSERT_EQ(test, tock_rw_buffer_map(&ref->buffer), 0);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&ref->buffer,
						       tock_pb_fill_fn, &fill),
			0);
	KUNIT_EXPECT_EQ(test, fill.len, len);
	tock_pb_expect_val(test, addr, len, 0x5a);
	tock_pb_expect_pattern(test, env->uaddr, TOCK_PB_OFF, 0);
	/* The mapping goes with the pages: nothing stays pinned. */
	tock_kunit_rw_put(test, ref);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, 0, 0);
	tock_kunit_expect_pinned(test, base);
}

static struct kunit_case tock_processbuffer_cases[] = {
	KUNIT_CASE(tock_ro_buffer_default_refuses),
	KUNIT_CASE(tock_ro_buffer_ref_put_default),
	KUNIT_CASE(tock_ro_buffer_enter_live),
	KUNIT_CASE(tock_rw_buffer_enter_live),
	KUNIT_CASE(tock_rw_buffer_mut_enter_visible_to_user),
	KUNIT_CASE(tock_ur_buffer_enter_and_mut_enter),
	KUNIT_CASE(tock_ro_buffer_enter_returns_fn_value),
	KUNIT_CASE(tock_ro_buffer_empty_slot_enters_empty),
	KUNIT_CASE(tock_grant_ro_buffer_get_out_of_range),
	KUNIT_CASE(tock_ro_buffer_dead_after_munmap),
	KUNIT_CASE(tock_rw_buffer_dead_after_partial_munmap),
	KUNIT_CASE(tock_ro_buffer_dead_after_swap),
	KUNIT_CASE(tock_rw_buffer_dead_after_unallow),
	KUNIT_CASE(tock_ro_buffer_dead_after_close),
	KUNIT_CASE(tock_rw_buffer_multi_page_unaligned),
	KUNIT_CASE(tock_ro_slice_copy_to_user_memory),
	KUNIT_CASE(tock_rw_slice_copy_from_user_memory),
	KUNIT_CASE(tock_ro_slice_sub_user_memory),
	KUNIT_CASE_PARAM(tock_ro_buffer_chunks_user_memory,
			 tock_pb_chunks_gen_params),
	KUNIT_CASE_PARAM(tock_rw_buffer_chunks_user_memory,
			 tock_pb_chunks_gen_params),
	KUNIT_CASE(tock_ro_slice_runs_cover_buffer),
	KUNIT_CASE(tock_ro_slice_huge_page_is_one_run),
	KUNIT_CASE(tock_ro_buffer_map_is_one_run),
	KUNIT_CASE(tock_rw_buffer_map_writes_reach_user),
	KUNIT_CASE(tock_ro_buffer_enter_from_timer),
	KUNIT_CASE(tock_ro_buffer_enter_from_hardirq),
	KUNIT_CASE_PARAM_ATTR(tock_ro_buffer_kill_waits_for_enter,
			      tock_pb_kill_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite tock_processbuffer_suite = {
	.name = "tockallow_processbuffer",
	.init = tock_kunit_env_init,
	.test_cases = tock_processbuffer_cases,
};

kunit_test_suite(tock_processbuffer_suite);
