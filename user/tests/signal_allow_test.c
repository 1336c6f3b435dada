// SPDX-License-Identifier: GPL-2.0
/*
 * signal_allow_test: a signal that is handled is no reason for an allow to
 * fail.  The first allow of an mm registers its notifier, which gives up
 * on any pending signal; the allow must then be restarted once the handler
 * has run, never answer FAIL or EINTR.  Each round is a fresh process
 * (fork), with many mappings so that the registration takes long, and a
 * timer that keeps signalling it.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

/* Fresh processes, each making one first allow. */
#define ROUNDS		10
/* Mappings of each, one page apiece with alternating protections. */
#define VMAS		300
/* Signal period, in microseconds. */
#define PERIOD_US	500
/* Exit statuses of a round's child. */
#define CHILD_OK	0
#define CHILD_SETUP	2
#define CHILD_EINTR	3
#define CHILD_ERRNO	4
#define CHILD_FAIL	5

static volatile sig_atomic_t signals;

static void on_alarm(int sig)
{
	(void)sig;
	signals++;
}

/* One round's child: many mappings, a busy timer, one allow. */
static int first_allow(size_t page)
{
	struct itimerval it = { { 0, PERIOD_US }, { 0, PERIOD_US } };
	struct tock_ioc_allow req;
	struct sigaction sa;
	uint8_t *area, *buf;
	int fd, i, ret;

	area = mmap(NULL, 2 * VMAS * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return CHILD_SETUP;
	for (i = 0; i < VMAS; i++)
		if (mprotect(area + 2 * i * page, page, PROT_READ))
			return CHILD_SETUP;
	buf = area + page;
	memset(buf, 1, page);
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return CHILD_SETUP;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL))
		return CHILD_SETUP;
	memset(&req, 0, sizeof(req));
	req.driver = TOCK_DRIVER_TEST;
	req.addr = (uintptr_t)buf;
	req.size = page;
	ret = ioctl(fd, TOCK_IOC_ALLOW_RW, &req);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	if (ret)
		return errno == EINTR ? CHILD_EINTR : CHILD_ERRNO;
	if (req.status == TOCK_STATUSCODE_FAIL)
		return CHILD_FAIL;
	return req.status ? CHILD_ERRNO : CHILD_OK;
}

TEST(first_allow_with_signals_pending)
{
	int fd = tock_fd(), round, status, fails = 0, eintrs = 0;
	size_t page = test_page();
	pid_t pid;

	if (fd == -ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, fd);
	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "no test driver (TOCK_TEST_DRIVER=1)");
	for (round = 0; round < ROUNDS; round++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(first_allow(page));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_NE(CHILD_SETUP, WEXITSTATUS(status));
		ASSERT_NE(CHILD_ERRNO, WEXITSTATUS(status));
		fails += WEXITSTATUS(status) == CHILD_FAIL;
		eintrs += WEXITSTATUS(status) == CHILD_EINTR;
	}
	EXPECT_EQ(0, fails) {
		TH_LOG("%d of %d first allows failed with FAIL", fails, ROUNDS);
	}
	EXPECT_EQ(0, eintrs) {
		TH_LOG("%d of %d first allows failed with EINTR", eintrs,
		       ROUNDS);
	}
}

TEST_HARNESS_MAIN
