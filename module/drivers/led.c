// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow LED driver (0x2), after Tock's capsules/core led: command 0
 * answers Success with the number of LEDs, 1 (n) turns LED n on, 2 (n)
 * off, 3 (n) toggles it; INVAL for an n past the count.
 *
 * The LEDs are the board's LED class devices.  The module parameter
 * "leds" lists them by name, in the order processes number them
 * (leds=input0::capslock,tock0); it may be rewritten at run time, and
 * each command looks its LED up by name then, so an LED may come and go
 * (a USB keyboard, a uleds device) while its number stays.  A named LED
 * that is not registered fails its commands with NODEVICE, one that the
 * kernel is blinking (a timer trigger, say) with BUSY.
 *
 * The lookup walks the LED core's own list, leds_list, under its
 * leds_list_lock, and drives the LED with that lock still held for
 * reading.  Both are exported by the LED core from 6.1 to 6.12, and the
 * lock is what makes the led_classdev safe to use: its driver removes it
 * from the list, under the lock for writing, before it may free it.  The
 * other ways are closed to a module out of tree: the leds class is
 * private to led-class.c (so class_find_device() cannot be given it),
 * led_get() needs a firmware node or a lookup table naming this module as
 * the consumer (and is missing from 6.1), and an LED trigger needs
 * CONFIG_LEDS_TRIGGERS, which boards may leave out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/leds.h>
#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uleds.h>

#include <tock/driver.h>

#include "led_core.h"

#define TOCK_LED_CMD_COUNT	0
#define TOCK_LED_CMD_ON		1
#define TOCK_LED_CMD_OFF	2
#define TOCK_LED_CMD_TOGGLE	3

/* Most LEDs the "leds" parameter may name; a board has a handful. */
#define TOCK_LED_MAX		32
/* Longest "leds" value, with room for every name at LED_MAX_NAME_SIZE. */
#define TOCK_LED_PARAM_MAX	(TOCK_LED_MAX * LED_MAX_NAME_SIZE)

/* Protects tock_led_names and tock_led_count. */
static DEFINE_MUTEX(tock_led_lock);
static char tock_led_names[TOCK_LED_MAX][LED_MAX_NAME_SIZE];
static unsigned int tock_led_count;

/*
 * The registered LED called @name, not being unregistered; the caller
 * holds leds_list_lock for reading, which keeps it registered.
 */
static struct led_classdev *tock_led_find(const char *name)
{
	struct led_classdev *cdev;

	lockdep_assert_held(&leds_list_lock);
	list_for_each_entry(cdev, &leds_list, node)
		if (!strcmp(cdev->name, name) &&
		    !(READ_ONCE(cdev->flags) & LED_UNREGISTERING))
			return cdev;
	return NULL;
}

/*
 * Set @cdev to @level without leaving work queued behind: the LED core's
 * brightness work item would outlive an unregister that has already
 * flushed it, and leds_list_lock only holds the unregister back from its
 * list removal.  A sleeping driver is called here, synchronously; a
 * non-sleeping one is called directly by led_set_brightness().  Only
 * software blinking would queue work, so a blinking LED is refused.
 */
static int tock_led_drive(struct led_classdev *cdev, unsigned int level)
{
	if (READ_ONCE(cdev->blink_delay_on) || READ_ONCE(cdev->blink_delay_off))
		return -EBUSY;
	if (cdev->brightness_set_blocking)
		return led_set_brightness_sync(cdev, level);
	led_set_brightness(cdev, level);
	return 0;
}

static struct tock_command_ret tock_led_set(u32 cmd, u64 n)
{
	struct tock_command_ret ret = tock_ret_success();
	char name[LED_MAX_NAME_SIZE];
	struct led_classdev *cdev;
	unsigned int level;

	mutex_lock(&tock_led_lock);
	if (n < tock_led_count)
		strscpy(name, tock_led_names[n], sizeof(name));
	else
		ret = tock_ret_failure(TOCK_STATUS_INVAL);
	mutex_unlock(&tock_led_lock);
	if (ret.rtype != TOCK_RET_SUCCESS)
		return ret;

	down_read(&leds_list_lock);
	cdev = tock_led_find(name);
	if (!cdev) {
		ret = tock_ret_failure(TOCK_STATUS_NODEVICE);
		goto out;
	}
	level = cmd == TOCK_LED_CMD_ON ? cdev->max_brightness : LED_OFF;
	/* Toggle reads the LED itself: someone else may have set it. */
	if (cmd == TOCK_LED_CMD_TOGGLE)
		level = READ_ONCE(cdev->brightness) ? LED_OFF :
			cdev->max_brightness;
	if (tock_led_drive(cdev, level))
		ret = tock_ret_failure(TOCK_STATUS_BUSY);
out:
	up_read(&leds_list_lock);
	return ret;
}

static struct tock_command_ret tock_led_command(struct tock_grant *g,
						u32 cmd, u64 arg1, u64 arg2)
{
	unsigned int count;

	switch (cmd) {
	case TOCK_LED_CMD_COUNT:
		mutex_lock(&tock_led_lock);
		count = tock_led_count;
		mutex_unlock(&tock_led_lock);
		return tock_ret_success_u32(count);
	case TOCK_LED_CMD_ON:
	case TOCK_LED_CMD_OFF:
	case TOCK_LED_CMD_TOGGLE:
		return tock_led_set(cmd, arg1);
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

/* "leds": names separated by commas, numbered in that order. */
static int tock_led_param_set(const char *val, const struct kernel_param *kp)
{
	char (*names)[LED_MAX_NAME_SIZE];
	char *buf, *cur, *name;
	unsigned int n = 0;
	int ret = 0;

	if (strnlen(val, TOCK_LED_PARAM_MAX) >= TOCK_LED_PARAM_MAX)
		return -ENOSPC;
	names = kcalloc(TOCK_LED_MAX, LED_MAX_NAME_SIZE, GFP_KERNEL);
	buf = kstrdup(val, GFP_KERNEL);
	if (!names || !buf) {
		ret = -ENOMEM;
		goto out;
	}
	cur = strim(buf);
	while ((name = strsep(&cur, ",")) != NULL) {
		name = strim(name);
		if (!*name)
			continue;
		if (n == TOCK_LED_MAX ||
		    strscpy(names[n], name, LED_MAX_NAME_SIZE) < 0) {
			ret = -EINVAL;
			goto out;
		}
		n++;
	}
	mutex_lock(&tock_led_lock);
	memcpy(tock_led_names, names, sizeof(tock_led_names));
	tock_led_count = n;
	mutex_unlock(&tock_led_lock);
out:
	kfree(buf);
	kfree(names);
	return ret;
}

static int tock_led_param_get(char *buffer, const struct kernel_param *kp)
{
	unsigned int i;
	int len = 0;

	mutex_lock(&tock_led_lock);
	for (i = 0; i < tock_led_count; i++)
		len += sysfs_emit_at(buffer, len, "%s%s", i ? "," : "",
				     tock_led_names[i]);
	mutex_unlock(&tock_led_lock);
	len += sysfs_emit_at(buffer, len, "\n");
	return len;
}

static const struct kernel_param_ops tock_led_param_ops = {
	.set = tock_led_param_set,
	.get = tock_led_param_get,
};

module_param_cb(leds, &tock_led_param_ops, NULL, 0644);
MODULE_PARM_DESC(leds,
		 "LED class devices, by name and comma-separated, that processes see as LEDs 0, 1, ...");

static struct tock_driver tock_led_driver = {
	.num = TOCK_DRIVER_LED,
	.owner = THIS_MODULE,
	.command = tock_led_command,
};

static int __init tock_led_init(void)
{
	return tock_driver_register(&tock_led_driver);
}

static void __exit tock_led_exit(void)
{
	tock_driver_unregister(&tock_led_driver);
}

module_init(tock_led_init);
module_exit(tock_led_exit);

MODULE_DESCRIPTION("tockallow LED driver: the board's LED class devices");
MODULE_LICENSE("GPL");
