// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow crc driver (0x40002), after Tock's capsules/extra crc: command 1
 * (algorithm, length) computes a CRC over the first length bytes of
 * read-only allow 0, asynchronously; upcall 0 reports (status, result,
 * algorithm).  One request per process at a time (BUSY otherwise).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/bitrev.h>
#include <linux/crc32.h>
#include <linux/module.h>
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
/* Bytes copied out of process memory per CRC update. */
#define TOCK_CRC_CHUNK		256

/* Per-process state (the grant). */
struct tock_crc_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	struct delayed_work work;
	unsigned long busy;		/* bit 0: a request is in flight */
	u32 alg;			/* written before @work is queued */
	u32 len;
};

struct tock_crc_state {
	u32 alg;
	u32 len;		/* bytes to cover, from the buffer's start */
	u32 crc;
};

static u16 tock_crc16_ccitt(u16 crc, const u8 *p, size_t len)
{
	int bit;

	while (len--) {
		crc ^= (u16)bitrev8(*p++) << 8;
		for (bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? (crc << 1) ^ TOCK_CRC16_POLY :
					     crc << 1;
	}
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

static int tock_crc_compute(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_crc_state *st = ctx;
	struct tock_ro_slice head, chunk;
	struct tock_ro_chunks it;
	u8 copy[TOCK_CRC_CHUNK];

	if (tock_ro_slice_sub(s, TOCK_RANGE_TO(st->len), &head))
		return -EMSGSIZE;
	/*
	 * Copy before computing: the process may write the buffer while we
	 * read it, and the CRC code may read a byte more than once.
	 */
	tock_ro_slice_chunks(&head, sizeof(copy), &it);
	while (tock_ro_chunks_next(&it, &chunk)) {
		tock_ro_slice_copy_to(&chunk, copy, tock_ro_slice_len(&chunk));
		tock_crc_update(st, copy, tock_ro_slice_len(&chunk));
	}
	return 0;
}

/* Run the request over read-only allow 0; 0 or -errno. */
static int tock_crc_run(struct tock_grant *g, struct tock_crc_state *st)
{
	struct tock_ro_buffer_ref ref;
	int ret;

	st->crc = st->alg == TOCK_CRC_16CCITT ? TOCK_CRC16_INIT : ~0U;
	ret = tock_grant_ro_buffer_get(g, 0, &ref);
	if (ret)
		return ret;
	ret = tock_ro_buffer_enter(&ref.buffer, tock_crc_compute, st);
	tock_ro_buffer_ref_put(&ref);
	if (st->alg != TOCK_CRC_16CCITT)
		st->crc = ~st->crc;
	return ret;
}

static void tock_crc_work(struct work_struct *work)
{
	struct tock_crc_app *app = container_of(to_delayed_work(work),
						struct tock_crc_app, work);
	struct tock_crc_state st = { .alg = app->alg, .len = app->len };
	int ret = tock_crc_run(app->g, &st);

	clear_bit(0, &app->busy);
	tock_grant_schedule_upcall(app->g, 0, tock_errno_to_status(ret),
				   ret ? 0 : st.crc, st.alg);
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
	if (test_and_set_bit(0, &app->busy))
		return tock_ret_failure(TOCK_STATUS_BUSY);
	have = 0;
	if (!tock_grant_ro_buffer_get(g, 0, &ref)) {
		have = tock_ro_buffer_len(&ref.buffer);
		tock_ro_buffer_ref_put(&ref);
	}
	if (len > have) {
		clear_bit(0, &app->busy);
		return tock_ret_failure(TOCK_STATUS_SIZE);
	}
	app->alg = alg;
	app->len = len;
	/*
	 * Compute on the next tick, as a CRC engine would finish later: the
	 * request stays BUSY until then.
	 */
	queue_delayed_work(system_wq, &app->work, 1);
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
	INIT_DELAYED_WORK(&app->work, tock_crc_work);
	return 0;
}

static void tock_crc_process_exit(struct tock_grant *g)
{
	struct tock_crc_app *app = tock_grant_data(g);

	cancel_delayed_work_sync(&app->work);
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
