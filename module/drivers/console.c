// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow console driver (0x1), after Tock's capsules/core console: the
 * board's UART, whose other end is the character device /dev/tock-console.
 *
 * Write: read-only allow 1 holds the text and command 1 (length) sends
 * min(length, allowed length) bytes, in bounded chunks; upcall 1 reports
 * (bytes written, 0, 0).  The bytes go to an output ring that read(2) on
 * /dev/tock-console drains; output nobody reads overwrites the oldest, so
 * a reader who arrives late sees the most recent TOCK_CONSOLE_OUT_SIZE
 * bytes, and the overwritten bytes are counted.
 *
 * Read: read-write allow 1 receives and command 2 (length) asks for
 * min(length, allowed length) bytes; command 3 aborts.  Upcall 2 reports
 * (status, bytes read, 0): SUCCESS once that many bytes have arrived,
 * CANCEL with the bytes received so far after an abort, SIZE when the
 * buffer no longer holds the bytes.  What is written into
 * /dev/tock-console feeds the reads, first come first served; bytes that
 * arrive while no read is pending wait in a bounded input ring, and a
 * writer waits while it is full.
 *
 * Nothing reaches the kernel log unless the mirror_log parameter is set;
 * then output is escaped, tagged with the pid and rate-limited, so that a
 * process can neither flood the log nor forge lines in it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include <tock/driver.h>

/* Allow, upcall and command numbers of Tock's console capsule. */
#define TOCK_CONSOLE_ALLOW		1	/* read-only: write, read-write: read */
#define TOCK_CONSOLE_SLOTS		2
#define TOCK_CONSOLE_UPCALL_WRITE	1
#define TOCK_CONSOLE_UPCALL_READ	2
#define TOCK_CONSOLE_UPCALLS		3
#define TOCK_CONSOLE_CMD_WRITE		1
#define TOCK_CONSOLE_CMD_READ		2
#define TOCK_CONSOLE_CMD_ABORT		3

/* Output kept for readers of /dev/tock-console; a power of two. */
#define TOCK_CONSOLE_OUT_SIZE		SZ_64K
/* Input typed ahead of any read; a power of two. */
#define TOCK_CONSOLE_IN_SIZE		SZ_4K
/*
 * Bytes moved per process-buffer enter and per ring lock hold, so that
 * neither lasts long whatever the length of a write or a read.
 */
#define TOCK_CONSOLE_CHUNK		1024
/*
 * Output bytes per kernel log record when mirroring: escaping may make
 * four characters of each, which still fits a record.
 */
#define TOCK_CONSOLE_LOG_PIECE		128

static ushort tock_console_mode = 0600;
module_param_named(mode, tock_console_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "permissions of /dev/tock-console (default 0600)");

static bool tock_console_mirror_log;
module_param_named(mirror_log, tock_console_mirror_log, bool, 0644);
MODULE_PARM_DESC(mirror_log, "also copy process output to the kernel log, escaped, tagged with the pid and rate-limited (default off)");

/*
 * A byte ring.  @head and @tail count bytes ever put and ever taken (or
 * overwritten), modulo 2^BITS_PER_LONG, so head - tail is what it holds.
 * Writers change them under the ring's lock with WRITE_ONCE(); poll and
 * wait conditions read them locklessly, as a hint rechecked under the lock.
 */
struct tock_console_ring {
	u8 *buf;
	size_t size;			/* a power of two */
	size_t head;
	size_t tail;
};

/*
 * Per-process state (the grant), reached by the process's commands and,
 * while it reads, through tock_console_reads by whoever feeds input.
 */
struct tock_console_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	/* The process's read; all protected by tock_console_rx_lock. */
	struct list_head node;		/* on tock_console_reads while reading */
	bool reading;
	u32 want;			/* the read completes with this many */
	u32 got;			/* bytes already in the process's buffer */
};

static u8 tock_console_out_buf[TOCK_CONSOLE_OUT_SIZE];
static u8 tock_console_in_buf[TOCK_CONSOLE_IN_SIZE];

/* Protects tock_console_out and tock_console_dropped. */
static DEFINE_SPINLOCK(tock_console_out_lock);
static struct tock_console_ring tock_console_out = {
	.buf = tock_console_out_buf,
	.size = TOCK_CONSOLE_OUT_SIZE,
};

/* Output bytes overwritten before anyone read them. */
static u64 tock_console_dropped;
/* Readers of /dev/tock-console wait here for output. */
static DECLARE_WAIT_QUEUE_HEAD(tock_console_out_wq);
/*
 * Serialises write commands, so that one write's bytes stay together as a
 * UART sends one buffer at a time; the kernel log mirror runs under it too.
 */
static DEFINE_MUTEX(tock_console_tx_lock);
/*
 * Serialises readers of /dev/tock-console: a reader peeks, copies out and
 * only then consumes, so a reader that faults or is killed loses nothing.
 */
static DEFINE_MUTEX(tock_console_reader_lock);

/*
 * Protects tock_console_in, tock_console_reads and every grant's read
 * fields.  Only process context takes it (commands, process_exit, writers
 * of /dev/tock-console); it is never held across a user copy.
 */
static DEFINE_MUTEX(tock_console_rx_lock);
static struct tock_console_ring tock_console_in = {
	.buf = tock_console_in_buf,
	.size = TOCK_CONSOLE_IN_SIZE,
};

/* Pending reads, oldest first: the first is the one being filled. */
static LIST_HEAD(tock_console_reads);
/* Writers of /dev/tock-console wait here for input space. */
static DECLARE_WAIT_QUEUE_HEAD(tock_console_in_wq);

/* Mirrored records: DEFAULT_RATELIMIT_BURST per 5 s, whoever writes. */
static DEFINE_RATELIMIT_STATE(tock_console_log_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

static size_t tock_console_ring_used(const struct tock_console_ring *r)
{
	return READ_ONCE(r->head) - READ_ONCE(r->tail);
}

/* Whether a reader of /dev/tock-console has output to read: a hint. */
static bool tock_console_out_ready(void)
{
	return tock_console_ring_used(&tock_console_out);
}

/* Whether a writer of /dev/tock-console has input room: a hint. */
static bool tock_console_in_room(void)
{
	return tock_console_ring_used(&tock_console_in) < TOCK_CONSOLE_IN_SIZE;
}

/* Copy @n bytes from position @pos of @r, which holds them. */
static void tock_console_ring_peek(const struct tock_console_ring *r,
				   size_t pos, u8 *dst, size_t n)
{
	size_t off = pos & (r->size - 1);
	size_t first = min(n, r->size - off);

	memcpy(dst, r->buf + off, first);
	memcpy(dst + first, r->buf, n - first);
}

/* Append @n bytes to @r, which has room for them. */
static void tock_console_ring_put(struct tock_console_ring *r, const u8 *src,
				  size_t n)
{
	size_t off = r->head & (r->size - 1);
	size_t first = min(n, r->size - off);

	memcpy(r->buf + off, src, first);
	memcpy(r->buf, src + first, n - first);
	WRITE_ONCE(r->head, r->head + n);
}

/* Queue output for readers, overwriting the oldest when the ring is full. */
static void tock_console_out_put(const u8 *src, size_t n)
{
	struct tock_console_ring *r = &tock_console_out;
	size_t over;

	BUILD_BUG_ON(TOCK_CONSOLE_CHUNK > TOCK_CONSOLE_OUT_SIZE);
	spin_lock(&tock_console_out_lock);
	over = tock_console_ring_used(r) + n;
	if (over > r->size) {
		over -= r->size;
		WRITE_ONCE(r->tail, r->tail + over);
		tock_console_dropped += over;
	}
	tock_console_ring_put(r, src, n);
	spin_unlock(&tock_console_out_lock);
	wake_up_interruptible_poll(&tock_console_out_wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * Copy the chunk to the kernel log if asked to: escaped, so that control
 * bytes (newlines, carriage returns, ESC sequences) cannot start or forge
 * records or drive the serial console, and rate-limited across all
 * processes.  "%*pEap" escapes every non-printable byte (ESCAPE_ANY: octal,
 * with \n, \r, \e and friends spelt out) and passes printable ones
 * (ESCAPE_NP).
 */
static void tock_console_mirror(struct tock_grant *g, const u8 *p, size_t n)
{
	size_t piece;

	lockdep_assert_held(&tock_console_tx_lock);
	if (!READ_ONCE(tock_console_mirror_log))
		return;
	for (; n; p += piece, n -= piece) {
		piece = min_t(size_t, n, TOCK_CONSOLE_LOG_PIECE);
		if (!__ratelimit(&tock_console_log_rs))
			return;
		pr_info("[%d] %*pEap\n", tock_grant_pid(g), (int)piece, p);
	}
}

/* Bytes [@at, @at + @len) of a process buffer, and where they go. */
struct tock_console_chunk {
	u8 *data;
	size_t at;
	size_t len;
};

static int tock_console_copy_out(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_console_chunk *c = ctx;
	struct tock_ro_slice part;

	/* The process may have allowed a shorter buffer since the command. */
	if (tock_ro_slice_sub(s, TOCK_RANGE(c->at, c->at + c->len), &part))
		return -EMSGSIZE;
	return tock_ro_slice_copy_to(&part, c->data, c->len);
}

/* Copy one chunk of read-only allow 1 out; 0 or -errno. */
static int tock_console_write_chunk(struct tock_grant *g,
				    struct tock_console_chunk *c)
{
	struct tock_ro_buffer_ref ref;
	int ret;

	ret = tock_grant_ro_buffer_get(g, TOCK_CONSOLE_ALLOW, &ref);
	if (ret)
		return ret;
	ret = tock_ro_buffer_enter(&ref.buffer, tock_console_copy_out, c);
	tock_ro_buffer_ref_put(&ref);
	return ret;
}

static size_t tock_console_write_len(struct tock_grant *g, u64 len)
{
	struct tock_ro_buffer_ref ref;
	size_t have = 0;

	if (!tock_grant_ro_buffer_get(g, TOCK_CONSOLE_ALLOW, &ref)) {
		have = tock_ro_buffer_len(&ref.buffer);
		tock_ro_buffer_ref_put(&ref);
	}
	/* The upcall reports the count in 32 bits. */
	return min_t(u64, min_t(u64, len, have), U32_MAX);
}

/*
 * Command 1: send the whole of min(@len, allowed length), a chunk at a
 * time, re-reading the slot for each one.  If the process shrinks or drops
 * the buffer meanwhile, the write ends there and reports what was sent,
 * as Tock's capsule does.
 */
static struct tock_command_ret tock_console_write(struct tock_grant *g,
						  u64 len)
{
	struct tock_console_chunk c = {};
	size_t want = tock_console_write_len(g, len);

	c.data = kmalloc(TOCK_CONSOLE_CHUNK, GFP_KERNEL_ACCOUNT);
	if (!c.data)
		return tock_ret_failure(TOCK_STATUS_NOMEM);
	if (mutex_lock_killable(&tock_console_tx_lock)) {
		kfree(c.data);
		return tock_ret_failure(TOCK_STATUS_CANCEL);
	}
	while (c.at < want) {
		c.len = min_t(size_t, want - c.at, TOCK_CONSOLE_CHUNK);
		if (tock_console_write_chunk(g, &c))
			break;
		tock_console_out_put(c.data, c.len);
		tock_console_mirror(g, c.data, c.len);
		c.at += c.len;
		/* A long write is the caller's own time, but stays killable. */
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	mutex_unlock(&tock_console_tx_lock);
	kfree(c.data);
	/*
	 * The text is out: the write succeeded even if the process let its
	 * upcall queue fill up and misses this one.
	 */
	tock_grant_schedule_upcall(g, TOCK_CONSOLE_UPCALL_WRITE, c.at, 0, 0);
	return tock_ret_success();
}

/* End @app's read with @status and the bytes it received. */
static void tock_console_read_done(struct tock_console_app *app, u32 status)
{
	lockdep_assert_held(&tock_console_rx_lock);
	list_del_init(&app->node);
	app->reading = false;
	tock_grant_schedule_upcall(app->g, TOCK_CONSOLE_UPCALL_READ, status,
				   app->got, 0);
}

static int tock_console_copy_in(const struct tock_rw_slice *s, void *ctx)
{
	const struct tock_console_ring *r = &tock_console_in;
	struct tock_console_chunk *c = ctx;
	size_t off = r->tail & (r->size - 1);
	size_t first = min(c->len, r->size - off);
	struct tock_rw_slice dst, head, rest;

	lockdep_assert_held(&tock_console_rx_lock);
	if (tock_rw_slice_sub(s, TOCK_RANGE(c->at, c->at + c->len), &dst) ||
	    tock_rw_slice_sub(&dst, TOCK_RANGE_TO(first), &head) ||
	    tock_rw_slice_sub(&dst, TOCK_RANGE_FROM(first), &rest))
		return -EMSGSIZE;
	/* The ring's oldest bytes may wrap around its end. */
	tock_rw_slice_copy_from(&head, r->buf + off, first);
	tock_rw_slice_copy_from(&rest, r->buf, c->len - first);
	return 0;
}

/* Move one chunk of input into @app's read-write allow 1; 0 or -errno. */
static int tock_console_read_chunk(struct tock_console_app *app,
				   struct tock_console_chunk *c)
{
	struct tock_rw_buffer_ref ref;
	int ret;

	ret = tock_grant_rw_buffer_get(app->g, TOCK_CONSOLE_ALLOW, &ref);
	if (ret)
		return ret;
	ret = tock_rw_buffer_mut_enter(&ref.buffer, tock_console_copy_in, c);
	tock_rw_buffer_ref_put(&ref);
	return ret;
}

/*
 * Hand typed-ahead input to the pending reads, oldest first.  Each pass
 * consumes input or ends a read, so this is bounded by the input ring's
 * size plus the number of reads.
 */
static void tock_console_deliver_locked(void)
{
	struct tock_console_ring *r = &tock_console_in;
	struct tock_console_chunk c;
	struct tock_console_app *app;
	bool consumed = false;

	lockdep_assert_held(&tock_console_rx_lock);
	while ((app = list_first_entry_or_null(&tock_console_reads,
					       struct tock_console_app,
					       node))) {
		c.at = app->got;
		c.len = min_t(size_t, app->want - app->got,
			      min_t(size_t, tock_console_ring_used(r),
				    TOCK_CONSOLE_CHUNK));
		if (!c.len)
			break;
		if (tock_console_read_chunk(app, &c)) {
			/* Shrunk, dropped or dead: the bytes stay for the next. */
			tock_console_read_done(app, TOCK_STATUS_SIZE);
			continue;
		}
		WRITE_ONCE(r->tail, r->tail + c.len);
		consumed = true;
		app->got += c.len;
		if (app->got == app->want)
			tock_console_read_done(app, TOCK_STATUS_SUCCESS);
	}
	if (consumed)
		wake_up_interruptible_poll(&tock_console_in_wq,
					   EPOLLOUT | EPOLLWRNORM);
}

/*
 * Command 2: queue a read of min(@len, allowed length) bytes.  As in Tock,
 * a process has one read at a time (BUSY), and a read of nothing (length
 * 0, or no buffer allowed) is refused with SIZE, the UART's answer to a
 * zero-length receive.  Input typed ahead completes it at once.
 */
static struct tock_command_ret tock_console_read(struct tock_grant *g,
						 u64 len)
{
	struct tock_console_app *app = tock_grant_data(g);
	struct tock_rw_buffer_ref ref;
	size_t have = 0;
	u32 status = TOCK_STATUS_SUCCESS;

	if (!tock_grant_rw_buffer_get(g, TOCK_CONSOLE_ALLOW, &ref)) {
		have = tock_rw_buffer_len(&ref.buffer);
		tock_rw_buffer_ref_put(&ref);
	}
	mutex_lock(&tock_console_rx_lock);
	if (app->reading) {
		status = TOCK_STATUS_BUSY;
	} else if (!min_t(u64, len, have)) {
		status = TOCK_STATUS_SIZE;
	} else {
		app->want = min_t(u64, min_t(u64, len, have), U32_MAX);
		app->got = 0;
		app->reading = true;
		list_add_tail(&app->node, &tock_console_reads);
		tock_console_deliver_locked();
	}
	mutex_unlock(&tock_console_rx_lock);
	return status ? tock_ret_failure(status) : tock_ret_success();
}

/*
 * Command 3: end the process's own read with CANCEL and what it received
 * so far.  Tock's capsule aborts whatever receive the UART has running;
 * here one process cannot cancel another's.  Success with nothing to abort.
 */
static struct tock_command_ret tock_console_abort(struct tock_grant *g)
{
	struct tock_console_app *app = tock_grant_data(g);

	mutex_lock(&tock_console_rx_lock);
	if (app->reading)
		tock_console_read_done(app, TOCK_STATUS_CANCEL);
	mutex_unlock(&tock_console_rx_lock);
	return tock_ret_success();
}

static struct tock_command_ret tock_console_command(struct tock_grant *g,
						    u32 cmd, u64 arg1,
						    u64 arg2)
{
	switch (cmd) {
	case TOCK_CONSOLE_CMD_WRITE:
		return tock_console_write(g, arg1);
	case TOCK_CONSOLE_CMD_READ:
		return tock_console_read(g, arg1);
	case TOCK_CONSOLE_CMD_ABORT:
		return tock_console_abort(g);
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

static int tock_console_grant_init(struct tock_grant *g)
{
	struct tock_console_app *app = tock_grant_data(g);

	app->g = g;
	INIT_LIST_HEAD(&app->node);
	return 0;
}

/*
 * The process ended: its read leaves the queue without an upcall, and the
 * next read in line gets the input that was waiting.  Writes run inside
 * the process's own command, so none is in flight.
 */
static void tock_console_process_exit(struct tock_grant *g)
{
	struct tock_console_app *app = tock_grant_data(g);

	mutex_lock(&tock_console_rx_lock);
	if (app->reading) {
		list_del_init(&app->node);
		app->reading = false;
		tock_console_deliver_locked();
	}
	mutex_unlock(&tock_console_rx_lock);
}

static struct tock_driver tock_console_driver = {
	.num = TOCK_DRIVER_CONSOLE,
	.allow_counts = {
		[TOCK_ALLOW_RO] = TOCK_CONSOLE_SLOTS,
		[TOCK_ALLOW_RW] = TOCK_CONSOLE_SLOTS,
	},
	.upcall_count = TOCK_CONSOLE_UPCALLS,
	.grant_size = sizeof(struct tock_console_app),
	.owner = THIS_MODULE,
	.command = tock_console_command,
	.grant_init = tock_console_grant_init,
	.process_exit = tock_console_process_exit,
};

static bool tock_console_nonblock(struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

/*
 * Move output that is there now to @to, up to its size.  Bytes are
 * consumed only once they have been copied out.
 */
static ssize_t tock_console_do_read(struct iov_iter *to, u8 *bounce)
{
	struct tock_console_ring *r = &tock_console_out;
	size_t done = 0, n, pos, lost;

	lockdep_assert_held(&tock_console_reader_lock);
	while (iov_iter_count(to)) {
		spin_lock(&tock_console_out_lock);
		pos = r->tail;
		n = min_t(size_t, iov_iter_count(to),
			  min_t(size_t, tock_console_ring_used(r),
				TOCK_CONSOLE_CHUNK));
		tock_console_ring_peek(r, pos, bounce, n);
		spin_unlock(&tock_console_out_lock);
		if (!n)
			break;
		n = copy_to_iter(bounce, n, to);
		if (!n)
			return done ? done : -EFAULT;
		spin_lock(&tock_console_out_lock);
		/*
		 * Output that overwrote these bytes while we copied them out
		 * counted them as dropped, but this reader has them.
		 */
		lost = min(r->tail - pos, n);
		tock_console_dropped -= lost;
		WRITE_ONCE(r->tail, r->tail + n - lost);
		spin_unlock(&tock_console_out_lock);
		done += n;
	}
	return done;
}

static ssize_t tock_console_fops_read_iter(struct kiocb *iocb,
					   struct iov_iter *to)
{
	ssize_t ret;
	u8 *bounce;

	if (!iov_iter_count(to))
		return 0;
	bounce = kmalloc(TOCK_CONSOLE_CHUNK, GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;
	for (;;) {
		ret = mutex_lock_interruptible(&tock_console_reader_lock);
		if (ret)
			break;
		ret = tock_console_do_read(to, bounce);
		mutex_unlock(&tock_console_reader_lock);
		if (ret)
			break;
		if (tock_console_nonblock(iocb)) {
			ret = -EAGAIN;
			break;
		}
		ret = wait_event_interruptible(tock_console_out_wq,
					       tock_console_out_ready());
		if (ret)
			break;
	}
	kfree(bounce);
	return ret;
}

/* Queue up to @n bytes of input and serve the reads; returns bytes taken. */
static size_t tock_console_in_put(const u8 *src, size_t n)
{
	struct tock_console_ring *r = &tock_console_in;

	mutex_lock(&tock_console_rx_lock);
	n = min(n, r->size - tock_console_ring_used(r));
	tock_console_ring_put(r, src, n);
	tock_console_deliver_locked();
	mutex_unlock(&tock_console_rx_lock);
	return n;
}

static ssize_t tock_console_fops_write_iter(struct kiocb *iocb,
					    struct iov_iter *from)
{
	size_t done = 0, n, taken;
	ssize_t ret = 0;
	u8 *bounce;

	if (!iov_iter_count(from))
		return 0;
	bounce = kmalloc(TOCK_CONSOLE_CHUNK, GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;
	while (iov_iter_count(from)) {
		/* Copied in before the lock: a stalled fault must not hold it. */
		n = copy_from_iter(bounce, min_t(size_t, iov_iter_count(from),
						 TOCK_CONSOLE_CHUNK), from);
		if (!n) {
			ret = -EFAULT;
			break;
		}
		taken = tock_console_in_put(bounce, n);
		iov_iter_revert(from, n - taken);
		done += taken;
		if (taken)
			continue;
		if (tock_console_nonblock(iocb)) {
			ret = -EAGAIN;
			break;
		}
		ret = wait_event_interruptible(tock_console_in_wq,
					       tock_console_in_room());
		if (ret)
			break;
	}
	kfree(bounce);
	return done ? done : ret;
}

static __poll_t tock_console_fops_poll(struct file *file, poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &tock_console_out_wq, wait);
	poll_wait(file, &tock_console_in_wq, wait);
	if (tock_console_out_ready())
		mask |= EPOLLIN | EPOLLRDNORM;
	if (tock_console_in_room())
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int tock_console_fops_open(struct inode *inode, struct file *file)
{
	return nonseekable_open(inode, file);
}

static ssize_t tock_console_dropped_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	u64 dropped;

	spin_lock(&tock_console_out_lock);
	dropped = tock_console_dropped;
	spin_unlock(&tock_console_out_lock);
	return sysfs_emit(buf, "%llu\n", dropped);
}

static ssize_t tock_console_out_size_show(struct device *dev,
					  struct device_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%u\n", TOCK_CONSOLE_OUT_SIZE);
}

static ssize_t tock_console_in_size_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	return sysfs_emit(buf, "%u\n", TOCK_CONSOLE_IN_SIZE);
}

/* /sys/class/misc/tock-console/: the ring sizes and the output dropped. */
static struct device_attribute tock_console_attr_dropped =
	__ATTR(output_dropped, 0444, tock_console_dropped_show, NULL);
static struct device_attribute tock_console_attr_out_size =
	__ATTR(output_size, 0444, tock_console_out_size_show, NULL);
static struct device_attribute tock_console_attr_in_size =
	__ATTR(input_size, 0444, tock_console_in_size_show, NULL);

static struct attribute *tock_console_attrs[] = {
	&tock_console_attr_dropped.attr,
	&tock_console_attr_out_size.attr,
	&tock_console_attr_in_size.attr,
	NULL,
};
ATTRIBUTE_GROUPS(tock_console);

static const struct file_operations tock_console_fops = {
	.owner = THIS_MODULE,
	.open = tock_console_fops_open,
	.read_iter = tock_console_fops_read_iter,
	.write_iter = tock_console_fops_write_iter,
	.poll = tock_console_fops_poll,
};

static struct miscdevice tock_console_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tock-console",
	.fops = &tock_console_fops,
	.groups = tock_console_groups,
};

static int __init tock_console_init(void)
{
	int ret;

	tock_console_misc.mode = tock_console_mode;
	ret = misc_register(&tock_console_misc);
	if (ret)
		return ret;
	ret = tock_driver_register(&tock_console_driver);
	if (ret)
		goto err_misc_deregister;
	return 0;

err_misc_deregister:
	misc_deregister(&tock_console_misc);
	return ret;
}

static void __exit tock_console_exit(void)
{
	/* Ends every process's reads; an open device pins this module. */
	tock_driver_unregister(&tock_console_driver);
	misc_deregister(&tock_console_misc);
}

module_init(tock_console_init);
module_exit(tock_console_exit);

MODULE_DESCRIPTION("tockallow console driver: a UART whose other end is /dev/tock-console");
MODULE_LICENSE("GPL");
