// SPDX-License-Identifier: GPL-2.0
/*
 * button_test: the button driver (0x3) as Tock's button capsule answers,
 * with the keys of a uinput keyboard that the test makes and names through
 * the driver's "keys" parameter.  Command 0 counts the keys; a press and a
 * release of an enabled button reach the process as upcalls (n, 1, 0) and
 * (n, 0, 0), through libtock's callback too; disabled or never enabled
 * buttons send nothing, nor does autorepeat; read follows the key; a
 * keyboard unplugged with a key held reports its release; a number past
 * the count is INVAL; rewriting the parameter renumbers.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/input.h>
#include <linux/uinput.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#include <libtock/interface/button.h>
#include <libtock/interface/syscalls/button_syscalls.h>
#include <libtock-sync/interface/button.h>

#define BUTTON_PARAM		"/sys/module/tock_button/parameters/keys"
/* Keys no real keyboard of the test guest sends. */
#define BUTTON_KEY0		KEY_F13
#define BUTTON_KEY1		KEY_F14
#define BUTTON_KEYS		"183,184"	/* KEY_F13, KEY_F14 */
#define BUTTON_UPCALL		0
#define BUTTON_CMD_UNKNOWN	4
#define BUTTON_WAIT_MS		2000
#define BUTTON_QUIET_MS		200
/* EV_KEY values. */
#define BUTTON_UP		0
#define BUTTON_DOWN		1
#define BUTTON_REPEAT		2

FIXTURE(button)
{
	int tock;
	int uinput;
	char saved[1024];	/* "keys" as found */
	bool restore;
};

static int button_emit(int fd, int type, int code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	return write(fd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -errno;
}

/* One key event and its report, as a keyboard sends them. */
static int button_key(int fd, int code, int value)
{
	int ret = button_emit(fd, EV_KEY, code, value);

	return ret ? ret : button_emit(fd, EV_SYN, SYN_REPORT, 0);
}

static int button_keyboard(void)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x746f,
			.product = 0x636b },
		.name = "tockallow button_test",
	};
	int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) || ioctl(fd, UI_SET_EVBIT, EV_SYN) ||
	    ioctl(fd, UI_SET_KEYBIT, BUTTON_KEY0) ||
	    ioctl(fd, UI_SET_KEYBIT, BUTTON_KEY1) ||
	    ioctl(fd, UI_DEV_SETUP, &setup) || ioctl(fd, UI_DEV_CREATE)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * The next bare upcall of the button driver within @ms: true and its
 * values in @up, or false when none came.
 */
static bool button_upcall(int tock, int ms, yield_waitfor_return_t *up)
{
	struct pollfd p = { .fd = tock, .events = POLLRDBAND };

	if (poll(&p, 1, ms) != 1)
		return false;
	*up = yield_wait_for(DRIVER_NUM_BUTTON, BUTTON_UPCALL);
	return true;
}

FIXTURE_SETUP(button)
{
	self->uinput = -1;
	self->tock = tock_fd();
	if (self->tock == -ENOENT)
		SKIP(return, "%s missing", tock_device_path());
	ASSERT_LE(0, self->tock);
	if (!libtock_button_exists())
		SKIP(return, "tockallow button driver missing");
	if (test_read_file(BUTTON_PARAM, self->saved, sizeof(self->saved)))
		SKIP(return, "cannot read %s", BUTTON_PARAM);
	if (access("/dev/uinput", F_OK))
		SKIP(return, "no /dev/uinput (CONFIG_INPUT_UINPUT)");
	if (access("/dev/uinput", W_OK))
		SKIP(return, "needs write access to /dev/uinput (root)");
	ASSERT_EQ(0, test_write_file(BUTTON_PARAM, BUTTON_KEYS));
	self->restore = true;
	self->uinput = button_keyboard();
	ASSERT_LE(0, self->uinput) TH_LOG("uinput: %s",
					  strerror(-self->uinput));
}

FIXTURE_TEARDOWN(button)
{
	if (self->uinput >= 0) {
		ioctl(self->uinput, UI_DEV_DESTROY);
		close(self->uinput);
	}
	if (self->restore)
		test_write_file(BUTTON_PARAM, self->saved);
}

TEST_F(button, count_is_the_number_of_keys)
{
	int count = -1;

	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_button_count(&count));
	EXPECT_EQ(2, count);
}

TEST_F(button, press_and_release_of_an_enabled_button_upcall)
{
	yield_waitfor_return_t up;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_enable_interrupt(1));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY1, BUTTON_DOWN));
	ASSERT_TRUE(button_upcall(self->tock, BUTTON_WAIT_MS, &up));
	EXPECT_EQ(1u, up.data0);
	EXPECT_EQ(1u, up.data1);
	EXPECT_EQ(0u, up.data2);
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY1, BUTTON_UP));
	ASSERT_TRUE(button_upcall(self->tock, BUTTON_WAIT_MS, &up));
	EXPECT_EQ(1u, up.data0);
	EXPECT_EQ(0u, up.data1);
}

static int button_seen[2] = { -1, -1 };

static void button_cb(returncode_t ret, int button, bool pressed)
{
	if (ret == RETURNCODE_SUCCESS && button >= 0 && button < 2)
		button_seen[button] = pressed;
}

TEST_F(button, notify_on_press_runs_the_callback_in_yield)
{
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_notify_on_press(0, button_cb));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_DOWN));
	yield();
	EXPECT_EQ(1, button_seen[0]);
	EXPECT_EQ(-1, button_seen[1]);
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_UP));
	yield();
	EXPECT_EQ(0, button_seen[0]);
}

TEST_F(button, button_never_enabled_sends_nothing)
{
	yield_waitfor_return_t up;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_enable_interrupt(1));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_DOWN));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_UP));
	EXPECT_FALSE(button_upcall(self->tock, BUTTON_QUIET_MS, &up));
}

TEST_F(button, disabled_button_sends_nothing)
{
	yield_waitfor_return_t up;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_enable_interrupt(0));
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_disable_interrupt(0));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_DOWN));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_UP));
	EXPECT_FALSE(button_upcall(self->tock, BUTTON_QUIET_MS, &up));
}

TEST_F(button, autorepeat_is_not_a_press)
{
	yield_waitfor_return_t up;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_enable_interrupt(0));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_DOWN));
	ASSERT_TRUE(button_upcall(self->tock, BUTTON_WAIT_MS, &up));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_REPEAT));
	EXPECT_FALSE(button_upcall(self->tock, BUTTON_QUIET_MS, &up));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_UP));
}

TEST_F(button, read_follows_the_key)
{
	int val = -1;

	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_button_read(0, &val));
	EXPECT_EQ(0, val);
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_DOWN));
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_button_read(0, &val));
	EXPECT_EQ(1, val);
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_button_read(1, &val));
	EXPECT_EQ(0, val);
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_UP));
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_button_read(0, &val));
	EXPECT_EQ(0, val);
}

/*
 * A keyboard unplugged with a key held: the input core reports the key
 * released as the device goes, so the button reads up and the process
 * hears the release rather than a button stuck down.
 */
TEST_F(button, unplugged_with_a_key_held_reports_release)
{
	yield_waitfor_return_t up;
	int pressed = -1;

	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_enable_interrupt(0));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_DOWN));
	ASSERT_TRUE(button_upcall(self->tock, BUTTON_WAIT_MS, &up));
	EXPECT_EQ(1u, up.data1);
	ASSERT_EQ(0, ioctl(self->uinput, UI_DEV_DESTROY));
	close(self->uinput);
	self->uinput = -1;
	ASSERT_TRUE(button_upcall(self->tock, BUTTON_WAIT_MS, &up));
	EXPECT_EQ(0u, up.data0);
	EXPECT_EQ(0u, up.data1);
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_button_read(0, &pressed));
	EXPECT_EQ(0, pressed);
}

TEST_F(button, number_past_the_count_is_inval)
{
	int val;

	EXPECT_EQ(RETURNCODE_EINVAL,
		  libtock_button_command_enable_interrupt(2));
	EXPECT_EQ(RETURNCODE_EINVAL,
		  libtock_button_command_disable_interrupt(2));
	EXPECT_EQ(RETURNCODE_EINVAL, libtock_button_read(2, &val));
}

TEST_F(button, unknown_command_is_nosupport)
{
	syscall_return_t r = command(DRIVER_NUM_BUTTON, BUTTON_CMD_UNKNOWN, 0,
				     0);

	EXPECT_EQ(TOCK_SYSCALL_FAILURE, r.type);
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, r.data[0]);
}

TEST_F(button, rewriting_the_parameter_renumbers_at_once)
{
	yield_waitfor_return_t up;
	char buf[64];
	int count = -1;

	ASSERT_EQ(0, test_write_file(BUTTON_PARAM, "184"));
	ASSERT_EQ(0, test_read_file(BUTTON_PARAM, buf, sizeof(buf)));
	EXPECT_STREQ("184\n", buf);
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_button_count(&count));
	EXPECT_EQ(1, count);
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_enable_interrupt(0));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY1, BUTTON_DOWN));
	ASSERT_TRUE(button_upcall(self->tock, BUTTON_WAIT_MS, &up));
	EXPECT_EQ(0u, up.data0);
	EXPECT_EQ(1u, up.data1);
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY1, BUTTON_UP));
	EXPECT_EQ(-EINVAL, test_write_file(BUTTON_PARAM, "1,notakey"));
}

/* Every process that enabled a button gets the press; others do not. */
TEST_F(button, each_enabled_process_gets_the_press)
{
	int ready[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		yield_waitfor_return_t up;

		if (libtock_button_command_enable_interrupt(0))
			_exit(2);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		if (!button_upcall(tock_fd(), BUTTON_WAIT_MS, &up))
			_exit(4);
		_exit(up.data0 == 0 && up.data1 == 1 ? 0 : 5);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(RETURNCODE_SUCCESS,
		  libtock_button_command_enable_interrupt(0));
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_DOWN));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	{
		yield_waitfor_return_t up;

		EXPECT_TRUE(button_upcall(self->tock, BUTTON_WAIT_MS, &up));
	}
	ASSERT_EQ(0, button_key(self->uinput, BUTTON_KEY0, BUTTON_UP));
	close(ready[0]);
	close(ready[1]);
}

TEST_HARNESS_MAIN
