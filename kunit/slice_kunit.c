// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite tockallow_slice: the slice helpers of <tock/processbuffer.h>
 * (Tock's ReadableProcessSlice, WriteableProcessSlice, ProcessSliceIndex)
 * over kernel memory, as Tock's From<&[u8]> lets its tests do.  The same
 * helpers run over real process memory in tockallow_processbuffer.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include <tock/processbuffer.h>

/* Length of the kernel array the slices cover. */
#define TOCK_SLICE_LEN	10

static void tock_slice_fill(u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = 0xa0 + i;
}

static void tock_ro_slice_from_kernel_len_and_bytes(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN];
	struct tock_ro_slice s;
	size_t i;
	u8 v;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, sizeof(mem));
	KUNIT_EXPECT_EQ(test, tock_ro_slice_len(&s), TOCK_SLICE_LEN);
	for (i = 0; i < TOCK_SLICE_LEN; i++) {
		KUNIT_ASSERT_NOT_NULL(test, tock_ro_slice_at(&s, i));
		KUNIT_EXPECT_EQ(test,
				tock_process_byte_get(tock_ro_slice_at(&s, i)),
				mem[i]);
		KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&s, i, &v), 0);
		KUNIT_EXPECT_EQ(test, v, mem[i]);
	}
}

static void tock_ro_slice_from_kernel_null(struct kunit *test)
{
	struct tock_ro_slice s = tock_ro_slice_from_kernel(NULL, 16);
	struct tock_rw_slice w = tock_rw_slice_from_kernel(NULL, 16);

	/* A NULL pointer never yields a non-empty slice. */
	KUNIT_EXPECT_EQ(test, tock_ro_slice_len(&s), 0);
	KUNIT_EXPECT_NULL(test, tock_ro_slice_at(&s, 0));
	KUNIT_EXPECT_EQ(test, tock_rw_slice_len(&w), 0);
	KUNIT_EXPECT_NULL(test, tock_rw_slice_at(&w, 0));
}

static void tock_ro_slice_get_out_of_range(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN];
	struct tock_ro_slice s;
	u8 v = 0x5a;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, sizeof(mem));
	KUNIT_EXPECT_NULL(test, tock_ro_slice_at(&s, TOCK_SLICE_LEN));
	KUNIT_EXPECT_NULL(test, tock_ro_slice_at(&s, SIZE_MAX));
	KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&s, TOCK_SLICE_LEN, &v),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&s, SIZE_MAX, &v), -ERANGE);
	KUNIT_EXPECT_EQ_MSG(test, v, 0x5a, "value written on -ERANGE");
}

static void tock_rw_slice_set_in_and_out_of_range(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN + 1] = {};
	struct tock_rw_slice s = tock_rw_slice_from_kernel(mem, TOCK_SLICE_LEN);
	struct tock_ro_slice r;
	u8 v;

	KUNIT_EXPECT_EQ(test, tock_rw_slice_set(&s, 0, 0x11), 0);
	KUNIT_EXPECT_EQ(test, tock_rw_slice_set(&s, TOCK_SLICE_LEN - 1, 0x22),
			0);
	KUNIT_EXPECT_EQ(test, tock_rw_slice_set(&s, TOCK_SLICE_LEN, 0x33),
			-ERANGE);
	KUNIT_EXPECT_NULL(test, tock_rw_slice_at(&s, TOCK_SLICE_LEN));
	KUNIT_EXPECT_EQ(test, mem[0], 0x11);
	KUNIT_EXPECT_EQ(test, mem[TOCK_SLICE_LEN - 1], 0x22);
	KUNIT_EXPECT_EQ_MSG(test, mem[TOCK_SLICE_LEN], 0,
			    "byte past the slice written");

	tock_process_byte_set(tock_rw_slice_at(&s, 1), 0x44);
	r = tock_rw_slice_as_ro(&s);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_len(&r), TOCK_SLICE_LEN);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&r, 1, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x44);
}

/**
 * struct tock_slice_range_case - one sub-slice of a TOCK_SLICE_LEN slice
 * @desc: name of the case
 * @range: the range
 * @ret: expected result of tock_ro_slice_sub() and tock_rw_slice_sub()
 * @start: first byte of the sub-slice, when @ret is 0
 * @len: length of the sub-slice, when @ret is 0
 */
struct tock_slice_range_case {
	const char *desc;
	struct tock_slice_range range;
	int ret;
	size_t start;
	size_t len;
};

static const struct tock_slice_range_case tock_slice_range_cases[] = {
	{ "range_2_5", TOCK_RANGE(2, 5), 0, 2, 3 },
	{ "range_0_10", TOCK_RANGE(0, 10), 0, 0, 10 },
	{ "range_0_0", TOCK_RANGE(0, 0), 0, 0, 0 },
	{ "range_10_10", TOCK_RANGE(10, 10), 0, 10, 0 },
	{ "range_3_3", TOCK_RANGE(3, 3), 0, 3, 0 },
	{ "from_7", TOCK_RANGE_FROM(7), 0, 7, 3 },
	{ "from_0", TOCK_RANGE_FROM(0), 0, 0, 10 },
	{ "from_10", TOCK_RANGE_FROM(10), 0, 10, 0 },
	{ "to_4", TOCK_RANGE_TO(4), 0, 0, 4 },
	{ "to_0", TOCK_RANGE_TO(0), 0, 0, 0 },
	{ "to_10", TOCK_RANGE_TO(10), 0, 0, 10 },
	{ "full", TOCK_RANGE_FULL, 0, 0, 10 },
	{ "reversed_5_2", TOCK_RANGE(5, 2), -ERANGE },
	{ "reversed_10_0", TOCK_RANGE(10, 0), -ERANGE },
	{ "end_past_0_11", TOCK_RANGE(0, 11), -ERANGE },
	{ "both_past_11_12", TOCK_RANGE(11, 12), -ERANGE },
	{ "from_past_11", TOCK_RANGE_FROM(11), -ERANGE },
	{ "to_past_11", TOCK_RANGE_TO(11), -ERANGE },
	{ "from_size_max", TOCK_RANGE_FROM(SIZE_MAX), -ERANGE },
	{ "range_max_minus_1", TOCK_RANGE(SIZE_MAX - 1, SIZE_MAX - 1),
	  -ERANGE },
};

KUNIT_ARRAY_PARAM_DESC(tock_slice_range, tock_slice_range_cases, desc);

static void tock_ro_slice_sub_range(struct kunit *test)
{
	const struct tock_slice_range_case *c = test->param_value;
	u8 mem[TOCK_SLICE_LEN];
	struct tock_ro_slice s, sub, sentinel;
	u8 v;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, sizeof(mem));
	sentinel = tock_ro_slice_from_kernel(mem + 1, 1);
	sub = sentinel;
	KUNIT_ASSERT_EQ(test, tock_ro_slice_sub(&s, c->range, &sub), c->ret);
	if (c->ret) {
		KUNIT_EXPECT_MEMEQ_MSG(test, &sub, &sentinel, sizeof(sub),
				       "sub-slice written on error");
		return;
	}
	KUNIT_EXPECT_EQ(test, tock_ro_slice_len(&sub), c->len);
	if (c->len) {
		KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&sub, 0, &v), 0);
		KUNIT_EXPECT_EQ(test, v, mem[c->start]);
		KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&sub, c->len - 1, &v),
				0);
		KUNIT_EXPECT_EQ(test, v, mem[c->start + c->len - 1]);
	}
	/* The sub-slice's own bound is checked, not the parent's. */
	KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&sub, c->len, &v), -ERANGE);
}

static void tock_rw_slice_sub_range(struct kunit *test)
{
	const struct tock_slice_range_case *c = test->param_value;
	u8 mem[TOCK_SLICE_LEN] = {};
	struct tock_rw_slice s, sub;
	size_t i;

	s = tock_rw_slice_from_kernel(mem, sizeof(mem));
	sub = tock_rw_slice_from_kernel(NULL, 0);
	KUNIT_ASSERT_EQ(test, tock_rw_slice_sub(&s, c->range, &sub), c->ret);
	if (c->ret) {
		KUNIT_EXPECT_EQ(test, tock_rw_slice_len(&sub), 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, tock_rw_slice_len(&sub), c->len);
	for (i = 0; i < c->len; i++)
		KUNIT_EXPECT_EQ(test, tock_rw_slice_set(&sub, i, 0xff), 0);
	KUNIT_EXPECT_EQ(test, tock_rw_slice_set(&sub, c->len, 0xff), -ERANGE);
	/* Exactly [start, start + len) was written. */
	for (i = 0; i < TOCK_SLICE_LEN; i++)
		KUNIT_EXPECT_EQ_MSG(test, mem[i],
				    i >= c->start && i < c->start + c->len ?
				    0xff : 0, "byte %zu", i);
}

static void tock_ro_slice_sub_of_sub(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN];
	struct tock_ro_slice s, a, b;
	u8 v;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, sizeof(mem));
	KUNIT_ASSERT_EQ(test, tock_ro_slice_sub(&s, TOCK_RANGE(2, 8), &a), 0);
	KUNIT_ASSERT_EQ(test, tock_ro_slice_sub(&a, TOCK_RANGE(1, 3), &b), 0);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_len(&b), 2);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&b, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, mem[3]);
	/* Bounds are the sub-slice's: [2, 8) has 6 bytes, not 10. */
	KUNIT_EXPECT_EQ(test, tock_ro_slice_sub(&a, TOCK_RANGE_TO(7), &b),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_sub(&a, TOCK_RANGE_FROM(6), &b), 0);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_len(&b), 0);
}

static void tock_ro_slice_copy_to_or_err_mismatch(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN], dst[TOCK_SLICE_LEN + 1];
	struct tock_ro_slice s;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, sizeof(mem));
	memset(dst, 0x5a, sizeof(dst));
	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to_or_err(&s, dst,
							   TOCK_SLICE_LEN - 1),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to_or_err(&s, dst,
							   TOCK_SLICE_LEN + 1),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to_or_err(&s, dst, 0),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ_MSG(test, dst[0], 0x5a, "copied despite -EMSGSIZE");
}

static void tock_ro_slice_copy_to_exact(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN], dst[TOCK_SLICE_LEN];
	struct tock_ro_slice s;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, sizeof(mem));
	memset(dst, 0, sizeof(dst));
	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to_or_err(&s, dst,
							   sizeof(dst)), 0);
	KUNIT_EXPECT_MEMEQ(test, dst, mem, sizeof(dst));
	memset(dst, 0, sizeof(dst));
	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to(&s, dst, sizeof(dst)), 0);
	KUNIT_EXPECT_MEMEQ(test, dst, mem, sizeof(dst));
}

static void tock_ro_slice_copy_to_empty(struct kunit *test)
{
	struct tock_ro_slice s = tock_ro_slice_from_kernel(NULL, 0);
	u8 dst = 0x5a;

	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to_or_err(&s, &dst, 0), 0);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to(&s, &dst, 0), 0);
	KUNIT_EXPECT_EQ(test, tock_ro_slice_copy_to_or_err(&s, &dst, 1),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, dst, 0x5a);
}

static void tock_rw_slice_copy_from_or_err_mismatch(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN] = {}, src[TOCK_SLICE_LEN + 1];
	struct tock_rw_slice s = tock_rw_slice_from_kernel(mem, sizeof(mem));
	size_t len = TOCK_SLICE_LEN;

	tock_slice_fill(src, sizeof(src));
	KUNIT_EXPECT_EQ(test, tock_rw_slice_copy_from_or_err(&s, src, len - 1),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, tock_rw_slice_copy_from_or_err(&s, src, len + 1),
			-EMSGSIZE);
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(mem, 0, sizeof(mem)),
			      "copied despite -EMSGSIZE");
}

static void tock_rw_slice_copy_from_exact(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN] = {}, src[TOCK_SLICE_LEN];
	struct tock_rw_slice s = tock_rw_slice_from_kernel(mem, sizeof(mem));

	tock_slice_fill(src, sizeof(src));
	KUNIT_EXPECT_EQ(test, tock_rw_slice_copy_from_or_err(&s, src,
							     sizeof(src)), 0);
	KUNIT_EXPECT_MEMEQ(test, mem, src, sizeof(mem));
	memset(mem, 0, sizeof(mem));
	KUNIT_EXPECT_EQ(test, tock_rw_slice_copy_from(&s, src, sizeof(src)), 0);
	KUNIT_EXPECT_MEMEQ(test, mem, src, sizeof(mem));
}

/**
 * struct tock_slice_chunks_case - chunking a slice
 * @desc: name of the case
 * @len: slice length
 * @size: chunk size
 * @nr: number of chunks expected
 * @lens: their lengths
 */
struct tock_slice_chunks_case {
	const char *desc;
	size_t len;
	size_t size;
	unsigned int nr;
	size_t lens[TOCK_SLICE_LEN];
};

static const struct tock_slice_chunks_case tock_slice_chunks_cases[] = {
	{ "len10_by3", 10, 3, 4, { 3, 3, 3, 1 } },
	{ "len10_by1", 10, 1, 10, { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 } },
	{ "len10_by10", 10, 10, 1, { 10 } },
	{ "len10_by11", 10, 11, 1, { 10 } },
	{ "len10_by_max", 10, SIZE_MAX, 1, { 10 } },
	{ "len10_by5", 10, 5, 2, { 5, 5 } },
	{ "len9_by4", 9, 4, 3, { 4, 4, 1 } },
	{ "len0_by3", 0, 3, 0, {} },
};

KUNIT_ARRAY_PARAM_DESC(tock_slice_chunks, tock_slice_chunks_cases, desc);

static void tock_ro_slice_chunks_sizes(struct kunit *test)
{
	const struct tock_slice_chunks_case *c = test->param_value;
	u8 mem[TOCK_SLICE_LEN];
	struct tock_ro_chunks it;
	struct tock_ro_slice s, chunk;
	unsigned int n = 0;
	size_t off = 0, i;
	u8 v;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, c->len);
	tock_ro_slice_chunks(&s, c->size, &it);
	while (tock_ro_chunks_next(&it, &chunk)) {
		KUNIT_ASSERT_LT(test, n, c->nr);
		KUNIT_EXPECT_EQ_MSG(test, tock_ro_slice_len(&chunk), c->lens[n],
				    "chunk %u", n);
		for (i = 0; i < tock_ro_slice_len(&chunk); i++) {
			KUNIT_ASSERT_EQ(test, tock_ro_slice_get(&chunk, i, &v),
					0);
			KUNIT_EXPECT_EQ(test, v, mem[off + i]);
		}
		KUNIT_EXPECT_EQ(test, tock_ro_slice_get(&chunk, i, &v),
				-ERANGE);
		off += tock_ro_slice_len(&chunk);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, c->nr);
	KUNIT_EXPECT_EQ(test, off, c->len);
	/* An exhausted iterator stays exhausted. */
	KUNIT_EXPECT_FALSE(test, tock_ro_chunks_next(&it, &chunk));
}

static void tock_rw_slice_chunks_sizes(struct kunit *test)
{
	const struct tock_slice_chunks_case *c = test->param_value;
	u8 mem[TOCK_SLICE_LEN + 1] = {};
	struct tock_rw_chunks it;
	struct tock_rw_slice s, chunk;
	unsigned int n = 0;
	size_t off = 0, i;

	s = tock_rw_slice_from_kernel(mem, c->len);
	tock_rw_slice_chunks(&s, c->size, &it);
	while (tock_rw_chunks_next(&it, &chunk)) {
		KUNIT_ASSERT_LT(test, n, c->nr);
		KUNIT_EXPECT_EQ(test, tock_rw_slice_len(&chunk), c->lens[n]);
		/* Mark each byte with its chunk's number, counting from 1. */
		for (i = 0; i < tock_rw_slice_len(&chunk); i++)
			KUNIT_EXPECT_EQ(test,
					tock_rw_slice_set(&chunk, i, n + 1), 0);
		off += tock_rw_slice_len(&chunk);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, c->nr);
	for (i = 0, n = 0, off = 0; i < c->len; i++) {
		if (i - off == c->lens[n]) {
			off = i;
			n++;
		}
		KUNIT_EXPECT_EQ_MSG(test, mem[i], n + 1, "byte %zu", i);
	}
	KUNIT_EXPECT_EQ_MSG(test, mem[c->len], 0, "byte past the slice");
}

static void tock_ro_slice_iter_bytes(struct kunit *test)
{
	u8 mem[TOCK_SLICE_LEN];
	struct tock_ro_slice_iter it;
	struct tock_ro_slice s, sub;
	size_t n = 0;
	u8 v;

	tock_slice_fill(mem, sizeof(mem));
	s = tock_ro_slice_from_kernel(mem, sizeof(mem));
	tock_ro_slice_iter_init(&s, &it);
	while (tock_ro_slice_iter_next(&it, &v)) {
		KUNIT_ASSERT_LT(test, n, TOCK_SLICE_LEN);
		KUNIT_EXPECT_EQ(test, v, mem[n]);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, TOCK_SLICE_LEN);
	KUNIT_EXPECT_FALSE(test, tock_ro_slice_iter_next(&it, &v));

	KUNIT_ASSERT_EQ(test, tock_ro_slice_sub(&s, TOCK_RANGE(4, 4), &sub), 0);
	tock_ro_slice_iter_init(&sub, &it);
	KUNIT_EXPECT_FALSE(test, tock_ro_slice_iter_next(&it, &v));
}

static struct kunit_case tock_slice_cases[] = {
	KUNIT_CASE(tock_ro_slice_from_kernel_len_and_bytes),
	KUNIT_CASE(tock_ro_slice_from_kernel_null),
	KUNIT_CASE(tock_ro_slice_get_out_of_range),
	KUNIT_CASE(tock_rw_slice_set_in_and_out_of_range),
	KUNIT_CASE_PARAM(tock_ro_slice_sub_range,
			 tock_slice_range_gen_params),
	KUNIT_CASE_PARAM(tock_rw_slice_sub_range,
			 tock_slice_range_gen_params),
	KUNIT_CASE(tock_ro_slice_sub_of_sub),
	KUNIT_CASE(tock_ro_slice_copy_to_or_err_mismatch),
	KUNIT_CASE(tock_ro_slice_copy_to_exact),
	KUNIT_CASE(tock_ro_slice_copy_to_empty),
	KUNIT_CASE(tock_rw_slice_copy_from_or_err_mismatch),
	KUNIT_CASE(tock_rw_slice_copy_from_exact),
	KUNIT_CASE_PARAM(tock_ro_slice_chunks_sizes,
			 tock_slice_chunks_gen_params),
	KUNIT_CASE_PARAM(tock_rw_slice_chunks_sizes,
			 tock_slice_chunks_gen_params),
	KUNIT_CASE(tock_ro_slice_iter_bytes),
	{}
};

static struct kunit_suite tock_slice_suite = {
	.name = "tockallow_slice",
	.test_cases = tock_slice_cases,
};

kunit_test_suite(tock_slice_suite);
