// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow rng driver (0x40001), after Tock's capsules/core rng: command 1
 * (n) fills up to n bytes of read-write allow 0 from the kernel's RNG,
 * asynchronously, then upcall 0 reports (0, bytes filled, 0).  As in Tock, a
 * new request replaces one not yet served.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include <tock/driver.h>

#define TOCK_RNG_CMD_GET	1
/* Bytes drawn from the RNG per copy into the process buffer. */
#define TOCK_RNG_CHUNK		64

/* Per-process state (the grant). */
struct tock_rng_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	struct work_struct work;
	u32 want;			/* bytes asked for by the last request */
};

static int tock_rng_fill(const struct tock_rw_slice *s, void *ctx)
{
	struct tock_rw_slice dest, chunk;
	struct tock_rw_chunks it;
	u8 random[TOCK_RNG_CHUNK];
	u32 want = *(u32 *)ctx;

	if (tock_rw_slice_sub(s, TOCK_RANGE_TO(min_t(size_t, want,
						     tock_rw_slice_len(s))),
			      &dest))
		return -EINVAL;
	tock_rw_slice_chunks(&dest, sizeof(random), &it);
	while (tock_rw_chunks_next(&it, &chunk)) {
		get_random_bytes(random, tock_rw_slice_len(&chunk));
		tock_rw_slice_copy_from(&chunk, random,
					tock_rw_slice_len(&chunk));
	}
	memzero_explicit(random, sizeof(random));
	return tock_rw_slice_len(&dest);
}

static void tock_rng_work(struct work_struct *work)
{
	struct tock_rng_app *app = container_of(work, struct tock_rng_app,
						work);
	struct tock_rw_buffer_ref ref;
	u32 want = READ_ONCE(app->want);
	int filled = 0;

	if (!tock_grant_rw_buffer_get(app->g, 0, &ref)) {
		filled = tock_rw_buffer_mut_enter(&ref.buffer, tock_rng_fill,
						  &want);
		tock_rw_buffer_ref_put(&ref);
	}
	tock_grant_schedule_upcall(app->g, 0, 0, max(filled, 0), 0);
}

static struct tock_command_ret tock_rng_command(struct tock_grant *g, u32 cmd,
						u64 arg1, u64 arg2)
{
	struct tock_rng_app *app = tock_grant_data(g);

	if (cmd != TOCK_RNG_CMD_GET)
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	/* A request still queued is served with this size instead. */
	WRITE_ONCE(app->want, min_t(u64, arg1, U32_MAX));
	queue_work(system_unbound_wq, &app->work);
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
