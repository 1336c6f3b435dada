// SPDX-License-Identifier: GPL-2.0
/*
 * lifetime_test: buffers against the test driver's delayed accesses.  The
 * driver reads or writes an allowed buffer from a timer; the tests munmap,
 * re-allow, unallow, close, exit, get killed or fork meanwhile, and check
 * that a dead buffer is never touched, that the driver is told (CANCEL),
 * that every pin is released, and that processes don't see each other.
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

/* Delay of the driver's timer: the test acts well before it fires. */
#define DELAY_MS	50
/* Iterations of the race tests. */
#define RACE_ROUNDS	100
/* Spread of the test's side of a race, in microseconds. */
#define RACE_SPREAD_US	3000
/* Rounds of the two-process isolation test. */
#define ISO_ROUNDS	20
#define ISO_UPCALLS	5

FIXTURE(lifetime)
{
	int fd;
	size_t page;
	bool liveness;
	struct test_pins pins;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(lifetime)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->page = test_page();
	TEST_TOCK_SETUP(self->fd);
	self->liveness = test_has_liveness(self->fd);
	test_pins_read(&self->pins);
}

FIXTURE_TEARDOWN(lifetime)
{
	tock_close();
	test_maps_free(self->maps);
}

static void *lt_map(FIXTURE_DATA(lifetime) *self, size_t len, int fill)
{
	void *buf = test_map(self->maps, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);

	if (buf)
		memset(buf, fill, len);
	return buf;
}

static void lt_allow_rw(struct __test_metadata *_metadata, void *buf,
			size_t len)
{
	allow_rw_return_t ret = allow_readwrite(TOCK_DRIVER_TEST, 0, buf, len);

	ASSERT_TRUE(ret.success) {
		TH_LOG("allow rw: %s", tock_strerr(ret.status));
	}
}

static void lt_allow_ro(struct __test_metadata *_metadata, void *buf,
			size_t len)
{
	allow_ro_return_t ret = allow_readonly(TOCK_DRIVER_TEST, 0, buf, len);

	ASSERT_TRUE(ret.success) {
		TH_LOG("allow ro: %s", tock_strerr(ret.status));
	}
}

/* After the process is gone: every pin taken since setup is released. */
static void lt_expect_pins_released(struct __test_metadata *_metadata,
				    FIXTURE_DATA(lifetime) *self)
{
	struct test_pins now;

	EXPECT_TRUE(test_pins_settle(&self->pins, &now)) {
		TH_LOG("%lld pins acquired, %lld released",
		       now.acquired - self->pins.acquired,
		       now.released - self->pins.released);
	}
}

static void lt_sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

TEST_F(lifetime, delayed_fill_after_munmap_cancelled)
{
	uint8_t *buf = lt_map(self, self->page, 0), *fresh;
	yield_waitfor_return_t ret;

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	lt_allow_rw(_metadata, buf, self->page);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, DELAY_MS, 0xab));
	ASSERT_EQ(0, test_unmap(self->maps, buf));
	/* New memory at the same address: the late fill must not land. */
	fresh = test_map_at(self->maps, buf, self->page);
	ASSERT_EQ(buf, fresh);

	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(TOCK_STATUSCODE_CANCEL, ret.data0);
	EXPECT_TRUE(test_all_bytes(fresh, self->page, 0));
}

TEST_F(lifetime, delayed_sum_after_munmap_cancelled)
{
	uint8_t *buf = lt_map(self, self->page, 1);
	yield_waitfor_return_t ret;

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	lt_allow_ro(_metadata, buf, self->page);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, DELAY_MS, 0));
	ASSERT_EQ(0, test_unmap(self->maps, buf));
	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_SUM);
	EXPECT_EQ(TOCK_STATUSCODE_CANCEL, ret.data0);
}

TEST_F(lifetime, delayed_fill_goes_to_current_buffer)
{
	uint8_t *a = lt_map(self, self->page, 0);
	uint8_t *b = lt_map(self, self->page, 0);
	yield_waitfor_return_t ret;
	allow_rw_return_t prev;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	lt_allow_rw(_metadata, a, self->page);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, DELAY_MS, 0x33));
	prev = allow_readwrite(TOCK_DRIVER_TEST, 0, b, self->page);
	ASSERT_TRUE(prev.success);
	EXPECT_EQ((uintptr_t)a, (uintptr_t)prev.ptr);

	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, ret.data0);
	EXPECT_EQ(self->page, ret.data1);
	EXPECT_TRUE(test_all_bytes(b, self->page, 0x33));
	EXPECT_TRUE(test_all_bytes(a, self->page, 0)) {
		TH_LOG("the replaced buffer was written");
	}
}

TEST_F(lifetime, delayed_fill_after_unallow_writes_nothing)
{
	uint8_t *a = lt_map(self, self->page, 0);
	yield_waitfor_return_t ret;
	allow_rw_return_t prev;

	ASSERT_NE(NULL, a);
	lt_allow_rw(_metadata, a, self->page);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, DELAY_MS, 0x34));
	prev = allow_readwrite(TOCK_DRIVER_TEST, 0, NULL, 0);
	ASSERT_TRUE(prev.success);

	ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(0, ret.data1);
	EXPECT_TRUE(test_all_bytes(a, self->page, 0));
}

TEST_F(lifetime, cancel_stops_delayed_fill)
{
	uint8_t *a = lt_map(self, self->page, 0);
	syscall_return_t ret;

	ASSERT_NE(NULL, a);
	lt_allow_rw(_metadata, a, self->page);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, 4 * DELAY_MS,
				0x44));
	ret = test_cmd(TOCK_TEST_CMD_CANCEL, 0, 0);
	EXPECT_EQ(TOCK_SYSCALL_SUCCESS, ret.type);
	ret = test_cmd(TOCK_TEST_CMD_CANCEL, 0, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_ALREADY, ret.data[0]);
	test_sleep_ms(6 * DELAY_MS);
	EXPECT_TRUE(test_all_bytes(a, self->page, 0));
}

TEST_F(lifetime, close_drops_pending_work)
{
	uint8_t *a = lt_map(self, self->page, 0);
	uint8_t *b = lt_map(self, self->page, 1);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	lt_allow_rw(_metadata, a, self->page);
	lt_allow_ro(_metadata, b, self->page);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, DELAY_MS, 0x55));
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, DELAY_MS, 0));
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 3, 0));
	ASSERT_EQ(0, tock_close());

	test_sleep_ms(3 * DELAY_MS);
	EXPECT_TRUE(test_all_bytes(a, self->page, 0)) {
		TH_LOG("a buffer of a closed process was written");
	}
	lt_expect_pins_released(_metadata, self);
}

/* In a child: allow, start delayed work, and return without cleaning up. */
static int lt_child_start_work(size_t page)
{
	uint8_t *a = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		return 1;
	memset(a, 1, 2 * page);
	if (!allow_readwrite(TOCK_DRIVER_TEST, 0, a, page).success)
		return 2;
	if (!allow_readonly(TOCK_DRIVER_TEST, 0, a + page, page).success)
		return 3;
	if (!test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, DELAY_MS, 0x66) ||
	    !test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, DELAY_MS, 0) ||
	    !test_cmd_ok(TOCK_TEST_CMD_UPCALLS, 3, 0))
		return 4;
	return 0;
}

TEST_F(lifetime, exit_drops_pending_work)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(lt_child_start_work(self->page));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
	test_sleep_ms(3 * DELAY_MS);
	lt_expect_pins_released(_metadata, self);
}

TEST_F(lifetime, kill_while_blocked_in_yield)
{
	uint8_t *buf = lt_map(self, 2 * self->page, 1);
	int status, sync[2];
	char byte = 0;
	pid_t pid;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Work due long after the kill, then block for good. */
		if (!allow_readwrite(TOCK_DRIVER_TEST, 0, buf,
				     self->page).success ||
		    !allow_readonly(TOCK_DRIVER_TEST, 0, buf + self->page,
				    self->page).success)
			_exit(1);
		if (!test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, 20 * DELAY_MS,
				 0x66))
			_exit(2);
		if (write(sync[1], &byte, 1) != 1)
			_exit(3);
		for (;;)
			yield();
	}
	close(sync[1]);
	EXPECT_EQ(1, read(sync[0], &byte, 1));
	close(sync[0]);
	test_sleep_ms(DELAY_MS);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
	/* Let the timer fire against the dead process. */
	test_sleep_ms(21 * DELAY_MS);
	lt_expect_pins_released(_metadata, self);
}

TEST_F_TIMEOUT(lifetime, race_munmap_against_delayed_fill, 120)
{
	yield_waitfor_return_t ret;
	uint8_t *buf;
	int i;

	for (i = 0; i < RACE_ROUNDS; i++) {
		buf = lt_map(self, self->page, 0);
		ASSERT_NE(NULL, buf);
		lt_allow_rw(_metadata, buf, self->page);
		ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, i % 3,
					0x60 + i % 16));
		lt_sleep_us((i * 97) % RACE_SPREAD_US);
		ASSERT_EQ(0, test_unmap(self->maps, buf));

		ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
		if (ret.data0 == TOCK_STATUSCODE_SUCCESS) {
			EXPECT_EQ(self->page, ret.data1);
		} else {
			EXPECT_EQ(TOCK_STATUSCODE_CANCEL, ret.data0) {
				TH_LOG("round %d: status %u", i, ret.data0);
			}
		}
	}
	ASSERT_EQ(0, tock_close());
	lt_expect_pins_released(_metadata, self);
}

TEST_F_TIMEOUT(lifetime, race_reallow_against_delayed_sum, 120)
{
	uint8_t *a = lt_map(self, self->page, 1);
	uint8_t *b = lt_map(self, 2 * self->page, 2);
	yield_waitfor_return_t ret;
	int i;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	for (i = 0; i < RACE_ROUNDS; i++) {
		lt_allow_ro(_metadata, a, self->page);
		ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_SUM_LATER, i % 3, 0));
		lt_sleep_us((i * 97) % RACE_SPREAD_US);
		lt_allow_ro(_metadata, b, 2 * self->page);

		/* One buffer or the other, whole: never a mix. */
		ret = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_SUM);
		ASSERT_EQ(TOCK_STATUSCODE_SUCCESS, ret.data0) {
			TH_LOG("round %d", i);
		}
		if (ret.data2 == self->page) {
			EXPECT_EQ(self->page, ret.data1);
		} else {
			EXPECT_EQ(2 * self->page, ret.data2);
			EXPECT_EQ(4 * self->page, ret.data1);
		}
	}
}

TEST_F_TIMEOUT(lifetime, race_close_against_delayed_fill, 120)
{
	uint8_t *buf = lt_map(self, self->page, 0);
	int i;

	ASSERT_NE(NULL, buf);
	for (i = 0; i < RACE_ROUNDS; i++) {
		/* Each round is a new Tock process: libtock reopens. */
		lt_allow_rw(_metadata, buf, self->page);
		ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, i % 3, 0x70));
		lt_sleep_us((i * 131) % RACE_SPREAD_US);
		ASSERT_EQ(0, tock_close());
	}
	test_sleep_ms(DELAY_MS);
	lt_expect_pins_released(_metadata, self);
}

TEST_F(lifetime, fork_keeps_parent_buffer_coherent)
{
	uint8_t *rw = lt_map(self, self->page, 0);
	uint8_t *ro = lt_map(self, self->page, 1);
	syscall_return_t ret;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, rw);
	ASSERT_NE(NULL, ro);
	lt_allow_rw(_metadata, rw, self->page);
	lt_allow_ro(_metadata, ro, self->page);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The child writes its own copies. */
		memset(rw, 0x11, self->page);
		memset(ro, 0x11, self->page);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(test_all_bytes(rw, self->page, 0));

	/* The pinned pages are still the ones the parent sees. */
	memset(ro, 3, self->page);
	ret = test_cmd(TOCK_TEST_CMD_SUM_NOW, 0, 0);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS_U32, ret.type);
	EXPECT_EQ(3 * self->page, ret.data[0]);
	ret = test_cmd(TOCK_TEST_CMD_FILL_NOW, 0x22, 0);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS_U32, ret.type);
	EXPECT_TRUE(test_all_bytes(rw, self->page, 0x22));
}

#define LT_HUGE	(2UL << 20)

/*
 * A pinned transparent huge page is split when the process forks (the
 * child must get its own copy of pinned memory): the split zaps and remaps
 * the same pages, which must leave the parent's buffer live.
 */
TEST_F(lifetime, fork_keeps_parent_huge_page_buffer_live)
{
	uint8_t *map = lt_map(self, 2 * LT_HUGE, 0), *huge;
	syscall_return_t ret;
	int status;
	pid_t pid;

	TEST_NEED_PIN(LT_HUGE);
	ASSERT_NE(NULL, map);
	huge = (uint8_t *)(((uintptr_t)map + LT_HUGE - 1) & ~(LT_HUGE - 1));
	/* Best effort: without THP the test still checks a plain fork. */
	madvise(huge, LT_HUGE, MADV_HUGEPAGE);
	memset(huge, 1, LT_HUGE);
	lt_allow_rw(_metadata, huge, LT_HUGE);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		memset(huge, 0x11, LT_HUGE);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ret = test_cmd(TOCK_TEST_CMD_FILL_NOW, 0x33, 0);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS_U32, ret.type) {
		TH_LOG("buffer died across fork: %s",
		       tock_strerr((statuscode_t)ret.data[0]));
	}
	EXPECT_EQ(LT_HUGE, ret.data[0]);
	EXPECT_TRUE(test_all_bytes(huge, LT_HUGE, 0x33));
}

/* MADV_FREE lets the kernel drop the contents: the buffer dies. */
TEST_F(lifetime, madv_free_kills_buffer)
{
	uint8_t *buf = lt_map(self, self->page, 1);
	syscall_return_t ret;

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	lt_allow_rw(_metadata, buf, self->page);
	ASSERT_EQ(0, madvise(buf, self->page, MADV_FREE));
	ret = test_cmd(TOCK_TEST_CMD_FILL_NOW, 0x44, 0);
	ASSERT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
	EXPECT_EQ(TOCK_STATUSCODE_CANCEL, ret.data[0]);
}

/* Upcalls one process saw in lifetime_iso_run(). */
struct iso_rec {
	int calls;
	int args[3];
	bool done;
};

static void iso_upcall(int a0, int a1, int a2, void *userdata)
{
	struct iso_rec *rec = userdata;

	rec->args[0] = a0;
	rec->args[1] = a1;
	rec->args[2] = a2;
	rec->calls++;
	rec->done = true;
}

/*
 * Delayed fills and queued upcalls with @tag, run at once by two processes
 * on the same driver: each must see only its own.  Returns 0 or the step
 * that failed.
 */
static int iso_run(uint8_t *buf, size_t len, int tag)
{
	struct iso_rec rec = { 0 };
	int i;

	if (!allow_readwrite(TOCK_DRIVER_TEST, 0, buf, len).success)
		return 1;
	if (!subscribe(TOCK_DRIVER_TEST, TEST_UPCALL_FILL, iso_upcall,
		       &rec).success)
		return 2;
	for (i = 0; i < ISO_ROUNDS; i++) {
		rec.done = false;
		if (!test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, 1 + i % 3, tag))
			return 3;
		yield_for(&rec.done);
		if (rec.args[0] != TOCK_STATUSCODE_SUCCESS ||
		    rec.args[1] != (int)len)
			return 4;
		if (!test_all_bytes(buf, len, (uint8_t)tag))
			return 5;
	}
	rec.calls = 0;
	if (!test_cmd_ok(TOCK_TEST_CMD_UPCALLS, ISO_UPCALLS, tag))
		return 6;
	for (i = 0; i < ISO_UPCALLS; i++) {
		if (yield_no_wait() != 1)
			return 7;
		if (rec.args[0] != i || rec.args[1] != tag)
			return 8;
	}
	return yield_no_wait() ? 9 : 0;
}

TEST_F(lifetime, two_processes_are_isolated)
{
	uint8_t *buf = lt_map(self, self->page, 0);
	int status, step;
	pid_t pid;

	ASSERT_NE(NULL, buf);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(iso_run(buf, self->page, 0xc1));	/* its own process */
	step = iso_run(buf, self->page, 0x9a);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, step) {
		TH_LOG("parent failed at step %d", step);
	}
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
}

/*
 * In a child: open a Tock process, allow a read-write and a read-only
 * buffer, and hand the file to a grandchild that keeps it open until
 * @hold is closed by the test.  Returns 0 or the failed step.
 */
static int lt_child_allow_and_pass_on(size_t page, int hold)
{
	uint8_t *buf = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char byte;
	int keep;

	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 7, 4 * page);
	if (tock_fd() < 0)
		return 2;
	if (!allow_readwrite(TOCK_DRIVER_TEST, 0, buf, 2 * page).success ||
	    !allow_readonly(TOCK_DRIVER_TEST, 0, buf + 2 * page,
			    2 * page).success)
		return 3;
	/* libtock closes its own fd in a child: pass on a duplicate. */
	keep = dup(tock_fd());
	if (keep < 0)
		return 4;
	switch (fork()) {
	case -1:
		return 5;
	case 0:
		/* The grandchild holds the file until the test lets go. */
		while (read(hold, &byte, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	default:
		return 0;
	}
}

TEST_F(lifetime, opener_exit_releases_pins_held_by_file)
{
	int status, hold[2];
	pid_t pid;

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_EQ(0, pipe(hold));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(hold[1]);
		_exit(lt_child_allow_and_pass_on(self->page, hold[0]));
	}
	close(hold[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
	/* The opener is gone, its file is not: the pins must be. */
	lt_expect_pins_released(_metadata, self);
	close(hold[1]);
}

TEST_F(lifetime, opener_exec_releases_pins)
{
	uint8_t *buf = lt_map(self, 2 * self->page, 1);
	int status, sync[2];
	char byte = 0;
	pid_t pid;

	if (!self->liveness)
		SKIP(return, "kernel without MMU notifiers");
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sync[0]);
		if (tock_fd() < 0 ||
		    !allow_readwrite(TOCK_DRIVER_TEST, 0, buf,
				     2 * self->page).success)
			_exit(1);
		/* Without O_CLOEXEC, the file outlives the exec. */
		if (dup(tock_fd()) < 0)
			_exit(2);
		if (write(sync[1], &byte, 1) != 1)
			_exit(3);
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(4);
	}
	close(sync[1]);
	/* One byte once allowed, then end of file once exec'd. */
	EXPECT_EQ(1, read(sync[0], &byte, 1));
	EXPECT_EQ(0, read(sync[0], &byte, 1));
	close(sync[0]);
	/* The exec dropped the old mm: its pins are gone with it. */
	lt_expect_pins_released(_metadata, self);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}
}

TEST_HARNESS_MAIN
