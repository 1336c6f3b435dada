/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace alarms, as libtock-c declares them: any number of one-shot
 * alarms (at a tick value, or in some milliseconds) and repeating ones,
 * multiplexed over the process's single kernel alarm.  Callbacks run
 * inside yield().  The tick counter is 32 bits wide and wraps; alarms in
 * milliseconds may be longer than one wrap.
 */
#ifndef LIBTOCK_SERVICES_ALARM_H
#define LIBTOCK_SERVICES_ALARM_H

#include <sys/time.h>

#include <libtock/peripherals/syscalls/alarm_syscalls.h>
#include <libtock/tock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with (now, the expiration it was set for, opaque). */
typedef void (*libtock_alarm_callback)(uint32_t, uint32_t, void *);

uint32_t libtock_alarm_ticks_to_ms(uint32_t ticks);
/* Not in libtock-c's header (its alarm.c keeps one to itself). */
uint32_t libtock_alarm_ms_to_ticks(uint32_t ms);

/* A one-shot alarm in ticks; the caller owns it while it is set. */
typedef struct alarm {
	uint32_t reference;
	uint32_t dt;
	libtock_alarm_callback callback;
	void *ud;
	struct alarm *next;
	struct alarm *prev;
} libtock_alarm_ticks_t;

/* An alarm in milliseconds, one-shot or repeating. */
typedef struct alarm_data {
	uint32_t interval_ms;
	/* Whole steps of 2^31 ticks still to wait after remaining_ticks. */
	uint32_t overflows_left;
	uint32_t remaining_ticks;
	libtock_alarm_callback callback;
	void *user_data;
	libtock_alarm_ticks_t alarm;
} libtock_alarm_t;

/* Fire at reference + dt; RETURNCODE_SUCCESS or RETURNCODE_FAIL. */
int libtock_alarm_at(uint32_t reference, uint32_t dt,
		     libtock_alarm_callback callback, void *opaque,
		     libtock_alarm_ticks_t *alarm);
void libtock_alarm_cancel(libtock_alarm_ticks_t *alarm);

/* The tick counter as a time of day; 0, or -1 without a driver. */
int libtock_alarm_gettimeasticks(struct timeval *tv) __attribute__((nonnull));

int libtock_alarm_in_ms(uint32_t ms, libtock_alarm_callback cb, void *opaque,
			libtock_alarm_t *alarm);
void libtock_alarm_repeating_every_ms(uint32_t ms, libtock_alarm_callback cb,
				      void *opaque, libtock_alarm_t *alarm);
void libtock_alarm_ms_cancel(libtock_alarm_t *alarm);

#ifdef __cplusplus
}
#endif

#endif /* LIBTOCK_SERVICES_ALARM_H */
