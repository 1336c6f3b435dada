// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow benchmark driver (TOCK_DRIVER_BENCH): the baselines that
 * "make bench" compares allow and the process-buffer API against, timed in
 * the kernel.  A bare pin_user_pages_fast(FOLL_LONGTERM | FOLL_WRITE) +
 * unpin_user_pages() of a range, an empty enter, slice copies and a plain
 * memcpy() between two kernel buffers of the same size, and a CRC-32 over
 * bytes copied in with copy_from_user() for each request.  Built only on
 * request (TOCK_BENCH=1); the commands are documented with
 * TOCK_BENCH_CMD_* in the uapi header.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <tock/driver.h>

/* Largest range or copy one command takes: tockallow's default cap. */
#define TOCK_BENCH_MAX_LEN	(64UL << 20)
#define TOCK_BENCH_MAX_ROUNDS	100000

/* What one copy or enter loop needs, handed to the enter callback. */
struct tock_bench_loop {
	void *kbuf;
	size_t len;
	size_t off;
	u32 rounds;
	u64 ns;
};

static int tock_bench_nothing(const struct tock_ro_slice *s, void *ctx)
{
	return 0;
}

static int tock_bench_copy_out(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_bench_loop *l = ctx;
	struct tock_ro_slice ro = tock_rw_slice_as_ro(s), part;
	u64 t0;
	u32 i;

	if (tock_ro_slice_sub(&ro, TOCK_RANGE(l->off, l->off + l->len),
			      &part))
		return -EMSGSIZE;
	t0 = ktime_get_ns();
	for (i = 0; i < l->rounds; i++)
		tock_ro_slice_copy_to(&part, l->kbuf, l->len);
	l->ns = ktime_get_ns() - t0;
	return 0;
}

static int tock_bench_copy_in(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_bench_loop *l = ctx;
	struct tock_rw_slice part;
	u64 t0;
	u32 i;

	if (tock_rw_slice_sub(s, TOCK_RANGE(l->off, l->off + l->len), &part))
		return -EMSGSIZE;
	t0 = ktime_get_ns();
	for (i = 0; i < l->rounds; i++)
		tock_rw_slice_copy_from(&part, l->kbuf, l->len);
	l->ns = ktime_get_ns() - t0;
	return 0;
}

/* One bare pin + unpin of [addr, addr + len), in chunks as allow pins. */
static struct tock_command_ret tock_bench_pin(u64 addr, u64 len)
{
	unsigned long start = untagged_addr(addr), npages, done = 0;
	struct page **pages;
	long n;
	u64 t0, ns;

	if (!len || len > TOCK_BENCH_MAX_LEN)
		return tock_ret_failure(TOCK_STATUS_SIZE);
	npages = (ALIGN(start + len, PAGE_SIZE) - ALIGN_DOWN(start, PAGE_SIZE))
		 >> PAGE_SHIFT;
	/* The array is the caller's business, as gup_test's is: not timed. */
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return tock_ret_failure(TOCK_STATUS_NOMEM);
	t0 = ktime_get_ns();
	while (done < npages) {
		n = pin_user_pages_fast(ALIGN_DOWN(start, PAGE_SIZE) +
					done * PAGE_SIZE,
					min(npages - done,
					    PAGE_SIZE / sizeof(*pages)),
					FOLL_LONGTERM | FOLL_WRITE,
					pages + done);
		if (n <= 0)
			break;
		done += n;
	}
	unpin_user_pages(pages, done);
	ns = ktime_get_ns() - t0;
	kvfree(pages);
	if (done < npages)
		return tock_ret_failure(TOCK_STATUS_INVAL);
	return tock_ret_success_u64(ns);
}

/* Time @rounds empty enters of read-write allow 0. */
static struct tock_command_ret tock_bench_enter(struct tock_grant *g,
						u32 rounds)
{
	struct tock_rw_buffer_ref ref;
	u64 t0, ns;
	u32 i;
	int ret;

	ret = tock_grant_rw_buffer_get(g, 0, &ref);
	if (ret)
		return tock_ret_failure(tock_errno_to_status(ret));
	t0 = ktime_get_ns();
	for (i = 0; i < rounds && !ret; i++)
		ret = tock_rw_buffer_enter(&ref.buffer, tock_bench_nothing,
					   NULL);
	ns = ktime_get_ns() - t0;
	tock_rw_buffer_ref_put(&ref);
	if (ret)
		return tock_ret_failure(tock_errno_to_status(ret));
	return tock_ret_success_u64(ns);
}

/*
 * Time @rounds copies of @len bytes at offset @off of read-write allow 0,
 * through the slice API (@cmd out or in) or, as the baseline, memcpy()
 * between two kernel buffers of that size.
 */
static struct tock_command_ret tock_bench_copy(struct tock_grant *g, u32 cmd,
					       u64 len, u32 off, u32 rounds)
{
	struct tock_bench_loop l = { .len = len, .off = off, .rounds = rounds };
	struct tock_rw_buffer_ref ref;
	void *other;
	u64 t0;
	u32 i;
	int ret = 0;

	if (!len || len > TOCK_BENCH_MAX_LEN)
		return tock_ret_failure(TOCK_STATUS_SIZE);
	l.kbuf = kvmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!l.kbuf)
		return tock_ret_failure(TOCK_STATUS_NOMEM);
	memset(l.kbuf, 0x5a, len);
	if (cmd == TOCK_BENCH_CMD_MEMCPY) {
		other = kvmalloc(len + off, GFP_KERNEL_ACCOUNT);
		if (!other) {
			ret = -ENOMEM;
			goto out;
		}
		memset(other, 0, len + off);
		t0 = ktime_get_ns();
		for (i = 0; i < rounds; i++)
			memcpy(other + off, l.kbuf, len);
		l.ns = ktime_get_ns() - t0;
		kvfree(other);
		goto out;
	}
	ret = tock_grant_rw_buffer_get(g, 0, &ref);
	if (ret)
		goto out;
	ret = tock_rw_buffer_mut_enter(&ref.buffer,
				       cmd == TOCK_BENCH_CMD_COPY_OUT ?
				       tock_bench_copy_out : tock_bench_copy_in,
				       &l);
	tock_rw_buffer_ref_put(&ref);
out:
	kvfree(l.kbuf);
	if (ret)
		return tock_ret_failure(tock_errno_to_status(ret));
	return tock_ret_success_u64(l.ns);
}

/* Largest request of the copy path, and its buffer, allocated at load. */
#define TOCK_BENCH_COPY_MAX	(4UL << 20)
static void *tock_bench_scratch;
static DEFINE_MUTEX(tock_bench_scratch_lock);	/* protects the scratch */

/*
 * The copy path that allow exists to avoid: each request copies its bytes
 * in with copy_from_user() (into a buffer allocated once, as a driver with
 * a bounce buffer would), then computes the CRC-32 the crc driver would.
 */
static struct tock_command_ret tock_bench_crc_copy(u64 addr, u64 len)
{
	struct tock_command_ret ret;

	if (!len || len > TOCK_BENCH_COPY_MAX)
		return tock_ret_failure(TOCK_STATUS_SIZE);
	mutex_lock(&tock_bench_scratch_lock);
	if (copy_from_user(tock_bench_scratch, u64_to_user_ptr(addr), len))
		ret = tock_ret_failure(TOCK_STATUS_INVAL);
	else
		ret = tock_ret_success_u32(~crc32_le(~0U, tock_bench_scratch,
						     len));
	mutex_unlock(&tock_bench_scratch_lock);
	return ret;
}

static struct tock_command_ret tock_bench_command(struct tock_grant *g,
						  u32 cmd, u64 arg1, u64 arg2)
{
	u32 rounds = lower_32_bits(arg2), off = upper_32_bits(arg2);

	switch (cmd) {
	case TOCK_BENCH_CMD_PIN:
		return tock_bench_pin(arg1, arg2);
	case TOCK_BENCH_CMD_NULL:
		return tock_ret_success();
	case TOCK_BENCH_CMD_CRC_COPY:
		return tock_bench_crc_copy(arg1, arg2);
	case TOCK_BENCH_CMD_ENTER:
		if (!arg1 || arg1 > TOCK_BENCH_MAX_ROUNDS)
			return tock_ret_failure(TOCK_STATUS_INVAL);
		return tock_bench_enter(g, arg1);
	case TOCK_BENCH_CMD_COPY_OUT:
	case TOCK_BENCH_CMD_COPY_IN:
	case TOCK_BENCH_CMD_MEMCPY:
		if (!rounds || rounds > TOCK_BENCH_MAX_ROUNDS ||
		    off >= PAGE_SIZE)
			return tock_ret_failure(TOCK_STATUS_INVAL);
		return tock_bench_copy(g, cmd, arg1, off, rounds);
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

static struct tock_driver tock_bench_driver = {
	.num = TOCK_DRIVER_BENCH,
	.allow_counts = { [TOCK_ALLOW_RW] = 1 },
	.owner = THIS_MODULE,
	.command = tock_bench_command,
};

static int __init tock_bench_init(void)
{
	int ret;

	tock_bench_scratch = kvmalloc(TOCK_BENCH_COPY_MAX, GFP_KERNEL);
	if (!tock_bench_scratch)
		return -ENOMEM;
	ret = tock_driver_register(&tock_bench_driver);
	if (ret)
		kvfree(tock_bench_scratch);
	return ret;
}

static void __exit tock_bench_exit(void)
{
	tock_driver_unregister(&tock_bench_driver);
	kvfree(tock_bench_scratch);
}

module_init(tock_bench_init);
module_exit(tock_bench_exit);

MODULE_DESCRIPTION("tockallow benchmark driver: bare pins, enters and copies, timed");
MODULE_LICENSE("GPL");
