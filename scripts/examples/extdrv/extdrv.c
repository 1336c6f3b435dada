// SPDX-License-Identifier: GPL-2.0
/*
 * tock_extdrv: the smallest tock driver, built out of tree against an
 * installed tockallow (its headers and Module.symvers), the way a driver
 * of someone else's would be.  Command 1 (a, b) answers a + b; command 2
 * answers how many commands this process has issued, from its grant.
 */
#include <linux/module.h>

#include <tock/driver.h>

#define TOCK_EXTDRV_NUM		0xa0001
#define TOCK_EXTDRV_CMD_ADD	1
#define TOCK_EXTDRV_CMD_COUNT	2

/* Per-process state (Tock's grant), allocated by the core. */
struct tock_extdrv_app {
	u32 commands;
};

static struct tock_command_ret tock_extdrv_command(struct tock_grant *g,
						   u32 cmd, u64 arg1, u64 arg2)
{
	struct tock_extdrv_app *app = tock_grant_data(g);

	app->commands++;
	switch (cmd) {
	case TOCK_EXTDRV_CMD_ADD:
		return tock_ret_success_u32((u32)(arg1 + arg2));
	case TOCK_EXTDRV_CMD_COUNT:
		return tock_ret_success_u32(app->commands);
	default:
		return tock_ret_failure(TOCK_STATUS_NOSUPPORT);
	}
}

static struct tock_driver tock_extdrv_driver = {
	.num = TOCK_EXTDRV_NUM,
	.grant_size = sizeof(struct tock_extdrv_app),
	.owner = THIS_MODULE,
	.command = tock_extdrv_command,
};

static int __init tock_extdrv_init(void)
{
	return tock_driver_register(&tock_extdrv_driver);
}

static void __exit tock_extdrv_exit(void)
{
	tock_driver_unregister(&tock_extdrv_driver);
}

module_init(tock_extdrv_init);
module_exit(tock_extdrv_exit);

MODULE_DESCRIPTION("tockallow example of an out-of-tree driver");
MODULE_LICENSE("GPL");
