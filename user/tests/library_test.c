// SPDX-License-Identifier: GPL-2.0
/*
 * library_test: libtock itself.  Without a device: libtock-c's numbering,
 * the return-code conversions, and how calls fail when /dev/tock can't be
 * opened.  With one: a forked child gets a Tock process of its own, closing
 * starts a new process, and several threads share one process safely.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#define THREAD_ROUNDS	200
#define THREAD_UPCALLS	4
#define THREAD_BUF	256

TEST(enum_values_are_tock_numbers)
{
	EXPECT_EQ(TOCK_RET_FAILURE, TOCK_SYSCALL_FAILURE);
	EXPECT_EQ(TOCK_RET_SUCCESS, TOCK_SYSCALL_SUCCESS);
	EXPECT_EQ(TOCK_RET_SUCCESS_U32_U32, TOCK_SYSCALL_SUCCESS_U32_U32);
	EXPECT_EQ(TOCK_RET_SUCCESS_U64_U32, TOCK_SYSCALL_SUCCESS_U32_U64);
	EXPECT_EQ(TOCK_STATUS_NOACK, TOCK_STATUSCODE_NOACK);
	EXPECT_EQ(-TOCK_STATUS_NOACK, RETURNCODE_ENOACK);
	EXPECT_EQ(0, TOCK_NULL_UPCALL);
}

TEST(returncode_is_minus_status)
{
	int s;

	for (s = TOCK_STATUSCODE_SUCCESS; s <= TOCK_STATUSCODE_NOACK; s++)
		EXPECT_EQ(-s, tock_status_to_returncode((statuscode_t)s));
}

TEST(command_return_converters)
{
	syscall_return_t ret = { TOCK_SYSCALL_SUCCESS_U64, { 5, 6, 0 } };
	uint32_t v1 = 0, v2 = 0;
	uint64_t v64 = 0;

	EXPECT_EQ(RETURNCODE_SUCCESS,
		  tock_command_return_u64_to_returncode(ret, &v64));
	EXPECT_EQ((6ULL << 32) | 5, v64);
	EXPECT_EQ(RETURNCODE_EBADRVAL,
		  tock_command_return_u32_to_returncode(ret, &v1));

	ret.type = TOCK_SYSCALL_SUCCESS_U32_U32;
	EXPECT_EQ(RETURNCODE_SUCCESS,
		  tock_command_return_u32_u32_to_returncode(ret, &v1, &v2));
	EXPECT_EQ(5, v1);
	EXPECT_EQ(6, v2);

	ret.type = TOCK_SYSCALL_FAILURE;
	ret.data[0] = TOCK_STATUSCODE_NOMEM;
	EXPECT_EQ(RETURNCODE_ENOMEM,
		  tock_command_return_novalue_to_returncode(ret));
	EXPECT_EQ(RETURNCODE_ENOMEM,
		  tock_command_return_u32_to_returncode(ret, &v1));

	/* A failure with values is not what these converters expect. */
	ret.type = TOCK_SYSCALL_FAILURE_U32;
	EXPECT_EQ(RETURNCODE_EBADRVAL,
		  tock_command_return_novalue_to_returncode(ret));
}

TEST(allow_and_subscribe_converters)
{
	allow_rw_return_t rw = { false, NULL, 0, TOCK_STATUSCODE_INVAL };
	allow_ro_return_t ro = { true, NULL, 0, TOCK_STATUSCODE_SUCCESS };
	allow_userspace_r_return_t ur = { false, NULL, 0,
					  TOCK_STATUSCODE_NOMEM };
	subscribe_return_t sub = { false, NULL, NULL,
				   TOCK_STATUSCODE_NOSUPPORT };

	EXPECT_EQ(RETURNCODE_EINVAL, tock_allow_rw_return_to_returncode(rw));
	EXPECT_EQ(RETURNCODE_SUCCESS, tock_allow_ro_return_to_returncode(ro));
	EXPECT_EQ(RETURNCODE_ENOMEM,
		  tock_allow_userspace_r_return_to_returncode(ur));
	EXPECT_EQ(RETURNCODE_ENOSUPPORT,
		  tock_subscribe_return_to_returncode(sub));
}

TEST(every_code_has_a_description)
{
	const char *unknown = tock_strrcode((returncode_t)-999);
	int s;

	for (s = TOCK_STATUSCODE_SUCCESS; s <= TOCK_STATUSCODE_NOACK; s++) {
		EXPECT_STRNE(unknown, tock_strerr((statuscode_t)s));
		EXPECT_STREQ(tock_strrcode((returncode_t)-s),
			     tock_strerr((statuscode_t)s));
	}
	EXPECT_STRNE(unknown, tock_strrcode(RETURNCODE_EBADRVAL));
}

TEST(memop_is_unsupported)
{
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, memop(0, 0).status);
	EXPECT_NULL(tock_app_flash_begins_at());
	EXPECT_NULL(tock_app_memory_ends_at());
	EXPECT_EQ(0, tock_app_number_writeable_flash_regions());
}

TEST(tock_exit_exits_with_code)
{
	int status;
	pid_t pid;

	/* The child leaves through exit(): nothing buffered twice. */
	fflush(NULL);
	pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		tock_exit(7);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(7, WEXITSTATUS(status));
}

/* Set for the image tock_restart() starts: it reports and leaves at once. */
#define LIB_RESTARTED_ENV	"TOCK_TEST_RESTARTED"
#define LIB_RESTARTED_STATUS	42

static void __attribute__((constructor)) lib_restarted_image(void)
{
	if (getenv(LIB_RESTARTED_ENV))
		_exit(LIB_RESTARTED_STATUS);
}

TEST(tock_restart_runs_the_program_again)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		setenv(LIB_RESTARTED_ENV, "1", 1);
		tock_restart(7);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(LIB_RESTARTED_STATUS, WEXITSTATUS(status)) {
		TH_LOG("the program did not start again");
	}
}

TEST(tock_expect_exits_on_mismatch)
{
	int status;
	pid_t pid;

	/* The child leaves through exit(): nothing buffered twice. */
	fflush(NULL);
	pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Keep its report out of the TAP stream. */
		if (!freopen("/dev/null", "w", stdout))
			_exit(3);
		TOCK_EXPECT(RETURNCODE_SUCCESS, RETURNCODE_SUCCESS);
		TOCK_EXPECT(RETURNCODE_SUCCESS, RETURNCODE_EBUSY);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(1, WEXITSTATUS(status));
}

TEST(missing_device_fails_every_call)
{
	static const char path[] = "/nonexistent/tock";
	syscall_return_t cmd;
	allow_ro_return_t ro;
	subscribe_return_t sub;
	int marker;

	ASSERT_EQ(0, setenv(TOCK_DEVICE_ENV, path, 1));
	EXPECT_STREQ(path, tock_device_path());
	EXPECT_EQ(-ENOENT, tock_fd());

	errno = 0;
	cmd = command(TOCK_DRIVER_TEST, 0, 0, 0);
	EXPECT_EQ(TOCK_SYSCALL_FAILURE, cmd.type);
	EXPECT_EQ(TOCK_STATUSCODE_FAIL, cmd.data[0]);
	EXPECT_EQ(ENOENT, errno);

	ro = allow_readonly(TOCK_DRIVER_TEST, 0, &marker, sizeof(marker));
	EXPECT_FALSE(ro.success);
	EXPECT_EQ(TOCK_STATUSCODE_FAIL, ro.status);
	EXPECT_EQ((uintptr_t)&marker, (uintptr_t)ro.ptr);
	EXPECT_EQ(sizeof(marker), ro.size);

	sub = subscribe(TOCK_DRIVER_TEST, 0, NULL, &marker);
	EXPECT_FALSE(sub.success);
	EXPECT_EQ(TOCK_STATUSCODE_FAIL, sub.status);
	EXPECT_EQ((uintptr_t)&marker, (uintptr_t)sub.userdata);

	EXPECT_FALSE(driver_exists(TOCK_DRIVER_TEST));
	EXPECT_EQ(0, yield_no_wait());
}

TEST(waiting_without_device_exits)
{
	int status;
	pid_t pid;

	/* The child leaves through exit(): nothing buffered twice. */
	fflush(NULL);
	pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setenv(TOCK_DEVICE_ENV, "/nonexistent/tock", 1) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(3);
		/* Would otherwise spin forever. */
		yield();
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(1, WEXITSTATUS(status));
}

FIXTURE(library)
{
	int fd;
	size_t page;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(library)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->page = test_page();
	TEST_TOCK_SETUP(self->fd);
}

FIXTURE_TEARDOWN(library)
{
	tock_close();
	test_maps_free(self->maps);
}

/* In the child: 0, or the step that failed. */
static int library_child(int parent_fd, void *buf, size_t len)
{
	allow_ro_return_t ro;
	syscall_return_t ret;

	/* libtock closed the parent's fd in the child before anything ran. */
	if (fcntl(parent_fd, F_GETFD) != -1 || errno != EBADF)
		return 1;
	if (!driver_exists(TOCK_DRIVER_TEST))
		return 2;
	/* A process of its own: the parent's buffer is not in its slot. */
	memset(buf, 2, len);
	ro = allow_readonly(TOCK_DRIVER_TEST, 0, buf, len);
	if (!ro.success)
		return 3;
	if (ro.ptr || ro.size)
		return 4;
	ret = test_cmd(TOCK_TEST_CMD_SUM_NOW, 0, 0);
	if (ret.type != TOCK_SYSCALL_SUCCESS_U32 || ret.data[0] != 2 * len)
		return 5;
	return 0;
}

TEST_F(library, forked_child_gets_own_process)
{
	uint8_t *buf = test_map(self->maps, self->page,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	syscall_return_t ret;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, buf);
	memset(buf, 1, self->page);
	ASSERT_TRUE(allow_readonly(TOCK_DRIVER_TEST, 0, buf,
				   self->page).success);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(library_child(self->fd, buf, self->page));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	}

	/* The parent's process is as it was. */
	EXPECT_EQ(self->fd, tock_fd());
	ret = test_cmd(TOCK_TEST_CMD_SUM_NOW, 0, 0);
	ASSERT_EQ(TOCK_SYSCALL_SUCCESS_U32, ret.type);
	EXPECT_EQ(self->page, ret.data[0]);
}

TEST_F(library, close_starts_new_process)
{
	uint8_t *buf = test_map(self->maps, self->page,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	allow_ro_return_t ro;

	ASSERT_NE(NULL, buf);
	ASSERT_TRUE(allow_readonly(TOCK_DRIVER_TEST, 0, buf,
				   self->page).success);
	ASSERT_EQ(0, tock_close());
	ro = allow_readonly(TOCK_DRIVER_TEST, 0, buf, self->page);
	ASSERT_TRUE(ro.success);
	EXPECT_NULL(ro.ptr);
	EXPECT_EQ(0, ro.size);
}

/* One thread of threads_share_one_process. */
struct worker {
	pthread_t thread;
	pthread_barrier_t *start;
	int (*fn)(struct worker *w);
	int fd;			/* what tock_fd() answered this thread */
	int step;		/* 0, or the step that failed */
	int slot;
	int upcalls;
	int last_upcall;
	uint8_t buf[THREAD_BUF];
};

/* Read-only slot of its own: allow, driver sums, unallow. */
static int worker_ro(struct worker *w)
{
	allow_ro_return_t ro;
	syscall_return_t ret;
	int i;

	memset(w->buf, w->slot + 1, sizeof(w->buf));
	for (i = 0; i < THREAD_ROUNDS; i++) {
		ro = allow_readonly(TOCK_DRIVER_TEST, w->slot, w->buf,
				    sizeof(w->buf));
		if (!ro.success || ro.ptr)
			return 1;
		ret = test_cmd(TOCK_TEST_CMD_SUM_NOW, w->slot, 0);
		if (ret.type != TOCK_SYSCALL_SUCCESS_U32 ||
		    ret.data[0] != sizeof(w->buf) * (w->slot + 1))
			return 2;
		ro = allow_readonly(TOCK_DRIVER_TEST, w->slot, NULL, 0);
		if (!ro.success || ro.ptr != w->buf)
			return 3;
	}
	return 0;
}

/* Read-write slot 0: allow, driver fills, unallow. */
static int worker_rw_fill(struct worker *w)
{
	allow_rw_return_t rw;
	syscall_return_t ret;
	int i;

	for (i = 0; i < THREAD_ROUNDS; i++) {
		rw = allow_readwrite(TOCK_DRIVER_TEST, 0, w->buf,
				     sizeof(w->buf));
		if (!rw.success || rw.ptr)
			return 1;
		ret = test_cmd(TOCK_TEST_CMD_FILL_NOW, i & 0xff, 0);
		if (ret.type != TOCK_SYSCALL_SUCCESS_U32 ||
		    ret.data[0] != sizeof(w->buf) ||
		    !test_all_bytes(w->buf, sizeof(w->buf), i & 0xff))
			return 2;
		rw = allow_readwrite(TOCK_DRIVER_TEST, 0, NULL, 0);
		if (!rw.success || rw.ptr != w->buf)
			return 3;
	}
	return 0;
}

/* Read-write slot 1: swaps hand back this thread's own buffers. */
static int worker_rw_swap(struct worker *w)
{
	uint8_t *half = w->buf + sizeof(w->buf) / 2;
	allow_rw_return_t rw;
	int i;

	for (i = 0; i < THREAD_ROUNDS; i++) {
		rw = allow_readwrite(TOCK_DRIVER_TEST, 1,
				     i & 1 ? half : w->buf, sizeof(w->buf) / 2);
		if (!rw.success)
			return 1;
		if (i && rw.ptr != (i & 1 ? w->buf : half))
			return 2;
	}
	return 0;
}

static void worker_upcall(int a0, int a1, int a2, void *userdata)
{
	struct worker *w = userdata;

	(void)a2;
	if (a1 == w->slot && a0 == w->last_upcall + 1)
		w->last_upcall = a0;
	w->upcalls++;
}

/* The only thread that yields: its upcalls run on it, in order. */
static int worker_upcalls(struct worker *w)
{
	int i, j;

	if (!subscribe(TOCK_DRIVER_TEST, TEST_UPCALL_FILL, worker_upcall,
		       w).success)
		return 1;
	for (i = 0; i < THREAD_ROUNDS / 10; i++) {
		w->upcalls = 0;
		w->last_upcall = -1;
		if (!test_cmd_ok(TOCK_TEST_CMD_UPCALLS, THREAD_UPCALLS,
				 w->slot))
			return 2;
		for (j = 0; j < THREAD_UPCALLS; j++)
			if (yield_no_wait() != 1)
				return 3;
		if (w->upcalls != THREAD_UPCALLS ||
		    w->last_upcall != THREAD_UPCALLS - 1)
			return 4;
	}
	return 0;
}

static int worker_command(struct worker *w)
{
	int i;

	(void)w;
	for (i = 0; i < THREAD_ROUNDS; i++)
		if (!driver_exists(TOCK_DRIVER_TEST))
			return 1;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->start);
	/* All threads race to open the device: they must share one fd. */
	w->fd = tock_fd();
	w->step = w->fd < 0 ? -1 : w->fn(w);
	return NULL;
}

TEST_F(library, threads_share_one_process)
{
	static struct worker workers[] = {
		{ .fn = worker_ro, .slot = 0 },
		{ .fn = worker_ro, .slot = 1 },
		{ .fn = worker_rw_fill },
		{ .fn = worker_rw_swap },
		{ .fn = worker_upcalls, .slot = 42 },
		{ .fn = worker_command },
		{ .fn = worker_command },
	};
	size_t n = ARRAY_SIZE(workers), i;
	pthread_barrier_t start;

	/* Start from no fd at all, so that the first use races too. */
	ASSERT_EQ(0, tock_close());
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, n));
	for (i = 0; i < n; i++) {
		workers[i].start = &start;
		ASSERT_EQ(0, pthread_create(&workers[i].thread, NULL,
					    worker_main, &workers[i]));
	}
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, pthread_join(workers[i].thread, NULL));
	pthread_barrier_destroy(&start);

	for (i = 0; i < n; i++) {
		EXPECT_EQ(workers[0].fd, workers[i].fd) {
			TH_LOG("thread %zu opened its own fd", i);
		}
		EXPECT_EQ(0, workers[i].step) {
			TH_LOG("thread %zu failed at step %d", i,
			       workers[i].step);
		}
	}
	EXPECT_EQ(workers[0].fd, tock_fd());
}

TEST_HARNESS_MAIN
