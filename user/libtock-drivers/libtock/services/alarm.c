// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace alarm multiplexer.  Set alarms wait in one list, soonest
 * first; the kernel's single alarm is always armed for the head.  Because
 * every alarm's time left shrinks at the same rate, an order that holds
 * when an alarm is inserted keeps holding.  An alarm has expired once the
 * counter has moved dt ticks past its reference, modulo 2^32, as the
 * kernel compares.
 */
#include <pthread.h>
#include <stddef.h>

#include "alarm.h"

/* Longest step of an alarm in milliseconds: well inside one wrap. */
#define ALARM_STEP	(1u << 31)
#define MS_PER_S	1000u
#define US_PER_S	1000000u

static libtock_alarm_ticks_t *alarm_head;
static bool alarm_subscribed;
static bool alarm_atfork_set;

/*
 * A forked child is a new Tock process (libtock opens it on first use):
 * none of the parent's alarms is armed for it, nor is its upcall
 * subscribed, so it starts with no alarms.
 */
static void alarm_atfork_child(void)
{
	alarm_head = NULL;
	alarm_subscribed = false;
}

static uint32_t alarm_frequency(void)
{
	static uint32_t frequency;

	if (!frequency && libtock_alarm_command_get_frequency(&frequency) !=
	    RETURNCODE_SUCCESS)
		frequency = 0;
	return frequency;
}

static uint32_t alarm_now(void)
{
	uint32_t now = 0;

	libtock_alarm_command_read(&now);
	return now;
}

/* Ticks until @a expires, 0 once it has. */
static uint32_t alarm_left(const libtock_alarm_ticks_t *a, uint32_t now)
{
	uint32_t elapsed = now - a->reference;

	return elapsed < a->dt ? a->dt - elapsed : 0;
}

uint32_t libtock_alarm_ticks_to_ms(uint32_t ticks)
{
	uint32_t hz = alarm_frequency();

	return hz ? (uint32_t)((uint64_t)ticks * MS_PER_S / hz) : 0;
}

uint32_t libtock_alarm_ms_to_ticks(uint32_t ms)
{
	uint64_t ticks = (uint64_t)ms * alarm_frequency() / MS_PER_S;

	return ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks;
}

/* Arm the kernel's alarm for the head, or stop it when there is none. */
static void alarm_rearm(void)
{
	if (alarm_head)
		libtock_alarm_command_set_absolute(alarm_head->reference,
						   alarm_head->dt);
	else
		libtock_alarm_command_stop();
}

static void alarm_unlink(libtock_alarm_ticks_t *a)
{
	if (a->prev)
		a->prev->next = a->next;
	else if (alarm_head == a)
		alarm_head = a->next;
	if (a->next)
		a->next->prev = a->prev;
	a->next = NULL;
	a->prev = NULL;
}

static bool alarm_linked(const libtock_alarm_ticks_t *a)
{
	return a->prev || alarm_head == a;
}

/*
 * The kernel's upcall: run every alarm that has expired, then arm for the
 * next.  The counter is read again for each, since callbacks take time
 * and may set alarms of their own.
 */
static void alarm_upcall(int now_arg, int expiration, int unused,
			 void *opaque)
{
	libtock_alarm_ticks_t *a;
	uint32_t now;

	(void)now_arg;
	(void)expiration;
	(void)unused;
	(void)opaque;
	for (;;) {
		now = alarm_now();
		a = alarm_head;
		if (!a || alarm_left(a, now))
			break;
		alarm_unlink(a);
		a->callback(now, a->reference + a->dt, a->ud);
	}
	alarm_rearm();
}

int libtock_alarm_at(uint32_t reference, uint32_t dt,
		     libtock_alarm_callback callback, void *opaque,
		     libtock_alarm_ticks_t *alarm)
{
	libtock_alarm_ticks_t *prev = NULL, *cur;
	uint32_t now, left;

	if (!alarm_atfork_set)
		alarm_atfork_set = !pthread_atfork(NULL, NULL,
						   alarm_atfork_child);
	if (!alarm_subscribed) {
		/* Once: subscribing again would drop a queued upcall. */
		if (libtock_alarm_set_upcall(alarm_upcall, NULL) !=
		    RETURNCODE_SUCCESS)
			return RETURNCODE_FAIL;
		alarm_subscribed = true;
	}
	alarm->reference = reference;
	alarm->dt = dt;
	alarm->callback = callback;
	alarm->ud = opaque;

	now = alarm_now();
	left = alarm_left(alarm, now);
	for (cur = alarm_head; cur && alarm_left(cur, now) <= left;
	     cur = cur->next)
		prev = cur;
	alarm->prev = prev;
	alarm->next = cur;
	if (cur)
		cur->prev = alarm;
	if (prev)
		prev->next = alarm;
	else
		alarm_head = alarm;
	if (alarm_head == alarm)
		alarm_rearm();
	return RETURNCODE_SUCCESS;
}

void libtock_alarm_cancel(libtock_alarm_ticks_t *alarm)
{
	bool was_head = alarm_head == alarm;

	if (!alarm_linked(alarm))
		return;
	alarm_unlink(alarm);
	if (was_head)
		alarm_rearm();
}

int libtock_alarm_gettimeasticks(struct timeval *tv)
{
	uint32_t hz = alarm_frequency();
	uint32_t now = alarm_now();

	if (!hz)
		return -1;
	tv->tv_sec = now / hz;
	tv->tv_usec = (suseconds_t)((uint64_t)(now % hz) * US_PER_S / hz);
	return 0;
}

/* One step of an alarm in milliseconds has expired. */
static void alarm_ms_step(uint32_t now, uint32_t expiration, void *opaque)
{
	libtock_alarm_t *ms = opaque;

	if (ms->overflows_left) {
		ms->overflows_left--;
		libtock_alarm_at(expiration, ALARM_STEP, alarm_ms_step, ms,
				 &ms->alarm);
		return;
	}
	if (ms->interval_ms)
		/* Repeating: the next period counts from this expiration. */
		libtock_alarm_at(expiration,
				 libtock_alarm_ms_to_ticks(ms->interval_ms),
				 alarm_ms_step, ms, &ms->alarm);
	ms->callback(now, expiration, ms->user_data);
}

int libtock_alarm_in_ms(uint32_t ms, libtock_alarm_callback cb, void *opaque,
			libtock_alarm_t *alarm)
{
	uint64_t ticks = (uint64_t)ms * alarm_frequency() / MS_PER_S;

	if (!alarm_frequency())
		return RETURNCODE_FAIL;
	alarm->interval_ms = 0;
	alarm->overflows_left = (uint32_t)(ticks / ALARM_STEP);
	alarm->remaining_ticks = (uint32_t)(ticks % ALARM_STEP);
	alarm->callback = cb;
	alarm->user_data = opaque;
	return libtock_alarm_at(alarm_now(), alarm->remaining_ticks,
				alarm_ms_step, alarm, &alarm->alarm);
}

void libtock_alarm_repeating_every_ms(uint32_t ms, libtock_alarm_callback cb,
				      void *opaque, libtock_alarm_t *alarm)
{
	alarm->interval_ms = ms;
	alarm->overflows_left = 0;
	alarm->remaining_ticks = libtock_alarm_ms_to_ticks(ms);
	alarm->callback = cb;
	alarm->user_data = opaque;
	libtock_alarm_at(alarm_now(), alarm->remaining_ticks, alarm_ms_step,
			 alarm, &alarm->alarm);
}

void libtock_alarm_ms_cancel(libtock_alarm_t *alarm)
{
	libtock_alarm_cancel(&alarm->alarm);
}
