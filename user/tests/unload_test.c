// SPDX-License-Identifier: GPL-2.0
/*
 * unload_test: the modules' lifecycle under load.  While a process holds
 * an fd, allows, queued upcalls and a delayed access of the test driver,
 * unloading each driver module and the core is refused (the module is in
 * use) or, for a driver the process never used, succeeds and leaves
 * NODEVICE behind; the process's own state is intact afterwards.  A
 * SIGKILL during a huge allow, a blocked yield or a driver's held access
 * ends the process promptly and leaves no pin behind.  Every module
 * unloaded is loaded again, from $TOCK_MODULE_DIR (default /modules,
 * where scripts/vm-run puts them), before the test ends.  Needs root.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "tock_test.h"

#define CORE			"tockallow"
#define MODULE_DIR_ENV		"TOCK_MODULE_DIR"
#define MODULE_DIR		"/modules"
#define MAX_MODULES		16
#define NAME_LEN		64
/* How long a released module may stay in use (grants go from a work item). */
#define UNLOAD_WAIT_MS		5000
/* Upcalls queued before the unloads, and the fill's delay. */
#define QUEUED			5
#define LATER_MS		300
/* A huge allow: far more than the process may pin, so it is refused... */
#define HUGE_LEN		(512UL << 20)
/* ...unless the cap and the limit are raised for it, as here. */
#define BUFFER_PARAM	"/sys/module/tockallow/parameters/max_buffer_size"
/* How long a killed process may take to be reaped. */
#define KILL_MS			2500
#define HOLD_MS			2000

/* The sample drivers' modules and their numbers. */
static const struct {
	const char *module;
	uint32_t num;
} unload_drivers[] = {
	{ "tock_alarm", TOCK_DRIVER_ALARM },
	{ "tock_console", TOCK_DRIVER_CONSOLE },
	{ "tock_led", TOCK_DRIVER_LED },
	{ "tock_button", TOCK_DRIVER_BUTTON },
	{ "tock_rng", TOCK_DRIVER_RNG },
	{ "tock_crc", TOCK_DRIVER_CRC },
	{ "tock_testdrv", TOCK_DRIVER_TEST },
};

FIXTURE(unload)
{
	size_t page;
	/* The modules using the core when the test started, in load order. */
	char users[MAX_MODULES][NAME_LEN];
	int nusers;
	char dir[256];
	struct test_pins pins;
};

/* Whether module @name is loaded; its use count in @refs. */
static bool unload_loaded(const char *name, int *refs)
{
	char line[1024], mod[NAME_LEN];
	bool found = false;
	int n;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %*u %d", mod, &n) == 2 &&
		    !strcmp(mod, name)) {
			found = true;
			if (refs)
				*refs = n;
		}
	}
	fclose(f);
	return found;
}

/*
 * The modules that use the core, from /proc/modules' "used by" column,
 * most recently loaded first (the order the kernel lists them in).
 */
static int unload_core_users(char users[][NAME_LEN], int max)
{
	char line[1024], mod[NAME_LEN], by[512], *tok, *save;
	int n = 0;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %*u %*d %511s", mod, by) != 2 ||
		    strcmp(mod, CORE))
			continue;
		for (tok = strtok_r(by, ",", &save); tok && n < max;
		     tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, "-"))
				snprintf(users[n++], NAME_LEN, "%s", tok);
	}
	fclose(f);
	return n;
}

static int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Unload @name, waiting out a grant's release from its work item. */
static int unload_module_wait(const char *name)
{
	int waited, ret;

	for (waited = 0; ; waited += 10) {
		ret = unload_module(name);
		if (ret != -EAGAIN && ret != -EBUSY)
			return ret;
		if (waited >= UNLOAD_WAIT_MS)
			return ret;
		test_sleep_ms(10);
	}
}

static int unload_load(const char *dir, const char *name)
{
	char path[512];
	int fd, ret = 0;

	if (unload_loaded(name, NULL))
		return 0;
	snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		ret = -errno;
	close(fd);
	return ret;
}

static uint32_t unload_driver_num(const char *module, bool *known)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unload_drivers); i++) {
		if (!strcmp(unload_drivers[i].module, module)) {
			*known = true;
			return unload_drivers[i].num;
		}
	}
	*known = false;
	return 0;
}

FIXTURE_SETUP(unload)
{
	const char *dir = getenv(MODULE_DIR_ENV);
	char path[512];
	int i;

	self->page = test_page();
	self->nusers = 0;
	if (geteuid() != 0)
		SKIP(return, "needs root to unload and load modules");
	if (!unload_loaded(CORE, NULL))
		SKIP(return, "tockallow not loaded");
	snprintf(self->dir, sizeof(self->dir), "%s", dir ? dir : MODULE_DIR);
	self->nusers = unload_core_users(self->users, MAX_MODULES);
	ASSERT_LE(0, self->nusers);
	/* Everything unloaded must come back: each .ko must be there. */
	for (i = 0; i <= self->nusers; i++) {
		snprintf(path, sizeof(path), "%s/%s.ko", self->dir,
			 i == self->nusers ? CORE : self->users[i]);
		if (access(path, R_OK)) {
			self->nusers = 0;
			SKIP(return, "no %s to load again ($%s)", path,
			     MODULE_DIR_ENV);
		}
	}
	if (!driver_exists(TOCK_DRIVER_TEST))
		SKIP(return, "tockallow test driver missing");
	tock_close();
	test_pins_read(&self->pins);
}

FIXTURE_TEARDOWN(unload)
{
	int i;

	tock_close();
	if (!self->nusers)
		return;
	/* The core first, then its users in the order they were loaded. */
	if (unload_load(self->dir, CORE))
		fprintf(stderr, "# cannot load %s again\n", CORE);
	for (i = self->nusers - 1; i >= 0; i--)
		if (unload_load(self->dir, self->users[i]))
			fprintf(stderr, "# cannot load %s again\n",
				self->users[i]);
}

static void unload_reload_all(struct __test_metadata *_metadata,
			      FIXTURE_DATA(unload) *self)
{
	const char *name;
	int i;

	ASSERT_EQ(0, unload_load(self->dir, CORE));
	for (i = 0; i < self->nusers; i++) {
		name = self->users[self->nusers - 1 - i];
		ASSERT_EQ(0, unload_load(self->dir, name)) {
			TH_LOG("load %s", name);
		}
	}
}

TEST_F(unload, every_module_under_load_is_refused_or_leaves_nodevice)
{
	uint8_t *buf = mmap(NULL, 4 * self->page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool known, gone[MAX_MODULES] = { false };
	yield_waitfor_return_t r;
	syscall_return_t ret;
	uint32_t num;
	int i, err;

	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 0, 4 * self->page);
	/* An fd, an allow, queued upcalls and a delayed fill in flight. */
	ASSERT_TRUE(allow_readwrite(TOCK_DRIVER_TEST, 0, buf,
				    4 * self->page).success);
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_UPCALLS, QUEUED, 9));
	ASSERT_TRUE(test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, LATER_MS, 0x5c));

	for (i = 0; i < self->nusers; i++) {
		num = unload_driver_num(self->users[i], &known);
		err = unload_module(self->users[i]);
		if (!strcmp(self->users[i], "tock_testdrv")) {
			/* This process has state with it: in use. */
			EXPECT_TRUE(err == -EAGAIN || err == -EBUSY) {
				TH_LOG("unloading %s in use: %s",
				       self->users[i], strerror(-err));
			}
			continue;
		}
		EXPECT_TRUE(err == 0 || err == -EAGAIN || err == -EBUSY) {
			TH_LOG("unloading %s: %s", self->users[i],
			       strerror(-err));
		}
		gone[i] = err == 0;
		TH_LOG("%s: %s", self->users[i],
		       err ? strerror(-err) : "unloaded");
		if (gone[i] && known) {
			ret = command(num, 0, 0, 0);
			EXPECT_EQ(TOCK_SYSCALL_FAILURE, ret.type);
			EXPECT_EQ(TOCK_STATUSCODE_NODEVICE, ret.data[0]) {
				TH_LOG("%s unloaded, command 0 of 0x%x: %s",
				       self->users[i], num,
				       tock_strerr((statuscode_t)ret.data[0]));
			}
			EXPECT_EQ(TOCK_STATUSCODE_NODEVICE,
				  allow_readonly(num, 0, buf, 1).status);
			EXPECT_EQ(TOCK_STATUSCODE_NODEVICE,
				  subscribe(num, 0, NULL, NULL).status);
		}
	}
	/* Its own fd and its drivers' modules hold the core. */
	err = unload_module(CORE);
	EXPECT_TRUE(err == -EAGAIN || err == -EBUSY) {
		TH_LOG("unloading %s in use: %s", CORE, strerror(-err));
	}

	/* Everything of the process is still there. */
	for (i = 0; i < QUEUED; i++) {
		r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
		EXPECT_EQ((uint32_t)i, r.data0);
		EXPECT_EQ(9U, r.data1);
	}
	r = yield_wait_for(TOCK_DRIVER_TEST, TEST_UPCALL_FILL);
	EXPECT_EQ(TOCK_STATUSCODE_SUCCESS, r.data0);
	EXPECT_EQ(4 * self->page, r.data1);
	EXPECT_TRUE(test_all_bytes(buf, 4 * self->page, 0x5c));

	/* Loaded again, a driver answers the same open process. */
	unload_reload_all(_metadata, self);
	for (i = 0; i < self->nusers; i++) {
		num = unload_driver_num(self->users[i], &known);
		if (gone[i] && known)
			EXPECT_TRUE(driver_exists(num)) {
				TH_LOG("%s loaded again", self->users[i]);
			}
	}
	ASSERT_TRUE(allow_readwrite(TOCK_DRIVER_TEST, 0, NULL, 0).success);
	munmap(buf, 4 * self->page);
}

TEST_F(unload, core_unloads_once_its_users_and_files_are_gone)
{
	int fd, i, err;

	/* Nothing of this process holds a driver: each one unloads. */
	for (i = 0; i < self->nusers; i++)
		ASSERT_EQ(0, unload_module_wait(self->users[i])) {
			TH_LOG("unloading %s", self->users[i]);
		}
	fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* An open file holds the core. */
	err = unload_module(CORE);
	EXPECT_TRUE(err == -EAGAIN || err == -EBUSY) {
		TH_LOG("unloading %s with a file open: %s", CORE,
		       strerror(-err));
	}
	EXPECT_EQ(TOCK_STATUSCODE_NODEVICE,
		  allow_readwrite(TOCK_DRIVER_TEST, 0, NULL, 0).status);
	close(fd);
	tock_close();
	ASSERT_EQ(0, unload_module_wait(CORE));
	EXPECT_FALSE(unload_loaded(CORE, NULL));
	unload_reload_all(_metadata, self);
	EXPECT_TRUE(driver_exists(TOCK_DRIVER_TEST));
}

/*
 * In a child: the test driver's state, a delayed fill in flight and a
 * blocked yield, until it is killed.  Tells @ready before blocking.
 */
static int unload_child_blocked(int ready, size_t page)
{
	uint8_t *buf = mmap(NULL, page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tock_ioc_yield y;
	char byte = 1;

	if (buf == MAP_FAILED)
		return 1;
	if (!allow_readwrite(TOCK_DRIVER_TEST, 0, buf, page).success)
		return 2;
	if (!test_cmd_ok(TOCK_TEST_CMD_FILL_LATER, 10000, 1))
		return 3;
	if (write(ready, &byte, 1) != 1)
		return 4;
	memset(&y, 0, sizeof(y));
	y.mode = TOCK_YIELD_WAIT;
	/* Nothing is due: this blocks until the kill. */
	tock_raw_yield(tock_fd(), &y);
	return 5;
}

static long unload_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* SIGKILL @pid and reap it; the time that took, or -1. */
static long unload_kill(pid_t pid, int *status)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (kill(pid, SIGKILL) || waitpid(pid, status, 0) != pid)
		return -1;
	return unload_ms_since(&t0);
}

static void unload_expect_pins_released(struct __test_metadata *_metadata,
					FIXTURE_DATA(unload) *self)
{
	struct test_pins now;

	EXPECT_TRUE(test_pins_settle(&self->pins, &now)) {
		TH_LOG("%lld pins acquired, %lld released",
		       now.acquired - self->pins.acquired,
		       now.released - self->pins.released);
	}
}

TEST_F(unload, kill_during_blocked_yield_releases_the_driver)
{
	int ready[2], status, err;
	char byte;
	long ms;
	pid_t pid;

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unload_child_blocked(ready[1], self->page));
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &byte, 1));
	close(ready[0]);
	test_sleep_ms(50);
	/* The child's state and its fill in flight hold the test driver. */
	err = unload_module("tock_testdrv");
	EXPECT_TRUE(err == -EAGAIN || err == -EBUSY) {
		TH_LOG("unloading tock_testdrv in use: %s", strerror(-err));
	}
	ms = unload_kill(pid, &status);
	ASSERT_LE(0, ms);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	TH_LOG("killed in a blocked yield: reaped after %ld ms", ms);
	EXPECT_GT(KILL_MS, ms);
	/* Its fill never ran; its state is gone and the module is free. */
	EXPECT_EQ(0, unload_module_wait("tock_testdrv"));
	unload_expect_pins_released(_metadata, self);
	unload_reload_all(_metadata, self);
	EXPECT_TRUE(driver_exists(TOCK_DRIVER_TEST));
}

/* In a child: the test driver holds its buffer open; tells @ready. */
static int unload_child_held(int ready, size_t page)
{
	uint8_t *buf = mmap(NULL, page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char byte = 1;

	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 0, page);
	if (!allow_readwrite(TOCK_DRIVER_TEST, 0, buf, page).success)
		return 2;
	if (!test_cmd_ok(TOCK_TEST_CMD_HOLD_LATER, HOLD_MS, 0))
		return 3;
	/* Let the work item enter the buffer. */
	test_sleep_ms(100);
	if (write(ready, &byte, 1) != 1)
		return 4;
	for (;;)
		pause();
}

TEST_F(unload, kill_during_held_access_waits_for_it_only)
{
	int ready[2], status;
	char byte;
	long ms;
	pid_t pid;

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unload_child_held(ready[1], self->page));
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &byte, 1));
	close(ready[0]);
	ms = unload_kill(pid, &status);
	ASSERT_LE(0, ms);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* Its exit waits for the access, which ends within HOLD_MS. */
	TH_LOG("killed during a held access: reaped after %ld ms", ms);
	EXPECT_GT(HOLD_MS + KILL_MS, ms);
	EXPECT_EQ(0, unload_module_wait("tock_testdrv"));
	unload_expect_pins_released(_metadata, self);
	unload_reload_all(_metadata, self);
}

/*
 * In a child: allow HUGE_LEN bytes that were never touched, so that the
 * pin faults every page in.  Tells @ready just before.
 */
static int unload_child_huge(int ready)
{
	uint8_t *buf = mmap(NULL, HUGE_LEN, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			    -1, 0);
	char byte = 1;

	if (buf == MAP_FAILED)
		return 1;
	/* Small pages: each one is a fault of its own. */
	madvise(buf, HUGE_LEN, MADV_NOHUGEPAGE);
	if (write(ready, &byte, 1) != 1)
		return 2;
	/* Only a kill should end it: finishing is a failure. */
	return allow_readwrite(TOCK_DRIVER_TEST, 0, buf, HUGE_LEN).success ?
	       3 : 4;
}

TEST_F_TIMEOUT(unload, kill_during_huge_allow_stops_it, 120)
{
	char old[32] = "", now[32];
	int ready[2], status;
	char byte;
	long ms;
	pid_t pid;
	FILE *f;

	f = fopen(BUFFER_PARAM, "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	old[strcspn(old, "\n")] = '\0';
	snprintf(now, sizeof(now), "%lu", HUGE_LEN);
	ASSERT_EQ(0, test_write_file(BUFFER_PARAM, now));

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	pid = fork();
	if (pid == 0)
		_exit(unload_child_huge(ready[1]));
	close(ready[1]);
	EXPECT_LE(0, pid);
	if (pid > 0 && read(ready[0], &byte, 1) == 1) {
		/* Well into the pin, far from its end. */
		test_sleep_ms(200);
		ms = unload_kill(pid, &status);
		EXPECT_LE(0, ms);
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			TH_LOG("the allow ended before the kill (status %#x)",
			       status);
		}
		TH_LOG("killed during a %lu MiB allow: reaped after %ld ms",
		       HUGE_LEN >> 20, ms);
		EXPECT_GT(KILL_MS, ms);
	}
	close(ready[0]);
	EXPECT_EQ(0, test_write_file(BUFFER_PARAM, old));
	unload_expect_pins_released(_metadata, self);
}

/* Children racing the unloads, and the unload and load rounds. */
#define RACERS			2
#define RACE_ROUNDS		30
#define RACE_BYTES		16

/*
 * In a child, until @stop reads EOF or one byte: open a process, use the
 * rng driver (command 0, an allow, a fill) and close it again, with the
 * driver loaded or not.  Every answer must be the driver's or NODEVICE.
 * Returns 0 or the failed step.
 */
static int unload_racer(int stop)
{
	struct tock_ioc_command c;
	struct tock_ioc_allow a;
	uint8_t buf[RACE_BYTES];
	struct pollfd pfd = { .fd = stop, .events = POLLIN };
	int fd;

	while (poll(&pfd, 1, 0) == 0) {
		fd = open(tock_device_path(), O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return 1;
		memset(&c, 0, sizeof(c));
		c.driver = TOCK_DRIVER_RNG;
		if (tock_raw_command(fd, &c))
			return 2;
		if (c.rtype != TOCK_RET_SUCCESS &&
		    !(c.rtype == TOCK_RET_FAILURE &&
		      c.data[0] == TOCK_STATUS_NODEVICE))
			return 3;
		memset(&a, 0, sizeof(a));
		a.driver = TOCK_DRIVER_RNG;
		a.addr = (uintptr_t)buf;
		a.size = sizeof(buf);
		if (tock_raw_allow_rw(fd, &a))
			return 4;
		if (a.status != TOCK_STATUS_SUCCESS &&
		    a.status != TOCK_STATUS_NODEVICE)
			return 5;
		memset(&c, 0, sizeof(c));
		c.driver = TOCK_DRIVER_RNG;
		c.command_num = 1;
		c.arg1 = sizeof(buf);
		if (tock_raw_command(fd, &c))
			return 6;
		if (c.rtype != TOCK_RET_SUCCESS &&
		    !(c.rtype == TOCK_RET_FAILURE &&
		      c.data[0] == TOCK_STATUS_NODEVICE))
			return 7;
		/* Closed with the fill in flight, or done. */
		close(fd);
	}
	return 0;
}

TEST_F_TIMEOUT(unload, driver_unload_races_processes_using_it, 120)
{
	int stop[2], i, status, unloaded = 0, err;
	pid_t pids[RACERS];

	if (!unload_loaded("tock_rng", NULL))
		SKIP(return, "no tock_rng module");
	ASSERT_EQ(0, pipe2(stop, O_CLOEXEC));
	for (i = 0; i < RACERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(stop[1]);
			_exit(unload_racer(stop[0]));
		}
		ASSERT_LE(0, pids[i]);
	}
	close(stop[0]);
	for (i = 0; i < RACE_ROUNDS; i++) {
		err = unload_module("tock_rng");
		EXPECT_TRUE(err == 0 || err == -EAGAIN || err == -EBUSY) {
			TH_LOG("unloading tock_rng: %s", strerror(-err));
		}
		if (!err) {
			unloaded++;
			ASSERT_EQ(0, unload_load(self->dir, "tock_rng"));
		}
		test_sleep_ms(i % 7);
	}
	close(stop[1]);
	for (i = 0; i < RACERS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("racer %d failed at step %d", i,
			       WEXITSTATUS(status));
		}
	}
	TH_LOG("tock_rng unloaded and loaded again %d times of %d",
	       unloaded, RACE_ROUNDS);
	unload_expect_pins_released(_metadata, self);
}

TEST_HARNESS_MAIN
