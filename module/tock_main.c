// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow: the Tock OS system-call model for Linux processes.
 *
 * This file is the misc device /dev/tock: one Tock process per open file,
 * and one ioctl per Tock system-call class.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

#include "tock_internal.h"

static ushort tock_dev_mode = 0666;
module_param_named(mode, tock_dev_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "permissions of /dev/tock (default 0666)");

/*
 * Frees what drivers release from atomic context and revalidates buffers
 * after huge-page splits; nobody flushes it, closes wait for their own.
 */
struct workqueue_struct *tock_wq;
EXPORT_SYMBOL_IF_KUNIT(tock_wq);

static int tock_fops_open(struct inode *inode, struct file *file)
{
	struct tock_process *proc = tock_process_alloc();

	if (IS_ERR(proc))
		return PTR_ERR(proc);
	file->private_data = proc;
	return nonseekable_open(inode, file);
}

static int tock_fops_release(struct inode *inode, struct file *file)
{
	tock_process_close(file->private_data);
	return 0;
}

static __poll_t tock_fops_poll(struct file *file, poll_table *wait)
{
	struct tock_process *proc = file->private_data;

	poll_wait(file, &proc->upcall_wq, wait);
	return tock_process_poll_events(proc);
}

static int tock_ioctl_version(struct tock_process *proc, void __user *argp)
{
	struct tock_ioc_version req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	ret = tock_process_check_mm(proc);
	if (ret)
		return ret;
	req.version = TOCK_ABI_VERSION;
	req.features = TOCK_HAVE_NOTIFIER ? TOCK_FEATURE_LIVENESS_NOTIFIER : 0;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static int tock_ioctl_allow(struct tock_process *proc,
			    enum tock_allow_kind kind, void __user *argp)
{
	struct tock_ioc_allow req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad)
		return -EINVAL;
	ret = tock_process_check_mm(proc);
	if (ret)
		return ret;
	tock_process_allow(proc, kind, &req);
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static int tock_ioctl_subscribe(struct tock_process *proc, void __user *argp)
{
	struct tock_ioc_subscribe req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad)
		return -EINVAL;
	ret = tock_process_check_mm(proc);
	if (ret)
		return ret;
	tock_process_subscribe(proc, &req);
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static int tock_ioctl_command(struct tock_process *proc, void __user *argp)
{
	struct tock_ioc_command req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad)
		return -EINVAL;
	ret = tock_process_check_mm(proc);
	if (ret)
		return ret;
	tock_process_command(proc, &req);
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static int tock_ioctl_yield(struct tock_process *proc, void __user *argp)
{
	struct tock_ioc_yield req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	ret = tock_process_check_mm(proc);
	if (ret)
		return ret;
	/* Fail a read-only struct now, not after dequeuing an upcall. */
	if (copy_to_user(argp, &req, sizeof(req)))
		return -EFAULT;
	ret = tock_process_yield(proc, &req);
	if (ret)
		return ret;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static long tock_fops_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct tock_process *proc = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case TOCK_IOC_VERSION:
		return tock_ioctl_version(proc, argp);
	case TOCK_IOC_YIELD:
		return tock_ioctl_yield(proc, argp);
	case TOCK_IOC_SUBSCRIBE:
		return tock_ioctl_subscribe(proc, argp);
	case TOCK_IOC_COMMAND:
		return tock_ioctl_command(proc, argp);
	case TOCK_IOC_ALLOW_RW:
		return tock_ioctl_allow(proc, TOCK_ALLOW_RW, argp);
	case TOCK_IOC_ALLOW_RO:
		return tock_ioctl_allow(proc, TOCK_ALLOW_RO, argp);
	case TOCK_IOC_ALLOW_UR:
		return tock_ioctl_allow(proc, TOCK_ALLOW_UR, argp);
	default:
		return -ENOIOCTLCMD;
	}
}

static const struct file_operations tock_fops = {
	.owner = THIS_MODULE,
	.open = tock_fops_open,
	.release = tock_fops_release,
	.poll = tock_fops_poll,
	.unlocked_ioctl = tock_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice tock_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tock",
	.fops = &tock_fops,
};

static int __init tock_init(void)
{
	int ret;

	tock_wq = alloc_workqueue("tockallow", WQ_UNBOUND, 0);
	if (!tock_wq)
		return -ENOMEM;
	tock_misc.mode = tock_dev_mode;
	ret = misc_register(&tock_misc);
	if (ret)
		goto err_destroy_wq;
	return 0;

err_destroy_wq:
	destroy_workqueue(tock_wq);
	return ret;
}

static void __exit tock_exit(void)
{
	misc_deregister(&tock_misc);
	destroy_workqueue(tock_wq);
}

module_init(tock_init);
module_exit(tock_exit);

MODULE_DESCRIPTION("Tock OS system calls for Linux processes");
MODULE_LICENSE("GPL");
