// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow rng driver (0x40001), after Tock's capsules/core rng: command 1
 * (n) fills up to n bytes of read-write allow 0 from the kernel's RNG,
 * asynchronously, then upcall 0 reports (0, bytes filled, 0).  As in Tock, a
 * new request replaces one not yet served.
 *
 * The fill runs on an unbound workqueue in bounded steps, one enter per
 * chunk with a chance to reschedule between them, so that neither a large
 * buffer nor the munmap that races it keeps a CPU or the munmap waiting for
 * the whole fill.  A buffer that dies mid-fill ends the request as a dead
 * buffer does from the start: (0, 0, 0), as in Tock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/workqueue.h>

#include <tock/driver.h>

#define TOCK_RNG_CMD_GET	1
/* Bytes drawn from the RNG per copy into the process buffer. */
#define TOCK_RNG_COPY		64
/* Bytes one enter fills. */
#define TOCK_RNG_STEP		SZ_64K

/* Per-process state (the grant). */
struct tock_rng_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	struct work_struct work;
	u32 want;			/* bytes asked for by the last request */
};

/* A fill in progress, owned by the worker. */
struct tock_rng_fill {
	size_t want;		/* bytes asked for */
	size_t off;		/* bytes filled so far */
	size_t len;		/* bytes to fill: @want cut to the buffer */
};

/* One step: fill the next chunk, in one enter. */
static int tock_rng_step(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_rng_fill *f = ctx;
	struct tock_rw_slice part, chunk;
	struct tock_rw_chunks it;
	u8 random[TOCK_RNG_COPY];
	size_t n;

	if (!f->off)
		f->len = min(f->want, tock_rw_slice_len(s));
	n = min_t(size_t, f->len - f->off, TOCK_RNG_STEP);
	if (tock_rw_slice_sub(s, TOCK_RANGE(f->off, f->off + n), &part))
		return -EINVAL;
	tock_rw_slice_chunks(&part, sizeof(random), &it);
	while (tock_rw_chunks_next(&it, &chunk)) {
		get_random_bytes(random, tock_rw_slice_len(&chunk));
		tock_rw_slice_copy_from(&chunk, random,
					tock_rw_slice_len(&chunk));
	}
	memzero_explicit(random, sizeof(random));
	f->off += n;
	return 0;
}

/*
 * Fill read-write allow 0, one enter per step; 0 or -errno.  The reference
 * pins one buffer for the whole fill, so a buffer that dies or is replaced
 * between steps fails the next enter.
 */
static int tock_rng_run(struct tock_grant *g, struct tock_rng_fill *f)
{
	struct tock_rw_buffer_ref ref;
	int ret;

	ret = tock_grant_rw_buffer_get(g, 0, &ref);
	if (ret)
		return ret;
	for (;;) {
		ret = tock_rw_buffer_mut_enter(&ref.buffer, tock_rng_step, f);
		if (ret || f->off == f->len)
			break;
		/* Between enters, with no access open. */
		cond_resched();
	}
	tock_rw_buffer_ref_put(&ref);
	return ret;
}

static void tock_rng_work(struct work_struct *work)
{
	struct tock_rng_app *app = container_of(work, struct tock_rng_app,
						work);
	struct tock_rng_fill f = { .want = READ_ONCE(app->want) };
	int ret = tock_rng_run(app->g, &f);

	tock_grant_schedule_upcall(app->g, 0, 0, ret ? 0 : f.off, 0);
}

static struct tock_command_ret tock_rng_command(struct tock_grant *g, u32 cmd,
						u64 arg1, u64 arg2)
{
	struct tock_rng_app *app = tock_grant_data(g);

	if (cmd != TOCK_RNG_CMD_GET)
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	/* A request still queued is served with this size instead. */
	WRITE_ONCE(app->want, min_t(u64, arg1, U32_MAX));
	/*
	 * As the crc driver does: a fill of one step runs on this CPU, a
	 * longer one unbound (waking an unbound worker on an idle CPU can
	 * cost milliseconds).  A request queued already keeps its queue.
	 */
	queue_work(arg1 <= TOCK_RNG_STEP ? system_wq : system_unbound_wq,
		   &app->work);
	return tock_ret_success();
}

static int tock_rng_grant_init(struct tock_grant *g)
{
	struct tock_rng_app *app = tock_grant_data(g);

	app->g = g;
	INIT_WORK(&app->work, tock_rng_work);
	return 0;
}

static void tock_rng_process_exit(struct tock_grant *g)
{
	struct tock_rng_app *app = tock_grant_data(g);

	/* The buffers are dead: a running fill ends at its next step. */
	cancel_work_sync(&app->work);
}

static struct tock_driver tock_rng_driver = {
	.num = TOCK_DRIVER_RNG,
	.allow_counts = { [TOCK_ALLOW_RW] = 1 },
	.upcall_count = 1,
	.grant_size = sizeof(struct tock_rng_app),
	.owner = THIS_MODULE,
	.command = tock_rng_command,
	.grant_init = tock_rng_grant_init,
	.process_exit = tock_rng_process_exit,
};

static int __init tock_rng_init(void)
{
	return tock_driver_register(&tock_rng_driver);
}

static void __exit tock_rng_exit(void)
{
	tock_driver_unregister(&tock_rng_driver);
}

module_init(tock_rng_init);
module_exit(tock_rng_exit);

MODULE_DESCRIPTION("tockallow rng driver: random bytes from the kernel RNG");
MODULE_LICENSE("GPL");
