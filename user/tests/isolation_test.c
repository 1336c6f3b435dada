// SPDX-License-Identifier: GPL-2.0
/*
 * isolation_test: two users at once.  Each test forks user A, which sets
 * up its state or its load and holds it, then user B, which must find
 * nothing of A's (slots, subscriptions, upcalls, the test driver's
 * per-process state) and get its usual results in its usual time; then A
 * checks that B changed nothing of its own.  An fd passed to the other
 * user over a socket, or inherited by a forked child, is refused with
 * EPERM and leaves its opener's process as it was.  Needs root, to become
 * the two users.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#define ISO_UID_A		60001
#define ISO_UID_B		60002
/* RLIMIT_MEMLOCK of both users, in pages. */
#define ISO_MEMLOCK_PAGES	64
/* Pages of each user's buffer in the state tests. */
#define ISO_PAGES		4
#define ISO_FILL_A		0xa1
#define ISO_FILL_B		0xb2
/* Opaque upcall and userdata values: the kernel hands them back as is. */
#define ISO_UPCALL_A		0x1000a
#define ISO_DATA_A		0x2000a
#define ISO_UPCALL_B		0x1000b
#define ISO_DATA_B		0x2000b
/* A's delayed fill, cancelled before it fires. */
#define ISO_LATER_MS		5000
/* Upcalls B schedules for itself, and their second value. */
#define ISO_B_UPCALLS		10
#define ISO_B_VALUE		77
/* Upcalls A asks for: more than a process's queue holds. */
#define ISO_FLOOD		1000
/* The per-user bound on open files in that test. */
#define ISO_PER_USER		4
#define PER_USER_PARAM	"/sys/module/tockallow/parameters/max_processes_per_user"
/* How long A's driver holds its buffer open. */
#define ISO_HOLD_MS		1500
/* B's operations in the load tests, and the slowest one allowed. */
#define ISO_ROUNDS		20
#define ISO_LATENCY_MS		300

FIXTURE(iso)
{
	size_t page;
	char per_user[32];
};

FIXTURE_SETUP(iso)
{
	int fd;

	self->page = test_page();
	self->per_user[0] = '\0';
	if (geteuid() != 0)
		SKIP(return, "needs root to become two users");
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, fd);
	close(fd);
	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	tock_close();
}

FIXTURE_TEARDOWN(iso)
{
	int fd;

	if (!self->per_user[0])
		return;
	fd = open(PER_USER_PARAM, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, self->per_user, strlen(self->per_user));
		close(fd);
	}
}

/* What each user's side of a test gets. */
struct iso_ctx {
	size_t page;
	int sock;		/* a socket to the other user, or -1 */
};

typedef int (*iso_fn)(struct iso_ctx *c, int ready, int go);

/* Become @uid with no groups and ISO_MEMLOCK_PAGES of RLIMIT_MEMLOCK. */
static int iso_become(uid_t uid, size_t page)
{
	struct rlimit lim = {
		ISO_MEMLOCK_PAGES * page, ISO_MEMLOCK_PAGES * page
	};

	if (setrlimit(RLIMIT_MEMLOCK, &lim) || setgroups(0, NULL) ||
	    setgid(uid) || setuid(uid))
		return -1;
	return 0;
}

static int iso_signal(int fd)
{
	char byte = 1;

	return write(fd, &byte, 1) == 1 ? 0 : -1;
}

static int iso_wait(int fd)
{
	char byte;

	return read(fd, &byte, 1) == 1 ? 0 : -1;
}

static long iso_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static pid_t iso_fork(uid_t uid, iso_fn fn, struct iso_ctx *c, int ready,
		      int go)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (iso_become(uid, c->page))
			_exit(100);
		_exit(fn(c, ready, go));
	}
	return pid;
}

/*
 * Run A until it says it is ready, then B to its end, then let A finish.
 * Returns A's and B's exit codes (0 is success, else the failed step).
 */
static void iso_two_users(struct __test_metadata *_metadata,
			  struct iso_ctx *ca, iso_fn a, struct iso_ctx *cb,
			  iso_fn b)
{
	int a_ready[2], a_go[2], b_ready[2], status_a, status_b;
	pid_t pa, pb;

	ASSERT_EQ(0, pipe2(a_ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(a_go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(b_ready, O_CLOEXEC));
	pa = iso_fork(ISO_UID_A, a, ca, a_ready[1], a_go[0]);
	ASSERT_LE(0, pa);
	close(a_ready[1]);
	close(a_go[0]);
	/* EOF instead means A failed before it got ready. */
	if (iso_wait(a_ready[0]) == 0) {
		pb = iso_fork(ISO_UID_B, b, cb, b_ready[1], -1);
		ASSERT_LE(0, pb);
		ASSERT_EQ(pb, waitpid(pb, &status_b, 0));
		EXPECT_TRUE(WIFEXITED(status_b));
		EXPECT_EQ(0, WEXITSTATUS(status_b)) {
			TH_LOG("user B failed at step %d", WEXITSTATUS(status_b));
		}
	}
	iso_signal(a_go[1]);
	close(a_go[1]);
	close(a_ready[0]);
	close(b_ready[0]);
	close(b_ready[1]);
	ASSERT_EQ(pa, waitpid(pa, &status_a, 0));
	EXPECT_TRUE(WIFEXITED(status_a));
	EXPECT_EQ(0, WEXITSTATUS(status_a)) {
		TH_LOG("user A failed at step %d", WEXITSTATUS(status_a));
	}
}

/* The raw ioctls on an explicit fd, each returning 0 or -errno. */
static int iso_allow(int fd, bool rw, uint32_t num, void *addr, size_t len,
		     struct tock_ioc_allow *a)
{
	memset(a, 0, sizeof(*a));
	a->driver = TOCK_DRIVER_TEST;
	a->allow_num = num;
	a->addr = (uintptr_t)addr;
	a->size = len;
	return rw ? tock_raw_allow_rw(fd, a) : tock_raw_allow_ro(fd, a);
}

static int iso_subscribe(int fd, uint32_t num, uint64_t upcall,
			 uint64_t data, struct tock_ioc_subscribe *s)
{
	memset(s, 0, sizeof(*s));
	s->driver = TOCK_DRIVER_TEST;
	s->subscribe_num = num;
	s->upcall = upcall;
	s->userdata = data;
	return tock_raw_subscribe(fd, s);
}

static int iso_cmd(int fd, uint32_t num, uint64_t arg1, uint64_t arg2,
		   struct tock_ioc_command *c)
{
	memset(c, 0, sizeof(*c));
	c->driver = TOCK_DRIVER_TEST;
	c->command_num = num;
	c->arg1 = arg1;
	c->arg2 = arg2;
	return tock_raw_command(fd, c);
}

static int iso_yield(int fd, uint32_t mode, struct tock_ioc_yield *y)
{
	memset(y, 0, sizeof(*y));
	y->mode = mode;
	if (mode == TOCK_YIELD_WAIT_FOR) {
		y->driver = TOCK_DRIVER_TEST;
		y->subscribe_num = TEST_UPCALL_FILL;
	}
	return tock_raw_yield(fd, y);
}

static bool iso_cmd_ok(int fd, uint32_t num, uint64_t arg1, uint64_t arg2)
{
	struct tock_ioc_command c;

	return !iso_cmd(fd, num, arg1, arg2, &c) &&
	       c.rtype >= TOCK_RET_SUCCESS;
}

static void *iso_map(size_t len, int fill)
{
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return NULL;
	memset(buf, fill, len);
	return buf;
}

/*
 * B's ordinary work, timed: allow its own buffer, fill it through the
 * driver, check it, unallow, and a bare command, ISO_ROUNDS times.
 * Returns 0, or the failed step from @step on.
 */
static int iso_b_work(int fd, size_t page, int step, long *slowest)
{
	size_t len = ISO_PAGES * page;
	struct tock_ioc_allow a;
	struct tock_ioc_command c;
	struct timespec t0;
	uint8_t *buf = iso_map(len, 0);
	int i;
	long ms;

	*slowest = 0;
	if (!buf)
		return step;
	for (i = 0; i < ISO_ROUNDS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (iso_allow(fd, true, 0, buf, len, &a) ||
		    a.status != TOCK_STATUS_SUCCESS)
			return step + 1;
		if (iso_cmd(fd, TOCK_TEST_CMD_FILL_NOW, ISO_FILL_B + i, 0, &c) ||
		    c.rtype != TOCK_RET_SUCCESS_U32 || c.data[0] != len)
			return step + 2;
		if (!test_all_bytes(buf, len, ISO_FILL_B + i))
			return step + 3;
		if (iso_allow(fd, true, 0, NULL, 0, &a) ||
		    a.addr != (uintptr_t)buf || a.size != len)
			return step + 4;
		if (!iso_cmd_ok(fd, TOCK_TEST_CMD_RETURN, TOCK_RET_SUCCESS, 0))
			return step + 5;
		ms = iso_ms_since(&t0);
		if (ms > *slowest)
			*slowest = ms;
	}
	munmap(buf, len);
	return *slowest < ISO_LATENCY_MS ? 0 : step + 6;
}

/* B's side of every load test: its usual results in its usual time. */
static int iso_b_unaffected(struct iso_ctx *c, int ready, int go)
{
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	long slowest;
	int ret;

	(void)ready;
	(void)go;
	if (fd < 0)
		return 1;
	ret = iso_b_work(fd, c->page, 10, &slowest);
	if (ret)
		fprintf(stderr, "# user B: slowest round %ld ms\n", slowest);
	close(fd);
	return ret;
}

/*
 * A: its own buffers in read-write and read-only slot 0, a subscription,
 * and a delayed fill in flight; hold them while B runs, then check them.
 */
static int iso_a_state(struct iso_ctx *c, int ready, int go)
{
	size_t len = ISO_PAGES * c->page;
	struct tock_ioc_allow a;
	struct tock_ioc_subscribe s;
	struct tock_ioc_command cmd;
	struct tock_ioc_yield y;
	uint8_t *buf = iso_map(len, ISO_FILL_A);
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);

	if (!buf || fd < 0)
		return 1;
	if (iso_allow(fd, true, 0, buf, len, &a) || a.status)
		return 2;
	if (iso_allow(fd, false, 0, buf, len, &a) || a.status)
		return 3;
	if (iso_subscribe(fd, TEST_UPCALL_FILL, ISO_UPCALL_A, ISO_DATA_A, &s) ||
	    s.status)
		return 4;
	if (!iso_cmd_ok(fd, TOCK_TEST_CMD_FILL_LATER, ISO_LATER_MS, 0x55))
		return 5;
	if (iso_signal(ready) || iso_wait(go))
		return 6;

	/* Nothing of B's reached A: no upcall, no write, same slots. */
	if (iso_yield(fd, TOCK_YIELD_NO_WAIT, &y) || y.has_upcall)
		return 7;
	if (!test_all_bytes(buf, len, ISO_FILL_A))
		return 8;
	if (iso_cmd(fd, TOCK_TEST_CMD_SUM_NOW, 0, 0, &cmd) ||
	    cmd.rtype != TOCK_RET_SUCCESS_U32 ||
	    cmd.data[0] != (uint32_t)(len * ISO_FILL_A))
		return 9;
	/* Still busy: B's CANCEL stopped only B's own. */
	if (iso_cmd(fd, TOCK_TEST_CMD_FILL_LATER, ISO_LATER_MS, 0, &cmd) ||
	    cmd.rtype != TOCK_RET_FAILURE || cmd.data[0] != TOCK_STATUS_BUSY)
		return 10;
	if (!iso_cmd_ok(fd, TOCK_TEST_CMD_CANCEL, 0, 0))
		return 11;
	if (iso_subscribe(fd, TEST_UPCALL_FILL, 0, 0, &s) ||
	    s.upcall != ISO_UPCALL_A || s.userdata != ISO_DATA_A)
		return 12;
	if (iso_allow(fd, true, 0, NULL, 0, &a) ||
	    a.addr != (uintptr_t)buf || a.size != len)
		return 13;
	if (iso_allow(fd, false, 0, NULL, 0, &a) ||
	    a.addr != (uintptr_t)buf || a.size != len)
		return 14;
	close(fd);
	return 0;
}

/* B: finds every slot empty, its own grant idle, only its own upcalls. */
static int iso_b_state(struct iso_ctx *c, int ready, int go)
{
	size_t len = ISO_PAGES * c->page;
	struct tock_ioc_allow a;
	struct tock_ioc_subscribe s;
	struct tock_ioc_command cmd;
	struct tock_ioc_yield y;
	uint8_t *buf = iso_map(len, ISO_FILL_B);
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC), i;

	(void)ready;
	(void)go;
	if (!buf || fd < 0)
		return 1;
	/* A's buffers are not in B's slots. */
	if (iso_cmd(fd, TOCK_TEST_CMD_SUM_NOW, 0, 0, &cmd) ||
	    (cmd.rtype == TOCK_RET_SUCCESS_U32 && cmd.data[0] != 0))
		return 2;
	if (iso_allow(fd, true, 0, buf, len, &a) || a.status ||
	    a.addr || a.size)
		return 3;
	if (iso_allow(fd, false, 0, buf, len, &a) || a.status ||
	    a.addr || a.size)
		return 4;
	if (iso_subscribe(fd, TEST_UPCALL_FILL, ISO_UPCALL_B, ISO_DATA_B, &s) ||
	    s.status || s.upcall || s.userdata)
		return 5;
	/* A's delayed fill is A's: B's own is not busy, and B cancels it. */
	if (!iso_cmd_ok(fd, TOCK_TEST_CMD_FILL_LATER, ISO_LATER_MS, 0x66))
		return 6;
	if (!iso_cmd_ok(fd, TOCK_TEST_CMD_CANCEL, 0, 0))
		return 7;
	if (iso_cmd(fd, TOCK_TEST_CMD_FILL_NOW, ISO_FILL_B + 1, 0, &cmd) ||
	    cmd.rtype != TOCK_RET_SUCCESS_U32 || cmd.data[0] != len ||
	    !test_all_bytes(buf, len, ISO_FILL_B + 1))
		return 8;
	if (!iso_cmd_ok(fd, TOCK_TEST_CMD_UPCALLS, ISO_B_UPCALLS, ISO_B_VALUE))
		return 9;
	for (i = 0; i < ISO_B_UPCALLS; i++) {
		if (iso_yield(fd, TOCK_YIELD_NO_WAIT, &y) || !y.has_upcall ||
		    y.upcall != ISO_UPCALL_B || y.userdata != ISO_DATA_B ||
		    y.args[0] != (uint32_t)i || y.args[1] != ISO_B_VALUE)
			return 10;
	}
	if (iso_yield(fd, TOCK_YIELD_NO_WAIT, &y) || y.has_upcall)
		return 11;
	close(fd);
	return 0;
}

TEST_F(iso, users_see_only_their_own_slots_upcalls_and_grants)
{
	struct iso_ctx c = { self->page, -1 };

	iso_two_users(_metadata, &c, iso_a_state, &c, iso_b_state);
}

/* Send @fd over the socket @sock. */
static int iso_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int iso_recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * Every ioctl on @fd, from a process whose mm is not the opener's, fails
 * with EPERM.  Returns 0 or the failed step from @step on.
 */
static int iso_all_refused(int fd, size_t page, int step)
{
	uint8_t *buf = iso_map(page, 0);
	struct tock_ioc_allow a;
	struct tock_ioc_subscribe s;
	struct tock_ioc_command c;
	struct tock_ioc_yield y;

	if (!buf)
		return step;
	if (iso_allow(fd, true, 0, buf, page, &a) != -EPERM)
		return step + 1;
	if (iso_allow(fd, false, 1, buf, page, &a) != -EPERM)
		return step + 2;
	if (iso_subscribe(fd, TEST_UPCALL_FILL, ISO_UPCALL_B, 0, &s) != -EPERM)
		return step + 3;
	if (iso_cmd(fd, TOCK_TEST_CMD_FILL_NOW, 0, 0, &c) != -EPERM)
		return step + 4;
	if (iso_cmd(fd, TOCK_TEST_CMD_UPCALLS, 1, 0, &c) != -EPERM)
		return step + 5;
	if (iso_yield(fd, TOCK_YIELD_NO_WAIT, &y) != -EPERM)
		return step + 6;
	munmap(buf, page);
	return 0;
}

/*
 * A: opens its process, allows, subscribes, queues one upcall, sends the
 * fd to B and lets a forked child try it; afterwards its process is as
 * it left it.
 */
static int iso_a_sender(struct iso_ctx *c, int ready, int go)
{
	size_t len = ISO_PAGES * c->page;
	struct tock_ioc_allow a;
	struct tock_ioc_subscribe s;
	struct tock_ioc_command cmd;
	struct tock_ioc_yield y;
	uint8_t *buf = iso_map(len, ISO_FILL_A);
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC), status;
	pid_t pid;

	if (!buf || fd < 0)
		return 1;
	if (iso_allow(fd, true, 0, buf, len, &a) || a.status)
		return 2;
	if (iso_subscribe(fd, TEST_UPCALL_FILL, ISO_UPCALL_A, ISO_DATA_A, &s))
		return 3;
	if (iso_cmd(fd, TOCK_TEST_CMD_UPCALLS, 1, ISO_B_VALUE, &cmd) ||
	    cmd.data[0] != 1)
		return 4;
	/* A forked child of the same user inherits the fd, and no rights. */
	pid = fork();
	if (pid == 0)
		_exit(iso_all_refused(fd, c->page, 10));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 5;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "# A's forked child failed at step %d\n",
			WEXITSTATUS(status));
		return 6;
	}
	if (iso_send_fd(c->sock, fd) || iso_signal(ready) || iso_wait(go))
		return 7;

	/* B's tries and its close changed nothing here. */
	if (!test_all_bytes(buf, len, ISO_FILL_A))
		return 20;
	if (iso_yield(fd, TOCK_YIELD_NO_WAIT, &y) || !y.has_upcall ||
	    y.upcall != ISO_UPCALL_A || y.args[1] != ISO_B_VALUE)
		return 21;
	if (iso_cmd(fd, TOCK_TEST_CMD_FILL_NOW, 0x3c, 0, &cmd) ||
	    cmd.rtype != TOCK_RET_SUCCESS_U32 || cmd.data[0] != len ||
	    !test_all_bytes(buf, len, 0x3c))
		return 22;
	if (iso_allow(fd, true, 0, NULL, 0, &a) ||
	    a.addr != (uintptr_t)buf || a.size != len)
		return 23;
	close(fd);
	return 0;
}

/* B: every ioctl on A's fd is refused; closing it ends nothing of A's. */
static int iso_b_receiver(struct iso_ctx *c, int ready, int go)
{
	int fd = iso_recv_fd(c->sock), ret;

	(void)ready;
	(void)go;
	if (fd < 0)
		return 1;
	ret = iso_all_refused(fd, c->page, 2);
	close(fd);
	return ret;
}

TEST_F(iso, fd_passed_to_another_user_or_inherited_is_refused)
{
	struct iso_ctx ca = { self->page, -1 }, cb = { self->page, -1 };
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ca.sock = sv[0];
	cb.sock = sv[1];
	iso_two_users(_metadata, &ca, iso_a_sender, &cb, iso_b_receiver);
	close(sv[0]);
	close(sv[1]);
}

/* A: opens files up to the per-user bound, and one more. */
static int iso_a_many_files(struct iso_ctx *c, int ready, int go)
{
	int fds[ISO_PER_USER], i;

	(void)c;
	for (i = 0; i < ISO_PER_USER; i++) {
		fds[i] = open(tock_device_path(), O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			return 1;
		if (!iso_cmd_ok(fds[i], TOCK_TEST_CMD_UPCALLS, 1, 0))
			return 2;
	}
	if (open(tock_device_path(), O_RDWR | O_CLOEXEC) >= 0 ||
	    errno != EMFILE)
		return 3;
	if (iso_signal(ready) || iso_wait(go))
		return 4;
	for (i = 0; i < ISO_PER_USER; i++)
		close(fds[i]);
	return 0;
}

/* B: its own bound is whole while A is at its own. */
static int iso_b_many_files(struct iso_ctx *c, int ready, int go)
{
	int fds[ISO_PER_USER], i, ret;

	(void)ready;
	(void)go;
	for (i = 0; i < ISO_PER_USER; i++) {
		fds[i] = open(tock_device_path(), O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			return 1;
	}
	if (open(tock_device_path(), O_RDWR | O_CLOEXEC) >= 0 ||
	    errno != EMFILE)
		return 2;
	close(fds[0]);
	ret = iso_b_work(fds[1], c->page, 10, &(long){ 0 });
	for (i = 1; i < ISO_PER_USER; i++)
		close(fds[i]);
	return ret;
}

TEST_F(iso, open_file_bound_of_one_user_leaves_the_other_alone)
{
	struct iso_ctx c = { self->page, -1 };
	char now[16];
	FILE *f;

	f = fopen(PER_USER_PARAM, "re");
	ASSERT_NE(NULL, f) {
		TH_LOG("no %s", PER_USER_PARAM);
	}
	ASSERT_NE(NULL, fgets(self->per_user, sizeof(self->per_user), f));
	fclose(f);
	f = fopen(PER_USER_PARAM, "we");
	ASSERT_NE(NULL, f);
	snprintf(now, sizeof(now), "%d", ISO_PER_USER);
	ASSERT_LT(0, fputs(now, f));
	ASSERT_EQ(0, fclose(f));
	iso_two_users(_metadata, &c, iso_a_many_files, &c, iso_b_many_files);
}

/* A: a full upcall queue, and a driver refusing to queue more. */
static int iso_a_flood(struct iso_ctx *c, int ready, int go)
{
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	struct tock_ioc_command cmd;

	(void)c;
	if (fd < 0)
		return 1;
	if (iso_cmd(fd, TOCK_TEST_CMD_UPCALLS, ISO_FLOOD, 0, &cmd) ||
	    cmd.rtype != TOCK_RET_SUCCESS_U32 || !cmd.data[0] ||
	    cmd.data[0] >= ISO_FLOOD)
		return 2;
	if (iso_cmd(fd, TOCK_TEST_CMD_UPCALLS, 1, 0, &cmd) || cmd.data[0])
		return 3;
	if (iso_signal(ready) || iso_wait(go))
		return 4;
	close(fd);
	return 0;
}

/* B: all of its upcalls queue and arrive, in order, while A's queue is full. */
static int iso_b_upcalls(struct iso_ctx *c, int ready, int go)
{
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC), i;
	struct tock_ioc_command cmd;
	struct tock_ioc_yield y;

	if (fd < 0)
		return 1;
	if (iso_cmd(fd, TOCK_TEST_CMD_UPCALLS, ISO_B_UPCALLS, ISO_B_VALUE,
		    &cmd) || cmd.data[0] != ISO_B_UPCALLS)
		return 2;
	for (i = 0; i < ISO_B_UPCALLS; i++)
		if (iso_yield(fd, TOCK_YIELD_WAIT_FOR, &y) ||
		    y.args[0] != (uint32_t)i || y.args[1] != ISO_B_VALUE)
			return 3;
	close(fd);
	return iso_b_unaffected(c, ready, go);
}

TEST_F(iso, full_upcall_queue_of_one_user_leaves_the_other_alone)
{
	struct iso_ctx c = { self->page, -1 };

	iso_two_users(_metadata, &c, iso_a_flood, &c, iso_b_upcalls);
}

/* A: pins all its RLIMIT_MEMLOCK allows, then is refused a huge allow. */
static int iso_a_memlock(struct iso_ctx *c, int ready, int go)
{
	size_t len = ISO_MEMLOCK_PAGES * c->page;
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	uint8_t *buf = iso_map(len, 1);
	uint8_t *huge = mmap(NULL, TEST_SIZE_CAP, PROT_READ,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	struct tock_ioc_allow a;

	if (fd < 0 || !buf || huge == MAP_FAILED)
		return 1;
	if (iso_allow(fd, true, 0, buf, len, &a) || a.status)
		return 2;
	if (iso_allow(fd, false, 0, buf, c->page, &a) ||
	    a.status != TOCK_STATUS_NOMEM)
		return 3;
	if (iso_allow(fd, false, 1, huge, TEST_SIZE_CAP, &a) ||
	    a.status != TOCK_STATUS_NOMEM)
		return 4;
	if (iso_signal(ready) || iso_wait(go))
		return 5;
	close(fd);
	return 0;
}

/* B: its whole limit is its own while A's is used up. */
static int iso_b_memlock(struct iso_ctx *c, int ready, int go)
{
	size_t len = ISO_MEMLOCK_PAGES * c->page;
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	uint8_t *buf = iso_map(len, 1);
	struct tock_ioc_allow a;

	if (fd < 0 || !buf)
		return 1;
	if (iso_allow(fd, false, 0, buf, len, &a) || a.status)
		return 2;
	if (iso_allow(fd, false, 0, NULL, 0, &a) || a.size != len)
		return 3;
	close(fd);
	return iso_b_unaffected(c, ready, go);
}

TEST_F(iso, memlock_limit_of_one_user_leaves_the_other_alone)
{
	struct iso_ctx c = { self->page, -1 };

	iso_two_users(_metadata, &c, iso_a_memlock, &c, iso_b_memlock);
}

/*
 * A: the test driver holds its buffer open for ISO_HOLD_MS and A munmaps
 * it meanwhile, which waits for the hold; B runs during that wait.
 */
static int iso_a_stall(struct iso_ctx *c, int ready, int go)
{
	size_t len = ISO_PAGES * c->page;
	int fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	uint8_t *buf = iso_map(len, 1);
	struct tock_ioc_allow a;
	struct timespec t0;
	long ms;

	if (fd < 0 || !buf)
		return 1;
	if (iso_allow(fd, true, 0, buf, len, &a) || a.status)
		return 2;
	if (!iso_cmd_ok(fd, TOCK_TEST_CMD_HOLD_LATER, ISO_HOLD_MS, 0))
		return 3;
	/* Let the work item enter the buffer. */
	test_sleep_ms(100);
	if (iso_signal(ready))
		return 4;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (munmap(buf, len))
		return 5;
	ms = iso_ms_since(&t0);
	/* The munmap did wait for the hold: it was A's that stalled. */
	if (ms < ISO_HOLD_MS / 2) {
		fprintf(stderr, "# user A: munmap took %ld ms\n", ms);
		return 6;
	}
	if (iso_wait(go))
		return 7;
	close(fd);
	return 0;
}

TEST_F(iso, stalled_access_of_one_user_leaves_the_other_alone)
{
	struct iso_ctx c = { self->page, -1 };

	iso_two_users(_metadata, &c, iso_a_stall, &c, iso_b_unaffected);
}

TEST_HARNESS_MAIN
