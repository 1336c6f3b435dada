// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tockallow_buf: the pinned buffer under every allow
 * (struct tock_buf): what tock_buf_create() pins and charges, what it
 * refuses, the liveness rule (access_begin/end, kill, the interval
 * notifier) and the last put from process and atomic context.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/resource.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/sizes.h>
#include <linux/timer.h>

#include <kunit/static_stub.h>

#include "fixture_kunit.h"

#define TOCK_BUF_OFF		24
#define TOCK_BUF_LEN		200
#define TOCK_BUF_GARBAGE	0xdead0000beefULL
#define TOCK_BUF_TOP		(U64_MAX - 15)
/* How long a command of another process may take while one stalls. */
#define TOCK_BUF_STALL_MS	500
/* Above tockallow's default max_buffer_size (64 MiB). */
#define TOCK_BUF_HUGE		(SZ_64M + PAGE_SIZE)

KUNIT_DEFINE_ACTION_WRAPPER(tock_buf_put_action, tock_buf_put,
			    struct tock_buf *);

/* Create a buffer in the test thread's mm, put when the test ends. */
static struct tock_buf *tock_buf_get(struct kunit *test, unsigned long uaddr,
				     size_t len, bool writable)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_buf *b = tock_buf_create(env->proc, uaddr, len, writable);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_buf_put_action,
							b), 0);
	return b;
}

/* Byte @i of @b through the direct map, valid while an access is open. */
static struct tock_process_cell *tock_buf_byte(struct tock_buf *b, size_t i)
{
	size_t off = untagged_addr(b->uaddr) - b->first + i;

	if (b->kaddr)
		return (struct tock_process_cell *)b->kaddr + i;
	return page_address(b->pages[off >> PAGE_SHIFT]) + offset_in_page(off);
}

static void tock_buf_create_pins_and_maps(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr = env->uaddr + PAGE_SIZE - TOCK_BUF_OFF;
	u64 base = tock_kunit_pinned();
	struct tock_buf *b;
	size_t i;

	/* Straddles a page boundary: two pages, no mapping of its own. */
	b = tock_buf_get(test, addr, TOCK_BUF_LEN, false);
	KUNIT_EXPECT_TRUE(test, tock_buf_is_live(b));
	KUNIT_EXPECT_EQ(test, b->len, TOCK_BUF_LEN);
	KUNIT_EXPECT_EQ(test, b->uaddr, (u64)addr);
	KUNIT_EXPECT_EQ(test, b->npages, 2);
	KUNIT_EXPECT_FALSE(test, b->writable);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base + 2);

	KUNIT_ASSERT_TRUE(test, tock_buf_access_begin(b));
	for (i = 0; i < TOCK_BUF_LEN; i++)
		if (tock_process_cell_get(tock_buf_byte(b, i)) !=
		    tock_kunit_pattern(PAGE_SIZE - TOCK_BUF_OFF + i))
			break;
	tock_buf_access_end(b);
	KUNIT_EXPECT_EQ_MSG(test, i, TOCK_BUF_LEN, "kernel view differs");

	kunit_release_action(test, tock_buf_put_action, b);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base);
}

static void tock_buf_create_writable_shares_pages(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_buf *b = tock_buf_get(test, env->uaddr, PAGE_SIZE, true);
	u8 val = 0x6b;

	KUNIT_EXPECT_TRUE(test, b->writable);
	KUNIT_ASSERT_TRUE(test, tock_buf_access_begin(b));
	tock_process_byte_set(tock_buf_byte(b, PAGE_SIZE - 1), val);
	tock_buf_access_end(b);
	KUNIT_EXPECT_EQ(test, tock_kunit_read_user(test, env->uaddr,
						   PAGE_SIZE)[PAGE_SIZE - 1],
			val);

	/* And the other way: the process writes, the kernel view sees it. */
	KUNIT_ASSERT_EQ(test, copy_to_user(tock_kunit_uptr(env->uaddr), &val,
					   1), 0);
	KUNIT_ASSERT_TRUE(test, tock_buf_access_begin(b));
	KUNIT_EXPECT_EQ(test, tock_process_cell_get(tock_buf_byte(b, 0)), val);
	tock_buf_access_end(b);
}

static void tock_buf_create_readonly_mapping(struct kunit *test)
{
	unsigned long ro = tock_kunit_map(test, PAGE_SIZE, PROT_READ);
	struct tock_buf *b = tock_buf_get(test, ro, PAGE_SIZE, false);

	KUNIT_ASSERT_TRUE(test, tock_buf_access_begin(b));
	KUNIT_EXPECT_EQ(test, tock_process_cell_get(tock_buf_byte(b, 0)), 0);
	tock_buf_access_end(b);
}

/* Where a refused range points. */
enum tock_buf_where {
	TOCK_BUF_AT_MAP,
	TOCK_BUF_AT_RO_MAP,
	TOCK_BUF_AT_HOLE,
	TOCK_BUF_AT_HUGE_MAP,
	TOCK_BUF_AT_GARBAGE,
	TOCK_BUF_AT_KERNEL,
	TOCK_BUF_AT_TOP,
};

/**
 * struct tock_buf_refused_case - a range tock_buf_create() refuses
 * @desc: name of the case
 * @where: where it points
 * @len: its length
 * @writable: pinned for writing
 * @err: the error expected
 */
struct tock_buf_refused_case {
	const char *desc;
	enum tock_buf_where where;
	u64 len;
	bool writable;
	int err;
};

static const struct tock_buf_refused_case tock_buf_refused_cases[] = {
	{ "overflow", TOCK_BUF_AT_TOP, 32, false, -EFAULT },
	{ "kernel", TOCK_BUF_AT_KERNEL, 16, false, -EFAULT },
	{ "kernel_writable", TOCK_BUF_AT_KERNEL, 16, true, -EFAULT },
	{ "unmapped", TOCK_BUF_AT_GARBAGE, 16, false, -EFAULT },
	{ "hole", TOCK_BUF_AT_HOLE, 2 * PAGE_SIZE, false, -EFAULT },
	{ "past_mapping_end", TOCK_BUF_AT_MAP, TOCK_KUNIT_MAP_LEN + 1, false,
	  -EFAULT },
	{ "readonly_writable", TOCK_BUF_AT_RO_MAP, 16, true, -EFAULT },
	{ "over_size_cap", TOCK_BUF_AT_HUGE_MAP, TOCK_BUF_HUGE, false,
	  -ENOMEM },
};

KUNIT_ARRAY_PARAM_DESC(tock_buf_refused, tock_buf_refused_cases, desc);

static const u8 tock_buf_kernel_object[16];

static u64 tock_buf_where_addr(struct kunit *test, enum tock_buf_where where)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long addr;

	switch (where) {
	case TOCK_BUF_AT_MAP:
		return env->uaddr;
	case TOCK_BUF_AT_RO_MAP:
		return tock_kunit_map(test, PAGE_SIZE, PROT_READ);
	case TOCK_BUF_AT_HOLE:
		addr = tock_kunit_map(test, 2 * PAGE_SIZE,
				      PROT_READ | PROT_WRITE);
		KUNIT_ASSERT_EQ(test, vm_munmap(addr + PAGE_SIZE, PAGE_SIZE),
				0);
		return addr;
	case TOCK_BUF_AT_HUGE_MAP:
		return tock_kunit_map(test, TOCK_BUF_HUGE,
				      PROT_READ | PROT_WRITE);
	case TOCK_BUF_AT_GARBAGE:
		return TOCK_BUF_GARBAGE;
	case TOCK_BUF_AT_KERNEL:
		return (u64)(uintptr_t)tock_buf_kernel_object;
	case TOCK_BUF_AT_TOP:
		return TOCK_BUF_TOP;
	}
	return 0;
}

static void tock_buf_create_refused(struct kunit *test)
{
	const struct tock_buf_refused_case *c = test->param_value;
	struct tock_kunit_env *env = test->priv;
	u64 addr = tock_buf_where_addr(test, c->where);
	u64 base = tock_kunit_pinned();
	struct tock_buf *b;

	b = tock_buf_create(env->proc, addr, c->len, c->writable);
	if (!IS_ERR(b))
		tock_buf_put(b);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), c->err);
	KUNIT_EXPECT_EQ_MSG(test, tock_kunit_pinned(), base,
			    "a refused range stayed pinned");
}

static void tock_buf_create_memlock_limit(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct user_struct *user = current_user();
	struct rlimit *lim = &current->signal->rlim[RLIMIT_MEMLOCK];
	unsigned long locked;
	struct tock_buf *b;
	struct cred *cred;

	/*
	 * Without CAP_IPC_LOCK, pins count against RLIMIT_MEMLOCK in the
	 * user's locked_vm.  Both changes are this test thread's own, and
	 * end with it.
	 */
	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_IPC_LOCK);
	commit_creds(cred);
	locked = atomic_long_read(&user->locked_vm);
	task_lock(current->group_leader);
	lim->rlim_cur = (locked + 2) << PAGE_SHIFT;
	task_unlock(current->group_leader);

	b = tock_buf_create(env->proc, env->uaddr, 3 * PAGE_SIZE, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -ENOMEM);
	if (!IS_ERR(b))
		tock_buf_put(b);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&user->locked_vm), locked);
	KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RW, 0,
					       env->uaddr, 3 * PAGE_SIZE),
			TOCK_STATUS_NOMEM);

	b = tock_buf_get(test, env->uaddr, 2 * PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&user->locked_vm), locked + 2);
	KUNIT_EXPECT_EQ(test, tock_kunit_allow(env, TOCK_ALLOW_RO, 0,
					       env->uaddr, 1),
			TOCK_STATUS_NOMEM);
	kunit_release_action(test, tock_buf_put_action, b);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&user->locked_vm), locked);

	/* Room again: the allow pins and charges, the unallow uncharges. */
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, env->uaddr, 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&user->locked_vm), locked + 1);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RO, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&user->locked_vm), locked);
}

static void tock_buf_access_begin_nests(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_buf *b = tock_buf_get(test, env->uaddr, 1, false);

	KUNIT_ASSERT_TRUE(test, tock_buf_access_begin(b));
	KUNIT_ASSERT_TRUE(test, tock_buf_access_begin(b));
	KUNIT_EXPECT_EQ(test, b->active, 2);
	tock_buf_access_end(b);
	tock_buf_access_end(b);
	KUNIT_EXPECT_EQ(test, b->active, 0);
	/* No access open: kill returns at once, and kills for good. */
	tock_buf_kill(b);
	KUNIT_EXPECT_FALSE(test, tock_buf_is_live(b));
	KUNIT_EXPECT_FALSE(test, tock_buf_access_begin(b));
	KUNIT_EXPECT_EQ(test, b->active, 0);
	tock_buf_kill(b);
	KUNIT_EXPECT_FALSE(test, tock_buf_is_live(b));
}

static void tock_buf_munmap_kills_only_overlap(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_buf *first, *last, *after;

	first = tock_buf_get(test, env->uaddr, PAGE_SIZE, false);
	last = tock_buf_get(test, env->uaddr + 2 * PAGE_SIZE - 1, 2, true);
	after = tock_buf_get(test, env->uaddr + 3 * PAGE_SIZE, 1, false);

	/* Unmap page 1: the buffer reaching into it dies, the others live. */
	KUNIT_ASSERT_EQ(test, vm_munmap(env->uaddr + PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, tock_buf_is_live(first));
	KUNIT_EXPECT_FALSE(test, tock_buf_is_live(last));
	KUNIT_EXPECT_TRUE(test, tock_buf_is_live(after));
	KUNIT_EXPECT_FALSE(test, tock_buf_access_begin(last));

	/* Mapping the hole again does not revive it. */
	KUNIT_EXPECT_EQ(test, kunit_vm_mmap(test, NULL, env->uaddr + PAGE_SIZE,
					    PAGE_SIZE, PROT_READ | PROT_WRITE,
					    MAP_ANONYMOUS | MAP_PRIVATE |
					    MAP_FIXED, 0),
			env->uaddr + PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, tock_buf_is_live(last));
}

static void tock_buf_put_async_last_ref(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u64 base = tock_kunit_pinned();
	struct tock_buf *b;

	b = tock_buf_create(env->proc, env->uaddr, 2 * PAGE_SIZE, true);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base + 2);
	tock_buf_kill(b);
	tock_buf_put_async(b);
	tock_kunit_expect_pinned(test, base);
}

/**
 * struct tock_buf_timer_put - drop a buffer's last reference from a timer
 * @timer: the timer
 * @buf: the buffer
 * @atomic: the callback ran in atomic context
 */
struct tock_buf_timer_put {
	struct timer_list timer;
	struct tock_buf *buf;
	bool atomic;
};

static void tock_buf_timer_put_fn(struct timer_list *t)
{
	struct tock_buf_timer_put *p;

	p = container_of(t, struct tock_buf_timer_put, timer);

	p->atomic = !preemptible();
	tock_buf_put_async(p->buf);
}

KUNIT_DEFINE_ACTION_WRAPPER(tock_buf_timer_shutdown, timer_shutdown_sync,
			    struct timer_list *);

static void tock_buf_put_async_from_timer(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	u64 base = tock_kunit_pinned();
	struct tock_buf_timer_put *p;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->buf = tock_buf_create(env->proc, env->uaddr, 3 * PAGE_SIZE,
				 false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p->buf);
	tock_buf_kill(p->buf);
	timer_setup(&p->timer, tock_buf_timer_put_fn, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tock_buf_timer_shutdown,
							&p->timer), 0);
	/* vunmap() and unpinning sleep: they must move to a workqueue. */
	mod_timer(&p->timer, jiffies + 1);
	tock_kunit_expect_pinned(test, base);
	KUNIT_EXPECT_TRUE(test, p->atomic);
}

/* Clear one PMD-aligned huge page's worth of @mm, as MADV_DONTNEED does. */
static void tock_buf_zap_pmd(struct mm_struct *mm, unsigned long start)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	if (vma)
		zap_page_range_single(vma, start, PMD_SIZE, NULL);
	mmap_read_unlock(mm);
}

/* Map two huge pages' worth; return the PMD-aligned start inside. */
static unsigned long tock_buf_map_pmd(struct kunit *test)
{
	return ALIGN(tock_kunit_map(test, 2 * PMD_SIZE,
				    PROT_READ | PROT_WRITE), PMD_SIZE);
}

/*
 * In place of tock_buf_build(): what a fork or a huge-page split does to
 * the range in the window after pinning, then a failure (as vmap() fails
 * for a buffer with more pages than RAM).
 */
static int tock_buf_build_clear_then_fail(struct tock_buf *b)
{
	tock_buf_zap_pmd(b->proc->mm, ALIGN(b->first, PMD_SIZE));
	return -ENOMEM;
}

static void tock_buf_create_failure_after_clear_frees_once(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	unsigned long start = tock_buf_map_pmd(test);
	u64 base = tock_kunit_pinned();
	struct tock_buf *b;

	kunit_activate_static_stub(test, tock_buf_build,
				   tock_buf_build_clear_then_fail);
	b = tock_buf_create(env->proc, start, PMD_SIZE, true);
	kunit_deactivate_static_stub(test, tock_buf_build);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -ENOMEM);
	if (!IS_ERR(b))
		tock_buf_put(b);
	/* A buffer that was never live was never queued for revalidation. */
	KUNIT_EXPECT_EQ(test, atomic_read(&env->proc->revalidations), 0);
	/* Anything queued on the freed buffer would run now, under KASAN. */
	flush_workqueue(tock_wq);
	KUNIT_EXPECT_EQ(test, tock_kunit_pinned(), base);
}

/**
 * struct tock_buf_stall - one process's driver access that stalls
 * @mm: the mm whose huge page is cleared
 * @start: the huge page
 * @other: another process, commanding meanwhile
 * @zapped: the clear returned
 * @commanded: the other process's command returned
 */
struct tock_buf_stall {
	struct mm_struct *mm;
	unsigned long start;
	struct tock_process *other;
	struct completion zapped;
	struct completion commanded;
};

static int tock_buf_stall_zap(void *data)
{
	struct tock_buf_stall *st = data;

	tock_buf_zap_pmd(st->mm, st->start);
	complete(&st->zapped);
	return 0;
}

static int tock_buf_stall_command(void *data)
{
	struct tock_buf_stall *st = data;
	struct tock_ioc_command cmd = {
		.driver = TOCK_KUNIT_DRIVER,
		.command_num = TOCK_KUNIT_CMD_ECHO_2,
	};

	tock_process_command(st->other, &cmd);
	complete(&st->commanded);
	return 0;
}

static void tock_buf_stalled_access_leaves_others_alone(struct kunit *test)
{
	struct tock_kunit_env *env = test->priv;
	struct tock_rw_buffer_ref *ref;
	struct tock_buf_stall *st;
	struct task_struct *t;
	unsigned long done;
	int i;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->mm = current->mm;
	st->start = tock_buf_map_pmd(test);
	st->other = tock_kunit_process(test);
	init_completion(&st->zapped);
	init_completion(&st->commanded);
	tock_kunit_allow_ok(env, TOCK_ALLOW_RW, 0, st->start, PMD_SIZE);

	/* This process's driver is inside its buffer, and stays there. */
	ref = tock_kunit_rw_get(test, env->grant, 0);
	KUNIT_ASSERT_TRUE(test, tock_buf_access_begin(ref->buffer.buf));
	/* Its clear waits for that access; its revalidation waits for both. */
	t = kthread_run(tock_buf_stall_zap, st, "tock-kunit-zap");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	for (i = 0; i < 50 && !atomic_read(&env->proc->revalidations); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->proc->revalidations), 1);

	t = kthread_run(tock_buf_stall_command, st, "tock-kunit-cmd");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	done = wait_for_completion_timeout(&st->commanded,
					   msecs_to_jiffies(TOCK_BUF_STALL_MS));
	KUNIT_EXPECT_GT_MSG(test, done, 0,
			    "another process's command waited for this one's access");

	tock_buf_access_end(ref->buffer.buf);
	wait_for_completion(&st->zapped);
	/* Stalled after all: it can finish now. */
	if (!done)
		wait_for_completion(&st->commanded);
	tock_kunit_rw_put(test, ref);
}

static struct kunit_case tock_buf_test_cases[] = {
	KUNIT_CASE(tock_buf_create_pins_and_maps),
	KUNIT_CASE(tock_buf_create_writable_shares_pages),
	KUNIT_CASE(tock_buf_create_readonly_mapping),
	KUNIT_CASE_PARAM(tock_buf_create_refused,
			 tock_buf_refused_gen_params),
	KUNIT_CASE(tock_buf_create_memlock_limit),
	KUNIT_CASE(tock_buf_access_begin_nests),
	KUNIT_CASE(tock_buf_munmap_kills_only_overlap),
	KUNIT_CASE(tock_buf_put_async_last_ref),
	KUNIT_CASE(tock_buf_put_async_from_timer),
	KUNIT_CASE(tock_buf_create_failure_after_clear_frees_once),
	KUNIT_CASE(tock_buf_stalled_access_leaves_others_alone),
	{}
};

static struct kunit_suite tock_buf_suite = {
	.name = "tockallow_buf",
	.init = tock_kunit_env_init,
	.test_cases = tock_buf_test_cases,
};

kunit_test_suite(tock_buf_suite);
