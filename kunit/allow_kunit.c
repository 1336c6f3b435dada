// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tockallow_allow: the allow table of SPEC section 2 row by row
 * through tock_process_allow(): the slot table, what each allow returns,
 * what it pins, and that a refused allow leaves the slot alone.
 */
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sizes.h>

#include "fixture_kunit.h"

/* Offset and size of the buffers the table allows from the mapping. */
#define TOCK_ALLOW_OFF		8
#define TOCK_ALLOW_LEN		100
/* An unmapped user address, and a range that wraps around the top. */
#define TOCK_ALLOW_GARBAGE	0xdead0000beefULL
#define TOCK_ALLOW_TOP		(U64_MAX - 15)
/*
 * Larger than tockallow's default max_buffer_size (64 MiB), and mapped
 * (never touched), so that the size cap is the only reason to refuse it.
 */
#define TOCK_ALLOW_HUGE		(SZ_64M + PAGE_SIZE)

/* Where a row's address comes from. */
enum tock_allow_where {
	TOCK_WHERE_MAP,		/* the fixture's read-write mapping */
	TOCK_WHERE_RO_MAP,	/* a PROT_READ mapping */
	TOCK_WHERE_HOLE,	/* two pages, the second unmapped */
	TOCK_WHERE_HUGE_MAP,	/* a TOCK_ALLOW_HUGE mapping */
	TOCK_WHERE_NULL,
	TOCK_WHERE_GARBAGE,
	TOCK_WHERE_KERNEL,	/* a kernel object */
	TOCK_WHERE_TOP,
};

/**
 * struct tock_allow_case - one row of the allow table
 * @desc: name of the row
 * @kind: which allow
 * @driver: driver number
 * @num: allow number
 * @where: where the address points
 * @size: length
 * @status: the Tock status expected
 */
struct tock_allow_case {
	const char *desc;
	enum tock_allow_kind kind;
	u32 driver;
	u32 num;
	enum tock_allow_where where;
	u64 size;
	u32 status;
};

#define TOCK_ROW(d, k, n, w, sz, st) \
	{ #d, TOCK_ALLOW_##k, TOCK_KUNIT_DRIVER, n, TOCK_WHERE_##w, sz, \
	  TOCK_STATUS_##st }

static const struct tock_allow_case tock_allow_cases[] = {
	TOCK_ROW(ro_first, RO, 0, MAP, TOCK_ALLOW_LEN, SUCCESS),
	TOCK_ROW(rw_first, RW, 0, MAP, TOCK_ALLOW_LEN, SUCCESS),
	TOCK_ROW(ur_first, UR, 0, MAP, TOCK_ALLOW_LEN, SUCCESS),
	TOCK_ROW(ro_last_slot, RO, TOCK_KUNIT_RO_SLOTS - 1, MAP, 1, SUCCESS),
	TOCK_ROW(rw_two_pages, RW, 0, MAP, 2 * PAGE_SIZE, SUCCESS),
	{ "ro_nodevice", TOCK_ALLOW_RO, TOCK_KUNIT_NO_DRIVER, 0,
	  TOCK_WHERE_MAP, TOCK_ALLOW_LEN, TOCK_STATUS_NODEVICE },
	{ "rw_nodevice_size0", TOCK_ALLOW_RW, TOCK_KUNIT_NO_DRIVER, 0,
	  TOCK_WHERE_NULL, 0, TOCK_STATUS_NODEVICE },
	TOCK_ROW(ro_nosupport, RO, TOCK_KUNIT_RO_SLOTS, MAP, TOCK_ALLOW_LEN,
		 NOSUPPORT),
	TOCK_ROW(rw_nosupport, RW, TOCK_KUNIT_RW_SLOTS, MAP, TOCK_ALLOW_LEN,
		 NOSUPPORT),
	TOCK_ROW(ur_nosupport, UR, TOCK_KUNIT_UR_SLOTS, MAP, TOCK_ALLOW_LEN,
		 NOSUPPORT),
	TOCK_ROW(ro_nosupport_u32_max, RO, U32_MAX, MAP, TOCK_ALLOW_LEN,
		 NOSUPPORT),
	TOCK_ROW(ro_size0_null, RO, 0, NULL, 0, SUCCESS),
	TOCK_ROW(rw_size0_garbage, RW, 0, GARBAGE, 0, SUCCESS),
	TOCK_ROW(ur_size0_kernel, UR, 0, KERNEL, 0, SUCCESS),
	TOCK_ROW(ro_size0_top, RO, 0, TOP, 0, SUCCESS),
	TOCK_ROW(ro_overflow, RO, 0, TOP, 32, INVAL),
	TOCK_ROW(rw_overflow, RW, 0, TOP, 32, INVAL),
	TOCK_ROW(ro_kernel, RO, 0, KERNEL, 16, INVAL),
	TOCK_ROW(rw_kernel, RW, 0, KERNEL, 16, INVAL),
	TOCK_ROW(ro_unmapped, RO, 0, GARBAGE, 16, INVAL),
	TOCK_ROW(ro_null, RO, 0, NULL, 16, INVAL),
	TOCK_ROW(ro_hole, RO, 0, HOLE, 2 * PAGE_SIZE, INVAL),
	TOCK_ROW(rw_hole, RW, 0, HOLE, PAGE_SIZE + 1, INVAL),
	TOCK_ROW(ro_readonly_map, RO, 0, RO_MAP, PAGE_SIZE, SUCCESS),
	TOCK_ROW(rw_readonly_map, RW, 0, RO_MAP, TOCK_ALLOW_LEN, INVAL),
	TOCK_ROW(ur_readonly_map, UR, 0, RO_MAP, TOCK_ALLOW_LEN, INVAL),
	TOCK_ROW(rw_check_accepts, RW, 1, MAP, TOCK_KUNIT_RW1_MAX, SUCCESS),
	TOCK_ROW(rw_check_refuses, RW, 1, MAP, TOCK_KUNIT_RW1_MAX + 1, SIZE),
	TOCK_ROW(ro_too_big, RO, 0, HUGE_MAP, TOCK_ALLOW_HUGE, NOMEM),
	TOCK_ROW(rw_too_big, RW, 0, HUGE_MAP, TOCK_ALLOW_HUGE, NOMEM),
};

KUNIT_ARRAY_PARAM_DESC(tock_allow, tock_allow_cases, desc);

/* Any kernel object serves as a kernel address. */
static const u8 tock_allow_kernel_object[16];

static u64 tock_allow_addr(struct kunit *test, enum tock_allow_where where)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long hole;

	switch (where) {
	case TOCK_WHERE_MAP:
		return env->uaddr + TOCK_ALLOW_OFF;
	case TOCK_WHERE_RO_MAP:
		return tock_kunit_map(test, PAGE_SIZE, PROT_READ);
	case TOCK_WHERE_HOLE:
		hole = tock_kunit_map(test, 2 * PAGE_SIZE,
				      PROT_READ | PROT_WRITE);
		KUNIT_ASSERT_EQ(test, vm_munmap(hole + PAGE_SIZE, PAGE_SIZE),
				0);
		return hole;
	case TOCK_WHERE_HUGE_MAP:
		return tock_kunit_map(test, TOCK_ALLOW_HUGE,
				      PROT_READ | PROT_WRITE);
	case TOCK_WHERE_NULL:
		return 0;
	case TOCK_WHERE_GARBAGE:
		return TOCK_ALLOW_GARBAGE;
	case TOCK_WHERE_KERNEL:
		return (u64)(uintptr_t)tock_allow_kernel_object;
	case TOCK_WHERE_TOP:
		return TOCK_ALLOW_TOP;
	}
	return 0;
}

/* The length a live slot @num of @kind reports now. */
static size_t tock_allow_slot_len(struct kunit *test,
				  enum tock_allow_kind kind, u32 num)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ro;
	struct tock_rw_buffer_ref *rw;
	struct tock_ur_buffer_ref *ur;
	size_t len;

	switch (kind) {
	case TOCK_ALLOW_RO:
		ro = tock_kunit_ro_get(test, env->grant, num);
		len = tock_ro_buffer_len(&ro->buffer);
		tock_kunit_ro_put(test, ro);
		return len;
	case TOCK_ALLOW_RW:
		rw = tock_kunit_rw_get(test, env->grant, num);
		len = tock_rw_buffer_len(&rw->buffer);
		tock_kunit_rw_put(test, rw);
		return len;
	default:
		ur = tock_kunit_ur_get(test, env->grant, num);
		len = tock_ur_buffer_len(&ur->buffer);
		tock_kunit_ur_put(test, ur);
		return len;
	}
}

static unsigned long tock_allow_npages(u64 addr, u64 size)
{
	return (PAGE_ALIGN(addr + size) - (addr & PAGE_MASK)) >> PAGE_SHIFT;
}

static void tock_process_allow_row(struct kunit *test)
{
	const struct tock_allow_case *c = test->param_value;
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_allow req = {
		.driver = c->driver,
		.allow_num = c->num,
		.size = c->size,
	};
	u64 addr = tock_allow_addr(test, c->where), base;
	bool pins = !c->status && c->size;

	req.addr = addr;
	base = tock_kunit_pinned();
	tock_process_allow(env->proc, c->kind, &req);

	KUNIT_EXPECT_EQ(test, req.status, c->status);
	if (c->status) {
		/* Failure: the passed buffer comes back. */
		KUNIT_EXPECT_EQ(test, req.rtype, TOCK_RET_FAILURE_U32_U32);
		KUNIT_EXPECT_EQ(test, req.addr, addr);
		KUNIT_EXPECT_EQ(test, req.size, c->size);
	} else {
		/* First allow into the slot: the previous buffer is empty. */
		KUNIT_EXPECT_EQ(test, req.rtype, TOCK_RET_SUCCESS_U32_U32);
		KUNIT_EXPECT_EQ(test, req.addr, 0);
		KUNIT_EXPECT_EQ(test, req.size, 0);
	}
	if (pins)
		base += tock_allow_npages(addr, c->size);
	KUNIT_EXPECT_EQ_MSG(test, tock_kunit_pinned(), base,
			    "pages pinned by the allow");

	/* A refused allow leaves the slot as it was: empty. */
	if (c->driver != TOCK_KUNIT_DRIVER ||
	    c->status == TOCK_STATUS_NOSUPPORT)
		return;
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, c->kind, c->num),
			pins ? c->size : 0);
}

static void tock_process_allow_swap_returns_previous(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u64 a = env->uaddr, b = env->uaddr + PAGE_SIZE + 3;
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.allow_num = 0,
	};
	u64 base = tock_kunit_pinned();

	req.addr = a;
	req.size = 10;
	tock_process_allow(env->proc, TOCK_ALLOW_RO, &req);
	KUNIT_EXPECT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, req.addr, 0);
	KUNIT_EXPECT_EQ(test, req.size, 0);

	req.addr = b;
	req.size = 20;
	tock_process_allow(env->proc, TOCK_ALLOW_RO, &req);
	KUNIT_EXPECT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, req.addr, a);
	KUNIT_EXPECT_EQ(test, req.size, 10);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RO, 0), 20);
	/* The old buffer was unpinned before the allow returned. */
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base + 1);

	/* The same buffer again: returned as the previous one, still live. */
	req.addr = b;
	req.size = 20;
	tock_process_allow(env->proc, TOCK_ALLOW_RO, &req);
	KUNIT_EXPECT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, req.addr, b);
	KUNIT_EXPECT_EQ(test, req.size, 20);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RO, 0), 20);

	/* Unallow with a garbage address returns the last buffer. */
	req.addr = TOCK_ALLOW_GARBAGE;
	req.size = 0;
	tock_process_allow(env->proc, TOCK_ALLOW_RO, &req);
	KUNIT_EXPECT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, req.addr, b);
	KUNIT_EXPECT_EQ(test, req.size, 20);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RO, 0), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base);

	/* Unallowing an empty slot returns what the unallow passed. */
	req.addr = 0;
	req.size = 0;
	tock_process_allow(env->proc, TOCK_ALLOW_RO, &req);
	KUNIT_EXPECT_EQ(test, req.status, TOCK_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, req.addr, TOCK_ALLOW_GARBAGE);
	KUNIT_EXPECT_EQ(test, req.size, 0);
}

/* Expect read-only slot 0 to hold the pattern bytes at @off, @len long. */
static void tock_allow_expect_ro0(struct kunit *test, size_t off, size_t len)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ref = tock_kunit_ro_get(test, env->grant, 0);
	struct tock_kunit_seen seen = {};

	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ref->buffer,
						   tock_kunit_record, &seen),
			0);
	KUNIT_EXPECT_EQ(test, seen.len, len);
	KUNIT_EXPECT_EQ(test, seen.bytes[0], tock_kunit_pattern(off));
	tock_kunit_ro_put(test, ref);
}

static void tock_process_allow_failure_keeps_slot(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u64 huge = tock_allow_addr(test, TOCK_WHERE_HUGE_MAP), base;
	struct tock_ro_buffer_ref *held;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr + TOCK_ALLOW_OFF,
			    TOCK_ALLOW_LEN);
	held = tock_kunit_ro_get(test, env->grant, 0);
	base = tock_kunit_pinned();

	KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RO, 0,
					       TOCK_ALLOW_TOP, 32),
			TOCK_STATUS_INVAL);
	KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RO, 0,
					       TOCK_ALLOW_GARBAGE, 16),
			TOCK_STATUS_INVAL);
	KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RO, 0, huge,
					       TOCK_ALLOW_HUGE),
			TOCK_STATUS_NOMEM);

	/* The old buffer is still in the slot, live, and nothing leaked. */
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&held->buffer),
			TOCK_ALLOW_LEN);
	tock_allow_expect_ro0(test, TOCK_ALLOW_OFF, TOCK_ALLOW_LEN);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base);
}

static void tock_process_allow_check_refusal_keeps_slot(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ioc_allow req = {
		.driver = TOCK_KUNIT_DRIVER,
		.allow_num = 1,
		.addr = env->uaddr,
		.size = 2 * PAGE_SIZE,
	};
	struct tock_rw_buffer_ref *held;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 1, env->uaddr + PAGE_SIZE,
			    TOCK_KUNIT_RW1_MAX);
	held = tock_kunit_rw_get(test, env->grant, 1);

	tock_process_allow(env->proc, TOCK_ALLOW_RW, &req);
	KUNIT_EXPECT_EQ(test, req.status, TOCK_STATUS_SIZE);
	KUNIT_EXPECT_EQ(test, req.rtype, TOCK_RET_FAILURE_U32_U32);
	KUNIT_EXPECT_EQ(test, req.addr, (u64)env->uaddr);
	KUNIT_EXPECT_EQ(test, req.size, 2 * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, tock_rw_buffer_len(&held->buffer),
			TOCK_KUNIT_RW1_MAX);
	KUNIT_EXPECT_EQ(test, tock_kunit_uaddr(tock_rw_buffer_ptr(&held->buffer)),
			(unsigned long)(env->uaddr + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RW, 1),
			TOCK_KUNIT_RW1_MAX);
	/* The hook only sees slot 1: slot 0 takes the same buffer. */
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr, 2 * PAGE_SIZE);
}

static void tock_process_allow_kinds_independent(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, 11);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr, 22);
	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0, env->uaddr, 33);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 1, env->uaddr, 44);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RO, 0), 11);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RW, 0), 22);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_UR, 0), 33);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RO, 1), 44);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RW, 1), 0);

	/* Unallowing one kind leaves the others. */
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RO, 0), 11);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_RW, 0), 0);
	KUNIT_EXPECT_EQ(test, tock_allow_slot_len(test, TOCK_ALLOW_UR, 0), 33);
}

static int tock_allow_store(const struct tock_rw_slice *s, void *ctx)
{
	return tock_rw_slice_set(s, 0, *(u8 *)ctx);
}

static void tock_process_allow_aliasing(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_rw_buffer_ref *rw;
	struct tock_kunit_seen seen = {};
	struct tock_ro_buffer_ref *ro;
	u64 base = tock_kunit_pinned();
	u8 val = 0x99;

	/* The same range in four slots of three kinds (TRD 104 allows it). */
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, TOCK_ALLOW_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 1, env->uaddr, TOCK_ALLOW_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr, TOCK_ALLOW_LEN);
	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0, env->uaddr, TOCK_ALLOW_LEN);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base + 4);

	rw = tock_kunit_rw_get(test, env->grant, 0);
	ro = tock_kunit_ro_get(test, env->grant, 1);
	KUNIT_EXPECT_EQ(test, tock_rw_buffer_mut_enter(&rw->buffer,
						       tock_allow_store, &val),
			0);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_enter(&ro->buffer,
						   tock_kunit_record, &seen),
			0);
	KUNIT_EXPECT_EQ_MSG(test, seen.bytes[0], val,
			    "write through one slot not seen through another");
	KUNIT_EXPECT_EQ(test, tock_kunit_read_user(test, env->uaddr, 1)[0],
			val);
}

static void tock_process_close_unpins_everything(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u64 base = tock_kunit_pinned();

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, 3 * PAGE_SIZE);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 1, env->uaddr + 1, 10);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, env->uaddr + PAGE_SIZE - 1,
			    2);
	tock_kunit_allow_ok(env, TOCK_ALLOW_UR, 0, env->uaddr, 1);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base + 3 + 1 + 2 + 1);
	tock_kunit_env_close(env);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->exits), 1);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base);
}

static void tock_driver_unregister_kills_buffers(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_ro_buffer_ref *ref;
	struct tock_ioc_command cmd = {
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = 0,
	};
	u64 base = tock_kunit_pinned();

	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, TOCK_ALLOW_LEN);
	ref = tock_kunit_ro_get(test, env->grant, 0);
	tock_kunit_env_unregister(env);

	KUNIT_EXPECT_EQ(test, atomic_read(&env->exits), 1);
	KUNIT_EXPECT_EQ(test, tock_ro_buffer_len(&ref->buffer), 0);
	KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RO, 0,
					       env->uaddr, TOCK_ALLOW_LEN),
			TOCK_STATUS_NODEVICE);
	tock_process_command(env->proc, &cmd);
	KUNIT_EXPECT_EQ(test, cmd.rtype, TOCK_RET_FAILURE);
	KUNIT_EXPECT_EQ(test, cmd.data[0], TOCK_STATUS_NODEVICE);
	tock_kunit_ro_put(test, ref);
	tock_kunit_expect_pinned(test, base);
}

static struct kunit_case tock_allow_test_cases[] = {
	KUNIT_CASE_PARAM(tock_process_allow_row, tock_allow_gen_params),
	KUNIT_CASE(tock_process_allow_swap_returns_previous),
	KUNIT_CASE(tock_process_allow_failure_keeps_slot),
	KUNIT_CASE(tock_process_allow_check_refusal_keeps_slot),
	KUNIT_CASE(tock_process_allow_kinds_independent),
	KUNIT_CASE(tock_process_allow_aliasing),
	KUNIT_CASE(tock_process_close_unpins_everything),
	KUNIT_CASE(tock_driver_unregister_kills_buffers),
	{}
};

static struct kunit_suite tock_allow_suite = {
	.name = "tockallow_allow",
	.init = tock_kunit_env_init,
	.test_cases = tock_allow_test_cases,
};

kunit_test_suite(tock_allow_suite);
