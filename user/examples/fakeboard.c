// SPDX-License-Identifier: GPL-2.0
/*
 * fakeboard: a board's LEDs and buttons for the demo, out of uleds and
 * uinput.  It makes LEDS LEDs called tock0, tock1, ... and a keyboard
 * whose keys F13, F14, ... are the buttons, names them in the LED and
 * button drivers' parameters, runs PROGRAM, presses each button once a
 * second (when asked to) and prints every LED change, for SECONDS.
 *
 * Usage: fakeboard [-p] LEDS SECONDS PROGRAM [ARG]...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <linux/uleds.h>

#define FB_MAX		8
#define FB_KEY0		KEY_F13
#define FB_LEDS_PARAM	"/sys/module/tock_led/parameters/leds"
#define FB_KEYS_PARAM	"/sys/module/tock_button/parameters/keys"
#define FB_PRESS_MS	1000
#define FB_HOLD_MS	100

static int fb_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

static void fb_key(int fd, int code, int value)
{
	struct input_event ev[2] = {
		{ .type = EV_KEY, .code = code, .value = value },
		{ .type = EV_SYN, .code = SYN_REPORT },
	};

	if (write(fd, ev, sizeof(ev)) != sizeof(ev))
		perror("fakeboard: uinput");
}

static long fb_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct uinput_setup setup = { .name = "tockallow fakeboard" };
	struct pollfd fds[FB_MAX];
	char leds[FB_MAX * 8] = "", keys[FB_MAX * 8] = "";
	int press = 0, n, i, kbd, val, status;
	long end, next_press, release_at = -1;
	int pressed = -1, turn = 0;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "-p")) {
		press = 1;
		argv++;
		argc--;
	}
	if (argc < 4 || (n = atoi(argv[1])) < 1 || n > FB_MAX) {
		fprintf(stderr,
			"usage: fakeboard [-p] LEDS SECONDS PROGRAM [ARG]...\n");
		return 2;
	}
	kbd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (kbd < 0 || ioctl(kbd, UI_SET_EVBIT, EV_KEY)) {
		perror("fakeboard: /dev/uinput");
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct uleds_user_dev dev = { .max_brightness = 1 };

		snprintf(dev.name, sizeof(dev.name), "tock%d", i);
		fds[i].fd = open("/dev/uleds", O_RDWR | O_CLOEXEC);
		fds[i].events = POLLIN;
		if (fds[i].fd < 0 ||
		    write(fds[i].fd, &dev, sizeof(dev)) != sizeof(dev)) {
			perror("fakeboard: /dev/uleds");
			return 1;
		}
		snprintf(leds + strlen(leds), sizeof(leds) - strlen(leds),
			 "%stock%d", i ? "," : "", i);
		snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys),
			 "%s%d", i ? "," : "", FB_KEY0 + i);
		ioctl(kbd, UI_SET_KEYBIT, FB_KEY0 + i);
	}
	if (ioctl(kbd, UI_DEV_SETUP, &setup) || ioctl(kbd, UI_DEV_CREATE)) {
		perror("fakeboard: uinput device");
		return 1;
	}
	if (fb_write_file(FB_LEDS_PARAM, leds) ||
	    fb_write_file(FB_KEYS_PARAM, keys)) {
		perror("fakeboard: module parameters");
		return 1;
	}
	printf("fakeboard: LEDs %s, buttons are keys %s\n", leds, keys);
	fflush(stdout);

	pid = fork();
	if (pid == 0) {
		execv(argv[3], argv + 3);
		perror("fakeboard: exec");
		_exit(127);
	}
	end = fb_ms() + atoi(argv[2]) * 1000L;
	next_press = fb_ms() + FB_PRESS_MS;
	while (fb_ms() < end) {
		if (poll(fds, n, 20) > 0) {
			for (i = 0; i < n; i++) {
				if (!(fds[i].revents & POLLIN))
					continue;
				if (read(fds[i].fd, &val, sizeof(val)) ==
				    sizeof(val))
					printf("fakeboard: LED %d %s\n", i,
					       val ? "on" : "off");
			}
			fflush(stdout);
		}
		if (press && pressed < 0 && fb_ms() >= next_press) {
			pressed = turn++ % n;
			printf("fakeboard: press button %d\n", pressed);
			fflush(stdout);
			fb_key(kbd, FB_KEY0 + pressed, 1);
			release_at = fb_ms() + FB_HOLD_MS;
		}
		if (pressed >= 0 && fb_ms() >= release_at) {
			fb_key(kbd, FB_KEY0 + pressed, 0);
			pressed = -1;
			next_press = fb_ms() + FB_PRESS_MS;
		}
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	fb_write_file(FB_LEDS_PARAM, "");
	fb_write_file(FB_KEYS_PARAM, "");
	return 0;
}
