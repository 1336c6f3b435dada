// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow button driver (0x3), after Tock's capsules/core button:
 * command 0 answers Success with the number of buttons, 1 (n) enables
 * the calling process's upcalls for button n, 2 (n) disables them, 3 (n)
 * answers Success with 1 while button n is pressed, 0 otherwise; INVAL
 * for an n past the count.  Upcall 0 reports (n, pressed, 0) on every
 * press and release, to each process that enabled that button.
 *
 * The buttons are Linux input keys: the module parameter "keys" lists
 * key codes (linux/input-event-codes.h), numbered in that order
 * (keys=30,48 for KEY_A and KEY_B); it may be rewritten at run time.  An
 * input handler connects to every device that reports EV_KEY, as evdev
 * does, so a key of any keyboard, GPIO keys device or uinput device is a
 * button; autorepeat is not a press.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/input.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <tock/driver.h>

#define TOCK_BUTTON_CMD_COUNT	0
#define TOCK_BUTTON_CMD_ENABLE	1
#define TOCK_BUTTON_CMD_DISABLE	2
#define TOCK_BUTTON_CMD_READ	3

#define TOCK_BUTTON_UPCALL	0

/* Most keys the "keys" parameter may name; a board has a handful. */
#define TOCK_BUTTON_MAX		32

/* Input event values of EV_KEY. */
#define TOCK_KEY_RELEASED	0
#define TOCK_KEY_PRESSED	1

/* Per-process state (the grant). */
struct tock_button_app {
	struct tock_grant *g;		/* valid until process_exit returns */
	struct list_head node;		/* in tock_button_apps */
	DECLARE_BITMAP(enabled, TOCK_BUTTON_MAX);
};

/*
 * Protects tock_button_keys, tock_button_count, tock_button_apps (and
 * each app's @enabled) and tock_button_handles.  Taken with interrupts
 * off: the input core calls tock_button_event() with the device's
 * event_lock held and interrupts disabled.  An app leaves the list under
 * it in process_exit, so no upcall is scheduled for it afterwards.
 */
static DEFINE_SPINLOCK(tock_button_lock);
static unsigned int tock_button_keys[TOCK_BUTTON_MAX];
static unsigned int tock_button_count;
static LIST_HEAD(tock_button_apps);
static LIST_HEAD(tock_button_handles);

/* A connected input device. */
struct tock_button_handle {
	struct input_handle handle;
	struct list_head node;		/* in tock_button_handles */
};

static void tock_button_event(struct input_handle *handle, unsigned int type,
			      unsigned int code, int value)
{
	struct tock_button_app *app;
	unsigned long flags;
	unsigned int n;

	if (type != EV_KEY ||
	    (value != TOCK_KEY_PRESSED && value != TOCK_KEY_RELEASED))
		return;
	spin_lock_irqsave(&tock_button_lock, flags);
	for (n = 0; n < tock_button_count; n++) {
		if (tock_button_keys[n] != code)
			continue;
		list_for_each_entry(app, &tock_button_apps, node)
			if (test_bit(n, app->enabled))
				/* Never allocates; a full queue drops it. */
				tock_grant_schedule_upcall(app->g,
							   TOCK_BUTTON_UPCALL,
							   n, value, 0);
	}
	spin_unlock_irqrestore(&tock_button_lock, flags);
}

/* Whether button @n is down on any connected device; lock held. */
static bool tock_button_pressed(unsigned int n)
{
	struct tock_button_handle *h;

	lockdep_assert_held(&tock_button_lock);
	list_for_each_entry(h, &tock_button_handles, node)
		if (test_bit(tock_button_keys[n], h->handle.dev->key))
			return true;
	return false;
}

static struct tock_command_ret tock_button_command(struct tock_grant *g,
						   u32 cmd, u64 arg1, u64 arg2)
{
	struct tock_button_app *app = tock_grant_data(g);
	struct tock_command_ret ret = tock_ret_success();

	if (cmd > TOCK_BUTTON_CMD_READ)
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	spin_lock_irq(&tock_button_lock);
	if (cmd == TOCK_BUTTON_CMD_COUNT) {
		ret = tock_ret_success_u32(tock_button_count);
		goto out;
	}
	if (arg1 >= tock_button_count) {
		ret = tock_ret_failure(TOCK_STATUS_INVAL);
		goto out;
	}
	switch (cmd) {
	case TOCK_BUTTON_CMD_ENABLE:
		__set_bit(arg1, app->enabled);
		break;
	case TOCK_BUTTON_CMD_DISABLE:
		__clear_bit(arg1, app->enabled);
		break;
	case TOCK_BUTTON_CMD_READ:
		ret = tock_ret_success_u32(tock_button_pressed(arg1));
		break;
	}
out:
	spin_unlock_irq(&tock_button_lock);
	return ret;
}

static int tock_button_grant_init(struct tock_grant *g)
{
	struct tock_button_app *app = tock_grant_data(g);

	app->g = g;
	spin_lock_irq(&tock_button_lock);
	list_add_tail(&app->node, &tock_button_apps);
	spin_unlock_irq(&tock_button_lock);
	return 0;
}

static void tock_button_process_exit(struct tock_grant *g)
{
	struct tock_button_app *app = tock_grant_data(g);

	spin_lock_irq(&tock_button_lock);
	list_del(&app->node);
	spin_unlock_irq(&tock_button_lock);
}

static int tock_button_connect(struct input_handler *handler,
			       struct input_dev *dev,
			       const struct input_device_id *id)
{
	struct tock_button_handle *h = kzalloc(sizeof(*h), GFP_KERNEL);
	int ret;

	if (!h)
		return -ENOMEM;
	h->handle.dev = dev;
	h->handle.handler = handler;
	h->handle.name = "tock_button";
	ret = input_register_handle(&h->handle);
	if (ret)
		goto err_free;
	ret = input_open_device(&h->handle);
	if (ret)
		goto err_unregister;
	spin_lock_irq(&tock_button_lock);
	list_add_tail(&h->node, &tock_button_handles);
	spin_unlock_irq(&tock_button_lock);
	return 0;

err_unregister:
	input_unregister_handle(&h->handle);
err_free:
	kfree(h);
	return ret;
}

static void tock_button_disconnect(struct input_handle *handle)
{
	struct tock_button_handle *h =
		container_of(handle, struct tock_button_handle, handle);

	spin_lock_irq(&tock_button_lock);
	list_del(&h->node);
	spin_unlock_irq(&tock_button_lock);
	input_close_device(handle);
	input_unregister_handle(handle);
	kfree(h);
}

/* Every device that has keys. */
static const struct input_device_id tock_button_ids[] = {
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT,
		.evbit = { BIT_MASK(EV_KEY) },
	},
	{ },
};

static struct input_handler tock_button_handler = {
	.event = tock_button_event,
	.connect = tock_button_connect,
	.disconnect = tock_button_disconnect,
	.name = "tock_button",
	.id_table = tock_button_ids,
};

/* "keys": key codes separated by commas, numbered in that order. */
static int tock_button_param_set(const char *val,
				 const struct kernel_param *kp)
{
	unsigned int keys[TOCK_BUTTON_MAX];
	unsigned int n = 0;
	char *buf, *cur, *tok;
	int ret = 0;

	buf = kstrdup(val, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = strim(buf);
	while ((tok = strsep(&cur, ",")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		if (n == TOCK_BUTTON_MAX || kstrtouint(tok, 0, &keys[n]) ||
		    keys[n] > KEY_MAX) {
			ret = -EINVAL;
			goto out;
		}
		n++;
	}
	spin_lock_irq(&tock_button_lock);
	memcpy(tock_button_keys, keys, n * sizeof(keys[0]));
	tock_button_count = n;
	spin_unlock_irq(&tock_button_lock);
out:
	kfree(buf);
	return ret;
}

static int tock_button_param_get(char *buffer, const struct kernel_param *kp)
{
	unsigned int keys[TOCK_BUTTON_MAX];
	unsigned int i, n;
	int len = 0;

	spin_lock_irq(&tock_button_lock);
	n = tock_button_count;
	memcpy(keys, tock_button_keys, n * sizeof(keys[0]));
	spin_unlock_irq(&tock_button_lock);
	for (i = 0; i < n; i++)
		len += sysfs_emit_at(buffer, len, "%s%u", i ? "," : "",
				     keys[i]);
	len += sysfs_emit_at(buffer, len, "\n");
	return len;
}

static const struct kernel_param_ops tock_button_param_ops = {
	.set = tock_button_param_set,
	.get = tock_button_param_get,
};

module_param_cb(keys, &tock_button_param_ops, NULL, 0644);
MODULE_PARM_DESC(keys,
		 "input key codes, comma-separated, that processes see as buttons 0, 1, ...");

static struct tock_driver tock_button_driver = {
	.num = TOCK_DRIVER_BUTTON,
	.upcall_count = 1,
	.grant_size = sizeof(struct tock_button_app),
	.owner = THIS_MODULE,
	.command = tock_button_command,
	.grant_init = tock_button_grant_init,
	.process_exit = tock_button_process_exit,
};

static int __init tock_button_init(void)
{
	int ret = input_register_handler(&tock_button_handler);

	if (ret)
		return ret;
	ret = tock_driver_register(&tock_button_driver);
	if (ret)
		input_unregister_handler(&tock_button_handler);
	return ret;
}

static void __exit tock_button_exit(void)
{
	tock_driver_unregister(&tock_button_driver);
	input_unregister_handler(&tock_button_handler);
}

module_init(tock_button_init);
module_exit(tock_button_exit);

MODULE_DESCRIPTION("tockallow button driver: input keys as buttons");
MODULE_LICENSE("GPL");
