// SPDX-License-Identifier: GPL-2.0
/*
 * led_test: the LED driver (0x2) as Tock's LED capsule answers, driving
 * LED class devices that the test makes with uleds and names through the
 * driver's "leds" parameter.  Command 0 counts the named LEDs; on, off and
 * toggle reach the right LED, seen from the uleds end; a number past the
 * count is INVAL, a named LED that is not registered (or has gone) is
 * NODEVICE until it registers, however late; rewriting the parameter
 * renumbers the LEDs at once.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <linux/uleds.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#include <libtock/interface/led.h>
#include <libtock/interface/syscalls/led_syscalls.h>

#define LED_PARAM	"/sys/module/tock_led/parameters/leds"
#define LED_A		"tocktest::a"
#define LED_B		"tocktest::b"
#define LED_MISSING	"tocktest::missing"
#define LED_MAX_A	255
#define LED_MAX_B	1
#define LED_CMD_UNKNOWN	4
/* How long a brightness change may take to reach uleds. */
#define LED_WAIT_MS	2000
/* How long to watch for a change that must not come. */
#define LED_QUIET_MS	100

FIXTURE(led)
{
	int a;			/* uleds fds: LED 0 and LED 2 */
	int b;
	char saved[4096];	/* "leds" as found */
	bool restore;
};

static int led_uleds(const char *name, int max)
{
	struct uleds_user_dev dev = { .max_brightness = max };
	int fd = open("/dev/uleds", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	strncpy(dev.name, name, sizeof(dev.name) - 1);
	if (write(fd, &dev, sizeof(dev)) != sizeof(dev)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* The next brightness uleds reports within @ms, or -1. */
static int led_brightness(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int val;

	if (poll(&p, 1, ms) != 1)
		return -1;
	if (read(fd, &val, sizeof(val)) != sizeof(val))
		return -1;
	return val;
}

FIXTURE_SETUP(led)
{
	int fd;

	self->a = self->b = -1;
	fd = tock_fd();
	if (fd == -ENOENT)
		SKIP(return, "%s missing", tock_device_path());
	ASSERT_LE(0, fd);
	if (!libtock_led_exists())
		SKIP(return, "tockallow LED driver missing");
	if (test_read_file(LED_PARAM, self->saved, sizeof(self->saved)))
		SKIP(return, "cannot read %s", LED_PARAM);
	if (access("/dev/uleds", F_OK))
		SKIP(return, "no /dev/uleds (CONFIG_LEDS_USER)");
	if (access("/dev/uleds", R_OK | W_OK))
		SKIP(return, "needs access to /dev/uleds (root)");
	self->a = led_uleds(LED_A, LED_MAX_A);
	ASSERT_LE(0, self->a) TH_LOG("uleds: %s", strerror(-self->a));
	self->b = led_uleds(LED_B, LED_MAX_B);
	ASSERT_LE(0, self->b) TH_LOG("uleds: %s", strerror(-self->b));
	ASSERT_EQ(0, test_write_file(LED_PARAM, LED_A "," LED_MISSING "," LED_B));
	self->restore = true;
	/* Registration reports the initial brightness, 0: drop it. */
	led_brightness(self->a, 0);
	led_brightness(self->b, 0);
}

FIXTURE_TEARDOWN(led)
{
	if (self->restore)
		test_write_file(LED_PARAM, self->saved);
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

TEST_F(led, count_is_the_number_of_named_leds)
{
	int count = -1;

	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_count(&count));
	EXPECT_EQ(3, count);
}

TEST_F(led, on_lights_that_led_at_full_brightness)
{
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_on(0));
	EXPECT_EQ(LED_MAX_A, led_brightness(self->a, LED_WAIT_MS));
	/* LED 2 is the other one. */
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_on(2));
	EXPECT_EQ(LED_MAX_B, led_brightness(self->b, LED_WAIT_MS));
	EXPECT_EQ(-1, led_brightness(self->a, LED_QUIET_MS));
}

TEST_F(led, off_turns_it_off)
{
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_on(0));
	ASSERT_EQ(LED_MAX_A, led_brightness(self->a, LED_WAIT_MS));
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_off(0));
	EXPECT_EQ(0, led_brightness(self->a, LED_WAIT_MS));
}

TEST_F(led, toggle_flips_the_led_each_time)
{
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_toggle(2));
	EXPECT_EQ(LED_MAX_B, led_brightness(self->b, LED_WAIT_MS));
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_toggle(2));
	EXPECT_EQ(0, led_brightness(self->b, LED_WAIT_MS));
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_toggle(2));
	EXPECT_EQ(LED_MAX_B, led_brightness(self->b, LED_WAIT_MS));
}

TEST_F(led, number_past_the_count_is_inval)
{
	EXPECT_EQ(RETURNCODE_EINVAL, libtock_led_on(3));
	EXPECT_EQ(RETURNCODE_EINVAL, libtock_led_toggle(-1));
	EXPECT_EQ(-1, led_brightness(self->a, LED_QUIET_MS));
}

TEST_F(led, named_led_not_registered_is_nodevice)
{
	EXPECT_EQ(RETURNCODE_ENODEVICE, libtock_led_on(1));
}

TEST_F(led, led_that_goes_away_is_nodevice)
{
	close(self->b);
	self->b = -1;
	EXPECT_EQ(RETURNCODE_ENODEVICE, libtock_led_on(2));
	/* Back under the same name, it is LED 2 again. */
	self->b = led_uleds(LED_B, LED_MAX_B);
	ASSERT_LE(0, self->b);
	led_brightness(self->b, 0);
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_on(2));
	EXPECT_EQ(LED_MAX_B, led_brightness(self->b, LED_WAIT_MS));
}

/*
 * A named LED that first registers after the parameter was written (a
 * keyboard plugged in later) is found by the next command: no reload.
 */
TEST_F(led, led_registered_after_the_parameter_gets_its_number)
{
	int late;

	ASSERT_EQ(RETURNCODE_ENODEVICE, libtock_led_on(1));
	late = led_uleds(LED_MISSING, LED_MAX_A);
	ASSERT_LE(0, late) TH_LOG("uleds: %s", strerror(-late));
	led_brightness(late, 0);
	EXPECT_EQ(RETURNCODE_SUCCESS, libtock_led_on(1));
	EXPECT_EQ(LED_MAX_A, led_brightness(late, LED_WAIT_MS));
	EXPECT_EQ(-1, led_brightness(self->a, LED_QUIET_MS));
	EXPECT_EQ(RETURNCODE_SUCCESS, libtock_led_toggle(1));
	EXPECT_EQ(0, led_brightness(late, LED_WAIT_MS));
	close(late);
	EXPECT_EQ(RETURNCODE_ENODEVICE, libtock_led_on(1));
}

TEST_F(led, rewriting_the_parameter_renumbers_at_once)
{
	int count = -1;

	ASSERT_EQ(0, test_write_file(LED_PARAM, LED_B));
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_count(&count));
	EXPECT_EQ(1, count);
	ASSERT_EQ(RETURNCODE_SUCCESS, libtock_led_on(0));
	EXPECT_EQ(LED_MAX_B, led_brightness(self->b, LED_WAIT_MS));
	EXPECT_EQ(-1, led_brightness(self->a, LED_QUIET_MS));
	EXPECT_EQ(RETURNCODE_EINVAL, libtock_led_on(1));
}

TEST_F(led, parameter_reads_back_as_written)
{
	char buf[256];

	ASSERT_EQ(0, test_read_file(LED_PARAM, buf, sizeof(buf)));
	EXPECT_STREQ(LED_A "," LED_MISSING "," LED_B "\n", buf);
}

TEST_F(led, unknown_command_is_nosupport)
{
	syscall_return_t r = command(DRIVER_NUM_LED, LED_CMD_UNKNOWN, 0, 0);

	EXPECT_EQ(TOCK_SYSCALL_FAILURE, r.type);
	EXPECT_EQ(TOCK_STATUSCODE_NOSUPPORT, r.data[0]);
}

TEST_HARNESS_MAIN
