// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow process-buffer API: what drivers call to reach allowed memory
 * (see include/tock/processbuffer.h for the liveness model).
 */
#include <linux/export.h>

#include "tock_internal.h"

/*
 * Open an access on @buf for a handle bound to @g.  A default handle (no
 * grant) or a dead buffer refuses; an empty slot of a live process enters
 * with an empty slice, as Tock does for a zero-length allow.
 */
static bool tock_buffer_begin(struct tock_buf *buf, struct tock_grant *g,
			      void **data, size_t *len)
{
	if (!g)
		return false;
	if (!buf) {
		*data = NULL;
		*len = 0;
		return READ_ONCE(g->alive);
	}
	if (!tock_buf_access_begin(buf))
		return false;
	*data = buf->kaddr;
	*len = buf->len;
	return true;
}

static void tock_buffer_end(struct tock_buf *buf)
{
	if (buf)
		tock_buf_access_end(buf);
}

static size_t tock_buffer_len(struct tock_buf *buf)
{
	return buf && tock_buf_is_live(buf) ? buf->len : 0;
}

static const void __user *tock_buffer_ptr(struct tock_buf *buf)
{
	/* A zero-length buffer never hands back the process's placeholder. */
	if (!tock_buffer_len(buf))
		return NULL;
	return u64_to_user_ptr(buf->uaddr);
}

static int tock_buffer_enter(struct tock_buf *buf, struct tock_grant *g,
			     tock_ro_enter_fn fn, void *ctx)
{
	struct tock_ro_slice s;
	void *data;
	size_t len;
	int ret;

	if (!tock_buffer_begin(buf, g, &data, &len))
		return -ESRCH;
	/*
	 * SAFETY: tock_buffer_begin() found the buffer live and holds an
	 * access open, so its pages are pinned and mapped at @data for @len
	 * bytes until tock_buffer_end(); killing the buffer waits for us.
	 * The process may write them concurrently, which the slice's byte
	 * accessors and memcpy() tolerate.  The slice does not outlive @fn.
	 */
	s = tock_ro_slice_from_kernel(data, len);
	ret = fn(&s, ctx);
	tock_buffer_end(buf);
	return ret;
}

static int tock_buffer_mut_enter(struct tock_buf *buf, struct tock_grant *g,
				 tock_rw_enter_fn fn, void *ctx)
{
	struct tock_rw_slice s;
	void *data;
	size_t len;
	int ret;

	if (!tock_buffer_begin(buf, g, &data, &len))
		return -ESRCH;
	/*
	 * SAFETY: tock_buffer_begin() found the buffer live and holds an
	 * access open, so its pages are pinned (FOLL_WRITE, since only
	 * read-write and userspace-readable buffers reach here) and mapped at
	 * @data for @len bytes until tock_buffer_end(); killing the buffer
	 * waits for us.  The process may access them concurrently, which the
	 * slice's byte accessors and memcpy() tolerate.  The slice does not
	 * outlive @fn.
	 */
	s = tock_rw_slice_from_kernel(data, len);
	ret = fn(&s, ctx);
	tock_buffer_end(buf);
	return ret;
}

/**
 * tock_ro_buffer_len() - length of a read-only buffer
 * @b: the buffer
 *
 * C counterpart of ReadableProcessBuffer::len() for ReadOnlyProcessBuffer.
 *
 * Default buffer: 0, as for a dead buffer.
 *
 * Context: Any context.
 * Return: the allowed length, or 0 when default or dead.
 */
size_t tock_ro_buffer_len(const struct tock_ro_buffer *b)
{
	return tock_buffer_len(b->buf);
}
EXPORT_SYMBOL_GPL(tock_ro_buffer_len);

/**
 * tock_rw_buffer_len() - length of a read-write buffer
 * @b: the buffer
 *
 * Default buffer: 0, as for a dead buffer.
 *
 * Context: Any context.
 * Return: the allowed length, or 0 when default or dead.
 */
size_t tock_rw_buffer_len(const struct tock_rw_buffer *b)
{
	return tock_buffer_len(b->buf);
}
EXPORT_SYMBOL_GPL(tock_rw_buffer_len);

/**
 * tock_ur_buffer_len() - length of a userspace-readable buffer
 * @b: the buffer
 *
 * Default buffer: 0, as for a dead buffer.
 *
 * Context: Any context.
 * Return: the allowed length, or 0 when default or dead.
 */
size_t tock_ur_buffer_len(const struct tock_ur_buffer *b)
{
	return tock_buffer_len(b->buf);
}
EXPORT_SYMBOL_GPL(tock_ur_buffer_len);

/**
 * tock_ro_buffer_ptr() - the process address of a read-only buffer
 * @b: the buffer
 *
 * C counterpart of ReadableProcessBuffer::ptr(): for reporting only; a
 * driver never dereferences it.
 *
 * Default buffer: NULL, as for a dead or zero-length buffer.
 *
 * Context: Any context.
 * Return: the address the process allowed, or NULL.
 */
const void __user *tock_ro_buffer_ptr(const struct tock_ro_buffer *b)
{
	return tock_buffer_ptr(b->buf);
}
EXPORT_SYMBOL_GPL(tock_ro_buffer_ptr);

/**
 * tock_rw_buffer_ptr() - the process address of a read-write buffer
 * @b: the buffer
 *
 * Default buffer: NULL, as for a dead or zero-length buffer.
 *
 * Context: Any context.
 * Return: the address the process allowed, or NULL.
 */
const void __user *tock_rw_buffer_ptr(const struct tock_rw_buffer *b)
{
	return tock_buffer_ptr(b->buf);
}
EXPORT_SYMBOL_GPL(tock_rw_buffer_ptr);

/**
 * tock_ur_buffer_ptr() - the process address of a userspace-readable buffer
 * @b: the buffer
 *
 * Default buffer: NULL, as for a dead or zero-length buffer.
 *
 * Context: Any context.
 * Return: the address the process allowed, or NULL.
 */
const void __user *tock_ur_buffer_ptr(const struct tock_ur_buffer *b)
{
	return tock_buffer_ptr(b->buf);
}
EXPORT_SYMBOL_GPL(tock_ur_buffer_ptr);

/**
 * tock_ro_buffer_enter() - run @fn over a read-only buffer's memory
 * @b: the buffer
 * @fn: called with a readable slice over the memory
 * @ctx: passed to @fn
 *
 * C counterpart of ReadableProcessBuffer::enter().  Checks liveness now;
 * the buffer cannot die while @fn runs.  O(1) apart from @fn.
 *
 * Default buffer: refuses without calling @fn, as for a dead buffer.
 *
 * Context: Any context, hard IRQ included (on PREEMPT_RT too: only raw
 * spinlocks are taken); never sleeps, and @fn must not.
 * Return: @fn's return value, or -ESRCH (Tock's NoSuchApp) when the buffer
 * is default or dead and @fn was not called.
 */
int tock_ro_buffer_enter(const struct tock_ro_buffer *b, tock_ro_enter_fn fn,
			 void *ctx)
{
	return tock_buffer_enter(b->buf, b->grant, fn, ctx);
}
EXPORT_SYMBOL_GPL(tock_ro_buffer_enter);

/**
 * tock_rw_buffer_enter() - run @fn over a read-write buffer, read-only
 * @b: the buffer
 * @fn: called with a readable slice over the memory
 * @ctx: passed to @fn
 *
 * C counterpart of ReadableProcessBuffer::enter() for
 * ReadWriteProcessBuffer.
 *
 * Default buffer: refuses without calling @fn, as for a dead buffer.
 *
 * Context: Any context, hard IRQ included (on PREEMPT_RT too: only raw
 * spinlocks are taken); never sleeps, and @fn must not.
 * Return: @fn's return value, or -ESRCH when @fn was not called.
 */
int tock_rw_buffer_enter(const struct tock_rw_buffer *b, tock_ro_enter_fn fn,
			 void *ctx)
{
	return tock_buffer_enter(b->buf, b->grant, fn, ctx);
}
EXPORT_SYMBOL_GPL(tock_rw_buffer_enter);

/**
 * tock_rw_buffer_mut_enter() - run @fn over a read-write buffer's memory
 * @b: the buffer
 * @fn: called with a writeable slice over the memory
 * @ctx: passed to @fn
 *
 * C counterpart of WriteableProcessBuffer::mut_enter().  Only read-write
 * and userspace-readable handles have it, so writing a read-only buffer
 * does not compile.
 *
 * Default buffer: refuses without calling @fn, as for a dead buffer.
 *
 * Context: Any context, hard IRQ included (on PREEMPT_RT too: only raw
 * spinlocks are taken); never sleeps, and @fn must not.
 * Return: @fn's return value, or -ESRCH when @fn was not called.
 */
int tock_rw_buffer_mut_enter(const struct tock_rw_buffer *b,
			     tock_rw_enter_fn fn, void *ctx)
{
	return tock_buffer_mut_enter(b->buf, b->grant, fn, ctx);
}
EXPORT_SYMBOL_GPL(tock_rw_buffer_mut_enter);

/**
 * tock_ur_buffer_enter() - run @fn over a userspace-readable buffer,
 *	read-only
 * @b: the buffer
 * @fn: called with a readable slice over the memory
 * @ctx: passed to @fn
 *
 * Default buffer: refuses without calling @fn, as for a dead buffer.
 *
 * Context: Any context, hard IRQ included (on PREEMPT_RT too: only raw
 * spinlocks are taken); never sleeps, and @fn must not.
 * Return: @fn's return value, or -ESRCH when @fn was not called.
 */
int tock_ur_buffer_enter(const struct tock_ur_buffer *b, tock_ro_enter_fn fn,
			 void *ctx)
{
	return tock_buffer_enter(b->buf, b->grant, fn, ctx);
}
EXPORT_SYMBOL_GPL(tock_ur_buffer_enter);

/**
 * tock_ur_buffer_mut_enter() - run @fn over a userspace-readable buffer
 * @b: the buffer
 * @fn: called with a writeable slice over the memory
 * @ctx: passed to @fn
 *
 * C counterpart of WriteableProcessBuffer::mut_enter() for
 * UserspaceReadableProcessBuffer.
 *
 * Default buffer: refuses without calling @fn, as for a dead buffer.
 *
 * Context: Any context, hard IRQ included (on PREEMPT_RT too: only raw
 * spinlocks are taken); never sleeps, and @fn must not.
 * Return: @fn's return value, or -ESRCH when @fn was not called.
 */
int tock_ur_buffer_mut_enter(const struct tock_ur_buffer *b,
			     tock_rw_enter_fn fn, void *ctx)
{
	return tock_buffer_mut_enter(b->buf, b->grant, fn, ctx);
}
EXPORT_SYMBOL_GPL(tock_ur_buffer_mut_enter);
