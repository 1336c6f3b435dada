/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tockallow kselftests: fixture setup, mappings the
 * fixture owns, the test driver's commands, and the /proc counters that
 * show whether pins leak.  Include after kselftest_harness.h.
 */
#ifndef TOCK_TEST_H
#define TOCK_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include <tock.h>
#include <tock_linux.h>

/* The test driver's slots, as uapi/tockallow.h documents them. */
#define TEST_RO_SLOTS		2
#define TEST_RW_SLOTS		2
#define TEST_UR_SLOTS		1
#define TEST_UPCALLS		2
#define TEST_UPCALL_FILL	0	/* FILL_LATER and UPCALLS */
#define TEST_UPCALL_SUM		1	/* SUM_LATER */

/* A driver number that no tockallow driver uses. */
#define TEST_NO_DRIVER		0x7fff0
/* A command number the test driver does not implement. */
#define TEST_NO_COMMAND		0x7fff
/* Inside the kernel half of the address space on x86_64 and arm64. */
#define TEST_KERNEL_ADDR	0xffff800000000000ULL
/* The module's default cap on one buffer (a module parameter). */
#define TEST_SIZE_CAP		(64UL << 20)
/* How long pins may take to be released after the last reference. */
#define TEST_SETTLE_MS		5000

/* Every mapping a test makes is recorded in its fixture. */
#define TEST_MAPS		8

struct test_map {
	void *addr;
	size_t len;
};

/*
 * Open libtock's fd in a FIXTURE_SETUP, skipping the test when the device
 * or the test driver is missing.
 */
#define TEST_TOCK_SETUP(fd) do {					\
	(fd) = tock_fd();						\
	if ((fd) == -ENOENT)						\
		SKIP(return, "%s missing: tockallow not loaded",	\
		     tock_device_path());				\
	ASSERT_LE(0, (fd)) {						\
		TH_LOG("open %s: %s", tock_device_path(),		\
		       strerror(-(fd)));				\
	}								\
	if (!driver_exists(TOCK_DRIVER_TEST))				\
		SKIP(return, "tockallow test driver missing");		\
} while (0)

static inline size_t test_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Map @len bytes and record them in @maps.  Writable anonymous memory is
 * touched so that the pages exist before any allow; @flags may add
 * MAP_NORESERVE to leave a large mapping untouched.
 */
static inline void *test_map(struct test_map *maps, size_t len, int prot,
			     int flags, int fd)
{
	void *addr;
	int i;

	for (i = 0; i < TEST_MAPS && maps[i].addr; i++)
		;
	if (i == TEST_MAPS)
		return NULL;
	if (fd < 0)
		flags |= MAP_ANONYMOUS;
	addr = mmap(NULL, len, prot, flags, fd, 0);
	if (addr == MAP_FAILED)
		return NULL;
	maps[i].addr = addr;
	maps[i].len = len;
	if (fd < 0 && (prot & PROT_WRITE) && !(flags & MAP_NORESERVE))
		memset(addr, 0, len);
	return addr;
}

/* Map fresh anonymous memory exactly at @addr, which must be free. */
static inline void *test_map_at(struct test_map *maps, void *addr,
				size_t len)
{
	void *got;
	int i;

	for (i = 0; i < TEST_MAPS && maps[i].addr; i++)
		;
	if (i == TEST_MAPS)
		return NULL;
	got = mmap(addr, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (got == MAP_FAILED)
		return NULL;
	maps[i].addr = got;
	maps[i].len = len;
	if (got != addr)
		return NULL;
	memset(got, 0, len);
	return got;
}

static inline struct test_map *test_map_find(struct test_map *maps,
					     void *addr)
{
	int i;

	for (i = 0; i < TEST_MAPS; i++)
		if (maps[i].addr == addr)
			return &maps[i];
	return NULL;
}

/* Unmap a recorded mapping now, as the test's own action. */
static inline int test_unmap(struct test_map *maps, void *addr)
{
	struct test_map *map = test_map_find(maps, addr);
	int ret;

	if (!map)
		return -EINVAL;
	ret = munmap(map->addr, map->len);
	map->addr = NULL;
	return ret ? -errno : 0;
}

static inline void test_maps_free(struct test_map *maps)
{
	int i;

	for (i = 0; i < TEST_MAPS; i++) {
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
		maps[i].addr = NULL;
	}
}

static inline void test_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline syscall_return_t test_cmd(uint32_t cmd, int arg1, int arg2)
{
	return command(TOCK_DRIVER_TEST, cmd, arg1, arg2);
}

/* True for every success variant: some commands don't say which. */
static inline bool test_cmd_ok(uint32_t cmd, int arg1, int arg2)
{
	return test_cmd(cmd, arg1, arg2).type >= TOCK_SYSCALL_SUCCESS;
}

/* Whether buffers die on munmap (the kernel has MMU notifiers). */
static inline bool test_has_liveness(int fd)
{
	struct tock_ioc_version ver;

	memset(&ver, 0, sizeof(ver));
	return !tock_raw_version(fd, &ver) &&
	       (ver.features & TOCK_FEATURE_LIVENESS_NOTIFIER);
}

static inline bool test_all_bytes(const void *buf, size_t len, uint8_t val)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != val)
			return false;
	return true;
}

/* Write @val to the file @path: 0, or -errno (-EIO when cut short). */
static inline int test_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	if (n < 0)
		return -errno;
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/* Up to @len - 1 bytes of the file @path into @buf, NUL-terminated. */
static inline int test_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/*
 * The number after "KEY" and the separator @sep (' ' in /proc/vmstat and
 * memory.stat, ':' in /proc/self/status, smaps_rollup and /proc/meminfo)
 * on the first line of @path that starts so, or -1.
 */
static inline long long test_file_field(const char *path, const char *key,
					char sep)
{
	size_t len = strlen(key);
	long long val = -1;
	char line[256];
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == sep) {
			val = strtoll(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/* A counter of /proc/vmstat, or -1. */
static inline long long test_vmstat(const char *name)
{
	return test_file_field("/proc/vmstat", name, ' ');
}

/* A "kB" field of /proc/self/status, such as VmPin, or -1. */
static inline long test_status_kb(const char *field)
{
	return test_file_field("/proc/self/status", field, ':');
}

struct test_pins {
	long long acquired;
	long long released;
	bool exact;		/* read after folding the per-CPU deltas */
};

static inline void test_pins_read(struct test_pins *pins)
{
	int fd;

	/*
	 * /proc/vmstat lags by each CPU's unfolded counter deltas; folding
	 * them first (root only) makes the reading exact.
	 */
	pins->exact = false;
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		pins->exact = write(fd, "1", 1) == 1;
		close(fd);
	}
	pins->acquired = test_vmstat("nr_foll_pin_acquired");
	pins->released = test_vmstat("nr_foll_pin_released");
}

/*
 * How far an unfolded reading of a node counter may be off: each CPU holds
 * up to its "vm stats threshold" (/proc/zoneinfo) of deltas.
 */
static inline long long test_vmstat_slack(void)
{
	FILE *f = fopen("/proc/zoneinfo", "re");
	long long t, max = 125;	/* the kernel's largest, if unreadable */
	char line[256];

	if (f) {
		max = 0;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, " vm stats threshold: %lld", &t) == 1 &&
			    t > max)
				max = t;
		fclose(f);
	}
	return max * sysconf(_SC_NPROCESSORS_CONF);
}

/*
 * Wait until every pin taken since @before has been released: the kernel
 * may unpin from a workqueue once no access is in flight.  Leaves the
 * last reading in @after.  Unprivileged, the counters cannot be folded
 * (stat_refresh is root's), so either reading may be off by the CPUs'
 * unfolded deltas, in either counter: then the pins still held may be at
 * most that much.  Only root's exact readings catch a small leak.
 */
static inline bool test_pins_settle(const struct test_pins *before,
				    struct test_pins *after)
{
	long long held, slack = -1;
	int waited;

	for (waited = 0; ; waited += 10) {
		test_pins_read(after);
		held = (after->acquired - before->acquired) -
		       (after->released - before->released);
		if (!held)
			return true;
		if (!before->exact || !after->exact) {
			if (slack < 0)
				slack = test_vmstat_slack();
			if (held <= slack)
				return true;
		}
		if (waited >= TEST_SETTLE_MS)
			return false;
		test_sleep_ms(10);
	}
}

/* Wait until VmPin reads @kb. */
static inline bool test_vmpin_settle(long kb)
{
	int waited;

	for (waited = 0; ; waited += 10) {
		if (test_status_kb("VmPin") == kb)
			return true;
		if (waited >= TEST_SETTLE_MS)
			return false;
		test_sleep_ms(10);
	}
}

/*
 * Drop CAP_IPC_LOCK from this process (tests run as root), so that pins
 * are charged against RLIMIT_MEMLOCK.  Raw capget/capset: no libcap.
 */
static inline int test_drop_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int idx = CAP_TO_INDEX(CAP_IPC_LOCK);

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[idx].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	data[idx].permitted &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	data[idx].inheritable &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Whether this process has CAP_IPC_LOCK in its effective set. */
static inline bool test_has_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &
	       CAP_TO_MASK(CAP_IPC_LOCK);
}

/* RLIMIT_MEMLOCK's soft limit in KiB, or -1 for none. */
static inline long long test_memlock_kb(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_MEMLOCK, &lim) || lim.rlim_cur == RLIM_INFINITY)
		return -1;
	return (long long)(lim.rlim_cur >> 10);
}

/*
 * Whether this process may pin @len more bytes: with CAP_IPC_LOCK, or with
 * that much room left under RLIMIT_MEMLOCK (what it pins already counts).
 * An unprivileged run of the suite has a small limit.
 */
static inline bool test_may_pin(size_t len)
{
	long long kb = test_memlock_kb();
	long pinned = test_status_kb("VmPin");

	if (kb < 0 || test_has_ipc_lock())
		return true;
	return (long long)(len >> 10) + (pinned > 0 ? pinned : 0) <= kb;
}

/* Skip a test whose allows of @len bytes the caller could not pin. */
#define TEST_NEED_PIN(len) do {						\
	if (!test_may_pin(len))						\
		SKIP(return, "pins %zu KiB: needs CAP_IPC_LOCK or that "	\
		     "much RLIMIT_MEMLOCK (%lld KiB here)",		\
		     (size_t)(len) >> 10, test_memlock_kb());		\
} while (0)

/* Signals that must interrupt a wait, not restart it. */
static volatile sig_atomic_t test_signals;

static inline void test_on_signal(int sig)
{
	(void)sig;
	test_signals++;
}

/* Deliver SIGALRM after @ms, with a handler installed without SA_RESTART. */
static inline int test_alarm_ms(long ms)
{
	struct itimerval it = {
		.it_value = { ms / 1000, (ms % 1000) * 1000 },
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = test_on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return -errno;
	return setitimer(ITIMER_REAL, &it, NULL) ? -errno : 0;
}

#endif /* TOCK_TEST_H */
