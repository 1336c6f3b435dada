// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow crc driver (0x40002), after Tock's capsules/extra crc: command 1
 * (algorithm, length) computes a CRC over the first length bytes of
 * read-only allow 0, asynchronously; upcall 0 reports (status, result,
 * algorithm).  One request per process at a time (BUSY otherwise).
 *
 * Any user may ask for a CRC of a buffer as large as the core lets one
 * allow pin, so a request runs on an unbound workqueue in bounded steps:
 * each step enters the buffer once for one chunk, which bounds how long an
 * enter runs and how long munmap or unallow of the buffer waits for it, and
 * the worker may reschedule between steps.  A buffer that dies between
 * steps ends the request at the next one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitrev.h>
#include <linux/crc32.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <tock/driver.h>

#define TOCK_CRC_CMD_COMPUTE	1

/* Algorithm numbers, as libtock-c's libtock_crc_alg_t. */
enum tock_crc_alg {
	TOCK_CRC_32,		/* 0x04C11DB7, reflected, inverted */
	TOCK_CRC_32C,		/* 0x1EDC6F41, reflected, inverted */
	TOCK_CRC_16CCITT,	/* 0x1021, init 0xFFFF, input bit-reversed */
	TOCK_CRC_ALGS,
};

#define TOCK_CRC16_POLY		0x1021
#define TOCK_CRC16_INIT		0xffff
/*
 * Bytes one enter covers.  lib/crc32 runs at several bytes a cycle; the
 * table-driven CRC-16 below does one byte per lookup, so it gets a quarter
 * of the chunk for a step of about the same length.
 */
#define TOCK_CRC32_STEP		SZ_64K
#define TOCK_CRC16_STEP		SZ_16K

/* Per-process state (the grant). */
struct tock_crc_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	struct work_struct work;
	/*
	 * Protects @busy.  The worker queues its upcall and clears @busy
	 * under it, so a new request is refused until the upcall is queued
	 * and accepted once the process can have seen it.
	 */
	spinlock_t lock;
	bool busy;			/* a request is in flight */
	u32 alg;			/* written before @work is queued */
	size_t len;
};

/* A request in progress, owned by the worker. */
struct tock_crc_state {
	u32 alg;
	size_t off;		/* bytes covered so far */
	size_t len;		/* bytes to cover, from the buffer's start */
	u32 crc;
};

/* CRC-16-CCITT of one byte, MSB first: filled in by tock_crc_init(). */
static u16 tock_crc16_table[256];

static void tock_crc16_table_init(void)
{
	unsigned int i, bit;
	u16 crc;

	for (i = 0; i < ARRAY_SIZE(tock_crc16_table); i++) {
		crc = i << 8;
		for (bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? (crc << 1) ^ TOCK_CRC16_POLY :
					     crc << 1;
		tock_crc16_table[i] = crc;
	}
}

/* Tock's CRC-16-CCITT takes each input byte bit-reversed. */
static u16 tock_crc16_ccitt(u16 crc, const u8 *p, size_t len)
{
	while (len--)
		crc = (crc << 8) ^
		      tock_crc16_table[(crc >> 8) ^ bitrev8(*p++)];
	return crc;
}

static void tock_crc_update(struct tock_crc_state *st, const u8 *p,
			    size_t len)
{
	switch (st->alg) {
	case TOCK_CRC_32:
		st->crc = crc32_le(st->crc, p, len);
		break;
	case TOCK_CRC_32C:
		st->crc = __crc32c_le(st->crc, p, len);
		break;
	default:
		st->crc = tock_crc16_ccitt(st->crc, p, len);
		break;
	}
}

/* Fold one contiguous run of the buffer into the CRC, in place. */
static int tock_crc_run_fold(const void *p, size_t len, void *ctx)
{
	tock_crc_update(ctx, p, len);
	return 0;
}

/* One step: the next chunk of the request, in one enter. */
static int tock_crc_step(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_crc_state *st = ctx;
	struct tock_ro_slice part;
	size_t n;

	n = min_t(size_t, st->len - st->off,
		  st->alg == TOCK_CRC_16CCITT ? TOCK_CRC16_STEP :
						TOCK_CRC32_STEP);
	/* The slot may hold a shorter buffer than when the request came. */
	if (tock_ro_slice_sub(s, TOCK_RANGE(st->off, st->off + n), &part))
		return -EMSGSIZE;
	/*
	 * In place, run by run: every CRC here reads each byte once, so a
	 * process writing the buffer meanwhile gets the CRC of what was read,
	 * as with a copy, without the copy.
	 */
	tock_ro_slice_walk_runs(&part, tock_crc_run_fold, st);
	st->off += n;
	return 0;
}

/*
 * Run the request over read-only allow 0, one enter per step; 0 or -errno.
 * The reference pins one buffer for the whole request, so a buffer that
 * dies or is replaced between steps fails the next enter.
 */
static int tock_crc_run(struct tock_grant *g, struct tock_crc_state *st)
{
	struct tock_ro_buffer_ref ref;
	int ret;

	st->crc = st->alg == TOCK_CRC_16CCITT ? TOCK_CRC16_INIT : ~0U;
	ret = tock_grant_ro_buffer_get(g, 0, &ref);
	if (ret)
		return ret;
	for (;;) {
		ret = tock_ro_buffer_enter(&ref.buffer, tock_crc_step, st);
		if (ret || st->off == st->len)
			break;
		/* Between enters, with no access open. */
		cond_resched();
	}
	tock_ro_buffer_ref_put(&ref);
	if (st->alg != TOCK_CRC_16CCITT)
		st->crc = ~st->crc;
	return ret;
}

static void tock_crc_work(struct work_struct *work)
{
	struct tock_crc_app *app = container_of(work, struct tock_crc_app,
						work);
	struct tock_crc_state st = { .alg = app->alg, .len = app->len };
	int ret = tock_crc_run(app->g, &st);

	spin_lock(&app->lock);
	tock_grant_schedule_upcall(app->g, 0, tock_errno_to_status(ret),
				   ret ? 0 : st.crc, st.alg);
	app->busy = false;
	spin_unlock(&app->lock);
}

/* Mark a request in flight; false if one already is. */
static bool tock_crc_claim(struct tock_crc_app *app)
{
	bool was_busy;

	spin_lock(&app->lock);
	was_busy = app->busy;
	app->busy = true;
	spin_unlock(&app->lock);
	return !was_busy;
}

static void tock_crc_release(struct tock_crc_app *app)
{
	spin_lock(&app->lock);
	app->busy = false;
	spin_unlock(&app->lock);
}

static struct tock_command_ret tock_crc_request(struct tock_grant *g,
						u64 alg, u64 len)
{
	struct tock_crc_app *app = tock_grant_data(g);
	struct tock_ro_buffer_ref ref;
	size_t have;

	/* Tock's order: the algorithm, then a request in flight, then size. */
	if (alg >= TOCK_CRC_ALGS)
		return tock_ret_failure(TOCK_STATUS_INVAL);
	if (!tock_crc_claim(app))
		return tock_ret_failure(TOCK_STATUS_BUSY);
	have = 0;
	if (!tock_grant_ro_buffer_get(g, 0, &ref)) {
		have = tock_ro_buffer_len(&ref.buffer);
		tock_ro_buffer_ref_put(&ref);
	}
	/* A CRC of nothing is refused, as Tock's capsule does. */
	if (!len || len > have) {
		tock_crc_release(app);
		return tock_ret_failure(TOCK_STATUS_SIZE);
	}
	app->alg = alg;
	app->len = len;
	/*
	 * A request of one step runs on this CPU, at once.  A longer one goes
	 * unbound, so that it does not hold up this CPU's other work; the
	 * wake-up of an unbound worker on another, idle CPU can cost
	 * milliseconds (seen on Debian's arm64 kernels under QEMU).
	 */
	queue_work(len <= TOCK_CRC16_STEP ? system_wq : system_unbound_wq,
		   &app->work);
	return tock_ret_success();
}

static struct tock_command_ret tock_crc_command(struct tock_grant *g, u32 cmd,
						u64 arg1, u64 arg2)
{
	if (cmd != TOCK_CRC_CMD_COMPUTE)
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	return tock_crc_request(g, arg1, arg2);
}

static int tock_crc_grant_init(struct tock_grant *g)
{
	struct tock_crc_app *app = tock_grant_data(g);

	app->g = g;
	spin_lock_init(&app->lock);
	INIT_WORK(&app->work, tock_crc_work);
	return 0;
}

static void tock_crc_process_exit(struct tock_grant *g)
{
	struct tock_crc_app *app = tock_grant_data(g);

	/* The buffers are dead: a running request ends at its next step. */
	cancel_work_sync(&app->work);
}

static struct tock_driver tock_crc_driver = {
	.num = TOCK_DRIVER_CRC,
	.allow_counts = { [TOCK_ALLOW_RO] = 1 },
	.upcall_count = 1,
	.grant_size = sizeof(struct tock_crc_app),
	.owner = THIS_MODULE,
	.command = tock_crc_command,
	.grant_init = tock_crc_grant_init,
	.process_exit = tock_crc_process_exit,
};

static int __init tock_crc_init(void)
{
	tock_crc16_table_init();
	return tock_driver_register(&tock_crc_driver);
}

static void __exit tock_crc_exit(void)
{
	tock_driver_unregister(&tock_crc_driver);
}

module_init(tock_crc_init);
module_exit(tock_crc_exit);

MODULE_DESCRIPTION("tockallow crc driver: CRC-32, CRC-32C and CRC-16-CCITT");
MODULE_LICENSE("GPL");
