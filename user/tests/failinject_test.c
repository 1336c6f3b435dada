// SPDX-License-Identifier: GPL-2.0
/*
 * failinject_test: systematic allocation failures on every tockallow path.
 *
 * Each test is one scenario, a fixed sequence of calls in one process
 * (open, allows, subscribes, commands, yields, close, fork).  The scenario
 * runs again and again: run N makes the Nth fault-injection point that its
 * calls reach fail, counting across all its calls, until a run completes
 * without an injected failure; the N-1 before it is the number of points
 * the scenario reaches, each of which has been failed once.
 *
 * How: /proc/thread-self/fail-nth.  Writing N makes the Nth
 * fault-injection point this thread hits fail; reading back 0 says it
 * fired, and a positive value is how many points are still to pass.  It
 * takes precedence over probability, interval, times, space and
 * task-filter, and affects no other thread, so neither those nor
 * make-it-fail are set.  The per-capability filters still apply, so the
 * test sets, and restores afterwards, in /sys/kernel/debug:
 *   failslab/ignore-gfp-wait N	 the module's allocations all may sleep
 *   fail_page_alloc/ignore-gfp-wait N
 *   fail_page_alloc/ignore-gfp-highmem N	user pages: faults, COW at fork
 *   fail_page_alloc/min-order 0	single pages too (vmalloc, page tables)
 *   failslab/verbose, fail_page_alloc/verbose 0
 *				no stack dump per injected failure
 * fail_function is not used: fail-nth ignores it here (its kprobe
 * handler runs in the breakpoint exception, not in task context), and
 * arming it globally makes should_fail() draw a random number in that
 * NMI-like context, which lockdep reports (crngs.lock taken in NMI).
 * fail-nth is armed only for the duration of each call under test and
 * read back right after it, so that the test's own code (printing,
 * mmap) never takes an injected failure.
 *
 * Each call must either give its normal result or, only in the call that
 * took the injected failure, fail cleanly: -1/ENOMEM for open, Tock's
 * NOMEM status for allow, subscribe and command (the passed values
 * returned, the slot unchanged, as SPEC's allow table says); yield and
 * close never fail.  A call later in the run, after the failure, must
 * behave as the state that failure left dictates (an allow that failed
 * left its slot as it was).  After every run, once the fd is closed and
 * any child reaped: every pin taken since is released (nr_foll_pin_*),
 * VmPin is 0, and RLIMIT_MEMLOCK has its whole room again (an allow of
 * exactly the limit succeeds, CAP_IPC_LOCK dropped), i.e. the user's
 * locked_vm is back to 0.  Leaked memory shows in the kmemleak scan that
 * ends every guest run, and a leaked grant in the modules not unloading.
 *
 * The figures each sweep prints count every point its calls reach: the
 * VFS's (open's name and file), the module's (the process, its entry in
 * the per-user count, the upcall pool, the grant and its slots, the
 * grant table's xarray node, the buffer, the mm's first notifier
 * registration), slab pages, and kmemleak's record of each object, whose
 * failure the kernel absorbs (as it does a failed kmalloc() that
 * kvmalloc() retries with vmalloc()): "absorbed" points leave their
 * call's result as it was.  Yield, close, and subscribe or command with
 * the grant made reach none; they run armed all the same.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

/* Runs per scenario at most: far more points than any path reaches. */
#define FI_MAX_RUNS		4000
/* Longest a scenario's sweep may take under TCG with KASAN, in s. */
#define FI_TIMEOUT		300
/* A waiting yield that takes longer than this has hung. */
#define FI_YIELD_MS		5000
#define FI_DEBUGFS		"/sys/kernel/debug"
/* Values the scenarios pass, so that results can be told apart. */
#define FI_UPCALL_FN		0x1000
#define FI_UPCALL_FN2		0x2000
#define FI_USERDATA		0x77
#define FI_UPCALL_VAL		0x5a
/* Distinct call labels one scenario reports, at most. */
#define FI_LABELS		24

/* The attributes set for the test, and what they were before. */
static const struct {
	const char *path;
	const char *value;
} fi_attrs[] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "fail_page_alloc/min-order", "0" },
	{ "fail_page_alloc/verbose", "0" },
};
#define FI_ATTRS	(sizeof(fi_attrs) / sizeof(fi_attrs[0]))

/* Length of a call's label. */
#define FI_LABEL_LEN		40
/* The user a fresh process drops to, and its RLIMIT_MEMLOCK in pages. */
#define FI_UID			4242
#define FI_USER_PAGES		4

/* What the points of one call label did. */
struct fi_label {
	char name[FI_LABEL_LEN];
	unsigned int points;	/* injected failures it took */
	unsigned int failed;	/* ... that made it fail cleanly */
};

/* One run of a scenario. */
struct fi_run {
	int nth;		/* this thread's fail-nth */
	unsigned int left;	/* points to pass, the last one fails; 0: none */
	bool armed;		/* calls take part (else they run unarmed) */
	bool fired;		/* the injected failure happened */
	bool failed;		/* ... and made its call fail */
	char where[FI_LABEL_LEN]; /* the call that took it */
	int fd;			/* /dev/tock, -1 when closed */
	unsigned int n;		/* the run's N */
};

/* A slot as the process sees it: what the next allow must return. */
struct fi_slot {
	uint64_t addr;
	uint64_t size;
};

FIXTURE(failinject)
{
	int nth;
	size_t page;
	size_t huge;
	bool have_attrs;
	pid_t owner;		/* the process that set the attributes */
	char saved[FI_ATTRS][16];
	struct test_pins pins;
	struct test_map maps[TEST_MAPS];
	uint8_t *small;		/* 8 pages */
	uint8_t *thp;		/* @huge bytes, THP-backed if possible */
	uint8_t *probe;		/* @probe_len bytes: the RLIMIT_MEMLOCK probe */
	size_t probe_len;
	struct fi_label labels[FI_LABELS];
	unsigned int runs;
};

/* A one-line file of debugfs or /proc, its newline cut. */
static int fi_read_file(const char *path, char *buf, size_t len)
{
	int ret = test_read_file(path, buf, len);

	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

static int fi_attr(const char *name, char *path, size_t len)
{
	return snprintf(path, len, "%s/%s", FI_DEBUGFS, name) >= (int)len ?
	       -ENAMETOOLONG : 0;
}

/* Map @len bytes aligned to @align, touched, recorded in the fixture. */
static uint8_t *fi_map_aligned(FIXTURE_DATA(failinject) *self, size_t len,
			       size_t align, bool huge, bool dontfork)
{
	uint8_t *raw, *p;

	raw = test_map(self->maps, len + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_NORESERVE, -1);
	if (!raw)
		return NULL;
	p = (uint8_t *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	/* Best effort: without THP the scenario pins small pages. */
	if (huge)
		madvise(p, len, MADV_HUGEPAGE);
	else
		madvise(p, len, MADV_NOHUGEPAGE);
	/* Keeps forks cheap: only the small buffer is used after one. */
	if (dontfork && madvise(raw, len + align, MADV_DONTFORK))
		return NULL;
	memset(p, 1, len);
	return p;
}

static size_t fi_huge_size(void)
{
	char buf[32];

	if (fi_read_file("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			 buf, sizeof(buf)))
		return 2UL << 20;
	return strtoul(buf, NULL, 10) ?: 2UL << 20;
}

FIXTURE_SETUP(failinject)
{
	char path[128];
	struct rlimit rl;
	unsigned int i;
	int fd;

	memset(self->maps, 0, sizeof(self->maps));
	memset(self->labels, 0, sizeof(self->labels));
	self->nth = -1;
	self->have_attrs = false;
	self->runs = 0;
	self->page = test_page();
	self->huge = fi_huge_size();

	fd = tock_fd();
	if (fd == -ENOENT)
		SKIP(return, "%s missing: tockallow not loaded",
		     tock_device_path());
	ASSERT_LE(0, fd);
	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	if (!driver_exists(TOCK_DRIVER_CRC))
		SKIP(return, "tockallow crc driver missing");
	tock_close();

	self->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (self->nth < 0)
		SKIP(return, "no /proc/thread-self/fail-nth: kernel without CONFIG_FAULT_INJECTION");
	ASSERT_EQ(0, fi_attr(fi_attrs[0].path, path, sizeof(path)));
	if (access(path, F_OK))
		mount("debugfs", FI_DEBUGFS, "debugfs", 0, NULL);
	for (i = 0; i < FI_ATTRS; i++) {
		ASSERT_EQ(0, fi_attr(fi_attrs[i].path, path, sizeof(path)));
		if (fi_read_file(path, self->saved[i], sizeof(self->saved[i])))
			SKIP(return, "no %s: kernel without FAILSLAB, FAIL_PAGE_ALLOC or FAULT_INJECTION_DEBUG_FS",
			     path);
	}
	self->have_attrs = true;
	self->owner = getpid();
	for (i = 0; i < FI_ATTRS; i++) {
		ASSERT_EQ(0, fi_attr(fi_attrs[i].path, path, sizeof(path)));
		ASSERT_EQ(0, test_write_file(path, fi_attrs[i].value)) {
			TH_LOG("%s: cannot set", path);
		}
	}

	self->small = fi_map_aligned(self, 8 * self->page, self->page, false,
				     false);
	ASSERT_NE(NULL, self->small);
	self->thp = fi_map_aligned(self, self->huge, self->huge, true, true);
	ASSERT_NE(NULL, self->thp);
	/* Room for the THP scenario's two allows of it, and then some. */
	self->probe_len = 2 * self->huge + 64 * self->page;
	self->probe = fi_map_aligned(self, self->probe_len, self->huge, true,
				     true);
	ASSERT_NE(NULL, self->probe);

	/* Pins are charged to RLIMIT_MEMLOCK, which the probe fills. */
	ASSERT_EQ(0, test_drop_cap_ipc_lock());
	rl.rlim_cur = self->probe_len;
	rl.rlim_max = self->probe_len;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	test_pins_read(&self->pins);
}

FIXTURE_TEARDOWN(failinject)
{
	char path[128];
	unsigned int i;

	/* A child of a run that failed an ASSERT ends here too: leave. */
	if (self->have_attrs && getpid() != self->owner)
		return;
	if (self->nth >= 0) {
		/* An ASSERT may have ended a run with fail-nth armed. */
		(void)!pwrite(self->nth, "0", 1, 0);
		close(self->nth);
	}
	for (i = 0; self->have_attrs && i < FI_ATTRS; i++)
		if (!fi_attr(fi_attrs[i].path, path, sizeof(path)))
			test_write_file(path, self->saved[i]);
	test_maps_free(self->maps);
}

/* Arm fail-nth for the next call, unless this run's failure has fired. */
static void fi_arm(struct fi_run *r)
{
	char buf[16];
	int len;

	if (!r->left || !r->armed)
		return;
	len = snprintf(buf, sizeof(buf), "%u", r->left);
	(void)!pwrite(r->nth, buf, len, 0);
}


/*
 * Disarm after a call labelled @what; true if the call took the injected
 * failure.
 */
static bool fi_disarm(struct fi_run *r, const char *what)
{
	char buf[16];
	ssize_t n;

	if (!r->left || !r->armed)
		return false;
	n = pread(r->nth, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	r->left = strtoul(buf, NULL, 10);
	if (r->left) {
		(void)!pwrite(r->nth, "0", 1, 0);
		return false;
	}
	r->fired = true;
	snprintf(r->where, sizeof(r->where), "%s", what);
	return true;
}

static int fi_open(struct __test_metadata *_metadata, struct fi_run *r,
		   const char *what)
{
	bool fired;
	int fd, err;

	fi_arm(r);
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	err = errno;
	fired = fi_disarm(r, what);
	if (fd < 0) {
		EXPECT_TRUE(fired) {
			TH_LOG("run %u, %s: open failed (%s) with no injected failure",
			       r->n, what, strerror(err));
		}
		EXPECT_EQ(ENOMEM, err) {
			TH_LOG("run %u, %s: open failed with %s", r->n, what,
			       strerror(err));
		}
		r->failed = true;
	}
	return fd;
}

static void fi_close(struct __test_metadata *_metadata, struct fi_run *r,
		     int *fd, const char *what)
{
	int ret, err;

	if (*fd < 0)
		return;
	fi_arm(r);
	ret = close(*fd);
	err = errno;
	fi_disarm(r, what);
	*fd = -1;
	EXPECT_EQ(0, ret) {
		TH_LOG("run %u, %s: close: %s", r->n, what, strerror(err));
	}
}

/*
 * An allow of [@addr, +@size) into @slot (whose model it updates): the
 * previous buffer, or, only when the injected failure fired in it, NOMEM
 * with the passed buffer and the slot unchanged.  True on success.
 */
static bool fi_allow(struct __test_metadata *_metadata, struct fi_run *r,
		     unsigned long cmd, uint32_t driver, uint32_t num,
		     const void *addr, size_t size, struct fi_slot *slot,
		     const char *what)
{
	struct tock_ioc_allow a = {
		.driver = driver,
		.allow_num = num,
		.addr = (uintptr_t)addr,
		.size = size,
	};
	bool fired;
	int ret, err;

	if (r->fd < 0)
		return false;
	fi_arm(r);
	ret = ioctl(r->fd, cmd, &a);
	err = errno;
	fired = fi_disarm(r, what);
	EXPECT_EQ(0, ret) {
		TH_LOG("run %u, %s: ioctl failed: %s", r->n, what,
		       strerror(err));
		return false;
	}
	if (a.rtype == TOCK_RET_SUCCESS_U32_U32) {
		EXPECT_EQ(TOCK_STATUS_SUCCESS, a.status);
		EXPECT_EQ(slot->addr, a.addr) {
			TH_LOG("run %u, %s: previous buffer %#llx, not %#llx",
			       r->n, what, (unsigned long long)a.addr,
			       (unsigned long long)slot->addr);
		}
		EXPECT_EQ(slot->size, a.size);
		slot->addr = (uintptr_t)addr;
		slot->size = size;
		return true;
	}
	EXPECT_EQ(TOCK_RET_FAILURE_U32_U32, a.rtype);
	EXPECT_TRUE(fired) {
		TH_LOG("run %u, %s: status %u with no injected failure",
		       r->n, what, a.status);
	}
	EXPECT_EQ(TOCK_STATUS_NOMEM, a.status) {
		TH_LOG("run %u, %s: status %u", r->n, what, a.status);
	}
	EXPECT_EQ((uintptr_t)addr, a.addr);
	EXPECT_EQ(size, a.size);
	r->failed = true;
	return false;
}

/* A subscribe; @sub models the slot's (upcall, userdata). */
static bool fi_subscribe(struct __test_metadata *_metadata, struct fi_run *r,
			 uint32_t driver, uint32_t num, uint64_t fn,
			 uint64_t userdata, struct fi_slot *sub,
			 const char *what)
{
	struct tock_ioc_subscribe s = {
		.driver = driver,
		.subscribe_num = num,
		.upcall = fn,
		.userdata = userdata,
	};
	bool fired;
	int ret, err;

	if (r->fd < 0)
		return false;
	fi_arm(r);
	ret = ioctl(r->fd, TOCK_IOC_SUBSCRIBE, &s);
	err = errno;
	fired = fi_disarm(r, what);
	EXPECT_EQ(0, ret) {
		TH_LOG("run %u, %s: ioctl failed: %s", r->n, what,
		       strerror(err));
		return false;
	}
	if (s.rtype == TOCK_RET_SUCCESS_U32_U32) {
		EXPECT_EQ(sub->addr, s.upcall);
		EXPECT_EQ(sub->size, s.userdata);
		sub->addr = fn;
		sub->size = userdata;
		return true;
	}
	EXPECT_EQ(TOCK_RET_FAILURE_U32_U32, s.rtype);
	EXPECT_TRUE(fired) {
		TH_LOG("run %u, %s: status %u with no injected failure",
		       r->n, what, s.status);
	}
	EXPECT_EQ(TOCK_STATUS_NOMEM, s.status) {
		TH_LOG("run %u, %s: status %u", r->n, what, s.status);
	}
	EXPECT_EQ(fn, s.upcall);
	EXPECT_EQ(userdata, s.userdata);
	r->failed = true;
	return false;
}

/*
 * A command that must answer @rtype with @d0 (the first value, or the
 * error code of a failure), or NOMEM when it took the injected failure.
 * True when it answered as expected.
 */
static bool fi_command(struct __test_metadata *_metadata, struct fi_run *r,
		       uint32_t driver, uint32_t num, uint64_t arg1,
		       uint64_t arg2, uint32_t rtype, uint32_t d0,
		       const char *what)
{
	struct tock_ioc_command c = {
		.driver = driver,
		.command_num = num,
		.arg1 = arg1,
		.arg2 = arg2,
	};
	bool fired;
	int ret, err;

	if (r->fd < 0)
		return false;
	fi_arm(r);
	ret = ioctl(r->fd, TOCK_IOC_COMMAND, &c);
	err = errno;
	fired = fi_disarm(r, what);
	EXPECT_EQ(0, ret) {
		TH_LOG("run %u, %s: ioctl failed: %s", r->n, what,
		       strerror(err));
		return false;
	}
	if (c.rtype == rtype && c.data[0] == d0)
		return true;
	EXPECT_TRUE(fired && c.rtype == TOCK_RET_FAILURE &&
		    c.data[0] == TOCK_STATUS_NOMEM) {
		TH_LOG("run %u, %s: variant %u value %u, not %u %u (injected failure %s)",
		       r->n, what, c.rtype, c.data[0], rtype, d0,
		       fired ? "here" : "not here");
	}
	r->failed = true;
	return false;
}

/*
 * A yield that must dequeue an upcall with @args[0..1] (and @fn) when
 * @expect, and nothing otherwise.  A waiting yield that would hang fails
 * after FI_YIELD_MS.
 */
static void fi_yield(struct __test_metadata *_metadata, struct fi_run *r,
		     uint32_t mode, uint32_t driver, uint32_t num, bool expect,
		     uint64_t fn, uint32_t a0, uint32_t a1, const char *what)
{
	struct tock_ioc_yield y = {
		.mode = mode,
		.driver = driver,
		.subscribe_num = num,
	};
	int ret, err;

	if (r->fd < 0)
		return;
	if (mode != TOCK_YIELD_NO_WAIT)
		ASSERT_EQ(0, test_alarm_ms(FI_YIELD_MS));
	fi_arm(r);
	ret = ioctl(r->fd, TOCK_IOC_YIELD, &y);
	err = errno;
	fi_disarm(r, what);
	if (mode != TOCK_YIELD_NO_WAIT)
		ASSERT_EQ(0, test_alarm_ms(0));
	EXPECT_EQ(0, ret) {
		TH_LOG("run %u, %s: yield: %s%s", r->n, what, strerror(err),
		       err == EINTR ? " (no upcall came: hung)" : "");
		return;
	}
	EXPECT_EQ(expect, y.has_upcall) {
		TH_LOG("run %u, %s: has_upcall %u", r->n, what, y.has_upcall);
		return;
	}
	if (!expect)
		return;
	EXPECT_EQ(fn, y.upcall);
	EXPECT_EQ(a0, y.args[0]);
	EXPECT_EQ(a1, y.args[1]);
}

/*
 * The first of the test driver's UPCALLS (0, FI_UPCALL_VAL) with
 * wait-for when @queued, else a no-wait that finds nothing to run.
 */
static void fi_yield_for(struct __test_metadata *_metadata, struct fi_run *r,
			 bool queued, const char *what)
{
	if (queued)
		fi_yield(_metadata, r, TOCK_YIELD_WAIT_FOR, TOCK_DRIVER_TEST,
			 0, true, 0, 0, FI_UPCALL_VAL, what);
	else
		fi_yield(_metadata, r, TOCK_YIELD_NO_WAIT, 0, 0, false, 0, 0,
			 0, what);
}

/* After a run: nothing is pinned or charged any more. */
static void fi_expect_clean(struct __test_metadata *_metadata,
			    FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct tock_ioc_allow a = {
		.driver = TOCK_DRIVER_TEST,
		.addr = (uintptr_t)self->probe,
		.size = self->probe_len,
	};
	struct test_pins after;
	int fd;

	EXPECT_TRUE(test_vmpin_settle(0)) {
		TH_LOG("run %u (failure in %s): VmPin %ld kB after close",
		       r->n, r->where, test_status_kb("VmPin"));
	}
	/* Succeeds only if the user's locked_vm is 0 again. */
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tock_raw_allow_rw(fd, &a));
	EXPECT_EQ(TOCK_RET_SUCCESS_U32_U32, a.rtype) {
		TH_LOG("run %u (failure in %s): allow of RLIMIT_MEMLOCK: status %u: locked_vm leaked",
		       r->n, r->where, a.status);
	}
	close(fd);
	EXPECT_TRUE(test_pins_settle(&self->pins, &after)) {
		TH_LOG("run %u (failure in %s): %lld pins acquired, %lld released",
		       r->n, r->where, after.acquired - self->pins.acquired,
		       after.released - self->pins.released);
	}
}

static void fi_count(FIXTURE_DATA(failinject) *self, const struct fi_run *r)
{
	unsigned int i;

	for (i = 0; i < FI_LABELS; i++) {
		if (!self->labels[i].name[0])
			snprintf(self->labels[i].name,
				 sizeof(self->labels[i].name), "%s", r->where);
		if (!strcmp(self->labels[i].name, r->where))
			break;
	}
	if (i == FI_LABELS)
		i--;
	self->labels[i].points++;
	self->labels[i].failed += r->failed;
}

/*
 * The 32-bit build (x86_64's compat run) reaches the same allocations
 * through compat_ptr_ioctl(), which allocates nothing of its own: it
 * sweeps the allows from a 32-bit address space and leaves the other
 * scenarios to the 64-bit build, to keep make check's guest run short.
 */
#define FI_SKIP_IF_COMPAT() do {					\
	if (sizeof(long) < 8)						\
		SKIP(return, "swept by the 64-bit build");		\
} while (0)

typedef void (*fi_scenario)(struct __test_metadata *_metadata,
			    FIXTURE_DATA(failinject) *self, struct fi_run *r);

/* Run @fn with the Nth point failing, N = 1, 2, ... until none fails. */
static void fi_sweep(struct __test_metadata *_metadata,
		     FIXTURE_DATA(failinject) *self, const char *name,
		     fi_scenario fn)
{
	unsigned int n, points = 0, failed = 0, i;
	struct timespec t0, t1;
	char line[512];
	int len;

	memset(self->labels, 0, sizeof(self->labels));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 1; n <= FI_MAX_RUNS; n++) {
		struct fi_run r = {
			.nth = self->nth, .left = n, .fd = -1, .n = n,
			.where = "nowhere", .armed = true,
		};

		fn(_metadata, self, &r);
		ASSERT_EQ(-1, r.fd);
		fi_expect_clean(_metadata, self, &r);
		if (_metadata->exit_code == KSFT_FAIL)
			break;
		if (!r.fired)
			break;
		points++;
		failed += r.failed;
		fi_count(self, &r);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_LE(n, FI_MAX_RUNS);
	ASSERT_NE(KSFT_FAIL, _metadata->exit_code) {
		TH_LOG("%s: stopped at run %u", name, n);
	}
	TH_LOG("%s: %u points failed one at a time, %u of them failed their call, %u absorbed; run %u had none (%.1f s)",
	       name, points, failed, points - failed, n,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	len = 0;
	for (i = 0; i < FI_LABELS && self->labels[i].name[0]; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s %u/%u",
				i ? ", " : "", self->labels[i].name,
				self->labels[i].failed, self->labels[i].points);
	if (len)
		TH_LOG("%s: failed/points per call: %s", name, line);
	/* A scenario that reaches no point has tested nothing. */
	EXPECT_LT(0, points);
}

static void fi_open_close(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	(void)self;
	r->fd = fi_open(_metadata, r, "open");
	fi_command(_metadata, r, TOCK_DRIVER_TEST, 0, 0, 0, TOCK_RET_SUCCESS,
		   0, "command 0");
	fi_close(_metadata, r, &r->fd, "close");
}

TEST_F_TIMEOUT(failinject, open_command_close, FI_TIMEOUT)
{
	FI_SKIP_IF_COMPAT();
	fi_sweep(_metadata, self, "open_command_close", fi_open_close);
}

/* CRC-32 as the crc driver's algorithm 0 computes it (reflected). */
static uint32_t fi_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffff;
	int bit;

	while (len--) {
		crc ^= *p++;
		for (bit = 0; bit < 8; bit++)
			crc = crc >> 1 ^ (crc & 1 ? 0xedb88320 : 0);
	}
	return ~crc;
}

/* CRC of a small read-only allow, its upcall, unallow. */
static void fi_crc(struct __test_metadata *_metadata,
		   FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct fi_slot ro = { 0, 0 }, sub = { 0, 0 };
	const uint8_t *buf = self->small + 100;
	bool allowed, subscribed, started;

	r->fd = fi_open(_metadata, r, "open");
	allowed = fi_allow(_metadata, r, TOCK_IOC_ALLOW_RO, TOCK_DRIVER_CRC,
			   0, buf, 64, &ro, "allow ro");
	subscribed = fi_subscribe(_metadata, r, TOCK_DRIVER_CRC, 0,
				  FI_UPCALL_FN, FI_USERDATA, &sub,
				  "subscribe");
	/* Without the buffer, a CRC of 64 bytes is refused: SIZE. */
	started = fi_command(_metadata, r, TOCK_DRIVER_CRC, 1, 0, 64,
			     allowed ? TOCK_RET_SUCCESS : TOCK_RET_FAILURE,
			     allowed ? 0 : TOCK_STATUS_SIZE, "command crc") &&
		  allowed;
	/* (status 0, crc, algorithm 0), a function call if subscribed. */
	if (started && subscribed)
		fi_yield(_metadata, r, TOCK_YIELD_WAIT, 0, 0, true,
			 FI_UPCALL_FN, 0, fi_crc32(buf, 64), "yield wait");
	else if (started)
		fi_yield(_metadata, r, TOCK_YIELD_WAIT_FOR, TOCK_DRIVER_CRC, 0,
			 true, 0, 0, fi_crc32(buf, 64), "yield wait-for");
	fi_yield(_metadata, r, TOCK_YIELD_NO_WAIT, 0, 0, false, 0, 0, 0,
		 "yield no-wait");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RO, TOCK_DRIVER_CRC, 0, NULL, 0,
		 &ro, "unallow ro");
	fi_close(_metadata, r, &r->fd, "close");
}

TEST_F_TIMEOUT(failinject, crc_allow_ro_upcall, FI_TIMEOUT)
{
	fi_sweep(_metadata, self, "crc_allow_ro_upcall", fi_crc);
}

/* Multi-page read-write, userspace-readable and read-only allows. */
static void fi_multipage(struct __test_metadata *_metadata,
			 FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct fi_slot rw = { 0, 0 }, ur = { 0, 0 }, ro = { 0, 0 };
	size_t page = self->page, len = 3 * page;
	uint8_t *a = self->small + 40, *b = self->small + 4 * page + 8;

	r->fd = fi_open(_metadata, r, "open");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST, 0, a, len,
		 &rw, "allow rw");
	fi_command(_metadata, r, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_NOW,
		   0xab, 0, TOCK_RET_SUCCESS_U32, rw.size, "command fill");
	if (rw.size)
		EXPECT_TRUE(test_all_bytes(a, len, 0xab));
	/* Replace the buffer with another. */
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST, 0, b, len,
		 &rw, "allow rw replace");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_UR, TOCK_DRIVER_TEST, 0,
		 self->small + 7 * page, page, &ur, "allow ur");
	fi_command(_metadata, r, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_UR_NOW,
		   0xcd, 0, TOCK_RET_SUCCESS_U32, ur.size, "command fill ur");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RO, TOCK_DRIVER_TEST, 1,
		 self->small, 2 * page, &ro, "allow ro");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST, 0, NULL, 0,
		 &rw, "unallow rw");
	/* Closed with the read-only and userspace-readable allows live. */
	fi_close(_metadata, r, &r->fd, "close");
	memset(self->small, 1, 8 * page);
}

TEST_F_TIMEOUT(failinject, multipage_replace_unallow, FI_TIMEOUT)
{
	fi_sweep(_metadata, self, "multipage_replace_unallow", fi_multipage);
}

/* A huge page allowed twice, aliased, and left allowed at close. */
static void fi_thp(struct __test_metadata *_metadata,
		   FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct fi_slot rw = { 0, 0 }, ro = { 0, 0 };

	r->fd = fi_open(_metadata, r, "open");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST, 0,
		 self->thp, self->huge, &rw, "allow rw thp");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RO, TOCK_DRIVER_TEST, 0,
		 self->thp, self->huge, &ro, "allow ro thp");
	fi_command(_metadata, r, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_NOW, 1,
		   0, TOCK_RET_SUCCESS_U32, rw.size, "command fill");
	/* Every byte is 1: the sum is the length. */
	fi_command(_metadata, r, TOCK_DRIVER_TEST, TOCK_TEST_CMD_SUM_NOW, 0,
		   0, TOCK_RET_SUCCESS_U32, ro.size, "command sum");
	fi_close(_metadata, r, &r->fd, "close");
}

TEST_F_TIMEOUT(failinject, thp_aliased_close_live, FI_TIMEOUT)
{
	FI_SKIP_IF_COMPAT();
	fi_sweep(_metadata, self, "thp_aliased_close_live", fi_thp);
}

/*
 * Upcalls with and without a function, yields of every mode, a
 * resubscribe that drops the pending calls, and a close with some queued.
 */
static void fi_upcalls(struct __test_metadata *_metadata,
		       FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct fi_slot sub = { 0, 0 };
	bool fn, queued;

	(void)self;
	r->fd = fi_open(_metadata, r, "open");
	/* Bare return values first: only wait-for returns them. */
	queued = fi_command(_metadata, r, TOCK_DRIVER_TEST,
			    TOCK_TEST_CMD_UPCALLS, 3, FI_UPCALL_VAL,
			    TOCK_RET_SUCCESS_U32, 3, "command upcalls bare");
	fi_yield_for(_metadata, r, queued, "yield wait-for");
	fn = fi_subscribe(_metadata, r, TOCK_DRIVER_TEST, 0, FI_UPCALL_FN,
			  FI_USERDATA, &sub, "subscribe");
	queued = fi_command(_metadata, r, TOCK_DRIVER_TEST,
			    TOCK_TEST_CMD_UPCALLS, 4, FI_UPCALL_VAL,
			    TOCK_RET_SUCCESS_U32, 4, "command upcalls");
	/* No-wait drops the two bare values left, then runs the first call. */
	fi_yield(_metadata, r, TOCK_YIELD_NO_WAIT, 0, 0, queued && fn,
		 FI_UPCALL_FN, 0, FI_UPCALL_VAL, "yield no-wait");
	/* A new function drops the pending calls. */
	fi_subscribe(_metadata, r, TOCK_DRIVER_TEST, 0, FI_UPCALL_FN2,
		     FI_USERDATA, &sub, "subscribe again");
	fi_subscribe(_metadata, r, TOCK_DRIVER_TEST, 1, FI_UPCALL_FN,
		     FI_USERDATA, &(struct fi_slot){ 0, 0 }, "subscribe 1");
	queued = fi_command(_metadata, r, TOCK_DRIVER_TEST,
			    TOCK_TEST_CMD_UPCALLS, 3, FI_UPCALL_VAL,
			    TOCK_RET_SUCCESS_U32, 3, "command upcalls again");
	fi_yield_for(_metadata, r, queued, "yield wait-for again");
	/* Closed with two upcalls queued. */
	fi_close(_metadata, r, &r->fd, "close");
}

TEST_F_TIMEOUT(failinject, upcalls_yield_close_pending, FI_TIMEOUT)
{
	FI_SKIP_IF_COMPAT();
	fi_sweep(_metadata, self, "upcalls_yield_close_pending", fi_upcalls);
}

/* Every slot allowed, delayed work pending, then close. */
static void fi_close_live(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct fi_slot s[5] = {};
	size_t page = self->page;
	bool rw0, ro0;

	r->fd = fi_open(_metadata, r, "open");
	ro0 = fi_allow(_metadata, r, TOCK_IOC_ALLOW_RO, TOCK_DRIVER_TEST, 0,
		       self->small, page, &s[0], "allow ro 0");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RO, TOCK_DRIVER_TEST, 1,
		 self->small + page, page, &s[1], "allow ro 1");
	rw0 = fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST, 0,
		       self->small + 2 * page, 2 * page, &s[2], "allow rw 0");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST, 1,
		 self->small + 4 * page, TOCK_TEST_RW1_MAX, &s[3],
		 "allow rw 1");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_UR, TOCK_DRIVER_TEST, 0,
		 self->small + 6 * page, page, &s[4], "allow ur 0");
	fi_subscribe(_metadata, r, TOCK_DRIVER_TEST, 0, FI_UPCALL_FN,
		     FI_USERDATA, &(struct fi_slot){ 0, 0 }, "subscribe 0");
	/* A second from now: still pending at close, which cancels them. */
	if (rw0)
		fi_command(_metadata, r, TOCK_DRIVER_TEST,
			   TOCK_TEST_CMD_FILL_LATER, 1000, 0x11,
			   TOCK_RET_SUCCESS, 0, "command fill later");
	if (ro0)
		fi_command(_metadata, r, TOCK_DRIVER_TEST,
			   TOCK_TEST_CMD_SUM_LATER, 1000, 0,
			   TOCK_RET_SUCCESS, 0, "command sum later");
	fi_close(_metadata, r, &r->fd, "close");
	memset(self->small, 1, 8 * page);
}

TEST_F_TIMEOUT(failinject, close_with_allows_and_work, FI_TIMEOUT)
{
	FI_SKIP_IF_COMPAT();
	fi_sweep(_metadata, self, "close_with_allows_and_work", fi_close_live);
}

/* A run's state, passed between parent and child: one failure per run. */
struct fi_child_report {
	unsigned int left;
	int fired;
	int failed;
	int bad;		/* checks that failed in the child */
	char where[FI_LABEL_LEN];
};

static void fi_report_fill(struct fi_child_report *rep,
			   const struct fi_run *r)
{
	rep->left = r->left;
	rep->fired = r->fired;
	rep->failed = r->failed;
	snprintf(rep->where, sizeof(rep->where), "%s", r->where);
}

static void fi_report_take(struct fi_run *r,
			   const struct fi_child_report *rep)
{
	r->left = rep->left;
	r->fired = rep->fired;
	r->failed = rep->failed;
	snprintf(r->where, sizeof(r->where), "%s", rep->where);
}

/*
 * The child of the fork scenario, once the parent has closed its file:
 * the inherited fd refuses it (EPERM), a process of its own allows its
 * copy of the buffer, and closing the inherited fd, the last reference,
 * ends the parent's process.
 */
static void fi_child(struct fi_run *r, int report, int go, int fd_parent,
		     uint8_t *buf, size_t len)
{
	struct fi_child_report rep = {};
	struct tock_ioc_command c = {
		.driver = TOCK_DRIVER_TEST,
		.command_num = TOCK_TEST_CMD_FILL_NOW,
		.arg1 = 0x22,
	};
	struct tock_ioc_allow a = {
		.driver = TOCK_DRIVER_TEST,
		.addr = (uintptr_t)buf,
		.size = len,
	};
	int fd, ret, err, bad = 0;

	/* The child's own fail-nth starts at 0, and needs its own file. */
	r->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (r->nth < 0 || read(go, &rep, sizeof(rep)) != sizeof(rep))
		_exit(2);
	fi_report_take(r, &rep);

	fi_arm(r);
	ret = ioctl(fd_parent, TOCK_IOC_COMMAND, &c);
	err = errno;
	fi_disarm(r, "child command, inherited fd");
	bad += ret != -1 || err != EPERM;

	fi_arm(r);
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	err = errno;
	if (fi_disarm(r, "child open") && fd < 0)
		r->failed = true;
	bad += fd < 0 && (!r->fired || err != ENOMEM);
	if (fd >= 0) {
		fi_arm(r);
		ret = ioctl(fd, TOCK_IOC_ALLOW_RW, &a);
		if (fi_disarm(r, "child allow rw") &&
		    a.rtype != TOCK_RET_SUCCESS_U32_U32)
			r->failed = true;
		bad += ret != 0;
		bad += a.rtype != TOCK_RET_SUCCESS_U32_U32 &&
		       (!r->fired || a.status != TOCK_STATUS_NOMEM);
		if (a.rtype == TOCK_RET_SUCCESS_U32_U32) {
			fi_arm(r);
			ret = ioctl(fd, TOCK_IOC_COMMAND, &c);
			if (fi_disarm(r, "child command fill") &&
			    c.rtype != TOCK_RET_SUCCESS_U32)
				r->failed = true;
			bad += ret != 0;
			bad += c.rtype == TOCK_RET_SUCCESS_U32 ?
			       c.data[0] != len ||
			       !test_all_bytes(buf, len, 0x22) :
			       !r->fired || c.data[0] != TOCK_STATUS_NOMEM;
		}
		fi_arm(r);
		ret = close(fd);
		fi_disarm(r, "child close own");
		bad += ret != 0;
	}

	fi_arm(r);
	ret = close(fd_parent);
	fi_disarm(r, "child close, last");
	bad += ret != 0;
	/* The child's pins went with its close. */
	bad += !test_vmpin_settle(0);
	fi_report_fill(&rep, r);
	rep.bad = bad;
	_exit(write(report, &rep, sizeof(rep)) == sizeof(rep) ? 0 : 2);
}

/*
 * Fork with a read-write allow live and upcalls queued.  The parent goes
 * on with its process, closes its file, then the child runs with the
 * fail-nth count the parent left: the child's close is the last.
 */
static void fi_fork(struct __test_metadata *_metadata,
		    FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct fi_child_report rep = {};
	struct fi_slot rw = { 0, 0 };
	size_t len = 2 * self->page;
	uint8_t *buf = self->small + self->page;
	int report[2], go[2], status;
	pid_t pid;

	/* Other scenarios sweep these calls: only what follows the fork. */
	r->armed = false;
	r->fd = fi_open(_metadata, r, "open");
	ASSERT_LE(0, r->fd);
	ASSERT_TRUE(fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST,
			     0, buf, len, &rw, "allow rw"));
	ASSERT_TRUE(fi_command(_metadata, r, TOCK_DRIVER_TEST,
			       TOCK_TEST_CMD_UPCALLS, 2, FI_UPCALL_VAL,
			       TOCK_RET_SUCCESS_U32, 2, "command upcalls"));
	r->armed = true;

	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(report[0]);
		close(go[1]);
		fi_child(r, report[1], go[0], r->fd, buf, len);
	}
	close(report[1]);
	close(go[0]);

	/* The child's copy is its own; the parent's process goes on. */
	fi_yield_for(_metadata, r, true, "yield wait-for");
	fi_command(_metadata, r, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_NOW, 3,
		   0, TOCK_RET_SUCCESS_U32, len, "command fill");
	EXPECT_TRUE(test_all_bytes(buf, len, 3));
	fi_close(_metadata, r, &r->fd, "close, child holds the file");

	fi_report_fill(&rep, r);
	EXPECT_EQ(sizeof(rep), write(go[1], &rep, sizeof(rep)));
	close(go[1]);
	memset(&rep, 0, sizeof(rep));
	EXPECT_EQ(sizeof(rep), read(report[0], &rep, sizeof(rep)));
	close(report[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, rep.bad) {
		TH_LOG("run %u: %d checks failed in the child (failure in %s)",
		       r->n, rep.bad, rep.fired ? rep.where : "none");
	}
	fi_report_take(r, &rep);
	memset(buf, 1, len);
}

TEST_F_TIMEOUT(failinject, fork_child_closes_last, FI_TIMEOUT)
{
	FI_SKIP_IF_COMPAT();
	fi_sweep(_metadata, self, "fork_child_closes_last", fi_fork);
}

/*
 * Run @fn in a child of its own, so that each run starts from a fresh mm
 * (its first allow registers the mm's notifier subscriptions) and may
 * change its credentials.  The child does its own checks.
 */
static void fi_run_in_child(struct __test_metadata *_metadata,
			    FIXTURE_DATA(failinject) *self, struct fi_run *r,
			    fi_scenario fn)
{
	struct fi_child_report rep = {};
	int report[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(report[0]);
		r->nth = open("/proc/thread-self/fail-nth",
			      O_RDWR | O_CLOEXEC);
		if (r->nth < 0)
			_exit(2);
		fn(_metadata, self, r);
		fi_report_fill(&rep, r);
		rep.bad = _metadata->exit_code == KSFT_FAIL;
		_exit(write(report[1], &rep, sizeof(rep)) == sizeof(rep) ?
		      0 : 2);
	}
	close(report[1]);
	EXPECT_EQ(sizeof(rep), read(report[0], &rep, sizeof(rep)));
	close(report[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, rep.bad) {
		TH_LOG("run %u: the child's checks failed", r->n);
	}
	fi_report_take(r, &rep);
}

/*
 * A fresh process of an unprivileged user: its first /dev/tock (the
 * user's entry in the per-user count), its mm's first allow, and its own
 * RLIMIT_MEMLOCK, which must have its whole room again after close.
 */
static void fi_user(struct __test_metadata *_metadata,
		    FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	struct rlimit rl = {
		FI_USER_PAGES * self->page, FI_USER_PAGES * self->page
	};
	struct fi_slot rw = { 0, 0 }, sub = { 0, 0 };
	size_t len = 2 * self->page;
	struct tock_ioc_allow a = {
		.driver = TOCK_DRIVER_TEST,
		.size = FI_USER_PAGES * self->page,
	};
	uint8_t *buf, *probe;
	bool fn, queued;
	int fd;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	probe = mmap(NULL, a.size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_NE(MAP_FAILED, probe);
	memset(buf, 1, len);
	memset(probe, 1, a.size);
	a.addr = (uintptr_t)probe;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl));
	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setresgid(FI_UID, FI_UID, FI_UID));
	ASSERT_EQ(0, setresuid(FI_UID, FI_UID, FI_UID));

	r->fd = fi_open(_metadata, r, "open");
	fi_allow(_metadata, r, TOCK_IOC_ALLOW_RW, TOCK_DRIVER_TEST, 0, buf,
		 len, &rw, "allow rw");
	fi_command(_metadata, r, TOCK_DRIVER_TEST, TOCK_TEST_CMD_FILL_NOW, 2,
		   0, TOCK_RET_SUCCESS_U32, rw.size, "command fill");
	fn = fi_subscribe(_metadata, r, TOCK_DRIVER_TEST, 0, FI_UPCALL_FN,
			  FI_USERDATA, &sub, "subscribe");
	queued = fi_command(_metadata, r, TOCK_DRIVER_TEST,
			    TOCK_TEST_CMD_UPCALLS, 1, FI_UPCALL_VAL,
			    TOCK_RET_SUCCESS_U32, 1, "command upcalls");
	fi_yield(_metadata, r, TOCK_YIELD_NO_WAIT, 0, 0, queued && fn,
		 FI_UPCALL_FN, 0, FI_UPCALL_VAL, "yield no-wait");
	fi_close(_metadata, r, &r->fd, "close");

	/* Succeeds only if this user's locked_vm is 0 again. */
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tock_raw_allow_rw(fd, &a));
	EXPECT_EQ(TOCK_RET_SUCCESS_U32_U32, a.rtype) {
		TH_LOG("run %u (failure in %s): user %d's locked_vm leaked",
		       r->n, r->where, FI_UID);
	}
	close(fd);
	EXPECT_TRUE(test_vmpin_settle(0));
}

static void fi_user_child(struct __test_metadata *_metadata,
			  FIXTURE_DATA(failinject) *self, struct fi_run *r)
{
	fi_run_in_child(_metadata, self, r, fi_user);
}

TEST_F_TIMEOUT(failinject, fresh_process_of_a_user, FI_TIMEOUT)
{
	FI_SKIP_IF_COMPAT();
	fi_sweep(_metadata, self, "fresh_process_of_a_user", fi_user_child);
}

TEST_HARNESS_MAIN
