// SPDX-License-Identifier: GPL-2.0
/*
 * abi_test: the /dev/tock ioctl ABI itself, with raw ioctls on an fd of the
 * test's own: version query, unknown commands, reserved fields, bad struct
 * pointers, Tock refusals carried as a successful ioctl, and calls from an
 * mm other than the opener's (fork, execve, an fd passed over a socket).
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

/*
 * After execve() the test program runs again with this variable naming the
 * inherited fd; it probes that fd instead of running the tests.
 */
#define EXEC_PROBE_ENV	"TOCK_ABI_EXEC_PROBE_FD"

/* Values only the kernel's bookkeeping sees: never called. */
#define FAKE_UPCALL	0x1000
#define FAKE_USERDATA	0x2000

FIXTURE(abi)
{
	int fd;
	size_t page;
	struct test_map maps[TEST_MAPS];
};

FIXTURE_SETUP(abi)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->page = test_page();
	self->fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, self->fd) {
		TH_LOG("open %s: %s", tock_device_path(), strerror(errno));
	}
}

FIXTURE_TEARDOWN(abi)
{
	close(self->fd);
	test_maps_free(self->maps);
}

/* One raw ioctl: 0, or -1 with errno, exactly as the kernel answered. */
static int abi_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static struct tock_ioc_command abi_command0(uint32_t driver)
{
	struct tock_ioc_command cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.driver = driver;
	return cmd;
}

static struct tock_ioc_yield abi_no_wait(void)
{
	struct tock_ioc_yield y;

	memset(&y, 0, sizeof(y));
	y.mode = TOCK_YIELD_NO_WAIT;
	return y;
}

TEST_F(abi, version_reports_abi)
{
	struct tock_ioc_version ver;

	memset(&ver, 0, sizeof(ver));
	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_VERSION, &ver)) {
		TH_LOG("version: %s", strerror(errno));
	}
	EXPECT_EQ(TOCK_ABI_VERSION, ver.version);
	EXPECT_EQ(0, ver.flags);
}

TEST_F(abi, version_nonzero_flags_einval)
{
	struct tock_ioc_version ver;

	memset(&ver, 0, sizeof(ver));
	ver.flags = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_VERSION, &ver));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, unknown_ioctl_enotty)
{
	static const struct {
		unsigned long request;
		const char *what;
	} bad[] = {
		{ _IOWR(TOCK_IOC_MAGIC, 0x07, struct tock_ioc_allow),
		  "next unused number" },
		{ _IOWR(TOCK_IOC_MAGIC, 0x7f, struct tock_ioc_command),
		  "far unused number" },
		{ _IO(TOCK_IOC_MAGIC, 0x03), "command number, no argument" },
		{ _IOR(TOCK_IOC_MAGIC, 0x03, struct tock_ioc_command),
		  "command number, wrong direction" },
		{ _IOWR(TOCK_IOC_MAGIC, 0x03, struct tock_ioc_version),
		  "command number, wrong size" },
		{ _IOWR(TOCK_IOC_MAGIC + 1, 0x03, struct tock_ioc_command),
		  "another magic" },
	};
	/* Big and zeroed, so that no request fails for its argument. */
	uint64_t arg[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(arg, 0, sizeof(arg));
		EXPECT_EQ(-1, abi_ioctl(self->fd, bad[i].request, arg)) {
			TH_LOG("%s accepted", bad[i].what);
		}
		EXPECT_EQ(ENOTTY, errno) {
			TH_LOG("%s: %s", bad[i].what, strerror(errno));
		}
	}
}

TEST_F(abi, command_nonzero_flags_einval)
{
	struct tock_ioc_command cmd = abi_command0(TOCK_DRIVER_TEST);

	cmd.flags = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_COMMAND, &cmd));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, command_nonzero_pad_einval)
{
	struct tock_ioc_command cmd = abi_command0(TOCK_DRIVER_TEST);

	cmd.pad = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_COMMAND, &cmd));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, command_refusal_is_tock_failure)
{
	struct tock_ioc_command cmd = abi_command0(TEST_NO_DRIVER);

	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_COMMAND, &cmd)) {
		TH_LOG("command: %s", strerror(errno));
	}
	EXPECT_EQ(TOCK_RET_FAILURE, cmd.rtype);
	EXPECT_EQ(TOCK_STATUS_NODEVICE, cmd.data[0]);
}

TEST_F(abi, subscribe_nonzero_flags_einval)
{
	struct tock_ioc_subscribe sub;

	memset(&sub, 0, sizeof(sub));
	sub.driver = TOCK_DRIVER_TEST;
	sub.flags = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_SUBSCRIBE, &sub));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, subscribe_nonzero_pad_einval)
{
	struct tock_ioc_subscribe sub;

	memset(&sub, 0, sizeof(sub));
	sub.driver = TOCK_DRIVER_TEST;
	sub.pad = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_SUBSCRIBE, &sub));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, subscribe_refusal_is_tock_failure)
{
	struct tock_ioc_subscribe sub;

	memset(&sub, 0, sizeof(sub));
	sub.driver = TEST_NO_DRIVER;
	sub.upcall = FAKE_UPCALL;
	sub.userdata = FAKE_USERDATA;
	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_SUBSCRIBE, &sub));
	EXPECT_EQ(TOCK_RET_FAILURE_U32_U32, sub.rtype);
	EXPECT_EQ(TOCK_STATUS_NODEVICE, sub.status);
	EXPECT_EQ(FAKE_UPCALL, sub.upcall);
	EXPECT_EQ(FAKE_USERDATA, sub.userdata);
}

TEST_F(abi, yield_nonzero_flags_einval)
{
	struct tock_ioc_yield y = abi_no_wait();

	y.flags = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_YIELD, &y));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, yield_unknown_mode_einval)
{
	struct tock_ioc_yield y = abi_no_wait();

	y.mode = TOCK_YIELD_WAIT_FOR + 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_YIELD, &y));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, yield_no_wait_with_driver_einval)
{
	struct tock_ioc_yield y = abi_no_wait();

	/* driver and subscribe_num are reserved outside wait-for. */
	y.driver = TOCK_DRIVER_TEST;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_YIELD, &y));
	EXPECT_EQ(EINVAL, errno);
	y = abi_no_wait();
	y.subscribe_num = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_YIELD, &y));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi, yield_no_wait_empty)
{
	struct tock_ioc_yield y = abi_no_wait();

	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_YIELD, &y));
	EXPECT_EQ(0, y.has_upcall);
	EXPECT_EQ(0, y.upcall);
}

static const struct {
	unsigned long request;
	const char *name;
} abi_requests[] = {
	{ TOCK_IOC_VERSION, "version" },
	{ TOCK_IOC_YIELD, "yield" },
	{ TOCK_IOC_SUBSCRIBE, "subscribe" },
	{ TOCK_IOC_COMMAND, "command" },
	{ TOCK_IOC_ALLOW_RW, "allow-rw" },
	{ TOCK_IOC_ALLOW_RO, "allow-ro" },
	{ TOCK_IOC_ALLOW_UR, "allow-ur" },
};

TEST_F(abi, bad_struct_pointer_efault)
{
	void *none = test_map(self->maps, self->page, PROT_NONE, MAP_PRIVATE,
			      -1);
	void *ptrs[] = { NULL, none, (void *)(uintptr_t)TEST_KERNEL_ADDR };
	size_t i, j;

	ASSERT_NE(NULL, none);
	for (i = 0; i < ARRAY_SIZE(abi_requests); i++) {
		for (j = 0; j < ARRAY_SIZE(ptrs); j++) {
			EXPECT_EQ(-1, abi_ioctl(self->fd,
						abi_requests[i].request,
						ptrs[j])) {
				TH_LOG("%s accepted %p", abi_requests[i].name,
				       ptrs[j]);
			}
			EXPECT_EQ(EFAULT, errno) {
				TH_LOG("%s with %p: %s", abi_requests[i].name,
				       ptrs[j], strerror(errno));
			}
		}
	}
}

TEST_F(abi, struct_at_end_of_mapping_efault)
{
	uint8_t *buf = test_map(self->maps, 2 * self->page,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	struct tock_ioc_command *cmd;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mprotect(buf + self->page, self->page, PROT_NONE));
	/* The struct's last 8 bytes lie in the inaccessible page. */
	cmd = (void *)(buf + self->page - sizeof(*cmd) + 8);
	memset(cmd, 0, sizeof(*cmd) - 8);
	cmd->driver = TOCK_DRIVER_TEST;
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_COMMAND, cmd));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(abi, read_only_struct_efault)
{
	uint8_t *buf = test_map(self->maps, self->page,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	struct tock_ioc_version *ver = (void *)buf;
	struct tock_ioc_command *cmd = (void *)(buf + 64);

	ASSERT_NE(NULL, buf);
	*cmd = abi_command0(TOCK_DRIVER_TEST);
	ASSERT_EQ(0, mprotect(buf, self->page, PROT_READ));
	/* Readable, so the request is valid: only the answer can't land. */
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_VERSION, ver));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, abi_ioctl(self->fd, TOCK_IOC_COMMAND, cmd));
	EXPECT_EQ(EFAULT, errno);
}

/* Exit status bits of the child in forked_child_eperm. */
enum {
	CHILD_VERSION	= 1 << 0,
	CHILD_COMMAND	= 1 << 1,
	CHILD_SUBSCRIBE	= 1 << 2,
	CHILD_ALLOW	= 1 << 3,
	CHILD_YIELD	= 1 << 4,
};

static int abi_expect_eperm(int ret, const char *what, int bit)
{
	if (ret == -1 && errno == EPERM)
		return 0;
	fprintf(stderr, "# child: %s: %s\n", what,
		ret ? strerror(errno) : "succeeded");
	return bit;
}

/* Every ioctl on the parent's fd, from the child: all must fail EPERM. */
static int abi_child_probe(int fd, void *buf, size_t len)
{
	struct tock_ioc_version ver;
	struct tock_ioc_command cmd = abi_command0(TOCK_DRIVER_TEST);
	struct tock_ioc_subscribe sub;
	struct tock_ioc_allow allow;
	struct tock_ioc_yield y = abi_no_wait();
	int fails = 0;

	memset(&ver, 0, sizeof(ver));
	fails |= abi_expect_eperm(abi_ioctl(fd, TOCK_IOC_VERSION, &ver),
				  "version", CHILD_VERSION);
	fails |= abi_expect_eperm(abi_ioctl(fd, TOCK_IOC_COMMAND, &cmd),
				  "command", CHILD_COMMAND);
	memset(&sub, 0, sizeof(sub));
	sub.driver = TOCK_DRIVER_TEST;
	sub.upcall = FAKE_UPCALL + 1;
	fails |= abi_expect_eperm(abi_ioctl(fd, TOCK_IOC_SUBSCRIBE, &sub),
				  "subscribe", CHILD_SUBSCRIBE);
	memset(&allow, 0, sizeof(allow));
	allow.driver = TOCK_DRIVER_TEST;
	allow.addr = (uintptr_t)buf;
	allow.size = len;
	fails |= abi_expect_eperm(abi_ioctl(fd, TOCK_IOC_ALLOW_RO, &allow),
				  "allow", CHILD_ALLOW);
	fails |= abi_expect_eperm(abi_ioctl(fd, TOCK_IOC_YIELD, &y),
				  "yield", CHILD_YIELD);
	return fails;
}

TEST_F(abi, forked_child_eperm)
{
	uint8_t *buf = test_map(self->maps, self->page,
				PROT_READ | PROT_WRITE, MAP_PRIVATE, -1);
	struct tock_ioc_subscribe sub;
	struct tock_ioc_allow allow;
	struct tock_ioc_command sum;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, buf);
	memset(buf, 1, self->page);
	memset(&sub, 0, sizeof(sub));
	sub.driver = TOCK_DRIVER_TEST;
	sub.upcall = FAKE_UPCALL;
	sub.userdata = FAKE_USERDATA;
	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_SUBSCRIBE, &sub));
	ASSERT_EQ(TOCK_RET_SUCCESS_U32_U32, sub.rtype);
	memset(&allow, 0, sizeof(allow));
	allow.driver = TOCK_DRIVER_TEST;
	allow.addr = (uintptr_t)buf;
	allow.size = self->page;
	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_ALLOW_RO, &allow));
	ASSERT_EQ(TOCK_RET_SUCCESS_U32_U32, allow.rtype);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The child's own copy of buf, with other contents. */
		memset(buf, 2, self->page);
		_exit(abi_child_probe(self->fd, buf, self->page));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child calls that did not fail EPERM: mask 0x%x",
		       WEXITSTATUS(status));
	}

	/* The child changed nothing: same subscription, same buffer. */
	sub.upcall = 0;
	sub.userdata = 0;
	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_SUBSCRIBE, &sub));
	EXPECT_EQ(FAKE_UPCALL, sub.upcall);
	EXPECT_EQ(FAKE_USERDATA, sub.userdata);
	sum = abi_command0(TOCK_DRIVER_TEST);
	sum.command_num = TOCK_TEST_CMD_SUM_NOW;
	ASSERT_EQ(0, abi_ioctl(self->fd, TOCK_IOC_COMMAND, &sum));
	ASSERT_EQ(TOCK_RET_SUCCESS_U32, sum.rtype);
	EXPECT_EQ(self->page, sum.data[0]);
}

TEST_F(abi, fd_received_over_socket_eperm)
{
	char byte = 0, ctrl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctrl,
		.msg_controllen = sizeof(ctrl),
	};
	struct tock_ioc_command cmd;
	struct cmsghdr *cm;
	int sv[2], fd, status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	/* The child exists before the file does: it can only receive it. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		if (recvmsg(sv[1], &msg, 0) != 1)
			_exit(2);
		cm = CMSG_FIRSTHDR(&msg);
		if (!cm || cm->cmsg_type != SCM_RIGHTS)
			_exit(3);
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		cmd = abi_command0(TOCK_DRIVER_TEST);
		_exit(abi_expect_eperm(abi_ioctl(fd, TOCK_IOC_COMMAND, &cmd),
				       "received fd", 1));
	}
	close(sv[1]);
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(ctrl, 0, sizeof(ctrl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	EXPECT_EQ(1, sendmsg(sv[0], &msg, 0));
	close(fd);
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Runs in the program that execve() started: probe the inherited fd. */
static int abi_exec_probe(const char *fdstr)
{
	struct tock_ioc_command cmd = abi_command0(TOCK_DRIVER_TEST);

	return abi_expect_eperm(abi_ioctl(atoi(fdstr), TOCK_IOC_COMMAND, &cmd),
				"after execve", 1);
}

TEST_F(abi, same_task_after_execve_eperm)
{
	char *argv[] = { "abi_test", NULL };
	char fdstr[16];
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* dup() drops O_CLOEXEC: the file survives execve(). */
		fd = dup(self->fd);
		snprintf(fdstr, sizeof(fdstr), "%d", fd);
		if (fd < 0 || setenv(EXEC_PROBE_ENV, fdstr, 1))
			_exit(2);
		execv("/proc/self/exe", argv);
		_exit(3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("status %d (2, 3: could not exec)",
		       WEXITSTATUS(status));
	}
}

/* Reserved fields and pointers of the three allow ioctls. */
FIXTURE(abi_allow)
{
	int fd;
	size_t page;
	struct test_map maps[TEST_MAPS];
	void *buf;
};

FIXTURE_VARIANT(abi_allow)
{
	unsigned long request;
};

FIXTURE_VARIANT_ADD(abi_allow, read_only)
{
	.request = TOCK_IOC_ALLOW_RO,
};

FIXTURE_VARIANT_ADD(abi_allow, read_write)
{
	.request = TOCK_IOC_ALLOW_RW,
};

FIXTURE_VARIANT_ADD(abi_allow, userspace_readable)
{
	.request = TOCK_IOC_ALLOW_UR,
};

FIXTURE_SETUP(abi_allow)
{
	memset(self->maps, 0, sizeof(self->maps));
	self->page = test_page();
	self->fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, self->fd);
	self->buf = test_map(self->maps, self->page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE, -1);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(abi_allow)
{
	close(self->fd);
	test_maps_free(self->maps);
}

static struct tock_ioc_allow abi_allow_args(void *buf, size_t len)
{
	struct tock_ioc_allow allow;

	memset(&allow, 0, sizeof(allow));
	allow.driver = TOCK_DRIVER_TEST;
	allow.addr = (uintptr_t)buf;
	allow.size = len;
	return allow;
}

TEST_F(abi_allow, success_variant)
{
	struct tock_ioc_allow allow = abi_allow_args(self->buf, self->page);

	ASSERT_EQ(0, abi_ioctl(self->fd, variant->request, &allow));
	EXPECT_EQ(TOCK_RET_SUCCESS_U32_U32, allow.rtype);
	EXPECT_EQ(TOCK_STATUS_SUCCESS, allow.status);
	EXPECT_EQ(0, allow.addr);
	EXPECT_EQ(0, allow.size);
}

TEST_F(abi_allow, refusal_is_tock_failure)
{
	struct tock_ioc_allow allow = abi_allow_args(self->buf, self->page);

	allow.driver = TEST_NO_DRIVER;
	ASSERT_EQ(0, abi_ioctl(self->fd, variant->request, &allow));
	EXPECT_EQ(TOCK_RET_FAILURE_U32_U32, allow.rtype);
	EXPECT_EQ(TOCK_STATUS_NODEVICE, allow.status);
	EXPECT_EQ((uintptr_t)self->buf, allow.addr);
	EXPECT_EQ(self->page, allow.size);
}

TEST_F(abi_allow, nonzero_flags_einval)
{
	struct tock_ioc_allow allow = abi_allow_args(self->buf, self->page);

	allow.flags = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, variant->request, &allow));
	EXPECT_EQ(EINVAL, errno);
	allow.flags = 1U << 31;
	EXPECT_EQ(-1, abi_ioctl(self->fd, variant->request, &allow));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(abi_allow, nonzero_pad_einval)
{
	struct tock_ioc_allow allow = abi_allow_args(self->buf, self->page);

	allow.pad = 1;
	EXPECT_EQ(-1, abi_ioctl(self->fd, variant->request, &allow));
	EXPECT_EQ(EINVAL, errno);

	/* Nothing was allowed: the first real allow finds the slot empty. */
	allow = abi_allow_args(self->buf, self->page);
	ASSERT_EQ(0, abi_ioctl(self->fd, variant->request, &allow));
	EXPECT_EQ(TOCK_RET_SUCCESS_U32_U32, allow.rtype);
	EXPECT_EQ(0, allow.addr);
	EXPECT_EQ(0, allow.size);
}

TEST_F(abi_allow, forked_child_eperm)
{
	struct tock_ioc_allow allow = abi_allow_args(self->buf, self->page);
	int status;
	pid_t pid;

	ASSERT_EQ(0, abi_ioctl(self->fd, variant->request, &allow));
	ASSERT_EQ(TOCK_RET_SUCCESS_U32_U32, allow.rtype);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct tock_ioc_allow mine = abi_allow_args(NULL, 0);

		/* Not even an unallow: the slot is the parent's. */
		_exit(abi_expect_eperm(abi_ioctl(self->fd, variant->request,
						 &mine), "allow", 1));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	allow = abi_allow_args(NULL, 0);
	ASSERT_EQ(0, abi_ioctl(self->fd, variant->request, &allow));
	EXPECT_EQ((uintptr_t)self->buf, allow.addr);
	EXPECT_EQ(self->page, allow.size);
}

/* Like TEST_HARNESS_MAIN, but a program exec'd by a test probes instead. */
int main(int argc, char **argv)
{
	const char *probe = getenv(EXEC_PROBE_ENV);

	if (probe)
		return abi_exec_probe(probe);
	return test_harness_run(argc, argv);
}
