// SPDX-License-Identifier: GPL-2.0
/*
 * allow_test: Tock's allow system calls on /dev/tock, through libtock and
 * the test driver.  Every row of the allow table in SPEC.md, for read-only,
 * read-write and userspace-readable allows alike (plus the driver's own
 * refusal, arm64 tagged pointers), then pin accounting (RLIMIT_MEMLOCK,
 * VmPin, nr_foll_pin_*) and buffer liveness (munmap, partial munmap,
 * MADV_DONTNEED, mremap).
 */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "tock_test.h"

/* Read-only data of the program itself: Tock's flash, on Linux. */
#define RODATA_LEN	256
static const uint8_t allow_rodata[RODATA_LEN] = { [0 ... RODATA_LEN - 1] = 1 };

/* The byte the test driver's fill commands write. */
#define FILL_BYTE	0x5a
/* Allow/unallow cycles before checking that every pin was released. */
#define PIN_CYCLES	1000
/* An arm64 top-byte tag, for the tagged address ABI. */
#define POINTER_TAG	(0x5aULL << 56)

enum allow_kind {
	ALLOW_RO = 1,
	ALLOW_RW,
	ALLOW_UR,
};

/* What an allow reported, whatever its kind. */
struct allow_res {
	bool success;
	uintptr_t ptr;
	size_t size;
	statuscode_t status;
};

FIXTURE(allow)
{
	int fd;
	size_t page;
	bool liveness;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_VARIANT(allow)
{
	enum allow_kind kind;
	uint32_t slots;		/* the test driver's slots of this kind */
	bool writable;		/* the kernel may write: memory must be too */
};

FIXTURE_VARIANT_ADD(allow, read_only)
{
	.kind = ALLOW_RO,
	.slots = TEST_RO_SLOTS,
	.writable = false,
};

FIXTURE_VARIANT_ADD(allow, read_write)
{
	.kind = ALLOW_RW,
	.slots = TEST_RW_SLOTS,
	.writable = true,
};

FIXTURE_VARIANT_ADD(allow, userspace_readable)
{
	.kind = ALLOW_UR,
	.slots = TEST_UR_SLOTS,
	.writable = true,
};

FIXTURE_SETUP(allow)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->page = test_page();
	TEST_TOCK_SETUP(self->fd);
	self->liveness = test_has_liveness(self->fd);
}

FIXTURE_TEARDOWN(allow)
{
	/* End the Tock process first: no buffer outlives its memory. */
	tock_close();
	test_maps_free(self->maps);
}

static struct allow_res allow_do(const FIXTURE_VARIANT(allow) *v,
				 uint32_t driver, uint32_t num, void *ptr,
				 size_t size)
{
	struct allow_res res = { .status = TOCK_STATUSCODE_FAIL };

	switch (v->kind) {
	case ALLOW_RO: {
		allow_ro_return_t r = allow_readonly(driver, num, ptr, size);

		res = (struct allow_res){ r.success, (uintptr_t)r.ptr, r.size,
					  r.status };
		break;
	}
	case ALLOW_RW: {
		allow_rw_return_t r = allow_readwrite(driver, num, ptr, size);

		res = (struct allow_res){ r.success, (uintptr_t)r.ptr, r.size,
					  r.status };
		break;
	}
	case ALLOW_UR: {
		allow_userspace_r_return_t r =
			allow_userspace_read(driver, num, ptr, size);

		res = (struct allow_res){ r.success, (uintptr_t)r.ptr, r.size,
					  r.status };
		break;
	}
	}
	return res;
}

/* Allow into the test driver's slot @num of the variant's kind. */
static struct allow_res allow_test(const FIXTURE_VARIANT(allow) *v,
				   uint32_t num, void *ptr, size_t size)
{
	return allow_do(v, TOCK_DRIVER_TEST, num, ptr, size);
}

static void allow_expect_success(struct __test_metadata *_metadata,
				 struct allow_res res, const void *prev_ptr,
				 size_t prev_size)
{
	ASSERT_TRUE(res.success) {
		TH_LOG("allow failed: %s", tock_strerr(res.status));
	}
	EXPECT_EQ((uintptr_t)prev_ptr, res.ptr) {
		TH_LOG("not the previous buffer");
	}
	EXPECT_EQ(prev_size, res.size);
}

/* A failed allow hands back the buffer it was passed. */
static void allow_expect_failure(struct __test_metadata *_metadata,
				 struct allow_res res, statuscode_t status,
				 const void *ptr, size_t size)
{
	ASSERT_FALSE(res.success) {
		TH_LOG("allow succeeded, expected %s", tock_strerr(status));
	}
	EXPECT_EQ(status, res.status) {
		TH_LOG("got %s, expected %s", tock_strerr(res.status),
		       tock_strerr(status));
	}
	EXPECT_EQ((uintptr_t)ptr, res.ptr);
	EXPECT_EQ(size, res.size);
}

/*
 * Have the test driver touch slot 0 of the variant's kind now: read-only
 * buffers are summed, the others filled with FILL_BYTE.  Either way a live
 * buffer of @len bytes answers Success with u32 sum or count.
 */
static syscall_return_t allow_access_now(const FIXTURE_VARIANT(allow) *v)
{
	switch (v->kind) {
	case ALLOW_RO:
		return test_cmd(TOCK_TEST_CMD_SUM_NOW, 0, 0);
	case ALLOW_RW:
		return test_cmd(TOCK_TEST_CMD_FILL_NOW, FILL_BYTE, 0);
	case ALLOW_UR:
		break;
	}
	return test_cmd(TOCK_TEST_CMD_FILL_UR_NOW, FILL_BYTE, 0);
}

/* For read-only buffers: give the buffer bytes that sum to @len. */
static void allow_prepare(const FIXTURE_VARIANT(allow) *v, void *buf,
			  size_t len)
{
	if (!v->writable)
		memset(buf, 1, len);
}

/* Slot 0 holds @buf (prepared), @len bytes, and the driver can reach it. */
static void allow_expect_live(struct __test_metadata *_metadata,
			      const FIXTURE_VARIANT(allow) *v, void *buf,
			      size_t len)
{
	syscall_return_t ret = allow_access_now(v);

	ASSERT_EQ(TOCK_SYSCALL_SUCCESS_U32, ret.type) {
		TH_LOG("access: variant %d, error %s", ret.type,
		       tock_strerr((statuscode_t)ret.data[0]));
	}
	EXPECT_EQ(len, ret.data[0]);
	if (v->writable && buf) {
		EXPECT_TRUE(test_all_bytes(buf, len, FILL_BYTE));
	}
}

/* The buffer in slot 0 is dead: the driver's access is refused. */
static void allow_expect_dead(struct __test_metadata *_metadata,
			      const FIXTURE_VARIANT(allow) *v)
{
	syscall_return_t ret = allow_access_now(v);

	ASSERT_EQ(TOCK_SYSCALL_FAILURE, ret.type) {
		TH_LOG("a dead buffer was accessed: variant %d, value %u",
		       ret.type, ret.data[0]);
	}
	EXPECT_EQ(TOCK_STATUSCODE_CANCEL, ret.data[0]);
}

/* The first page of the vDSO data, a VM_PFNMAP mapping; NULL if none. */
static void *allow_find_vvar(void)
{
	unsigned long start = 0, end;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[vvar]") &&
		    sscanf(line, "%lx-%lx", &start, &end) == 2)
			break;
		start = 0;
	}
	fclose(f);
	return (void *)start;
}

TEST_F(allow, first_allow_returns_null)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);

	ASSERT_NE(NULL, buf);
	allow_expect_success(_metadata, allow_test(variant, 0, buf, self->page),
			     NULL, 0);
}

TEST_F(allow, later_allow_returns_previous)
{
	size_t len_a = self->page, len_b = 2 * self->page;
	void *a = test_map(self->maps, len_a, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE, -1);
	void *b = test_map(self->maps, len_b, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE, -1);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	allow_expect_success(_metadata, allow_test(variant, 0, a, len_a),
			     NULL, 0);
	allow_expect_success(_metadata, allow_test(variant, 0, b, len_b),
			     a, len_a);
	allow_expect_success(_metadata, allow_test(variant, 0, NULL, 0),
			     b, len_b);
}

TEST_F(allow, replaced_buffer_is_not_accessed)
{
	size_t len_a = self->page, len_b = 2 * self->page;
	uint8_t *a = test_map(self->maps, len_a, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE, -1);
	uint8_t *b = test_map(self->maps, len_b, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE, -1);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	/* Distinct sums: 3 per byte of a, 1 per byte of b. */
	memset(a, variant->writable ? 0 : 3, len_a);
	allow_prepare(variant, b, len_b);

	allow_expect_success(_metadata, allow_test(variant, 0, a, len_a),
			     NULL, 0);
	allow_expect_success(_metadata, allow_test(variant, 0, b, len_b),
			     a, len_a);
	allow_expect_live(_metadata, variant, b, len_b);
	if (variant->writable) {
		EXPECT_TRUE(test_all_bytes(a, len_a, 0)) {
			TH_LOG("the replaced buffer was written");
		}
	}
}

TEST_F(allow, unallow_leaves_empty_buffer)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);

	ASSERT_NE(NULL, buf);
	allow_prepare(variant, buf, self->page);
	allow_expect_success(_metadata,
			     allow_test(variant, 0, buf, self->page), NULL, 0);
	allow_expect_success(_metadata, allow_test(variant, 0, NULL, 0),
			     buf, self->page);
	/* An empty buffer: the driver sees 0 bytes, the memory is untouched. */
	allow_expect_live(_metadata, variant, NULL, 0);
	if (variant->writable) {
		EXPECT_TRUE(test_all_bytes(buf, self->page, 0));
	}
}

TEST_F(allow, size_zero_takes_any_address)
{
	uint8_t *gone = test_map(self->maps, self->page, PROT_READ,
				 MAP_PRIVATE, -1);
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);
	void *addrs[] = {
		NULL,
		(void *)(uintptr_t)0x10,		/* garbage */
		(void *)(uintptr_t)TEST_KERNEL_ADDR,
		gone,					/* unmapped below */
		(void *)UINTPTR_MAX,
	};
	long vmpin;
	size_t i;

	ASSERT_NE(NULL, gone);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, test_unmap(self->maps, gone));
	allow_expect_success(_metadata,
			     allow_test(variant, 0, buf, self->page), NULL, 0);
	vmpin = test_status_kb("VmPin");

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		struct allow_res res = allow_test(variant, 0, addrs[i], 0);

		ASSERT_TRUE(res.success) {
			TH_LOG("size 0 at %p: %s", addrs[i],
			       tock_strerr(res.status));
		}
		/* Only the first replaces a real buffer. */
		if (i == 0) {
			EXPECT_EQ((uintptr_t)buf, res.ptr);
			EXPECT_EQ(self->page, res.size);
		} else {
			EXPECT_EQ(0, res.size);
		}
	}
	/* Nothing new was pinned (and the first buffer's pin may be gone). */
	EXPECT_GE(vmpin, test_status_kb("VmPin"));
}

TEST_F(allow, unknown_driver_nodevice)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);

	ASSERT_NE(NULL, buf);
	allow_expect_failure(_metadata,
			     allow_do(variant, TEST_NO_DRIVER, 0, buf,
				      self->page),
			     TOCK_STATUSCODE_NODEVICE, buf, self->page);
}

TEST_F(allow, allow_number_past_slots_nosupport)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);

	ASSERT_NE(NULL, buf);
	allow_expect_failure(_metadata,
			     allow_test(variant, variant->slots, buf,
					self->page),
			     TOCK_STATUSCODE_NOSUPPORT, buf, self->page);
	allow_expect_failure(_metadata,
			     allow_test(variant, UINT32_MAX, buf, self->page),
			     TOCK_STATUSCODE_NOSUPPORT, buf, self->page);
}

TEST_F(allow, partly_unmapped_range_inval)
{
	size_t len = 2 * self->page;
	uint8_t *keep = test_map(self->maps, self->page,
				 PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	uint8_t *buf = test_map(self->maps, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);

	ASSERT_NE(NULL, keep);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, munmap(buf + self->page, self->page));

	allow_expect_success(_metadata,
			     allow_test(variant, 0, keep, self->page), NULL, 0);
	allow_expect_failure(_metadata, allow_test(variant, 0, buf, len),
			     TOCK_STATUSCODE_INVAL, buf, len);
	/* The slot still holds the earlier buffer. */
	allow_expect_success(_metadata, allow_test(variant, 0, NULL, 0),
			     keep, self->page);
}

TEST_F(allow, prot_none_range_inval)
{
	void *buf = test_map(self->maps, self->page, PROT_NONE, MAP_PRIVATE,
			     -1);

	ASSERT_NE(NULL, buf);
	allow_expect_failure(_metadata,
			     allow_test(variant, 0, buf, self->page),
			     TOCK_STATUSCODE_INVAL, buf, self->page);
}

TEST_F(allow, address_overflow_inval)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);
	void *last = (void *)(UINTPTR_MAX - self->page + 1);
	size_t wrap = SIZE_MAX - (uintptr_t)buf + 2;

	ASSERT_NE(NULL, buf);
	/* address + size wraps past zero: refused before any size check. */
	allow_expect_failure(_metadata, allow_test(variant, 0, buf, wrap),
			     TOCK_STATUSCODE_INVAL, buf, wrap);
	allow_expect_failure(_metadata,
			     allow_test(variant, 0, last, 2 * self->page),
			     TOCK_STATUSCODE_INVAL, last, 2 * self->page);
}

TEST_F(allow, kernel_address_inval)
{
	void *kaddr = (void *)(uintptr_t)TEST_KERNEL_ADDR;

	allow_expect_failure(_metadata,
			     allow_test(variant, 0, kaddr, self->page),
			     TOCK_STATUSCODE_INVAL, kaddr, self->page);
}

TEST_F(allow, pfnmap_range_inval)
{
	void *vvar = allow_find_vvar();

	if (!vvar)
		SKIP(return, "no [vvar] mapping to use as VM_PFNMAP memory");
	allow_expect_failure(_metadata,
			     allow_test(variant, 0, vvar, self->page),
			     TOCK_STATUSCODE_INVAL, vvar, self->page);
}

TEST_F(allow, tagged_pointer_is_untagged)
{
	uint8_t *buf = test_map(self->maps, self->page,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	void *tagged;

	ASSERT_NE(NULL, buf);
	/* Only arm64 has the tagged address ABI; elsewhere EINVAL. */
	if (prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 0, 0, 0))
		SKIP(return, "no tagged address ABI: %s", strerror(errno));
	/* Only reached on a 64-bit arm64 process. */
	tagged = (void *)(uintptr_t)((uint64_t)(uintptr_t)buf | POINTER_TAG);
	allow_prepare(variant, buf, self->page);
	allow_expect_success(_metadata,
			     allow_test(variant, 0, tagged, self->page),
			     NULL, 0);
	allow_expect_live(_metadata, variant, buf, self->page);
}

TEST_F(allow, program_rodata)
{
	void *ro = (void *)allow_rodata;
	struct allow_res res = allow_test(variant, 0, ro, RODATA_LEN);
	syscall_return_t sum;

	if (variant->writable) {
		allow_expect_failure(_metadata, res, TOCK_STATUSCODE_INVAL,
				     ro, RODATA_LEN);
		return;
	}
	allow_expect_success(_metadata, res, NULL, 0);
	sum = test_cmd(TOCK_TEST_CMD_SUM_NOW, 0, 0);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS_U32, sum.type);
	EXPECT_EQ(RODATA_LEN, sum.data[0]);
}

TEST_F(allow, read_only_anonymous_mapping)
{
	void *buf = test_map(self->maps, self->page, PROT_READ, MAP_PRIVATE,
			     -1);
	struct allow_res res;

	ASSERT_NE(NULL, buf);
	res = allow_test(variant, 0, buf, self->page);
	if (variant->writable)
		allow_expect_failure(_metadata, res, TOCK_STATUSCODE_INVAL,
				     buf, self->page);
	else
		allow_expect_success(_metadata, res, NULL, 0);
}

TEST_F(allow, read_only_file_mapping)
{
	size_t len = 2 * self->page;
	uint8_t *content = malloc(len);
	struct allow_res res;
	syscall_return_t sum;
	void *buf;
	int fd;

	ASSERT_NE(NULL, content);
	memset(content, 1, len);
	fd = memfd_create("tock-allow", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)len, write(fd, content, len));
	free(content);
	buf = test_map(self->maps, len, PROT_READ, MAP_SHARED, fd);
	close(fd);
	ASSERT_NE(NULL, buf);

	res = allow_test(variant, 0, buf, len);
	if (variant->writable) {
		allow_expect_failure(_metadata, res, TOCK_STATUSCODE_INVAL,
				     buf, len);
		return;
	}
	allow_expect_success(_metadata, res, NULL, 0);
	sum = test_cmd(TOCK_TEST_CMD_SUM_NOW, 0, 0);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS_U32, sum.type);
	EXPECT_EQ(len, sum.data[0]);
}

TEST_F(allow, read_only_mapping_of_program_file)
{
	struct allow_res res;
	void *buf;
	int fd;

	/* A page cache page of a real file: this program's executable. */
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	buf = test_map(self->maps, self->page, PROT_READ, MAP_PRIVATE, fd);
	close(fd);
	ASSERT_NE(NULL, buf);

	res = allow_test(variant, 0, buf, self->page);
	if (variant->writable)
		allow_expect_failure(_metadata, res, TOCK_STATUSCODE_INVAL,
				     buf, self->page);
	else
		allow_expect_success(_metadata, res, NULL, 0);
}

TEST_F(allow, aliased_ranges_succeed)
{
	size_t len = 3 * self->page;
	uint8_t *buf = test_map(self->maps, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);
	allow_ro_return_t ro;
	allow_rw_return_t rw;

	ASSERT_NE(NULL, buf);
	allow_prepare(variant, buf, 2 * self->page);
	allow_expect_success(_metadata,
			     allow_test(variant, 0, buf, 2 * self->page),
			     NULL, 0);
	/* The same range, and an overlapping one, in slots of other kinds. */
	ro = allow_readonly(TOCK_DRIVER_TEST, 1, buf, 2 * self->page);
	EXPECT_TRUE(ro.success) {
		TH_LOG("read-only alias: %s", tock_strerr(ro.status));
	}
	/* Read-write allow 1 takes at most TOCK_TEST_RW1_MAX bytes. */
	rw = allow_readwrite(TOCK_DRIVER_TEST, 1, buf + TOCK_TEST_RW1_MAX / 2,
			     TOCK_TEST_RW1_MAX);
	EXPECT_TRUE(rw.success) {
		TH_LOG("read-write overlap: %s", tock_strerr(rw.status));
	}
	allow_expect_live(_metadata, variant, buf, 2 * self->page);
}

TEST_F(allow, memlock_limit_nomem)
{
	size_t small = 4 * self->page, big = 1024 * self->page;
	struct rlimit lim = { 256 * self->page, 256 * self->page };
	void *buf = test_map(self->maps, big, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_NORESERVE, -1);
	long vmpin;

	ASSERT_NE(NULL, buf);
	/*
	 * Small pages: one byte of a huge page is charged the huge page.  A
	 * kernel without THP (PREEMPT_RT has none) refuses the advice.
	 */
	ASSERT_TRUE(!madvise(buf, big, MADV_NOHUGEPAGE) || errno == EINVAL);
	memset(buf, 0, big);
	ASSERT_EQ(0, test_drop_cap_ipc_lock());
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &lim));
	vmpin = test_status_kb("VmPin");
	ASSERT_LE(0, vmpin);

	allow_prepare(variant, buf, big);
	allow_expect_failure(_metadata, allow_test(variant, 0, buf, big),
			     TOCK_STATUSCODE_NOMEM, buf, big);
	EXPECT_EQ(vmpin, test_status_kb("VmPin")) {
		TH_LOG("a refused allow left pages pinned");
	}

	/* Within the limit it works, and is charged while allowed. */
	allow_expect_success(_metadata, allow_test(variant, 0, buf, small),
			     NULL, 0);
	EXPECT_EQ(vmpin + (long)(small / 1024), test_status_kb("VmPin"));
	allow_expect_success(_metadata, allow_test(variant, 0, NULL, 0),
			     buf, small);
	EXPECT_TRUE(test_vmpin_settle(vmpin)) {
		TH_LOG("VmPin %ld kB after unallow, expected %ld",
		       test_status_kb("VmPin"), vmpin);
	}
}

TEST_F(allow, size_cap_nomem)
{
	size_t len = TEST_SIZE_CAP + self->page;
	/* Never touched: the cap must be checked before anything is pinned. */
	void *buf = test_map(self->maps, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_NORESERVE, -1);

	ASSERT_NE(NULL, buf);
	allow_expect_failure(_metadata, allow_test(variant, 0, buf, len),
			     TOCK_STATUSCODE_NOMEM, buf, len);
}

TEST_F_TIMEOUT(allow, cycles_release_every_pin, 120)
{
	size_t len = 2 * self->page;
	uint8_t *buf = test_map(self->maps, 2 * len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);
	struct test_pins before, after;
	struct allow_res res;
	int i;

	ASSERT_NE(NULL, buf);
	test_pins_read(&before);
	ASSERT_LE(0, before.acquired) {
		TH_LOG("no nr_foll_pin_* in /proc/vmstat");
	}
	for (i = 0; i < PIN_CYCLES; i++) {
		/* Alternate buffers so that each allow also replaces one. */
		res = allow_test(variant, 0, buf + (i & 1) * len, len);
		ASSERT_TRUE(res.success) {
			TH_LOG("cycle %d: %s", i, tock_strerr(res.status));
		}
		if (i % 3 == 2) {
			res = allow_test(variant, 0, NULL, 0);
			ASSERT_TRUE(res.success);
		}
	}
	ASSERT_EQ(0, tock_close());

	EXPECT_TRUE(test_pins_settle(&before, &after)) {
		TH_LOG("pins: %lld acquired, %lld released",
		       after.acquired - before.acquired,
		       after.released - before.released);
	}
	EXPECT_LE(PIN_CYCLES, after.acquired - before.acquired) {
		TH_LOG("allows did not pin");
	}
}

TEST_F(allow, munmap_kills_buffer)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	allow_prepare(variant, buf, self->page);
	allow_expect_success(_metadata,
			     allow_test(variant, 0, buf, self->page), NULL, 0);
	allow_expect_live(_metadata, variant, buf, self->page);
	ASSERT_EQ(0, test_unmap(self->maps, buf));
	allow_expect_dead(_metadata, variant);
}

TEST_F(allow, partial_munmap_kills_buffer)
{
	size_t len = 2 * self->page;
	uint8_t *buf = test_map(self->maps, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	allow_prepare(variant, buf, len);
	allow_expect_success(_metadata, allow_test(variant, 0, buf, len),
			     NULL, 0);
	ASSERT_EQ(0, munmap(buf + self->page, self->page));
	allow_expect_dead(_metadata, variant);
}

TEST_F(allow, unmapping_neighbours_keeps_buffer)
{
	uint8_t *buf = test_map(self->maps, 3 * self->page,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	uint8_t *mid;

	ASSERT_NE(NULL, buf);
	mid = buf + self->page;
	allow_prepare(variant, mid, self->page);
	allow_expect_success(_metadata,
			     allow_test(variant, 0, mid, self->page), NULL, 0);
	ASSERT_EQ(0, munmap(buf, self->page));
	ASSERT_EQ(0, munmap(mid + self->page, self->page));
	allow_expect_live(_metadata, variant, mid, self->page);
}

TEST_F(allow, madv_dontneed_kills_buffer)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	allow_prepare(variant, buf, self->page);
	allow_expect_success(_metadata,
			     allow_test(variant, 0, buf, self->page), NULL, 0);
	ASSERT_EQ(0, madvise(buf, self->page, MADV_DONTNEED));
	allow_expect_dead(_metadata, variant);
}

TEST_F(allow, mremap_kills_buffer)
{
	void *buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);
	void *dst = test_map(self->maps, self->page, PROT_NONE, MAP_PRIVATE,
			     -1);
	struct test_map *map;
	void *moved;

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, dst);
	allow_prepare(variant, buf, self->page);
	allow_expect_success(_metadata,
			     allow_test(variant, 0, buf, self->page), NULL, 0);

	moved = mremap(buf, self->page, self->page,
		       MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(dst, moved);
	/* dst's record now covers the moved pages; buf's range is gone. */
	map = test_map_find(self->maps, buf);
	map->addr = NULL;
	allow_expect_dead(_metadata, variant);
}

/*
 * The driver's own say: the test driver's read-write allow 1 refuses
 * buffers larger than TOCK_TEST_RW1_MAX with SIZE.
 */
FIXTURE(allow_hook)
{
	int fd;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(allow_hook)
{
	memset(self->maps, 0, sizeof(self->maps));
	TEST_TOCK_SETUP(self->fd);
}

FIXTURE_TEARDOWN(allow_hook)
{
	tock_close();
	test_maps_free(self->maps);
}

TEST_F(allow_hook, driver_refusal_keeps_slot)
{
	size_t len = 2 * TOCK_TEST_RW1_MAX;
	uint8_t *buf = test_map(self->maps, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE, -1);
	allow_rw_return_t ret;

	ASSERT_NE(NULL, buf);
	ret = allow_readwrite(TOCK_DRIVER_TEST, 1, buf, TOCK_TEST_RW1_MAX);
	ASSERT_TRUE(ret.success) {
		TH_LOG("at the limit: %s", tock_strerr(ret.status));
	}
	ret = allow_readwrite(TOCK_DRIVER_TEST, 1, buf, TOCK_TEST_RW1_MAX + 1);
	ASSERT_FALSE(ret.success);
	EXPECT_EQ(TOCK_STATUSCODE_SIZE, ret.status);
	EXPECT_EQ((uintptr_t)buf, (uintptr_t)ret.ptr);
	EXPECT_EQ(TOCK_TEST_RW1_MAX + 1, ret.size);
	/* The slot still holds the buffer at the limit. */
	ret = allow_readwrite(TOCK_DRIVER_TEST, 1, NULL, 0);
	ASSERT_TRUE(ret.success);
	EXPECT_EQ((uintptr_t)buf, (uintptr_t)ret.ptr);
	EXPECT_EQ(TOCK_TEST_RW1_MAX, ret.size);
}

TEST_HARNESS_MAIN
