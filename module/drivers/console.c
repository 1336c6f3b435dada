// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow console driver (0x1), after Tock's capsules/core console: a
 * process writes a read-only buffer to the kernel log, tagged with its pid.
 * Read-only allow 1 holds the text; command 1 (length) prints it; upcall 1
 * reports (bytes written, 0, 0), as the capsule's write-done upcall does.
 * There is no input source, so reading (command 2) is not supported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include <tock/driver.h>

#define TOCK_CONSOLE_ALLOW_WRITE	1
#define TOCK_CONSOLE_UPCALL_WRITE	1
#define TOCK_CONSOLE_CMD_WRITE		1
/* Longest write one command prints; Tock's console also bounds writes. */
#define TOCK_CONSOLE_MAX_WRITE		4096

struct tock_console_copy {
	char *text;
	size_t len;
};

static int tock_console_copy(const struct tock_ro_slice *s, void *ctx)
{
	struct tock_console_copy *copy = ctx;
	struct tock_ro_slice head;

	copy->len = min(copy->len, tock_ro_slice_len(s));
	if (tock_ro_slice_sub(s, TOCK_RANGE_TO(copy->len), &head))
		return -EINVAL;
	return tock_ro_slice_copy_to(&head, copy->text, copy->len);
}

/* Print @text line by line so that each log record is one line. */
static void tock_console_print(pid_t pid, const char *text, size_t len)
{
	const char *nl;
	size_t n;

	while (len) {
		nl = memchr(text, '\n', len);
		n = nl ? nl - text : len;
		pr_info("[%d] %.*s\n", pid, (int)n, text);
		n += !!nl;
		text += n;
		len -= n;
	}
}

static struct tock_command_ret tock_console_write(struct tock_grant *g,
						  u64 len)
{
	struct tock_console_copy copy;
	struct tock_ro_buffer_ref ref;
	int ret;

	copy.len = min_t(u64, len, TOCK_CONSOLE_MAX_WRITE);
	copy.text = kmalloc(copy.len + 1, GFP_KERNEL);
	if (!copy.text)
		return tock_ret_failure(TOCK_STATUS_NOMEM);
	ret = tock_grant_ro_buffer_get(g, TOCK_CONSOLE_ALLOW_WRITE, &ref);
	if (!ret) {
		/* Copy out first: printing under enter would hold it open. */
		ret = tock_ro_buffer_enter(&ref.buffer, tock_console_copy,
					   &copy);
		tock_ro_buffer_ref_put(&ref);
	}
	if (ret) {
		kfree(copy.text);
		return tock_ret_failure(tock_errno_to_status(ret));
	}
	tock_console_print(tock_grant_pid(g), copy.text, copy.len);
	kfree(copy.text);
	/*
	 * The text is out: the write succeeded even if the process let its
	 * upcall queue fill up and misses this one.
	 */
	tock_grant_schedule_upcall(g, TOCK_CONSOLE_UPCALL_WRITE, copy.len, 0,
				   0);
	return tock_ret_success();
}

static struct tock_command_ret tock_console_command(struct tock_grant *g,
						    u32 cmd, u64 arg1,
						    u64 arg2)
{
	switch (cmd) {
	case TOCK_CONSOLE_CMD_WRITE:
		return tock_console_write(g, arg1);
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

static struct tock_driver tock_console_driver = {
	.num = TOCK_DRIVER_CONSOLE,
	.allow_counts = {
		[TOCK_ALLOW_RO] = 2,
		[TOCK_ALLOW_RW] = 2,
	},
	.upcall_count = 3,
	.owner = THIS_MODULE,
	.command = tock_console_command,
};

static int __init tock_console_init(void)
{
	return tock_driver_register(&tock_console_driver);
}

static void __exit tock_console_exit(void)
{
	tock_driver_unregister(&tock_console_driver);
}

module_init(tock_console_init);
module_exit(tock_console_exit);

MODULE_DESCRIPTION("tockallow console driver: process output to the kernel log");
MODULE_LICENSE("GPL");
