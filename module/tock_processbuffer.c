// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow process-buffer API: what drivers call to reach allowed memory
 * (see include/tock/processbuffer.h for the liveness model).
 */
#include <linux/export.h>
#include <linux/mm.h>

#include "tock_internal.h"

/*
 * Length of the physically contiguous run of pinned pages that starts at
 * byte @off, at most @max: consecutive page frames are consecutive in the
 * direct map, and every page of a huge page is.
 */
static size_t tock_slice_run(struct page *const *pages, size_t off,
			     size_t max)
{
	size_t head = PAGE_SIZE - offset_in_page(off);
	size_t n;

	if (!pages || head >= max)
		return max;
	/* @head bytes of the first page, a page more per consecutive one. */
	n = tock_pages_run(pages + (off >> PAGE_SHIFT),
			   1 + DIV_ROUND_UP(max - head, PAGE_SIZE));
	return min(head + (n - 1) * PAGE_SIZE, max);
}

static void tock_slice_copy_out(struct page *const *pages, const void *kdata,
				size_t off, void *dst, size_t len)
{
	size_t n;

	while (len) {
		n = tock_slice_run(pages, off, len);
		memcpy(dst, __tock_slice_ptr(pages, kdata, off), n);
		dst += n;
		off += n;
		len -= n;
	}
}

static void tock_slice_copy_in(struct page *const *pages, void *kdata,
			       size_t off, const void *src, size_t len)
{
	size_t n;

	while (len) {
		n = tock_slice_run(pages, off, len);
		memcpy(__tock_slice_ptr(pages, kdata, off), src, n);
		src += n;
		off += n;
		len -= n;
	}
}

/**
 * tock_ro_slice_copy_to_or_err() - copy a whole slice into kernel memory
 * @s: the slice
 * @dst: destination
 * @len: size of @dst, which must equal the slice's length
 *
 * C counterpart of copy_to_slice_or_err().  Runs at memcpy() speed.
 *
 * Context: Any context.
 * Return: 0, or -EMSGSIZE (Tock's SIZE) when @len differs from the
 * slice's length, having copied nothing.
 */
int tock_ro_slice_copy_to_or_err(const struct tock_ro_slice *s, void *dst,
				 size_t len)
{
	if (len != s->len)
		return -EMSGSIZE;
	tock_slice_copy_out(s->pages, s->kdata, s->off, dst, len);
	return 0;
}
EXPORT_SYMBOL_GPL(tock_ro_slice_copy_to_or_err);

/**
 * tock_ro_slice_copy_to() - copy a whole slice into kernel memory, strictly
 * @s: the slice
 * @dst: destination
 * @len: size of @dst, which must equal the slice's length
 *
 * C counterpart of copy_to_slice(), which panics on a length mismatch; here
 * a mismatch is a driver bug that warns once and copies nothing.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL on a length mismatch.
 */
int tock_ro_slice_copy_to(const struct tock_ro_slice *s, void *dst,
			  size_t len)
{
	if (WARN_ON_ONCE(len != s->len))
		return -EINVAL;
	tock_slice_copy_out(s->pages, s->kdata, s->off, dst, len);
	return 0;
}
EXPORT_SYMBOL_GPL(tock_ro_slice_copy_to);

/**
 * tock_rw_slice_copy_from_or_err() - fill a whole slice from kernel memory
 * @s: the slice
 * @src: source
 * @len: size of @src, which must equal the slice's length
 *
 * C counterpart of copy_from_slice_or_err().
 *
 * Context: Any context.
 * Return: 0, or -EMSGSIZE (Tock's SIZE) when @len differs from the
 * slice's length, having copied nothing.
 */
int tock_rw_slice_copy_from_or_err(const struct tock_rw_slice *s,
				   const void *src, size_t len)
{
	if (len != s->len)
		return -EMSGSIZE;
	tock_slice_copy_in(s->pages, s->kdata, s->off, src, len);
	return 0;
}
EXPORT_SYMBOL_GPL(tock_rw_slice_copy_from_or_err);

/**
 * tock_rw_slice_copy_from() - fill a whole slice from kernel memory, strictly
 * @s: the slice
 * @src: source
 * @len: size of @src, which must equal the slice's length
 *
 * C counterpart of copy_from_slice(): a mismatch warns once and copies
 * nothing.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL on a length mismatch.
 */
int tock_rw_slice_copy_from(const struct tock_rw_slice *s, const void *src,
			    size_t len)
{
	if (WARN_ON_ONCE(len != s->len))
		return -EINVAL;
	tock_slice_copy_in(s->pages, s->kdata, s->off, src, len);
	return 0;
}
EXPORT_SYMBOL_GPL(tock_rw_slice_copy_from);

/**
 * tock_ro_slice_walk_runs() - work on a readable slice's memory in place
 * @s: the slice
 * @fn: called with each contiguous run, in order
 * @ctx: passed to @fn
 *
 * The runs cover the slice exactly; a transparent huge page is one run, a
 * buffer of scattered small pages has one run per page, and a buffer
 * mapped with tock_ro_buffer_map() (or the rw/ur variants) is one run.
 * @fn gets a kernel pointer to process memory, valid only while it runs,
 * inside the enter that produced @s; the process may write those bytes
 * meanwhile.
 *
 * Context: Any context, as the enter callback's; @fn must not sleep.
 * Return: 0, or the first non-zero value @fn returned (the walk stops).
 */
int tock_ro_slice_walk_runs(const struct tock_ro_slice *s, tock_ro_run_fn fn,
			    void *ctx)
{
	size_t off = s->off, len = s->len, n;
	int ret;

	while (len) {
		n = tock_slice_run(s->pages, off, len);
		ret = fn(__tock_slice_ptr(s->pages, s->kdata, off), n, ctx);
		if (ret)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(tock_ro_slice_walk_runs);

/**
 * tock_rw_slice_walk_runs() - work on a writeable slice's memory in place
 * @s: the slice
 * @fn: called with each contiguous run, in order
 * @ctx: passed to @fn
 *
 * As tock_ro_slice_walk_runs(), with writeable runs.
 *
 * Context: Any context, as the mut_enter callback's; @fn must not sleep.
 * Return: 0, or the first non-zero value @fn returned (the walk stops).
 */
int tock_rw_slice_walk_runs(const struct tock_rw_slice *s, tock_rw_run_fn fn,
			    void *ctx)
{
	size_t off = s->off, len = s->len, n;
	int ret;

	while (len) {
		n = tock_slice_run(s->pages, off, len);
		ret = fn(__tock_slice_ptr(s->pages, s->kdata, off), n, ctx);
		if (ret)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(tock_rw_slice_walk_runs);

/*
 * Open an access on @buf for a handle bound to @g and describe its memory
 * in @view (pages, offset, length): O(1) whatever the size.  A default
 * handle (no grant) or a dead buffer refuses; an empty slot of a live
 * process enters with an empty view, as Tock does for a zero-length allow.
 */
static bool tock_buffer_begin(struct tock_buf *buf, struct tock_grant *g,
			      struct tock_rw_slice *view)
{
	*view = (struct tock_rw_slice){};
	if (!g)
		return false;
	if (!buf)
		return READ_ONCE(g->alive);
	if (!tock_buf_access_begin(buf))
		return false;
	/* Set by tock_buf_map_contig() while others may be entering. */
	view->kdata = smp_load_acquire(&buf->kaddr);
	if (!view->kdata) {
		view->pages = buf->pages;
		view->off = untagged_addr(buf->uaddr) - buf->first;
	}
	view->len = buf->len;
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
	struct tock_rw_slice view;
	struct tock_ro_slice s;
	int ret;

	if (!tock_buffer_begin(buf, g, &view))
		return -ESRCH;
	/*
	 * SAFETY: tock_buffer_begin() found the buffer live and holds an
	 * access open, so its pages stay pinned, and reachable through the
	 * direct map (or the buffer's vmap()), for the view's length until
	 * tock_buffer_end(); killing the buffer waits for us.  The process
	 * may write them concurrently, which the slice's byte accessors and
	 * memcpy() tolerate.  The slice does not outlive @fn.
	 */
	s = tock_rw_slice_as_ro(&view);
	ret = fn(&s, ctx);
	tock_buffer_end(buf);
	return ret;
}

static int tock_buffer_mut_enter(struct tock_buf *buf, struct tock_grant *g,
				 tock_rw_enter_fn fn, void *ctx)
{
	struct tock_rw_slice s;
	int ret;

	if (!tock_buffer_begin(buf, g, &s))
		return -ESRCH;
	/*
	 * SAFETY: tock_buffer_begin() found the buffer live and holds an
	 * access open, so its pages stay pinned (FOLL_WRITE, since only
	 * read-write and userspace-readable buffers reach here) and
	 * reachable for the slice's length until tock_buffer_end(); killing
	 * the buffer waits for us.  The process may access them
	 * concurrently, which the slice's byte accessors and memcpy()
	 * tolerate.  The slice does not outlive @fn.
	 */
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

static int tock_buffer_map(struct tock_buf *buf, struct tock_grant *g)
{
	if (!g || !buf)
		return -ESRCH;
	return tock_buf_map_contig(buf);
}

/**
 * tock_ro_buffer_map() - give a read-only buffer one contiguous kernel view
 * @b: the buffer
 *
 * For a driver that truly needs the whole buffer at one kernel address (a
 * library routine that takes one pointer and a length, say): maps the
 * pinned pages once, on first call, and keeps the mapping with the buffer
 * until its pages are released.  From then on every enter of the buffer
 * hands out slices over that mapping, so tock_ro_slice_walk_runs() calls
 * its function once with the whole slice.  Allowing never maps anything;
 * a driver that works run by run has no reason to call this.
 *
 * Context: Process context; sleeps.  Not from an enter callback.
 * Return: 0 once the buffer is mapped (or was already); -ESRCH for the
 * default buffer, an empty slot or a dead buffer; -ENOMEM.
 */
int tock_ro_buffer_map(const struct tock_ro_buffer *b)
{
	return tock_buffer_map(b->buf, b->grant);
}
EXPORT_SYMBOL_GPL(tock_ro_buffer_map);

/**
 * tock_rw_buffer_map() - give a read-write buffer one contiguous kernel view
 * @b: the buffer
 *
 * As tock_ro_buffer_map(), for enter and mut_enter.
 *
 * Context: Process context; sleeps.  Not from an enter callback.
 * Return: 0, -ESRCH or -ENOMEM, as tock_ro_buffer_map().
 */
int tock_rw_buffer_map(const struct tock_rw_buffer *b)
{
	return tock_buffer_map(b->buf, b->grant);
}
EXPORT_SYMBOL_GPL(tock_rw_buffer_map);

/**
 * tock_ur_buffer_map() - give a userspace-readable buffer one contiguous
 *	kernel view
 * @b: the buffer
 *
 * As tock_ro_buffer_map(), for enter and mut_enter.
 *
 * Context: Process context; sleeps.  Not from an enter callback.
 * Return: 0, -ESRCH or -ENOMEM, as tock_ro_buffer_map().
 */
int tock_ur_buffer_map(const struct tock_ur_buffer *b)
{
	return tock_buffer_map(b->buf, b->grant);
}
EXPORT_SYMBOL_GPL(tock_ur_buffer_map);

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
