// SPDX-License-Identifier: GPL-2.0
/*
 * tockallow driver registry: driver numbers to in-kernel drivers.
 */
#include <linux/export.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "tock_internal.h"

/* Registered drivers by number; RCU lookups, writers use the xa_lock. */
static DEFINE_XARRAY(tock_drivers);
/* Woken when a driver's last grant is torn down. */
static DECLARE_WAIT_QUEUE_HEAD(tock_driver_grants_wq);

/**
 * tock_driver_get() - look up a driver and hold it for one call
 * @num: driver number
 *
 * Context: Any context.
 * Return: the driver, to be released with tock_driver_put(), or NULL.
 */
struct tock_driver *tock_driver_get(u32 num)
{
	struct tock_driver *drv;

	rcu_read_lock();
	drv = xa_load(&tock_drivers, num);
	if (drv && !refcount_inc_not_zero(&drv->users))
		drv = NULL;
	rcu_read_unlock();
	return drv;
}

/**
 * tock_driver_put() - release a driver taken by tock_driver_get()
 * @drv: the driver
 *
 * Context: Any context.
 */
void tock_driver_put(struct tock_driver *drv)
{
	if (refcount_dec_and_test(&drv->users))
		complete(&drv->unused);
}

/**
 * tock_driver_grant_gone() - a grant of @drv finished its teardown
 * @drv: the driver
 *
 * Context: Process context.
 */
void tock_driver_grant_gone(struct tock_driver *drv)
{
	if (atomic_dec_and_test(&drv->grants))
		wake_up_all(&tock_driver_grants_wq);
}

static bool tock_driver_valid(const struct tock_driver *drv)
{
	enum tock_allow_kind kind;

	if (!drv->command)
		return false;
	for (kind = 0; kind < TOCK_ALLOW_KINDS; kind++)
		if (drv->allow_counts[kind] > TOCK_MAX_SLOTS)
			return false;
	return drv->upcall_count <= TOCK_MAX_SLOTS;
}

/**
 * tock_driver_register() - make a driver reachable from /dev/tock
 * @drv: the driver, filled in up to its private members; it must stay
 *	valid until tock_driver_unregister() returns
 *
 * Context: Process context.
 * Return: 0; -EINVAL for a driver without a command handler or with more
 * than TOCK_MAX_SLOTS slots of a kind; -EBUSY when the number is taken;
 * -ENOMEM.
 */
int tock_driver_register(struct tock_driver *drv)
{
	if (!tock_driver_valid(drv))
		return -EINVAL;
	refcount_set(&drv->users, 1);
	init_completion(&drv->unused);
	atomic_set(&drv->grants, 0);
	return xa_insert(&tock_drivers, drv->num, drv, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(tock_driver_register);

/**
 * tock_driver_unregister() - remove a driver
 * @drv: a registered driver
 *
 * Once this returns no call into @drv is in flight and none can start, and
 * every process's state with it is gone (its process_exit was called).
 *
 * Context: Process context; sleeps until in-flight calls finish.
 */
void tock_driver_unregister(struct tock_driver *drv)
{
	xa_erase(&tock_drivers, drv->num);
	/* Lookups under rcu_read_lock() may still take a reference. */
	synchronize_rcu();
	tock_driver_put(drv);
	wait_for_completion(&drv->unused);
	tock_process_remove_driver(drv);
	/* Processes closing meanwhile tear their grants down themselves. */
	wait_event(tock_driver_grants_wq, !atomic_read(&drv->grants));
}
EXPORT_SYMBOL_GPL(tock_driver_unregister);
