/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tockallow process buffers: how in-kernel drivers reach memory that a
 * process allowed them, the C counterpart of Tock's kernel::processbuffer.
 */
#ifndef _TOCK_PROCESSBUFFER_H
#define _TOCK_PROCESSBUFFER_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/types.h>

/**
 * DOC: process buffers and their liveness
 *
 * A process shares memory with a driver through an allow system call; the
 * module pins the pages and keeps them pinned until the slot drops the
 * buffer and no access is in flight.  Drivers never see the pages or a
 * lasting pointer.  They hold a buffer handle (struct tock_ro_buffer,
 * struct tock_rw_buffer, struct tock_ur_buffer) and *enter* it: enter
 * checks, at that moment, that the buffer is live, then calls the driver's
 * function with a transient slice (struct tock_ro_slice or struct
 * tock_rw_slice) over the process memory.
 *
 * A buffer is live while its file is open, its slot still holds it, the
 * owning mm has neither exited nor exec'd, and no part of its range has been
 * unmapped, remapped or zapped since the allow.  A dead buffer has length 0
 * and refuses enter without calling the function.
 *
 * Once a system call that replaces or clears a slot returns, or munmap
 * returns, no driver is still inside an access to the old buffer: killing a
 * buffer waits for the accesses in flight.
 *
 * Slices are valid only inside the function given to enter.  The process
 * may write the memory concurrently, so every byte access is a single
 * non-torn load or store and copies use memcpy(); never build a struct view
 * over process memory.
 *
 * Getting a buffer from a grant, entering it, putting it and scheduling an
 * upcall work in any context, hard IRQ included, on PREEMPT_RT too: they
 * take only raw spinlocks, never allocate, and leave the wake-ups that
 * hard IRQ context may not do to an irq_work.  An enter keeps the buffer's
 * munmap, unallow and close waiting until it returns, so its function must
 * be short: work on a large buffer one bounded chunk per enter.
 */

/**
 * struct tock_process_byte - one readable byte of process memory
 *
 * C counterpart of Tock's ReadableProcessByte.  Only ever reached through a
 * pointer returned by tock_ro_slice_at(), and only while the enter call
 * that produced the slice runs.  It names that one byte: pointer
 * arithmetic from it reaches nothing the slice vouches for.
 */
struct tock_process_byte {
	/* private: */
	u8 cell;
};

/**
 * struct tock_process_cell - one writeable byte of process memory
 *
 * C counterpart of the Cell<u8> that Tock's WriteableProcessSlice indexes
 * to.  Only ever reached through a pointer returned by tock_rw_slice_at(),
 * and only while the mut_enter call that produced the slice runs.  It is
 * a type of its own so that a byte of a read-only slice cannot be written:
 * tock_process_byte_set() on a struct tock_process_byte does not compile.
 */
struct tock_process_cell {
	/* private: */
	u8 cell;
};

/**
 * tock_process_byte_get() - read one byte of a readable slice
 * @b: the byte
 *
 * A single load: the process may be writing the byte at the same time.
 *
 * Context: Any context, inside the enter callback that produced @b.
 * Return: the byte's value.
 */
static inline u8 tock_process_byte_get(const struct tock_process_byte *b)
{
	return READ_ONCE(b->cell);
}

/**
 * tock_process_cell_get() - read one byte of a writeable slice
 * @b: the byte
 *
 * A single load: the process may be writing the byte at the same time.
 *
 * Context: Any context, inside the mut_enter callback that produced @b.
 * Return: the byte's value.
 */
static inline u8 tock_process_cell_get(const struct tock_process_cell *b)
{
	return READ_ONCE(b->cell);
}

/**
 * tock_process_byte_set() - write one byte of process memory
 * @b: the byte, from a writeable slice; a byte of a read-only slice has
 *	another type, and passing it does not compile (the kernel builds
 *	with -Werror=incompatible-pointer-types)
 * @val: the value to store
 *
 * Context: Any context, inside the mut_enter callback that produced @b.
 */
static inline void tock_process_byte_set(struct tock_process_cell *b, u8 val)
{
	WRITE_ONCE(b->cell, val);
}

/**
 * struct tock_ro_slice - readable process memory, for one enter call
 *
 * C counterpart of Tock's ReadableProcessSlice.  The members are private:
 * every access goes through the tock_ro_slice_*() helpers, which check
 * bounds.
 */
struct tock_ro_slice {
	/* private: */
	struct page *const *pages;
	const void *kdata;
	size_t off;
	size_t len;
};

/**
 * struct tock_rw_slice - readable and writeable process memory, for one
 *	mut_enter call
 *
 * C counterpart of Tock's WriteableProcessSlice.
 */
struct tock_rw_slice {
	/* private: */
	struct page *const *pages;
	void *kdata;
	size_t off;
	size_t len;
};

/* End of a range that runs to the end of the slice. */
#define TOCK_RANGE_END SIZE_MAX

/**
 * struct tock_slice_range - a byte range of a slice, [@start, @end)
 * @start: first byte
 * @end: one past the last byte, or TOCK_RANGE_END for the slice's end
 *
 * C counterpart of Tock's ProcessSliceIndex for ranges; build one with
 * TOCK_RANGE(), TOCK_RANGE_FROM(), TOCK_RANGE_TO() or TOCK_RANGE_FULL.  The
 * only way to apply it is tock_ro_slice_sub() or tock_rw_slice_sub(), which
 * refuse a range that is reversed or leaves the slice.
 */
struct tock_slice_range {
	size_t start;
	size_t end;
};

#define TOCK_RANGE(a, b)	((struct tock_slice_range){ (a), (b) })
#define TOCK_RANGE_FROM(a)	((struct tock_slice_range){ (a), TOCK_RANGE_END })
#define TOCK_RANGE_TO(b)	((struct tock_slice_range){ 0, (b) })
#define TOCK_RANGE_FULL		((struct tock_slice_range){ 0, TOCK_RANGE_END })

/*
 * Where byte @off of a slice's memory is: in kernel memory @kdata, or in
 * the pinned pages, through the kernel's direct map (kernels with HIGHMEM
 * keep a vmap() of every buffer and hand its slices out as @kdata).
 */
static inline void *__tock_slice_ptr(struct page *const *pages,
				     const void *kdata, size_t off)
{
	if (!pages)
		return (void *)kdata + off;
	return page_address(pages[off >> PAGE_SHIFT]) + offset_in_page(off);
}

/**
 * tock_ro_slice_from_kernel() - a readable slice over kernel memory
 * @p: kernel memory
 * @len: its length in bytes
 *
 * C counterpart of Tock's From<&[u8]> for ReadableProcessSlice: lets code
 * written against slices run on kernel buffers, in tests for instance.
 *
 * Safety: @p must stay valid for @len bytes while the slice is used.
 *
 * Context: Any context.
 * Return: the slice.
 */
static inline struct tock_ro_slice tock_ro_slice_from_kernel(const void *p,
							     size_t len)
{
	return (struct tock_ro_slice){ .kdata = p, .len = p ? len : 0 };
}

/**
 * tock_rw_slice_from_kernel() - a writeable slice over kernel memory
 * @p: kernel memory
 * @len: its length in bytes
 *
 * Safety: @p must stay valid and writeable for @len bytes while the slice
 * is used.
 *
 * Context: Any context.
 * Return: the slice.
 */
static inline struct tock_rw_slice tock_rw_slice_from_kernel(void *p,
							     size_t len)
{
	return (struct tock_rw_slice){ .kdata = p, .len = p ? len : 0 };
}

/**
 * tock_rw_slice_as_ro() - the read-only view of a writeable slice
 * @s: the slice
 *
 * Context: Any context.
 * Return: a readable slice over the same bytes.
 */
static inline struct tock_ro_slice tock_rw_slice_as_ro(const struct tock_rw_slice *s)
{
	return (struct tock_ro_slice){
		.pages = s->pages, .kdata = s->kdata, .off = s->off,
		.len = s->len,
	};
}

/**
 * tock_ro_slice_len() - length of a readable slice
 * @s: the slice
 *
 * Context: Any context.
 * Return: the length in bytes.
 */
static inline size_t tock_ro_slice_len(const struct tock_ro_slice *s)
{
	return s->len;
}

/**
 * tock_rw_slice_len() - length of a writeable slice
 * @s: the slice
 *
 * Context: Any context.
 * Return: the length in bytes.
 */
static inline size_t tock_rw_slice_len(const struct tock_rw_slice *s)
{
	return s->len;
}

/**
 * tock_ro_slice_at() - one byte of a readable slice, by index
 * @s: the slice
 * @i: index of the byte
 *
 * C counterpart of ProcessSliceIndex for a single index.  The pointer
 * names one byte, not a run: reach the next byte by its own index.
 *
 * Context: Any context.
 * Return: the byte, or NULL when @i is out of bounds.
 */
static inline const struct tock_process_byte *
tock_ro_slice_at(const struct tock_ro_slice *s, size_t i)
{
	return i < s->len ? __tock_slice_ptr(s->pages, s->kdata, s->off + i) :
			    NULL;
}

/**
 * tock_rw_slice_at() - one byte of a writeable slice, by index
 * @s: the slice
 * @i: index of the byte
 *
 * The pointer names one byte, not a run: reach the next byte by its own
 * index.
 *
 * Context: Any context.
 * Return: the byte, or NULL when @i is out of bounds.
 */
static inline struct tock_process_cell *
tock_rw_slice_at(const struct tock_rw_slice *s, size_t i)
{
	return i < s->len ? __tock_slice_ptr(s->pages, s->kdata, s->off + i) :
			    NULL;
}

/**
 * tock_ro_slice_get() - read one byte of a readable slice
 * @s: the slice
 * @i: index of the byte
 * @val: where to store the byte
 *
 * Context: Any context.
 * Return: 0, or -ERANGE when @i is out of bounds (@val untouched).
 */
static inline int tock_ro_slice_get(const struct tock_ro_slice *s, size_t i,
				    u8 *val)
{
	const struct tock_process_byte *b = tock_ro_slice_at(s, i);

	if (!b)
		return -ERANGE;
	*val = tock_process_byte_get(b);
	return 0;
}

/**
 * tock_rw_slice_set() - write one byte of a writeable slice
 * @s: the slice
 * @i: index of the byte
 * @val: the value
 *
 * Context: Any context.
 * Return: 0, or -ERANGE when @i is out of bounds.
 */
static inline int tock_rw_slice_set(const struct tock_rw_slice *s, size_t i,
				    u8 val)
{
	struct tock_process_cell *b = tock_rw_slice_at(s, i);

	if (!b)
		return -ERANGE;
	tock_process_byte_set(b, val);
	return 0;
}

/* Resolve @r against a slice of @len bytes; false when it does not fit. */
static inline bool __tock_range_resolve(struct tock_slice_range r, size_t len,
					size_t *start, size_t *end)
{
	size_t e = r.end == TOCK_RANGE_END ? len : r.end;

	if (r.start > e || e > len)
		return false;
	*start = r.start;
	*end = e;
	return true;
}

/**
 * tock_ro_slice_sub() - a sub-slice of a readable slice
 * @s: the slice
 * @r: the range, see struct tock_slice_range
 * @out: the sub-slice
 *
 * Context: Any context.
 * Return: 0, or -ERANGE when @r is reversed or leaves @s (@out untouched).
 */
static inline int tock_ro_slice_sub(const struct tock_ro_slice *s,
				    struct tock_slice_range r,
				    struct tock_ro_slice *out)
{
	size_t start, end;

	if (!__tock_range_resolve(r, s->len, &start, &end))
		return -ERANGE;
	*out = *s;
	out->off += start;
	out->len = end - start;
	return 0;
}

/**
 * tock_rw_slice_sub() - a sub-slice of a writeable slice
 * @s: the slice
 * @r: the range, see struct tock_slice_range
 * @out: the sub-slice
 *
 * Context: Any context.
 * Return: 0, or -ERANGE when @r is reversed or leaves @s (@out untouched).
 */
static inline int tock_rw_slice_sub(const struct tock_rw_slice *s,
				    struct tock_slice_range r,
				    struct tock_rw_slice *out)
{
	size_t start, end;

	if (!__tock_range_resolve(r, s->len, &start, &end))
		return -ERANGE;
	*out = *s;
	out->off += start;
	out->len = end - start;
	return 0;
}

/*
 * Copies, one memcpy() per physically contiguous run of the slice (a
 * transparent huge page is one run); see tock_processbuffer.c.
 */
int tock_ro_slice_copy_to_or_err(const struct tock_ro_slice *s, void *dst,
				 size_t len);
int tock_ro_slice_copy_to(const struct tock_ro_slice *s, void *dst,
			  size_t len);
int tock_rw_slice_copy_from_or_err(const struct tock_rw_slice *s,
				   const void *src, size_t len);
int tock_rw_slice_copy_from(const struct tock_rw_slice *s, const void *src,
			    size_t len);

/*
 * In-place access to the contiguous runs of a slice, for code that needs
 * a pointer and a length (a CRC, a DMA descriptor): @fn is called with each
 * run in order and may stop the walk by returning non-zero.  The process
 * may write the bytes meanwhile, so @fn reads each byte at most once, the
 * way memcpy() would, and never builds a struct view over them.
 */
typedef int (*tock_ro_run_fn)(const void *p, size_t len, void *ctx);
typedef int (*tock_rw_run_fn)(void *p, size_t len, void *ctx);

int tock_ro_slice_walk_runs(const struct tock_ro_slice *s, tock_ro_run_fn fn,
			    void *ctx);
int tock_rw_slice_walk_runs(const struct tock_rw_slice *s, tock_rw_run_fn fn,
			    void *ctx);

/**
 * struct tock_ro_chunks - iterator over fixed-size pieces of a slice
 *
 * C counterpart of ReadableProcessSlice::chunks(): every piece has the
 * chunk size except the last, which holds what remains.
 */
struct tock_ro_chunks {
	/* private: */
	struct tock_ro_slice rest;
	size_t size;
};

/**
 * tock_ro_slice_chunks() - start iterating over chunks of a readable slice
 * @s: the slice
 * @size: chunk size in bytes; 0 is a driver bug that warns and yields none
 * @it: the iterator to initialise
 *
 * Context: Any context.
 */
static inline void tock_ro_slice_chunks(const struct tock_ro_slice *s,
					size_t size, struct tock_ro_chunks *it)
{
	it->rest = *s;
	it->size = size;
	if (WARN_ON_ONCE(!size))
		it->rest.len = 0;
}

/**
 * tock_ro_chunks_next() - the next chunk
 * @it: the iterator
 * @chunk: the chunk
 *
 * Context: Any context.
 * Return: true with @chunk set, false when the slice is exhausted.
 */
static inline bool tock_ro_chunks_next(struct tock_ro_chunks *it,
				       struct tock_ro_slice *chunk)
{
	size_t n = min(it->size, it->rest.len);

	if (!n)
		return false;
	*chunk = it->rest;
	chunk->len = n;
	it->rest.off += n;
	it->rest.len -= n;
	return true;
}

/**
 * struct tock_rw_chunks - iterator over fixed-size pieces of a writeable slice
 *
 * C counterpart of WriteableProcessSlice::chunks_mut().
 */
struct tock_rw_chunks {
	/* private: */
	struct tock_rw_slice rest;
	size_t size;
};

/**
 * tock_rw_slice_chunks() - start iterating over chunks of a writeable slice
 * @s: the slice
 * @size: chunk size in bytes; 0 is a driver bug that warns and yields none
 * @it: the iterator to initialise
 *
 * Context: Any context.
 */
static inline void tock_rw_slice_chunks(const struct tock_rw_slice *s,
					size_t size, struct tock_rw_chunks *it)
{
	it->rest = *s;
	it->size = size;
	if (WARN_ON_ONCE(!size))
		it->rest.len = 0;
}

/**
 * tock_rw_chunks_next() - the next writeable chunk
 * @it: the iterator
 * @chunk: the chunk
 *
 * Context: Any context.
 * Return: true with @chunk set, false when the slice is exhausted.
 */
static inline bool tock_rw_chunks_next(struct tock_rw_chunks *it,
				       struct tock_rw_slice *chunk)
{
	size_t n = min(it->size, it->rest.len);

	if (!n)
		return false;
	*chunk = it->rest;
	chunk->len = n;
	it->rest.off += n;
	it->rest.len -= n;
	return true;
}

/**
 * struct tock_ro_slice_iter - iterator over the bytes of a slice
 *
 * C counterpart of iterating a ReadableProcessSlice.
 */
struct tock_ro_slice_iter {
	/* private: */
	struct tock_ro_slice s;
	size_t pos;
};

/**
 * tock_ro_slice_iter_init() - start iterating over the bytes of a slice
 * @s: the slice
 * @it: the iterator to initialise
 *
 * Context: Any context.
 */
static inline void tock_ro_slice_iter_init(const struct tock_ro_slice *s,
					   struct tock_ro_slice_iter *it)
{
	it->s = *s;
	it->pos = 0;
}

/**
 * tock_ro_slice_iter_next() - the next byte
 * @it: the iterator
 * @val: the byte's value
 *
 * Context: Any context.
 * Return: true with @val set, false at the end of the slice.
 */
static inline bool tock_ro_slice_iter_next(struct tock_ro_slice_iter *it,
					   u8 *val)
{
	if (tock_ro_slice_get(&it->s, it->pos, val))
		return false;
	it->pos++;
	return true;
}

/*
 * Handles to allowed buffers.  All-zero is the default buffer: it belongs to
 * no process, has length 0 and refuses enter.
 */
struct tock_buf;
struct tock_grant;

/**
 * struct tock_ro_buffer - a read-only buffer a process allowed
 *
 * C counterpart of Tock's ReadOnlyProcessBuffer.  Obtained through
 * tock_grant_ro_buffer_get(); {} is the default (empty) buffer.  Only
 * tock_ro_buffer_enter() reaches the memory, so a driver cannot write it.
 */
struct tock_ro_buffer {
	/* private: */
	struct tock_buf *buf;
	struct tock_grant *grant;
};

/**
 * struct tock_rw_buffer - a read-write buffer a process allowed
 *
 * C counterpart of Tock's ReadWriteProcessBuffer; {} is the default buffer.
 */
struct tock_rw_buffer {
	/* private: */
	struct tock_buf *buf;
	struct tock_grant *grant;
};

/**
 * struct tock_ur_buffer - a userspace-readable buffer a process allowed
 *
 * C counterpart of Tock's UserspaceReadableProcessBuffer: writeable by the
 * driver and readable by the process while allowed.  {} is the default.
 */
struct tock_ur_buffer {
	/* private: */
	struct tock_buf *buf;
	struct tock_grant *grant;
};

/*
 * Enter callbacks.  They run with the buffer held live, in the caller's
 * context: they must not sleep, and must not keep @s or any pointer into it
 * after they return.  Their return value is passed through by enter, and
 * must not be -ESRCH, which enter reserves for "not entered".
 */
typedef int (*tock_ro_enter_fn)(const struct tock_ro_slice *s, void *ctx);
typedef int (*tock_rw_enter_fn)(const struct tock_rw_slice *s, void *ctx);

size_t tock_ro_buffer_len(const struct tock_ro_buffer *b);
size_t tock_rw_buffer_len(const struct tock_rw_buffer *b);
size_t tock_ur_buffer_len(const struct tock_ur_buffer *b);
const void __user *tock_ro_buffer_ptr(const struct tock_ro_buffer *b);
const void __user *tock_rw_buffer_ptr(const struct tock_rw_buffer *b);
const void __user *tock_ur_buffer_ptr(const struct tock_ur_buffer *b);
int tock_ro_buffer_map(const struct tock_ro_buffer *b);
int tock_rw_buffer_map(const struct tock_rw_buffer *b);
int tock_ur_buffer_map(const struct tock_ur_buffer *b);
int tock_ro_buffer_enter(const struct tock_ro_buffer *b, tock_ro_enter_fn fn,
			 void *ctx);
int tock_rw_buffer_enter(const struct tock_rw_buffer *b, tock_ro_enter_fn fn,
			 void *ctx);
int tock_rw_buffer_mut_enter(const struct tock_rw_buffer *b,
			     tock_rw_enter_fn fn, void *ctx);
int tock_ur_buffer_enter(const struct tock_ur_buffer *b, tock_ro_enter_fn fn,
			 void *ctx);
int tock_ur_buffer_mut_enter(const struct tock_ur_buffer *b,
			     tock_rw_enter_fn fn, void *ctx);

#endif /* _TOCK_PROCESSBUFFER_H */
